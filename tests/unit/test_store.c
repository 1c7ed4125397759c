/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store.c: unit tests of store.c, the store's connection and
 * transactions, over both backends (store_fixture.h).
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

/* ---- connection ------------------------------------------------------- */

static void
test_open_bad_urls(void **state)
{
	(void)state;
	log_set_level(LOG_ERR + 1);
	assert_null(store_open("mysql://localhost/x"));
	assert_null(store_open("postgres://u:secret@127.0.0.1:1/parley"));
	assert_null(store_open("sqlite:"));
	assert_null(store_open("no-scheme"));
	assert_null(store_open(NULL));
	assert_null(store_open("sqlite:/nonexistent-dir-xyz/a/b/c.db"));
	log_set_level(LOG_WARN);
}

/* ---- transactions ----------------------------------------------------- */

static void
test_nested_transactions(void **state)
{
	struct fixture *f = *state;
	struct user u;

	assert_int_equal(store_begin(f->s), STORE_OK);
	mk_user(f->s, "outer");
	assert_int_equal(store_begin(f->s), STORE_OK);
	mk_user(f->s, "inner");
	assert_int_equal(store_rollback(f->s), STORE_OK);
	assert_int_equal(store_begin(f->s), STORE_OK);
	mk_user(f->s, "inner2");
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_user_by_name(f->s, f->a, "outer", &u, NULL),
	    STORE_OK);
	assert_int_equal(store_user_by_name(f->s, f->a, "inner2", &u, NULL),
	    STORE_OK);
	assert_int_equal(store_user_by_name(f->s, f->a, "inner", &u, NULL),
	    STORE_NOTFOUND);

	/* An outer rollback undoes the domain calls' own transactions. */
	assert_int_equal(store_begin(f->s), STORE_OK);
	mk_user(f->s, "gone");
	assert_int_equal(store_rollback(f->s), STORE_OK);
	assert_int_equal(store_user_by_name(f->s, f->a, "gone", &u, NULL),
	    STORE_NOTFOUND);

	log_set_level(LOG_ERR + 1);
	assert_int_equal(store_commit(f->s), STORE_ERR);
	assert_int_equal(store_rollback(f->s), STORE_ERR);
	log_set_level(LOG_WARN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_bad_urls),
		T(test_nested_transactions),
	};

	return FIXTURE_MAIN("store", tests);
}
