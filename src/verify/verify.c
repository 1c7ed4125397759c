/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * verify.c: parley verify URL, the check any reader runs against a
 * Parley site (docs/VERIFY.md): it fetches /.well-known/parley.json and
 * every page of /modlog.json, recomputes each entry's hash from its
 * canonical JSON, follows the chain from the signed head down to seq 1,
 * checks the head's and the key history's signatures and the canary's
 * signature and age, and with --state compares with what an earlier run
 * saw (a rollback or fork shows there).
 *
 * Everything it reads comes from a site it does not trust: a response is
 * cut at VERIFY_MAX_BODY bytes, a document nested deeper than
 * VERIFY_MAX_DEPTH is refused before jansson parses it, every field is
 * checked for type and length before use, redirects stay on http(s), and
 * the pages followed are bounded. The readers (verify_read_*) are apart
 * from the network so that tests/fuzz/fuzz_verify.c can feed them.
 */
#include "verify.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ZERO_HASH \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* ---- reading untrusted JSON --------------------------------------------- */

/* True when no object or array in p opens deeper than VERIFY_MAX_DEPTH. */
static bool
depth_ok(const char *p, size_t len)
{
	bool in_str = false, esc = false;
	int d = 0;

	for (size_t i = 0; i < len; i++) {
		char c = p[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++d > VERIFY_MAX_DEPTH)
				return false;
		} else if (c == '}' || c == ']') {
			d--;
		}
	}
	return true;
}

/* The parsed document, or NULL with *err set. The caller json_decrefs. */
static json_t *
parse(const char *p, size_t len, const char **err)
{
	json_error_t e;
	json_t *j;

	if (len > VERIFY_MAX_BODY) {
		*err = "the document is too large";
		return NULL;
	}
	if (!depth_ok(p, len)) {
		*err = "the document is nested too deeply";
		return NULL;
	}
	j = json_loadb(p, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
	if (j == NULL)
		*err = "the document is not JSON";
	else if (!json_is_object(j)) {
		*err = "the document is not a JSON object";
		json_decref(j);
		j = NULL;
	}
	return j;
}

/* Copies v into out (cap bytes) when it is a string of n lowercase hex. */
static bool
get_hex(json_t *v, char *out, size_t n)
{
	const char *s = json_string_value(v);

	if (s == NULL || json_string_length(v) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	memcpy(out, s, n + 1);
	return true;
}

/* Copies string v into out of cap bytes; false when it is not or too long. */
static bool
get_str(json_t *v, char *out, size_t cap)
{
	const char *s = json_string_value(v);

	if (s == NULL || json_string_length(v) >= cap ||
	    strlen(s) != json_string_length(v))
		return false;
	memcpy(out, s, json_string_length(v) + 1);
	return true;
}

static int
key_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*
 * Appends v's canonical JSON to b (docs/VERIFY.md): object members
 * sorted, skip (may be NULL) left out of the outermost object. Returns -1
 * for what canonical JSON does not define here: a non-integer number, a
 * key holding a NUL.
 */
static int
canon_value(struct buf *b, json_t *v, const char *skip)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v), k = 0;
		const char **keys = calloc(n ? n : 1, sizeof(*keys));
		const char *key;
		json_t *val;
		int rc = 0;

		if (keys == NULL)
			base_fatal(__FILE__, __LINE__, "out of memory");
		json_object_foreach(v, key, val) {
			if (skip != NULL && strcmp(key, skip) == 0)
				continue;
			keys[k++] = key;
		}
		qsort(keys, k, sizeof(*keys), key_cmp);
		buf_putc(b, '{');
		for (size_t i = 0; i < k && rc == 0; i++) {
			if (i)
				buf_putc(b, ',');
			canon_str(b, keys[i], strlen(keys[i]));
			buf_putc(b, ':');
			rc = canon_value(b, json_object_get(v, keys[i]), NULL);
		}
		buf_putc(b, '}');
		free(keys);
		return rc;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *val;

		buf_putc(b, '[');
		json_array_foreach(v, i, val) {
			if (i)
				buf_putc(b, ',');
			if (canon_value(b, val, NULL) != 0)
				return -1;
		}
		buf_putc(b, ']');
		return 0;
	}
	case JSON_STRING:
		canon_str(b, json_string_value(v), json_string_length(v));
		return 0;
	case JSON_INTEGER:
		buf_put_i64(b, (int64_t)json_integer_value(v));
		return 0;
	case JSON_TRUE:
		buf_puts(b, "true");
		return 0;
	case JSON_FALSE:
		buf_puts(b, "false");
		return 0;
	case JSON_NULL:
		buf_puts(b, "null");
		return 0;
	case JSON_REAL:
	default:
		return -1;
	}
}

