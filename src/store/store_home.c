/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_home.c: Home, the posts of the communities a member subscribes
 * to, as a merge of one index walk per subscribed community.
 *
 * Design notes:
 * - The global walk that keeps the rows of subscribed communities
 *   (STMT_POST_LIST_*_HOME) reads about limit / share rows, share being
 *   those communities' part of the posts: a member of a few small
 *   communities on a large site pays for the whole site. Here each
 *   subscribed community's own index (posts_c_*) is walked from the
 *   cursor for at most limit (key, id) pairs (STMT_HOME_KEYS_*, no post
 *   row built), the walks are merged by (key, id) descending, and the
 *   limit winners are read by id (STMT_POST_BY_IDS). A page costs at most
 *   HOME_MERGE_MAX short walks and one read, whatever the site's size.
 * - Past HOME_MERGE_MAX subscriptions the global walk is kept: the
 *   subscribed communities are then a large share of the posts, and one
 *   walk is cheaper than that many.
 * - Every walk starts strictly after the page's cursor, the (key, id) of
 *   the last post shown, and yields its community's posts in the global
 *   order, so their merge is exactly the global walk's page: pages never
 *   repeat or skip a post.
 */
#include "store_int.h"

/* One post's place in a sort. */
struct home_key {
	double key;              /* the sort's key (integers are exact) */
	int64_t id;
};

static const enum store_stmt keys_stmt[] = {
	[SORT_HOT] = STMT_HOME_KEYS_HOT,
	[SORT_NEW] = STMT_HOME_KEYS_NEW,
	[SORT_TOP] = STMT_HOME_KEYS_TOP,
	[SORT_ACTIVE] = STMT_HOME_KEYS_ACTIVE,
	[SORT_CONTROVERSIAL] = STMT_HOME_KEYS_CONTROVERSIAL,
};

static int
key_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct home_key *k;

	if (ncols < 2)
		return store__bad_row(ncols, 2);
	k = store__many_push(data);
	k->key = store__col_real(&row[0]);
	k->id = store__col_i64(&row[1]);
	return STORE_OK;
}

static int
id_cb(void *data, const struct store_val *row, size_t ncols)
{
	if (ncols < 1)
		return store__bad_row(ncols, 1);
	*(int64_t *)store__many_push(data) = store__col_i64(&row[0]);
	return STORE_OK;
}

/* True when x comes before y: key, then id, both descending. */
static bool
before(const struct home_key *x, const struct home_key *y)
{
	return x->key != y->key ? x->key > y->key : x->id > y->id;
}

/*
 * Merges the k sorted walks into ids, at most limit of them, in the
 * global order. Returns how many.
 */
static size_t
merge(const struct store_many *walks, size_t k, size_t *at, int64_t *ids,
    int limit)
{
	size_t w = 0;

	while (w < (size_t)limit) {
		const struct home_key *best = NULL;
		size_t from = 0;

		for (size_t i = 0; i < k; i++) {
			const struct home_key *h;

			if (at[i] >= walks[i].n)
				continue;
			h = (const struct home_key *)walks[i].items + at[i];
			if (best == NULL || before(h, best)) {
				best = h;
				from = i;
			}
		}
		if (best == NULL)
			break;
		ids[w++] = best->id;
		at[from]++;
	}
	return w;
}

/*
 * Reads the posts ids[0..n) for viewer_id into out in that order, in
 * rounds of VOTES_ON_IDS ids; a post gone since the walk is left out.
 * Sets *got to how many.
 */
static int
read_posts(struct store *s, struct arena *a, int64_t viewer_id,
    const int64_t *ids, size_t n, struct post *out, size_t *got)
{
	struct store_many m = STORE_MANY(a, &store__post_row);
	struct store_val v[1 + VOTES_ON_IDS];
	const struct post *rows;
	int rc = STORE_OK;

	*got = 0;
	v[0] = store_v_int(viewer_id);
	for (size_t at = 0; at < n && rc == STORE_OK; at += VOTES_ON_IDS) {
		/* Ids are positive; 0 fills the places this round leaves. */
		for (size_t i = 0; i < VOTES_ON_IDS; i++)
			v[1 + i] = store_v_int(at + i < n ? ids[at + i] : 0);
		rc = store__run(s, STMT_POST_BY_IDS, v, ARRAY_LEN(v),
		    store__many_cb, &m);
	}
	if (rc != STORE_OK)
		return rc;
	rows = (const struct post *)m.items;
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; r < m.n; r++)
			if (rows[r].id == ids[i]) {
				out[(*got)++] = rows[r];
				break;
			}
	return STORE_OK;
}

/*
 * Home's page for q (home set, sort checked by the caller) after the
 * cursor (key, after_id), at most limit posts, into *out and *n in a.
 * Sets *merged to false, and reads nothing more, when the member
 * subscribes to more than HOME_MERGE_MAX communities: the caller walks
 * the global index instead. Returns STORE_OK or the store's error.
 */
int
store__home_list(struct store *s, struct arena *a, const struct post_query *q,
    enum post_sort sort, struct store_val key, struct store_val after_id,
    int limit, bool *merged, struct post **out, size_t *n)
{
	struct store_many subs = STORE_MANY_OF(a, int64_t);
	struct store_many *walks;
	const int64_t *cids;
	int64_t *ids;
	size_t *at, nids;
	int rc;

	*merged = true;
	rc = store__run(s, STMT_SUBSCRIPTION_IDS, STORE_PARAMS(
	    store_v_int(q->viewer_id), store_v_int(HOME_MERGE_MAX + 1)), id_cb,
	    &subs);
	if (rc != STORE_OK)
		return rc;
	if (subs.n > HOME_MERGE_MAX) {
		*merged = false;
		return STORE_OK;
	}
	cids = (const int64_t *)subs.items;
	walks = arena_zalloc(a, (subs.n + 1) * sizeof(*walks));
	at = arena_zalloc(a, (subs.n + 1) * sizeof(*at));
	for (size_t i = 0; i < subs.n && rc == STORE_OK; i++) {
		struct store_val params[7] = { store_v_int(q->viewer_id), key,
		    after_id, store_v_int(q->include_stickied),
		    store_v_int(limit), store_v_int(cids[i]),
		    store_v_int(q->since) };

		walks[i] = STORE_MANY_OF(a, struct home_key);
		rc = store__run(s, keys_stmt[sort], params,
		    sort == SORT_TOP ? 7 : 6, key_cb, &walks[i]);
	}
	if (rc != STORE_OK)
		return rc;
	ids = arena_alloc(a, (size_t)limit * sizeof(*ids));
	nids = merge(walks, subs.n, at, ids, limit);
	*out = arena_zalloc(a, ((size_t)limit + 1) * sizeof(**out));
	return read_posts(s, a, q->viewer_id, ids, nids, *out, n);
}
