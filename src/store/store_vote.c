/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_vote.c: the store's votes: casting one, with the counts, ranks
 * and points it moves; re-ranking the posts that votes queued; a
 * viewer's votes on a page; and a user's votes over time.
 */
#include "store_int.h"

#include <string.h>

#define VOTES_PAGE_MAX 1000     /* a page of a user's votes at the most */

/* ---- casting a vote ------------------------------------------------- */

/*
 * True when a vote on a post leaves its rank columns (score, hot,
 * controversy), and a comment its last_comment, to store_rank_catch_up:
 * SQLite, where they are the keys of twelve indexes that the write would
 * otherwise rewrite under its one writer lock. PostgreSQL re-ranks in
 * the write's transaction.
 */
bool
store_rank_batched(const struct store *s)
{
	return s->be == &store_sqlite_backend;
}

/*
 * Sets user_id's vote on a post or comment (kind is enum vote_kind) to
 * dir: 1 up, -1 down, 0 withdrawn. In one transaction it updates the
 * target's ups and downs (the score shown is ups - downs), for comments
 * their score and for posts their rank columns or, where
 * store_rank_batched, queues the post for store_rank_catch_up, and
 * moves the target author's points by the change, unless the voter is
 * the author. Repeating the current vote changes nothing. Sets *score to
 * the target's new score. Returns STORE_NOTFOUND for an unknown target
 * and STORE_ERR for a bad kind or dir.
 */
int
store_vote_set(struct store *s, int64_t user_id, int kind,
    int64_t target_id, int dir, int64_t now, int64_t *score)
{
	struct store_numbers target = { .found = false };
	struct store_numbers old = { .found = false };
	int64_t author, ups = 0, downs = 0, created, prev = 0;
	int rc;

	if ((kind != VOTE_POST && kind != VOTE_COMMENT) || dir < -1 ||
	    dir > 1) {
		log_msg(LOG_ERR, "store", "bad vote kind %d dir %d", kind, dir);
		return STORE_ERR;
	}
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run(s, kind == VOTE_POST ? STMT_POST_VOTE_TARGET :
	    STMT_COMMENT_VOTE_TARGET, STORE_PARAMS(store_v_int(target_id)),
	    store__numbers_cb, &target);
	if (rc != STORE_OK)
		goto out;
	if (!target.found || target.n < 4) {
		rc = STORE_NOTFOUND;
		goto out;
	}
	author = store__col_i64(&target.vals[0]);
	ups = store__col_i64(&target.vals[1]);
	downs = store__col_i64(&target.vals[2]);
	created = store__col_i64(&target.vals[3]);

	rc = store__run(s, STMT_VOTE_GET, STORE_PARAMS(store_v_int(user_id),
	    store_v_int(kind), store_v_int(target_id)), store__numbers_cb,
	    &old);
	if (rc != STORE_OK)
		goto out;
	if (old.found && old.n >= 1)
		prev = store__col_i64(&old.vals[0]);
	if (prev == dir)
		goto out;

	if (dir == 0)
		rc = store__run(s, STMT_VOTE_DELETE, STORE_PARAMS(
		    store_v_int(user_id), store_v_int(kind),
		    store_v_int(target_id)), NULL, NULL);
	else
		rc = store__run(s, STMT_VOTE_UPSERT, STORE_PARAMS(
		    store_v_int(user_id), store_v_int(kind),
		    store_v_int(target_id), store_v_int(dir), store_v_int(now)),
		    NULL, NULL);
	if (rc != STORE_OK)
		goto out;

	ups += (dir == 1) - (prev == 1);
	downs += (dir == -1) - (prev == -1);
	if (kind == VOTE_POST && store_rank_batched(s)) {
		rc = store__run(s, STMT_POST_SET_UPS, STORE_PARAMS(
		    store_v_int(target_id), store_v_int(ups),
		    store_v_int(downs)), NULL, NULL);
		if (rc == STORE_OK)
			rc = store__run(s, STMT_RANK_QUEUE_ADD, STORE_PARAMS(
			    store_v_int(target_id), store_v_int(0)), NULL, NULL);
	} else if (kind == VOTE_POST) {
		rc = store__run(s, STMT_POST_SET_VOTES, STORE_PARAMS(
		    store_v_int(target_id), store_v_int(ups),
		    store_v_int(downs), store_v_int(ups - downs),
		    store_v_real(rank_hot(ups - downs, created)),
		    store_v_real(rank_controversy(ups, downs))), NULL, NULL);
	} else
		rc = store__run(s, STMT_COMMENT_SET_VOTES, STORE_PARAMS(
		    store_v_int(target_id), store_v_int(ups),
		    store_v_int(downs), store_v_int(ups - downs)), NULL, NULL);
	if (rc == STORE_OK && author != user_id)
		rc = store__run(s, STMT_USER_ADD_POINTS, STORE_PARAMS(
		    store_v_int(author), store_v_int(dir - prev)), NULL, NULL);
out:
	rc = store__tx_end(s, rc);
	if (rc == STORE_OK && score != NULL)
		*score = ups - downs;
	return rc;
}

