/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * html.c: the HTML writer. Text and attribute values are escaped; URLs are
 * checked against a scheme allow-list, percent-encoded where needed and
 * then escaped; raw output is limited to literals and stored markdown HTML.
 */
#include "render.h"

#include <stdio.h>
#include <string.h>

void
html_init(struct html *h, struct buf *b)
{
	h->b = b;
#ifdef PARLEY_DEBUG_HTML
	h->nopen = 0;
	h->tag = 0;
	h->name = 0;
	h->prev = 0;
	h->pushed = false;
	h->bad = false;
#endif
}

/* ---- the debug build's element stack ----------------------------------- */

#ifdef PARLEY_DEBUG_HTML
static bool
is_void(const char *name)
{
	static const char *const v[] = { "area", "base", "br", "col", "embed",
		"hr", "img", "input", "link", "meta", "source", "track", "wbr" };

	for (size_t i = 0; i < ARRAY_LEN(v); i++)
		if (strcmp(name, v[i]) == 0)
			return true;
	return false;
}

/* The tag's name is complete: push or pop it. */
static void
name_end(struct html *h)
{
	char *name = h->name_buf;

	name[h->name < HTML_DEBUG_NAME ? h->name : HTML_DEBUG_NAME - 1] = '\0';
	h->pushed = false;
	if (h->tag == 1 && !is_void(name)) {
		if (h->nopen == HTML_DEBUG_DEPTH)
			h->bad = true;
		else
			memcpy(h->open[h->nopen++], name, HTML_DEBUG_NAME);
		h->pushed = !h->bad;
	} else if (h->tag == 2) {
		if (h->nopen == 0 || strcmp(h->open[h->nopen - 1], name) != 0)
			h->bad = true;
		else
			h->nopen--;
	}
	h->name = HTML_DEBUG_NAME + 1; /* the name is done */
}

/*
 * Follows the tags in markup that is written raw: literals and kept
 * pieces. A literal may end inside a tag (the attributes follow from
 * html_attr), so the state carries over from one call to the next.
 */
static void
track(struct html *h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (h->tag == 0) {
			if (ch == '<' && i + 1 < n) {
				h->tag = s[i + 1] == '/' ? 2 : s[i + 1] == '!' ? 3 : 1;
				h->name = 0;
				if (h->tag != 1)
					i++;
			}
			continue;
		}
		if (h->name < HTML_DEBUG_NAME && h->tag != 3 &&
		    ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
			h->name_buf[h->name++] = ch;
		} else if (h->name <= HTML_DEBUG_NAME && h->tag != 3) {
			name_end(h);
		}
		if (ch == '>') {
			/* <x ... /> closes itself */
			if (h->tag == 1 && h->prev == '/' && h->pushed)
				h->nopen--;
			h->tag = 0;
		}
		h->prev = ch;
	}
}

/* True when every element the page opened was closed, in order. */
bool
html_balanced(const struct html *h)
{
	return !h->bad && h->nopen == 0 && h->tag == 0;
}
#else
#define track(h, s, n) ((void)0)
#endif

static const char *const entity[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
	['\''] = "&#39;",
};

/* Appends s to b with & < > " ' replaced by entities. */
void
html_escape(struct buf *b, const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		const char *rep = entity[(unsigned char)s[i]];

		if (rep == NULL)
			continue;
		buf_put(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

void
html_text(struct html *h, struct str s)
{
	html_escape(h->b, s.p, s.len);
}

void
html_text_c(struct html *h, const char *s)
{
	html_escape(h->b, s, strlen(s));
}

/* Formats into a scratch buffer in the same arena, then escapes it. */
void
html_textf(struct html *h, const char *fmt, ...)
{
	struct buf tmp;
	va_list ap;

	buf_init(&tmp, h->b->a, 128);
	va_start(ap, fmt);
	buf_vprintf(&tmp, fmt, ap);
	va_end(ap);
	html_escape(h->b, tmp.p, tmp.len);
	buf_reset(&tmp);
}

/* Writes ` name="value"` with the value escaped. name must be a literal. */
void
html_attr(struct html *h, const char *name, struct str value)
{
	buf_putc(h->b, ' ');
	buf_puts(h->b, name);
	buf_put(h->b, "=\"", 2);
	html_escape(h->b, value.p, value.len);
	buf_putc(h->b, '"');
}

void
html_attr_c(struct html *h, const char *name, const char *value)
{
	html_attr(h, name, str_c(value));
}

void
html_attr_i64(struct html *h, const char *name, int64_t v)
{
	buf_putc(h->b, ' ');
	buf_puts(h->b, name);
	buf_put(h->b, "=\"", 2);
	buf_put_i64(h->b, v);
	buf_putc(h->b, '"');
}

/*
 * Returns true when url may become a link target: what url_check allows
 * (an absolute http or https URL with a plain host and no user info, a
 * mailto URL, or a relative reference that is not protocol-relative).
 */
bool
html_url_allowed(struct str url)
{
	struct url u;

	return url_check(url, &u, 0) == URL_OK;
}

/* Percent-encodes bytes not safe in a URL, keeps %XX, HTML-escapes. */
static void
put_url(struct html *h, struct str url)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < url.len; i++) {
		unsigned char c = (unsigned char)url.p[i];

		if (c == '&') {
			buf_puts(h->b, "&amp;");
		} else if (c == '\'') {
			buf_puts(h->b, "%27");
		} else if (c <= ' ' || c == '"' || c == '<' || c == '>' ||
		    c == '`' || c >= 0x7f) {
			buf_putc(h->b, '%');
			buf_putc(h->b, hex[c >> 4]);
			buf_putc(h->b, hex[c & 15]);
		} else {
			buf_putc(h->b, (char)c);
		}
	}
}

