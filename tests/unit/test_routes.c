/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_routes.c: unit tests for the static helpers of
 * src/app/app_routes.c: the path matcher behind the route table, and the
 * form checks every request passes (repeated fields, clean text).
 *
 * The rest of the app comes from libparley.a; nothing here opens a store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/app/app_routes.c"

#include <stdio.h>

/* ---- match --------------------------------------------------------------- */

/* Asserts that pattern matches path with exactly the captures given
 * (NULL-terminated list). */
static void
match_ok(const char *pattern, const char *path, ...)
{
	struct ctx c;
	va_list ap;
	const char *want;
	size_t i = 0;

	memset(&c, 0, sizeof(c));
	c.nparam = 99;
	if (!match(pattern, str_c(path), &c)) {
		print_error("\"%s\" did not match \"%s\"\n", pattern, path);
		fail();
	}
	va_start(ap, path);
	while ((want = va_arg(ap, const char *)) != NULL) {
		if (i >= c.nparam || !str_eq(c.param[i], str_c(want))) {
			print_error("\"%s\" on \"%s\": capture %zu should be \"%s\"\n",
			    pattern, path, i, want);
			va_end(ap);
			fail();
		}
		i++;
	}
	va_end(ap);
	assert_int_equal(c.nparam, i);
}

static void
match_bad(const char *pattern, struct str path)
{
	struct ctx c;

	memset(&c, 0, sizeof(c));
	if (match(pattern, path, &c)) {
		print_error("\"%s\" matched \"%.*s\"\n", pattern, (int)path.len,
		    path.p);
		fail();
	}
	assert_true(c.nparam <= MAX_ROUTE_PARAMS);
}

#define NO(pattern, lit) match_bad((pattern), STR_LIT(lit))

static void
test_match_literal(void **state)
{
	match_ok("/", "/", NULL);
	match_ok("/submit", "/submit", NULL);
	match_ok("/style.css", "/style.css", NULL);

	NO("/", "");
	NO("/", "//");
	NO("/", "/x");
	NO("/submit", "/submitx");
	NO("/submit", "/submit/");
	NO("/submit", "/submi");
	NO("/submit", "/Submit");
	NO("/submit", "submit");
	NO("/style.css", "/style.cssx");
	NO("/style.css", "/stylexcss");
	/* The path's length counts, not a NUL inside it. */
	NO("/submit", "/submit\0x");
	NO("/submit", "/sub\0it");
}

static void
test_match_name(void **state)
{
	match_ok("/s/*", "/s/rust", "rust", NULL);
	match_ok("/s/*", "/s/a", "a", NULL);
	match_ok("/s/*", "/s/r%C3%A9-x_1.2", "r%C3%A9-x_1.2", NULL);
	match_ok("/u/*", "/u/caf\xc3\xa9", "caf\xc3\xa9", NULL);

	/* '*' takes one whole, non-empty segment. */
	NO("/s/*", "/s/");
	NO("/s/*", "/s");
	NO("/s/*", "/s//");
	NO("/s/*", "/s/rust/");
	NO("/s/*", "/s/rust/p");
	NO("/s/*", "/t/rust");
	NO("/u/*", "/s/rust");
}

static void
test_match_number(void **state)
{
	match_ok("/s/*/p/#", "/s/rust/p/42", "rust", "42", NULL);
	match_ok("/s/*/p/#", "/s/rust/p/0", "rust", "0", NULL);
	match_ok("/s/*/p/#", "/s/rust/p/007", "rust", "007", NULL);
	/* 18 digits is the most '#' takes. */
	match_ok("/s/*/p/#", "/s/x/p/123456789012345678", "x",
	    "123456789012345678", NULL);

	NO("/s/*/p/#", "/s/x/p/1234567890123456789");
	NO("/s/*/p/#", "/s/x/p/99999999999999999999");
	NO("/s/*/p/#", "/s/x/p/");
	NO("/s/*/p/#", "/s/x/p");
	NO("/s/*/p/#", "/s/x/p/4a2");
	NO("/s/*/p/#", "/s/x/p/42a");
	NO("/s/*/p/#", "/s/x/p/a42");
	NO("/s/*/p/#", "/s/x/p/-1");
	NO("/s/*/p/#", "/s/x/p/+1");
	NO("/s/*/p/#", "/s/x/p/ 1");
	NO("/s/*/p/#", "/s/x/p/1.5");
	NO("/s/*/p/#", "/s/x/p/0x10");
	NO("/s/*/p/#", "/s/x/p/\xd9\xa3"); /* ARABIC-INDIC DIGIT THREE */
	NO("/s/*/p/#", "/s/x/p/1\0");
	/* Empty segments are refused wherever they are. */
	NO("/s/*/p/#", "/s//p/1");
	NO("/s/*/p/#", "/s/x//p/1");
	NO("/s/*/p/#", "//s/x/p/1");
	NO("/s/*/p/#", "/s/x/p//1");
}

