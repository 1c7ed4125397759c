/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_sql.c: unit tests of the statement table (store_sql.c): the
 * ?N to $N rewrite that PostgreSQL's texts go through, and that the table
 * is whole and in one form: every statement has SQL, a PostgreSQL text
 * only where it differs, no $N anywhere, and the same placeholders in
 * both texts of a statement (the domain layer binds one list of values
 * for either). That every text prepares is checked against real
 * databases in test_store_sqlite.c and test_store_pg.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store_int.h"

/* Returns store__sql_dollars(in) in a buffer of exactly strlen(in) + 1. */
static char *
dollars(const char *in)
{
	char *out = malloc(strlen(in) + 1);

	assert_non_null(out);
	store__sql_dollars(in, out);
	return out;
}

static void
test_dollars(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "", "" },
		{ "SELECT 1", "SELECT 1" },
		{ "?1", "$1" },
		{ "WHERE id = ?1", "WHERE id = $1" },
		{ "VALUES (?1, ?2, ?10, ?34)", "VALUES ($1, $2, $10, $34)" },
		{ "(?3::bigint = 0)", "($3::bigint = 0)" },
		{ "a=?1 AND b=?2", "a=$1 AND b=$2" },
		/* Text, not placeholders: literals and quoted identifiers. */
		{ "SELECT '?1'", "SELECT '?1'" },
		{ "SELECT \"?1\" FROM t", "SELECT \"?1\" FROM t" },
		{ "x = '[deleted]' AND y = ?2", "x = '[deleted]' AND y = $2" },
		/* A doubled quote stays inside the literal. */
		{ "'it''s ?1' = ?2", "'it''s ?1' = $2" },
		{ "\"a\"\"?1\" = ?1", "\"a\"\"?1\" = $1" },
		/* One kind of quote inside the other. */
		{ "'say \"?1' = ?1", "'say \"?1' = $1" },
		{ "\"it's ?2\" = ?2", "\"it's ?2\" = $2" },
		/* A ? without a number is not ours to rewrite. */
		{ "a ? b", "a ? b" },
		{ "?", "?" },
		{ "??1", "?$1" },
		{ "?x1", "?x1" },
		/* An unterminated literal keeps the rest as text. */
		{ "'?1", "'?1" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *out = dollars(cases[i].in);

		if (strcmp(out, cases[i].out) != 0)
			fail_msg("\"%s\" gives \"%s\", want \"%s\"", cases[i].in,
			    out, cases[i].out);
		free(out);
	}
}

/* The rewrite keeps the length: an output of the input's size fits. */
static void
test_dollars_length(void **state)
{
	(void)state;
	for (int i = 0; i < STMT__COUNT; i++) {
		const char *text = store__sql_pg((enum store_stmt)i);
		char *out = dollars(text);

		assert_int_equal(strlen(out), strlen(text));
		free(out);
	}
}

/*
 * Sets seen[n] for every placeholder ?n of sql outside quotes; fails on
 * a $ there (the table is written in ?N form only).
 */
static void
placeholders(int id, const char *sql, bool seen[100])
{
	char quote = 0;

	memset(seen, 0, 100 * sizeof(bool));
	for (const char *p = sql; *p != '\0'; p++) {
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '$') {
			fail_msg("statement %d has a $ placeholder: %s", id, sql);
		} else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
			int n = (int)strtol(p + 1, NULL, 10);

			assert_true(n >= 1 && n < 100);
			seen[n] = true;
		}
	}
}

static void
test_table(void **state)
{
	bool in_sql[100], in_pg[100];
	int own = 0;

	(void)state;
	for (int i = 0; i < STMT__COUNT; i++) {
		const struct store_sql *q = &store__sql[i];
		int max = 0;

		if (q->sql == NULL)
			fail_msg("statement %d has no SQL", i);
		placeholders(i, q->sql, in_sql);
		/* Numbered from ?1 without a gap, as the values are bound. */
		for (int n = 1; n < 100; n++)
			if (in_sql[n])
				max = n;
		for (int n = 1; n <= max; n++)
			if (!in_sql[n])
				fail_msg("statement %d skips ?%d: %s", i, n, q->sql);
		if (q->pg == NULL)
			continue;
		own++;
		if (strcmp(q->pg, q->sql) == 0)
			fail_msg("statement %d repeats its SQL for PostgreSQL: "
			    "%s", i, q->pg);
		placeholders(i, q->pg, in_pg);
		if (memcmp(in_sql, in_pg, sizeof(in_sql)) != 0)
			fail_msg("statement %d binds other values on PostgreSQL:"
			    "\n%s\n%s", i, q->sql, q->pg);
	}
	/* The dialects differ in few places; most statements are shared. */
	assert_true(own > 0 && own < STMT__COUNT / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dollars),
		cmocka_unit_test(test_dollars_length),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests_name("store_sql", tests, NULL, NULL);
}