/*
 * Writes url for use inside a double-quoted attribute: bytes that are not
 * safe in a URL are percent-encoded, existing %XX escapes are kept, and the
 * result is HTML-escaped. Returns -1 and writes nothing when the URL is not
 * allowed (see html_url_allowed).
 */
int
html_url(struct html *h, struct str url)
{
	if (!html_url_allowed(url))
		return -1;
	put_url(h, url);
	return 0;
}

/*
 * Writes ` name="url"` when url_check(url, u, flags) allows url, and leaves
 * the URL's parts in *u for the caller (a link post's domain label comes
 * from the same parse as its href). Returns -1 and writes nothing for a
 * refused URL.
 */
int
html_attr_url_parsed(struct html *h, const char *name, struct str url,
    unsigned flags, struct url *u)
{
	if (url_check(url, u, flags) != URL_OK)
		return -1;
	buf_putc(h->b, ' ');
	buf_puts(h->b, name);
	buf_put(h->b, "=\"", 2);
	put_url(h, url);
	buf_putc(h->b, '"');
	return 0;
}

/* Writes ` name="url"`; returns -1 and writes nothing for a refused URL. */
int
html_attr_url(struct html *h, const char *name, struct str url)
{
	struct url u;

	return html_attr_url_parsed(h, name, url, 0, &u);
}

void
html_int(struct html *h, int64_t v)
{
	buf_put_i64(h->b, v);
}

/* Writes a <time> element with the RFC 3339 date and a relative age. */
void
html_time(struct html *h, int64_t t, int64_t now)
{
	static const struct { int64_t secs; const char *one, *many; } units[] = {
		{ 365 * 86400, "year", "years" },
		{ 30 * 86400, "month", "months" },
		{ 86400, "day", "days" },
		{ 3600, "hour", "hours" },
		{ 60, "minute", "minutes" },
	};
	char iso[32];
	int64_t age = now - t;

	base_rfc3339(t, iso);
	html_raw_literal(h, "<time");
	html_attr_c(h, "datetime", iso);
	html_attr_c(h, "title", iso);
	html_raw_literal(h, ">");
	if (age < 60) {
		html_raw_literal(h, "just now");
	} else {
		for (size_t i = 0; i < ARRAY_LEN(units); i++) {
			int64_t n = age / units[i].secs;

			if (n >= 1) {
				html_int(h, n);
				buf_putc(h->b, ' ');
				buf_puts(h->b, n == 1 ? units[i].one : units[i].many);
				html_raw_literal(h, " ago");
				break;
			}
		}
	}
	html_raw_literal(h, "</time>");
}

/*
 * Writes s unescaped. Only for HTML that md_render produced and the store
 * kept; every other caller uses html_text or html_raw_literal.
 */
void
html_raw_trusted(struct html *h, struct str s)
{
	buf_put(h->b, s.p, s.len);
}

void
html__raw(struct html *h, const char *s, size_t n)
{
	track(h, s, n);
	buf_put(h->b, s, n);
}

/*
 * Returns what the writer wrote since offset from of its buffer, copied
 * into the buffer's arena, to be written again with html_piece (a form
 * field a page repeats, say).
 */
struct html_piece
html_piece_keep(struct html *h, size_t from)
{
	size_t n = h->b->len - from;
	char *p = arena_alloc(h->b->a, n + 1);

	memcpy(p, h->b->p + from, n);
	p[n] = '\0';
	return (struct html_piece){ { p, n } };
}

/* Writes a piece html_piece_keep kept. */
void
html_piece(struct html *h, struct html_piece p)
{
	track(h, p.s.p, p.s.len);
	buf_put(h->b, p.s.p, p.s.len);
}
