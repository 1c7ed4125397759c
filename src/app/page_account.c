/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_account.c: register, log in, log out.
 *
 * Logging in with an unknown name spends the same argon2id time as a wrong
 * password and gets the same answer, so neither tells whether a name
 * exists. Registration says when a name is taken, as it must.
 */
#include "app_int.h"

#include <string.h>

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
	    "autocomplete=\"username\" maxlength=\"24\"");
	html_attr(&h, "value", name.p ? name : STR_LIT(""));
	html_raw_literal(&h, "><label for=\"password\">password</label>"
	    "<input type=\"password\" id=\"password\" name=\"password\" required");
	if (reg)
		html_raw_literal(&h, " minlength=\"8\" autocomplete=\"new-password\">"
		    "<label for=\"email\">email (optional, for password resets)</label>"
		    "<input type=\"email\" id=\"email\" name=\"email\" maxlength=\"254\">"
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
	if (e.len > 254 || str_has_ctl(e, false))
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
	rc = store_user_create(c->s, str_dup(c->a, name), hash,
	    email.len ? str_dup(c->a, email) : NULL, ROLE_USER, c->now, &id);
	if (rc == STORE_CONFLICT) {
		form_error(c, true, 409, "name_taken", "That user name is taken.");
		return;
	}
	if (rc != STORE_OK || session_start(c, id) != 0) {
		app_store_error(c, rc != STORE_OK ? rc : STORE_ERR);
		return;
	}
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
	int rc = STORE_NOTFOUND;

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
	} else if (!password_verify(hash, pw.p ? pw.p : "", pw.len)) {
		rc = STORE_NOTFOUND;
	}
	if (rc != STORE_OK) {
		form_error(c, false, 401, "bad_login",
		    "Wrong user name or password.");
		return;
	}
	if (session_start(c, u.id) != 0) {
		app_store_error(c, STORE_ERR);
		return;
	}
	app_redirect(c, "/");
}

/* POST /logout: ends the session; harmless when signed out. */
void
page_logout(struct ctx *c)
{
	session_end(c);
	app_redirect(c, "/");
}
