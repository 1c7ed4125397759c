/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_cookie.c: the session and visitor cookies are read by hex_token
 * (app_session.c, included for its statics): exactly 64 hex digits, or
 * nothing. Checked against a reference decoder, on any bytes, and the
 * decoded token must re-encode to the cookie (case aside).
 */
#include "fuzz.h"

#include "app/app_session.c"

#include <ctype.h>

static bool
ref_token(const uint8_t *s, size_t n, unsigned char out[32])
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!isxdigit(s[i]))
			return false;
	for (size_t i = 0; i < 32; i++) {
		char hex[3] = { (char)s[2 * i], (char)s[2 * i + 1], 0 };

		out[i] = (unsigned char)strtoul(hex, NULL, 16);
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = fuzz_strndup(data, size);
	unsigned char got[32], want[32];
	bool ok = hex_token((struct str){ copy, size }, got);

	FUZZ_CHECK(ok == ref_token(data, size, want), "hex_token disagrees");
	if (ok) {
		char again[65];

		FUZZ_CHECK(memcmp(got, want, 32) == 0, "hex_token decoded wrongly");
		sodium_bin2hex(again, sizeof(again), got, 32);
		FUZZ_CHECK(strncasecmp(again, copy, 64) == 0, "no round trip");
	}
	free(copy);
	return 0;
}
