/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * md.c: renders user markdown to safe HTML with md4c's parser and our own
 * callbacks; the only place that produces HTML later shown raw.
 *
 * Design notes:
 * - The dialect is fixed: CommonMark plus tables, strikethrough and
 *   permissive URL, www and e-mail autolinks, with raw HTML off
 *   (MD_FLAG_NOHTML), so tags in the source arrive as text and are escaped.
 *   md4c 0.4.8 itself prefixes www autolinks with "http://" and e-mail
 *   autolinks with "mailto:"; the golden tests pin that down.
 * - md4c does no sanitising (md4c-html's md_html is not used for that
 *   reason). Every text goes through html_escape (by way of put_text,
 *   which also turns NUL and other control bytes into U+FFFD). Link and
 *   image targets are decoded to a plain URL (entities, NUL) and then go
 *   through html_url_allowed/html_url, that is url_check (base_url.c), so
 *   one parser and one allow-list decide for the whole site. A refused
 *   target (a bad scheme, user info, a host a browser would rewrite)
 *   leaves its content as plain text.
 * - Images are never inline: an image becomes a link whose text is the alt
 *   text (or the URL when the alt text is empty). Inside an image every
 *   nested span is reduced to its text.
 * - Only one <a> is ever open: a link or image inside another keeps its
 *   text but gets no anchor, so the output never nests anchors.
 * - Headings are demoted (h1 becomes h3, capped at h6) so that user text
 *   cannot outrank the page's own headings. Table alignment uses classes,
 *   not inline styles, so a strict CSP needs no 'unsafe-inline'.
 * - Balance does not rely on md4c: 0.4.8 can report a span end it never
 *   opened (`_[](**)**_` leaves a STRONG). Every element we open goes on
 *   our own stack; an end that does not match the top is ignored, a block
 *   boundary closes the spans still open, and the end of the document
 *   closes everything.
 * - md4c 0.4.8 reads past the end of its input: a document ending in
 *   `[a](x` looks at the byte after the last, and if that byte is `)` it
 *   goes on to report text from beyond the end (and, on the heap, to read
 *   freed memory). So md4c parses a private copy followed by MD_GUARD
 *   newlines: on a newline the over-read stops at that one byte (checked
 *   under valgrind with the rest of the guard made inaccessible). Any text
 *   or attribute range that still reaches past the real end is cut back.
 * - md4c keeps its own state on the heap, so nesting depth cannot exhaust
 *   the stack; the browser is the weak point instead (tens of thousands of
 *   nested blockquotes slow or break layout). Past MD_NEST_MAX levels of
 *   containers (quotes, lists, items) or of styled spans (emphasis,
 *   strong, strikethrough, code) the tags are not written, while their
 *   content still is.
 */
#include "render.h"

#include <md4c.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Container or span depth past which tags are dropped (content is kept). */
#define MD_NEST_MAX 32

#define MD_FLAGS (MD_FLAG_NOHTML | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | \
    MD_FLAG_PERMISSIVEURLAUTOLINKS | MD_FLAG_PERMISSIVEWWWAUTOLINKS | \
    MD_FLAG_PERMISSIVEEMAILAUTOLINKS)

/* Newlines after the private copy of the input; see the file comment. */
#define MD_GUARD 16

/* UTF-8 of U+FFFD, which replaces NUL bytes and invalid code points. */
#define REPLACEMENT_CHAR "\xEF\xBF\xBD"

/* One block or span that md4c opened and we have not closed yet. */
struct md_open {
	bool is_block;          /* block (MD_BLOCKTYPE) or span (MD_SPANTYPE) */
	int type;               /* the md4c block or span type */
	unsigned level;         /* heading level, for the matching end tag */
	bool tag;               /* we wrote a start tag that needs an end tag */
	bool img_outer;         /* outermost image: may show its URL as text */
};

