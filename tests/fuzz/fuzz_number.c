/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_number.c: str_to_i64 (base_str.c), which reads every id in a path,
 * form and query (post and comment ids, vote ids, cursors), against a
 * reference that accumulates digits with overflow checks instead of
 * calling strtoll.
 */
#include "fuzz.h"

#include "base/base.h"

/* An optional '-' and 1 or more ASCII digits, in int64 range. */
static bool
ref_i64(const uint8_t *p, size_t n, int64_t *out)
{
	bool neg = n > 0 && p[0] == '-';
	size_t i = neg ? 1 : 0;
	int64_t v = 0;

	if (i == n)
		return false;
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		/* Accumulate negatively: -INT64_MIN does not fit. */
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_sub_overflow(v, p[i] - '0', &v))
			return false;
	}
	if (!neg && v == INT64_MIN)
		return false;
	*out = neg ? v : -v;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = fuzz_strndup(data, size);
	int64_t got = 0x5a5a, want = 0x5a5a;
	bool got_ok = str_to_i64((struct str){ copy, size }, &got);
	bool want_ok = ref_i64(data, size, &want);

	if (got_ok != want_ok || (got_ok && got != want))
		fuzz_dump("input", data, size);
	FUZZ_CHECK(got_ok == want_ok, "str_to_i64 says %d, reference %d",
	    got_ok, want_ok);
	FUZZ_CHECK(!got_ok || got == want, "str_to_i64 gives %lld, reference "
	    "%lld", (long long)got, (long long)want);
	free(copy);
	return 0;
}
