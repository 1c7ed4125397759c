/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_copy.c: copying a whole site from one database to another (parley
 * migrate, SQLite to PostgreSQL), table by table through the backend
 * interface, with a count and a checksum of every table on both sides;
 * and live backups into a file (parley backup, SQLite).
 *
 * The tables are listed here in an order in which their rows can be
 * inserted (a referenced table before the tables that reference it, a
 * comment's parent before the comment: rows with ids go in id order).
 * Their columns are not: both databases are first brought to the schema
 * version of this build, each table's columns are read from the source's
 * catalogue, and the target must have the same ones. A table or column
 * this list does not know (a schema newer than this file) stops the copy
 * before anything is written, so nothing is ever left behind silently.
 * The SQL built here uses names from that list and the catalogue only,
 * never input, and each name is quoted.
 *
 * Rows go in batches, one INSERT of many rows (about BATCH_VALUES values)
 * per round trip. Everything is written in one transaction on the target,
 * under a read
 * (on SQLite a write-locked) transaction on the source, and checked
 * before the commit: per table the number of rows and the sum of a 64-bit
 * FNV-1a hash of each row's values (order-independent, so the two
 * databases may return rows in any order). A difference rolls it all back.
 */
#include "store_int.h"

#include <string.h>

#define COPY_MAX_COLS 40 /* widest table; a wider one is refused */
#define BATCH_VALUES 1000 /* values bound to one many-row INSERT */

enum table_flag {
	TABLE_SEEDED = 1 << 0,   /* parley init fills it: replaced, and does
	                            not make a target count as holding content */
	TABLE_SESSIONS = 1 << 1, /* copied only with STORE_COPY_SESSIONS */
};

static const struct {
	const char *name;
	unsigned flags;          /* enum table_flag */
} tables[] = {
	{ "users", 0 },
	{ "settings", TABLE_SEEDED },
	{ "sessions", TABLE_SESSIONS },
	{ "communities", 0 },
	{ "moderators", 0 },
	{ "subscriptions", 0 },
	{ "posts", 0 },
	{ "comments", 0 },
	{ "votes", 0 },
	{ "pages", TABLE_SEEDED },
	{ "reports", 0 },
	{ "bans", 0 },
	{ "mod_actions", 0 },
	{ "blocks", 0 },
	{ "notifications", 0 },
	{ "rate_events", 0 },
	/* api tokens, two-factor sign-in */
	{ "api_tokens", 0 },
	{ "recovery_codes", 0 },
	{ "invites", 0 },
	{ "modlog_head", TABLE_SEEDED },
	{ "site_keys", TABLE_SEEDED },
	{ "canaries", 0 },
	/* saved and hidden (schema v4) */
	{ "saves", 0 },
	{ "hides", 0 },
	/* inbox and private messages (schema v5) */
	{ "mentions", 0 },
	{ "conversations", 0 },
	{ "conversation_sides", 0 },
	{ "messages", 0 },
	{ "message_reports", 0 },
	/* richer posts: edit history (schema v6) */
	{ "revisions", 0 },
	/* richer posts: flair (schema v6) */
	{ "flairs", 0 },
	{ "user_flairs", 0 },
	/* richer posts: polls (schema v6) */
	{ "polls", 0 },
	{ "poll_options", 0 },
	{ "poll_votes", 0 },
	/* image uploads (schema v11) */
	{ "uploads", 0 },
};

/* The bookkeeping tables, not copied: the schema version, the same on
 * both sides, how far the target's own search index has come, and the
 * target's own page caches' log, the posts whose ranks await a
 * batch (store_copy copies them caught up), and the indexes a bulk
 * load on the source has dropped for the while. */
#define SCHEMA_TABLE "schema_version"
#define SEARCH_TABLE "search_done"
#define LOG_TABLE "cache_log"
#define RANK_TABLE "rank_queue"
#define BULK_TABLE "bulk_index"

/* ---- the catalogue ---------------------------------------------------- */

/* A list of names read from a catalogue, in the arena. */
struct names {
	struct arena *a;
	const char **v;
	size_t n, cap;
};

static int
names_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct names *nm = data;

	if (ncols < 1 || row[0].type != STORE_T_TEXT)
		return STORE_ERR;
	nm->v = arena_grow(nm->a, nm->v, nm->n, &nm->cap, 32, sizeof(*nm->v));
	nm->v[nm->n++] = arena_strndup(nm->a, row[0].p, row[0].len);
	return STORE_OK;
}

static bool
has_name(const struct names *nm, const char *name)
{
	for (size_t i = 0; i < nm->n; i++)
		if (strcmp(nm->v[i], name) == 0)
			return true;
	return false;
}

