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

/* ---- the page caches' log --------------------------------------------- */

static void
test_cache_log(void **state)
{
	struct fixture *f = *state;
	static const uint16_t two[] = { 3, 4095 },
	    nine[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct epoch_entry *e;
	struct store *other;
	char url[160];
	size_t n;
	int64_t seq, first, last;

	assert_int_equal(store_epoch_last(f->s, &last), STORE_OK);
	assert_int_equal(last, 0);
	assert_int_equal(store_epoch_log(f->s, two, 2, &first), STORE_OK);
	assert_int_equal(first, 1);
	assert_int_equal(store_epoch_log(f->s, NULL, 0, &seq), STORE_OK);
	assert_int_equal(seq, 2);
	/* more than an entry holds: every page */
	assert_int_equal(store_epoch_log(f->s, nine, 9, &seq), STORE_OK);
	assert_int_equal(seq, 3);
	/* what no build writes: every page too */
	assert_int_equal(f->s->be->script(f->s->conn,
	    "INSERT INTO cache_log (seq, slots) VALUES (4, '12 x');"
	    "INSERT INTO cache_log (seq, slots) VALUES (5, '70000');"
	    "INSERT INTO cache_log (seq, slots) VALUES (6, '7  8');"
	    "INSERT INTO cache_log (seq, slots) VALUES (7, '7 8');"),
	    STORE_OK);
	if (pg_url != NULL)
		assert_int_equal(f->s->be->script(f->s->conn,
		    "SELECT setval('cache_epoch_seq', 7)"), STORE_OK);
	assert_int_equal(store_epoch_since(f->s, f->a, 0, &e, &n), STORE_OK);
	assert_int_equal(n, 7);
	assert_int_equal(e[0].seq, 1);
	assert_int_equal(e[0].n, 2);
	assert_int_equal(e[0].slots[0], 3);
	assert_int_equal(e[0].slots[1], 4095);
	for (size_t i = 1; i < 6; i++) {
		assert_int_equal(e[i].seq, (int64_t)i + 1);
		assert_int_equal(e[i].n, 0);
	}
	assert_int_equal(e[6].n, 2);
	assert_int_equal(e[6].slots[0], 7);
	assert_int_equal(e[6].slots[1], 8);
	assert_int_equal(store_epoch_since(f->s, f->a, 5, &e, &n), STORE_OK);
	/* SQLite reads the log again only after another connection's
	 * commit */
	assert_int_equal(n, pg_url != NULL ? 2 : 0);
	assert_int_equal(store_epoch_last(f->s, &last), STORE_OK);
	assert_int_equal(last, 7);

	/* every 1,024th entry drops those 4,096 older */
	assert_int_equal(store_begin(f->s), STORE_OK);
	for (seq = 7; seq < 5120; )
		assert_int_equal(store_epoch_log(f->s, two, 1, &seq), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(seq, 5120);
	/* a connection that has not read the log yet reads it */
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	other = store_open(pg_url != NULL ? pg_url : url);
	assert_non_null(other);
	assert_int_equal(store_epoch_since(other, f->a, 0, &e, &n), STORE_OK);
	assert_int_equal(n, EPOCH_SINCE_MAX);
	assert_int_equal(e[0].seq, 1025);
	assert_int_equal(e[EPOCH_SINCE_MAX - 1].seq, 1024 + EPOCH_SINCE_MAX);
	store_close(other);
}

/* An entry asked for at commit commits with the write, once, at the
 * outermost commit; a rollback drops it. */
static void
test_cache_log_at_commit(void **state)
{
	struct fixture *f = *state;
	static const uint16_t three[] = { 3, 9, 4000 };
	struct epoch_entry *e;
	struct store *other;
	char url[160];
	int64_t seq, last;
	size_t n;

	/* nothing asked: nothing committed */
	assert_false(store_epoch_committed(f->s, &seq, &n));
	store_epoch_at_commit(f->s, three, 3);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	/* a savepoint's release is no commit */
	assert_int_equal(store_epoch_last(f->s, &last), STORE_OK);
	assert_int_equal(last, 0);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_true(store_epoch_committed(f->s, &seq, &n));
	assert_int_equal(seq, 1);
	assert_int_equal(n, 3);
	/* told once */
	assert_false(store_epoch_committed(f->s, &seq, &n));
	/* the next commit adds none */
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_false(store_epoch_committed(f->s, &seq, &n));
	/* a rollback drops what was asked, and so does the next commit */
	store_epoch_at_commit(f->s, three, 1);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_rollback(f->s), STORE_OK);
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_false(store_epoch_committed(f->s, &seq, &n));
	assert_int_equal(store_epoch_last(f->s, &last), STORE_OK);
	assert_int_equal(last, 1);
	/* what another connection reads: the one entry, its counters */
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	other = store_open(pg_url != NULL ? pg_url : url);
	assert_non_null(other);
	assert_int_equal(store_epoch_since(other, f->a, 0, &e, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].seq, 1);
	assert_int_equal(e[0].n, 3);
	assert_int_equal(e[0].slots[0], 3);
	assert_int_equal(e[0].slots[1], 9);
	assert_int_equal(e[0].slots[2], 4000);
	store_close(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_bad_urls),
		T(test_nested_transactions),
		T(test_cache_log),
		T(test_cache_log_at_commit),
	};

	return FIXTURE_MAIN("store", tests);
}
