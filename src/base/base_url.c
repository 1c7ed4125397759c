/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * base_url.c: URL references parsed by liburiparser (RFC 3986), and the one
 * check that decides which of them may become a link, a domain label or a
 * redirect (docs/decisions/008-url-parser.md).
 *
 * Design notes:
 * - The grammar is uriparser's; nothing here splits a URL by hand beyond
 *   finding where the authority ends, which only decides whether a raw
 *   "[" is an IPv6 bracket or a byte to escape.
 * - Browsers follow the WHATWG URL standard, which reads some inputs
 *   differently from RFC 3986: "\" counts as "/", tabs and newlines are
 *   dropped, "https:evil.example" has a host, percent escapes and numbers
 *   like 0x7f.1 in a host are decoded. A URL where the two readings could
 *   differ is refused, never guessed at.
 * - Writers (html_url) percent-encode spaces, quotes, non-ASCII and the
 *   like, so those bytes are accepted in the path, query and fragment: the
 *   check parses an escaped copy. In the scheme or authority they refuse
 *   the URL, so every part before the path is a slice of the caller's text.
 */
#include "base.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uriparser/Uri.h>

/* ---- parsing ----------------------------------------------------------- */

static bool
isalnum_ascii(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* What the scan before parsing makes of a byte (0: nothing to do). */
enum {
	B_BAD = 1,  /* refuses the URL: control bytes and "\\" */
	B_ESC,      /* not allowed by RFC 3986 anywhere; a writer escapes it */
	B_BRACKET,  /* "[" and "]": allowed only around an IPv6 host */
	B_HASH,     /* the first "#" starts the fragment; another is data */
	B_PCT,      /* "%": an escape when two hex digits follow */
};

static const unsigned char byte_class[256] = {
	[0x00 ... 0x1f] = B_BAD, [0x7f] = B_BAD, ['\\'] = B_BAD,
	[' '] = B_ESC, ['"'] = B_ESC, ['<'] = B_ESC, ['>'] = B_ESC,
	['`'] = B_ESC, ['{'] = B_ESC, ['}'] = B_ESC, ['|'] = B_ESC,
	['^'] = B_ESC, [0x80 ... 0xff] = B_ESC,
	['['] = B_BRACKET, [']'] = B_BRACKET, ['#'] = B_HASH, ['%'] = B_PCT,
};

/*
 * Whether byte i of s, of class k (not 0 or B_BAD), is one RFC 3986 does
 * not allow there but a writer percent-encodes. The authority is
 * [auth_start, auth_end); *seen_hash tells whether a "#" came before.
 */
static bool
needs_escape(struct str s, size_t i, unsigned k, size_t auth_start,
    size_t auth_end, bool *seen_hash)
{
	switch (k) {
	case B_BRACKET:
		return i < auth_start || i >= auth_end;
	case B_HASH:
		if (*seen_hash)
			return true;
		*seen_hash = true;
		return false;
	case B_PCT:
		return i + 2 >= s.len || !is_hex(s.p[i + 1]) ||
		    !is_hex(s.p[i + 2]);
	default:
		return true;
	}
}

/*
 * uriparser's allocations during one parse (path segments, IP address
 * bytes), carved from a block on url_parse's stack and freed with it; a
 * URL with more segments than fit falls back to malloc. Each block starts
 * with its size, for realloc.
 */
struct pool {
	size_t used;                              /* bytes of mem handed out */
	_Alignas(max_align_t) unsigned char mem[2048];
};

#define POOL_HDR ((sizeof(size_t) + _Alignof(max_align_t) - 1) & \
    ~(_Alignof(max_align_t) - 1))

static bool
in_pool(const struct pool *p, const void *ptr)
{
	const unsigned char *c = ptr;

	return c >= p->mem && c < p->mem + sizeof(p->mem);
}

static void *
pool_malloc(UriMemoryManager *m, size_t n)
{
	struct pool *p = m->userData;
	size_t need = POOL_HDR + ((n + _Alignof(max_align_t) - 1) &
	    ~(_Alignof(max_align_t) - 1));
	unsigned char *r;

	if (n > sizeof(p->mem) || need > sizeof(p->mem) - p->used)
		return malloc(n);
	r = p->mem + p->used;
	p->used += need;
	memcpy(r, &n, sizeof(n));
	return r + POOL_HDR;
}

