/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_app_upload.c: unit tests for src/app/app_upload.c, what an upload
 * goes through before it is kept: the type told by content, the size
 * and pixel limits checked before decoding (a pixel bomb's header is
 * enough to refuse it), a cut file refused when decoded, the encoded
 * image and its thumbnail, and the names under /i/. Storage, serving and
 * the limits per account are tested end to end (tests/e2e/test_uploads.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/app/app_int.h"

#include <string.h>
#include <vips/vips.h>

static const struct upload_limits roomy = { 1 << 20, 1000000 };

/* An image of w x h pixels encoded by libvips as fmt (".png", ".jpg"). */
static struct str
made(struct arena *a, int w, int h, const char *fmt)
{
	VipsImage *im = NULL, *grey = NULL;
	void *buf = NULL;
	size_t len = 0;
	char *copy;

	assert_int_equal(vips_black(&im, w, h, "bands", 3, NULL), 0);
	assert_int_equal(vips_linear1(im, &grey, 1.0, 90.0, NULL), 0);
	assert_int_equal(vips_image_write_to_buffer(grey, fmt, &buf, &len, NULL), 0);
	copy = arena_alloc(a, len);
	memcpy(copy, buf, len);
	g_free(buf);
	g_object_unref(grey);
	g_object_unref(im);
	return (struct str){ copy, len };
}

static uint32_t
crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A chunk of kind without data at p: 12 bytes. */
static size_t
empty_chunk(unsigned char *p, const char *kind)
{
	put32(p, 0);
	memcpy(p + 4, kind, 4);
	put32(p + 8, crc32(p + 4, 4));
	return 12;
}

/* The signature and header of a side x side grey PNG, and no pixels:
 * a bomb's first bytes, all a check needs to refuse it. */
static size_t
bomb_header(unsigned char out[57], uint32_t side)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
		0x1a, '\n' };

	memcpy(out, sig, 8);
	put32(out + 8, 13);
	memcpy(out + 12, "IHDR", 4);
	put32(out + 16, side);
	put32(out + 20, side);
	out[24] = 8;
	out[25] = out[26] = out[27] = out[28] = 0;
	put32(out + 29, crc32(out + 12, 17));
	return 33 + empty_chunk(out + 33, "IDAT") + empty_chunk(out + 45, "IEND");
}

static int
setup(void **state)
{
	assert_int_equal(VIPS_INIT("test_app_upload"), 0);
	*state = arena_new(1 << 16);
	return 0;
}

static int
teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static void
test_sniff(void **state)
{
	struct arena *a = *state;
	enum upload_kind k;
	static const char *const refused[] = {
		"<!DOCTYPE html><html><script>alert(1)</script></html>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>",
		"%PDF-1.4\n1 0 obj<<>>endobj\n",
		"BM this is no bitmap either, only text that starts like one",
	};

	assert_int_equal(app_upload_sniff(made(a, 8, 8, ".png"), &k), UPLOAD_OK);
	assert_int_equal(k, UPLOAD_PNG);
	assert_int_equal(app_upload_sniff(made(a, 8, 8, ".jpg"), &k), UPLOAD_OK);
	assert_int_equal(k, UPLOAD_JPEG);
	assert_int_equal(app_upload_sniff(made(a, 8, 8, ".gif"), &k), UPLOAD_OK);
	assert_int_equal(k, UPLOAD_GIF);
	assert_int_equal(app_upload_sniff(made(a, 8, 8, ".webp"), &k), UPLOAD_OK);
	assert_int_equal(k, UPLOAD_WEBP);
	assert_int_equal(app_upload_sniff(STR_NULL, &k), UPLOAD_EMPTY);
	for (size_t i = 0; i < ARRAY_LEN(refused); i++)
		assert_int_equal(app_upload_sniff(str_c(refused[i]), &k),
		    UPLOAD_BAD_TYPE);
	assert_string_equal(app_upload_ext(UPLOAD_JPEG), "jpg");
	assert_string_equal(app_upload_type(UPLOAD_WEBP), "image/webp");
}

