/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_routes.c: the route table and the one function every request passes
 * through. It checks what is common to all routes (path, encoding of every
 * field, method, CSRF, sign-in) so that handlers start from clean input,
 * then calls the handler the table names.
 */
#include "app_int.h"

#include <pthread.h>
#include <string.h>

#define PATH_MAX_LEN 1024
#define FIELDS_MAX 64 /* query arguments or form fields in one request */

#define SITE_ROUTE(id, slug, label, title) \
	{ HTTP_GET, "/" slug, page_site, ROUTE_JSON },

static const struct route routes[] = {
	/* Home: templates kept by the member's subscriptions */
	{ HTTP_GET, "/", page_front, ROUTE_JSON | ROUTE_MEMBER | ROUTE_HOME },
	{ HTTP_GET, "/style.css", page_style, 0 },
	{ HTTP_GET, "/favicon.svg", page_favicon, 0 },
	{ HTTP_GET, "/favicon.ico", page_favicon, 0 },
	{ HTTP_GET, "/parley.js", page_script, 0 },
	{ HTTP_GET, "/communities", page_communities, ROUTE_JSON },
	{ HTTP_GET, "/s/*", page_community, ROUTE_JSON | ROUTE_MEMBER },
	{ HTTP_POST, "/s/*/subscribe", page_subscribe, ROUTE_USER },
	{ HTTP_POST, "/s/*/unsubscribe", page_subscribe, ROUTE_USER },
	{ HTTP_GET, "/s/*/modlog", page_community_modlog, ROUTE_JSON },
	{ HTTP_GET, "/s/*/mod/queue", page_mod_queue, ROUTE_JSON | ROUTE_USER },
	{ HTTP_GET, "/s/*/mod/edit", page_community_edit_form, ROUTE_USER },
	{ HTTP_POST, "/s/*/mod/edit", page_community_edit, ROUTE_USER },
	{ HTTP_GET, "/feed.atom", page_feed_front, 0 },
	{ HTTP_GET, "/s/*/feed.atom", page_feed_community, 0 },
	{ HTTP_GET, "/u/*/feed.atom", page_feed_user, 0 },
	{ HTTP_GET, "/s/*/p/#", page_thread, ROUTE_JSON | ROUTE_MEMBER },
	{ HTTP_GET, "/s/*/p/#/edit", page_post_edit_form, ROUTE_USER },
	{ HTTP_POST, "/s/*/p/#/edit", page_post_edit, ROUTE_USER },
	{ HTTP_GET, "/s/*/p/#/delete", page_post_delete_form, ROUTE_USER },
	{ HTTP_POST, "/s/*/p/#/delete", page_post_delete, ROUTE_USER },
	/* richer posts: edit history; before the slug route below, which
	 * would take "history" for a slug */
	{ HTTP_GET, "/s/*/p/#/history", page_post_history, ROUTE_JSON },
	{ HTTP_POST, "/s/*/p/#/comment", page_comment_new, ROUTE_USER },
	{ HTTP_GET, "/s/*/p/#/c/#", page_comment_subtree,
	  ROUTE_JSON | ROUTE_MEMBER },
	{ HTTP_POST, "/s/*/p/#/c/#/reply", page_comment_reply, ROUTE_USER },
	{ HTTP_GET, "/s/*/p/#/c/#/edit", page_comment_edit_form, ROUTE_USER },
	{ HTTP_POST, "/s/*/p/#/c/#/edit", page_comment_edit, ROUTE_USER },
	{ HTTP_GET, "/s/*/p/#/c/#/delete", page_comment_delete_form, ROUTE_USER },
	{ HTTP_POST, "/s/*/p/#/c/#/delete", page_comment_delete, ROUTE_USER },
	{ HTTP_GET, "/s/*/p/#/*", page_thread, ROUTE_JSON | ROUTE_MEMBER },
	{ HTTP_GET, "/u/*", page_user, ROUTE_JSON | ROUTE_MEMBER },
	{ HTTP_GET, "/submit", page_submit_form, ROUTE_USER },
	{ HTTP_POST, "/submit", page_submit, ROUTE_USER },
	{ HTTP_GET, "/create", page_create_form, ROUTE_USER },
	{ HTTP_POST, "/create", page_create, ROUTE_USER },
	{ HTTP_POST, "/vote", page_vote, ROUTE_USER },
	{ HTTP_GET, "/report", page_report_form, ROUTE_USER },
	{ HTTP_POST, "/report", page_report, ROUTE_USER },
	{ HTTP_POST, "/mod", page_mod, ROUTE_USER },
	{ HTTP_GET, "/modlog", page_modlog, ROUTE_JSON },
	{ HTTP_GET, "/register", page_register_form, 0 },
	{ HTTP_POST, "/register", page_register, 0 },
	{ HTTP_GET, "/login", page_login_form, 0 },
	{ HTTP_POST, "/login", page_login, 0 },
	{ HTTP_POST, "/logout", page_logout, 0 },
	{ HTTP_GET, "/settings", page_settings, ROUTE_USER },
	{ HTTP_POST, "/settings/password", page_settings_password, ROUTE_USER },
	{ HTTP_POST, "/settings/delete", page_settings_delete, ROUTE_USER },
	{ HTTP_GET, "/settings/export", page_settings_export,
	  ROUTE_USER | ROUTE_JSON | ROUTE_NOBEARER },
	{ HTTP_POST, "/block", page_block, ROUTE_USER },
	{ HTTP_POST, "/unblock", page_block, ROUTE_USER },
	{ HTTP_GET, "/notifications", page_notifications, ROUTE_JSON },
	{ HTTP_GET, "/admin", page_admin, ROUTE_USER },
	{ HTTP_POST, "/admin/page", page_admin_page, ROUTE_USER },
	{ HTTP_POST, "/admin/settings", page_admin_settings, ROUTE_USER },
	{ HTTP_POST, "/admin/filters", page_admin_filters, ROUTE_USER },
	/* The canary is a site page whose handler adds the signed
	 * statement: the first match wins, so this row shadows its
	 * SITE_PAGES row. */
	{ HTTP_GET, "/canary", page_canary, ROUTE_JSON },
	SITE_PAGES(SITE_ROUTE)
	/* api tokens */
	{ HTTP_GET, "/settings/tokens", page_tokens,
	  ROUTE_USER | ROUTE_JSON | ROUTE_NOBEARER },
	{ HTTP_POST, "/settings/tokens", page_token_create, ROUTE_USER },
	{ HTTP_POST, "/settings/tokens/revoke", page_token_revoke, ROUTE_USER },
	{ HTTP_GET, "/api/v1/me", page_api_me, ROUTE_USER | ROUTE_API },
	{ HTTP_POST, "/api/v1/posts", page_api_post_create,
	  ROUTE_USER | ROUTE_API },
	{ HTTP_PATCH, "/api/v1/posts/#", page_api_post_edit,
	  ROUTE_USER | ROUTE_API },
	{ HTTP_DELETE, "/api/v1/posts/#", page_api_post_delete,
	  ROUTE_USER | ROUTE_API },
	{ HTTP_POST, "/api/v1/comments", page_api_comment_create,
	  ROUTE_USER | ROUTE_API },
	{ HTTP_PATCH, "/api/v1/comments/#", page_api_comment_edit,
	  ROUTE_USER | ROUTE_API },
	{ HTTP_DELETE, "/api/v1/comments/#", page_api_comment_delete,
	  ROUTE_USER | ROUTE_API },
	{ HTTP_POST, "/api/v1/votes", page_api_vote, ROUTE_USER | ROUTE_API },
	{ HTTP_POST, "/api/v1/reports", page_api_report,
	  ROUTE_USER | ROUTE_API },
	{ HTTP_POST, "/api/v1/mod", page_api_mod,
	  ROUTE_USER | ROUTE_API | ROUTE_MODERATE },
	{ HTTP_POST, "/api/v1/save", page_api_save, ROUTE_USER | ROUTE_API },
	{ HTTP_GET, "/api/v1/messages", page_messages, ROUTE_USER | ROUTE_API },
	{ HTTP_POST, "/api/v1/messages", page_api_message_send,
	  ROUTE_USER | ROUTE_API },
	{ HTTP_GET, "/api/v1/messages/#", page_api_conversation,
	  ROUTE_USER | ROUTE_API },
	{ HTTP_POST, "/api/v1/messages/#", page_api_message_reply,
	  ROUTE_USER | ROUTE_API },
	{ HTTP_DELETE, "/api/v1/messages/#", page_api_message_delete,
	  ROUTE_USER | ROUTE_API },
	{ HTTP_GET, "/api/v1/openapi", page_api_openapi, ROUTE_API | ROUTE_JSON },
	/* two-factor sign-in */
	{ HTTP_GET, "/settings/2fa", page_2fa,
	  ROUTE_USER | ROUTE_JSON | ROUTE_NOBEARER },
	{ HTTP_POST, "/settings/2fa", page_2fa_confirm, ROUTE_USER },
	{ HTTP_POST, "/settings/2fa/disable", page_2fa_disable, ROUTE_USER },
	/* a member's sessions */
	{ HTTP_GET, "/settings/sessions", page_sessions,
	  ROUTE_USER | ROUTE_JSON | ROUTE_NOBEARER },
	{ HTTP_POST, "/settings/sessions/end", page_session_end, ROUTE_USER },
	/* registration modes and invites */
	{ HTTP_GET, "/admin/invites", page_admin_invites,
	  ROUTE_USER | ROUTE_JSON },
	{ HTTP_POST, "/admin/invites", page_admin_invite_create, ROUTE_USER },
	{ HTTP_GET, "/settings/invites", page_member_invites,
	  ROUTE_USER | ROUTE_JSON },
	{ HTTP_POST, "/settings/invites", page_member_invite_create,
	  ROUTE_USER },
	{ HTTP_POST, "/admin/registration", page_admin_registration,
	  ROUTE_USER },
	{ HTTP_GET, "/.well-known/parley", page_wellknown, ROUTE_JSON },
	{ HTTP_GET, "/canary.txt", page_canary_txt, 0 },
	{ HTTP_POST, "/admin/canary", page_admin_canary, ROUTE_USER },
	/* saved and hidden (page_saved.c) */
	{ HTTP_POST, "/save", page_save, ROUTE_USER },
	{ HTTP_POST, "/unsave", page_save, ROUTE_USER },
	{ HTTP_GET, "/saved", page_saved, ROUTE_USER | ROUTE_JSON },
	{ HTTP_POST, "/hide", page_hide, ROUTE_USER },
	{ HTTP_POST, "/unhide", page_hide, ROUTE_USER },
	{ HTTP_GET, "/hidden", page_hidden, ROUTE_USER | ROUTE_JSON },
	/* search (page_search.c) */
	{ HTTP_GET, "/search", page_search, ROUTE_JSON },
	/* Home and all (page_listing.c) */
	{ HTTP_GET, "/all", page_all, ROUTE_JSON | ROUTE_MEMBER },
	/* inbox and private messages (page_inbox.c, page_messages.c) */
	{ HTTP_GET, "/inbox", page_inbox, ROUTE_USER | ROUTE_JSON },
	{ HTTP_POST, "/inbox/read", page_inbox_read, ROUTE_USER },
	{ HTTP_GET, "/messages", page_messages, ROUTE_USER | ROUTE_JSON },
	{ HTTP_POST, "/messages", page_messages_send, ROUTE_USER },
	{ HTTP_GET, "/messages/#", page_conversation, ROUTE_USER | ROUTE_JSON },
	{ HTTP_POST, "/messages/#", page_conversation_reply, ROUTE_USER },
	{ HTTP_POST, "/messages/#/delete", page_conversation_delete, ROUTE_USER },
	{ HTTP_POST, "/messages/#/resolve", page_conversation_resolve,
	  ROUTE_USER },
	{ HTTP_GET, "/admin/messages", page_message_reports,
	  ROUTE_USER | ROUTE_JSON },
	/* richer posts: edit history */
	{ HTTP_GET, "/s/*/p/#/c/#/history", page_comment_history, ROUTE_JSON },
	{ HTTP_GET, "/s/*/history", page_community_history, ROUTE_JSON },
	/* richer posts: nsfw and spoiler */
	{ HTTP_POST, "/settings/nsfw", page_settings_nsfw, ROUTE_USER },
	/* richer posts: flair */
	{ HTTP_GET, "/s/*/mod/flair", page_flair, ROUTE_JSON | ROUTE_USER },
	{ HTTP_POST, "/s/*/mod/flair", page_flair_post, ROUTE_USER },
	/* richer posts: polls */
	{ HTTP_POST, "/poll", page_poll, ROUTE_USER },
	/* image uploads */
	{ HTTP_GET, "/upload", page_upload_form, ROUTE_USER },
	{ HTTP_POST, "/upload", page_upload, ROUTE_USER },
	{ HTTP_POST, "/api/v1/uploads", page_upload, ROUTE_USER | ROUTE_API },
	{ HTTP_GET, "/i/*", page_image, ROUTE_FILE },
	{ HTTP_POST, "/i/*/delete", page_image_delete, ROUTE_USER },
	{ HTTP_POST, "/admin/uploads/purge", page_admin_uploads_purge,
	  ROUTE_USER },
};