static void *
pool_calloc(UriMemoryManager *m, size_t k, size_t n)
{
	void *r;

	if (n != 0 && k > SIZE_MAX / n)
		return NULL;
	r = pool_malloc(m, k * n);
	if (r != NULL)
		memset(r, 0, k * n);
	return r;
}

static void *
pool_realloc(UriMemoryManager *m, void *ptr, size_t n)
{
	size_t old;
	void *r;

	if (ptr == NULL || !in_pool(m->userData, ptr))
		return realloc(ptr, n);
	memcpy(&old, (unsigned char *)ptr - POOL_HDR, sizeof(old));
	r = pool_malloc(m, n);
	if (r != NULL)
		memcpy(r, ptr, old < n ? old : n);
	return r;
}

static void *
pool_reallocarray(UriMemoryManager *m, void *ptr, size_t k, size_t n)
{
	if (n != 0 && k > SIZE_MAX / n)
		return NULL;
	return pool_realloc(m, ptr, k * n);
}

static void
pool_free(UriMemoryManager *m, void *ptr)
{
	if (!in_pool(m->userData, ptr))
		free(ptr);
}

/* The slice of s at uriparser's range r over text base..base+n. An empty
 * range may point at a static "" of uriparser's (an empty host does), so
 * it becomes an empty slice at the start of s. */
static struct str
range(struct str s, const char *base, size_t n, UriTextRangeA r)
{
	if (r.first == NULL)
		return STR_NULL;
	if (r.first == r.afterLast || r.first < base || r.afterLast > base + n)
		return (struct str){ s.p, 0 };
	return (struct str){ s.p + (r.first - base),
	    (size_t)(r.afterLast - r.first) };
}

/*
 * Parses the URI reference s into *u, whose parts are slices of s (valid
 * as long as s is). Bytes a writer would percent-encode (space, quotes,
 * non-ASCII, a stray "%") are accepted in the path, query and fragment.
 * Returns -1 for anything else RFC 3986 refuses, and for control bytes,
 * backslashes, and bytes that would need escaping in the scheme, user info
 * or host, since browsers read those differently.
 */