static void
test_limits_before_decoding(void **state)
{
	struct arena *a = *state;
	struct str png = made(a, 100, 100, ".png");
	struct upload_limits lim = { png.len, 10000 };
	unsigned char bomb[57];
	enum upload_kind k;
	int64_t w = 0, h = 0;

	assert_int_equal(app_upload_check(png, &lim, &k, &w, &h), UPLOAD_OK);
	assert_int_equal(w, 100);
	assert_int_equal(h, 100);
	lim.max_bytes = png.len - 1;
	assert_int_equal(app_upload_check(png, &lim, &k, &w, &h),
	    UPLOAD_TOO_LARGE);
	lim = (struct upload_limits){ png.len, 9999 };
	assert_int_equal(app_upload_check(png, &lim, &k, &w, &h),
	    UPLOAD_TOO_MANY_PIXELS);
	/* 12000 x 12000 declared in 57 bytes: refused from the header */
	assert_int_equal(app_upload_check((struct str){ (char *)bomb,
	    bomb_header(bomb, 12000) }, &roomy, &k, &w, &h),
	    UPLOAD_TOO_MANY_PIXELS);
	assert_int_equal(app_upload_check((struct str){ (char *)bomb,
	    bomb_header(bomb, 0) }, &roomy, &k, &w, &h), UPLOAD_BAD_IMAGE);
}

static void
test_make(void **state)
{
	struct arena *a = *state;
	struct str jpg = made(a, 400, 300, ".jpg");
	struct upload_out o, again;
	enum upload_kind k;
	int64_t w, h;

	assert_int_equal(app_upload_make(a, jpg, &roomy, &o), UPLOAD_OK);
	assert_int_equal(o.kind, UPLOAD_JPEG);
	assert_int_equal(o.width, 400);
	assert_int_equal(o.height, 300);
	assert_int_equal(strlen(o.hash), UPLOAD_HASH_LEN);
	assert_int_equal(strspn(o.hash, "0123456789abcdef"), UPLOAD_HASH_LEN);
	assert_int_equal(app_upload_check(o.thumb, &roomy, &k, &w, &h),
	    UPLOAD_OK);
	assert_int_equal(k, UPLOAD_JPEG);
	assert_int_equal(w, 140);
	assert_int_equal(h, 105);
	/* the same bytes make the same file, so the same name */
	assert_int_equal(app_upload_make(a, jpg, &roomy, &again), UPLOAD_OK);
	assert_string_equal(again.hash, o.hash);
	assert_int_equal(again.image.len, o.image.len);
}

static void
test_cut_file_refused(void **state)
{
	struct arena *a = *state;
	struct str png = made(a, 300, 300, ".png");
	struct str jpg = made(a, 300, 300, ".jpg");
	struct upload_out o;

	png.len /= 2;
	assert_int_equal(app_upload_make(a, png, &roomy, &o), UPLOAD_BAD_IMAGE);
	jpg.len /= 2;
	assert_int_equal(app_upload_make(a, jpg, &roomy, &o), UPLOAD_BAD_IMAGE);
}

static void
test_names(void **state)
{
	char hash[UPLOAD_HASH_LEN + 1];
	enum upload_kind k;
	bool thumb;
	static const char *const bad[] = {
		"0123456789abcdef0123456789abcdef",
		"0123456789abcdef0123456789abcdef.",
		"0123456789abcdef0123456789abcdef.exe",
		"0123456789abcdef0123456789abcdef.PNG",
		"0123456789ABCDEF0123456789abcdef.png",
		"0123456789abcdef0123456789abcde.png",
		"0123456789abcdef0123456789abcdef_x.png",
		"0123456789abcdef0123456789abcdef_t",
		"../../etc/passwd",
	};

	assert_true(app_upload_name(str_c("0123456789abcdef0123456789abcdef.png"),
	    hash, &k, &thumb));
	assert_string_equal(hash, "0123456789abcdef0123456789abcdef");
	assert_int_equal(k, UPLOAD_PNG);
	assert_false(thumb);
	assert_true(app_upload_name(str_c("0123456789abcdef0123456789abcdef_t.webp"),
	    hash, &k, &thumb));
	assert_int_equal(k, UPLOAD_WEBP);
	assert_true(thumb);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		assert_false(app_upload_name(str_c(bad[i]), hash, &k, &thumb));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sniff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits_before_decoding, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_make, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_file_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
