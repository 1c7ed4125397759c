/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store.c: the store's domain layer: users, sessions, communities, posts,
 * comments, votes, pages and settings, built only on struct store_backend.
 *
 * Nothing here knows which database is underneath: each function picks
 * statements by enum store_stmt, binds store_val parameters, and copies
 * result rows (whose text the backend owns only during the row callback)
 * into the caller's arena. Derived values (vote counts, hot and
 * controversy ranks, comment counts, author points) are kept up to date
 * here, inside one transaction with the write that changes them, so that
 * listings can read them from indexes instead of computing them.
 *
 * Transactions nest: the outermost store_begin starts a write transaction
 * and inner ones are savepoints, so a caller can wrap many domain calls
 * (the demo generator wraps thousands) in one transaction.
 */
#include "store_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define POST_PAGE_DEFAULT 25
#define POST_PAGE_MAX 100
#define COMMUNITY_LIST_MAX 1000

/* ---- helpers --------------------------------------------------------- */

static int
run(struct store *s, enum store_stmt st, const struct store_val *params,
    size_t nparams, store_row_fn cb, void *data)
{
	return s->be->exec(s->conn, st, params, nparams, cb, data);
}

/* Runs a single-row write; STORE_NOTFOUND when it touched no row. */
static int
run_one(struct store *s, enum store_stmt st, const struct store_val *params,
    size_t nparams)
{
	int rc = run(s, st, params, nparams, NULL, NULL);

	if (rc == STORE_OK && s->be->changes(s->conn) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

/* Commits when rc is STORE_OK, else rolls back; returns the outcome. */
static int
tx_end(struct store *s, int rc)
{
	if (rc == STORE_OK)
		return store_commit(s);
	store_rollback(s);
	return rc;
}

/*
 * Runs a write that may fail in an expected way (a name that is taken, a
 * row that is gone). Inside the caller's transaction it gets a savepoint
 * of its own, so that the transaction survives the failure on every
 * backend: PostgreSQL aborts the whole transaction on a failed statement,
 * where SQLite undoes only the statement. A last_id read afterwards is
 * still this statement's.
 */
static int
run_guarded(struct store *s, enum store_stmt st,
    const struct store_val *params, size_t nparams)
{
	int rc;

	if (s->depth == 0)
		return run(s, st, params, nparams, NULL, NULL);
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	return tx_end(s, run(s, st, params, nparams, NULL, NULL));
}

/* Returns a malloc'd ASCII-lowercased copy, for the *_lc columns. */
static char *
lower_dup(const char *s)
{
	char *p = xstrdup(s);

	for (char *q = p; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return p;
}

static int
bad_row(size_t ncols, size_t want)
{
	log_msg(LOG_ERR, "store", "result row has %zu columns, want %zu",
	    ncols, want);
	return STORE_ERR;
}

/* Backends deliver numbers as STORE_T_INT or STORE_T_REAL. */
static int64_t
col_i64(const struct store_val *v)
{
	if (v->type == STORE_T_INT)
		return v->i;
	if (v->type == STORE_T_REAL)
		return (int64_t)v->d;
	return 0;
}

/* Returns an arena copy of a text column, NULL for SQL NULL. */
static const char *
col_text(struct arena *a, const struct store_val *v)
{
	if (v->type != STORE_T_TEXT && v->type != STORE_T_BLOB)
		return NULL;
	return arena_strndup(a, v->p, v->len);
}

static void
read_user(struct arena *a, const struct store_val *r, struct user *u)
{
	u->id = col_i64(&r[USER_COL_ID]);
	u->name = col_text(a, &r[USER_COL_NAME]);
	u->email = col_text(a, &r[USER_COL_EMAIL]);
	u->created = col_i64(&r[USER_COL_CREATED]);
	u->role = (int)col_i64(&r[USER_COL_ROLE]);
	u->points = col_i64(&r[USER_COL_POINTS]);
	u->deleted = col_i64(&r[USER_COL_DELETED]) != 0;
}

static void
read_community(struct arena *a, const struct store_val *r,
    struct community *c)
{
	c->id = col_i64(&r[COMMUNITY_COL_ID]);
	c->name = col_text(a, &r[COMMUNITY_COL_NAME]);
	c->title = col_text(a, &r[COMMUNITY_COL_TITLE]);
	c->description = col_text(a, &r[COMMUNITY_COL_DESCRIPTION]);
	c->description_html = col_text(a, &r[COMMUNITY_COL_DESCRIPTION_HTML]);
	c->rules = col_text(a, &r[COMMUNITY_COL_RULES]);
	c->rules_html = col_text(a, &r[COMMUNITY_COL_RULES_HTML]);
	c->creator_id = col_i64(&r[COMMUNITY_COL_CREATOR_ID]);
	c->created = col_i64(&r[COMMUNITY_COL_CREATED]);
	c->subscribers = col_i64(&r[COMMUNITY_COL_SUBSCRIBERS]);
	c->post_count = col_i64(&r[COMMUNITY_COL_POST_COUNT]);
}

static void
read_post(struct arena *a, const struct store_val *r, struct post *p)
{
	p->id = col_i64(&r[POST_COL_ID]);
	p->community_id = col_i64(&r[POST_COL_COMMUNITY_ID]);
	p->community = col_text(a, &r[POST_COL_COMMUNITY]);
	p->author_id = col_i64(&r[POST_COL_AUTHOR_ID]);
	p->author = col_text(a, &r[POST_COL_AUTHOR]);
	p->title = col_text(a, &r[POST_COL_TITLE]);
	p->url = col_text(a, &r[POST_COL_URL]);
	p->body = col_text(a, &r[POST_COL_BODY]);
	p->body_html = col_text(a, &r[POST_COL_BODY_HTML]);
	p->created = col_i64(&r[POST_COL_CREATED]);
	p->edited = col_i64(&r[POST_COL_EDITED]);
	p->score = col_i64(&r[POST_COL_SCORE]);
	p->ups = col_i64(&r[POST_COL_UPS]);
	p->downs = col_i64(&r[POST_COL_DOWNS]);
	p->comment_count = col_i64(&r[POST_COL_COMMENT_COUNT]);
	p->last_comment = col_i64(&r[POST_COL_LAST_COMMENT]);
	p->locked = col_i64(&r[POST_COL_LOCKED]) != 0;
	p->stickied = col_i64(&r[POST_COL_STICKIED]) != 0;
	p->nsfw = col_i64(&r[POST_COL_NSFW]) != 0;
	p->removed = col_i64(&r[POST_COL_REMOVED]) != 0;
	p->deleted = col_i64(&r[POST_COL_DELETED]) != 0;
	p->removed_reason = col_text(a, &r[POST_COL_REMOVED_REASON]);
	p->my_vote = (int)col_i64(&r[POST_COL_MY_VOTE]);
	p->held = col_i64(&r[POST_COL_HELD]) != 0;
}

static void
read_comment(struct arena *a, const struct store_val *r, struct comment *c)
{
	c->id = col_i64(&r[COMMENT_COL_ID]);
	c->post_id = col_i64(&r[COMMENT_COL_POST_ID]);
	c->parent_id = col_i64(&r[COMMENT_COL_PARENT_ID]);
	c->author_id = col_i64(&r[COMMENT_COL_AUTHOR_ID]);
	c->author = col_text(a, &r[COMMENT_COL_AUTHOR]);
	c->body = col_text(a, &r[COMMENT_COL_BODY]);
	c->body_html = col_text(a, &r[COMMENT_COL_BODY_HTML]);
	c->created = col_i64(&r[COMMENT_COL_CREATED]);
	c->edited = col_i64(&r[COMMENT_COL_EDITED]);
	c->score = col_i64(&r[COMMENT_COL_SCORE]);
	c->ups = col_i64(&r[COMMENT_COL_UPS]);
	c->downs = col_i64(&r[COMMENT_COL_DOWNS]);
	c->depth = (int)col_i64(&r[COMMENT_COL_DEPTH]);
	c->removed = col_i64(&r[COMMENT_COL_REMOVED]) != 0;
	c->deleted = col_i64(&r[COMMENT_COL_DELETED]) != 0;
	c->removed_reason = col_text(a, &r[COMMENT_COL_REMOVED_REASON]);
	c->my_vote = (int)col_i64(&r[COMMENT_COL_MY_VOTE]);
	c->held = col_i64(&r[COMMENT_COL_HELD]) != 0;
	c->post_title = NULL;
	c->community = NULL;
}

/* ---- row callbacks --------------------------------------------------- */

/* Where a single-row read puts its result. */
struct one {
	struct arena *a;
	void *out;               /* the struct to fill */
	const char **extra;      /* optional extra text column, or NULL */
	bool found;              /* set by the callback */
};

/* A growing array of result structs in the caller's arena. */
struct many {
	struct arena *a;
	char *items;             /* arena array of cap elements */
	size_t n, cap;
	size_t size;             /* bytes per element */
};

static void *
many_push(struct many *m)
{
	m->items = arena_grow(m->a, m->items, m->n, &m->cap, 16, m->size);
	return m->items + m->size * m->n++;
}

static int
one_user_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct one *o = data;

	if (ncols < USER_COL__COUNT + (o->extra != NULL))
		return bad_row(ncols, USER_COL__COUNT + (o->extra != NULL));
	read_user(o->a, row, o->out);
	if (o->extra != NULL)
		*o->extra = col_text(o->a, &row[USER_COL__COUNT]);
	o->found = true;
	return STORE_OK;
}

static int
many_user_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct many *m = data;

	if (ncols < USER_COL__COUNT)
		return bad_row(ncols, USER_COL__COUNT);
	read_user(m->a, row, many_push(m));
	return STORE_OK;
}

static int
one_community_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct one *o = data;

	if (ncols < COMMUNITY_COL__COUNT)
		return bad_row(ncols, COMMUNITY_COL__COUNT);
	read_community(o->a, row, o->out);
	o->found = true;
	return STORE_OK;
}