/* ---- per-thread store ------------------------------------------------ */

static pthread_key_t store_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;

static void
store_destroy(void *p)
{
	store_close(p);
}

static void
store_key_make(void)
{
	pthread_key_create(&store_key, store_destroy);
}

/*
 * Returns this thread's database connection, opening it on first use, or
 * NULL when the database cannot be opened. The thread owns it; it is
 * closed when the thread ends or app_store_release is called.
 */
struct store *
app_store(void)
{
	struct store *s;

	pthread_once(&store_once, store_key_make);
	s = pthread_getspecific(store_key);
	if (s == NULL) {
		s = store_open(app_g.cfg->db);
		if (s != NULL)
			pthread_setspecific(store_key, s);
	}
	return s;
}

/* Closes this thread's connection (for the main thread at exit). */
void
app_store_release(void)
{
	struct store *s;

	pthread_once(&store_once, store_key_make);
	s = pthread_getspecific(store_key);
	if (s != NULL) {
		store_close(s);
		pthread_setspecific(store_key, NULL);
	}
}

/* ---- matching --------------------------------------------------------- */

/*
 * Matches path against pattern segment by segment. '*' takes one
 * non-empty segment, '#' one segment of 1 to 18 digits. Captures go to
 * c->param. Returns true on a match.
 */
