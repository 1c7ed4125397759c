/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_nsfw.c: who sees NSFW posts and how marked posts show (richer
 * posts): the viewer's show_nsfw, read once a request; the label that
 * stands for a hidden title; the form's checkboxes; a spoiler's body
 * and an image post's thumbnail behind <details>, which needs no script.
 *
 * Visitors never see NSFW titles or bodies, so a visitor's cached page is
 * right for every visitor. Members' templates come in two kinds, kept
 * apart (app_member_serve): those rendered for members without show_nsfw
 * and those rendered for members with it.
 */
#include "app_int.h"

#include <string.h>

/* True when the viewer is signed in and chose to see NSFW posts. */
bool
app_show_nsfw(struct ctx *c)
{
	if (c->user == NULL)
		return false;
	if (!c->nsfw_loaded) {
		bool on = false;

		/* A failed read shows less, never more. */
		if (store_user_show_nsfw(c->s, c->user->id, &on) != STORE_OK)
			on = false;
		c->show_nsfw = on;
		c->nsfw_loaded = true;
	}
	return c->show_nsfw;
}

/* True when p's title and body are to be replaced by NSFW_LABEL. */
bool
app_nsfw_hidden(struct ctx *c, const struct post *p)
{
	return p->nsfw && !app_show_nsfw(c);
}

/* True when a form's checkbox field is ticked ("1" or "on"). */
bool
app_form_flag(struct ctx *c, const char *name)
{
	struct str v = app_form_text(c, name);

	return str_eq_lit(v, "1") || str_eq_lit(v, "on") ||
	    str_eq_lit(v, "true");
}

/* The nsfw and spoiler checkboxes of the submit and edit forms. */
void
app_nsfw_checkboxes(struct html *h, bool nsfw, bool spoiler)
{
	html_raw_literal(h, "<p><label><input type=\"checkbox\" name=\"nsfw\" "
	    "value=\"1\"");
	if (nsfw)
		html_raw_literal(h, " checked");
	html_raw_literal(h, "> NSFW</label> <label><input type=\"checkbox\" "
	    "name=\"spoiler\" value=\"1\"");
	if (spoiler)
		html_raw_literal(h, " checked");
	html_raw_literal(h, "> spoiler</label></p>");
}

/* The nsfw and spoiler labels of a listing row or a post. */
void
app_nsfw_flags(struct html *h, const struct post *p)
{
	if (p->nsfw)
		html_raw_literal(h, "<span class=\"flag nsfw\">nsfw</span>");
	if (p->spoiler)
		html_raw_literal(h, "<span class=\"flag spoiler\">spoiler</span>");
}

/*
 * Writes a post's rendered body: a notice in its place when it is NSFW
 * and the viewer does not see such posts, behind a <details> click when
 * it is a spoiler, else as it is.
 */
void
app_post_body(struct ctx *c, struct html *h, const struct post *p)
{
	if (app_nsfw_hidden(c, p)) {
		html_raw_literal(h, "<p class=\"notice nsfw\">This post is marked "
		    "NSFW. Members who turn on <em>show NSFW</em> in their "
		    "<a href=\"/settings\">settings</a> see it.</p>");
		return;
	}
	if (p->body_html == NULL)
		return;
	if (p->spoiler)
		html_raw_literal(h, "<details class=\"spoiler\"><summary>spoiler: "
		    "show</summary>");
	html_raw_literal(h, "<div class=\"body\">");
	html_raw_trusted(h, str_c(p->body_html));
	html_raw_literal(h, "</div>");
	if (p->spoiler)
		html_raw_literal(h, "</details>");
}

/*
 * Writes an image post's thumbnail, a link to the image: nothing for a
 * post without one, a deleted or hidden post (hidden: removed or held
 * and not for this viewer) or an NSFW post the viewer does not see;
 * behind a <details> click for a spoiler.
 */
void
app_post_thumb(struct ctx *c, struct html *h, const struct post *p,
    bool hidden)
{
	const char *dot;

	if (p->image == NULL || p->deleted || hidden || app_nsfw_hidden(c, p) ||
	    (dot = strchr(p->image, '.')) == NULL)
		return;
	if (p->spoiler)
		html_raw_literal(h, "<details class=\"spoiler thumb\"><summary>"
		    "spoiler: show image</summary>");
	html_raw_literal(h, "<a class=\"thumb\"");
	html_attr_c(h, "href", arena_printf(c->a, "/i/%s", p->image));
	html_raw_literal(h, "><img alt=\"image\" loading=\"lazy\"");
	html_attr_c(h, "src", arena_printf(c->a, "/i/%.*s_t%s",
	    (int)(dot - p->image), p->image, dot));
	html_raw_literal(h, "></a>");
	if (p->spoiler)
		html_raw_literal(h, "</details>");
}

/* The show_nsfw form of /settings (its POST: page_nsfw.c). */
void
app_nsfw_settings_form(struct ctx *c, struct html *h)
{
	html_raw_literal(h, "<h2>NSFW posts</h2><form class=\"edit\" "
	    "method=\"post\" action=\"/settings/nsfw\">");
	app_csrf_field(c, h);
	html_raw_literal(h, "<p><label><input type=\"checkbox\" "
	    "name=\"show_nsfw\" value=\"1\"");
	if (app_show_nsfw(c))
		html_raw_literal(h, " checked");
	html_raw_literal(h, "> show NSFW titles and posts (otherwise a label "
	    "stands in their place)</label></p><p><button>save</button></p>"
	    "</form>");
}
