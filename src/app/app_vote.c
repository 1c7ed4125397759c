/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_vote.c: the arrows and the score beside every post and comment.
 * The state of an arrow is a template's hole (app_vote_arrow).
 */
#include "app_int.h"

/* Writes a score as the spec prints it: "1 pt", "0 pt", "2 pts". */
void
app_score(struct html *h, int64_t score)
{
	html_int(h, score);
	if (score == 1 || score == -1 || score == 0)
		html_raw_literal(h, " pt");
	else
		html_raw_literal(h, " pts");
}

/* One arrow's form; in a template, its state is a hole. */
static void
vote_form(struct ctx *c, struct html *h, int kind, int64_t id, int dir,
    bool on)
{
	html_raw_literal(h, "<form method=\"post\" action=\"/vote\">");
	app_csrf_field(c, h);
	/* one literal a kind: the arrows are on every item of a page */
	if (kind == VOTE_POST)
		html_raw_literal(h, "<input type=\"hidden\" name=\"kind\" "
		    "value=\"post\"><input type=\"hidden\" name=\"id\"");
	else
		html_raw_literal(h, "<input type=\"hidden\" name=\"kind\" "
		    "value=\"comment\"><input type=\"hidden\" name=\"id\"");
	html_attr_i64(h, "value", id);
	html_raw_literal(h, ">");
	if (c->tmpl)
		tmpl_add(c, (struct hole){ .off = h->b->len, .kind = HOLE_VOTE,
		    .vote_kind = kind, .id = id, .dir = dir });
	else
		app_vote_arrow(h, dir, on);
	html_raw_literal(h, "</form>");
}

/* The score between the arrows, when there is one to show. */
static void
score_span(struct html *h, const int64_t *score)
{
	if (score == NULL)
		return;
	html_raw_literal(h, "<span class=\"score\">");
	app_score(h, *score);
	html_raw_literal(h, "</span>");
}

/*
 * Writes the arrows with the score between them, or the arrows alone when
 * score is NULL (a comment's score is in its header line, so its arrows
 * are a narrow column, as on old Reddit). Signed-out visitors get links to
 * the login page; closed items (archived, locked, deleted) get the score
 * only, or an empty column.
 */
void
app_vote_buttons(struct ctx *c, struct html *h, int kind, int64_t id,
    const int64_t *score, int my_vote, bool closed)
{
	html_raw_literal(h, "<div class=\"vote\">");
	if (closed) {
		score_span(h, score);
	} else if (c->user == NULL) {
		html_raw_literal(h, "<a href=\"/login\" title=\"log in to vote\">▲</a>");
		score_span(h, score);
		html_raw_literal(h, "<a href=\"/login\" title=\"log in to vote\">▼</a>");
	} else {
		vote_form(c, h, kind, id, 1, my_vote > 0);
		score_span(h, score);
		vote_form(c, h, kind, id, -1, my_vote < 0);
	}
	html_raw_literal(h, "</div>");
}
