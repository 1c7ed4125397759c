/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_app.c: whole requests, from the libmicrohttpd callbacks of
 * http_server.c through routing, sessions, CSRF and every handler to the
 * response, on an in-memory SQLite database.
 *
 * libmicrohttpd itself is replaced by fakes defined here (an executable's
 * own definitions win over the shared library's): a connection holds the
 * headers, cookies and query arguments the fuzzer chose, the post
 * processor decodes urlencoded bodies the way libmicrohttpd does (split on
 * & and =, '+' as space, %XX through the real MHD_http_unescape, values
 * handed over in pieces), and a queued response is captured. The path and
 * query go through Parley's own unescape callback. http_server.c is
 * included so its callbacks are called exactly as libmicrohttpd calls
 * them: first call, body chunks, last call, then request completed.
 * argon2id is replaced by a fast fake so that sign-up and sign-in do not
 * take 25 ms and 19 MiB each.
 *
 * At start the harness creates an admin and a user (signed in, CSRF
 * tokens known), a community "fuzz" with post 1 and comment 1. Each input
 * runs inside one outer transaction that is rolled back afterwards, so
 * every input starts from the same database. An input is up to 8
 * requests separated by a line "--"; each request is a line
 * "METHOD TARGET" followed by lines:
 *   H Name: value     a request header
 *   F a=1&b=2         urlencoded form body (several F lines join with &)
 *   B bytes           raw body, appended as it stands
 *   A admin|user|anon|none   who sends it (default admin)
 *   X nocsrf|badcsrf  leave out or spoil the csrf field of a POST
 *   S n               body chunk size for the upload callbacks
 * After every request:
 * - a response was queued, with a status below 500 (nothing can fail
 *   on the server's side here, so a 5xx is a bug);
 * - no header holds CR or LF; Location is a path on this site (never
 *   "//" or "/\", an open redirect);
 * - the body is valid UTF-8; HTML has no script, frame, object, embed,
 *   base or svg element, no on... attribute, no link or form target
 *   outside http, https, mailto and relative; JSON parses (RFC 8259);
 * - the store's transaction depth is back to the harness's one level.
 */
#include "fuzz.h"

#include <ctype.h>
#include <sodium.h>
#include <strings.h>

#include "http/http_server.c"

/* <limits.h>, by way of the system headers above, has its own NAME_MAX. */
#undef NAME_MAX
#include "app/app_int.h"
#include "store/store_int.h"

#define MAX_REQUESTS 8
#define MAX_KV 96
#define MAX_BODY_FUZZ (64 * 1024)

/* ---- fake libmicrohttpd --------------------------------------------------- */

struct fz_kv {
	char *k;                /* NUL-terminated, in the connection's arena */
	size_t kn;
	char *v;                /* NULL for a query key without '=' */
	size_t vn;
};

struct MHD_Connection {
	struct arena *a;        /* everything below; freed after the checks */
	struct fz_kv hdr[MAX_KV], cookie[MAX_KV], arg[MAX_KV];
	size_t nhdr, ncookie, narg;
	size_t piece;           /* post processor hands values over in pieces */
	bool queued;            /* a response was queued */
	unsigned status;
	struct fz_kv out_hdr[MAX_KV];
	size_t nout_hdr;
	char *out;              /* copy of the response body */
	size_t out_len;
};

struct MHD_Response {
	const char *body;       /* borrowed: the request arena */
	size_t len;
	struct fz_kv hdr[MAX_KV];
	size_t nhdr;
};

struct MHD_PostProcessor {
	struct MHD_Connection *conn;
	MHD_PostDataIterator iter;
	void *cls;
	struct buf data;        /* body bytes not yet decoded (heap) */
	bool failed;
};

static bool
key_eq(const struct fz_kv *kv, const char *key, size_t kn, bool caseless)
{
	return kv->kn == kn && (caseless ? strncasecmp(kv->k, key, kn) == 0 :
	    memcmp(kv->k, key, kn) == 0);
}

enum MHD_Result
MHD_lookup_connection_value_n(struct MHD_Connection *c, enum MHD_ValueKind kind,
    const char *key, size_t key_size, const char **value_ptr,
    size_t *value_size_ptr)
{
	const struct fz_kv *v = kind == MHD_COOKIE_KIND ? c->cookie :
	    kind == MHD_HEADER_KIND ? c->hdr : c->arg;
	size_t n = kind == MHD_COOKIE_KIND ? c->ncookie :
	    kind == MHD_HEADER_KIND ? c->nhdr : c->narg;

	for (size_t i = 0; i < n; i++) {
		if (!key_eq(&v[i], key, key_size, kind == MHD_HEADER_KIND))
			continue;
		if (value_ptr != NULL)
			*value_ptr = v[i].v;
		if (value_size_ptr != NULL)
			*value_size_ptr = v[i].vn;
		return MHD_YES;
	}
	return MHD_NO;
}

const char *
MHD_lookup_connection_value(struct MHD_Connection *c, enum MHD_ValueKind kind,
    const char *key)
{
	const char *v = NULL;

	if (MHD_lookup_connection_value_n(c, kind, key, strlen(key), &v, NULL) !=
	    MHD_YES)
		return NULL;
	return v;
}

int
MHD_get_connection_values_n(struct MHD_Connection *c, enum MHD_ValueKind kind,
    MHD_KeyValueIteratorN iterator, void *iterator_cls)
{
	const struct fz_kv *v = kind == MHD_HEADER_KIND ? c->hdr : c->arg;
	size_t n = kind == MHD_HEADER_KIND ? c->nhdr : c->narg;

	for (size_t i = 0; i < n; i++)
		if (iterator(iterator_cls, kind, v[i].k, v[i].kn, v[i].v,
		    v[i].vn) != MHD_YES)
			return (int)i + 1;
	return (int)n;
}

const union MHD_ConnectionInfo *
MHD_get_connection_info(struct MHD_Connection *c,
    enum MHD_ConnectionInfoType info_type, ...)
{
	static struct sockaddr_in peer;
	static union MHD_ConnectionInfo info;

	if (info_type != MHD_CONNECTION_INFO_CLIENT_ADDRESS)
		return NULL;
	peer.sin_family = AF_INET;
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	info.client_addr = (struct sockaddr *)&peer;
	return &info;
}

struct MHD_Response *
MHD_create_response_from_buffer(size_t size, void *buffer,
    enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = calloc(1, sizeof(*r));

	if (r == NULL)
		abort();
	r->body = buffer;
	r->len = size;
	return r;
}

enum MHD_Result
MHD_add_response_header(struct MHD_Response *r, const char *header,
    const char *content)
{
	FUZZ_CHECK(strpbrk(header, "\r\n:") == NULL, "response header name "
	    "\"%s\" holds CR, LF or ':'", header);
	FUZZ_CHECK(strpbrk(content, "\r\n") == NULL, "response header %s holds "
	    "CR or LF", header);
	FUZZ_CHECK(r->nhdr < MAX_KV, "too many response headers");
	r->hdr[r->nhdr].k = fuzz_strndup(header, strlen(header));
	r->hdr[r->nhdr].kn = strlen(header);
	r->hdr[r->nhdr].v = fuzz_strndup(content, strlen(content));
	r->hdr[r->nhdr].vn = strlen(content);
	r->nhdr++;
	return MHD_YES;
}

void
MHD_destroy_response(struct MHD_Response *r)
{
	for (size_t i = 0; i < r->nhdr; i++) {
		free(r->hdr[i].k);
		free(r->hdr[i].v);
	}
	free(r);
}

enum MHD_Result
MHD_queue_response(struct MHD_Connection *c, unsigned int status_code,
    struct MHD_Response *r)
{
	FUZZ_CHECK(!c->queued, "two responses queued for one request");
	c->queued = true;
	c->status = status_code;
	c->out = arena_strndup(c->a, r->body ? r->body : "", r->len);
	c->out_len = r->len;
	for (size_t i = 0; i < r->nhdr; i++) {
		c->out_hdr[i].k = arena_strndup(c->a, r->hdr[i].k, r->hdr[i].kn);
		c->out_hdr[i].kn = r->hdr[i].kn;
		c->out_hdr[i].v = arena_strndup(c->a, r->hdr[i].v, r->hdr[i].vn);
		c->out_hdr[i].vn = r->hdr[i].vn;
	}
	c->nout_hdr = r->nhdr;
	return MHD_YES;
}

struct MHD_PostProcessor *
MHD_create_post_processor(struct MHD_Connection *c, size_t buffer_size,
    MHD_PostDataIterator iter, void *iter_cls)
{
	struct MHD_PostProcessor *pp = calloc(1, sizeof(*pp));
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);

	/* Like libmicrohttpd: only the two form encodings it knows. */
	if (pp == NULL)
		abort();
	if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded",
	    33) != 0) {
		free(pp);
		return NULL;
	}
	pp->conn = c;
	pp->iter = iter;
	pp->cls = iter_cls;
	buf_init(&pp->data, NULL, 256);
	return pp;
}

