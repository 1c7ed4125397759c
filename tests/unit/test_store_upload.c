/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_upload.c: unit tests for store_upload.c (image uploads): a
 * record kept once per hash, a day's usage, deletion that keeps the row,
 * an admin's purge of one user's images, a user's latest images, an
 * image post's picture. On
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

#define HASH_A "0123456789abcdef0123456789abcdef"
#define HASH_B "fedcba9876543210fedcba9876543210"
#define HASH_C "00000000000000000000000000000000"

static void
add(struct fixture *f, const char *hash, int64_t user, int64_t bytes,
    int64_t created)
{
	struct upload u = { .hash = hash, .ext = "png", .user_id = user,
		.bytes = bytes, .width = 64, .height = 48, .created = created };

	assert_int_equal(store_upload_add(f->s, &u), STORE_OK);
}

static void
test_add_once_per_hash(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t bob = mk_user(f->s, "bob");
	struct upload u;

	assert_int_equal(store_upload_get(f->s, f->a, HASH_A, &u),
	    STORE_NOTFOUND);
	add(f, HASH_A, alice, 1000, T0);
	/* the same bytes from someone else: still alice's row */
	add(f, HASH_A, bob, 1000, T0 + 5);
	assert_int_equal(store_upload_get(f->s, f->a, HASH_A, &u), STORE_OK);
	assert_string_equal(u.hash, HASH_A);
	assert_string_equal(u.ext, "png");
	assert_int_equal(u.user_id, alice);
	assert_int_equal(u.bytes, 1000);
	assert_int_equal(u.width, 64);
	assert_int_equal(u.height, 48);
	assert_int_equal(u.created, T0);
	assert_int_equal(u.deleted, 0);
}

static void
test_usage_and_delete(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t bob = mk_user(f->s, "bob");
	int64_t n = -1, bytes = -1;
	struct upload u;

	add(f, HASH_A, alice, 1000, T0);
	add(f, HASH_B, alice, 250, T0 + 100);
	add(f, HASH_C, bob, 7, T0 + 100);
	assert_int_equal(store_upload_usage(f->s, alice, T0 - 1, &n, &bytes),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(bytes, 1250);
	assert_int_equal(store_upload_usage(f->s, alice, T0, &n, &bytes),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(bytes, 250);
	assert_int_equal(store_upload_usage(f->s, mk_user(f->s, "carol"), 0, &n,
	    &bytes), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(bytes, 0);
	assert_int_equal(store_upload_delete(f->s, HASH_A, T0 + 200), STORE_OK);
	assert_int_equal(store_upload_get(f->s, f->a, HASH_A, &u), STORE_OK);
	assert_int_equal(u.deleted, T0 + 200);
	/* once is enough; a deleted image still counts in the day's usage */
	assert_int_equal(store_upload_delete(f->s, HASH_A, T0 + 300),
	    STORE_NOTFOUND);
	assert_int_equal(store_upload_delete(f->s, "nope", T0), STORE_NOTFOUND);
	assert_int_equal(store_upload_usage(f->s, alice, T0 - 1, &n, &bytes),
	    STORE_OK);
	assert_int_equal(n, 2);
}

static void
test_purge(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t bob = mk_user(f->s, "bob");
	struct upload *ups, u;
	size_t n;

	add(f, HASH_A, alice, 1, T0);
	add(f, HASH_B, alice, 2, T0);
	add(f, HASH_C, bob, 3, T0);
	assert_int_equal(store_upload_delete(f->s, HASH_B, T0 + 1), STORE_OK);
	/* the live ones only: the deleted one was dealt with already */
	assert_int_equal(store_upload_purge(f->s, f->a, alice, T0 + 2, &ups, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ups[0].hash, HASH_A);
	assert_int_equal(store_upload_get(f->s, f->a, HASH_A, &u), STORE_OK);
	assert_int_equal(u.deleted, T0 + 2);
	assert_int_equal(store_upload_get(f->s, f->a, HASH_C, &u), STORE_OK);
	assert_int_equal(u.deleted, 0);
	assert_int_equal(store_upload_purge(f->s, f->a, alice, T0 + 3, &ups, &n),
	    STORE_OK);
	assert_int_equal(n, 0);
	assert_null(ups);
}

static void
test_recent(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t bob = mk_user(f->s, "bob");
	struct upload *ups;
	size_t n;

	add(f, HASH_A, alice, 1, T0);
	add(f, HASH_B, alice, 2, T0 + 10);
	add(f, HASH_C, alice, 3, T0 + 5);
	add(f, "11111111111111111111111111111111", bob, 4, T0 + 20);
	assert_int_equal(store_upload_delete(f->s, HASH_C, T0 + 30), STORE_OK);
	assert_int_equal(store_uploads_recent(f->s, f->a, alice, 10, &ups, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ups[0].hash, HASH_B);
	assert_string_equal(ups[1].hash, HASH_A);
	assert_int_equal(store_uploads_recent(f->s, f->a, alice, 1, &ups, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ups[0].hash, HASH_B);
}

static void
test_post_image(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	struct post p;

	assert_int_equal(store_post_get(f->s, f->a, pid, 0, &p), STORE_OK);
	assert_null(p.image);
	assert_int_equal(store_post_set_image(f->s, pid, HASH_A ".png"),
	    STORE_OK);
	assert_int_equal(store_post_get(f->s, f->a, pid, 0, &p), STORE_OK);
	assert_string_equal(p.image, HASH_A ".png");
	assert_int_equal(store_post_set_image(f->s, 9999, HASH_A ".png"),
	    STORE_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_add_once_per_hash),
		T(test_usage_and_delete),
		T(test_purge),
		T(test_recent),
		T(test_post_image),
	};

	return FIXTURE_MAIN("store_upload", tests);
}
