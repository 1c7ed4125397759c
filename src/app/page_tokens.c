/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_tokens.c: a member's API tokens at /settings/tokens (made, listed
 * with their last use, revoked) and GET /api/v1/me, what a token sees of
 * itself.
 *
 * A token is shown once, on the answer that made it; afterwards only its
 * name, scopes and times are. These pages take no bearer token (the
 * route table marks them), so a stolen token cannot mint more.
 */
#include "app_int.h"

#define TOKEN_NAME_MAX 64
#define TOKENS_MAX 50     /* tokens a member may hold at once */

/* ---- the page ---------------------------------------------------------- */

static void
tokens_page(struct ctx *c, const char *msg, const char *new_token)
{
	struct api_token *t = NULL;
	size_t n = 0;
	struct html h;

	if (store_tokens(c->s, c->a, c->user->id, &t, &n) != STORE_OK)
		n = 0;
	page_begin(c, &h, "API tokens");
	html_raw_literal(&h, "<div class=\"content\"><h1>API tokens</h1>"
	    "<p class=\"meta\"><a href=\"/settings\">settings</a> · "
	    "<a href=\"/api/v1/openapi.json\">API document</a></p>");
	if (msg != NULL) {
		html_raw_literal(&h, "<p class=\"error\">");
		html_text_c(&h, msg);
		html_raw_literal(&h, "</p>");
	}
	if (new_token != NULL) {
		html_raw_literal(&h, "<p>Your new token, shown this once: copy "
		    "it now.</p><p><code class=\"token\">");
		html_text_c(&h, new_token);
		html_raw_literal(&h, "</code></p><p>Send it as <code>"
		    "Authorization: Bearer TOKEN</code>.</p>");
	}
	if (n == 0) {
		html_raw_literal(&h, "<p>You have no API tokens.</p>");
	} else {
		html_raw_literal(&h, "<table class=\"tokens\"><tr><th>name</th>"
		    "<th>scopes</th><th>created</th><th>last used</th><th></th>"
		    "</tr>");
		for (size_t i = 0; i < n; i++) {
			html_raw_literal(&h, "<tr><td>");
			html_text_c(&h, t[i].name);
			html_raw_literal(&h, "</td><td>");
			html_text_c(&h, app_scopes_text(c->a, t[i].scopes));
			html_raw_literal(&h, "</td><td>");
			html_time(&h, t[i].created, c->now);
			html_raw_literal(&h, "</td><td>");
			if (t[i].last_used != 0)
				html_time(&h, t[i].last_used, c->now);
			else
				html_raw_literal(&h, "never");
			html_raw_literal(&h, "</td><td><form class=\"inline\" "
			    "method=\"post\" action=\"/settings/tokens/revoke\">");
			app_csrf_field(c, &h);
			html_raw_literal(&h, "<input type=\"hidden\" name=\"id\"");
			html_attr_i64(&h, "value", t[i].id);
			html_raw_literal(&h, "><button>revoke</button></form></td>"
			    "</tr>");
		}
		html_raw_literal(&h, "</table>");
	}
	html_raw_literal(&h, "<h2>New token</h2><form class=\"edit\" "
	    "method=\"post\" action=\"/settings/tokens\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"name\">name</label>"
	    "<input type=\"text\" id=\"name\" name=\"name\" required "
	    "maxlength=\"" APP_STR(TOKEN_NAME_MAX) "\">"
	    "<label for=\"scopes\">scopes</label>"
	    "<select id=\"scopes\" name=\"scopes\">"
	    "<option value=\"read\">read</option>"
	    "<option value=\"read write\" selected>read write</option>"
	    "<option value=\"read write moderate\">read write moderate</option>"
	    "</select><p><button>create token</button></p></form></div>");
	page_end(c, &h);
}

