/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_post.c: submitting, editing and deleting posts.
 *
 * Each action is one function (app_post_submit, app_post_edit,
 * app_post_delete) that checks the input, asks authz() and writes; the
 * form handlers here and the API's (page_api.c) only read their input
 * and answer the result, so both go through the same checks and limits.
 */
#include "app_int.h"

#include <string.h>
#include <strings.h>

static void
submit_page(struct ctx *c, const struct post_form *f, const char *msg)
{
	struct html h;

	page_begin(c, &h, "Submit");
	html_raw_literal(&h, "<div class=\"content\"><h1>Submit a post</h1>");
	if (msg != NULL) {
		html_raw_literal(&h, "<p class=\"error\">");
		html_text_c(&h, msg);
		html_raw_literal(&h, "</p>");
	}
	html_raw_literal(&h, "<form class=\"edit\" method=\"post\" action=\"/submit\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"community\">community</label>"
	    "<input type=\"text\" id=\"community\" name=\"community\" required "
	    "maxlength=\"" APP_STR(NAME_MAX) "\"");
	html_attr(&h, "value", f->community.p ? f->community : STR_LIT(""));
	html_raw_literal(&h, "><label for=\"title\">title</label>"
	    "<input type=\"text\" id=\"title\" name=\"title\" required "
	    "maxlength=\"" APP_STR(TITLE_MAX) "\"");
	html_attr(&h, "value", f->title.p ? f->title : STR_LIT(""));
	html_raw_literal(&h, "><label for=\"url\">link (http or https), or leave "
	    "empty for a text post</label>"
	    "<input type=\"url\" id=\"url\" name=\"url\" "
	    "maxlength=\"" APP_STR(URL_MAX) "\"");
	html_attr(&h, "value", f->url.p ? f->url : STR_LIT(""));
	html_raw_literal(&h, "><label for=\"body\">text (markdown)</label>"
	    "<textarea id=\"body\" name=\"body\" "
	    "maxlength=\"" APP_STR_K(POST_BODY_MAX_K) "\">");
	if (f->body.p)
		html_text(&h, f->body);
	html_raw_literal(&h, "</textarea><label for=\"flair\">flair (one of the "
	    "community's, optional)</label><input type=\"text\" id=\"flair\" "
	    "name=\"flair\" maxlength=\"" APP_STR(FLAIR_MAX) "\">");
	html_raw_literal(&h, "<label for=\"poll\">poll: 2 to 10 options, one "
	    "a line (optional)</label><textarea id=\"poll\" name=\"poll\" "
	    "rows=\"4\"></textarea><label for=\"closes\">poll closes after "
	    "(like 3d; empty = never)</label><input type=\"text\" id=\"closes\" "
	    "name=\"closes\" maxlength=\"" APP_STR(DURATION_MAX) "\">");
	html_raw_literal(&h, "<label for=\"image\">image: the address an "
	    "<a href=\"/upload\">upload</a> answered with (optional)</label>"
	    "<input type=\"text\" id=\"image\" name=\"image\" "
	    "maxlength=\"" APP_STR(URL_MAX) "\"");
	html_attr(&h, "value", f->image.p ? f->image : STR_LIT(""));
	html_raw_literal(&h, ">");
	app_nsfw_checkboxes(&h, f->nsfw, f->spoiler);
	html_raw_literal(&h, "<p><button>submit</button></p></form>"
	    "<p class=\"meta\">Read the <a href=\"/guide\">guide</a> for markdown "
	    "and the community's rules before posting.</p></div>");
	page_end(c, &h);
}

/* Answers a form error: the form again for browsers, JSON for the API. */
static void
submit_error(struct ctx *c, const struct post_form *f, int status,
    const char *code, const char *msg)
{
	if (c->json) {
		app_error(c, status, code, msg);
		return;
	}
	submit_page(c, f, msg);
	c->r->status = status;
}

void
page_submit_form(struct ctx *c)
{
	struct post_form f = { .community = http_query(c->r, "community"),
		.image = http_query(c->r, "image") };

	submit_page(c, &f, NULL);
}

static bool
valid_title(struct str t)
{
	size_t n = str_utf8_len(t);

	return n >= 1 && n <= TITLE_MAX && !str_has_ctl(t, false);
}

/*
 * Checks a link post's URL: url_check's web rules (http or https, "//" and
 * a plain host, no user info), at most URL_MAX bytes, no spaces. Returns
 * URL_OK or what is wrong.
 */
