/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_pg.c: unit tests of the PostgreSQL backend's internals,
 * against a real server. It includes store_pg.c to reach its statics. The database comes from PARLEY_TEST_PG_URL, which make test
 * sets (tests/e2e/pgcluster.py starts a throw-away cluster); without it
 * the tests that need a server are skipped, and say so.
 *
 * Each test empties the database (drops and recreates the public schema)
 * and migrates it. Checked: every statement has SQL and prepares, both
 * backends know the same migrations, inserts into tables with generated
 * ids return the id, no listing sorts or scans, the error mapping, that a
 * COMMIT of an aborted transaction fails, that concurrent votes on one
 * post are all counted, a lock wait that ends in STORE_BUSY, reconnection
 * after the server drops the connection, and that a URL's password never
 * reaches the log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store_pg.c"
#include "pg_schema.h"

#define T0 1700000000

static const char *pg_url;

struct fixture {
	struct store *s;
	struct arena *a;
};

/* Runs sql on a connection of the fixture's, failing the test on error. */
static void
sql(struct store *s, const char *text)
{
	assert_int_equal(s->be->script(s->conn, text), STORE_OK);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || (f->s = store_open(pg_url)) == NULL)
		return -1;
	if (pg_schema_reset(f->s) != STORE_OK ||
	    store_migrate(f->s) != STORE_OK)
		return -1;
	f->a = arena_new(1 << 16);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s);
	arena_free(f->a);
	free(f);
	return 0;
}

static struct pg_conn *
conn_of(struct fixture *f)
{
	return f->s->conn;
}

/* ---- the SQL table --------------------------------------------------- */

static void
test_every_statement_prepares(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < STMT__COUNT; i++) {
		if (store__sql[i].sql == NULL)
			fail_msg("statement %d has no SQL", i);
		if (prepare(conn_of(f), (enum store_stmt)i) != STORE_OK)
			fail_msg("statement %d does not prepare: %s", i,
			    store__sql_pg((enum store_stmt)i));
	}
}

static void
test_same_migrations(void **state)
{
	size_t nsqlite = 0, npg = 0;

	(void)state;
	while (store_sqlite_migrations[nsqlite] != NULL)
		nsqlite++;
	while (store_pg_migrations[npg] != NULL)
		npg++;
	assert_int_equal(nsqlite, npg);
}

/*
 * last_id on PostgreSQL is what an insert returns: every insert into a
 * table whose id a sequence feeds must end with RETURNING id.
 */
static void
test_inserts_return_ids(void **state)
{
	struct fixture *f = *state;
	char serial[1024] = " ";  /* " users posts ... " */
	PGresult *res;

	res = PQexec(conn_of(f)->pg, "SELECT table_name::text FROM "
	    "information_schema.columns WHERE table_schema = current_schema() "
	    "AND column_name = 'id' AND column_default LIKE 'nextval%'");
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	for (int r = 0; r < PQntuples(res); r++) {
		size_t len = strlen(serial);

		snprintf(serial + len, sizeof(serial) - len, "%s ",
		    PQgetvalue(res, r, 0));
	}
	PQclear(res);
	assert_non_null(strstr(serial, " posts "));
	for (int i = 0; i < STMT__COUNT; i++) {
		const char *text = store__sql_pg((enum store_stmt)i);
		char table[64], key[80];

		if (sscanf(text, "INSERT INTO %63[a-z_]", table) != 1)
			continue;
		snprintf(key, sizeof(key), " %s ", table);
		if (strstr(serial, key) && !strstr(text, "RETURNING id"))
			fail_msg("statement %d inserts into %s without "
			    "RETURNING id: %s", i, table, text);
	}
}

#define MAXKEY "9223372036854775807"
/* viewer, key and id above every row, no stickied posts, 26 rows */
#define FIRST_INT "1, " MAXKEY ", " MAXKEY ", 0, 26"
#define FIRST_REAL "1, 'Infinity', " MAXKEY ", 0, 26"
/* Home's walks (store_home.c): community 1, key and id above every row,
 * 26 keys */
#define HOME_FIRST_INT "1, " MAXKEY ", " MAXKEY ", 26"
#define HOME_FIRST_REAL "1, 'Infinity', " MAXKEY ", 26"

