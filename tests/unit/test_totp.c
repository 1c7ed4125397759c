/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_totp.c: unit tests for src/app/app_totp.c: RFC 6238's own test
 * vectors (SHA-1, cut to six digits), the one-step window, replay
 * refusal and base32 (RFC 4648's test vectors).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "app/app_int.h"

/* RFC 6238 appendix B: the SHA-1 seed, ASCII "12345678901234567890". */
static const unsigned char seed[] = "12345678901234567890";
#define SEED_LEN 20

static const struct { int64_t t; const char *code; } rfc6238[] = {
	{ 59, "287082" },          /* 94287082 */
	{ 1111111109, "081804" },  /* 07081804 */
	{ 1111111111, "050471" },  /* 14050471 */
	{ 1234567890, "005924" },  /* 89005924 */
	{ 2000000000, "279037" },  /* 69279037 */
	{ 20000000000, "353130" }, /* 65353130 */
};

static void
test_rfc6238_vectors(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(rfc6238); i++) {
		char code[7];
		int64_t step = 0;

		totp_code(seed, SEED_LEN, rfc6238[i].t, code);
		assert_string_equal(code, rfc6238[i].code);
		assert_true(totp_check(seed, SEED_LEN, str_c(rfc6238[i].code),
		    rfc6238[i].t, 0, &step));
		assert_int_equal(step, rfc6238[i].t / 30);
	}
}

static void
test_window_and_replay(void **state)
{
	const int64_t t = 1234567890; /* step 41152263, code 005924 */
	int64_t step = 0;

	/* One step either side is accepted, two are not. */
	assert_true(totp_check(seed, SEED_LEN, STR_LIT("005924"), t + 30, 0, &step));
	assert_int_equal(step, t / 30);
	assert_true(totp_check(seed, SEED_LEN, STR_LIT("005924"), t - 30, 0, &step));
	assert_false(totp_check(seed, SEED_LEN, STR_LIT("005924"), t + 60, 0, &step));
	assert_false(totp_check(seed, SEED_LEN, STR_LIT("005924"), t - 60, 0, &step));
	/* The same code again after it was used: refused. */
	assert_false(totp_check(seed, SEED_LEN, STR_LIT("005924"), t, t / 30, &step));
	assert_true(totp_check(seed, SEED_LEN, STR_LIT("005924"), t, t / 30 - 1,
	    &step));
	/* As typed: spaces are fine, anything else is not a code. */
	assert_true(totp_check(seed, SEED_LEN, STR_LIT("005 924"), t, 0, &step));
	static const char *const bad[] = { "", "00592", "0059245", "00592a",
		"-05924", "005924 1", "\xef\xbc\x90" "05924" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		assert_false(totp_check(seed, SEED_LEN, str_c(bad[i]), t, 0, &step));
	/* A wrong code of the right shape. */
	assert_false(totp_check(seed, SEED_LEN, STR_LIT("005925"), t, 0, &step));
}

static void
test_base32(void **state)
{
	struct arena *a = arena_new(1024);
	unsigned char s1[TOTP_SECRET_LEN], s2[TOTP_SECRET_LEN];

	/* RFC 4648 section 10, without padding. */
	assert_string_equal(totp_base32(a, (const unsigned char *)"f", 1), "MY");
	assert_string_equal(totp_base32(a, (const unsigned char *)"foob", 4),
	    "MZXW6YQ");
	assert_string_equal(totp_base32(a, (const unsigned char *)"foobar", 6),
	    "MZXW6YTBOI");
	assert_string_equal(totp_base32(a, seed, SEED_LEN),
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	totp_secret_new(s1);
	totp_secret_new(s2);
	assert_memory_not_equal(s1, s2, TOTP_SECRET_LEN);
	assert_int_equal(strlen(totp_base32(a, s1, TOTP_SECRET_LEN)), 32);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_window_and_replay),
		cmocka_unit_test(test_base32),
	};

	return cmocka_run_group_tests_name("totp", tests, NULL, NULL);
}
