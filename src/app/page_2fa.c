/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_2fa.c: two-factor sign-in at /settings/2fa: enrolment (a QR code
 * as inline SVG and the secret as text; the same pending secret until it
 * is confirmed), confirmation with a code (ten recovery codes, shown
 * once, kept hashed) and turning it off (needs a code, and a wrong one
 * counts as a failed login). The codes themselves and the login step
 * are in app_2fa.c.
 */
#include "app_int.h"

#include <string.h>

/* ---- /settings/2fa ----------------------------------------------------- */

static const char *
otpauth(struct ctx *c, const char *b32)
{
	const char *site = app_g.cfg && app_g.cfg->site_name ?
	    app_g.cfg->site_name : "Parley";
	struct buf b;

	buf_init(&b, c->a, 128);
	buf_puts(&b, "otpauth://totp/");
	url_escape(&b, str_c(site));
	buf_puts(&b, ":");
	url_escape(&b, str_c(c->user->name));
	buf_puts(&b, "?secret=");
	buf_puts(&b, b32);
	buf_puts(&b, "&issuer=");
	url_escape(&b, str_c(site));
	buf_puts(&b, "&algorithm=SHA1&digits=6&period=30");
	buf_putc(&b, '\0');
	return b.p;
}

static void
settings_page(struct ctx *c, const struct totp_state *t, const char *msg)
{
	struct html h;

	page_begin(c, &h, "Two-factor sign-in");
	html_raw_literal(&h, "<div class=\"content\"><h1>Two-factor sign-in"
	    "</h1><p class=\"meta\"><a href=\"/settings\">settings</a></p>");
	if (msg != NULL) {
		html_raw_literal(&h, "<p class=\"error\">");
		html_text_c(&h, msg);
		html_raw_literal(&h, "</p>");
	}
	if (t->enabled) {
		html_raw_literal(&h, "<p>Two-factor sign-in is <strong>on</strong>."
		    "</p><h2>Turn it off</h2><form class=\"edit\" method=\"post\" "
		    "action=\"/settings/2fa/disable\">");
		app_csrf_field(c, &h);
		html_raw_literal(&h, "<label for=\"code\">a code from your app, or "
		    "a recovery code</label><input type=\"text\" id=\"code\" "
		    "name=\"code\" required autocomplete=\"one-time-code\" "
		    "maxlength=\"20\"><p><button>turn off</button></p></form></div>");
	} else {
		const char *b32 = totp_base32(c->a, t->pending_secret,
		    STORE_TOTP_SECRET);
		struct buf svg;

		buf_init(&svg, c->a, 8192);
		html_raw_literal(&h, "<p>Scan this code with an authenticator app, "
		    "or type the secret, then enter the six-digit code it shows."
		    "</p><div class=\"qr\">");
		if (qr_svg(&svg, otpauth(c, b32)) == 0)
			html_raw_trusted(&h, buf_str(&svg));
		html_raw_literal(&h, "</div><p>Secret: <code class=\"secret\">");
		html_text_c(&h, b32);
		html_raw_literal(&h, "</code></p><form class=\"edit\" "
		    "method=\"post\" action=\"/settings/2fa\">");
		app_csrf_field(c, &h);
		html_raw_literal(&h, "<label for=\"code\">code</label><input "
		    "type=\"text\" id=\"code\" name=\"code\" required "
		    "autocomplete=\"one-time-code\" inputmode=\"numeric\" "
		    "maxlength=\"10\"><p><button>turn on</button></p></form></div>");
	}
	page_end(c, &h);
}

/* Loads the state, making a pending secret when there is none. */
static int
load_state(struct ctx *c, struct totp_state *t)
{
	int rc = store_totp_get(c->s, c->user->id, t);

	if (rc == STORE_OK && !t->enabled && !t->pending) {
		totp_secret_new(t->pending_secret);
		rc = store_totp_set_pending(c->s, c->user->id, t->pending_secret);
		t->pending = rc == STORE_OK;
	}
	if (rc != STORE_OK)
		app_store_error(c, rc);
	return rc == STORE_OK ? 0 : -1;
}

