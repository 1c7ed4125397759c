/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * base_canon.c: canonical JSON, the byte form that the mod log's hashes
 * and the site key's signatures cover (SPEC "Trust that anyone can
 * check", docs/VERIFY.md). It is exactly what Python writes with
 * json.dumps(v, sort_keys=True, separators=(",", ":"),
 * ensure_ascii=False): object keys sorted by code point, no spaces, and
 * in strings only " and \ and the control characters U+0000..U+001F
 * escaped: \" \\ \n \r \t \b \f by name, the others as \u00xx in
 * lowercase hex. Everything else, DEL and all of non-ASCII included,
 * passes through as its UTF-8 bytes.
 *
 * Sorting the UTF-8 bytes of keys gives the code point order Python
 * sorts by (UTF-8 preserves it). Strings must be valid UTF-8: the
 * writers' callers hold text the application already checked.
 */
#include "base.h"

#include <stdlib.h>
#include <string.h>

/* Appends s (len bytes) to b as a canonical JSON string, quotes included. */
void
canon_str(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	buf_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[6];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			buf_put(b, u, 6);
			continue;
		}
		buf_puts(b, esc);
	}
	buf_put(b, s + run, len - run);
	buf_putc(b, '"');
}

static int
field_cmp(const void *x, const void *y)
{
	const struct canon_field *a = x, *b = y;

	/* strcmp compares as unsigned char: code point order for UTF-8. */
	return strcmp(a->key, b->key);
}

/*
 * Appends the object of the n fields f to b in canonical form, sorting
 * f by key in place. Keys must be distinct. A CANON_RAW value is copied
 * as it stands: it must already be canonical JSON (a nested object).
 */
void
canon_object(struct buf *b, struct canon_field *f, size_t n)
{
	qsort(f, n, sizeof(*f), field_cmp);
	buf_putc(b, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		canon_str(b, f[i].key, strlen(f[i].key));
		buf_putc(b, ':');
		switch (f[i].type) {
		case CANON_NULL:
			buf_puts(b, "null");
			break;
		case CANON_INT:
			buf_put_i64(b, f[i].i);
			break;
		case CANON_STR:
			if (f[i].s == NULL)
				buf_puts(b, "null");
			else
				canon_str(b, f[i].s, strlen(f[i].s));
			break;
		case CANON_RAW:
			buf_puts(b, f[i].s);
			break;
		}
	}
	buf_putc(b, '}');
}
