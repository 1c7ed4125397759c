/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_admin.c: site administration from the browser: the footer pages,
 * the site's limits, the filter list, and site bans (the ban form posts
 * to /mod, page_mod.c). Only site admins see or change any of it.
 *
 * Every change writes one line to the public mod log (community 0). The
 * log says which page or which limits changed, but never the filter list
 * itself: publishing it would tell spammers what to avoid.
 */
#include "app_int.h"

#include <string.h>

/*
 * The limits an admin can set, with their defaults. app_authz.c reads the
 * first six, page_account.c the last two; both use the same defaults.
 */
const struct site_limit site_limits[SITE_LIMITS] = {
	{ "limit_posts", LIMIT_POSTS, "posts an hour, per account" },
	{ "limit_posts_new", LIMIT_POSTS_NEW,
	  "posts an hour, accounts younger than a day" },
	{ "limit_comments", LIMIT_COMMENTS, "comments an hour, per account" },
	{ "limit_comments_new", LIMIT_COMMENTS_NEW,
	  "comments an hour, accounts younger than a day" },
	{ "limit_votes", LIMIT_VOTES, "votes an hour, per account" },
	{ "limit_votes_new", LIMIT_VOTES_NEW,
	  "votes an hour, accounts younger than a day" },
	{ "limit_registrations", LIMIT_REGISTRATIONS,
	  "registrations an hour, per address" },
	{ "limit_logins", LIMIT_LOGINS,
	  "failed logins in 15 minutes, per address" },
	/* two-factor sign-in */
	{ "require_2fa_for_mods", 0,
	  "require two-factor sign-in of moderators and admins (1 yes, 0 no)" },
	/* private messages (app_authz.c) */
	{ "limit_messages", LIMIT_MESSAGES, "private messages an hour, per "
	  "account" },
	{ "limit_messages_new", LIMIT_MESSAGES_NEW,
	  "private messages an hour, accounts younger than a day" },
	/* members' invites and community creation (page_invites.c,
	 * app_authz.c) */
	{ "member_invites", 0,
	  "members may make invite codes (1 yes, 0 no)" },
	{ "invite_min_points", INVITE_MIN_POINTS,
	  "points a member needs to make invite codes" },
	{ "invite_max_per_member", INVITE_MAX_PER_MEMBER,
	  "invite codes one member may make in all" },
	{ "create_community_min_points", 0,
	  "points a member needs to create a community (0: none)" },
	/* image uploads (app_authz.c, page_upload.c) */
	{ "uploads", 1, "image uploads on (1) or off (0) for the whole site" },
	{ "limit_uploads", LIMIT_UPLOADS, "images a day, per account" },
	{ "limit_upload_mb", LIMIT_UPLOAD_MB, "MiB of images a day, per "
	  "account" },
	{ "upload_min_age_hours", 0, "hours an account must be old to upload "
	  "images" },
	{ "upload_min_points", 0, "or points that let a younger account "
	  "upload (0: none)" },
	{ "upload_max_megapixels", UPLOAD_MEGAPIXELS, "millions of pixels an "
	  "image may have" },
	/* search (page_search.c) */
	{ "search_window", SEARCH_WINDOW, "posts, and comments, a search looks "
	  "at: the newest that hold its words (0: every one)" },
};

/* The limit of that key, or NULL when the key is not a limit. */
const struct site_limit *
site_limit_find(struct str key)
{
	for (size_t i = 0; i < SITE_LIMITS; i++)
		if (str_eq_lit(key, site_limits[i].key))
			return &site_limits[i];
	return NULL;
}

/* True when s is a whole number from 0 to LIMIT_MAX; sets *out. */
bool
site_limit_parse(struct str s, int64_t *out)
{
	if (s.len == 0 || s.len > 6)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
	return str_to_i64(s, out) && *out >= 0 && *out <= LIMIT_MAX;
}

/* Writes one site-wide line to the mod log. */
static int
log_change(struct ctx *c, const char *action, const char *reason)
{
	struct mod_action m = {
		.action = action, .reason = reason, .created = c->now,
	};

	return store_modlog_add(c->s, &m, 0, c->user->id, 0);
}

/* ---- the page ---------------------------------------------------------- */

