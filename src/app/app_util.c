/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_util.c: small helpers on posts and users that many pages share:
 * archiving, a post's address, a user's link, rendering markdown, and
 * the same-site path to send a browser back to.
 */
#include "app_int.h"

#include <string.h>

/* True when the post is older than archive_after (0 = never). */
bool
app_archived(const struct post *p, int64_t now)
{
	int64_t after = app_g.cfg->archive_after;

	return after > 0 && now - p->created >= after;
}

/* Appends /s/NAME/p/ID/slug, the slug made from the title's ASCII words. */
void
app_post_path(struct buf *b, const struct post *p)
{
	size_t n = 0;
	bool gap = false;

	buf_printf(b, "/s/%s/p/%lld/", p->community, (long long)p->id);
	/* hidden titles must not leak through the address (nor NSFW ones,
	 * whoever the viewer) */
	for (const char *t = p->removed || p->held || p->deleted || p->nsfw ?
	    "" : p->title;
	    *t && n < 60; t++) {
		char ch = *t;

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    (ch >= 'A' && ch <= 'Z')) {
			if (gap && n > 0) {
				buf_putc(b, '_');
				n++;
			}
			buf_putc(b, (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
			n++;
			gap = false;
		} else {
			gap = true;
		}
	}
	if (n == 0)
		buf_putc(b, '_');
}

/* Returns the post's address (arena memory). */
const char *
app_post_href(struct ctx *c, const struct post *p)
{
	struct buf b;

	buf_init(&b, c->a, 96);
	app_post_path(&b, p);
	return b.p;
}

/* Renders markdown into the arena; NULL when the text cannot be rendered. */
const char *
app_render_md(struct ctx *c, struct str src)
{
	struct buf b;

	buf_init(&b, c->a, src.len * 2 + 64);
	if (md_render(&b, src) != 0)
		return NULL;
	return b.p;
}

/*
 * The path of a same-site Referer (arena memory), or NULL: where to send
 * a browser back to after a form that has no page of its own. The Referer
 * must pass url_check as an http(s) URL whose host and port are the Host
 * header's, and what follows them must be a local path (url_is_local_path:
 * browsers send it percent-encoded, so anything else is forged).
 */
const char *
app_back_path(struct ctx *c)
{
	struct str ref = http_header(c->r, "Referer");
	struct str host = http_header(c->r, "Host");
	struct url u;
	struct str path;

	if (ref.p == NULL || host.p == NULL ||
	    url_check(ref, &u, URL_WEB) != URL_OK || !str_case_eq(u.hostport, host))
		return NULL;
	path = (struct str){ u.path.p, (size_t)(ref.p + ref.len - u.path.p) };
	if (!url_is_local_path(path))
		return NULL;
	return str_dup(c->a, path);
}

/* Writes a link to a user's profile; a deleted account's name is plain. */
void
app_user_link(struct ctx *c, struct html *h, const char *name)
{
	if (strcmp(name, "[deleted]") == 0) {
		html_raw_literal(h, "[deleted]");
		return;
	}
	html_raw_literal(h, "<a");
	html_attr(h, "href", str_c(arena_printf(c->a, "/u/%s", name)));
	html_raw_literal(h, ">");
	html_text_c(h, name);
	html_raw_literal(h, "</a>");
}
