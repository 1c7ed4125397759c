/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_find.c: runs a search: the parsed query (store_search.c) as each
 * backend's full-text query, over posts and comments, filtered, sorted
 * and paged by cursor.
 *
 * Design notes:
 * - Posts and comments come from one statement each (store_sql.c,
 *   SEARCH_POSTS and SEARCH_COMMENTS), each asked for a page, merged here
 *   in the one order both use: key descending, posts before comments on
 *   a tie, then id descending. The key is relevance (bm25 on SQLite,
 *   ts_rank on PostgreSQL, larger is better), the time or the score.
 * - The cursor is the last item's (key, kind, id), so a page costs the
 *   same wherever it starts, and the key's text (%.17g) gives back the
 *   very double.
 * - Each kind is searched within its window: the newest sa->window
 *   items that hold the words, at or below the newest id there was when
 *   the first page was asked for (sa->upto, which the cursor carries).
 *   So a common word costs a window's rows, not all of its matches, and
 *   later pages read the same window while new items arrive
 *   (docs/decisions/022-search-at-scale.md).
 */
#include "store_int.h"

#include <math.h>

static const enum store_stmt search_stmt[][2] = {
	[SEARCH_RELEVANCE] = { STMT_SEARCH_POSTS_RELEVANCE,
	    STMT_SEARCH_COMMENTS_RELEVANCE },
	[SEARCH_NEW] = { STMT_SEARCH_POSTS_NEW, STMT_SEARCH_COMMENTS_NEW },
	[SEARCH_TOP] = { STMT_SEARCH_POSTS_TOP, STMT_SEARCH_COMMENTS_TOP },
};

/*
 * Row callbacks of found items (search, saved, hidden): POST_COL, or
 * COMMENT_COL and POST_COL, then one more column, the key. The cursor is
 * the item's id; store_saved.c makes it the key (a save's id).
 */
int
store__found_post_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;
	struct found_item *it;

	if (ncols < POST_COL__COUNT + 1)
		return store__bad_row(ncols, POST_COL__COUNT + 1);
	it = store__many_push(m);
	memset(it, 0, sizeof(*it));
	it->kind = VOTE_POST;
	store__post_row.read(m->a, row, &it->post);
	it->cursor = it->post.id;
	it->key = store__col_real(&row[POST_COL__COUNT]);
	return STORE_OK;
}

int
store__found_comment_cb(void *data, const struct store_val *row,
    size_t ncols)
{
	struct store_many *m = data;
	size_t want = store__comment_post_row.ncols + 1;
	struct found_item *it;

	if (ncols < want)
		return store__bad_row(ncols, want);
	it = store__many_push(m);
	memset(it, 0, sizeof(*it));
	store__comment_post_row.read(m->a, row, it);
	it->cursor = it->comment.id;
	it->key = store__col_real(&row[store__comment_post_row.ncols]);
	return STORE_OK;
}

/* True when x comes before y: key, then posts first, then cursor, all
 * descending. */
static bool
before(const struct found_item *x, const struct found_item *y)
{
	if (x->key != y->key)
		return x->key > y->key;
	if (x->kind != y->kind)
		return x->kind == VOTE_POST;
	return x->cursor > y->cursor;
}

/*
 * True when new comments reach the search index in batches, so that a
 * server runs store_search_catch_up off the request path: SQLite. On
 * PostgreSQL the GIN indexes follow every row.
 */
bool
store_search_batched(const struct store *s)
{
	return s->be == &store_sqlite_backend;
}

/*
 * Indexes for search the comments written since the last call (SQLite;
 * nothing to do on PostgreSQL), in one transaction: one FTS5 segment for
 * all of them instead of one per comment. The server calls it every
 * second off the request path, and store_search before every search, so
 * results are exact. Returns STORE_OK, STORE_BUSY or STORE_ERR.
 */
