/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store.c: the store's connection and transactions, and the helpers every
 * domain file (store_user.c, store_community.c, store_post.c,
 * store_vote.c, store_mod.c, store_site.c) runs its statements with.
 *
 * The domain files never know which database is underneath: each picks
 * statements by enum store_stmt, binds store_val parameters, and has
 * result rows (whose text the backend owns only during the row callback)
 * copied into the caller's arena by store_row.c. Derived values (vote
 * counts, hot and controversy ranks, comment counts, author points) are
 * kept up to date inside one transaction with the write that changes
 * them, so that listings can read them from indexes instead of computing
 * them.
 *
 * Transactions nest: the outermost store_begin starts a write transaction
 * and inner ones are savepoints, so a caller can wrap many domain calls
 * (the demo generator wraps thousands) in one transaction.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

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

/*
 * Prepares s for loading much data at once (parley demo): on SQLite the
 * search index and the secondary indexes of posts, comments and votes
 * stop following each row until store_bulk_end, and a fresh database
 * is written without a journal.
 */
int
store_bulk(struct store *s)
{
	int rc = s->be->bulk ? s->be->bulk(s->conn) : STORE_OK;

	if (rc == STORE_OK && s->be == &store_sqlite_backend)
		rc = s->be->script(s->conn, store__fts_drop);
	return rc;
}

/*
 * Has PostgreSQL gather the statistics its planner works from, after a
 * load of many rows (parley demo, parley migrate). Without them it plans
 * the listings for empty tables, sorting every post instead of walking a
 * rank index: 350 ms instead of 0.4 ms for a front page of 10,000 posts,
 * until autovacuum comes round. SQLite's planner needs no statistics.
 */
int
store_analyze(struct store *s)
{
	if (s->be == &store_sqlite_backend)
		return STORE_OK;
	return s->be->script(s->conn, "ANALYZE");
}

/*
 * Ends a bulk load: puts the search index's triggers back and rebuilds
 * it from the rows, then builds the indexes store_bulk dropped (SQLite),
 * or gathers the planner's statistics (PostgreSQL). Call it on every way
 * out after store_bulk; store_migrate does it too after a crash.
 */
int
store_bulk_end(struct store *s)
{
	int rc;

	if (s->be != &store_sqlite_backend)
		return store_analyze(s);
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = s->be->script(s->conn, store__fts_restore);
	if ((rc = store__tx_end(s, rc)) != STORE_OK)
		return rc;
	return s->be->bulk_end(s->conn);
}

/*
 * Sets *epoch to the page caches' epoch (schema v13), which every server
 * raises after each write and `parley admin` and the other commands after
 * theirs. On SQLite the row is read again only when another connection
 * committed since the last call (PRAGMA data_version); else the last
 * value read stands.
 */
int
store_epoch(struct store *s, int64_t *epoch)
{
	bool changed = true;
	int rc;

	if (s->be->changed_elsewhere != NULL &&
	    (rc = s->be->changed_elsewhere(s->conn, &changed)) != STORE_OK)
		return rc;
	if (changed || !s->epoch_read) {
		rc = store__run_count(s, STMT_EPOCH, NULL, 0, &s->epoch);
		if (rc != STORE_OK)
			return rc;
		s->epoch_read = true;
	}
	*epoch = s->epoch;
	return STORE_OK;
}

/*
 * Raises the epoch after a write other servers' page caches must see;
 * sets *epoch to the new value. Call it after the write's commit: on
 * PostgreSQL it is outside any transaction, on SQLite a transaction of
 * its own.
 */
int
store_epoch_raise(struct store *s, int64_t *epoch)
{
	return store__run_count(s, STMT_EPOCH_RAISE, NULL, 0, epoch);
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

/* ---- running statements ----------------------------------------------- */

/* Runs a single-row write; STORE_NOTFOUND when it touched no row. */
int
store__run_one(struct store *s, enum store_stmt st,
    const struct store_val *params, size_t nparams)
{
	int rc = store__run(s, st, params, nparams, NULL, NULL);

	if (rc == STORE_OK && s->be->changes(s->conn) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

/* Commits when rc is STORE_OK, else rolls back; returns the outcome. */
int
store__tx_end(struct store *s, int rc)
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
int
store__run_guarded(struct store *s, enum store_stmt st,
    const struct store_val *params, size_t nparams)
{
	int rc;

	if (s->depth == 0)
		return store__run(s, st, params, nparams, NULL, NULL);
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	return store__tx_end(s, store__run(s, st, params, nparams, NULL,
	    NULL));
}

/* Sets *out to the single number the statement returns (0 if no row). */
int
store__run_count(struct store *s, enum store_stmt st,
    const struct store_val *params, size_t nparams, int64_t *out)
{
	struct store_numbers nb = { .found = false };
	int rc = store__run(s, st, params, nparams, store__numbers_cb, &nb);

	*out = rc == STORE_OK && nb.found && nb.n >= 1 ?
	    store__col_i64(&nb.vals[0]) : 0;
	return rc;
}

/* Sets *out to whether the statement returns a row. */
int
store__run_exists(struct store *s, enum store_stmt st,
    const struct store_val *params, size_t nparams, bool *out)
{
	struct store_numbers nb = { .found = false };
	int rc = store__run(s, st, params, nparams, store__numbers_cb, &nb);

	*out = rc == STORE_OK && nb.found;
	return rc;
}

/*
 * Runs st, which returns at most one row of kind, and fills out (kind's
 * struct, strings in a) from it. Returns STORE_NOTFOUND when there is no
 * row.
 */
int
store__get(struct store *s, enum store_stmt st,
    const struct store_val *params, size_t nparams,
    const struct store_row *kind, struct arena *a, void *out)
{
	struct store_one o = { a, kind, out, NULL, false };
	int rc = store__run(s, st, params, nparams, store__one_cb, &o);

	if (rc == STORE_OK && !o.found)
		rc = STORE_NOTFOUND;
	return rc;
}
