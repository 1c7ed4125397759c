/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_modlog.c: the public moderation log, of every community or of
 * one, newest first, filtered by moderator or action, 25 lines a page.
 * It names the moderator, never a reporter.
 */
#include "app_int.h"

#include <string.h>

#define ACTION_FILTER_MAX 20    /* a filter's action name */

/* One page of the log, as asked for and as loaded. */
struct modlog {
	const struct community *cm; /* NULL: every community */
	struct str mod, action;     /* the filters as sent (may be STR_NULL) */
	struct mod_action *m;
	size_t n;
	bool more;                  /* a next page exists */
};

/* Reads the filters and the cursor and loads the page. Returns 0, or -1
 * after answering. */
static int
modlog_load(struct ctx *c, struct modlog *l)
{
	struct modlog_query q = { .community_id = l->cm ? l->cm->id : 0,
		.limit = PAGE_SIZE + 1 };
	struct str after = http_query(c->r, "after");
	int rc;

	l->mod = http_query(c->r, "mod");
	l->action = http_query(c->r, "action");
	if (l->mod.len > 0) {
		struct user u;

		if (!app_valid_name(l->mod, true) || store_user_by_name(c->s, c->a,
		    str_dup(c->a, l->mod), &u, NULL) != STORE_OK) {
			app_error(c, 404, "no_user", "There is no such moderator.");
			return -1;
		}
		q.mod_id = u.id;
	}
	if (l->action.len > 0) {
		if (l->action.len > ACTION_FILTER_MAX ||
		    strspn(str_dup(c->a, l->action), "abcdefghijklmnopqrstuvwxyz ") !=
		    l->action.len) {
			app_error(c, 400, "bad_action", "Unknown action.");
			return -1;
		}
		q.action = str_dup(c->a, l->action);
	}
	if (after.p != NULL && (!str_to_i64(after, &q.after) || q.after <= 0)) {
		app_error(c, 400, "bad_cursor", "The after cursor is a log line id.");
		return -1;
	}
	rc = store_modlog_list(c->s, c->a, &q, &l->m, &l->n);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	l->more = l->n > PAGE_SIZE;
	if (l->more)
		l->n = PAGE_SIZE;
	return 0;
}