int
url_parse(struct str s, struct url *u)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, auth_start = 0, auth_end = 0, rest, n;
	bool seen_hash = false, escape = false;
	char small[768], *copy = NULL;
	const char *text, *err;
	struct pool pool;
	UriMemoryManager mm = { pool_malloc, pool_calloc, pool_realloc,
	    pool_reallocarray, pool_free, &pool };
	UriUriA uu;
	int rc = -1;

	memset(u, 0, sizeof(*u));
	if (s.p == NULL)
		s = STR_LIT("");
	/* Where the authority is, if any: after "scheme://" or a leading "//". */
	i = 0;
	if (s.len > 0 && isalnum_ascii(s.p[0]) && !(s.p[0] >= '0' && s.p[0] <= '9')) {
		for (i = 1; i < s.len && (isalnum_ascii(s.p[i]) || s.p[i] == '+' ||
		    s.p[i] == '-' || s.p[i] == '.'); i++)
			;
		if (i < s.len && s.p[i] == ':') {
			u->scheme = (struct str){ s.p, i };
			i++;
		} else {
			i = 0;
		}
	}
	if (s.len - i >= 2 && s.p[i] == '/' && s.p[i + 1] == '/') {
		u->has_authority = true;
		auth_start = i + 2;
		for (auth_end = auth_start; auth_end < s.len &&
		    s.p[auth_end] != '/' && s.p[auth_end] != '?' &&
		    s.p[auth_end] != '#'; auth_end++)
			;
	}
	rest = u->has_authority ? auth_end : i;
	for (i = 0; i < s.len; i++) {
		unsigned k = byte_class[(unsigned char)s.p[i]];

		if (k == 0)
			continue;
		if (k == B_BAD)
			return -1;
		if (needs_escape(s, i, k, auth_start, auth_end, &seen_hash)) {
			if (i < rest)
				return -1;
			escape = true;
		}
	}
	text = s.p;
	n = s.len;
	if (escape) {
		/* Short URLs are escaped on the stack: no malloc per request. */
		copy = s.len <= sizeof(small) / 3 ? small : xmalloc(s.len * 3);
		seen_hash = false;
		for (i = 0, n = 0; i < s.len; i++) {
			unsigned char c = (unsigned char)s.p[i];
			unsigned k = byte_class[c];

			if (k != 0 && needs_escape(s, i, k, auth_start, auth_end,
			    &seen_hash)) {
				copy[n++] = '%';
				copy[n++] = hex[c >> 4];
				copy[n++] = hex[c & 15];
			} else {
				copy[n++] = (char)c;
			}
		}
		text = copy;
	}
	pool.used = 0;
	if (uriParseSingleUriExMmA(&uu, text, text + n, &err, &mm) != URI_SUCCESS)
		goto out;
	/* Scheme, user info, host and port lie before the first escaped byte,
	 * so their offsets in the copy are their offsets in s. */
	if ((uu.scheme.first != NULL) != (u->scheme.p != NULL)) {
		uriFreeUriMembersMmA(&uu, &mm);
		goto out;
	}
	u->userinfo = range(s, text, n, uu.userInfo);
	u->host = range(s, text, n, uu.hostText);
	u->port = range(s, text, n, uu.portText);
	u->ip6 = uu.hostData.ip6 != NULL;
	u->ipfuture = uu.hostData.ipFuture.first != NULL;
	if (u->has_authority) {
		size_t hp = auth_start;

		if (u->userinfo.p != NULL)
			hp = (size_t)(u->userinfo.p - s.p) + u->userinfo.len + 1;
		u->hostport = (struct str){ s.p + hp, auth_end - hp };
	}
	uriFreeUriMembersMmA(&uu, &mm);
	/* The path, query and fragment, from the caller's text, escapes and all. */
	{
		const char *end = s.p + s.len, *hash, *qm;

		hash = memchr(s.p + rest, '#', s.len - rest);
		qm = memchr(s.p + rest, '?', (size_t)((hash ? hash : end) -
		    (s.p + rest)));
		u->path = (struct str){ s.p + rest, (size_t)((qm ? qm : hash ?
		    hash : end) - (s.p + rest)) };
		if (qm != NULL)
			u->query = (struct str){ qm + 1, (size_t)((hash ? hash :
			    end) - qm - 1) };
		if (hash != NULL)
			u->fragment = (struct str){ hash + 1, (size_t)(end - hash -
			    1) };
	}
	rc = 0;
out:
	if (copy != small)
		free(copy);
	return rc;
}

/* ---- the link check ---------------------------------------------------- */

/*
 * Whether host h (a registered name) ends in a number, which browsers read
 * as an IPv4 address: all digits, or "0x" and hex digits, as its last label.
 */
static bool
ends_in_number(struct str h)
{
	size_t end = h.len, start;

	if (end > 0 && h.p[end - 1] == '.')
		end--;
	for (start = end; start > 0 && h.p[start - 1] != '.'; start--)
		;
	if (start == end)
		return false;
	if (end - start >= 2 && h.p[start] == '0' && (h.p[start + 1] | 0x20) == 'x') {
		for (size_t i = start + 2; i < end; i++)
			if (!is_hex(h.p[i]))
				return false;
		return true;
	}
	for (size_t i = start; i < end; i++)
		if (h.p[i] < '0' || h.p[i] > '9')
			return false;
	return true;
}

/* An IPv4 address written as four decimal numbers, the only way shown. */
static bool
canonical_ip4(struct str h)
{
	char tmp[16];
	struct in_addr a;

	if (h.len >= sizeof(tmp))
		return false;
	memcpy(tmp, h.p, h.len);
	tmp[h.len] = '\0';
	return inet_pton(AF_INET, tmp, &a) == 1;
}

static enum url_fault
check_host(const struct url *u)
{
	if (u->host.len == 0)
		return URL_NOHOST;
	if (u->ipfuture)
		return URL_HOST;
	if (u->ip6)
		return URL_OK;
	for (size_t i = 0; i < u->host.len; i++) {
		char c = u->host.p[i];

		if (!isalnum_ascii(c) && c != '-' && c != '.' && c != '_')
			return URL_HOST;
	}
	if (ends_in_number(u->host) && !canonical_ip4(u->host))
		return URL_HOST;
	return URL_OK;
}

