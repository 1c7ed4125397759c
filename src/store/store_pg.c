/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_pg.c: the PostgreSQL backend of the store, for "postgres://" and
 * "postgresql://" URLs, on libpq.
 *
 * It runs the statements of store_sql.c's table: PostgreSQL's own text
 * where there is one, else the shared one, with each ?N placeholder
 * written $N (store__sql_dollars). A statement is prepared (PQprepare,
 * named "s<enum>") the first time a connection runs it and reused
 * afterwards; its parameter count is read back once so a wrong call fails
 * cleanly, as on SQLite.
 *
 * Values: integers and reals travel as text, which the server parses into
 * whatever type it inferred for the parameter; text and blobs as binary
 * (bytes with a length, so no NUL terminator is needed). Results come back
 * in binary and are decoded by column type into INT, REAL, TEXT or BLOB
 * store_vals, so the domain layer sees the same types as from SQLite.
 * Statements that insert into a table with a generated id end with
 * "RETURNING id"; exec without a row callback keeps that id for last_id.
 *
 * Transactions run at READ COMMITTED. Writes that derive a value from a
 * row's old value either do it in SQL (x = x + 1) or read the row with
 * SELECT ... FOR UPDATE first (the vote targets), so concurrent votes on
 * one post queue on its row lock instead of overwriting each other.
 * PostgreSQL aborts a whole transaction on any failed statement, where
 * SQLite undoes only the statement; the domain layer therefore runs a
 * write that may fail in an expected way inside a savepoint when it is
 * nested, and a COMMIT that the server turned into a ROLLBACK is an error.
 *
 * A connection that the server dropped (a restart, a failover) is reset
 * on the next use and its statements prepared again. A statement that
 * fails on the dead connection reports STORE_BUSY, so the request is
 * answered 503, never a crash; reads and BEGIN, which cannot have changed
 * anything, are retried once on the new connection. Inside a transaction
 * nothing is retried: every statement reports STORE_BUSY until the caller
 * rolls back, so half a transaction is never replayed in autocommit.
 *
 * The URL may hold a password. It is never logged; libpq keeps it to
 * reconnect, and its messages name the host and port, not the password.
 */
#include "store_int.h"

#include <endian.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#define MAX_COLS 64    /* widest result row: a comment with its post */
#define MAX_PARAMS 64  /* most values one statement binds */
#define NUM_LEN 32     /* room for an int64 or a %.17g double as text */

/* Type OIDs of pg_type.h, which client programs cannot include. */
enum {
	OID_BOOL = 16, OID_BYTEA = 17, OID_NAME = 19, OID_INT8 = 20,
	OID_INT2 = 21, OID_INT4 = 23, OID_TEXT = 25, OID_FLOAT4 = 700,
	OID_FLOAT8 = 701, OID_UNKNOWN = 705, OID_BPCHAR = 1042,
	OID_VARCHAR = 1043,
};

struct pg_conn {
	PGconn *pg;                 /* owned; PQreset reconnects it with the
	                               URL it was opened with */
	bool prepared[STMT__COUNT]; /* prepared on this session */
	int nparams[STMT__COUNT];   /* parameters each prepared one takes */
	int depth;                  /* open levels as begin/commit saw them */
	bool lost;                  /* dropped inside a transaction: BUSY
	                               until the caller rolls back */
	int64_t changes;            /* rows the last statement touched */
	int64_t last_id;            /* id the last RETURNING id gave */
};

/* ---- errors ---------------------------------------------------------- */

/*
 * Maps a SQLSTATE to enum store_rc. Lock and serialization failures, a
 * cancelled statement (lock_timeout), a server shutting down and every
 * connection error are STORE_BUSY: trying again soon may work. A full
 * disk or a read-only server (a replica, or default_transaction_read_only)
 * is STORE_FULL. A broken foreign key means a referenced row does not
 * exist, as on SQLite.
 */