static int
many_community_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct many *m = data;

	if (ncols < COMMUNITY_COL__COUNT)
		return bad_row(ncols, COMMUNITY_COL__COUNT);
	read_community(m->a, row, many_push(m));
	return STORE_OK;
}

static int
one_post_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct one *o = data;

	if (ncols < POST_COL__COUNT)
		return bad_row(ncols, POST_COL__COUNT);
	read_post(o->a, row, o->out);
	o->found = true;
	return STORE_OK;
}

static int
many_post_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct many *m = data;

	if (ncols < POST_COL__COUNT)
		return bad_row(ncols, POST_COL__COUNT);
	read_post(m->a, row, many_push(m));
	return STORE_OK;
}

static int
one_comment_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct one *o = data;

	if (ncols < COMMENT_COL__COUNT)
		return bad_row(ncols, COMMENT_COL__COUNT);
	read_comment(o->a, row, o->out);
	o->found = true;
	return STORE_OK;
}

static int
many_comment_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct many *m = data;

	if (ncols < COMMENT_COL__COUNT)
		return bad_row(ncols, COMMENT_COL__COUNT);
	read_comment(m->a, row, many_push(m));
	return STORE_OK;
}

/* A profile comment: COMMENT_COL, then the post title and community. */
static int
many_comment_link_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct many *m = data;
	struct comment *c;

	if (ncols < COMMENT_COL__COUNT + 2)
		return bad_row(ncols, COMMENT_COL__COUNT + 2);
	c = many_push(m);
	read_comment(m->a, row, c);
	c->post_title = col_text(m->a, &row[COMMENT_COL__COUNT]);
	c->community = col_text(m->a, &row[COMMENT_COL__COUNT + 1]);
	return STORE_OK;
}

/* Copies up to ARRAY_LEN(vals) numeric columns of one row. */
struct numbers {
	struct store_val vals[5]; /* numbers only: no borrowed pointers */
	size_t n;
	bool found;
};

static int
numbers_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct numbers *nb = data;

	nb->n = ncols < ARRAY_LEN(nb->vals) ? ncols : ARRAY_LEN(nb->vals);
	for (size_t i = 0; i < nb->n; i++) {
		nb->vals[i] = row[i];
		if (row[i].type == STORE_T_TEXT || row[i].type == STORE_T_BLOB)
			nb->vals[i] = store_v_null();
	}
	nb->found = true;
	return STORE_OK;
}

/* Reads one text column into the arena. */
struct text_out {
	struct arena *a;
	const char **out;
	bool found;
};

static int
text_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct text_out *t = data;

	if (ncols < 1)
		return bad_row(ncols, 1);
	*t->out = col_text(t->a, &row[0]);
	t->found = true;
	return STORE_OK;
}

/* ---- connection and transactions ------------------------------------- */

/*
 * Opens the database named by url: "sqlite:PATH" (the file and its
 * directory are created when missing) or a PostgreSQL URL
 * ("postgres://" or "postgresql://"). Returns a connection owned by the
 * caller, for one thread at a time, released with store_close; or NULL
 * after logging why (unknown scheme, a backend not built, open failure).
 * The schema is not touched: call store_migrate.
 */
struct store *
store_open(const char *url)
{
	const struct store_backend *be;
	const char *target;
	struct store *s;
	void *conn;

	if (url == NULL) {
		log_msg(LOG_ERR, "store", "no database URL");
		return NULL;
	}
	if (strncmp(url, "sqlite:", 7) == 0) {
		be = &store_sqlite_backend;
		target = url + 7;
	} else if (strncmp(url, "postgres://", 11) == 0 ||
	    strncmp(url, "postgresql://", 13) == 0) {
		/* The URL may hold a password: it is never logged. */
		be = &store_pg_backend;
		target = url;
	} else {
		log_msg(LOG_ERR, "store", "unknown database URL scheme in "
		    "\"%.*s\" (want sqlite:PATH or postgres://)",
		    (int)strcspn(url, ":"), url);
		return NULL;
	}
	if ((conn = be->open(target)) == NULL)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->be = be;
	s->conn = conn;
	return s;
}

/* Closes the connection, rolling back an unfinished transaction; accepts
 * NULL. */
void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->depth > 0) {
		log_msg(LOG_WARN, "store", "closing with %d open transaction "
		    "level(s); rolling back", s->depth);
		while (s->depth > 0)
			store_rollback(s);
	}
	s->be->close(s->conn);
	free(s);
}

/* Prepares s for loading much data at once (parley demo). */
int
store_bulk(struct store *s)
{
	return s->be->bulk ? s->be->bulk(s->conn) : STORE_OK;
}

/*
 * True when the backend can tell cheaply whether another connection
 * committed (store_changed_elsewhere): SQLite, where every writer shares
 * one file. PostgreSQL cannot; caches of what it holds must not be kept.
 */
bool
store_watches(const struct store *s)
{
	return s->be->changed_elsewhere != NULL;
}

/*
 * Sets *changed when a connection other than s committed since the last
 * call on s (the first call reports a change). Returns STORE_ERR where
 * store_watches is false.
 */
int
store_changed_elsewhere(struct store *s, bool *changed)
{
	if (s->be->changed_elsewhere == NULL)
		return STORE_ERR;
	return s->be->changed_elsewhere(s->conn, changed);
}

/*
 * Starts a transaction: the outermost one takes the write lock at once
 * (BEGIN IMMEDIATE on SQLite, waiting up to the busy timeout), inner
 * ones are savepoints. Returns STORE_OK, STORE_BUSY or STORE_ERR.
 */