/*
 * Checks that s may be written as a link target: an absolute http or https
 * URL with a plain host, a mailto URL, or (without URL_WEB in flags) a
 * relative reference that does not start with "//". With URL_WEB only
 * absolute http and https URLs pass. Fills *u as url_parse does (its
 * contents are unspecified unless the result is URL_OK). Returns URL_OK or
 * the first fault found.
 */
enum url_fault
url_check(struct str s, struct url *u, unsigned flags)
{
	bool http;

	if (s.len == 0 || url_parse(s, u) != 0)
		return URL_SYNTAX;
	if (u->scheme.p == NULL) {
		if (u->has_authority)
			return URL_NOHOST;
		return (flags & URL_WEB) ? URL_SCHEME : URL_OK;
	}
	http = str_case_eq(u->scheme, STR_LIT("http")) ||
	    str_case_eq(u->scheme, STR_LIT("https"));
	if (!http) {
		if ((flags & URL_WEB) || !str_case_eq(u->scheme, STR_LIT("mailto")))
			return URL_SCHEME;
		return u->has_authority ? URL_SYNTAX : URL_OK;
	}
	if (!u->has_authority)
		return URL_NOHOST;
	if (u->userinfo.p != NULL)
		return URL_USERINFO;
	if (check_host(u) != URL_OK)
		return check_host(u);
	if (u->port.len > 0) {
		int64_t port;

		if (u->port.len > 5 || !str_to_i64(u->port, &port) || port < 1 ||
		    port > 65535)
			return URL_PORT;
	}
	return URL_OK;
}

/*
 * Whether p is a path that stays on this site when sent as a redirect: one
 * "/" and then printable ASCII, with no "/" or "\" after the first one,
 * written or escaped ("//host", "/\host", "/%2F%2Fhost" and "/%5Chost"
 * would leave or be decoded into leaving), and no backslash anywhere.
 */
bool
url_is_local_path(struct str p)
{
	if (p.len == 0 || p.p[0] != '/')
		return false;
	if (p.len >= 2 && (p.p[1] == '/' || p.p[1] == '\\'))
		return false;
	if (p.len >= 4 && p.p[1] == '%' && (str_case_eq((struct str){ p.p + 1, 3 },
	    STR_LIT("%2f")) || str_case_eq((struct str){ p.p + 1, 3 },
	    STR_LIT("%5c"))))
		return false;
	for (size_t i = 0; i < p.len; i++)
		if ((unsigned char)p.p[i] <= ' ' || (unsigned char)p.p[i] >= 0x7f ||
		    p.p[i] == '\\')
			return false;
	return true;
}

/*
 * The host of a URL that passed url_check, as a domain label: lowercased,
 * without a leading "www.", an IPv6 literal in brackets, a punycode
 * ("xn--") name as written. Allocated in a; NULL when u has no host.
 */
char *
url_host_label(struct arena *a, const struct url *u)
{
	struct str h = u->host;
	char *out, *p;

	if (h.len == 0)
		return NULL;
	if (!u->ip6 && h.len > 4 && strncasecmp(h.p, "www.", 4) == 0) {
		h.p += 4;
		h.len -= 4;
	}
	out = p = arena_alloc(a, h.len + 3);
	if (u->ip6)
		*p++ = '[';
	for (size_t i = 0; i < h.len; i++) {
		char c = h.p[i];

		*p++ = (c >= 'A' && c <= 'Z') ? (char)(c | 0x20) : c;
	}
	if (u->ip6)
		*p++ = ']';
	*p = '\0';
	return out;
}

/* ---- escaping ---------------------------------------------------------- */

/*
 * Appends s to b percent-encoded for a query value or path segment: every
 * byte but RFC 3986's unreserved characters becomes %XX (uriparser's
 * escaper). uriparser stops at a NUL byte: callers pass text that was
 * checked to hold none (the server refuses NUL in queries and forms).
 */
void
url_escape(struct buf *b, struct str s)
{
	char *end;

	if (s.len == 0)
		return;
	buf_reserve(b, s.len * 3 + 1);
	end = uriEscapeExA(s.p, s.p + s.len, b->p + b->len, URI_FALSE, URI_FALSE);
	b->len = (size_t)(end - b->p);
}