/* '+' to space, then %XX with libmicrohttpd's own decoder. */
static size_t
form_unescape(char *s)
{
	for (char *p = s; *p != '\0'; p++)
		if (*p == '+')
			*p = ' ';
	return MHD_http_unescape(s);
}

/* Decodes one key=value piece and hands the value over in pieces. */
static void
post_pair(struct MHD_PostProcessor *pp, const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);
	char *key = fuzz_strndup(s, eq ? (size_t)(eq - s) : n);
	char *val = fuzz_strndup(eq ? eq + 1 : "", eq ? n - (size_t)(eq - s) - 1 :
	    0);
	size_t vn, off = 0, piece = pp->conn->piece ? pp->conn->piece : SIZE_MAX;

	form_unescape(key);
	vn = form_unescape(val);
	do {
		size_t k = vn - off < piece ? vn - off : piece;

		if (pp->iter(pp->cls, MHD_POSTDATA_KIND, key, NULL, NULL, NULL,
		    val + off, off, k) != MHD_YES)
			pp->failed = true;
		off += k;
	} while (off < vn);
	free(key);
	free(val);
}

enum MHD_Result
MHD_post_process(struct MHD_PostProcessor *pp, const char *post_data,
    size_t post_data_len)
{
	buf_put(&pp->data, post_data, post_data_len);
	return MHD_YES;
}

