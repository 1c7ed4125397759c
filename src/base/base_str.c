/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * base_str.c: string slices, growable buffers and UTF-8 checks.
 *
 * A buf grows by doubling inside its arena; the old block is simply left
 * behind in the arena, which is cheaper than tracking it and is bounded by
 * the doubling (at most the final size again).
 */
#include "base.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- slices ---------------------------------------------------------- */

/* Returns a slice borrowing the NUL-terminated s (NULL gives STR_NULL). */
struct str
str_c(const char *s)
{
	struct str r = { s, s ? strlen(s) : 0 };

	return r;
}

bool
str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool
str_eq_lit(struct str a, const char *lit)
{
	return str_eq(a, str_c(lit));
}

/* ASCII case-insensitive comparison, as user and community names use. */
bool
str_case_eq(struct str a, struct str b)
{
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++) {
		unsigned char x = (unsigned char)a.p[i], y = (unsigned char)b.p[i];

		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return false;
	}
	return true;
}

bool
str_has_prefix(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

bool
str_has_suffix(struct str s, const char *suffix)
{
	size_t n = strlen(suffix);

	return s.len >= n && memcmp(s.p + s.len - n, suffix, n) == 0;
}

/* Returns s without leading and trailing ASCII white space. */
struct str
str_trim(struct str s)
{
	while (s.len && isspace((unsigned char)s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && isspace((unsigned char)s.p[s.len - 1]))
		s.len--;
	return s;
}

/* Returns a NUL-terminated copy owned by the arena. */
char *
str_dup(struct arena *a, struct str s)
{
	return arena_strndup(a, s.p ? s.p : "", s.len);
}

/*
 * Parses a whole slice as a decimal int64 with an optional leading minus.
 * Returns false on empty input, any other byte, or overflow.
 */
bool
str_to_i64(struct str s, int64_t *out)
{
	char tmp[24];
	char *end;
	long long v;
	size_t i = 0, k, n;

	if (s.len == 0)
		return false;
	if (s.p[0] == '-')
		i = 1;
	if (i == s.len)
		return false;
	for (k = i; k < s.len; k++)
		if (s.p[k] < '0' || s.p[k] > '9')
			return false;
	/* Leading zeros are not digits that could overflow. */
	while (i + 1 < s.len && s.p[i] == '0')
		i++;
	n = s.len - i;
	if (n > 19) /* INT64_MAX has 19 digits */
		return false;
	k = 0;
	if (s.p[0] == '-')
		tmp[k++] = '-';
	memcpy(tmp + k, s.p + i, n);
	tmp[k + n] = '\0';
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

/*
 * Returns true when s is well-formed UTF-8: no overlong forms, no
 * surrogates, nothing above U+10FFFF.
 */
bool
str_utf8_valid(struct str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, n = s.len;

	while (i < n) {
		unsigned c = p[i];
		size_t need;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i <= need)
			return false;
		for (size_t k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

/*
 * Returns true when s holds an ASCII control byte (NUL included) other than
 * tab, and other than CR and LF when allow_newlines is set.
 */
bool
str_has_ctl(struct str s, bool allow_newlines)
{
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c == '\t')
			continue;
		if (allow_newlines && (c == '\n' || c == '\r'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return true;
	}
	return false;
}

/* Returns the number of code points in valid UTF-8 s. */
size_t
str_utf8_len(struct str s)
{
	size_t n = 0;

	for (size_t i = 0; i < s.len; i++)
		if (((unsigned char)s.p[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* ---- buffers --------------------------------------------------------- */

/* Prepares an empty buffer in arena a (or on the heap when a is NULL). */
void
buf_init(struct buf *b, struct arena *a, size_t cap)
{
	b->a = a;
	b->cap = cap ? cap : 64;
	b->len = 0;
	b->p = a ? arena_alloc(a, b->cap) : xmalloc(b->cap);
	b->p[0] = '\0';
}

/* Releases a heap buffer's memory; an arena buffer is left to its arena. */
void
buf_reset(struct buf *b)
{
	if (b->a == NULL)
		free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static void
buf_grow(struct buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;
	size_t cap = b->cap ? b->cap : 64;
	char *p;

	if (extra > SIZE_MAX / 4 - b->len)
		base_fatal(__FILE__, __LINE__, "buffer too large (%zu)", extra);
	if (want <= b->cap)
		return;
	while (cap < want)
		cap *= 2;
	if (b->a) {
		p = arena_alloc(b->a, cap);
		if (b->len)
			memcpy(p, b->p, b->len);
	} else {
		p = xrealloc(b->p, cap);
	}
	b->p = p;
	b->cap = cap;
}

/* Makes room for extra more bytes at once, so that many small puts of a
 * known total do not grow the buffer step by step. */
void
buf_reserve(struct buf *b, size_t extra)
{
	buf_grow(b, extra);
}

void
buf_put(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void
buf_put_str(struct buf *b, struct str s)
{
	buf_put(b, s.p, s.len);
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	if (n < 0) {
		va_end(ap2);
		base_fatal(__FILE__, __LINE__, "bad format %s", fmt);
	}
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap2);
	}
	va_end(ap2);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* Appends v in decimal. Hand-written: pages write thousands of numbers. */
void
buf_put_i64(struct buf *b, int64_t v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	/* The magnitude as unsigned, so INT64_MIN has one too. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	buf_put(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Returns a slice borrowing the buffer's bytes, valid until the next write. */
struct str
buf_str(const struct buf *b)
{
	struct str s = { b->p, b->len };

	return s;
}
