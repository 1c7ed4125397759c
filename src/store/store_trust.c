/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_trust.c: what lets anyone check the site (SPEC "Trust that anyone
 * can check", docs/VERIFY.md): the site's Ed25519 key, the hash chain of
 * the mod log with its signed head, and the signed warrant canary.
 *
 * The secret key never leaves this file: it is read from site_keys into
 * a stack buffer, used to sign and wiped. Nothing here logs it, and no
 * function of store.h returns it.
 *
 * Every append to the mod log (store_modlog_add) runs in one transaction
 * with the action it records (its caller's, or its own): it first reads
 * the head row with STMT_MODLOG_HEAD_LOCK, which PostgreSQL locks (FOR
 * UPDATE) so that concurrent moderators on any number of servers queue
 * there; SQLite's BEGIN IMMEDIATE already excludes every other writer.
 * Then the line is inserted, read back through the same join that lists
 * the log, given seq = head + 1 and prev = the head's hash, hashed over
 * store_modlog_canonical, and the head is moved and re-signed. Because
 * the lock comes before the INSERT, ids grow with seq, so the log's id
 * cursor pages the chain in order. A unique index on seq backs the lock.
 *
 * An entry's fields are those /modlog.json has always shown, plus seq
 * and prev: names are joined in (users and communities are never
 * renamed; an erased account keeps its name), times are RFC 3339 UTC.
 */
#include "store_int.h"

#include <sodium.h>
#include <string.h>

#define ZERO_HASH \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define CHAIN_BATCH 100          /* unchained lines read at once */

/* ---- canonical forms --------------------------------------------------- */

/* The canonical JSON of the n fields f (sorted in place), in a. */
static const char *
canon(struct arena *a, struct canon_field *f, size_t n, size_t cap)
{
	struct buf b;

	buf_init(&b, a, cap);
	canon_object(&b, f, n);
	return b.p;
}

static const char *
rfc3339(struct arena *a, int64_t t)
{
	char iso[32];

	base_rfc3339(t, iso);
	return arena_strndup(a, iso, strlen(iso));
}

/*
 * Returns, in a, the canonical JSON of mod log line m without its hash:
 * {"action", "community", "created", "expires", "id", "kind",
 * "moderator", "prev", "reason", "seq", "target", "user"}, as
 * docs/VERIFY.md lists them. Its SHA-256 is the line's hash.
 */
const char *
store_modlog_canonical(struct arena *a, const struct mod_action *m)
{
	struct canon_field f[] = {
		CANON_S("action", m->action),
		CANON_S("community", m->community),
		CANON_S("created", rfc3339(a, m->created)),
		m->expires ? CANON_S("expires", rfc3339(a, m->expires)) :
		    CANON_NUL("expires"),
		CANON_I("id", m->id),
		m->target_id ? CANON_S("kind", m->kind == VOTE_POST ? "post" :
		    "comment") : CANON_NUL("kind"),
		CANON_S("moderator", m->mod),
		CANON_S("prev", m->prev ? m->prev : ZERO_HASH),
		CANON_S("reason", m->reason),
		CANON_I("seq", m->seq),
		m->target_id ? CANON_I("target", m->target_id) :
		    CANON_NUL("target"),
		CANON_S("user", m->target_user),
	};

	return canon(a, f, ARRAY_LEN(f), 256);
}

/*
 * The canonical JSON of a signed statement made at a time: fields one and
 * two and "time" (RFC 3339), in a.
 */
static const char *
canon_dated(struct arena *a, struct canon_field one, struct canon_field two,
    int64_t time, size_t cap)
{
	struct canon_field f[] = { one, two, CANON_S("time", rfc3339(a, time)) };

	return canon(a, f, ARRAY_LEN(f), cap);
}

/* The canonical JSON of the head without its signature: what is signed. */
const char *
store_head_canonical(struct arena *a, int64_t seq, const char *hash,
    int64_t time)
{
	return canon_dated(a, CANON_S("hash", hash), CANON_I("seq", seq), time,
	    128);
}

/*
 * The statement a retiring key signs: {"new_key", "old_key", "time"},
 * time the moment of the rotation.
 */
const char *
store_key_statement(struct arena *a, const char *old_key, const char *new_key,
    int64_t time)
{
	return canon_dated(a, CANON_S("new_key", new_key),
	    CANON_S("old_key", old_key), time, 192);
}

/* The canary's signed form: {"date", "text"}. */
const char *
store_canary_canonical(struct arena *a, const char *text, int64_t date)
{
	struct canon_field f[] = {
		CANON_S("date", rfc3339(a, date)), CANON_S("text", text),
	};

	return canon(a, f, ARRAY_LEN(f), 128 + strlen(text));
}

static void
sha256_hex(const char *p, size_t len, char out[STORE_HASH_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)p, len);
	sodium_bin2hex(out, STORE_HASH_HEX, h, sizeof(h));
}

/* ---- the site key ------------------------------------------------------ */

/* The current key, secret included: lives on the stack, wiped after use. */
struct key {
	int64_t id;
	char public_key[STORE_KEY_HEX];
	unsigned char secret[crypto_sign_SECRETKEYBYTES];
	int64_t created;
	bool found;
};

/* id, public_key, secret_key, created. */
static int
key_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct key *k = data;

	if (ncols < 4)
		return store__bad_row(ncols, 4);
	if (row[1].type != STORE_T_TEXT || row[1].len != STORE_KEY_HEX - 1 ||
	    (row[2].type != STORE_T_BLOB && row[2].type != STORE_T_TEXT) ||
	    row[2].len != sizeof(k->secret)) {
		log_msg(LOG_ERR, "store", "site key %lld is malformed",
		    (long long)store__col_i64(&row[0]));
		return STORE_ERR;
	}
	k->id = store__col_i64(&row[0]);
	memcpy(k->public_key, row[1].p, row[1].len);
	k->public_key[row[1].len] = '\0';
	memcpy(k->secret, row[2].p, sizeof(k->secret));
	k->created = store__col_i64(&row[3]);
	k->found = true;
	return STORE_OK;
}