static void
sha256_hex(const char *p, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)p, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/*
 * Reads /.well-known/parley.json into *out; calls key_cb (when not NULL)
 * with each earlier key of "keys": public key, the next key, the time of
 * the rotation and the signature, all checked hex or short strings.
 */
int
verify_read_head(const char *p, size_t len, struct verify_head *out,
    int (*key_cb)(void *data, const char *pub, const char *next,
    const char *retired, const char *sig), void *data, const char **err)
{
	json_t *j = parse(p, len, err), *h, *keys, *k;
	size_t i;
	int rc = -1;

	if (j == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	h = json_object_get(j, "modlog_head");
	keys = json_object_get(j, "keys");
	if (!get_hex(json_object_get(j, "public_key"), out->public_key, 64)) {
		*err = "public_key is not 64 hex digits";
		goto out;
	}
	if (json_object_get(j, "site_name") != NULL &&
	    !get_str(json_object_get(j, "site_name"), out->site_name,
	    sizeof(out->site_name))) {
		*err = "site_name is not a short string";
		goto out;
	}
	if (!json_is_object(h) || !json_is_integer(json_object_get(h, "seq")) ||
	    !get_hex(json_object_get(h, "hash"), out->hash, 64) ||
	    !get_str(json_object_get(h, "time"), out->time, sizeof(out->time)) ||
	    !get_hex(json_object_get(h, "signature"), out->signature, 128)) {
		*err = "modlog_head is not {seq, hash, time, signature}";
		goto out;
	}
	out->seq = (int64_t)json_integer_value(json_object_get(h, "seq"));
	if (out->seq < 0 || out->seq > VERIFY_MAX_ENTRIES) {
		*err = "modlog_head's seq is out of range";
		goto out;
	}
	if (keys != NULL && !json_is_array(keys)) {
		*err = "keys is not an array";
		goto out;
	}
	json_array_foreach(keys, i, k) {
		char pub[65], next[65], retired[32], sig[129];

		if (!json_is_object(k) ||
		    !get_hex(json_object_get(k, "public_key"), pub, 64) ||
		    !get_hex(json_object_get(k, "next_key"), next, 64) ||
		    !get_str(json_object_get(k, "retired"), retired,
		    sizeof(retired)) ||
		    !get_hex(json_object_get(k, "signature"), sig, 128)) {
			*err = "a key of keys is not {public_key, next_key, "
			    "retired, signature}";
			goto out;
		}
		if (key_cb != NULL && key_cb(data, pub, next, retired, sig) != 0)
			goto out;
	}
	rc = 0;
out:
	json_decref(j);
	return rc;
}

/* Frees the entries of pg; accepts a page never filled. */
void
verify_page_free(struct verify_page *pg)
{
	free(pg->e);
	pg->e = NULL;
	pg->n = 0;
}

/*
 * Reads one page of /modlog.json: {"actions": [entry...], "after"}. Each
 * entry needs seq, prev and hash; its computed hash is that of its
 * canonical JSON without "hash". *out's entries are malloc'd
 * (verify_page_free).
 */
int
verify_read_page(const char *p, size_t len, struct verify_page *out,
    const char **err)
{
	json_t *j = parse(p, len, err), *arr, *after, *v;
	struct buf b;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (j == NULL)
		return -1;
	arr = json_object_get(j, "actions");
	after = json_object_get(j, "after");
	if (!json_is_array(arr)) {
		*err = "actions is not an array";
		goto out;
	}
	if (json_is_integer(after))
		snprintf(out->after, sizeof(out->after), "%lld",
		    (long long)json_integer_value(after));
	else if (json_is_string(after) && (!get_str(after, out->after,
	    sizeof(out->after)) || strspn(out->after, "0123456789") !=
	    strlen(out->after))) {
		*err = "after is not a cursor";
		goto out;
	} else if (after != NULL && !json_is_null(after) &&
	    !json_is_string(after)) {
		*err = "after is not a cursor";
		goto out;
	}
	out->e = calloc(json_array_size(arr) + 1, sizeof(*out->e));
	if (out->e == NULL)
		base_fatal(__FILE__, __LINE__, "out of memory");
	buf_init(&b, NULL, 512);
	json_array_foreach(arr, i, v) {
		struct verify_entry *e = &out->e[out->n];

		if (!json_is_object(v) ||
		    !json_is_integer(json_object_get(v, "seq")) ||
		    !get_hex(json_object_get(v, "prev"), e->prev, 64) ||
		    !get_hex(json_object_get(v, "hash"), e->hash, 64)) {
			*err = "an entry lacks seq, prev or hash";
			buf_reset(&b);
			goto out;
		}
		e->seq = (int64_t)json_integer_value(json_object_get(v, "seq"));
		b.len = 0;
		e->canonical_ok = canon_value(&b, v, "hash") == 0;
		sha256_hex(b.p, b.len, e->computed);
		out->n++;
	}
	buf_reset(&b);
	rc = 0;
out:
	if (rc != 0)
		verify_page_free(out);
	json_decref(j);
	return rc;
}

/*
 * Reads /canary.json: its text and date as canonical {"date", "text"}
 * into canon, the signature and the date. Returns 1 when the site has
 * published no canary (text null).
 */
int
verify_read_canary(const char *p, size_t len, struct buf *canon,
    char signature[129], char date[32], const char **err)
{
	json_t *j = parse(p, len, err), *text;
	int rc = -1;

	if (j == NULL)
		return -1;
	text = json_object_get(j, "text");
	if (text == NULL || json_is_null(text)) {
		rc = 1;
		goto out;
	}
	if (!json_is_string(text) ||
	    !get_str(json_object_get(j, "date"), date, 32) ||
	    !get_hex(json_object_get(j, "signature"), signature, 128)) {
		*err = "the canary is not {text, date, signature}";
		goto out;
	}
	buf_puts(canon, "{\"date\":");
	canon_str(canon, date, strlen(date));
	buf_puts(canon, ",\"text\":");
	canon_str(canon, json_string_value(text), json_string_length(text));
	buf_putc(canon, '}');
	rc = 0;
out:
	json_decref(j);
	return rc;
}

/* ---- fetching ------------------------------------------------------------- */

struct body {
	struct buf b;
	bool too_big;
};

static size_t
write_cb(char *p, size_t size, size_t n, void *data)
{
	struct body *body = data;

	if (body->b.len + n > VERIFY_MAX_BODY) {
		body->too_big = true;
		return 0;
	}
	buf_put(&body->b, p, n);
	return n;
}

/*
 * GETs base + path into body (reset first). Returns the HTTP status, or
 * -1 with *err set when there was no answer or it was too large.
 */
static long
fetch(CURL *c, const char *base, const char *path, struct body *body,
    const char **err)
{
	char url[2048];
	long status = 0;
	CURLcode cc;

	body->b.len = 0;
	body->too_big = false;
	if ((size_t)snprintf(url, sizeof(url), "%s%s", base, path) >=
	    sizeof(url)) {
		*err = "the URL is too long";
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	cc = curl_easy_perform(c);
	if (body->too_big) {
		*err = "the answer is larger than the limit";
		return -1;
	}
	if (cc != CURLE_OK) {
		*err = curl_easy_strerror(cc);
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

/* ---- checking ------------------------------------------------------------- */

struct run {
	const struct verify_opts *o;
	int problems;
	char keys[64][65];        /* the key history: each key, oldest first */
	size_t nkeys;
	bool keys_ok;
};

static void
say(struct run *r, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(struct run *r, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (!ok)
		r->problems++;
	if (ok && r->o->quiet)
		return;
	fputs(ok ? "ok:   " : "FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static bool
sig_ok(const char *key_hex, const char *sig_hex, const char *msg, size_t len)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];

	if (sodium_hex2bin(pk, sizeof(pk), key_hex, strlen(key_hex), NULL, NULL,
	    NULL) != 0 || sodium_hex2bin(sig, sizeof(sig), sig_hex,
	    strlen(sig_hex), NULL, NULL, NULL) != 0)
		return false;
	return crypto_sign_verify_detached(sig, (const unsigned char *)msg, len,
	    pk) == 0;
}

/* Checks one earlier key's signed statement naming its successor. */
static int
key_cb(void *data, const char *pub, const char *next, const char *retired,
    const char *sig)
{
	struct run *r = data;
	struct buf b;

	buf_init(&b, NULL, 256);
	buf_puts(&b, "{\"new_key\":");
	canon_str(&b, next, strlen(next));
	buf_puts(&b, ",\"old_key\":");
	canon_str(&b, pub, strlen(pub));
	buf_puts(&b, ",\"time\":");
	canon_str(&b, retired, strlen(retired));
	buf_putc(&b, '}');
	if (!sig_ok(pub, sig, b.p, b.len)) {
		say(r, false, "key %.16s… did not sign the statement naming "
		    "%.16s… (%s)", pub, next, retired);
		r->keys_ok = false;
	} else if (r->nkeys > 0 && strcmp(r->keys[r->nkeys], pub) != 0) {
		say(r, false, "the key history breaks before %.16s…", pub);
		r->keys_ok = false;
	}
	if (r->nkeys + 1 < ARRAY_LEN(r->keys)) {
		memcpy(r->keys[r->nkeys], pub, 65);
		memcpy(r->keys[r->nkeys + 1], next, 65);
		r->nkeys++;
	}
	buf_reset(&b);
	return 0;
}

/* Seconds since the epoch of an RFC 3339 UTC time "YYYY-MM-DDTHH:MM:SSZ". */
static bool
parse_time(const char *s, int64_t *out)
{
	struct tm tm = { 0 };
	char z = 0;
	int n = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z, &n) != 7 ||
	    z != 'Z' || s[n] != '\0')
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm);
	return true;
}

/* What --state keeps: the site, its key and the head last seen. */
struct state {
	char url[1024];
	char public_key[65];
	int64_t seq;
	char hash[65];
	bool have;
};

static int
state_read(const char *path, struct state *st, const char **err)
{
	FILE *f = fopen(path, "rb");
	char buf[8192];
	size_t n;
	json_t *j;

	memset(st, 0, sizeof(*st));
	if (f == NULL)
		return errno == ENOENT ? 0 : (*err = strerror(errno), -1);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if ((j = parse(buf, n, err)) == NULL)
		return -1;
	if (!get_str(json_object_get(j, "url"), st->url, sizeof(st->url)) ||
	    !get_hex(json_object_get(j, "public_key"), st->public_key, 64) ||
	    !json_is_integer(json_object_get(j, "seq")) ||
	    !get_hex(json_object_get(j, "hash"), st->hash, 64)) {
		*err = "the state file is not {url, public_key, seq, hash}";
		json_decref(j);
		return -1;
	}
	st->seq = (int64_t)json_integer_value(json_object_get(j, "seq"));
	st->have = true;
	json_decref(j);
	return 0;
}

static int
state_write(const char *path, const struct state *st)
{
	char tmp[4096];
	json_t *j = json_pack("{s:s, s:s, s:I, s:s}", "url", st->url,
	    "public_key", st->public_key, "seq", (json_int_t)st->seq, "hash",
	    st->hash);
	int rc = -1;

	if (j == NULL || (size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >=
	    sizeof(tmp))
		goto out;
	if (json_dump_file(j, tmp, JSON_INDENT(1) | JSON_SORT_KEYS) == 0 &&
	    rename(tmp, path) == 0)
		rc = 0;
out:
	json_decref(j);
	return rc;
}

/* Walks every page of the log; fills what the state check needs. */
static void
check_log(struct run *r, CURL *c, const char *base,
    const struct verify_head *h, const struct state *st, bool *state_seen,
    bool *state_match)
{
	struct body body = { .too_big = false };
	struct verify_entry newer = { .seq = 0 };
	int64_t expect = h->seq, total = 0, altered = 0, broken = 0;
	char after[32] = "", path[96];
	bool have_newer = false, ok = true;
	const char *err = NULL;

	buf_init(&body.b, NULL, 64 * 1024);
	for (int pages = 0; ; pages++) {
		struct verify_page pg;
		long status;

		if (pages > VERIFY_MAX_ENTRIES / 10) {
			say(r, false, "the log pages do not end");
			ok = false;
			break;
		}
		snprintf(path, sizeof(path), "/modlog.json%s%s",
		    after[0] ? "?after=" : "", after);
		status = fetch(c, base, path, &body, &err);
		if (status != 200) {
			say(r, false, "GET %s: %s", path, status < 0 ? err :
			    "not 200");
			ok = false;
			break;
		}
		if (verify_read_page(body.b.p, body.b.len, &pg, &err) != 0) {
			say(r, false, "GET %s: %s", path, err);
			ok = false;
			break;
		}
		for (size_t i = 0; i < pg.n; i++) {
			struct verify_entry *e = &pg.e[i];

			total++;
			if (!have_newer && e->seq > h->seq) {
				say(r, false, "the signed head names seq %lld but the "
				    "log goes on to seq %lld: the head does not name "
				    "the newest entry", (long long)h->seq,
				    (long long)e->seq);
				expect = e->seq;
			} else if (!have_newer && e->seq == h->seq &&
			    strcmp(e->hash, h->hash) != 0) {
				say(r, false, "the newest entry (seq %lld) is not the "
				    "one the signed head names", (long long)e->seq);
			}
			if (!e->canonical_ok || strcmp(e->computed, e->hash) != 0) {
				say(r, false, "entry seq %lld was altered: its hash "
				    "does not match its content", (long long)e->seq);
				altered++;
			}
			if (e->seq < expect) {
				say(r, false, "entries %lld to %lld are missing "
				    "(dropped)", (long long)e->seq + 1,
				    (long long)expect);
				ok = false;
			} else if (e->seq > expect) {
				say(r, false, "entry seq %lld is out of place "
				    "(reordered or repeated) after seq %lld",
				    (long long)e->seq, (long long)expect + 1);
				ok = false;
			}
			if (have_newer && strcmp(newer.prev, e->hash) != 0) {
				say(r, false, "the chain breaks between seq %lld "
				    "and seq %lld: prev does not name the entry "
				    "before", (long long)e->seq,
				    (long long)newer.seq);
				broken++;
			}
			if (st->have && e->seq == st->seq) {
				*state_seen = true;
				*state_match = strcmp(e->hash, st->hash) == 0;
			}
			newer = *e;
			have_newer = true;
			expect = e->seq - 1;
		}
		verify_page_free(&pg);
		if (total > VERIFY_MAX_ENTRIES) {
			say(r, false, "the log has more entries than %d",
			    VERIFY_MAX_ENTRIES);
			ok = false;
			break;
		}
		if (strcmp(pg.after, "") == 0 || strcmp(pg.after, after) == 0)
			break;
		memcpy(after, pg.after, sizeof(after));
	}
	buf_reset(&body.b);
	if (!ok)
		return;
	if (expect > 0)
		say(r, false, "entries 1 to %lld are missing (dropped)",
		    (long long)expect);
	else if (have_newer && strcmp(newer.prev, ZERO_HASH) != 0)
		say(r, false, "the first entry's prev is not 64 zeros");
	if (have_newer && h->seq != 0 && total > 0 && altered == 0 &&
	    broken == 0 && expect == 0)
		say(r, true, "%lld entries, each hash matches its content and "
		    "names the one before", (long long)total);
	else if (total == 0 && h->seq == 0)
		say(r, true, "the mod log is empty");
	else if (total == 0)
		say(r, false, "the signed head names seq %lld but the log is "
		    "empty", (long long)h->seq);
}

/*
 * Runs every check against o->url and prints one line per finding.
 * Returns 0 when all holds, 1 when anything does not (or the site could
 * not be read).
 */
int
verify_run(const struct verify_opts *o)
{
	struct run r = { .o = o, .keys_ok = true };
	struct body body = { .too_big = false };
	struct verify_head h;
	struct state st, now_st;
	struct buf canon;
	char base[1024], sig[129], date[32];
	const char *err = NULL;
	bool seen = false, match = false;
	long status;
	CURL *c;
	size_t len;
	int rc;

	len = strlen(o->url);
	while (len > 0 && o->url[len - 1] == '/')
		len--;
	if ((strncmp(o->url, "http://", 7) != 0 &&
	    strncmp(o->url, "https://", 8) != 0) || len >= sizeof(base) - 64) {
		fprintf(stderr, "parley verify: the URL must be http:// or "
		    "https://\n");
		return 2;
	}
	memcpy(base, o->url, len);
	base[len] = '\0';
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "parley verify: cannot start libsodium or "
		    "libcurl\n");
		return 1;
	}
	if (o->state != NULL && state_read(o->state, &st, &err) != 0) {
		fprintf(stderr, "parley verify: %s: %s\n", o->state, err);
		return 1;
	}
	if (o->state == NULL)
		memset(&st, 0, sizeof(st));
	c = curl_easy_init();
	if (c == NULL)
		return 1;
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)VERIFY_MAX_BODY);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "parley-verify");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	buf_init(&body.b, NULL, 16 * 1024);
	buf_init(&canon, NULL, 1024);

	/* The head and the keys. */
	status = fetch(c, base, "/.well-known/parley.json", &body, &err);
	if (status != 200 || verify_read_head(body.b.p, body.b.len, &h, key_cb,
	    &r, &err) != 0) {
		say(&r, false, "GET /.well-known/parley.json: %s", status == 200
		    || status < 0 ? err : "not 200");
		goto out;
	}
	say(&r, true, "site %s, key %s", h.site_name[0] ? h.site_name :
	    "(unnamed)", h.public_key);
	if (r.nkeys > 0 && r.keys_ok) {
		if (strcmp(r.keys[r.nkeys], h.public_key) != 0)
			say(&r, false, "the key history does not end at the "
			    "current key");
		else
			say(&r, true, "%zu earlier key(s), each signed the next",
			    r.nkeys);
	}
	canon.len = 0;
	buf_printf(&canon, "{\"hash\":\"%s\",\"seq\":%lld,\"time\":", h.hash,
	    (long long)h.seq);
	canon_str(&canon, h.time, strlen(h.time));
	buf_putc(&canon, '}');
	if (sig_ok(h.public_key, h.signature, canon.p, canon.len))
		say(&r, true, "the head (seq %lld, %s) is signed by the site key",
		    (long long)h.seq, h.time);
	else
		say(&r, false, "the head's signature does not verify: the head "
		    "was replaced or the key changed");

	/* The log, page by page. */
	check_log(&r, c, base, &h, &st, &seen, &match);

	/* The canary. */
	status = fetch(c, base, "/canary.json", &body, &err);
	canon.len = 0;
	if (status == 404) {
		say(&r, true, "no canary is published");
	} else if (status != 200) {
		say(&r, false, "GET /canary.json: %s", status < 0 ? err :
		    "not 200");
	} else if ((rc = verify_read_canary(body.b.p, body.b.len, &canon, sig,
	    date, &err)) < 0) {
		say(&r, false, "GET /canary.json: %s", err);
	} else if (rc == 1) {
		say(&r, true, "no canary is published");
	} else {
		int64_t t;

		if (!sig_ok(h.public_key, sig, canon.p, canon.len))
			say(&r, false, "the canary's signature does not verify");
		else
			say(&r, true, "the canary of %s is signed by the site key",
			    date);
		if (!parse_time(date, &t))
			say(&r, false, "the canary's date is not RFC 3339");
		else if (o->now - t > o->canary_max_age)
			say(&r, false, "the canary is stale: %s is more than %lld "
			    "days ago", date, (long long)(o->canary_max_age / 86400));
	}

	/* What an earlier run saw. */
	if (st.have) {
		if (strcmp(st.url, base) != 0)
			say(&r, false, "the state file is of %s, not %s", st.url,
			    base);
		else if (st.seq > h.seq)
			say(&r, false, "rollback: the log had %lld entries at the "
			    "last run and has %lld now", (long long)st.seq,
			    (long long)h.seq);
		else if (st.seq > 0 && (!seen || !match))
			say(&r, false, "fork: entry seq %lld is not the one seen at "
			    "the last run", (long long)st.seq);
		else
			say(&r, true, "the log only grew since the last run (seq "
			    "%lld to %lld)", (long long)st.seq, (long long)h.seq);
		if (strcmp(st.public_key, h.public_key) != 0) {
			bool linked = false;

			for (size_t i = 0; i < r.nkeys && r.keys_ok; i++)
				if (strcmp(r.keys[i], st.public_key) == 0)
					linked = true;
			say(&r, linked, linked ? "the site key changed by a signed "
			    "rotation" : "the site key changed without a signed "
			    "rotation");
		}
	}
	if (o->state != NULL && r.problems == 0) {
		memset(&now_st, 0, sizeof(now_st));
		snprintf(now_st.url, sizeof(now_st.url), "%s", base);
		memcpy(now_st.public_key, h.public_key, 65);
		now_st.seq = h.seq;
		memcpy(now_st.hash, h.hash, 65);
		if (state_write(o->state, &now_st) != 0)
			say(&r, false, "cannot write the state file %s", o->state);
	}
out:
	curl_easy_cleanup(c);
	curl_global_cleanup();
	buf_reset(&body.b);
	buf_reset(&canon);
	if (r.problems == 0)
		printf("verify: all holds for %s\n", base);
	else
		printf("verify: %d thing(s) do not hold for %s\n", r.problems,
		    base);
	return r.problems == 0 ? 0 : 1;
}