enum MHD_Result
MHD_destroy_post_processor(struct MHD_PostProcessor *pp)
{
	const char *s = pp->data.p;
	size_t n = pp->data.len, start = 0;
	bool failed;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '&')
			continue;
		if (i > start)
			post_pair(pp, s + start, i - start);
		start = i + 1;
	}
	failed = pp->failed;
	buf_reset(&pp->data);
	free(pp);
	return failed ? MHD_NO : MHD_YES;
}

/* ---- fake argon2id -------------------------------------------------------- */

int
crypto_pwhash_str_alg(char out[crypto_pwhash_STRBYTES], const char *const passwd,
    unsigned long long passwdlen, unsigned long long opslimit, size_t memlimit,
    int alg)
{
	unsigned char h[16];

	crypto_generichash(h, sizeof(h), (const unsigned char *)passwd,
	    passwdlen, NULL, 0);
	memset(out, 0, crypto_pwhash_STRBYTES);
	memcpy(out, "$fuzz$", 6);
	sodium_bin2hex(out + 6, 33, h, sizeof(h));
	return 0;
}

int
crypto_pwhash_str_verify(const char str[crypto_pwhash_STRBYTES],
    const char *const passwd, unsigned long long passwdlen)
{
	char again[crypto_pwhash_STRBYTES];

	if (crypto_pwhash_str_alg(again, passwd, passwdlen, 0, 0, 0) != 0)
		return -1;
	return strcmp(again, str) == 0 ? 0 : -1;
}

/* ---- one request --------------------------------------------------------- */

struct identity {
	char cookie[256];       /* Cookie header, or "" */
	char csrf[80];          /* the csrf field for its forms */
};

enum who { WHO_ADMIN, WHO_USER, WHO_ANON, WHO_NONE };

static struct identity ids[3];
static struct http_server fz_srv;
static struct app_config fz_cfg;
static bool verbose;

struct request {
	const char *line;       /* "METHOD TARGET", borrowed */
	size_t line_len;
	struct fz_kv hdr[MAX_KV];
	size_t nhdr;
	struct buf body;        /* heap */
	enum who who;
	bool nocsrf, badcsrf, has_form;
	size_t piece;
};

static void
add_kv(struct MHD_Connection *c, struct fz_kv *v, size_t *n, const char *k,
    size_t kn, const char *val, size_t vn, bool has_val)
{
	if (*n == MAX_KV)
		return;
	v[*n].k = arena_strndup(c->a, k, kn);
	v[*n].kn = kn;
	v[*n].v = has_val ? arena_strndup(c->a, val, vn) : NULL;
	v[*n].vn = has_val ? vn : 0;
	(*n)++;
}

/* Cookies the way libmicrohttpd splits them: ';', leading blanks, quotes. */
static void
parse_cookies(struct MHD_Connection *c, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start, eq, end;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		start = i;
		while (i < n && s[i] != ';')
			i++;
		end = i++;
		eq = start;
		while (eq < end && s[eq] != '=')
			eq++;
		if (eq == end || eq == start)
			continue;
		{
			const char *v = s + eq + 1;
			size_t vn = end - eq - 1;

			if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
				v++;
				vn -= 2;
			}
			add_kv(c, c->cookie, &c->ncookie, s + start, eq - start, v, vn,
			    true);
		}
	}
}

/* Query arguments the way libmicrohttpd splits and decodes them. */
static void
parse_args(struct MHD_Connection *c, char *q)
{
	while (q != NULL && *q != '\0') {
		char *amp = strchr(q, '&'), *eq;
		size_t kn, vn = 0;

		if (amp != NULL)
			*amp = '\0';
		eq = strchr(q, '=');
		if (eq != NULL)
			*eq = '\0';
		for (char *p = q; *p; p++)
			if (*p == '+')
				*p = ' ';
		kn = unescape(NULL, c, q);
		if (eq != NULL) {
			for (char *p = eq + 1; *p; p++)
				if (*p == '+')
					*p = ' ';
			vn = unescape(NULL, c, eq + 1);
		}
		add_kv(c, c->arg, &c->narg, q, kn, eq ? eq + 1 : NULL, vn,
		    eq != NULL);
		q = amp ? amp + 1 : NULL;
	}
}

