/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_json.c: the JSON answers' common shapes: posts, comments, {"ok"}
 * and a listing's "after" cursor.
 */
#include "app_int.h"

#include <string.h>

/* Starts a JSON answer: the writer on the response. */
void
app_json_begin(struct ctx *c, struct json *j)
{
	c->r->content_type = "application/json";
	c->r->out.len = 0;
	json_init(j, &c->r->out);
}

/* Writes a post in the spec's shape; hidden text is null. */
void
app_json_post(struct ctx *c, struct json *j, const struct post *p)
{
	bool nsfw_hidden = app_nsfw_hidden(c, p);
	bool hidden = p->deleted || p->removed || p->held || nsfw_hidden;

	json_obj_open(j);
	json_kv_int(j, "id", p->id);
	json_kv_str_c(j, "community", p->community);
	json_kv_str_c(j, "author", app_author_shown(p->author, p->deleted));
	json_kv_str_c(j, "title", app_post_title(c, p, false));
	json_kv_str_c(j, "url", hidden ? NULL : p->url);
	json_kv_str_c(j, "body", hidden ? NULL : p->body);
	json_kv_str_c(j, "html", hidden ? NULL : p->body_html);
	json_kv_int(j, "score", p->score);
	json_kv_int(j, "comment_count", p->comment_count);
	json_kv_time(j, "created", p->created);
	json_kv_opt_time(j, "edited", p->edited);
	json_kv_bool(j, "archived", app_archived(p, c->now));
	json_kv_bool(j, "locked", p->locked);
	json_kv_bool(j, "stickied", p->stickied);
	json_kv_bool(j, "nsfw", p->nsfw);
	json_kv_bool(j, "spoiler", p->spoiler);
	json_kv_str_c(j, "flair", p->flair);
	json_kv_str_c(j, "author_flair", p->deleted ? NULL : p->author_flair);
	json_kv_str_c(j, "image", hidden || p->image == NULL ? NULL :
	    arena_printf(c->a, "/i/%s", p->image));
	json_kv_str_c(j, "thumbnail", hidden || p->image == NULL ||
	    strchr(p->image, '.') == NULL ? NULL : arena_printf(c->a,
	    "/i/%.*s_t%s", (int)(strchr(p->image, '.') - p->image), p->image,
	    strchr(p->image, '.')));
	if (hidden) {
		json_key(j, "poll");
		json_null(j);
	} else {
		app_poll_json(c, j, p);
	}
	json_kv_bool(j, "removed", p->removed);
	json_kv_bool(j, "deleted", p->deleted);
	json_kv_bool(j, "held", p->held);
	json_kv_int(j, "my_vote", p->my_vote);
	/* The viewer's marks come in the post's own row (POST_COLS), so a
	 * page of posts reads them in its one query; false for visitors. */
	json_kv_bool(j, "saved", p->saved);
	json_kv_bool(j, "hidden", p->hidden);
	json_obj_close(j);
}

/*
 * Writes posts[0..n) into an open JSON list, their polls read first in
 * one query (app_polls_load) rather than one a post.
 */
void
app_json_posts(struct ctx *c, struct json *j, struct post *posts, size_t n)
{
	struct post **ps = ARENA_ARRAY(c->a, struct post *, n + 1);

	for (size_t i = 0; i < n; i++)
		ps[i] = &posts[i];
	app_polls_load(c, ps, n);
	for (size_t i = 0; i < n; i++)
		app_json_post(c, j, &posts[i]);
}

/* Writes a comment in the spec's shape; hidden text is null. */
void
app_json_comment(struct ctx *c, struct json *j, const struct comment *cm)
{
	bool hidden = cm->deleted || cm->removed || cm->held;

	json_obj_open(j);
	json_kv_int(j, "id", cm->id);
	json_kv_opt_int(j, "parent", cm->parent_id);
	json_kv_int(j, "post", cm->post_id);
	json_kv_str_c(j, "author", app_author_shown(cm->author, cm->deleted));
	json_kv_str_c(j, "author_flair", cm->deleted ? NULL : cm->author_flair);
	json_kv_str_c(j, "body", hidden ? NULL : cm->body);
	json_kv_str_c(j, "html", hidden ? NULL : cm->body_html);
	json_kv_int(j, "score", cm->score);
	json_kv_int(j, "depth", cm->depth);
	json_kv_time(j, "created", cm->created);
	json_kv_opt_time(j, "edited", cm->edited);
	json_kv_bool(j, "removed", cm->removed);
	json_kv_bool(j, "deleted", cm->deleted);
	json_kv_bool(j, "held", cm->held);
	json_kv_int(j, "my_vote", cm->my_vote);
	json_obj_close(j);
}

/* Starts a JSON answer that is an object whose first member, key, is a
 * list: {"key":[ ; the caller writes the items and closes both. */
void
app_json_list_begin(struct ctx *c, struct json *j, const char *key)
{
	app_json_begin(c, j);
	json_obj_open(j);
	json_key(j, key);
	json_arr_open(j);
}

/* Answers {"ok":true}: an action done, for a JSON client. */
void
app_json_ok(struct ctx *c)
{
	struct json j;

	app_json_begin(c, &j);
	json_obj_open(&j);
	json_kv_bool(&j, "ok", true);
	json_obj_close(&j);
}

/* A write's answer: {"ok": true} to JSON, else 303 to href. */
void
app_done(struct ctx *c, const char *href)
{
	if (c->json)
		app_json_ok(c);
	else
		app_redirect(c, href);
}

/* Writes a page's "after" cursor: the last id as a string while there is
 * more, else null. */
void
app_json_after(struct ctx *c, struct json *j, bool more, int64_t last)
{
	json_kv_str_c(j, "after", more ? arena_printf(c->a, "%lld",
	    (long long)last) : NULL);
}
