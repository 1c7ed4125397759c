/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_qr.c: unit tests for src/render/qr.c: the SVG's frame, that its
 * dark squares are exactly the symbol's dark modules, and refusal of a
 * text too long for any QR version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "render/render.h"

static void
test_svg_matches_symbol(void **state)
{
	const char *uri = "otpauth://totp/Parley:alice?secret=GEZDGNBVGY3TQOJQ"
	    "GEZDGNBVGY3TQOJQ&issuer=Parley";
	QRcode *q = QRcode_encodeString8bit(uri, 0, QR_ECLEVEL_M);
	struct buf b;
	char frame[160], square[32];
	size_t dark = 0, squares = 0;

	assert_non_null(q);
	buf_init(&b, NULL, 0);
	assert_int_equal(qr_svg(&b, uri), 0);
	snprintf(frame, sizeof(frame), "viewBox=\"0 0 %d %d\"", q->width + 8,
	    q->width + 8);
	assert_non_null(strstr(b.p, frame));
	assert_true(strncmp(b.p, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	assert_string_equal(b.p + b.len - 9, "\"/></svg>");
	assert_null(strstr(b.p, "secret"));
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width; x++) {
			if (!(q->data[y * q->width + x] & 1))
				continue;
			dark++;
			snprintf(square, sizeof(square), "M%d %dh1v1h-1z", x + 4, y + 4);
			assert_non_null(strstr(b.p, square));
		}
	}
	for (const char *p = b.p; (p = strstr(p, "h1v1h-1z")) != NULL; p++)
		squares++;
	assert_int_equal(squares, dark);
	QRcode_free(q);
	buf_reset(&b);
}

static void
test_too_long(void **state)
{
	static char big[8000];
	struct buf b;

	memset(big, 'x', sizeof(big) - 1);
	buf_init(&b, NULL, 0);
	buf_puts(&b, "kept");
	assert_int_equal(qr_svg(&b, big), -1);
	assert_string_equal(b.p, "kept");
	buf_reset(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg_matches_symbol),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}
