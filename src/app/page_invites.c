/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_invites.c: registration modes and invite codes. The mode
 * (open, invite or closed) comes from the setting an admin chose at
 * /admin (POST /admin/registration), else from the configuration
 * (registration, PARLEY_REGISTRATION), else open. Admins make invite
 * codes at /admin/invites (POST field uses, optional expires as a
 * duration); a code is shown once and kept hashed, and /register then
 * takes it in its invite field (page_account.c, app_invite_key).
 *
 * Where the admins allow it (setting member_invites), members with at
 * least invite_min_points points make one-use codes of their own at
 * /settings/invites, at most invite_max_per_member in all (authz
 * AZ_INVITE decides who may). Admins see who invited whom below their
 * invite form, newest first, paged by member id.
 */
#include "app_int.h"

#include <sodium.h>
#include <string.h>

#define INVITE_USES_MAX 1000
#define INVITED_SHOWN 50

/* The registration mode in force: "open", "invite" or "closed". */
const char *
app_registration_mode(struct ctx *c)
{
	const char *v = NULL;

	if (store_setting_get(c->s, c->a, "registration", &v) == STORE_OK &&
	    v != NULL && (strcmp(v, "open") == 0 || strcmp(v, "invite") == 0 ||
	    strcmp(v, "closed") == 0))
		return v;
	if (app_g.cfg != NULL && app_g.cfg->registration != NULL)
		return app_g.cfg->registration;
	return "open";
}

/* The storage key of an invite code as typed (trimmed); false when it
 * cannot be one. */
bool
app_invite_key(struct str code, unsigned char key[32])
{
	if (code.len != 32)
		return false;
	for (size_t i = 0; i < code.len; i++)
		if (!((code.p[i] >= '0' && code.p[i] <= '9') ||
		    (code.p[i] >= 'a' && code.p[i] <= 'f')))
			return false;
	crypto_generichash(key, 32, (const unsigned char *)code.p, code.len,
	    NULL, 0);
	return true;
}

/* The code, shown once, in its own paragraph. */
static void
new_code(struct html *h, const char *code)
{
	if (code == NULL)
		return;
	html_raw_literal(h, "<p>The new invite code, shown this once: "
	    "<code class=\"invite\">");
	html_text_c(h, code);
	html_raw_literal(h, "</code></p>");
}

/* The error message of a refused form, when there is one. */
static void
form_error(struct html *h, const char *msg)
{
	if (msg == NULL)
		return;
	html_raw_literal(h, "<p class=\"error\">");
	html_text_c(h, msg);
	html_raw_literal(h, "</p>");
}

/* Who invited whom: a page of invited members after ?after=. */
static void
invited_html(struct ctx *c, struct html *h, const struct invited *vs,
    size_t n, bool more)
{
	html_raw_literal(h, "<h2 id=\"invited\">Who invited whom</h2>"
	    "<ol class=\"invited\">");
	for (size_t i = 0; i < n; i++) {
		html_raw_literal(h, "<li>");
		app_user_link(c, h, vs[i].name);
		html_raw_literal(h, " by ");
		app_user_link(c, h, vs[i].inviter);
		html_raw_literal(h, " · ");
		html_time(h, vs[i].created, c->now);
		html_raw_literal(h, "</li>");
	}
	html_raw_literal(h, "</ol>");
	if (n == 0)
		html_raw_literal(h, "<p>Nobody has come by invitation yet.</p>");
	if (more) {
		html_raw_literal(h, "<p><a");
		html_attr(h, "href", str_c(arena_printf(c->a,
		    "/admin/invites?after=%lld#invited", (long long)vs[n - 1].id)));
		html_raw_literal(h, ">older</a></p>");
	}
}

