/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_html_debug.c: the debug build's element stack in src/render/html.c
 * (PARLEY_DEBUG_HTML, on in make SANITIZE=1): a page whose literals open
 * an element they do not close, or close one out of order, is caught.
 * Includes html.c with the flag on, whatever the build's flags.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#ifndef PARLEY_DEBUG_HTML
#define PARLEY_DEBUG_HTML 1
#endif
#include "../../src/render/html.c"

static void
test_balanced(void **state)
{
	struct buf b;
	struct html h;

	buf_init(&b, NULL, 0);
	html_init(&h, &b);
	html_raw_literal(&h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "</head><body><div class=\"x\"><a");
	html_attr_c(&h, "href", "/a>b");
	html_raw_literal(&h, ">");
	html_text_c(&h, "<p>not a tag</p>");
	html_raw_literal(&h, "</a><br><input type=\"hidden\"><img src=\"x\"/>");
	html_time(&h, 0, 100);
	html_raw_literal(&h, "</div></body></html>\n");
	assert_true(html_balanced(&h));
	buf_reset(&b);
}

static void
test_unclosed(void **state)
{
	struct buf b;
	struct html h;

	buf_init(&b, NULL, 0);
	html_init(&h, &b);
	html_raw_literal(&h, "<div><p>text</div>");
	assert_false(html_balanced(&h));
	html_init(&h, &b);
	html_raw_literal(&h, "<div><span>");
	assert_false(html_balanced(&h));
	html_raw_literal(&h, "</span></div>");
	assert_true(html_balanced(&h));
	html_init(&h, &b);
	html_raw_literal(&h, "</div>");
	assert_false(html_balanced(&h));
	html_init(&h, &b);
	html_raw_literal(&h, "<form method=\"post\"");
	assert_false(html_balanced(&h)); /* still inside the tag */
	buf_reset(&b);
}

static void
test_too_deep(void **state)
{
	struct buf b;
	struct html h;

	buf_init(&b, NULL, 0);
	html_init(&h, &b);
	for (int i = 0; i < HTML_DEBUG_DEPTH + 1; i++)
		html_raw_literal(&h, "<div>");
	for (int i = 0; i < HTML_DEBUG_DEPTH + 1; i++)
		html_raw_literal(&h, "</div>");
	assert_false(html_balanced(&h));
	buf_reset(&b);
}

/* A kept piece is followed like a literal. */
static void
test_piece(void **state)
{
	struct arena *a = arena_new(1024);
	struct buf b;
	struct html h;
	struct html_piece p;

	buf_init(&b, a, 64);
	html_init(&h, &b);
	html_raw_literal(&h, "<b>");
	p = html_piece_keep(&h, 0);
	html_piece(&h, p);
	assert_false(html_balanced(&h));
	html_raw_literal(&h, "</b></b>");
	assert_true(html_balanced(&h));
	assert_string_equal(b.p, "<b><b></b></b>");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_balanced),
		cmocka_unit_test(test_unclosed),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_piece),
	};

	return cmocka_run_group_tests_name("html_debug", tests, NULL, NULL);
}
