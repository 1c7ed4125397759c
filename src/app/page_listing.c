/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_listing.c: the front page and a community's page: one listing of
 * posts in the chosen sort, paged by cursor (?after=ID), 25 a page.
 */
#include "app_int.h"

#include <string.h>

static const char *sort_names[] = { "hot", "new", "top", "active",
	"controversial" };

/* What the query string asked for, checked. */
struct listing_args {
	enum post_sort sort;
	const char *t;         /* period name for top */
	int64_t since;
	int64_t after;
	const char *flair;     /* richer posts: ?flair= on a community */
};

/* Reads sort, t and after; answers 400 and returns -1 on bad values. */
static int
listing_args(struct ctx *c, struct listing_args *la)
{
	struct str after = http_query(c->r, "after");

	memset(la, 0, sizeof(*la));
	if (!app_sort_post(http_query(c->r, "sort"), &la->sort)) {
		app_error(c, 400, "bad_sort", "Sort by hot, new, top, active or "
		    "controversial.");
		return -1;
	}
	la->t = "day";
	la->since = 0;
	if (la->sort == SORT_TOP && app_top_period(c, &la->t, &la->since) != 0)
		return -1;
	if (after.p != NULL && (!str_to_i64(after, &la->after) || la->after <= 0)) {
		app_error(c, 400, "bad_cursor", "The after cursor is a post id.");
		return -1;
	}
	return 0;
}

static void
sort_tabs(struct ctx *c, struct html *h, const char *base,
    const struct listing_args *la)
{
	html_raw_literal(h, "<nav class=\"sorts\">sort: ");
	for (size_t i = 0; i < ARRAY_LEN(sort_names); i++) {
		html_raw_literal(h, "<a");
		html_attr(h, "href", str_c(arena_printf(c->a, "%s?sort=%s%s",
		    base, sort_names[i], app_flair_query(c, la->flair))));
		if ((size_t)la->sort == i)
			html_raw_literal(h, " class=\"on\"");
		html_raw_literal(h, ">");
		html_text_c(h, sort_names[i]);
		html_raw_literal(h, "</a> ");
	}
	if (la->sort == SORT_TOP) {
		html_raw_literal(h, " · ");
		for (size_t i = 0; i < TOP_PERIODS; i++) {
			html_raw_literal(h, "<a");
			html_attr(h, "href", str_c(arena_printf(c->a,
			    "%s?sort=top&t=%s%s", base, top_periods[i].name,
			    app_flair_query(c, la->flair))));
			if (strcmp(la->t, top_periods[i].name) == 0)
				html_raw_literal(h, " class=\"on\"");
			html_raw_literal(h, ">");
			html_text_c(h, top_periods[i].name);
			html_raw_literal(h, "</a> ");
		}
	}
	html_raw_literal(h, "</nav>");
}

/* One row of a listing; shared with profiles (page_user.c). */
void
listing_row(struct ctx *c, struct html *h, const struct post *p,
    bool show_community)
{
	const char *href = app_post_href(c, p);
	bool archived = app_archived(p, c->now);
	bool blocked = app_blocks(c, p->author_id);
	bool hidden = (p->removed || p->held) && !app_sees_hidden(c, p->author_id,
	    p->community_id);
	struct url u;
	bool linked;

	html_raw_literal(h, "<li class=\"post\"");
	html_attr(h, "id", str_c(arena_printf(c->a, "p%lld", (long long)p->id)));
	html_raw_literal(h, ">");
	if (blocked) {
		html_raw_literal(h, "<details class=\"blocked\"><summary>[blocked] "
		    "a post by ");
		html_text_c(h, app_author_shown(p->author, false));
		html_raw_literal(h, "</summary>");
	}
	app_vote_buttons(c, h, VOTE_POST, p->id, &p->score, p->my_vote,
	    archived || p->locked || p->deleted || p->removed);
	app_post_thumb(c, h, p, hidden);
	html_raw_literal(h, "<div><a class=\"title\"");
	/* The domain label comes from the same parse that allows the link, so
	 * it names the host the browser will go to (url_check refuses user
	 * info and hosts a browser would rewrite). */
	linked = p->url != NULL && !p->deleted && !hidden &&
	    !app_nsfw_hidden(c, p) &&
	    html_attr_url_parsed(h, "href", str_c(p->url), URL_WEB, &u) == 0;
	if (linked) {
		html_raw_literal(h, " rel=\"nofollow ugc noopener\">");
	} else {
		html_attr_c(h, "href", href);
		html_raw_literal(h, ">");
	}
	html_text_c(h, app_post_title(c, p, !hidden));
	html_raw_literal(h, "</a>");
	if (linked) {
		html_raw_literal(h, " <span class=\"domain\">(");
		html_text_c(h, url_host_label(c->a, &u));
		html_raw_literal(h, ")</span>");
	}
	app_flair_label(c, h, p->flair, p->flair_colour, false);
	app_nsfw_flags(h, p);
	if (p->stickied)
		html_raw_literal(h, "<span class=\"flag\">stickied</span>");
	if (p->locked)
		html_raw_literal(h, "<span class=\"flag\">locked</span>");
	if (archived)
		html_raw_literal(h, "<span class=\"flag\">archived</span>");
	if (p->removed && !hidden)
		html_raw_literal(h, "<span class=\"flag\">removed</span>");
	if (p->held && !hidden)
		html_raw_literal(h, "<span class=\"flag\">held for review</span>");
	html_raw_literal(h, "<div class=\"meta\">submitted ");
	html_time(h, p->created, c->now);
	if (!p->deleted) {
		html_raw_literal(h, " by ");
		app_user_link(c, h, p->author);
		app_flair_label(c, h, p->author_flair, NULL, true);
	}
	if (show_community) {
		html_raw_literal(h, " to <a");
		html_attr(h, "href", str_c(arena_printf(c->a, "/s/%s",
		    p->community)));
		html_raw_literal(h, ">");
		html_text_c(h, p->community);
		html_raw_literal(h, "</a>");
	}
	html_raw_literal(h, " · <a");
	html_attr_c(h, "href", href);
	html_raw_literal(h, ">");
	html_int(h, p->comment_count);
	if (p->comment_count == 1)
		html_raw_literal(h, " comment");
	else
		html_raw_literal(h, " comments");
	html_raw_literal(h, "</a>");
	if (!p->deleted)
		app_save_buttons(c, h, VOTE_POST, p->id, p->saved, p->hidden);
	html_raw_literal(h, "</div></div>");
	if (blocked)
		html_raw_literal(h, "</details>");
	html_raw_literal(h, "</li>");
}

