/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_flair.c: unit tests for store_flair.c (richer posts): a
 * community's flairs, members' flair, posts' flair and the listing of
 * one flair's posts. On SQLite and PostgreSQL.
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
test_flairs(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t dogs = mk_community(f->s, "dogs", alice);
	struct flair *fl, one;
	size_t n;

	assert_int_equal(store_flair_add(f->s, cats, "News", "red", T0),
	    STORE_OK);
	assert_int_equal(store_flair_add(f->s, cats, "Art", NULL, T0),
	    STORE_OK);
	assert_int_equal(store_flair_add(f->s, dogs, "News", NULL, T0),
	    STORE_OK);
	assert_int_equal(store_flair_add(f->s, cats, "News", NULL, T0),
	    STORE_CONFLICT);
	assert_int_equal(store_flairs(f->s, f->a, cats, &fl, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(fl[0].text, "Art");
	assert_null(fl[0].colour);
	assert_string_equal(fl[1].colour, "red");
	assert_int_equal(store_flair_get(f->s, f->a, cats, "News", &one),
	    STORE_OK);
	assert_string_equal(one.colour, "red");
	assert_int_equal(store_flair_remove(f->s, cats, "News"), STORE_OK);
	assert_int_equal(store_flair_remove(f->s, cats, "News"),
	    STORE_NOTFOUND);
	assert_int_equal(store_flair_get(f->s, f->a, cats, "News", &one),
	    STORE_NOTFOUND);
	assert_int_equal(store_flair_get(f->s, f->a, dogs, "News", &one),
	    STORE_OK);
}

static void
test_post_and_user_flair(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t dogs = mk_community(f->s, "dogs", alice);
	int64_t p1 = mk_post(f->s, cats, bob, T0);
	int64_t p2 = mk_post(f->s, dogs, bob, T0);
	int64_t c1 = mk_comment(f->s, p1, 0, bob, T0 + 1);
	struct post p;
	struct comment cm;

	assert_int_equal(store_flair_add(f->s, cats, "News", "blue", T0),
	    STORE_OK);
	assert_int_equal(store_post_set_flair(f->s, p1, "News"), STORE_OK);
	assert_int_equal(store_user_flair_set(f->s, cats, bob, "Vet"),
	    STORE_OK);
	assert_int_equal(store_user_flair_set(f->s, cats, bob, "Elder"),
	    STORE_OK);
	assert_int_equal(store_post_get(f->s, f->a, p1, 0, &p), STORE_OK);
	assert_string_equal(p.flair, "News");
	assert_string_equal(p.flair_colour, "blue");
	assert_string_equal(p.author_flair, "Elder");
	assert_int_equal(store_comment_get(f->s, f->a, c1, 0, &cm), STORE_OK);
	assert_string_equal(cm.author_flair, "Elder");
	/* a member's flair belongs to one community */
	assert_int_equal(store_post_get(f->s, f->a, p2, 0, &p), STORE_OK);
	assert_null(p.author_flair);
	assert_null(p.flair);
	assert_int_equal(store_user_flair_set(f->s, cats, bob, NULL), STORE_OK);
	assert_int_equal(store_post_get(f->s, f->a, p1, 0, &p), STORE_OK);
	assert_null(p.author_flair);
	assert_int_equal(store_post_set_flair(f->s, 9999, "x"), STORE_NOTFOUND);
}

static void
test_flair_listing(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	struct post_query q = { .sort = SORT_NEW, .community_id = cats,
	    .flair = "A", .limit = 2 };
	struct post *list;
	size_t n;
	int64_t ids[6];

	for (int i = 0; i < 6; i++) {
		ids[i] = mk_post(f->s, cats, alice, T0 + i);
		if (i % 2 == 0)
			assert_int_equal(store_post_set_flair(f->s, ids[i], "A"),
			    STORE_OK);
	}
	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, ids[4]);
	assert_int_equal(list[1].id, ids[2]);
	q.after = ids[2];
	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, ids[0]);
	q.after = 0;
	q.sort = SORT_HOT;
	q.limit = 10;
	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_flairs),
		T(test_post_and_user_flair),
		T(test_flair_listing),
	};

	return FIXTURE_MAIN("store_flair", tests);
}
