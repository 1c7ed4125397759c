/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_search.c: unit tests for src/store/store_search.c: how a
 * typed query is read into terms, the exact FTS5 and tsquery text built
 * from them, and that SQLite's FTS5 accepts every text built from hostile
 * queries and finds what it should.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <string.h>

#include "store/store.h"

struct want {
	const char *query;
	enum search_parse rc;
	const char *fts5, *tsquery;
};

static const struct want cases[] = {
	{ "garlic", SEARCH_PARSED, "\"garlic\"", "'garlic'" },
	{ "  grow garlic  ", SEARCH_PARSED, "\"grow\" \"garlic\"",
	  "'grow' & 'garlic'" },
	{ "\"soil test\" gar*", SEARCH_PARSED, "\"soil test\" \"gar\"*",
	  "('soil' <-> 'test') & 'gar':*" },
	{ "\"unclosed phrase", SEARCH_PARSED, "\"unclosed phrase\"",
	  "('unclosed' <-> 'phrase')" },
	{ "foo-bar's", SEARCH_PARSED, "\"foo\" \"bar\" \"s\"",
	  "'foo' & 'bar' & 's'" },
	{ "a OR b NOT c NEAR(d)", SEARCH_PARSED,
	  "\"a\" \"OR\" \"b\" \"NOT\" \"c\" \"NEAR\" \"d\"",
	  "'a' & 'OR' & 'b' & 'NOT' & 'c' & 'NEAR' & 'd'" },
	{ "title:x ^y {z} 'q' \\\\ \"\" \"", SEARCH_PARSED,
	  "\"title\" \"x\" \"y\" \"z\" \"q\"",
	  "'title' & 'x' & 'y' & 'z' & 'q'" },
	{ "caf\xc3\xa9 *x x**", SEARCH_PARSED, "\"caf\xc3\xa9\" \"x\" \"x\"*",
	  "'caf\xc3\xa9' & 'x' & 'x':*" },
	{ "", SEARCH_EMPTY, NULL, NULL },
	{ "  \"\" * - () ", SEARCH_EMPTY, NULL, NULL },
	{ "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", SEARCH_PARSED, NULL, NULL },
	{ "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", SEARCH_TOO_MANY, NULL,
	  NULL },
	{ "\"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\"", SEARCH_TOO_MANY,
	  NULL, NULL },
};

static void
test_parse_and_build(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct arena *a = arena_new(4096);
		struct search_query q;
		enum search_parse rc = store_search_parse(str_c(cases[i].query), &q);

		if (rc != cases[i].rc) {
			print_error("case %zu (%s): rc %d, want %d\n", i,
			    cases[i].query, rc, cases[i].rc);
			fail();
		}
		if (cases[i].fts5 != NULL) {
			assert_string_equal(store_search_fts5(&q, a), cases[i].fts5);
			assert_string_equal(store_search_tsquery(&q, a),
			    cases[i].tsquery);
		}
		arena_free(a);
	}
}

static void
test_too_long(void **state)
{
	char big[SEARCH_QUERY_MAX + 2];
	struct search_query q;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(store_search_parse(str_c(big), &q), SEARCH_TOO_LONG);
	big[SEARCH_QUERY_MAX] = '\0';
	assert_int_equal(store_search_parse(str_c(big), &q), SEARCH_PARSED);
}

/* Every text built from a hostile query is valid FTS5 and finds the rows
 * that hold all of its words. */
static void
test_fts5_accepts(void **state)
{
	static const char *const queries[] = {
		"\"soil test\" gar*", "AND", "OR OR", "\"NEAR\"", "x:y", "*", "-garlic",
		"garlic)", "(garlic", "\"\"\"\"", "'", "^garlic", "+", "NOT garlic",
		"garlic NEAR/3 soil", "{title}:garlic", "gar* soil*",
	};
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	    "CREATE VIRTUAL TABLE t USING fts5(body);"
	    "INSERT INTO t VALUES ('soil test for garlic'), ('and or near not'),"
	    " ('x y title garlic soil');", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	    "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &st, NULL), SQLITE_OK);
	for (size_t i = 0; i < ARRAY_LEN(queries); i++) {
		struct arena *a = arena_new(4096);
		struct search_query q;

		if (store_search_parse(str_c(queries[i]), &q) == SEARCH_PARSED) {
			sqlite3_bind_text(st, 1, store_search_fts5(&q, a), -1,
			    SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_ROW) {
				print_error("%s: %s\n", queries[i], sqlite3_errmsg(db));
				fail();
			}
			sqlite3_reset(st);
		}
		arena_free(a);
	}
	{
		struct arena *a = arena_new(4096);
		struct search_query q;

		assert_int_equal(store_search_parse(str_c("\"soil test\" gar*"), &q),
		    SEARCH_PARSED);
		sqlite3_bind_text(st, 1, store_search_fts5(&q, a), -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 1);
		sqlite3_reset(st);
		assert_int_equal(store_search_parse(str_c("or and"), &q),
		    SEARCH_PARSED);
		sqlite3_bind_text(st, 1, store_search_fts5(&q, a), -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 1);
		arena_free(a);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_build),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_fts5_accepts),
	};

	return cmocka_run_group_tests_name("store_search", tests, NULL, NULL);
}
