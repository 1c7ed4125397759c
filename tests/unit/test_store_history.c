/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_history.c: unit tests for store_history.c (richer posts):
 * edits keep the version before them, deletes and erasing an account
 * drop history, community texts keep theirs. On SQLite and PostgreSQL.
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
history(struct fixture *f, int kind, int64_t id, struct revision **r,
    size_t *n)
{
	assert_int_equal(store_history(f->s, f->a, kind, id, r, n), STORE_OK);
}

static void
test_post_history(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	struct post p;
	struct revision *r;
	size_t n;

	history(f, HISTORY_POST, pid, &r, &n);
	assert_int_equal(n, 0);
	assert_int_equal(store_post_get(f->s, f->a, pid, 0, &p), STORE_OK);
	assert_int_equal(store_post_edit(f->s, pid, NULL, "v2", "<p>v2</p>",
	    T0 + 50), STORE_OK);
	assert_int_equal(store_post_edit(f->s, pid, "Renamed", "v3",
	    "<p>v3</p>", T0 + 60), STORE_OK);
	history(f, HISTORY_POST, pid, &r, &n);
	assert_int_equal(n, 2);
	/* newest first: the version the second edit replaced */
	assert_string_equal(r[0].body, "v2");
	assert_string_equal(r[0].title, p.title);
	assert_int_equal(r[0].created, T0 + 50);
	assert_string_equal(r[1].body, p.body);
	assert_int_equal(r[1].created, T0);
	assert_null(r[1].extra);
	/* a failed edit keeps nothing */
	assert_int_equal(store_post_edit(f->s, 9999, NULL, "x", "x", T0),
	    STORE_NOTFOUND);
	history(f, HISTORY_POST, 9999, &r, &n);
	assert_int_equal(n, 0);
	/* deleting drops the history with the text */
	assert_int_equal(store_post_delete(f->s, pid, T0 + 70), STORE_OK);
	history(f, HISTORY_POST, pid, &r, &n);
	assert_int_equal(n, 0);
}

static void
test_comment_history(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	int64_t c1 = mk_comment(f->s, pid, 0, alice, T0 + 10);
	struct comment c;
	struct revision *r;
	size_t n;

	assert_int_equal(store_comment_get(f->s, f->a, c1, 0, &c), STORE_OK);
	assert_int_equal(store_comment_edit(f->s, c1, "e1", "<p>e1</p>",
	    T0 + 20), STORE_OK);
	history(f, HISTORY_COMMENT, c1, &r, &n);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].body, c.body);
	assert_null(r[0].title);
	assert_int_equal(r[0].created, T0 + 10);
	/* a post's history and a comment's of the same id stay apart */
	history(f, HISTORY_POST, c1, &r, &n);
	assert_int_equal(n, 0);
	assert_int_equal(store_comment_delete(f->s, c1, T0 + 30), STORE_OK);
	history(f, HISTORY_COMMENT, c1, &r, &n);
	assert_int_equal(n, 0);
}

static void
test_erase_account(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pa = mk_post(f->s, cats, alice, T0);
	int64_t pb = mk_post(f->s, cats, bob, T0);
	int64_t ca = mk_comment(f->s, pb, 0, alice, T0 + 1);
	int64_t pk = mk_post(f->s, cats, alice, T0 + 2);
	struct revision *r;
	size_t n;

	assert_int_equal(store_post_edit(f->s, pa, NULL, "a2", "a2", T0 + 5),
	    STORE_OK);
	assert_int_equal(store_post_edit(f->s, pb, NULL, "b2", "b2", T0 + 5),
	    STORE_OK);
	assert_int_equal(store_comment_edit(f->s, ca, "c2", "c2", T0 + 5),
	    STORE_OK);
	assert_int_equal(store_post_edit(f->s, pk, NULL, "k2", "k2", T0 + 5),
	    STORE_OK);
	/* without erase the history stays */
	assert_int_equal(store_user_delete(f->s, alice, false), STORE_OK);
	history(f, HISTORY_POST, pk, &r, &n);
	assert_int_equal(n, 1);
	assert_int_equal(store_user_delete(f->s, alice, true), STORE_OK);
	history(f, HISTORY_POST, pa, &r, &n);
	assert_int_equal(n, 0);
	history(f, HISTORY_COMMENT, ca, &r, &n);
	assert_int_equal(n, 0);
	history(f, HISTORY_POST, pb, &r, &n);
	assert_int_equal(n, 1);
}

static void
test_community_history(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	struct revision *r;
	size_t n;
	int64_t edited = 0;

	assert_int_equal(store_community_edited(f->s, cats, &edited), STORE_OK);
	assert_true(edited > 0);
	assert_int_equal(store_community_revise(f->s, cats, "T2", "d2",
	    "<p>d2</p>", "r2", "<p>r2</p>", T0 + 100), STORE_OK);
	assert_int_equal(store_community_revise(f->s, cats, "T3", "d3",
	    "<p>d3</p>", "r3", "<p>r3</p>", T0 + 200), STORE_OK);
	assert_int_equal(store_community_edited(f->s, cats, &edited), STORE_OK);
	assert_int_equal(edited, T0 + 200);
	history(f, HISTORY_COMMUNITY, cats, &r, &n);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].title, "T2");
	assert_string_equal(r[0].body, "d2");
	assert_string_equal(r[0].extra, "r2");
	assert_int_equal(r[0].created, T0 + 100);
	assert_string_equal(r[1].title, "A title");
	assert_string_equal(r[1].body, "desc");
	assert_int_equal(store_community_revise(f->s, 9999, "x", NULL, NULL,
	    NULL, NULL, T0), STORE_NOTFOUND);
	assert_int_equal(store_community_edited(f->s, 9999, &edited),
	    STORE_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_post_history),
		T(test_comment_history),
		T(test_erase_account),
		T(test_community_history),
	};

	return FIXTURE_MAIN("store_history", tests);
}