static void
pages_section(struct ctx *c, struct html *h)
{
	html_raw_literal(h, "<h2 id=\"pages\">Site pages</h2><p>The pages "
	    "linked from every footer. Markdown, at most "
	    APP_STR(MD_MAX_INPUT_KIB) " KiB.</p>");
	for (size_t i = 0; i < ARRAY_LEN(site_pages); i++) {
		struct page p;
		const char *slug = site_pages[i].slug;

		if (store_page_get(c->s, c->a, slug, &p) != STORE_OK) {
			p.title = site_pages[i].title;
			p.body = "";
			p.editor = NULL;
			p.updated = 0;
		}
		html_raw_literal(h, "<details><summary>");
		html_text_c(h, p.title);
		html_raw_literal(h, " <span class=\"meta\">/");
		html_text_c(h, slug);
		if (p.updated) {
			html_raw_literal(h, " · edited ");
			html_time(h, p.updated, c->now);
			if (p.editor != NULL) {
				html_raw_literal(h, " by ");
				html_text_c(h, p.editor);
			}
		}
		html_raw_literal(h, "</span></summary><form class=\"edit\" "
		    "method=\"post\" action=\"/admin/page\">");
		app_csrf_field(c, h);
		html_raw_literal(h, "<input type=\"hidden\" name=\"slug\"");
		html_attr_c(h, "value", slug);
		html_raw_literal(h, "><label>title<input type=\"text\" "
		    "name=\"title\" required "
		    "maxlength=\"" APP_STR(TITLE_MAX) "\"");
		html_attr_c(h, "value", p.title);
		/* a browser drops one newline after <textarea>: give it one */
		html_raw_literal(h, "></label><label>text (markdown)<textarea "
		    "name=\"body\" rows=\"16\">\n");
		html_text_c(h, p.body);
		html_raw_literal(h, "</textarea></label><p><button>save "
		    "page</button> <a");
		html_attr(h, "href", str_c(arena_printf(c->a, "/%s", slug)));
		html_raw_literal(h, ">view</a></p></form></details>");
	}
}

static void
limits_section(struct ctx *c, struct html *h)
{
	html_raw_literal(h, "<h2 id=\"limits\">Limits</h2><p>Whole numbers from "
	    "0 to " APP_STR(LIMIT_MAX) ". Over a limit, the site answers “too many requests” "
	    "with the time to wait. Site admins are exempt from the limits on "
	    "posts, comments and votes.</p><form class=\"edit\" method=\"post\" "
	    "action=\"/admin/settings\">");
	app_csrf_field(c, h);
	for (size_t i = 0; i < SITE_LIMITS; i++) {
		const struct site_limit *l = &site_limits[i];

		html_raw_literal(h, "<label>");
		html_text_c(h, l->label);
		html_raw_literal(h, " <input type=\"number\" min=\"0\" "
		    "max=\"" APP_STR(LIMIT_MAX) "\" required");
		html_attr_c(h, "name", l->key);
		html_attr_i64(h, "value", app_setting_int(c, l->key, l->def));
		html_raw_literal(h, "></label>");
	}
	html_raw_literal(h, "<p><button>save limits</button></p></form>");
}

static void
filters_section(struct ctx *c, struct html *h)
{
	const char *list = NULL;

	if (store_setting_get(c->s, c->a, "filters", &list) != STORE_OK)
		list = "";
	html_raw_literal(h, "<h2 id=\"filters\">Filter list</h2><p>One word or "
	    "address a line. A post or comment that holds one (in any case) is "
	    "held in its community's moderation queue instead of being "
	    "published.</p><form class=\"edit\" method=\"post\" "
	    "action=\"/admin/filters\">");
	app_csrf_field(c, h);
	html_raw_literal(h, "<textarea name=\"filters\" rows=\"10\" "
	    "aria-labelledby=\"filters\" "
	    "maxlength=\"" APP_STR_K(FILTERS_MAX_K) "\">\n");
	html_text_c(h, list);
	html_raw_literal(h, "</textarea><p><button>save filters</button></p>"
	    "</form>");
}

static void
ban_form(struct ctx *c, struct html *h, bool ban)
{
	html_raw_literal(h, "<form class=\"edit\" method=\"post\" "
	    "action=\"/mod\"");
	if (ban)
		html_raw_literal(h, " data-confirm=\"Ban this user from the site?\"");
	html_raw_literal(h, ">");
	app_csrf_field(c, h);
	html_raw_literal(h, "<input type=\"hidden\" name=\"community\" value=\"\">"
	    "<input type=\"hidden\" name=\"action\"");
	html_attr_c(h, "value", ban ? "ban" : "unban");
	html_raw_literal(h, "><label>user name<input type=\"text\" name=\"user\" "
	    "required maxlength=\"" APP_STR(NAME_MAX) "\"></label>");
	if (ban)
		html_raw_literal(h, "<label>reason (shown to the user)<input "
		    "type=\"text\" name=\"reason\" "
		    "maxlength=\"" APP_STR(REASON_MAX) "\"></label>"
		    "<label>for how long (30d, 12h; empty: for good)<input "
		    "type=\"text\" name=\"duration\" "
		    "maxlength=\"" APP_STR(DURATION_MAX) "\"></label>"
		    APP_SURE_BOX "<p><button>ban from the site</button></p></form>");
	else
		html_raw_literal(h, "<input type=\"hidden\" name=\"reason\" "
		    "value=\"\"><p><button>lift a site ban</button></p></form>");
}

