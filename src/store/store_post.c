/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_post.c: the store's posts and comments: writing, reading and
 * listing them.
 *
 * A listing is one page of an index walk from a cursor, the (key, id) of
 * the last post of the page before, never OFFSET. A post's comments come
 * in one query in id order; the caller builds and sorts the tree.
 */
#include "store_int.h"

#include <math.h>

/* ---- posts ----------------------------------------------------------- */

/*
 * Creates post p (community_id, author_id, title, url or body with
 * body_html, created, and the locked, stickied, nsfw, spoiler and held
 * flags) with its author's +1 vote: score 1, hot rank of a score of 1,
 * no comments yet. Counts it in the community. Sets *id. Returns STORE_NOTFOUND for an
 * unknown community or author.
 */
int
store_post_create(struct store *s, const struct post *p, int64_t *id)
{
	int64_t pid = 0;
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run(s, STMT_POST_INSERT, STORE_PARAMS(
	    store_v_int(p->community_id), store_v_int(p->author_id),
	    store_v_text(p->title), store_v_text(p->url),
	    store_v_text(p->body), store_v_text(p->body_html),
	    store_v_int(p->created), store_v_real(rank_hot(1, p->created)),
	    store_v_int(p->locked), store_v_int(p->stickied),
	    store_v_int(p->nsfw), store_v_int(p->held)), NULL, NULL);
	if (rc == STORE_OK) {
		pid = s->be->last_id(s->conn);
		rc = store__run(s, STMT_VOTE_UPSERT, STORE_PARAMS(
		    store_v_int(p->author_id), store_v_int(VOTE_POST),
		    store_v_int(pid), store_v_int(1), store_v_int(p->created)),
		    NULL, NULL);
	}
	if (rc == STORE_OK && p->flair != NULL)
		rc = store__run_one(s, STMT_POST_SET_FLAIR, STORE_PARAMS(
		    store_v_int(pid), store_v_text(p->flair)));
	if (rc == STORE_OK && p->spoiler)
		rc = store__run_one(s, STMT_POST_SET_MARKS, STORE_PARAMS(
		    store_v_int(pid), store_v_int(p->nsfw), store_v_int(1)));
	if (rc == STORE_OK)
		rc = store__run_one(s, STMT_COMMUNITY_ADD_POST,
		    STORE_PARAMS(store_v_int(p->community_id)));
	rc = store__tx_end(s, rc);
	if (rc == STORE_OK && id != NULL)
		*id = pid;
	return rc;
}

/*
 * Fills *out with post id, its community and author names, and my_vote
 * for viewer_id (0 when signed out). Strings are in a. Returns
 * STORE_NOTFOUND when there is no such post; deleted and removed posts are
 * returned with their flags set.
 */
int
store_post_get(struct store *s, struct arena *a, int64_t id,
    int64_t viewer_id, struct post *out)
{
	return store__get(s, STMT_POST_GET, STORE_PARAMS(store_v_int(viewer_id),
	    store_v_int(id)), &store__post_row, a, out);
}

/*
 * Fills *out with what a write that checks post id and links to it
 * needs: its ids, community name, title, times, counts and flags (locked,
 * removed, deleted, held, nsfw, spoiler, flair); author, url, body,
 * my_vote, saved, hidden, the flairs' text and has_poll are left NULL or
 * 0. Strings are in a. Returns STORE_NOTFOUND when there is no such post.
 */
int
store_post_brief(struct store *s, struct arena *a, int64_t id,
    struct post *out)
{
	return store__get(s, STMT_POST_BRIEF, STORE_PARAMS(store_v_int(id)),
	    &store__post_row, a, out);
}

/* Listing statements by sort: every community, one, Home (the global
 * walk), one community's posts of one flair. */
static const enum store_stmt list_stmt[][4] = {
	[SORT_HOT] = { STMT_POST_LIST_HOT, STMT_POST_LIST_HOT_C,
	    STMT_POST_LIST_HOT_HOME, STMT_POST_LIST_HOT_F },
	[SORT_NEW] = { STMT_POST_LIST_NEW, STMT_POST_LIST_NEW_C,
	    STMT_POST_LIST_NEW_HOME, STMT_POST_LIST_NEW_F },
	[SORT_TOP] = { STMT_POST_LIST_TOP, STMT_POST_LIST_TOP_C,
	    STMT_POST_LIST_TOP_HOME, STMT_POST_LIST_TOP_F },
	[SORT_ACTIVE] = { STMT_POST_LIST_ACTIVE, STMT_POST_LIST_ACTIVE_C,
	    STMT_POST_LIST_ACTIVE_HOME, STMT_POST_LIST_ACTIVE_F },
	[SORT_CONTROVERSIAL] = { STMT_POST_LIST_CONTROVERSIAL,
	    STMT_POST_LIST_CONTROVERSIAL_C, STMT_POST_LIST_CONTROVERSIAL_HOME,
	    STMT_POST_LIST_CONTROVERSIAL_F },
};

