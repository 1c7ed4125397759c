/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_feed.c: Atom feeds of the front page, a community and a user
 * (GET /feed.atom, /s/NAME/feed.atom, /u/NAME/feed.atom).
 *
 * A feed is what a signed-out visitor's listing shows, whoever asks: feed
 * readers carry no cookies, and one answer for everyone lets the page
 * cache keep it. Removed, held and deleted posts are never in it (the
 * store's listings leave them out). Addresses in a feed must be absolute,
 * so they start with the site_url setting. The answer carries an ETag (a
 * hash of its bytes) and a Last-Modified (its newest entry), and a
 * conditional GET that matches either gets 304 with no body; the page
 * cache keeps both with the feed (app_validators.c).
 */
#include "app_int.h"

#include <string.h>

#define FEED_SIZE 25

/*
 * Reads sort (new by default: a feed is of new posts) and t for top into
 * q, and the query string that names this feed among its sorts into
 * *suffix ("" for the default). Answers 400 and returns -1 on bad values.
 */
static int
feed_query(struct ctx *c, struct post_query *q, const char **suffix)
{
	struct str sort = http_query(c->r, "sort");
	const char *period;

	memset(q, 0, sizeof(*q));
	*suffix = "";
	q->limit = FEED_SIZE;
	q->include_stickied = true;
	if (sort.p == NULL || str_eq_lit(sort, "new"))
		q->sort = SORT_NEW;
	else if (str_eq_lit(sort, "hot"))
		q->sort = SORT_HOT;
	else if (str_eq_lit(sort, "top"))
		q->sort = SORT_TOP;
	else {
		app_error(c, 400, "bad_sort", "A feed sorts by new, hot or top.");
		return -1;
	}
	if (q->sort == SORT_HOT)
		*suffix = "?sort=hot";
	if (q->sort != SORT_TOP)
		return 0;
	if (app_top_period(c, &period, &q->since) != 0)
		return -1;
	*suffix = arena_printf(c->a, "?sort=top&t=%s", period);
	return 0;
}

/* The HTML an entry carries: a text post's body, or a link post's link. */
static struct str
entry_html(struct ctx *c, const struct post *p)
{
	struct buf b;
	struct html h;

	if (app_nsfw_hidden(c, p))
		return str_c("<p>" NSFW_LABEL "</p>");
	if (p->url == NULL)
		return str_c(p->body_html ? p->body_html : "");
	buf_init(&b, c->a, 256);
	html_init(&h, &b);
	html_raw_literal(&h, "<p><a");
	if (html_attr_url(&h, "href", str_c(p->url)) != 0)
		return str_c("");
	html_raw_literal(&h, " rel=\"nofollow ugc noopener\">");
	html_text_c(&h, p->url);
	html_raw_literal(&h, "</a></p>");
	return (struct str){ b.p, b.len };
}

/*
 * Writes the feed of posts[0..n) with the given title and addresses (site
 * paths), with an ETag and a Last-Modified (app_validators), or answers
 * 304 when the request's validators match.
 */
static void
feed_answer(struct ctx *c, const char *title, const char *self_path,
    const char *suffix, const char *page_path, const struct post *posts,
    size_t n)
{
	const char *base = app_g.cfg->site_url ? app_g.cfg->site_url : "";
	struct buf *b = &c->r->out;
	struct atom_feed f = {
		.title = title,
		.self = arena_printf(c->a, "%s%s%s", base, self_path, suffix),
		.alternate = arena_printf(c->a, "%s%s%s", base, page_path, suffix),
	};

	f.id = f.self;
	for (size_t i = 0; i < n; i++) {
		int64_t u = posts[i].edited > posts[i].created ? posts[i].edited :
		    posts[i].created;

		if (u > f.updated)
			f.updated = u;
	}
	b->len = 0;
	atom_begin(b, &f);
	for (size_t i = 0; i < n; i++) {
		const struct post *p = &posts[i];
		struct atom_entry e = {
			.id = arena_printf(c->a, "%s/s/%s/p/%lld", base,
			    p->community, (long long)p->id),
			.title = app_nsfw_hidden(c, p) ? NSFW_LABEL : p->title,
			.link = arena_printf(c->a, "%s%s", base,
			    app_post_href(c, p)),
			.author = p->author,
			.author_uri = arena_printf(c->a, "%s/u/%s", base, p->author),
			.category = p->community,
			.published = p->created,
			.updated = p->edited > p->created ? p->edited : p->created,
			.content_html = entry_html(c, p),
		};

		atom_entry(b, &e);
	}
	atom_end(b);
	c->r->content_type = "application/atom+xml; charset=utf-8";

	app_validators(c, f.updated);
}

/*
 * Answers the feed of the HTML page at page_path ("/", "/s/NAME" or
 * "/u/NAME"): the posts of community_id and author_id (0 = any), in the
 * sort the query asks for.
 */
static void
feed(struct ctx *c, const char *title, const char *page_path,
    int64_t community_id, int64_t author_id)
{
	struct post_query q;
	struct post *posts;
	const char *suffix;
	size_t n;
	int rc;

	if (feed_query(c, &q, &suffix) != 0)
		return;
	q.community_id = community_id;
	q.author_id = author_id;
	rc = store_post_list(c->s, c->a, &q, &posts, &n);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	feed_answer(c, title, arena_printf(c->a, "%s/feed.atom",
	    strcmp(page_path, "/") == 0 ? "" : page_path), suffix, page_path,
	    posts, n);
}

/* GET /feed.atom: every community's posts. */
void
page_feed_front(struct ctx *c)
{
	feed(c, app_g.cfg->site_name, "/", 0, 0);
}

/* GET /s/NAME/feed.atom: one community's posts. */
void
page_feed_community(struct ctx *c)
{
	struct community cm;

	if (app_route_community(c, &cm) == 0)
		feed(c, arena_printf(c->a, "%s: %s", app_g.cfg->site_name,
		    cm.title), arena_printf(c->a, "/s/%s", cm.name), cm.id, 0);
}

/* GET /u/NAME/feed.atom: one user's posts. */
void
page_feed_user(struct ctx *c)
{
	struct user u;

	if (app_route_user(c, &u) == 0)
		feed(c, arena_printf(c->a, "%s: posts by %s",
		    app_g.cfg->site_name, u.name),
		    arena_printf(c->a, "/u/%s", u.name), 0, u.id);
}
