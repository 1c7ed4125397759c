/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_2fa.c: two-factor sign-in: enrolment at /settings/2fa (a QR code
 * as inline SVG and the secret as text; the same pending secret until it
 * is confirmed), confirmation with a code (ten recovery codes, shown
 * once, kept hashed), turning it off (needs a code), and the code step
 * of POST /login (app_2fa_login).
 *
 * Login asks for the code after the password without opening a session
 * in between: the page that asks carries a challenge, an HMAC under the
 * site secret of the user id and a time five minutes ahead, so nothing
 * is stored and the password is not sent again. A wrong code counts as a
 * failed login of the name and address (the login limits), a code is
 * accepted only in a later 30-second step than the last one
 * (store_totp_step, atomic), and a recovery code is deleted when used.
 */
#include "app_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define CHALLENGE_SECS 300
#define RECOVERY_LEN 10   /* characters of a recovery code, dash aside */

/* ---- codes ------------------------------------------------------------- */

/* The storage key of a recovery code: BLAKE2b of its letters, lowercased,
 * without dashes or spaces. False when it cannot be one. */
static bool
recovery_key(struct str code, unsigned char key[32])
{
	char norm[RECOVERY_LEN];
	size_t n = 0;

	for (size_t i = 0; i < code.len; i++) {
		char ch = code.p[i];

		if (ch == '-' || ch == ' ')
			continue;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '2' && ch <= '9')) ||
		    n == RECOVERY_LEN)
			return false;
		norm[n++] = ch;
	}
	if (n != RECOVERY_LEN)
		return false;
	crypto_generichash(key, 32, (const unsigned char *)norm, n, NULL, 0);
	return true;
}

/* A new recovery code "xxxxx-xxxxx" (in a) and its key. */
static char *
recovery_new(struct arena *a, unsigned char key[32])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	char *out = arena_alloc(a, RECOVERY_LEN + 2);
	size_t k = 0;

	for (size_t i = 0; i < RECOVERY_LEN; i++) {
		if (i == RECOVERY_LEN / 2)
			out[k++] = '-';
		out[k++] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	}
	out[k] = '\0';
	recovery_key(str_c(out), key);
	return out;
}

/*
 * Checks code against the member's second factor: a TOTP code of a step
 * after the last accepted one, or an unused recovery code (used up).
 * Returns 1 accepted, 0 refused, -1 after answering a store error.
 */
static int
code_ok(struct ctx *c, int64_t user_id, const struct totp_state *t,
    struct str code)
{
	unsigned char key[32];
	int64_t step;
	int rc;

	if (totp_check(t->secret, STORE_TOTP_SECRET, code, c->now,
	    t->last_step, &step)) {
		rc = store_totp_step(c->s, user_id, step);
		if (rc == STORE_OK)
			return 1;
		if (rc == STORE_CONFLICT)
			return 0;
		app_store_error(c, rc);
		return -1;
	}
	if (!recovery_key(code, key))
		return 0;
	rc = store_recovery_use(c->s, user_id, key);
	if (rc == STORE_OK)
		return 1;
	if (rc == STORE_NOTFOUND)
		return 0;
	app_store_error(c, rc);
	return -1;
}

/* ---- the login step ---------------------------------------------------- */

static const char *
challenge_make(struct ctx *c, int64_t user_id, int64_t expires)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[sizeof(mac) * 2 + 1];
	const char *msg = arena_printf(c->a, "2fa:%lld:%lld",
	    (long long)user_id, (long long)expires);

	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg),
	    app_g.secret);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	return arena_printf(c->a, "%lld.%s", (long long)expires, hex);
}

/* True when challenge s was made for user_id and has not expired. */
static bool
challenge_ok(struct ctx *c, int64_t user_id, struct str s)
{
	const char *dot = s.p ? memchr(s.p, '.', s.len) : NULL;
	int64_t expires;
	const char *want;

	if (dot == NULL || !str_to_i64((struct str){ s.p, (size_t)(dot - s.p) },
	    &expires) || expires < c->now || expires > c->now + CHALLENGE_SECS)
		return false;
	want = challenge_make(c, user_id, expires);
	return strlen(want) == s.len && sodium_memcmp(want, s.p, s.len) == 0;
}