int
store_search_catch_up(struct store *s)
{
	int64_t pending = 0;
	int rc;

	if (!store_search_batched(s))
		return STORE_OK;
	rc = store__run_count(s, STMT_SEARCH_PENDING, NULL, 0, &pending);
	if (rc != STORE_OK || pending == 0)
		return rc;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run(s, STMT_SEARCH_CATCH_UP, NULL, 0, NULL, NULL);
	if (rc == STORE_OK)
		rc = store__run(s, STMT_SEARCH_MARK, NULL, 0, NULL, NULL);
	return store__tx_end(s, rc);
}

/*
 * Runs search sa: one page of matching posts and comments, in a, merged
 * in the order of sa->sort, at most sa->limit (capped at 100; <= 0: 25).
 * Each item's cursor and key continue the search after it, with the
 * same sa->upto, which a first page (upto 0) sets to the newest ids.
 * Comments come with their post. Returns STORE_OK (also for no match) or
 * the store's error.
 */
int
store_search(struct store *s, struct arena *a, struct search_args *sa,
    struct found_item **out, size_t *n)
{
	struct store_many m[2] = { STORE_MANY_OF(a, struct found_item),
	    STORE_MANY_OF(a, struct found_item) };
	unsigned kinds = sa->kinds ? sa->kinds : SEARCH_POSTS | SEARCH_COMMENTS;
	const char *text;
	int limit, rc = STORE_OK;

	*out = NULL;
	*n = 0;
	if ((int)sa->sort < 0 || (size_t)sa->sort >= ARRAY_LEN(search_stmt))
		return STORE_ERR;
	if ((kinds & SEARCH_COMMENTS) && s->depth == 0 &&
	    (rc = store_search_catch_up(s)) != STORE_OK)
		return rc;
	if (sa->upto[0] == 0 && sa->upto[1] == 0) {
		struct store_numbers nb = { .found = false };

		rc = store__run(s, STMT_SEARCH_UPTO, NULL, 0, store__numbers_cb,
		    &nb);
		if (rc != STORE_OK)
			return rc;
		if (nb.found && nb.n >= 2) {
			sa->upto[0] = store__col_i64(&nb.vals[0]);
			sa->upto[1] = store__col_i64(&nb.vals[1]);
		}
	}
	limit = store__clamp_limit(sa->limit, STORE_PAGE_MAX);
	text = s->be == &store_pg_backend ? store_search_tsquery(sa->q, a) :
	    store_search_fts5(sa->q, a);
	for (int kind = 0; kind < 2 && rc == STORE_OK; kind++) {
		if (!(kinds & (kind ? SEARCH_COMMENTS : SEARCH_POSTS)))
			continue;
		rc = store__run(s, search_stmt[sa->sort][kind], STORE_PARAMS(
		    store_v_int(sa->viewer_id), store_v_text(text),
		    store_v_int(sa->community_id), store_v_int(sa->author_id),
		    store_v_int(sa->since),
		    store_v_real(sa->after ? sa->after_key : HUGE_VAL),
		    store_v_int(sa->after ? sa->after_kind : 0),
		    store_v_int(sa->after ? sa->after_id : INT64_MAX),
		    store_v_int(limit), store_v_int(sa->upto[kind]),
		    store_v_int(sa->window > 0 ? sa->window : INT64_MAX)),
		    kind ? store__found_comment_cb :
		    store__found_post_cb, &m[kind]);
	}
	if (rc == STORE_OK)
		store__found_merge(a, m, limit, out, n);
	return rc;
}

/*
 * Merges the posts in m[0] and the comments in m[1], each in the order
 * of before, into *out: at most limit items, in a.
 */
void
store__found_merge(struct arena *a, const struct store_many m[2], int limit,
    struct found_item **out, size_t *n)
{
	const struct found_item *ps = (const void *)m[0].items;
	const struct found_item *cs = (const void *)m[1].items;
	struct found_item *items;
	size_t i = 0, k = 0, w = 0;

	items = arena_zalloc(a, ((size_t)limit + 1) * sizeof(*items));
	while (w < (size_t)limit && (i < m[0].n || k < m[1].n)) {
		if (k >= m[1].n || (i < m[0].n && before(&ps[i], &cs[k])))
			items[w++] = ps[i++];
		else
			items[w++] = cs[k++];
	}
	*out = w ? items : NULL;
	*n = w;
}
