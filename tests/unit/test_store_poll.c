/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_poll.c: unit tests for store_poll.c (richer posts): making
 * a poll, one vote per member, changing it, counts, poll votes
 * counting against the vote limit, and a page's polls read at once. On
 * SQLite and PostgreSQL.
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
test_poll(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t carol = mk_user(f->s, "carol");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	int64_t other = mk_post(f->s, cats, alice, T0);
	const char *opts[] = { "yes", "no", "maybe" };
	struct poll p, q;
	int64_t count = 0;

	assert_int_equal(store_poll_get(f->s, f->a, pid, 0, &p),
	    STORE_NOTFOUND);
	assert_int_equal(store_poll_create(f->s, pid, opts, 1, 0), STORE_ERR);
	assert_int_equal(store_poll_create(f->s, pid, opts, 3, T0 + 100),
	    STORE_OK);
	assert_int_equal(store_poll_create(f->s, pid, opts, 3, 0),
	    STORE_CONFLICT);
	assert_int_equal(store_poll_get(f->s, f->a, pid, bob, &p), STORE_OK);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.closes, T0 + 100);
	assert_string_equal(p.options[0].text, "yes");
	assert_string_equal(p.options[2].text, "maybe");
	assert_int_equal(p.voted, 0);
	assert_int_equal(store_poll_vote(f->s, pid, bob, p.options[0].id, T0),
	    STORE_OK);
	assert_int_equal(store_poll_vote(f->s, pid, carol, p.options[0].id, T0),
	    STORE_OK);
	assert_int_equal(store_poll_vote(f->s, pid, bob, p.options[1].id,
	    T0 + 1), STORE_OK);
	assert_int_equal(store_poll_get(f->s, f->a, pid, bob, &q), STORE_OK);
	assert_int_equal(q.options[0].votes, 1);
	assert_int_equal(q.options[1].votes, 1);
	assert_int_equal(q.options[2].votes, 0);
	assert_int_equal(q.voted, p.options[1].id);
	/* an option of another post is no option of this one */
	assert_int_equal(store_poll_vote(f->s, other, bob, p.options[0].id, T0),
	    STORE_NOTFOUND);
	assert_int_equal(store_poll_vote(f->s, pid, bob, 99999, T0),
	    STORE_NOTFOUND);
	/* poll votes count against the vote limit */
	assert_int_equal(store_user_activity(f->s, carol, RATE_VOTE, T0,
	    &count), STORE_OK);
	assert_int_equal(count, 1);
}

/* store_polls_on: each poll post of a list gets its own poll, with the
 * viewer's choice; posts without one stay without; past VOTES_ON_IDS
 * posts a second round reads the rest. */
static void
test_polls_on(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	const char *ab[] = { "a", "b" }, *xyz[] = { "x", "y", "z" };
	struct post posts[40];
	struct post *ps[40];
	struct poll one;

	for (size_t i = 0; i < 40; i++) {
		int64_t id = mk_post(f->s, cats, alice, T0 + (int64_t)i);

		if (i % 2 == 0)
			assert_int_equal(store_poll_create(f->s, id,
			    i % 4 == 0 ? ab : xyz, i % 4 == 0 ? 2 : 3,
			    i == 38 ? T0 + 500 : 0), STORE_OK);
		posts[i] = get_post(f, id, bob);
		assert_int_equal(posts[i].has_poll, i % 2 == 0);
		assert_null(posts[i].poll);
		ps[i] = &posts[i];
	}
	assert_int_equal(store_poll_get(f->s, f->a, posts[2].id, 0, &one),
	    STORE_OK);
	assert_int_equal(store_poll_vote(f->s, posts[2].id, bob,
	    one.options[2].id, T0), STORE_OK);
	assert_int_equal(store_poll_vote(f->s, posts[2].id, alice,
	    one.options[2].id, T0), STORE_OK);
	assert_int_equal(store_polls_on(f->s, f->a, bob, ps, 40), STORE_OK);
	for (size_t i = 0; i < 40; i++) {
		const struct poll *p = posts[i].poll;

		if (i % 2 != 0) {
			assert_null(p);
			continue;
		}
		assert_non_null(p);
		assert_int_equal(p->n, i % 4 == 0 ? 2 : 3);
		assert_string_equal(p->options[0].text, i % 4 == 0 ? "a" : "x");
		assert_int_equal(p->closes, i == 38 ? T0 + 500 : 0);
		assert_int_equal(p->options[p->n - 1].votes, i == 2 ? 2 : 0);
		assert_int_equal(p->voted, i == 2 ? one.options[2].id : 0);
	}
	/* a visitor's read has no choice in it */
	posts[2].poll = NULL;
	assert_int_equal(store_polls_on(f->s, f->a, 0, ps + 2, 1), STORE_OK);
	assert_int_equal(posts[2].poll->voted, 0);
	assert_int_equal(posts[2].poll->options[2].votes, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_poll),
		T(test_polls_on),
	};

	return FIXTURE_MAIN("store_poll", tests);
}
