/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_settings.c: one's own account: change the password, delete the
 * account, export one's data as JSON, and the users one blocks.
 *
 * Changing the password or deleting the account asks for the current
 * password, so that a session left open on a shared computer cannot take
 * the account over for good. Wrong passwords here count as failed logins
 * of the name (page_account.c), so the form cannot be used to guess it.
 */
#include "app_int.h"

#include <string.h>

#define EXPORT_PAGE 100    /* posts or comments per store call */
#define EXPORT_VOTES_PAGE 1000
#define BLOCKS_SHOWN 500   /* blocked users listed on the page */

/* ---- the page ---------------------------------------------------------- */

static void
password_input(struct html *h, const char *id, const char *name,
    const char *label, const char *autocomplete)
{
	html_raw_literal(h, "<label");
	html_attr_c(h, "for", id);
	html_raw_literal(h, ">");
	html_text_c(h, label);
	html_raw_literal(h, "</label><input type=\"password\" required");
	html_attr_c(h, "id", id);
	html_attr_c(h, "name", name);
	html_attr_c(h, "autocomplete", autocomplete);
	html_raw_literal(h, ">");
}

/* Lists the users the viewer blocks, each with an unblock button. */
static void
blocks_list(struct ctx *c, struct html *h)
{
	int64_t *ids = NULL;
	size_t n = 0, shown = 0;

	if (store_blocked_ids(c->s, c->a, c->user->id, &ids, &n) != STORE_OK)
		n = 0;
	html_raw_literal(h, "<h2 id=\"blocks\">Blocked users</h2>"
	    "<p>Posts and comments of users you block are collapsed for you, "
	    "and they cannot reply to you.</p>");
	for (size_t i = 0; i < n && i < BLOCKS_SHOWN; i++) {
		struct user u;

		if (store_user_get(c->s, c->a, ids[i], &u) != STORE_OK || u.deleted)
			continue;
		if (shown++ == 0)
			html_raw_literal(h, "<ul class=\"blocks\">");
		html_raw_literal(h, "<li><a");
		html_attr(h, "href", str_c(arena_printf(c->a, "/u/%s", u.name)));
		html_raw_literal(h, ">");
		html_text_c(h, u.name);
		html_raw_literal(h, "</a> <form class=\"inline\" method=\"post\" "
		    "action=\"/unblock\">");
		app_csrf_field(c, h);
		html_raw_literal(h, "<input type=\"hidden\" name=\"user\"");
		html_attr_c(h, "value", u.name);
		html_raw_literal(h, "><button>unblock</button></form></li>");
	}
	if (shown > 0)
		html_raw_literal(h, "</ul>");
	else
		html_raw_literal(h, "<p>You block nobody.</p>");
}

