/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_hole.c: the parts of a page that differ from one plain member to
 * another, one renderer for each kind of hole (enum hole_kind).
 *
 * A full render calls these where the part belongs. A member template
 * (app_cache.c) notes a hole there instead (tmpl_add) and later fills it
 * through hole_kinds[] with the same renderer, so the bytes are the same
 * either way. Nothing here calls the cache: holes are plain appends on
 * the context, and the cache calls in, never the other way.
 */
#include "app_int.h"

#include <stdlib.h>
#include <string.h>

/* The header's signed-in part: what page_begin leaves to a hole. */
static void
header_me(struct ctx *c, struct html *h)
{
	struct layout l = { 0 };

	if (c->user != NULL) {
		l.user = c->user->name;
		l.user_points = c->user->points;
		l.csrf = session_csrf(c);
		/* counted by the session query; POST /inbox/read clears it */
		l.unseen = c->viewer.unseen;
	}
	layout_me(h, &l);
}

/*
 * The part of a vote form that depends on the viewer's vote: the value of
 * dir (what pressing the button asks for) and the arrow, on or not.
 */
void
app_vote_arrow(struct html *h, int dir, bool on)
{
	/* four fixed variants: one literal each, as fast as a copy */
	if (dir > 0 && !on)
		html_raw_literal(h, "<input type=\"hidden\" name=\"dir\" value=\"1\">"
		    "<button class=\"up\" title=\"upvote\">▲</button>");
	else if (dir > 0)
		html_raw_literal(h, "<input type=\"hidden\" name=\"dir\" value=\"0\">"
		    "<button class=\"up on\" title=\"upvote\">▲</button>");
	else if (!on)
		html_raw_literal(h, "<input type=\"hidden\" name=\"dir\" "
		    "value=\"-1\"><button class=\"down\" title=\"downvote\">▼</button>");
	else
		html_raw_literal(h, "<input type=\"hidden\" name=\"dir\" value=\"0\">"
		    "<button class=\"down on\" title=\"downvote\">▼</button>");
}

/*
 * True when the signed-in viewer subscribes to community_id: from the
 * session query's list (ids ascending) when it is whole, else from the
 * store.
 */
static bool
subscribed(struct ctx *c, int64_t community_id)
{
	const char *p = c->viewer.home;
	bool sub = false;
	char *end;

	if (c->viewer.nhome > STORE_HOME_SET_MAX) {
		store_subscribed(c->s, c->user->id, community_id, &sub);
		return sub;
	}
	for (; p != NULL; p = *end == ',' ? end + 1 : NULL) {
		long long id = strtoll(p, &end, 10);

		if (id >= community_id)
			return id == community_id;
	}
	return false;
}

/* The signed-in viewer's subscribe or unsubscribe button; in a template,
 * notes a hole. */
void
app_subscribe_form(struct ctx *c, struct html *h, int64_t community_id,
    struct str name)
{
	bool sub;

	if (c->tmpl) {
		tmpl_add(c, (struct hole){ .off = h->b->len, .kind = HOLE_SUB,
		    .id = community_id, .name = name });
		return;
	}
	sub = subscribed(c, community_id);
	html_raw_literal(h, "<form method=\"post\"");
	html_attr(h, "action", str_c(arena_printf(c->a, sub ?
	    "/s/%.*s/unsubscribe" : "/s/%.*s/subscribe", (int)name.len, name.p)));
	html_raw_literal(h, ">");
	app_csrf_field(c, h);
	if (sub)
		html_raw_literal(h, "<button>unsubscribe</button></form>");
	else
		html_raw_literal(h, "<button>subscribe</button></form>");
}

/* ---- the table the cache fills holes through ---------------------------- */

static void
fill_poll(struct ctx *c, struct html *h, const struct hole *o,
    const struct hole_votes *v)
{
	app_poll_html(c, h, o->id, o->dir != 0);
}

static void
fill_me(struct ctx *c, struct html *h, const struct hole *o,
    const struct hole_votes *v)
{
	header_me(c, h);
}

/* A page holds about six csrf fields a post: after the first, the field
 * app_csrf_field kept is written again as it is, since no session starts
 * or ends while holes are filled. */
static void
fill_csrf(struct ctx *c, struct html *h, const struct hole *o,
    const struct hole_votes *v)
{
	if (c->csrf_field.s.p != NULL && c->csrf != NULL &&
	    c->csrf_field_of == c->csrf)
		html_piece(h, c->csrf_field);
	else
		app_csrf_field(c, h);
}

static void
fill_vote(struct ctx *c, struct html *h, const struct hole *o,
    const struct hole_votes *v)
{
	int k = o->vote_kind == VOTE_COMMENT;
	size_t at = ids_find(v->ids[k], v->n[k], o->id);

	app_vote_arrow(h, o->dir, at < v->n[k] && v->dirs[k][at] == o->dir);
}

static void
fill_sub(struct ctx *c, struct html *h, const struct hole *o,
    const struct hole_votes *v)
{
	app_subscribe_form(c, h, o->id, o->name);
}

const struct hole_kind_ops hole_kinds[HOLE_KINDS] = {
	[HOLE_ME] = { 512, fill_me },
	[HOLE_CSRF] = { 128, fill_csrf },
	[HOLE_VOTE] = { 96, fill_vote },
	[HOLE_SUB] = { 256, fill_sub },
	[HOLE_POLL] = { 2048, fill_poll }, /* richer posts */
};