/*
 * The listings and the arguments of their first page: FIRST_*, then
 * community or author 1, flair 'f' for one flair's, and since 0 for
 * top (Home's walks: HOME_FIRST_*, since 0 for top). Comment lists: viewer and
 * post 1; author 1's newest. A thread may sort its own rows (the domain
 * layer sorts the tree anyway); nothing may sort a table.
 */
static const struct {
	enum store_stmt stmt;
	const char *args;
	bool may_sort;           /* sorts only the rows it returns */
} listings[] = {
	{ STMT_POST_LIST_HOT, FIRST_REAL, false },
	{ STMT_POST_LIST_HOT_C, FIRST_REAL ", 1", false },
	{ STMT_POST_LIST_NEW, FIRST_INT, false },
	{ STMT_POST_LIST_NEW_C, FIRST_INT ", 1", false },
	{ STMT_POST_LIST_TOP, FIRST_INT ", 0", false },
	{ STMT_POST_LIST_TOP_C, FIRST_INT ", 1, 0", false },
	{ STMT_POST_LIST_ACTIVE, FIRST_INT, false },
	{ STMT_POST_LIST_ACTIVE_C, FIRST_INT ", 1", false },
	{ STMT_POST_LIST_CONTROVERSIAL, FIRST_REAL, false },
	{ STMT_POST_LIST_CONTROVERSIAL_C, FIRST_REAL ", 1", false },
	{ STMT_POST_LIST_AUTHOR, FIRST_INT ", 1", false },
	{ STMT_POST_LIST_HOT_F, FIRST_REAL ", 1, 'f'", false },
	{ STMT_POST_LIST_NEW_F, FIRST_INT ", 1, 'f'", false },
	{ STMT_POST_LIST_TOP_F, FIRST_INT ", 1, 'f', 0", false },
	{ STMT_POST_LIST_ACTIVE_F, FIRST_INT ", 1, 'f'", false },
	{ STMT_POST_LIST_CONTROVERSIAL_F, FIRST_REAL ", 1, 'f'", false },
	{ STMT_HOME_KEYS_HOT, HOME_FIRST_REAL, false },
	{ STMT_HOME_KEYS_NEW, HOME_FIRST_INT, false },
	{ STMT_HOME_KEYS_TOP, HOME_FIRST_INT ", 0", false },
	{ STMT_HOME_KEYS_ACTIVE, HOME_FIRST_INT, false },
	{ STMT_HOME_KEYS_CONTROVERSIAL, HOME_FIRST_REAL, false },
	{ STMT_COMMENT_LIST, "1, 1", true },
	{ STMT_COMMENT_BY_AUTHOR, "1, " MAXKEY ", " MAXKEY ", 26", false },
};

/*
 * With 20,000 posts in 4 communities and 20,000 comments of which a
 * thread holds 300, analyzed, every listing's plan for its first page
 * walks a posts_ or comments_ index: no Seq Scan on posts or comments,
 * and but for the thread no Sort (Home's walks may read the index
 * alone). So a page costs the same however many rows there are. The plan
 * is the generic one the backend's sessions use (plan_cache_mode), made
 * without the values.
 */
static void
test_listing_plans(void **state)
{
	struct fixture *f = *state;
	struct pg_conn *c = conn_of(f);

	sql(f->s, "INSERT INTO users(name, name_lc, pass, created) "
	    "SELECT 'u' || i, 'u' || i, 'h', i FROM generate_series(1, 50) i;"
	    "INSERT INTO communities(name, name_lc, title, created) "
	    "SELECT 'c' || i, 'c' || i, 't', i FROM generate_series(1, 4) i;"
	    "INSERT INTO posts(community_id, author_id, title, created, score, "
	    "hot, controversy, last_comment) "
	    "SELECT 1 + i % 4, 1 + i % 50, 't', i, i % 97, i / 45000.0, "
	    "i % 13, i FROM generate_series(1, 20000) i;"
	    "UPDATE posts SET flair = CASE WHEN id % 2 = 0 THEN 'f' ELSE 'g' END;"
	    "INSERT INTO comments(post_id, author_id, body, created) "
	    "SELECT CASE WHEN i <= 300 THEN 1 ELSE 2 + i % 5000 END, "
	    "1 + i % 50, 'b', i FROM generate_series(1, 20000) i;"
	    "ANALYZE");
	for (size_t i = 0; i < ARRAY_LEN(listings); i++) {
		enum store_stmt id = listings[i].stmt;
		bool bad = false, walks = false;
		char q[256];
		PGresult *res;

		assert_int_equal(prepare(c, id), STORE_OK);
		snprintf(q, sizeof(q), "EXPLAIN EXECUTE s%d(%s)", (int)id,
		    listings[i].args);
		res = PQexec(c->pg, q);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			fail_msg("%s: %s", q, PQresultErrorMessage(res));
		for (int r = 0; r < PQntuples(res); r++) {
			const char *line = PQgetvalue(res, r, 0);

			if ((strstr(line, "Sort") && !listings[i].may_sort) ||
			    strstr(line, "Seq Scan on posts") ||
			    strstr(line, "Seq Scan on comments"))
				bad = true;
			if ((strstr(line, "Index Scan") ||
			    strstr(line, "Index Only Scan")) &&
			    (strstr(line, "posts_") || strstr(line, "comments_")))
				walks = true;
		}
		if (bad || !walks) {
			for (int r = 0; r < PQntuples(res); r++)
				print_message("%s\n", PQgetvalue(res, r, 0));
			fail_msg("listing %d does not walk an index: %s", (int)id,
			    store__sql_pg(id));
		}
		PQclear(res);
	}
}

