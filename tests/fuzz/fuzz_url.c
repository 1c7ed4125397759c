/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_url.c: base_url.c on any bytes: url_parse, url_check (with and
 * without URL_WEB), url_host_label and url_is_local_path.
 *
 * - Every part url_parse returns is a slice of the input, and path, query
 *   and fragment with their "?" and "#" run to the end of the input.
 * - What url_check allows has no control byte, space-free scheme and
 *   authority, no backslash; an allowed http(s) URL has "//", a host of
 *   letters, digits, "-", "." and "_" (or an IPv6 literal) and no user
 *   info, so its domain label holds no "@", ":", "%", "/" nor an upper-case
 *   letter; with URL_WEB only http and https pass.
 * - url_is_local_path never allows a path a browser would take off the
 *   site: it starts with one "/", not "//" or "/\", and holds no "\".
 */
#include "fuzz.h"

#include <strings.h>

#include "base/base.h"

static void
check_slice(struct str in, struct str part, const char *what)
{
	if (part.p == NULL)
		return;
	FUZZ_CHECK(part.p >= in.p && part.p + part.len <= in.p + in.len,
	    "url_parse's %s is not a slice of the input", what);
}

static void
check_parse(struct str in)
{
	struct url u;
	size_t end;

	if (url_parse(in, &u) != 0)
		return;
	check_slice(in, u.scheme, "scheme");
	check_slice(in, u.userinfo, "userinfo");
	check_slice(in, u.host, "host");
	check_slice(in, u.hostport, "hostport");
	check_slice(in, u.port, "port");
	check_slice(in, u.path, "path");
	check_slice(in, u.query, "query");
	check_slice(in, u.fragment, "fragment");
	FUZZ_CHECK(u.path.p != NULL, "no path slice");
	end = (size_t)(u.path.p - in.p) + u.path.len;
	if (u.query.p != NULL) {
		FUZZ_CHECK(u.query.p == in.p + end + 1 && in.p[end] == '?',
		    "the query does not follow the path");
		end += 1 + u.query.len;
	}
	if (u.fragment.p != NULL) {
		FUZZ_CHECK(u.fragment.p == in.p + end + 1 && in.p[end] == '#',
		    "the fragment does not follow");
		end += 1 + u.fragment.len;
	}
	FUZZ_CHECK(end == in.len, "path, query and fragment stop short");
	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.p[i];

		FUZZ_CHECK(c >= 0x20 && c != 0x7f && c != '\\',
		    "url_parse accepted byte 0x%02x", c);
	}
}

static void
check_link(struct str in, unsigned flags)
{
	struct url u;
	struct arena *a;
	const char *label;
	bool http;

	if (url_check(in, &u, flags) != URL_OK)
		return;
	if (u.scheme.p == NULL) {
		FUZZ_CHECK(!(flags & URL_WEB), "URL_WEB allowed a relative URL");
		FUZZ_CHECK(!u.has_authority, "a protocol-relative URL passed");
		return;
	}
	http = (u.scheme.len == 4 && strncasecmp(u.scheme.p, "http", 4) == 0) ||
	    (u.scheme.len == 5 && strncasecmp(u.scheme.p, "https", 5) == 0);
	FUZZ_CHECK(http || (!(flags & URL_WEB) && u.scheme.len == 6 &&
	    strncasecmp(u.scheme.p, "mailto", 6) == 0), "a scheme passed that "
	    "is not allowed");
	if (!http)
		return;
	FUZZ_CHECK(u.has_authority && u.host.len > 0, "http without a host");
	FUZZ_CHECK(u.userinfo.p == NULL, "user info passed");
	a = arena_new(256);
	label = url_host_label(a, &u);
	FUZZ_CHECK(label != NULL && *label != '\0', "no label");
	for (const char *p = label; *p != '\0'; p++) {
		if (u.ip6 && (*p == ':' || *p == '[' || *p == ']'))
			continue;
		FUZZ_CHECK((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_', "label byte 0x%02x",
		    (unsigned char)*p);
	}
	arena_free(a);
}

static void
check_local(struct str in)
{
	if (!url_is_local_path(in))
		return;
	FUZZ_CHECK(in.len >= 1 && in.p[0] == '/', "a local path without /");
	FUZZ_CHECK(in.len < 2 || (in.p[1] != '/' && in.p[1] != '\\'),
	    "a local path that leaves the site");
	FUZZ_CHECK(memchr(in.p, '\\', in.len) == NULL, "a backslash passed");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str in = { (const char *)data, size };

	check_parse(in);
	check_link(in, 0);
	check_link(in, URL_WEB);
	check_local(in);
	return 0;
}
