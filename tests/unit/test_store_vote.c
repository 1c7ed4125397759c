/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_vote.c: unit tests of store_vote.c (casting votes with the
 * counts and points they move, re-ranking the posts voted on, a viewer's
 * votes on a page, a user's votes over time) over both backends (store_fixture.h).
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

/* ---- casting a vote --------------------------------------------------- */

static void
check_post(struct fixture *f, int64_t pid, int64_t score, int64_t ups,
    int64_t downs)
{
	struct post p = get_post(f, pid, 0);

	assert_int_equal(p.score, score);
	assert_int_equal(p.ups, ups);
	assert_int_equal(p.downs, downs);
}

static void
test_votes(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t carol = mk_user(f->s, "carol");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	int64_t score = 0;

	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, pid, 1, T0 + 1,
	    &score), STORE_OK);
	assert_int_equal(score, 2);
	check_post(f, pid, 2, 2, 0);
	assert_int_equal(get_user(f, alice).points, 1);
	assert_int_equal(get_post(f, pid, bob).my_vote, 1);

	/* Repeating a vote changes nothing. */
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, pid, 1, T0 + 2,
	    &score), STORE_OK);
	assert_int_equal(score, 2);
	check_post(f, pid, 2, 2, 0);
	assert_int_equal(get_user(f, alice).points, 1);

	/* Up to down moves the score and points by two. */
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, pid, -1, T0 + 3,
	    &score), STORE_OK);
	assert_int_equal(score, 0);
	check_post(f, pid, 0, 1, 1);
	assert_int_equal(get_user(f, alice).points, -1);
	assert_int_equal(get_post(f, pid, bob).my_vote, -1);

	/* Withdrawing, twice. */
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, pid, 0, T0 + 4,
	    &score), STORE_OK);
	assert_int_equal(score, 1);
	check_post(f, pid, 1, 1, 0);
	assert_int_equal(get_user(f, alice).points, 0);
	assert_int_equal(get_post(f, pid, bob).my_vote, 0);
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, pid, 0, T0 + 5,
	    &score), STORE_OK);
	assert_int_equal(score, 1);
	assert_int_equal(get_user(f, alice).points, 0);

	/* Another user's down vote. */
	assert_int_equal(store_vote_set(f->s, carol, VOTE_POST, pid, -1,
	    T0 + 6, &score), STORE_OK);
	assert_int_equal(score, 0);
	check_post(f, pid, 0, 1, 1);
	assert_int_equal(get_user(f, alice).points, -1);

	/* The author's own vote never moves their points. */
	assert_int_equal(store_vote_set(f->s, alice, VOTE_POST, pid, -1,
	    T0 + 7, &score), STORE_OK);
	assert_int_equal(score, -2);
	check_post(f, pid, -2, 0, 2);
	assert_int_equal(get_user(f, alice).points, -1);
	assert_int_equal(get_user(f, carol).points, 0);
	assert_int_equal(get_user(f, bob).points, 0);

	log_set_level(LOG_ERR + 1);
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, pid, 2, T0,
	    &score), STORE_ERR);
	assert_int_equal(store_vote_set(f->s, bob, 7, pid, 1, T0, &score),
	    STORE_ERR);
	log_set_level(LOG_WARN);
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, 9999, 1, T0,
	    &score), STORE_NOTFOUND);
	assert_int_equal(store_vote_set(f->s, bob, VOTE_COMMENT, pid, 1, T0,
	    &score), STORE_NOTFOUND);
}

static void
test_self_vote_withdrawal(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	int64_t cid = mk_comment(f->s, pid, 0, alice, T0 + 1);
	struct comment c;
	int64_t score = 99;

	assert_int_equal(store_vote_set(f->s, alice, VOTE_POST, pid, 0, T0 + 2,
	    &score), STORE_OK);
	assert_int_equal(score, 0);
	check_post(f, pid, 0, 0, 0);
	assert_int_equal(get_post(f, pid, alice).my_vote, 0);
	assert_int_equal(get_user(f, alice).points, 0);

	assert_int_equal(store_vote_set(f->s, alice, VOTE_COMMENT, cid, 0,
	    T0 + 3, &score), STORE_OK);
	assert_int_equal(score, 0);
	assert_int_equal(store_comment_get(f->s, f->a, cid, alice, &c),
	    STORE_OK);
	assert_int_equal(c.score, 0);
	assert_int_equal(c.ups, 0);
	assert_int_equal(c.my_vote, 0);
	assert_int_equal(get_user(f, alice).points, 0);
}

