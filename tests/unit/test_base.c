/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_base.c: unit tests for src/base: the arena (base_mem.c), slices,
 * buffers and UTF-8 checks (base_str.c), durations and dates
 * (base_misc.c), and the fatal-signal backtrace (base_crash.c).
 *
 * Arena tests fill every byte they are handed and read it back afterwards,
 * so overlapping allocations fail here and overruns fail under ASan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/base.h"

/* A slice over a string literal, which may contain NUL bytes. */
#define S(lit) STR_LIT(lit)

/* ---- arena ------------------------------------------------------------- */

struct block {
	unsigned char *p; /* from the arena under test */
	size_t n;
	unsigned char fill;
};

static void
fill_block(struct block *b, unsigned char *p, size_t n, unsigned char fill)
{
	b->p = p;
	b->n = n;
	b->fill = fill;
	memset(p, fill, n);
}

static void
check_blocks(const struct block *b, size_t count)
{
	for (size_t i = 0; i < count; i++)
		for (size_t k = 0; k < b[i].n; k++)
			if (b[i].p[k] != b[i].fill) {
				print_error("block %zu (%zu bytes) byte %zu was overwritten\n",
				    i, b[i].n, k);
				fail();
			}
}

static void
test_arena_alignment(void **state)
{
	/* An odd first chunk size, so a new chunk starts mid-sequence. */
	struct arena *a = arena_new(100);
	static const size_t sizes[] = { 1, 3, 7, 15, 16, 17, 31, 33, 90, 4, 8,
		5, 64, 65, 127, 1, 2, 250, 9, 1000, 1 };
	struct block blocks[ARRAY_LEN(sizes) * 4];
	size_t nb = 0, total = 0;

	for (int round = 0; round < 4; round++) {
		for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
			unsigned char *p = arena_alloc(a, sizes[i]);

			assert_non_null(p);
			assert_int_equal((uintptr_t)p % 16, 0);
			fill_block(&blocks[nb], p, sizes[i], (unsigned char)(nb + 1));
			nb++;
			total += sizes[i];
		}
	}
	check_blocks(blocks, nb);
	assert_int_equal(arena_used(a), total);
	/* Zero-byte requests still give a distinct, aligned pointer. */
	{
		void *z1 = arena_alloc(a, 0), *z2 = arena_alloc(a, 0);

		assert_int_equal((uintptr_t)z1 % 16, 0);
		assert_int_equal((uintptr_t)z2 % 16, 0);
		assert_ptr_not_equal(z1, z2);
	}
	arena_free(a);
}

static void
test_arena_large(void **state)
{
	struct arena *a = arena_new(64);
	static const size_t sizes[] = { 10, 10000, 1, 64, 200000,
		(1u << 20) + 5, 3, 3u << 20, 17, 1u << 20, 100 };
	struct block blocks[ARRAY_LEN(sizes)];

	for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
		unsigned char *p = arena_alloc(a, sizes[i]);

		assert_int_equal((uintptr_t)p % 16, 0);
		fill_block(&blocks[i], p, sizes[i], (unsigned char)(0xA0 + i));
	}
	check_blocks(blocks, ARRAY_LEN(blocks));
	arena_free(a);
}

/* arena_grow doubles from the first room, keeps the elements, zeroes the
 * new room, and returns the same array while there is room. */
static void
test_arena_grow(void **state)
{
	struct arena *a = arena_new(64);
	int64_t *v = NULL, *before;
	size_t cap = 0;

	for (int64_t i = 0; i < 100; i++) {
		size_t had = cap;

		before = v;
		v = arena_grow(a, v, (size_t)i, &cap, 4, sizeof(*v));
		assert_true(cap > (size_t)i);
		if ((size_t)i < had)
			assert_ptr_equal(v, before);
		else
			assert_int_equal(cap, had ? had * 2 : 4);
		assert_int_equal(v[i], 0);
		v[i] = i * 3;
	}
	assert_int_equal(cap, 128);
	for (int64_t i = 0; i < 100; i++)
		assert_int_equal(v[i], i * 3);
	arena_free(a);
}

