/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_invites.c: registration modes and invite codes. The mode
 * (open, invite or closed) comes from the setting an admin chose at
 * /admin (POST /admin/registration), else from the configuration
 * (registration, PARLEY_REGISTRATION), else open. Admins make invite
 * codes at /admin/invites (POST field uses, optional expires as a
 * duration); a code is shown once and kept hashed, and /register then
 * takes it in its invite field (page_account.c, app_invite_key).
 */
#include "app_int.h"

#include <sodium.h>
#include <string.h>

#define INVITE_USES_MAX 1000

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

static void
invites_page(struct ctx *c, const char *code, const char *msg)
{
	struct html h;

	page_begin(c, &h, "Invites");
	html_raw_literal(&h, "<div class=\"content\"><h1>Invites</h1>"
	    "<p class=\"meta\"><a href=\"/admin\">administration</a></p>");
	if (msg != NULL) {
		html_raw_literal(&h, "<p class=\"error\">");
		html_text_c(&h, msg);
		html_raw_literal(&h, "</p>");
	}
	html_raw_literal(&h, "<p>Registration is ");
	html_text_c(&h, app_registration_mode(c));
	html_raw_literal(&h, ".</p><form class=\"edit\" method=\"post\" "
	    "action=\"/admin/registration\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"registration\">registration</label>"
	    "<select id=\"registration\" name=\"registration\">"
	    "<option>open</option><option>invite</option><option>closed</option>"
	    "</select><p><button>save</button></p></form>");
	if (code != NULL) {
		html_raw_literal(&h, "<p>The new invite code, shown this once: "
		    "<code class=\"invite\">");
		html_text_c(&h, code);
		html_raw_literal(&h, "</code></p>");
	}
	html_raw_literal(&h, "<h2>New invite code</h2><form class=\"edit\" "
	    "method=\"post\" action=\"/admin/invites\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"uses\">uses</label><input "
	    "type=\"number\" id=\"uses\" name=\"uses\" min=\"1\" max=\""
	    APP_STR(INVITE_USES_MAX) "\" value=\"1\" required>"
	    "<label for=\"expires\">valid for (e.g. 7d; empty: no end)</label>"
	    "<input type=\"text\" id=\"expires\" name=\"expires\" "
	    "maxlength=\"" APP_STR(DURATION_MAX) "\">"
	    "<p><button>make code</button></p></form></div>");
	page_end(c, &h);
}

/* GET /admin/invites */
void
page_admin_invites(struct ctx *c)
{
	if (authz(c, AZ_ADMIN, NULL) != 0)
		return;
	invites_page(c, NULL, NULL);
}

static void
invites_again(struct ctx *c, const char *msg)
{
	invites_page(c, NULL, msg);
}

/* POST /admin/invites: uses, expires (a duration; empty: never). */
void
page_admin_invite_create(struct ctx *c)
{
	struct str uses_s = app_form_text(c, "uses");
	struct str exp_s = app_form_text(c, "expires");
	unsigned char raw[16], key[32];
	char code[33];
	int64_t uses, secs = 0;
	int rc;

	if (authz(c, AZ_ADMIN, NULL) != 0)
		return;
	if (!str_to_i64(uses_s, &uses) || uses < 1 || uses > INVITE_USES_MAX) {
		app_form_refused(c, 400, "bad_uses", "uses is a number from 1 to "
		    APP_STR(INVITE_USES_MAX) ".", invites_again);
		return;
	}
	if (exp_s.len > 0 && (exp_s.len > DURATION_MAX ||
	    base_parse_duration(str_dup(c->a, exp_s), &secs) != 0 || secs <= 0)) {
		app_form_refused(c, 400, "bad_expires", "expires is a duration "
		    "such as 7d or 12h, or empty.", invites_again);
		return;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(code, sizeof(code), raw, sizeof(raw));
	app_invite_key(str_c(code), key);
	rc = store_invite_create(c->s, key, c->user->id, uses,
	    secs ? c->now + secs : 0, c->now);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_kv_str_c(&j, "code", code);
		json_kv_int(&j, "uses", uses);
		json_kv_opt_time(&j, "expires", secs ? c->now + secs : 0);
		json_obj_close(&j);
		return;
	}
	http_add_header(c->r, "Cache-Control", "no-store");
	invites_page(c, arena_strndup(c->a, code, 32), NULL);
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
	if (c->json)
		app_json_ok(c);
	else
		app_redirect(c, "/admin/invites");
}
