/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_search.c: GET /search?q=: posts and comments by full text, with
 * the filters community=, author=, kind=post|comment, t=, the sorts
 * relevance (default), new and top, and a cursor (after=).
 *
 * Design notes:
 * - What the reader typed is read into terms by store_search_parse and
 *   never reaches a query language as written, so no query can be a
 *   syntax error. A query with no word, over SEARCH_QUERY_MAX bytes or
 *   over SEARCH_TERMS_MAX words is a 400 that says which; a GET /search
 *   without q shows the form.
 * - The cursor is "KEY_KIND_ID_POSTS_COMMENTS" (the last item's sort
 *   key as %.17g, 0 for a post or 1 for a comment, its id, then the
 *   newest post and comment ids the first page looked at): relevance has
 *   no column to resume from, so the key travels in the link, and every
 *   page searches the same window (store_find.c).
 * - The window is the site setting search_window (SEARCH_WINDOW items
 *   of each kind unless an admin changes it; 0 looks at every match).
 * - The page is the viewer's own (blocks filter it, buttons show their
 *   marks), so it is not a member template.
 */
#include "app_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *sort_names[] = { "relevance", "new", "top" };

/* What the query string asked for, checked. */
struct search_page {
	struct search_query q;
	struct search_args sa;
	struct str text;         /* q as typed */
	const char *community;   /* filter names as given, or NULL */
	const char *author;
	const char *kind;        /* "post", "comment" or NULL */
	const char *t;           /* period name, or NULL */
	struct found_item *items;
	size_t n;
	bool more;
};

/* Cuts the next "_"-ended field off *text; NULL when there is none. */
static char *
cursor_field(char **text)
{
	char *f = *text, *us = strchr(f, '_');

	if (us == NULL)
		return NULL;
	*us = '\0';
	*text = us + 1;
	return f;
}

/* Reads KEY_KIND_ID_POSTS_COMMENTS into sa; false when it is not one. */
static bool
parse_cursor(struct ctx *c, struct str s, struct search_args *sa)
{
	char *text, *key, *kind_text, *id_text, *posts_text, *end;
	int64_t kind, id, posts, comments;

	if (s.len == 0 || s.len > 128)
		return false;
	text = str_dup(c->a, s);
	if ((key = cursor_field(&text)) == NULL ||
	    (kind_text = cursor_field(&text)) == NULL ||
	    (id_text = cursor_field(&text)) == NULL ||
	    (posts_text = cursor_field(&text)) == NULL)
		return false;
	sa->after_key = strtod(key, &end);
	if (end == key || *end != '\0' || !isfinite(sa->after_key))
		return false;
	if (!str_to_i64(str_c(kind_text), &kind) || (kind != 0 && kind != 1) ||
	    !str_to_i64(str_c(id_text), &id) || id <= 0 ||
	    !str_to_i64(str_c(posts_text), &posts) || posts < 0 ||
	    !str_to_i64(str_c(text), &comments) || comments < 0)
		return false;
	sa->after = true;
	sa->after_kind = (int)kind;
	sa->after_id = id;
	sa->upto[0] = posts;
	sa->upto[1] = comments;
	return true;
}

/* The message for a query that cannot be searched. */
static const char *
unsearchable(enum search_parse why)
{
	switch (why) {
	case SEARCH_TOO_LONG:
		return "That search is too long: at most "
		    APP_STR(SEARCH_QUERY_MAX) " characters.";
	case SEARCH_TOO_MANY:
		return "That search has too many words: at most "
		    APP_STR(SEARCH_TERMS_MAX) ".";
	default:
		return "Type a word to search for.";
	}
}

/*
 * Reads the query string into k; answers 400 or 404 and returns -1 on
 * bad values. Returns 1 when there is no q at all (the empty form).
 */