static int
key_current(struct store *s, struct key *k)
{
	int rc;

	memset(k, 0, sizeof(*k));
	rc = store__run(s, STMT_KEY_CURRENT, NULL, 0, key_cb, k);
	if (rc == STORE_OK && !k->found)
		rc = STORE_NOTFOUND;
	return rc;
}

/* Makes a key pair and stores it; k holds it afterwards. */
static int
key_make(struct store *s, int64_t now, struct key *k)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	int rc;

	memset(k, 0, sizeof(*k));
	crypto_sign_keypair(pk, k->secret);
	sodium_bin2hex(k->public_key, sizeof(k->public_key), pk, sizeof(pk));
	rc = store__run(s, STMT_KEY_INSERT, STORE_PARAMS(
	    store_v_text(k->public_key),
	    store_v_blob(k->secret, sizeof(k->secret)), store_v_int(now)),
	    NULL, NULL);
	if (rc == STORE_OK) {
		k->id = s->be->last_id(s->conn);
		k->created = now;
		k->found = true;
	}
	return rc;
}

static void
sign_hex(const struct key *k, const char *msg, char out[STORE_SIG_HEX])
{
	unsigned char sig[crypto_sign_BYTES];

	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg),
	    k->secret);
	sodium_bin2hex(out, STORE_SIG_HEX, sig, sizeof(sig));
}

/*
 * Sets *public_key (hex, in a) to the site's current public key and
 * *created (may be NULL) to when it was made. STORE_NOTFOUND before
 * store_trust_init made one.
 */
int
store_site_key(struct store *s, struct arena *a, const char **public_key,
    int64_t *created)
{
	struct key k;
	int rc = key_current(s, &k);

	if (rc == STORE_OK) {
		*public_key = arena_strndup(a, k.public_key, strlen(k.public_key));
		if (created != NULL)
			*created = k.created;
	}
	sodium_memzero(&k, sizeof(k));
	return rc;
}

/* ---- the head ---------------------------------------------------------- */

/* seq, hash, time, signature. */
static int
head_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct modlog_head *h = data;

	if (ncols < 4)
		return store__bad_row(ncols, 4);
	h->seq = store__col_i64(&row[0]);
	snprintf(h->hash, sizeof(h->hash), "%.*s", (int)row[1].len,
	    row[1].type == STORE_T_TEXT ? row[1].p : "");
	h->time = store__col_i64(&row[2]);
	snprintf(h->signature, sizeof(h->signature), "%.*s", (int)row[3].len,
	    row[3].type == STORE_T_TEXT ? row[3].p : "");
	return STORE_OK;
}

