/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_home.c: unit tests of store_home.c: Home's page, merged from
 * one walk per subscribed community, is exactly the global listing's
 * posts of those communities, in every sort and across pages of any
 * size, whatever the posts the listing leaves out among the walks'
 * keys; where the global walk costs less (a large share of the posts,
 * or past HOME_MERGE_MAX subscriptions) it gives the same.
 * On SQLite and PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_fixture.h"

#define NPOSTS 150
#define NCOMMS 10         /* communities with posts */

/* Every post of the listing q (limit at a time), following the cursor;
 * returns how many ids went into ids. */
static size_t
walk(struct fixture *f, struct post_query q, int64_t *ids, size_t max)
{
	size_t got = 0;

	for (;;) {
		struct post *posts;
		size_t n;

		assert_int_equal(store_post_list(f->s, f->a, &q, &posts, &n),
		    STORE_OK);
		for (size_t i = 0; i < n; i++) {
			assert_true(got < max);
			ids[got++] = posts[i].id;
		}
		if (n < (size_t)q.limit)
			return got;
		q.after = posts[n - 1].id;
	}
}

/*
 * Checks that Home for viewer (subscribed to the communities in subs) is
 * the global listing's posts of subs, in every sort, in pages of 1, 4
 * and 25, with the viewer's hidden post left out.
 */
static void
check_home(struct fixture *f, int64_t viewer, const int64_t *subs,
    size_t nsubs, int64_t hidden)
{
	static const enum post_sort sorts[] = { SORT_HOT, SORT_NEW, SORT_TOP,
		SORT_ACTIVE, SORT_CONTROVERSIAL };
	static const int limits[] = { 1, 4, 25 };

	for (size_t si = 0; si < ARRAY_LEN(sorts); si++) {
		struct post_query all = { .sort = sorts[si], .limit = 100,
		    .viewer_id = viewer, .include_stickied = true };
		int64_t want[NPOSTS], got[NPOSTS];
		size_t nwant = 0, n;

		n = walk(f, all, got, NPOSTS);
		for (size_t i = 0; i < n; i++) {
			struct post p;

			assert_int_not_equal(got[i], hidden);
			assert_int_equal(store_post_get(f->s, f->a, got[i],
			    viewer, &p), STORE_OK);
			for (size_t k = 0; k < nsubs; k++)
				if (p.community_id == subs[k])
					want[nwant++] = got[i];
		}
		assert_true(nwant > 10);
		for (size_t li = 0; li < ARRAY_LEN(limits); li++) {
			struct post_query home = all;
			size_t ngot;

			home.home = true;
			home.limit = limits[li];
			ngot = walk(f, home, got, NPOSTS);
			assert_int_equal(ngot, nwant);
			assert_memory_equal(got, want, nwant * sizeof(*want));
		}
	}
}

static void
test_home_merge(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t carol = mk_user(f->s, "carol"), m = mk_user(f->s, "member");
	int64_t many = mk_user(f->s, "many"), five = mk_user(f->s, "five");
	int64_t comms[HOME_MERGE_MAX + 2], subs[2], hidden = 0;
	int64_t score;

	for (size_t i = 0; i < ARRAY_LEN(comms); i++) {
		char name[16];

		snprintf(name, sizeof(name), "c%zu", i);
		comms[i] = mk_community(f->s, name, alice);
		assert_int_equal(store_subscription_set(f->s, many, comms[i],
		    true, T0), STORE_OK);
	}
	/* Posts spread over NCOMMS communities, some at the same second,
	 * votes making top, hot and controversial differ from new, a
	 * stickied post among them; and posts no listing shows (held,
	 * removed, deleted), runs of them in one community, which the
	 * walks read and the merge must pass over. */
	for (int i = 0; i < NPOSTS; i++) {
		int64_t id = mk_post_full(f->s, comms[i % NCOMMS], alice,
		    T0 + i / 2 * 60, i == 7, i % 7 == 1);

		if (i % 3 == 0)
			assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, id,
			    1, T0 + 4000, &score), STORE_OK);
		if (i % 4 == 0)
			assert_int_equal(store_vote_set(f->s, carol, VOTE_POST, id,
			    i % 8 == 0 ? -1 : 1, T0 + 4000, &score), STORE_OK);
		if (i == 11)
			hidden = id;
		if (i % 7 == 3 || i % 7 == 4)
			assert_int_equal(store_post_set_removed(f->s, id, true,
			    "spam"), STORE_OK);
		if (i % 11 == 8)
			assert_int_equal(store_post_delete(f->s, id, T0 + 5000),
			    STORE_OK);
	}
	subs[0] = comms[1];
	subs[1] = comms[3];
	for (size_t k = 0; k < 2; k++)
		assert_int_equal(store_subscription_set(f->s, m, subs[k], true,
		    T0), STORE_OK);
	assert_int_equal(store_hide_set(f->s, m, hidden, true, T0), STORE_OK);
	/* a fifth of the posts: merged at every page size */
	check_home(f, m, subs, 2, hidden);
	/* half: merged for pages of 25, the global walk for 1 and 4 */
	for (size_t k = 0; k < 5; k++)
		assert_int_equal(store_subscription_set(f->s, five, comms[k],
		    true, T0), STORE_OK);
	check_home(f, five, comms, 5, 0);
	/* more than HOME_MERGE_MAX: the global walk, the same posts */
	check_home(f, many, comms, ARRAY_LEN(comms), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_home_merge),
	};

	return FIXTURE_MAIN("store_home", tests);
}