/* Column of STMT_POST_CURSOR holding each sort's key. */
static const int cursor_col[] = {
	[SORT_HOT] = 0,
	[SORT_NEW] = 1,
	[SORT_TOP] = 2,
	[SORT_ACTIVE] = 3,
	[SORT_CONTROVERSIAL] = 4,
};

/*
 * Lists one page of posts for q into *out, an array of *n in a. With
 * author_id set, that author's posts newest first whatever the sort
 * (profiles); otherwise by q->sort, narrowed to community_id when set, or
 * with home to the communities viewer_id subscribes to, and
 * for SORT_TOP to created >= since. Ties on the sort key go to the higher
 * id. q->after continues after that post (a post that does not exist
 * gives an empty page). limit is capped at 100; <= 0 means 25. Stickied
 * posts are left out unless include_stickied; removed, deleted and held
 * posts always. my_vote is the viewer's.
 */
int
store_post_list(struct store *s, struct arena *a,
    const struct post_query *q, struct post **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &store__post_row);
	struct store_val params[8];
	struct store_val key, after_id;
	enum post_sort sort = q->author_id != 0 ? SORT_NEW : q->sort;
	enum store_stmt st;
	size_t np = 0;
	int limit, rc;

	*out = NULL;
	*n = 0;
	if ((int)sort < 0 || (size_t)sort >= ARRAY_LEN(list_stmt)) {
		log_msg(LOG_ERR, "store", "bad post sort %d", (int)sort);
		return STORE_ERR;
	}
	limit = q->limit <= 0 ? STORE_PAGE_DEFAULT :
	    q->limit > STORE_PAGE_MAX ? STORE_PAGE_MAX : q->limit;

	/* The first page starts above every key; later pages after the
	 * cursor post's own (key, id). */
	if (sort == SORT_HOT || sort == SORT_CONTROVERSIAL)
		key = store_v_real(HUGE_VAL);
	else
		key = store_v_int(INT64_MAX);
	after_id = store_v_int(INT64_MAX);
	if (q->after != 0) {
		struct store_numbers cur = { .found = false };

		rc = store__run(s, STMT_POST_CURSOR, STORE_PARAMS(
		    store_v_int(q->after)), store__numbers_cb, &cur);
		if (rc != STORE_OK)
			return rc;
		if (!cur.found || cur.n <= (size_t)cursor_col[sort])
			return STORE_OK;
		key = cur.vals[cursor_col[sort]];
		after_id = store_v_int(q->after);
	}
	if (q->home && q->community_id == 0 && q->author_id == 0) {
		bool merged;

		rc = store__home_list(s, a, q, sort, key, after_id, limit,
		    &merged, out, n);
		if (rc != STORE_OK || merged)
			return rc;
	}

	params[np++] = store_v_int(q->viewer_id);
	params[np++] = key;
	params[np++] = after_id;
	params[np++] = store_v_int(q->include_stickied);
	params[np++] = store_v_int(limit);
	if (q->author_id != 0) {
		st = STMT_POST_LIST_AUTHOR;
		params[np++] = store_v_int(q->author_id);
	} else if (q->home && q->community_id == 0) {
		/* Home when the global walk costs less than the merge
		 * (store_home.c; struct viewer tells the caller whether
		 * there are any subscriptions) */
		st = list_stmt[sort][2];
		if (sort == SORT_TOP)
			params[np++] = store_v_int(q->since);
	} else if (q->flair != NULL && q->community_id != 0) {
		/* richer posts: one flair's posts, on its own index */
		st = list_stmt[sort][3];
		params[np++] = store_v_int(q->community_id);
		params[np++] = store_v_text(q->flair);
		if (sort == SORT_TOP)
			params[np++] = store_v_int(q->since);
	} else {
		st = list_stmt[sort][q->community_id != 0];
		if (q->community_id != 0)
			params[np++] = store_v_int(q->community_id);
		if (sort == SORT_TOP)
			params[np++] = store_v_int(q->since);
	}

	m.cap = (size_t)limit;
	m.items = arena_zalloc(a, m.cap * m.size);
	rc = store__run(s, st, params, np, store__many_cb, &m);
	if (rc == STORE_OK) {
		*out = (struct post *)m.items;
		*n = m.n;
	}
	return rc;
}

