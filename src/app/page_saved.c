/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_saved.c: saving and hiding. POST /save and /unsave (kind, id),
 * GET /saved; POST /hide and /unhide (id of a post), GET /hidden; the
 * save and hide buttons of listing rows and threads; and the list of
 * found items (a post, or a comment with its post) that /saved and
 * /search share.
 *
 * Design notes:
 * - A member who has saved or hidden anything is not "plain" (the
 *   session query says so), so their pages are rendered in full rather
 *   than from a member template: their buttons' state and their listings
 *   (without the posts they hid) are theirs alone. A plain member's
 *   buttons all say "save" and "hide", which the template shares with
 *   every plain member; only the csrf field is a hole. The cost is that
 *   of a moderator's or a blocker's pages today (docs/BEHAVIOUR.md).
 * - A button's state comes from the page's own query (post.saved,
 *   post.hidden, comment.saved): no query per row.
 */
#include "app_int.h"

#include <string.h>

/* ---- buttons ---------------------------------------------------------- */

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

/* ---- found items: /saved and /search ---------------------------------- */

/* The JSON of one found item: {"kind", "post"} or {"kind", "comment",
 * "post"}. */
static void
found_json(struct ctx *c, struct json *j, const struct found_item *it)
{
	json_obj_open(j);
	if (it->kind == VOTE_COMMENT) {
		json_kv_str_c(j, "kind", "comment");
		json_key(j, "comment");
		app_json_comment(c, j, &it->comment);
	} else {
		json_kv_str_c(j, "kind", "post");
	}
	json_key(j, "post");
	app_json_post(c, j, &it->post);
	json_obj_close(j);
}

/* Reads the polls of the n found items' posts in one query. */
static void
found_polls(struct ctx *c, struct found_item *items, size_t n)
{
	struct post **ps = ARENA_ARRAY(c->a, struct post *, n + 1);

	for (size_t i = 0; i < n; i++)
		ps[i] = &items[i].post;
	app_polls_load(c, ps, n);
}

/* Writes the n found items into an open JSON list. */
void
app_found_items_json(struct ctx *c, struct json *j,
    struct found_item *items, size_t n)
{
	found_polls(c, items, n);
	for (size_t i = 0; i < n; i++)
		found_json(c, j, &items[i]);
}

/*
 * Answers {key: [found item...], "after": cursor or null}; more says
 * whether a page follows the n items.
 */
void
app_found_json(struct ctx *c, const char *key, struct found_item *items,
    size_t n, bool more)
{
	struct json j;

	app_json_list_begin(c, &j, key);
	app_found_items_json(c, &j, items, n);
	json_arr_close(&j);
	app_json_after(c, &j, more, more ? items[n - 1].cursor : 0);
	json_obj_close(&j);
}

/* A comment among found items: its text, where it was written, buttons. */
static void
found_comment_html(struct ctx *c, struct html *h, const struct found_item *it)
{
	const struct comment *cm = &it->comment;
	const char *href = arena_printf(c->a, "%s/c/%lld",
	    app_post_href(c, &it->post), (long long)cm->id);

	html_raw_literal(h, "<li class=\"comment found\"");
	html_attr(h, "id", str_c(arena_printf(c->a, "c%lld", (long long)cm->id)));
	html_raw_literal(h, "><div class=\"meta\">");
	app_user_link(c, h, cm->author);
	html_raw_literal(h, " on <a");
	html_attr_c(h, "href", href);
	html_raw_literal(h, ">");
	html_text_c(h, app_post_title(c, &it->post, false));
	html_raw_literal(h, "</a> in <a");
	html_attr(h, "href", str_c(arena_printf(c->a, "/s/%s",
	    it->post.community)));
	html_raw_literal(h, ">");
	html_text_c(h, it->post.community);
	html_raw_literal(h, "</a> · ");
	app_score(h, cm->score);
	html_raw_literal(h, " · ");
	html_time(h, cm->created, c->now);
	app_save_buttons(c, h, VOTE_COMMENT, cm->id, cm->saved, false);
	html_raw_literal(h, "</div><div class=\"body\">");
	if (cm->body_html != NULL && !cm->removed && !cm->deleted && !cm->held)
		html_raw_trusted(h, str_c(cm->body_html));
	html_raw_literal(h, "</div></li>");
}