/* What one search's plan, run, did: see test_search_plans. */
struct search_plan {
	bool gin;      /* the GIN index was read */
	bool walks;    /* a scan read more rows than the walk may */
	bool parses;   /* a row's text was parsed again */
};

/*
 * Runs search stmt for word with window rows under EXPLAIN ANALYZE and
 * notes what its plan read. A scan line reads
 * "... (actual time=A..B rows=N loops=L)", or "(never executed)".
 */
static struct search_plan
search_plan(struct pg_conn *c, enum store_stmt stmt, const char *word,
    int window)
{
	struct search_plan p = { false, false, false };
	char q[320];
	PGresult *res;

	assert_int_equal(prepare(c, stmt), STORE_OK);
	snprintf(q, sizeof(q), "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF) "
	    "EXECUTE s%d(1, '%s', 0, 0, 0, 1e300, 0, 9000000000000000000, 26, "
	    "9000000000000000000, %d)", (int)stmt, word, window);
	res = PQexec(c->pg, q);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", q, PQresultErrorMessage(res));
	for (int r = 0; r < PQntuples(res); r++) {
		const char *line = PQgetvalue(res, r, 0);
		const char *rows = strstr(line, " rows=");
		long n = rows != NULL ? strtol(rows + 6, NULL, 10) : 0;

		if ((strstr(line, "Bitmap Index Scan on posts_search") ||
		    strstr(line, "Bitmap Index Scan on comments_search")) &&
		    !strstr(line, "never executed"))
			p.gin = true;
		if (strstr(line, "Seq Scan on public.posts") ||
		    strstr(line, "Seq Scan on public.comments") ||
		    (strstr(line, "Index Scan Backward") && n > 16 * window))
			p.walks = true;
		/* a recheck or a rank reads search_tsv (schema v17) */
		if (strstr(line, "to_tsvector"))
			p.parses = true;
	}
	if (p.walks || p.parses)
		for (int r = 0; r < PQntuples(res); r++)
			print_message("%s\n", PQgetvalue(res, r, 0));
	PQclear(res);
	return p;
}

/*
 * A search's window (store_sql.c, SEARCH_PG_WINDOW): a rare word's
 * comes from the GIN index of the stored column search_tsv, never from
 * walking the ids backwards over the table: with generic plans the word
 * is unknown, and the walk would read the whole table. A common word's
 * (here in one row of four) comes from a walk of at most 16 rows per
 * window row, and the GIN index is not read. Nothing in either plan
 * parses a row's text again (to_tsvector), neither a lossy page's
 * recheck nor relevance's ts_rank.
 */
