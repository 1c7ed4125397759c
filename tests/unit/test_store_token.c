/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_token.c: unit tests of store_token.c (API tokens: made,
 * found by key, listed with their last use, revoked; invite codes:
 * counted by maker, who invited whom) over both backends
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
test_tokens(void **state)
{
	struct fixture *f = *state;
	unsigned char k1[32], k2[32], k3[32];
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t t1 = 0, t2 = 0, tid = 0;
	struct api_token *l = NULL;
	struct viewer v;
	struct user u;
	unsigned scopes = 0;
	size_t n = 0;

	memset(k1, 1, 32);
	memset(k2, 2, 32);
	memset(k3, 3, 32);
	assert_int_equal(store_token_create(f->s, ann, "bot", k1,
	    TOKEN_SCOPE_READ, T0, &t1), STORE_OK);
	assert_int_equal(store_token_create(f->s, ann, "mod tool", k2,
	    TOKEN_SCOPE_READ | TOKEN_SCOPE_MODERATE, T0 + 1, &t2), STORE_OK);
	assert_int_equal(store_token_create(f->s, bob, "dup", k1,
	    TOKEN_SCOPE_READ, T0, NULL), STORE_CONFLICT);

	assert_int_equal(store_token_user(f->s, f->a, k2, T0 + 100, &u, &v,
	    &tid, &scopes), STORE_OK);
	assert_int_equal(u.id, ann);
	assert_int_equal(tid, t2);
	assert_int_equal(scopes, TOKEN_SCOPE_READ | TOKEN_SCOPE_MODERATE);
	assert_true(v.plain);
	assert_int_equal(store_token_user(f->s, f->a, k3, T0, &u, &v, &tid,
	    &scopes), STORE_NOTFOUND);

	/* Newest first; only the used one has a last use. */
	assert_int_equal(store_tokens(f->s, f->a, ann, &l, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].id, t2);
	assert_string_equal(l[0].name, "mod tool");
	assert_int_equal(l[0].last_used, T0 + 100);
	assert_int_equal(l[1].id, t1);
	assert_int_equal(l[1].last_used, 0);
	assert_int_equal(l[1].created, T0);

	/* Within a minute the last use is not written again. */
	assert_int_equal(store_token_user(f->s, f->a, k2, T0 + 130, &u, &v,
	    &tid, &scopes), STORE_OK);
	assert_int_equal(store_tokens(f->s, f->a, ann, &l, &n), STORE_OK);
	assert_int_equal(l[0].last_used, T0 + 100);
	assert_int_equal(store_token_user(f->s, f->a, k2, T0 + 200, &u, &v,
	    &tid, &scopes), STORE_OK);
	assert_int_equal(store_tokens(f->s, f->a, ann, &l, &n), STORE_OK);
	assert_int_equal(l[0].last_used, T0 + 200);

	/* Only its owner revokes a token; then it finds nobody. */
	assert_int_equal(store_token_delete(f->s, bob, t2), STORE_NOTFOUND);
	assert_int_equal(store_token_delete(f->s, ann, t2), STORE_OK);
	assert_int_equal(store_token_delete(f->s, ann, t2), STORE_NOTFOUND);
	assert_int_equal(store_token_user(f->s, f->a, k2, T0, &u, &v, &tid,
	    &scopes), STORE_NOTFOUND);
	assert_int_equal(store_tokens(f->s, f->a, bob, &l, &n), STORE_OK);
	assert_int_equal(n, 0);

	/* A deleted account's tokens sign nobody in. */
	assert_int_equal(store_user_delete(f->s, ann, false), STORE_OK);
	assert_int_equal(store_token_user(f->s, f->a, k1, T0, &u, &v, &tid,
	    &scopes), STORE_NOTFOUND);
}

static void
test_invites(void **state)
{
	struct fixture *f = *state;
	unsigned char k1[32], k2[32];
	int64_t ann = mk_user(f->s, "ann"), bob = 0, cat = 0, made = -1;
	struct invited *l = NULL, who;
	size_t n = 9;

	memset(k1, 1, 32);
	memset(k2, 2, 32);
	assert_int_equal(store_invite_count(f->s, ann, &made), STORE_OK);
	assert_int_equal(made, 0);
	assert_int_equal(store_invited_list(f->s, f->a, 0, 10, &l, &n),
	    STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_invite_create(f->s, k1, ann, 2, 0, T0), STORE_OK);
	assert_int_equal(store_invite_create(f->s, k2, ann, 1, T0 + 10, T0),
	    STORE_OK);
	assert_int_equal(store_invite_count(f->s, ann, &made), STORE_OK);
	assert_int_equal(made, 2);

	assert_int_equal(store_user_create_invited(f->s, k1, "bob", "h", NULL,
	    T0 + 1, &bob), STORE_OK);
	assert_int_equal(store_user_create_invited(f->s, k1, "cat", "h", NULL,
	    T0 + 2, &cat), STORE_OK);
	/* used up, and expired */
	assert_int_equal(store_user_create_invited(f->s, k1, "dan", "h", NULL,
	    T0 + 3, NULL), STORE_NOTFOUND);
	assert_int_equal(store_user_create_invited(f->s, k2, "dan", "h", NULL,
	    T0 + 11, NULL), STORE_NOTFOUND);

	/* newest first, a page at a time below the cursor */
	assert_int_equal(store_invited_list(f->s, f->a, 0, 1, &l, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].id, cat);
	assert_string_equal(l[0].name, "cat");
	assert_string_equal(l[0].inviter, "ann");
	assert_int_equal(l[0].created, T0 + 2);
	assert_int_equal(store_invited_list(f->s, f->a, cat, 10, &l, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].id, bob);

	assert_int_equal(store_user_inviter(f->s, f->a, bob, &who), STORE_OK);
	assert_string_equal(who.inviter, "ann");
	assert_int_equal(store_user_inviter(f->s, f->a, ann, &who),
	    STORE_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tokens),
		T(test_invites),
	};

	return FIXTURE_MAIN("store_token", tests);
}