/* ---- re-ranking the queued posts ------------------------------------ */

#define RANK_CHUNK 512          /* posts re-ranked in one transaction */

struct queued {
	int64_t id, community_id, ups, downs, created;
	int64_t last_comment;    /* its newest comment's created, or 0 */
};

struct queued_list {
	struct queued v[RANK_CHUNK];
	size_t n;
};

static int
queued_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct queued_list *l = data;
	struct queued *q;

	if (ncols < 6)
		return store__bad_row(ncols, 6);
	if (l->n == RANK_CHUNK)
		return STORE_ERR;
	q = &l->v[l->n++];
	q->id = store__col_i64(&row[0]);
	q->community_id = store__col_i64(&row[1]);
	q->ups = store__col_i64(&row[2]);
	q->downs = store__col_i64(&row[3]);
	q->created = store__col_i64(&row[4]);
	q->last_comment = store__col_i64(&row[5]);
	return STORE_OK;
}

/* Notes that community id's listings moved, once. */
static void
moved_add(struct rank_moved *m, int64_t id)
{
	for (size_t i = 0; i < m->ncommunities; i++)
		if (m->communities[i] == id)
			return;
	if (m->ncommunities == RANK_MOVED_MAX)
		m->more = true;
	else
		m->communities[m->ncommunities++] = id;
}

/* Re-ranks up to RANK_CHUNK queued posts in one transaction; *n of them. */
static int
rank_chunk(struct store *s, struct queued_list *l, struct rank_moved *m)
{
	int rc;

	l->n = 0;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run(s, STMT_RANK_QUEUE_LIST, STORE_PARAMS(
	    store_v_int(RANK_CHUNK)), queued_cb, l);
	for (size_t i = 0; i < l->n && rc == STORE_OK; i++) {
		const struct queued *q = &l->v[i];

		rc = store__run(s, STMT_POST_SET_RANK, STORE_PARAMS(
		    store_v_int(q->id), store_v_int(q->ups - q->downs),
		    store_v_real(rank_hot(q->ups - q->downs, q->created)),
		    store_v_real(rank_controversy(q->ups, q->downs)),
		    store_v_int(q->last_comment)), NULL, NULL);
	}
	if (rc == STORE_OK && l->n > 0)
		rc = store__run(s, STMT_RANK_QUEUE_DONE, STORE_PARAMS(
		    store_v_int(l->v[l->n - 1].id)), NULL, NULL);
	rc = store__tx_end(s, rc);
	if (rc == STORE_OK && m != NULL) {
		m->posts += l->n;
		for (size_t i = 0; i < l->n; i++)
			moved_add(m, l->v[i].community_id);
	}
	return rc;
}

/*
 * Recomputes score, hot and controversy, and moves last_comment up to
 * the newest comment, of every post that votes and comments queued
 * (store_rank_batched), RANK_CHUNK posts a transaction, and notes in m
 * (when not NULL; zeroed first) how many and their communities. The
 * server calls it on start and once a second off the request path, so
 * ranking order lags votes and comments by at most about a second; the
 * score and comment count shown never lag. Returns STORE_OK, STORE_BUSY or STORE_ERR; the posts of
 * a failed transaction stay queued.
 */
int
store_rank_catch_up(struct store *s, struct rank_moved *m)
{
	struct queued_list l;
	bool queued;
	int rc;

	if (m != NULL)
		memset(m, 0, sizeof(*m));
	if (!store_rank_batched(s))
		return STORE_OK;
	/* an empty queue takes no write lock */
	rc = store__run_exists(s, STMT_RANK_QUEUE_ANY, NULL, 0, &queued);
	if (rc != STORE_OK || !queued)
		return rc;
	do
		rc = rank_chunk(s, &l, m);
	while (rc == STORE_OK && l.n == RANK_CHUNK);
	return rc;
}

/* ---- a viewer's votes on a page ------------------------------------- */

struct votes_on {
	const int64_t *ids;      /* ascending */
	int *dirs;
	size_t n;
};

static int
votes_on_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct votes_on *v = data;
	size_t at;

	if (ncols < 2)
		return STORE_ERR;
	at = ids_find(v->ids, v->n, store__col_i64(&row[0]));
	if (at < v->n)
		v->dirs[at] = (int)store__col_i64(&row[1]);
	return STORE_OK;
}


/*
 * Sets dirs[i] to user_id's vote (+1, -1, or 0 for none) on the post or
 * comment (kind) ids[i], for n ids in ascending order. Comments of one
 * post (post_id, else 0) past VOTES_ON_IDS are read with one query over
 * the post's comments; otherwise VOTES_ON_IDS ids go in each query.
 */