struct md_ctx {
	struct html h;          /* writer over the caller's output buffer */
	const char *src;        /* private copy of the input, MD_GUARD bytes longer */
	size_t src_len;         /* length of the input proper */
	struct buf url;         /* scratch: a decoded target, title or entity */
	struct buf img_url;     /* decoded target of the outermost open image */
	bool img_url_ok;        /* img_url passed html_url_allowed */
	size_t img_mark;        /* output length when the outermost image opened */
	struct md_open *open;   /* stack of open elements; heap, freed by md_render */
	size_t depth, cap;      /* entries used and allocated in open */
	unsigned containers;    /* open quotes, lists and list items */
	unsigned styles;        /* open emphasis, strong, strikethrough, code */
	unsigned images;        /* open images; inside one only text is written */
	bool anchor_open;       /* an <a> is open (links never nest) */
	bool after_nullchar;    /* the last text callback was MD_TEXT_NULLCHAR */
};

/* ---- entities and attributes ------------------------------------------ */

/* Appends code point cp as UTF-8; invalid ones become U+FFFD. */
static void
put_utf8(struct buf *b, uint32_t cp)
{
	char u[4];

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		buf_puts(b, REPLACEMENT_CHAR);
	} else if (cp < 0x80) {
		buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_put(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_put(b, u, 4);
	}
}

/*
 * Appends text s escaped. NUL and the other control bytes except tab, LF
 * and CR become U+FFFD: md4c 0.4.8 passes NUL through inside code spans
 * and code blocks, and no control byte has any use in a page.
 */
static void
put_text(struct buf *b, const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch >= 0x20 && ch != 0x7f) || ch == '\t' || ch == '\n' ||
		    ch == '\r')
			continue;
		html_escape(b, s + start, i - start);
		buf_puts(b, REPLACEMENT_CHAR);
		start = i + 1;
	}
	html_escape(b, s + start, n - start);
}

/*
 * Appends the meaning of the entity s (as md4c reports it, "&...;") to b:
 * numeric entities and &amp; &lt; &gt; &quot; &apos; are decoded, any other
 * named entity is copied verbatim, since we carry no table of the 2,000-odd
 * HTML names. The result is plain text: the caller escapes it.
 */
