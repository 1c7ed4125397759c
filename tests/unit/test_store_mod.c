/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_mod.c: unit tests of store_mod.c (hidden posts and comments,
 * locks, stickies, the held queue, bans, reports and the mod log) over
 * both backends (store_fixture.h).
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

/* ---- posts and comments ----------------------------------------------- */

/* Removed, deleted and held posts leave every listing and profile. */
static void
test_listings_skip_hidden(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t shown = mk_post(f->s, cats, alice, T0);
	int64_t removed = mk_post(f->s, cats, alice, T0 + 1);
	int64_t deleted = mk_post(f->s, cats, alice, T0 + 2);
	int64_t held = mk_post_full(f->s, cats, alice, T0 + 3, false, true);
	int64_t held_later = mk_post(f->s, cats, alice, T0 + 4);
	static const enum post_sort sorts[] = { SORT_HOT, SORT_NEW, SORT_TOP,
	    SORT_ACTIVE, SORT_CONTROVERSIAL };
	struct post *list, p;
	size_t n;

	assert_int_equal(store_post_set_removed(f->s, removed, true, "spam"),
	    STORE_OK);
	assert_int_equal(store_post_delete(f->s, deleted, T0), STORE_OK);
	assert_int_equal(store_post_set_held(f->s, held_later, true),
	    STORE_OK);
	assert_true(get_post(f, held, 0).held);
	assert_true(get_post(f, held_later, 0).held);
	assert_false(get_post(f, shown, 0).held);
	p = get_post(f, removed, 0);
	assert_true(p.removed);
	assert_string_equal(p.removed_reason, "spam");

	for (size_t i = 0; i < ARRAY_LEN(sorts); i++) {
		struct post_query q = { .sort = sorts[i], .limit = 10,
		    .include_stickied = true };

		for (int c = 0; c < 2; c++) {
			q.community_id = c ? cats : 0;
			assert_int_equal(store_post_list(f->s, f->a, &q, &list,
			    &n), STORE_OK);
			assert_int_equal(n, 1);
			assert_int_equal(list[0].id, shown);
		}
	}
	{
		struct post_query q = { .author_id = alice, .limit = 10,
		    .include_stickied = true };

		assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n),
		    STORE_OK);
		assert_int_equal(n, 1);
		assert_int_equal(list[0].id, shown);
	}

	/* Restoring and releasing bring them back; the reason goes. */
	assert_int_equal(store_post_set_removed(f->s, removed, false, "x"),
	    STORE_OK);
	p = get_post(f, removed, 0);
	assert_false(p.removed);
	assert_null(p.removed_reason);
	assert_int_equal(store_post_set_held(f->s, held, false), STORE_OK);
	{
		struct post_query q = { .sort = SORT_NEW, .limit = 10 };

		assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n),
		    STORE_OK);
		assert_int_equal(n, 3);
		assert_int_equal(list[0].id, held);
		assert_int_equal(list[1].id, removed);
		assert_int_equal(list[2].id, shown);
	}

	assert_int_equal(store_post_set_removed(f->s, 9999, true, "x"),
	    STORE_NOTFOUND);
	assert_int_equal(store_post_set_held(f->s, 9999, true),
	    STORE_NOTFOUND);
	assert_int_equal(store_post_set_locked(f->s, 9999, true),
	    STORE_NOTFOUND);
	assert_int_equal(store_post_set_stickied(f->s, 9999, true),
	    STORE_NOTFOUND);
	assert_int_equal(store_post_set_stickied(f->s, 9999, false),
	    STORE_NOTFOUND);
}