int
store_begin(struct store *s)
{
	int rc = s->be->begin(s->conn, s->depth > 0);

	if (rc == STORE_OK)
		s->depth++;
	return rc;
}

/*
 * Commits the innermost transaction level. When the commit fails, that
 * level is rolled back before returning, so the caller never has to
 * clean up after a failed commit.
 */
int
store_commit(struct store *s)
{
	bool nested = s->depth > 1;
	int rc;

	if (s->depth == 0) {
		log_msg(LOG_ERR, "store", "commit without begin");
		return STORE_ERR;
	}
	rc = s->be->commit(s->conn, nested);
	if (rc != STORE_OK)
		s->be->rollback(s->conn, nested);
	s->depth--;
	return rc;
}

/* Rolls back the innermost transaction level. */
int
store_rollback(struct store *s)
{
	bool nested = s->depth > 1;

	if (s->depth == 0) {
		log_msg(LOG_ERR, "store", "rollback without begin");
		return STORE_ERR;
	}
	s->depth--;
	return s->be->rollback(s->conn, nested);
}

/* ---- site settings --------------------------------------------------- */

/*
 * Sets *value to the setting's value, copied into a. Returns STORE_OK or
 * STORE_NOTFOUND when the key was never set.
 */
int
store_setting_get(struct store *s, struct arena *a, const char *key,
    const char **value)
{
	struct text_out t = { a, value, false };
	int rc;

	rc = run(s, STMT_SETTING_GET, STORE_PARAMS(store_v_text(key)),
	    text_cb, &t);
	if (rc == STORE_OK && !t.found)
		rc = STORE_NOTFOUND;
	return rc;
}

/* Creates or replaces a setting. */
int
store_setting_set(struct store *s, const char *key, const char *value)
{
	return run(s, STMT_SETTING_SET,
	    STORE_PARAMS(store_v_text(key), store_v_text(value)), NULL, NULL);
}

/*
 * Sets a setting only when it has no value yet: of several servers that
 * start at once on one database and each propose a value, the first one
 * stored wins and all read that one back.
 */
int
store_setting_add(struct store *s, const char *key, const char *value)
{
	return run(s, STMT_SETTING_ADD,
	    STORE_PARAMS(store_v_text(key), store_v_text(value)), NULL, NULL);
}

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
	char *lc = lower_dup(name);
	int rc;

	rc = run_guarded(s, STMT_USER_INSERT, STORE_PARAMS(store_v_text(name),
	    store_v_text(lc), store_v_text(pwhash), store_v_text(email),
	    store_v_int(role), store_v_int(now)));
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
	struct one o = { a, out, NULL, false };
	int rc;

	rc = run(s, STMT_USER_GET, STORE_PARAMS(store_v_int(id)),
	    one_user_cb, &o);
	if (rc == STORE_OK && !o.found)
		rc = STORE_NOTFOUND;
	return rc;
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
	struct one o = { a, out, pwhash ? pwhash : &ignored, false };
	char *lc = lower_dup(name);
	int rc;

	rc = run(s, STMT_USER_BY_NAME, STORE_PARAMS(store_v_text(lc)),
	    one_user_cb, &o);
	if (rc == STORE_OK && !o.found)
		rc = STORE_NOTFOUND;
	free(lc);
	return rc;
}

/* Replaces the password hash; STORE_NOTFOUND for an unknown user. */
int
store_user_set_password(struct store *s, int64_t id, const char *pwhash)
{
	return run_one(s, STMT_USER_SET_PASSWORD,
	    STORE_PARAMS(store_v_int(id), store_v_text(pwhash)));
}

/* Sets the site role (enum user_role); STORE_NOTFOUND for an unknown user. */
int
store_user_set_role(struct store *s, int64_t id, int role)
{
	return run_one(s, STMT_USER_SET_ROLE,
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
	rc = run(s, STMT_SESSION_PURGE, STORE_PARAMS(store_v_int(now)),
	    NULL, NULL);
	if (rc == STORE_OK)
		rc = run(s, STMT_SESSION_INSERT, STORE_PARAMS(
		    store_v_blob(key, 32), store_v_int(user_id),
		    store_v_int(now), store_v_int(expires)), NULL, NULL);
	return tx_end(s, rc);
}

struct session_row {
	struct arena *a;
	struct user *out;
	struct viewer *v;
	bool found;
};

static int
session_user_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct session_row *o = data;

	if (ncols < USER_COL__COUNT + 2)
		return bad_row(ncols, USER_COL__COUNT + 2);
	read_user(o->a, row, o->out);
	if (o->v != NULL) {
		o->v->plain = col_i64(&row[USER_COL__COUNT]) == 1;
		o->v->unseen = col_i64(&row[USER_COL__COUNT + 1]);
	}
	o->found = true;
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

	rc = run(s, STMT_SESSION_USER, STORE_PARAMS(store_v_blob(key, 32),
	    store_v_int(now)), session_user_cb, &o);
	if (rc == STORE_OK && !o.found)
		rc = STORE_NOTFOUND;
	return rc;
}

/* Ends a session; STORE_NOTFOUND when there was none under key. */
int
store_session_delete(struct store *s, const unsigned char key[32])
{
	return run_one(s, STMT_SESSION_DELETE,
	    STORE_PARAMS(store_v_blob(key, 32)));
}

/* ---- communities ----------------------------------------------------- */

/*
 * Creates community c (name, title, description and rules with their
 * HTML, creator_id, created; counters start at 0) and makes the creator
 * its first moderator, in one transaction. Sets *id. Returns
 * STORE_CONFLICT when the name is taken in any letter case, STORE_NOTFOUND
 * for an unknown creator.
 */
int
store_community_create(struct store *s, const struct community *c,
    int64_t *id)
{
	char *lc = lower_dup(c->name);
	int64_t cid = 0;
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		goto out;
	rc = run(s, STMT_COMMUNITY_INSERT, STORE_PARAMS(store_v_text(c->name),
	    store_v_text(lc), store_v_text(c->title),
	    store_v_text(c->description), store_v_text(c->description_html),
	    store_v_text(c->rules), store_v_text(c->rules_html),
	    c->creator_id ? store_v_int(c->creator_id) : store_v_null(),
	    store_v_int(c->created)), NULL, NULL);
	if (rc == STORE_OK) {
		cid = s->be->last_id(s->conn);
		if (c->creator_id != 0)
			rc = store_moderator_add(s, cid, c->creator_id,
			    c->created);
	}
	rc = tx_end(s, rc);
	if (rc == STORE_OK && id != NULL)
		*id = cid;
out:
	free(lc);
	return rc;
}

/* Fills *out with the community called name in any letter case. */
int
store_community_by_name(struct store *s, struct arena *a,
    const char *name, struct community *out)
{
	struct one o = { a, out, NULL, false };
	char *lc = lower_dup(name);
	int rc;

	rc = run(s, STMT_COMMUNITY_BY_NAME, STORE_PARAMS(store_v_text(lc)),
	    one_community_cb, &o);
	if (rc == STORE_OK && !o.found)
		rc = STORE_NOTFOUND;
	free(lc);
	return rc;
}

/*
 * Lists up to limit communities (at most 1000; limit <= 0 means 1000) by
 * subscribers, most first, then name; or by name. *out is an array of *n
 * in a (NULL when empty).
 */
int
store_community_list(struct store *s, struct arena *a,
    enum community_order order, int limit, struct community **out, size_t *n)
{
	struct many m = { a, NULL, 0, 0, sizeof(struct community) };
	enum store_stmt st = order == COMMUNITIES_BY_NAME ?
	    STMT_COMMUNITY_LIST_NAME : STMT_COMMUNITY_LIST_SUBSCRIBERS;
	int rc;

