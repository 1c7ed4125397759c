/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_sqlite.c: the SQLite backend of the store, for "sqlite:PATH" URLs.
 *
 * It runs the statements of store_sql.c's table as they stand (SQLite
 * reads the ?N placeholders itself). A statement is prepared the first
 * time a connection runs it and then reused (reset and cleared after
 * each run), so the steady state never parses SQL.
 *
 * A connection is used by one thread at a time (SQLITE_OPEN_NOMUTEX). The
 * database runs in WAL mode so readers never wait for the writer; writers
 * start with BEGIN IMMEDIATE rather than failing when a read transaction
 * would have to be upgraded. The writers of one process queue on a mutex
 * of the file's (the writer queue below) and are woken as the one before
 * them ends; SQLite's busy_timeout is left to wait for other processes.
 */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define MAX_COLS 64 /* widest result row (a comment with its post);
                       checked at run time */
#define BUSY_TIMEOUT_MS 5000 /* how long a writer waits for the write
                                lock: the process's queue, then SQLite's */

struct writer_queue;

struct sqlite_conn {
	sqlite3 *db;
	sqlite3_stmt *stmt[STMT__COUNT]; /* prepared on first use, or NULL */
	sqlite3_stmt *data_version;      /* PRAGMA data_version, or NULL */
	int64_t seen_version;            /* its value at the last look */
	bool version_seen;               /* seen_version holds a value */
	bool unjournaled;                /* a bulk load turned the journal
	                                    off (sqlite_bulk) */
	struct writer_queue *queue;      /* the file's, or NULL (no file) */
	bool queued;                     /* this connection holds queue->mu */
	int queue_ms;                    /* longest wait for a turn */
};

/* ---- the writer queue --------------------------------------------------- */

/*
 * One per database file that this process has open, shared by its
 * connections: a write transaction takes the mutex before BEGIN IMMEDIATE
 * and gives it back at its end. SQLite makes a writer that finds the lock
 * taken sleep and retry (1, 2, 5, 10 ms...), so two worker threads that
 * write at once lost milliseconds to each collision; on the mutex the next
 * writer wakes when the lock is free (decision 028: acknowledged votes/s
 * at 1,000,000 posts 4,513 -> 7,318, CPU per vote 221 -> 113 us).
 */
struct writer_queue {
	dev_t dev;
	ino_t ino;
	int refs;                  /* connections open on the file */
	pthread_mutex_t mu;
	struct writer_queue *next;
};

static pthread_mutex_t queues_mu = PTHREAD_MUTEX_INITIALIZER;
static struct writer_queue *queues; /* guarded by queues_mu */

/* The queue of the file at path, made on first use; NULL when path names
 * no file (an in-memory database). Released with queue_put. */
static struct writer_queue *
queue_get(const char *path)
{
	struct writer_queue *q;
	struct stat st;

	if (stat(path, &st) != 0)
		return NULL;
	pthread_mutex_lock(&queues_mu);
	for (q = queues; q != NULL; q = q->next)
		if (q->dev == st.st_dev && q->ino == st.st_ino)
			break;
	if (q == NULL) {
		q = xcalloc(1, sizeof(*q));
		q->dev = st.st_dev;
		q->ino = st.st_ino;
		pthread_mutex_init(&q->mu, NULL);
		q->next = queues;
		queues = q;
	}
	q->refs++;
	pthread_mutex_unlock(&queues_mu);
	return q;
}

static void
queue_put(struct writer_queue *q)
{
	struct writer_queue **pp;

	if (q == NULL)
		return;
	pthread_mutex_lock(&queues_mu);
	if (--q->refs == 0) {
		for (pp = &queues; *pp != q; pp = &(*pp)->next)
			;
		*pp = q->next;
		pthread_mutex_destroy(&q->mu);
		free(q);
	}
	pthread_mutex_unlock(&queues_mu);
}

/* Takes c's place at the head of its file's queue: STORE_BUSY after the
 * busy timeout, as SQLite's own wait would have answered. */
