/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_session.c: unit tests for src/app/app_session.c: the parser of
 * session and anonymous cookie tokens, and password hashing.
 *
 * Password hashing runs argon2id at the production cost, so this file
 * keeps to a handful of hashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/app/app_session.c"

#include <stdio.h>

static int
setup(void **state)
{
	return sodium_init() < 0 ? -1 : 0;
}

/* ---- hex_token --------------------------------------------------------- */

#define HEX64 "000102030405060708090a0b0c0d0e0f" \
	"f0e1d2c3b4a5968778695a4b3c2d1e0f"

static void
test_hex_token_ok(void **state)
{
	unsigned char out[32];
	static const unsigned char want[32] = {
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
		0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
		0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87,
		0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f,
	};
	char hex[65];

	memset(out, 0xee, sizeof(out));
	assert_true(hex_token(STR_LIT(HEX64), out));
	assert_memory_equal(out, want, 32);

	/* Upper case is hex too. */
	memset(out, 0xee, sizeof(out));
	assert_true(hex_token(STR_LIT("000102030405060708090A0B0C0D0E0F"
	    "F0E1D2C3B4A5968778695A4B3C2D1E0F"), out));
	assert_memory_equal(out, want, 32);

	/* What session_csrf writes is what hex_token reads back. */
	randombytes_buf(out, sizeof(out));
	sodium_bin2hex(hex, sizeof(hex), out, sizeof(out));
	{
		unsigned char back[32];

		assert_true(hex_token(str_c(hex), back));
		assert_memory_equal(back, out, 32);
	}

	/* Only the slice's 64 bytes are read. */
	assert_true(hex_token((struct str){ HEX64 "zz", 64 }, out));
	assert_memory_equal(out, want, 32);
}

static void
test_hex_token_bad(void **state)
{
	unsigned char out[32];
	char s[80];

	assert_false(hex_token(STR_NULL, out));
	assert_false(hex_token(STR_LIT(""), out));
	/* 63 and 65 characters. */
	assert_false(hex_token((struct str){ HEX64, 63 }, out));
	assert_false(hex_token(STR_LIT(HEX64 "0"), out));
	assert_false(hex_token(STR_LIT(HEX64 "00"), out));
	assert_false(hex_token(STR_LIT("abcd"), out));

	/* One bad character anywhere among 64. */
	static const char bad[] = { 'g', 'G', 'z', ' ', '-', ':', '\0', '\n',
		'x', '\xc3' };

	for (size_t i = 0; i < sizeof(bad); i++) {
		static const size_t at[] = { 0, 1, 31, 62, 63 };

		for (size_t k = 0; k < ARRAY_LEN(at); k++) {
			memcpy(s, HEX64, 64);
			s[at[k]] = bad[i];
			if (hex_token((struct str){ s, 64 }, out)) {
				print_error("accepted byte 0x%02x at %zu\n",
				    (unsigned char)bad[i], at[k]);
				fail();
			}
		}
	}
	/* Separators that sodium could be told to skip are not skipped. */
	memcpy(s, "00:01", 5);
	memcpy(s + 5, HEX64, 59);
	assert_false(hex_token((struct str){ s, 64 }, out));
}

/* ---- passwords ------------------------------------------------------------ */

/* password_verify takes a hash as stored: a string in a 128-byte buffer. */
static bool
verify_stored(const char *hash, const char *pw, size_t len)
{
	char stored[crypto_pwhash_STRBYTES] = { 0 };

	assert_true(strlen(hash) < sizeof(stored));
	strcpy(stored, hash);
	return password_verify(stored, pw, len);
}

static void
test_password_round_trip(void **state)
{
	static const char pw[] = "correct horse battery staple";
	char h1[128], h2[128];

	assert_int_equal(password_hash(pw, strlen(pw), h1), 0);
	assert_true(strncmp(h1, "$argon2id$", 10) == 0);
	assert_non_null(memchr(h1, '\0', sizeof(h1)));
	/* The cost app_session.c sets: m=19 MiB, t=2. */
	assert_non_null(strstr(h1, "$m=19456,t=2,"));

	assert_true(password_verify(h1, pw, strlen(pw)));
	assert_false(password_verify(h1, "correct horse battery stapl", 27));
	assert_false(password_verify(h1, "Correct horse battery staple",
	    strlen(pw)));
	assert_false(password_verify(h1, "", 0));
	/* The length counts: a longer buffer with the password as prefix fails. */
	assert_false(password_verify(h1, "correct horse battery staple!",
	    strlen(pw) + 1));

	/* A fresh salt each time: different strings, both verify. */
	assert_int_equal(password_hash(pw, strlen(pw), h2), 0);
	assert_string_not_equal(h1, h2);
	assert_true(password_verify(h2, pw, strlen(pw)));

	/* A damaged hash verifies nothing. */
	assert_false(verify_stored("$argon2id$v=19$m=19456,t=2,p=1$junk", pw,
	    strlen(pw)));
	assert_false(verify_stored("", pw, strlen(pw)));
	{
		char cut[128];

		snprintf(cut, sizeof(cut), "%.*s", (int)strlen(h1) - 4, h1);
		assert_false(verify_stored(cut, pw, strlen(pw)));
	}
}

static void
test_password_bytes(void **state)
{
	/* Passwords are byte strings with a length: NUL and UTF-8 included. */
	static const char pw[] = "ab\0cd \xc3\xa9";
	char h[128];

	assert_int_equal(password_hash(pw, sizeof(pw) - 1, h), 0);
	assert_true(password_verify(h, pw, sizeof(pw) - 1));
	assert_false(password_verify(h, "ab", 2));
	assert_false(password_verify(h, "ab\0cd \xc3\xa8", sizeof(pw) - 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_token_ok),
		cmocka_unit_test(test_hex_token_bad),
		cmocka_unit_test(test_password_round_trip),
		cmocka_unit_test(test_password_bytes),
	};

	return cmocka_run_group_tests_name("session", tests, setup, NULL);
}