static void
test_comments_hidden(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	int64_t shown = mk_comment(f->s, pid, 0, bob, T0 + 1);
	int64_t removed = mk_comment(f->s, pid, 0, bob, T0 + 2);
	int64_t deleted = mk_comment(f->s, pid, 0, bob, T0 + 3);
	int64_t held = mk_comment_full(f->s, pid, 0, bob, T0 + 4, true);
	int64_t held2 = mk_comment(f->s, pid, 0, bob, T0 + 5);
	struct comment *list, c;
	size_t n;

	assert_int_equal(store_comment_set_removed(f->s, removed, true,
	    "rude"), STORE_OK);
	assert_int_equal(store_comment_delete(f->s, deleted, T0), STORE_OK);
	assert_int_equal(store_comment_set_held(f->s, held2, true), STORE_OK);
	c = get_comment(f, removed);
	assert_true(c.removed);
	assert_string_equal(c.removed_reason, "rude");
	assert_true(get_comment(f, held).held);
	assert_true(get_comment(f, held2).held);
	assert_false(get_comment(f, shown).held);

	assert_int_equal(store_comments_by_author(f->s, f->a, bob, 0, 10,
	    &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, shown);
	assert_false(list[0].held);

	/* The thread still has every comment, flags set, for the tree. */
	assert_int_equal(store_comment_list(f->s, f->a, pid, 0, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 5);
	assert_true(list[3].held);
	assert_true(list[4].held);
	assert_false(list[0].held);

	assert_int_equal(store_comment_set_removed(f->s, removed, false, "x"),
	    STORE_OK);
	c = get_comment(f, removed);
	assert_false(c.removed);
	assert_null(c.removed_reason);
	assert_int_equal(store_comment_set_held(f->s, held, false), STORE_OK);
	assert_int_equal(store_comments_by_author(f->s, f->a, bob, 0, 10,
	    &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, held);
	assert_int_equal(list[1].id, removed);
	assert_int_equal(list[2].id, shown);

	assert_int_equal(store_comment_set_removed(f->s, 9999, true, "x"),
	    STORE_NOTFOUND);
	assert_int_equal(store_comment_set_held(f->s, 9999, true),
	    STORE_NOTFOUND);
}

static void
test_lock(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);

	assert_int_equal(store_post_set_locked(f->s, pid, true), STORE_OK);
	assert_true(get_post(f, pid, 0).locked);
	assert_int_equal(store_post_set_locked(f->s, pid, true), STORE_OK);
	assert_int_equal(store_post_set_locked(f->s, pid, false), STORE_OK);
	assert_false(get_post(f, pid, 0).locked);
}

static void
test_sticky(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t dogs = mk_community(f->s, "dogs", alice);
	int64_t p1 = mk_post(f->s, cats, alice, T0 + 10);
	int64_t p2 = mk_post(f->s, cats, alice, T0 + 20);
	int64_t p3 = mk_post(f->s, cats, alice, T0 + 30);
	int64_t d1 = mk_post(f->s, dogs, alice, T0);
	struct post *list;
	size_t n;
	int64_t score;

	assert_int_equal(store_post_stickied(f->s, f->a, cats, 0, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 0);

	assert_int_equal(store_post_set_stickied(f->s, p1, true), STORE_OK);
	assert_int_equal(store_post_set_stickied(f->s, p2, true), STORE_OK);
	/* Again on a stickied post: no change, no conflict. */
	assert_int_equal(store_post_set_stickied(f->s, p2, true), STORE_OK);
	assert_int_equal(store_post_set_stickied(f->s, p3, true),
	    STORE_CONFLICT);
	assert_false(get_post(f, p3, 0).stickied);
	/* Another community has its own two. */
	assert_int_equal(store_post_set_stickied(f->s, d1, true), STORE_OK);

	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, p1, -1, T0,
	    &score), STORE_OK);
	assert_int_equal(store_post_stickied(f->s, f->a, cats, bob, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, p2);
	assert_int_equal(list[1].id, p1);
	assert_int_equal(list[1].my_vote, -1);
	assert_true(list[0].stickied);

	/* Stickied posts are left out of listings unless asked for. */
	{
		struct post_query q = { .sort = SORT_NEW, .community_id = cats,
		    .limit = 10 };

		assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n),
		    STORE_OK);
		assert_int_equal(n, 1);
		assert_int_equal(list[0].id, p3);
	}

	/* A removed sticky neither shows nor takes a place. */
	assert_int_equal(store_post_set_removed(f->s, p1, true, "old"),
	    STORE_OK);
	assert_int_equal(store_post_stickied(f->s, f->a, cats, 0, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, p2);
	assert_int_equal(store_post_set_stickied(f->s, p3, true), STORE_OK);
	assert_int_equal(store_post_stickied(f->s, f->a, cats, 0, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, p3);
	assert_int_equal(list[1].id, p2);

	assert_int_equal(store_post_set_stickied(f->s, p2, false), STORE_OK);
	assert_false(get_post(f, p2, 0).stickied);
	assert_int_equal(store_post_stickied(f->s, f->a, cats, 0, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
}

static void
test_held_queue(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t dogs = mk_community(f->s, "dogs", alice);
	int64_t h1 = mk_post_full(f->s, cats, bob, T0 + 1, false, true);
	int64_t h2 = mk_post_full(f->s, cats, bob, T0 + 2, false, true);
	int64_t gone = mk_post_full(f->s, cats, bob, T0 + 3, false, true);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	int64_t dpid = mk_post(f->s, dogs, alice, T0);
	int64_t c1, c2, cd;
	struct post *posts;
	struct comment *cms;
	size_t n;

	mk_post_full(f->s, dogs, bob, T0 + 4, false, true);
	assert_int_equal(store_post_set_removed(f->s, gone, true, "spam"),
	    STORE_OK);
	assert_int_equal(store_held_posts(f->s, f->a, cats, 0, &posts, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(posts[0].id, h1);
	assert_int_equal(posts[1].id, h2);
	assert_true(posts[0].held);
	assert_string_equal(posts[0].author, "bob");
	assert_int_equal(store_held_posts(f->s, f->a, cats, 1, &posts, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(posts[0].id, h1);
	assert_int_equal(store_post_set_held(f->s, h1, false), STORE_OK);
	assert_int_equal(store_held_posts(f->s, f->a, cats, 0, &posts, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(posts[0].id, h2);

	c1 = mk_comment_full(f->s, pid, 0, bob, T0 + 5, true);
	mk_comment(f->s, pid, 0, bob, T0 + 6);
	c2 = mk_comment_full(f->s, pid, 0, bob, T0 + 7, true);
	cd = mk_comment_full(f->s, dpid, 0, bob, T0 + 8, true);
	assert_int_equal(store_held_comments(f->s, f->a, cats, 0, &cms, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(cms[0].id, c1);
	assert_int_equal(cms[1].id, c2);
	assert_string_equal(cms[0].post_title, "A post");
	assert_string_equal(cms[0].community, "cats");
	assert_true(cms[0].held);
	assert_int_equal(store_held_comments(f->s, f->a, dogs, 0, &cms, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(cms[0].id, cd);
	assert_int_equal(store_comment_delete(f->s, c1, T0), STORE_OK);
	assert_int_equal(store_held_comments(f->s, f->a, cats, 0, &cms, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(cms[0].id, c2);
}

static void
test_held_cap(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	struct post *posts;
	size_t n;

	assert_int_equal(store_begin(f->s), STORE_OK);
	for (int i = 0; i < 105; i++)
		mk_post_full(f->s, cats, alice, T0 + i, false, true);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_held_posts(f->s, f->a, cats, 1000, &posts, &n),
	    STORE_OK);
	assert_int_equal(n, 100);
	assert_int_equal(store_held_posts(f->s, f->a, cats, 0, &posts, &n),
	    STORE_OK);
	assert_int_equal(n, 25);
}

/* ---- bans ------------------------------------------------------------- */

static void
test_bans(void **state)
{
	struct fixture *f = *state;
	int64_t mod = mk_user(f->s, "mod"), troll = mk_user(f->s, "troll");
	int64_t cats = mk_community(f->s, "cats", mod);
	int64_t dogs = mk_community(f->s, "dogs", mod);
	struct ban b;

	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0, &b),
	    STORE_NOTFOUND);

	/* A community ban, for a time. */
	assert_int_equal(store_ban_add(f->s, cats, troll, mod, "spam", T0,
	    T0 + 100), STORE_OK);
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 99,
	    &b), STORE_OK);
	assert_int_equal(b.community_id, cats);
	assert_string_equal(b.reason, "spam");
	assert_int_equal(b.expires, T0 + 100);
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 100,
	    &b), STORE_NOTFOUND);
	assert_int_equal(store_ban_active(f->s, f->a, troll, dogs, T0, &b),
	    STORE_NOTFOUND);
	/* 0 asks for the site-wide ban only. */
	assert_int_equal(store_ban_active(f->s, f->a, troll, 0, T0, &b),
	    STORE_NOTFOUND);
	assert_int_equal(store_ban_active(f->s, f->a, mod, cats, T0, &b),
	    STORE_NOTFOUND);

	/* A new ban replaces the old one of the same scope. */
	assert_int_equal(store_ban_add(f->s, cats, troll, mod, NULL, T0 + 5,
	    0), STORE_OK);
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 99999,
	    &b), STORE_OK);
	assert_int_equal(b.expires, 0);
	assert_string_equal(b.reason, "");

	/* A site-wide ban wins over the community one. */
	assert_int_equal(store_ban_add(f->s, 0, troll, 0, "site", T0,
	    T0 + 50), STORE_OK);
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 10,
	    &b), STORE_OK);
	assert_int_equal(b.community_id, 0);
	assert_string_equal(b.reason, "site");
	assert_int_equal(store_ban_active(f->s, f->a, troll, dogs, T0 + 10,
	    &b), STORE_OK);
	assert_int_equal(b.community_id, 0);
	assert_int_equal(store_ban_active(f->s, f->a, troll, 0, T0 + 10, &b),
	    STORE_OK);
	assert_int_equal(b.community_id, 0);
	/* Once it expires the community ban shows again. */
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 50,
	    &b), STORE_OK);
	assert_int_equal(b.community_id, cats);
	assert_int_equal(store_ban_active(f->s, f->a, troll, dogs, T0 + 50,
	    &b), STORE_NOTFOUND);

	/* Lifting: each scope on its own; twice is NOTFOUND. */
	assert_int_equal(store_ban_remove(f->s, cats, troll), STORE_OK);
	assert_int_equal(store_ban_remove(f->s, cats, troll), STORE_NOTFOUND);
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 10,
	    &b), STORE_OK);
	assert_int_equal(b.community_id, 0);
	assert_int_equal(store_ban_remove(f->s, 0, troll), STORE_OK);
	assert_int_equal(store_ban_remove(f->s, 0, troll), STORE_NOTFOUND);
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 10,
	    &b), STORE_NOTFOUND);

	assert_int_equal(store_ban_add(f->s, cats, 9999, mod, "x", T0, 0),
	    STORE_NOTFOUND);
	assert_int_equal(store_ban_add(f->s, 9999, troll, mod, "x", T0, 0),
	    STORE_NOTFOUND);
}