	if (limit <= 0 || limit > COMMUNITY_LIST_MAX)
		limit = COMMUNITY_LIST_MAX;
	rc = run(s, st, STORE_PARAMS(store_v_int(limit)), many_community_cb,
	    &m);
	*out = rc == STORE_OK ? (struct community *)m.items : NULL;
	*n = rc == STORE_OK ? m.n : 0;
	return rc;
}

/*
 * Lists the moderators of a community in order of appointment (the
 * creator first). *out is an array of *n in a; an unknown community
 * simply has none.
 */
int
store_community_mods(struct store *s, struct arena *a, int64_t community_id,
    struct user **out, size_t *n)
{
	struct many m = { a, NULL, 0, 0, sizeof(struct user) };
	int rc;

	rc = run(s, STMT_COMMUNITY_MODS, STORE_PARAMS(store_v_int(community_id)),
	    many_user_cb, &m);
	*out = rc == STORE_OK ? (struct user *)m.items : NULL;
	*n = rc == STORE_OK ? m.n : 0;
	return rc;
}

/*
 * Appoints user_id as the last moderator of the community. Returns
 * STORE_CONFLICT when they already are one, STORE_NOTFOUND for an unknown
 * community or user.
 */
int
store_moderator_add(struct store *s, int64_t community_id, int64_t user_id,
    int64_t now)
{
	return run_guarded(s, STMT_MODERATOR_ADD, STORE_PARAMS(
	    store_v_int(community_id), store_v_int(user_id), store_v_int(now)));
}

/*
 * Subscribes user_id to community_id (on) or ends the subscription, and
 * keeps the community's subscriber count in step. Doing what is already
 * done changes nothing. Returns STORE_NOTFOUND for an unknown user or
 * community.
 */
int
store_subscription_set(struct store *s, int64_t user_id, int64_t community_id,
    bool on, int64_t now)
{
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if (on)
		rc = run(s, STMT_SUBSCRIBE, STORE_PARAMS(store_v_int(user_id),
		    store_v_int(community_id), store_v_int(now)), NULL, NULL);
	else
		rc = run(s, STMT_UNSUBSCRIBE, STORE_PARAMS(store_v_int(user_id),
		    store_v_int(community_id)), NULL, NULL);
	if (rc == STORE_OK && s->be->changes(s->conn) > 0)
		rc = run_one(s, STMT_COMMUNITY_ADD_SUBSCRIBERS, STORE_PARAMS(
		    store_v_int(community_id), store_v_int(on ? 1 : -1)));
	return tx_end(s, rc);
}

/* Sets *out to whether user_id is subscribed to community_id. */
int
store_subscribed(struct store *s, int64_t user_id, int64_t community_id,
    bool *out)
{
	struct numbers nb = { .found = false };
	int rc = run(s, STMT_SUBSCRIBED, STORE_PARAMS(store_v_int(user_id),
	    store_v_int(community_id)), numbers_cb, &nb);

	*out = rc == STORE_OK && nb.found;
	return rc;
}

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
	at = ids_find(v->ids, v->n, col_i64(&row[0]));
	if (at < v->n)
		v->dirs[at] = (int)col_i64(&row[1]);
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

		return run(s, STMT_COMMENT_VOTES_OF_POST, STORE_PARAMS(
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
		rc = run(s, STMT_VOTES_ON, v, ARRAY_LEN(v), votes_on_cb, &vo);
	}
	return rc;
}

/* ---- posts ----------------------------------------------------------- */

/*
 * Creates post p (community_id, author_id, title, url or body with
 * body_html, created, and the locked, stickied, nsfw and held flags) with
 * its author's +1 vote: score 1, hot rank of a score of 1, no comments
 * yet. Counts it in the community. Sets *id. Returns STORE_NOTFOUND for an
 * unknown community or author.
 */
int
store_post_create(struct store *s, const struct post *p, int64_t *id)
{
	int64_t pid = 0;
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = run(s, STMT_POST_INSERT, STORE_PARAMS(
	    store_v_int(p->community_id), store_v_int(p->author_id),
	    store_v_text(p->title), store_v_text(p->url),
	    store_v_text(p->body), store_v_text(p->body_html),
	    store_v_int(p->created), store_v_real(rank_hot(1, p->created)),
	    store_v_int(p->locked), store_v_int(p->stickied),
	    store_v_int(p->nsfw), store_v_int(p->held)), NULL, NULL);
	if (rc == STORE_OK) {
		pid = s->be->last_id(s->conn);
		rc = run(s, STMT_VOTE_UPSERT, STORE_PARAMS(
		    store_v_int(p->author_id), store_v_int(VOTE_POST),
		    store_v_int(pid), store_v_int(1), store_v_int(p->created)),
		    NULL, NULL);
	}
	if (rc == STORE_OK)
		rc = run_one(s, STMT_COMMUNITY_ADD_POST,
		    STORE_PARAMS(store_v_int(p->community_id)));
	rc = tx_end(s, rc);
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
	struct one o = { a, out, NULL, false };
	int rc;

	rc = run(s, STMT_POST_GET, STORE_PARAMS(store_v_int(viewer_id),
	    store_v_int(id)), one_post_cb, &o);
	if (rc == STORE_OK && !o.found)
		rc = STORE_NOTFOUND;
	return rc;
}

/* Listing statements by sort, for every community and for one. */
static const enum store_stmt list_stmt[][2] = {
	[SORT_HOT] = { STMT_POST_LIST_HOT, STMT_POST_LIST_HOT_C },
	[SORT_NEW] = { STMT_POST_LIST_NEW, STMT_POST_LIST_NEW_C },
	[SORT_TOP] = { STMT_POST_LIST_TOP, STMT_POST_LIST_TOP_C },
	[SORT_ACTIVE] = { STMT_POST_LIST_ACTIVE, STMT_POST_LIST_ACTIVE_C },
	[SORT_CONTROVERSIAL] = { STMT_POST_LIST_CONTROVERSIAL,
	    STMT_POST_LIST_CONTROVERSIAL_C },
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
 * (profiles); otherwise by q->sort, narrowed to community_id when set and
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
	struct many m = { a, NULL, 0, 0, sizeof(struct post) };
	struct store_val params[7];
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
	limit = q->limit <= 0 ? POST_PAGE_DEFAULT :
	    q->limit > POST_PAGE_MAX ? POST_PAGE_MAX : q->limit;

	/* The first page starts above every key; later pages after the
	 * cursor post's own (key, id). */
	if (sort == SORT_HOT || sort == SORT_CONTROVERSIAL)
		key = store_v_real(HUGE_VAL);
	else
		key = store_v_int(INT64_MAX);
	after_id = store_v_int(INT64_MAX);
	if (q->after != 0) {
		struct numbers cur = { .found = false };

		rc = run(s, STMT_POST_CURSOR, STORE_PARAMS(store_v_int(q->after)),
		    numbers_cb, &cur);
		if (rc != STORE_OK)
			return rc;
		if (!cur.found || cur.n <= (size_t)cursor_col[sort])
			return STORE_OK;
		key = cur.vals[cursor_col[sort]];
		after_id = store_v_int(q->after);
	}

	params[np++] = store_v_int(q->viewer_id);
	params[np++] = key;
	params[np++] = after_id;
	params[np++] = store_v_int(q->include_stickied);
	params[np++] = store_v_int(limit);
	if (q->author_id != 0) {
		st = STMT_POST_LIST_AUTHOR;
		params[np++] = store_v_int(q->author_id);
	} else {
		st = list_stmt[sort][q->community_id != 0];
		if (q->community_id != 0)
			params[np++] = store_v_int(q->community_id);
		if (sort == SORT_TOP)
			params[np++] = store_v_int(q->since);
	}

	m.cap = (size_t)limit;
	m.items = arena_zalloc(a, m.cap * m.size);
	rc = run(s, st, params, np, many_post_cb, &m);
	if (rc == STORE_OK) {
		*out = (struct post *)m.items;
		*n = m.n;
	}
	return rc;
}