/* Writes the settings page, with msg as an error above the forms. */
static void
settings_page(struct ctx *c, const char *msg)
{
	struct html h;

	page_begin(c, &h, "Settings");
	html_raw_literal(&h, "<div class=\"content\"><h1>Settings</h1>");
	if (msg != NULL) {
		html_raw_literal(&h, "<p class=\"error\">");
		html_text_c(&h, msg);
		html_raw_literal(&h, "</p>");
	}
	html_raw_literal(&h, "<p class=\"meta\">Signed in as <a");
	html_attr(&h, "href", str_c(arena_printf(c->a, "/u/%s", c->user->name)));
	html_raw_literal(&h, ">");
	html_text_c(&h, c->user->name);
	html_raw_literal(&h, "</a>");
	if (c->user->email != NULL) {
		html_raw_literal(&h, " · ");
		html_text_c(&h, c->user->email);
	}
	html_raw_literal(&h, " · <a href=\"/inbox\">inbox</a>");
	if (app_is_admin(c))
		html_raw_literal(&h, " · <a href=\"/admin\">site administration</a>");
	html_raw_literal(&h, "</p>");

	html_raw_literal(&h, "<h2>Change password</h2><p>Every other session "
	    "of this account ends; this one stays signed in.</p>"
	    "<form class=\"edit\" method=\"post\" action=\"/settings/password\">");
	app_csrf_field(c, &h);
	password_input(&h, "current", "current", "current password",
	    "current-password");
	password_input(&h, "password", "password",
	    "new password (" APP_STR(PASSWORD_MIN) " characters or more)", "new-password");
	html_raw_literal(&h, "<p><button>change password</button></p></form>");

	html_raw_literal(&h, "<h2>Sessions</h2><p><a href=\"/settings/sessions\">"
	    "Where you are signed in</a>, and ending those sessions.</p>");

	html_raw_literal(&h, "<h2>Two-factor sign-in</h2><p><a "
	    "href=\"/settings/2fa\">Set up or turn off</a> a second step at "
	    "sign-in: a code from an authenticator app.</p>");

	html_raw_literal(&h, "<h2>API tokens</h2><p><a href=\"/settings/tokens\">"
	    "Tokens</a> let programs use the API on your behalf.</p>");

	if (app_setting_int(c, "member_invites", 0) != 0)
		html_raw_literal(&h, "<h2>Invites</h2><p><a "
		    "href=\"/settings/invites\">Invite codes</a> let people you "
		    "know register, once you have enough points.</p>");

	html_raw_literal(&h, "<h2>Export</h2><p><a href=\"/settings/export.json\">"
	    "Download your data</a>: your account, posts, comments and votes, "
	    "as JSON.</p>");

	app_nsfw_settings_form(c, &h);

	blocks_list(c, &h);

	html_raw_literal(&h, "<h2>Delete account</h2><p>Your account ends; "
	    "your posts and comments stay in place with <code>[deleted]</code> "
	    "as their author, unless you also ask to erase them. This cannot be "
	    "undone.</p><form class=\"edit\" method=\"post\" "
	    "action=\"/settings/delete\">");
	app_csrf_field(c, &h);
	password_input(&h, "delete_pw", "password", "password",
	    "current-password");
	html_raw_literal(&h, "<label><input type=\"checkbox\" name=\"erase\" "
	    "value=\"1\"> also erase the text of my posts and comments</label>"
	    "<p><button>delete my account</button></p></form></div>");
	page_end(c, &h);
}

/* Answers a refused form: the page again for browsers, JSON for the API. */
static void
settings_error(struct ctx *c, int status, const char *code, const char *msg)
{
	app_form_refused(c, status, code, msg, settings_page);
}

/* GET /settings */
void
page_settings(struct ctx *c)
{
	if (authz(c, AZ_SETTINGS, NULL) != 0)
		return;
	settings_page(c, NULL);
}

/*
 * Checks the form's field against the viewer's password. Returns 0 when it
 * matches; otherwise answers (403, or 429 while the name is throttled)
 * and returns -1.
 */
static int
check_password(struct ctx *c, const char *field)
{
	struct str pw = http_form(c->r, field);
	struct str name = str_c(c->user->name);
	const char *hash = NULL;
	struct user u;
	int rc;

	if (app_login_throttled(c, name))
		return -1;
	rc = store_user_by_name(c->s, c->a, c->user->name, &u, &hash);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (pw.p == NULL || pw.len > PASSWORD_MAX ||
	    !password_verify(hash, pw.p, pw.len)) {
		app_login_failed(c, name);
		settings_error(c, 403, "wrong_password",
		    "That is not your current password.");
		return -1;
	}
	return 0;
}

/* POST /settings/password: current, password. */
void
page_settings_password(struct ctx *c)
{
	struct str pw = http_form(c->r, "password");
	char hash[128];
	int rc;

	if (authz(c, AZ_SETTINGS, NULL) != 0 || check_password(c, "current") != 0)
		return;
	if (pw.len < PASSWORD_MIN || pw.len > PASSWORD_MAX) {
		settings_error(c, 400, "bad_password", "A password is 8 to 1024 "
		    "bytes long.");
		return;
	}
	if (password_hash(pw.p, pw.len, hash) != 0) {
		app_error(c, 500, "internal", "Could not hash the password.");
		return;
	}
	rc = store_user_set_password(c->s, c->user->id, hash);
	if (rc == STORE_OK)
		rc = store_sessions_end_others(c->s, c->user->id, c->sess_key);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_redirect(c, "/settings");
}

/* POST /settings/delete: password, erase ("1" to erase posts and comments). */
void
page_settings_delete(struct ctx *c)
{
	bool erase = str_eq_lit(http_form(c->r, "erase"), "1");
	int rc;

	if (authz(c, AZ_SETTINGS, NULL) != 0 || check_password(c, "password") != 0)
		return;
	rc = store_user_delete(c->s, c->user->id, erase);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (erase)
		app_archive_drop_all();
	session_end(c);
	app_redirect(c, "/");
}

