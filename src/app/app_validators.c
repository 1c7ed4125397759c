/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_validators.c: ETag and Last-Modified for answers whose bytes a
 * reader may already hold (the Atom feeds), and the conditional GET that
 * answers 304 to such a reader (RFC 9110 section 13).
 *
 * The ETag is a hash of the answer's bytes, so it is the same whichever
 * server or thread wrote them and changes exactly when they change. The
 * page cache keeps both validators with the page (c->etag,
 * c->last_modified and its header text) and calls app_validators_replay when it serves it, so
 * a cached answer and a fresh one agree.
 */
#include "app_int.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

/* An HTTP date (RFC 9110 IMF-fixdate) in the arena. */
static const char *
http_date(struct ctx *c, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char *out = arena_alloc(c->a, 32);

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	return out;
}

/* True when If-None-Match lists etag (weak comparison) or is "*". */
static bool
etag_matches(struct str inm, const char *etag)
{
	struct str want = str_c(etag);
	size_t i = 0;

	while (i < inm.len) {
		size_t start, end;
		struct str tag;

		while (i < inm.len && (inm.p[i] == ' ' || inm.p[i] == ',' ||
		    inm.p[i] == '\t'))
			i++;
		start = i;
		while (i < inm.len && inm.p[i] != ',')
			i++;
		end = i;
		tag = str_trim((struct str){ inm.p + start, end - start });
		if (str_eq_lit(tag, "*"))
			return true;
		if (tag.len > 2 && tag.p[0] == 'W' && tag.p[1] == '/') {
			tag.p += 2;
			tag.len -= 2;
		}
		if (str_eq(tag, want))
			return true;
	}
	return false;
}

/* True when If-Modified-Since is an HTTP date at or after updated. */
static bool
not_modified_since(struct ctx *c, struct str ims, int64_t updated)
{
	struct tm tm;
	char *s, *end;

	if (ims.p == NULL || ims.len > 64)
		return false;
	s = str_dup(c->a, ims);
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL || *end != '\0')
		return false;
	return (int64_t)timegm(&tm) >= updated;
}

/*
 * Adds the ETag and Last-Modified (date, which is updated as an HTTP
 * date) headers, and answers 304 with no body when If-None-Match lists
 * etag or, without one, If-Modified-Since is not before updated. Returns true when it answered 304.
 */
bool
app_validators_replay(struct ctx *c, const char *etag, const char *date,
    int64_t updated)
{
	struct str inm = http_header(c->r, "If-None-Match");

	http_add_header(c->r, "ETag", etag);
	http_add_header(c->r, "Last-Modified", date);
	if (inm.p != NULL ? !etag_matches(inm, etag) :
	    !not_modified_since(c, http_header(c->r, "If-Modified-Since"),
	    updated))
		return false;
	c->r->status = 304;
	c->r->out.len = 0;
	return true;
}

/*
 * Gives the answer in c->r->out an ETag (a BLAKE2b hash of its bytes) and
 * updated as its Last-Modified, keeps both in c for the page cache, and
 * answers 304 when the request's validators match (see
 * app_validators_replay). Returns true when it answered 304.
 */
bool
app_validators(struct ctx *c, int64_t updated)
{
	unsigned char digest[16];
	char hex[sizeof(digest) * 2 + 1];

	crypto_generichash(digest, sizeof(digest),
	    (const unsigned char *)c->r->out.p, c->r->out.len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	c->etag = arena_printf(c->a, "\"%s\"", hex);
	c->last_modified = updated;
	c->last_modified_date = http_date(c, updated);
	return app_validators_replay(c, c->etag, c->last_modified_date,
	    updated);
}
