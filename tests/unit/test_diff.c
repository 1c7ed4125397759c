/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_diff.c: unit tests for html_diff (src/render/diff.c), the
 * word-level difference the edit history pages show. Every expectation
 * is an exact string.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "render/render.h"

/* The diff of old and new as a NUL-terminated string in a. */
static char *
diff(struct arena *a, const char *old, const char *new)
{
	struct buf b;
	struct html h;
	char *out;

	buf_init(&b, NULL, 0);
	html_init(&h, &b);
	html_diff(&h, a, str_c(old), str_c(new));
	out = arena_strndup(a, b.p ? b.p : "", b.len);
	buf_reset(&b);
	return out;
}

static void
test_diff_words(void **state)
{
	struct arena *a = arena_new(1 << 12);

	(void)state;
	assert_string_equal(diff(a, "", ""), "");
	assert_string_equal(diff(a, "same text", "same text"), "same text");
	assert_string_equal(diff(a, "", "new"), "<ins>new</ins>");
	assert_string_equal(diff(a, "old", ""), "<del>old</del>");
	assert_string_equal(diff(a, "the quick brown fox", "the quick red fox"),
	    "the quick <del>brown</del><ins>red</ins> fox");
	assert_string_equal(diff(a, "a b c", "a c"), "a <del>b </del>c");
	assert_string_equal(diff(a, "a c", "a b c"), "a <ins>b </ins>c");
	assert_string_equal(diff(a, "one two three four", "zero two four five"),
	    "<del>one</del><ins>zero</ins> two <del>three </del>four"
	    "<ins> five</ins>");
	arena_free(a);
}

static void
test_diff_escapes(void **state)
{
	struct arena *a = arena_new(1 << 12);

	(void)state;
	assert_string_equal(diff(a, "<b> & x", "<i> & x"),
	    "<del>&lt;b&gt;</del><ins>&lt;i&gt;</ins> &amp; x");
	assert_string_equal(diff(a, "a\n\"q\"", "a\n'q'"),
	    "a\n<del>&quot;q&quot;</del><ins>&#39;q&#39;</ins>");
	arena_free(a);
}

/* Past the table's limit the middle shows as one deletion and one
 * insertion, still with the common head and tail. */
static void
test_diff_large(void **state)
{
	struct arena *a = arena_new(1 << 16);
	size_t n = 3000, len = n * 2 + 16;
	char *x = malloc(len), *y = malloc(len), *out;
	size_t i;

	(void)state;
	strcpy(x, "head ");
	strcpy(y, "head ");
	for (i = 0; i < n; i++) {
		strcat(x, "a ");
		strcat(y, "b ");
	}
	strcat(x, "tail");
	strcat(y, "tail");
	out = diff(a, x, y);
	assert_true(strncmp(out, "head <del>a ", 12) == 0);
	assert_non_null(strstr(out, "</del><ins>b "));
	assert_true(strlen(out) > 8 &&
	    strcmp(out + strlen(out) - 11, "</ins> tail") == 0);
	free(x);
	free(y);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_words),
		cmocka_unit_test(test_diff_escapes),
		cmocka_unit_test(test_diff_large),
	};

	return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
