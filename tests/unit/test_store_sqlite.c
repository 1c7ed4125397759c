/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_sqlite.c: unit tests of the SQLite backend's internals. It
 * includes store_sqlite.c to reach its statics, and checks
 * that every statement prepares against the migrated schema, that no
 * listing sorts or scans a table (each is an index walk), the connection
 * settings, the error mapping, and that a locked database gives
 * STORE_BUSY.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store_sqlite.c"

struct fixture {
	char dir[64];
	char path[128];
	char url[160];
	struct store *s;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/parley-sqlite-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/test.db", f->dir);
	snprintf(f->url, sizeof(f->url), "sqlite:%s", f->path);
	f->s = store_open(f->url);
	if (f->s == NULL || store_migrate(f->s) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	store_close(f->s);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static sqlite3 *
db_of(struct fixture *f)
{
	return ((struct sqlite_conn *)f->s->conn)->db;
}

static void
test_every_statement_prepares(void **state)
{
	struct fixture *f = *state;
	struct sqlite_conn *c = f->s->conn;
	sqlite3_stmt *st;

	for (int i = 0; i < STMT__COUNT; i++) {
		assert_non_null(store__sql[i].sql);
		if (prepare(c, (enum store_stmt)i, &st) != STORE_OK)
			fail_msg("statement %d does not prepare: %s", i,
			    store__sql[i].sql);
	}
}

static bool
is_listing(int i)
{
	return (i >= STMT_POST_LIST_HOT && i <= STMT_POST_LIST_AUTHOR) ||
	    (i >= STMT_POST_LIST_HOT_F && i <= STMT_POST_LIST_CONTROVERSIAL_F) ||
	    (i >= STMT_HOME_KEYS_HOT && i <= STMT_HOME_KEYS_CONTROVERSIAL) ||
	    i == STMT_COMMENT_LIST || i == STMT_COMMENT_BY_AUTHOR ||
	    i == STMT_POST_STICKIED || i == STMT_POST_HELD ||
	    i == STMT_COMMENT_HELD ||
	    i == STMT_COMMUNITY_LIST_NAME ||
	    i == STMT_COMMUNITY_LIST_SUBSCRIBERS;
}

/* Statements that read the schema's catalogue, for parley migrate. */
static bool
is_catalogue(int i)
{
	return i == STMT_TABLES || i == STMT_TABLE_COLUMNS ||
	    i == STMT_SEARCH_TRIGGERS;
}

/*
 * Search statements walk the FTS5 index's matches (a "SCAN ... VIRTUAL
 * TABLE INDEX n:M" is the MATCH constraint) and sort the matches: ranking
 * has no index to walk, so a search costs what its matches do.
 */
static bool
is_search(int i)
{
	return i >= STMT_SEARCH_POSTS_RELEVANCE &&
	    i <= STMT_SEARCH_COMMENTS_TOP;
}

/*
 * No statement sorts in a temporary b-tree (but the handful of a
 * community's moderators, and search's matches) or scans a table without
 * an index (but the queue of posts to re-rank, read from its start in
 * key order up to a batch's limit, or for its first row); each post
 * listing walks one of the posts_* indexes. The catalogue is small and
 * read whole.
 */
static void
test_query_plans(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < STMT__COUNT; i++) {
		char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", store__sql[i].sql);
		bool post_index = false;
		sqlite3_stmt *st;

		if (is_catalogue(i)) {
			sqlite3_free(q);
			continue;
		}
		assert_int_equal(sqlite3_prepare_v2(db_of(f), q, -1, &st, NULL),
		    SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(st, 3);

			if (is_search(i) && strstr(d, "VIRTUAL TABLE INDEX") &&
			    strstr(d, ":M"))
				continue;
			/* subqueries bounded by a LIMIT: search's window of
			 * matches (w) and page keys (k), a viewer's
			 * subscriptions (hs) */
			if ((is_search(i) && (strcmp(d, "SCAN w") == 0 ||
			    strcmp(d, "SCAN k") == 0)) || strcmp(d, "SCAN hs") == 0)
				continue;
			if (strstr(d, "TEMP B-TREE") && i != STMT_COMMUNITY_MODS &&
			    !is_search(i))
				fail_msg("statement %d sorts: %s (%s)", i, d,
				    store__sql[i].sql);
			/* A constant row (SELECT 1) reads no table. */
			if (strncmp(d, "SCAN ", 5) == 0 && !strstr(d, "USING") &&
			    strcmp(d, "SCAN CONSTANT ROW") != 0 &&
			    i != STMT_RANK_QUEUE_LIST && i != STMT_RANK_QUEUE_ANY)
				fail_msg("statement %d scans: %s (%s)", i, d,
				    store__sql[i].sql);
			if (strstr(d, "USING INDEX posts_") ||
			    strstr(d, "USING COVERING INDEX posts_") ||
			    strstr(d, "USING INDEX comments_") ||
			    strstr(d, "USING INDEX communities_") ||
			    strstr(d, "USING INDEX sqlite_autoindex_communities"))
				post_index = true;
		}
		sqlite3_finalize(st);
		sqlite3_free(q);
		if (is_listing(i) && !post_index)
			fail_msg("listing %d uses no index: %s", i, store__sql[i].sql);
	}
}

static void
test_connection_settings(void **state)
{
	struct fixture *f = *state;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db_of(f), "PRAGMA journal_mode",
	    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db_of(f), "PRAGMA foreign_keys",
	    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db_of(f), "PRAGMA busy_timeout",
	    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 5000);
	sqlite3_finalize(st);
}

