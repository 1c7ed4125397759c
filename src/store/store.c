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

#include <stdio.h>
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
 * The page caches' log (schema v14, app_cache.c): every server adds an
 * entry after each write, and `parley admin` and the other commands after
 * theirs, naming the cache counters the write raised; each server applies
 * the others' entries to its own counters. Entries are kept until
 * EPOCH_KEEP newer ones follow.
 */
#define EPOCH_KEEP 4096
#define EPOCH_PRUNE_EVERY 1024

/* The longest slots_text: EPOCH_SLOTS_MAX numbers of five digits. */
#define SLOTS_TEXT_MAX (EPOCH_SLOTS_MAX * 6)

/* Writes n (<= EPOCH_SLOTS_MAX) slots into out as decimal numbers
 * separated by spaces. */
static const char *
slots_text(char out[SLOTS_TEXT_MAX], const uint16_t *slots, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, SLOTS_TEXT_MAX - len,
		    i ? " %u" : "%u", (unsigned)slots[i]);
	return out;
}

/*
 * Reads slots_text's numbers into e; an entry whose text is not that
 * (or holds more than EPOCH_SLOTS_MAX) counts as one naming none, which
 * ends every page.
 */
static void
slots_parse(struct epoch_entry *e, const char *p, size_t len)
{
	size_t i = 0;

	e->n = 0;
	while (i < len && e->n < EPOCH_SLOTS_MAX) {
		unsigned v = 0;
		size_t start = i;

		while (i < len && p[i] >= '0' && p[i] <= '9' && v <= 65535)
			v = v * 10 + (unsigned)(p[i++] - '0');
		if (i == start || v > 65535 || (i < len && p[i++] != ' ')) {
			e->n = 0;
			return;
		}
		e->slots[e->n++] = (uint16_t)v;
	}
	if (i < len)
		e->n = 0;
}

static int
epoch_entry_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;
	struct epoch_entry *e;

	if (ncols != 2 || (row[1].type != STORE_T_TEXT &&
	    row[1].type != STORE_T_NULL))
		return store__bad_row(ncols, 2);
	e = store__many_push(m);
	e->seq = store__col_i64(&row[0]);
	slots_parse(e, row[1].p, row[1].type == STORE_T_TEXT ? row[1].len : 0);
	return STORE_OK;
}

/* Sets *seq to the newest entry's number, 0 when there is none. */
int
store_epoch_last(struct store *s, int64_t *seq)
{
	return store__run_count(s, STMT_EPOCH_LAST, NULL, 0, seq);
}

/*
 * Sets *out to the entries numbered above after, oldest first, and *n to
 * how many: EPOCH_SINCE_MAX at the most, so that *n == EPOCH_SINCE_MAX
 * may leave newer ones unread. On SQLite the log is read only when
 * another connection committed since it was last read (PRAGMA
 * data_version); else *n is 0.
 */
int
store_epoch_since(struct store *s, struct arena *a, int64_t after,
    struct epoch_entry **out, size_t *n)
{
	struct store_many m = STORE_MANY_OF(a, struct epoch_entry);
	bool changed = true;
	int rc;

	*out = NULL;
	*n = 0;
	if (s->be->changed_elsewhere != NULL) {
		if ((rc = s->be->changed_elsewhere(s->conn, &changed)) !=
		    STORE_OK)
			return rc;
		s->log_unread |= changed;
		if (!s->log_unread)
			return STORE_OK;
	}
	rc = store__run(s, STMT_EPOCH_SINCE, STORE_PARAMS(store_v_int(after),
	    store_v_int(EPOCH_SINCE_MAX)), epoch_entry_cb, &m);
	if (rc == STORE_OK)
		s->log_unread = false;
	STORE_MANY_OUT(rc, m, struct epoch_entry, out, n);
	return rc;
}

/*
 * Adds an entry naming the n cache counters in slots (none: every page)
 * after a write other servers' page caches must see, and sets *seq to
 * its number. Call it after the write's commit (or have the commit add
 * it: store_epoch_at_commit): on PostgreSQL the entry commits on its
 * own, on SQLite in a transaction of its own. Every
 * EPOCH_PRUNE_EVERY entries it drops those EPOCH_KEEP older.
 */
int
store_epoch_log(struct store *s, const uint16_t *slots, size_t n,
    int64_t *seq)
{
	char text[SLOTS_TEXT_MAX];
	int rc;

	if (n > EPOCH_SLOTS_MAX)
		n = 0;
	/* SQLite's RETURNING costs more than the insert itself (a trigger
	 * of its own each run): the new rowid is read instead */
	rc = store__run(s, STMT_EPOCH_LOG,
	    STORE_PARAMS(store_v_text(slots_text(text, slots, n))), NULL, NULL);
	*seq = rc == STORE_OK ? s->be->last_id(s->conn) : 0;
	if (rc == STORE_OK && *seq % EPOCH_PRUNE_EVERY == 0 &&
	    store__run(s, STMT_EPOCH_PRUNE, STORE_PARAMS(store_v_int(*seq -
	    EPOCH_KEEP)), NULL, NULL) != STORE_OK)
		log_msg(LOG_WARN, "store", "cannot prune the page caches' log");
	return rc;
}

/*
 * Has the next outermost commit add, as its last statement, the entry
 * store_epoch_log would add after it, naming the n (<= EPOCH_SLOTS_MAX;
 * 0: every page) counters in slots: the write and its entry commit
 * together, in one take of the writer lock. A rollback, or a commit
 * that fails, drops it; store_epoch_committed says whether it was
 * committed, and forgets it.
 */
void
store_epoch_at_commit(struct store *s, const uint16_t *slots, size_t n)
{
	if (n > EPOCH_SLOTS_MAX)
		n = 0;
	memcpy(s->log_slots, slots, n * sizeof(*slots));
	s->log_n = n;
	s->log_armed = true;
	s->log_seq = 0;
}

/*
 * True when a commit since the last call added the entry that
 * store_epoch_at_commit asked for: *seq is its number and *n the count
 * of counters it names. Either way nothing stays asked for.
 */
bool
store_epoch_committed(struct store *s, int64_t *seq, size_t *n)
{
	bool done = s->log_seq != 0;

	*seq = s->log_seq;
	*n = s->log_n;
	s->log_armed = false;
	s->log_seq = 0;
	return done;
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
	int64_t seq = 0;
	int rc;

	if (s->depth == 0) {
		log_msg(LOG_ERR, "store", "commit without begin");
		return STORE_ERR;
	}
	rc = STORE_OK;
	if (!nested && s->log_armed) {
		s->log_armed = false;
		rc = store_epoch_log(s, s->log_slots, s->log_n, &seq);
	}
	if (rc == STORE_OK)
		rc = s->be->commit(s->conn, nested);
	if (rc != STORE_OK)
		s->be->rollback(s->conn, nested);
	else if (!nested && seq != 0)
		s->log_seq = seq;
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
	if (!nested)
		s->log_armed = false;
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