/* Reads the head; inside a transaction on PostgreSQL it stays locked. */
static int
head_lock(struct store *s, struct modlog_head *h)
{
	int rc;

	memset(h, 0, sizeof(*h));
	h->seq = -1;
	rc = store__run(s, STMT_MODLOG_HEAD_LOCK, NULL, 0, head_cb, h);
	if (rc == STORE_OK && h->seq < 0) {
		log_msg(LOG_ERR, "store", "the mod log has no head row");
		rc = STORE_ERR;
	}
	return rc;
}

/* Signs h with k and writes it. */
static int
head_write(struct store *s, struct arena *a, const struct key *k,
    struct modlog_head *h)
{
	sign_hex(k, store_head_canonical(a, h->seq, h->hash, h->time),
	    h->signature);
	return store__run(s, STMT_MODLOG_HEAD_SET, STORE_PARAMS(
	    store_v_int(h->seq), store_v_text(h->hash), store_v_int(h->time),
	    store_v_text(h->signature)), NULL, NULL);
}

/* Fills *out with the signed head of the mod log. */
int
store_modlog_head(struct store *s, struct modlog_head *out)
{
	return head_lock(s, out);
}

/* ---- the chain --------------------------------------------------------- */

/*
 * Gives line id the place after head h: seq, prev and hash, and moves h
 * to it (unsigned: the caller signs once after the last).
 */
static int
chain_one(struct store *s, struct arena *a, int64_t id, struct modlog_head *h,
    int64_t now)
{
	struct store_many m = STORE_MANY_OF(a, struct mod_action);
	struct mod_action *e;
	char hash[STORE_HASH_HEX];
	const char *canon;
	int rc;

	rc = store__run(s, STMT_MODLOG_ENTRY, STORE_PARAMS(store_v_int(id)),
	    store__many_cb_modlog, &m);
	if (rc != STORE_OK)
		return rc;
	if (m.n != 1)
		return STORE_NOTFOUND;
	e = (struct mod_action *)m.items;
	e->seq = h->seq + 1;
	e->prev = arena_strndup(a, h->hash, strlen(h->hash));
	canon = store_modlog_canonical(a, e);
	sha256_hex(canon, strlen(canon), hash);
	rc = store__run(s, STMT_MODLOG_SET_CHAIN, STORE_PARAMS(store_v_int(id),
	    store_v_int(e->seq), store_v_text(e->prev), store_v_text(hash)),
	    NULL, NULL);
	if (rc == STORE_OK) {
		h->seq = e->seq;
		memcpy(h->hash, hash, sizeof(h->hash));
		h->time = now;
	}
	return rc;
}

/*
 * Appends one line to the mod log, chained and with the head re-signed,
 * inside the caller's transaction or one of its own (see the file's
 * comment). m holds action, kind, target_id, reason, created, expires.
 * Returns STORE_NOTFOUND for an unknown community, moderator or user,
 * STORE_ERR when the site has no key yet (store_trust_init).
 */
int
store__modlog_append(struct store *s, const struct mod_action *m,
    int64_t community_id, int64_t mod_id, int64_t target_user_id)
{
	struct arena *a = arena_new(4096);
	struct modlog_head h;
	struct key k;
	int rc;

	memset(&k, 0, sizeof(k));
	if ((rc = store_begin(s)) != STORE_OK)
		goto out_free;
	if ((rc = head_lock(s, &h)) != STORE_OK)
		goto out;
	if ((rc = key_current(s, &k)) != STORE_OK) {
		if (rc == STORE_NOTFOUND)
			log_msg(LOG_ERR, "store", "mod log: the site has no key");
		rc = STORE_ERR;
		goto out;
	}
	rc = store__run_guarded(s, STMT_MODLOG_INSERT, STORE_PARAMS(
	    store__ref_val(community_id), store__ref_val(mod_id),
	    store_v_text(m->action),
	    m->target_id ? store_v_int(m->kind) : store_v_null(),
	    store__ref_val(m->target_id), store__ref_val(target_user_id),
	    store_v_text(m->reason), store_v_int(m->created),
	    store_v_int(m->expires)));
	if (rc != STORE_OK)
		goto out;
	rc = chain_one(s, a, s->be->last_id(s->conn), &h, m->created);
	if (rc == STORE_OK)
		rc = head_write(s, a, &k, &h);
out:
	rc = store__tx_end(s, rc);
out_free:
	sodium_memzero(&k, sizeof(k));
	arena_free(a);
	return rc;
}