static void
test_ids(void **state)
{
	int64_t v[] = { 9, 3, 7, 3, 9, 1, 7, 7, -2 };
	int64_t want[] = { -2, 1, 3, 7, 9 };
	size_t n = ids_sort_unique(v, ARRAY_LEN(v));

	assert_int_equal(n, ARRAY_LEN(want));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i], want[i]);
		assert_int_equal(ids_find(v, n, want[i]), i);
	}
	assert_int_equal(ids_find(v, n, 0), n);
	assert_int_equal(ids_find(v, n, 10), n);
	assert_int_equal(ids_find(v, n, -3), n);
	assert_int_equal(ids_find(v, 0, 1), 0);
	assert_int_equal(ids_sort_unique(v, 0), 0);
}

static void
test_arena_reset(void **state)
{
	struct arena *a = arena_new(256);
	unsigned char *first, *again, *z;
	struct block blocks[64];

	first = arena_alloc(a, 32);
	memset(first, 0xAA, 32);
	for (int i = 0; i < 50; i++)
		memset(arena_alloc(a, 100 + (size_t)i * 37), 0xBB, 100 + (size_t)i * 37);
	assert_true(arena_used(a) > 256);

	/* Reset keeps the newest, largest chunk: what the arena grew to is
	 * served from one chunk next time, without another malloc. */
	arena_reset(a);
	again = arena_alloc(a, 32);
	z = arena_alloc(a, 1500);
	assert_ptr_equal(z, again + 32);
	arena_reset(a);
	assert_ptr_equal(arena_alloc(a, 32), again);

	/* A chunk past 1 MiB is not kept: the first one is. */
	arena_free(a);
	a = arena_new(256);
	first = arena_alloc(a, 32);
	memset(arena_alloc(a, 2u << 20), 0xCC, 2u << 20);
	arena_reset(a);
	assert_ptr_equal(arena_alloc(a, 32), first);

	for (int round = 0; round < 3; round++) {
		arena_reset(a);
		assert_int_equal(arena_used(a), 0);
		memset(arena_alloc(a, 32), 0xAA, 32);
		/* zalloc clears memory that earlier allocations dirtied. */
		z = arena_zalloc(a, 200);
		for (size_t k = 0; k < 200; k++)
			assert_int_equal(z[k], 0);
		/* Growing past the first chunk works again after each reset. */
		for (size_t i = 0; i < ARRAY_LEN(blocks); i++)
			fill_block(&blocks[i], arena_alloc(a, 50 + i * 13), 50 + i * 13,
			    (unsigned char)(i + round));
		check_blocks(blocks, ARRAY_LEN(blocks));
	}
	arena_free(a);
	arena_free(NULL);
}

