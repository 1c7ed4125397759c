/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_html.c: the escapers of html.c on any bytes: html_escape (every
 * user text on every page), html_url_allowed and html_url (link targets of
 * link posts and of markdown).
 *
 * - html_escape's output holds no < > " ' and no & but its own entities,
 *   and decodes back to the input.
 * - What html_url writes for a URL html_url_allowed accepts must be, as
 *   a browser reads the attribute, an http, https or mailto URL or a
 *   relative one that is not protocol-relative. The browser's reading is modelled here from the
 *   WHATWG URL standard: leading and trailing C0 controls and spaces are
 *   stripped, tab and newlines are removed anywhere, the scheme is an
 *   ASCII letter followed by letters, digits, + - . up to a ':', and for
 *   http(s) a backslash counts as a slash.
 * - html_url's output is safe in a double-quoted attribute and, decoded,
 *   is still allowed and read the same way as the input (when the input
 *   was safe as it stood; "  ///" is only safe once encoded).
 */
#include "fuzz.h"

#include <ctype.h>
#include <strings.h>

#include "render/render.h"

/* What a browser makes of a link target; see the file comment. */
enum url_kind { URL_RELATIVE, URL_NETWORK, URL_SAFE_SCHEME, URL_OTHER };

static enum url_kind
browser_kind(const char *u, size_t n)
{
	static const char *safe[] = { "http", "https", "mailto" };
	char *clean = malloc(n + 1);
	size_t m = 0, b = 0, e = n, i;
	enum url_kind kind;

	if (clean == NULL)
		abort();
	while (b < e && (unsigned char)u[b] <= ' ')
		b++;
	while (e > b && (unsigned char)u[e - 1] <= ' ')
		e--;
	for (i = b; i < e; i++)
		if (u[i] != '\t' && u[i] != '\n' && u[i] != '\r')
			clean[m++] = u[i];
	i = 0;
	if (m > 0 && isalpha((unsigned char)clean[0])) {
		while (i < m && (isalnum((unsigned char)clean[i]) ||
		    clean[i] == '+' || clean[i] == '-' || clean[i] == '.'))
			i++;
	}
	if (i > 0 && i < m && clean[i] == ':') {
		kind = URL_OTHER;
		for (size_t k = 0; k < ARRAY_LEN(safe); k++)
			if (i == strlen(safe[k]) && strncasecmp(clean, safe[k], i) == 0)
				kind = URL_SAFE_SCHEME;
	} else if (m >= 2 && (clean[0] == '/' || clean[0] == '\\') &&
	    (clean[1] == '/' || clean[1] == '\\')) {
		kind = URL_NETWORK;
	} else {
		kind = URL_RELATIVE;
	}
	free(clean);
	return kind;
}

/* The entities html_escape writes, and what each stands for. */
static const struct { const char *e; char c; } entities[] = {
	{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
	{ "&#39;", '\'' },
};

/* Returns the index of the entity s starts with, or -1. */
static int
entity_at(const char *s, size_t n)
{
	for (size_t i = 0; i < ARRAY_LEN(entities); i++) {
		size_t el = strlen(entities[i].e);

		if (n >= el && memcmp(s, entities[i].e, el) == 0)
			return (int)i;
	}
	return -1;
}

static void
check_escape(const uint8_t *data, size_t size)
{
	struct buf b, back;

	buf_init(&b, NULL, 0);
	buf_init(&back, NULL, 0);
	html_escape(&b, (const char *)data, size);
	for (size_t i = 0; i < b.len; i++) {
		int e;

		FUZZ_CHECK(b.p[i] != '<' && b.p[i] != '>' && b.p[i] != '"' &&
		    b.p[i] != '\'', "html_escape left a raw < > \" or '");
		if (b.p[i] != '&') {
			buf_putc(&back, b.p[i]);
			continue;
		}
		e = entity_at(b.p + i, b.len - i);
		FUZZ_CHECK(e >= 0, "html_escape left a bare &");
		buf_putc(&back, entities[e].c);
		i += strlen(entities[e].e) - 1;
	}
	FUZZ_CHECK(back.len == size && memcmp(back.p, data, size) == 0,
	    "html_escape does not decode back to its input");
	buf_reset(&back);
	buf_reset(&b);
}

static void
check_url(const uint8_t *data, size_t size)
{
	struct str url = { (const char *)data, size };
	struct html h;
	struct buf b, dec;
	enum url_kind kind = browser_kind(url.p, url.len);
	bool allowed = html_url_allowed(url);
	int rc;

	buf_init(&b, NULL, 0);
	html_init(&h, &b);
	rc = html_url(&h, url);
	FUZZ_CHECK((rc == 0) == allowed, "html_url and html_url_allowed "
	    "disagree");
	FUZZ_CHECK(rc == 0 || b.len == 0, "a refused URL wrote output");
	buf_init(&dec, NULL, 0);
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.p[i];

		FUZZ_CHECK(c > ' ' && c < 0x7f && c != '"' && c != '\'' &&
		    c != '<' && c != '>' && c != '`', "html_url wrote byte 0x%02x",
		    c);
		if (c == '&') {
			FUZZ_CHECK(b.len - i >= 5 && memcmp(b.p + i, "&amp;", 5) == 0,
			    "html_url wrote & other than as &amp;");
			i += 4;
		}
		buf_putc(&dec, (char)c);
	}
	if (rc == 0) {
		enum url_kind out_kind = browser_kind(dec.p, dec.len);

		if (out_kind == URL_NETWORK || out_kind == URL_OTHER) {
			fuzz_dump("url", data, size);
			fuzz_dump("href", dec.p, dec.len);
			fuzz__fail(__FILE__, __LINE__, "html_url wrote a link a browser "
			    "reads as %s", out_kind == URL_NETWORK ?
			    "protocol-relative" : "another scheme");
		}
		FUZZ_CHECK(html_url_allowed(buf_str(&dec)), "html_url's output is "
		    "not allowed any more");
		FUZZ_CHECK(kind == URL_OTHER || kind == URL_NETWORK ||
		    out_kind == kind, "html_url changed how a browser reads a URL");
	}
	buf_reset(&dec);
	buf_reset(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_escape(data, size);
	check_url(data, size);
	return 0;
}