static void
put_entity(struct buf *b, const char *s, size_t n)
{
	static const struct { const char *name; char c; } named[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	uint32_t cp = 0;
	size_t i;

	if (n >= 4 && s[0] == '&' && s[1] == '#' && s[n - 1] == ';') {
		bool hex = s[2] == 'x' || s[2] == 'X';

		for (i = hex ? 3 : 2; i < n - 1; i++) {
			char c = s[i];
			uint32_t d;

			if (c >= '0' && c <= '9')
				d = (uint32_t)(c - '0');
			else if (hex && c >= 'a' && c <= 'f')
				d = (uint32_t)(c - 'a' + 10);
			else if (hex && c >= 'A' && c <= 'F')
				d = (uint32_t)(c - 'A' + 10);
			else
				goto verbatim;
			cp = cp * (hex ? 16 : 10) + d;
			if (cp > 0x10ffff)
				cp = 0x110000; /* stays invalid, cannot overflow */
		}
		if (i == (hex ? 3u : 2u))
			goto verbatim;
		put_utf8(b, cp);
		return;
	}
	for (i = 0; i < ARRAY_LEN(named); i++) {
		if (n == strlen(named[i].name) && memcmp(s, named[i].name, n) == 0) {
			buf_putc(b, named[i].c);
			return;
		}
	}
verbatim:
	buf_put(b, s, n);
}

/*
 * Returns n, or less when s..s+n starts in the input copy and runs past
 * the end of the input proper (an md4c over-read into the guard bytes).
 */
static size_t
clip(const struct md_ctx *c, const char *s, size_t n)
{
	uintptr_t p = (uintptr_t)s, beg = (uintptr_t)c->src;
	uintptr_t end = beg + c->src_len;

	if (p < beg || p >= end + MD_GUARD)
		return n;
	if (p >= end)
		return 0;
	return n < end - p ? n : end - p;
}

/*
 * Replaces b's contents with the plain text of md4c attribute a: entities
 * decoded as put_entity does, NUL as U+FFFD. md4c has already resolved
 * backslash escapes.
 */
static void
decode_attr(const struct md_ctx *c, struct buf *b, const MD_ATTRIBUTE *a)
{
	b->len = 0;
	b->p[0] = '\0';
	if (a->text == NULL || a->size == 0)
		return;
	for (size_t i = 0; a->substr_offsets[i] < a->size; i++) {
		const char *s = a->text + a->substr_offsets[i];
		size_t n = clip(c, s, a->substr_offsets[i + 1] - a->substr_offsets[i]);

		switch (a->substr_types[i]) {
		case MD_TEXT_ENTITY:
			put_entity(b, s, n);
			break;
		case MD_TEXT_NULLCHAR:
			buf_puts(b, REPLACEMENT_CHAR);
			break;
		default:
			buf_put(b, s, n);
			break;
		}
	}
}

/* ---- the stack of open elements ---------------------------------------- */

/* True for the container blocks that count against MD_NEST_MAX. */
static bool
is_container(int type)
{
	return type == MD_BLOCK_QUOTE || type == MD_BLOCK_UL ||
	    type == MD_BLOCK_OL || type == MD_BLOCK_LI;
}

static bool
is_style(int type)
{
	return type == MD_SPAN_EM || type == MD_SPAN_STRONG ||
	    type == MD_SPAN_DEL || type == MD_SPAN_CODE;
}

/* Pushes an element and counts it; the caller fills in the rest. */
static struct md_open *
push(struct md_ctx *c, bool is_block, int type)
{
	struct md_open *o;

	if (c->depth == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->open = xrealloc(c->open, c->cap * sizeof(*c->open));
	}
	o = &c->open[c->depth++];
	memset(o, 0, sizeof(*o));
	o->is_block = is_block;
	o->type = type;
	if (is_block && is_container(type))
		c->containers++;
	else if (!is_block && is_style(type))
		c->styles++;
	else if (!is_block && type == MD_SPAN_IMG)
		c->images++;
	return o;
}

static void
write_block_end(struct md_ctx *c, const struct md_open *o)
{
	struct html *h = &c->h;

	switch (o->type) {
	case MD_BLOCK_QUOTE: html_raw_literal(h, "</blockquote>\n"); break;
	case MD_BLOCK_UL: html_raw_literal(h, "</ul>\n"); break;
	case MD_BLOCK_OL: html_raw_literal(h, "</ol>\n"); break;
	case MD_BLOCK_LI: html_raw_literal(h, "</li>\n"); break;
	case MD_BLOCK_H:
		switch (o->level) {
		case 1: html_raw_literal(h, "</h3>\n"); break;
		case 2: html_raw_literal(h, "</h4>\n"); break;
		case 3: html_raw_literal(h, "</h5>\n"); break;
		default: html_raw_literal(h, "</h6>\n"); break;
		}
		break;
	case MD_BLOCK_CODE: html_raw_literal(h, "</code></pre>\n"); break;
	case MD_BLOCK_TABLE: html_raw_literal(h, "</table>\n"); break;
	case MD_BLOCK_THEAD: html_raw_literal(h, "</thead>\n"); break;
	case MD_BLOCK_TBODY: html_raw_literal(h, "</tbody>\n"); break;
	case MD_BLOCK_TR: html_raw_literal(h, "</tr>\n"); break;
	case MD_BLOCK_TH: html_raw_literal(h, "</th>\n"); break;
	case MD_BLOCK_TD: html_raw_literal(h, "</td>\n"); break;
	default: html_raw_literal(h, "</p>\n"); break;
	}
}

static void
write_span_end(struct md_ctx *c, const struct md_open *o)
{
	struct html *h = &c->h;

	switch (o->type) {
	case MD_SPAN_EM: html_raw_literal(h, "</em>"); break;
	case MD_SPAN_STRONG: html_raw_literal(h, "</strong>"); break;
	case MD_SPAN_DEL: html_raw_literal(h, "</del>"); break;
	case MD_SPAN_CODE: html_raw_literal(h, "</code>"); break;
	default: html_raw_literal(h, "</a>"); break;
	}
}

/* Closes the top element: its end tag if we wrote a start tag, and for an
 * image without alt text its URL first. */
static void
pop(struct md_ctx *c)
{
	struct md_open *o = &c->open[--c->depth];

	if (o->img_outer) {
		if (c->h.b->len == c->img_mark && c->img_url_ok)
			put_text(c->h.b, c->img_url.p, c->img_url.len);
		c->img_url.len = 0;
		c->img_url.p[0] = '\0';
	}
	if (o->tag) {
		if (o->is_block)
			write_block_end(c, o);
		else
			write_span_end(c, o);
		if (o->type == MD_SPAN_A || o->type == MD_SPAN_IMG)
			c->anchor_open = false;
	}
	if (o->is_block && is_container(o->type))
		c->containers--;
	else if (!o->is_block && is_style(o->type))
		c->styles--;
	else if (!o->is_block && o->type == MD_SPAN_IMG)
		c->images--;
}

/* Closes the spans still open: spans never cross a block boundary. */
static void
pop_spans(struct md_ctx *c)
{
	while (c->depth > 0 && !c->open[c->depth - 1].is_block)
		pop(c);
}

/* ---- blocks ------------------------------------------------------------ */

/* Writes ` class="al-..."` for a table cell with an explicit alignment. */
static void
put_align(struct md_ctx *c, const MD_BLOCK_TD_DETAIL *d)
{
	switch (d->align) {
	case MD_ALIGN_LEFT: html_raw_literal(&c->h, " class=\"al-left\""); break;
	case MD_ALIGN_CENTER: html_raw_literal(&c->h, " class=\"al-center\""); break;
	case MD_ALIGN_RIGHT: html_raw_literal(&c->h, " class=\"al-right\""); break;
	default: break;
	}
}

/* Writes the code block's start tags, with a language class only when the
 * info string's first word is made of [A-Za-z0-9_+-]. */
static void
open_code_block(struct md_ctx *c, const MD_BLOCK_CODE_DETAIL *d)
{
	bool ok;

	decode_attr(c, &c->url, &d->lang);
	ok = c->url.len > 0;
	for (size_t i = 0; ok && i < c->url.len; i++) {
		char ch = c->url.p[i];

		ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' || ch == '-';
	}
	html_raw_literal(&c->h, "<pre><code");
	if (ok) {
		html_raw_literal(&c->h, " class=\"language-");
		html_escape(c->h.b, c->url.p, c->url.len);
		html_raw_literal(&c->h, "\"");
	}
	html_raw_literal(&c->h, ">");
}

static int
enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct md_ctx *c = userdata;
	struct html *h = &c->h;
	struct md_open *o;

	pop_spans(c);
	if (type == MD_BLOCK_DOC)
		return 0;
	if (is_container(type) && c->containers >= MD_NEST_MAX) {
		push(c, true, type);
		return 0;
	}
	o = push(c, true, type);
	o->tag = type != MD_BLOCK_HR;
	switch (type) {
	case MD_BLOCK_QUOTE: html_raw_literal(h, "<blockquote>\n"); break;
	case MD_BLOCK_UL: html_raw_literal(h, "<ul>\n"); break;
	case MD_BLOCK_OL: {
		unsigned start = ((MD_BLOCK_OL_DETAIL *)detail)->start;

		html_raw_literal(h, "<ol");
		if (start != 1)
			html_attr_i64(h, "start", start);
		html_raw_literal(h, ">\n");
		break;
	}
	case MD_BLOCK_LI: html_raw_literal(h, "<li>"); break;
	case MD_BLOCK_HR: html_raw_literal(h, "<hr>\n"); break;
	case MD_BLOCK_H:
		o->level = ((MD_BLOCK_H_DETAIL *)detail)->level;
		switch (o->level) {
		case 1: html_raw_literal(h, "<h3>"); break;
		case 2: html_raw_literal(h, "<h4>"); break;
		case 3: html_raw_literal(h, "<h5>"); break;
		default: html_raw_literal(h, "<h6>"); break;
		}
		break;
	case MD_BLOCK_CODE: open_code_block(c, detail); break;
	case MD_BLOCK_TABLE: html_raw_literal(h, "<table>\n"); break;
	case MD_BLOCK_THEAD: html_raw_literal(h, "<thead>\n"); break;
	case MD_BLOCK_TBODY: html_raw_literal(h, "<tbody>\n"); break;
	case MD_BLOCK_TR: html_raw_literal(h, "<tr>\n"); break;
	case MD_BLOCK_TH:
		html_raw_literal(h, "<th");
		put_align(c, detail);
		html_raw_literal(h, ">");
		break;
	case MD_BLOCK_TD:
		html_raw_literal(h, "<td");
		put_align(c, detail);
		html_raw_literal(h, ">");
		break;
	/* MD_FLAG_NOHTML means no HTML blocks; should one come, its text is
	 * escaped inside a paragraph like any other. */
	default:
		html_raw_literal(h, "<p>");
		break;
	}
	return 0;
}

