/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_base_url.c: unit tests for src/base/base_url.c: url_parse's parts,
 * url_check's verdict on the hostile class behind the domain-label spoof
 * (user info, IDN, IPv6 literals, backslashes, escaped dots, missing
 * slashes, control bytes, long URLs, ports), url_host_label and
 * url_is_local_path (redirects back to a Referer) and url_escape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

#define S(lit) STR_LIT(lit)

static void
assert_part(struct str got, const char *want, const char *what, const char *in)
{
	if (want == NULL) {
		if (got.p != NULL) {
			print_error("%s: %s is \"%.*s\", want none\n", in, what,
			    (int)got.len, got.p);
			fail();
		}
		return;
	}
	if (got.p == NULL || got.len != strlen(want) ||
	    memcmp(got.p, want, got.len) != 0) {
		print_error("%s: %s is \"%.*s\", want \"%s\"\n", in, what,
		    (int)got.len, got.p ? got.p : "(none)", want);
		fail();
	}
}

/* ---- url_parse ----------------------------------------------------------- */

static void
test_parse_parts(void **state)
{
	static const struct {
		const char *in, *scheme, *userinfo, *host, *hostport, *port,
		    *path, *query, *fragment;
		bool ip6;
	} cases[] = {
		{ "https://example.org/a/b?c=d#e", "https", NULL, "example.org",
		    "example.org", NULL, "/a/b", "c=d", "e", false },
		{ "https://paypal.com:x@evil.example/login", "https", "paypal.com:x",
		    "evil.example", "evil.example", NULL, "/login", NULL, NULL,
		    false },
		{ "http://[::1]:8080/x", "http", NULL, "::1", "[::1]:8080", "8080",
		    "/x", NULL, NULL, true },
		{ "//h:/", NULL, NULL, "h", "h:", "", "/", NULL, NULL, false },
		{ "/rel?q#f", NULL, NULL, NULL, NULL, NULL, "/rel", "q", "f",
		    false },
		{ "mailto:a@b.example", "mailto", NULL, NULL, NULL, NULL,
		    "a@b.example", NULL, NULL, false },
		/* Raw bytes a writer escapes stay raw in the slices. */
		{ "http://x/a b/é?x y#f#g", "http", NULL, "x", "x", NULL,
		    "/a b/é", "x y", "f#g", false },
		{ "https://h?a]#b", "https", NULL, "h", "h", NULL, "", "a]", "b",
		    false },
		{ "", NULL, NULL, NULL, NULL, NULL, "", NULL, NULL, false },
		/* uriparser's empty host is a static "", not in the text
		 * (found by fuzz_url): it becomes an empty slice of the input */
		{ "https:///x", "https", NULL, "", "", NULL, "/x", NULL, NULL,
		    false },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct url u;

		if (url_parse(str_c(cases[i].in), &u) != 0) {
			print_error("%s: refused\n", cases[i].in);
			fail();
		}
		assert_part(u.scheme, cases[i].scheme, "scheme", cases[i].in);
		assert_part(u.userinfo, cases[i].userinfo, "userinfo", cases[i].in);
		if (cases[i].host != NULL)
			assert_part(u.host, cases[i].host, "host", cases[i].in);
		if (u.host.p != NULL)
			assert_true(u.host.p >= cases[i].in && u.host.p + u.host.len <=
			    cases[i].in + strlen(cases[i].in));
		assert_part(u.hostport, cases[i].hostport, "hostport", cases[i].in);
		assert_part(u.port, cases[i].port, "port", cases[i].in);
		assert_part(u.path, cases[i].path, "path", cases[i].in);
		assert_part(u.query, cases[i].query, "query", cases[i].in);
		assert_part(u.fragment, cases[i].fragment, "fragment", cases[i].in);
		assert_int_equal(u.ip6, cases[i].ip6);
	}
}

/* STR_NULL is the empty reference, and no link. */
static void
test_parse_null(void **state)
{
	struct url u;

	assert_int_equal(url_parse(STR_NULL, &u), 0);
	assert_int_equal(u.path.len, 0);
	assert_int_equal(url_check(STR_NULL, &u, 0), URL_SYNTAX);
}

