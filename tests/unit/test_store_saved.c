/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_saved.c: unit tests of store_saved.c (saving and hiding,
 * /saved and /hidden pages, hidden posts leaving listings, the viewer's
 * marks on rows, the session's plain flag) over both backends
 * (store_fixture.h).
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

static void
test_saved_order_and_cursor(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", ann);
	int64_t p1 = mk_post(f->s, cats, ann, T0), p2 = mk_post(f->s, cats, ann,
	    T0 + 1);
	int64_t c1 = mk_comment(f->s, p1, 0, ann, T0 + 2);
	struct found_item *it;
	struct post p;
	size_t n;

	assert_int_equal(store_save_set(f->s, bob, VOTE_POST, p1, true, T0),
	    STORE_OK);
	assert_int_equal(store_save_set(f->s, bob, VOTE_COMMENT, c1, true, T0),
	    STORE_OK);
	assert_int_equal(store_save_set(f->s, bob, VOTE_POST, p2, true, T0),
	    STORE_OK);
	/* saving twice is a no-op */
	assert_int_equal(store_save_set(f->s, bob, VOTE_POST, p1, true, T0),
	    STORE_OK);
	assert_int_equal(store_saved(f->s, f->a, bob, 0, 0, &it, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(it[0].kind, VOTE_POST);
	assert_int_equal(it[0].post.id, p2);
	assert_int_equal(it[1].kind, VOTE_COMMENT);
	assert_int_equal(it[1].comment.id, c1);
	assert_int_equal(it[1].post.id, p1);
	assert_true(it[1].comment.saved);
	assert_int_equal(it[2].post.id, p1);
	assert_true(it[2].post.saved);

	/* pages by cursor */
	assert_int_equal(store_saved(f->s, f->a, bob, 0, 2, &it, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_saved(f->s, f->a, bob, it[1].cursor, 2, &it, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(it[0].post.id, p1);

	/* ann saved nothing; bob's marks are his */
	assert_int_equal(store_saved(f->s, f->a, ann, 0, 0, &it, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_post_get(f->s, f->a, p1, ann, &p), STORE_OK);
	assert_false(p.saved);
	assert_int_equal(store_post_get(f->s, f->a, p1, bob, &p), STORE_OK);
	assert_true(p.saved);

	/* unsaving, and a removed post leaves the list */
	assert_int_equal(store_save_set(f->s, bob, VOTE_COMMENT, c1, false, T0),
	    STORE_OK);
	assert_int_equal(store_post_set_removed(f->s, p2, true, "spam"),
	    STORE_OK);
	assert_int_equal(store_saved(f->s, f->a, bob, 0, 0, &it, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(it[0].post.id, p1);
}

static void
test_hidden_leave_listings(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", ann);
	int64_t p1 = mk_post(f->s, cats, ann, T0), p2 = mk_post(f->s, cats, ann,
	    T0 + 1);
	struct post_query q = { .sort = SORT_NEW, .viewer_id = bob };
	struct found_item *it;
	struct post *posts, p;
	size_t n;

	assert_int_equal(store_hide_set(f->s, bob, p1, true, T0), STORE_OK);
	assert_int_equal(store_hide_set(f->s, bob, p1, true, T0), STORE_OK);
	for (int sort = SORT_HOT; sort <= SORT_CONTROVERSIAL; sort++) {
		for (int in_c = 0; in_c < 2; in_c++) {
			q.sort = sort;
			q.community_id = in_c ? cats : 0;
			q.viewer_id = bob;
			assert_int_equal(store_post_list(f->s, f->a, &q, &posts,
			    &n), STORE_OK);
			assert_int_equal(n, 1);
			assert_int_equal(posts[0].id, p2);
			q.viewer_id = ann;
			assert_int_equal(store_post_list(f->s, f->a, &q, &posts,
			    &n), STORE_OK);
			assert_int_equal(n, 2);
		}
	}
	q = (struct post_query){ .author_id = ann, .viewer_id = bob };
	assert_int_equal(store_post_list(f->s, f->a, &q, &posts, &n), STORE_OK);
	assert_int_equal(n, 1);

	assert_int_equal(store_post_get(f->s, f->a, p1, bob, &p), STORE_OK);
	assert_true(p.hidden);
	assert_int_equal(store_hidden(f->s, f->a, bob, 0, 0, &it, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(it[0].post.id, p1);

	assert_int_equal(store_hide_set(f->s, bob, p1, false, T0), STORE_OK);
	assert_int_equal(store_hidden(f->s, f->a, bob, 0, 0, &it, &n), STORE_OK);
	assert_int_equal(n, 0);
	q = (struct post_query){ .sort = SORT_NEW, .viewer_id = bob };
	assert_int_equal(store_post_list(f->s, f->a, &q, &posts, &n), STORE_OK);
	assert_int_equal(n, 2);
}

/* Saving or hiding anything makes a member's pages their own. */
static void
test_plain_flag(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", ann);
	int64_t p1 = mk_post(f->s, cats, ann, T0);
	unsigned char kb[32] = { 2 };
	struct viewer v;
	struct user u;

	assert_int_equal(store_session_create(f->s, kb, bob, T0, T0 + 1000),
	    STORE_OK);
	assert_int_equal(store_session_user(f->s, f->a, kb, T0, &u, &v),
	    STORE_OK);
	assert_true(v.plain);
	assert_int_equal(store_save_set(f->s, bob, VOTE_POST, p1, true, T0),
	    STORE_OK);
	assert_int_equal(store_session_user(f->s, f->a, kb, T0, &u, &v),
	    STORE_OK);
	assert_false(v.plain);
	assert_int_equal(store_save_set(f->s, bob, VOTE_POST, p1, false, T0),
	    STORE_OK);
	assert_int_equal(store_hide_set(f->s, bob, p1, true, T0), STORE_OK);
	assert_int_equal(store_session_user(f->s, f->a, kb, T0, &u, &v),
	    STORE_OK);
	assert_false(v.plain);
}

/* The session row's subscriptions: ids ascending, comma-separated. */
static void
assert_home(struct fixture *f, const unsigned char key[32], const char *want,
    size_t nwant)
{
	struct viewer v;
	struct user u;

	assert_int_equal(store_session_user(f->s, f->a, key, T0, &u, &v),
	    STORE_OK);
	if (want == NULL)
		assert_null(v.home);
	else
		assert_string_equal(v.home, want);
	assert_int_equal(v.nhome, nwant);
}

/* Home: the listings narrowed to the member's subscriptions, which the
 * session row lists (at most STORE_HOME_SET_MAX + 1 of them). */
static void
test_home_listing(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", ann);
	int64_t dogs = mk_community(f->s, "dogs", ann);
	int64_t pc = mk_post(f->s, cats, ann, T0);
	struct post_query q = { .viewer_id = bob, .home = true };
	struct post *posts;
	unsigned char kb[32] = { 3 };
	char want[64];
	struct viewer v;
	struct user u;
	size_t n;

	mk_post(f->s, dogs, ann, T0 + 1);
	assert_int_equal(store_session_create(f->s, kb, bob, T0, T0 + 1000),
	    STORE_OK);
	assert_home(f, kb, NULL, 0);
	assert_int_equal(store_subscription_set(f->s, bob, dogs, true, T0),
	    STORE_OK);
	assert_int_equal(store_subscription_set(f->s, bob, cats, true, T0),
	    STORE_OK);
	snprintf(want, sizeof(want), "%lld,%lld", (long long)cats,
	    (long long)dogs);
	assert_home(f, kb, want, 2);
	assert_int_equal(store_subscription_set(f->s, bob, dogs, false, T0),
	    STORE_OK);
	snprintf(want, sizeof(want), "%lld", (long long)cats);
	assert_home(f, kb, want, 1);
	for (int sort = SORT_HOT; sort <= SORT_CONTROVERSIAL; sort++) {
		q.sort = sort;
		assert_int_equal(store_post_list(f->s, f->a, &q, &posts, &n),
		    STORE_OK);
		assert_int_equal(n, 1);
		assert_int_equal(posts[0].id, pc);
	}
	q.home = false;
	assert_int_equal(store_post_list(f->s, f->a, &q, &posts, &n), STORE_OK);
	assert_int_equal(n, 2);
	for (int i = 0; i < STORE_HOME_SET_MAX + 5; i++) {
		char name[16];

		snprintf(name, sizeof(name), "c%d", i);
		assert_int_equal(store_subscription_set(f->s, bob,
		    mk_community(f->s, name, ann), true, T0), STORE_OK);
	}
	/* cats and the first STORE_HOME_SET_MAX new ones: more are left off */
	assert_int_equal(store_session_user(f->s, f->a, kb, T0, &u, &v),
	    STORE_OK);
	assert_int_equal(v.nhome, STORE_HOME_SET_MAX + 1);
	assert_true(strncmp(v.home, want, strlen(want)) == 0);
	assert_int_equal(v.home[strlen(want)], ',');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_saved_order_and_cursor),
		T(test_hidden_leave_listings),
		T(test_plain_flag),
		T(test_home_listing),
	};

	return FIXTURE_MAIN("store_saved", tests);
}