static void
modlog_json(struct ctx *c, const struct modlog *l)
{
	struct json j;

	app_json_list_begin(c, &j, "actions");
	for (size_t i = 0; i < l->n; i++) {
		const struct mod_action *m = &l->m[i];

		json_obj_open(&j);
		json_kv_int(&j, "id", m->id);
		json_kv_str_c(&j, "community", m->community);
		json_kv_str_c(&j, "moderator", m->mod);
		json_kv_str_c(&j, "action", m->action);
		json_kv_str_c(&j, "kind", !m->target_id ? NULL :
		    m->kind == VOTE_POST ? "post" : "comment");
		json_kv_opt_int(&j, "target", m->target_id);
		json_kv_str_c(&j, "user", m->target_user);
		json_kv_str_c(&j, "reason", m->reason);
		json_kv_time(&j, "created", m->created);
		json_kv_opt_time(&j, "expires", m->expires);
		/* The chain (docs/VERIFY.md): every field above is hashed. */
		json_kv_int(&j, "seq", m->seq);
		json_kv_str_c(&j, "prev", m->prev);
		json_kv_str_c(&j, "hash", m->hash);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	app_json_after(c, &j, l->more, l->more ? l->m[l->n - 1].id : 0);
	json_obj_close(&j);
}

/* One line of the log's table. */
static void
modlog_row(struct ctx *c, struct html *h, const struct mod_action *m)
{
	html_raw_literal(h, "<tr><td>");
	html_time(h, m->created, c->now);
	html_raw_literal(h, "</td><td>");
	html_text_c(h, m->mod);
	html_raw_literal(h, "</td><td>");
	html_text_c(h, m->action);
	if (m->expires) {
		html_raw_literal(h, " until ");
		html_time(h, m->expires, m->expires);
	}
	html_raw_literal(h, "</td><td>");
	if (m->community) {
		html_raw_literal(h, "s/");
		html_text_c(h, m->community);
		html_raw_literal(h, " ");
	}
	if (m->target_id) {
		html_text_c(h, m->kind == VOTE_POST ? "post " : "comment ");
		html_int(h, m->target_id);
		html_raw_literal(h, " ");
	}
	if (m->target_user) {
		html_raw_literal(h, "by ");
		html_text_c(h, m->target_user);
	}
	html_raw_literal(h, "</td><td>");
	html_text_c(h, m->reason ? m->reason : "");
	html_raw_literal(h, "</td></tr>");
}

static void
modlog_html(struct ctx *c, const struct modlog *l)
{
	const struct community *cm = l->cm;
	struct html h;

	page_begin(c, &h, "Moderation log");
	html_raw_literal(&h, "<div class=\"content\"><h1>Moderation log");
	if (cm != NULL) {
		html_raw_literal(&h, " of <a");
		html_attr(&h, "href", str_c(arena_printf(c->a, "/s/%s", cm->name)));
		html_raw_literal(&h, ">s/");
		html_text_c(&h, cm->name);
		html_raw_literal(&h, "</a>");
	}
	html_raw_literal(&h, "</h1><form class=\"filters\" method=\"get\">"
	    "<input type=\"text\" name=\"mod\" placeholder=\"moderator\" "
	    "maxlength=\"" APP_STR(NAME_MAX) "\"");
	html_attr(&h, "value", l->mod.p ? l->mod : STR_LIT(""));
	html_raw_literal(&h, "><input type=\"text\" name=\"action\" "
	    "placeholder=\"action\" "
	    "maxlength=\"" APP_STR(ACTION_FILTER_MAX) "\"");
	html_attr(&h, "value", l->action.p ? l->action : STR_LIT(""));
	html_raw_literal(&h, "><button>filter</button></form><table class=\"log\">"
	    "<tr><th>when</th><th>moderator</th><th>action</th><th>on</th>"
	    "<th>reason</th></tr>");
	for (size_t i = 0; i < l->n; i++)
		modlog_row(c, &h, &l->m[i]);
	html_raw_literal(&h, "</table>");
	if (l->n == 0)
		html_raw_literal(&h, "<p>Nothing logged yet.</p>");
	if (l->more) {
		html_raw_literal(&h, "<p class=\"pager\"><a rel=\"next\"");
		html_attr(&h, "href", str_c(arena_printf(c->a,
		    "%s?after=%lld%s%s%s%s", cm ? arena_printf(c->a, "/s/%s/modlog",
		    cm->name) : "/modlog", (long long)l->m[l->n - 1].id,
		    l->mod.len ? "&mod=" : "", l->mod.len ? str_dup(c->a, l->mod) : "",
		    l->action.len ? "&action=" : "",
		    l->action.len ? str_dup(c->a, l->action) : "")));
		html_raw_literal(&h, ">older ›</a></p>");
	}
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

static void
modlog_page(struct ctx *c, const struct community *cm)
{
	struct modlog l = { .cm = cm };

	if (modlog_load(c, &l) != 0)
		return;
	if (c->json)
		modlog_json(c, &l);
	else
		modlog_html(c, &l);
}

/* GET /modlog[?community=NAME]: every community's moderation, or one's. */
void
page_modlog(struct ctx *c)
{
	struct str name = http_query(c->r, "community");
	struct community cm;
	int rc;

	if (name.len == 0) {
		modlog_page(c, NULL);
		return;
	}
	rc = app_valid_name(name, false) ? store_community_by_name(c->s, c->a,
	    str_dup(c->a, name), &cm) : STORE_NOTFOUND;
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "There is no such community.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	modlog_page(c, &cm);
}

/* GET /s/NAME/modlog */
void
page_community_modlog(struct ctx *c)
{
	struct community cm;

	if (app_route_community(c, &cm) == 0)
		modlog_page(c, &cm);
}