static void
invites_page(struct ctx *c, const char *code, const char *msg,
    const struct invited *vs, size_t n, bool more)
{
	struct html h;

	page_begin(c, &h, "Invites");
	html_raw_literal(&h, "<div class=\"content\"><h1>Invites</h1>"
	    "<p class=\"meta\"><a href=\"/admin\">administration</a></p>");
	form_error(&h, msg);
	html_raw_literal(&h, "<p>Registration is ");
	html_text_c(&h, app_registration_mode(c));
	html_raw_literal(&h, ".</p><form class=\"edit\" method=\"post\" "
	    "action=\"/admin/registration\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"registration\">registration</label>"
	    "<select id=\"registration\" name=\"registration\">"
	    "<option>open</option><option>invite</option><option>closed</option>"
	    "</select><p><button>save</button></p></form>");
	new_code(&h, code);
	html_raw_literal(&h, "<h2>New invite code</h2><form class=\"edit\" "
	    "method=\"post\" action=\"/admin/invites\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"uses\">uses</label><input "
	    "type=\"number\" id=\"uses\" name=\"uses\" min=\"1\" max=\""
	    APP_STR(INVITE_USES_MAX) "\" value=\"1\" required>"
	    "<label for=\"expires\">valid for (e.g. 7d; empty: no end)</label>"
	    "<input type=\"text\" id=\"expires\" name=\"expires\" "
	    "maxlength=\"" APP_STR(DURATION_MAX) "\">"
	    "<p><button>make code</button></p></form>");
	invited_html(c, &h, vs, n, more);
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/* Reads the page of invited members after the cursor ?after= (0 for a
 * form's answer). Returns 0, or -1 after answering. */
static int
invited_page(struct ctx *c, bool cursor, struct invited **vs, size_t *n,
    bool *more)
{
	struct str after_s = http_query(c->r, "after");
	int64_t after = 0;
	int rc;

	*vs = NULL;
	*n = 0;
	*more = false;
	if (cursor && after_s.p != NULL && (!str_to_i64(after_s, &after) ||
	    after < 0)) {
		app_error(c, 400, "bad_cursor", "after is a user id.");
		return -1;
	}
	rc = store_invited_list(c->s, c->a, after, INVITED_SHOWN + 1, vs, n);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	*more = *n > INVITED_SHOWN;
	if (*more)
		*n = INVITED_SHOWN;
	return 0;
}

/* GET /admin/invites and /admin/invites.json: ?after=ID pages the list
 * of who invited whom. */
void
page_admin_invites(struct ctx *c)
{
	struct invited *vs;
	struct json j;
	bool more;
	size_t n;

	if (authz(c, AZ_ADMIN, NULL) != 0 || invited_page(c, true, &vs, &n,
	    &more) != 0)
		return;
	if (!c->json) {
		invites_page(c, NULL, NULL, vs, n, more);
		return;
	}
	app_json_list_begin(c, &j, "invited");
	for (size_t i = 0; i < n; i++) {
		json_obj_open(&j);
		json_kv_str_c(&j, "name", vs[i].name);
		json_kv_str_c(&j, "invited_by", vs[i].inviter);
		json_kv_time(&j, "created", vs[i].created);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	app_json_after(c, &j, more, more ? vs[n - 1].id : 0);
	json_kv_str_c(&j, "registration", app_registration_mode(c));
	json_obj_close(&j);
}

static void
invites_again(struct ctx *c, const char *msg)
{
	struct invited *vs;
	bool more;
	size_t n;

	if (invited_page(c, false, &vs, &n, &more) == 0)
		invites_page(c, NULL, msg, vs, n, more);
}

/*
 * Makes an invite code of the viewer's for uses registrations, valid
 * for the duration in the field expires (empty: no end), and answers
 * it: JSON {"code", "uses", "expires"}, else the page again (shown,
 * which writes the page with the code). Returns -1 after a refusal
 * (again shows the form with the message).
 */
static int
make_code(struct ctx *c, int64_t uses,
    void (*again)(struct ctx *c, const char *msg),
    void (*shown)(struct ctx *c, const char *code))
{
	struct str exp_s = app_form_text(c, "expires");
	unsigned char raw[16], key[32];
	char code[33];
	int64_t secs = 0;
	int rc;

	if (exp_s.len > 0 && (exp_s.len > DURATION_MAX ||
	    base_parse_duration(str_dup(c->a, exp_s), &secs) != 0 || secs <= 0)) {
		app_form_refused(c, 400, "bad_expires", "expires is a duration "
		    "such as 7d or 12h, or empty.", again);
		return -1;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(code, sizeof(code), raw, sizeof(raw));
	app_invite_key(str_c(code), key);
	rc = store_invite_create(c->s, key, c->user->id, uses,
	    secs ? c->now + secs : 0, c->now);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_kv_str_c(&j, "code", code);
		json_kv_int(&j, "uses", uses);
		json_kv_opt_time(&j, "expires", secs ? c->now + secs : 0);
		json_obj_close(&j);
		return 0;
	}
	http_add_header(c->r, "Cache-Control", "no-store");
	shown(c, arena_strndup(c->a, code, 32));
	return 0;
}

static void
admin_code_shown(struct ctx *c, const char *code)
{
	struct invited *vs;
	bool more;
	size_t n;

	if (invited_page(c, false, &vs, &n, &more) == 0)
		invites_page(c, code, NULL, vs, n, more);
}

/* POST /admin/invites: uses, expires (a duration; empty: never). */
void
page_admin_invite_create(struct ctx *c)
{
	int64_t uses;

	if (authz(c, AZ_ADMIN, NULL) != 0)
		return;
	if (!str_to_i64(app_form_text(c, "uses"), &uses) || uses < 1 ||
	    uses > INVITE_USES_MAX) {
		app_form_refused(c, 400, "bad_uses", "uses is a number from 1 to "
		    APP_STR(INVITE_USES_MAX) ".", invites_again);
		return;
	}
	make_code(c, uses, invites_again, admin_code_shown);
}

/* ---- members' own invites --------------------------------------------- */

static void
member_page(struct ctx *c, const char *code, const char *msg)
{
	int64_t made = 0, max = app_setting_int(c, "invite_max_per_member",
	    INVITE_MAX_PER_MEMBER);
	struct html h;

	if (store_invite_count(c->s, c->user->id, &made) != STORE_OK)
		made = 0;
	page_begin(c, &h, "Invites");
	html_raw_literal(&h, "<div class=\"content\"><h1>Invites</h1>"
	    "<p class=\"meta\"><a href=\"/settings\">settings</a></p>");
	form_error(&h, msg);
	new_code(&h, code);
	html_raw_literal(&h, "<p>Registration is ");
	html_text_c(&h, app_registration_mode(c));
	html_raw_literal(&h, ". You have made ");
	html_int(&h, made);
	html_raw_literal(&h, " of the ");
	html_int(&h, max);
	html_raw_literal(&h, " invite codes a member may make; each lets one "
	    "person register.</p><form class=\"edit\" method=\"post\" "
	    "action=\"/settings/invites\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"expires\">valid for (e.g. 7d; "
	    "empty: no end)</label><input type=\"text\" id=\"expires\" "
	    "name=\"expires\" maxlength=\"" APP_STR(DURATION_MAX) "\">"
	    "<p><button>make code</button></p></form></div>");
	page_end(c, &h);
}

static void
member_again(struct ctx *c, const char *msg)
{
	member_page(c, NULL, msg);
}

static void
member_code_shown(struct ctx *c, const char *code)
{
	member_page(c, code, NULL);
}

/* GET /settings/invites and /settings/invites.json: {"made", "max",
 * "min_points", "registration"}; 403 for a member who may not invite. */
void
page_member_invites(struct ctx *c)
{
	int64_t made = 0;
	struct json j;
	int rc;

	if (authz(c, AZ_INVITE, NULL) != 0)
		return;
	if (!c->json) {
		member_page(c, NULL, NULL);
		return;
	}
	rc = store_invite_count(c->s, c->user->id, &made);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_json_begin(c, &j);
	json_obj_open(&j);
	json_kv_int(&j, "made", made);
	json_kv_int(&j, "max", app_setting_int(c, "invite_max_per_member",
	    INVITE_MAX_PER_MEMBER));
	json_kv_int(&j, "min_points", app_setting_int(c, "invite_min_points",
	    INVITE_MIN_POINTS));
	json_kv_str_c(&j, "registration", app_registration_mode(c));
	json_obj_close(&j);
}

/* POST /settings/invites: expires (a duration; empty: never); a code
 * for one registration, while the member is under the cap. */
void
page_member_invite_create(struct ctx *c)
{
	int64_t made = 0, max = app_setting_int(c, "invite_max_per_member",
	    INVITE_MAX_PER_MEMBER);
	int rc;

	if (authz(c, AZ_INVITE, NULL) != 0)
		return;
	rc = store_invite_count(c->s, c->user->id, &made);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (made >= max && !app_is_admin(c)) {
		app_form_refused(c, 403, "invite_cap", arena_printf(c->a, "You "
		    "have made all the %lld invite codes a member may make.",
		    (long long)max), member_again);
		return;
	}
	make_code(c, 1, member_again, member_code_shown);
}

/* POST /admin/registration: registration (open, invite, closed). */
void
page_admin_registration(struct ctx *c)
{
	struct str v = app_form_text(c, "registration");
	int rc;

	if (authz(c, AZ_ADMIN, NULL) != 0)
		return;
	if (!str_eq_lit(v, "open") && !str_eq_lit(v, "invite") &&
	    !str_eq_lit(v, "closed")) {
		app_error(c, 400, "bad_registration", "registration is open, "
		    "invite or closed.");
		return;
	}
	if ((rc = store_setting_set(c->s, "registration", str_dup(c->a, v))) !=
	    STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_done(c, "/admin/invites");
}