static void
test_search_plans(void **state)
{
	struct fixture *f = *state;
	struct pg_conn *c = conn_of(f);
	static const enum store_stmt searches[] = {
		STMT_SEARCH_POSTS_RELEVANCE, STMT_SEARCH_POSTS_NEW,
		STMT_SEARCH_POSTS_TOP, STMT_SEARCH_COMMENTS_RELEVANCE,
		STMT_SEARCH_COMMENTS_NEW, STMT_SEARCH_COMMENTS_TOP,
	};

	sql(f->s, "INSERT INTO users(name, name_lc, pass, created) "
	    "VALUES ('u', 'u', 'h', 1);"
	    "INSERT INTO communities(name, name_lc, title, created) "
	    "VALUES ('c', 'c', 't', 1);"
	    "INSERT INTO posts(community_id, author_id, title, body, created) "
	    "SELECT 1, 1, 'word' || i % 500, 'body' || i % 70 || "
	    "CASE WHEN i % 4 = 0 THEN ' often' ELSE '' END, i "
	    "FROM generate_series(1, 20000) i;"
	    "INSERT INTO comments(post_id, author_id, body, created) "
	    "SELECT 1 + i % 20000, 1, 'said' || i % 300 || "
	    "CASE WHEN i % 4 = 0 THEN ' often' ELSE '' END, i "
	    "FROM generate_series(1, 20000) i;"
	    "ANALYZE");
	for (size_t i = 0; i < ARRAY_LEN(searches); i++) {
		struct search_plan rare = search_plan(c, searches[i],
		    i < 3 ? "word7" : "said7", 100);
		struct search_plan common = search_plan(c, searches[i], "often",
		    100);

		if (!rare.gin || rare.walks || rare.parses)
			fail_msg("search %d does not take a rare word's window "
			    "from the GIN index of search_tsv: %s",
			    (int)searches[i], store__sql_pg(searches[i]));
		if (common.gin || common.walks || common.parses)
			fail_msg("search %d does not take a common word's window "
			    "from a bounded walk: %s", (int)searches[i],
			    store__sql_pg(searches[i]));
	}
}

/* ---- errors and transactions ------------------------------------------ */

static void
test_error_mapping(void **state)
{
	(void)state;
	assert_int_equal(map_state("23505"), STORE_CONFLICT);
	assert_int_equal(map_state("23503"), STORE_NOTFOUND);
	assert_int_equal(map_state("40001"), STORE_BUSY);
	assert_int_equal(map_state("40P01"), STORE_BUSY);
	assert_int_equal(map_state("55P03"), STORE_BUSY);
	assert_int_equal(map_state("57P01"), STORE_BUSY);
	assert_int_equal(map_state("08006"), STORE_BUSY);
	assert_int_equal(map_state("53100"), STORE_FULL);
	assert_int_equal(map_state("25006"), STORE_FULL);
	assert_int_equal(map_state("23502"), STORE_ERR);
	assert_int_equal(map_state("42601"), STORE_ERR);
	assert_int_equal(map_state(NULL), STORE_ERR);
}

/*
 * A failed statement aborts a PostgreSQL transaction; committing it must
 * fail rather than report the rollback the server did as a success. A
 * failure in a guarded write (a taken name) inside a transaction leaves
 * the transaction usable, as on SQLite.
 */
static void
test_aborted_commit(void **state)
{
	struct fixture *f = *state;
	struct user u;
	int64_t id;

	assert_int_equal(store_user_create(f->s, "taken", "h", NULL, 0, T0,
	    &id), STORE_OK);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_user_create(f->s, "TAKEN", "h", NULL, 0, T0,
	    &id), STORE_CONFLICT);
	assert_int_equal(store_user_create(f->s, "fresh", "h", NULL, 0, T0,
	    &id), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_user_by_name(f->s, f->a, "fresh", &u, NULL),
	    STORE_OK);
	assert_int_equal(u.id, id);

	log_set_level(LOG_ERR + 1);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(f->s->be->exec(f->s->conn, STMT_USER_INSERT,
	    STORE_PARAMS(store_v_text("x"), store_v_text("taken"),
	    store_v_text("h"), store_v_null(), store_v_int(0),
	    store_v_int(T0)), NULL, NULL), STORE_CONFLICT);
	assert_int_equal(store_commit(f->s), STORE_ERR);
	log_set_level(LOG_WARN);
	assert_int_equal(f->s->depth, 0);
	assert_int_equal(conn_of(f)->depth, 0);
	assert_int_equal(store_user_by_name(f->s, f->a, "fresh", &u, NULL),
	    STORE_OK);
}

