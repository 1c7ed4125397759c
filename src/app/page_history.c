/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_history.c: GET …/history on a post, a comment or a community
 * (richer posts): every version of the item's texts with its time, the
 * current one first, each shown as the words it changed from the version
 * before (html_diff).
 *
 * Who may see a history is who may see the item: a removed or held item's
 * history only its author and the community's moderators (and admins); a
 * deleted item has none (its versions went with its text).
 */
#include "app_int.h"

/* One version of an item's texts, current or earlier. */
struct version {
	const char *title;       /* NULL for comments */
	const char *body;        /* NULL for a link post */
	const char *extra;       /* community rules; NULL otherwise */
	int64_t created;
};

/* An item's history, loaded for page_history_show. */
struct history {
	int kind;                /* enum history_kind */
	const char *what;        /* "post", "comment", "community" */
	const char *name;        /* what the page's heading names */
	const char *href;        /* the item's own page */
	const char *fields[3];   /* labels of title, body, extra; NULL: none */
	int64_t id;
	struct version *v;       /* current first */
	size_t n;
};

/* Loads the earlier versions of kind/id behind the current one, v[0]. */
static int
history_load(struct ctx *c, struct history *hs, const struct version *current)
{
	struct revision *r;
	size_t n;
	int rc = store_history(c->s, c->a, hs->kind, hs->id, &r, &n);

	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	hs->v = ARENA_ARRAY(c->a, struct version, n + 1);
	hs->v[0] = *current;
	for (size_t i = 0; i < n; i++)
		hs->v[i + 1] = (struct version){ r[i].title, r[i].body,
		    r[i].extra, r[i].created };
	hs->n = n + 1;
	return 0;
}

