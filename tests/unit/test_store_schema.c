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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_migrate_twice),
		T_BARE(test_migrate_from_v1),
	};

	return FIXTURE_MAIN("store_schema", tests);
}