/*
 * Replaces a post's body and body_html (NULL for a link post), and its
 * title unless title is NULL; marks it edited at now. Returns
 * STORE_NOTFOUND when there is no such post.
 */
int
store_post_edit(struct store *s, int64_t id, const char *title,
    const char *body, const char *body_html, int64_t now)
{
	return run_one(s, STMT_POST_EDIT, STORE_PARAMS(store_v_int(id),
	    store_v_text(title), store_v_text(body), store_v_text(body_html),
	    store_v_int(now)));
}

/*
 * Marks a post deleted by its author: the title becomes "[deleted]" and
 * the url, body and body_html are dropped for good; votes, comments and
 * the edited time stay. Returns STORE_NOTFOUND when there is no such post.
 */
int
store_post_delete(struct store *s, int64_t id, int64_t now)
{
	(void)now;
	return run_one(s, STMT_POST_DELETE, STORE_PARAMS(store_v_int(id)));
}

/* ---- comments -------------------------------------------------------- */

/*
 * Creates comment c (post_id, parent_id or 0, author_id, body, body_html,
 * created, held) one level below its parent, with its author's +1 vote;
 * counts it in the post and moves the post's last_comment forward. Sets *id.
 * Returns STORE_NOTFOUND for an unknown post, parent or author, and
 * STORE_CONFLICT when the parent belongs to another post.
 */
int
store_comment_create(struct store *s, const struct comment *c, int64_t *id)
{
	struct numbers parent = { .found = false };
	int64_t depth = 0, cid = 0;
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = run_one(s, STMT_POST_ADD_COMMENT, STORE_PARAMS(
	    store_v_int(c->post_id), store_v_int(c->created)));
	if (rc != STORE_OK)
		goto out;
	if (c->parent_id != 0) {
		rc = run(s, STMT_COMMENT_PARENT,
		    STORE_PARAMS(store_v_int(c->parent_id)), numbers_cb,
		    &parent);
		if (rc != STORE_OK)
			goto out;
		if (!parent.found || parent.n < 2) {
			rc = STORE_NOTFOUND;
			goto out;
		}
		if (col_i64(&parent.vals[0]) != c->post_id) {
			rc = STORE_CONFLICT;
			goto out;
		}
		depth = col_i64(&parent.vals[1]) + 1;
	}
	rc = run(s, STMT_COMMENT_INSERT, STORE_PARAMS(store_v_int(c->post_id),
	    c->parent_id ? store_v_int(c->parent_id) : store_v_null(),
	    store_v_int(c->author_id), store_v_text(c->body),
	    store_v_text(c->body_html), store_v_int(c->created),
	    store_v_int(depth), store_v_int(c->held)), NULL, NULL);
	if (rc != STORE_OK)
		goto out;
	cid = s->be->last_id(s->conn);
	rc = run(s, STMT_VOTE_UPSERT, STORE_PARAMS(store_v_int(c->author_id),
	    store_v_int(VOTE_COMMENT), store_v_int(cid), store_v_int(1),
	    store_v_int(c->created)), NULL, NULL);
out:
	rc = tx_end(s, rc);
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
	struct one o = { a, out, NULL, false };
	int rc;

	rc = run(s, STMT_COMMENT_GET, STORE_PARAMS(store_v_int(viewer_id),
	    store_v_int(id)), one_comment_cb, &o);
	if (rc == STORE_OK && !o.found)
		rc = STORE_NOTFOUND;
	return rc;
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
	struct many m = { a, NULL, 0, 0, sizeof(struct comment) };
	int rc;

	rc = run(s, STMT_COMMENT_LIST, STORE_PARAMS(store_v_int(viewer_id),
	    store_v_int(post_id)), many_comment_cb, &m);
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
	struct many m = { a, NULL, 0, 0, sizeof(struct comment) };
	struct store_val key = store_v_int(INT64_MAX);
	struct store_val after_id = store_v_int(INT64_MAX);
	int rc;

	*out = NULL;
	*n = 0;
	limit = limit <= 0 ? POST_PAGE_DEFAULT :
	    limit > POST_PAGE_MAX ? POST_PAGE_MAX : limit;
	if (after != 0) {
		struct numbers cur = { .found = false };

		rc = run(s, STMT_COMMENT_CURSOR, STORE_PARAMS(store_v_int(after)),
		    numbers_cb, &cur);
		if (rc != STORE_OK)
			return rc;
		if (!cur.found || cur.n < 1)
			return STORE_OK;
		key = cur.vals[0];
		after_id = store_v_int(after);
	}
	m.cap = (size_t)limit;
	m.items = arena_zalloc(a, m.cap * m.size);
	rc = run(s, STMT_COMMENT_BY_AUTHOR, STORE_PARAMS(store_v_int(author_id),
	    key, after_id, store_v_int(limit)), many_comment_link_cb, &m);
	if (rc == STORE_OK) {
		*out = (struct comment *)m.items;
		*n = m.n;
	}
	return rc;
}

/* Replaces a comment's body and body_html and marks it edited at now. */
int
store_comment_edit(struct store *s, int64_t id, const char *body,
    const char *body_html, int64_t now)
{
	return run_one(s, STMT_COMMENT_EDIT, STORE_PARAMS(store_v_int(id),
	    store_v_text(body), store_v_text(body_html), store_v_int(now)));
}

/*
 * Marks a comment deleted by its author and drops its text; it keeps its
 * place in the thread and in the post's comment count.
 */
int
store_comment_delete(struct store *s, int64_t id, int64_t now)
{
	(void)now;
	return run_one(s, STMT_COMMENT_DELETE, STORE_PARAMS(store_v_int(id)));
}

/* ---- votes ----------------------------------------------------------- */

/*
 * Sets user_id's vote on a post or comment (kind is enum vote_kind) to
 * dir: 1 up, -1 down, 0 withdrawn. In one transaction it updates the
 * target's ups, downs and score (for posts also hot and controversy) and
 * moves the target author's points by the change, unless the voter is
 * the author. Repeating the current vote changes nothing. Sets *score to
 * the target's new score. Returns STORE_NOTFOUND for an unknown target
 * and STORE_ERR for a bad kind or dir.
 */
int
store_vote_set(struct store *s, int64_t user_id, int kind,
    int64_t target_id, int dir, int64_t now, int64_t *score)
{
	struct numbers target = { .found = false }, old = { .found = false };
	int64_t author, ups = 0, downs = 0, created, prev = 0;
	int rc;

	if ((kind != VOTE_POST && kind != VOTE_COMMENT) || dir < -1 ||
	    dir > 1) {
		log_msg(LOG_ERR, "store", "bad vote kind %d dir %d", kind, dir);
		return STORE_ERR;
	}
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = run(s, kind == VOTE_POST ? STMT_POST_VOTE_TARGET :
	    STMT_COMMENT_VOTE_TARGET, STORE_PARAMS(store_v_int(target_id)),
	    numbers_cb, &target);
	if (rc != STORE_OK)
		goto out;
	if (!target.found || target.n < 4) {
		rc = STORE_NOTFOUND;
		goto out;
	}
	author = col_i64(&target.vals[0]);
	ups = col_i64(&target.vals[1]);
	downs = col_i64(&target.vals[2]);
	created = col_i64(&target.vals[3]);

	rc = run(s, STMT_VOTE_GET, STORE_PARAMS(store_v_int(user_id),
	    store_v_int(kind), store_v_int(target_id)), numbers_cb, &old);
	if (rc != STORE_OK)
		goto out;
	if (old.found && old.n >= 1)
		prev = col_i64(&old.vals[0]);
	if (prev == dir)
		goto out;

	if (dir == 0)
		rc = run(s, STMT_VOTE_DELETE, STORE_PARAMS(store_v_int(user_id),
		    store_v_int(kind), store_v_int(target_id)), NULL, NULL);
	else
		rc = run(s, STMT_VOTE_UPSERT, STORE_PARAMS(store_v_int(user_id),
		    store_v_int(kind), store_v_int(target_id), store_v_int(dir),
		    store_v_int(now)), NULL, NULL);
	if (rc != STORE_OK)
		goto out;

	ups += (dir == 1) - (prev == 1);
	downs += (dir == -1) - (prev == -1);
	if (kind == VOTE_POST)
		rc = run(s, STMT_POST_SET_VOTES, STORE_PARAMS(
		    store_v_int(target_id), store_v_int(ups),
		    store_v_int(downs), store_v_int(ups - downs),
		    store_v_real(rank_hot(ups - downs, created)),
		    store_v_real(rank_controversy(ups, downs))), NULL, NULL);
	else
		rc = run(s, STMT_COMMENT_SET_VOTES, STORE_PARAMS(
		    store_v_int(target_id), store_v_int(ups),
		    store_v_int(downs), store_v_int(ups - downs)), NULL, NULL);
	if (rc == STORE_OK && author != user_id)
		rc = run(s, STMT_USER_ADD_POINTS, STORE_PARAMS(
		    store_v_int(author), store_v_int(dir - prev)), NULL, NULL);
out:
	rc = tx_end(s, rc);
	if (rc == STORE_OK && score != NULL)
		*score = ups - downs;
	return rc;
}