/* limit rows of ids. */
static int
ids_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;

	if (ncols < 1)
		return store__bad_row(ncols, 1);
	*(int64_t *)store__many_push(m) = store__col_i64(&row[0]);
	return STORE_OK;
}

/*
 * Run at every start, after store_migrate: makes the site key when there
 * is none, chains the mod log lines written before schema v3 (in id
 * order, after whatever is chained already) and signs the head when it
 * has no signature. One transaction, under the head's lock, so servers
 * starting together on one PostgreSQL database do it once. Returns
 * STORE_OK or the store's error.
 */
int
store_trust_init(struct store *s, int64_t now)
{
	struct arena *a = arena_new(16 * 1024);
	struct modlog_head h;
	struct key k;
	bool moved = false;
	int rc;

	if (sodium_init() < 0) {
		log_msg(LOG_ERR, "store", "libsodium failed to start");
		arena_free(a);
		return STORE_ERR;
	}
	memset(&k, 0, sizeof(k));
	if ((rc = store_begin(s)) != STORE_OK)
		goto out_free;
	if ((rc = head_lock(s, &h)) != STORE_OK)
		goto out;
	rc = key_current(s, &k);
	if (rc == STORE_NOTFOUND) {
		rc = key_make(s, now, &k);
		if (rc == STORE_OK)
			log_msg(LOG_INFO, "store", "made the site key %s",
			    k.public_key);
	}
	if (rc != STORE_OK)
		goto out;
	for (;;) {
		struct store_many ids = STORE_MANY_OF(a, int64_t);

		rc = store__run(s, STMT_MODLOG_UNCHAINED, STORE_PARAMS(
		    store_v_int(CHAIN_BATCH)), ids_cb, &ids);
		for (size_t i = 0; rc == STORE_OK && i < ids.n; i++)
			rc = chain_one(s, a, ((int64_t *)ids.items)[i], &h, now);
		if (rc != STORE_OK)
			goto out;
		if (ids.n > 0) {
			log_msg(LOG_INFO, "store", "mod log: chained %zu earlier "
			    "lines", ids.n);
			moved = true;
		}
		if (ids.n < CHAIN_BATCH)
			break;
		arena_reset(a);
	}
	if (moved || h.signature[0] == '\0') {
		if (h.time == 0)
			h.time = now;
		rc = head_write(s, a, &k, &h);
	}
out:
	rc = store__tx_end(s, rc);
out_free:
	sodium_memzero(&k, sizeof(k));
	arena_free(a);
	return rc;
}

/* ---- rotating the key --------------------------------------------------- */

static int canary_cb(void *data, const struct store_val *row, size_t ncols);

/*
 * Signs the current canary (its text and date unchanged) with key k, so
 * that what the site publishes verifies under its current key.
 */
static int
canary_resign(struct store *s, struct arena *a, const struct key *k)
{
	struct canary cn;
	char sig[STORE_SIG_HEX];
	int rc = store_canary_get(s, a, &cn);

	if (rc == STORE_NOTFOUND)
		return STORE_OK;
	if (rc != STORE_OK)
		return rc;
	sign_hex(k, store_canary_canonical(a, cn.text, cn.date), sig);
	return store__run(s, STMT_CANARY_RESIGN, STORE_PARAMS(
	    store_v_int(cn.id), store_v_text(sig), store_v_text(k->public_key)),
	    NULL, NULL);
}

/*
 * Makes a new site key, has the current one sign the statement naming it
 * (store_key_statement), retires the old one and signs the mod log's head
 * and the current canary (same text and date) anew with the new key, in
 * one transaction. Sets *old_key and *new_key
 * (hex, in a). STORE_NOTFOUND when the site has no key yet.
 */