/*
 * Saves item id's version to its history (save) and runs edit with params,
 * in one transaction; STORE_NOTFOUND when edit changes no row.
 */
static int
edit_keeping_history(struct store *s, enum store_stmt save, int64_t id,
    enum store_stmt edit, const struct store_val *params, size_t nparams)
{
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run(s, save, STORE_PARAMS(store_v_int(id)), NULL, NULL);
	if (rc == STORE_OK)
		rc = store__run_one(s, edit, params, nparams);
	return store__tx_end(s, rc);
}

/*
 * Runs del on item id and drops its history (kind HISTORY_POST or
 * HISTORY_COMMENT) in one transaction; STORE_NOTFOUND when del changes
 * no row.
 */
static int
delete_with_history(struct store *s, enum store_stmt del,
    enum history_kind kind,
    int64_t id)
{
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run_one(s, del, STORE_PARAMS(store_v_int(id)));
	if (rc == STORE_OK)
		rc = store__run(s, STMT_HISTORY_DELETE, STORE_PARAMS(
		    store_v_int(kind), store_v_int(id)), NULL, NULL);
	return store__tx_end(s, rc);
}

/*
 * Replaces a post's body and body_html (NULL for a link post), and its
 * title unless title is NULL; marks it edited at now. The version before
 * goes to its history in the same transaction (store_history.c).
 * Returns STORE_NOTFOUND when there is no such post.
 */
int
store_post_edit(struct store *s, int64_t id, const char *title,
    const char *body, const char *body_html, int64_t now)
{
	return edit_keeping_history(s, STMT_HISTORY_SAVE_POST, id,
	    STMT_POST_EDIT, STORE_PARAMS(store_v_int(id), store_v_text(title),
	    store_v_text(body), store_v_text(body_html), store_v_int(now)));
}

/*
 * Marks a post deleted by its author: the url, body and body_html are
 * dropped for good, its earlier versions too; the title, votes, comments
 * and the edited time stay (views show a placeholder for the title:
 * app_post_title). Returns STORE_NOTFOUND when there is no such post.
 */
int
store_post_delete(struct store *s, int64_t id, int64_t now)
{
	(void)now;
	return delete_with_history(s, STMT_POST_DELETE, HISTORY_POST, id);
}

/* ---- comments -------------------------------------------------------- */

/*
 * Creates comment c (post_id, parent_id or 0, author_id, body, body_html,
 * created, held) one level below its parent, with its author's +1 vote;
 * counts it in the post and moves the post's last_comment (the key of
 * the active sort) forward, or where store_rank_batched queues the post
 * for store_rank_catch_up to move it. Sets *id.
 * Returns STORE_NOTFOUND for an unknown post, parent or author, and
 * STORE_CONFLICT when the parent belongs to another post.
 */
int
store_comment_create(struct store *s, const struct comment *c, int64_t *id)
{
	struct store_numbers parent = { .found = false };
	int64_t depth = 0, cid = 0;
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if (store_rank_batched(s)) {
		rc = store__run_one(s, STMT_POST_COUNT_COMMENT, STORE_PARAMS(
		    store_v_int(c->post_id)));
		if (rc == STORE_OK)
			rc = store__run(s, STMT_RANK_QUEUE_ADD, STORE_PARAMS(
			    store_v_int(c->post_id), store_v_int(c->created)),
			    NULL, NULL);
	} else {
		rc = store__run_one(s, STMT_POST_ADD_COMMENT, STORE_PARAMS(
		    store_v_int(c->post_id), store_v_int(c->created)));
	}
	if (rc != STORE_OK)
		goto out;
	if (c->parent_id != 0) {
		rc = store__run(s, STMT_COMMENT_PARENT,
		    STORE_PARAMS(store_v_int(c->parent_id)), store__numbers_cb,
		    &parent);
		if (rc != STORE_OK)
			goto out;
		if (!parent.found || parent.n < 2) {
			rc = STORE_NOTFOUND;
			goto out;
		}
		if (store__col_i64(&parent.vals[0]) != c->post_id) {
			rc = STORE_CONFLICT;
			goto out;
		}
		depth = store__col_i64(&parent.vals[1]) + 1;
	}
	rc = store__run(s, STMT_COMMENT_INSERT, STORE_PARAMS(
	    store_v_int(c->post_id),
	    c->parent_id ? store_v_int(c->parent_id) : store_v_null(),
	    store_v_int(c->author_id), store_v_text(c->body),
	    store_v_text(c->body_html), store_v_int(c->created),
	    store_v_int(depth), store_v_int(c->held)), NULL, NULL);
	if (rc != STORE_OK)
		goto out;
	cid = s->be->last_id(s->conn);
	rc = store__run(s, STMT_VOTE_UPSERT, STORE_PARAMS(
	    store_v_int(c->author_id), store_v_int(VOTE_COMMENT),
	    store_v_int(cid), store_v_int(1), store_v_int(c->created)), NULL,
	    NULL);
out:
	rc = store__tx_end(s, rc);
	if (rc == STORE_OK && id != NULL)
		*id = cid;
	return rc;
}

