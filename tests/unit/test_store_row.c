/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_row.c: unit tests of store_row.c, reading result rows, on
 * rows built by hand (no database): columns of either number type, text
 * copied out of the backend's memory, NULL columns, a row too narrow for
 * its reader, the extra column of a single-row read, many rows, and the
 * ASCII lowercasing of the *_lc columns. The readers themselves run
 * against both databases in every domain test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store_int.h"

/* A user row: USER_COL order, then the password hash. */
static void
user_row(struct store_val row[USER_COL__COUNT + 1], char *name)
{
	for (int i = 0; i < USER_COL__COUNT + 1; i++)
		row[i] = store_v_null();
	row[USER_COL_ID] = store_v_int(7);
	row[USER_COL_NAME] = store_v_text(name);
	row[USER_COL_CREATED] = store_v_real(1700000000.0);
	row[USER_COL_ROLE] = store_v_int(ROLE_ADMIN);
	row[USER_COL_POINTS] = store_v_int(-3);
	row[USER_COL_DELETED] = store_v_int(0);
	row[USER_COL__COUNT] = store_v_blob("h\0sh", 4);
}

static void
test_columns(void **state)
{
	struct arena *a = arena_new(1024);
	struct store_val v = store_v_real(41.9);
	const char *t;

	(void)state;
	assert_int_equal(store__col_i64(&v), 41);
	v = store_v_int(-5);
	assert_int_equal(store__col_i64(&v), -5);
	v = store_v_text("12");
	assert_int_equal(store__col_i64(&v), 0);
	v = store_v_null();
	assert_null(store__col_text(a, &v));
	v = store_v_blob("a\0b", 3);
	t = store__col_text(a, &v);
	assert_memory_equal(t, "a\0b", 4);
	arena_free(a);
}

/* A single row with its extra column; text outlives the backend's. */
static void
test_one(void **state)
{
	struct arena *a = arena_new(1024);
	struct store_val row[USER_COL__COUNT + 1];
	char name[] = "Ann";
	const char *pass = NULL;
	struct user u;
	struct store_one o = { a, &store__user_row, &u, &pass, false };

	(void)state;
	user_row(row, name);
	assert_int_equal(store__one_cb(&o, row, ARRAY_LEN(row)), STORE_OK);
	name[0] = 'X';
	assert_true(o.found);
	assert_int_equal(u.id, 7);
	assert_string_equal(u.name, "Ann");
	assert_null(u.email);
	assert_int_equal(u.created, 1700000000);
	assert_int_equal(u.role, ROLE_ADMIN);
	assert_int_equal(u.points, -3);
	assert_false(u.deleted);
	assert_memory_equal(pass, "h\0sh", 5);

	/* Without the extra column the row is too narrow for this read. */
	o.found = false;
	log_set_level(LOG_ERR + 1);
	assert_int_equal(store__one_cb(&o, row, USER_COL__COUNT), STORE_ERR);
	log_set_level(LOG_WARN);
	assert_false(o.found);
	arena_free(a);
}

static void
test_many(void **state)
{
	struct arena *a = arena_new(1024);
	struct store_val row[USER_COL__COUNT + 1];
	struct store_many m = STORE_MANY(a, &store__user_row);
	char name[16];
	struct user *list;
	size_t n;

	(void)state;
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		user_row(row, name);
		row[USER_COL_ID] = store_v_int(i);
		assert_int_equal(store__many_cb(&m, row, USER_COL__COUNT),
		    STORE_OK);
	}
	STORE_MANY_OUT(STORE_OK, m, struct user, &list, &n);
	assert_int_equal(n, 40);
	assert_int_equal(list[39].id, 39);
	assert_string_equal(list[0].name, "u0");
	assert_string_equal(list[39].name, "u39");
	log_set_level(LOG_ERR + 1);
	assert_int_equal(store__many_cb(&m, row, 2), STORE_ERR);
	log_set_level(LOG_WARN);
	assert_int_equal(m.n, 40);

	m = STORE_MANY(a, &store__user_row);
	STORE_MANY_OUT(STORE_OK, m, struct user, &list, &n);
	assert_null(list);
	assert_int_equal(n, 0);
	arena_free(a);
}

/* Only ASCII letters fold: names are compared byte by byte. */
static void
test_lower_dup(void **state)
{
	char *lc = store__lower_dup("AnN_Zz-09\xc3\x84");

	(void)state;
	assert_string_equal(lc, "ann_zz-09\xc3\x84");
	free(lc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_one),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_lower_dup),
	};

	log_set_level(LOG_WARN);
	return cmocka_run_group_tests_name("store_row", tests, NULL, NULL);
}
