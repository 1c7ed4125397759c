/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_verify.c: the JSON readers of parley verify (src/verify/verify.c),
 * which read whatever an untrusted site answers. The first byte picks the
 * reader (the head of /.well-known/parley.json, a /modlog.json page, the
 * canary, the state file); the rest is the document. Besides "no crash,
 * no leak, no UB":
 * - a document nested deeper than VERIFY_MAX_DEPTH is refused;
 * - every accepted field has the promised shape (hex of the right length);
 * - canonical JSON is a fixed point: the canonical form of a value, parsed
 *   again and written canonically again, is the same bytes, and it has
 *   no space outside strings.
 */
#include "fuzz.h"

#include "../../src/verify/verify.c"

static bool
is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static int
fuzz_key_cb(void *data, const char *pub, const char *next,
    const char *retired, const char *sig)
{
	(void)data;
	(void)retired;
	FUZZ_CHECK(is_hex(pub, 64) && is_hex(next, 64) && is_hex(sig, 128),
	    "a key field is not hex");
	return 0;
}

/* canonical(parse(canonical(v))) == canonical(v). */
static void
check_fixed_point(const char *p, size_t len)
{
	const char *err;
	json_t *j = parse(p, len, &err), *again;
	struct buf one, two;
	json_error_t e;

	if (j == NULL)
		return;
	buf_init(&one, NULL, 256);
	buf_init(&two, NULL, 256);
	if (canon_value(&one, j, NULL) == 0) {
		again = json_loadb(one.p, one.len, JSON_ALLOW_NUL, &e);
		FUZZ_CHECK(again != NULL, "canonical JSON does not parse: %s "
		    "(%s)", e.text, one.p);
		FUZZ_CHECK(canon_value(&two, again, NULL) == 0,
		    "canonical JSON not canonical again");
		FUZZ_CHECK(one.len == two.len && memcmp(one.p, two.p,
		    one.len) == 0, "canonical JSON is not a fixed point");
		json_decref(again);
	}
	buf_reset(&one);
	buf_reset(&two);
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1, *err = NULL;
	size_t len = size ? size - 1 : 0;

	if (size == 0)
		return 0;
	if (!depth_ok(p, len)) {
		struct verify_page pg;

		FUZZ_CHECK(verify_read_page(p, len, &pg, &err) != 0,
		    "a deep document was read");
		return 0;
	}
	switch (data[0] % 4) {
	case 0: {
		struct verify_head h;

		if (verify_read_head(p, len, &h, fuzz_key_cb, NULL, &err) == 0)
			FUZZ_CHECK(is_hex(h.public_key, 64) && is_hex(h.hash, 64)
			    && is_hex(h.signature, 128) && h.seq >= 0,
			    "the head has a bad field");
		break;
	}
	case 1: {
		struct verify_page pg;

		if (verify_read_page(p, len, &pg, &err) == 0) {
			for (size_t i = 0; i < pg.n; i++)
				FUZZ_CHECK(is_hex(pg.e[i].prev, 64) &&
				    is_hex(pg.e[i].hash, 64) &&
				    is_hex(pg.e[i].computed, 64),
				    "an entry has a bad field");
			verify_page_free(&pg);
		}
		break;
	}
	case 2: {
		struct buf canon;
		char sig[129], date[32];

		buf_init(&canon, NULL, 128);
		if (verify_read_canary(p, len, &canon, sig, date, &err) == 0)
			FUZZ_CHECK(is_hex(sig, 128), "a bad canary signature");
		buf_reset(&canon);
		break;
	}
	default:
		check_fixed_point(p, len);
		break;
	}
	return 0;
}
