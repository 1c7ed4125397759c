/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * atom.c: the Atom 1.0 writer (RFC 4287) for the feeds of listings.
 *
 * Like the HTML and JSON writers it escapes every value it is given: text
 * goes through xml_text, which also drops the control bytes XML 1.0 cannot
 * carry, and an entry's HTML content is escaped as text (type="html"), so
 * no byte of a post can open an element of the feed.
 */
#include "render.h"

#include <string.h>

/* Appends s escaped for XML text and attribute values. */
static void
xml_text(struct buf *b, const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		const char *rep;

		switch (ch) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\t': case '\n': case '\r': continue;
		default:
			if (ch >= 0x20 && ch != 0x7f)
				continue;
			rep = "";  /* not allowed in XML 1.0: dropped */
		}
		buf_put(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

static void
xml_text_c(struct buf *b, const char *s)
{
	xml_text(b, s, strlen(s));
}

/* <name>escaped text</name> */
static void
element(struct buf *b, const char *name, const char *text)
{
	buf_printf(b, "<%s>", name);
	xml_text_c(b, text);
	buf_printf(b, "</%s>", name);
}

static void
element_time(struct buf *b, const char *name, int64_t t)
{
	char iso[32];

	base_rfc3339(t, iso);
	element(b, name, iso);
}

static void
put_link(struct buf *b, const char *rel, const char *type, const char *href)
{
	buf_printf(b, "<link rel=\"%s\"", rel);
	if (type != NULL)
		buf_printf(b, " type=\"%s\"", type);
	buf_puts(b, " href=\"");
	xml_text_c(b, href);
	buf_puts(b, "\"/>");
}

/*
 * Starts a feed in b: the XML declaration and the feed's own elements.
 * rel and type of the links are literals of this file; every value in f
 * is escaped.
 */
void
atom_begin(struct buf *b, const struct atom_feed *f)
{
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">");
	element(b, "id", f->id);
	buf_puts(b, "<title type=\"text\">");
	xml_text_c(b, f->title);
	buf_puts(b, "</title>");
	element_time(b, "updated", f->updated);
	put_link(b, "self", "application/atom+xml", f->self);
	put_link(b, "alternate", "text/html", f->alternate);
	buf_puts(b, "<generator>Parley</generator>");
}

/* Appends one entry; its HTML content is escaped as text (type="html"). */
void
atom_entry(struct buf *b, const struct atom_entry *e)
{
	buf_puts(b, "<entry>");
	element(b, "id", e->id);
	buf_puts(b, "<title type=\"text\">");
	xml_text_c(b, e->title);
	buf_puts(b, "</title>");
	put_link(b, "alternate", "text/html", e->link);
	buf_puts(b, "<author>");
	element(b, "name", e->author);
	if (e->author_uri != NULL)
		element(b, "uri", e->author_uri);
	buf_puts(b, "</author>");
	if (e->category != NULL) {
		buf_puts(b, "<category term=\"");
		xml_text_c(b, e->category);
		buf_puts(b, "\"/>");
	}
	element_time(b, "published", e->published);
	element_time(b, "updated", e->updated);
	buf_puts(b, "<content type=\"html\">");
	xml_text(b, e->content_html.p, e->content_html.len);
	buf_puts(b, "</content></entry>");
}

void
atom_end(struct buf *b)
{
	buf_puts(b, "</feed>\n");
}
