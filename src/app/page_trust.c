/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_trust.c: what lets readers check the site (issue 18; SPEC "Trust
 * that anyone can check"; docs/VERIFY.md): /.well-known/parley.json (the
 * site key, the signed head of the mod log and the key history), the
 * signed warrant canary at /canary, /canary.json and /canary.txt, and
 * POST /admin/canary, by which an admin renews it.
 *
 * /canary stays one of the eight site pages: the page admins edit (its
 * markdown, e.g. what the canary means and how to check it) comes first,
 * then the signed statement, which only POST /admin/canary changes.
 */
#include "app_int.h"

#include <sodium.h>
#include <string.h>

#define CANARY_MAX 4000          /* characters of a canary's text */

/* ---- /.well-known/parley.json ------------------------------------------ */

/* GET /.well-known/parley.json: always JSON, whatever the Accept header. */
void
page_wellknown(struct ctx *c)
{
	struct modlog_head h;
	struct site_key *k;
	const char *key;
	struct json j;
	size_t n;
	int rc;

	c->json = true;
	rc = store_site_key(c->s, c->a, &key, NULL);
	if (rc == STORE_OK)
		rc = store_modlog_head(c->s, &h);
	if (rc == STORE_OK)
		rc = store_key_history(c->s, c->a, &k, &n);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_json_begin(c, &j);
	json_obj_open(&j);
	json_kv_str_c(&j, "site_name", app_g.cfg->site_name);
	json_kv_str_c(&j, "public_key", key);
	json_key(&j, "modlog_head");
	json_obj_open(&j);
	json_kv_int(&j, "seq", h.seq);
	json_kv_str_c(&j, "hash", h.hash);
	json_kv_time(&j, "time", h.time);
	json_kv_str_c(&j, "signature", h.signature);
	json_obj_close(&j);
	json_key(&j, "keys");
	json_arr_open(&j);
	for (size_t i = 0; i < n; i++) {
		json_obj_open(&j);
		json_kv_str_c(&j, "public_key", k[i].public_key);
		json_kv_time(&j, "created", k[i].created);
		json_kv_time(&j, "retired", k[i].retired);
		json_kv_str_c(&j, "next_key", k[i].successor);
		json_kv_str_c(&j, "signature", k[i].signature);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
}

/* ---- the canary ---------------------------------------------------------- */

/*
 * The key's fingerprint: the first 16 bytes of the SHA-256 of the 32 key
 * bytes, in hex, in groups of four digits (docs/VERIFY.md).
 */
static const char *
fingerprint(struct arena *a, const char *key_hex)
{
	unsigned char pk[32], h[crypto_hash_sha256_BYTES];
	char hex[65];
	struct buf b;

	if (key_hex == NULL || sodium_hex2bin(pk, sizeof(pk), key_hex,
	    strlen(key_hex), NULL, NULL, NULL) != 0)
		return "";
	crypto_hash_sha256(h, pk, sizeof(pk));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	buf_init(&b, a, 48);
	for (int i = 0; i < 32; i += 4) {
		if (i)
			buf_putc(&b, ' ');
		buf_put(&b, hex + i, 4);
	}
	return b.p;
}

/* Fills *cn; false when no canary was published yet (or on error, answered). */
static int
load_canary(struct ctx *c, struct canary *cn, bool *have)
{
	int rc = store_canary_get(c->s, c->a, cn);

	*have = rc == STORE_OK;
	if (rc == STORE_NOTFOUND)
		rc = STORE_OK;
	if (rc != STORE_OK)
		app_store_error(c, rc);
	return rc == STORE_OK ? 0 : -1;
}

static bool
stale(const struct ctx *c, const struct canary *cn)
{
	return c->now - cn->date > app_g.cfg->canary_max_age;
}

/* The JSON view of /canary; cn NULL before the first canary. */
static void
canary_json(struct ctx *c, const struct page *p, const struct canary *cn)
{
	struct json j;

	app_json_begin(c, &j);
	json_obj_open(&j);
	json_kv_str_c(&j, "text", cn ? cn->text : NULL);
	if (cn)
		json_kv_time(&j, "date", cn->date);
	else
		json_kv_str_c(&j, "date", NULL);
	json_kv_str_c(&j, "signature", cn ? cn->signature : NULL);
	json_kv_str_c(&j, "public_key", cn ? cn->public_key : NULL);
	json_kv_str_c(&j, "fingerprint", cn ? fingerprint(c->a, cn->public_key) :
	    NULL);
	json_kv_bool(&j, "stale", cn == NULL || stale(c, cn));
	json_kv_int(&j, "max_age", app_g.cfg->canary_max_age);
	json_kv_str_c(&j, "slug", p->slug);
	json_kv_str_c(&j, "title", p->title);
	json_kv_str_c(&j, "body", p->body);
	json_kv_str_c(&j, "html", p->body_html);
	json_kv_time(&j, "updated", p->updated);
	json_obj_close(&j);
}

/* The HTML view of /canary: the site page, then the signed statement. */
static void
canary_html(struct ctx *c, const struct page *p, const struct canary *cn)
{
	struct html h;
	char iso[32];

	page_begin(c, &h, p->title);
	html_raw_literal(&h, "<div class=\"content\">");
	app_site_page_body(c, &h, p);
	html_raw_literal(&h, "<h2>Signed statement</h2>");
	if (cn == NULL) {
		html_raw_literal(&h, "<p class=\"stale\"><strong>No signed canary "
		    "has been published yet.</strong></p>");
	} else {
		if (stale(c, cn))
			html_raw_literal(&h, "<p class=\"stale\"><strong>Warning: "
			    "this canary is stale.</strong> It has not been renewed "
			    "within the time the site promises; draw your own "
			    "conclusions.</p>");
		html_raw_literal(&h, "<blockquote class=\"canary\">");
		html_text_c(&h, cn->text);
		html_raw_literal(&h, "</blockquote><dl class=\"canary\"><dt>date"
		    "</dt><dd>");
		base_rfc3339(cn->date, iso);
		html_text_c(&h, iso);
		html_raw_literal(&h, "</dd><dt>signature</dt><dd><code>");
		html_text_c(&h, cn->signature);
		html_raw_literal(&h, "</code></dd><dt>key fingerprint</dt><dd>"
		    "<code>");
		html_text_c(&h, fingerprint(c->a, cn->public_key));
		html_raw_literal(&h, "</code></dd><dt>public key</dt><dd><code>");
		html_text_c(&h, cn->public_key);
		html_raw_literal(&h, "</code></dd></dl><p>The signature is over "
		    "the canonical JSON of {\"text\", \"date\"}: see <a href=\""
		    "/canary.txt\">canary.txt</a>, <a href=\"/.well-known/"
		    "parley.json\">the site key</a>, and check it with "
		    "<code>parley verify</code>.</p>");
	}
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/*
 * GET /canary[.json]: the site page, then the signed statement. JSON
 * {"text", "date", "signature", "public_key", "fingerprint", "stale",
 * "max_age"} (text, date and signature null before the first), with the
 * page's own "slug", "title", "body", "html" and "updated".
 */
void
page_canary(struct ctx *c)
{
	struct canary cn;
	struct page p;
	bool have;
	int rc;

	if ((rc = store_page_get(c->s, c->a, "canary", &p)) != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (load_canary(c, &cn, &have) != 0)
		return;
	if (c->json) {
		canary_json(c, &p, have ? &cn : NULL);
		return;
	}
	canary_html(c, &p, have ? &cn : NULL);
}

/* GET /canary.txt: the signed statement as plain text. */
void
page_canary_txt(struct ctx *c)
{
	struct canary cn;
	const char *signed_json;
	struct buf *b = &c->r->out;
	bool have;

	if (load_canary(c, &cn, &have) != 0)
		return;
	c->r->content_type = "text/plain; charset=utf-8";
	if (!have) {
		c->r->status = 404;
		buf_puts(b, "No signed canary has been published yet.\n");
		return;
	}
	signed_json = store_canary_canonical(c->a, cn.text, cn.date);
	buf_printf(b, "Warrant canary of %s\n\n", app_g.cfg->site_name);
	buf_puts(b, cn.text);
	buf_puts(b, "\n\n");
	buf_printf(b, "signed: %s\nsignature: %s\npublic_key: %s\n"
	    "fingerprint: %s\n%s", signed_json, cn.signature, cn.public_key,
	    fingerprint(c->a, cn.public_key), stale(c, &cn) ?
	    "warning: this canary is stale\n" : "");
}

/* POST /admin/canary: text; signs, stores, logs, then shows /canary. */
void
page_admin_canary(struct ctx *c)
{
	struct str text = app_form_text(c, "text");
	int rc;

	if (authz(c, AZ_ADMIN, NULL) != 0)
		return;
	text = str_trim(text);
	if (text.p == NULL || text.len == 0 || !app_valid_text(text,
	    CANARY_MAX)) {
		app_error(c, 400, "bad_text", "A canary is 1 to 4000 characters "
		    "of text.");
		return;
	}
	rc = store_canary_set(c->s, c->a, str_dup(c->a, text), c->now,
	    c->user->id);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_redirect(c, "/canary");
}