static enum url_fault
valid_link(struct str u)
{
	struct url parts;

	if (u.len > URL_MAX || memchr(u.p, ' ', u.len) != NULL)
		return URL_SYNTAX;
	return url_check(u, &parts, URL_WEB);
}

/*
 * Submits a post from f (trimmed fields; url or body empty or NULL)
 * into *out, its id set. Returns 0, or -1 after answering the refusal:
 * for a browser the form again, for JSON the error.
 */
int
app_post_submit(struct ctx *c, const struct post_form *ff, struct post *out)
{
	struct post_form f = *ff;
	struct app_mentions am = { .m.n = 0 };
	struct community cm;
	struct post p = { 0 };
	enum url_fault bad;
	const char **poll = NULL;
	size_t npoll = 0;
	int64_t id, closes = 0;
	int rc;

	if (f.url.p == NULL)
		f.url = STR_LIT("");
	if (f.body.p == NULL)
		f.body = STR_LIT("");
	if (!app_valid_name(f.community, false)) {
		submit_error(c, &f, 400, "bad_community", "Choose a community by its "
		    "name.");
		return -1;
	}
	if (!valid_title(f.title)) {
		submit_error(c, &f, 400, "bad_title", "A title is 1 to "
		    APP_STR(TITLE_MAX) " characters on one line.");
		return -1;
	}
	if (f.url.len > 0 && f.body.len > 0) {
		submit_error(c, &f, 400, "link_and_text", "A post is either a link "
		    "or a text, not both.");
		return -1;
	}
	if (f.url.len > 0 && (bad = valid_link(f.url)) != URL_OK) {
		if (bad == URL_USERINFO)
			submit_error(c, &f, 400, "url_userinfo", "A link cannot "
			    "carry a user name or password (the part before "
			    "\"@\"): it would show as another site.");
		else if (bad == URL_HOST)
			submit_error(c, &f, 400, "url_host", "A link's host is a "
			    "plain name (an international one in its xn-- "
			    "form) or IP address, without % escapes.");
		else
			submit_error(c, &f, 400, "bad_url", "A link is an http or "
			    "https address of at most " APP_STR(URL_MAX)
			    " characters.");
		return -1;
	}
	if (!app_valid_text(f.body, POST_BODY_MAX)) {
		submit_error(c, &f, 400, "body_too_long", "A text is at most "
		    APP_THOUSANDS(POST_BODY_MAX_K) " characters.");
		return -1;
	}
	rc = store_community_by_name(c->s, c->a, str_dup(c->a, f.community), &cm);
	if (rc == STORE_NOTFOUND) {
		submit_error(c, &f, 404, "no_community", "There is no such community.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (authz(c, AZ_POST, &(struct authz_target){ .community_id = cm.id }) != 0)
		return -1;
	p.community_id = cm.id;
	p.community = cm.name;
	p.author_id = c->user->id;
	p.title = str_dup(c->a, f.title);
	p.created = c->now;
	p.nsfw = f.nsfw;
	p.spoiler = f.spoiler;
	if (app_flair_check(c, cm.id, f.flair, &p.flair) != 0)
		return -1;
	if (app_poll_parse(c, f.poll, f.closes, &poll, &npoll, &closes) != 0)
		return -1;
	if (npoll > 0 && f.url.len > 0) {
		submit_error(c, &f, 400, "bad_poll", "A poll is a text post: leave "
		    "the link empty.");
		return -1;
	}
	if (f.image.len > 0 && (f.url.len > 0 || npoll > 0)) {
		submit_error(c, &f, 400, "image_and_link", "An image post has no "
		    "link and no poll.");
		return -1;
	}
	if (app_upload_image_field(c, f.image, &p.image) != 0)
		return -1;
	if (f.url.len > 0) {
		p.url = str_dup(c->a, f.url);
	} else {
		p.body = str_dup(c->a, f.body);
		p.body_html = app_render_md_mentions(c, f.body, &am);
		if (p.body_html == NULL) {
			submit_error(c, &f, 400, "bad_markdown", "That text cannot be "
			    "rendered.");
			return -1;
		}
	}
	p.held = app_filter_match(c, f.title, f.url, f.body);
	/* A poll post and its options are written together. */
	if ((rc = store_begin(c->s)) != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	rc = store_post_create(c->s, &p, &id);
	p.id = id;
	if (rc == STORE_OK && p.image != NULL)
		rc = store_post_set_image(c->s, id, p.image);
	if (rc == STORE_OK && npoll > 0)
		rc = store_poll_create(c->s, id, poll, npoll, closes);
	/* the post and whom it mentions commit together; a held post tells
	 * nobody until it is shown */
	if (rc == STORE_OK && !p.held && p.body != NULL)
		rc = app_mentions_notify(c, &am, VOTE_POST, id, id,
		    app_post_href(c, &p), p.body, 0);
	rc = app_mod_tx_end(c, rc);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	p.score = 1;
	p.ups = 1;
	p.my_vote = 1;
	p.has_poll = npoll > 0;
	p.author = c->user->name;
	*out = p;
	return 0;
}

/* POST /submit: community, title, url or body; flair, nsfw, spoiler,
 * poll and closes. */
void
page_submit(struct ctx *c)
{
	struct post_form f = {
		.community = app_form_text(c, "community"),
		.title = app_form_text(c, "title"),
		.url = app_form_text(c, "url"),
		.body = app_form_text(c, "body"),
		.flair = app_form_text(c, "flair"),
		.poll = app_form_text(c, "poll"),
		.closes = app_form_text(c, "closes"),
		.image = app_form_text(c, "image"),
		.nsfw = app_form_flag(c, "nsfw"),
		.spoiler = app_form_flag(c, "spoiler"),
	};
	struct post p;

	if (app_post_submit(c, &f, &p) == 0)
		app_redirect(c, app_post_href(c, &p));
}

/*
 * May the viewer change post p as its author: 403 for anyone else
 * (authz), and for a post that is deleted, or closed when closed_ok is
 * false (edits). Returns 0, or -1 after answering.
 */
int
app_post_own(struct ctx *c, const struct post *p, bool closed_ok)
{
	return app_own_item(c, p, p->author_id, p->deleted ?
	    "This post is deleted." : NULL, closed_ok);
}

/* Loads the route's post for its author (app_post_own). */
static int
own_post(struct ctx *c, struct post *p, bool closed_ok)
{
	if (app_get_post(c, 0, 1, p) != 0)
		return -1;
	return app_post_own(c, p, closed_ok);
}

/* The edit form's flair choice: the community's flairs, or none. */
static void
flair_select(struct ctx *c, struct html *h, const struct post *p)
{
	struct flair *fl = NULL;
	size_t n = 0;

	if (store_flairs(c->s, c->a, p->community_id, &fl, &n) != STORE_OK ||
	    n == 0)
		return;
	html_raw_literal(h, "<label for=\"flair\">flair</label><select "
	    "id=\"flair\" name=\"flair\"><option value=\"\">none</option>");
	for (size_t i = 0; i < n; i++) {
		html_raw_literal(h, "<option");
		html_attr_c(h, "value", fl[i].text);
		if (p->flair && strcmp(p->flair, fl[i].text) == 0)
			html_raw_literal(h, " selected");
		html_raw_literal(h, ">");
		html_text_c(h, fl[i].text);
		html_raw_literal(h, "</option>");
	}
	html_raw_literal(h, "</select>");
}

void
page_post_edit_form(struct ctx *c)
{
	struct post p;
	struct html h;

	if (own_post(c, &p, false) != 0)
		return;
	page_begin(c, &h, "Edit post");
	html_raw_literal(&h, "<div class=\"content\"><h1>Edit post</h1>"
	    "<form class=\"edit\" method=\"post\"");
	html_attr(&h, "action", str_c(arena_printf(c->a, "/s/%s/p/%lld/edit",
	    p.community, (long long)p.id)));
	html_raw_literal(&h, ">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"title\">title</label>"
	    "<input type=\"text\" id=\"title\" name=\"title\" required "
	    "maxlength=\"" APP_STR(TITLE_MAX) "\"");
	html_attr_c(&h, "value", p.title);
	html_raw_literal(&h, ">");
	if (p.url == NULL) {
		html_raw_literal(&h, "<label for=\"body\">text (markdown)</label>"
		    "<textarea id=\"body\" name=\"body\" "
		    "maxlength=\"" APP_STR_K(POST_BODY_MAX_K) "\">");
		html_text_c(&h, p.body ? p.body : "");
		html_raw_literal(&h, "</textarea>");
	}
	flair_select(c, &h, &p);
	app_nsfw_checkboxes(&h, p.nsfw, p.spoiler);
	html_raw_literal(&h, "<p><button>save</button></p></form></div>");
	page_end(c, &h);
}

/*
 * Edits post p, which app_post_own allowed: title (NULL: unchanged) and,
 * for a text post, body (NULL: empty); flair (NULL: unchanged, empty:
 * none) and the nsfw and spoiler marks, all in one transaction. Updates
 * *p and tells the names the text newly mentions. Returns 0, or -1 after
 * answering.
 */
int
app_post_edit(struct ctx *c, struct post *p, struct str title,
    struct str body, struct str flair, bool nsfw, bool spoiler)
{
	struct app_mentions am = { .m.n = 0 };
	const char *html = NULL, *fl = p->flair;
	int rc;

	if (title.p != NULL && !valid_title(title)) {
		app_error(c, 400, "bad_title", "A title is 1 to " APP_STR(TITLE_MAX)
		    " characters on one line.");
		return -1;
	}
	if (p->url != NULL && body.len > 0) {
		app_error(c, 400, "link_post", "A link post has no text to edit.");
		return -1;
	}
	if (!app_valid_text(body, POST_BODY_MAX)) {
		app_error(c, 400, "body_too_long", "A text is at most "
		    APP_THOUSANDS(POST_BODY_MAX_K) " characters.");
		return -1;
	}
	if (p->url == NULL) {
		html = app_render_md_mentions(c, body.p ? body : STR_LIT(""),
		    &am);
		if (html == NULL) {
			app_error(c, 400, "bad_markdown", "That text cannot be rendered.");
			return -1;
		}
	}
	if (flair.p != NULL &&
	    app_flair_check(c, p->community_id, flair, &fl) != 0)
		return -1;
	/* The marks change with the text, in one transaction, and the names
	 * the text newly mentions are told in it (a held post tells nobody). */
	if ((rc = store_begin(c->s)) != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	rc = store_post_edit(c->s, p->id, title.p ? str_dup(c->a, title) : NULL,
	    p->url == NULL ? str_dup(c->a, body) : NULL, html, c->now);
	if (rc == STORE_OK)
		rc = store_post_set_marks(c->s, p->id, nsfw, spoiler);
	if (rc == STORE_OK)
		rc = store_post_set_flair(c->s, p->id, fl);
	if (rc == STORE_OK && p->url == NULL && !p->held)
		rc = app_mentions_notify(c, &am, VOTE_POST, p->id, p->id,
		    app_post_href(c, p), str_dup(c->a, body.p ? body :
		    STR_LIT("")), 0);
	rc = app_mod_tx_end(c, rc);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (title.p != NULL)
		p->title = str_dup(c->a, title);
	if (p->url == NULL) {
		p->body = str_dup(c->a, body.p ? body : STR_LIT(""));
		p->body_html = html;
	}
	p->nsfw = nsfw;
	p->spoiler = spoiler;
	p->flair = fl;
	p->edited = c->now;
	return 0;
}

/* POST .../p/ID/edit: title and (text posts) body, flair, nsfw and
 * spoiler. The checkboxes are sent unticked by leaving them out, so their
 * absence is "off"; an absent flair is none. */
void
page_post_edit(struct ctx *c)
{
	struct post p;
	struct str flair = app_form_text(c, "flair");

	if (own_post(c, &p, false) == 0 && app_post_edit(c, &p,
	    app_form_text(c, "title"), app_form_text(c, "body"),
	    flair.p ? flair : STR_LIT(""), app_form_flag(c, "nsfw"),
	    app_form_flag(c, "spoiler")) == 0)
		app_redirect(c, app_post_href(c, &p));
}

/* Deletes post p, which app_post_own allowed; it stays as [deleted].
 * Returns 0, or -1 after answering. */
int
app_post_delete(struct ctx *c, struct post *p)
{
	int rc = store_post_delete(c->s, p->id, c->now);

	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	p->deleted = true;
	return 0;
}

/* GET .../p/ID/delete: asks the author before the post is deleted. */
void
page_post_delete_form(struct ctx *c)
{
	struct post p;
	const char *href;

	if (own_post(c, &p, true) != 0)
		return;
	href = app_post_href(c, &p);
	app_delete_confirm(c, "post", p.title, arena_printf(c->a,
	    "/s/%s/p/%lld/delete", p.community, (long long)p.id), href);
}

/* POST .../p/ID/delete: the author deletes the post; it stays as [deleted]. */
void
page_post_delete(struct ctx *c)
{
	struct post p;

	if (own_post(c, &p, true) == 0 && app_post_delete(c, &p) == 0)
		app_redirect(c, app_post_href(c, &p));
}