static int
map_state(const char *state)
{
	static const struct { const char *state; int rc; } map[] = {
		{ "23505", STORE_CONFLICT },  /* unique_violation */
		{ "23503", STORE_NOTFOUND },  /* foreign_key_violation */
		{ "40001", STORE_BUSY },      /* serialization_failure */
		{ "40P01", STORE_BUSY },      /* deadlock_detected */
		{ "55P03", STORE_BUSY },      /* lock_not_available */
		{ "57014", STORE_BUSY },      /* query_canceled */
		{ "53300", STORE_BUSY },      /* too_many_connections */
		{ "57P01", STORE_BUSY },      /* admin_shutdown */
		{ "57P02", STORE_BUSY },      /* crash_shutdown */
		{ "57P03", STORE_BUSY },      /* cannot_connect_now */
		{ "53100", STORE_FULL },      /* disk_full */
		{ "25006", STORE_FULL },      /* read_only_sql_transaction */
		{ "58030", STORE_FULL },      /* io_error */
	};

	if (state == NULL)
		return STORE_ERR;
	if (strncmp(state, "08", 2) == 0) /* connection_exception */
		return STORE_BUSY;
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (strcmp(state, map[i].state) == 0)
			return map[i].rc;
	return STORE_ERR;
}

/*
 * Maps a failed result (or none) to enum store_rc and logs what the caller
 * cannot be expected to explain. what names the statement, cut short.
 */
static int
map_result(struct pg_conn *c, const PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
	    NULL;
	const char *msg = res ? PQresultErrorMessage(res) : "";
	int rc = map_state(state);

	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK)
		rc = STORE_BUSY;
	switch (rc) {
	case STORE_CONFLICT:
	case STORE_NOTFOUND:
		break;
	case STORE_BUSY:
		log_msg(LOG_WARN, "store", "postgres busy: %s%s(%.60s)",
		    state ? state : "", state ? " " : "", msg);
		break;
	default:
		log_msg(LOG_ERR, "store", "postgres: %s %s(%.60s)",
		    state ? state : "-", msg, what);
		break;
	}
	return rc;
}

/* ---- the connection -------------------------------------------------- */

static void
drop_notice(void *arg, const char *message)
{
	(void)arg;
	log_msg(LOG_DEBUG, "store", "postgres: %s", message);
}

/*
 * Sets what every session of ours needs, after connecting or resetting.
 * Generic plans: every statement is prepared for reuse, and each one's
 * plan without its values (checked in test_store_pg.c) walks the same
 * index as with them; planning again on every run would cost more than
 * running (1.3 ms against 0.4 ms for a front page of 10,000 posts).
 * No parallel workers: a request's statements read a page of rows, and
 * starting a worker costs more than that (the front page of 100,000
 * posts took a parallel index scan of posts_hot, 20-40 ms against
 * 0.5 ms without, and more under load); a search that reads many rows
 * gains little CPU from one either, and other requests want the cores.
 * No JIT: a generic plan's cost estimate (a search's, whose walk and GIN
 * window the planner cannot size) passes jit_above_cost, and compiling
 * its expressions took 50-180 ms per execution of a rare word's search
 * at 1,000,000 posts that runs in 0.5 ms without.
 */
static int
session_setup(struct pg_conn *c)
{
	static const char setup[] =
		"SET client_encoding = 'UTF8';"
		"SET lock_timeout = '5s';"
		"SET plan_cache_mode = 'force_generic_plan';"
		"SET max_parallel_workers_per_gather = 0;"
		"SET jit = off;"
		"SET client_min_messages = 'warning'";
	PGresult *res;
	int rc = STORE_OK;

	PQsetNoticeProcessor(c->pg, drop_notice, NULL);
	memset(c->prepared, 0, sizeof(c->prepared));
	res = PQexec(c->pg, setup);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = map_result(c, res, "session setup");
	PQclear(res);
	return rc;
}

/*
 * Makes sure the connection can take a statement: reconnects a dropped
 * one outside a transaction, refuses with STORE_BUSY inside one.
 */
