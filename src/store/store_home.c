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
 *   cursor, a batch of (key, id) pairs at a time (STMT_HOME_KEYS_*), the
 *   walks are merged by (key, id) descending, and the winners are read by
 *   id (STMT_POST_BY_IDS). A page costs at most HOME_MERGE_MAX short
 *   walks and a read of about a page, whatever the site's size.
 * - The walks read the index alone: the listing's filters (removed,
 *   deleted, held, hidden by the member, stickied) are columns of the row,
 *   and testing them in the walk would read a row for every key of every
 *   walk, twenty walks of a page for twenty subscriptions (decision 023).
 *   They are tested on the rows read for the winners instead; a winner
 *   that fails them is replaced by the merge's next, so the page is still
 *   the listing's. Only top's period (created) stays in the walk: a short
 *   period fails most keys.
 * - A walk's batch is about twice its share of a page (at least
 *   BATCH_MIN): with many subscriptions each gives a few posts to a page,
 *   and a walk that gives more is fetched again from its last key when
 *   the merge has used its batch.
 * - The global walk is kept when it costs less (global_cheaper): past
 *   HOME_MERGE_MAX subscriptions, or when the subscribed communities hold
 *   so much of the site that it skips fewer rows than there would be
 *   walks. Both give the same page; only the cost differs.
 * - Every walk starts strictly after the page's cursor, the (key, id) of
 *   the last post shown, and yields its community's posts in the global
 *   order, so their merge is exactly the global walk's page: pages never
 *   repeat or skip a post.
 */
#include "store_int.h"

#define BATCH_MIN 4          /* keys a walk reads at once, at least */

/* A subscribed community (STMT_SUBSCRIPTION_IDS). */
struct sub {
	int64_t id;
	int64_t posts;           /* its post_count */
	int64_t top_id;          /* the highest post id: about the site's */
};

/* One post's place in a sort. */
struct home_key {
	struct store_val key;    /* the sort's key: integer or real */
	int64_t id;
};

/* One subscribed community's walk, a batch at a time. */
struct walk {
	int64_t community_id;
	struct home_key *keys;   /* this batch, in the global order */
	size_t n, at;            /* keys in the batch; the next to merge */
	bool done;               /* the batch was short: nothing after it */
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
	k->key = row[0].type == STORE_T_INT ? store_v_int(row[0].i) :
	    store_v_real(store__col_real(&row[0]));
	k->id = store__col_i64(&row[1]);
	return STORE_OK;
}

static int
sub_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct sub *sb;

	if (ncols < 3)
		return store__bad_row(ncols, 3);
	sb = store__many_push(data);
	sb->id = store__col_i64(&row[0]);
	sb->posts = store__col_i64(&row[1]);
	sb->top_id = store__col_i64(&row[2]);
	return STORE_OK;
}

/*
 * True when the global walk with its subscription probe costs less than
 * k walks: it reads about limit / share rows for a page, share being the
 * subscribed communities' part of the posts, and a row it skips costs
 * about what one more walk does (decision 023), so it wins while the
 * rows it skips, limit * (1 / share - 1), are fewer than the walks.
 */
static bool
global_cheaper(const struct sub *subs, size_t k, int limit)
{
	int64_t mine = 0, total;

	if (k > HOME_MERGE_MAX)
		return true;
	if (k == 0)
		return false;
	total = subs[0].top_id;
	for (size_t i = 0; i < k; i++)
		mine += subs[i].posts;
	if (mine <= 0 || total <= 0)
		return false;
	if (mine > total)
		mine = total;
	return (double)limit * (double)(total - mine) < (double)k * (double)mine;
}

/* True when x comes before y: key, then id, both descending. */
static bool
before(const struct home_key *x, const struct home_key *y)
{
	double a, b;

	if (x->key.type == STORE_T_INT && y->key.type == STORE_T_INT) {
		if (x->key.i != y->key.i)
			return x->key.i > y->key.i;
	} else {
		a = store__col_real(&x->key);
		b = store__col_real(&y->key);
		if (a != b)
			return a > b;
	}
	return x->id > y->id;
}

/* Reads w's next batch, of at most batch keys strictly after (key, id). */
static int
fetch(struct store *s, struct arena *a, enum post_sort sort,
    const struct post_query *q, struct walk *w, struct store_val key,
    struct store_val id, int batch)
{
	struct store_many m = STORE_MANY_OF(a, struct home_key);
	struct store_val params[5] = { store_v_int(w->community_id), key, id,
	    store_v_int(batch), store_v_int(q->since) };
	int rc;