static int
read_args(struct ctx *c, struct search_page *k)
{
	struct str v;
	enum search_parse why;

	k->text = http_query(c->r, "q");
	k->sa.q = &k->q;
	k->sa.viewer_id = c->user ? c->user->id : 0;
	k->sa.limit = PAGE_SIZE + 1;
	k->sa.window = app_setting_int(c, "search_window", SEARCH_WINDOW);
	v = http_query(c->r, "sort");
	if (v.p != NULL) {
		size_t i;

		for (i = 0; i < ARRAY_LEN(sort_names); i++)
			if (str_eq(v, str_c(sort_names[i])))
				break;
		if (i == ARRAY_LEN(sort_names)) {
			app_error(c, 400, "bad_sort",
			    "Sort by relevance, new or top.");
			return -1;
		}
		k->sa.sort = (enum search_sort)i;
	}
	v = http_query(c->r, "kind");
	if (str_eq_lit(v, "post")) {
		k->sa.kinds = SEARCH_POSTS;
		k->kind = "post";
	} else if (str_eq_lit(v, "comment")) {
		k->sa.kinds = SEARCH_COMMENTS;
		k->kind = "comment";
	} else if (v.p != NULL && v.len > 0) {
		app_error(c, 400, "bad_kind", "kind is post or comment.");
		return -1;
	}
	if (http_query(c->r, "t").p != NULL &&
	    app_top_period(c, &k->t, &k->sa.since) != 0)
		return -1;
	v = http_query(c->r, "community");
	if (v.p != NULL && v.len > 0) {
		struct community cm;
		int rc = app_valid_name(v, false) ? store_community_by_name(c->s,
		    c->a, str_dup(c->a, v), &cm) : STORE_NOTFOUND;

		if (rc == STORE_NOTFOUND) {
			app_error(c, 404, "not_found", "There is no such community.");
			return -1;
		}
		if (rc != STORE_OK) {
			app_store_error(c, rc);
			return -1;
		}
		k->sa.community_id = cm.id;
		k->community = cm.name;
	}
	v = http_query(c->r, "author");
	if (v.p != NULL && v.len > 0) {
		struct user u;
		int rc = app_valid_name(v, true) ? store_user_by_name(c->s, c->a,
		    str_dup(c->a, v), &u, NULL) : STORE_NOTFOUND;

		if (rc == STORE_NOTFOUND || (rc == STORE_OK && u.deleted)) {
			app_error(c, 404, "not_found", "There is no such user.");
			return -1;
		}
		if (rc != STORE_OK) {
			app_store_error(c, rc);
			return -1;
		}
		k->sa.author_id = u.id;
		k->author = u.name;
	}
	v = http_query(c->r, "after");
	if (v.p != NULL && !parse_cursor(c, v, &k->sa)) {
		app_error(c, 400, "bad_cursor", "The after cursor is the after "
		    "of the page before.");
		return -1;
	}
	if (k->text.p == NULL) {
		if (c->json) {
			app_error(c, 400, "empty_query", unsearchable(SEARCH_EMPTY));
			return -1;
		}
		return 1;
	}
	why = store_search_parse(k->text, &k->q);
	if (why != SEARCH_PARSED) {
		app_error(c, 400, "bad_query", unsearchable(why));
		return -1;
	}
	return 0;
}

/* The link to this search with other values; NULL ones are left out. */
static const char *
search_href(struct ctx *c, const struct search_page *k, const char *sort,
    const char *after)
{
	struct buf b;

	buf_init(&b, c->a, 128);
	buf_puts(&b, "/search?q=");
	url_escape(&b, k->text);
	if (k->community) {
		buf_puts(&b, "&community=");
		buf_puts(&b, k->community);
	}
	if (k->author) {
		buf_puts(&b, "&author=");
		buf_puts(&b, k->author);
	}
	if (k->kind) {
		buf_puts(&b, "&kind=");
		buf_puts(&b, k->kind);
	}
	if (k->t) {
		buf_puts(&b, "&t=");
		buf_puts(&b, k->t);
	}
	if (sort) {
		buf_puts(&b, "&sort=");
		buf_puts(&b, sort);
	}
	if (after) {
		buf_puts(&b, "&after=");
		buf_puts(&b, after);
	}
	return b.p;
}

static const char *
cursor_text(struct ctx *c, const struct search_page *k,
    const struct found_item *it)
{
	return arena_printf(c->a, "%.17g_%d_%lld_%lld_%lld", it->key, it->kind,
	    (long long)it->cursor, (long long)k->sa.upto[0],
	    (long long)k->sa.upto[1]);
}