/* The ids of the first page of posts by sort (up to 4), in order. */
static size_t
listed(struct fixture *f, enum post_sort sort, int64_t out[4])
{
	struct post_query q = { .sort = sort, .limit = 4,
	    .include_stickied = true };
	struct post *list;
	size_t n;

	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	for (size_t i = 0; i < n; i++)
		out[i] = list[i].id;
	return n;
}

/*
 * On SQLite a vote leaves the ranks of its post to store_rank_catch_up:
 * the score shown moves at once, the order after the catch-up, which
 * names the posts' communities. PostgreSQL ranks in the vote.
 */
static void
test_rank_catch_up(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t a = mk_post(f->s, cats, alice, T0);
	int64_t b = mk_post(f->s, cats, alice, T0);
	bool batched = store_rank_batched(f->s);
	struct rank_moved m;
	int64_t ids[4], score, many[RANK_MOVED_MAX + 1];
	char name[16];

	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, a, 1, T0 + 1,
	    &score), STORE_OK);
	check_post(f, a, 2, 2, 0);
	assert_int_equal(listed(f, SORT_TOP, ids), 2);
	assert_int_equal(ids[0], batched ? b : a);
	assert_int_equal(listed(f, SORT_HOT, ids), 2);
	assert_int_equal(ids[0], batched ? b : a);

	assert_int_equal(store_rank_catch_up(f->s, &m), STORE_OK);
	assert_int_equal(m.posts, batched ? 1 : 0);
	assert_int_equal(m.ncommunities, batched ? 1 : 0);
	assert_false(m.more);
	if (batched)
		assert_int_equal(m.communities[0], cats);
	assert_int_equal(listed(f, SORT_TOP, ids), 2);
	assert_int_equal(ids[0], a);
	assert_int_equal(ids[1], b);
	assert_int_equal(listed(f, SORT_HOT, ids), 2);
	assert_int_equal(ids[0], a);
	check_post(f, a, 2, 2, 0);

	/* Nothing queued: nothing moves. */
	assert_int_equal(store_rank_catch_up(f->s, &m), STORE_OK);
	assert_int_equal(m.posts, 0);

	/* Down votes on b make it controversial once ranked. */
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, b, -1, T0 + 2,
	    &score), STORE_OK);
	assert_int_equal(score, 0);
	assert_int_equal(store_rank_catch_up(f->s, NULL), STORE_OK);
	assert_int_equal(listed(f, SORT_CONTROVERSIAL, ids), 2);
	assert_int_equal(ids[0], b);
	assert_int_equal(listed(f, SORT_TOP, ids), 2);
	assert_int_equal(ids[0], a);

	/* More communities than a rank_moved names. */
	for (size_t i = 0; i < ARRAY_LEN(many); i++) {
		snprintf(name, sizeof(name), "c%zu", i);
		many[i] = mk_post(f->s, mk_community(f->s, name, alice), alice,
		    T0);
		assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, many[i],
		    1, T0 + 3, &score), STORE_OK);
	}
	assert_int_equal(store_rank_catch_up(f->s, &m), STORE_OK);
	assert_int_equal(m.posts, batched ? ARRAY_LEN(many) : 0);
	assert_int_equal(m.ncommunities, batched ? RANK_MOVED_MAX : 0);
	assert_true(m.more == batched);
}

