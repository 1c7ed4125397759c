/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_main.c: unit tests for src/main.c: url_shown, which hides a
 * database password in messages (the database URL goes through url_parse
 * since docs/decisions/008-url-parser.md). main.c is included with its
 * main renamed, as tests/fuzz/fuzz_config.c does, to reach its statics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define main parley_main
int parley_main(int argc, char **argv);
#include "main.c"
#undef main

static void
test_url_shown(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "sqlite:./data/parley.db", "sqlite:./data/parley.db" },
		{ "sqlite:./my data/p.db", "sqlite:./my data/p.db" },
		{ "postgres://u:secret@db.example/parley",
		    "postgres://u:***@db.example/parley" },
		{ "postgres://u@db.example/parley", "postgres://u@db.example/parley" },
		{ "postgresql://u:s%40cret@[::1]:5432/p?sslmode=require",
		    "postgresql://u:***@[::1]:5432/p?sslmode=require" },
		{ "postgres:///parley?host=/tmp&password=secret&user=u",
		    "postgres:///parley?host=/tmp&password=***&user=u" },
		{ "postgres://h/p?password=a&password=b",
		    "postgres://h/p?password=***&password=***" },
		{ "postgres://u:p:q@h/p?password=", "postgres://u:***@h/p?password=***" },
		/* Not a URL RFC 3986 accepts: where the password ends is a guess. */
		{ "postgres://u:p@ss@h/p", "postgres://***" },
		{ "postgres://u:p\\w@h/p", "postgres://***" },
		{ "postgres://u:p w@h/p", "postgres://***" },
		/* "://" later on, in what is a path to the parser (fuzz_config's
		 * regress-password-twice) */
		{ "postgres:/x:pw@h= postgres://u:pw@h/p", "***" },
		{ "postgres:x://u:pw@h/p", "***" },
		/* libpq takes "u#:pw" as user info; RFC 3986 a fragment */
		{ "postgres://u#:pw@h/p", "postgres://***" },
		{ "postgres://h?x=u:pw@h/p", "postgres://***" },
		{ "postgres://h/p?x=a@b", "postgres://h/p?x=a@b" },
		{ "postgres://u@h#:pw@h/p", "postgres://***" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *got = url_shown(cases[i].in);

		if (strcmp(got, cases[i].want) != 0) {
			print_error("url_shown(\"%s\") = \"%s\", want \"%s\"\n",
			    cases[i].in, got, cases[i].want);
			fail();
		}
		free((char *)got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_shown),
	};

	return cmocka_run_group_tests_name("main", tests, NULL, NULL);
}
