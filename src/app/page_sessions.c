/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_sessions.c: /settings/sessions, where a member is signed in:
 * each session with when it began and was last used, its address and
 * browser; any one of them, or all but this one, can be ended.
 *
 * A session's id on the page is the first 16 hex digits of a BLAKE2b of
 * its stored key: it names the session without being anything a cookie
 * could be made from.
 */
#include "app_int.h"

#include <sodium.h>
#include <string.h>

#define SESSION_ID_HEX 16

static const char *
session_id(struct arena *a, const unsigned char key[32])
{
	unsigned char h[SESSION_ID_HEX / 2];
	char *out = arena_alloc(a, SESSION_ID_HEX + 1);

	crypto_generichash(h, sizeof(h), key, 32, NULL, 0);
	sodium_bin2hex(out, SESSION_ID_HEX + 1, h, sizeof(h));
	return out;
}

static bool
is_current(struct ctx *c, const struct session_info *si)
{
	return sodium_memcmp(si->key, c->sess_key, 32) == 0;
}

static void
sessions_json(struct ctx *c, const struct session_info *l, size_t n)
{
	struct json j;

	app_json_list_begin(c, &j, "sessions");
	for (size_t i = 0; i < n; i++) {
		json_obj_open(&j);
		json_kv_str_c(&j, "id", session_id(c->a, l[i].key));
		json_kv_time(&j, "created", l[i].created);
		json_kv_opt_time(&j, "last_seen", l[i].last_seen);
		json_kv_str_c(&j, "address", l[i].address);
		json_kv_str_c(&j, "browser", l[i].agent);
		json_kv_bool(&j, "current", is_current(c, &l[i]));
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
}

static void
end_button(struct ctx *c, struct html *h, const char *id)
{
	html_raw_literal(h, "<form class=\"inline\" method=\"post\" "
	    "action=\"/settings/sessions/end\">");
	app_csrf_field(c, h);
	html_raw_literal(h, "<input type=\"hidden\" name=\"id\"");
	html_attr_c(h, "value", id);
	html_raw_literal(h, "><button>end</button></form>");
}

static void
sessions_html(struct ctx *c, const struct session_info *l, size_t n)
{
	struct html h;

	page_begin(c, &h, "Sessions");
	html_raw_literal(&h, "<div class=\"content\"><h1>Sessions</h1>"
	    "<p class=\"meta\"><a href=\"/settings\">settings</a></p>"
	    "<table class=\"sessions\"><tr><th>began</th><th>last used</th>"
	    "<th>address</th><th>browser</th><th></th></tr>");
	for (size_t i = 0; i < n; i++) {
		html_raw_literal(&h, "<tr><td>");
		html_time(&h, l[i].created, c->now);
		html_raw_literal(&h, "</td><td>");
		if (l[i].last_seen != 0)
			html_time(&h, l[i].last_seen, c->now);
		html_raw_literal(&h, "</td><td>");
		html_text_c(&h, l[i].address ? l[i].address : "");
		html_raw_literal(&h, "</td><td>");
		html_text_c(&h, l[i].agent ? l[i].agent : "");
		html_raw_literal(&h, "</td><td>");
		if (is_current(c, &l[i]))
			html_raw_literal(&h, "this one");
		else
			end_button(c, &h, session_id(c->a, l[i].key));
		html_raw_literal(&h, "</td></tr>");
	}
	html_raw_literal(&h, "</table><form method=\"post\" "
	    "action=\"/settings/sessions/end\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<input type=\"hidden\" name=\"all\" value=\"1\">"
	    "<p><button>end all other sessions</button></p></form></div>");
	page_end(c, &h);
}

/* GET /settings/sessions */
void
page_sessions(struct ctx *c)
{
	struct session_info *l = NULL;
	size_t n = 0;
	int rc = store_sessions_list(c->s, c->a, c->user->id, c->now, &l, &n);

	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json)
		sessions_json(c, l, n);
	else
		sessions_html(c, l, n);
}

/* POST /settings/sessions/end: id (one session) or all=1 (every other). */
void
page_session_end(struct ctx *c)
{
	struct str id = http_form(c->r, "id");
	struct session_info *l = NULL;
	size_t n = 0;
	int rc;

	if (authz(c, AZ_SETTINGS, NULL) != 0)
		return;
	if (str_eq_lit(http_form(c->r, "all"), "1")) {
		rc = store_sessions_end_others(c->s, c->user->id, c->sess_key);
		goto out;
	}
	if (id.len != SESSION_ID_HEX) {
		app_error(c, 400, "bad_id", "id names one of your sessions.");
		return;
	}
	rc = store_sessions_list(c->s, c->a, c->user->id, c->now, &l, &n);
	if (rc == STORE_OK) {
		rc = STORE_NOTFOUND;
		for (size_t i = 0; i < n; i++) {
			if (memcmp(session_id(c->a, l[i].key), id.p,
			    SESSION_ID_HEX) != 0)
				continue;
			rc = store_session_end_user(c->s, c->user->id, l[i].key);
			if (rc == STORE_OK && is_current(c, &l[i]))
				session_end(c);
			break;
		}
	}
out:
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "You have no such session.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_done(c, c->user ? "/settings/sessions" : "/login");
}
