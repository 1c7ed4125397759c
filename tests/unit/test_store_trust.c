/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_trust.c: unit tests of store_trust.c (the site key, the
 * mod log's hash chain and signed head, key rotation, the canary) over
 * both backends (store_fixture.h). Hashes and signatures are checked
 * with libsodium here, independently of the code that made them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "store_fixture.h"

#define ZERO64 \
	"0000000000000000000000000000000000000000000000000000000000000000"

static void
hex2bin(const char *hex, unsigned char *out, size_t n)
{
	size_t got = 0;

	assert_int_equal(sodium_hex2bin(out, n, hex, strlen(hex), NULL, &got,
	    NULL), 0);
	assert_int_equal(got, n);
}

/* sig (hex) is key's (hex) signature over msg. */
static void
assert_signed(const char *key, const char *sig, const char *msg)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], s[crypto_sign_BYTES];

	hex2bin(key, pk, sizeof(pk));
	hex2bin(sig, s, sizeof(s));
	assert_int_equal(crypto_sign_verify_detached(s,
	    (const unsigned char *)msg, strlen(msg), pk), 0);
}

static void
sha_hex(const char *msg, char out[65])
{
	unsigned char h[32];

	crypto_hash_sha256(h, (const unsigned char *)msg, strlen(msg));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void
log_line(struct fixture *f, const char *action, int64_t community,
    int64_t mod, const char *reason, int64_t at)
{
	struct mod_action m = { .action = action, .reason = reason,
		.created = at };

	assert_int_equal(store_modlog_add(f->s, &m, community, mod, 0),
	    STORE_OK);
}

/* Walks the whole log oldest first and checks every link and hash. */
static int64_t
check_chain(struct fixture *f)
{
	struct modlog_query q = { .limit = 100 };
	struct mod_action *l;
	struct modlog_head h;
	const char *prev = ZERO64;
	char hash[65];
	size_t n;

	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	for (size_t i = n; i-- > 0; ) {
		assert_int_equal(l[i].seq, (int64_t)(n - i));
		assert_string_equal(l[i].prev, prev);
		sha_hex(store_modlog_canonical(f->a, &l[i]), hash);
		assert_string_equal(l[i].hash, hash);
		prev = l[i].hash;
	}
	assert_int_equal(store_modlog_head(f->s, &h), STORE_OK);
	assert_int_equal(h.seq, (int64_t)n);
	assert_string_equal(h.hash, prev);
	return (int64_t)n;
}

static void
assert_head_signed(struct fixture *f)
{
	struct modlog_head h;
	const char *key;

	assert_int_equal(store_modlog_head(f->s, &h), STORE_OK);
	assert_int_equal(store_site_key(f->s, f->a, &key, NULL), STORE_OK);
	assert_signed(key, h.signature, store_head_canonical(f->a, h.seq,
	    h.hash, h.time));
}

/* A migrated database has a key and a signed, empty head. */
static void
test_key_made(void **state)
{
	struct fixture *f = *state;
	struct modlog_head h;
	const char *key, *again;
	int64_t created = 0;

	assert_int_equal(store_site_key(f->s, f->a, &key, &created),
	    STORE_OK);
	assert_int_equal(strlen(key), 64);
	assert_true(created > 0);
	assert_int_equal(store_migrate(f->s), STORE_OK);
	assert_int_equal(store_site_key(f->s, f->a, &again, NULL), STORE_OK);
	assert_string_equal(key, again);
	assert_int_equal(store_modlog_head(f->s, &h), STORE_OK);
	assert_int_equal(h.seq, 0);
	assert_string_equal(h.hash, ZERO64);
	assert_head_signed(f);
}

/* Every line is chained, hashed over its canonical form, head signed. */
static void
test_chain(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann");
	int64_t cats = mk_community(f->s, "cats", ann);
	struct mod_action *l;
	struct modlog_query q = { .limit = 1 };
	size_t n;

	log_line(f, "remove", cats, ann, "spam \"quoted\"\n\u00e9\xe2\x80\xa8", T0);
	log_line(f, "lock", cats, ann, NULL, T0 + 1);
	log_line(f, "settings", 0, ann, "limits", T0 + 2);
	assert_int_equal(check_chain(f), 3);
	assert_head_signed(f);
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_string_equal(store_modlog_canonical(f->a, &l[0]), arena_printf(
	    f->a, "{\"action\":\"settings\",\"community\":null,\"created\":"
	    "\"2023-11-14T22:13:22Z\",\"expires\":null,\"id\":%lld,\"kind\":"
	    "null,\"moderator\":\"ann\",\"prev\":\"%s\",\"reason\":\"limits\","
	    "\"seq\":3,\"target\":null,\"user\":null}", (long long)l[0].id,
	    l[0].prev));
}

/* A line that fails (unknown user) leaves no gap and no moved head. */
static void
test_failed_append(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann");
	struct mod_action m = { .action = "ban", .created = T0 };

	log_line(f, "remove", 0, ann, "x", T0);
	assert_int_equal(store_modlog_add(f->s, &m, 0, ann, 9999),
	    STORE_NOTFOUND);
	/* Inside a transaction that rolls back: nothing of it stays. */
	assert_int_equal(store_begin(f->s), STORE_OK);
	log_line(f, "lock", 0, ann, "y", T0 + 1);
	assert_int_equal(store_rollback(f->s), STORE_OK);
	log_line(f, "unlock", 0, ann, "z", T0 + 2);
	assert_int_equal(check_chain(f), 2);
	assert_head_signed(f);
}

/* Lines from before v3 (seq 0) are chained, in id order, at start. */
static void
test_chain_earlier_lines(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann");

	log_line(f, "remove", 0, ann, "chained", T0);
	assert_int_equal(f->s->be->script(f->s->conn,
	    "INSERT INTO mod_actions(mod_id, action, reason, created) "
	    "SELECT id, 'lock', 'old one', 1700000100 FROM users;"
	    "INSERT INTO mod_actions(mod_id, action, reason, created) "
	    "SELECT id, 'unlock', 'old two', 1700000200 FROM users;"),
	    STORE_OK);
	assert_int_equal(store_trust_init(f->s, T0 + 300), STORE_OK);
	assert_int_equal(check_chain(f), 3);
	assert_head_signed(f);
	log_line(f, "sticky", 0, ann, "after", T0 + 400);
	assert_int_equal(check_chain(f), 4);
}

/* A line by the command line (moderator 0) is chained like any other. */
static void
test_command_line_line(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann");
	struct modlog_query q = { .limit = 10 };
	struct mod_action *l;
	size_t n;

	log_line(f, "lock", 0, ann, "by ann", T0);
	log_line(f, "settings", 0, 0, "limit_posts=7", T0 + 1);
	assert_int_equal(check_chain(f), 2);
	assert_head_signed(f);
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_string_equal(l[0].mod, STORE_CLI_ACTOR);
	assert_string_equal(l[1].mod, "ann");
	assert_non_null(strstr(store_modlog_canonical(f->a, &l[0]),
	    "\"moderator\":\"parley admin\""));
	q.mod_id = ann;
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 1);
}