	m.cap = (size_t)batch;
	m.items = arena_alloc(a, m.cap * m.size);
	rc = store__run(s, keys_stmt[sort], params, sort == SORT_TOP ? 5 : 4,
	    key_cb, &m);
	w->keys = (struct home_key *)m.items;
	w->n = m.n;
	w->at = 0;
	w->done = m.n < (size_t)batch;
	return rc;
}

/*
 * Sets *best to the walk whose next key comes first, fetching the next
 * batch of a walk whose batch the merge has used; NULL when every walk
 * is done.
 */
static int
head(struct store *s, struct arena *a, enum post_sort sort,
    const struct post_query *q, struct walk *walks, size_t k, int batch,
    struct walk **best)
{
	*best = NULL;
	for (size_t i = 0; i < k; i++) {
		struct walk *w = &walks[i];

		if (w->at == w->n && !w->done) {
			const struct home_key *last = &w->keys[w->n - 1];
			int rc = fetch(s, a, sort, q, w, last->key,
			    store_v_int(last->id), batch);

			if (rc != STORE_OK)
				return rc;
		}
		if (w->at < w->n && (*best == NULL ||
		    before(&w->keys[w->at], &(*best)->keys[(*best)->at])))
			*best = w;
	}
	return STORE_OK;
}

/* True when the listing q shows p (see store_post_list). */
static bool
listed(const struct post_query *q, const struct post *p)
{
	return !p->removed && !p->deleted && !p->held && !p->hidden &&
	    (q->include_stickied || !p->stickied);
}

/*
 * Reads the posts ids[0..n) for q's viewer and appends those the listing
 * shows to out in that order, in rounds of VOTES_ON_IDS ids; a post gone
 * since the walk is left out. Adds how many to *got.
 */
static int
read_posts(struct store *s, struct arena *a, const struct post_query *q,
    const int64_t *ids, size_t n, struct post *out, size_t *got)
{
	struct store_many m = STORE_MANY(a, &store__post_row);
	struct store_val v[1 + VOTES_ON_IDS];
	const struct post *rows;
	int rc = STORE_OK;

	v[0] = store_v_int(q->viewer_id);
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
				if (listed(q, &rows[r]))
					out[(*got)++] = rows[r];
				break;
			}
	return STORE_OK;
}

/*
 * Home's page for q (home set, sort checked by the caller) after the
 * cursor (key, after_id), at most limit posts, into *out and *n in a.
 * Sets *merged to false, and reads nothing more, when the global walk
 * costs less (global_cheaper): the caller walks the global index
 * instead. Returns STORE_OK or the store's error.
 */
int
store__home_list(struct store *s, struct arena *a, const struct post_query *q,
    enum post_sort sort, struct store_val key, struct store_val after_id,
    int limit, bool *merged, struct post **out, size_t *n)
{
	struct store_many subs = STORE_MANY_OF(a, struct sub);
	struct walk *walks, *w = NULL;
	const struct sub *sb;
	int64_t *ids;
	int batch, rc;

	*merged = true;
	*n = 0;
	rc = store__run(s, STMT_SUBSCRIPTION_IDS, STORE_PARAMS(
	    store_v_int(q->viewer_id), store_v_int(HOME_MERGE_MAX + 1)), sub_cb,
	    &subs);
	if (rc != STORE_OK)
		return rc;
	sb = (const struct sub *)subs.items;
	if (global_cheaper(sb, subs.n, limit)) {
		*merged = false;
		return STORE_OK;
	}
	*out = arena_zalloc(a, ((size_t)limit + 1) * sizeof(**out));
	if (subs.n == 0)
		return STORE_OK;
	batch = 2 * limit / (int)subs.n + 1;
	if (batch < BATCH_MIN)
		batch = BATCH_MIN;
	if (batch > limit)
		batch = limit;
	walks = arena_zalloc(a, subs.n * sizeof(*walks));
	for (size_t i = 0; i < subs.n && rc == STORE_OK; i++) {
		walks[i].community_id = sb[i].id;
		rc = fetch(s, a, sort, q, &walks[i], key, after_id, batch);
	}
	ids = arena_alloc(a, (size_t)limit * sizeof(*ids));
	/* Rounds of winners until the page is full or the walks end: a
	 * round is short only by winners the listing does not show. */
	while (rc == STORE_OK && *n < (size_t)limit) {
		size_t want = (size_t)limit - *n, nids = 0;

		while (nids < want) {
			rc = head(s, a, sort, q, walks, subs.n, batch, &w);
			if (rc != STORE_OK || w == NULL)
				break;
			ids[nids++] = w->keys[w->at++].id;
		}
		if (rc == STORE_OK && nids > 0)
			rc = read_posts(s, a, q, ids, nids, *out, n);
		if (w == NULL)
			break;
	}
	return rc;
}