static void
test_parse_refused(void **state)
{
	static const struct { const char *s; size_t n; } bad[] = {
#define B(lit) { lit, sizeof(lit) - 1 }
		B("https://bücher.example/"),     /* raw IDN: write xn-- */
		B("https://exa mple.org/"),
		B("https://a b@example.org/"),
		B("https:/\\evil.example"),
		B("https://evil.example\\@paypal.com/"),
		B("https://paypal.com\\@evil.example/"),
		B("/\\evil.example"),
		B("https://a@b@evil.example/"),
		B("https://x/\ty"),
		B("java\nscript:alert(1)"),
		B("https://x/\0y"),
		B("https://x/\x7f"),
		B("https://[::1/"),
		B("https://example.org:x/"),
		B(":x"),
#undef B
	};
	struct url u;

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		if (url_parse((struct str){ bad[i].s, bad[i].n }, &u) == 0) {
			print_error("accepted: %s\n", bad[i].s);
			fail();
		}
	}
}

/* ---- url_check ----------------------------------------------------------- */

static const struct {
	const char *s;
	size_t n;
	enum url_fault link, web; /* without flags, with URL_WEB */
} check_cases[] = {
#define C(lit, link, web) { lit, sizeof(lit) - 1, link, web }
	C("https://example.org/x", URL_OK, URL_OK),
	C("HTTP://EXAMPLE.ORG", URL_OK, URL_OK),
	C("https://example.org:8443/", URL_OK, URL_OK),
	C("https://example.org:/", URL_OK, URL_OK),
	C("https://xn--bcher-kva.example/", URL_OK, URL_OK),
	C("https://[::1]:8080/x", URL_OK, URL_OK),
	C("https://[2001:db8::1]/", URL_OK, URL_OK),
	C("https://192.0.2.1/", URL_OK, URL_OK),
	C("https://example.org/a b/é", URL_OK, URL_OK),
	C("https://example.org/?q=\"<>`", URL_OK, URL_OK),
	C("mailto:a@example.org", URL_OK, URL_SCHEME),
	C("/path", URL_OK, URL_SCHEME),
	C("?q=1", URL_OK, URL_SCHEME),
	C("#frag", URL_OK, URL_SCHEME),
	C("javascript%3Aalert(1)", URL_OK, URL_SCHEME),
	/* the spoof and its class */
	C("https://paypal.com:x@evil.example/login", URL_USERINFO, URL_USERINFO),
	C("https://paypal.com@evil.example/", URL_USERINFO, URL_USERINFO),
	C("https://@evil.example/", URL_USERINFO, URL_USERINFO),
	C("https://evil%2Eexample/", URL_HOST, URL_HOST),
	C("https://paypal%2ecom.evil.example/", URL_HOST, URL_HOST),
	C("https://0x7f.1/", URL_HOST, URL_HOST),
	C("https://2130706433/", URL_HOST, URL_HOST),
	C("https://127.1/", URL_HOST, URL_HOST),
	C("https://010.0.0.1/", URL_HOST, URL_HOST),
	C("https://ex!ample.org/", URL_HOST, URL_HOST),
	C("https://[v1.x]/", URL_HOST, URL_HOST),
	C("https://bücher.example/", URL_SYNTAX, URL_SYNTAX),
	C("https:evil.example", URL_NOHOST, URL_NOHOST),
	C("https:/evil.example", URL_NOHOST, URL_NOHOST),
	C("https:///evil.example", URL_NOHOST, URL_NOHOST),
	C("https://", URL_NOHOST, URL_NOHOST),
	C("//evil.example/x", URL_NOHOST, URL_NOHOST),
	C("https:/\\evil.example", URL_SYNTAX, URL_SYNTAX),
	C("https:\\\\evil.example", URL_SYNTAX, URL_SYNTAX),
	C("https://evil.example\\@paypal.com/", URL_SYNTAX, URL_SYNTAX),
	C(" https://example.org/", URL_SYNTAX, URL_SYNTAX),
	C("https://example.org/\t", URL_SYNTAX, URL_SYNTAX),
	C("https://exa\nmple.org/", URL_SYNTAX, URL_SYNTAX),
	C("https://example.org/\0", URL_SYNTAX, URL_SYNTAX),
	C("https://example.org:0/", URL_PORT, URL_PORT),
	C("https://example.org:65536/", URL_PORT, URL_PORT),
	C("https://example.org:99999999999/", URL_PORT, URL_PORT),
	C("https://example.org:65535/", URL_OK, URL_OK),
	C("javascript:alert(1)", URL_SCHEME, URL_SCHEME),
	C("JaVaScRiPt:alert(1)", URL_SCHEME, URL_SCHEME),
	C("data:text/html,x", URL_SCHEME, URL_SCHEME),
	C("ftp://example.org/", URL_SCHEME, URL_SCHEME),
	C("mailto://x", URL_SYNTAX, URL_SCHEME),
	C("", URL_SYNTAX, URL_SYNTAX),
#undef C
};

