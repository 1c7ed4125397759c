/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store.c: unit tests of the store's domain layer (src/store/store.c)
 * over both backends. On SQLite every test opens a fresh database file in
 * its own temporary directory (one level below it, so store_open has to
 * create the parent) and migrates it. The same tests then run on
 * PostgreSQL when PARLEY_TEST_PG_URL names a database (make test starts a
 * throw-away cluster for it): each test empties it (drops and recreates
 * the public schema) and migrates it.
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

#include "store/store.h"
#include "store/store_int.h"

#define T0 1700000000

struct fixture {
	char dir[64];            /* mkdtemp directory; SQLite only */
	char path[128];          /* database file, in dir/sub/ */
	struct store *s;
	struct arena *a;
};

/* The PostgreSQL database of the second run; NULL during the first. */
static const char *pg_url;

static int
setup_pg(struct fixture *f)
{
	f->s = store_open(pg_url);
	if (f->s == NULL || f->s->be->script(f->s->conn,
	    "DROP SCHEMA public CASCADE; CREATE SCHEMA public") != STORE_OK ||
	    store_migrate(f->s) != STORE_OK)
		return -1;
	f->a = arena_new(1 << 16);
	return 0;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char url[160];

	if (f == NULL)
		return -1;
	*state = f;
	if (pg_url != NULL)
		return setup_pg(f);
	strcpy(f->dir, "/tmp/parley-store-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/sub/test.db", f->dir);
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	f->s = store_open(url);
	if (f->s == NULL || store_migrate(f->s) != STORE_OK)
		return -1;
	f->a = arena_new(1 << 16);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	store_close(f->s);
	arena_free(f->a);
	if (pg_url != NULL) {
		free(f);
		return 0;
	}
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s/sub", f->dir);
	rmdir(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- helpers --------------------------------------------------------- */

static int64_t
mk_user(struct store *s, const char *name)
{
	int64_t id = 0;

	assert_int_equal(store_user_create(s, name, "hash", NULL, ROLE_USER,
	    T0, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

static int64_t
mk_community(struct store *s, const char *name, int64_t creator)
{
	struct community c = { .name = name, .title = "A title",
	    .description = "desc", .description_html = "<p>desc</p>",
	    .creator_id = creator, .created = T0 };
	int64_t id = 0;

	assert_int_equal(store_community_create(s, &c, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

static int64_t
mk_post(struct store *s, int64_t community, int64_t author, int64_t created)
{
	struct post p = { .community_id = community, .author_id = author,
	    .title = "A post", .body = "body text",
	    .body_html = "<p>body text</p>", .created = created };
	int64_t id = 0;

	assert_int_equal(store_post_create(s, &p, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

static int64_t
mk_comment(struct store *s, int64_t post, int64_t parent, int64_t author,
    int64_t created)
{
	struct comment c = { .post_id = post, .parent_id = parent,
	    .author_id = author, .body = "a comment",
	    .body_html = "<p>a comment</p>", .created = created };
	int64_t id = 0;

	assert_int_equal(store_comment_create(s, &c, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

static struct user
get_user(struct fixture *f, int64_t id)
{
	struct user u;

	assert_int_equal(store_user_get(f->s, f->a, id, &u), STORE_OK);
	return u;
}

static struct post
get_post(struct fixture *f, int64_t id, int64_t viewer)
{
	struct post p;

	assert_int_equal(store_post_get(f->s, f->a, id, viewer, &p), STORE_OK);
	return p;
}

static int
version_cb(void *data, const struct store_val *row, size_t ncols)
{
	*(int64_t *)data = ncols > 0 ? row[0].i : -1;
	return STORE_OK;
}

/* ---- connection and schema ------------------------------------------- */

static void
test_migrate_twice(void **state)
{
	struct fixture *f = *state;
	int64_t v = 0;

	assert_int_equal(store_migrate(f->s), STORE_OK);
	assert_int_equal(store_migrate(f->s), STORE_OK);
	assert_int_equal(f->s->be->exec(f->s->conn, STMT_SCHEMA_VERSION, NULL,
	    0, version_cb, &v), STORE_OK);
	assert_int_equal(v, 2);
	mk_user(f->s, "still_works");
}

static void
test_open_bad_urls(void **state)
{
	(void)state;
	log_set_level(LOG_ERR + 1);
	assert_null(store_open("mysql://localhost/x"));
	assert_null(store_open("postgres://u:secret@127.0.0.1:1/parley"));
	assert_null(store_open("sqlite:"));
	assert_null(store_open("no-scheme"));
	assert_null(store_open(NULL));
	assert_null(store_open("sqlite:/nonexistent-dir-xyz/a/b/c.db"));
	log_set_level(LOG_WARN);
}

static void
test_nested_transactions(void **state)
{
	struct fixture *f = *state;
	struct user u;

	assert_int_equal(store_begin(f->s), STORE_OK);
	mk_user(f->s, "outer");
	assert_int_equal(store_begin(f->s), STORE_OK);
	mk_user(f->s, "inner");
	assert_int_equal(store_rollback(f->s), STORE_OK);
	assert_int_equal(store_begin(f->s), STORE_OK);
	mk_user(f->s, "inner2");
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_user_by_name(f->s, f->a, "outer", &u, NULL),
	    STORE_OK);
	assert_int_equal(store_user_by_name(f->s, f->a, "inner2", &u, NULL),
	    STORE_OK);
	assert_int_equal(store_user_by_name(f->s, f->a, "inner", &u, NULL),
	    STORE_NOTFOUND);

	/* An outer rollback undoes the domain calls' own transactions. */
	assert_int_equal(store_begin(f->s), STORE_OK);
	mk_user(f->s, "gone");
	assert_int_equal(store_rollback(f->s), STORE_OK);
	assert_int_equal(store_user_by_name(f->s, f->a, "gone", &u, NULL),
	    STORE_NOTFOUND);

	log_set_level(LOG_ERR + 1);
	assert_int_equal(store_commit(f->s), STORE_ERR);
	assert_int_equal(store_rollback(f->s), STORE_ERR);
	log_set_level(LOG_WARN);
}

/* ---- settings, users, sessions --------------------------------------- */

static void
test_settings(void **state)
{
	struct fixture *f = *state;
	const char *v = NULL;

	assert_int_equal(store_setting_get(f->s, f->a, "site_name", &v),
	    STORE_NOTFOUND);
	assert_int_equal(store_setting_set(f->s, "site_name", "Parley"),
	    STORE_OK);
	assert_int_equal(store_setting_get(f->s, f->a, "site_name", &v),
	    STORE_OK);
	assert_string_equal(v, "Parley");
	assert_int_equal(store_setting_set(f->s, "site_name", "Other"),
	    STORE_OK);
	assert_int_equal(store_setting_get(f->s, f->a, "site_name", &v),
	    STORE_OK);
	assert_string_equal(v, "Other");
	/* add keeps a value that is there, sets one that is not */
	assert_int_equal(store_setting_add(f->s, "site_name", "Third"),
	    STORE_OK);
	assert_int_equal(store_setting_get(f->s, f->a, "site_name", &v),
	    STORE_OK);
	assert_string_equal(v, "Other");
	assert_int_equal(store_setting_add(f->s, "secret", "s1"), STORE_OK);
	assert_int_equal(store_setting_get(f->s, f->a, "secret", &v),
	    STORE_OK);
	assert_string_equal(v, "s1");
}

static void
test_users(void **state)
{
	struct fixture *f = *state;
	const char *hash = NULL;
	struct user u;
	int64_t id = 0, id2 = 0;

	assert_int_equal(store_user_create(f->s, "Alice_1", "$argon2id$x",
	    "a@example.org", ROLE_USER, T0, &id), STORE_OK);
	assert_int_equal(store_user_create(f->s, "alice_1", "h", NULL,
	    ROLE_USER, T0, &id2), STORE_CONFLICT);
	assert_int_equal(store_user_create(f->s, "ALICE_1", "h", NULL,
	    ROLE_USER, T0, &id2), STORE_CONFLICT);

	memset(&u, 0, sizeof(u));
	assert_int_equal(store_user_by_name(f->s, f->a, "aLiCe_1", &u, &hash),
	    STORE_OK);
	assert_int_equal(u.id, id);
	assert_string_equal(u.name, "Alice_1");
	assert_string_equal(u.email, "a@example.org");
	assert_string_equal(hash, "$argon2id$x");
	assert_int_equal(u.created, T0);
	assert_int_equal(u.role, ROLE_USER);
	assert_int_equal(u.points, 0);
	assert_false(u.deleted);

	assert_int_equal(store_user_by_name(f->s, f->a, "bob", &u, NULL),
	    STORE_NOTFOUND);
	assert_int_equal(store_user_get(f->s, f->a, id + 100, &u),
	    STORE_NOTFOUND);

	assert_int_equal(store_user_set_password(f->s, id, "new"), STORE_OK);
	assert_int_equal(store_user_set_role(f->s, id, ROLE_ADMIN), STORE_OK);
	assert_int_equal(store_user_set_role(f->s, id + 100, ROLE_ADMIN),
	    STORE_NOTFOUND);
	assert_int_equal(store_user_by_name(f->s, f->a, "ALICE_1", &u, &hash),
	    STORE_OK);
	assert_string_equal(hash, "new");
	assert_int_equal(u.role, ROLE_ADMIN);

	u = get_user(f, mk_user(f->s, "bob"));
	assert_string_equal(u.name, "bob");
	assert_null(u.email);
}

static void
test_sessions(void **state)
{
	struct fixture *f = *state;
	unsigned char key[32], other[32];
	struct user u;
	int64_t uid = mk_user(f->s, "sam");

	memset(key, 0xab, sizeof(key));
	key[0] = 0; /* keys are bytes, NULs included */
	memset(other, 0xcd, sizeof(other));

	assert_int_equal(store_session_create(f->s, key, uid, T0, T0 + 3600),
	    STORE_OK);
	assert_int_equal(store_session_create(f->s, key, uid, T0, T0 + 3600),
	    STORE_CONFLICT);
	assert_int_equal(store_session_user(f->s, f->a, key, T0 + 10, &u, NULL),
	    STORE_OK);
	assert_int_equal(u.id, uid);
	assert_string_equal(u.name, "sam");
	assert_int_equal(store_session_user(f->s, f->a, key, T0 + 3599, &u, NULL),
	    STORE_OK);
	assert_int_equal(store_session_user(f->s, f->a, key, T0 + 3600, &u, NULL),
	    STORE_NOTFOUND);
	assert_int_equal(store_session_user(f->s, f->a, other, T0, &u, NULL),
	    STORE_NOTFOUND);

	assert_int_equal(store_session_delete(f->s, key), STORE_OK);
	assert_int_equal(store_session_user(f->s, f->a, key, T0 + 10, &u, NULL),
	    STORE_NOTFOUND);
	assert_int_equal(store_session_delete(f->s, key), STORE_NOTFOUND);

	/* A new login purges expired sessions. */
	assert_int_equal(store_session_create(f->s, key, uid, T0, T0 + 10),
	    STORE_OK);
	assert_int_equal(store_session_create(f->s, other, uid, T0 + 20,
	    T0 + 100), STORE_OK);
	assert_int_equal(store_session_delete(f->s, key), STORE_NOTFOUND);
	assert_int_equal(store_session_create(f->s, key, 9999, T0, T0 + 10),
	    STORE_NOTFOUND);
}

/* ---- communities ----------------------------------------------------- */

static void
test_communities(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "Cats", alice);
	struct community c = { .name = "cATS", .title = "t", .creator_id = bob,
	    .created = T0 };
	struct community got, *list;
	struct user *mods;
	size_t n;
	int64_t id = 0;

	assert_int_equal(store_community_create(f->s, &c, &id),
	    STORE_CONFLICT);
	assert_int_equal(store_community_by_name(f->s, f->a, "CATS", &got),
	    STORE_OK);
	assert_int_equal(got.id, cats);
	assert_string_equal(got.name, "Cats");
	assert_string_equal(got.title, "A title");
	assert_string_equal(got.description_html, "<p>desc</p>");
	assert_null(got.rules);
	assert_int_equal(got.creator_id, alice);
	assert_int_equal(got.post_count, 0);
	assert_int_equal(store_community_by_name(f->s, f->a, "dogs", &got),
	    STORE_NOTFOUND);

	assert_int_equal(store_community_mods(f->s, f->a, cats, &mods, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(mods[0].id, alice);
	assert_string_equal(mods[0].name, "alice");

	assert_int_equal(store_moderator_add(f->s, cats, bob, T0 + 5),
	    STORE_OK);
	assert_int_equal(store_moderator_add(f->s, cats, bob, T0 + 6),
	    STORE_CONFLICT);
	assert_int_equal(store_moderator_add(f->s, cats, 9999, T0 + 6),
	    STORE_NOTFOUND);
	assert_int_equal(store_community_mods(f->s, f->a, cats, &mods, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(mods[0].id, alice);
	assert_int_equal(mods[1].id, bob);

	/* A failed creation leaves no moderator row behind. */
	c.name = "dogs";
	c.creator_id = 9999;
	assert_int_equal(store_community_create(f->s, &c, &id),
	    STORE_NOTFOUND);
	mk_community(f->s, "Birds", bob);
	mk_community(f->s, "ants", bob);
	assert_int_equal(store_community_list(f->s, f->a, COMMUNITIES_BY_NAME,
	    0, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].name, "ants");
	assert_string_equal(list[1].name, "Birds");
	assert_string_equal(list[2].name, "Cats");
	assert_int_equal(store_community_list(f->s, f->a,
	    COMMUNITIES_BY_SUBSCRIBERS, 2, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "ants");
}

/* ---- posts ----------------------------------------------------------- */

static void
test_post_create(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0 + 100);
	struct post p = get_post(f, pid, 0), link;
	struct community c;
	int64_t id = 0;

	assert_int_equal(p.id, pid);
	assert_int_equal(p.community_id, cats);
	assert_string_equal(p.community, "cats");
	assert_int_equal(p.author_id, alice);
	assert_string_equal(p.author, "alice");
	assert_string_equal(p.title, "A post");
	assert_null(p.url);
	assert_string_equal(p.body, "body text");
	assert_string_equal(p.body_html, "<p>body text</p>");
	assert_int_equal(p.created, T0 + 100);
	assert_int_equal(p.edited, 0);
	assert_int_equal(p.score, 1);
	assert_int_equal(p.ups, 1);
	assert_int_equal(p.downs, 0);
	assert_int_equal(p.comment_count, 0);
	assert_int_equal(p.last_comment, T0 + 100);
	assert_false(p.locked || p.stickied || p.nsfw || p.removed ||
	    p.deleted);
	assert_null(p.removed_reason);
	assert_int_equal(p.my_vote, 0);
	assert_int_equal(get_post(f, pid, alice).my_vote, 1);
	assert_int_equal(get_post(f, pid, bob).my_vote, 0);
	assert_int_equal(get_user(f, alice).points, 0);

	assert_int_equal(store_community_by_name(f->s, f->a, "cats", &c),
	    STORE_OK);
	assert_int_equal(c.post_count, 1);

	link = (struct post){ .community_id = cats, .author_id = bob,
	    .title = "A link", .url = "https://example.org/", .nsfw = true,
	    .created = T0 + 200 };
	assert_int_equal(store_post_create(f->s, &link, &id), STORE_OK);
	p = get_post(f, id, bob);
	assert_string_equal(p.url, "https://example.org/");
	assert_null(p.body);
	assert_true(p.nsfw);

	link.community_id = 9999;
	assert_int_equal(store_post_create(f->s, &link, &id), STORE_NOTFOUND);
	assert_int_equal(store_post_get(f->s, f->a, 9999, 0, &p),
	    STORE_NOTFOUND);
	assert_int_equal(store_community_by_name(f->s, f->a, "cats", &c),
	    STORE_OK);
	assert_int_equal(c.post_count, 2);
}

static void
test_post_edit_delete(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	struct post p;

	assert_int_equal(store_post_edit(f->s, pid, NULL, "new", "<p>new</p>",
	    T0 + 50), STORE_OK);
	p = get_post(f, pid, 0);
	assert_string_equal(p.title, "A post");
	assert_string_equal(p.body, "new");
	assert_int_equal(p.edited, T0 + 50);
	assert_int_equal(store_post_edit(f->s, pid, "Renamed", "b", "<p>b</p>",
	    T0 + 60), STORE_OK);
	assert_string_equal(get_post(f, pid, 0).title, "Renamed");
	assert_int_equal(store_post_edit(f->s, 9999, NULL, "x", "x", T0),
	    STORE_NOTFOUND);

	assert_int_equal(store_post_delete(f->s, pid, T0 + 70), STORE_OK);
	p = get_post(f, pid, 0);
	assert_true(p.deleted);
	assert_string_equal(p.title, "[deleted]");
	assert_null(p.body);
	assert_null(p.body_html);
	assert_null(p.url);
	assert_int_equal(p.edited, T0 + 60);
	assert_int_equal(p.score, 1);
	assert_int_equal(store_post_delete(f->s, 9999, T0), STORE_NOTFOUND);
}

/* ---- votes ----------------------------------------------------------- */

static void
check_post(struct fixture *f, int64_t pid, int64_t score, int64_t ups,
    int64_t downs)
{
	struct post p = get_post(f, pid, 0);

	assert_int_equal(p.score, score);
	assert_int_equal(p.ups, ups);
	assert_int_equal(p.downs, downs);
}

static void
test_votes(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t carol = mk_user(f->s, "carol");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	int64_t score = 0;

	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, pid, 1, T0 + 1,
	    &score), STORE_OK);
	assert_int_equal(score, 2);
	check_post(f, pid, 2, 2, 0);
	assert_int_equal(get_user(f, alice).points, 1);
	assert_int_equal(get_post(f, pid, bob).my_vote, 1);

	/* Repeating a vote changes nothing. */
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, pid, 1, T0 + 2,
	    &score), STORE_OK);
	assert_int_equal(score, 2);
	check_post(f, pid, 2, 2, 0);
	assert_int_equal(get_user(f, alice).points, 1);

	/* Up to down moves the score and points by two. */
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, pid, -1, T0 + 3,
	    &score), STORE_OK);
	assert_int_equal(score, 0);
	check_post(f, pid, 0, 1, 1);
	assert_int_equal(get_user(f, alice).points, -1);
	assert_int_equal(get_post(f, pid, bob).my_vote, -1);

	/* Withdrawing, twice. */
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, pid, 0, T0 + 4,
	    &score), STORE_OK);
	assert_int_equal(score, 1);
	check_post(f, pid, 1, 1, 0);
	assert_int_equal(get_user(f, alice).points, 0);
	assert_int_equal(get_post(f, pid, bob).my_vote, 0);
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, pid, 0, T0 + 5,
	    &score), STORE_OK);
	assert_int_equal(score, 1);
	assert_int_equal(get_user(f, alice).points, 0);

	/* Another user's down vote. */
	assert_int_equal(store_vote_set(f->s, carol, VOTE_POST, pid, -1,
	    T0 + 6, &score), STORE_OK);
	assert_int_equal(score, 0);
	check_post(f, pid, 0, 1, 1);
	assert_int_equal(get_user(f, alice).points, -1);

	/* The author's own vote never moves their points. */
	assert_int_equal(store_vote_set(f->s, alice, VOTE_POST, pid, -1,
	    T0 + 7, &score), STORE_OK);
	assert_int_equal(score, -2);
	check_post(f, pid, -2, 0, 2);
	assert_int_equal(get_user(f, alice).points, -1);
	assert_int_equal(get_user(f, carol).points, 0);
	assert_int_equal(get_user(f, bob).points, 0);

	log_set_level(LOG_ERR + 1);
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, pid, 2, T0,
	    &score), STORE_ERR);
	assert_int_equal(store_vote_set(f->s, bob, 7, pid, 1, T0, &score),
	    STORE_ERR);
	log_set_level(LOG_WARN);
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, 9999, 1, T0,
	    &score), STORE_NOTFOUND);
	assert_int_equal(store_vote_set(f->s, bob, VOTE_COMMENT, pid, 1, T0,
	    &score), STORE_NOTFOUND);
}

static void
test_self_vote_withdrawal(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	int64_t cid = mk_comment(f->s, pid, 0, alice, T0 + 1);
	struct comment c;
	int64_t score = 99;

	assert_int_equal(store_vote_set(f->s, alice, VOTE_POST, pid, 0, T0 + 2,
	    &score), STORE_OK);
	assert_int_equal(score, 0);
	check_post(f, pid, 0, 0, 0);
	assert_int_equal(get_post(f, pid, alice).my_vote, 0);
	assert_int_equal(get_user(f, alice).points, 0);

	assert_int_equal(store_vote_set(f->s, alice, VOTE_COMMENT, cid, 0,
	    T0 + 3, &score), STORE_OK);
	assert_int_equal(score, 0);
	assert_int_equal(store_comment_get(f->s, f->a, cid, alice, &c),
	    STORE_OK);
	assert_int_equal(c.score, 0);
	assert_int_equal(c.ups, 0);
	assert_int_equal(c.my_vote, 0);
	assert_int_equal(get_user(f, alice).points, 0);
}

static void
test_comment_votes(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, bob, T0);
	int64_t cid = mk_comment(f->s, pid, 0, alice, T0 + 1);
	struct comment c;
	int64_t score = 0;

	assert_int_equal(store_vote_set(f->s, bob, VOTE_COMMENT, cid, 1,
	    T0 + 2, &score), STORE_OK);
	assert_int_equal(score, 2);
	assert_int_equal(store_vote_set(f->s, alice, VOTE_POST, pid, -1,
	    T0 + 3, &score), STORE_OK);
	assert_int_equal(score, 0);
	assert_int_equal(get_user(f, alice).points, 1);
	assert_int_equal(get_user(f, bob).points, -1);
	assert_int_equal(store_comment_get(f->s, f->a, cid, bob, &c),
	    STORE_OK);
	assert_int_equal(c.score, 2);
	assert_int_equal(c.ups, 2);
	assert_int_equal(c.downs, 0);
	assert_int_equal(c.my_vote, 1);
	/* A post vote and a comment vote with the same id do not mix. */
	assert_int_equal(store_comment_get(f->s, f->a, cid, alice, &c),
	    STORE_OK);
	assert_int_equal(c.my_vote, 1);
}

/* ---- comments -------------------------------------------------------- */

static void
test_comments(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	int64_t other = mk_post(f->s, cats, alice, T0 + 1);
	int64_t c1 = mk_comment(f->s, pid, 0, bob, T0 + 10);
	int64_t c2 = mk_comment(f->s, pid, c1, alice, T0 + 20);
	int64_t c3 = mk_comment(f->s, pid, c2, bob, T0 + 30);
	int64_t c4 = mk_comment(f->s, pid, 0, alice, T0 + 15);
	struct comment bad = { .post_id = other, .parent_id = c1,
	    .author_id = bob, .body = "x", .body_html = "x",
	    .created = T0 + 40 };
	struct comment *list, c;
	struct post p;
	size_t n;
	int64_t id = 0;

	p = get_post(f, pid, 0);
	assert_int_equal(p.comment_count, 4);
	assert_int_equal(p.last_comment, T0 + 30);
	assert_int_equal(get_post(f, other, 0).comment_count, 0);

	assert_int_equal(store_comment_create(f->s, &bad, &id),
	    STORE_CONFLICT);
	bad.parent_id = 9999;
	assert_int_equal(store_comment_create(f->s, &bad, &id),
	    STORE_NOTFOUND);
	bad.post_id = 9999;
	bad.parent_id = 0;
	assert_int_equal(store_comment_create(f->s, &bad, &id),
	    STORE_NOTFOUND);
	p = get_post(f, other, 0);
	assert_int_equal(p.comment_count, 0);
	assert_int_equal(p.last_comment, T0 + 1);

	assert_int_equal(store_comment_list(f->s, f->a, pid, bob, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 4);
	assert_int_equal(list[0].id, c1);
	assert_int_equal(list[0].parent_id, 0);
	assert_int_equal(list[0].depth, 0);
	assert_string_equal(list[0].author, "bob");
	assert_int_equal(list[0].my_vote, 1);
	assert_int_equal(list[0].score, 1);
	assert_int_equal(list[1].id, c2);
	assert_int_equal(list[1].parent_id, c1);
	assert_int_equal(list[1].depth, 1);
	assert_int_equal(list[1].my_vote, 0);
	assert_int_equal(list[2].id, c3);
	assert_int_equal(list[2].depth, 2);
	assert_int_equal(list[3].id, c4);
	assert_int_equal(list[3].depth, 0);
	assert_string_equal(list[3].body_html, "<p>a comment</p>");
	assert_int_equal(store_comment_list(f->s, f->a, other, 0, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 0);

	assert_int_equal(store_comment_edit(f->s, c2, "edited", "<p>e</p>",
	    T0 + 50), STORE_OK);
	assert_int_equal(store_comment_get(f->s, f->a, c2, 0, &c), STORE_OK);
	assert_string_equal(c.body, "edited");
	assert_int_equal(c.edited, T0 + 50);
	assert_int_equal(store_comment_delete(f->s, c2, T0 + 60), STORE_OK);
	assert_int_equal(store_comment_get(f->s, f->a, c2, 0, &c), STORE_OK);
	assert_true(c.deleted);
	assert_null(c.body);
	assert_null(c.body_html);
	assert_int_equal(c.depth, 1);
	assert_int_equal(get_post(f, pid, 0).comment_count, 4);
	assert_int_equal(store_comment_delete(f->s, 9999, T0), STORE_NOTFOUND);
	assert_int_equal(store_comment_edit(f->s, 9999, "x", "x", T0),
	    STORE_NOTFOUND);
	assert_int_equal(store_comment_get(f->s, f->a, 9999, 0, &c),
	    STORE_NOTFOUND);
}

static void
test_comments_by_author(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	int64_t ids[23], next = 22, after = 0;
	size_t total = 0;
	struct comment *list;
	size_t n;

	/* Pairs share a created time, so ties are broken by id. */
	for (int i = 0; i < 23; i++)
		ids[i] = mk_comment(f->s, pid, 0, i % 3 ? bob : alice,
		    T0 + 10 + i / 2);
	do {
		assert_int_equal(store_comments_by_author(f->s, f->a, bob,
		    after, 4, &list, &n), STORE_OK);
		for (size_t i = 0; i < n; i++) {
			/* bob's comments are those with i % 3 != 0. */
			while (next % 3 == 0)
				next--;
			assert_true(next >= 0);
			assert_int_equal(list[i].id, ids[next--]);
			assert_string_equal(list[i].post_title, "A post");
			assert_string_equal(list[i].community, "cats");
			assert_string_equal(list[i].author, "bob");
			after = list[i].id;
			total++;
		}
	} while (n == 4);
	assert_int_equal(total, 15);
}

/* ---- listings -------------------------------------------------------- */

/* The stored sort key of a post, recomputed from its public fields. */
static double
sort_key(const struct post *p, enum post_sort sort)
{
	switch (sort) {
	case SORT_HOT: return rank_hot(p->score, p->created);
	case SORT_NEW: return (double)p->created;
	case SORT_TOP: return (double)p->score;
	case SORT_ACTIVE: return (double)p->last_comment;
	case SORT_CONTROVERSIAL: return rank_controversy(p->ups, p->downs);
	}
	return 0;
}

/*
 * Walks every page of q and checks that each of the want posts comes
 * exactly once, in (key DESC, id DESC) order. Returns the number seen.
 */
static size_t
walk_pages(struct fixture *f, struct post_query q, int64_t maxid,
    size_t want)
{
	bool *seen = calloc((size_t)maxid + 1, sizeof(bool));
	struct post prev = { 0 }, *list;
	size_t n, total = 0, pages = 0;

	assert_non_null(seen);
	q.after = 0;
	do {
		assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n),
		    STORE_OK);
		assert_true(n <= (size_t)q.limit);
		for (size_t i = 0; i < n; i++) {
			struct post *p = &list[i];
			enum post_sort s = q.author_id ? SORT_NEW : q.sort;

			assert_true(p->id > 0 && p->id <= maxid);
			assert_false(seen[p->id]);
			seen[p->id] = true;
			if (total > 0) {
				double a = sort_key(&prev, s), b = sort_key(p, s);

				assert_true(a > b || (a == b && prev.id > p->id));
			}
			prev = *p;
			total++;
			q.after = p->id;
		}
		pages++;
	} while (n == (size_t)q.limit);
	assert_int_equal(total, want);
	assert_true(pages >= want / (size_t)q.limit);
	free(seen);
	return total;
}

struct listing_world {
	int64_t users[6];
	int64_t comm[2];
	int64_t posts[60];
};

/*
 * 60 posts in two communities: created times in threes (ties), assorted
 * up and down votes (ties in score, varied controversy) and comments on
 * some (varied last_comment). One outer transaction, as the demo does.
 */
static void
build_world(struct fixture *f, struct listing_world *w)
{
	char name[16];
	int64_t score;

	assert_int_equal(store_begin(f->s), STORE_OK);
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "user%d", i);
		w->users[i] = mk_user(f->s, name);
	}
	w->comm[0] = mk_community(f->s, "one", w->users[0]);
	w->comm[1] = mk_community(f->s, "two", w->users[1]);
	for (int i = 0; i < 60; i++) {
		w->posts[i] = mk_post(f->s, w->comm[i % 2], w->users[i % 6],
		    T0 + 3600 * (i / 3));
		for (int u = 0; u < 6; u++) {
			int dir = ((i * 7 + u * 3) % 5) - 2;

			if (dir > 1)
				dir = 1;
			if (dir < -1)
				dir = -1;
			assert_int_equal(store_vote_set(f->s, w->users[u],
			    VOTE_POST, w->posts[i], dir, T0, &score),
			    STORE_OK);
		}
		if (i % 4 == 0)
			mk_comment(f->s, w->posts[i], 0, w->users[0],
			    T0 + 500000 - 1000 * i);
	}
	assert_int_equal(store_commit(f->s), STORE_OK);
}