static void
test_arena_strings(void **state)
{
	struct arena *a = arena_new(64);
	char big[9000];
	char *s;

	s = arena_printf(a, "%d-%s-%05.1f", -42, "abc", 3.14159);
	assert_string_equal(s, "-42-abc-003.1");
	s = arena_printf(a, "%s", "");
	assert_string_equal(s, "");

	/* Longer than the chunk: needs a new one sized for it. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = arena_printf(a, "<%s>", big);
	assert_int_equal(strlen(s), sizeof(big) + 1);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[sizeof(big)], '>');
	assert_int_equal(memcmp(s + 1, big, sizeof(big) - 1), 0);

	s = arena_strndup(a, "ab\0cd", 5);
	assert_int_equal(memcmp(s, "ab\0cd", 6), 0);
	s = str_dup(a, STR_NULL);
	assert_string_equal(s, "");
	s = str_dup(a, (struct str){ "hello world", 5 });
	assert_string_equal(s, "hello");
	arena_free(a);
}

/* ---- str_to_i64 --------------------------------------------------------- */

static void
i64_ok(const char *in, int64_t want)
{
	int64_t v = 12345;

	if (!str_to_i64(str_c(in), &v)) {
		print_error("str_to_i64(\"%s\") refused\n", in);
		fail();
	}
	assert_int_equal(v, want);
}

static void
i64_bad(struct str in)
{
	int64_t v = 0;

	if (str_to_i64(in, &v)) {
		print_error("str_to_i64(\"%.*s\") accepted\n", (int)in.len,
		    in.p ? in.p : "");
		fail();
	}
}

static void
test_str_to_i64(void **state)
{
	int64_t v = 0;

	i64_ok("0", 0);
	i64_ok("7", 7);
	i64_ok("12345", 12345);
	i64_ok("-42", -42);
	i64_ok("-0", 0);
	i64_ok("9223372036854775807", INT64_MAX);
	i64_ok("-9223372036854775808", INT64_MIN);

	/* Only the slice's bytes count, not what follows in memory. */
	assert_true(str_to_i64((struct str){ "123456", 3 }, &v));
	assert_int_equal(v, 123);
	assert_true(str_to_i64((struct str){ "-12x", 3 }, &v));
	assert_int_equal(v, -12);

	i64_bad(S(""));
	i64_bad(STR_NULL);
	i64_bad(S("-"));
	i64_bad(S("--5"));
	i64_bad(S("+5"));
	i64_bad(S(" 5"));
	i64_bad(S("5 "));
	i64_bad(S("\t5"));
	i64_bad(S("9223372036854775808"));
	i64_bad(S("-9223372036854775809"));
	i64_bad(S("99999999999999999999"));
	i64_bad(S("12345678901234567890"));
	i64_bad(S("100000000000000000000000000000"));
	i64_bad(S("12a"));
	i64_bad(S("a12"));
	i64_bad(S("1_000"));
	i64_bad(S("0x10"));
	i64_bad(S("1.0"));
	i64_bad(S("1e3"));
	i64_bad(S("5-"));
	i64_bad(S("1\0" "2"));
	i64_bad(S("\xd9\xa3")); /* ARABIC-INDIC DIGIT THREE */
}

/* ---- UTF-8 and control bytes --------------------------------------------- */

#define UTF8_OK(lit) assert_true(str_utf8_valid(S(lit)))
#define UTF8_BAD(lit) assert_false(str_utf8_valid(S(lit)))

static void
test_utf8_valid(void **state)
{
	UTF8_OK("");
	UTF8_OK("plain ASCII, with punctuation!");
	UTF8_OK("nul\0inside");
	UTF8_OK("\x7f");
	/* 2-byte: U+0080, é, U+07FF */
	UTF8_OK("\xc2\x80");
	UTF8_OK("caf\xc3\xa9");
	UTF8_OK("\xdf\xbf");
	/* 3-byte: U+0800, €, U+D7FF, U+E000, U+FFFF */
	UTF8_OK("\xe0\xa0\x80");
	UTF8_OK("\xe2\x82\xac");
	UTF8_OK("\xed\x9f\xbf");
	UTF8_OK("\xee\x80\x80");
	UTF8_OK("\xef\xbf\xbf");
	/* 4-byte: U+10000, 😀, U+10FFFF */
	UTF8_OK("\xf0\x90\x80\x80");
	UTF8_OK("\xf0\x9f\x98\x80");
	UTF8_OK("\xf4\x8f\xbf\xbf");
	UTF8_OK("a\xc3\xa9" "b\xe2\x82\xac" "c\xf0\x9f\x98\x80" "d");

	/* Overlong forms. */
	UTF8_BAD("\xc0\x80");
	UTF8_BAD("\xc1\xbf");
	UTF8_BAD("\xe0\x80\x80");
	UTF8_BAD("\xe0\x9f\xbf");
	UTF8_BAD("\xf0\x80\x80\x80");
	UTF8_BAD("\xf0\x8f\xbf\xbf");
	/* Surrogates. */
	UTF8_BAD("\xed\xa0\x80");
	UTF8_BAD("\xed\xbf\xbf");
	UTF8_BAD("\xed\xa0\xbd\xed\xb8\x80"); /* CESU-8 pair */
	/* Above U+10FFFF and bytes that never start anything. */
	UTF8_BAD("\xf4\x90\x80\x80");
	UTF8_BAD("\xf5\x80\x80\x80");
	UTF8_BAD("\xf7\xbf\xbf\xbf");
	UTF8_BAD("\xf8\x88\x80\x80\x80");
	UTF8_BAD("\xfe");
	UTF8_BAD("\xff");
	/* Truncated sequences, at the end and before other bytes. */
	UTF8_BAD("\xc3");
	UTF8_BAD("caf\xc3");
	UTF8_BAD("\xe2\x82");
	UTF8_BAD("\xf0\x9f\x98");
	UTF8_BAD("\xc3" "a");
	UTF8_BAD("\xe2\x82" "a");
	UTF8_BAD("\xf0\x9f\x98" "a");
	UTF8_BAD("\xe2" "ab");
	/* Lone continuation bytes. */
	UTF8_BAD("\x80");
	UTF8_BAD("\xbf");
	UTF8_BAD("a\x80" "b");
	UTF8_BAD("\xc3\xa9\xa9");

	/* The slice length bounds the check: a cut sequence is refused. */
	assert_false(str_utf8_valid((struct str){ "\xe2\x82\xac", 2 }));
	assert_true(str_utf8_valid((struct str){ "ab\xff", 2 }));
}

static void
test_has_ctl(void **state)
{
	assert_false(str_has_ctl(S(""), false));
	assert_false(str_has_ctl(S("plain text ~"), false));
	assert_false(str_has_ctl(S("caf\xc3\xa9 \xe2\x82\xac"), false));
	assert_true(str_has_ctl(S("a\0b"), false));
	assert_true(str_has_ctl(S("a\0b"), true));
	assert_true(str_has_ctl(S("\x7f"), false));
	assert_true(str_has_ctl(S("x\x7f"), true));
	assert_true(str_has_ctl(S("\x1b[31m"), true));
	assert_true(str_has_ctl(S("\x01"), true));
	assert_true(str_has_ctl(S("\x1f"), true));
	/* Tab is always allowed. */
	assert_false(str_has_ctl(S("a\tb"), false));
	assert_false(str_has_ctl(S("a\tb"), true));
	/* CR and LF only with the flag. */
	assert_true(str_has_ctl(S("a\nb"), false));
	assert_false(str_has_ctl(S("a\nb"), true));
	assert_true(str_has_ctl(S("a\rb"), false));
	assert_false(str_has_ctl(S("a\r\nb"), true));
	assert_true(str_has_ctl(S("a\r\n\vb"), true));
	assert_true(str_has_ctl(S("a\fb"), true));
	/* Only the slice counts. */
	assert_false(str_has_ctl((struct str){ "ab\x01", 2 }, false));
}

static void
test_utf8_len(void **state)
{
	assert_int_equal(str_utf8_len(S("")), 0);
	assert_int_equal(str_utf8_len(S("abc")), 3);
	assert_int_equal(str_utf8_len(S("caf\xc3\xa9")), 4);
	assert_int_equal(str_utf8_len(S("\xe2\x82\xac" "1")), 2);
	assert_int_equal(str_utf8_len(S("\xf0\x9f\x98\x80\xf0\x9f\x98\x80")), 2);
	assert_int_equal(str_utf8_len(S("a\0b")), 3);
	assert_int_equal(str_utf8_len(S("\xc2\x80\xdf\xbf\xe0\xa0\x80\xf4\x8f\xbf\xbf")), 4);
}

/* ---- slices -------------------------------------------------------------- */

static void
assert_str(struct str got, const char *want)
{
	if (!str_eq(got, str_c(want))) {
		print_error("want \"%s\", got \"%.*s\"\n", want, (int)got.len,
		    got.p ? got.p : "");
		fail();
	}
}

static void
test_trim(void **state)
{
	struct str t;

	assert_str(str_trim(S("abc")), "abc");
	assert_str(str_trim(S("  abc")), "abc");
	assert_str(str_trim(S("abc \t\r\n")), "abc");
	assert_str(str_trim(S(" \t a b  c \n ")), "a b  c");
	assert_str(str_trim(S("\v\fx\v\f")), "x");
	t = str_trim(S("   "));
	assert_int_equal(t.len, 0);
	t = str_trim(S(""));
	assert_int_equal(t.len, 0);
	/* Trimming borrows: the result points inside the input. */
	{
		const char *in = "  mid  ";

		t = str_trim(str_c(in));
		assert_ptr_equal(t.p, in + 2);
		assert_int_equal(t.len, 3);
	}
	/* Non-ASCII bytes are not white space (U+00A0 is C2 A0). */
	assert_str(str_trim(S("\xc2\xa0x\xc2\xa0")), "\xc2\xa0x\xc2\xa0");
	/* Only the slice is trimmed, not the bytes past its end. */
	assert_str(str_trim((struct str){ "ab  cd", 4 }), "ab");
}

static void
test_case_eq(void **state)
{
	assert_true(str_case_eq(S("Rust"), S("rust")));
	assert_true(str_case_eq(S("ABC_def-1"), S("abc_DEF-1")));
	assert_true(str_case_eq(S(""), S("")));
	assert_true(str_case_eq(STR_NULL, S("")));
	assert_false(str_case_eq(S("rust"), S("rusty")));
	assert_false(str_case_eq(S("rusty"), S("rust")));
	assert_false(str_case_eq(S("rust"), S("ruts")));
	assert_false(str_case_eq(S("a1"), S("a2")));
	/* Bytes after the length must not matter; NUL inside must. */
	assert_true(str_case_eq((struct str){ "abX", 2 }, (struct str){ "ABy", 2 }));
	assert_true(str_case_eq(S("a\0B"), S("A\0b")));

	assert_true(str_eq(S("a\0b"), S("a\0b")));
	assert_false(str_eq(S("a\0b"), S("a\0c")));
	assert_true(str_has_prefix(S("/s/rust"), "/s/"));
	assert_false(str_has_prefix(S("/s"), "/s/"));
	assert_true(str_has_suffix(S("/u/bob.json"), ".json"));
	assert_false(str_has_suffix(S("json"), ".json"));
}

/* ---- buffers ------------------------------------------------------------- */

/* Appends the same bytes to b (through buf_printf and buf_put) and to a
 * plain malloc'd reference, then compares. */
static void
buf_growth(struct arena *a)
{
	struct buf b;
	size_t cap = 1 << 21, len = 0;
	char *want = malloc(cap);
	char tmp[64];
	int n;

	assert_non_null(want);
	buf_init(&b, a, 1);
	for (int i = 0; len < (1u << 20); i++) {
		switch (i % 4) {
		case 0:
			n = snprintf(tmp, sizeof(tmp), "[%d:%s]", i, "printf");
			buf_printf(&b, "[%d:%s]", i, "printf");
			memcpy(want + len, tmp, (size_t)n);
			len += (size_t)n;
			break;
		case 1:
			/* Raw bytes, a NUL among them. */
			buf_put(&b, "x\0y", 3);
			memcpy(want + len, "x\0y", 3);
			len += 3;
			break;
		case 2:
			buf_putc(&b, (char)('a' + i % 26));
			want[len++] = (char)('a' + i % 26);
			break;
		default:
			buf_put_i64(&b, -(int64_t)i * 1000003);
			n = snprintf(tmp, sizeof(tmp), "%lld", -(long long)i * 1000003);
			memcpy(want + len, tmp, (size_t)n);
			len += (size_t)n;
			break;
		}
		assert_int_equal(b.len, len);
		assert_true(b.cap > b.len);
		assert_int_equal(b.p[b.len], '\0');
	}
	assert_int_equal(memcmp(b.p, want, len), 0);
	assert_int_equal(buf_str(&b).len, len);
	assert_ptr_equal(buf_str(&b).p, b.p);

	/* One printf far larger than the whole buffer. */
	{
		size_t big = 300000;
		char *s = malloc(big + 1);

		assert_non_null(s);
		for (size_t k = 0; k < big; k++)
			s[k] = (char)('A' + k % 23);
		s[big] = '\0';
		buf_printf(&b, "<%s>", s);
		assert_int_equal(b.len, len + big + 2);
		assert_int_equal(memcmp(b.p, want, len), 0);
		assert_int_equal(b.p[len], '<');
		assert_int_equal(memcmp(b.p + len + 1, s, big), 0);
		assert_int_equal(b.p[len + big + 1], '>');
		assert_int_equal(b.p[len + big + 2], '\0');
		free(s);
	}
	free(want);
	buf_reset(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
}

static void
test_buf_growth_arena(void **state)
{
	struct arena *a = arena_new(128);

	buf_growth(a);
	arena_free(a);
}

static void
test_buf_growth_heap(void **state)
{
	buf_growth(NULL);
}

static void
test_buf_small(void **state)
{
	struct buf b;

	buf_init(&b, NULL, 0);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.p, "");
	buf_printf(&b, "%s=%d", "n", 5);
	buf_puts(&b, ";");
	buf_put_str(&b, S("slice"));
	buf_put(&b, "", 0);
	buf_put_i64(&b, INT64_MIN);
	assert_string_equal(b.p, "n=5;slice-9223372036854775808");
	buf_reset(&b);
}

/* buf_put_i64 writes digits by hand: the edges of its range. */
static void
test_buf_put_i64(void **state)
{
	static const struct { int64_t v; const char *want; } cases[] = {
		{ 0, "0" }, { 7, "7" }, { -1, "-1" }, { 10, "10" },
		{ -10, "-10" }, { 1234567890, "1234567890" },
		{ INT64_MAX, "9223372036854775807" },
		{ INT64_MIN, "-9223372036854775808" },
		{ INT64_MIN + 1, "-9223372036854775807" },
	};
	struct buf b;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&b, NULL, 0);
		buf_putc(&b, '[');
		buf_put_i64(&b, cases[i].v);
		buf_putc(&b, ']');
		assert_int_equal(b.len, strlen(cases[i].want) + 2);
		assert_memory_equal(b.p + 1, cases[i].want, strlen(cases[i].want));
		assert_int_equal(b.p[b.len - 1], ']');
		buf_reset(&b);
	}
}