static bool
match(const char *pattern, struct str path, struct ctx *c)
{
	const char *pp = pattern;
	size_t i = 0;

	c->nparam = 0;
	while (*pp != '\0') {
		if (*pp == '*' || *pp == '#') {
			size_t start = i;

			while (i < path.len && path.p[i] != '/')
				i++;
			if (i == start || c->nparam == MAX_ROUTE_PARAMS)
				return false;
			if (*pp == '#') {
				if (i - start > 18)
					return false;
				for (size_t k = start; k < i; k++)
					if (path.p[k] < '0' || path.p[k] > '9')
						return false;
			}
			c->param[c->nparam].p = path.p + start;
			c->param[c->nparam].len = i - start;
			c->nparam++;
			pp++;
			continue;
		}
		if (i >= path.len || path.p[i] != *pp)
			return false;
		i++;
		pp++;
	}
	return i == path.len;
}

static bool
fields_clean(const struct http_kv *v, size_t n, bool newlines)
{
	for (size_t i = 0; i < n; i++) {
		if (!str_utf8_valid(v[i].key) || str_has_ctl(v[i].key, false) ||
		    !str_utf8_valid(v[i].val) || str_has_ctl(v[i].val, newlines))
			return false;
	}
	return true;
}

/* True when some form field name appears twice. */
static bool
form_repeats(const struct http_kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			if (str_eq(v[i].key, v[k].key))
				return true;
	return false;
}

