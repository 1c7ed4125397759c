/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_util.c: helpers every page shares: the page frame, the one error
 * page, redirects, JSON shapes of posts and comments, vote buttons and
 * the small validators of names and numbers.
 */
#include "app_int.h"

#include <string.h>

static const struct layout_link footer_links[] = {
	{ "/welcome", "welcome" }, { "/guide", "guide" }, { "/tos", "terms" },
	{ "/privacy", "privacy" }, { "/canary", "warrant canary" },
	{ "/donate", "donate" }, { "/bugs", "bugs" }, { "/license", "licence" },
};

static struct layout
layout_for(struct ctx *c, const char *title)
{
	struct layout l = {
		.site_name = app_g.cfg->site_name,
		.title = title,
		.footer = footer_links,
		.nfooter = ARRAY_LEN(footer_links),
	};

	if (c->user != NULL) {
		l.user = c->user->name;
		l.user_points = c->user->points;
		/* A template leaves the header's signed-in part to a hole. */
		l.csrf = c->tmpl ? NULL : session_csrf(c);
	}
	return l;
}

/* For a signed-in user the header links their unseen notifications,
 * counted by the session query (page_notifications clears the count). */
static void
count_unseen(struct ctx *c, struct layout *l)
{
	if (c->user != NULL)
		l->unseen = c->viewer.unseen;
}

/* Starts an HTML page: the writer on the response and the frame. */
void
page_begin(struct ctx *c, struct html *h, const char *title)
{
	struct layout l = layout_for(c, title);
	size_t me;

	if (c->tmpl)
		l.me_later = true;
	else
		count_unseen(c, &l);
	c->r->content_type = "text/html; charset=utf-8";
	c->r->out.len = 0;
	html_init(h, &c->r->out);
	me = layout_begin(h, &l);
	if (c->tmpl)
		tmpl_add(c, (struct hole){ .off = me, .kind = HOLE_ME });
}

/* The header's part for the visitor: what page_begin leaves to a hole. */
void
app_header_me(struct ctx *c, struct html *h)
{
	struct layout l = layout_for(c, NULL);

	count_unseen(c, &l);
	layout_me(h, &l);
}

void
page_end(struct ctx *c, struct html *h)
{
	struct layout l = layout_for(c, NULL);

	layout_end(h, &l);
}

static const char *
status_text(int status)
{
	switch (status) {
	case 400: return "Bad request";
	case 401: return "Not signed in";
	case 403: return "Not allowed";
	case 404: return "Not found";
	case 405: return "Method not allowed";
	case 409: return "Conflict";
	case 413: return "Too large";
	case 414: return "Address too long";
	case 429: return "Too many requests";
	case 503: return "Unavailable";
	default: return "Error";
	}
}

/*
 * The one error page: JSON {"error", "message"} for JSON requests, an HTML
 * page otherwise. Replaces whatever the handler had written.
 */
void
app_error(struct ctx *c, int status, const char *code, const char *msg)
{
	c->r->status = status;
	c->r->out.len = 0;
	if (c->json) {
		struct json j;

		c->r->content_type = "application/json";
		json_init(&j, &c->r->out);
		json_obj_open(&j);
		json_key(&j, "error");
		json_str_c(&j, code);
		json_key(&j, "message");
		json_str_c(&j, msg);
		json_obj_close(&j);
		buf_putc(&c->r->out, '\n');
		return;
	}
	{
		struct html h;

		page_begin(c, &h, status_text(status));
		html_raw_literal(&h, "<div class=\"content\"><h1>");
		html_text_c(&h, status_text(status));
		html_raw_literal(&h, "</h1><p class=\"error\">");
		html_text_c(&h, msg);
		html_raw_literal(&h, "</p><p><a href=\"/\">Front page</a></p></div>");
		page_end(c, &h);
		c->r->status = status;
	}
}

/* Maps a store failure to the status the client sees. */
void
app_store_error(struct ctx *c, int rc)
{
	switch (rc) {
	case STORE_NOTFOUND:
		app_error(c, 404, "not_found", "There is nothing here.");
		break;
	case STORE_CONFLICT:
		app_error(c, 409, "conflict", "That conflicts with what is there.");
		break;
	case STORE_BUSY:
		http_add_header(c->r, "Retry-After", "1");
		app_error(c, 503, "busy", "The site is busy. Try again in a moment.");
		break;
	case STORE_FULL:
		app_error(c, 503, "storage", "The site cannot save anything right "
		    "now. Try again later.");
		break;
	default:
		app_error(c, 500, "internal", "Something went wrong on our side.");
	}
}

