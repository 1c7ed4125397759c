/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_poll.c: how a poll shows (richer posts): counts and bars made of
 * <progress> elements, so neither a script nor an inline style is needed,
 * and the vote form while the poll is open. In a member template the
 * poll is a hole (HOLE_POLL, filled by the same function), since which
 * option the viewer chose differs between members.
 */
#include "app_int.h"

/* True when no vote can change the poll any more. */
bool
app_poll_closed(struct ctx *c, const struct post *p, const struct poll *poll)
{
	return (poll->closes != 0 && c->now >= poll->closes) || p->locked ||
	    p->deleted || p->removed || app_archived(p, c->now);
}

/*
 * Writes post p's poll for the viewer: results, and the vote form when it
 * is open and the viewer is signed in. closed says the post takes no
 * votes (locked, archived, ...). In a template, notes a hole instead.
 */
void
app_poll_html(struct ctx *c, struct html *h, int64_t post_id, bool closed)
{
	struct poll poll;
	int64_t total = 0;
	bool form;

	if (c->tmpl) {
		tmpl_add(c, (struct hole){ .off = h->b->len, .kind = HOLE_POLL,
		    .id = post_id, .dir = closed });
		return;
	}
	if (store_poll_get(c->s, c->a, post_id, c->user ? c->user->id : 0,
	    &poll) != STORE_OK)
		return;
	closed = closed || (poll.closes != 0 && c->now >= poll.closes);
	form = !closed && c->user != NULL;
	for (size_t i = 0; i < poll.n; i++)
		total += poll.options[i].votes;
	html_raw_literal(h, "<div class=\"poll\">");
	if (form) {
		html_raw_literal(h, "<form method=\"post\" action=\"/poll\">");
		app_csrf_field(c, h);
		html_raw_literal(h, "<input type=\"hidden\" name=\"post\"");
		html_attr_i64(h, "value", post_id);
		html_raw_literal(h, ">");
	}
	html_raw_literal(h, "<ul class=\"poll-options\">");
	for (size_t i = 0; i < poll.n; i++) {
		const struct poll_option *o = &poll.options[i];

		html_raw_literal(h, "<li><label>");
		if (form) {
			html_raw_literal(h, "<input type=\"radio\" name=\"option\"");
			html_attr_i64(h, "value", o->id);
			if (o->id == poll.voted)
				html_raw_literal(h, " checked");
			html_raw_literal(h, "> ");
		}
		html_text_c(h, o->text);
		html_raw_literal(h, "</label> <progress");
		html_attr_i64(h, "value", o->votes);
		html_attr_i64(h, "max", total > 0 ? total : 1);
		html_raw_literal(h, "></progress> <span class=\"count\">");
		html_int(h, o->votes);
		if (o->votes == 1)
			html_raw_literal(h, " vote");
		else
			html_raw_literal(h, " votes");
		if (o->id == poll.voted)
			html_raw_literal(h, " · your vote");
		html_raw_literal(h, "</span></li>");
	}
	html_raw_literal(h, "</ul>");
	if (form)
		html_raw_literal(h, "<button>vote</button></form>");
	html_raw_literal(h, "<p class=\"meta\">");
	html_int(h, total);
	if (total == 1)
		html_raw_literal(h, " vote");
	else
		html_raw_literal(h, " votes");
	if (closed) {
		html_raw_literal(h, " · poll closed");
	} else if (poll.closes != 0) {
		html_raw_literal(h, " · closes ");
		html_time(h, poll.closes, c->now);
	}
	html_raw_literal(h, "</p></div>");
}

/*
 * Loads the polls of posts[0..n) for the viewer in one query
 * (store_polls_on), so that a list's JSON reads none of its own. A
 * failed read leaves them unloaded; app_poll_json then reads each.
 */
void
app_polls_load(struct ctx *c, struct post *const *posts, size_t n)
{
	if (store_polls_on(c->s, c->a, c->user ? c->user->id : 0, posts, n) !=
	    STORE_OK)
		log_msg(LOG_ERR, "app", "polls of a page not read");
}

/*
 * Writes p's poll as JSON ("poll" of a post), or null for a post without
 * one. A list loads its polls first (app_polls_load); a single post's is
 * read here.
 */
void
app_poll_json(struct ctx *c, struct json *j, const struct post *p)
{
	struct poll one;
	const struct poll *poll = p->poll;

	json_key(j, "poll");
	if (p->has_poll && poll == NULL && store_poll_get(c->s, c->a, p->id,
	    c->user ? c->user->id : 0, &one) == STORE_OK)
		poll = &one;
	if (poll == NULL) {
		json_null(j);
		return;
	}
	json_obj_open(j);
	json_key(j, "options");
	json_arr_open(j);
	for (size_t i = 0; i < poll->n; i++) {
		json_obj_open(j);
		json_kv_int(j, "id", poll->options[i].id);
		json_kv_str_c(j, "text", poll->options[i].text);
		json_kv_int(j, "votes", poll->options[i].votes);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_kv_opt_time(j, "closes", poll->closes);
	json_kv_opt_int(j, "voted", poll->voted);
	json_kv_bool(j, "closed", app_poll_closed(c, p, poll));
	json_obj_close(j);
}
