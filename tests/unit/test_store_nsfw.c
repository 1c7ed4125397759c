/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_nsfw.c: unit tests for store_nsfw.c (richer posts): a
 * post's nsfw and spoiler marks, a community's NSFW mark covering its
 * posts, a member's show_nsfw. On SQLite and PostgreSQL.
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

static struct post
get(struct fixture *f, int64_t id)
{
	struct post p;

	assert_int_equal(store_post_get(f->s, f->a, id, 0, &p), STORE_OK);
	return p;
}

static void
test_post_marks(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	struct post p = { .community_id = cats, .author_id = alice,
	    .title = "S", .body = "b", .body_html = "b", .created = T0,
	    .spoiler = true };
	int64_t sid;

	assert_false(get(f, pid).nsfw);
	assert_false(get(f, pid).spoiler);
	assert_int_equal(store_post_create(f->s, &p, &sid), STORE_OK);
	assert_true(get(f, sid).spoiler);
	assert_false(get(f, sid).nsfw);
	assert_int_equal(store_post_set_marks(f->s, pid, true, false), STORE_OK);
	assert_true(get(f, pid).nsfw);
	assert_int_equal(store_post_set_marks(f->s, 9999, true, true),
	    STORE_NOTFOUND);
}

static void
test_community_nsfw(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t dogs = mk_community(f->s, "dogs", alice);
	int64_t pc = mk_post(f->s, cats, alice, T0);
	int64_t pd = mk_post(f->s, dogs, alice, T0);
	struct post_query q = { .sort = SORT_NEW, .community_id = cats };
	struct post *list;
	size_t n;
	bool on = true;

	assert_int_equal(store_community_nsfw(f->s, cats, &on), STORE_OK);
	assert_false(on);
	assert_int_equal(store_community_set_nsfw(f->s, cats, true), STORE_OK);
	assert_int_equal(store_community_nsfw(f->s, cats, &on), STORE_OK);
	assert_true(on);
	/* every post of the community reads as NSFW, in listings too */
	assert_true(get(f, pc).nsfw);
	assert_false(get(f, pd).nsfw);
	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_true(list[0].nsfw);
	/* turning it off leaves the posts' own marks as they were */
	assert_int_equal(store_community_set_nsfw(f->s, cats, false), STORE_OK);
	assert_false(get(f, pc).nsfw);
	assert_int_equal(store_community_nsfw(f->s, 9999, &on), STORE_NOTFOUND);
}

static void
test_show_nsfw(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	bool on = true;

	assert_int_equal(store_user_show_nsfw(f->s, alice, &on), STORE_OK);
	assert_false(on);
	assert_int_equal(store_user_set_show_nsfw(f->s, alice, true), STORE_OK);
	assert_int_equal(store_user_show_nsfw(f->s, alice, &on), STORE_OK);
	assert_true(on);
	assert_int_equal(store_user_show_nsfw(f->s, 9999, &on), STORE_NOTFOUND);
	assert_int_equal(store_user_set_show_nsfw(f->s, 9999, true),
	    STORE_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_post_marks),
		T(test_community_nsfw),
		T(test_show_nsfw),
	};

	return FIXTURE_MAIN("store_nsfw", tests);
}