static void check_response(const struct request *rq, struct MHD_Connection *c);

/* Runs one request through the callbacks as libmicrohttpd would; the
 * response is captured in c, whose arena the caller frees. */
static void
run_request(struct request *rq, struct MHD_Connection *c)
{
	char *method, *target, *path, *q;
	const char *sp;
	void *con_cls = NULL;
	size_t up = 0, off = 0, chunk;
	struct identity *id = rq->who < WHO_NONE ? &ids[rq->who] : NULL;
	bool has_ct = false, has_cl = false;

	sp = memchr(rq->line, ' ', rq->line_len);
	method = arena_strndup(c->a, rq->line, sp ? (size_t)(sp - rq->line) :
	    rq->line_len);
	target = sp ? arena_strndup(c->a, sp + 1, rq->line_len -
	    (size_t)(sp + 1 - rq->line)) : arena_strndup(c->a, "/", 1);
	q = strchr(target, '?');
	if (q != NULL)
		*q++ = '\0';
	path = target;
	unescape(NULL, c, path);
	parse_args(c, q);
	for (size_t i = 0; i < rq->nhdr; i++) {
		if (key_eq(&rq->hdr[i], "Cookie", 6, true))
			parse_cookies(c, rq->hdr[i].v, rq->hdr[i].vn);
		has_ct |= key_eq(&rq->hdr[i], "Content-Type", 12, true);
		has_cl |= key_eq(&rq->hdr[i], "Content-Length", 14, true);
		add_kv(c, c->hdr, &c->nhdr, rq->hdr[i].k, rq->hdr[i].kn,
		    rq->hdr[i].v, rq->hdr[i].vn, true);
	}
	add_kv(c, c->hdr, &c->nhdr, "Host", 4, "parley.test", 11, true);
	if (id != NULL && id->cookie[0] != '\0') {
		add_kv(c, c->hdr, &c->nhdr, "Cookie", 6, id->cookie,
		    strlen(id->cookie), true);
		parse_cookies(c, id->cookie, strlen(id->cookie));
	}
	if (strcmp(method, "POST") == 0 && !rq->nocsrf) {
		const char *tok = id != NULL && !rq->badcsrf ? id->csrf :
		    "0000000000000000000000000000000000000000000000000000000000000000";

		if (rq->body.len > 0)
			buf_putc(&rq->body, '&');
		buf_puts(&rq->body, "csrf=");
		buf_puts(&rq->body, tok);
		rq->has_form = true;
	}
	if (rq->has_form && !has_ct)
		add_kv(c, c->hdr, &c->nhdr, "Content-Type", 12,
		    "application/x-www-form-urlencoded", 33, true);
	if (rq->body.len > 0 && !has_cl) {
		char cl[24];
		int n = snprintf(cl, sizeof(cl), "%zu", rq->body.len);

		add_kv(c, c->hdr, &c->nhdr, "Content-Length", 14, cl, (size_t)n,
		    true);
	}
	c->piece = rq->piece;

	on_request(&fz_srv, c, path, method, "HTTP/1.1", NULL, &up, &con_cls);
	chunk = rq->piece ? rq->piece : 4096;
	while (!c->queued && off < rq->body.len) {
		up = rq->body.len - off < chunk ? rq->body.len - off : chunk;
		on_request(&fz_srv, c, path, method, "HTTP/1.1", rq->body.p + off,
		    &up, &con_cls);
		FUZZ_CHECK(up == 0, "on_request left upload data unread");
		off += rq->body.len - off < chunk ? rq->body.len - off : chunk;
	}
	if (!c->queued) {
		up = 0;
		on_request(&fz_srv, c, path, method, "HTTP/1.1", NULL, &up, &con_cls);
	}
	on_completed(&fz_srv, c, &con_cls, MHD_REQUEST_TERMINATED_COMPLETED_OK);
	FUZZ_CHECK(con_cls == NULL, "request state left after completion");
	FUZZ_CHECK(atomic_load(&fz_srv.inflight) == 0, "in-flight count off");
	check_response(rq, c);
}

/* ---- checks ---------------------------------------------------------------- */

__attribute__((noreturn)) static void
fail(const struct request *rq, const struct MHD_Connection *c, const char *why)
{
	fuzz_dump("request", rq->line, rq->line_len);
	if (rq->body.len)
		fuzz_dump("body", rq->body.p, rq->body.len);
	fprintf(stderr, "status %u\n", c->status);
	if (c->out != NULL)
		fuzz_dump("response", c->out, c->out_len);
	fuzz__fail(__FILE__, __LINE__, "%s", why);
}