static void
code_page(struct ctx *c, struct str name, const char *challenge,
    const char *msg)
{
	struct html h;

	page_begin(c, &h, "Two-factor code");
	html_raw_literal(&h, "<div class=\"content\"><h1>Two-factor code</h1>");
	if (msg != NULL) {
		html_raw_literal(&h, "<p class=\"error\">");
		html_text_c(&h, msg);
		html_raw_literal(&h, "</p>");
	}
	html_raw_literal(&h, "<p>Enter the six-digit code from your "
	    "authenticator app, or one of your recovery codes.</p>"
	    "<form class=\"edit\" method=\"post\" action=\"/login\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<input type=\"hidden\" name=\"username\"");
	html_attr(&h, "value", name);
	html_raw_literal(&h, "><input type=\"hidden\" name=\"challenge\"");
	html_attr_c(&h, "value", challenge);
	html_raw_literal(&h, "><label for=\"code\">code</label>"
	    "<input type=\"text\" id=\"code\" name=\"code\" required "
	    "autocomplete=\"one-time-code\" inputmode=\"numeric\" "
	    "maxlength=\"20\" autofocus>"
	    "<p><button>sign in</button></p></form></div>");
	page_end(c, &h);
}

/*
 * True when POST /login carries a challenge for user_id in place of the
 * password (the second step).
 */
bool
app_2fa_challenge(struct ctx *c, int64_t user_id)
{
	struct str ch = http_form(c->r, "challenge");

	return ch.len > 0 && challenge_ok(c, user_id, ch);
}

/*
 * The second factor of a login whose first (password or challenge) has
 * passed. Returns 0 when the user has none or gave a good code; else -1
 * after answering: the page asking for the code (no session opened), or
 * a refusal counted as a failed login.
 */
int
app_2fa_login(struct ctx *c, const struct user *u, struct str name)
{
	struct str code = app_form_text(c, "code");
	struct totp_state t;
	const char *challenge;
	int rc;

	if ((rc = store_totp_get(c->s, u->id, &t)) != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (!t.enabled)
		return 0;
	challenge = challenge_make(c, u->id, c->now + CHALLENGE_SECS);
	if (code.len == 0) {
		if (c->json) {
			app_error(c, 401, "code_required", "This account needs a "
			    "two-factor code: send code with the password.");
			return -1;
		}
		code_page(c, name, challenge, NULL);
		return -1;
	}
	rc = code_ok(c, u->id, &t, code);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		app_login_failed(c, name);
		if (c->json)
			app_error(c, 401, "bad_code", "Wrong or already used code.");
		else
			code_page(c, name, challenge, "Wrong or already used code.");
		c->r->status = 401;
		return -1;
	}
	return 0;
}

/* ---- /settings/2fa ----------------------------------------------------- */

/* Appends s percent-encoded but for RFC 3986's unreserved characters. */
static void
url_encode(struct buf *b, struct str s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < s.len; i++) {
		unsigned char ch = (unsigned char)s.p[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_' || ch == '~') {
			buf_putc(b, (char)ch);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[ch >> 4]);
			buf_putc(b, hex[ch & 15]);
		}
	}
}

static const char *
otpauth(struct ctx *c, const char *b32)
{
	const char *site = app_g.cfg && app_g.cfg->site_name ?
	    app_g.cfg->site_name : "Parley";
	struct buf b;

	buf_init(&b, c->a, 128);
	buf_puts(&b, "otpauth://totp/");
	url_encode(&b, str_c(site));
	buf_puts(&b, ":");
	url_encode(&b, str_c(c->user->name));
	buf_puts(&b, "?secret=");
	buf_puts(&b, b32);
	buf_puts(&b, "&issuer=");
	url_encode(&b, str_c(site));
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
		codes[i] = recovery_new(c->a, keys[i]);
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
	rc = code_ok(c, c->user->id, &t, app_form_text(c, "code"));
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
	if (c->json)
		app_json_ok(c);
	else
		app_redirect(c, "/settings/2fa");
}

/* Whether the signed-in user has two-factor sign-in on (false when it
 * cannot be told). For authz's require_2fa_for_mods. */
bool
app_2fa_enabled(struct ctx *c)
{
	struct totp_state t;

	return c->user != NULL && store_totp_get(c->s, c->user->id, &t) ==
	    STORE_OK && t.enabled;
}
