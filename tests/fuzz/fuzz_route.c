/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_route.c: the route matcher of app_routes.c (its static match(),
 * reached by including the file) against a reference that splits pattern
 * and path into segments. For every pattern of the real route table and
 * every path: both agree on whether it matches; a '*' capture is one
 * non-empty segment and a '#' capture 1 to 18 ASCII digits; the captures
 * point inside the path; and app_param_id accepts exactly the positive
 * ids that fit in int64. fuzz_app runs the same matcher inside whole
 * requests; this target reaches odd paths faster.
 */
#include "fuzz.h"

#include "app/app_routes.c"

/* Splits s at '/' into at most max segments; returns the count or -1. */
static int
segments(const char *s, size_t n, struct str *seg, int max)
{
	int k = 0;
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '/')
			continue;
		if (k == max)
			return -1;
		seg[k].p = s + start;
		seg[k].len = i - start;
		k++;
		start = i + 1;
	}
	return k;
}

/* The reference: segment by segment, captures in order. */
static bool
ref_match(const char *pattern, struct str path, struct str *cap, size_t *ncap)
{
	struct str ps[64], xs[64];
	int np = segments(pattern, strlen(pattern), ps, 64);
	int nx = segments(path.p, path.len, xs, 64);

	*ncap = 0;
	if (np < 0 || nx < 0 || np != nx)
		return false;
	for (int i = 0; i < np; i++) {
		bool star = ps[i].len == 1 && ps[i].p[0] == '*';
		bool hash = ps[i].len == 1 && ps[i].p[0] == '#';

		if (!star && !hash) {
			if (!str_eq(ps[i], xs[i]))
				return false;
			continue;
		}
		if (xs[i].len == 0 || *ncap == MAX_ROUTE_PARAMS)
			return false;
		if (hash) {
			if (xs[i].len > 18)
				return false;
			for (size_t k = 0; k < xs[i].len; k++)
				if (xs[i].p[k] < '0' || xs[i].p[k] > '9')
					return false;
		}
		cap[(*ncap)++] = xs[i];
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = fuzz_strndup(data, size);
	struct str path = { copy, size };
	struct ctx c;

	for (size_t i = 0; i < ARRAY_LEN(routes); i++) {
		struct str cap[MAX_ROUTE_PARAMS];
		size_t ncap;
		bool want = ref_match(routes[i].pattern, path, cap, &ncap);
		bool got;

		memset(&c, 0, sizeof(c));
		got = match(routes[i].pattern, path, &c);
		if (got != want) {
			fuzz_dump("path", data, size);
			fuzz__fail(__FILE__, __LINE__, "match(\"%s\") says %d, the "
			    "reference %d", routes[i].pattern, got, want);
		}
		if (!got)
			continue;
		FUZZ_CHECK(c.nparam == ncap, "capture count differs");
		for (size_t k = 0; k < ncap; k++) {
			int64_t id;

			FUZZ_CHECK(c.param[k].p == cap[k].p && c.param[k].len ==
			    cap[k].len, "capture %zu differs", k);
			FUZZ_CHECK(c.param[k].p >= copy && c.param[k].p +
			    c.param[k].len <= copy + size, "capture outside the path");
			if (app_param_id(&c, k, &id)) {
				char back[24];

				FUZZ_CHECK(id > 0, "app_param_id accepted %lld",
				    (long long)id);
				snprintf(back, sizeof(back), "%lld", (long long)id);
				/* The capture is the number, maybe with leading zeros. */
				FUZZ_CHECK(c.param[k].len >= strlen(back) &&
				    memcmp(c.param[k].p + c.param[k].len - strlen(back), back,
				    strlen(back)) == 0, "id does not read back");
			}
		}
	}
	free(copy);
	return 0;
}
