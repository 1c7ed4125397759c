/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_poll.c: polls (richer posts, schema v6): a poll post's options,
 * one vote per member and the counts.
 *
 * A vote is one row keyed by (post, member), written by an upsert, so a
 * member who changes their vote replaces it in one statement and two
 * requests of the same member cannot leave two votes. Counts are counted
 * from those rows when read, not kept in counters, so any number of
 * votes at once count exactly on both databases.
 */
#include "store_int.h"

/*
 * Makes post_id a poll with options[0..n) in order, closing at closes (0:
 * never). Runs in one transaction (nested in the caller's). Returns
 * STORE_CONFLICT when the post is a poll already, STORE_ERR for a count
 * outside POLL_OPTIONS_MIN..MAX.
 */
int
store_poll_create(struct store *s, int64_t post_id,
    const char *const *options, size_t n, int64_t closes)
{
	int rc;

	if (n < POLL_OPTIONS_MIN || n > POLL_OPTIONS_MAX)
		return STORE_ERR;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run_guarded(s, STMT_POLL_INSERT, STORE_PARAMS(
	    store_v_int(post_id), store_v_int(closes)));
	for (size_t i = 0; i < n && rc == STORE_OK; i++)
		rc = store__run(s, STMT_POLL_OPTION_INSERT, STORE_PARAMS(
		    store_v_int(post_id), store_v_int((int64_t)i),
		    store_v_text(options[i])), NULL, NULL);
	return store__tx_end(s, rc);
}

static void
read_option(struct arena *a, const struct store_val *row, void *out)
{
	struct poll_option *o = out;

	o->id = store__col_i64(&row[0]);
	o->text = store__col_text(a, &row[1]);
	o->votes = store__col_i64(&row[2]);
}

static const struct store_row option_row = {
	3, sizeof(struct poll_option), read_option
};

/*
 * Fills *out with post_id's poll: closing time, options with their
 * counts, and viewer_id's choice (0 signed out). Returns STORE_NOTFOUND
 * when the post is no poll.
 */
int
store_poll_get(struct store *s, struct arena *a, int64_t post_id,
    int64_t viewer_id, struct poll *out)
{
	struct store_numbers num = { .found = false };
	struct store_many m = STORE_MANY(a, &option_row);
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store__run(s, STMT_POLL_GET, STORE_PARAMS(store_v_int(post_id)),
	    store__numbers_cb, &num);
	if (rc != STORE_OK)
		return rc;
	if (!num.found || num.n < 1)
		return STORE_NOTFOUND;
	out->closes = store__col_i64(&num.vals[0]);
	rc = store__run(s, STMT_POLL_OPTIONS, STORE_PARAMS(
	    store_v_int(post_id)), store__many_cb, &m);
	STORE_MANY_OUT(rc, m, struct poll_option, &out->options, &out->n);
	if (rc != STORE_OK || viewer_id == 0)
		return rc;
	num = (struct store_numbers){ .found = false };
	rc = store__run(s, STMT_POLL_VOTED, STORE_PARAMS(store_v_int(post_id),
	    store_v_int(viewer_id)), store__numbers_cb, &num);
	if (rc == STORE_OK && num.found && num.n > 0)
		out->voted = store__col_i64(&num.vals[0]);
	return rc;
}

/*
 * Records user_id's vote for option_id of post_id's poll, replacing an
 * earlier one. Returns STORE_NOTFOUND when the option is not one of that
 * poll's. Whether the poll is still open is the caller's to check.
 */
int
store_poll_vote(struct store *s, int64_t post_id, int64_t user_id,
    int64_t option_id, int64_t now)
{
	struct store_numbers num = { .found = false };
	int rc;

	rc = store__run(s, STMT_POLL_OPTION_POST, STORE_PARAMS(
	    store_v_int(option_id)), store__numbers_cb, &num);
	if (rc != STORE_OK)
		return rc;
	if (!num.found || num.n < 1 ||
	    store__col_i64(&num.vals[0]) != post_id)
		return STORE_NOTFOUND;
	return store__run_guarded(s, STMT_POLL_VOTE, STORE_PARAMS(
	    store_v_int(post_id), store_v_int(user_id), store_v_int(option_id),
	    store_v_int(now)));
}

/* The posts whose polls one STMT_POLLS_ON round reads. */
struct polls_on {
	struct arena *a;
	struct post *const *posts; /* those with has_poll, at most
	                              VOTES_ON_IDS */
	struct poll *polls;      /* polls[i] is posts[i]'s */
	size_t n;
};

static int
polls_on_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct polls_on *po = data;
	int64_t post_id;
	struct poll *poll;
	struct poll_option *o;
	size_t i;

	if (ncols < 6)
		return store__bad_row(ncols, 6);
	post_id = store__col_i64(&row[0]);
	for (i = 0; i < po->n && po->posts[i]->id != post_id; i++)
		;
	if (i == po->n)
		return STORE_OK;
	poll = &po->polls[i];
	if (poll->n == POLL_OPTIONS_MAX)
		return STORE_OK;
	if (poll->options == NULL)
		poll->options = arena_zalloc(po->a,
		    POLL_OPTIONS_MAX * sizeof(*poll->options));
	poll->closes = store__col_i64(&row[1]);
	o = &poll->options[poll->n++];
	o->id = store__col_i64(&row[2]);
	o->text = store__col_text(po->a, &row[3]);
	o->votes = store__col_i64(&row[4]);
	if (store__col_i64(&row[5]) != 0)
		poll->voted = o->id;
	return STORE_OK;
}

/*
 * Loads the polls of posts[0..n) that have one (has_poll) and points
 * each one's poll at it (in a), with viewer_id's choice (0 signed out):
 * one query for every VOTES_ON_IDS such posts, so a page of posts costs
 * one query whatever its polls. Returns STORE_OK or the store's error.
 */
int
store_polls_on(struct store *s, struct arena *a, int64_t viewer_id,
    struct post *const *posts, size_t n)
{
	struct post *with[VOTES_ON_IDS];
	struct store_val v[1 + VOTES_ON_IDS];
	size_t i = 0;
	int rc = STORE_OK;

	while (i < n && rc == STORE_OK) {
		struct polls_on po = { .a = a, .posts = with };

		for (; i < n && po.n < VOTES_ON_IDS; i++)
			if (posts[i]->has_poll)
				with[po.n++] = posts[i];
		if (po.n == 0)
			break;
		po.polls = arena_zalloc(a, po.n * sizeof(*po.polls));
		v[0] = store_v_int(viewer_id);
		/* Ids are positive; 0 fills the places this round leaves. */
		for (size_t k = 0; k < VOTES_ON_IDS; k++)
			v[1 + k] = store_v_int(k < po.n ? with[k]->id : 0);
		rc = store__run(s, STMT_POLLS_ON, v, ARRAY_LEN(v), polls_on_cb,
		    &po);
		for (size_t k = 0; k < po.n && rc == STORE_OK; k++)
			if (po.polls[k].n > 0)
				with[k]->poll = &po.polls[k];
	}
	return rc;
}
