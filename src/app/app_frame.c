/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_frame.c: the frame around every HTML page: the head, the header
 * bar and the footer, for the visitor in view.
 */
#include "app_int.h"

#define FOOTER_LINK(id, slug, label, title) { "/" slug, label },
static const struct layout_link footer_links[] = { SITE_PAGES(FOOTER_LINK) };

static struct layout
layout_for(struct ctx *c, const char *title)
{
	struct layout l = {
		.site_name = app_g.cfg->site_name,
		.title = title,
		.footer = footer_links,
		.nfooter = ARRAY_LEN(footer_links),
		.feed = c->feed,
	};

	if (c->user != NULL) {
		l.user = c->user->name;
		l.user_points = c->user->points;
		/* A template leaves the header's signed-in part to a hole. */
		l.csrf = c->tmpl ? NULL : session_csrf(c);
		/* For a signed-in user the header links their unseen
		 * notifications, counted by the session query
		 * (POST /inbox/read clears the count). */
		if (!c->tmpl)
			l.unseen = c->viewer.unseen;
	}
	return l;
}

/* Starts an HTML page: the writer on the response and the frame. */
void
page_begin(struct ctx *c, struct html *h, const char *title)
{
	struct layout l = layout_for(c, title);
	size_t me;

	l.me_later = c->tmpl != NULL;
	c->r->content_type = "text/html; charset=utf-8";
	c->r->out.len = 0;
	html_init(h, &c->r->out);
	me = layout_begin(h, &l);
	if (c->tmpl)
		tmpl_add(c, (struct hole){ .off = me, .kind = HOLE_ME });
}

/* Ends the page; a debug build checks that every element was closed. */
void
page_end(struct ctx *c, struct html *h)
{
	struct layout l = layout_for(c, NULL);

	layout_end(h, &l);
	if (!html_balanced(h))
		base_fatal(__FILE__, __LINE__, "unbalanced HTML");
}