static void
test_check(void **state)
{
	struct url u;

	for (size_t i = 0; i < ARRAY_LEN(check_cases); i++) {
		struct str s = { check_cases[i].s, check_cases[i].n };
		enum url_fault link = url_check(s, &u, 0);
		enum url_fault web = url_check(s, &u, URL_WEB);

		if (link != check_cases[i].link || web != check_cases[i].web) {
			print_error("%s: %d/%d, want %d/%d\n", check_cases[i].s,
			    link, web, check_cases[i].link, check_cases[i].web);
			fail();
		}
	}
}

/* A long URL is parsed whole; callers apply their own length limits. */
static void
test_check_long(void **state)
{
	struct buf b;
	struct url u;

	buf_init(&b, NULL, 70000);
	buf_puts(&b, "https://example.org/");
	while (b.len < 65536)
		buf_puts(&b, "a%2e/é ");
	assert_int_equal(url_check(buf_str(&b), &u, URL_WEB), URL_OK);
	assert_int_equal(u.path.len, b.len - strlen("https://example.org"));
	buf_puts(&b, "\\");
	assert_int_equal(url_check(buf_str(&b), &u, URL_WEB), URL_SYNTAX);
	buf_reset(&b);
}

/* ---- url_host_label ------------------------------------------------------ */

static void
test_host_label(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "https://Example.ORG/x", "example.org" },
		{ "https://www.example.org/", "example.org" },
		{ "https://WWW.example.org/", "example.org" },
		{ "https://www./", "www." },
		{ "https://XN--BCHER-KVA.example/", "xn--bcher-kva.example" },
		{ "https://[::1]:8080/", "[::1]" },
		{ "https://evil.example:8443/paypal.com", "evil.example" },
		{ "http://192.0.2.1/", "192.0.2.1" },
	};
	struct arena *a = arena_new(1024);

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct url u;

		assert_int_equal(url_check(str_c(cases[i].in), &u, URL_WEB), URL_OK);
		assert_string_equal(url_host_label(a, &u), cases[i].want);
	}
	arena_free(a);
}

/* ---- url_is_local_path -------------------------------------------------- */

static void
test_local_path(void **state)
{
	static const char *const ok[] = {
		"/", "/s/x?sort=new", "/s/x/p/1/slug#c2", "/%41", "/a//b", "/a/%2F",
		"/~user",
	};
	static const struct { const char *s; size_t n; } bad[] = {
#define B(lit) { lit, sizeof(lit) - 1 }
		B(""), B("s/x"), B("//evil.example"), B("/\\evil.example"),
		B("/%2F%2Fevil.example"), B("/%2fevil.example"), B("/%5Cevil"),
		B("/%5cevil"), B("/a\\b"), B("/a b"), B("/\xc3\xa9"), B("/a\tb"),
		B("/a\0b"), B("/a\x7f"), B("https://evil.example/"),
		B("javascript:alert(1)"),
#undef B
	};

	for (size_t i = 0; i < ARRAY_LEN(ok); i++)
		if (!url_is_local_path(str_c(ok[i]))) {
			print_error("refused: %s\n", ok[i]);
			fail();
		}
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		if (url_is_local_path((struct str){ bad[i].s, bad[i].n })) {
			print_error("accepted: %s\n", bad[i].s);
			fail();
		}
}

/* ---- url_escape ---------------------------------------------------------- */

static void
test_escape(void **state)
{
	static const struct { const char *in; size_t n; const char *want; } cases[] = {
#define E(lit, want) { lit, sizeof(lit) - 1, want }
		E("", ""),
		E("AZaz09-._~", "AZaz09-._~"),
		E("a b&c=d+e/f?g#h", "a%20b%26c%3Dd%2Be%2Ff%3Fg%23h"),
		E("caf\xc3\xa9", "caf%C3%A9"),
		E("%41\"'<>", "%2541%22%27%3C%3E"),
#undef E
	};
	struct arena *a = arena_new(256);

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct buf b;

		buf_init(&b, a, 4);
		buf_puts(&b, "q=");
		url_escape(&b, (struct str){ cases[i].in, cases[i].n });
		assert_string_equal(b.p + 2, cases[i].want);
		assert_int_equal(b.len, 2 + strlen(cases[i].want));
	}
	arena_free(a);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_parts),
		cmocka_unit_test(test_parse_null),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_check_long),
		cmocka_unit_test(test_host_label),
		cmocka_unit_test(test_local_path),
		cmocka_unit_test(test_escape),
	};

	return cmocka_run_group_tests_name("base_url", tests, NULL, NULL);
}