static void
test_listing_paging(void **state)
{
	struct fixture *f = *state;
	struct listing_world w;
	int64_t maxid;
	static const enum post_sort sorts[] = { SORT_HOT, SORT_NEW, SORT_TOP,
	    SORT_ACTIVE, SORT_CONTROVERSIAL };

	build_world(f, &w);
	maxid = w.posts[59];
	for (size_t i = 0; i < ARRAY_LEN(sorts); i++) {
		struct post_query q = { .sort = sorts[i], .limit = 7,
		    .include_stickied = true, .viewer_id = w.users[2] };

		walk_pages(f, q, maxid, 60);
		q.limit = 25;
		walk_pages(f, q, maxid, 60);
		q.community_id = w.comm[1];
		walk_pages(f, q, maxid, 30);
	}
	{
		struct post_query q = { .author_id = w.users[3], .limit = 4,
		    .sort = SORT_TOP, .include_stickied = true };

		walk_pages(f, q, maxid, 10);
	}
}

static void
test_listing_order(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t carol = mk_user(f->s, "carol");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t old = mk_post(f->s, cats, alice, T0);
	int64_t mid = mk_post(f->s, cats, alice, T0 + 18000);
	int64_t young = mk_post(f->s, cats, alice, T0 + 36000);
	struct post_query q = { .limit = 10, .include_stickied = true,
	    .viewer_id = bob };
	struct post *list;
	size_t n;
	int64_t score;

	/* old ends at 3, mid at 1, young at 0. */
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, old, 1, T0,
	    &score), STORE_OK);
	assert_int_equal(store_vote_set(f->s, carol, VOTE_POST, old, 1, T0,
	    &score), STORE_OK);
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, young, -1, T0,
	    &score), STORE_OK);

	q.sort = SORT_NEW;
	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, young);
	assert_int_equal(list[1].id, mid);
	assert_int_equal(list[2].id, old);
	assert_int_equal(list[0].my_vote, -1);
	assert_int_equal(list[2].my_vote, 1);
	assert_string_equal(list[0].community, "cats");
	assert_string_equal(list[0].author, "alice");

	q.sort = SORT_TOP;
	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, old);
	assert_int_equal(list[1].id, mid);
	assert_int_equal(list[2].id, young);

	/* hot, in units of 45000 s: young 0.8 + 0, old 0 + log10(3) =
	 * 0.477, mid 0.4 + log10(1) = 0.4. */
	q.sort = SORT_HOT;
	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, young);
	assert_int_equal(list[1].id, old);
	assert_int_equal(list[2].id, mid);

	/* top within a window */
	q.sort = SORT_TOP;
	q.since = T0 + 1;
	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, mid);
	assert_int_equal(list[1].id, young);
	q.since = 0;

	/* controversial: only young has both ups and downs */
	q.sort = SORT_CONTROVERSIAL;
	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(list[0].id, young);

	/* active: a comment lifts old */
	mk_comment(f->s, old, 0, bob, T0 + 90000);
	q.sort = SORT_ACTIVE;
	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(list[0].id, old);
	assert_int_equal(list[1].id, young);

	/* an unknown cursor gives an empty page */
	q.after = 9999;
	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
}