static void
test_match_captures(void **state)
{
	struct ctx c;

	match_ok("/s/*/p/#/c/#/edit", "/s/go/p/7/c/900/edit", "go", "7", "900",
	    NULL);
	match_ok("/s/*/p/#/c/#/reply", "/s/go/p/7/c/900/reply", "go", "7",
	    "900", NULL);
	match_ok("/s/*/p/#/*", "/s/go/p/7/a-slug", "go", "7", "a-slug", NULL);
	match_ok("/s/*/p/#/c/#", "/s/go/p/7/c/8", "go", "7", "8", NULL);

	NO("/s/*/p/#/c/#/edit", "/s/go/p/7/c/900/edits");
	NO("/s/*/p/#/c/#/edit", "/s/go/p/7/c/900/edit/");
	NO("/s/*/p/#/c/#/edit", "/s/go/p/7/c/900");
	NO("/s/*/p/#/c/#/edit", "/s/go/p/7/c/x/edit");
	NO("/s/*/p/#/c/#", "/s/go/p/7/c/8/9");
	NO("/s/*/p/#/*", "/s/go/p/7/");
	NO("/s/*/p/#/*", "/s/go/p/7/a/b");

	/* Captures point into the path, not into a copy. */
	{
		const char *path = "/s/go/p/7";

		memset(&c, 0, sizeof(c));
		assert_true(match("/s/*/p/#", str_c(path), &c));
		assert_ptr_equal(c.param[0].p, path + 3);
		assert_ptr_equal(c.param[1].p, path + 8);
	}
	/* A failed match leaves no stale count behind for the next one. */
	memset(&c, 0, sizeof(c));
	assert_false(match("/s/*/p/#/c/#/edit", STR_LIT("/s/a/p/1/c/2/x"), &c));
	assert_true(match("/u/*", STR_LIT("/u/bob"), &c));
	assert_int_equal(c.nparam, 1);
	assert_true(str_eq_lit(c.param[0], "bob"));
	assert_true(match("/", STR_LIT("/"), &c));
	assert_int_equal(c.nparam, 0);

	/* More wildcards than the context holds: refused, not overrun. */
	NO("/*/*/*/*/*", "/a/b/c/d/e");
	match_ok("/*/*/*/*", "/a/b/c/d", "a", "b", "c", "d", NULL);
}

/* Every pattern in the table matches a path built from it, with one
 * capture per wildcard, and refuses the same path plus a segment. */
static void
test_match_table(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(routes); i++) {
		char path[256], longer[300];
		size_t n = 0, wild = 0;
		struct ctx c;

		for (const char *p = routes[i].pattern; *p; p++) {
			const char *piece = *p == '*' ? "name" : *p == '#' ? "123" : NULL;

			if (piece) {
				wild++;
				n += (size_t)snprintf(path + n, sizeof(path) - n, "%s", piece);
			} else {
				path[n++] = *p;
			}
		}
		path[n] = '\0';
		memset(&c, 0, sizeof(c));
		if (!match(routes[i].pattern, str_c(path), &c)) {
			print_error("route %s does not match %s\n", routes[i].pattern,
			    path);
			fail();
		}
		assert_int_equal(c.nparam, wild);
		snprintf(longer, sizeof(longer), "%s/x", strcmp(path, "/") ? path : "");
		assert_false(match(routes[i].pattern, str_c(longer), &c));
	}
}

/* ---- form checks ----------------------------------------------------------- */