/* Writes the whole administration page, msg as an error at the top. */
static void
admin_page(struct ctx *c, const char *msg)
{
	struct html h;

	page_begin(c, &h, "Site administration");
	html_raw_literal(&h, "<div class=\"content\"><h1>Site administration</h1>");
	if (msg != NULL) {
		html_raw_literal(&h, "<p class=\"error\">");
		html_text_c(&h, msg);
		html_raw_literal(&h, "</p>");
	}
	html_raw_literal(&h, "<p class=\"meta\"><a href=\"#pages\">pages</a> · "
	    "<a href=\"#limits\">limits</a> · <a href=\"#filters\">filters</a> · "
	    "<a href=\"#bans\">bans</a> · <a href=\"/modlog\">mod log</a></p>");
	pages_section(c, &h);
	limits_section(c, &h);
	filters_section(c, &h);
	html_raw_literal(&h, "<h2 id=\"canary\">Warrant canary</h2><p>Renew "
	    "the signed statement shown at <a href=\"/canary\">/canary</a>; it "
	    "is dated now, signed with the site key and written to the mod "
	    "log.</p><form method=\"post\" action=\"/admin/canary\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<textarea name=\"text\" rows=\"4\" "
	    "aria-labelledby=\"canary\" maxlength=\"4000\" required></textarea><button>sign and "
	    "publish</button></form>");
	html_raw_literal(&h, "<h2 id=\"bans\">Site bans</h2><p>A site ban stops "
	    "a user from posting, commenting, voting and reporting anywhere. "
	    "It is written to the mod log with its reason.</p>");
	ban_form(c, &h, true);
	ban_form(c, &h, false);
	html_raw_literal(&h, "<h2 id=\"uploads\">Images</h2><p>Delete every "
	    "image a user uploaded: their addresses answer 410 and the same "
	    "files cannot be uploaded again.</p><form method=\"post\" "
	    "action=\"/admin/uploads/purge\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label>user <input type=\"text\" name=\"user\" "
	    "required maxlength=\"" APP_STR(NAME_MAX) "\"></label> <button>delete "
	    "their images</button></form></div>");
	page_end(c, &h);
}

/* Answers a refused change: the page again for browsers, JSON otherwise. */
static void
admin_error(struct ctx *c, int status, const char *code, const char *msg)
{
	app_form_refused(c, status, code, msg, admin_page);
}

/* GET /admin */
void
page_admin(struct ctx *c)
{
	if (authz(c, AZ_ADMIN, NULL) != 0)
		return;
	admin_page(c, NULL);
}

/* Ends a change made inside store_begin: commit, or roll back on rc. */
static int
finish(struct ctx *c, int rc)
{
	if (rc == STORE_OK)
		rc = store_commit(c->s);
	if (rc != STORE_OK) {
		store_rollback(c->s);
		app_store_error(c, rc);
	}
	return rc;
}

/* POST /admin/page: slug, title, body (markdown). */
void
page_admin_page(struct ctx *c)
{
	struct str slug = app_form_text(c, "slug");
	struct str title = app_form_text(c, "title");
	struct str body = http_form(c->r, "body");
	const char *html, *s = NULL;
	int rc;

	if (authz(c, AZ_ADMIN, NULL) != 0)
		return;
	for (size_t i = 0; i < ARRAY_LEN(site_pages); i++)
		if (str_eq_lit(slug, site_pages[i].slug))
			s = site_pages[i].slug;
	if (s == NULL) {
		app_error(c, 404, "not_found", "There is no such site page.");
		return;
	}
	if (title.len == 0 || !app_valid_text(title, TITLE_MAX) ||
	    str_has_ctl(title, false)) {
		admin_error(c, 400, "bad_title", "A title is 1 to " APP_STR(TITLE_MAX)
		    " characters on one line.");
		return;
	}
	if (body.p == NULL)
		body = STR_LIT("");
	if (body.len > MD_MAX_INPUT) {
		admin_error(c, 400, "too_long", "A page is at most "
		    APP_STR(MD_MAX_INPUT_KIB) " KiB.");
		return;
	}
	html = app_render_md(c, body);
	if (html == NULL) {
		admin_error(c, 400, "bad_markdown", "That text cannot be rendered.");
		return;
	}
	rc = store_begin(c->s);
	if (rc == STORE_OK)
		rc = store_page_set(c->s, s, str_dup(c->a, title),
		    str_dup(c->a, body), html, c->user->id, c->now);
	if (rc == STORE_OK)
		rc = log_change(c, "edit page", s);
	if (finish(c, rc) != STORE_OK)
		return;
	app_redirect(c, arena_printf(c->a, "/%s", s));
}