/* ---- site pages ------------------------------------------------------ */

struct page_out {
	struct arena *a;
	struct page *out;
	bool found;
};

/* slug, title, body, body_html, editor name, updated. */
static int
page_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct page_out *po = data;

	if (ncols < 6)
		return bad_row(ncols, 6);
	po->out->slug = col_text(po->a, &row[0]);
	po->out->title = col_text(po->a, &row[1]);
	po->out->body = col_text(po->a, &row[2]);
	po->out->body_html = col_text(po->a, &row[3]);
	po->out->editor = col_text(po->a, &row[4]);
	po->out->updated = col_i64(&row[5]);
	po->found = true;
	return STORE_OK;
}

/*
 * Fills *out with the site page at slug, strings in a; editor is NULL for
 * a page nobody has edited. Returns STORE_NOTFOUND when there is none.
 */
int
store_page_get(struct store *s, struct arena *a, const char *slug,
    struct page *out)
{
	struct page_out po = { a, out, false };
	int rc;

	rc = run(s, STMT_PAGE_GET, STORE_PARAMS(store_v_text(slug)), page_cb,
	    &po);
	if (rc == STORE_OK && !po.found)
		rc = STORE_NOTFOUND;
	return rc;
}

/*
 * Creates or replaces the page at slug. editor_id 0 records no editor
 * (the pages seeded at first start). Returns STORE_NOTFOUND for an
 * unknown editor.
 */
int
store_page_set(struct store *s, const char *slug, const char *title,
    const char *body, const char *body_html, int64_t editor_id, int64_t now)
{
	return run(s, STMT_PAGE_SET, STORE_PARAMS(store_v_text(slug),
	    store_v_text(title), store_v_text(body), store_v_text(body_html),
	    editor_id ? store_v_int(editor_id) : store_v_null(),
	    store_v_int(now)), NULL, NULL);
}

/* ---- moderation: helpers --------------------------------------------- */

#define QUEUE_MAX 100            /* reports, held items, notifications */
#define STICKY_MAX 2             /* stickied posts per community */
#define VOTES_PAGE_MAX 1000

/* limit <= 0 means the default page of 25; above max means max. */
static int
clamp_limit(int limit, int max)
{
	if (limit <= 0)
		return POST_PAGE_DEFAULT < max ? POST_PAGE_DEFAULT : max;
	return limit > max ? max : limit;
}

/* Sets *out to the single number the statement returns (0 if no row). */
static int
run_count(struct store *s, enum store_stmt st, const struct store_val *params,
    size_t nparams, int64_t *out)
{
	struct numbers nb = { .found = false };
	int rc = run(s, st, params, nparams, numbers_cb, &nb);

	*out = rc == STORE_OK && nb.found && nb.n >= 1 ?
	    col_i64(&nb.vals[0]) : 0;
	return rc;
}

/* Sets *out to whether the statement returns a row. */
static int
run_exists(struct store *s, enum store_stmt st, const struct store_val *params,
    size_t nparams, bool *out)
{
	struct numbers nb = { .found = false };
	int rc = run(s, st, params, nparams, numbers_cb, &nb);

	*out = rc == STORE_OK && nb.found;
	return rc;
}

/* A community id as stored: 0 (site-wide) is NULL. */
static struct store_val
scope_val(int64_t community_id)
{
	return community_id != 0 ? store_v_int(community_id) : store_v_null();
}

/* An optional reference: 0 is NULL. */
static struct store_val
ref_val(int64_t id)
{
	return id != 0 ? store_v_int(id) : store_v_null();
}

/* Hands the rows gathered in m to the caller as *out and *n. */
#define MANY_OUT(rc, m, type, out, n) do { \
	*(out) = (rc) == STORE_OK && (m).n ? (type *)(m).items : NULL; \
	*(n) = (rc) == STORE_OK ? (m).n : 0; \
} while (0)

/* ---- moderation: communities and moderators --------------------------- */

/* Sets *out to whether user_id moderates community_id. */
int
store_is_moderator(struct store *s, int64_t community_id, int64_t user_id,
    bool *out)
{
	return run_exists(s, STMT_IS_MODERATOR, STORE_PARAMS(
	    store_v_int(community_id), store_v_int(user_id)), out);
}

/*
 * Ends user_id's appointment as moderator of community_id. Returns
 * STORE_NOTFOUND when they were not one.
 */
int
store_moderator_remove(struct store *s, int64_t community_id,
    int64_t user_id)
{
	return run_one(s, STMT_MODERATOR_REMOVE, STORE_PARAMS(
	    store_v_int(community_id), store_v_int(user_id)));
}

/*
 * Replaces a community's description and rules (markdown and rendered
 * HTML; NULL clears them) and its title unless title is NULL. Returns
 * STORE_NOTFOUND for an unknown community.
 */
int
store_community_edit(struct store *s, int64_t id, const char *title,
    const char *description, const char *description_html, const char *rules,
    const char *rules_html)
{
	return run_one(s, STMT_COMMUNITY_EDIT, STORE_PARAMS(store_v_int(id),
	    store_v_text(title), store_v_text(description),
	    store_v_text(description_html), store_v_text(rules),
	    store_v_text(rules_html)));
}

/* Fills *out (strings in a) with community id; STORE_NOTFOUND if none. */
int
store_community_by_id(struct store *s, struct arena *a, int64_t id,
    struct community *out)
{
	struct one o = { a, out, NULL, false };
	int rc;

	rc = run(s, STMT_COMMUNITY_BY_ID, STORE_PARAMS(store_v_int(id)),
	    one_community_cb, &o);
	if (rc == STORE_OK && !o.found)
		rc = STORE_NOTFOUND;
	return rc;
}

/* ---- moderation: posts and comments ----------------------------------- */

/*
 * Lists the stickied posts of a community that are shown (not removed,
 * deleted or held), newest first, at most 2, with my_vote for viewer_id.
 * *out is an array of *n in a (NULL when there are none).
 */
int
store_post_stickied(struct store *s, struct arena *a, int64_t community_id,
    int64_t viewer_id, struct post **out, size_t *n)
{
	struct many m = { a, NULL, 0, 0, sizeof(struct post) };
	int rc;

	rc = run(s, STMT_POST_STICKIED, STORE_PARAMS(store_v_int(viewer_id),
	    store_v_int(community_id)), many_post_cb, &m);
	MANY_OUT(rc, m, struct post, out, n);
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
	return run_one(s, STMT_POST_SET_REMOVED, STORE_PARAMS(store_v_int(id),
	    store_v_int(removed), removed ? store_v_text(reason) :
	    store_v_null()));
}

