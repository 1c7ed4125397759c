/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_inbox.c: GET /inbox, a member's replies, mentions, private
 * messages and moderators' notices in one list, newest first, paged by
 * an id cursor; POST /inbox/read marks one item (id) or all (all=1) read;
 * /notifications, where the notices were before, now sends to /inbox.
 *
 * The header's unread count comes from the session query
 * (store_session_user), so this page adds no query to any other.
 */
#include "app_int.h"

static const char *const kind_names[] = {
	[INBOX_REPLY] = "reply",
	[INBOX_MENTION] = "mention",
	[INBOX_MESSAGE] = "message",
	[INBOX_NOTICE] = "notice",
};

static const char *
kind_name(int kind)
{
	if (kind < 0 || (size_t)kind >= ARRAY_LEN(kind_names))
		return "notice";
	return kind_names[kind];
}

struct inbox_page {
	struct inbox_item *items;
	size_t n;
	bool more;                 /* a page follows */
};

static void
inbox_json(struct ctx *c, const struct inbox_page *k)
{
	struct json j;

	app_json_list_begin(c, &j, "items");
	for (size_t i = 0; i < k->n; i++) {
		const struct inbox_item *it = &k->items[i];

		json_obj_open(&j);
		json_kv_int(&j, "id", it->id);
		json_kv_str_c(&j, "kind", kind_name(it->kind));
		json_kv_bool(&j, "read", it->read);
		json_kv_time(&j, "created", it->created);
		json_kv_str_c(&j, "from", it->from);
		json_kv_str_c(&j, "body", it->text);
		json_kv_opt_int(&j, "post", it->post_id);
		json_kv_opt_int(&j, "comment", it->comment_id);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_kv_int(&j, "unread", c->viewer.unseen);
	app_json_after(c, &j, k->more, k->n ? k->items[k->n - 1].id : 0);
	json_obj_close(&j);
}

/* A form that posts to /inbox/read: one item, or all of them (id 0). */
static void
read_form(struct ctx *c, struct html *h, int64_t id)
{
	html_raw_literal(h, "<form class=\"inline\" method=\"post\" "
	    "action=\"/inbox/read\">");
	app_csrf_field(c, h);
	if (id != 0) {
		html_raw_literal(h, "<input type=\"hidden\" name=\"id\"");
		html_attr_i64(h, "value", id);
		html_raw_literal(h, "><button>mark read</button></form>");
	} else {
		html_raw_literal(h, "<input type=\"hidden\" name=\"all\" "
		    "value=\"1\"><button>mark all read</button></form>");
	}
}

static void
inbox_html(struct ctx *c, const struct inbox_page *k)
{
	struct html h;

	page_begin(c, &h, "Inbox");
	html_raw_literal(&h, "<div class=\"content\"><h1>Inbox</h1><p>");
	html_int(&h, c->viewer.unseen);
	html_raw_literal(&h, " unread · <a href=\"/messages\">messages</a> ");
	if (c->viewer.unseen > 0)
		read_form(c, &h, 0);
	html_raw_literal(&h, "</p><ol class=\"posts inbox\">");
	for (size_t i = 0; i < k->n; i++) {
		const struct inbox_item *it = &k->items[i];

		html_raw_literal(&h, "<li class=\"post");
		if (!it->read)
			html_raw_literal(&h, " new");
		html_raw_literal(&h, "\"><div><p class=\"meta\">");
		if (!it->read)
			html_raw_literal(&h, "<strong>new</strong> · ");
		html_text_c(&h, kind_name(it->kind));
		if (it->from != NULL) {
			html_raw_literal(&h, " from ");
			app_user_link(c, &h, it->from);
		}
		html_raw_literal(&h, " · ");
		html_time(&h, it->created, c->now);
		html_raw_literal(&h, "</p><p>");
		html_text_c(&h, it->text);
		/* links are site paths; anything else is left out */
		if (it->link != NULL && it->link[0] == '/' &&
		    it->link[1] != '/') {
			html_raw_literal(&h, " <a");
			html_attr_url(&h, "href", str_c(it->link));
			html_raw_literal(&h, ">view</a>");
		}
		html_raw_literal(&h, "</p>");
		if (!it->read)
			read_form(c, &h, it->id);
		html_raw_literal(&h, "</div></li>");
	}
	html_raw_literal(&h, "</ol>");
	if (k->n == 0)
		html_raw_literal(&h, "<p>Nothing here yet.</p>");
	if (k->more) {
		html_raw_literal(&h, "<p><a");
		html_attr(&h, "href", str_c(arena_printf(c->a, "/inbox?after=%lld",
		    (long long)k->items[k->n - 1].id)));
		html_raw_literal(&h, ">older</a></p>");
	}
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/* GET /inbox and /inbox.json: ?after=ID for the page after that item. */
void
page_inbox(struct ctx *c)
{
	struct inbox_page k = { 0 };
	struct str after_s = http_query(c->r, "after");
	int64_t after = 0;
	int rc;

	if (authz(c, AZ_SETTINGS, NULL) != 0)
		return;
	if (after_s.p != NULL && (!str_to_i64(after_s, &after) || after < 0)) {
		app_error(c, 400, "bad_cursor", "after is an item id.");
		return;
	}
	rc = store_inbox_list(c->s, c->a, c->user->id, after, PAGE_SIZE + 1,
	    &k.items, &k.n);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (k.n > PAGE_SIZE) {
		k.more = true;
		k.n = PAGE_SIZE;
	}
	if (c->json)
		inbox_json(c, &k);
	else
		inbox_html(c, &k);
}

/* POST /inbox/read: id (one item of one's own) or all=1. */
void
page_inbox_read(struct ctx *c)
{
	struct str all = app_form_text(c, "all");
	int64_t id = 0;
	int rc;

	if (authz(c, AZ_SETTINGS, NULL) != 0)
		return;
	if (!str_eq_lit(all, "1") && (!str_to_i64(app_form_text(c, "id"), &id) ||
	    id <= 0)) {
		app_error(c, 400, "bad_item", "Say which item (id) or all=1.");
		return;
	}
	rc = store_inbox_read(c->s, c->user->id, str_eq_lit(all, "1") ? 0 : id);
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "There is no such item in your "
		    "inbox.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_done(c, "/inbox");
}

/* GET /notifications: the notices live in the inbox now (301). */
void
page_notifications(struct ctx *c)
{
	app_redirect(c, c->json ? "/inbox.json" : "/inbox");
	c->r->status = 301;
}
