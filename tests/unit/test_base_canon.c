/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_base_canon.c: canonical JSON (base_canon.c) against the bytes
 * Python writes with json.dumps(v, sort_keys=True, separators=(",", ":"),
 * ensure_ascii=False). The expected strings below were produced by
 * Python 3.11 from the same inputs; the e2e tests (test_trust.py) check
 * the live mod log's hashes with Python as well.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/base.h"

static const struct {
	const char *in;
	size_t len;
	const char *want;
} strings[] = {
	{ "plain", 5, "\"plain\"" },
	{ "", 0, "\"\"" },
	{ "quote \" and \\ backslash", 23, "\"quote \\\" and \\\\ backslash\"" },
	{ "nl\012cr\015tab\011bs\010ff\014", 16, "\"nl\\ncr\\rtab\\tbs\\bff\\f\"" },
	{ "\000\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037", 32, "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"" },
	{ "del\177 slash / lt< gt> amp& apos'", 31, "\"del\177 slash / lt< gt> amp& apos'\"" },
	{ "\303\251 \303\274 \346\227\245\346\234\254\350\252\236 \360\237\230\200 \342\200\250\342\200\251 \357\273\277", 31, "\"\303\251 \303\274 \346\227\245\346\234\254\350\252\236 \360\237\230\200 \342\200\250\342\200\251 \357\273\277\"" },
	{ "</script>\000mid", 13, "\"</script>\\u0000mid\"" },
};

static void
test_canon_str(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		struct buf b;

		buf_init(&b, NULL, 8);
		canon_str(&b, strings[i].in, strings[i].len);
		assert_int_equal(b.len, strlen(strings[i].want));
		assert_memory_equal(b.p, strings[i].want, b.len);
		buf_reset(&b);
	}
}

static void
test_canon_object(void **state)
{
	/* Keys given out of order; sorted by code point as Python does. */
	struct canon_field f[] = {
		CANON_I("b", 1), CANON_NUL("a"), CANON_S("\303\251", "x"),
		CANON_S("Z", "y"), CANON_I("aa", -5), CANON_S("a b", "q\""),
		CANON_S("\303\240", "z"), CANON_S("\360\237\230\200", "e"),
		CANON_S("\346\227\245", "j"),
	};
	const char *want = "{\"Z\":\"y\",\"a\":null,\"a b\":\"q\\\"\",\"aa\":-5,"
	    "\"b\":1,\"\303\240\":\"z\",\"\303\251\":\"x\",\"\346\227\245\":"
	    "\"j\",\"\360\237\230\200\":\"e\"}";
	struct buf b;

	(void)state;
	buf_init(&b, NULL, 8);
	canon_object(&b, f, sizeof(f) / sizeof(f[0]));
	assert_string_equal(b.p, want);
	buf_reset(&b);
}

static void
test_canon_nested(void **state)
{
	struct canon_field inner[] = { CANON_I("seq", 3), CANON_S("hash", "ab") };
	struct canon_field outer[2];
	struct buf in, out;

	(void)state;
	buf_init(&in, NULL, 8);
	canon_object(&in, inner, 2);
	outer[0] = (struct canon_field){ "x", CANON_RAW, 0, in.p };
	outer[1] = CANON_S("null", NULL);
	buf_init(&out, NULL, 8);
	canon_object(&out, outer, 2);
	assert_string_equal(out.p, "{\"null\":null,\"x\":{\"hash\":\"ab\","
	    "\"seq\":3}}");
	buf_reset(&in);
	buf_reset(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canon_str),
		cmocka_unit_test(test_canon_object),
		cmocka_unit_test(test_canon_nested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