/* Closes the innermost open block if it is of this type; an end that
 * matches nothing is ignored. */
static int
leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct md_ctx *c = userdata;

	pop_spans(c);
	if (c->depth > 0 && c->open[c->depth - 1].type == (int)type)
		pop(c);
	return 0;
}

/* ---- spans ------------------------------------------------------------- */

/*
 * Writes the start tag of an anchor to the decoded target in c->url,
 * unless the target is refused or an anchor is already open. Returns
 * whether it wrote one; *allowed tells whether the target was allowed.
 */
static bool
open_anchor(struct md_ctx *c, const MD_ATTRIBUTE *title, bool *allowed)
{
	struct str url = buf_str(&c->url);

	*allowed = html_url_allowed(url);
	if (!*allowed || c->anchor_open)
		return false;
	html_raw_literal(&c->h, "<a href=\"");
	html_url(&c->h, url);
	html_raw_literal(&c->h, "\" rel=\"nofollow ugc noopener\"");
	decode_attr(c, &c->url, title);
	if (c->url.len > 0) {
		html_raw_literal(&c->h, " title=\"");
		put_text(c->h.b, c->url.p, c->url.len);
		html_raw_literal(&c->h, "\"");
	}
	html_raw_literal(&c->h, ">");
	c->anchor_open = true;
	return true;
}