static void
test_listing_stickied_and_limit(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	struct post sticky = { .community_id = cats, .author_id = alice,
	    .title = "Rules", .body = "b", .body_html = "b", .stickied = true,
	    .created = T0 + 99999 };
	struct post_query q = { .sort = SORT_NEW, .community_id = cats,
	    .limit = 1000 };
	struct post *list;
	size_t n;
	int64_t sid;

	assert_int_equal(store_begin(f->s), STORE_OK);
	for (int i = 0; i < 120; i++)
		mk_post(f->s, cats, alice, T0 + i);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_post_create(f->s, &sticky, &sid), STORE_OK);

	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(n, 100);
	assert_int_not_equal(list[0].id, sid);
	for (size_t i = 0; i < n; i++)
		assert_false(list[i].stickied);
	q.include_stickied = true;
	q.limit = 0;
	assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n), STORE_OK);
	assert_int_equal(n, 25);
	assert_int_equal(list[0].id, sid);
	assert_true(list[0].stickied);
}

/* ---- pages ----------------------------------------------------------- */

static void
test_pages(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	struct page p;

	assert_int_equal(store_page_get(f->s, f->a, "tos", &p),
	    STORE_NOTFOUND);
	assert_int_equal(store_page_set(f->s, "tos", "Terms", "Be nice.",
	    "<p>Be nice.</p>", 0, T0), STORE_OK);
	assert_int_equal(store_page_get(f->s, f->a, "tos", &p), STORE_OK);
	assert_string_equal(p.slug, "tos");
	assert_string_equal(p.title, "Terms");
	assert_string_equal(p.body, "Be nice.");
	assert_string_equal(p.body_html, "<p>Be nice.</p>");
	assert_null(p.editor);
	assert_int_equal(p.updated, T0);

	assert_int_equal(store_page_set(f->s, "tos", "Terms of service",
	    "Be kind.", "<p>Be kind.</p>", alice, T0 + 10), STORE_OK);
	assert_int_equal(store_page_get(f->s, f->a, "tos", &p), STORE_OK);
	assert_string_equal(p.title, "Terms of service");
	assert_string_equal(p.body, "Be kind.");
	assert_string_equal(p.editor, "alice");
	assert_int_equal(p.updated, T0 + 10);
	assert_int_equal(store_page_get(f->s, f->a, "privacy", &p),
	    STORE_NOTFOUND);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_migrate_twice),
		T(test_open_bad_urls),
		T(test_nested_transactions),
		T(test_settings),
		T(test_users),
		T(test_sessions),
		T(test_communities),
		T(test_post_create),
		T(test_post_edit_delete),
		T(test_votes),
		T(test_self_vote_withdrawal),
		T(test_comment_votes),
		T(test_comments),
		T(test_comments_by_author),
		T(test_listing_paging),
		T(test_listing_order),
		T(test_listing_stickied_and_limit),
		T(test_pages),
	};

	int rc;

	log_set_level(LOG_WARN);
	rc = cmocka_run_group_tests_name("store", tests, NULL, NULL);
	pg_url = getenv("PARLEY_TEST_PG_URL");
	if (pg_url == NULL || *pg_url == '\0') {
		printf("store: the PostgreSQL run is skipped: PARLEY_TEST_PG_URL "
		    "is not set (make test sets it)\n");
		return rc;
	}
	return rc | cmocka_run_group_tests_name("store_pg", tests, NULL, NULL);
}
