/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_2fa.c: the codes of two-factor sign-in and the code step of
 * POST /login (app_2fa_login): TOTP codes and recovery codes checked for
 * a member, the challenge that carries a login from its password to its
 * code, and whether the viewer has a second factor (authz's
 * require_2fa_for_mods). Settings pages are in page_2fa.c.
 *
 * Login asks for the code after the password without opening a session
 * in between: the page that asks carries a challenge, an HMAC under the
 * site secret of the user id and a time five minutes ahead, so nothing
 * is stored and the password is not sent again. A code is accepted only
 * in a later 30-second step than the last one (store_totp_step, atomic),
 * and a recovery code is deleted when used.
 */
#include "app_int.h"

#include <sodium.h>
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
char *
app_2fa_recovery_new(struct arena *a, unsigned char key[32])
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
int
app_2fa_code_ok(struct ctx *c, int64_t user_id, const struct totp_state *t,
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
 * a refusal, with *bad_code set so that the caller counts it as a failed
 * login.
 */
int
app_2fa_login(struct ctx *c, const struct user *u, struct str name,
    bool *bad_code)
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
	*bad_code = false;
	rc = app_2fa_code_ok(c, u->id, &t, code);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		*bad_code = true;
		if (c->json)
			app_error(c, 401, "bad_code", "Wrong or already used code.");
		else
			code_page(c, name, challenge, "Wrong or already used code.");
		c->r->status = 401;
		return -1;
	}
	return 0;
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