static const char *
out_header(const struct MHD_Connection *c, const char *name)
{
	for (size_t i = 0; i < c->nout_hdr; i++)
		if (strcasecmp(c->out_hdr[i].k, name) == 0)
			return c->out_hdr[i].v;
	return NULL;
}

/* True for a link target a browser reads as http(s), mailto or relative;
 * u is the attribute value with entities decoded. */
static bool
safe_target(const char *u, size_t n)
{
	size_t b = 0, i = 0;

	while (b < n && (unsigned char)u[b] <= ' ')
		b++;
	u += b;
	n -= b;
	if (n >= 2 && (u[0] == '/' || u[0] == '\\') && (u[1] == '/' ||
	    u[1] == '\\'))
		return false;
	if (n > 0 && isalpha((unsigned char)u[0]))
		while (i < n && (isalnum((unsigned char)u[i]) || u[i] == '+' ||
		    u[i] == '-' || u[i] == '.' || u[i] == '\t' || u[i] == '\n' ||
		    u[i] == '\r'))
			i++;
	if (i == 0 || i >= n || u[i] != ':')
		return true;
	return (i == 4 && strncasecmp(u, "http", 4) == 0) ||
	    (i == 5 && strncasecmp(u, "https", 5) == 0) ||
	    (i == 6 && strncasecmp(u, "mailto", 6) == 0);
}

/* Decodes &amp; &lt; &gt; &quot; &#39; and numeric references. */
static size_t
decode_attr_value(const char *v, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		const char *semi;

		if (v[i] != '&' || (semi = memchr(v + i, ';', n - i)) == NULL) {
			out[o++] = v[i];
			continue;
		}
		if (semi - (v + i) == 4 && memcmp(v + i, "&amp", 4) == 0)
			out[o++] = '&';
		else if (semi - (v + i) == 3 && memcmp(v + i, "&lt", 3) == 0)
			out[o++] = '<';
		else if (semi - (v + i) == 3 && memcmp(v + i, "&gt", 3) == 0)
			out[o++] = '>';
		else if (semi - (v + i) == 5 && memcmp(v + i, "&quot", 5) == 0)
			out[o++] = '"';
		else if (v[i + 1] == '#') {
			long cp = strtol(v + i + 2 + (v[i + 2] == 'x'), NULL,
			    v[i + 2] == 'x' ? 16 : 10);

			out[o++] = cp > 0 && cp < 0x80 ? (char)cp : '?';
		} else {
			out[o++] = v[i];
			continue;
		}
		i = (size_t)(semi - v);
	}
	return o;
}

#define OWN_SCRIPT "<script src=\"/parley.js\" defer></script>"

static void
check_page(const struct request *rq, const struct MHD_Connection *c)
{
	static const char *deny[] = { "script", "iframe", "frame", "frameset",
	    "object", "embed", "applet", "base", "svg", "math", "template",
	    "noscript", "xmp", "plaintext", "portal" };
	static const char *url_attrs[] = { "href", "src", "action",
	    "formaction", "poster", "cite", "data", "srcset", "ping" };
	const char *s = c->out;
	size_t n = c->out_len, i = 0;

	while (i < n) {
		size_t start;

		if (s[i] != '<') {
			i++;
			continue;
		}
		/* The one script every page may carry: the site's own file,
		 * deferred, written by layout.c as this literal. */
		if (n - i >= sizeof(OWN_SCRIPT) - 1 &&
		    memcmp(s + i, OWN_SCRIPT, sizeof(OWN_SCRIPT) - 1) == 0) {
			i += sizeof(OWN_SCRIPT) - 1;
			continue;
		}
		i++;
		if (i < n && s[i] == '!') {
			const char *e = memchr(s + i, '>', n - i);

			if (e == NULL)
				fail(rq, c, "<! without >");
			i = (size_t)(e - s) + 1;
			continue;
		}
		if (i < n && s[i] == '/')
			i++;
		start = i;
		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-'))
			i++;
		if (i == start || !isalpha((unsigned char)s[start]))
			fail(rq, c, "a raw '<' in a page");
		for (size_t k = 0; k < ARRAY_LEN(deny); k++)
			if (strlen(deny[k]) == i - start &&
			    strncasecmp(s + start, deny[k], i - start) == 0)
				fail(rq, c, "a script-capable element in a page");
		for (;;) {
			size_t an, vs, vn;
			const char *name;

			while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t'))
				i++;
			if (i < n && s[i] == '/')
				i++;
			if (i >= n)
				fail(rq, c, "a tag never ends");
			if (s[i] == '>') {
				i++;
				break;
			}
			name = s + i;
			while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-' ||
			    s[i] == '_' || s[i] == ':'))
				i++;
			an = (size_t)(s + i - name);
			if (an == 0)
				fail(rq, c, "a byte that is not an attribute in a tag");
			if (an >= 2 && strncasecmp(name, "on", 2) == 0)
				fail(rq, c, "an on... event attribute in a page");
			if ((an == 6 && strncasecmp(name, "srcdoc", 6) == 0) ||
			    (an == 10 && strncasecmp(name, "http-equiv", 10) == 0))
				fail(rq, c, "srcdoc or http-equiv in a page");
			if (i >= n || s[i] != '=')
				continue;
			i++;
			if (i >= n || s[i] != '"')
				fail(rq, c, "an attribute value not double-quoted");
			vs = ++i;
			while (i < n && s[i] != '"') {
				if (s[i] == '<')
					fail(rq, c, "a raw '<' in an attribute value");
				i++;
			}
			if (i >= n)
				fail(rq, c, "an attribute value never ends");
			vn = i - vs;
			i++;
			for (size_t k = 0; k < ARRAY_LEN(url_attrs); k++) {
				char *dec;
				size_t dn;

				if (strlen(url_attrs[k]) != an ||
				    strncasecmp(name, url_attrs[k], an) != 0)
					continue;
				dec = malloc(vn + 1);
				if (dec == NULL)
					abort();
				dn = decode_attr_value(s + vs, vn, dec);
				if (!safe_target(dec, dn)) {
					fuzz_dump("target", dec, dn);
					fail(rq, c, "a link or form target with an unsafe "
					    "scheme or another host");
				}
				free(dec);
			}
		}
	}
}