int
store_key_rotate(struct store *s, struct arena *a, int64_t now,
    const char **old_key, const char **new_key)
{
	struct modlog_head h;
	struct key old, new;
	char sig[STORE_SIG_HEX];
	int rc;

	if (sodium_init() < 0)
		return STORE_ERR;
	memset(&old, 0, sizeof(old));
	memset(&new, 0, sizeof(new));
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if ((rc = head_lock(s, &h)) != STORE_OK ||
	    (rc = key_current(s, &old)) != STORE_OK)
		goto out;
	if ((rc = key_make(s, now, &new)) != STORE_OK)
		goto out;
	sign_hex(&old, store_key_statement(a, old.public_key, new.public_key,
	    now), sig);
	rc = store__run_one(s, STMT_KEY_RETIRE, STORE_PARAMS(
	    store_v_int(old.id), store_v_int(now),
	    store_v_text(new.public_key), store_v_text(sig)));
	if (rc == STORE_OK)
		rc = head_write(s, a, &new, &h);
	if (rc == STORE_OK)
		rc = canary_resign(s, a, &new);
	if (rc == STORE_OK) {
		*old_key = arena_strndup(a, old.public_key, strlen(old.public_key));
		*new_key = arena_strndup(a, new.public_key, strlen(new.public_key));
	}
out:
	sodium_memzero(&old, sizeof(old));
	sodium_memzero(&new, sizeof(new));
	return store__tx_end(s, rc);
}

/* public_key, created, retired, successor, statement_sig. */
static int
history_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;
	struct site_key *k;

	if (ncols < 5)
		return store__bad_row(ncols, 5);
	k = store__many_push(m);
	k->public_key = store__col_text(m->a, &row[0]);
	k->created = store__col_i64(&row[1]);
	k->retired = store__col_i64(&row[2]);
	k->successor = store__col_text(m->a, &row[3]);
	k->signature = store__col_text(m->a, &row[4]);
	return STORE_OK;
}

/* Lists the retired keys, oldest first, as an array of *n in a. */
int
store_key_history(struct store *s, struct arena *a, struct site_key **out,
    size_t *n)
{
	struct store_many m = STORE_MANY_OF(a, struct site_key);
	int rc = store__run(s, STMT_KEY_HISTORY, NULL, 0, history_cb, &m);

	STORE_MANY_OUT(rc, m, struct site_key, out, n);
	return rc;
}

/* ---- the canary --------------------------------------------------------- */

/*
 * Signs text (dated now) as the site's canary, stores it and logs the
 * renewal in the mod log (action "canary", the text as reason) by
 * admin_id, in one transaction. STORE_NOTFOUND for an unknown admin.
 */
int
store_canary_set(struct store *s, struct arena *a, const char *text,
    int64_t now, int64_t admin_id)
{
	struct mod_action m = { .action = "canary", .reason = text,
		.created = now };
	struct modlog_head h;
	char sig[STORE_SIG_HEX];
	struct key k;
	int rc;

	memset(&k, 0, sizeof(k));
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	/* The head's lock first: a key rotation cannot slip in between
	 * reading the key and signing with it. */
	if ((rc = head_lock(s, &h)) != STORE_OK ||
	    (rc = key_current(s, &k)) != STORE_OK)
		goto out;
	sign_hex(&k, store_canary_canonical(a, text, now), sig);
	rc = store__run_guarded(s, STMT_CANARY_INSERT, STORE_PARAMS(
	    store_v_text(text), store_v_int(now), store_v_text(sig),
	    store_v_text(k.public_key), store__ref_val(admin_id)));
	if (rc == STORE_OK)
		rc = store__modlog_append(s, &m, 0, admin_id, 0);
out:
	sodium_memzero(&k, sizeof(k));
	return store__tx_end(s, rc);
}

/* text, date, signature, public_key, id. */
static int
canary_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_one *o = data;
	struct canary *c = o->out;

	if (ncols < 5)
		return store__bad_row(ncols, 5);
	c->id = store__col_i64(&row[4]);
	c->text = store__col_text(o->a, &row[0]);
	c->date = store__col_i64(&row[1]);
	c->signature = store__col_text(o->a, &row[2]);
	c->public_key = store__col_text(o->a, &row[3]);
	o->found = true;
	return STORE_OK;
}

/* Fills *out (strings in a) with the current canary; STORE_NOTFOUND: none. */
int
store_canary_get(struct store *s, struct arena *a, struct canary *out)
{
	struct store_one o = { a, NULL, out, NULL, false };
	int rc = store__run(s, STMT_CANARY_CURRENT, NULL, 0, canary_cb, &o);

	if (rc == STORE_OK && !o.found)
		rc = STORE_NOTFOUND;
	return rc;
}
