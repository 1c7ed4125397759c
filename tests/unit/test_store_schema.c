/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_schema.c: unit tests of store_schema.c, the migrations,
 * over both backends (store_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_fixture.h"

/* ---- migrations ------------------------------------------------------- */

static int
version_cb(void *data, const struct store_val *row, size_t ncols)
{
	*(int64_t *)data = ncols > 0 ? row[0].i : -1;
	return STORE_OK;
}

static void
test_migrate_twice(void **state)
{
	struct fixture *f = *state;
	int64_t v = 0, known = 0;

	/* every migration this build knows, however many branches add */
	while (f->s->be->migrations[known] != NULL)
		known++;
	assert_int_equal(store_migrate(f->s), STORE_OK);
	assert_int_equal(store_migrate(f->s), STORE_OK);
	assert_int_equal(f->s->be->exec(f->s->conn, STMT_SCHEMA_VERSION, NULL,
	    0, version_cb, &v), STORE_OK);
	assert_int_equal(v, known);
	mk_user(f->s, "still_works");
}

/* A v1 database with content gains the v2 columns with held = 0. */
static void
test_migrate_from_v1(void **state)
{
	struct fixture *f = *state;
	int64_t uid;
	struct post p;
	struct comment c;

	assert_int_equal(f->s->be->script(f->s->conn,
	    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
	    " applied INTEGER NOT NULL)"), STORE_OK);
	assert_int_equal(f->s->be->script(f->s->conn,
	    f->s->be->migrations[0]), STORE_OK);
	/* The first id either database gives a table is 1. */
	assert_int_equal(f->s->be->script(f->s->conn,
	    "INSERT INTO schema_version VALUES (1, 1);"
	    "INSERT INTO users(name, name_lc, pass, created)"
	    " VALUES ('old', 'old', 'h', 1);"
	    "INSERT INTO communities(name, name_lc, title, created)"
	    " VALUES ('c', 'c', 't', 1);"
	    "INSERT INTO posts(community_id, author_id, title, created)"
	    " VALUES (1, 1, 'kept', 1);"
	    "INSERT INTO comments(post_id, author_id, body, created)"
	    " VALUES (1, 1, 'kept', 1);"), STORE_OK);
	assert_int_equal(store_migrate(f->s), STORE_OK);

	assert_int_equal(store_post_get(f->s, f->a, 1, 0, &p), STORE_OK);
	assert_string_equal(p.title, "kept");
	assert_false(p.held);
	assert_int_equal(store_comment_get(f->s, f->a, 1, 0, &c), STORE_OK);
	assert_false(c.held);
	uid = mk_user(f->s, "new");
	assert_int_equal(store_notify(f->s, uid, "hi", NULL, T0), STORE_OK);
}

/*
 * v10 lets a mod log line have no moderator (the command line): the lines
 * before it keep their ids, chain and indexes; a line by the command line
 * is chained after them and shows STORE_CLI_ACTOR.
 */
static void
test_migrate_v10_keeps_the_log(void **state)
{
	struct fixture *f = *state;
	struct modlog_query q = { .limit = 10 };
	struct mod_action m = { .action = "settings", .reason = "limit_posts=7",
		.created = T0 }, *l;
	size_t n;

	assert_int_equal(f->s->be->script(f->s->conn,
	    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
	    " applied INTEGER NOT NULL)"), STORE_OK);
	for (int v = 0; v < 7; v++)
		assert_int_equal(f->s->be->script(f->s->conn,
		    f->s->be->migrations[v]), STORE_OK);
	assert_int_equal(f->s->be->script(f->s->conn,
	    "INSERT INTO schema_version VALUES (1, 1), (2, 1), (3, 1), (4, 1),"
	    " (5, 1), (6, 1), (7, 1);"
	    "INSERT INTO users(name, name_lc, pass, created)"
	    " VALUES ('old', 'old', 'h', 1);"
	    "INSERT INTO mod_actions(mod_id, action, reason, created, seq, prev,"
	    " hash) VALUES (1, 'lock', 'kept', 1, 1, 'p1', 'h1');"
	    "UPDATE modlog_head SET seq = 1, hash = 'h1';"), STORE_OK);
	assert_int_equal(store_migrate(f->s), STORE_OK);
	assert_int_equal(store_modlog_add(f->s, &m, 0, 0, 0), STORE_OK);
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].mod, STORE_CLI_ACTOR);
	assert_int_equal(l[0].seq, 2);
	assert_string_equal(l[0].prev, "h1");
	assert_string_equal(l[1].mod, "old");
	assert_int_equal(l[1].id, 1);
	assert_int_equal(l[1].seq, 1);
	assert_string_equal(l[1].prev, "p1");
	assert_string_equal(l[1].hash, "h1");
	assert_string_equal(l[1].reason, "kept");
	/* seq stays unique */
	assert_int_not_equal(f->s->be->script(f->s->conn,
	    "INSERT INTO mod_actions(action, created, seq)"
	    " VALUES ('x', 1, 1)"), STORE_OK);
}

/*
 * v18 keeps the page caches' log and its numbers (SQLite remakes the
 * table without AUTOINCREMENT): the next entry follows the newest.
 */
static void
test_migrate_v18_keeps_the_cache_log(void **state)
{
	struct fixture *f = *state;
	struct epoch_entry *e;
	int64_t seq;
	size_t n;

	assert_int_equal(f->s->be->script(f->s->conn,
	    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
	    " applied INTEGER NOT NULL)"), STORE_OK);
	for (int v = 0; v < 17; v++) {
		char sql[64];

		assert_int_equal(f->s->be->script(f->s->conn,
		    f->s->be->migrations[v]), STORE_OK);
		snprintf(sql, sizeof(sql),
		    "INSERT INTO schema_version VALUES (%d, 1)", v + 1);
		assert_int_equal(f->s->be->script(f->s->conn, sql), STORE_OK);
	}
	assert_int_equal(store_epoch_log(f->s, NULL, 0, &seq), STORE_OK);
	assert_int_equal(store_epoch_log(f->s, NULL, 0, &seq), STORE_OK);
	assert_int_equal(seq, 2);
	assert_int_equal(store_migrate(f->s), STORE_OK);
	assert_int_equal(store_epoch_last(f->s, &seq), STORE_OK);
	assert_int_equal(seq, 2);
	assert_int_equal(store_epoch_log(f->s, NULL, 0, &seq), STORE_OK);
	assert_int_equal(seq, 3);
	assert_int_equal(store_epoch_since(f->s, f->a, 0, &e, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(e[0].seq, 1);
	assert_int_equal(e[2].seq, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_migrate_twice),
		T_BARE(test_migrate_from_v1),
		T_BARE(test_migrate_v10_keeps_the_log),
		T_BARE(test_migrate_v18_keeps_the_cache_log),
	};

	return FIXTURE_MAIN("store_schema", tests);
}