static bool
wants_json(struct req *r)
{
	struct str accept = http_header(r, "Accept");

	return accept.p != NULL && memmem(accept.p, accept.len,
	    "application/json", 16) != NULL;
}

/* Adds the APP_SECURITY_HEADERS headers every answer carries. */
static void
security_headers(struct req *r)
{
	http_add_header(r, "Content-Security-Policy",
	    "default-src 'none'; script-src 'self'; connect-src 'self'; "
	    "style-src 'self'; img-src 'self'; form-action 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'");
	http_add_header(r, "X-Content-Type-Options", "nosniff");
	http_add_header(r, "Referrer-Policy", "same-origin");
	http_add_header(r, "X-Frame-Options", "DENY");
}

static const char *const method_names[] = {
	[HTTP_GET] = "GET, HEAD", [HTTP_HEAD] = "HEAD", [HTTP_POST] = "POST",
	[HTTP_PATCH] = "PATCH", [HTTP_DELETE] = "DELETE", [HTTP_OTHER] = "",
};

/* The Allow header of a path that some route has under another method:
 * the methods of every route that matches it. */
static const char *
allowed_methods(struct ctx *c, struct str path, bool json_suffix)
{
	unsigned seen = 0;
	struct buf b;

	buf_init(&b, c->a, 64);
	for (size_t i = 0; i < ARRAY_LEN(routes); i++) {
		if (!match(routes[i].pattern, path, c) ||
		    (json_suffix && !(routes[i].flags & ROUTE_JSON)) ||
		    (seen & (1u << routes[i].method)))
			continue;
		seen |= 1u << routes[i].method;
		if (b.len > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, method_names[routes[i].method]);
	}
	buf_putc(&b, '\0');
	return b.p;
}