/* rotate-key: the old key signs the new one; the head is re-signed. */
static void
test_rotate(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann");
	const char *old, *new, *cur;
	struct site_key *k;
	size_t n;

	log_line(f, "remove", 0, ann, "x", T0);
	assert_int_equal(store_key_history(f->s, f->a, &k, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_key_rotate(f->s, f->a, T0 + 10, &old, &new),
	    STORE_OK);
	assert_string_not_equal(old, new);
	assert_int_equal(store_site_key(f->s, f->a, &cur, NULL), STORE_OK);
	assert_string_equal(cur, new);
	assert_head_signed(f);
	assert_int_equal(store_key_history(f->s, f->a, &k, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(k[0].public_key, old);
	assert_string_equal(k[0].successor, new);
	assert_int_equal(k[0].retired, T0 + 10);
	assert_signed(old, k[0].signature, store_key_statement(f->a, old, new,
	    T0 + 10));
	log_line(f, "lock", 0, ann, "y", T0 + 20);
	assert_head_signed(f);
	assert_int_equal(check_chain(f), 2);
}

/* Rotating re-signs the current canary, text and date unchanged. */
static void
test_rotate_resigns_canary(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann");
	const char *old, *new;
	struct canary c;

	assert_int_equal(store_canary_set(f->s, f->a, "None.", T0, ann),
	    STORE_OK);
	assert_int_equal(store_key_rotate(f->s, f->a, T0 + 10, &old, &new),
	    STORE_OK);
	assert_int_equal(store_canary_get(f->s, f->a, &c), STORE_OK);
	assert_string_equal(c.public_key, new);
	assert_string_equal(c.text, "None.");
	assert_int_equal(c.date, T0);
	assert_signed(new, c.signature, store_canary_canonical(f->a, c.text,
	    c.date));
}

/* The canary is signed over {"date", "text"} and logged. */
static void
test_canary(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann");
	struct canary c;
	const char *key;

	assert_int_equal(store_canary_get(f->s, f->a, &c), STORE_NOTFOUND);
	assert_int_equal(store_canary_set(f->s, f->a, "No warrants.", T0, ann),
	    STORE_OK);
	assert_int_equal(store_canary_set(f->s, f->a, "Still none \"x\".",
	    T0 + 5, ann), STORE_OK);
	assert_int_equal(store_canary_get(f->s, f->a, &c), STORE_OK);
	assert_string_equal(c.text, "Still none \"x\".");
	assert_int_equal(c.date, T0 + 5);
	assert_int_equal(store_site_key(f->s, f->a, &key, NULL), STORE_OK);
	assert_string_equal(c.public_key, key);
	assert_string_equal(store_canary_canonical(f->a, c.text, c.date),
	    "{\"date\":\"2023-11-14T22:13:25Z\",\"text\":\"Still none "
	    "\\\"x\\\".\"}");
	assert_signed(key, c.signature, store_canary_canonical(f->a, c.text,
	    c.date));
	assert_int_equal(check_chain(f), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_key_made),
		T(test_chain),
		T(test_failed_append),
		T(test_chain_earlier_lines),
		T(test_command_line_line),
		T(test_rotate),
		T(test_rotate_resigns_canary),
		T(test_canary),
	};

	if (sodium_init() < 0)
		return 1;
	return FIXTURE_MAIN("store_trust", tests);
}