/* ---- reports ---------------------------------------------------------- */

static void
test_reports(void **state)
{
	struct fixture *f = *state;
	int64_t mod = mk_user(f->s, "mod"), ann = mk_user(f->s, "ann");
	int64_t ben = mk_user(f->s, "ben");
	int64_t cats = mk_community(f->s, "cats", mod);
	int64_t dogs = mk_community(f->s, "dogs", mod);
	int64_t pid = mk_post(f->s, cats, mod, T0);
	int64_t cid = mk_comment(f->s, pid, 0, mod, T0);
	int64_t dpid = mk_post(f->s, dogs, mod, T0);
	struct report *q;
	size_t n;

	assert_int_equal(store_report_add(f->s, VOTE_POST, pid, cats, ann,
	    "spam", T0 + 1), STORE_OK);
	assert_int_equal(store_report_add(f->s, VOTE_POST, pid, cats, ann,
	    "again", T0 + 2), STORE_CONFLICT);
	assert_int_equal(store_report_add(f->s, VOTE_POST, pid, cats, ben,
	    "rude", T0 + 3), STORE_OK);
	/* The same id as a comment is another item. */
	assert_int_equal(store_report_add(f->s, VOTE_COMMENT, cid, cats, ann,
	    NULL, T0 + 4), STORE_OK);
	assert_int_equal(store_report_add(f->s, VOTE_POST, dpid, dogs, ann,
	    "x", T0 + 5), STORE_OK);

	assert_int_equal(store_report_queue(f->s, f->a, cats, 0, &q, &n),
	    STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(q[0].kind, VOTE_POST);
	assert_int_equal(q[0].target_id, pid);
	assert_string_equal(q[0].reason, "spam");
	assert_int_equal(q[0].created, T0 + 1);
	assert_string_equal(q[1].reason, "rude");
	assert_int_equal(q[2].kind, VOTE_COMMENT);
	assert_int_equal(q[2].target_id, cid);
	assert_string_equal(q[2].reason, "");
	assert_true(q[0].id < q[1].id && q[1].id < q[2].id);

	assert_int_equal(store_report_resolve(f->s, VOTE_POST, pid, mod,
	    T0 + 10), STORE_OK);
	assert_int_equal(store_report_queue(f->s, f->a, cats, 0, &q, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(q[0].kind, VOTE_COMMENT);
	/* Resolving again, or what was never reported, is fine. */
	assert_int_equal(store_report_resolve(f->s, VOTE_POST, pid, mod,
	    T0 + 11), STORE_OK);
	assert_int_equal(store_report_resolve(f->s, VOTE_POST, 9999, 0,
	    T0 + 11), STORE_OK);

	/* After resolution the same user may report again. */
	assert_int_equal(store_report_add(f->s, VOTE_POST, pid, cats, ann,
	    "back", T0 + 20), STORE_OK);
	assert_int_equal(store_report_add(f->s, VOTE_POST, pid, cats, ann,
	    "back", T0 + 21), STORE_CONFLICT);
	assert_int_equal(store_report_queue(f->s, f->a, cats, 0, &q, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(q[1].reason, "back");
	assert_int_equal(store_report_queue(f->s, f->a, dogs, 0, &q, &n),
	    STORE_OK);
	assert_int_equal(n, 1);

	log_set_level(LOG_ERR + 1);
	assert_int_equal(store_report_add(f->s, 7, pid, cats, ben, "x", T0),
	    STORE_ERR);
	log_set_level(LOG_WARN);
	assert_int_equal(store_report_add(f->s, VOTE_POST, pid, cats, 9999,
	    "x", T0), STORE_NOTFOUND);
}

static void
test_report_cap(void **state)
{
	struct fixture *f = *state;
	int64_t mod = mk_user(f->s, "mod");
	int64_t cats = mk_community(f->s, "cats", mod);
	struct report *q;
	size_t n;

	assert_int_equal(store_begin(f->s), STORE_OK);
	for (int i = 1; i <= 120; i++)
		assert_int_equal(store_report_add(f->s, VOTE_POST, i, cats, mod,
		    "r", T0 + i), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_report_queue(f->s, f->a, cats, 500, &q, &n),
	    STORE_OK);
	assert_int_equal(n, 100);
	assert_int_equal(q[0].target_id, 1);
	assert_int_equal(q[99].target_id, 100);
}

/* ---- the log ---------------------------------------------------------- */

static void
test_modlog(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t troll = mk_user(f->s, "troll");
	int64_t cats = mk_community(f->s, "cats", ann);
	int64_t dogs = mk_community(f->s, "dogs", bob);
	struct mod_action m = { .action = "remove", .kind = VOTE_POST,
	    .target_id = 42, .reason = "spam", .created = T0 };
	struct modlog_query q = { 0 };
	struct mod_action *l;
	size_t n;
	int64_t after;

	/* 1: ann removes in cats; 2: bob locks in dogs; 3: ann bans troll
	 * site-wide; 4..13: ann removes in cats. */
	assert_int_equal(store_modlog_add(f->s, &m, cats, ann, troll),
	    STORE_OK);
	m = (struct mod_action){ .action = "lock", .kind = VOTE_POST,
	    .target_id = 7, .created = T0 + 1 };
	assert_int_equal(store_modlog_add(f->s, &m, dogs, bob, 0), STORE_OK);
	m = (struct mod_action){ .action = "ban", .reason = "abuse",
	    .created = T0 + 2, .expires = T0 + 1000 };
	assert_int_equal(store_modlog_add(f->s, &m, 0, ann, troll), STORE_OK);
	for (int i = 0; i < 10; i++) {
		m = (struct mod_action){ .action = "remove",
		    .kind = VOTE_COMMENT, .target_id = 100 + i,
		    .created = T0 + 10 + i };
		assert_int_equal(store_modlog_add(f->s, &m, cats, ann, 0),
		    STORE_OK);
	}

	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 13);
	assert_int_equal(l[0].target_id, 109);
	assert_int_equal(l[0].kind, VOTE_COMMENT);
	assert_string_equal(l[0].community, "cats");
	assert_string_equal(l[0].mod, "ann");
	assert_null(l[0].target_user);
	assert_null(l[0].reason);
	for (size_t i = 1; i < n; i++)
		assert_true(l[i - 1].id > l[i].id);
	/* the ban: site-wide, about troll, with its end */
	assert_null(l[10].community);
	assert_string_equal(l[10].action, "ban");
	assert_string_equal(l[10].target_user, "troll");
	assert_string_equal(l[10].reason, "abuse");
	assert_int_equal(l[10].target_id, 0);
	assert_int_equal(l[10].expires, T0 + 1000);
	assert_int_equal(l[10].created, T0 + 2);
	assert_string_equal(l[11].mod, "bob");
	assert_string_equal(l[11].community, "dogs");
	assert_string_equal(l[12].target_user, "troll");
	assert_int_equal(l[12].target_id, 42);
	assert_int_equal(l[12].kind, VOTE_POST);

	/* filters */
	q = (struct modlog_query){ .community_id = dogs };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(l[0].action, "lock");
	q = (struct modlog_query){ .mod_id = bob };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 1);
	q = (struct modlog_query){ .mod_id = ann };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 12);
	q = (struct modlog_query){ .action = "ban" };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_null(l[0].community);
	q = (struct modlog_query){ .action = "" };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 13);
	q = (struct modlog_query){ .community_id = cats, .action = "remove" };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 11);
	q = (struct modlog_query){ .community_id = cats, .mod_id = bob };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 0);
	q = (struct modlog_query){ .mod_id = ann, .action = "ban" };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 1);

	/* the cursor, with and without filters */
	{
		size_t total = 0;

		q = (struct modlog_query){ .limit = 4 };
		after = 0;
		do {
			q.after = after;
			assert_int_equal(store_modlog_list(f->s, f->a, &q, &l,
			    &n), STORE_OK);
			for (size_t i = 0; i < n; i++) {
				if (after != 0)
					assert_true(l[i].id < after);
				after = l[i].id;
			}
			total += n;
		} while (n == 4);
		assert_int_equal(total, 13);

		total = 0;
		q = (struct modlog_query){ .limit = 5, .community_id = cats };
		after = 0;
		do {
			q.after = after;
			assert_int_equal(store_modlog_list(f->s, f->a, &q, &l,
			    &n), STORE_OK);
			for (size_t i = 0; i < n; i++)
				after = l[i].id;
			total += n;
		} while (n == 5);
		assert_int_equal(total, 11);
	}

	m = (struct mod_action){ .action = "x", .created = T0 };
	assert_int_equal(store_modlog_add(f->s, &m, 9999, ann, 0),
	    STORE_NOTFOUND);
	assert_int_equal(store_modlog_add(f->s, &m, cats, 9999, 0),
	    STORE_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_listings_skip_hidden),
		T(test_comments_hidden),
		T(test_lock),
		T(test_sticky),
		T(test_held_queue),
		T(test_held_cap),
		T(test_bans),
		T(test_reports),
		T(test_report_cap),
		T(test_modlog),
	};

	return FIXTURE_MAIN("store_mod", tests);
}
