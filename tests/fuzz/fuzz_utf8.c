/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_utf8.c: str_utf8_valid, str_utf8_len and str_has_ctl (base_str.c)
 * against an independent reference written from the Unicode Standard's
 * Table 3-7 (well-formed UTF-8 byte sequences) rather than from the code
 * under test. Every request path, query, form field and cookie passes
 * through these checks, so a disagreement is a bug in one or the other.
 */
#include "fuzz.h"

#include "base/base.h"

/* One row of Table 3-7: the allowed range of each byte of a sequence. */
struct utf8_row {
	uint8_t lo[4], hi[4];
	int len;
};

static const struct utf8_row table_3_7[] = {
	{ { 0x00 }, { 0x7f }, 1 },
	{ { 0xc2, 0x80 }, { 0xdf, 0xbf }, 2 },
	{ { 0xe0, 0xa0, 0x80 }, { 0xe0, 0xbf, 0xbf }, 3 },
	{ { 0xe1, 0x80, 0x80 }, { 0xec, 0xbf, 0xbf }, 3 },
	{ { 0xed, 0x80, 0x80 }, { 0xed, 0x9f, 0xbf }, 3 },
	{ { 0xee, 0x80, 0x80 }, { 0xef, 0xbf, 0xbf }, 3 },
	{ { 0xf0, 0x90, 0x80, 0x80 }, { 0xf0, 0xbf, 0xbf, 0xbf }, 4 },
	{ { 0xf1, 0x80, 0x80, 0x80 }, { 0xf3, 0xbf, 0xbf, 0xbf }, 4 },
	{ { 0xf4, 0x80, 0x80, 0x80 }, { 0xf4, 0x8f, 0xbf, 0xbf }, 4 },
};

/* Length of the well-formed sequence at p, or 0 when there is none. */
static int
ref_seq(const uint8_t *p, size_t n)
{
	for (size_t r = 0; r < ARRAY_LEN(table_3_7); r++) {
		const struct utf8_row *row = &table_3_7[r];
		int k;

		if ((size_t)row->len > n)
			continue;
		for (k = 0; k < row->len; k++)
			if (p[k] < row->lo[k] || p[k] > row->hi[k])
				break;
		if (k == row->len)
			return row->len;
	}
	return 0;
}

/* Returns the number of code points, or -1 when s is not well-formed. */
static long
ref_utf8(const uint8_t *p, size_t n)
{
	long count = 0;

	for (size_t i = 0; i < n; count++) {
		int len = ref_seq(p + i, n - i);

		if (len == 0)
			return -1;
		i += (size_t)len;
	}
	return count;
}

static bool
ref_has_ctl(const uint8_t *p, size_t n, bool newlines)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\t' || (newlines && (p[i] == '\n' || p[i] == '\r')))
			continue;
		if (p[i] < 0x20 || p[i] == 0x7f)
			return true;
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A heap copy, so ASan sees any read past the end. */
	char *copy = fuzz_strndup(data, size);
	struct str s = { copy, size };
	long want = ref_utf8(data, size);
	bool got = str_utf8_valid(s);

	if (got != (want >= 0))
		fuzz_dump("input", data, size);
	FUZZ_CHECK(got == (want >= 0), "str_utf8_valid says %d, Table 3-7 "
	    "says %d", got, want >= 0);
	if (got)
		FUZZ_CHECK(str_utf8_len(s) == (size_t)want, "str_utf8_len %zu, "
		    "reference %ld", str_utf8_len(s), want);
	FUZZ_CHECK(str_has_ctl(s, false) == ref_has_ctl(data, size, false),
	    "str_has_ctl(s, false) disagrees");
	FUZZ_CHECK(str_has_ctl(s, true) == ref_has_ctl(data, size, true),
	    "str_has_ctl(s, true) disagrees");
	free(copy);
	return 0;
}