static int
enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct md_ctx *c = userdata;
	struct html *h = &c->h;
	bool in_image = c->images > 0, deep = c->styles >= MD_NEST_MAX;
	struct md_open *o = push(c, false, type);
	bool allowed;

	switch (type) {
	case MD_SPAN_A: {
		MD_SPAN_A_DETAIL *d = detail;

		if (in_image)
			break;
		decode_attr(c, &c->url, &d->href);
		o->tag = open_anchor(c, &d->title, &allowed);
		break;
	}
	case MD_SPAN_IMG: {
		MD_SPAN_IMG_DETAIL *d = detail;

		if (in_image)
			break;
		decode_attr(c, &c->url, &d->src);
		buf_put(&c->img_url, c->url.p, c->url.len);
		o->tag = open_anchor(c, &d->title, &allowed);
		o->img_outer = true;
		c->img_url_ok = allowed;
		c->img_mark = h->b->len;
		break;
	}
	case MD_SPAN_EM:
	case MD_SPAN_STRONG:
	case MD_SPAN_DEL:
	case MD_SPAN_CODE:
		if (deep || in_image)
			break;
		o->tag = true;
		if (type == MD_SPAN_EM)
			html_raw_literal(h, "<em>");
		else if (type == MD_SPAN_STRONG)
			html_raw_literal(h, "<strong>");
		else if (type == MD_SPAN_DEL)
			html_raw_literal(h, "<del>");
		else
			html_raw_literal(h, "<code>");
		break;
	default:
		/* Extensions we do not enable: their content is plain text. */
		break;
	}
	return 0;
}

