/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_html.c: unit tests for the escaping writers in src/render: html.c
 * (text and attribute escaping, the URL allow-list and encoder, typed
 * writers) and json.c (structure, commas, string escaping).
 *
 * Every expectation is an exact string, so a change in what the writers
 * emit is a visible, reviewed change here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "render/render.h"

/* A writer over a fresh heap buffer; reset with buf_reset(&t->b). */
struct out {
	struct buf b;   /* the bytes written */
	struct html h;  /* writer over b */
	struct json j;  /* JSON writer over b */
};

static void
out_init(struct out *o)
{
	buf_init(&o->b, NULL, 0);
	html_init(&o->h, &o->b);
	json_init(&o->j, &o->b);
}

/* Asserts the buffer holds exactly want (which may contain NUL bytes). */
static void
assert_bytes(const struct buf *b, const char *want, size_t n)
{
	if (b->len != n || memcmp(b->p, want, n) != 0) {
		print_error("want (%zu bytes): %.*s\n got (%zu bytes): %.*s\n", n,
		    (int)n, want, b->len, (int)b->len, b->p);
		fail();
	}
}

#define ASSERT_OUT(o, lit) assert_bytes(&(o)->b, (lit), sizeof(lit) - 1)

/* ---- HTML text and attributes ------------------------------------------ */