/* Numbers come back as numbers, and text and blobs byte for byte. */
static void
test_value_types(void **state)
{
	struct fixture *f = *state;
	unsigned char key[32];
	struct user u;
	int64_t id;

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 37);
	key[5] = 0;
	assert_int_equal(store_user_create(f->s, "types", "h", "é@x", 1, T0,
	    &id), STORE_OK);
	assert_int_equal(store_session_create(f->s, key, id, T0, T0 + 10),
	    STORE_OK);
	assert_int_equal(store_session_user(f->s, f->a, key, T0, &u, NULL),
	    STORE_OK);
	assert_int_equal(u.id, id);
	assert_int_equal(u.role, 1);
	assert_int_equal(u.created, T0);
	assert_string_equal(u.email, "é@x");
	key[5] = 1;
	assert_int_equal(store_session_user(f->s, f->a, key, T0, &u, NULL),
	    STORE_NOTFOUND);
}

/* ---- concurrency ------------------------------------------------------ */

#define VOTERS_PER_THREAD 15
#define THREADS 4

struct voter {
	int64_t post;
	int64_t first_user;
	int failures;
};

static void *
vote_thread(void *arg)
{
	struct voter *v = arg;
	struct store *s = store_open(pg_url);
	int64_t score;

	if (s == NULL) {
		v->failures = VOTERS_PER_THREAD;
		return NULL;
	}
	for (int i = 0; i < VOTERS_PER_THREAD; i++)
		if (store_vote_set(s, v->first_user + i, VOTE_POST, v->post, 1,
		    T0 + 10, &score) != STORE_OK)
			v->failures++;
	store_close(s);
	return NULL;
}

/*
 * Votes from four connections at once on one post: the row lock taken
 * by the vote's read (FOR UPDATE) queues them, so every one is counted
 * in ups, score and the author's points.
 */
static void
test_concurrent_votes(void **state)
{
	struct fixture *f = *state;
	struct voter v[THREADS];
	pthread_t t[THREADS];
	struct community c = { .name = "race", .title = "Race",
	    .created = T0 };
	struct post p = { .title = "contested", .body = "b",
	    .body_html = "<p>b</p>", .created = T0 };
	struct post got;
	struct user author;
	int64_t first = 0, id;

	assert_int_equal(store_user_create(f->s, "author", "h", NULL, 0, T0,
	    &p.author_id), STORE_OK);
	c.creator_id = p.author_id;
	assert_int_equal(store_community_create(f->s, &c, &p.community_id),
	    STORE_OK);
	assert_int_equal(store_post_create(f->s, &p, &id), STORE_OK);
	for (int i = 0; i < THREADS * VOTERS_PER_THREAD; i++) {
		char name[32];
		int64_t uid;

		snprintf(name, sizeof(name), "voter%d", i);
		assert_int_equal(store_user_create(f->s, name, "h", NULL, 0, T0,
		    &uid), STORE_OK);
		if (i == 0)
			first = uid;
	}
	for (int i = 0; i < THREADS; i++) {
		v[i] = (struct voter){ id, first + i * VOTERS_PER_THREAD, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, vote_thread, &v[i]),
		    0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(v[i].failures, 0);
	}
	assert_int_equal(store_post_get(f->s, f->a, id, 0, &got), STORE_OK);
	assert_int_equal(got.ups, 1 + THREADS * VOTERS_PER_THREAD);
	assert_int_equal(got.score, 1 + THREADS * VOTERS_PER_THREAD);
	assert_int_equal(store_user_get(f->s, f->a, p.author_id, &author),
	    STORE_OK);
	assert_int_equal(author.points, THREADS * VOTERS_PER_THREAD);
}

/* A row lock held past lock_timeout gives STORE_BUSY, then clears. */
static void
test_busy(void **state)
{
	struct fixture *f = *state;
	struct store *other = store_open(pg_url);
	struct community c = { .name = "locks", .title = "Locks",
	    .created = T0 };
	struct post p = { .title = "held", .body = "b", .body_html = "b",
	    .created = T0 };
	int64_t id, voter, score;

	assert_non_null(other);
	assert_int_equal(store_user_create(f->s, "holder", "h", NULL, 0, T0,
	    &p.author_id), STORE_OK);
	assert_int_equal(store_user_create(f->s, "waiter", "h", NULL, 0, T0,
	    &voter), STORE_OK);
	c.creator_id = p.author_id;
	assert_int_equal(store_community_create(f->s, &c, &p.community_id),
	    STORE_OK);
	assert_int_equal(store_post_create(f->s, &p, &id), STORE_OK);
	sql(other, "SET lock_timeout = '100ms'");
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_vote_set(f->s, p.author_id, VOTE_POST, id, -1,
	    T0, &score), STORE_OK);
	log_set_level(LOG_ERR);
	assert_int_equal(store_vote_set(other, voter, VOTE_POST, id, 1, T0,
	    &score), STORE_BUSY);
	log_set_level(LOG_WARN);
	assert_int_equal(other->depth, 0);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_vote_set(other, voter, VOTE_POST, id, 1, T0,
	    &score), STORE_OK);
	assert_int_equal(score, 0);
	store_close(other);
}

