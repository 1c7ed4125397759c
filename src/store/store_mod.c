/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_mod.c: the store's moderation: removing, locking, stickying and
 * holding posts and comments, the held queue, bans, reports and the mod
 * log.
 */
#include "store_int.h"

#define STICKY_MAX 2             /* stickied posts per community */

/* ---- posts and comments ----------------------------------------------- */

/*
 * Lists the stickied posts of a community that are shown (not removed,
 * deleted or held), newest first, at most 2, with my_vote for viewer_id.
 * *out is an array of *n in a (NULL when there are none).
 */
int
store_post_stickied(struct store *s, struct arena *a, int64_t community_id,
    int64_t viewer_id, struct post **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &store__post_row);
	int rc;

	rc = store__run(s, STMT_POST_STICKIED, STORE_PARAMS(
	    store_v_int(viewer_id), store_v_int(community_id)), store__many_cb,
	    &m);
	STORE_MANY_OUT(rc, m, struct post, out, n);
	return rc;
}

/*
 * Removes a post as a moderator, keeping reason to show its author, or
 * restores it (the reason is dropped). Returns STORE_NOTFOUND for an
 * unknown post.
 */
int
store_post_set_removed(struct store *s, int64_t id, bool removed,
    const char *reason)
{
	return store__run_one(s, STMT_POST_SET_REMOVED, STORE_PARAMS(
	    store_v_int(id), store_v_int(removed),
	    removed ? store_v_text(reason) : store_v_null()));
}

/* Locks or unlocks a post; STORE_NOTFOUND for an unknown post. */
int
store_post_set_locked(struct store *s, int64_t id, bool locked)
{
	return store__run_one(s, STMT_POST_SET_LOCKED, STORE_PARAMS(
	    store_v_int(id), store_v_int(locked)));
}

/*
 * Stickies or unstickies a post. A community shows at most 2 stickied
 * posts: stickying a third returns STORE_CONFLICT (stickying one that
 * already is changes nothing). STORE_NOTFOUND for an unknown post.
 */
int
store_post_set_stickied(struct store *s, int64_t id, bool stickied)
{
	int64_t others = 0;
	int rc;

	if (!stickied)
		return store__run_one(s, STMT_POST_SET_STICKIED,
		    STORE_PARAMS(store_v_int(id), store_v_int(0)));
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run_count(s, STMT_POST_STICKY_COUNT, STORE_PARAMS(
	    store_v_int(id)), &others);
	if (rc == STORE_OK && others >= STICKY_MAX)
		rc = STORE_CONFLICT;
	if (rc == STORE_OK)
		rc = store__run_one(s, STMT_POST_SET_STICKIED,
		    STORE_PARAMS(store_v_int(id), store_v_int(1)));
	return store__tx_end(s, rc);
}

/*
 * Holds a post for review (listings skip it) or releases it. Returns
 * STORE_NOTFOUND for an unknown post.
 */
int
store_post_set_held(struct store *s, int64_t id, bool held)
{
	return store__run_one(s, STMT_POST_SET_HELD, STORE_PARAMS(
	    store_v_int(id), store_v_int(held)));
}

/* As store_post_set_removed, for a comment. */
int
store_comment_set_removed(struct store *s, int64_t id, bool removed,
    const char *reason)
{
	return store__run_one(s, STMT_COMMENT_SET_REMOVED, STORE_PARAMS(
	    store_v_int(id), store_v_int(removed), removed ?
	    store_v_text(reason) : store_v_null()));
}

/* As store_post_set_held, for a comment. */
int
store_comment_set_held(struct store *s, int64_t id, bool held)
{
	return store__run_one(s, STMT_COMMENT_SET_HELD, STORE_PARAMS(
	    store_v_int(id), store_v_int(held)));
}

/*
 * Lists a community's held posts (not removed or deleted meanwhile),
 * oldest first; limit <= 0 means 25, at most 100. my_vote is 0. *out is
 * an array of *n in a.
 */
int
store_held_posts(struct store *s, struct arena *a, int64_t community_id,
    int limit, struct post **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &store__post_row);
	int rc;

	rc = store__run(s, STMT_POST_HELD, STORE_PARAMS(store_v_int(0),
	    store_v_int(community_id), store_v_int(store__clamp_limit(limit,
	    STORE_QUEUE_MAX))), store__many_cb, &m);
	STORE_MANY_OUT(rc, m, struct post, out, n);
	return rc;
}

/*
 * Lists the held comments (not removed or deleted meanwhile) on posts of
 * a community, oldest first, with post_title and community set for
 * links; limit as in store_held_posts.
 */