/* GET /settings/2fa */
void
page_2fa(struct ctx *c)
{
	struct totp_state t;
	struct json j;

	if (load_state(c, &t) != 0)
		return;
	if (!c->json) {
		settings_page(c, &t, NULL);
		return;
	}
	app_json_begin(c, &j);
	json_obj_open(&j);
	json_kv_bool(&j, "enabled", t.enabled);
	if (!t.enabled) {
		const char *b32 = totp_base32(c->a, t.pending_secret,
		    STORE_TOTP_SECRET);

		json_kv_str_c(&j, "secret", b32);
		json_kv_str_c(&j, "otpauth", otpauth(c, b32));
	}
	json_obj_close(&j);
}

static void
refused(struct ctx *c, const struct totp_state *t, int status,
    const char *code, const char *msg)
{
	if (c->json) {
		app_error(c, status, code, msg);
		return;
	}
	settings_page(c, t, msg);
	c->r->status = status;
}

/* POST /settings/2fa: code. Confirms the pending secret; answers the ten
 * recovery codes, shown once. */
void
page_2fa_confirm(struct ctx *c)
{
	unsigned char keys[STORE_RECOVERY_CODES][32];
	const char *codes[STORE_RECOVERY_CODES];
	struct totp_state t;
	int64_t step;
	int rc;

	if (authz(c, AZ_SETTINGS, NULL) != 0 || load_state(c, &t) != 0)
		return;
	if (t.enabled) {
		refused(c, &t, 409, "already_enabled", "Two-factor sign-in is "
		    "already on.");
		return;
	}
	if (!totp_check(t.pending_secret, STORE_TOTP_SECRET,
	    app_form_text(c, "code"), c->now, 0, &step)) {
		refused(c, &t, 400, "bad_code", "That code is not right; check "
		    "the time on your device and try the next one.");
		return;
	}
	for (size_t i = 0; i < STORE_RECOVERY_CODES; i++)
		codes[i] = app_2fa_recovery_new(c->a, keys[i]);
	rc = store_totp_confirm(c->s, c->user->id, step, keys);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	http_add_header(c->r, "Cache-Control", "no-store");
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_key(&j, "recovery_codes");
		json_arr_open(&j);
		for (size_t i = 0; i < STORE_RECOVERY_CODES; i++)
			json_str_c(&j, codes[i]);
		json_arr_close(&j);
		json_obj_close(&j);
		return;
	}
	{
		struct html h;

		page_begin(c, &h, "Two-factor sign-in");
		html_raw_literal(&h, "<div class=\"content\"><h1>Two-factor "
		    "sign-in is on</h1><p>Keep these recovery codes somewhere "
		    "safe: each signs you in once if you lose your device. They "
		    "are shown only now.</p><ul class=\"recovery\">");
		for (size_t i = 0; i < STORE_RECOVERY_CODES; i++) {
			html_raw_literal(&h, "<li><code>");
			html_text_c(&h, codes[i]);
			html_raw_literal(&h, "</code></li>");
		}
		html_raw_literal(&h, "</ul><p><a href=\"/settings\">back to "
		    "settings</a></p></div>");
		page_end(c, &h);
	}
}

/* POST /settings/2fa/disable: code (TOTP or recovery). */
void
page_2fa_disable(struct ctx *c)
{
	struct totp_state t;
	int rc;

	if (authz(c, AZ_SETTINGS, NULL) != 0)
		return;
	if ((rc = store_totp_get(c->s, c->user->id, &t)) != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (!t.enabled) {
		app_error(c, 409, "not_enabled", "Two-factor sign-in is off.");
		return;
	}
	rc = app_2fa_code_ok(c, c->user->id, &t, app_form_text(c, "code"));
	if (rc < 0)
		return;
	if (rc == 0) {
		app_login_failed(c, str_c(c->user->name));
		refused(c, &t, 400, "bad_code", "Wrong or already used code.");
		return;
	}
	if ((rc = store_totp_disable(c->s, c->user->id)) != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_done(c, "/settings/2fa");
}