/*
 * Fills *out with comment id, its author name and my_vote for viewer_id.
 * post_title and community stay NULL. Returns STORE_NOTFOUND when there
 * is no such comment.
 */
int
store_comment_get(struct store *s, struct arena *a, int64_t id,
    int64_t viewer_id, struct comment *out)
{
	return store__get(s, STMT_COMMENT_GET, STORE_PARAMS(
	    store_v_int(viewer_id), store_v_int(id)), &store__comment_row, a,
	    out);
}

/*
 * Lists every comment of a post, deleted and removed ones included, in id
 * order (so a parent comes before its replies); the caller builds and
 * sorts the tree. *out is an array of *n in a; a post without comments,
 * or an unknown one, gives none.
 */
int
store_comment_list(struct store *s, struct arena *a, int64_t post_id,
    int64_t viewer_id, struct comment **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &store__comment_row);
	int rc;

	rc = store__run(s, STMT_COMMENT_LIST, STORE_PARAMS(
	    store_v_int(viewer_id), store_v_int(post_id)), store__many_cb, &m);
	*out = rc == STORE_OK ? (struct comment *)m.items : NULL;
	*n = rc == STORE_OK ? m.n : 0;
	return rc;
}

/*
 * Lists one page of an author's comments, newest first, after the comment
 * id after (0 for the first page), with post_title and community set for
 * links. Removed, deleted and held comments are left out. limit as in
 * store_post_list; my_vote is 0.
 */
int
store_comments_by_author(struct store *s, struct arena *a,
    int64_t author_id, int64_t after, int limit, struct comment **out,
    size_t *n)
{
	struct store_many m = STORE_MANY(a, &store__comment_link_row);
	struct store_val key = store_v_int(INT64_MAX);
	struct store_val after_id = store_v_int(INT64_MAX);
	int rc;

	*out = NULL;
	*n = 0;
	limit = limit <= 0 ? STORE_PAGE_DEFAULT :
	    limit > STORE_PAGE_MAX ? STORE_PAGE_MAX : limit;
	if (after != 0) {
		struct store_numbers cur = { .found = false };

		rc = store__run(s, STMT_COMMENT_CURSOR, STORE_PARAMS(
		    store_v_int(after)), store__numbers_cb, &cur);
		if (rc != STORE_OK)
			return rc;
		if (!cur.found || cur.n < 1)
			return STORE_OK;
		key = cur.vals[0];
		after_id = store_v_int(after);
	}
	m.cap = (size_t)limit;
	m.items = arena_zalloc(a, m.cap * m.size);
	rc = store__run(s, STMT_COMMENT_BY_AUTHOR, STORE_PARAMS(
	    store_v_int(author_id), key, after_id, store_v_int(limit)),
	    store__many_cb, &m);
	if (rc == STORE_OK) {
		*out = (struct comment *)m.items;
		*n = m.n;
	}
	return rc;
}

/*
 * Replaces a comment's body and body_html and marks it edited at now;
 * the version before goes to its history in the same transaction.
 * Returns STORE_NOTFOUND when there is no such comment.
 */
int
store_comment_edit(struct store *s, int64_t id, const char *body,
    const char *body_html, int64_t now)
{
	return edit_keeping_history(s, STMT_HISTORY_SAVE_COMMENT, id,
	    STMT_COMMENT_EDIT, STORE_PARAMS(store_v_int(id), store_v_text(body),
	    store_v_text(body_html), store_v_int(now)));
}

/*
 * Marks a comment deleted by its author and drops its text and earlier
 * versions; it keeps its place in the thread and in the post's comment
 * count.
 */
int
store_comment_delete(struct store *s, int64_t id, int64_t now)
{
	(void)now;
	return delete_with_history(s, STMT_COMMENT_DELETE, HISTORY_COMMENT, id);
}