int
store_held_comments(struct store *s, struct arena *a, int64_t community_id,
    int limit, struct comment **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &store__comment_link_row);
	int rc;

	rc = store__run(s, STMT_COMMENT_HELD, STORE_PARAMS(
	    store_v_int(community_id), store_v_int(store__clamp_limit(limit,
	    STORE_QUEUE_MAX))), store__many_cb, &m);
	STORE_MANY_OUT(rc, m, struct comment, out, n);
	return rc;
}

/* ---- bans ------------------------------------------------------------- */

/*
 * Bans user_id from community_id (0: site-wide) until expires (0: for
 * good), replacing any earlier ban of the same user and scope, in one
 * transaction. mod_id 0 records no moderator. Returns STORE_NOTFOUND for
 * an unknown user, community or moderator.
 */
int
store_ban_add(struct store *s, int64_t community_id, int64_t user_id,
    int64_t mod_id, const char *reason, int64_t now, int64_t expires)
{
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run(s, STMT_BAN_DELETE, STORE_PARAMS(store_v_int(user_id),
	    store__ref_val(community_id)), NULL, NULL);
	if (rc == STORE_OK)
		rc = store__run(s, STMT_BAN_INSERT, STORE_PARAMS(
		     store__ref_val(community_id), store_v_int(user_id),
		    store__ref_val(mod_id), store_v_text(reason),
		    store_v_int(now), store_v_int(expires)), NULL, NULL);
	return store__tx_end(s, rc);
}

/*
 * Lifts the ban of user_id in community_id (0: the site-wide one), expired
 * or not. Returns STORE_NOTFOUND when there was none.
 */
int
store_ban_remove(struct store *s, int64_t community_id, int64_t user_id)
{
	return store__run_one(s, STMT_BAN_DELETE, STORE_PARAMS(
	    store_v_int(user_id), store__ref_val(community_id)));
}

struct ban_out {
	struct arena *a;
	struct ban *out;
	bool found;
};

/* coalesce(community_id, 0), reason, expires; keeps the first row. */
static int
ban_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct ban_out *b = data;

	if (ncols < 3)
		return store__bad_row(ncols, 3);
	if (b->found)
		return STORE_OK;
	b->out->community_id = store__col_i64(&row[0]);
	b->out->reason = store__col_text(b->a, &row[1]);
	if (b->out->reason == NULL)
		b->out->reason = "";
	b->out->expires = store__col_i64(&row[2]);
	b->found = true;
	return STORE_OK;
}

/*
 * Fills *out (reason in a, "" when none was given) with the ban that keeps
 * user_id out of community_id at now: a site-wide ban first, then one of
 * that community; community_id 0 asks for the site-wide one only. A ban
 * is active while expires is 0 or later than now. Returns STORE_NOTFOUND
 * when no ban applies.
 */
int
store_ban_active(struct store *s, struct arena *a, int64_t user_id,
    int64_t community_id, int64_t now, struct ban *out)
{
	struct ban_out b = { a, out, false };
	int rc;

	rc = store__run(s, STMT_BAN_ACTIVE, STORE_PARAMS(store_v_int(user_id),
	    store_v_null(), store_v_int(now)), ban_cb, &b);
	if (rc == STORE_OK && !b.found && community_id != 0)
		rc = store__run(s, STMT_BAN_ACTIVE, STORE_PARAMS(
		    store_v_int(user_id), store_v_int(community_id),
		    store_v_int(now)), ban_cb, &b);
	if (rc == STORE_OK && !b.found)
		rc = STORE_NOTFOUND;
	return rc;
}

/* ---- reports ---------------------------------------------------------- */

/*
 * Files reporter_id's report on a post or comment (kind is enum vote_kind)
 * of community_id with reason (NULL counts as ""). Returns STORE_CONFLICT
 * when the same user already has an open report on the item,
 * STORE_NOTFOUND for an unknown community or reporter, STORE_ERR for a bad
 * kind. The caller has checked that the item exists and belongs there.
 */
int
store_report_add(struct store *s, int kind, int64_t target_id,
    int64_t community_id, int64_t reporter_id, const char *reason,
    int64_t now)
{
	if (kind != VOTE_POST && kind != VOTE_COMMENT) {
		log_msg(LOG_ERR, "store", "bad report kind %d", kind);
		return STORE_ERR;
	}
	return store__run_guarded(s, STMT_REPORT_INSERT, STORE_PARAMS(
	    store_v_int(kind), store_v_int(target_id),
	    store_v_int(community_id), store_v_int(reporter_id),
	    store_v_text(reason ? reason : ""), store_v_int(now)));
}