/* Closes the innermost open span if it is of this type; an end that
 * matches nothing is ignored (see the file comment). */
static int
leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct md_ctx *c = userdata;
	const struct md_open *top = c->depth > 0 ? &c->open[c->depth - 1] : NULL;

	if (top != NULL && !top->is_block && top->type == (int)type)
		pop(c);
	return 0;
}

/* ---- text -------------------------------------------------------------- */

static int
text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *userdata)
{
	struct md_ctx *c = userdata;
	struct html *h = &c->h;
	bool after_nullchar = c->after_nullchar;

	n = (MD_SIZE)clip(c, s, n);
	c->after_nullchar = type == MD_TEXT_NULLCHAR;
	switch (type) {
	case MD_TEXT_NULLCHAR:
		buf_puts(h->b, REPLACEMENT_CHAR);
		break;
	case MD_TEXT_BR:
		if (c->images > 0)
			html_raw_literal(h, " ");
		else
			html_raw_literal(h, "<br>\n");
		break;
	case MD_TEXT_SOFTBR:
		if (c->images > 0)
			html_raw_literal(h, " ");
		else
			html_raw_literal(h, "\n");
		break;
	case MD_TEXT_ENTITY:
		c->url.len = 0;
		put_entity(&c->url, s, n);
		put_text(h->b, c->url.p, c->url.len);
		break;
	case MD_TEXT_CODE:
		/* In code blocks md4c 0.4.8 reports a NUL twice: as
		 * MD_TEXT_NULLCHAR and again as the first byte of the code
		 * text that follows. Show it once. */
		if (after_nullchar && n > 0 && s[0] == '\0') {
			s++;
			n--;
		}
		put_text(h->b, s, n);
		break;
	default:
		/* Normal text, and raw HTML, which NOHTML keeps out anyway:
		 * all of it is escaped. */
		put_text(h->b, s, n);
		break;
	}
	return 0;
}

/* ---- entry point ------------------------------------------------------- */

/*
 * Appends the HTML for markdown src to out. The result is safe to show with
 * html_raw_trusted: all text is escaped, links are limited to the
 * html_url_allowed schemes and carry rel="nofollow ugc noopener", and tags
 * are balanced. out keeps its owner; scratch memory comes from out's arena
 * or the heap (released here). src is only read, and may hold any bytes.
 *
 * Returns 0 on success, -1 when src is longer than MD_MAX_INPUT or md4c
 * fails (out of memory inside md4c); out then holds exactly what it held
 * on entry.
 */
int
md_render(struct buf *out, struct str src)
{
	static const MD_PARSER parser = {
		.abi_version = 0,
		.flags = MD_FLAGS,
		.enter_block = enter_block,
		.leave_block = leave_block,
		.enter_span = enter_span,
		.leave_span = leave_span,
		.text = text,
		.debug_log = NULL,
		.syntax = NULL,
	};
	struct md_ctx c;
	size_t start = out->len;
	char *copy;
	int rc;

	if (src.len > MD_MAX_INPUT)
		return -1;
	memset(&c, 0, sizeof(c));
	copy = xmalloc(src.len + MD_GUARD);
	if (src.len > 0)
		memcpy(copy, src.p, src.len);
	memset(copy + src.len, '\n', MD_GUARD);
	c.src = copy;
	c.src_len = src.len;
	html_init(&c.h, out);
	buf_init(&c.url, out->a, 256);
	buf_init(&c.img_url, out->a, 256);
	rc = md_parse(copy, (MD_SIZE)src.len, &parser, &c);
	while (c.depth > 0)
		pop(&c);
	if (rc != 0) {
		out->len = start;
		if (out->p != NULL)
			out->p[start] = '\0';
		rc = -1;
	}
	free(c.open);
	free(copy);
	buf_reset(&c.url);
	buf_reset(&c.img_url);
	return rc;
}