/* A structural RFC 8259 check: returns the index after one value or 0. */
static size_t
json_value(const char *s, size_t n, size_t i, int depth)
{
	if (depth > 64)
		return 0;
	while (i < n && strchr(" \t\r\n", s[i]) && s[i])
		i++;
	if (i >= n)
		return 0;
	if (s[i] == '{' || s[i] == '[') {
		char close = s[i] == '{' ? '}' : ']';
		bool obj = s[i] == '{';

		i++;
		while (i < n && strchr(" \t\r\n", s[i]) && s[i])
			i++;
		if (i < n && s[i] == close)
			return i + 1;
		for (;;) {
			if (obj) {
				while (i < n && strchr(" \t\r\n", s[i]) && s[i])
					i++;
				if (i >= n || s[i] != '"' || !(i = json_value(s, n, i,
				    depth + 1)))
					return 0;
				while (i < n && strchr(" \t\r\n", s[i]) && s[i])
					i++;
				if (i >= n || s[i++] != ':')
					return 0;
			}
			if (!(i = json_value(s, n, i, depth + 1)))
				return 0;
			while (i < n && strchr(" \t\r\n", s[i]) && s[i])
				i++;
			if (i < n && s[i] == ',') {
				i++;
				continue;
			}
			return i < n && s[i] == close ? i + 1 : 0;
		}
	}
	if (s[i] == '"') {
		for (i++; i < n; i++) {
			if ((unsigned char)s[i] < 0x20)
				return 0;
			if (s[i] == '"')
				return i + 1;
			if (s[i] == '\\') {
				i++;
				if (i >= n || !strchr("\"\\/bfnrtu", s[i]) || !s[i])
					return 0;
			}
		}
		return 0;
	}
	if (n - i >= 4 && (memcmp(s + i, "true", 4) == 0 ||
	    memcmp(s + i, "null", 4) == 0))
		return i + 4;
	if (n - i >= 5 && memcmp(s + i, "false", 5) == 0)
		return i + 5;
	{
		size_t st = i;

		if (i < n && s[i] == '-')
			i++;
		while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.' ||
		    s[i] == 'e' || s[i] == 'E' || s[i] == '+' || s[i] == '-'))
			i++;
		return i > st && isdigit((unsigned char)s[i - 1]) ? i : 0;
	}
}

static void
check_response(const struct request *rq, struct MHD_Connection *c)
{
	const char *ct, *loc;
	size_t end;

	if (!c->queued)
		fail(rq, c, "no response queued");
	if (c->status < 200 || c->status >= 500)
		fail(rq, c, "a status of 500 or more (or below 200)");
	for (size_t i = 0; i < c->nout_hdr; i++)
		if (!str_utf8_valid((struct str){ c->out_hdr[i].v,
		    c->out_hdr[i].vn }))
			fail(rq, c, "a response header is not valid UTF-8");
	loc = out_header(c, "Location");
	if (loc != NULL && (loc[0] != '/' || loc[1] == '/' || loc[1] == '\\'))
		fail(rq, c, "Location leaves the site");
	if ((c->status == 301 || c->status == 302 || c->status == 303) &&
	    loc == NULL)
		fail(rq, c, "a redirect without Location");
	if (!str_utf8_valid((struct str){ c->out, c->out_len }))
		fail(rq, c, "the body is not valid UTF-8");
	ct = out_header(c, "Content-Type");
	if (ct == NULL)
		fail(rq, c, "no Content-Type");
	if (strncmp(ct, "text/html", 9) == 0) {
		if (out_header(c, "Content-Security-Policy") == NULL)
			fail(rq, c, "a page without Content-Security-Policy");
		check_page(rq, c);
	}
	if (strncmp(ct, "application/json", 16) == 0) {
		end = json_value(c->out, c->out_len, 0, 0);
		while (end > 0 && end < c->out_len && strchr(" \t\r\n",
		    c->out[end]) && c->out[end])
			end++;
		if (end == 0 || end != c->out_len)
			fail(rq, c, "a JSON body that does not parse");
	}
	if (verbose)
		fprintf(stderr, "%.*s -> %u\n", (int)rq->line_len, rq->line,
		    c->status);
}