static void
test_comment_votes(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, bob, T0);
	int64_t cid = mk_comment(f->s, pid, 0, alice, T0 + 1);
	struct comment c;
	int64_t score = 0;

	assert_int_equal(store_vote_set(f->s, bob, VOTE_COMMENT, cid, 1,
	    T0 + 2, &score), STORE_OK);
	assert_int_equal(score, 2);
	assert_int_equal(store_vote_set(f->s, alice, VOTE_POST, pid, -1,
	    T0 + 3, &score), STORE_OK);
	assert_int_equal(score, 0);
	assert_int_equal(get_user(f, alice).points, 1);
	assert_int_equal(get_user(f, bob).points, -1);
	assert_int_equal(store_comment_get(f->s, f->a, cid, bob, &c),
	    STORE_OK);
	assert_int_equal(c.score, 2);
	assert_int_equal(c.ups, 2);
	assert_int_equal(c.downs, 0);
	assert_int_equal(c.my_vote, 1);
	/* A post vote and a comment vote with the same id do not mix. */
	assert_int_equal(store_comment_get(f->s, f->a, cid, alice, &c),
	    STORE_OK);
	assert_int_equal(c.my_vote, 1);
}

/* ---- a viewer's votes on a page --------------------------------------- */

/*
 * A viewer's votes on the items of a page: posts 32 ids to a query, and a
 * thread's comments in one query over the post once there are more.
 */
static void
test_votes_on(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t comm = mk_community(f->s, "cats", bob);
	int64_t posts[40], cms[70], other;
	int dirs[70];

	for (size_t i = 0; i < ARRAY_LEN(posts); i++)
		posts[i] = mk_post(f->s, comm, bob, T0 + (int64_t)i);
	for (size_t i = 0; i < ARRAY_LEN(cms); i++)
		cms[i] = mk_comment(f->s, posts[0], 0, bob, T0 + (int64_t)i);
	other = mk_comment(f->s, posts[1], 0, bob, T0);
	for (size_t i = 0; i < ARRAY_LEN(posts); i += 3)
		assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, posts[i],
		    i % 2 ? -1 : 1, T0, NULL), STORE_OK);
	for (size_t i = 0; i < ARRAY_LEN(cms); i += 5)
		assert_int_equal(store_vote_set(f->s, ann, VOTE_COMMENT, cms[i],
		    i % 2 ? -1 : 1, T0, NULL), STORE_OK);
	assert_int_equal(store_vote_set(f->s, ann, VOTE_COMMENT, other, 1, T0,
	    NULL), STORE_OK);

	assert_int_equal(store_votes_on(f->s, ann, VOTE_POST, 0, posts,
	    ARRAY_LEN(posts), dirs), STORE_OK);
	for (size_t i = 0; i < ARRAY_LEN(posts); i++)
		assert_int_equal(dirs[i], i % 3 ? 0 : (i % 2 ? -1 : 1));
	/* More comments than one query's ids: read over the post. */
	assert_int_equal(store_votes_on(f->s, ann, VOTE_COMMENT, posts[0], cms,
	    ARRAY_LEN(cms), dirs), STORE_OK);
	for (size_t i = 0; i < ARRAY_LEN(cms); i++)
		assert_int_equal(dirs[i], i % 5 ? 0 : (i % 2 ? -1 : 1));
	/* Few comments: by id, the same answers. */
	assert_int_equal(store_votes_on(f->s, ann, VOTE_COMMENT, posts[0], cms,
	    10, dirs), STORE_OK);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(dirs[i], i % 5 ? 0 : (i % 2 ? -1 : 1));
	/* Each user has their own: bob's are his authors' +1s. */
	assert_int_equal(store_votes_on(f->s, bob, VOTE_COMMENT, posts[0], cms,
	    ARRAY_LEN(cms), dirs), STORE_OK);
	for (size_t i = 0; i < ARRAY_LEN(cms); i++)
		assert_int_equal(dirs[i], 1);
	assert_int_equal(store_votes_on(f->s, mk_user(f->s, "cat"), VOTE_COMMENT,
	    posts[0], cms, ARRAY_LEN(cms), dirs), STORE_OK);
	for (size_t i = 0; i < ARRAY_LEN(cms); i++)
		assert_int_equal(dirs[i], 0);
}

/* ---- a user's votes over time ----------------------------------------- */

