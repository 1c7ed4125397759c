/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_home.c: unit tests of store_home.c: Home's page, merged from
 * one walk per subscribed community, is exactly the global listing's
 * posts of those communities, in every sort and across pages of any
 * size; past HOME_MERGE_MAX subscriptions the global walk gives the same.
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

#define NPOSTS 60

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
		struct post *posts;
		int64_t want[NPOSTS], got[NPOSTS];
		size_t nwant = 0, n;

		assert_int_equal(store_post_list(f->s, f->a, &all, &posts, &n),
		    STORE_OK);
		for (size_t i = 0; i < n; i++) {
			assert_int_not_equal(posts[i].id, hidden);
			for (size_t k = 0; k < nsubs; k++)
				if (posts[i].community_id == subs[k])
					want[nwant++] = posts[i].id;
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
	int64_t many = mk_user(f->s, "many");
	int64_t comms[HOME_MERGE_MAX + 2], subs[2], hidden = 0;
	int64_t score;

	for (size_t i = 0; i < ARRAY_LEN(comms); i++) {
		char name[16];

		snprintf(name, sizeof(name), "c%zu", i);
		comms[i] = mk_community(f->s, name, alice);
		assert_int_equal(store_subscription_set(f->s, many, comms[i],
		    true, T0), STORE_OK);
	}
	/* Posts spread over five communities, some at the same second,
	 * votes making top, hot and controversial differ from new, and a
	 * stickied post among them. */
	for (int i = 0; i < NPOSTS; i++) {
		int64_t id = mk_post_full(f->s, comms[i % 5], alice,
		    T0 + i / 2 * 60, i == 7, false);

		if (i % 3 == 0)
			assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, id,
			    1, T0 + 4000, &score), STORE_OK);
		if (i % 4 == 0)
			assert_int_equal(store_vote_set(f->s, carol, VOTE_POST, id,
			    i % 8 == 0 ? -1 : 1, T0 + 4000, &score), STORE_OK);
		if (i == 11)
			hidden = id;
	}
	subs[0] = comms[1];
	subs[1] = comms[3];
	for (size_t k = 0; k < 2; k++)
		assert_int_equal(store_subscription_set(f->s, m, subs[k], true,
		    T0), STORE_OK);
	assert_int_equal(store_hide_set(f->s, m, hidden, true, T0), STORE_OK);
	check_home(f, m, subs, 2, hidden);
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