/* ---- set-up ---------------------------------------------------------------- */

/* Runs a request built from text; returns its status, and copies the
 * response's Location and Set-Cookie values when asked. */
static unsigned
setup_request(const char *line, const char *form, enum who who,
    char *cookie_out, size_t cookie_len, char *page_out, size_t page_len)
{
	struct request rq = { .line = line, .line_len = strlen(line), .who = who };
	struct MHD_Connection *c = calloc(1, sizeof(*c));
	unsigned status;

	if (c == NULL)
		abort();
	c->a = arena_new(16 * 1024);
	buf_init(&rq.body, NULL, 256);
	if (form != NULL) {
		buf_puts(&rq.body, form);
		rq.has_form = true;
	}
	run_request(&rq, c);
	status = c->status;
	if (cookie_out != NULL) {
		/* New cookies first: the first of two with one name wins. */
		char old[256];

		snprintf(old, sizeof(old), "%s", cookie_out);
		cookie_out[0] = '\0';
		for (size_t i = 0; i < c->nout_hdr; i++) {
			const char *sc = c->out_hdr[i].v;
			size_t used = strlen(cookie_out);

			if (strcasecmp(c->out_hdr[i].k, "Set-Cookie") != 0 ||
			    strstr(sc, "Max-Age=0") != NULL)
				continue;
			snprintf(cookie_out + used, cookie_len - used, "%s%.*s",
			    used ? "; " : "", (int)strcspn(sc, ";"), sc);
		}
		if (old[0] != '\0') {
			size_t used = strlen(cookie_out);

			snprintf(cookie_out + used, cookie_len - used, "%s%s",
			    used ? "; " : "", old);
		}
	}
	if (page_out != NULL)
		snprintf(page_out, page_len, "%s", c->out);
	buf_reset(&rq.body);
	arena_free(c->a);
	free(c);
	return status;
}

/* Finds name="csrf" value="..." in a page. */
static void
find_csrf(const char *page, char out[80])
{
	const char *p = strstr(page, "name=\"csrf\" value=\"");

	out[0] = '\0';
	if (p != NULL)
		snprintf(out, 80, "%.*s", 64, p + 19);
}