/*
 * Signs the request in by its Authorization: Bearer token where a route
 * takes one: JSON GETs but those of the settings that manage tokens,
 * passwords and 2FA, and /api/v1. Form POSTs never do, so a token cannot
 * stand in for a browser's session. Answers the refusal itself (401 for
 * a bad, unknown or revoked token, 403 for one used where tokens do not
 * work or without the scope) and returns false then.
 */
static bool
bearer_sign_in(struct ctx *c, const struct route *hit, enum http_method m)
{
	unsigned char key[32];
	unsigned need;
	int rc;

	switch (app_bearer_parse(http_header(c->r, "Authorization"), key)) {
	case BEARER_NONE:
		return true;
	case BEARER_BAD:
		break;
	case BEARER_OK:
		if (!(hit->flags & ROUTE_API) &&
		    (m != HTTP_GET || !c->json || (hit->flags & ROUTE_NOBEARER))) {
			app_error(c, 403, "token_not_accepted", "An API token "
			    "cannot be used here; sign in with a browser.");
			return false;
		}
		rc = app_bearer_load(c, key);
		if (rc == STORE_OK)
			goto scope;
		if (rc != STORE_NOTFOUND) {
			app_store_error(c, rc);
			return false;
		}
		break;
	}
	http_add_header(c->r, "WWW-Authenticate", "Bearer realm=\"parley\"");
	app_error(c, 401, "bad_token", "The API token is not valid or was "
	    "revoked.");
	return false;
scope:
	need = m == HTTP_GET ? TOKEN_SCOPE_READ : (hit->flags & ROUTE_MODERATE) ?
	    TOKEN_SCOPE_MODERATE : TOKEN_SCOPE_WRITE;
	if (!(c->scopes & need)) {
		app_error(c, 403, "insufficient_scope", arena_printf(c->a,
		    "This token lacks the %s scope.", app_scopes_text(c->a, need)));
		return false;
	}
	return true;
}

/*
 * Chooses the route, refuses what no route should see, and calls the
 * route's handler.
 */
