/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_thread.c: a post with its comment tree, and one comment's subtree.
 *
 * All comments of the post come from the store in one query, ordered by
 * id; the tree is built here in one pass (a parent always has a smaller id
 * than its replies, so it is found by binary search) and each level is
 * sorted by the chosen comment sort. The page shows at most
 * THREAD_MAX_SHOWN comments and THREAD_MAX_DEPTH levels: deeper replies
 * get a "continue this thread" link, further comments a "load more" link.
 * Collapse is a <details> element, so it works without JavaScript.
 */
#include "app_int.h"

#include <stdlib.h>
#include <string.h>

#define THREAD_MAX_DEPTH 10
#define THREAD_MAX_SHOWN 500
#define CONTEXT_MAX 8

enum comment_sort { CSORT_BEST, CSORT_TOP, CSORT_NEW, CSORT_OLD,
	CSORT_CONTROVERSIAL };

static const char *csort_names[] = { "best", "top", "new", "old",
	"controversial" };

struct node {
	struct comment *cm;
	double key;            /* sort key, larger first */
	int64_t tie;           /* then this, larger first */
	struct node **kids;    /* replies, sorted */
	size_t nkids;
	size_t cap;
};

struct tree {
	struct node *nodes;    /* by id order, as the store returned them */
	size_t n;
	struct node **roots;   /* top-level comments, sorted */
	size_t nroots;
};

/* What a thread page needs besides the tree. */
struct view {
	struct post *post;
	const char *post_href;   /* /s/NAME/p/ID/slug */
	enum comment_sort sort;
	bool closed;             /* archived, locked or deleted: no replies */
	bool mod;                /* the viewer moderates this community */
	size_t shown;            /* comments written so far */
};

static double
sort_key(const struct comment *cm, enum comment_sort s)
{
	switch (s) {
	case CSORT_BEST: return rank_wilson(cm->ups, cm->downs);
	case CSORT_TOP: return (double)cm->score;
	case CSORT_NEW: return (double)cm->created;
	case CSORT_OLD: return -(double)cm->created;
	case CSORT_CONTROVERSIAL: return rank_controversy(cm->ups, cm->downs);
	}
	return 0;
}

static int
node_cmp(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a;
	const struct node *y = *(struct node *const *)b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->tie > y->tie ? -1 : x->tie < y->tie;
}