/* A listing in JSON: stickied posts (first page only) come first. */
static void
listing_json(struct ctx *c, struct post *sticky, size_t nsticky,
    struct post *posts, size_t n, bool more)
{
	struct json j;

	app_json_list_begin(c, &j, "posts");
	app_json_posts(c, &j, sticky, nsticky);
	app_json_posts(c, &j, posts, n);
	json_arr_close(&j);
	app_json_after(c, &j, more, more ? posts[n - 1].id : 0);
	json_obj_close(&j);
}

static void
pager(struct ctx *c, struct html *h, const char *base,
    const struct listing_args *la, const struct post *last)
{
	html_raw_literal(h, "<p class=\"pager\"><a rel=\"next\"");
	if (la->sort == SORT_TOP)
		html_attr(h, "href", str_c(arena_printf(c->a,
		    "%s?sort=top&t=%s&after=%lld%s", base, la->t,
		    (long long)last->id, app_flair_query(c, la->flair))));
	else
		html_attr(h, "href", str_c(arena_printf(c->a,
		    "%s?sort=%s&after=%lld%s", base, sort_names[la->sort],
		    (long long)last->id, app_flair_query(c, la->flair))));
	html_raw_literal(h, ">next page ›</a></p>");
}

/*
 * Loads a page of posts for community_id (0 = all). Returns the count
 * shown; *more says whether a next page exists. -1 after an error answer.
 */
static int load_home(struct ctx *c, const struct listing_args *la,
    int64_t community_id, bool home, struct post **posts, size_t *n,
    bool *more);

static int
load(struct ctx *c, const struct listing_args *la, int64_t community_id,
    struct post **posts, size_t *n, bool *more)
{
	return load_home(c, la, community_id, false, posts, n, more);
}

/* As load; home narrows an all-communities page to the member's
 * subscriptions. */
static int
load_home(struct ctx *c, const struct listing_args *la, int64_t community_id,
    bool home, struct post **posts, size_t *n, bool *more)
{
	struct post_query q = {
		.home = home,
		.community_id = community_id,
		.sort = la->sort,
		.since = la->since,
		.after = la->after,
		.limit = PAGE_SIZE + 1,
		.viewer_id = c->user ? c->user->id : 0,
		.include_stickied = community_id == 0,
		.flair = la->flair,
	};
	int rc = store_post_list(c->s, c->a, &q, posts, n);

	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	*more = *n > PAGE_SIZE;
	if (*more)
		*n = PAGE_SIZE;
	return 0;
}

/*
 * GET / (Home) and GET /all, and their .json: every community's posts,
 * or with home the communities the member subscribes to.
 */
