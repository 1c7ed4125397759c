/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_totp.c: unit tests of store_totp.c (the pending and the
 * confirmed secret, steps only forward, recovery codes used once,
 * turning it off) over both backends (store_fixture.h).
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
test_totp(void **state)
{
	struct fixture *f = *state;
	unsigned char sec[STORE_TOTP_SECRET], keys[STORE_RECOVERY_CODES][32];
	int64_t ann = mk_user(f->s, "ann");
	struct totp_state t;

	memset(sec, 7, sizeof(sec));
	for (size_t i = 0; i < STORE_RECOVERY_CODES; i++)
		memset(keys[i], (int)i + 1, 32);
	assert_int_equal(store_totp_get(f->s, ann, &t), STORE_OK);
	assert_false(t.enabled);
	assert_false(t.pending);
	assert_int_equal(store_totp_get(f->s, ann + 100, &t), STORE_NOTFOUND);
	/* Nothing pending: nothing to confirm. */
	assert_int_equal(store_totp_confirm(f->s, ann, 5, keys), STORE_NOTFOUND);

	assert_int_equal(store_totp_set_pending(f->s, ann, sec), STORE_OK);
	assert_int_equal(store_totp_get(f->s, ann, &t), STORE_OK);
	assert_true(t.pending);
	assert_false(t.enabled);
	assert_memory_equal(t.pending_secret, sec, sizeof(sec));

	assert_int_equal(store_totp_confirm(f->s, ann, 100, keys), STORE_OK);
	assert_int_equal(store_totp_get(f->s, ann, &t), STORE_OK);
	assert_true(t.enabled);
	assert_false(t.pending);
	assert_memory_equal(t.secret, sec, sizeof(sec));
	assert_int_equal(t.last_step, 100);

	/* Steps only forward: the same or an earlier one is a replay. */
	assert_int_equal(store_totp_step(f->s, ann, 100), STORE_CONFLICT);
	assert_int_equal(store_totp_step(f->s, ann, 99), STORE_CONFLICT);
	assert_int_equal(store_totp_step(f->s, ann, 101), STORE_OK);
	assert_int_equal(store_totp_step(f->s, ann, 101), STORE_CONFLICT);

	/* Each recovery code once. */
	assert_int_equal(store_recovery_use(f->s, ann, keys[3]), STORE_OK);
	assert_int_equal(store_recovery_use(f->s, ann, keys[3]), STORE_NOTFOUND);
	assert_int_equal(store_recovery_use(f->s, ann, keys[4]), STORE_OK);

	/* Off: secrets and the remaining codes go. */
	assert_int_equal(store_totp_disable(f->s, ann), STORE_OK);
	assert_int_equal(store_totp_get(f->s, ann, &t), STORE_OK);
	assert_false(t.enabled);
	assert_false(t.pending);
	assert_int_equal(store_recovery_use(f->s, ann, keys[5]), STORE_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_totp),
	};

	return FIXTURE_MAIN("store_totp", tests);
}