static void
test_error_mapping(void **state)
{
	(void)state;
	log_set_level(LOG_ERR + 1);
	assert_int_equal(map_rc(NULL, SQLITE_OK, ""), STORE_OK);
	assert_int_equal(map_rc(NULL, SQLITE_DONE, ""), STORE_OK);
	assert_int_equal(map_rc(NULL, SQLITE_BUSY, ""), STORE_BUSY);
	assert_int_equal(map_rc(NULL, SQLITE_BUSY_SNAPSHOT, ""), STORE_BUSY);
	assert_int_equal(map_rc(NULL, SQLITE_LOCKED, ""), STORE_BUSY);
	assert_int_equal(map_rc(NULL, SQLITE_FULL, ""), STORE_FULL);
	assert_int_equal(map_rc(NULL, SQLITE_READONLY, ""), STORE_FULL);
	assert_int_equal(map_rc(NULL, SQLITE_CANTOPEN, ""), STORE_FULL);
	assert_int_equal(map_rc(NULL, SQLITE_IOERR_WRITE, ""), STORE_FULL);
	assert_int_equal(map_rc(NULL, SQLITE_CONSTRAINT_UNIQUE, ""),
	    STORE_CONFLICT);
	assert_int_equal(map_rc(NULL, SQLITE_CONSTRAINT_PRIMARYKEY, ""),
	    STORE_CONFLICT);
	assert_int_equal(map_rc(NULL, SQLITE_CONSTRAINT_FOREIGNKEY, ""),
	    STORE_NOTFOUND);
	assert_int_equal(map_rc(NULL, SQLITE_CONSTRAINT_NOTNULL, ""),
	    STORE_ERR);
	assert_int_equal(map_rc(NULL, SQLITE_ERROR, ""), STORE_ERR);
	log_set_level(LOG_WARN);
}

/* Shortens how long a connection waits for its turn to write. */
static void
wait_ms(struct store *s, int ms)
{
	struct sqlite_conn *c = s->conn;

	sqlite3_busy_timeout(c->db, ms);
	c->queue_ms = ms;
}

/* A second connection waits out its busy timeout, then reports BUSY. */
static void
test_busy(void **state)
{
	struct fixture *f = *state;
	struct store *other = store_open(f->url);
	int64_t id;

	assert_non_null(other);
	wait_ms(other, 50);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_user_create(f->s, "holder", "h", NULL, 0, 1,
	    &id), STORE_OK);
	log_set_level(LOG_ERR);
	assert_int_equal(store_begin(other), STORE_BUSY);
	assert_int_equal(store_user_create(other, "waiter", "h", NULL, 0, 1,
	    &id), STORE_BUSY);
	log_set_level(LOG_WARN);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_user_create(other, "waiter", "h", NULL, 0, 1,
	    &id), STORE_OK);
	store_close(other);
}

/* How many users are called name. */
static int
users_named(struct fixture *f, const char *name)
{
	sqlite3_stmt *st;
	int n;

	assert_int_equal(sqlite3_prepare_v2(db_of(f), "SELECT count(*) FROM "
	    "users WHERE name = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

struct writer {
	const char *url;
	atomic_bool *first_done;  /* set by the first writer before it ends */
	bool saw_first_done;      /* the second's begin returned after it */
	int rc;
};

static void *
second_writer(void *arg)
{
	struct writer *w = arg;
	struct store *s = store_open(w->url);
	int64_t id;

	w->rc = store_begin(s);
	w->saw_first_done = atomic_load(w->first_done);
	if (w->rc == STORE_OK)
		w->rc = store_user_create(s, "second", "h", NULL, 0, 1, &id);
	if (w->rc == STORE_OK)
		w->rc = store_commit(s);
	store_close(s);
	return NULL;
}

/*
 * Writers of one process queue on the file's mutex: the second begins
 * when the first ends, by commit, by rollback, or by closing its
 * connection in the middle of a transaction.
 */
static void
test_writer_queue(void **state)
{
	struct fixture *f = *state;
	atomic_bool first_done;
	struct writer w = { .url = f->url, .first_done = &first_done };
	pthread_t t;
	int64_t id;

	for (int end = 0; end < 3; end++) {
		struct store *first = store_open(f->url);
		char name[16];

		atomic_store(&first_done, false);
		assert_int_equal(store_begin(first), STORE_OK);
		snprintf(name, sizeof(name), "first%d", end);
		assert_int_equal(store_user_create(first, name, "h", NULL, 0, 1,
		    &id), STORE_OK);
		assert_int_equal(pthread_create(&t, NULL, second_writer, &w), 0);
		usleep(100 * 1000);
		atomic_store(&first_done, true);
		if (end == 0)
			assert_int_equal(store_commit(first), STORE_OK);
		else if (end == 1)
			assert_int_equal(store_rollback(first), STORE_OK);
		store_close(first);
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_int_equal(w.rc, STORE_OK);
		assert_true(w.saw_first_done);
		assert_int_equal(users_named(f, name), end == 0 ? 1 : 0);
		assert_int_equal(users_named(f, "second"), 1);
		assert_int_equal(sqlite3_exec(db_of(f), "DELETE FROM users "
		    "WHERE name = 'second'", NULL, NULL, NULL), SQLITE_OK);
	}
}

/* A statement given the wrong number of values fails cleanly. */
static void
test_param_count(void **state)
{
	struct fixture *f = *state;

	log_set_level(LOG_ERR + 1);
	assert_int_equal(sqlite_exec(f->s->conn, STMT_USER_GET, NULL, 0, NULL,
	    NULL), STORE_ERR);
	log_set_level(LOG_WARN);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_every_statement_prepares),
		T(test_query_plans),
		T(test_connection_settings),
		T(test_error_mapping),
		T(test_busy),
		T(test_writer_queue),
		T(test_param_count),
	};

	log_set_level(LOG_WARN);
	return cmocka_run_group_tests_name("store_sqlite", tests, NULL, NULL);
}