static void
front(struct ctx *c, const char *base, bool home)
{
	struct listing_args la;
	struct post *posts;
	size_t n;
	bool more;
	struct html h;

	app_cache_shows(c, DEP_LISTINGS, 0);
	if (listing_args(c, &la) != 0 ||
	    load_home(c, &la, 0, home, &posts, &n, &more) != 0)
		return;
	if (c->json) {
		listing_json(c, NULL, 0, posts, n, more);
		return;
	}
	c->feed = "/feed.atom";
	page_begin(c, &h, NULL);
	if (home)
		html_raw_literal(&h, "<div class=\"content\"><h1 class=\"vh\">"
		    "Home</h1><p class=\"meta\">Home: the communities you "
		    "subscribe to · <a href=\"/all\">all</a></p>");
	else
		html_raw_literal(&h, "<div class=\"content\"><h1 class=\"vh\">"
		    "All posts</h1>");
	sort_tabs(c, &h, base, &la);
	html_raw_literal(&h, "<ol class=\"posts\">");
	for (size_t i = 0; i < n; i++)
		listing_row(c, &h, &posts[i], true);
	html_raw_literal(&h, "</ol>");
	if (n == 0)
		html_raw_literal(&h, "<p>Nothing here yet. <a href=\"/submit\">"
		    "Submit the first post</a>.</p>");
	if (more)
		pager(c, &h, base, &la, &posts[n - 1]);
	html_raw_literal(&h, "</div><aside><div class=\"box\">");
	html_raw_literal(&h, "<p><a href=\"/submit\">Submit a post</a></p>"
	    "<p><a href=\"/create\">Create a community</a></p>"
	    "<p><a href=\"/communities\">All communities</a></p>"
	    "</div></aside>");
	page_end(c, &h);
}

/*
 * GET /: Home. A member who subscribes to any community (the session
 * row lists them: struct viewer) sees those communities' posts;
 * everybody else every community's, as on /all. Its member templates
 * are kept by the subscriptions (ROUTE_HOME).
 */
void
page_front(struct ctx *c)
{
	front(c, "/", c->user != NULL && c->viewer.home != NULL);
}

/* GET /all: every community's posts, for everyone. */
void
page_all(struct ctx *c)
{
	front(c, "/all", false);
}

static void
community_side(struct ctx *c, struct html *h, const struct community *cm)
{
	struct user *mods = NULL;
	size_t nmods = 0;

	html_raw_literal(h, "<aside><div class=\"box\"><h2>");
	html_text_c(h, cm->title);
	html_raw_literal(h, "</h2><p class=\"meta\">s/");
	html_text_c(h, cm->name);
	html_raw_literal(h, " · ");
	html_int(h, cm->subscribers);
	if (cm->subscribers == 1)
		html_raw_literal(h, " subscriber");
	else
		html_raw_literal(h, " subscribers");
	html_raw_literal(h, " · since ");
	html_time(h, cm->created, c->now);
	html_raw_literal(h, "</p>");
	if (c->user != NULL)
		app_subscribe_form(c, h, cm->id, str_c(cm->name));
	html_raw_literal(h, "<p><a");
	html_attr(h, "href", str_c(arena_printf(c->a, "/submit?community=%s",
	    cm->name)));
	html_raw_literal(h, ">Submit a post</a></p><div class=\"body\">");
	html_raw_trusted(h, str_c(cm->description_html));
	html_raw_literal(h, "</div></div>");
	if (cm->rules_html != NULL && cm->rules_html[0] != '\0') {
		html_raw_literal(h, "<div class=\"box\"><h2>Rules</h2>"
		    "<div class=\"body\">");
		html_raw_trusted(h, str_c(cm->rules_html));
		html_raw_literal(h, "</div></div>");
	}
	html_raw_literal(h, "<div class=\"box\"><h2>Moderators</h2><ul>");
	if (store_community_mods(c->s, c->a, cm->id, &mods, &nmods) == STORE_OK) {
		for (size_t i = 0; i < nmods; i++) {
			html_raw_literal(h, "<li><a");
			html_attr(h, "href", str_c(arena_printf(c->a, "/u/%s",
			    mods[i].name)));
			html_raw_literal(h, ">");
			html_text_c(h, mods[i].name);
			html_raw_literal(h, "</a></li>");
		}
	}
	html_raw_literal(h, "</ul><p class=\"meta\"><a");
	html_attr(h, "href", str_c(arena_printf(c->a, "/s/%s/modlog", cm->name)));
	html_raw_literal(h, ">mod log</a> · <a");
	html_attr(h, "href", str_c(arena_printf(c->a, "/s/%s/history", cm->name)));
	html_raw_literal(h, ">history</a>");
	if (app_is_mod(c, cm->id)) {
		html_raw_literal(h, " · <a");
		html_attr(h, "href", str_c(arena_printf(c->a, "/s/%s/mod/queue",
		    cm->name)));
		html_raw_literal(h, ">queue</a> · <a");
		html_attr(h, "href", str_c(arena_printf(c->a, "/s/%s/mod/edit",
		    cm->name)));
		html_raw_literal(h, ">edit</a> · <a");
		html_attr(h, "href", str_c(arena_printf(c->a, "/s/%s/mod/flair",
		    cm->name)));
		html_raw_literal(h, ">flair</a>");
	}
	html_raw_literal(h, "</p></div></aside>");
}