static void
sign_in(enum who who, const char *name)
{
	char page[65536], form[128];

	/* A signed-out visitor: the anonymous cookie and its token. */
	setup_request("GET /login", NULL, WHO_NONE, ids[who].cookie,
	    sizeof(ids[who].cookie), page, sizeof(page));
	find_csrf(page, ids[who].csrf);
	if (who == WHO_ANON)
		return;
	snprintf(form, sizeof(form), "username=%s&password=fuzz-password", name);
	if (setup_request("POST /login", form, who, ids[who].cookie,
	    sizeof(ids[who].cookie), NULL, 0) != 303)
		fuzz__fail(__FILE__, __LINE__, "set-up: cannot sign in as %s", name);
	setup_request("GET /submit", NULL, who, NULL, 0, page, sizeof(page));
	find_csrf(page, ids[who].csrf);
	if (ids[who].csrf[0] == '\0')
		fuzz__fail(__FILE__, __LINE__, "set-up: no csrf token for %s", name);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct store *s;
	struct arena *a;
	char hash[128];
	int64_t id;

	verbose = getenv("FUZZ_APP_VERBOSE") != NULL;
	if (!verbose)
		log_set_level(LOG_ERR + 1);
	if (sodium_init() < 0)
		abort();
	fz_cfg.db = "sqlite::memory:";
	fz_cfg.db_shown = fz_cfg.db;
	fz_cfg.site_name = "Parley";
	fz_cfg.archive_after = 180 * 86400;
	fz_cfg.threads = 1;
	app_g.cfg = &fz_cfg;
	memset(app_g.secret, 0x42, sizeof(app_g.secret));
	fz_srv.handler = app_handle;
	fz_srv.max_body = MAX_BODY_FUZZ;
	/* The fake peer is 127.0.0.1: X-Forwarded-For and -Proto are read. */
	fz_srv.trust_proxy = true;
	s = app_store();
	if (s == NULL || store_migrate(s) != STORE_OK)
		fuzz__fail(__FILE__, __LINE__, "set-up: no database");
	a = arena_new(64 * 1024);
	if (site_pages_seed(s, a) != 0)
		fuzz__fail(__FILE__, __LINE__, "set-up: cannot seed the pages");
	arena_free(a);
	password_hash("fuzz-password", 13, hash);
	if (store_user_create(s, "fuzzadmin", hash, NULL, ROLE_ADMIN,
	    base_now() - 86400 * 30, &id) != STORE_OK ||
	    store_user_create(s, "fuzzuser", hash, NULL, ROLE_USER,
	    base_now() - 86400 * 30, &id) != STORE_OK)
		fuzz__fail(__FILE__, __LINE__, "set-up: cannot create users");
	sign_in(WHO_ADMIN, "fuzzadmin");
	sign_in(WHO_USER, "fuzzuser");
	sign_in(WHO_ANON, NULL);
	if (setup_request("POST /create", "name=fuzz&title=Fuzz&description=d",
	    WHO_ADMIN, NULL, 0, NULL, 0) != 303 ||
	    setup_request("POST /submit", "community=fuzz&title=First&body=*b*",
	    WHO_ADMIN, NULL, 0, NULL, 0) != 303 ||
	    setup_request("POST /s/fuzz/p/1/comment", "body=hello", WHO_USER,
	    NULL, 0, NULL, 0) != 303)
		fuzz__fail(__FILE__, __LINE__, "set-up: cannot create content");
	return 0;
}

/* ---- the input ----------------------------------------------------------- */

static void
parse_line(struct request *rq, const char *l, size_t n)
{
	const char *v = l + 2;
	size_t vn = n >= 2 ? n - 2 : 0;

	if (n < 2 || l[1] != ' ')
		return;
	switch (l[0]) {
	case 'H': {
		const char *colon = memchr(v, ':', vn);
		size_t kn, skip;

		if (colon == NULL || rq->nhdr == MAX_KV)
			break;
		kn = (size_t)(colon - v);
		skip = kn + 1;
		while (skip < vn && v[skip] == ' ')
			skip++;
		rq->hdr[rq->nhdr].k = (char *)v;
		rq->hdr[rq->nhdr].kn = kn;
		rq->hdr[rq->nhdr].v = (char *)v + skip;
		rq->hdr[rq->nhdr].vn = vn - skip;
		rq->nhdr++;
		break;
	}
	case 'F':
		if (rq->body.len > 0)
			buf_putc(&rq->body, '&');
		buf_put(&rq->body, v, vn);
		rq->has_form = true;
		break;
	case 'B':
		buf_put(&rq->body, v, vn);
		break;
	case 'A':
		rq->who = vn >= 4 && memcmp(v, "user", 4) == 0 ? WHO_USER :
		    vn >= 4 && memcmp(v, "anon", 4) == 0 ? WHO_ANON :
		    vn >= 4 && memcmp(v, "none", 4) == 0 ? WHO_NONE : WHO_ADMIN;
		break;
	case 'X':
		rq->nocsrf |= vn >= 6 && memcmp(v, "nocsrf", 6) == 0;
		rq->badcsrf |= vn >= 7 && memcmp(v, "badcsrf", 7) == 0;
		break;
	case 'S':
		rq->piece = vn > 0 ? (size_t)(v[0] & 0x3f) + 1 : 0;
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct store *s = app_store();

	FUZZ_CHECK(s->depth == 0, "a transaction left open between inputs");
	if (store_begin(s) != STORE_OK)
		abort();
	for (int k = 0; k < MAX_REQUESTS && in.n > 0; k++) {
		struct request rq = { .who = WHO_ADMIN };
		struct MHD_Connection *c;
		size_t n;
		const char *l;

		buf_init(&rq.body, NULL, 256);
		rq.line = fuzz_field(&in, '\n', &rq.line_len);
		while (in.n > 0) {
			l = fuzz_field(&in, '\n', &n);
			if (n == 2 && memcmp(l, "--", 2) == 0)
				break;
			if (rq.body.len < MAX_BODY_FUZZ * 2)
				parse_line(&rq, l, n);
		}
		c = calloc(1, sizeof(*c));
		if (c == NULL)
			abort();
		c->a = arena_new(16 * 1024);
		run_request(&rq, c);
		if (s->depth != 1)
			fail(&rq, c, "a handler left a transaction open or closed "
			    "the harness's");
		arena_free(c->a);
		free(c);
		buf_reset(&rq.body);
	}
	store_rollback(s);
	return 0;
}