/* ---- durations and dates ------------------------------------------------- */

static void
dur_ok(const char *in, int64_t want)
{
	int64_t v = -7;

	if (base_parse_duration(in, &v) != 0) {
		print_error("duration \"%s\" refused\n", in);
		fail();
	}
	assert_int_equal(v, want);
}

static void
dur_bad(const char *in)
{
	int64_t v = -7;

	if (base_parse_duration(in, &v) != -1) {
		print_error("duration \"%s\" accepted as %lld\n", in, (long long)v);
		fail();
	}
}

static void
test_parse_duration(void **state)
{
	dur_ok("30s", 30);
	dur_ok("15m", 15 * 60);
	dur_ok("12h", 12 * 3600);
	dur_ok("180d", 180 * 86400);
	dur_ok("2w", 14 * 86400);
	dur_ok("0", 0);
	dur_ok("0s", 0);
	dur_ok("1s", 1);
	dur_ok("3153600000s", 3153600000LL);
	dur_ok("9223372036854775799s", INT64_MAX - 8);

	dur_bad("");
	dur_bad("5");
	dur_bad("s");
	dur_bad("10x");
	dur_bad("-5s");
	dur_bad("+5s");
	dur_bad(" 5s");
	dur_bad("5s ");
	dur_bad("5 s");
	dur_bad("1.5h");
	dur_bad("5ss");
	dur_bad("5sm");
	dur_bad("5S");
	dur_bad("5y");
	dur_bad("99999999999999999999s");
	dur_bad("9223372036854775808s");
	dur_bad("9223372036854775807m");
	dur_bad("15250284452472w"); /* just over INT64_MAX seconds */
	dur_ok("15250284452471w", 15250284452471LL * 604800);
	dur_bad("106751991167301d"); /* just over INT64_MAX seconds */
	dur_ok("106751991167300d", 106751991167300LL * 86400);
}