static void
search_json(struct ctx *c, const struct search_page *k)
{
	struct json j;

	app_json_list_begin(c, &j, "results");
	app_found_items_json(c, &j, k->items, k->n);
	json_arr_close(&j);
	json_kv_str_c(&j, "after", k->more ? cursor_text(c, k,
	    &k->items[k->n - 1]) : NULL);
	json_obj_close(&j);
}

static void
search_form(struct ctx *c, struct html *h, const struct search_page *k)
{
	html_raw_literal(h, "<form class=\"searchpage\" method=\"get\" "
	    "action=\"/search\"><input type=\"search\" name=\"q\" "
	    "aria-label=\"words to find\" "
	    "maxlength=\"" APP_STR(SEARCH_QUERY_MAX) "\"");
	if (k->text.p != NULL)
		html_attr(h, "value", k->text);
	html_raw_literal(h, "> <select name=\"kind\" aria-label=\"what to find\">"
	    "<option value=\"\">posts "
	    "and comments</option><option value=\"post\"");
	if (k->kind && k->kind[0] == 'p')
		html_raw_literal(h, " selected");
	html_raw_literal(h, ">posts</option><option value=\"comment\"");
	if (k->kind && k->kind[0] == 'c')
		html_raw_literal(h, " selected");
	html_raw_literal(h, ">comments</option></select>");
	if (k->community) {
		html_raw_literal(h, "<input type=\"hidden\" name=\"community\"");
		html_attr_c(h, "value", k->community);
		html_raw_literal(h, ">");
	}
	if (k->author) {
		html_raw_literal(h, "<input type=\"hidden\" name=\"author\"");
		html_attr_c(h, "value", k->author);
		html_raw_literal(h, ">");
	}
	html_raw_literal(h, " <button>search</button></form>"
	    "<p class=\"meta\">All words must match; \"quoted words\" match "
	    "a phrase, word* any word that begins so.");
	if (k->sa.window > 0)
		html_text_c(h, arena_printf(c->a, " Search looks at the newest "
		    "%lld posts and the newest %lld comments that hold the words.",
		    (long long)k->sa.window, (long long)k->sa.window));
	html_raw_literal(h, "</p>");
}

static void
search_html(struct ctx *c, const struct search_page *k, bool empty_form)
{
	struct html h;

	page_begin(c, &h, "Search");
	html_raw_literal(&h, "<div class=\"content\"><h1>Search</h1>");
	search_form(c, &h, k);
	if (!empty_form) {
		html_raw_literal(&h, "<nav class=\"sorts\">sort: ");
		for (size_t i = 0; i < ARRAY_LEN(sort_names); i++) {
			html_raw_literal(&h, "<a");
			html_attr_c(&h, "href", search_href(c, k, sort_names[i],
			    NULL));
			if ((size_t)k->sa.sort == i)
				html_raw_literal(&h, " class=\"on\"");
			html_raw_literal(&h, ">");
			html_text_c(&h, sort_names[i]);
			html_raw_literal(&h, "</a> ");
		}
		html_raw_literal(&h, "</nav>");
		app_found_html(c, &h, k->items, k->n);
		if (k->n == 0)
			html_raw_literal(&h, "<p>Nothing matches.</p>");
		if (k->more) {
			html_raw_literal(&h, "<p class=\"pager\"><a rel=\"next\"");
			html_attr_c(&h, "href", search_href(c, k,
			    sort_names[k->sa.sort], cursor_text(c, k,
			    &k->items[k->n - 1])));
			html_raw_literal(&h, ">next page ›</a></p>");
		}
	}
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/* GET /search and /search.json. */
void
page_search(struct ctx *c)
{
	struct search_page k;
	int rc;

	memset(&k, 0, sizeof(k));
	rc = read_args(c, &k);
	if (rc < 0)
		return;
	if (rc == 1) {
		search_html(c, &k, true);
		return;
	}
	rc = store_search(c->s, c->a, &k.sa, &k.items, &k.n);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	k.more = k.n > PAGE_SIZE;
	if (k.more)
		k.n = PAGE_SIZE;
	if (c->json)
		search_json(c, &k);
	else
		search_html(c, &k, false);
}