/* The found items as a list of post rows and comments. */
void
app_found_html(struct ctx *c, struct html *h, const struct found_item *items,
    size_t n)
{
	html_raw_literal(h, "<ol class=\"posts found\">");
	for (size_t i = 0; i < n; i++) {
		if (items[i].kind == VOTE_COMMENT)
			found_comment_html(c, h, &items[i]);
		else
			listing_row(c, h, &items[i].post, true);
	}
	html_raw_literal(h, "</ol>");
}

/* ---- handlers --------------------------------------------------------- */

/* Reads ?after= (an item's cursor); answers 400 and returns -1 when bad. */
static int
cursor_arg(struct ctx *c, int64_t *after)
{
	struct str s = http_query(c->r, "after");

	*after = 0;
	if (s.p != NULL && (!str_to_i64(s, after) || *after <= 0)) {
		app_error(c, 400, "bad_cursor", "The after cursor is a number.");
		return -1;
	}
	return 0;
}

/* A page of saved or hidden items, HTML. */
static void
items_page(struct ctx *c, const char *title, const char *base,
    const struct found_item *items, size_t n, bool more, const char *empty)
{
	struct html h;

	page_begin(c, &h, title);
	html_raw_literal(&h, "<div class=\"content\"><h1>");
	html_text_c(&h, title);
	html_raw_literal(&h, "</h1>");
	app_found_html(c, &h, items, n);
	if (n == 0) {
		html_raw_literal(&h, "<p>");
		html_text_c(&h, empty);
		html_raw_literal(&h, "</p>");
	}
	if (more) {
		html_raw_literal(&h, "<p class=\"pager\"><a rel=\"next\"");
		html_attr(&h, "href", str_c(arena_printf(c->a, "%s?after=%lld",
		    base, (long long)items[n - 1].cursor)));
		html_raw_literal(&h, ">next page ›</a></p>");
	}
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/* What /saved and /hidden each are: a store reader and their words. */
struct kept_list {
	int (*load)(struct store *s, struct arena *a, int64_t user_id,
	    int64_t after, int limit, struct found_item **out, size_t *n);
	const char *title, *base, *empty;
	bool posts_only;         /* JSON {"posts"} as a listing, not {"items"} */
};

static const struct kept_list saved_list = { store_saved, "Saved", "/saved",
	"Nothing saved yet: the save button under a post or comment keeps "
	"it here.", false };
static const struct kept_list hidden_list = { store_hidden, "Hidden",
	"/hidden", "No hidden posts: the hide button under a post takes it "
	"out of your listings.", true };

/* One page of a member's saved or hidden items, HTML or JSON. */
static void
kept_page(struct ctx *c, const struct kept_list *l)
{
	struct found_item *items;
	size_t n;
	int64_t after;
	bool more;
	int rc;

	if (cursor_arg(c, &after) != 0)
		return;
	rc = l->load(c->s, c->a, c->user->id, after, PAGE_SIZE + 1, &items, &n);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	more = n > PAGE_SIZE;
	if (more)
		n = PAGE_SIZE;
	if (c->json && l->posts_only) {
		struct json j;

		app_json_list_begin(c, &j, "posts");
		found_polls(c, items, n);
		for (size_t i = 0; i < n; i++)
			app_json_post(c, &j, &items[i].post);
		json_arr_close(&j);
		app_json_after(c, &j, more, more ? items[n - 1].cursor : 0);
		json_obj_close(&j);
	} else if (c->json) {
		app_found_json(c, "items", items, n, more);
	} else {
		items_page(c, l->title, l->base, items, n, more, l->empty);
	}
}

/* GET /saved: the member's saved posts and comments, newest saved first. */
void
page_saved(struct ctx *c)
{
	kept_page(c, &saved_list);
}

/* GET /hidden: the posts the member hid, newest hidden first. */
void
page_hidden(struct ctx *c)
{
	kept_page(c, &hidden_list);
}

/*
 * Reads the item a save or hide names: kind and id; loads its post (the
 * comment's post for a comment). Answers 400 or 404 and returns -1.
 */
static int
item_arg(struct ctx *c, bool any_kind, int *kind, int64_t *id,
    struct post *p)
{
	struct str ks = http_form(c->r, "kind");
	struct comment cm = { .deleted = false };
	int64_t pid;
	int rc;

	*kind = VOTE_POST;
	if (any_kind && str_eq_lit(ks, "comment"))
		*kind = VOTE_COMMENT;
	else if (any_kind && !str_eq_lit(ks, "post")) {
		app_error(c, 400, "bad_kind", "kind is post or comment.");
		return -1;
	}
	if (!str_to_i64(http_form(c->r, "id"), id) || *id <= 0) {
		app_error(c, 400, "bad_id", *kind == VOTE_POST && !any_kind ?
		    "id is the number of a post." :
		    "id is the number of a post or comment.");
		return -1;
	}
	pid = *id;
	rc = STORE_OK;
	if (*kind == VOTE_COMMENT) {
		rc = store_comment_get(c->s, c->a, *id, 0, &cm);
		if (rc == STORE_OK && cm.deleted)
			rc = STORE_NOTFOUND;
		pid = rc == STORE_OK ? cm.post_id : 0;
	}
	if (rc == STORE_OK)
		rc = store_post_get(c->s, c->a, pid, 0, p);
	if (rc == STORE_OK && (p->removed || p->held) &&
	    !app_sees_hidden(c, p->author_id, p->community_id))
		rc = STORE_NOTFOUND;
	if (rc == STORE_OK && *kind == VOTE_COMMENT && (cm.removed || cm.held) &&
	    !app_sees_hidden(c, cm.author_id, p->community_id))
		rc = STORE_NOTFOUND;
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "There is no such item.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return 0;
}

/* Sends a browser back where it came from, else to the item's post. */
static void
done(struct ctx *c, const struct post *p)
{
	const char *back = app_back_path(c);

	app_redirect(c, back ? back : app_post_href(c, p));
}

/* Saves (on) or unsaves the item of the fields kind (post, comment) and
 * id, and answers: POST /save and /unsave, and /api/v1/save. */
void
app_save_item(struct ctx *c, bool on)
{
	struct post p;
	int64_t id;
	int kind, rc;

	if (item_arg(c, true, &kind, &id, &p) != 0)
		return;
	rc = store_save_set(c->s, c->user->id, kind, id, on, c->now);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_kv_str_c(&j, "kind", kind == VOTE_POST ? "post" : "comment");
		json_kv_int(&j, "id", id);
		json_kv_bool(&j, "saved", on);
		json_obj_close(&j);
		return;
	}
	done(c, &p);
}

/* POST /save, POST /unsave: kind (post, comment), id. */
void
page_save(struct ctx *c)
{
	app_save_item(c, str_eq_lit(c->r->path, "/save"));
}

/* Hides (on) or unhides the post of the field id, and answers: POST
 * /hide and /unhide, and /api/v1/save. */
void
app_hide_item(struct ctx *c, bool on)
{
	struct post p;
	int64_t id;
	int kind, rc;

	if (item_arg(c, false, &kind, &id, &p) != 0)
		return;
	rc = store_hide_set(c->s, c->user->id, id, on, c->now);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_kv_int(&j, "id", id);
		json_kv_bool(&j, "hidden", on);
		json_obj_close(&j);
		return;
	}
	done(c, &p);
}

/* POST /hide, POST /unhide: id of a post. */
void
page_hide(struct ctx *c)
{
	app_hide_item(c, str_eq_lit(c->r->path, "/hide"));
}