/* Locks or unlocks a post; STORE_NOTFOUND for an unknown post. */
int
store_post_set_locked(struct store *s, int64_t id, bool locked)
{
	return run_one(s, STMT_POST_SET_LOCKED, STORE_PARAMS(store_v_int(id),
	    store_v_int(locked)));
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
		return run_one(s, STMT_POST_SET_STICKIED,
		    STORE_PARAMS(store_v_int(id), store_v_int(0)));
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = run_count(s, STMT_POST_STICKY_COUNT, STORE_PARAMS(store_v_int(id)),
	    &others);
	if (rc == STORE_OK && others >= STICKY_MAX)
		rc = STORE_CONFLICT;
	if (rc == STORE_OK)
		rc = run_one(s, STMT_POST_SET_STICKIED,
		    STORE_PARAMS(store_v_int(id), store_v_int(1)));
	return tx_end(s, rc);
}

/*
 * Holds a post for review (listings skip it) or releases it. Returns
 * STORE_NOTFOUND for an unknown post.
 */
int
store_post_set_held(struct store *s, int64_t id, bool held)
{
	return run_one(s, STMT_POST_SET_HELD, STORE_PARAMS(store_v_int(id),
	    store_v_int(held)));
}

/* As store_post_set_removed, for a comment. */
int
store_comment_set_removed(struct store *s, int64_t id, bool removed,
    const char *reason)
{
	return run_one(s, STMT_COMMENT_SET_REMOVED, STORE_PARAMS(
	    store_v_int(id), store_v_int(removed), removed ?
	    store_v_text(reason) : store_v_null()));
}

/* As store_post_set_held, for a comment. */
int
store_comment_set_held(struct store *s, int64_t id, bool held)
{
	return run_one(s, STMT_COMMENT_SET_HELD, STORE_PARAMS(store_v_int(id),
	    store_v_int(held)));
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
	struct many m = { a, NULL, 0, 0, sizeof(struct post) };
	int rc;

	rc = run(s, STMT_POST_HELD, STORE_PARAMS(store_v_int(0),
	    store_v_int(community_id),
	    store_v_int(clamp_limit(limit, QUEUE_MAX))), many_post_cb, &m);
	MANY_OUT(rc, m, struct post, out, n);
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
	struct many m = { a, NULL, 0, 0, sizeof(struct comment) };
	int rc;

	rc = run(s, STMT_COMMENT_HELD, STORE_PARAMS(store_v_int(community_id),
	    store_v_int(clamp_limit(limit, QUEUE_MAX))), many_comment_link_cb,
	    &m);
	MANY_OUT(rc, m, struct comment, out, n);
	return rc;
}

/* ---- moderation: bans ------------------------------------------------- */

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
	rc = run(s, STMT_BAN_DELETE, STORE_PARAMS(store_v_int(user_id),
	    scope_val(community_id)), NULL, NULL);
	if (rc == STORE_OK)
		rc = run(s, STMT_BAN_INSERT, STORE_PARAMS(
		    scope_val(community_id), store_v_int(user_id),
		    ref_val(mod_id), store_v_text(reason), store_v_int(now),
		    store_v_int(expires)), NULL, NULL);
	return tx_end(s, rc);
}

/*
 * Lifts the ban of user_id in community_id (0: the site-wide one), expired
 * or not. Returns STORE_NOTFOUND when there was none.
 */
int
store_ban_remove(struct store *s, int64_t community_id, int64_t user_id)
{
	return run_one(s, STMT_BAN_DELETE, STORE_PARAMS(store_v_int(user_id),
	    scope_val(community_id)));
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
		return bad_row(ncols, 3);
	if (b->found)
		return STORE_OK;
	b->out->community_id = col_i64(&row[0]);
	b->out->reason = col_text(b->a, &row[1]);
	if (b->out->reason == NULL)
		b->out->reason = "";
	b->out->expires = col_i64(&row[2]);
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

	rc = run(s, STMT_BAN_ACTIVE, STORE_PARAMS(store_v_int(user_id),
	    store_v_null(), store_v_int(now)), ban_cb, &b);
	if (rc == STORE_OK && !b.found && community_id != 0)
		rc = run(s, STMT_BAN_ACTIVE, STORE_PARAMS(store_v_int(user_id),
		    store_v_int(community_id), store_v_int(now)), ban_cb, &b);
	if (rc == STORE_OK && !b.found)
		rc = STORE_NOTFOUND;
	return rc;
}

/* ---- moderation: reports ---------------------------------------------- */

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
	return run_guarded(s, STMT_REPORT_INSERT, STORE_PARAMS(
	    store_v_int(kind), store_v_int(target_id),
	    store_v_int(community_id), store_v_int(reporter_id),
	    store_v_text(reason ? reason : ""), store_v_int(now)));
}

/* id, kind, target_id, reason, created. */
static int
many_report_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct many *m = data;
	struct report *r;

	if (ncols < 5)
		return bad_row(ncols, 5);
	r = many_push(m);
	r->id = col_i64(&row[0]);
	r->kind = (int)col_i64(&row[1]);
	r->target_id = col_i64(&row[2]);
	r->reason = col_text(m->a, &row[3]);
	r->created = col_i64(&row[4]);
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
	struct many m = { a, NULL, 0, 0, sizeof(struct report) };
	int rc;

	rc = run(s, STMT_REPORT_QUEUE, STORE_PARAMS(store_v_int(community_id),
	    store_v_int(clamp_limit(limit, QUEUE_MAX))), many_report_cb, &m);
	MANY_OUT(rc, m, struct report, out, n);
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
	return run(s, STMT_REPORT_RESOLVE, STORE_PARAMS(store_v_int(kind),
	    store_v_int(target_id), ref_val(resolver_id), store_v_int(now)),
	    NULL, NULL);
}

/* ---- moderation: the log ---------------------------------------------- */

/*
 * Writes one line of the mod log: m's action, kind and target_id (0: no
 * item), reason, created and expires, by mod_id, in community_id (0:
 * site-wide), about target_user_id (0: none). Returns STORE_NOTFOUND for
 * an unknown community, moderator or user.
 */
int
store_modlog_add(struct store *s, const struct mod_action *m,
    int64_t community_id, int64_t mod_id, int64_t target_user_id)
{
	return run_guarded(s, STMT_MODLOG_INSERT, STORE_PARAMS(
	    scope_val(community_id), store_v_int(mod_id),
	    store_v_text(m->action),
	    m->target_id ? store_v_int(m->kind) : store_v_null(),
	    ref_val(m->target_id), ref_val(target_user_id),
	    store_v_text(m->reason), store_v_int(m->created),
	    store_v_int(m->expires)));
}