static int
ready(struct pg_conn *c)
{
	if (c->lost)
		return STORE_BUSY;
	if (PQstatus(c->pg) == CONNECTION_OK)
		return STORE_OK;
	if (c->depth > 0) {
		c->lost = true;
		return STORE_BUSY;
	}
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		log_msg(LOG_WARN, "store", "postgres: reconnect failed: %s",
		    PQerrorMessage(c->pg));
		return STORE_BUSY;
	}
	log_msg(LOG_INFO, "store", "postgres: reconnected");
	return session_setup(c);
}

/*
 * Prepares statement id on this session unless it already is: its text
 * from store_sql.c's table with the placeholders written $N.
 */
static int
prepare(struct pg_conn *c, enum store_stmt id)
{
	const char *text = store__sql_pg(id);
	char name[16], *sql;
	PGresult *res;
	int rc = STORE_OK;

	if (c->prepared[id])
		return STORE_OK;
	sql = xmalloc(strlen(text) + 1);
	store__sql_dollars(text, sql);
	snprintf(name, sizeof(name), "s%d", (int)id);
	res = PQprepare(c->pg, name, sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = map_result(c, res, sql);
		goto out;
	}
	PQclear(res);
	res = PQdescribePrepared(c->pg, name);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = map_result(c, res, sql);
		goto out;
	}
	c->nparams[id] = PQnparams(res);
	c->prepared[id] = true;
out:
	PQclear(res);
	free(sql);
	return rc;
}

/* ---- values ---------------------------------------------------------- */

/*
 * Where the bound values of one statement are laid out for libpq: on the
 * stack for a prepared statement (MAX_PARAMS), on the heap for a copy's
 * many-row INSERT.
 */
struct params {
	const char **values;
	int *lengths;
	int *formats;
	char (*num)[NUM_LEN];    /* integers and reals as text */
};

static void
bind_all(struct params *b, const struct store_val *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		b->lengths[i] = 0;
		b->formats[i] = 0;
		switch (v[i].type) {
		case STORE_T_NULL:
			b->values[i] = NULL;
			break;
		case STORE_T_INT:
			snprintf(b->num[i], NUM_LEN, "%" PRId64, v[i].i);
			b->values[i] = b->num[i];
			break;
		case STORE_T_REAL:
			/* The spelling every PostgreSQL version reads. */
			if (isinf(v[i].d))
				snprintf(b->num[i], NUM_LEN, "%sInfinity",
				    v[i].d < 0 ? "-" : "");
			else
				snprintf(b->num[i], NUM_LEN, "%.17g", v[i].d);
			b->values[i] = b->num[i];
			break;
		case STORE_T_TEXT:
		case STORE_T_BLOB:
			/* Binary: the bytes as they are, with their length. */
			b->values[i] = v[i].p ? v[i].p : "";
			b->lengths[i] = (int)v[i].len;
			b->formats[i] = 1;
			break;
		}
	}
}

static uint64_t
be_u64(const char *p)
{
	uint64_t u;

	memcpy(&u, p, sizeof(u));
	return be64toh(u);
}

/*
 * Decodes column col of row r (binary format) into v; text points into
 * the result. Returns STORE_OK, or STORE_ERR for a type no statement of
 * ours selects.
 */