static void
test_rfc3339(void **state)
{
	char out[32];

	base_rfc3339(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	base_rfc3339(1134028003, out);
	assert_string_equal(out, "2005-12-08T07:46:43Z");
	base_rfc3339(1700000000, out);
	assert_string_equal(out, "2023-11-14T22:13:20Z");
	base_rfc3339(951782400, out);
	assert_string_equal(out, "2000-02-29T00:00:00Z");
	base_rfc3339(4102444799, out);
	assert_string_equal(out, "2099-12-31T23:59:59Z");
	base_rfc3339(-1, out);
	assert_string_equal(out, "1969-12-31T23:59:59Z");
	base_rfc3339(INT64_MAX, out);
	assert_string_equal(out, "9999-12-31T23:59:59Z");
	base_rfc3339(INT64_MIN, out);
	assert_string_equal(out, "0000-01-01T00:00:00Z");
}

/* ---- logging ----------------------------------------------------------- */

/* Returns what log_msg wrote to stderr for one line (static buffer). */
static const char *
logged(const char *module, const char *msg)
{
	static char line[1200];
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n;

	assert_non_null(f);
	fflush(stderr);
	dup2(fileno(f), 2);
	log_msg(LOG_WARN, module, "%s", msg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(line, 1, sizeof(line) - 1, f);
	line[n] = '\0';
	fclose(f);
	return line;
}

/* A line written while a request is served carries its id. */
static void
test_log_request(void **state)
{
	const char *l;

	l = logged("store", "busy");
	assert_non_null(strstr(l, " warn store: busy\n"));
	log_request(42);
	l = logged("store", "busy");
	assert_non_null(strstr(l, " warn store req 42: busy\n"));
	log_request(0);
	l = logged("app", "done");
	assert_non_null(strstr(l, " warn app: done\n"));
}

/* ---- crash reports ----------------------------------------------------- */

/*
 * A child installs the handler and dies of sig; its stderr must name the
 * signal and hold a backtrace that reaches main, and it must still die of
 * that signal (the exit status the e2e harness and a supervisor see).
 */
static void
crash_child(int sig)
{
	char out[8192];
	size_t len = 0;
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		base_crash_init();
		if (sig == SIGABRT)
			abort();
		raise(sig);
		_exit(0);
	}
	close(fds[1]);
	while (len < sizeof(out) - 1 &&
	    (n = read(fds[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), sig);
	assert_non_null(strstr(out, "parley: fatal signal SIG"));
	assert_non_null(strstr(out, "backtrace"));
	assert_non_null(strstr(out, "(main+")); /* -rdynamic names it */
}

static void
test_crash_abort(void **state)
{
	crash_child(SIGABRT);
}

static void
test_crash_ill(void **state)
{
	crash_child(SIGILL);
}

/* ---- thread_state ------------------------------------------------------ */

struct counter {
	int n;
};

static _Atomic int destroyed;

static void
counter_destroy(void *p)
{
	struct counter *k = p;

	destroyed += k->n;
	free(k);
}

static struct thread_state counter_state = THREAD_STATE(struct counter,
    counter_destroy);

static pthread_barrier_t all_alive;

/*
 * Counts to 3 in this thread's own counter while the other threads do the
 * same (the barriers keep all of them alive meanwhile, so a shared counter
 * would reach 12); returns it when it holds 3, made by the first call.
 */
static void *
count_three(void *arg)
{
	bool made[3];
	struct counter *k = NULL;
	bool same = true;

	pthread_barrier_wait(&all_alive);
	for (int i = 0; i < 3; i++) {
		struct counter *now = thread_state(&counter_state, &made[i]);

		same = same && (k == NULL || now == k);
		k = now;
		k->n++;
	}
	pthread_barrier_wait(&all_alive);
	(void)arg;
	return same && made[0] && !made[1] && !made[2] && k->n == 3 ? k : NULL;
}

/* Each thread gets its own zeroed state, made once; it is handed to the
 * destructor when the thread ends. */
static void
test_thread_state(void **state)
{
	pthread_t t[4];
	void *got;

	destroyed = 0;
	assert_int_equal(pthread_barrier_init(&all_alive, NULL, 4), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, count_three, NULL), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &got), 0);
		assert_non_null(got);
	}
	pthread_barrier_destroy(&all_alive);
	assert_int_equal(destroyed, 12);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_request),
		cmocka_unit_test(test_arena_alignment),
		cmocka_unit_test(test_arena_large),
		cmocka_unit_test(test_arena_grow),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_thread_state),
		cmocka_unit_test(test_arena_reset),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_str_to_i64),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_has_ctl),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_case_eq),
		cmocka_unit_test(test_buf_growth_arena),
		cmocka_unit_test(test_buf_growth_heap),
		cmocka_unit_test(test_buf_small),
		cmocka_unit_test(test_buf_put_i64),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_crash_abort),
		cmocka_unit_test(test_crash_ill),
	};

	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