/* Walks every page of user's votes with limit; checks order and counts. */
static size_t
walk_votes(struct fixture *f, int64_t user, int limit, size_t want)
{
	int *kinds, *dirs;
	int64_t *targets, after = 0, next;
	size_t n, total = 0, pages = 0;
	bool seen[2][64] = { { false } };

	do {
		assert_int_equal(store_votes_by_user(f->s, f->a, user, after,
		    limit, &kinds, &targets, &dirs, &n, &next), STORE_OK);
		for (size_t i = 0; i < n; i++) {
			assert_true(kinds[i] == VOTE_POST ||
			    kinds[i] == VOTE_COMMENT);
			assert_true(targets[i] > 0 && targets[i] < 64);
			assert_true(dirs[i] == 1 || dirs[i] == -1);
			assert_false(seen[kinds[i]][targets[i]]);
			seen[kinds[i]][targets[i]] = true;
		}
		total += n;
		if (next != 0)
			assert_true(after == 0 || next < after);
		after = next;
		assert_true(++pages < 100);
	} while (after != 0);
	assert_int_equal(total, want);
	return pages;
}

static void
test_votes_by_user(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", bob);
	int64_t posts[20], cms[10], score, next;
	int *kinds, *dirs;
	int64_t *targets;
	size_t n;

	assert_int_equal(store_votes_by_user(f->s, f->a, ann, 0, 10, &kinds,
	    &targets, &dirs, &n, &next), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(next, 0);

	assert_int_equal(store_begin(f->s), STORE_OK);
	for (int i = 0; i < 20; i++)
		posts[i] = mk_post(f->s, cats, bob, T0);
	for (int i = 0; i < 10; i++)
		cms[i] = mk_comment(f->s, posts[0], 0, bob, T0);
	/* Posts: votes in seconds of three (ties); comments all at once. */
	for (int i = 0; i < 20; i++)
		assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, posts[i],
		    i % 2 ? 1 : -1, T0 + 100 + i / 3, &score), STORE_OK);
	for (int i = 0; i < 10; i++)
		assert_int_equal(store_vote_set(f->s, ann, VOTE_COMMENT, cms[i],
		    1, T0 + 50, &score), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);

	/* Newest first; the first page ends before a split second. */
	assert_int_equal(store_votes_by_user(f->s, f->a, ann, 0, 4, &kinds,
	    &targets, &dirs, &n, &next), STORE_OK);
	/* posts 18, 19 at +106; 15..17 at +105: 4 would split +105. */
	assert_int_equal(n, 2);
	assert_int_equal(targets[0], posts[19]);
	assert_int_equal(dirs[0], 1);
	assert_int_equal(targets[1], posts[18]);
	assert_int_equal(dirs[1], -1);
	assert_int_equal(kinds[0], VOTE_POST);
	assert_int_equal(next, T0 + 106);
	assert_int_equal(store_votes_by_user(f->s, f->a, ann, next, 4, &kinds,
	    &targets, &dirs, &n, &next), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(targets[0], posts[17]);
	assert_int_equal(targets[2], posts[15]);

	/* Every page size gets every vote exactly once. */
	for (int limit = 1; limit <= 31; limit++)
		walk_votes(f, ann, limit, 30);
	/* The ten comment votes of one second come as one page. */
	assert_int_equal(store_votes_by_user(f->s, f->a, ann, T0 + 100, 3,
	    &kinds, &targets, &dirs, &n, &next), STORE_OK);
	assert_int_equal(n, 10);
	assert_int_equal(kinds[0], VOTE_COMMENT);
	assert_int_equal(targets[0], cms[9]);
	assert_int_equal(next, T0 + 50);
	assert_int_equal(store_votes_by_user(f->s, f->a, ann, next, 3, &kinds,
	    &targets, &dirs, &n, &next), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(next, 0);

	/* bob's own +1 on each post and comment are his votes. */
	walk_votes(f, bob, 7, 30);
	/* A withdrawn vote is gone. */
	assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, posts[3], 0,
	    T0 + 200, &score), STORE_OK);
	walk_votes(f, ann, 5, 29);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_votes),
		T(test_self_vote_withdrawal),
		T(test_rank_catch_up),
		T(test_comment_votes),
		T(test_votes_on),
		T(test_votes_by_user),
	};

	return FIXTURE_MAIN("store_vote", tests);
}
