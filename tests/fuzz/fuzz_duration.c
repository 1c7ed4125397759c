/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_duration.c: base_parse_duration (base_misc.c), which reads
 * durations from the config file, PARLEY_* variables and flags, against a
 * reference written from the documented grammar: a bare "0", or digits
 * followed by exactly one of s m h d w, the total in int64 seconds.
 */
#include "fuzz.h"

#include "base/base.h"

static int
ref_duration(const uint8_t *p, size_t n, int64_t *out)
{
	static const struct { char c; int64_t secs; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
		{ 'w', 604800 },
	};
	size_t digits = 0;
	int64_t v = 0;

	while (digits < n && p[digits] >= '0' && p[digits] <= '9') {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, p[digits] - '0', &v))
			return -1;
		digits++;
	}
	if (digits == 0)
		return -1;
	if (digits == n) {
		if (v != 0)
			return -1;
		*out = 0;
		return 0;
	}
	if (digits + 1 != n)
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		if (p[digits] != units[i].c)
			continue;
		if (__builtin_mul_overflow(v, units[i].secs, out))
			return -1;
		return 0;
	}
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;
	int64_t got = -7, want = -7;
	int got_rc, want_rc;

	/* The parser takes a C string: an embedded NUL ends it. */
	if (memchr(data, '\0', size) != NULL)
		size = (size_t)((const uint8_t *)memchr(data, '\0', size) - data);
	copy = fuzz_strndup(data, size);
	got_rc = base_parse_duration(copy, &got);
	want_rc = ref_duration(data, size, &want);
	if (got_rc != want_rc || (got_rc == 0 && got != want))
		fuzz_dump("input", data, size);
	FUZZ_CHECK(got_rc == want_rc, "base_parse_duration returns %d, "
	    "reference %d", got_rc, want_rc);
	FUZZ_CHECK(got_rc != 0 || (got == want && got >= 0), "duration %lld, "
	    "reference %lld", (long long)got, (long long)want);
	free(copy);
	return 0;
}
