/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_user.c: a user's profile: points, and their posts and comments,
 * newest first.
 */
#include "app_int.h"

/* The viewer's block or unblock button for u (page_block.c). */
static void
block_button(struct ctx *c, struct html *h, const struct user *u)
{
	bool blocked = app_blocks(c, u->id);

	html_raw_literal(h, " · <form class=\"inline\" method=\"post\"");
	html_attr_c(h, "action", blocked ? "/unblock" : "/block");
	html_raw_literal(h, ">");
	app_csrf_field(c, h);
	html_raw_literal(h, "<input type=\"hidden\" name=\"user\"");
	html_attr_c(h, "value", u->name);
	if (blocked)
		html_raw_literal(h, "><button>unblock</button></form>");
	else
		html_raw_literal(h, "><button>block</button></form>");
}

/* A profile, loaded. */
struct profile {
	struct user u;
	struct post *posts;
	struct comment *cms;
	size_t np, nc;
	const char *inviter;  /* whose invite code they used, for admins;
	                         NULL otherwise */
};

/* Loads the route's user and their newest posts and comments. Returns 0,
 * or -1 after answering. */
static int
profile_load(struct ctx *c, struct profile *pr)
{
	struct post_query q = { .sort = SORT_NEW, .limit = PAGE_SIZE,
		.include_stickied = true };
	int rc;

	if (app_route_user(c, &pr->u) != 0)
		return -1;
	app_cache_shows(c, DEP_USER, pr->u.id);
	q.author_id = pr->u.id;
	q.viewer_id = c->user ? c->user->id : 0;
	rc = store_post_list(c->s, c->a, &q, &pr->posts, &pr->np);
	if (rc == STORE_OK)
		rc = store_comments_by_author(c->s, c->a, pr->u.id, 0, PAGE_SIZE,
		    &pr->cms, &pr->nc);
	pr->inviter = NULL;
	if (rc == STORE_OK && c->user != NULL && app_is_admin(c)) {
		struct invited inv;

		rc = store_user_inviter(c->s, c->a, pr->u.id, &inv);
		if (rc == STORE_OK)
			pr->inviter = inv.inviter;
		else if (rc == STORE_NOTFOUND)
			rc = STORE_OK;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return 0;
}

static void
profile_json(struct ctx *c, const struct profile *pr)
{
	struct json j;

	app_json_begin(c, &j);
	json_obj_open(&j);
	json_kv_str_c(&j, "name", pr->u.name);
	json_kv_time(&j, "created", pr->u.created);
	json_kv_int(&j, "points", pr->u.points);
	json_kv_bool(&j, "admin", pr->u.role == ROLE_ADMIN);
	/* who invited whom is the admins' to see */
	if (c->user != NULL && app_is_admin(c))
		json_kv_str_c(&j, "invited_by", pr->inviter);
	json_key(&j, "posts");
	json_arr_open(&j);
	app_json_posts(c, &j, pr->posts, pr->np);
	json_arr_close(&j);
	json_key(&j, "comments");
	json_arr_open(&j);
	for (size_t i = 0; i < pr->nc; i++)
		app_json_comment(c, &j, &pr->cms[i]);
	json_arr_close(&j);
	json_obj_close(&j);
}

/* One of the user's comments, with where it was written. */
static void
profile_comment(struct ctx *c, struct html *h, const struct comment *cm)
{
	const char *ph;

	html_raw_literal(h, "<div class=\"c\"><p class=\"meta\">");
	app_score(h, cm->score);
	html_raw_literal(h, " · ");
	html_time(h, cm->created, c->now);
	html_raw_literal(h, " on <a");
	html_attr(h, "href", str_c(arena_printf(c->a, "/s/%s/p/%lld/c/%lld",
	    cm->community, (long long)cm->post_id, (long long)cm->id)));
	html_raw_literal(h, ">");
	html_text_c(h, app_post_title(c, &(struct post){
	    .title = cm->post_title ? cm->post_title : "a post",
	    .deleted = cm->post_deleted, .removed = cm->post_removed,
	    .held = cm->post_held, .nsfw = cm->post_nsfw }, false));
	html_raw_literal(h, "</a> in ");
	html_text_c(h, cm->community ? cm->community : "");
	html_raw_literal(h, "</p><div class=\"body\">");
	if ((ph = app_placeholder(cm->deleted, cm->removed, false, false)) != NULL) {
		html_raw_literal(h, "<p>");
		html_text_c(h, ph);
		html_raw_literal(h, "</p>");
	} else {
		html_raw_trusted(h, str_c(cm->body_html));
	}
	html_raw_literal(h, "</div></div>");
}

static void
profile_html(struct ctx *c, const struct profile *pr)
{
	const struct user *u = &pr->u;
	struct html h;

	c->feed = arena_printf(c->a, "/u/%s/feed.atom", u->name);
	page_begin(c, &h, u->name);
	html_raw_literal(&h, "<div class=\"content\"><h1>");
	html_text_c(&h, u->name);
	html_raw_literal(&h, "</h1><p class=\"meta\">");
	html_int(&h, u->points);
	if (u->points == 1 || u->points == -1)
		html_raw_literal(&h, " point");
	else
		html_raw_literal(&h, " points");
	html_raw_literal(&h, " · joined ");
	html_time(&h, u->created, c->now);
	if (u->role == ROLE_ADMIN)
		html_raw_literal(&h, " · site admin");
	if (pr->inviter != NULL) {
		html_raw_literal(&h, " · invited by ");
		app_user_link(c, &h, pr->inviter);
	}
	if (c->user != NULL && !app_viewer_is(c, u->id))
		block_button(c, &h, u);
	html_raw_literal(&h, "</p><h2>Posts</h2><ol class=\"posts\">");
	for (size_t i = 0; i < pr->np; i++)
		listing_row(c, &h, &pr->posts[i], true);
	html_raw_literal(&h, "</ol>");
	if (pr->np == 0)
		html_raw_literal(&h, "<p>No posts yet.</p>");
	html_raw_literal(&h, "<h2>Comments</h2>");
	for (size_t i = 0; i < pr->nc; i++)
		profile_comment(c, &h, &pr->cms[i]);
	if (pr->nc == 0)
		html_raw_literal(&h, "<p>No comments yet.</p>");
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/* GET /u/NAME and /u/NAME.json. */
void
page_user(struct ctx *c)
{
	struct profile pr;

	if (profile_load(c, &pr) != 0)
		return;
	if (c->json)
		profile_json(c, &pr);
	else
		profile_html(c, &pr);
}
