/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_session.c: sign-in sessions, CSRF tokens and password hashing.
 *
 * A session is a random 256-bit token in an HttpOnly, SameSite=Lax cookie;
 * the database keeps only its BLAKE2b hash, so a leaked database does not
 * sign anyone in. A signed-out visitor who is shown a form gets a random
 * anonymous token in a cookie instead. The CSRF token of either is an
 * HMAC-SHA256 of it under the site secret: valid for every form of that
 * session, new after sign-in, and nothing to store.
 */
#include "app_int.h"

#include <sodium.h>
#include <string.h>

#define PW_OPSLIMIT 2                   /* argon2id t=2 */
#define PW_MEMLIMIT (19u * 1024 * 1024) /* m=19 MiB, OWASP's minimum */

/* The process-wide state (app_int.h): the configuration and the secret
 * that signs CSRF tokens. It lives here, at the bottom of src/app, so
 * that reading it ties no file to the route table above. */
struct app app_g;

static bool
hex_token(struct str s, unsigned char out[32])
{
	size_t n = 0;

	if (s.len != 64)
		return false;
	return sodium_hex2bin(out, 32, s.p, s.len, NULL, &n, NULL) == 0 &&
	    n == 32;
}

static void
token_key(const unsigned char token[32], unsigned char key[32])
{
	crypto_generichash(key, 32, token, 32, NULL, 0);
}

static const char *
cookie_header(struct ctx *c, const char *name, const char *value,
    long max_age)
{
	return arena_printf(c->a, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; "
	    "SameSite=Lax%s", name, value, max_age,
	    c->r->tls ? "; Secure" : "");
}

/*
 * Reads the session and anonymous cookies. Returns true when a session
 * token came: its hash is in c->sess_key, for app_cache_session to sign
 * the user in.
 */
bool
session_cookie(struct ctx *c)
{
	unsigned char token[32];
	bool has = false;

	if (hex_token(http_cookie(c->r, SESSION_COOKIE), token)) {
		token_key(token, c->sess_key);
		has = true;
	}
	if (hex_token(http_cookie(c->r, ANON_COOKIE), token))
		c->anon = str_dup(c->a, http_cookie(c->r, ANON_COOKIE));
	return has;
}

/*
 * The last token this worker thread computed: a browser's next request on
 * the same keep-alive connection comes to the same thread, so it is
 * usually the one wanted. Compared in constant time, as it holds another
 * visitor's token when it is not.
 */
static _Thread_local struct {
	unsigned char msg[33];
	char hex[65];
	bool set;
} last_mac;

static void
mac_hex(const void *msg, size_t len, char out[65])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256(mac, msg, len, app_g.secret);
	sodium_bin2hex(out, 65, mac, sizeof(mac));
}

/*
 * The expected token, or NULL when the visitor has no session at all.
 * A page has a form per vote button, so the HMAC is computed once per
 * request and reused while the session it came from stays the same.
 */
static const char *
expected_csrf(struct ctx *c)
{
	char *out;
	unsigned char msg[33];

	if (c->user != NULL) {
		msg[0] = 's';
		memcpy(msg + 1, c->sess_key, 32);
	} else if (c->anon != NULL) {
		unsigned char token[32];

		hex_token(str_c(c->anon), token);
		msg[0] = 'a';
		memcpy(msg + 1, token, 32);
	} else {
		return NULL;
	}
	c->personal = true;
	if (c->csrf != NULL && memcmp(c->csrf_msg, msg, sizeof(msg)) == 0)
		return c->csrf;
	out = arena_alloc(c->a, 65);
	if (last_mac.set && sodium_memcmp(last_mac.msg, msg, sizeof(msg)) == 0) {
		memcpy(out, last_mac.hex, 65);
	} else {
		mac_hex(msg, sizeof(msg), out);
		memcpy(last_mac.msg, msg, sizeof(msg));
		memcpy(last_mac.hex, out, 65);
		last_mac.set = true;
	}
	memcpy(c->csrf_msg, msg, sizeof(msg));
	c->csrf = out;
	return out;
}

