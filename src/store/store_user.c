/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_user.c: the store's users and sessions: accounts, logins, what
 * a session tells about its user, and what users do to protect
 * themselves (blocks, notifications, ending other sessions, deleting
 * the account).
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- users and sessions ---------------------------------------------- */

/*
 * Creates a user with 0 points and sets *id. The caller has checked the
 * name's characters. Returns STORE_CONFLICT when the name is taken in any
 * letter case.
 */
int
store_user_create(struct store *s, const char *name, const char *pwhash,
    const char *email, int role, int64_t now, int64_t *id)
{
	char *lc = store__lower_dup(name);
	int rc;

	rc = store__run_guarded(s, STMT_USER_INSERT, STORE_PARAMS(
	    store_v_text(name), store_v_text(lc), store_v_text(pwhash),
	    store_v_text(email), store_v_int(role), store_v_int(now)));
	if (rc == STORE_OK && id != NULL)
		*id = s->be->last_id(s->conn);
	free(lc);
	return rc;
}

/* Fills *out (strings in a) with user id; STORE_NOTFOUND if none. */
int
store_user_get(struct store *s, struct arena *a, int64_t id,
    struct user *out)
{
	return store__get(s, STMT_USER_GET, STORE_PARAMS(store_v_int(id)),
	    &store__user_row, a, out);
}

/*
 * Fills *out with the user called name in any letter case and, when
 * pwhash is not NULL, sets *pwhash to the stored password hash; both in
 * a. Returns STORE_NOTFOUND when there is no such user.
 */
int
store_user_by_name(struct store *s, struct arena *a, const char *name,
    struct user *out, const char **pwhash)
{
	const char *ignored;
	struct store_one o = { a, &store__user_row, out,
	    pwhash ? pwhash : &ignored, false };
	char *lc = store__lower_dup(name);
	int rc;

	rc = store__run(s, STMT_USER_BY_NAME, STORE_PARAMS(store_v_text(lc)),
	    store__one_cb, &o);
	if (rc == STORE_OK && !o.found)
		rc = STORE_NOTFOUND;
	free(lc);
	return rc;
}

/* Replaces the password hash; STORE_NOTFOUND for an unknown user. */
int
store_user_set_password(struct store *s, int64_t id, const char *pwhash)
{
	return store__run_one(s, STMT_USER_SET_PASSWORD,
	    STORE_PARAMS(store_v_int(id), store_v_text(pwhash)));
}

/* Sets the site role (enum user_role); STORE_NOTFOUND for an unknown user. */
int
store_user_set_role(struct store *s, int64_t id, int role)
{
	return store__run_one(s, STMT_USER_SET_ROLE,
	    STORE_PARAMS(store_v_int(id), store_v_int(role)));
}

/*
 * Stores a session under key, the 32-byte hash of the cookie token, and
 * drops sessions that expired by now. Returns STORE_CONFLICT for a key
 * already in use, STORE_NOTFOUND for an unknown user.
 */
int
store_session_create(struct store *s, const unsigned char key[32],
    int64_t user_id, int64_t now, int64_t expires)
{
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run(s, STMT_SESSION_PURGE, STORE_PARAMS(store_v_int(now)),
	    NULL, NULL);
	if (rc == STORE_OK)
		rc = store__run(s, STMT_SESSION_INSERT, STORE_PARAMS(
		    store_v_blob(key, 32), store_v_int(user_id),
		    store_v_int(now), store_v_int(expires)), NULL, NULL);
	return store__tx_end(s, rc);
}

struct session_row {
	struct arena *a;
	struct user *out;
	struct viewer *v;
	bool found;
};

/*
 * Reads the user and, when v is not NULL, the viewer columns of a
 * VIEWER_COLS row (store_sql.c) into a; the caller checked that the row
 * has VIEWER_COL__COUNT columns.
 */