static int
known_table(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(tables); i++)
		if (strcmp(tables[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
 * Checks that db has exactly the tables of the list (and the schema
 * table). side names it in the log.
 */
static int
check_tables(struct store *db, struct arena *a, const char *side)
{
	struct names nm = { a, NULL, 0, 0 };
	int rc = db->be->exec(db->conn, STMT_TABLES, NULL, 0, names_cb, &nm);

	if (rc != STORE_OK)
		return rc;
	for (size_t i = 0; i < nm.n; i++) {
		if (strcmp(nm.v[i], SCHEMA_TABLE) != 0 &&
		    strcmp(nm.v[i], SEARCH_TABLE) != 0 &&
		    strcmp(nm.v[i], LOG_TABLE) != 0 &&
		    strcmp(nm.v[i], RANK_TABLE) != 0 &&
		    strcmp(nm.v[i], BULK_TABLE) != 0 &&
		    known_table(nm.v[i]) < 0) {
			log_msg(LOG_ERR, "store", "copy: the %s database has a "
			    "table '%s' that this build cannot copy", side,
			    nm.v[i]);
			return STORE_ERR;
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(tables); i++) {
		if (!has_name(&nm, tables[i].name)) {
			log_msg(LOG_ERR, "store", "copy: the %s database has no "
			    "table '%s'", side, tables[i].name);
			return STORE_ERR;
		}
	}
	return STORE_OK;
}

/* Reads the columns of table t in the source and checks the target's. */
static int
columns_of(struct store *from, struct store *to, struct arena *a,
    const char *t, struct names *cols)
{
	struct names other = { a, NULL, 0, 0 };
	int rc;

	*cols = (struct names){ a, NULL, 0, 0 };
	rc = from->be->exec(from->conn, STMT_TABLE_COLUMNS,
	    STORE_PARAMS(store_v_text(t)), names_cb, cols);
	if (rc == STORE_OK)
		rc = to->be->exec(to->conn, STMT_TABLE_COLUMNS,
		    STORE_PARAMS(store_v_text(t)), names_cb, &other);
	if (rc != STORE_OK)
		return rc;
	if (cols->n == 0 || cols->n > COPY_MAX_COLS || cols->n != other.n) {
		log_msg(LOG_ERR, "store", "copy: table %s has %zu columns here "
		    "and %zu there", t, cols->n, other.n);
		return STORE_ERR;
	}
	for (size_t i = 0; i < cols->n; i++) {
		if (!has_name(&other, cols->v[i])) {
			log_msg(LOG_ERR, "store", "copy: the target's table %s "
			    "has no column %s", t, cols->v[i]);
			return STORE_ERR;
		}
	}
	return STORE_OK;
}

/* ---- the statements --------------------------------------------------- */

/* "SELECT "a", "b" FROM "t"", in id order when there is an id. */
static const char *
select_sql(struct arena *a, const char *t, const struct names *cols)
{
	struct buf b;

	buf_init(&b, a, 256);
	buf_puts(&b, "SELECT ");
	for (size_t i = 0; i < cols->n; i++)
		buf_printf(&b, "%s\"%s\"", i ? ", " : "", cols->v[i]);
	buf_printf(&b, " FROM \"%s\"", t);
	if (has_name(cols, "id"))
		buf_puts(&b, " ORDER BY \"id\"");
	return b.p;
}

/* "INSERT INTO "t"("a", "b") VALUES ($1, $2), ($3, $4)" for nrows rows. */
static const char *
insert_sql(struct arena *a, const char *t, const struct names *cols,
    size_t nrows)
{
	struct buf b;
	size_t k = 0;

	buf_init(&b, a, 256);
	buf_printf(&b, "INSERT INTO \"%s\"(", t);
	for (size_t i = 0; i < cols->n; i++)
		buf_printf(&b, "%s\"%s\"", i ? ", " : "", cols->v[i]);
	buf_puts(&b, ") VALUES ");
	for (size_t r = 0; r < nrows; r++) {
		buf_puts(&b, r ? ", (" : "(");
		for (size_t i = 0; i < cols->n; i++)
			buf_printf(&b, "%s$%zu", i ? ", " : "", ++k);
		buf_puts(&b, ")");
	}
	return b.p;
}

/* ---- sums ----------------------------------------------------------- */

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* One row's hash: each value's type, then its bytes (text with length). */
static uint64_t
row_hash(const struct store_val *row, size_t ncols)
{
	uint64_t h = FNV_OFFSET, len;

	for (size_t i = 0; i < ncols; i++) {
		unsigned char type = (unsigned char)row[i].type;

		h = fnv(h, &type, 1);
		switch (row[i].type) {
		case STORE_T_NULL:
			break;
		case STORE_T_INT:
			h = fnv(h, &row[i].i, sizeof(row[i].i));
			break;
		case STORE_T_REAL:
			h = fnv(h, &row[i].d, sizeof(row[i].d));
			break;
		case STORE_T_TEXT:
		case STORE_T_BLOB:
			len = row[i].len;
			h = fnv(h, &len, sizeof(len));
			h = fnv(h, row[i].p, row[i].len);
			break;
		}
	}
	return h;
}

static int
sum_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_copy_table *t = data;

	t->rows_to++;
	t->sum_to += row_hash(row, ncols);
	return STORE_OK;
}

/* ---- copying ---------------------------------------------------------- */

/* What the row callback of one table's copy needs. */
struct copy {
	struct store *to;
	struct arena *a;         /* SQL texts; the caller's */
	struct arena *rows;      /* text of the rows in the batch */
	struct store_copy_table *t;
	const struct names *cols;
	const char *insert;      /* the INSERT of a whole batch */
	struct store_val *batch; /* per_batch rows of cols->n values */
	size_t per_batch, n;     /* rows a batch holds; rows in it now */
	bool has_id;             /* the first column is id */
	int64_t max_id;
};

/* Inserts the rows of the batch and empties it. */
static int
flush(struct copy *cp)
{
	const char *sql = cp->n == cp->per_batch ? cp->insert :
	    insert_sql(cp->a, cp->t->name, cp->cols, cp->n);
	int rc;

	if (cp->n == 0)
		return STORE_OK;
	rc = cp->to->be->sql(cp->to->conn, sql, cp->batch, cp->n * cp->cols->n,
	    NULL, NULL);
	cp->n = 0;
	arena_reset(cp->rows);
	return rc;
}

/* Counts and hashes a source row and adds a copy of it to the batch. */
static int
copy_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct copy *cp = data;
	struct store_val *v = cp->batch + cp->n * cp->cols->n;

	if (ncols != cp->cols->n)
		return STORE_ERR;
	cp->t->rows_from++;
	cp->t->sum_from += row_hash(row, ncols);
	if (cp->has_id && row[0].type == STORE_T_INT && row[0].i > cp->max_id)
		cp->max_id = row[0].i;
	for (size_t i = 0; i < ncols; i++) {
		v[i] = row[i];
		if (row[i].type == STORE_T_TEXT || row[i].type == STORE_T_BLOB)
			v[i].p = arena_strndup(cp->rows, row[i].p, row[i].len);
	}
	if (++cp->n == cp->per_batch)
		return flush(cp);
	return STORE_OK;
}

static int
any_cb(void *data, const struct store_val *row, size_t ncols)
{
	(void)row;
	(void)ncols;
	*(bool *)data = true;
	return STORE_OK;
}

/*
 * Empties the target's tables, last first, when forced; otherwise only
 * the seeded ones, after checking that no other holds a row.
 */
static int
clear_target(struct store *to, struct arena *a, unsigned flags)
{
	int rc;

	for (size_t i = 0; i < ARRAY_LEN(tables) && !(flags &
	    STORE_COPY_FORCE); i++) {
		bool any = false;

		if (tables[i].flags & TABLE_SEEDED)
			continue;
		rc = to->be->sql(to->conn, arena_printf(a, "SELECT 1 FROM \"%s\" "
		    "LIMIT 1", tables[i].name), NULL, 0, any_cb, &any);
		if (rc != STORE_OK)
			return rc;
		if (any) {
			log_msg(LOG_INFO, "store", "copy: the target's table %s "
			    "has rows", tables[i].name);
			return STORE_CONFLICT;
		}
	}
	for (size_t i = ARRAY_LEN(tables); i-- > 0; ) {
		if (!(flags & STORE_COPY_FORCE) &&
		    !(tables[i].flags & TABLE_SEEDED))
			continue;
		rc = to->be->sql(to->conn, arena_printf(a, "DELETE FROM \"%s\"",
		    tables[i].name), NULL, 0, NULL, NULL);
		if (rc != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

/* Copies one table and reads back its sum on the target. */
static int
copy_table(struct store *from, struct store *to, struct arena *a,
    struct store_copy_table *t)
{
	struct names cols;
	struct copy cp = { .to = to, .a = a, .t = t, .cols = &cols };
	const char *select;
	int rc;

	if ((rc = columns_of(from, to, a, t->name, &cols)) != STORE_OK)
		return rc;
	select = select_sql(a, t->name, &cols);
	cp.per_batch = BATCH_VALUES / cols.n;
	cp.insert = insert_sql(a, t->name, &cols, cp.per_batch);
	cp.batch = ARENA_ARRAY(a, struct store_val, cp.per_batch * cols.n);
	cp.rows = arena_new(64 * 1024);
	cp.has_id = strcmp(cols.v[0], "id") == 0;
	rc = from->be->sql(from->conn, select, NULL, 0, copy_cb, &cp);
	if (rc == STORE_OK)
		rc = flush(&cp);
	arena_free(cp.rows);
	if (rc == STORE_OK && cp.max_id > 0)
		rc = to->be->exec(to->conn, STMT_SEQUENCE_SET, STORE_PARAMS(
		    store_v_text(t->name), store_v_int(cp.max_id)), NULL, NULL);
	if (rc == STORE_OK)
		rc = to->be->sql(to->conn, select, NULL, 0, sum_cb, t);
	return rc;
}

/*
 * Copies every row of from into to: users, settings, sessions (only with
 * STORE_COPY_SESSIONS in flags), communities, moderators, subscriptions,
 * posts, comments, votes, pages and the moderation tables, keeping ids.
 * Both must be migrated to this build's schema. The target must hold no
 * content (its seeded settings and pages are replaced) unless flags has
 * STORE_COPY_FORCE, which empties it first.
 *
 * Sets *out to an array of *n tables in a, in copy order, with the rows
 * and sums read on both sides (a table left out has copied false). The
 * target is committed only when every copied table's rows and sums
 * agree. Returns STORE_OK; STORE_CONFLICT when the target holds content;
 * STORE_ERR for tables or columns that differ from this build's, or sums
 * that disagree (logged, nothing written); or a database error.
 */
int
store_copy(struct store *from, struct store *to, struct arena *a,
    unsigned flags, struct store_copy_table **out, size_t *n)
{
	struct store_copy_table *t = ARENA_ARRAY(a, struct store_copy_table,
	    ARRAY_LEN(tables));
	int rc;

	*out = t;
	*n = ARRAY_LEN(tables);
	for (size_t i = 0; i < ARRAY_LEN(tables); i++) {
		t[i].name = tables[i].name;
		t[i].copied = !(tables[i].flags & TABLE_SESSIONS) ||
		    (flags & STORE_COPY_SESSIONS);
	}
	if ((rc = check_tables(from, a, "source")) != STORE_OK ||
	    (rc = check_tables(to, a, "target")) != STORE_OK)
		return rc;
	if ((rc = store_begin(from)) != STORE_OK)
		return rc;
	/* Ranks caught up inside the source's transaction, which is rolled
	 * back: the copy holds them exact, the source stays as it was. */
	if ((rc = store_rank_catch_up(from, NULL)) != STORE_OK ||
	    (rc = store_begin(to)) != STORE_OK) {
		store_rollback(from);
		return rc;
	}
	rc = clear_target(to, a, flags);
	for (size_t i = 0; i < ARRAY_LEN(tables) && rc == STORE_OK; i++)
		if (t[i].copied)
			rc = copy_table(from, to, a, &t[i]);
	/* No comment copied is in the target's search index yet (a forced
	 * copy's deletions took out those it held): the next search or the
	 * server's indexer indexes them all. */
	if (rc == STORE_OK)
		rc = to->be->exec(to->conn, STMT_SEARCH_UNMARK, NULL, 0, NULL,
		    NULL);
	for (size_t i = 0; i < ARRAY_LEN(tables) && rc == STORE_OK; i++) {
		if (t[i].rows_from != t[i].rows_to ||
		    t[i].sum_from != t[i].sum_to) {
			log_msg(LOG_ERR, "store", "copy: table %s differs after "
			    "the copy", t[i].name);
			rc = STORE_ERR;
		}
	}
	if (rc == STORE_OK)
		rc = store_commit(to);
	else
		store_rollback(to);
	store_rollback(from);
	if (rc == STORE_OK && store_analyze(to) != STORE_OK)
		log_msg(LOG_WARN, "store", "copy: ANALYZE failed: queries may "
		    "be slow until autovacuum gathers statistics");
	return rc;
}

/* ---- backups ---------------------------------------------------------- */

/*
 * Copies the open database, live, into a file at path, replacing it only
 * once the copy is whole and checked. Writers may go on meanwhile; the
 * copy holds what was committed when it began. Returns STORE_OK,
 * STORE_FULL when the file cannot be written, or STORE_ERR (logged), also
 * for a backend whose databases are backed up with their own tools.
 */
int
store_backup(struct store *s, const char *path)
{
	if (s->be->backup == NULL) {
		log_msg(LOG_ERR, "store", "%s: back up with the database's own "
		    "tools", s->be->name);
		return STORE_ERR;
	}
	return s->be->backup(s->conn, path);
}
