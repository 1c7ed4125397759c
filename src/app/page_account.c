/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_account.c: register, log in, log out.
 *
 * Logging in with an unknown name spends the same argon2id time as a wrong
 * password and gets the same answer, so neither tells whether a name
 * exists. Registration says when a name is taken, as it must.
 *
 * Abuse limits: registrations count per address and hour; failed logins
 * per address and per name (known or not) in 15 minutes. Over a limit the
 * answer is 429 with Retry-After and one message for every name, checked
 * before the name is even looked up. Admins are not exempt: nobody is
 * known to be an admin before the password is right. Rate events are kept
 * a day and purged on each successful registration or login.
 */
#include "app_int.h"

#include <string.h>

#define HOUR 3600
#define LOGIN_WINDOW (15 * 60)
#define RATE_KEEP 86400     /* rate events older than this are purged */

/* ---- abuse limits -------------------------------------------------------- */

static const char *
reg_key(struct ctx *c)
{
	return arena_printf(c->a, "reg:%s", c->r->remote ? c->r->remote : "");
}

static const char *
login_addr_key(struct ctx *c)
{
	return arena_printf(c->a, "login:%s", c->r->remote ? c->r->remote : "");
}

/*
 * "loginname:" and the name in lower case, or NULL for a text that cannot
 * be a user name (no account to guess at, and no long keys in the table).
 */
static const char *
login_name_key(struct ctx *c, struct str name)
{
	char *k;

	if (!app_valid_name(name, true))
		return NULL;
	k = arena_printf(c->a, "loginname:%.*s", (int)name.len, name.p);
	for (char *p = k + sizeof("loginname:") - 1; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 'a' - 'A');
	return k;
}

/* 429 with Retry-After: the one answer for every limit here. */
static void
too_many(struct ctx *c, int64_t wait, const char *msg)
{
	http_add_header(c->r, "Retry-After", arena_printf(c->a, "%lld",
	    (long long)wait));
	app_error(c, 429, "rate_limited", msg);
}

/*
 * True after answering 429 (or a store error) when this address or this
 * name has failed to log in too often in the last 15 minutes. The answer
 * is the same whether or not the name exists.
 */
bool
app_login_throttled(struct ctx *c, struct str name)
{
	int64_t max = app_setting_int(c, "limit_logins", LIMIT_LOGINS);
	int64_t by_addr = 0, by_name = 0;
	const char *nk = login_name_key(c, name);
	int rc;

	rc = store_rate_count(c->s, login_addr_key(c), c->now - LOGIN_WINDOW,
	    &by_addr);
	if (rc == STORE_OK && nk != NULL)
		rc = store_rate_count(c->s, nk, c->now - LOGIN_WINDOW, &by_name);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return true;
	}
	if (by_addr < max && by_name < LIMIT_LOGINS_NAME)
		return false;
	too_many(c, LOGIN_WINDOW, "Too many failed logins. Wait 15 minutes, "
	    "then try again.");
	return true;
}

/* Counts one failed login for this address and this name. */
void
app_login_failed(struct ctx *c, struct str name)
{
	const char *nk = login_name_key(c, name);

	store_rate_hit(c->s, login_addr_key(c), c->now);
	if (nk != NULL)
		store_rate_hit(c->s, nk, c->now);
}

/* True after answering 429 when this address registered enough this hour. */
static bool
registrations_throttled(struct ctx *c)
{
	int64_t max = app_setting_int(c, "limit_registrations",
	    LIMIT_REGISTRATIONS);
	int64_t n = 0;
	int rc = store_rate_count(c->s, reg_key(c), c->now - HOUR, &n);

	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return true;
	}
	if (n < max)
		return false;
	too_many(c, HOUR, "Too many accounts were registered from your address "
	    "in the last hour. Try again later.");
	return true;
}

/* ---- forms ---------------------------------------------------------------- */

