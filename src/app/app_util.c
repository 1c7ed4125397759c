/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_util.c: small helpers on posts and users that many pages share:
 * archiving, a post's address, a user's link, rendering markdown, and
 * the same-site path to send a browser back to, and making folders.
 */
#include "app_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

/*
 * What stands in for an item's text: "[deleted]" once its author deleted
 * it, "[removed]" or "[held for review]" for a viewer who may not see it
 * (sees false), NULL when the text itself is shown. The one place these
 * words are decided: store rows carry flags, never placeholder text.
 */
const char *
app_placeholder(bool deleted, bool removed, bool held, bool sees)
{
	if (deleted)
		return "[deleted]";
	if (removed && !sees)
		return "[removed]";
	if (held && !sees)
		return "[held for review]";
	return NULL;
}

/* A post's title as this viewer sees it: a placeholder (app_placeholder,
 * sees as there), the NSFW label, or the title. */
const char *
app_post_title(struct ctx *c, const struct post *p, bool sees)
{
	const char *ph = app_placeholder(p->deleted, p->removed, p->held, sees);

	if (ph != NULL)
		return ph;
	return app_nsfw_hidden(c, p) ? NSFW_LABEL : p->title;
}

/* An author's name as shown: a deleted account (name NULL) or a deleted
 * item (deleted) shows "[deleted]". */
const char *
app_author_shown(const char *name, bool deleted)
{
	return name == NULL || deleted ? "[deleted]" : name;
}

/* Writes a link to a user's profile; a deleted account (name NULL) is
 * plain text. */
void
app_user_link(struct ctx *c, struct html *h, const char *name)
{
	if (name == NULL) {
		html_text_c(h, app_author_shown(NULL, false));
		return;
	}
	html_raw_literal(h, "<a");
	html_attr(h, "href", str_c(arena_printf(c->a, "/u/%s", name)));
	html_raw_literal(h, ">");
	html_text_c(h, name);
	html_raw_literal(h, "</a>");
}

/* Makes dir and any folder above it that is missing. Returns 0 or -1
 * (errno set). */
int
app_mkdirs(const char *dir)
{
	char p[1400];

	if (snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
}