/* ---- export ------------------------------------------------------------- */

/* Writes every post of the viewer that listings show, newest first. */
static int
export_posts(struct ctx *c, struct json *j)
{
	struct post_query q = { .author_id = c->user->id, .sort = SORT_NEW,
		.limit = EXPORT_PAGE, .viewer_id = c->user->id,
		.include_stickied = true };
	struct post *posts;
	size_t n;
	int rc;

	json_arr_open(j);
	do {
		rc = store_post_list(c->s, c->a, &q, &posts, &n);
		if (rc != STORE_OK)
			return rc;
		app_json_posts(c, j, posts, n);
		if (n > 0)
			q.after = posts[n - 1].id;
	} while (n == EXPORT_PAGE);
	json_arr_close(j);
	return STORE_OK;
}

static int
export_comments(struct ctx *c, struct json *j)
{
	struct comment *cms;
	int64_t after = 0;
	size_t n;
	int rc;

	json_arr_open(j);
	do {
		rc = store_comments_by_author(c->s, c->a, c->user->id, after,
		    EXPORT_PAGE, &cms, &n);
		if (rc != STORE_OK)
			return rc;
		for (size_t i = 0; i < n; i++)
			app_json_comment(c, j, &cms[i]);
		if (n > 0)
			after = cms[n - 1].id;
	} while (n == EXPORT_PAGE);
	json_arr_close(j);
	return STORE_OK;
}

/* Writes [{"kind", "id", "dir"}...] for every vote the viewer holds. */
static int
export_votes(struct ctx *c, struct json *j)
{
	int *kinds, *dirs;
	int64_t *targets;
	int64_t after = 0;
	size_t n;
	int rc;

	json_arr_open(j);
	do {
		rc = store_votes_by_user(c->s, c->a, c->user->id, after,
		    EXPORT_VOTES_PAGE, &kinds, &targets, &dirs, &n, &after);
		if (rc != STORE_OK)
			return rc;
		for (size_t i = 0; i < n; i++) {
			json_obj_open(j);
			json_kv_str_c(j, "kind", kinds[i] == VOTE_POST ? "post" : "comment");
			json_kv_int(j, "id", targets[i]);
			json_kv_int(j, "dir", dirs[i]);
			json_obj_close(j);
		}
	} while (after != 0);
	json_arr_close(j);
	return STORE_OK;
}

static int
export_blocks(struct ctx *c, struct json *j)
{
	int64_t *ids;
	size_t n;
	int rc = store_blocked_ids(c->s, c->a, c->user->id, &ids, &n);

	if (rc != STORE_OK)
		return rc;
	json_arr_open(j);
	for (size_t i = 0; i < n; i++) {
		struct user u;

		if (store_user_get(c->s, c->a, ids[i], &u) == STORE_OK &&
		    !u.deleted)
			json_str_c(j, u.name);
	}
	json_arr_close(j);
	return STORE_OK;
}

/*
 * GET /settings/export[.json]: the viewer's data as one JSON download,
 * whatever the Accept header says: it is a file to keep, not a page.
 */
void
page_settings_export(struct ctx *c)
{
	struct json j;
	int rc;

	c->json = true;
	if (authz(c, AZ_SETTINGS, NULL) != 0)
		return;
	app_json_begin(c, &j);
	json_obj_open(&j);
	json_kv_str_c(&j, "name", c->user->name);
	json_kv_str_c(&j, "email", c->user->email);
	json_kv_time(&j, "created", c->user->created);
	json_kv_int(&j, "points", c->user->points);
	json_kv_bool(&j, "admin", app_is_admin(c));
	json_key(&j, "posts");
	rc = export_posts(c, &j);
	if (rc == STORE_OK) {
		json_key(&j, "comments");
		rc = export_comments(c, &j);
	}
	if (rc == STORE_OK) {
		json_key(&j, "votes");
		rc = export_votes(c, &j);
	}
	if (rc == STORE_OK) {
		json_key(&j, "blocks");
		rc = export_blocks(c, &j);
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	json_obj_close(&j);
	buf_putc(&c->r->out, '\n');
	http_add_header(c->r, "Content-Disposition", arena_printf(c->a,
	    "attachment; filename=\"parley-%s.json\"", c->user->name));
}
