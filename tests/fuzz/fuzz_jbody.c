/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_jbody.c: the API's JSON body reader (app_jbody.c) and bearer
 * header parser (app_token.c) on any bytes. The first byte picks one:
 * odd reads a body against the fields of POST /api/v1/comments, even
 * reads an Authorization header. Invariants: no crash or leak; a body
 * read as OK holds its required fields with the declared types and
 * strings of valid UTF-8 without NUL; a header read as OK is
 * "Bearer parley_" and 64 lowercase hex digits.
 */
#include "fuzz.h"

#include "app/app_jbody_int.h"

#include <strings.h>

/* From app_token.c (app_int.h clashes with jansson's names elsewhere,
 * not here, but stays out of a body reader's test). */
enum bearer_rc { BEARER_NONE, BEARER_OK, BEARER_BAD };
enum bearer_rc app_bearer_parse(struct str header, unsigned char key[32]);

static const struct jfield fields[] = {
	{ "post", JT_INT, true, false, .min = 1 },
	{ "parent", JT_INT, false, true, .min = 1 },
	{ "body", JT_STR, true, false, .max = 100 },
	{ "nsfw", JT_BOOL, false, false, .doc = "a flag" },
};

static void
check_body(struct arena *a, const uint8_t *data, size_t size)
{
	struct jval v[4];
	const char *bad = NULL;
	enum jbody_rc rc = app_jbody_parse(a, (struct str){ (const char *)data,
	    size }, fields, 4, v, &bad);

	if (rc != JBODY_OK) {
		FUZZ_CHECK(rc != JBODY_MISSING || bad != NULL, "no field named");
		return;
	}
	FUZZ_CHECK(v[0].present && !v[0].null, "post missing");
	FUZZ_CHECK(v[2].present && !v[2].null, "body missing");
	FUZZ_CHECK(memchr(v[2].s.p, '\0', v[2].s.len) == NULL, "NUL in body");
	FUZZ_CHECK(str_utf8_valid(v[2].s), "body not UTF-8");
	FUZZ_CHECK(!v[3].null, "nsfw null");
	FUZZ_CHECK(size <= JBODY_MAX, "over the limit");
}

static void
check_bearer(const uint8_t *data, size_t size)
{
	char *copy = fuzz_strndup(data, size);
	unsigned char key[32];
	enum bearer_rc rc = app_bearer_parse((struct str){ copy, size }, key);

	if (rc == BEARER_OK) {
		size_t i = 7;

		FUZZ_CHECK(strncasecmp(copy, "Bearer ", 7) == 0, "scheme");
		while (copy[i] == ' ')
			i++;
		FUZZ_CHECK(strncmp(copy + i, "parley_", 7) == 0, "prefix");
		for (size_t k = 0; k < 64; k++) {
			char ch = copy[i + 7 + k];

			FUZZ_CHECK((ch >= '0' && ch <= '9') ||
			    (ch >= 'a' && ch <= 'f'), "not lowercase hex");
		}
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena *a;

	if (size == 0)
		return 0;
	if (a == NULL)
		a = arena_new(4096);
	if (data[0] & 1)
		check_body(a, data + 1, size - 1);
	else
		check_bearer(data + 1, size - 1);
	arena_reset(a);
	return 0;
}