void
store__viewer_read(struct arena *a, const struct store_val *row,
    struct user *u, struct viewer *v)
{
	store__user_row.read(a, row, u);
	if (v == NULL)
		return;
	v->plain = store__col_i64(&row[USER_COL__COUNT]) == 1;
	v->moderates = store__col_i64(&row[USER_COL__COUNT]) == 2;
	v->unseen = store__col_i64(&row[USER_COL__COUNT + 1]);
	v->home = store__col_text(a, &row[USER_COL__COUNT + 2]);
	v->nhome = 0;
	if (v->home != NULL)
		for (const char *p = v->home; p != NULL; p = strchr(p + 1, ','))
			v->nhome++;
}

static int
session_user_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct session_row *o = data;

	if (ncols < VIEWER_COL__COUNT + 6)
		return store__bad_row(ncols, VIEWER_COL__COUNT + 6);
	store__viewer_read(o->a, row, o->out, o->v);
	o->found = true;
	if (o->v == NULL)
		return STORE_OK;
	/* NULL (no votes) reads as 0: no id is in [0, 0] */
	for (int k = 0; k < 2; k++) {
		o->v->voted_lo[k] = store__col_i64(
		    &row[VIEWER_COL__COUNT + 2 * k]);
		o->v->voted_hi[k] = store__col_i64(
		    &row[VIEWER_COL__COUNT + 1 + 2 * k]);
	}
	o->v->expires = store__col_i64(&row[VIEWER_COL__COUNT + 4]);
	o->v->show_nsfw = store__col_i64(&row[VIEWER_COL__COUNT + 5]) != 0;
	return STORE_OK;
}

/*
 * Fills *out with the user of the session under key, and *v (when not
 * NULL) with what the same query tells about them. Returns
 * STORE_NOTFOUND when there is no such session, it expired (expires <=
 * now) or its user was deleted.
 */
int
store_session_user(struct store *s, struct arena *a,
    const unsigned char key[32], int64_t now, struct user *out,
    struct viewer *v)
{
	struct session_row o = { a, out, v, false };
	int rc;

	rc = store__run(s, STMT_SESSION_USER, STORE_PARAMS(store_v_blob(key,
	    32), store_v_int(now)), session_user_cb, &o);
	if (rc == STORE_OK && !o.found)
		rc = STORE_NOTFOUND;
	return rc;
}

/* Ends a session; STORE_NOTFOUND when there was none under key. */
int
store_session_delete(struct store *s, const unsigned char key[32])
{
	return store__run_one(s, STMT_SESSION_DELETE,
	    STORE_PARAMS(store_v_blob(key, 32)));
}

/* ---- users protecting themselves -------------------------------------- */

/*
 * Blocks (on) or unblocks blocked_id for user_id; doing what is already
 * done changes nothing. Returns STORE_NOTFOUND for an unknown user.
 */
int
store_block_set(struct store *s, int64_t user_id, int64_t blocked_id,
    bool on, int64_t now)
{
	if (on)
		return store__run_guarded(s, STMT_BLOCK_INSERT, STORE_PARAMS(
		    store_v_int(user_id), store_v_int(blocked_id),
		    store_v_int(now)));
	return store__run(s, STMT_BLOCK_DELETE, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(blocked_id)), NULL, NULL);
}

static int
many_id_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;

	if (ncols < 1)
		return store__bad_row(ncols, 1);
	*(int64_t *)store__many_push(m) = store__col_i64(&row[0]);
	return STORE_OK;
}

/*
 * Sets *out to an array (in a, NULL when empty) of the *n ids user_id
 * has blocked, ascending.
 */
int
store_blocked_ids(struct store *s, struct arena *a, int64_t user_id,
    int64_t **out, size_t *n)
{
	struct store_many m = STORE_MANY_OF(a, int64_t);
	int rc;

	rc = store__run(s, STMT_BLOCKED_IDS, STORE_PARAMS(store_v_int(user_id)),
	    many_id_cb, &m);
	STORE_MANY_OUT(rc, m, int64_t, out, n);
	return rc;
}