/* id, kind, target_id, reason, created. */
static int
many_report_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;
	struct report *r;

	if (ncols < 5)
		return store__bad_row(ncols, 5);
	r = store__many_push(m);
	r->id = store__col_i64(&row[0]);
	r->kind = (int)store__col_i64(&row[1]);
	r->target_id = store__col_i64(&row[2]);
	r->reason = store__col_text(m->a, &row[3]);
	r->created = store__col_i64(&row[4]);
	return STORE_OK;
}

/*
 * Lists the open reports of a community, oldest first; limit <= 0 means
 * 25, at most 100. One row per report (an item reported by three users
 * comes three times). The reporter is not part of the result.
 */
int
store_report_queue(struct store *s, struct arena *a, int64_t community_id,
    int limit, struct report **out, size_t *n)
{
	struct store_many m = STORE_MANY_OF(a, struct report);
	int rc;

	rc = store__run(s, STMT_REPORT_QUEUE, STORE_PARAMS(
	    store_v_int(community_id), store_v_int(store__clamp_limit(limit,
	    STORE_QUEUE_MAX))), many_report_cb, &m);
	STORE_MANY_OUT(rc, m, struct report, out, n);
	return rc;
}

/*
 * Closes every open report on the item, recording resolver_id (0: none)
 * and now. Succeeds also when there was none; afterwards the same users
 * may report the item again.
 */
int
store_report_resolve(struct store *s, int kind, int64_t target_id,
    int64_t resolver_id, int64_t now)
{
	return store__run(s, STMT_REPORT_RESOLVE, STORE_PARAMS(
	    store_v_int(kind), store_v_int(target_id),
	    store__ref_val(resolver_id), store_v_int(now)), NULL, NULL);
}

/* ---- the log ---------------------------------------------------------- */

/*
 * Writes one line of the mod log: m's action, kind and target_id (0: no
 * item), reason, created and expires, by mod_id (0: the command line,
 * shown as STORE_CLI_ACTOR), in community_id (0: site-wide), about
 * target_user_id (0: none), chained to the line before
 * and with the signed head moved to it (store_trust.c), in the caller's
 * transaction when there is one. Returns STORE_NOTFOUND for an unknown
 * community, moderator or user.
 */
int
store_modlog_add(struct store *s, const struct mod_action *m,
    int64_t community_id, int64_t mod_id, int64_t target_user_id)
{
	return store__modlog_append(s, m, community_id, mod_id, target_user_id);
}

/* The columns of MODLOG_LIST in store_sql.c, pushed onto a store_many. */
int
store__many_cb_modlog(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;
	struct mod_action *l;

	if (ncols < 13)
		return store__bad_row(ncols, 13);
	l = store__many_push(m);
	l->id = store__col_i64(&row[0]);
	l->community = store__col_text(m->a, &row[1]);
	l->mod = store__col_text(m->a, &row[2]);
	l->action = store__col_text(m->a, &row[3]);
	l->kind = (int)store__col_i64(&row[4]);
	l->target_id = store__col_i64(&row[5]);
	l->target_user = store__col_text(m->a, &row[6]);
	l->reason = store__col_text(m->a, &row[7]);
	l->created = store__col_i64(&row[8]);
	l->expires = store__col_i64(&row[9]);
	l->seq = store__col_i64(&row[10]);
	l->prev = store__col_text(m->a, &row[11]);
	l->hash = store__col_text(m->a, &row[12]);
	return STORE_OK;
}

/*
 * Lists one page of the mod log, newest first: lines with id < q->after
 * (0: from the newest), narrowed to q->community_id, q->mod_id and
 * q->action when set (an empty action does not filter). limit <= 0 means
 * 25, at most 100. Names are joined in: community is NULL for site-wide
 * lines, target_user NULL when no user was named. The next page starts
 * after the last line's id.
 */
int
store_modlog_list(struct store *s, struct arena *a,
    const struct modlog_query *q, struct mod_action **out, size_t *n)
{
	struct store_many m = STORE_MANY_OF(a, struct mod_action);
	const char *action = q->action && *q->action ? q->action : NULL;
	struct store_val params[5];
	enum store_stmt st = STMT_MODLOG_LIST;
	size_t np = 0;
	int rc;

	params[np++] = store_v_int(q->after > 0 ? q->after : INT64_MAX);
	params[np++] = store_v_int(store__clamp_limit(q->limit,
	    STORE_PAGE_MAX));
	params[np++] = store_v_int(q->mod_id);
	params[np++] = store_v_text(action);
	if (q->community_id != 0) {
		st = STMT_MODLOG_LIST_C;
		params[np++] = store_v_int(q->community_id);
	} else if (q->mod_id != 0) {
		st = STMT_MODLOG_LIST_MOD;
	}
	rc = store__run(s, st, params, np, store__many_cb_modlog, &m);
	STORE_MANY_OUT(rc, m, struct mod_action, out, n);
	return rc;
}