static void
history_json(struct ctx *c, const struct history *hs)
{
	static const char *const keys[3][3] = {
		{ "title", "body", NULL },       /* post */
		{ NULL, "body", NULL },          /* comment */
		{ "title", "description", "rules" },
	};
	const char *const *k = keys[hs->kind];
	struct json j;

	app_json_begin(c, &j);
	json_obj_open(&j);
	json_kv_str_c(&j, "kind", hs->what);
	json_kv_int(&j, "id", hs->id);
	json_key(&j, "versions");
	json_arr_open(&j);
	for (size_t i = 0; i < hs->n; i++) {
		const struct version *v = &hs->v[i];

		json_obj_open(&j);
		if (k[0])
			json_kv_str_c(&j, k[0], v->title);
		json_kv_str_c(&j, k[1], v->body);
		if (k[2])
			json_kv_str_c(&j, k[2], v->extra);
		json_kv_time(&j, "created", v->created);
		json_kv_bool(&j, "current", i == 0);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
}

/* One field of version i: its change from the version before, or as is. */
static void
field_diff(struct ctx *c, struct html *h, const char *label, const char *now,
    const char *before, bool oldest)
{
	if (now == NULL && before == NULL)
		return;
	html_raw_literal(h, "<h3>");
	html_text_c(h, label);
	html_raw_literal(h, "</h3><pre class=\"diff\">");
	if (oldest)
		html_text_c(h, now ? now : "");
	else
		html_diff(h, c->a, str_c(before ? before : ""),
		    str_c(now ? now : ""));
	html_raw_literal(h, "</pre>");
}

static void
history_html(struct ctx *c, const struct history *hs)
{
	struct html h;

	page_begin(c, &h, arena_printf(c->a, "History of %s", hs->what));
	html_raw_literal(&h, "<div class=\"content history\"><h1>History of ");
	html_text_c(&h, hs->what);
	html_raw_literal(&h, " <a");
	html_attr_c(&h, "href", hs->href);
	html_raw_literal(&h, ">");
	html_text_c(&h, hs->name);
	html_raw_literal(&h, "</a></h1><p class=\"meta\">");
	html_int(&h, (int64_t)hs->n);
	if (hs->n == 1)
		html_raw_literal(&h, " version, never edited.");
	else
		html_raw_literal(&h, " versions, the current one first; each "
		    "shows what changed from the one before it (<ins>added</ins>, "
		    "<del>removed</del>).");
	html_raw_literal(&h, "</p>");
	for (size_t i = 0; i < hs->n; i++) {
		const struct version *v = &hs->v[i];
		const struct version *b = i + 1 < hs->n ? &hs->v[i + 1] : NULL;

		html_raw_literal(&h, "<section class=\"version\"><h2>");
		if (i == 0)
			html_raw_literal(&h, "current version");
		else
			html_textf(&h, "version %zu", hs->n - i);
		html_raw_literal(&h, " · ");
		html_time(&h, v->created, c->now);
		html_raw_literal(&h, "</h2>");
		for (int f = 0; f < 3; f++) {
			const char *now = f == 0 ? v->title : f == 1 ? v->body :
			    v->extra;
			const char *before = b == NULL ? NULL : f == 0 ? b->title :
			    f == 1 ? b->body : b->extra;

			if (hs->fields[f] != NULL)
				field_diff(c, &h, hs->fields[f], now, before, b == NULL);
		}
		html_raw_literal(&h, "</section>");
	}
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

static void
history_show(struct ctx *c, const struct history *hs)
{
	if (c->json)
		history_json(c, hs);
	else
		history_html(c, hs);
}

/* Answers 403 unless the viewer may see a removed or held item. */
static int
history_visible(struct ctx *c, bool hidden, int64_t author_id,
    int64_t community_id)
{
	if (hidden && !app_sees_hidden(c, author_id, community_id)) {
		app_error(c, 403, "removed", "This item was removed or is held "
		    "for review; its history is not public.");
		return -1;
	}
	return 0;
}

/* GET /s/NAME/p/ID/history */
void
page_post_history(struct ctx *c)
{
	struct post p;
	struct history hs = { .kind = HISTORY_POST, .what = "post",
	    .fields = { "title", "text", NULL } };

	if (app_get_post(c, 0, 1, &p) != 0)
		return;
	if (p.deleted) {
		app_error(c, 404, "not_found", "This post is deleted.");
		return;
	}
	if (history_visible(c, p.removed || p.held, p.author_id,
	    p.community_id) != 0)
		return;
	if (app_nsfw_hidden(c, &p)) {
		app_error(c, 403, "nsfw", "This post is marked NSFW. Turn on "
		    "show NSFW in your settings to see it.");
		return;
	}
	hs.id = p.id;
	hs.name = p.title;
	hs.href = app_post_href(c, &p);
	if (history_load(c, &hs, &(struct version){ p.title,
	    p.body, NULL, p.edited ? p.edited : p.created }) != 0)
		return;
	history_show(c, &hs);
}

/* GET /s/NAME/p/ID/c/CID/history */
void
page_comment_history(struct ctx *c)
{
	struct post p;
	struct comment cm;
	struct history hs = { .kind = HISTORY_COMMENT, .what = "comment",
	    .fields = { NULL, "text", NULL } };
	int64_t cid;
	int rc;

	if (app_get_post(c, 0, 1, &p) != 0)
		return;
	if (!app_param_id(c, 2, &cid)) {
		app_error(c, 404, "not_found", "There is no such comment.");
		return;
	}
	rc = store_comment_get(c->s, c->a, cid, 0, &cm);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && (cm.post_id != p.id ||
	    cm.deleted))) {
		app_error(c, 404, "not_found", "There is no such comment.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (history_visible(c, cm.removed || cm.held, cm.author_id,
	    p.community_id) != 0)
		return;
	hs.id = cm.id;
	hs.name = arena_printf(c->a, "%lld", (long long)cm.id);
	hs.href = arena_printf(c->a, "/s/%s/p/%lld/c/%lld", p.community,
	    (long long)p.id, (long long)cm.id);
	if (history_load(c, &hs, &(struct version){ NULL,
	    cm.body, NULL, cm.edited ? cm.edited : cm.created }) != 0)
		return;
	history_show(c, &hs);
}

/* GET /s/NAME/history: the community's title, description and rules. */
void
page_community_history(struct ctx *c)
{
	struct community cm;
	struct history hs = { .kind = HISTORY_COMMUNITY,
	    .what = "community",
	    .fields = { "title", "description", "rules" } };
	int64_t edited = 0;
	int rc;

	if (app_route_community(c, &cm) != 0)
		return;
	if ((rc = store_community_edited(c->s, cm.id, &edited)) != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	hs.id = cm.id;
	hs.name = cm.name;
	hs.href = arena_printf(c->a, "/s/%s", cm.name);
	if (history_load(c, &hs, &(struct version){
	    cm.title, cm.description, cm.rules, edited }) != 0)
		return;
	history_show(c, &hs);
}
