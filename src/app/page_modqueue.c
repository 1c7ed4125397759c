/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_modqueue.c: a community's moderation queue: open reports, items
 * held for review and recent removals, each with the buttons that post
 * the moderators' actions to /mod.
 */
#include "app_int.h"

#define QUEUE_MAX 100

/* What the queue shows, loaded. */
struct queue {
	struct community cm;
	struct report *reps;
	struct post *hp;         /* held posts */
	struct comment *hc;      /* held comments */
	struct mod_action *rem;  /* recent removals */
	size_t nrep, nhp, nhc, nrem;
};

/* Loads the route's community and its queue, for a moderator. Returns 0,
 * or -1 after answering. */
static int
queue_load(struct ctx *c, struct queue *k)
{
	struct modlog_query q = { .action = "remove", .limit = PAGE_SIZE };
	int rc;

	if (app_route_community(c, &k->cm) != 0 || authz(c, AZ_MOD,
	    &(struct authz_target){ .community_id = k->cm.id }) != 0)
		return -1;
	q.community_id = k->cm.id;
	rc = store_report_queue(c->s, c->a, k->cm.id, QUEUE_MAX, &k->reps,
	    &k->nrep);
	if (rc == STORE_OK)
		rc = store_held_posts(c->s, c->a, k->cm.id, QUEUE_MAX, &k->hp,
		    &k->nhp);
	if (rc == STORE_OK)
		rc = store_held_comments(c->s, c->a, k->cm.id, QUEUE_MAX, &k->hc,
		    &k->nhc);
	if (rc == STORE_OK)
		rc = store_modlog_list(c->s, c->a, &q, &k->rem, &k->nrem);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return 0;
}

static void
queue_json(struct ctx *c, const struct queue *k)
{
	struct json j;

	app_json_list_begin(c, &j, "reports");
	for (size_t i = 0; i < k->nrep; i++) {
		const struct report *r = &k->reps[i];

		json_obj_open(&j);
		json_kv_int(&j, "id", r->id);
		json_kv_str_c(&j, "kind", r->kind == VOTE_POST ? "post" : "comment");
		json_kv_int(&j, "target", r->target_id);
		json_kv_str_c(&j, "reason", r->reason);
		json_kv_time(&j, "created", r->created);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_key(&j, "held_posts");
	json_arr_open(&j);
	app_json_posts(c, &j, k->hp, k->nhp);
	json_arr_close(&j);
	json_key(&j, "held_comments");
	json_arr_open(&j);
	for (size_t i = 0; i < k->nhc; i++)
		app_json_comment(c, &j, &k->hc[i]);
	json_arr_close(&j);
	json_obj_close(&j);
}

/* One button of the queue: a form posting action on kind/id to /mod. */
static void
mod_button(struct ctx *c, struct html *h, const char *action, int kind,
    int64_t id, bool with_reason)
{
	html_raw_literal(h, "<form method=\"post\" action=\"/mod\" class=\"inline\">");
	app_csrf_field(c, h);
	html_raw_literal(h, "<input type=\"hidden\" name=\"action\"");
	html_attr_c(h, "value", action);
	html_raw_literal(h, "><input type=\"hidden\" name=\"kind\"");
	html_attr_c(h, "value", kind == VOTE_POST ? "post" : "comment");
	html_raw_literal(h, "><input type=\"hidden\" name=\"id\"");
	html_attr_i64(h, "value", id);
	html_raw_literal(h, ">");
	if (with_reason)
		html_raw_literal(h, "<input type=\"text\" name=\"reason\" "
		    "maxlength=\"" APP_STR(REASON_MAX) "\" placeholder=\"reason\">");
	html_raw_literal(h, "<button>");
	html_text_c(h, action);
	html_raw_literal(h, "</button></form> ");
}

/* A held item with its buttons. */
static void
held_box(struct ctx *c, struct html *h, int kind, int64_t id)
{
	html_raw_literal(h, "<div class=\"box\">");
	app_mod_item_show(c, h, kind, id);
	mod_button(c, h, "approve", kind, id, false);
	mod_button(c, h, "remove", kind, id, true);
	html_raw_literal(h, "</div>");
}

static void
queue_html(struct ctx *c, const struct queue *k)
{
	const char *name = k->cm.name;
	struct html h;

	page_begin(c, &h, "Moderation queue");
	html_raw_literal(&h, "<div class=\"content\"><h1>Queue of <a");
	html_attr(&h, "href", str_c(arena_printf(c->a, "/s/%s", name)));
	html_raw_literal(&h, ">s/");
	html_text_c(&h, name);
	html_raw_literal(&h, "</a></h1><p class=\"meta\"><a");
	html_attr(&h, "href", str_c(arena_printf(c->a, "/s/%s/mod/edit", name)));
	html_raw_literal(&h, ">edit description and rules</a> · <a");
	html_attr(&h, "href", str_c(arena_printf(c->a, "/s/%s/modlog", name)));
	html_raw_literal(&h, ">mod log</a></p><h2>Reports</h2>");
	for (size_t i = 0; i < k->nrep; i++) {
		const struct report *r = &k->reps[i];

		html_raw_literal(&h, "<div class=\"box\"><p class=\"meta\">reported ");
		html_time(&h, r->created, c->now);
		html_raw_literal(&h, ": ");
		html_text_c(&h, r->reason);
		html_raw_literal(&h, "</p>");
		app_mod_item_show(c, &h, r->kind, r->target_id);
		mod_button(c, &h, "remove", r->kind, r->target_id, true);
		mod_button(c, &h, "approve", r->kind, r->target_id, false);
		mod_button(c, &h, "dismiss", r->kind, r->target_id, false);
		html_raw_literal(&h, "</div>");
	}
	if (k->nrep == 0)
		html_raw_literal(&h, "<p>No open reports.</p>");
	html_raw_literal(&h, "<h2>Held for review</h2>");
	for (size_t i = 0; i < k->nhp; i++)
		held_box(c, &h, VOTE_POST, k->hp[i].id);
	for (size_t i = 0; i < k->nhc; i++)
		held_box(c, &h, VOTE_COMMENT, k->hc[i].id);
	if (k->nhp + k->nhc == 0)
		html_raw_literal(&h, "<p>Nothing held.</p>");
	html_raw_literal(&h, "<h2>Recent removals</h2><ul>");
	for (size_t i = 0; i < k->nrem; i++) {
		const struct mod_action *m = &k->rem[i];

		html_raw_literal(&h, "<li>");
		html_time(&h, m->created, c->now);
		html_raw_literal(&h, " ");
		html_text_c(&h, m->mod);
		html_raw_literal(&h, " removed ");
		html_text_c(&h, m->kind == VOTE_POST ? "post " : "comment ");
		html_int(&h, m->target_id);
		html_raw_literal(&h, " ");
		mod_button(c, &h, "restore", m->kind, m->target_id, false);
		html_raw_literal(&h, "</li>");
	}
	html_raw_literal(&h, "</ul></div>");
	page_end(c, &h);
}

/* GET /s/NAME/mod/queue: open reports, held items, recent removals. */
void
page_mod_queue(struct ctx *c)
{
	struct queue k;

	if (queue_load(c, &k) != 0)
		return;
	if (c->json)
		queue_json(c, &k);
	else
		queue_html(c, &k);
}
