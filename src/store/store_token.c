/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_token.c: what lets people in besides a password: API tokens
 * (made, looked up by the hash of a bearer token, listed and revoked),
 * the list of a member's signed-in sessions with where each began and
 * when it was last used, and invite codes.
 *
 * Like a session, a token is kept only as the 32-byte BLAKE2b hash of
 * what the member holds (the app hashes it), so a leaked database does
 * not hand out API access. Revoking deletes the row: a revoked token and
 * a wrong one are then the same unknown key.
 */
#include "store_int.h"

/*
 * Stores a token of user_id under key with its name and scopes (enum
 * token_scope bits) and sets *id. Returns STORE_CONFLICT for a key in
 * use, STORE_NOTFOUND for an unknown user.
 */
int
store_token_create(struct store *s, int64_t user_id, const char *name,
    const unsigned char key[32], unsigned scopes, int64_t now, int64_t *id)
{
	int rc;

	rc = store__run_guarded(s, STMT_TOKEN_INSERT, STORE_PARAMS(
	    store_v_int(user_id), store_v_text(name), store_v_blob(key, 32),
	    store_v_int(scopes), store_v_int(now)));
	if (rc == STORE_OK && id != NULL)
		*id = s->be->last_id(s->conn);
	return rc;
}

struct token_row {
	struct arena *a;
	struct user *out;
	struct viewer *v;
	int64_t token_id;
	unsigned scopes;
	bool found;
};

static int
token_user_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct token_row *o = data;

	if (ncols < VIEWER_COL__COUNT + 2)
		return store__bad_row(ncols, VIEWER_COL__COUNT + 2);
	store__viewer_read(o->a, row, o->out, o->v);
	o->token_id = store__col_i64(&row[VIEWER_COL__COUNT]);
	o->scopes = (unsigned)store__col_i64(&row[VIEWER_COL__COUNT + 1]);
	o->found = true;
	return STORE_OK;
}

/*
 * Fills *out with the user of the token under key, *v (when not NULL)
 * as store_session_user does, *token_id and *scopes; notes the use (at
 * most once a minute). Returns STORE_NOTFOUND when there is no such
 * token or its user was deleted.
 */
int
store_token_user(struct store *s, struct arena *a,
    const unsigned char key[32], int64_t now, struct user *out,
    struct viewer *v, int64_t *token_id, unsigned *scopes)
{
	struct token_row o = { a, out, v, 0, 0, false };
	int rc;

	rc = store__run(s, STMT_TOKEN_USER, STORE_PARAMS(store_v_blob(key, 32)),
	    token_user_cb, &o);
	if (rc == STORE_OK && !o.found)
		return STORE_NOTFOUND;
	if (rc != STORE_OK)
		return rc;
	*token_id = o.token_id;
	*scopes = o.scopes;
	/* A lost "last used" is no reason to refuse the request. */
	(void)store__run(s, STMT_TOKEN_TOUCH, STORE_PARAMS(
	    store_v_int(o.token_id), store_v_int(now)), NULL, NULL);
	return STORE_OK;
}

/* id, name, scopes, created, last_used. */
static int
many_token_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;
	struct api_token *t;

	if (ncols < 5)
		return store__bad_row(ncols, 5);
	t = store__many_push(m);
	t->id = store__col_i64(&row[0]);
	t->name = store__col_text(m->a, &row[1]);
	t->scopes = (unsigned)store__col_i64(&row[2]);
	t->created = store__col_i64(&row[3]);
	t->last_used = row[4].type == STORE_T_NULL ? 0 :
	    store__col_i64(&row[4]);
	return STORE_OK;
}

/* Lists user_id's tokens, newest first: *out an array of *n in a. */
int
store_tokens(struct store *s, struct arena *a, int64_t user_id,
    struct api_token **out, size_t *n)
{
	struct store_many m = STORE_MANY_OF(a, struct api_token);
	int rc;

	rc = store__run(s, STMT_TOKEN_LIST, STORE_PARAMS(store_v_int(user_id)),
	    many_token_cb, &m);
	STORE_MANY_OUT(rc, m, struct api_token, out, n);
	return rc;
}

/* Revokes user_id's token id; STORE_NOTFOUND when user_id has no such
 * token. */
int
store_token_delete(struct store *s, int64_t user_id, int64_t id)
{
	return store__run_one(s, STMT_TOKEN_DELETE, STORE_PARAMS(
	    store_v_int(id), store_v_int(user_id)));
}

/* ---- a member's sessions ---------------------------------------------- */

/* Notes where session key began: address and browser (each may be
 * NULL). */
int
store_session_set_info(struct store *s, const unsigned char key[32],
    const char *address, const char *agent)
{
	return store__run_one(s, STMT_SESSION_SET_INFO, STORE_PARAMS(
	    store_v_blob(key, 32), store_v_text(address), store_v_text(agent)));
}

/* Notes a use of session key at now (written at most once a minute). */
int
store_session_touch(struct store *s, const unsigned char key[32],
    int64_t now)
{
	return store__run(s, STMT_SESSION_TOUCH, STORE_PARAMS(
	    store_v_blob(key, 32), store_v_int(now)), NULL, NULL);
}

