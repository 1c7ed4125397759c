/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_poll.c: unit tests for store_poll.c (richer posts): making
 * a poll, one vote per member, changing it, counts, and poll votes
 * counting against the vote limit. On SQLite and PostgreSQL.
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_poll),
	};

	return FIXTURE_MAIN("store_poll", tests);
}