static void
account_form(struct ctx *c, bool reg, const char *msg, struct str name)
{
	struct html h;

	page_begin(c, &h, reg ? "Register" : "Log in");
	html_raw_literal(&h, "<div class=\"content\"><h1>");
	if (reg)
		html_raw_literal(&h, "Register");
	else
		html_raw_literal(&h, "Log in");
	html_raw_literal(&h, "</h1>");
	if (msg != NULL) {
		html_raw_literal(&h, "<p class=\"error\">");
		html_text_c(&h, msg);
		html_raw_literal(&h, "</p>");
	}
	html_raw_literal(&h, "<form class=\"edit\" method=\"post\"");
	html_attr_c(&h, "action", reg ? "/register" : "/login");
	html_raw_literal(&h, ">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"username\">user name</label>"
	    "<input type=\"text\" id=\"username\" name=\"username\" required "
	    "autocomplete=\"username\" maxlength=\"" APP_STR(NAME_MAX) "\"");
	html_attr(&h, "value", name.p ? name : STR_LIT(""));
	html_raw_literal(&h, "><label for=\"password\">password</label>"
	    "<input type=\"password\" id=\"password\" name=\"password\" required");
	if (reg)
		html_raw_literal(&h, " minlength=\"8\" autocomplete=\"new-password\">"
		    "<label for=\"invite\">invite code (when registration is by "
		    "invitation)</label><input type=\"text\" id=\"invite\" "
		    "name=\"invite\" maxlength=\"64\">"
		    "<label for=\"email\">email (optional, for password resets)</label>"
		    "<input type=\"email\" id=\"email\" name=\"email\" "
		    "maxlength=\"" APP_STR(EMAIL_MAX) "\">"
		    "<p><button>register</button></p></form>"
		    "<p>Already have an account? <a href=\"/login\">Log in</a>.</p>");
	else
		html_raw_literal(&h, " autocomplete=\"current-password\">"
		    "<p><button>log in</button></p></form>"
		    "<p>New here? <a href=\"/register\">Register</a>.</p>");
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/* Answers a form error: the form again for browsers, JSON for the API. */
static void
form_error(struct ctx *c, bool reg, int status, const char *code,
    const char *msg)
{
	if (c->json) {
		app_error(c, status, code, msg);
		return;
	}
	account_form(c, reg, msg, app_form_text(c, "username"));
	c->r->status = status;
}

void
page_register_form(struct ctx *c)
{
	account_form(c, true, NULL, STR_NULL);
}

void
page_login_form(struct ctx *c)
{
	account_form(c, false, NULL, STR_NULL);
}

static bool
valid_email(struct str e)
{
	const char *at;

	if (e.len == 0)
		return true;
	if (e.len > EMAIL_MAX || str_has_ctl(e, false))
		return false;
	at = memchr(e.p, '@', e.len);
	return at != NULL && at != e.p && at != e.p + e.len - 1 &&
	    memchr(e.p, ' ', e.len) == NULL;
}

/* POST /register: username, password, email. */
void
page_register(struct ctx *c)
{
	struct str name = app_form_text(c, "username");
	struct str pw = http_form(c->r, "password");
	struct str email = app_form_text(c, "email");
	char hash[128];
	int64_t id;
	int rc;

	const char *mode = app_registration_mode(c);
	bool invite = strcmp(mode, "invite") == 0;

	if (strcmp(mode, "closed") == 0) {
		form_error(c, true, 403, "registration_closed", "This site is not "
		    "taking new accounts.");
		return;
	}
	if (registrations_throttled(c))
		return;
	if (!app_valid_name(name, true)) {
		form_error(c, true, 400, "bad_username", "A user name is 3 to 24 "
		    "letters, digits, '_' or '-'.");
		return;
	}
	if (pw.len < PASSWORD_MIN || pw.len > PASSWORD_MAX) {
		form_error(c, true, 400, "bad_password", "A password is at least 8 "
		    "characters long.");
		return;
	}
	if (!valid_email(email)) {
		form_error(c, true, 400, "bad_email", "That email address does not "
		    "look right.");
		return;
	}
	if (password_hash(pw.p, pw.len, hash) != 0) {
		app_error(c, 500, "internal", "Could not hash the password.");
		return;
	}
	if (invite) {
		unsigned char key[32];

		rc = app_invite_key(app_form_text(c, "invite"), key) ?
		    store_user_create_invited(c->s, key, str_dup(c->a, name), hash,
		    email.len ? str_dup(c->a, email) : NULL, c->now, &id) :
		    STORE_NOTFOUND;
		if (rc == STORE_NOTFOUND) {
			form_error(c, true, 403, "bad_invite", "Registration is by "
			    "invitation: that invite code is unknown, used up or "
			    "expired.");
			return;
		}
	} else {
		rc = store_user_create(c->s, str_dup(c->a, name), hash,
		    email.len ? str_dup(c->a, email) : NULL, ROLE_USER, c->now,
		    &id);
	}
	if (rc == STORE_CONFLICT) {
		form_error(c, true, 409, "name_taken", "That user name is taken.");
		return;
	}
	if (rc != STORE_OK || session_start(c, id) != 0) {
		app_store_error(c, rc != STORE_OK ? rc : STORE_ERR);
		return;
	}
	store_rate_hit(c->s, reg_key(c), c->now);
	store_rate_purge(c->s, c->now - RATE_KEEP);
	app_redirect(c, "/");
}

/* POST /login: username, password. */
void
page_login(struct ctx *c)
{
	struct str name = app_form_text(c, "username");
	struct str pw = http_form(c->r, "password");
	const char *hash = NULL;
	struct user u;
	bool bad_code = false;
	int rc = STORE_NOTFOUND;

	if (app_login_throttled(c, name))
		return;
	if (pw.len > PASSWORD_MAX)
		pw.len = PASSWORD_MAX;
	if (app_valid_name(name, true))
		rc = store_user_by_name(c->s, c->a, str_dup(c->a, name), &u, &hash);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		app_store_error(c, rc);
		return;
	}
	if (rc == STORE_NOTFOUND || u.deleted) {
		password_burn(pw.p ? pw.p : "", pw.len);
		rc = STORE_NOTFOUND;
	} else if (pw.len == 0 && app_2fa_challenge(c, u.id)) {
		/* the code step: the password passed a moment ago */
	} else if (!password_verify(hash, pw.p ? pw.p : "", pw.len)) {
		rc = STORE_NOTFOUND;
	}
	if (rc != STORE_OK) {
		app_login_failed(c, name);
		form_error(c, false, 401, "bad_login",
		    "Wrong user name or password.");
		return;
	}
	if (app_2fa_login(c, &u, name, &bad_code) != 0) {
		if (bad_code)
			app_login_failed(c, name);
		return;
	}
	if (session_start(c, u.id) != 0) {
		app_store_error(c, STORE_ERR);
		return;
	}
	store_rate_purge(c->s, c->now - RATE_KEEP);
	app_redirect(c, "/");
}

/* POST /logout: ends the session; harmless when signed out. */
void
page_logout(struct ctx *c)
{
	session_end(c);
	app_redirect(c, "/");
}