/* The columns of MODLOG_LIST in store_sqlite.c. */
static int
many_modlog_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct many *m = data;
	struct mod_action *l;

	if (ncols < 10)
		return bad_row(ncols, 10);
	l = many_push(m);
	l->id = col_i64(&row[0]);
	l->community = col_text(m->a, &row[1]);
	l->mod = col_text(m->a, &row[2]);
	l->action = col_text(m->a, &row[3]);
	l->kind = (int)col_i64(&row[4]);
	l->target_id = col_i64(&row[5]);
	l->target_user = col_text(m->a, &row[6]);
	l->reason = col_text(m->a, &row[7]);
	l->created = col_i64(&row[8]);
	l->expires = col_i64(&row[9]);
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
	struct many m = { a, NULL, 0, 0, sizeof(struct mod_action) };
	const char *action = q->action && *q->action ? q->action : NULL;
	struct store_val params[5];
	enum store_stmt st = STMT_MODLOG_LIST;
	size_t np = 0;
	int rc;

	params[np++] = store_v_int(q->after > 0 ? q->after : INT64_MAX);
	params[np++] = store_v_int(clamp_limit(q->limit, POST_PAGE_MAX));
	params[np++] = store_v_int(q->mod_id);
	params[np++] = store_v_text(action);
	if (q->community_id != 0) {
		st = STMT_MODLOG_LIST_C;
		params[np++] = store_v_int(q->community_id);
	} else if (q->mod_id != 0) {
		st = STMT_MODLOG_LIST_MOD;
	}
	rc = run(s, st, params, np, many_modlog_cb, &m);
	MANY_OUT(rc, m, struct mod_action, out, n);
	return rc;
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
		return run_guarded(s, STMT_BLOCK_INSERT, STORE_PARAMS(
		    store_v_int(user_id), store_v_int(blocked_id),
		    store_v_int(now)));
	return run(s, STMT_BLOCK_DELETE, STORE_PARAMS(store_v_int(user_id),
	    store_v_int(blocked_id)), NULL, NULL);
}

static int
many_id_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct many *m = data;

	if (ncols < 1)
		return bad_row(ncols, 1);
	*(int64_t *)many_push(m) = col_i64(&row[0]);
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
	struct many m = { a, NULL, 0, 0, sizeof(int64_t) };
	int rc;

	rc = run(s, STMT_BLOCKED_IDS, STORE_PARAMS(store_v_int(user_id)),
	    many_id_cb, &m);
	MANY_OUT(rc, m, int64_t, out, n);
	return rc;
}

/* Sets *out to whether user_id has blocked blocked_id. */
int
store_is_blocked(struct store *s, int64_t user_id, int64_t blocked_id,
    bool *out)
{
	return run_exists(s, STMT_IS_BLOCKED, STORE_PARAMS(store_v_int(user_id),
	    store_v_int(blocked_id)), out);
}

/*
 * Leaves user_id an unseen notification: text (NULL counts as "") and an
 * optional site path to link. STORE_NOTFOUND for an unknown user.
 */
int
store_notify(struct store *s, int64_t user_id, const char *text,
    const char *link, int64_t now)
{
	return run_guarded(s, STMT_NOTIFY_INSERT, STORE_PARAMS(
	    store_v_int(user_id), store_v_text(text ? text : ""),
	    store_v_text(link), store_v_int(now)));
}

/* id, text, link, created, seen. */
static int
many_notification_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct many *m = data;
	struct notification *nt;

	if (ncols < 5)
		return bad_row(ncols, 5);
	nt = many_push(m);
	nt->id = col_i64(&row[0]);
	nt->text = col_text(m->a, &row[1]);
	nt->link = col_text(m->a, &row[2]);
	nt->created = col_i64(&row[3]);
	nt->seen = col_i64(&row[4]) != 0;
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
	struct many m = { a, NULL, 0, 0, sizeof(struct notification) };
	int rc;

	rc = run(s, STMT_NOTIFICATIONS, STORE_PARAMS(store_v_int(user_id),
	    store_v_int(clamp_limit(limit, QUEUE_MAX))), many_notification_cb,
	    &m);
	MANY_OUT(rc, m, struct notification, out, n);
	return rc;
}

/* Marks every notification of user_id seen. */
int
store_notifications_seen(struct store *s, int64_t user_id)
{
	return run(s, STMT_NOTIFICATIONS_SEEN, STORE_PARAMS(
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
	return run(s, STMT_SESSION_END_OTHERS, STORE_PARAMS(
	    store_v_int(user_id), keep ? store_v_blob(keep, 32) :
	    store_v_blob("", 0)), NULL, NULL);
}

/*
 * Deletes an account in one transaction: the user is marked deleted, its
 * password and email are dropped (no login works) and its sessions end;
 * the name stays taken and store_user_get still finds it, deleted set.
 * With erase, every post and comment of the user loses its text as
 * store_post_delete and store_comment_delete do; without, the content
 * stays and pages show its author as [deleted]. Returns STORE_NOTFOUND for
 * an unknown user.
 */
int
store_user_delete(struct store *s, int64_t user_id, bool erase)
{
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = run_one(s, STMT_USER_DELETE, STORE_PARAMS(store_v_int(user_id)));
	if (rc == STORE_OK)
		rc = store_sessions_end_others(s, user_id, NULL);
	if (rc == STORE_OK && erase)
		rc = run(s, STMT_POST_ERASE_AUTHOR, STORE_PARAMS(
		    store_v_int(user_id)), NULL, NULL);
	if (rc == STORE_OK && erase)
		rc = run(s, STMT_COMMENT_ERASE_AUTHOR, STORE_PARAMS(
		    store_v_int(user_id)), NULL, NULL);
	return tx_end(s, rc);
}

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
	struct many *m = data;
	struct vote_row *v;

	if (ncols < 4)
		return bad_row(ncols, 4);
	v = many_push(m);
	v->kind = (int)col_i64(&row[0]);
	v->target_id = col_i64(&row[1]);
	v->dir = (int)col_i64(&row[2]);
	v->created = col_i64(&row[3]);
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
	struct many m = { a, NULL, 0, 0, sizeof(struct vote_row) };
	struct vote_row *v;
	int rc;

	*kinds = NULL;
	*targets = NULL;
	*dirs = NULL;
	*n = 0;
	*next = 0;
	limit = clamp_limit(limit, VOTES_PAGE_MAX);
	/* One row more than the page tells whether the last second goes on. */
	rc = run(s, STMT_VOTES_BY_USER, STORE_PARAMS(store_v_int(user_id),
	    store_v_int(after > 0 ? after : INT64_MAX),
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
			m = (struct many){ a, NULL, 0, 0,
			    sizeof(struct vote_row) };
			rc = run(s, STMT_VOTES_BY_USER_AT, STORE_PARAMS(
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

/* ---- abuse limits ----------------------------------------------------- */

/*
 * Sets *count to the posts (RATE_POST), comments (RATE_COMMENT) or votes
 * (RATE_VOTE) user_id made at or after since. Votes count by their latest
 * change and include the user's own +1 on each new post and comment; a
 * withdrawn vote no longer counts. Returns STORE_ERR for a bad kind.
 */
int
store_user_activity(struct store *s, int64_t user_id, int kind,
    int64_t since, int64_t *count)
{
	enum store_stmt st;

	*count = 0;
	switch (kind) {
	case RATE_POST:
		st = STMT_POST_COUNT_SINCE;
		break;
	case RATE_COMMENT:
		st = STMT_COMMENT_COUNT_SINCE;
		break;
	case RATE_VOTE:
		st = STMT_VOTE_COUNT_SINCE;
		break;
	default:
		log_msg(LOG_ERR, "store", "bad activity kind %d", kind);
		return STORE_ERR;
	}
	return run_count(s, st, STORE_PARAMS(store_v_int(user_id),
	    store_v_int(since)), count);
}

/*
 * Records one event under key (the limit and its subject, such as
 * "login:203.0.113.7") at now, for store_rate_count.
 */
int
store_rate_hit(struct store *s, const char *key, int64_t now)
{
	return run(s, STMT_RATE_HIT, STORE_PARAMS(store_v_text(key),
	    store_v_int(now)), NULL, NULL);
}

/* Sets *count to the events under key at or after since. */
int
store_rate_count(struct store *s, const char *key, int64_t since,
    int64_t *count)
{
	return run_count(s, STMT_RATE_COUNT, STORE_PARAMS(store_v_text(key),
	    store_v_int(since)), count);
}

/* Forgets every event (of any key) older than before. */
int
store_rate_purge(struct store *s, int64_t before)
{
	return run(s, STMT_RATE_PURGE, STORE_PARAMS(store_v_int(before)),
	    NULL, NULL);
}
