/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_community.c: unit tests of store_community.c (communities,
 * their moderators, editing) over both backends (store_fixture.h).
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

/* ---- communities ------------------------------------------------------ */

static void
test_communities(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "Cats", alice);
	struct community c = { .name = "cATS", .title = "t", .creator_id = bob,
	    .created = T0 };
	struct community got, *list;
	struct user *mods;
	size_t n;
	int64_t id = 0;

	assert_int_equal(store_community_create(f->s, &c, &id),
	    STORE_CONFLICT);
	assert_int_equal(store_community_by_name(f->s, f->a, "CATS", &got),
	    STORE_OK);
	assert_int_equal(got.id, cats);
	assert_string_equal(got.name, "Cats");
	assert_string_equal(got.title, "A title");
	assert_string_equal(got.description_html, "<p>desc</p>");
	assert_null(got.rules);
	assert_int_equal(got.creator_id, alice);
	assert_int_equal(got.post_count, 0);
	assert_int_equal(store_community_by_name(f->s, f->a, "dogs", &got),
	    STORE_NOTFOUND);

	assert_int_equal(store_community_mods(f->s, f->a, cats, &mods, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(mods[0].id, alice);
	assert_string_equal(mods[0].name, "alice");

	assert_int_equal(store_moderator_add(f->s, cats, bob, T0 + 5),
	    STORE_OK);
	assert_int_equal(store_moderator_add(f->s, cats, bob, T0 + 6),
	    STORE_CONFLICT);
	assert_int_equal(store_moderator_add(f->s, cats, 9999, T0 + 6),
	    STORE_NOTFOUND);
	assert_int_equal(store_community_mods(f->s, f->a, cats, &mods, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(mods[0].id, alice);
	assert_int_equal(mods[1].id, bob);

	/* A failed creation leaves no moderator row behind. */
	c.name = "dogs";
	c.creator_id = 9999;
	assert_int_equal(store_community_create(f->s, &c, &id),
	    STORE_NOTFOUND);
	mk_community(f->s, "Birds", bob);
	mk_community(f->s, "ants", bob);
	assert_int_equal(store_community_list(f->s, f->a, COMMUNITIES_BY_NAME,
	    0, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].name, "ants");
	assert_string_equal(list[1].name, "Birds");
	assert_string_equal(list[2].name, "Cats");
	assert_int_equal(store_community_list(f->s, f->a,
	    COMMUNITIES_BY_SUBSCRIBERS, 2, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "ants");
}

static void
test_community_edit_and_mods(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	struct community c;
	bool is = true;

	assert_int_equal(store_community_by_id(f->s, f->a, cats, &c), STORE_OK);
	assert_string_equal(c.name, "cats");
	assert_string_equal(c.title, "A title");
	assert_int_equal(store_community_by_id(f->s, f->a, 9999, &c),
	    STORE_NOTFOUND);

	assert_int_equal(store_community_edit(f->s, cats, NULL, "d2",
	    "<p>d2</p>", "r", "<p>r</p>"), STORE_OK);
	assert_int_equal(store_community_by_id(f->s, f->a, cats, &c), STORE_OK);
	assert_string_equal(c.title, "A title");
	assert_string_equal(c.description, "d2");
	assert_string_equal(c.description_html, "<p>d2</p>");
	assert_string_equal(c.rules, "r");
	assert_string_equal(c.rules_html, "<p>r</p>");
	assert_int_equal(store_community_edit(f->s, cats, "New", NULL, NULL,
	    NULL, NULL), STORE_OK);
	assert_int_equal(store_community_by_id(f->s, f->a, cats, &c), STORE_OK);
	assert_string_equal(c.title, "New");
	assert_null(c.description);
	assert_null(c.rules_html);
	assert_int_equal(store_community_edit(f->s, 9999, "x", NULL, NULL,
	    NULL, NULL), STORE_NOTFOUND);

	assert_int_equal(store_is_moderator(f->s, cats, alice, &is), STORE_OK);
	assert_true(is);
	assert_int_equal(store_is_moderator(f->s, cats, bob, &is), STORE_OK);
	assert_false(is);
	assert_int_equal(store_moderator_add(f->s, cats, bob, T0), STORE_OK);
	assert_int_equal(store_is_moderator(f->s, cats, bob, &is), STORE_OK);
	assert_true(is);
	assert_int_equal(store_moderator_remove(f->s, cats, bob), STORE_OK);
	assert_int_equal(store_is_moderator(f->s, cats, bob, &is), STORE_OK);
	assert_false(is);
	assert_int_equal(store_moderator_remove(f->s, cats, bob),
	    STORE_NOTFOUND);
	/* Re-appointing after removal works. */
	assert_int_equal(store_moderator_add(f->s, cats, bob, T0), STORE_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_communities),
		T(test_community_edit_and_mods),
	};

	return FIXTURE_MAIN("store_community", tests);
}