static int
read_val(const PGresult *res, int r, int col, struct store_val *v)
{
	const char *p = PQgetvalue(res, r, col);
	int len = PQgetlength(res, r, col);
	uint32_t u32;
	uint16_t u16;
	double d;
	float f;

	*v = (struct store_val){ .type = STORE_T_NULL };
	if (PQgetisnull(res, r, col))
		return STORE_OK;
	switch (PQftype(res, col)) {
	case OID_BOOL:
		v->type = STORE_T_INT;
		v->i = len > 0 && p[0] != 0;
		return STORE_OK;
	case OID_INT2:
		memcpy(&u16, p, sizeof(u16));
		v->type = STORE_T_INT;
		v->i = (int16_t)be16toh(u16);
		return STORE_OK;
	case OID_INT4:
		memcpy(&u32, p, sizeof(u32));
		v->type = STORE_T_INT;
		v->i = (int32_t)be32toh(u32);
		return STORE_OK;
	case OID_INT8:
		v->type = STORE_T_INT;
		v->i = (int64_t)be_u64(p);
		return STORE_OK;
	case OID_FLOAT4:
		memcpy(&u32, p, sizeof(u32));
		u32 = be32toh(u32);
		memcpy(&f, &u32, sizeof(f));
		v->type = STORE_T_REAL;
		v->d = f;
		return STORE_OK;
	case OID_FLOAT8: {
		uint64_t u = be_u64(p);

		memcpy(&d, &u, sizeof(d));
		v->type = STORE_T_REAL;
		v->d = d;
		return STORE_OK;
	}
	case OID_TEXT:
	case OID_VARCHAR:
	case OID_BPCHAR:
	case OID_NAME:
	case OID_UNKNOWN:
		v->type = STORE_T_TEXT;
		v->p = p;
		v->len = (size_t)len;
		return STORE_OK;
	case OID_BYTEA:
		v->type = STORE_T_BLOB;
		v->p = p;
		v->len = (size_t)len;
		return STORE_OK;
	default:
		log_msg(LOG_ERR, "store", "postgres: column %d has type oid %u, "
		    "which the store does not read", col, PQftype(res, col));
		return STORE_ERR;
	}
}

/* ---- running statements ---------------------------------------------- */

/*
 * Hands each row of res to row_cb, or without a callback keeps a
 * returned id for last_id.
 */
