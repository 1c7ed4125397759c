/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_form.c: Parley's own glue around libmicrohttpd's decoding of query
 * strings and urlencoded forms, from http_server.c (included for its
 * statics), and the field checks of app_routes.c:
 * - percent_ok, which refuses a form with a broken % escape, against a
 *   reference;
 * - the unescape callback, which turns %00 into %7F so that a NUL cannot
 *   cut a path or argument short unseen: its result holds no NUL, is no
 *   longer than the input, and a %00 in the input leaves a 0x7F byte;
 * - form_iter, which joins a value that arrives in pieces: whatever the
 *   cut, the field reads back whole, and fields keep their order;
 * - fields_clean and form_repeats on the decoded fields, against
 *   references built from str_utf8_valid and str_has_ctl.
 * The input is: one byte for the piece size, then the urlencoded text.
 */
#include "fuzz.h"

#include <ctype.h>

#include "http/http_server.c"

#undef NAME_MAX
#include "app/app_routes.c"

static bool
ref_percent_ok(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '%' && (n - i < 3 || !isxdigit(s[i + 1]) ||
		    !isxdigit(s[i + 2])))
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t piece = (size_t)(fuzz_u8(&in) % 16) + 1;
	struct arena *a = arena_new(4096);
	struct kv_list l = { .a = a };
	char *text = fuzz_strndup(in.p, in.n);
	char *whole = fuzz_strndup(in.p, in.n);
	size_t n = in.n, len;
	bool has00 = strstr(whole, "%00") != NULL;
	size_t nfields = 0;

	FUZZ_CHECK(percent_ok(text, n) == ref_percent_ok(in.p, n),
	    "percent_ok disagrees with the reference");

	/* The unescape callback over the whole text (as for a path). */
	len = unescape(NULL, NULL, whole);
	FUZZ_CHECK(len <= strlen(text), "unescape grew the text");
	FUZZ_CHECK(memchr(whole, '\0', len) == NULL || memchr(text, '\0', n),
	    "unescape let a NUL through");
	if (has00 && memchr(text, '\0', n) == NULL)
		FUZZ_CHECK(memchr(whole, 0x7f, len) != NULL, "%%00 left no 0x7F");

	/* Split like a form, decode each side, hand values over in pieces. */
	for (char *p = text, *next; p != NULL && nfields < 200; p = next) {
		char *eq, *key, *val;
		size_t vn, off = 0;

		next = strchr(p, '&');
		if (next != NULL)
			*next++ = '\0';
		eq = strchr(p, '=');
		if (eq != NULL)
			*eq = '\0';
		key = p;
		val = eq ? eq + 1 : p + strlen(p);
		MHD_http_unescape(key);
		vn = MHD_http_unescape(val);
		if (*key == '\0')
			continue;
		do {
			size_t k = vn - off < piece ? vn - off : piece;

			form_iter(&l, MHD_POSTDATA_KIND, key, NULL, NULL, NULL, val + off,
			    off, k);
			off += k;
		} while (off < vn);
		/* A repeated key continues the last field only with off > 0. */
		FUZZ_CHECK(l.n > 0 && strcmp(l.v[l.n - 1].key.p, key) == 0 &&
		    l.v[l.n - 1].val.len == vn && memcmp(l.v[l.n - 1].val.p, val,
		    vn) == 0, "a value given in pieces does not read back whole");
		nfields++;
	}
	FUZZ_CHECK(l.n == nfields, "form_iter made %zu fields of %zu", l.n,
	    nfields);

	{
		bool clean = true, repeats = false;

		for (size_t i = 0; i < l.n; i++) {
			clean &= str_utf8_valid(l.v[i].key) &&
			    !str_has_ctl(l.v[i].key, false) &&
			    str_utf8_valid(l.v[i].val) && !str_has_ctl(l.v[i].val, true);
			for (size_t k = 0; k < i; k++)
				repeats |= str_eq(l.v[i].key, l.v[k].key);
		}
		FUZZ_CHECK(fields_clean(l.v, l.n, true) == clean,
		    "fields_clean disagrees");
		FUZZ_CHECK(form_repeats(l.v, l.n) == repeats,
		    "form_repeats disagrees");
	}
	free(whole);
	free(text);
	arena_free(a);
	return 0;
}