/* Sets *out to whether user_id has blocked blocked_id. */
int
store_is_blocked(struct store *s, int64_t user_id, int64_t blocked_id,
    bool *out)
{
	return store__run_exists(s, STMT_IS_BLOCKED, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(blocked_id)), out);
}

/*
 * Leaves user_id an unseen notification: text (NULL counts as "") and an
 * optional site path to link. STORE_NOTFOUND for an unknown user.
 */
int
store_notify(struct store *s, int64_t user_id, const char *text,
    const char *link, int64_t now)
{
	return store__run_guarded(s, STMT_NOTIFY_INSERT, STORE_PARAMS(
	    store_v_int(user_id), store_v_text(text ? text : ""),
	    store_v_text(link), store_v_int(now)));
}

/* id, text, link, created, seen. */
static int
many_notification_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;
	struct notification *nt;

	if (ncols < 5)
		return store__bad_row(ncols, 5);
	nt = store__many_push(m);
	nt->id = store__col_i64(&row[0]);
	nt->text = store__col_text(m->a, &row[1]);
	nt->link = store__col_text(m->a, &row[2]);
	nt->created = store__col_i64(&row[3]);
	nt->seen = store__col_i64(&row[4]) != 0;
	return STORE_OK;
}

/*
 * Lists user_id's notifications, newest first, seen ones included;
 * limit <= 0 means 25, at most 100. *out is an array of *n in a.
 */
int
store_notifications(struct store *s, struct arena *a, int64_t user_id,
    int limit, struct notification **out, size_t *n)
{
	struct store_many m = STORE_MANY_OF(a, struct notification);
	int rc;

	rc = store__run(s, STMT_NOTIFICATIONS, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(store__clamp_limit(limit,
	    STORE_QUEUE_MAX))), many_notification_cb, &m);
	STORE_MANY_OUT(rc, m, struct notification, out, n);
	return rc;
}

/* Marks every notification of user_id seen. */
int
store_notifications_seen(struct store *s, int64_t user_id)
{
	return store__run(s, STMT_NOTIFICATIONS_SEEN, STORE_PARAMS(
	    store_v_int(user_id)), NULL, NULL);
}

/*
 * Ends every session of user_id but the one under keep (the 32-byte key
 * hash, as in store_session_create); keep NULL ends them all. Succeeds
 * also when there was nothing to end.
 */
int
store_sessions_end_others(struct store *s, int64_t user_id,
    const unsigned char keep[32])
{
	/* An empty key matches no session, so every one goes. */
	return store__run(s, STMT_SESSION_END_OTHERS, STORE_PARAMS(
	    store_v_int(user_id), keep ? store_v_blob(keep, 32) :
	    store_v_blob("", 0)), NULL, NULL);
}

/*
 * Deletes an account in one transaction: the user is marked deleted, its
 * password and email are dropped (no login works) and its sessions end;
 * the name stays taken and store_user_get still finds it, deleted set.
 * With erase, every post and comment of the user loses its text as
 * store_post_delete and store_comment_delete do, and the history of
 * every edit it made is erased; without, the content
 * stays and pages show its author as [deleted]. Returns STORE_NOTFOUND for
 * an unknown user.
 */
int
store_user_delete(struct store *s, int64_t user_id, bool erase)
{
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run_one(s, STMT_USER_DELETE, STORE_PARAMS(
	    store_v_int(user_id)));
	if (rc == STORE_OK)
		rc = store_sessions_end_others(s, user_id, NULL);
	if (rc == STORE_OK && erase)
		rc = store__run(s, STMT_POST_ERASE_AUTHOR, STORE_PARAMS(
		    store_v_int(user_id)), NULL, NULL);
	if (rc == STORE_OK && erase)
		rc = store__run(s, STMT_COMMENT_ERASE_AUTHOR, STORE_PARAMS(
		    store_v_int(user_id)), NULL, NULL);
	if (rc == STORE_OK && erase)
		rc = store__run(s, STMT_HISTORY_ERASE_AUTHOR, STORE_PARAMS(
		    store_v_int(user_id)), NULL, NULL);
	return store__tx_end(s, rc);
}