int
store_votes_on(struct store *s, int64_t user_id, int kind, int64_t post_id,
    const int64_t *ids, size_t n, int *dirs)
{
	struct store_val v[2 + VOTES_ON_IDS];
	int rc = STORE_OK;

	for (size_t i = 0; i < n; i++)
		dirs[i] = 0;
	if (kind == VOTE_COMMENT && post_id != 0 && n > VOTES_ON_IDS) {
		struct votes_on vo = { ids, dirs, n };

		return store__run(s, STMT_COMMENT_VOTES_OF_POST, STORE_PARAMS(
		    store_v_int(user_id), store_v_int(VOTE_COMMENT),
		    store_v_int(post_id)), votes_on_cb, &vo);
	}
	v[0] = store_v_int(user_id);
	v[1] = store_v_int(kind);
	for (size_t at = 0; at < n && rc == STORE_OK; at += VOTES_ON_IDS) {
		size_t k = n - at < VOTES_ON_IDS ? n - at : VOTES_ON_IDS;
		struct votes_on vo = { ids + at, dirs + at, k };

		/* Ids are positive; 0 fills the places this round leaves. */
		for (size_t i = 0; i < VOTES_ON_IDS; i++)
			v[2 + i] = store_v_int(i < k ? ids[at + i] : 0);
		rc = store__run(s, STMT_VOTES_ON, v, ARRAY_LEN(v), votes_on_cb,
		    &vo);
	}
	return rc;
}

/* ---- a user's votes over time --------------------------------------- */

/* One vote of a user, as STMT_VOTES_BY_USER returns it. */
struct vote_row {
	int kind;
	int64_t target_id;
	int dir;
	int64_t created;
};

static int
many_vote_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;
	struct vote_row *v;

	if (ncols < 4)
		return store__bad_row(ncols, 4);
	v = store__many_push(m);
	v->kind = (int)store__col_i64(&row[0]);
	v->target_id = store__col_i64(&row[1]);
	v->dir = (int)store__col_i64(&row[2]);
	v->created = store__col_i64(&row[3]);
	return STORE_OK;
}

/*
 * Lists one page of user_id's votes, newest first (ties by kind and
 * target, descending), as *n entries of three parallel arrays in a:
 * *kinds (enum vote_kind), *targets (post or comment id), *dirs (1, -1).
 * The cursor is a time: after = 0 starts with the newest vote, otherwise
 * the page holds votes made before after. *next is the after of the
 * following page, 0 when this is the last one. A page never splits the
 * votes of one second, so paging by *next neither skips nor repeats a
 * vote: it ends early before such a second, or when more than limit
 * votes share one, holds all of them. limit <= 0 means 25, at most 1000.
 * The user's own +1 on their posts and comments are votes too.
 */
int
store_votes_by_user(struct store *s, struct arena *a, int64_t user_id,
    int64_t after, int limit, int **kinds, int64_t **targets, int **dirs,
    size_t *n, int64_t *next)
{
	struct store_many m = STORE_MANY_OF(a, struct vote_row);
	struct vote_row *v;
	int rc;

	*kinds = NULL;
	*targets = NULL;
	*dirs = NULL;
	*n = 0;
	*next = 0;
	limit = store__clamp_limit(limit, VOTES_PAGE_MAX);
	/* One row more than the page tells whether the last second goes on. */
	rc = store__run(s, STMT_VOTES_BY_USER, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(after > 0 ? after : INT64_MAX),
	    store_v_int((int64_t)limit + 1)), many_vote_cb, &m);
	if (rc != STORE_OK)
		return rc;
	if (m.n > (size_t)limit) {
		size_t keep = (size_t)limit;
		int64_t t;

		v = (struct vote_row *)m.items;
		t = v[limit].created;
		while (keep > 0 && v[keep - 1].created == t)
			keep--;
		if (keep > 0) {
			m.n = keep;
			*next = v[keep - 1].created;
		} else {
			/* The whole page is one second: take all of it. */
			m = STORE_MANY_OF(a, struct vote_row);
			rc = store__run(s, STMT_VOTES_BY_USER_AT, STORE_PARAMS(
			    store_v_int(user_id), store_v_int(t)), many_vote_cb,
			    &m);
			if (rc != STORE_OK)
				return rc;
			*next = t;
		}
	}
	if (m.n == 0)
		return STORE_OK;
	v = (struct vote_row *)m.items;
	*kinds = ARENA_ARRAY(a, int, m.n);
	*targets = ARENA_ARRAY(a, int64_t, m.n);
	*dirs = ARENA_ARRAY(a, int, m.n);
	for (size_t i = 0; i < m.n; i++) {
		(*kinds)[i] = v[i].kind;
		(*targets)[i] = v[i].target_id;
		(*dirs)[i] = v[i].dir;
	}
	*n = m.n;
	return STORE_OK;
}
