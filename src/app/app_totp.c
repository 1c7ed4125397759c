/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_totp.c: time-based one-time codes for two-factor sign-in (RFC 6238:
 * HMAC-SHA-1, 6 digits, 30-second steps), on liboath.
 *
 * A code is accepted in the step it belongs to or one step either side
 * (clocks drift), and only in a step later than the last one accepted for
 * that account, so a code seen over someone's shoulder cannot be used
 * again. The caller keeps that last step with the account.
 */
#include "app_int.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define TOTP_STEP 30
#define TOTP_DIGITS 6
#define TOTP_WINDOW 1

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;

static void
oath_start(void)
{
	if (oath_init() != OATH_OK)
		base_fatal(__FILE__, __LINE__, "liboath: oath_init failed");
}

/* Fills secret with TOTP_SECRET_LEN random bytes. */
void
totp_secret_new(unsigned char secret[TOTP_SECRET_LEN])
{
	randombytes_buf(secret, TOTP_SECRET_LEN);
}

/*
 * The secret in base32 (RFC 4648, no padding), as authenticator apps take
 * it typed or in an otpauth:// address; in arena a.
 */
char *
totp_base32(struct arena *a, const unsigned char *secret, size_t n)
{
	char *b32 = NULL, *out;
	size_t len = 0;

	pthread_once(&oath_once, oath_start);
	if (oath_base32_encode((const char *)secret, n, &b32, &len) != OATH_OK)
		base_fatal(__FILE__, __LINE__, "liboath: base32 encoding failed");
	while (len > 0 && b32[len - 1] == '=')
		len--;
	out = arena_strndup(a, b32, len);
	free(b32);
	return out;
}

/* The code for time now, as six digits and a NUL; for tests and demos. */
void
totp_code(const unsigned char *secret, size_t n, int64_t now,
    char out[7])
{
	pthread_once(&oath_once, oath_start);
	if (oath_totp_generate((const char *)secret, n, (time_t)now, TOTP_STEP,
	    0, TOTP_DIGITS, out) != OATH_OK)
		base_fatal(__FILE__, __LINE__, "liboath: totp generation failed");
}

/*
 * Checks code (as typed: spaces are ignored) against secret at time now.
 * Accepted only in a step after last_step; *step is then the step it
 * belongs to, which the caller stores as the new last step. Returns true
 * when accepted.
 */
bool
totp_check(const unsigned char *secret, size_t n, struct str code,
    int64_t now, int64_t last_step, int64_t *step)
{
	char digits[TOTP_DIGITS + 1];
	size_t k = 0;
	int pos = 0;

	for (size_t i = 0; i < code.len; i++) {
		if (code.p[i] == ' ')
			continue;
		if (code.p[i] < '0' || code.p[i] > '9' || k == TOTP_DIGITS)
			return false;
		digits[k++] = code.p[i];
	}
	if (k != TOTP_DIGITS || now < TOTP_STEP)
		return false;
	digits[k] = '\0';
	pthread_once(&oath_once, oath_start);
	if (oath_totp_validate2((const char *)secret, n, (time_t)now, TOTP_STEP,
	    0, TOTP_WINDOW, &pos, digits) < 0)
		return false;
	if (now / TOTP_STEP + pos <= last_step)
		return false;
	*step = now / TOTP_STEP + pos;
	return true;
}