#define KV(k, v) { STR_LIT(k), STR_LIT(v) }

static void
test_form_repeats(void **state)
{
	const struct http_kv none[1] = { KV("a", "1") };
	const struct http_kv distinct[] = { KV("a", "1"), KV("b", "1"),
		KV("A", "1"), KV("ab", "1"), KV("", "1") };
	const struct http_kv twice[] = { KV("a", "1"), KV("b", "2"),
		KV("a", "3") };
	const struct http_kv twice_adjacent[] = { KV("x", "1"), KV("csrf", "1"),
		KV("csrf", "1") };
	const struct http_kv twice_empty[] = { KV("", "1"), KV("b", "2"),
		KV("", "3") };
	const struct http_kv nul_keys[] = { KV("a\0x", "1"), KV("a\0y", "1") };
	const struct http_kv nul_same[] = { KV("a\0x", "1"), KV("a\0x", "2") };

	assert_false(form_repeats(NULL, 0));
	assert_false(form_repeats(none, 1));
	assert_false(form_repeats(distinct, ARRAY_LEN(distinct)));
	assert_true(form_repeats(twice, ARRAY_LEN(twice)));
	assert_true(form_repeats(twice_adjacent, ARRAY_LEN(twice_adjacent)));
	assert_true(form_repeats(twice_empty, ARRAY_LEN(twice_empty)));
	assert_false(form_repeats(nul_keys, ARRAY_LEN(nul_keys)));
	assert_true(form_repeats(nul_same, ARRAY_LEN(nul_same)));
	/* Only the first n fields count. */
	assert_false(form_repeats(twice, 2));
}

static void
clean(bool want, bool newlines, struct http_kv kv)
{
	const struct http_kv v[] = { KV("ok", "fine"), kv, KV("z", "") };

	if (fields_clean(v, ARRAY_LEN(v), newlines) != want) {
		print_error("fields_clean(\"%.*s\"=\"%.*s\", newlines=%d) should be "
		    "%d\n", (int)kv.key.len, kv.key.p, (int)kv.val.len, kv.val.p,
		    newlines, want);
		fail();
	}
}

static void
test_fields_clean(void **state)
{
	assert_true(fields_clean(NULL, 0, false));

	clean(true, false, (struct http_kv)KV("title", "Hello, world"));
	clean(true, false, (struct http_kv)KV("t\xc3\xaftle", "caf\xc3\xa9 \xe2\x82\xac"));
	clean(true, false, (struct http_kv)KV("body", "tab\tok"));
	/* Newlines in values only where the caller allows them. */
	clean(false, false, (struct http_kv)KV("body", "two\nlines"));
	clean(true, true, (struct http_kv)KV("body", "two\nlines"));
	clean(true, true, (struct http_kv)KV("body", "two\r\nlines"));
	clean(false, false, (struct http_kv)KV("body", "cr\r"));
	/* Never in keys. */
	clean(false, true, (struct http_kv)KV("bo\ndy", "x"));
	clean(false, true, (struct http_kv)KV("bo\rdy", "x"));
	/* Other control bytes are refused everywhere. */
	clean(false, true, (struct http_kv)KV("body", "nul\0here"));
	clean(false, true, (struct http_kv)KV("bo\0dy", "x"));
	clean(false, true, (struct http_kv)KV("body", "del\x7f"));
	clean(false, true, (struct http_kv)KV("body", "\x1b[2J"));
	clean(false, true, (struct http_kv)KV("body", "bell\a"));
	/* Invalid UTF-8 in a key or a value. */
	clean(false, true, (struct http_kv)KV("body", "caf\xe9"));
	clean(false, true, (struct http_kv)KV("b\xff", "x"));
	clean(false, true, (struct http_kv)KV("body", "\xc0\x80"));
	clean(false, true, (struct http_kv)KV("body", "\xed\xa0\x80"));
	clean(false, true, (struct http_kv)KV("body", "\xe2\x82"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_literal),
		cmocka_unit_test(test_match_name),
		cmocka_unit_test(test_match_number),
		cmocka_unit_test(test_match_captures),
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_form_repeats),
		cmocka_unit_test(test_fields_clean),
	};

	return cmocka_run_group_tests_name("routes", tests, NULL, NULL);
}