/* A community's page, loaded. */
struct community_page {
	struct community cm;
	struct listing_args la;
	struct post *posts, *sticky;
	size_t n, nsticky;
	bool more;
};

static void
community_html(struct ctx *c, struct community_page *k)
{
	const char *base = arena_printf(c->a, "/s/%s", k->cm.name);
	struct html h;

	c->feed = arena_printf(c->a, "%s/feed.atom", base);
	page_begin(c, &h, k->cm.title);
	html_raw_literal(&h, "<div class=\"content\"><h1><a");
	html_attr_c(&h, "href", base);
	html_raw_literal(&h, ">");
	html_text_c(&h, k->cm.title);
	html_raw_literal(&h, "</a></h1>");
	sort_tabs(c, &h, base, &k->la);
	html_raw_literal(&h, "<ol class=\"posts\">");
	for (size_t i = 0; i < k->nsticky; i++)
		listing_row(c, &h, &k->sticky[i], false);
	for (size_t i = 0; i < k->n; i++)
		listing_row(c, &h, &k->posts[i], false);
	html_raw_literal(&h, "</ol>");
	if (k->n + k->nsticky == 0)
		html_raw_literal(&h, "<p>No posts here yet.</p>");
	if (k->more)
		pager(c, &h, base, &k->la, &k->posts[k->n - 1]);
	html_raw_literal(&h, "</div>");
	community_side(c, &h, &k->cm);
	page_end(c, &h);
}

/* GET /s/NAME and /s/NAME.json: one community's posts and its side panel. */
void
page_community(struct ctx *c)
{
	struct community_page k = { .sticky = NULL, .nsticky = 0 };

	struct str flair = http_query(c->r, "flair");

	if (app_route_community(c, &k.cm) != 0 || listing_args(c, &k.la) != 0)
		return;
	app_cache_shows(c, DEP_COMMUNITY, k.cm.id);
	/* richer posts: one flair's posts in any sort, walked on its own
	 * index */
	if (flair.len > 0) {
		if (!app_flair_valid(flair)) {
			app_error(c, 400, "bad_flair", "That is not a flair.");
			return;
		}
		k.la.flair = str_dup(c->a, flair);
	}
	if (load(c, &k.la, k.cm.id, &k.posts, &k.n, &k.more) != 0)
		return;
	if (k.la.after == 0 && k.la.flair == NULL && store_post_stickied(c->s, c->a, k.cm.id,
	    c->user ? c->user->id : 0, &k.sticky, &k.nsticky) != STORE_OK)
		k.nsticky = 0;
	if (c->json)
		listing_json(c, k.sticky, k.nsticky, k.posts, k.n, k.more);
	else
		community_html(c, &k);
}

/*
 * The signed-in viewer's save (or unsave) button for an item, and for a
 * post its hide (or unhide) button, each after " · ".
 */
void
app_save_buttons(struct ctx *c, struct html *h, int kind, int64_t id,
    bool saved, bool hidden)
{
	if (c->user == NULL)
		return;
	if (saved)
		html_raw_literal(h, " · <form method=\"post\" action=\"/unsave\">");
	else
		html_raw_literal(h, " · <form method=\"post\" action=\"/save\">");
	app_csrf_field(c, h);
	if (kind == VOTE_POST)
		html_raw_literal(h, "<input type=\"hidden\" name=\"kind\" "
		    "value=\"post\"><input type=\"hidden\" name=\"id\"");
	else
		html_raw_literal(h, "<input type=\"hidden\" name=\"kind\" "
		    "value=\"comment\"><input type=\"hidden\" name=\"id\"");
	html_attr_i64(h, "value", id);
	if (saved)
		html_raw_literal(h, "><button>unsave</button></form>");
	else
		html_raw_literal(h, "><button>save</button></form>");
	if (kind != VOTE_POST)
		return;
	if (hidden)
		html_raw_literal(h, " · <form method=\"post\" action=\"/unhide\">");
	else
		html_raw_literal(h, " · <form method=\"post\" action=\"/hide\">");
	app_csrf_field(c, h);
	html_raw_literal(h, "<input type=\"hidden\" name=\"id\"");
	html_attr_i64(h, "value", id);
	if (hidden)
		html_raw_literal(h, "><button>unhide</button></form>");
	else
		html_raw_literal(h, "><button>hide</button></form>");
}
