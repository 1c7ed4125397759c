/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_notifications.c: GET /notifications, the signed-in user's messages
 * from the site (a moderator removed their post, and the like), newest
 * first. Showing them marks them seen, which clears the header's count.
 */
#include "app_int.h"

#define NOTIFICATIONS_SHOWN 100

static void
notifications_json(struct ctx *c, const struct notification *ns, size_t n)
{
	struct json j;

	app_json_list_begin(c, &j, "notifications");
	for (size_t i = 0; i < n; i++) {
		json_obj_open(&j);
		json_kv_int(&j, "id", ns[i].id);
		json_kv_str_c(&j, "text", ns[i].text);
		json_kv_str_c(&j, "link", ns[i].link);
		json_kv_time(&j, "created", ns[i].created);
		json_kv_bool(&j, "seen", ns[i].seen);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
}

static void
notifications_html(struct ctx *c, const struct notification *ns, size_t n)
{
	struct html h;

	page_begin(c, &h, "Messages");
	html_raw_literal(&h, "<div class=\"content\"><h1>Messages</h1>"
	    "<ol class=\"posts\">");
	for (size_t i = 0; i < n; i++) {
		html_raw_literal(&h, "<li class=\"post");
		if (!ns[i].seen)
			html_raw_literal(&h, " new");
		html_raw_literal(&h, "\"><div><p class=\"meta\">");
		if (!ns[i].seen)
			html_raw_literal(&h, "<strong>new</strong> · ");
		html_time(&h, ns[i].created, c->now);
		html_raw_literal(&h, "</p><p>");
		html_text_c(&h, ns[i].text);
		/* links are site paths; anything else is left out */
		if (ns[i].link != NULL && ns[i].link[0] == '/' &&
		    ns[i].link[1] != '/') {
			html_raw_literal(&h, " <a");
			html_attr_url(&h, "href", str_c(ns[i].link));
			html_raw_literal(&h, ">view</a>");
		}
		html_raw_literal(&h, "</p></div></li>");
	}
	html_raw_literal(&h, "</ol>");
	if (n == 0)
		html_raw_literal(&h, "<p>No messages.</p>");
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/* GET /notifications and /notifications.json */
void
page_notifications(struct ctx *c)
{
	struct notification *ns;
	size_t n;
	int rc;

	if (authz(c, AZ_SETTINGS, NULL) != 0)
		return;
	rc = store_notifications(c->s, c->a, c->user->id, NOTIFICATIONS_SHOWN,
	    &ns, &n);
	if (rc == STORE_OK)
		rc = store_notifications_seen(c->s, c->user->id);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	c->viewer.unseen = 0;
	if (c->json)
		notifications_json(c, ns, n);
	else
		notifications_html(c, ns, n);
}