/*
 * Returns the CSRF token for this visitor's forms (arena memory). A
 * signed-out visitor without a token gets one, with its cookie.
 */
const char *
session_csrf(struct ctx *c)
{
	if (c->user == NULL && c->anon == NULL) {
		unsigned char token[32];
		char *hex = arena_alloc(c->a, 65);

		randombytes_buf(token, sizeof(token));
		sodium_bin2hex(hex, 65, token, sizeof(token));
		c->anon = hex;
		http_add_header(c->r, "Set-Cookie",
		    cookie_header(c, ANON_COOKIE, hex, 365L * 86400));
	}
	return expected_csrf(c);
}

/* True when the form's csrf field matches this visitor's token. */
bool
session_csrf_ok(struct ctx *c)
{
	const char *want = expected_csrf(c);
	struct str got = http_form(c->r, "csrf");

	if (want == NULL || got.len != 64)
		return false;
	return sodium_memcmp(want, got.p, 64) == 0;
}

/*
 * Starts a new session for user_id and sets its cookie; the CSRF token
 * changes with it. Returns 0, or -1 when the store refused.
 */
int
session_start(struct ctx *c, int64_t user_id)
{
	unsigned char token[32];
	char hex[65];

	randombytes_buf(token, sizeof(token));
	token_key(token, c->sess_key);
	if (store_session_create(c->s, c->sess_key, user_id, c->now,
	    c->now + SESSION_DAYS * 86400) != STORE_OK)
		return -1;
	{
		struct str ua = http_header(c->r, "User-Agent");

		/* Where it began, for /settings/sessions; not worth failing
		 * the sign-in over. */
		if (ua.len > SESSION_AGENT_MAX)
			ua.len = SESSION_AGENT_MAX;
		(void)store_session_set_info(c->s, c->sess_key, c->r->remote,
		    ua.p != NULL && str_utf8_valid(ua) ? str_dup(c->a, ua) : NULL);
	}
	sodium_bin2hex(hex, sizeof(hex), token, sizeof(token));
	http_add_header(c->r, "Set-Cookie", cookie_header(c, SESSION_COOKIE,
	    hex, SESSION_DAYS * 86400L));
	return 0;
}

/* Ends the current session, in the database and in the browser. */
void
session_end(struct ctx *c)
{
	if (c->user != NULL)
		store_session_delete(c->s, c->sess_key);
	http_add_header(c->r, "Set-Cookie", cookie_header(c, SESSION_COOKIE,
	    "", 0));
	c->user = NULL;
}

/* Hashes a password with argon2id into out. Returns 0 or -1. */
int
password_hash(const char *pw, size_t len, char out[128])
{
	return crypto_pwhash_str_alg(out, pw, len, PW_OPSLIMIT, PW_MEMLIMIT,
	    crypto_pwhash_ALG_ARGON2ID13);
}

/* True when pw matches the stored hash. */
bool
password_verify(const char *hash, const char *pw, size_t len)
{
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

/*
 * Spends the time a verification would, for a name that does not exist,
 * so that the answer's timing does not tell whether it does.
 */
void
password_burn(const char *pw, size_t len)
{
	char tmp[crypto_pwhash_STRBYTES];

	password_hash(pw, len, tmp);
}

/*
 * Writes the hidden csrf field of a form; in a template, notes a hole. A
 * page has two forms per vote button: the field is written by the writer
 * once and kept for the others.
 */
void
app_csrf_field(struct ctx *c, struct html *h)
{
	size_t from = h->b->len;

	if (c->tmpl) {
		tmpl_add(c, (struct hole){ .off = from, .kind = HOLE_CSRF });
		return;
	}
	if (c->csrf_field.s.p != NULL && c->csrf_field_of == session_csrf(c)) {
		html_piece(h, c->csrf_field);
		return;
	}
	c->csrf_field_of = session_csrf(c);
	html_raw_literal(h, "<input type=\"hidden\" name=\"csrf\"");
	html_attr_c(h, "value", c->csrf_field_of);
	html_raw_literal(h, ">");
	c->csrf_field = html_piece_keep(h, from);
}