static int
queue_enter(struct sqlite_conn *c)
{
	struct timespec until;

	if (c->queue == NULL)
		return STORE_OK;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += c->queue_ms / 1000;
	until.tv_nsec += (long)(c->queue_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if (pthread_mutex_timedlock(&c->queue->mu, &until) != 0) {
		log_msg(LOG_WARN, "store", "sqlite busy: no turn to write "
		    "in %d ms", c->queue_ms);
		return STORE_BUSY;
	}
	c->queued = true;
	return STORE_OK;
}

static void
queue_leave(struct sqlite_conn *c)
{
	if (!c->queued)
		return;
	c->queued = false;
	pthread_mutex_unlock(&c->queue->mu);
}

/* ---- errors ---------------------------------------------------------- */

/*
 * Maps an SQLite result code (extended codes are on) to enum store_rc and
 * logs what the caller cannot be expected to explain: a busy database, a
 * full or read-only disk, or a plain error. A broken foreign key means a
 * referenced row (community, user, post) does not exist.
 */
static int
map_rc(sqlite3 *db, int rc, const char *what)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_msg(LOG_WARN, "store", "sqlite busy: %s (%.60s)",
		    sqlite3_errstr(rc), what);
		return STORE_BUSY;
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
		log_msg(LOG_ERR, "store", "sqlite cannot write: %s: %s (%.60s)",
		    sqlite3_errstr(rc), db ? sqlite3_errmsg(db) : "", what);
		return STORE_FULL;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE ||
		    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return STORE_CONFLICT;
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return STORE_NOTFOUND;
		break;
	default:
		break;
	}
	log_msg(LOG_ERR, "store", "sqlite: %s: %s (%.60s)", sqlite3_errstr(rc),
	    db ? sqlite3_errmsg(db) : "", what);
	return STORE_ERR;
}

/* ---- statements ------------------------------------------------------ */

/* Returns the connection's prepared form of id, preparing it once. */
static int
prepare(struct sqlite_conn *c, enum store_stmt id, sqlite3_stmt **out)
{
	int rc;

	if (c->stmt[id] == NULL) {
		rc = sqlite3_prepare_v3(c->db, store__sql[id].sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &c->stmt[id], NULL);
		if (rc != SQLITE_OK) {
			c->stmt[id] = NULL;
			return map_rc(c->db, rc, store__sql[id].sql);
		}
	}
	*out = c->stmt[id];
	return STORE_OK;
}

static int
bind_one(sqlite3_stmt *st, int i, const struct store_val *v)
{
	switch (v->type) {
	case STORE_T_NULL:
		return sqlite3_bind_null(st, i);
	case STORE_T_INT:
		return sqlite3_bind_int64(st, i, v->i);
	case STORE_T_REAL:
		return sqlite3_bind_double(st, i, v->d);
	case STORE_T_TEXT:
		/* The caller's bytes outlive the run: bindings are cleared
		 * before sqlite_exec returns. */
		return sqlite3_bind_text64(st, i, v->p ? v->p : "", v->len,
		    SQLITE_STATIC, SQLITE_UTF8);
	case STORE_T_BLOB:
		if (v->len == 0)
			return sqlite3_bind_zeroblob(st, i, 0);
		return sqlite3_bind_blob64(st, i, v->p, v->len, SQLITE_STATIC);
	}
	return SQLITE_MISUSE;
}

/* Fills one store_val per column; text points into SQLite's row memory. */
static void
read_row(sqlite3_stmt *st, int ncols, struct store_val *row)
{
	for (int i = 0; i < ncols; i++) {
		struct store_val *v = &row[i];

		*v = (struct store_val){ .type = STORE_T_NULL };
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			v->type = STORE_T_INT;
			v->i = sqlite3_column_int64(st, i);
			break;
		case SQLITE_FLOAT:
			v->type = STORE_T_REAL;
			v->d = sqlite3_column_double(st, i);
			break;
		case SQLITE_TEXT:
			v->type = STORE_T_TEXT;
			v->p = (const char *)sqlite3_column_text(st, i);
			v->len = (size_t)sqlite3_column_bytes(st, i);
			break;
		case SQLITE_BLOB:
			v->type = STORE_T_BLOB;
			v->p = sqlite3_column_blob(st, i);
			v->len = (size_t)sqlite3_column_bytes(st, i);
			break;
		default:
			break;
		}
		if (v->p == NULL)
			v->len = 0;
	}
}

/*
 * Runs statement id with nparams bound values, calling row_cb (when not
 * NULL) for each result row; the row's text is valid only during the
 * call. Returns STORE_OK, the callback's first non-OK result, or the
 * mapped SQLite error. The statement is reset and its bindings cleared
 * before returning, whatever happened.
 */