/* Answers 303 See Other to location (a site path, arena or literal). */
void
app_redirect(struct ctx *c, const char *location)
{
	c->r->status = 303;
	c->r->out.len = 0;
	http_add_header(c->r, "Location", location);
}

void
app_json_begin(struct ctx *c, struct json *j)
{
	c->r->content_type = "application/json";
	c->r->out.len = 0;
	json_init(j, &c->r->out);
}

/* True when the post is older than archive_after (0 = never). */
bool
app_archived(const struct post *p, int64_t now)
{
	int64_t after = app_g.cfg->archive_after;

	return after > 0 && now - p->created >= after;
}

/* Writes a score as the spec prints it: "1 pt", "0 pt", "2 pts". */
void
app_score(struct html *h, int64_t score)
{
	html_int(h, score);
	if (score == 1 || score == -1 || score == 0)
		html_raw_literal(h, " pt");
	else
		html_raw_literal(h, " pts");
}

/* Appends /s/NAME/p/ID/slug, the slug made from the title's ASCII words. */
void
app_post_path(struct buf *b, const struct post *p)
{
	size_t n = 0;
	bool gap = false;

	buf_printf(b, "/s/%s/p/%lld/", p->community, (long long)p->id);
	/* hidden titles must not leak through the address */
	for (const char *t = p->removed || p->held || p->deleted ? "" : p->title;
	    *t && n < 60; t++) {
		char ch = *t;

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    (ch >= 'A' && ch <= 'Z')) {
			if (gap && n > 0) {
				buf_putc(b, '_');
				n++;
			}
			buf_putc(b, (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
			n++;
			gap = false;
		} else {
			gap = true;
		}
	}
	if (n == 0)
		buf_putc(b, '_');
}

const char *
app_post_href(struct ctx *c, const struct post *p)
{
	struct buf b;

	buf_init(&b, c->a, 96);
	app_post_path(&b, p);
	return b.p;
}

void
app_csrf_field(struct ctx *c, struct html *h)
{
	if (c->tmpl) {
		tmpl_add(c, (struct hole){ .off = h->b->len, .kind = HOLE_CSRF });
		return;
	}
	/* A page has two forms per vote button: the field is escaped once. */
	if (c->csrf_field.p == NULL || c->csrf_field_of != session_csrf(c)) {
		struct buf b;

		c->csrf_field_of = session_csrf(c);
		buf_init(&b, c->a, 128);
		buf_puts(&b, "<input type=\"hidden\" name=\"csrf\" value=\"");
		html_escape(&b, c->csrf_field_of, strlen(c->csrf_field_of));
		buf_puts(&b, "\">");
		c->csrf_field = (struct str){ b.p, b.len };
	}
	buf_put_str(h->b, c->csrf_field);
}

/*
 * The part of a vote form that depends on the viewer's vote: the value of
 * dir (what pressing the button asks for) and whether the arrow is on.
 */
void
app_vote_state(struct html *h, int dir, bool on)
{
	if (dir > 0 && !on)
		html_raw_literal(h, "1\"><button class=\"up");
	else if (dir > 0)
		html_raw_literal(h, "0\"><button class=\"up on");
	else if (!on)
		html_raw_literal(h, "-1\"><button class=\"down");
	else
		html_raw_literal(h, "0\"><button class=\"down on");
}

/* One arrow's form; in a template, its state is a hole. */
static void
vote_form(struct ctx *c, struct html *h, int kind, int64_t id, int dir,
    bool on)
{
	html_raw_literal(h, "<form method=\"post\" action=\"/vote\">");
	app_csrf_field(c, h);
	if (kind == VOTE_POST)
		html_raw_literal(h, "<input type=\"hidden\" name=\"kind\" "
		    "value=\"post\"");
	else
		html_raw_literal(h, "<input type=\"hidden\" name=\"kind\" "
		    "value=\"comment\"");
	html_raw_literal(h, "><input type=\"hidden\" name=\"id\"");
	html_attr_i64(h, "value", id);
	html_raw_literal(h, "><input type=\"hidden\" name=\"dir\" value=\"");
	if (c->tmpl)
		tmpl_add(c, (struct hole){ .off = h->b->len, .kind = HOLE_VOTE,
		    .vote_kind = kind, .id = id, .dir = dir });
	else
		app_vote_state(h, dir, on);
	if (dir > 0)
		html_raw_literal(h, "\" title=\"upvote\">▲</button></form>");
	else
		html_raw_literal(h, "\" title=\"downvote\">▼</button></form>");
}

/*
 * Writes the arrows and the score. Signed-out visitors get links to the
 * login page; closed items (archived, locked, deleted) get the score only.
 */
void
app_vote_buttons(struct ctx *c, struct html *h, int kind, int64_t id,
    int64_t score, int my_vote, bool closed)
{
	html_raw_literal(h, "<div class=\"vote\">");
	if (closed) {
		html_raw_literal(h, "<span class=\"score\">");
		app_score(h, score);
		html_raw_literal(h, "</span>");
	} else if (c->user == NULL) {
		html_raw_literal(h, "<a href=\"/login\" title=\"log in to vote\">▲</a>"
		    "<span class=\"score\">");
		app_score(h, score);
		html_raw_literal(h, "</span><a href=\"/login\" title=\"log in to vote\">▼</a>");
	} else {
		vote_form(c, h, kind, id, 1, my_vote > 0);
		html_raw_literal(h, "<span class=\"score\">");
		app_score(h, score);
		html_raw_literal(h, "</span>");
		vote_form(c, h, kind, id, -1, my_vote < 0);
	}
	html_raw_literal(h, "</div>");
}

static void
json_time_or_null(struct json *j, int64_t t)
{
	if (t)
		json_time(j, t);
	else
		json_null(j);
}

/* Writes a post in the spec's shape; hidden text is null. */
void
app_json_post(struct ctx *c, struct json *j, const struct post *p)
{
	bool hidden = p->deleted || p->removed || p->held;

	json_obj_open(j);
	json_key(j, "id");
	json_int(j, p->id);
	json_key(j, "community");
	json_str_c(j, p->community);
	json_key(j, "author");
	json_str_c(j, p->deleted ? "[deleted]" : p->author);
	json_key(j, "title");
	json_str_c(j, p->deleted ? "[deleted]" : p->removed ? "[removed]" :
	    p->held ? "[held for review]" : p->title);
	json_key(j, "url");
	json_str_c(j, hidden ? NULL : p->url);
	json_key(j, "body");
	json_str_c(j, hidden ? NULL : p->body);
	json_key(j, "html");
	json_str_c(j, hidden ? NULL : p->body_html);
	json_key(j, "score");
	json_int(j, p->score);
	json_key(j, "comment_count");
	json_int(j, p->comment_count);
	json_key(j, "created");
	json_time(j, p->created);
	json_key(j, "edited");
	json_time_or_null(j, p->edited);
	json_key(j, "archived");
	json_bool(j, app_archived(p, c->now));
	json_key(j, "locked");
	json_bool(j, p->locked);
	json_key(j, "stickied");
	json_bool(j, p->stickied);
	json_key(j, "nsfw");
	json_bool(j, p->nsfw);
	json_key(j, "removed");
	json_bool(j, p->removed);
	json_key(j, "deleted");
	json_bool(j, p->deleted);
	json_key(j, "held");
	json_bool(j, p->held);
	json_key(j, "my_vote");
	json_int(j, p->my_vote);
	json_obj_close(j);
}

/* Writes a comment in the spec's shape; hidden text is null. */
void
app_json_comment(struct ctx *c, struct json *j, const struct comment *cm)
{
	bool hidden = cm->deleted || cm->removed || cm->held;

	json_obj_open(j);
	json_key(j, "id");
	json_int(j, cm->id);
	json_key(j, "parent");
	if (cm->parent_id)
		json_int(j, cm->parent_id);
	else
		json_null(j);
	json_key(j, "post");
	json_int(j, cm->post_id);
	json_key(j, "author");
	json_str_c(j, cm->deleted ? "[deleted]" : cm->author);
	json_key(j, "body");
	json_str_c(j, hidden ? NULL : cm->body);
	json_key(j, "html");
	json_str_c(j, hidden ? NULL : cm->body_html);
	json_key(j, "score");
	json_int(j, cm->score);
	json_key(j, "depth");
	json_int(j, cm->depth);
	json_key(j, "created");
	json_time(j, cm->created);
	json_key(j, "edited");
	json_time_or_null(j, cm->edited);
	json_key(j, "removed");
	json_bool(j, cm->removed);
	json_key(j, "deleted");
	json_bool(j, cm->deleted);
	json_key(j, "held");
	json_bool(j, cm->held);
	json_key(j, "my_vote");
	json_int(j, cm->my_vote);
	json_obj_close(j);
}

/* Reads route capture i as a positive id. */
bool
app_param_id(struct ctx *c, size_t i, int64_t *id)
{
	return i < c->nparam && str_to_i64(c->param[i], id) && *id > 0;
}

/* 3–24 of A-Za-z0-9_ (and '-' for user names). */
bool
app_valid_name(struct str s, bool allow_dash)
{
	if (s.len < NAME_MIN || s.len > NAME_MAX)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char ch = s.p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || (allow_dash && ch == '-')))
			return false;
	}
	return true;
}