/* key, created, last_seen, address, agent. */
static int
many_session_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;
	struct session_info *si;

	if (ncols < 5)
		return store__bad_row(ncols, 5);
	if (row[0].type != STORE_T_BLOB || row[0].len != 32)
		return STORE_OK;
	si = store__many_push(m);
	memcpy(si->key, row[0].p, 32);
	si->created = store__col_i64(&row[1]);
	si->last_seen = row[2].type == STORE_T_NULL ? 0 :
	    store__col_i64(&row[2]);
	si->address = store__col_text(m->a, &row[3]);
	si->agent = store__col_text(m->a, &row[4]);
	return STORE_OK;
}

/* Lists user_id's sessions that have not expired by now, newest first:
 * *out an array of *n in a. */
int
store_sessions_list(struct store *s, struct arena *a, int64_t user_id,
    int64_t now, struct session_info **out, size_t *n)
{
	struct store_many m = STORE_MANY_OF(a, struct session_info);
	int rc;

	rc = store__run(s, STMT_SESSIONS_LIST, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(now)), many_session_cb, &m);
	STORE_MANY_OUT(rc, m, struct session_info, out, n);
	return rc;
}

/* Ends user_id's session under key; STORE_NOTFOUND when user_id has no
 * such session. */
int
store_session_end_user(struct store *s, int64_t user_id,
    const unsigned char key[32])
{
	return store__run_one(s, STMT_SESSION_END_USER, STORE_PARAMS(
	    store_v_int(user_id), store_v_blob(key, 32)));
}

/* ---- invitations ------------------------------------------------------ */

/* Stores an invite code under key (its hash) for uses registrations,
 * until expires (0: never). */
int
store_invite_create(struct store *s, const unsigned char key[32],
    int64_t creator_id, int64_t uses, int64_t expires, int64_t now)
{
	return store__run_guarded(s, STMT_INVITE_INSERT, STORE_PARAMS(
	    store_v_blob(key, 32), store_v_int(creator_id), store_v_int(uses),
	    store_v_int(expires), store_v_int(now)));
}

/*
 * Registers a user (as store_user_create, role user) with the invite
 * code under key, in one transaction: the code loses a use and the user
 * notes its creator as invited_by. Returns STORE_NOTFOUND when the code
 * is unknown, used up or expired, STORE_CONFLICT when the name is taken
 * (and the code keeps its use).
 */
int
store_user_create_invited(struct store *s, const unsigned char key[32],
    const char *name, const char *pwhash, const char *email, int64_t now,
    int64_t *id)
{
	int64_t inviter = 0;
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run_one(s, STMT_INVITE_USE, STORE_PARAMS(
	    store_v_blob(key, 32), store_v_int(now)));
	if (rc == STORE_OK)
		rc = store__run_count(s, STMT_INVITE_CREATOR, STORE_PARAMS(
		    store_v_blob(key, 32)), &inviter);
	if (rc == STORE_OK)
		rc = store_user_create(s, name, pwhash, email, ROLE_USER, now, id);
	if (rc == STORE_OK && inviter != 0)
		rc = store__run(s, STMT_USER_SET_INVITED_BY, STORE_PARAMS(
		    store_v_int(*id), store_v_int(inviter)), NULL, NULL);
	return store__tx_end(s, rc);
}

/* Sets *n to the number of invite codes creator_id has made. */
int
store_invite_count(struct store *s, int64_t creator_id, int64_t *n)
{
	return store__run_count(s, STMT_INVITE_COUNT, STORE_PARAMS(
	    store_v_int(creator_id)), n);
}

static int
invited_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;
	struct invited *v;

	if (ncols < 4)
		return store__bad_row(ncols, 4);
	v = store__many_push(m);
	v->id = store__col_i64(&row[0]);
	v->name = store__col_text(m->a, &row[1]);
	v->inviter = store__col_text(m->a, &row[2]);
	v->created = store__col_i64(&row[3]);
	return STORE_OK;
}

/*
 * Lists the members who registered with an invite code and have an id
 * below before (0: from the newest), newest first, with who invited
 * them; limit <= 0 means 25, at most 100. Strings are in a.
 */
int
store_invited_list(struct store *s, struct arena *a, int64_t before,
    int limit, struct invited **out, size_t *n)
{
	struct store_many m = STORE_MANY_OF(a, struct invited);
	int rc;

	rc = store__run(s, STMT_INVITED_LIST, STORE_PARAMS(
	    store_v_int(before > 0 ? before : INT64_MAX),
	    store_v_int(store__clamp_limit(limit, STORE_QUEUE_MAX))),
	    invited_cb, &m);
	STORE_MANY_OUT(rc, m, struct invited, out, n);
	return rc;
}

/* Fills *out with who invited user_id (strings in a); STORE_NOTFOUND
 * when they registered without a code. */
int
store_user_inviter(struct store *s, struct arena *a, int64_t user_id,
    struct invited *out)
{
	struct store_many m = STORE_MANY_OF(a, struct invited);
	int rc;

	rc = store__run(s, STMT_USER_INVITER, STORE_PARAMS(
	    store_v_int(user_id)), invited_cb, &m);
	if (rc == STORE_OK && m.n == 0)
		rc = STORE_NOTFOUND;
	if (rc == STORE_OK)
		*out = *(struct invited *)m.items;
	return rc;
}