static int
sqlite_exec(void *conn, enum store_stmt id, const struct store_val *params,
    size_t nparams, store_row_fn row_cb, void *cb_data)
{
	struct sqlite_conn *c = conn;
	struct store_val row[MAX_COLS];
	sqlite3_stmt *st = NULL;
	int rc, src, ncols;

	if ((rc = prepare(c, id, &st)) != STORE_OK)
		return rc;
	if ((size_t)sqlite3_bind_parameter_count(st) != nparams) {
		log_msg(LOG_ERR, "store", "statement %d wants %d values, got %zu",
		    (int)id, sqlite3_bind_parameter_count(st), nparams);
		return STORE_ERR;
	}
	ncols = sqlite3_column_count(st);
	if (ncols > MAX_COLS) {
		log_msg(LOG_ERR, "store", "statement %d has %d columns",
		    (int)id, ncols);
		return STORE_ERR;
	}
	for (size_t i = 0; i < nparams; i++) {
		src = bind_one(st, (int)i + 1, &params[i]);
		if (src != SQLITE_OK) {
			rc = map_rc(c->db, src, store__sql[id].sql);
			goto out;
		}
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (row_cb == NULL)
			continue;
		read_row(st, ncols, row);
		if ((rc = row_cb(cb_data, row, (size_t)ncols)) != STORE_OK)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = map_rc(c->db, src, store__sql[id].sql);
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/*
 * Runs SQL text that store_copy.c builds at run time from its list of
 * tables, prepared for this one run ($n parameters are bound by number,
 * as SQLite numbers them in order of appearance). Values and rows as for
 * sqlite_exec.
 */
static int
sqlite_sql(void *conn, const char *sql, const struct store_val *params,
    size_t nparams, store_row_fn row_cb, void *cb_data)
{
	struct sqlite_conn *c = conn;
	struct store_val row[MAX_COLS];
	sqlite3_stmt *st = NULL;
	int rc = STORE_OK, src, ncols;

	src = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return map_rc(c->db, src, sql);
	ncols = sqlite3_column_count(st);
	if ((size_t)sqlite3_bind_parameter_count(st) != nparams ||
	    ncols > MAX_COLS) {
		log_msg(LOG_ERR, "store", "sqlite: %zu values or %d columns do "
		    "not fit: %.60s", nparams, ncols, sql);
		rc = STORE_ERR;
		goto out;
	}
	for (size_t i = 0; i < nparams; i++) {
		src = bind_one(st, (int)i + 1, &params[i]);
		if (src != SQLITE_OK) {
			rc = map_rc(c->db, src, sql);
			goto out;
		}
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (row_cb == NULL)
			continue;
		read_row(st, ncols, row);
		if ((rc = row_cb(cb_data, row, (size_t)ncols)) != STORE_OK)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = map_rc(c->db, src, sql);
out:
	sqlite3_finalize(st);
	return rc;
}

static int
integrity_cb(void *data, int ncols, char **vals, char **names)
{
	(void)names;
	*(bool *)data &= ncols == 1 && vals[0] != NULL &&
	    strcmp(vals[0], "ok") == 0;
	return 0;
}

/* Makes a rename in the directory of path durable. */
static void
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xmalloc((size_t)(slash - path) + 2) : NULL;
	int fd;

	if (dir != NULL) {
		memcpy(dir, path, (size_t)(slash - path) + 1);
		dir[slash - path + 1] = '\0';
	}
	fd = open(dir ? dir : ".", O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/*
 * Copies the open database into path with SQLite's online backup API:
 * into path.part, checked with integrity_check, then renamed over path,
 * so path only ever holds a whole database. One step copies every page
 * under one read transaction: in WAL mode writers go on meanwhile, and
 * the copy is the database as of the step's start.
 */
static int
sqlite_backup(void *conn, const char *path)
{
	struct sqlite_conn *c = conn;
	char *part = sqlite3_mprintf("%s.part", path);
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	bool ok = true;
	int rc = STORE_ERR, src;

	unlink(part);
	src = sqlite3_open_v2(part, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	if (src != SQLITE_OK) {
		rc = map_rc(dst, src, part);
		goto out;
	}
	if ((b = sqlite3_backup_init(dst, "main", c->db, "main")) == NULL) {
		rc = map_rc(dst, sqlite3_errcode(dst), "backup");
		goto out;
	}
	/* Busy only while a checkpoint or schema change holds the lock. */
	for (int tries = 0; tries < 50; tries++) {
		src = sqlite3_backup_step(b, -1);
		if (src != SQLITE_BUSY && src != SQLITE_LOCKED)
			break;
		sqlite3_sleep(100);
	}
	sqlite3_backup_finish(b);
	if (src != SQLITE_DONE) {
		rc = map_rc(dst, src, "backup");
		if (rc == STORE_OK)
			rc = STORE_ERR;
		goto out;
	}
	src = sqlite3_exec(dst, "PRAGMA integrity_check", integrity_cb, &ok,
	    NULL);
	if (src != SQLITE_OK || !ok) {
		log_msg(LOG_ERR, "store", "sqlite backup: the copy fails its "
		    "integrity check");
		goto out;
	}
	if (sqlite3_close(dst) != SQLITE_OK)
		goto out;
	dst = NULL;
	if (rename(part, path) != 0) {
		log_msg(LOG_ERR, "store", "sqlite backup: rename to %s: %s", path,
		    strerror(errno));
		rc = STORE_FULL;
		goto out;
	}
	sync_dir(path);
	rc = STORE_OK;
out:
	sqlite3_close(dst);
	if (rc != STORE_OK)
		unlink(part);
	sqlite3_free(part);
	return rc;
}

/* Runs several ';'-separated statements without parameters (migrations). */
static int
sqlite_script(void *conn, const char *sql)
{
	struct sqlite_conn *c = conn;
	char *err = NULL;
	int rc;

	rc = sqlite3_exec(c->db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		log_msg(LOG_ERR, "store", "sqlite script: %s",
		    err ? err : sqlite3_errstr(rc));
		rc = map_rc(c->db, rc, "script");
		if (rc == STORE_OK)
			rc = STORE_ERR;
	}
	sqlite3_free(err);
	return rc;
}

/* ---- transactions ---------------------------------------------------- */

/* The outermost level queues for the file's write lock first. */
static int
sqlite_begin(void *conn, bool nested)
{
	struct sqlite_conn *c = conn;
	int rc;

	if (nested)
		return sqlite_exec(c, STMT_SAVEPOINT, NULL, 0, NULL, NULL);
	if ((rc = queue_enter(c)) != STORE_OK)
		return rc;
	rc = sqlite_exec(c, STMT_BEGIN, NULL, 0, NULL, NULL);
	if (rc != STORE_OK)
		queue_leave(c);
	return rc;
}

/* A failed outermost commit keeps its place until the rollback. */
static int
sqlite_commit(void *conn, bool nested)
{
	struct sqlite_conn *c = conn;
	int rc;

	rc = sqlite_exec(c, nested ? STMT_RELEASE : STMT_COMMIT, NULL, 0,
	    NULL, NULL);
	if (!nested && rc == STORE_OK)
		queue_leave(c);
	return rc;
}

/*
 * Undoes the innermost transaction level. SQLite itself rolls the whole
 * transaction back after some errors (a full disk, an I/O error); then
 * there is nothing left to undo and this succeeds quietly.
 */
static int
sqlite_rollback(void *conn, bool nested)
{
	struct sqlite_conn *c = conn;
	int rc;

	if (!nested) {
		rc = sqlite3_get_autocommit(c->db) ? STORE_OK :
		    sqlite_exec(c, STMT_ROLLBACK, NULL, 0, NULL, NULL);
		queue_leave(c);
		return rc;
	}
	if (sqlite3_get_autocommit(c->db))
		return STORE_OK;
	rc = sqlite_exec(conn, STMT_ROLLBACK_TO, NULL, 0, NULL, NULL);
	if (rc == STORE_OK)
		rc = sqlite_exec(conn, STMT_RELEASE, NULL, 0, NULL, NULL);
	return rc;
}

static int64_t
sqlite_changes(void *conn)
{
	return sqlite3_changes64(((struct sqlite_conn *)conn)->db);
}

static int64_t
sqlite_last_id(void *conn)
{
	return sqlite3_last_insert_rowid(((struct sqlite_conn *)conn)->db);
}

/* ---- opening and closing -------------------------------------------- */

/* Creates the directory that holds path, one level only, if missing. */
static int
make_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc = 0;

	if (slash == NULL || slash == path)
		return 0;
	dir = xmalloc((size_t)(slash - path) + 1);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		log_msg(LOG_ERR, "store", "mkdir %s: %s", dir, strerror(errno));
		rc = -1;
	}
	free(dir);
	return rc;
}

static const char pragmas[] =
	"PRAGMA busy_timeout = 5000;" /* BUSY_TIMEOUT_MS */
	"PRAGMA journal_mode = WAL;"
	"PRAGMA foreign_keys = ON;"
	"PRAGMA synchronous = NORMAL;"
	"PRAGMA cache_size = -32768;"
	"PRAGMA mmap_size = 268435456;"
	"PRAGMA temp_store = MEMORY;";

/*
 * Opens (creating when missing) the database file at path and its
 * directory. Returns the connection, owned by the caller and released
 * with sqlite_close, or NULL after logging why.
 */
static void *
sqlite_open(const char *path)
{
	struct sqlite_conn *c = NULL;
	sqlite3 *db = NULL;
	char *err = NULL;
	int rc;

	for (size_t i = 0; i < STMT__COUNT; i++) {
		if (store__sql[i].sql == NULL) {
			log_msg(LOG_ERR, "store", "sqlite: no SQL for statement "
			    "%zu", i);
			return NULL;
		}
	}
	if (*path == '\0') {
		log_msg(LOG_ERR, "store", "sqlite: empty database path");
		return NULL;
	}
	if (make_parent(path) != 0)
		return NULL;
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_msg(LOG_ERR, "store", "sqlite open %s: %s", path,
		    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	rc = sqlite3_exec(db, pragmas, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		log_msg(LOG_ERR, "store", "sqlite open %s: %s", path,
		    err ? err : sqlite3_errstr(rc));
		goto fail;
	}
	c = xcalloc(1, sizeof(*c));
	c->db = db;
	c->queue = queue_get(path);
	c->queue_ms = BUSY_TIMEOUT_MS;
	return c;
fail:
	sqlite3_free(err);
	sqlite3_close(db);
	return NULL;
}

/*
 * For a long load into a large database (parley demo): a page cache of up
 * to BULK_CACHE_KIB instead of 32 MiB. Random inserts into the indexes of
 * a database of gigabytes otherwise read most pages from disk again and
 * again. The memory is only taken as pages are read.
 */
#define BULK_CACHE_KIB (2 * 1024 * 1024)

/* The secondary indexes a bulk load drops (schema v16): not the unique
 * ones, which the load's own writes look rows up by. */
#define BULK_INDEX_SAVE \
	"INSERT OR IGNORE INTO bulk_index(name, sql) SELECT name, sql " \
	"FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL " \
	"AND tbl_name IN ('posts', 'comments', 'votes') " \
	"AND sql NOT LIKE 'CREATE UNIQUE %'"

/* Appends to the script *data the statement that row[0] formats. */
static int
script_cb(void *data, int ncols, char **row, char **names)
{
	char **script = data;
	char *more;

	(void)names;
	if (ncols < 1 || row[0] == NULL)
		return 1;
	more = sqlite3_mprintf("%z%s;\n", *script, row[0]);
	if (more == NULL)
		return 1;
	*script = more;
	return 0;
}

/*
 * Runs, in one transaction, the statements that query's rows spell, then
 * after; the rows are read before any of them runs. No row, no
 * transaction: a server's start (store_migrate) writes nothing here.
 */
static int
run_built(struct sqlite_conn *c, const char *query, const char *after)
{
	char *script = sqlite3_mprintf("%s", "");
	char *err = NULL;
	int rc;

	if (script == NULL)
		return STORE_ERR;
	rc = sqlite3_exec(c->db, query, script_cb, &script, &err);
	if (rc == SQLITE_OK && script[0] != '\0') {
		char *all = sqlite3_mprintf("BEGIN IMMEDIATE;\n%s%sCOMMIT;",
		    script, after);

		sqlite3_free(err);
		err = NULL;
		rc = all != NULL ? sqlite3_exec(c->db, all, NULL, NULL, &err) :
		    SQLITE_NOMEM;
		sqlite3_free(all);
	}
	if (rc != SQLITE_OK) {
		log_msg(LOG_ERR, "store", "sqlite bulk indexes: %s",
		    err ? err : sqlite3_errstr(rc));
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_free(err);
	sqlite3_free(script);
	return rc == SQLITE_OK ? STORE_OK : STORE_ERR;
}

/* Sets *(bool *)data: the query returned a row. */
static int
any_cb(void *data, int ncols, char **row, char **names)
{
	(void)ncols;
	(void)row;
	(void)names;
	*(bool *)data = true;
	return 0;
}

/* Copies the first column of the row into the char[8] data. */
static int
mode_cb(void *data, int ncols, char **row, char **names)
{
	(void)names;
	if (ncols >= 1 && row[0] != NULL)
		snprintf(data, 8, "%s", row[0]);
	return 0;
}

/*
 * Turns the journal and syncing off, unless another connection (a
 * running server) has the file open: SQLite then keeps the WAL, and so
 * does the load.
 */
static int
unjournal(struct sqlite_conn *c)
{
	char mode[8] = "";
	int rc;

	rc = sqlite3_exec(c->db, "PRAGMA journal_mode = OFF", mode_cb, mode,
	    NULL);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return SQLITE_OK;
	if (rc != SQLITE_OK || strcmp(mode, "off") != 0)
		return rc;
	c->unjournaled = true;
	return sqlite3_exec(c->db, "PRAGMA synchronous = OFF", NULL, NULL,
	    NULL);
}

/*
 * Prepares a load: the large page cache, the secondary indexes of posts,
 * comments and votes saved in bulk_index and dropped, and, when no post
 * is there yet (a fresh database, nothing to lose), no journal and no
 * syncing until sqlite_bulk_end (unjournal): a load that dies then
 * leaves a file to delete.
 */
static int
sqlite_bulk(void *conn)
{
	struct sqlite_conn *c = conn;
	bool any = false;
	char sql[64];
	int rc;

	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", BULK_CACHE_KIB);
	rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(c->db, "SELECT 1 FROM posts LIMIT 1", any_cb,
		    &any, NULL);
	if (rc == SQLITE_OK && !any)
		rc = unjournal(c);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(c->db, BULK_INDEX_SAVE, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return map_rc(c->db, rc, "bulk");
	return run_built(c, "SELECT 'DROP INDEX IF EXISTS \"' || "
	    "replace(name, '\"', '\"\"') || '\"' FROM bulk_index", "");
}

/*
 * Builds the indexes sqlite_bulk dropped, each with one sort, and puts
 * the journal back. store_migrate calls it too, for a load that died
 * in between; with nothing dropped it does nothing.
 */
static int
sqlite_bulk_end(void *conn)
{
	struct sqlite_conn *c = conn;
	int rc;

	rc = run_built(c, "SELECT sql FROM bulk_index",
	    "DELETE FROM bulk_index;\n");
	if (c->unjournaled && sqlite3_exec(c->db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK &&
	    rc == STORE_OK)
		rc = map_rc(c->db, sqlite3_errcode(c->db), "journal");
	c->unjournaled = false;
	return rc;
}

/*
 * Sets *changed when a connection other than this one (another thread's,
 * or another process such as `parley admin`) committed since the last
 * call; the first call always reports a change. PRAGMA data_version reads
 * the WAL index, so the answer is current without a transaction of ours.
 */
static int
sqlite_changed_elsewhere(void *conn, bool *changed)
{
	struct sqlite_conn *c = conn;
	int64_t v;
	int rc;

	if (c->data_version == NULL) {
		rc = sqlite3_prepare_v3(c->db, "PRAGMA data_version", -1,
		    SQLITE_PREPARE_PERSISTENT, &c->data_version, NULL);
		if (rc != SQLITE_OK) {
			c->data_version = NULL;
			return map_rc(c->db, rc, "PRAGMA data_version");
		}
	}
	rc = sqlite3_step(c->data_version);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(c->data_version);
		return map_rc(c->db, rc, "PRAGMA data_version");
	}
	v = sqlite3_column_int64(c->data_version, 0);
	sqlite3_reset(c->data_version);
	*changed = !c->version_seen || v != c->seen_version;
	c->seen_version = v;
	c->version_seen = true;
	return STORE_OK;
}

/* Finalizes every prepared statement and closes the database. */
static void
sqlite_close(void *conn)
{
	struct sqlite_conn *c = conn;

	if (c == NULL)
		return;
	for (size_t i = 0; i < STMT__COUNT; i++)
		sqlite3_finalize(c->stmt[i]);
	sqlite3_finalize(c->data_version);
	if (sqlite3_close(c->db) != SQLITE_OK)
		log_msg(LOG_ERR, "store", "sqlite close: %s",
		    sqlite3_errmsg(c->db));
	queue_leave(c);
	queue_put(c->queue);
	free(c);
}

const struct store_backend store_sqlite_backend = {
	.name = "sqlite",
	STORE_BACKEND_OPS(sqlite),
	.backup = sqlite_backup,
	.bulk = sqlite_bulk,
	.bulk_end = sqlite_bulk_end,
	.changed_elsewhere = sqlite_changed_elsewhere,
	.migrations = store_sqlite_migrations,
};