static void
handle(struct req *r)
{
	struct ctx c = { .r = r, .a = r->arena, .now = base_now() };
	struct str path = r->path;
	const struct route *hit = NULL;
	bool other_method = false, json_suffix = false;
	enum http_method m = r->method == HTTP_HEAD ? HTTP_GET : r->method;

	security_headers(r);
	c.json = wants_json(r);
	if (path.len == 0 || path.p[0] != '/' || path.len > PATH_MAX_LEN) {
		app_error(&c, path.len > PATH_MAX_LEN ? 414 : 400, "bad_path",
		    "That address is not valid.");
		return;
	}
	if (!str_utf8_valid(path) || str_has_ctl(path, false)) {
		app_error(&c, 400, "bad_path", "That address is not valid.");
		return;
	}
	if (str_has_suffix(path, ".json")) {
		json_suffix = c.json = true;
		path.len -= 5;
		if (path.len == 0)
			path = STR_LIT("/");
	}
	if (path.len > 1 && path.p[path.len - 1] == '/')
		path.len--;
	if (r->nquery > FIELDS_MAX || r->nform > FIELDS_MAX) {
		app_error(&c, 400, "too_many_fields",
		    "The request holds too many fields.");
		return;
	}
	if (!fields_clean(r->query, r->nquery, false) ||
	    !fields_clean(r->form, r->nform, true) || r->form_bad ||
	    form_repeats(r->form, r->nform)) {
		app_error(&c, 400, "bad_encoding",
		    "The request holds bytes that are not valid text.");
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(routes); i++) {
		if (!match(routes[i].pattern, path, &c))
			continue;
		if (json_suffix && !(routes[i].flags & ROUTE_JSON))
			continue;
		if (routes[i].method != m) {
			other_method = true;
			continue;
		}
		hit = &routes[i];
		break;
	}
	if (hit == NULL) {
		if (other_method) {
			http_add_header(r, "Allow", allowed_methods(&c, path,
			    json_suffix));
			app_error(&c, 405, "method_not_allowed",
			    "That method is not allowed here.");
		} else {
			app_error(&c, 404, "not_found", "There is nothing here.");
		}
		return;
	}
	if (hit->flags & ROUTE_FILE) {
		hit->fn(&c);
		return;
	}
	c.s = app_store();
	if (c.s == NULL) {
		app_error(&c, 503, "unavailable",
		    "The database is not available right now. Try again soon.");
		return;
	}
	if (hit->flags & ROUTE_API)
		c.json = true;
	c.by_home = (hit->flags & ROUTE_HOME) != 0;
	if (!bearer_sign_in(&c, hit, m))
		return;
	if (!c.bearer) {
		if (session_cookie(&c))
			app_cache_session(&c);
		c.scopes = TOKEN_SCOPES_ALL;
	}
	if ((hit->flags & ROUTE_API) && m != HTTP_GET && !c.bearer) {
		http_add_header(r, "WWW-Authenticate", "Bearer realm=\"parley\"");
		app_error(&c, 401, "token_required", "The API takes writes with "
		    "an Authorization: Bearer token from /settings/tokens.");
		return;
	}
	if (m == HTTP_POST && !(hit->flags & ROUTE_NOCSRF) && !c.bearer &&
	    !session_csrf_ok(&c)) {
		app_error(&c, 403, "csrf",
		    "This form has expired or did not come from this site. "
		    "Go back, reload the page and try again.");
		return;
	}
	if ((hit->flags & ROUTE_USER) && c.user == NULL) {
		if (m == HTTP_GET && !c.json) {
			app_redirect(&c, "/login");
			return;
		}
		app_error(&c, 403, "login_required", "Sign in to do that.");
		return;
	}
	if (m == HTTP_GET && app_archive_serve(&c, hit->fn))
		return;
	if (m == HTTP_GET && !(hit->flags & ROUTE_USER) &&
	    app_cache_allowed(&c)) {
		struct cache_ticket t;

		if (app_cache_serve(&c, &t))
			return;
		hit->fn(&c);
		app_archive_keep(&c, hit->fn);
		app_cache_keep(&c, &t);
		return;
	}
	if (m == HTTP_GET && (hit->flags & ROUTE_MEMBER) &&
	    app_member_allowed(&c)) {
		struct cache_ticket t;
		struct tmpl tm = { 0 };

		switch (app_member_serve(&c, &t)) {
		case MEMBER_SERVED:
			return;
		case MEMBER_RENDER:
			c.tmpl = &tm;
			hit->fn(&c);
			if (app_member_keep(&c, &t, &tm))
				return;
			/* The viewer wrote something the template shows as
			 * others see it: render their own page. */
			r->status = 0;
			r->nheaders = APP_SECURITY_HEADERS;
			r->out.len = 0;
			break;
		case MEMBER_PERSONAL:
			break;
		}
	}
	hit->fn(&c);
	if (m == HTTP_GET)
		app_archive_keep(&c, hit->fn);   /* a visitor, the cache off */
	else
		app_cache_written(&c);
}

/*
 * The handler libmicrohttpd calls for every complete request. Log lines
 * written while it runs, here or in the store, carry the request's id.
 */
void
app_handle(struct req *r, void *data)
{
	log_request(r->id);
	handle(r);
	log_request(0);
}
