/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_upload.c: the upload path of app_upload.c on arbitrary bytes: the
 * type told by libmagic, the size and pixel limits read from the header,
 * then the decoding, the encoding without metadata and the thumbnail by
 * libvips. Whatever comes in, the answer is one of enum upload_rc, and
 * an accepted image comes out as a file of its own kind that passes the
 * same checks, under a 32-digit hex name, with a thumbnail no larger
 * than it.
 */
#include "fuzz.h"

#include "app/app_int.h"

#include <vips/vips.h>

/* Small limits keep each run fast; the checks are the same at any size. */
static const struct upload_limits lim = { 256 * 1024, 1u << 20 };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (VIPS_INIT("fuzz_upload") != 0)
		FUZZ_CHECK(0, "libvips did not start");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(1 << 16);
	struct upload_out o;
	enum upload_rc rc = app_upload_make(a, (struct str){ (const char *)data,
	    size }, &lim, &o);

	FUZZ_CHECK(rc >= UPLOAD_OK && rc <= UPLOAD_ERR, "answer %d", (int)rc);
	if (rc == UPLOAD_OK) {
		enum upload_kind k, tk;
		int64_t w, h, tw, th;

		FUZZ_CHECK(strlen(o.hash) == UPLOAD_HASH_LEN &&
		    strspn(o.hash, "0123456789abcdef") == UPLOAD_HASH_LEN,
		    "name %s", o.hash);
		FUZZ_CHECK(app_upload_check(o.image, &(struct upload_limits){
		    o.image.len, lim.max_pixels }, &k, &w, &h) == UPLOAD_OK &&
		    k == o.kind && w == o.width && h == o.height,
		    "the encoded image does not pass its own checks");
		FUZZ_CHECK(app_upload_check(o.thumb, &(struct upload_limits){
		    o.thumb.len, lim.max_pixels }, &tk, &tw, &th) == UPLOAD_OK &&
		    tk == o.kind && tw <= w && th <= h,
		    "the thumbnail does not pass, or is larger than the image");
	}
	arena_free(a);
	return 0;
}