/* Returns a form field without surrounding white space (STR_NULL if absent). */
struct str
app_form_text(struct ctx *c, const char *name)
{
	struct str s = http_form(c->r, name);

	return s.p ? str_trim(s) : s;
}

/* Renders markdown into the arena; NULL when the text cannot be rendered. */
const char *
app_render_md(struct ctx *c, struct str src)
{
	struct buf b;

	buf_init(&b, c->a, src.len * 2 + 64);
	if (md_render(&b, src) != 0)
		return NULL;
	return b.p;
}

/*
 * Loads the post named by route captures name_i (community) and id_i into
 * p. Returns 0, or -1 after answering 404 (or a store error).
 */
int
app_get_post(struct ctx *c, size_t name_i, size_t id_i, struct post *p)
{
	int64_t id;
	int rc;

	if (!app_param_id(c, id_i, &id)) {
		app_error(c, 404, "not_found", "There is no such post.");
		return -1;
	}
	rc = store_post_get(c->s, c->a, id, c->user ? c->user->id : 0, p);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK &&
	    !str_case_eq(str_c(p->community), c->param[name_i]))) {
		app_error(c, 404, "not_found", "There is no such post.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return 0;
}

bool
app_sort_post(struct str s, enum post_sort *out)
{
	static const struct { const char *name; enum post_sort sort; } sorts[] = {
		{ "hot", SORT_HOT }, { "new", SORT_NEW }, { "top", SORT_TOP },
		{ "active", SORT_ACTIVE }, { "controversial", SORT_CONTROVERSIAL },
	};

	if (s.p == NULL) {
		*out = SORT_HOT;
		return true;
	}
	for (size_t i = 0; i < ARRAY_LEN(sorts); i++) {
		if (str_eq_lit(s, sorts[i].name)) {
			*out = sorts[i].sort;
			return true;
		}
	}
	return false;
}

/* Signed in, or answer 403 and return false. */
bool
app_need_user(struct ctx *c)
{
	if (c->user != NULL)
		return true;
	app_error(c, 403, "login_required", "Sign in to do that.");
	return false;
}

/* True when text t holds at most max characters (code points). */
bool
app_valid_text(struct str t, size_t max)
{
	return t.len <= max * 4 && str_utf8_len(t) <= max;
}

/*
 * The path of a same-site Referer (arena memory), or NULL: where to send
 * a browser back to after a form that has no page of its own. The Referer
 * must pass url_check as an http(s) URL whose host and port are the Host
 * header's, and what follows them must be a local path (url_is_local_path:
 * browsers send it percent-encoded, so anything else is forged).
 */
const char *
app_back_path(struct ctx *c)
{
	struct str ref = http_header(c->r, "Referer");
	struct str host = http_header(c->r, "Host");
	struct url u;
	struct str path;

	if (ref.p == NULL || host.p == NULL ||
	    url_check(ref, &u, URL_WEB) != URL_OK || !str_case_eq(u.hostport, host))
		return NULL;
	path = (struct str){ u.path.p, (size_t)(ref.p + ref.len - u.path.p) };
	if (!url_is_local_path(path))
		return NULL;
	return str_dup(c->a, path);
}

/* Writes a link to a user's profile; a deleted account's name is plain. */
void
app_user_link(struct ctx *c, struct html *h, const char *name)
{
	if (strcmp(name, "[deleted]") == 0) {
		html_raw_literal(h, "[deleted]");
		return;
	}
	html_raw_literal(h, "<a");
	html_attr(h, "href", str_c(arena_printf(c->a, "/u/%s", name)));
	html_raw_literal(h, ">");
	html_text_c(h, name);
	html_raw_literal(h, "</a>");
}