static void
test_escape(void **state)
{
	struct out o;

	out_init(&o);
	html_escape(&o.b, "", 0);
	ASSERT_OUT(&o, "");
	html_escape(&o.b, "a&b<c>d\"e'f", 11);
	ASSERT_OUT(&o, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	buf_reset(&o.b);

	/* Lengths travel with the bytes: a NUL does not end the text. */
	out_init(&o);
	html_escape(&o.b, "a\0<", 3);
	ASSERT_OUT(&o, "a\0&lt;");
	buf_reset(&o.b);

	/* UTF-8 and plain text pass untouched; entities are escaped again. */
	out_init(&o);
	html_text(&o.h, STR_LIT("héllo &amp; 日本"));
	ASSERT_OUT(&o, "héllo &amp;amp; 日本");
	buf_reset(&o.b);

	out_init(&o);
	html_text_c(&o.h, "<script>alert('x')</script>");
	ASSERT_OUT(&o, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	buf_reset(&o.b);

	out_init(&o);
	html_textf(&o.h, "%s=%d", "<b>", -5);
	ASSERT_OUT(&o, "&lt;b&gt;=-5");
	buf_reset(&o.b);
}

/* html_textf formats into its own scratch buffer in the writer's arena. */
static void
test_textf_arena(void **state)
{
	struct arena *a = arena_new(0);
	struct buf b;
	struct html h;
	char big[3000];

	memset(big, '"', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_init(&b, a, 0);
	html_init(&h, &b);
	html_textf(&h, "[%s]", big);
	assert_int_equal(b.len, 2 + 6 * (sizeof(big) - 1));
	assert_memory_equal(b.p, "[&quot;&quot;", 13);
	arena_free(a);
}

static void
test_attr(void **state)
{
	struct out o;

	out_init(&o);
	html_raw_literal(&o.h, "<p");
	html_attr(&o.h, "title", STR_LIT("a\"b' onclick=\"x\" <>&"));
	html_attr_c(&o.h, "class", "c");
	html_attr_i64(&o.h, "data-n", -42);
	html_raw_literal(&o.h, ">");
	html_int(&o.h, INT64_MIN);
	html_raw_literal(&o.h, "</p>");
	ASSERT_OUT(&o, "<p title=\"a&quot;b&#39; onclick=&quot;x&quot; &lt;&gt;&amp;\""
	    " class=\"c\" data-n=\"-42\">-9223372036854775808</p>");
	buf_reset(&o.b);

	out_init(&o);
	html_raw_trusted(&o.h, STR_LIT("<em>stored</em>"));
	ASSERT_OUT(&o, "<em>stored</em>");
	buf_reset(&o.b);
}

static void
test_time(void **state)
{
	static const struct { int64_t age; const char *text; } cases[] = {
		{ 0, "just now" },
		{ 59, "just now" },
		{ 60, "1 minute ago" },
		{ 3599, "59 minutes ago" },
		{ 5 * 3600, "5 hours ago" },
		{ 86400, "1 day ago" },
		{ 45 * 86400, "1 month ago" },
		{ 800 * 86400, "2 years ago" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct out o;
		struct buf want;

		out_init(&o);
		html_time(&o.h, 0, cases[i].age);
		buf_init(&want, NULL, 0);
		buf_puts(&want, "<time datetime=\"1970-01-01T00:00:00Z\" "
		    "title=\"1970-01-01T00:00:00Z\">");
		buf_puts(&want, cases[i].text);
		buf_puts(&want, "</time>");
		assert_string_equal(o.b.p, want.p);
		buf_reset(&want);
		buf_reset(&o.b);
	}
}

/* ---- URLs ---------------------------------------------------------------- */

static void
test_url_allowed(void **state)
{
	static const char *const ok[] = {
		"http://example.com", "https://example.com/a?b=c#d", "HTTP://X",
		"HtTpS://x", "mailto:a@example.com", "/path", "path/x", "?q=1",
		"#frag", "./a:b", "a/b:c", "x?y:z", "x#y:z", "http",
		/* An entity left undecoded is not a scheme: it is a relative
		 * link to a harmless odd path. */
		"javascript&colon;alert(1)",
		"javascript%3Aalert(1)",
		"https://[::1]:8080/x", "https://xn--bcher-kva.example/",
		"https://example.com/a b/\xc3\xa9?q=\"<>`#f#g",
	};
	static const struct { const char *s; size_t n; } bad[] = {
#define B(lit) { lit, sizeof(lit) - 1 }
		B(""),
		B("javascript:alert(1)"),
		B("JaVaScRiPt:alert(1)"),
		B("JAVASCRIPT:alert(1)"),
		B(" javascript:alert(1)"),
		B("  http://leading-space"),
		B("java\tscript:alert(1)"),
		B("java\nscript:alert(1)"),
		B("\x01javascript:alert(1)"),
		B("http://x\x7f"),
		B("http://x\0y"),
		B("vbscript:msgbox(1)"),
		B("data:text/html,<script>alert(1)</script>"),
		B("file:///etc/passwd"),
		B("ftp://example.com"),
		B("about:blank"),
		B("a:b"),
		B(":x"),
		B("//evil.example"),
		B("\\\\evil.example"),
		B("/\\evil.example"),
		B("http:\\\\evil.example"),
		B("https:/\\evil.example"),
		/* the domain-label spoof and its class (base_url.c) */
		B("https://paypal.com:x@evil.example/login"),
		B("https://user@example.com/"),
		B("https:evil.example"),
		B("https:/evil.example"),
		B("https://evil%2Eexample/"),
		B("https://0x7f.1/"),
		B("https://example.com:0/"),
#undef B
	};

	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		if (!html_url_allowed(str_c(ok[i]))) {
			print_error("refused: %s\n", ok[i]);
			fail();
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		if (html_url_allowed((struct str){ bad[i].s, bad[i].n })) {
			print_error("allowed: %s\n", bad[i].s);
			fail();
		}
	}
}

static void
test_url_encode(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "http://x/a b", "http://x/a%20b" },
		{ "http://x/\"'<>`", "http://x/%22%27%3C%3E%60" },
		{ "http://x/?a=1&b=2", "http://x/?a=1&amp;b=2" },
		{ "http://x/%20%zz", "http://x/%20%zz" },
		{ "http://x/é", "http://x/%C3%A9" },
		{ "mailto:a@b.c?subject=hi there", "mailto:a@b.c?subject=hi%20there" },
		{ "/rel/(x)[y]{z}~!$*+,;=:@", "/rel/(x)[y]{z}~!$*+,;=:@" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct out o;

		out_init(&o);
		assert_int_equal(html_url(&o.h, str_c(cases[i].in)), 0);
		assert_string_equal(o.b.p, cases[i].want);
		buf_reset(&o.b);
	}
}

/* A refused URL writes nothing at all, not even part of an attribute. */
static void
test_url_refused(void **state)
{
	struct out o;

	out_init(&o);
	buf_puts(&o.b, "<a");
	assert_int_equal(html_url(&o.h, STR_LIT("javascript:alert(1)")), -1);
	assert_int_equal(html_attr_url(&o.h, "href", STR_LIT("//evil")), -1);
	assert_int_equal(html_attr_url(&o.h, "href", STR_LIT("java\tscript:x")), -1);
	ASSERT_OUT(&o, "<a");
	assert_int_equal(html_attr_url(&o.h, "href", STR_LIT("/x?a=\"1\"&b")), 0);
	ASSERT_OUT(&o, "<a href=\"/x?a=%221%22&amp;b\"");
	buf_reset(&o.b);
}

/* ---- JSON ---------------------------------------------------------------- */

static void
test_json_nested(void **state)
{
	struct out o;

	out_init(&o);
	json_obj_open(&o.j);
	json_key(&o.j, "a");
	json_int(&o.j, 1);
	json_key(&o.j, "b");
	json_arr_open(&o.j);
	json_bool(&o.j, true);
	json_bool(&o.j, false);
	json_null(&o.j);
	json_str_c(&o.j, "x");
	json_arr_open(&o.j);
	json_arr_close(&o.j);
	json_obj_open(&o.j);
	json_key(&o.j, "k");
	json_str(&o.j, STR_NULL);
	json_obj_close(&o.j);
	json_arr_close(&o.j);
	json_key(&o.j, "c");
	json_obj_open(&o.j);
	json_key(&o.j, "d");
	json_obj_open(&o.j);
	json_obj_close(&o.j);
	json_key(&o.j, "e");
	json_arr_open(&o.j);
	json_int(&o.j, INT64_MIN);
	json_int(&o.j, INT64_MAX);
	json_arr_close(&o.j);
	json_obj_close(&o.j);
	json_key(&o.j, "t");
	json_time(&o.j, 86400);
	json_obj_close(&o.j);
	ASSERT_OUT(&o, "{\"a\":1,\"b\":[true,false,null,\"x\",[],{\"k\":null}],"
	    "\"c\":{\"d\":{},\"e\":[-9223372036854775808,9223372036854775807]},"
	    "\"t\":\"1970-01-02T00:00:00Z\"}");
	buf_reset(&o.b);

	out_init(&o);
	json_arr_open(&o.j);
	for (int i = 0; i < 3; i++) {
		json_obj_open(&o.j);
		json_key(&o.j, "i");
		json_int(&o.j, i);
		json_obj_close(&o.j);
	}
	json_arr_close(&o.j);
	ASSERT_OUT(&o, "[{\"i\":0},{\"i\":1},{\"i\":2}]");
	buf_reset(&o.b);
}

static void
test_json_strings(void **state)
{
	static const char in[] = "q\"b\\s/\n\r\t\b\f\x01\x1f<>&\x7f\0é日";
	struct out o;

	out_init(&o);
	json_obj_open(&o.j);
	json_key(&o.j, "k\"</script>");
	json_str(&o.j, (struct str){ in, sizeof(in) - 1 });
	json_obj_close(&o.j);
	ASSERT_OUT(&o, "{\"k\\\"\\u003c/script\\u003e\":"
	    "\"q\\\"b\\\\s/\\n\\r\\t\\u0008\\u000c\\u0001\\u001f"
	    "\\u003c\\u003e\\u0026\\u007f\\u0000é日\"}");
	buf_reset(&o.b);

	out_init(&o);
	json_str(&o.j, STR_LIT(""));
	ASSERT_OUT(&o, "\"\"");
	buf_reset(&o.b);
}

static void
test_json_numbers(void **state)
{
	struct out o;

	out_init(&o);
	json_arr_open(&o.j);
	json_int(&o.j, 0);
	json_int(&o.j, -2);
	json_int(&o.j, INT64_MAX);
	json_int(&o.j, INT64_MIN);
	json_arr_close(&o.j);
	ASSERT_OUT(&o, "[0,-2,9223372036854775807,-9223372036854775808]");
	buf_reset(&o.b);
}

/* Nesting up to JSON_MAX_DEPTH - 1 levels is fine (deeper is fatal). */
static void
test_json_depth(void **state)
{
	struct out o;
	struct buf want;

	out_init(&o);
	buf_init(&want, NULL, 0);
	for (int i = 0; i < JSON_MAX_DEPTH - 1; i++) {
		json_arr_open(&o.j);
		buf_putc(&want, '[');
	}
	json_int(&o.j, 7);
	buf_putc(&want, '7');
	for (int i = 0; i < JSON_MAX_DEPTH - 1; i++) {
		json_arr_close(&o.j);
		buf_putc(&want, ']');
	}
	assert_string_equal(o.b.p, want.p);
	assert_int_equal(o.j.depth, 0);
	buf_reset(&want);
	buf_reset(&o.b);
}

/* One call a field: the same bytes as json_key and the value. */
static void
test_json_kv(void **state)
{
	struct out o;

	out_init(&o);
	json_obj_open(&o.j);
	json_kv_int(&o.j, "i", -3);
	json_kv_str_c(&o.j, "s", "a<b");
	json_kv_str_c(&o.j, "n", NULL);
	json_kv_bool(&o.j, "b", true);
	json_kv_time(&o.j, "t", 86400);
	json_kv_opt_int(&o.j, "oi", 0);
	json_kv_opt_int(&o.j, "oj", 7);
	json_kv_opt_time(&o.j, "ot", 0);
	json_kv_opt_time(&o.j, "ou", 86400);
	json_obj_close(&o.j);
	ASSERT_OUT(&o, "{\"i\":-3,\"s\":\"a\\u003cb\",\"n\":null,\"b\":true,"
	    "\"t\":\"1970-01-02T00:00:00Z\",\"oi\":null,\"oj\":7,"
	    "\"ot\":null,\"ou\":\"1970-01-02T00:00:00Z\"}");
	buf_reset(&o.b);
}

/* A kept piece is the writer's bytes, written again as they were. */
static void
test_piece(void **state)
{
	struct arena *a = arena_new(1024);
	struct buf b;
	struct html h;
	struct html_piece p;
	size_t from;

	buf_init(&b, a, 16);
	html_init(&h, &b);
	html_raw_literal(&h, "<p>");
	from = b.len;
	html_raw_literal(&h, "<input");
	html_attr_c(&h, "value", "a\"b");
	html_raw_literal(&h, ">");
	p = html_piece_keep(&h, from);
	html_piece(&h, p);
	html_raw_literal(&h, "</p>");
	assert_string_equal(b.p, "<p><input value=\"a&quot;b\">"
	    "<input value=\"a&quot;b\"></p>");
	assert_true(html_balanced(&h));
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_textf_arena),
		cmocka_unit_test(test_attr),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_url_allowed),
		cmocka_unit_test(test_url_encode),
		cmocka_unit_test(test_url_refused),
		cmocka_unit_test(test_json_nested),
		cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_json_numbers),
		cmocka_unit_test(test_json_depth),
		cmocka_unit_test(test_json_kv),
		cmocka_unit_test(test_piece),
	};

	return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