/* ---- a dropped connection --------------------------------------------- */

/* Ends f's server process from another connection, as a restart does. */
static void
drop_connection(struct fixture *f)
{
	struct store *killer = store_open(pg_url);
	char q[96];

	assert_non_null(killer);
	snprintf(q, sizeof(q), "SELECT pg_terminate_backend(%d)",
	    PQbackendPID(conn_of(f)->pg));
	sql(killer, q);
	store_close(killer);
	usleep(50 * 1000);
}

/*
 * A read after the server dropped the connection is run again on a new
 * one; a write outside a transaction answers STORE_BUSY (it may or may
 * not have happened) and the next statement reconnects; inside a
 * transaction every statement answers STORE_BUSY until the rollback.
 */
static void
test_reconnect(void **state)
{
	struct fixture *f = *state;
	const char *v = NULL;
	struct user u;
	int64_t id;

	assert_int_equal(store_setting_set(f->s, "k", "v1"), STORE_OK);
	log_set_level(LOG_ERR + 1);

	drop_connection(f);
	assert_int_equal(store_setting_get(f->s, f->a, "k", &v), STORE_OK);
	assert_string_equal(v, "v1");

	drop_connection(f);
	assert_int_equal(store_setting_set(f->s, "k", "v2"), STORE_BUSY);
	assert_int_equal(store_setting_set(f->s, "k", "v3"), STORE_OK);

	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_user_create(f->s, "before", "h", NULL, 0, T0,
	    &id), STORE_OK);
	drop_connection(f);
	assert_int_equal(store_user_create(f->s, "after", "h", NULL, 0, T0,
	    &id), STORE_BUSY);
	assert_int_equal(store_setting_get(f->s, f->a, "k", &v), STORE_BUSY);
	assert_int_equal(store_commit(f->s), STORE_BUSY);
	assert_int_equal(f->s->depth, 0);

	drop_connection(f);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_rollback(f->s), STORE_OK);
	log_set_level(LOG_WARN);

	assert_int_equal(store_setting_get(f->s, f->a, "k", &v), STORE_OK);
	assert_string_equal(v, "v3");
	assert_int_equal(store_user_by_name(f->s, f->a, "before", &u, NULL),
	    STORE_NOTFOUND);
	assert_int_equal(store_user_by_name(f->s, f->a, "after", &u, NULL),
	    STORE_NOTFOUND);
}

/* ---- no server needed -------------------------------------------------- */

/*
 * A URL's password never reaches the log, even when the connection fails
 * (port 1 refuses at once).
 */
static void
test_password_not_logged(void **state)
{
	char path[] = "/tmp/parley-pglog-XXXXXX";
	char buf[4096];
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	assert_null(store_open("postgresql://parley:hunter2-secret@127.0.0.1:1/"
	    "parley"));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "cannot connect"));
	assert_null(strstr(buf, "hunter2"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest offline[] = {
		cmocka_unit_test(test_same_migrations),
		cmocka_unit_test(test_error_mapping),
		cmocka_unit_test(test_password_not_logged),
	};
	const struct CMUnitTest online[] = {
		T(test_every_statement_prepares),
		T(test_inserts_return_ids),
		T(test_listing_plans),
		T(test_search_plans),
		T(test_aborted_commit),
		T(test_value_types),
		T(test_concurrent_votes),
		T(test_busy),
		T(test_reconnect),
	};
	int rc;

	log_set_level(LOG_WARN);
	rc = cmocka_run_group_tests_name("store_pg", offline, NULL, NULL);
	pg_url = pg_schema_url(getenv("PARLEY_TEST_PG_URL"));
	if (pg_url == NULL) {
		printf("store_pg: %zu tests skipped: PARLEY_TEST_PG_URL is not "
		    "set (make test sets it)\n", ARRAY_LEN(online));
		return rc;
	}
	return rc | cmocka_run_group_tests_name("store_pg_server", online, NULL,
	    NULL);
}