/*
 * POST /admin/settings: any of the limit_* fields, each a whole number
 * from 0 to 100000. Nothing is written unless every field given is valid.
 */
void
page_admin_settings(struct ctx *c)
{
	int64_t val[SITE_LIMITS];
	bool given[SITE_LIMITS], any = false;
	struct buf what;
	int rc;

	if (authz(c, AZ_ADMIN, NULL) != 0)
		return;
	for (size_t i = 0; i < c->r->nform; i++) {
		struct str k = c->r->form[i].key;

		if (!str_eq_lit(k, "csrf") && site_limit_find(k) == NULL) {
			admin_error(c, 400, "bad_setting", arena_printf(c->a,
			    "There is no setting called %s.", str_dup(c->a, k)));
			return;
		}
	}
	buf_init(&what, c->a, 256);
	for (size_t i = 0; i < SITE_LIMITS; i++) {
		struct str v = app_form_text(c, site_limits[i].key);

		given[i] = v.p != NULL;
		if (!given[i])
			continue;
		if (!site_limit_parse(v, &val[i])) {
			admin_error(c, 400, "bad_number", arena_printf(c->a,
			    "%s is a whole number from 0 to " APP_STR(LIMIT_MAX) ".",
			    site_limits[i].key));
			return;
		}
		if (val[i] == app_setting_int(c, site_limits[i].key,
		    site_limits[i].def)) {
			given[i] = false;
			continue;
		}
		buf_printf(&what, "%s%s=%lld", any ? ", " : "",
		    site_limits[i].key, (long long)val[i]);
		any = true;
	}
	if (any) {
		rc = store_begin(c->s);
		for (size_t i = 0; i < SITE_LIMITS && rc == STORE_OK; i++)
			if (given[i])
				rc = store_setting_set(c->s, site_limits[i].key,
				    arena_printf(c->a, "%lld", (long long)val[i]));
		if (rc == STORE_OK)
			rc = log_change(c, "settings", what.p);
		if (finish(c, rc) != STORE_OK)
			return;
	}
	app_redirect(c, "/admin#limits");
}

/*
 * POST /admin/filters: filters, one word or URL a line, at most
 * FILTERS_MAX characters. Stored trimmed, one entry a line, without empty lines.
 */
void
page_admin_filters(struct ctx *c)
{
	struct str in = http_form(c->r, "filters");
	struct buf list;
	size_t count = 0;
	int rc;

	if (authz(c, AZ_ADMIN, NULL) != 0)
		return;
	if (in.p == NULL)
		in = STR_LIT("");
	if (!app_valid_text(in, FILTERS_MAX)) {
		admin_error(c, 400, "too_long", "The filter list is at most "
		    APP_THOUSANDS(FILTERS_MAX_K) " characters.");
		return;
	}
	buf_init(&list, c->a, in.len + 1);
	while (in.len > 0) {
		const char *nl = memchr(in.p, '\n', in.len);
		size_t n = nl ? (size_t)(nl - in.p) + 1 : in.len;
		struct str line = str_trim((struct str){ in.p, n });

		if (line.len > 0) {
			if (count++ > 0)
				buf_putc(&list, '\n');
			buf_put_str(&list, line);
		}
		in.p += n;
		in.len -= n;
	}
	rc = store_begin(c->s);
	if (rc == STORE_OK)
		rc = store_setting_set(c->s, "filters", list.p);
	if (rc == STORE_OK)
		rc = log_change(c, "filters", arena_printf(c->a, "%zu %s", count,
		    count == 1 ? "entry" : "entries"));
	if (finish(c, rc) != STORE_OK)
		return;
	app_redirect(c, "/admin#filters");
}