static int
deliver(struct pg_conn *c, const PGresult *res, store_row_fn row_cb,
    void *cb_data)
{
	struct store_val row[MAX_COLS];
	int nrows = PQntuples(res), ncols = PQnfields(res), rc;

	if (ncols > MAX_COLS) {
		log_msg(LOG_ERR, "store", "postgres: %d columns", ncols);
		return STORE_ERR;
	}
	if (row_cb == NULL) {
		if (nrows > 0 && ncols > 0 && PQftype(res, 0) == OID_INT8 &&
		    read_val(res, 0, 0, &row[0]) == STORE_OK)
			c->last_id = row[0].i;
		return STORE_OK;
	}
	for (int r = 0; r < nrows; r++) {
		for (int i = 0; i < ncols; i++)
			if ((rc = read_val(res, r, i, &row[i])) != STORE_OK)
				return rc;
		if ((rc = row_cb(cb_data, row, (size_t)ncols)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

/*
 * Reads the result of one statement: counts the rows it touched and hands
 * its rows on. what names the statement for the log.
 */
static int
take(struct pg_conn *c, PGresult *res, const char *what, bool commit,
    store_row_fn row_cb, void *cb_data)
{
	const char *tag;
	int rc;

	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		tag = PQcmdTuples(res);
		c->changes = *tag ? strtoll(tag, NULL, 10) : 0;
		rc = deliver(c, res, row_cb, cb_data);
		/* The server answers the COMMIT of a transaction that an
		 * earlier error aborted with ROLLBACK: never a success. */
		if (commit && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
			log_msg(LOG_ERR, "store", "postgres: commit of a "
			    "transaction aborted by an earlier error");
			rc = STORE_ERR;
		}
		return rc;
	default:
		return map_result(c, res, what);
	}
}

/*
 * A failure on a connection that is gone becomes STORE_BUSY, and inside a
 * transaction marks the transaction lost. Sets *dead then.
 */
static int
check_dead(struct pg_conn *c, int rc, bool *dead)
{
	*dead = rc != STORE_OK && PQstatus(c->pg) != CONNECTION_OK;
	if (!*dead)
		return rc;
	if (c->depth > 0)
		c->lost = true;
	return STORE_BUSY;
}

/*
 * Runs statement id once. Sets *dead when the connection broke under it
 * (then nothing can be known about what the server did).
 */
static int
run_once(struct pg_conn *c, enum store_stmt id, const struct store_val *v,
    size_t n, store_row_fn row_cb, void *cb_data, bool *dead)
{
	const char *values[MAX_PARAMS];
	int lengths[MAX_PARAMS], formats[MAX_PARAMS];
	char num[MAX_PARAMS][NUM_LEN];
	struct params b = { values, lengths, formats, num };
	PGresult *res;
	char name[16];
	int rc;

	*dead = false;
	if ((rc = ready(c)) != STORE_OK)
		return rc;
	if ((rc = prepare(c, id)) != STORE_OK)
		return check_dead(c, rc, dead);
	if ((size_t)c->nparams[id] != n) {
		log_msg(LOG_ERR, "store", "statement %d wants %d values, got %zu",
		    (int)id, c->nparams[id], n);
		return STORE_ERR;
	}
	bind_all(&b, v, n);
	snprintf(name, sizeof(name), "s%d", (int)id);
	res = PQexecPrepared(c->pg, name, (int)n, b.values, b.lengths,
	    b.formats, 1);
	rc = take(c, res, store__sql_pg(id), id == STMT_COMMIT, row_cb, cb_data);
	PQclear(res);
	return check_dead(c, rc, dead);
}

/*
 * Runs statement id with n bound values, calling row_cb (when not NULL)
 * for each result row; the row's text is valid only during the call.
 * Returns STORE_OK, the callback's first non-OK result, or the mapped
 * error. A statement that met a dropped connection outside a transaction
 * is run once more on a new one when it cannot have changed anything.
 */
static int
pg_exec(void *conn, enum store_stmt id, const struct store_val *params,
    size_t nparams, store_row_fn row_cb, void *cb_data)
{
	struct pg_conn *c = conn;
	bool dead, retry;
	int rc;

	if (nparams > MAX_PARAMS) {
		log_msg(LOG_ERR, "store", "statement %d: %zu values", (int)id,
		    nparams);
		return STORE_ERR;
	}
	retry = c->depth == 0 && (id == STMT_BEGIN ||
	    strncmp(store__sql_pg(id), "SELECT", 6) == 0);
	rc = run_once(c, id, params, nparams, row_cb, cb_data, &dead);
	if (dead && retry)
		rc = run_once(c, id, params, nparams, row_cb, cb_data, &dead);
	return rc;
}

/*
 * Runs SQL text that store_copy.c builds at run time from its list of
 * tables, unprepared: each text runs once per table or per batch of
 * copied rows. Values (up to the protocol's 65,535) and rows as for
 * pg_exec; nothing is retried.
 */
static int
pg_sql(void *conn, const char *sql, const struct store_val *params,
    size_t nparams, store_row_fn row_cb, void *cb_data)
{
	struct pg_conn *c = conn;
	struct params b = { NULL, NULL, NULL, NULL };
	PGresult *res;
	bool dead;
	int rc;

	if (nparams > 65535) {
		log_msg(LOG_ERR, "store", "postgres: %zu values", nparams);
		return STORE_ERR;
	}
	if ((rc = ready(c)) != STORE_OK)
		return rc;
	if (nparams > 0) {
		b.values = xcalloc(nparams, sizeof(*b.values));
		b.lengths = xcalloc(nparams, sizeof(*b.lengths));
		b.formats = xcalloc(nparams, sizeof(*b.formats));
		b.num = xcalloc(nparams, sizeof(*b.num));
		bind_all(&b, params, nparams);
	}
	res = PQexecParams(c->pg, sql, (int)nparams, NULL, b.values, b.lengths,
	    b.formats, 1);
	rc = take(c, res, sql, false, row_cb, cb_data);
	PQclear(res);
	free(b.values);
	free(b.lengths);
	free(b.formats);
	free(b.num);
	return check_dead(c, rc, &dead);
}

/* Runs several ';'-separated statements without parameters (migrations). */
static int
pg_script(void *conn, const char *sql)
{
	struct pg_conn *c = conn;
	PGresult *res;
	int rc;

	if ((rc = ready(c)) != STORE_OK)
		return rc;
	res = PQexec(c->pg, sql);
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		rc = STORE_OK;
		break;
	default:
		rc = map_result(c, res, "script");
		if (rc == STORE_CONFLICT || rc == STORE_NOTFOUND)
			rc = STORE_ERR;
		break;
	}
	if (rc != STORE_OK && PQstatus(c->pg) != CONNECTION_OK &&
	    c->depth > 0)
		c->lost = true;
	PQclear(res);
	return rc;
}

/* ---- transactions ---------------------------------------------------- */

static int
pg_begin(void *conn, bool nested)
{
	struct pg_conn *c = conn;
	int rc = pg_exec(c, nested ? STMT_SAVEPOINT : STMT_BEGIN, NULL, 0,
	    NULL, NULL);

	if (rc == STORE_OK)
		c->depth++;
	return rc;
}

/*
 * Commits the innermost level. On failure the level stays open for the
 * rollback that store_commit sends next.
 */
static int
pg_commit(void *conn, bool nested)
{
	struct pg_conn *c = conn;
	int rc = pg_exec(c, nested ? STMT_RELEASE : STMT_COMMIT, NULL, 0,
	    NULL, NULL);

	if (rc == STORE_OK)
		c->depth--;
	return rc;
}

/*
 * Undoes the innermost level. On a connection that dropped inside the
 * transaction the server has already undone everything: the outermost
 * rollback then just forgets the loss.
 */
static int
pg_rollback(void *conn, bool nested)
{
	struct pg_conn *c = conn;
	int rc;

	if (c->depth > 0)
		c->depth--;
	if (c->lost) {
		if (c->depth == 0)
			c->lost = false;
		return STORE_OK;
	}
	if (!nested)
		return pg_exec(c, STMT_ROLLBACK, NULL, 0, NULL, NULL);
	rc = pg_exec(c, STMT_ROLLBACK_TO, NULL, 0, NULL, NULL);
	if (rc == STORE_OK)
		rc = pg_exec(c, STMT_RELEASE, NULL, 0, NULL, NULL);
	return rc;
}

static int64_t
pg_changes(void *conn)
{
	return ((struct pg_conn *)conn)->changes;
}

static int64_t
pg_last_id(void *conn)
{
	return ((struct pg_conn *)conn)->last_id;
}

/* ---- opening and closing -------------------------------------------- */

/*
 * Connects to the server named by url (a postgres:// or postgresql://
 * URI as libpq reads it). Returns the connection, owned by the caller and
 * released with pg_close, or NULL after logging why (without the URL,
 * which may hold a password).
 */
static void *
pg_open(const char *url)
{
	struct pg_conn *c;

	for (size_t i = 0; i < STMT__COUNT; i++) {
		if (store__sql[i].sql == NULL) {
			log_msg(LOG_ERR, "store", "postgres: no SQL for "
			    "statement %zu", i);
			return NULL;
		}
	}
	c = xcalloc(1, sizeof(*c));
	c->pg = PQconnectdb(url);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		log_msg(LOG_ERR, "store", "postgres: cannot connect: %s",
		    PQerrorMessage(c->pg));
		goto fail;
	}
	if (session_setup(c) != STORE_OK)
		goto fail;
	return c;
fail:
	PQfinish(c->pg);
	free(c);
	return NULL;
}

static void
pg_close(void *conn)
{
	struct pg_conn *c = conn;

	if (c == NULL)
		return;
	PQfinish(c->pg);
	free(c);
}

const struct store_backend store_pg_backend = {
	.name = "postgres",
	STORE_BACKEND_OPS(pg),
	.migrations = store_pg_migrations,
};