static struct node *
find(struct tree *t, int64_t id)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->nodes[mid].cm->id == id)
			return &t->nodes[mid];
		if (t->nodes[mid].cm->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
kid_add(struct arena *a, struct node *parent, struct node *kid)
{
	parent->kids = arena_grow(a, parent->kids, parent->nkids, &parent->cap, 4,
	    sizeof(*parent->kids));
	parent->kids[parent->nkids++] = kid;
}

/* Builds the sorted tree of comments cms[0..n) (ordered by id). */
static void
tree_build(struct arena *a, struct tree *t, struct comment *cms, size_t n,
    enum comment_sort s)
{
	struct node root = { 0 };

	t->nodes = ARENA_ARRAY(a, struct node, n ? n : 1);
	t->n = n;
	for (size_t i = 0; i < n; i++) {
		t->nodes[i].cm = &cms[i];
		t->nodes[i].key = sort_key(&cms[i], s);
		t->nodes[i].tie = s == CSORT_NEW ? cms[i].id : -cms[i].id;
	}
	for (size_t i = 0; i < n; i++) {
		struct node *parent = cms[i].parent_id ?
		    find(t, cms[i].parent_id) : NULL;

		kid_add(a, parent ? parent : &root, &t->nodes[i]);
	}
	for (size_t i = 0; i < n; i++)
		if (t->nodes[i].nkids > 1)
			qsort(t->nodes[i].kids, t->nodes[i].nkids,
			    sizeof(struct node *), node_cmp);
	if (root.nkids > 1)
		qsort(root.kids, root.nkids, sizeof(struct node *), node_cmp);
	t->roots = root.kids;
	t->nroots = root.nkids;
}

static bool
parse_csort(struct str s, enum comment_sort *out)
{
	if (s.p == NULL) {
		*out = CSORT_BEST;
		return true;
	}
	for (size_t i = 0; i < ARRAY_LEN(csort_names); i++) {
		if (str_eq_lit(s, csort_names[i])) {
			*out = (enum comment_sort)i;
			return true;
		}
	}
	return false;
}

/* ---- JSON ------------------------------------------------------------ */

/* Writes the subtrees of nodes[0..n) depth first without recursion. */
static void
json_flat(struct ctx *c, struct json *j, struct node **nodes, size_t n,
    size_t total)
{
	struct node **stack = ARENA_ARRAY(c->a, struct node *, total + 1);
	size_t top = 0;

	for (size_t i = n; i > 0; i--)
		stack[top++] = nodes[i - 1];
	while (top > 0) {
		struct node *nd = stack[--top];

		app_json_comment(c, j, nd->cm);
		for (size_t i = nd->nkids; i > 0; i--)
			stack[top++] = nd->kids[i - 1];
	}
}

static void
thread_json(struct ctx *c, struct view *v, struct node **roots, size_t nroots,
    struct comment **context, size_t ncontext, size_t total)
{
	struct json j;

	app_json_begin(c, &j);
	json_obj_open(&j);
	json_key(&j, "post");
	app_json_post(c, &j, v->post);
	json_key(&j, "comments");
	json_arr_open(&j);
	for (size_t i = 0; i < ncontext; i++)
		app_json_comment(c, &j, context[i]);
	json_flat(c, &j, roots, nroots, total);
	json_arr_close(&j);
	json_obj_close(&j);
}

/* ---- HTML ------------------------------------------------------------ */

/*
 * A comment's text as this viewer may see it: removed and held text only
 * for its author and the moderators, with the reason.
 */
static void
comment_text(struct ctx *c, struct html *h, struct view *v,
    const struct comment *cm)
{
	bool see = v->mod || app_viewer_is(c, cm->author_id);

	const char *ph = app_placeholder(cm->deleted, cm->removed, cm->held,
	    see);

	html_raw_literal(h, "<div class=\"body\">");
	if (ph != NULL) {
		html_raw_literal(h, "<p>");
		html_text_c(h, ph);
		html_raw_literal(h, "</p>");
	} else {
		if (cm->removed) {
			html_raw_literal(h, "<p class=\"notice\">removed by the "
			    "moderators");
			if (cm->removed_reason) {
				html_raw_literal(h, ": ");
				html_text_c(h, cm->removed_reason);
			}
			html_raw_literal(h, "</p>");
		} else if (cm->held) {
			html_raw_literal(h, "<p class=\"notice\">held for review by the "
			    "moderators</p>");
		}
		html_raw_trusted(h, str_c(cm->body_html));
	}
	html_raw_literal(h, "</div>");
}

/* A form posting one moderation action on an item to /mod. */
static void
mod_form(struct ctx *c, struct html *h, const char *action, int kind,
    int64_t id)
{
	html_raw_literal(h, " <form method=\"post\" action=\"/mod\">");
	app_csrf_field(c, h);
	html_raw_literal(h, "<input type=\"hidden\" name=\"kind\"");
	html_attr_c(h, "value", kind == VOTE_POST ? "post" : "comment");
	html_raw_literal(h, "><input type=\"hidden\" name=\"id\"");
	html_attr_i64(h, "value", id);
	html_raw_literal(h, "><button name=\"action\"");
	html_attr_c(h, "value", action);
	html_raw_literal(h, ">");
	html_text_c(h, action);
	html_raw_literal(h, "</button></form>");
}

/* The report link, for signed-in viewers on others' items; after a " · "
 * when it follows other links. */
static void
report_link(struct ctx *c, struct html *h, int kind, int64_t id,
    int64_t author_id, bool dot)
{
	if (c->user == NULL || app_viewer_is(c, author_id))
		return;
	if (dot)
		html_raw_literal(h, " · ");
	html_raw_literal(h, "<a");
	html_attr(h, "href", str_c(arena_printf(c->a, "/report?kind=%s&id=%lld",
	    kind == VOTE_POST ? "post" : "comment", (long long)id)));
	html_raw_literal(h, ">report</a>");
}

/*
 * The author's delete: a link to the page that asks first (GET .../delete),
 * so that nothing is lost to a slip without JavaScript; with it, parley.js
 * asks with the question in data-confirm and posts in place. After a " · "
 * when dot (a comment's line of links).
 */
static void
delete_link(struct html *h, const char *href, const char *question, bool dot)
{
	if (dot)
		html_raw_literal(h, " · ");
	html_raw_literal(h, "<a");
	html_attr_c(h, "href", href);
	html_attr_c(h, "data-confirm", question);
	html_raw_literal(h, ">delete</a>");
}

static const char *
comment_href(struct ctx *c, struct view *v, const struct comment *cm)
{
	return arena_printf(c->a, "/s/%s/p/%lld/c/%lld", v->post->community,
	    (long long)v->post->id, (long long)cm->id);
}

/*
 * The line above a comment: author, score and age. It sits outside the
 * comment's <details>, so it stays in view when the comment is collapsed,
 * and its links are never inside the <summary> (a link in a button is
 * two controls in one: screen readers and keyboards cannot tell them
 * apart). The stylesheet puts the [–] toggle at the start of this line.
 */
static void
comment_head(struct ctx *c, struct html *h, struct view *v,
    const struct comment *cm)
{
	html_raw_literal(h, "<p class=\"head\">");
	if (!cm->deleted && app_blocks(c, cm->author_id)) {
		html_raw_literal(h, "[blocked] ");
		html_text_c(h, app_author_shown(cm->author, false));
	} else if (cm->deleted) {
		html_text_c(h, app_author_shown(cm->author, true));
	} else {
		app_user_link(c, h, cm->author);
		app_flair_label(c, h, cm->author_flair, NULL, true);
	}
	html_raw_literal(h, " <span class=\"score\">");
	app_score(h, cm->score);
	html_raw_literal(h, "</span> ");
	html_time(h, cm->created, c->now);
	if (cm->edited && !cm->deleted) {
		html_raw_literal(h, " <a class=\"edited\"");
		html_attr(h, "href", str_c(arena_printf(c->a, "%s/history",
		    comment_href(c, v, cm))));
		html_raw_literal(h, ">(edited)</a>");
	}
	html_raw_literal(h, "</p>");
}

/* The [–]/[+] toggle: the whole <summary>, a control of its own. */
static void
comment_toggle(struct html *h)
{
	html_raw_literal(h, "<summary title=\"collapse or expand\">"
	    "<span class=\"minus\">[–]</span><span class=\"plus\">[+]</span>"
	    "</summary>");
}

static void
comment_actions(struct ctx *c, struct html *h, struct view *v,
    const struct comment *cm)
{
	const char *href = comment_href(c, v, cm);
	bool mine = !cm->deleted && app_viewer_is(c, cm->author_id);

	html_raw_literal(h, "<div class=\"meta\"><a");
	html_attr_c(h, "href", href);
	html_raw_literal(h, ">permalink</a>");
	if (cm->parent_id) {
		html_raw_literal(h, " · <a");
		html_attr(h, "href", str_c(arena_printf(c->a, "%s?context=1", href)));
		html_raw_literal(h, ">parent</a>");
	}
	if (!v->closed && !cm->deleted && !cm->removed) {
		html_raw_literal(h, " · <a");
		html_attr(h, "href", str_c(arena_printf(c->a, "%s#reply", href)));
		html_raw_literal(h, ">reply</a>");
	}
	if (mine && !v->closed) {
		html_raw_literal(h, " · <a");
		html_attr(h, "href", str_c(arena_printf(c->a, "%s/edit", href)));
		html_raw_literal(h, ">edit</a>");
	}
	if (mine)
		delete_link(h, arena_printf(c->a, "%s/delete", href),
		    "Delete this comment?", true);
	if (!cm->deleted && !cm->removed)
		app_save_buttons(c, h, VOTE_COMMENT, cm->id, cm->saved, false);
	if (!cm->deleted)
		report_link(c, h, VOTE_COMMENT, cm->id, cm->author_id, true);
	if (v->mod && !cm->deleted) {
		if (cm->held) {
			html_raw_literal(h, " ·");
			mod_form(c, h, "approve", VOTE_COMMENT, cm->id);
		}
		html_raw_literal(h, " ·");
		mod_form(c, h, cm->removed ? "restore" : "remove", VOTE_COMMENT,
		    cm->id);
	}
	html_raw_literal(h, "</div>");
}

static void comment_html(struct ctx *c, struct html *h, struct view *v,
    struct node *nd, int depth);

/* Writes kids in order until the page is full, then a "more" link. */
static void
kids_html(struct ctx *c, struct html *h, struct view *v, struct node *nd,
    int depth)
{
	for (size_t i = 0; i < nd->nkids; i++) {
		if (v->shown >= THREAD_MAX_SHOWN) {
			html_raw_literal(h, "<p class=\"more\"><a class=\"load\"");
			html_attr_c(h, "href", comment_href(c, v, nd->cm));
			html_raw_literal(h, ">load more replies (");
			html_int(h, (int64_t)(nd->nkids - i));
			html_raw_literal(h, ")</a></p>");
			return;
		}
		comment_html(c, h, v, nd->kids[i], depth + 1);
	}
}

static void
comment_html(struct ctx *c, struct html *h, struct view *v, struct node *nd,
    int depth)
{
	const struct comment *cm = nd->cm;

	v->shown++;
	html_raw_literal(h, "<div class=\"c\">");
	comment_head(c, h, v, cm);
	if (app_blocks(c, cm->author_id))
		html_raw_literal(h, "<details class=\"blocked\"");
	else
		html_raw_literal(h, "<details open");
	html_attr(h, "id", str_c(arena_printf(c->a, "c%lld", (long long)cm->id)));
	html_raw_literal(h, ">");
	comment_toggle(h);
	html_raw_literal(h, "<div class=\"row\">");
	app_vote_buttons(c, h, VOTE_COMMENT, cm->id, NULL, cm->my_vote,
	    v->closed || cm->deleted || cm->removed || cm->held);
	comment_text(c, h, v, cm);
	html_raw_literal(h, "</div>");
	comment_actions(c, h, v, cm);
	if (nd->nkids > 0 && depth + 1 >= THREAD_MAX_DEPTH) {
		html_raw_literal(h, "<p class=\"more\"><a class=\"load\"");
		html_attr_c(h, "href", comment_href(c, v, cm));
		html_raw_literal(h, ">continue this thread ›</a></p>");
	} else {
		kids_html(c, h, v, nd, depth);
	}
	html_raw_literal(h, "</details></div>");
}

static void
post_head(struct ctx *c, struct html *h, struct view *v)
{
	struct post *p = v->post;
	bool mine = !p->deleted && app_viewer_is(c, p->author_id);
	const char *ph;

	html_raw_literal(h, "<ol class=\"posts\">");
	listing_row(c, h, p, true);
	html_raw_literal(h, "</ol>");
	if (p->locked)
		html_raw_literal(h, "<p class=\"notice\">(post is locked)</p>");
	else if (app_archived(p, c->now))
		html_raw_literal(h, "<p class=\"notice\">(post is archived)</p>");
	if (!p->deleted && (ph = app_placeholder(false, p->removed, p->held,
	    v->mod || app_viewer_is(c, p->author_id))) != NULL) {
		html_raw_literal(h, "<div class=\"body\"><p>");
		html_text_c(h, ph);
		html_raw_literal(h, "</p></div>");
	} else if (!p->deleted) {
		if (p->removed) {
			html_raw_literal(h, "<p class=\"notice\">removed by the "
			    "moderators");
			if (p->removed_reason) {
				html_raw_literal(h, ": ");
				html_text_c(h, p->removed_reason);
			}
			html_raw_literal(h, "</p>");
		} else if (p->held) {
			html_raw_literal(h, "<p class=\"notice\">held for review by the "
			    "moderators</p>");
		}
		app_post_thumb(c, h, p, false);
		app_post_body(c, h, p);
		if (!app_nsfw_hidden(c, p))
			app_poll_html(c, h, p->id, v->closed);
	}
	if (p->edited && !p->deleted) {
		html_raw_literal(h, "<p class=\"meta\"><a class=\"edited\"");
		html_attr(h, "href", str_c(arena_printf(c->a, "/s/%s/p/%lld/history",
		    p->community, (long long)p->id)));
		html_raw_literal(h, ">(edited)</a> ");
		html_time(h, p->edited, c->now);
		html_raw_literal(h, "</p>");
	}
	if (!p->deleted && c->user != NULL) {
		/* A <div>: a <form> would end a paragraph. */
		html_raw_literal(h, "<div class=\"meta\">keep");
		app_save_buttons(c, h, VOTE_POST, p->id, p->saved, p->hidden);
		html_raw_literal(h, "</div>");
	}
	if (!p->deleted && (v->mod || (c->user && !mine))) {
		/* A <div>, not a <p>: a <form> would end a paragraph. */
		html_raw_literal(h, "<div class=\"meta tools\">");
		report_link(c, h, VOTE_POST, p->id, p->author_id, false);
		if (v->mod) {
			if (p->held)
				mod_form(c, h, "approve", VOTE_POST, p->id);
			mod_form(c, h, p->removed ? "restore" : "remove", VOTE_POST, p->id);
			mod_form(c, h, p->locked ? "unlock" : "lock", VOTE_POST, p->id);
			mod_form(c, h, p->stickied ? "unsticky" : "sticky", VOTE_POST,
			    p->id);
		}
		html_raw_literal(h, "</div>");
	}
	if (mine) {
		html_raw_literal(h, "<div class=\"meta tools\">");
		if (!v->closed) {
			html_raw_literal(h, "<a");
			html_attr(h, "href", str_c(arena_printf(c->a, "/s/%s/p/%lld/edit",
			    p->community, (long long)p->id)));
			html_raw_literal(h, ">edit</a> ");
		}
		delete_link(h, arena_printf(c->a, "/s/%s/p/%lld/delete",
		    p->community, (long long)p->id), "Delete this post?", false);
		html_raw_literal(h, "</div>");
	}
}

static void
reply_form(struct ctx *c, struct html *h, const char *action,
    const char *label)
{
	html_raw_literal(h, "<form class=\"reply\" id=\"reply\" method=\"post\"");
	html_attr_c(h, "action", action);
	html_raw_literal(h, ">");
	app_csrf_field(c, h);
	html_raw_literal(h, "<textarea name=\"body\" required "
	    "maxlength=\"" APP_STR_K(COMMENT_BODY_MAX_K) "\""
	    " aria-label=\"comment\"></textarea><br><button>");
	html_text_c(h, label);
	html_raw_literal(h, "</button></form>");
}

static void
comment_sorts(struct ctx *c, struct html *h, struct view *v)
{
	html_raw_literal(h, "<nav class=\"sorts\">sorted by: ");
	for (size_t i = 0; i < ARRAY_LEN(csort_names); i++) {
		html_raw_literal(h, "<a");
		html_attr(h, "href", str_c(arena_printf(c->a, "%s?sort=%s",
		    v->post_href, csort_names[i])));
		if ((size_t)v->sort == i)
			html_raw_literal(h, " class=\"on\"");
		html_raw_literal(h, ">");
		html_text_c(h, csort_names[i]);
		html_raw_literal(h, "</a> ");
	}
	html_raw_literal(h, "</nav>");
}

/*
 * Loads the post of the route and its comment tree. Returns 0, or -1 after
 * answering an error.
 */
static int
load_thread(struct ctx *c, struct view *v, struct tree *t)
{
	struct comment *cms;
	size_t n;
	int rc;

	memset(v, 0, sizeof(*v));
	v->post = ARENA_NEW(c->a, struct post);
	if (app_get_post(c, 0, 1, v->post) != 0)
		return -1;
	app_cache_shows(c, DEP_POST, v->post->id);
	if (!parse_csort(http_query(c->r, "sort"), &v->sort)) {
		app_error(c, 400, "bad_sort", "Sort comments by best, top, new, old "
		    "or controversial.");
		return -1;
	}
	v->post_href = app_post_href(c, v->post);
	v->closed = v->post->locked || v->post->deleted || v->post->removed ||
	    app_archived(v->post, c->now);
	v->mod = app_is_mod(c, v->post->community_id);
	if (c->tmpl)
		c->tmpl->post_id = v->post->id;
	rc = store_comment_list(c->s, c->a, v->post->id,
	    c->user ? c->user->id : 0, &cms, &n);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	tree_build(c->a, t, cms, n, v->sort);
	return 0;
}

/* The page title: the post's title unless this viewer may not see it. */
static const char *
thread_title(struct ctx *c, const struct view *v)
{
	const struct post *p = v->post;

	return app_post_title(c, p, v->mod || app_viewer_is(c, p->author_id));
}

/* The thread's page, from the root after the ?after cursor on. */
static void
thread_html(struct ctx *c, struct view *v, const struct tree *t)
{
	struct html h;
	struct str after = http_query(c->r, "after");
	size_t start = 0, i;

	if (after.p != NULL) {
		int64_t id;

		if (!str_to_i64(after, &id)) {
			app_error(c, 400, "bad_cursor", "The after cursor is a comment id.");
			return;
		}
		for (i = 0; i < t->nroots; i++)
			if (t->roots[i]->cm->id == id)
				start = i + 1;
	}
	page_begin(c, &h, thread_title(c, v));
	html_raw_literal(&h, "<div class=\"content\">");
	post_head(c, &h, v);
	html_raw_literal(&h, "<section class=\"comments\"><h2>");
	html_int(&h, v->post->comment_count);
	if (v->post->comment_count == 1)
		html_raw_literal(&h, " comment");
	else
		html_raw_literal(&h, " comments");
	html_raw_literal(&h, "</h2>");
	comment_sorts(c, &h, v);
	if (!v->closed && c->user != NULL) {
		reply_form(c, &h, arena_printf(c->a, "/s/%s/p/%lld/comment",
		    v->post->community, (long long)v->post->id), "comment");
	} else if (!v->closed) {
		html_raw_literal(&h, "<p><a href=\"/login\">Log in</a> or <a "
		    "href=\"/register\">register</a> to comment.</p>");
	}
	for (i = start; i < t->nroots && v->shown < THREAD_MAX_SHOWN; i++)
		comment_html(c, &h, v, t->roots[i], 0);
	if (i < t->nroots) {
		html_raw_literal(&h, "<p class=\"more\"><a class=\"load\"");
		html_attr(&h, "href", str_c(arena_printf(c->a, "%s?sort=%s&after=%lld",
		    v->post_href, csort_names[v->sort],
		    (long long)t->roots[i - 1]->cm->id)));
		html_raw_literal(&h, ">load more comments (");
		html_int(&h, (int64_t)(t->nroots - i));
		html_raw_literal(&h, " more threads)</a></p>");
	}
	html_raw_literal(&h, "</section></div>");
	page_end(c, &h);
}

/* GET /s/NAME/p/ID[/slug]: the post and its comments. */
void
page_thread(struct ctx *c)
{
	struct view v;
	struct tree t;

	if (load_thread(c, &v, &t) != 0)
		return;
	if (app_archived(v.post, c->now))
		c->archive_post = v.post;  /* app_archive_keep may keep it */
	if (c->json)
		thread_json(c, &v, t.roots, t.nroots, NULL, 0, t.n);
	else
		thread_html(c, &v, &t);
}

/* A parent shown above a subtree: its head and text, no replies. */
static void
context_html(struct ctx *c, struct html *h, struct view *v,
    const struct comment *cm)
{
	html_raw_literal(h, "<div class=\"c context\">");
	comment_head(c, h, v, cm);
	html_raw_literal(h, "<details open>");
	comment_toggle(h);
	comment_text(c, h, v, cm);
	comment_actions(c, h, v, cm);
	html_raw_literal(h, "</details></div>");
}

/* A comment's subtree under its parents (context, outermost first). */
static void
subtree_html(struct ctx *c, struct view *v, struct node *nd,
    struct comment *const *context, size_t ncontext)
{
	struct html h;

	page_begin(c, &h, thread_title(c, v));
	html_raw_literal(&h, "<div class=\"content\">");
	post_head(c, &h, v);
	html_raw_literal(&h, "<section class=\"comments\"><p class=\"more\">"
	    "single comment thread · <a");
	html_attr_c(&h, "href", v->post_href);
	html_raw_literal(&h, ">view all comments</a></p>");
	for (size_t i = 0; i < ncontext; i++)
		context_html(c, &h, v, context[i]);
	comment_html(c, &h, v, nd, 0);
	if (!v->closed && c->user != NULL && !nd->cm->deleted && !nd->cm->removed)
		reply_form(c, &h, arena_printf(c->a, "%s/reply",
		    comment_href(c, v, nd->cm)), "reply");
	html_raw_literal(&h, "</section></div>");
	page_end(c, &h);
}

/* GET /s/NAME/p/ID/c/CID[?context=N]: one comment's subtree. */
void
page_comment_subtree(struct ctx *c)
{
	struct view v;
	struct tree t;
	struct node *nd;
	struct comment *context[CONTEXT_MAX];
	size_t ncontext = 0;
	int64_t cid, want = 0;
	struct str ctxs = http_query(c->r, "context");

	if (!app_param_id(c, 2, &cid)) {
		app_error(c, 404, "not_found", "There is no such comment.");
		return;
	}
	if (ctxs.p != NULL && (!str_to_i64(ctxs, &want) || want < 0)) {
		app_error(c, 400, "bad_context", "context is a number of parents.");
		return;
	}
	if (want > CONTEXT_MAX)
		want = CONTEXT_MAX;
	if (load_thread(c, &v, &t) != 0)
		return;
	nd = find(&t, cid);
	if (nd == NULL) {
		app_error(c, 404, "not_found", "There is no such comment.");
		return;
	}
	for (struct node *p = nd; ncontext < (size_t)want && p->cm->parent_id;) {
		p = find(&t, p->cm->parent_id);
		if (p == NULL)
			break;
		context[ncontext++] = p->cm;
	}
	for (size_t i = 0; i < ncontext / 2; i++) {
		struct comment *tmp = context[i];

		context[i] = context[ncontext - 1 - i];
		context[ncontext - 1 - i] = tmp;
	}
	if (c->json)
		thread_json(c, &v, &nd, 1, context, ncontext, t.n);
	else
		subtree_html(c, &v, nd, context, ncontext);
}