static void
tokens_json(struct ctx *c)
{
	struct api_token *t = NULL;
	size_t n = 0;
	struct json j;
	int rc;

	if ((rc = store_tokens(c->s, c->a, c->user->id, &t, &n)) != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_json_list_begin(c, &j, "tokens");
	for (size_t i = 0; i < n; i++) {
		json_obj_open(&j);
		json_kv_int(&j, "id", t[i].id);
		json_kv_str_c(&j, "name", t[i].name);
		json_kv_str_c(&j, "scopes", app_scopes_text(c->a, t[i].scopes));
		json_kv_time(&j, "created", t[i].created);
		json_kv_opt_time(&j, "last_used", t[i].last_used);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
}

/* GET /settings/tokens */
void
page_tokens(struct ctx *c)
{
	if (c->json)
		tokens_json(c);
	else
		tokens_page(c, NULL, NULL);
}

static void
tokens_again(struct ctx *c, const char *msg)
{
	tokens_page(c, msg, NULL);
}

/* POST /settings/tokens: name, scopes (space-separated). */
void
page_token_create(struct ctx *c)
{
	struct str name = app_form_text(c, "name");
	struct str scopes_s = http_form(c->r, "scopes");
	struct api_token *t = NULL;
	unsigned char key[32];
	unsigned scopes;
	size_t n = 0;
	int64_t id;
	char *token;
	int rc;

	if (name.len == 0 || !app_valid_text(name, TOKEN_NAME_MAX)) {
		app_form_refused(c, 400, "bad_name", "A token needs a name of 1 to "
		    APP_STR(TOKEN_NAME_MAX) " characters.", tokens_again);
		return;
	}
	if (!app_scopes_parse(scopes_s, &scopes)) {
		app_form_refused(c, 400, "bad_scopes", "scopes is a space-separated "
		    "list of read, write and moderate.", tokens_again);
		return;
	}
	if (authz(c, AZ_SETTINGS, NULL) != 0)
		return;
	if ((rc = store_tokens(c->s, c->a, c->user->id, &t, &n)) != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (n >= TOKENS_MAX) {
		app_form_refused(c, 409, "too_many_tokens", "You hold "
		    APP_STR(TOKENS_MAX) " tokens already; revoke one first.",
		    tokens_again);
		return;
	}
	token = app_token_new(c->a, key);
	rc = store_token_create(c->s, c->user->id, str_dup(c->a, name),
	    key, scopes, c->now, &id);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_kv_int(&j, "id", id);
		json_kv_str_c(&j, "token", token);
		json_kv_str_c(&j, "scopes", app_scopes_text(c->a, scopes));
		json_obj_close(&j);
		c->r->status = 201;
		http_add_header(c->r, "Location", "/settings/tokens");
		return;
	}
	/* Shown once, on this page: no redirect, or it would be lost. */
	http_add_header(c->r, "Cache-Control", "no-store");
	tokens_page(c, NULL, token);
}

/* POST /settings/tokens/revoke: id. */
void
page_token_revoke(struct ctx *c)
{
	int64_t id;
	int rc;

	if (!str_to_i64(http_form(c->r, "id"), &id) || id <= 0) {
		app_error(c, 400, "bad_id", "id is the number of one of your "
		    "tokens.");
		return;
	}
	if (authz(c, AZ_SETTINGS, NULL) != 0)
		return;
	rc = store_token_delete(c->s, c->user->id, id);
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "You have no such token.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_done(c, "/settings/tokens");
}

/* ---- GET /api/v1/me ---------------------------------------------------- */

/* The signed-in member (by token or cookie), the token's scopes (every
 * scope for a cookie session) and the unread count. */
void
page_api_me(struct ctx *c)
{
	struct json j;

	app_json_begin(c, &j);
	json_obj_open(&j);
	json_kv_int(&j, "id", c->user->id);
	json_kv_str_c(&j, "name", c->user->name);
	json_kv_str_c(&j, "role", c->user->role == ROLE_ADMIN ? "admin" :
	    "user");
	json_kv_time(&j, "created", c->user->created);
	json_kv_int(&j, "points", c->user->points);
	json_key(&j, "scopes");
	json_arr_open(&j);
	for (unsigned bit = 1; bit <= TOKEN_SCOPE_MODERATE; bit <<= 1)
		if (c->scopes & bit)
			json_str_c(&j, app_scopes_text(c->a, bit));
	json_arr_close(&j);
	json_kv_int(&j, "unread", c->viewer.unseen);
	json_kv_opt_int(&j, "token", c->bearer ? c->token_id : 0);
	json_obj_close(&j);
}
