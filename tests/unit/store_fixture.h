/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_fixture.h: the fixture the store's domain tests share
 * (test_store*.c of store.c, store_schema.c and the domain files): a
 * fresh database per test, on SQLite and then on PostgreSQL, and the
 * helpers that make users, communities, posts and comments. Included by
 * each test file, after cmocka.h; each test binary is one file.
 *
 * On SQLite every test opens a new database file in its own temporary
 * directory, one level below it (so store_open has to create the
 * parent). On PostgreSQL, when PARLEY_TEST_PG_URL names a database (make
 * test starts a throw-away cluster for it), each test empties a schema
 * of the process's own there (pg_schema.h). setup migrates; setup_bare leaves
 * the database empty for tests of the migrations themselves.
 *
 * The mk_* helpers fail the test when the store refuses; each returns the
 * new row's id.
 */
#ifndef PARLEY_STORE_FIXTURE_H
#define PARLEY_STORE_FIXTURE_H

#include "store/store.h"
#include "store/store_int.h"
#include "pg_schema.h"

#define T0 1700000000

/* Not every test file uses every helper. */
#define FIXTURE_FN static __attribute__((unused))

struct fixture {
	char dir[64];            /* mkdtemp directory; SQLite only */
	char path[128];          /* database file, in dir/sub/ */
	struct store *s;
	struct arena *a;
};

/* The PostgreSQL database of the second run; NULL during the first. */
static const char *pg_url;

/* Opens a fresh database of the current run, migrated when migrate. */
static struct fixture *
fixture_open(bool migrate)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char url[160];

	if (f == NULL)
		return NULL;
	if (pg_url != NULL) {
		f->s = store_open(pg_url);
		if (f->s == NULL || pg_schema_reset(f->s) != STORE_OK)
			return NULL;
	} else {
		strcpy(f->dir, "/tmp/parley-store-XXXXXX");
		if (mkdtemp(f->dir) == NULL)
			return NULL;
		snprintf(f->path, sizeof(f->path), "%s/sub/test.db", f->dir);
		snprintf(url, sizeof(url), "sqlite:%s", f->path);
		if ((f->s = store_open(url)) == NULL)
			return NULL;
	}
	if (migrate && store_migrate(f->s) != STORE_OK)
		return NULL;
	f->a = arena_new(1 << 16);
	return f;
}

FIXTURE_FN int
setup(void **state)
{
	return (*state = fixture_open(true)) != NULL ? 0 : -1;
}

FIXTURE_FN int
setup_bare(void **state)
{
	return (*state = fixture_open(false)) != NULL ? 0 : -1;
}

FIXTURE_FN int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	store_close(f->s);
	arena_free(f->a);
	if (pg_url == NULL) {
		unlink(f->path);
		snprintf(p, sizeof(p), "%s-wal", f->path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", f->path);
		unlink(p);
		snprintf(p, sizeof(p), "%s/sub", f->dir);
		rmdir(p);
		rmdir(f->dir);
	}
	free(f);
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define T_BARE(fn) cmocka_unit_test_setup_teardown(fn, setup_bare, teardown)

/*
 * Runs the group on SQLite, then again on PostgreSQL when
 * PARLEY_TEST_PG_URL is set. Returns non-zero when a test failed.
 */
static int
fixture_run(const char *name, const struct CMUnitTest *tests, size_t n)
{
	char pg_name[64];
	int rc;

	log_set_level(LOG_WARN);
	rc = _cmocka_run_group_tests(name, tests, n, NULL, NULL);
	pg_url = pg_schema_url(getenv("PARLEY_TEST_PG_URL"));
	if (pg_url == NULL) {
		printf("%s: the PostgreSQL run is skipped: PARLEY_TEST_PG_URL "
		    "is not set (make test sets it)\n", name);
		return rc;
	}
	snprintf(pg_name, sizeof(pg_name), "%s_pg", name);
	return rc | _cmocka_run_group_tests(pg_name, tests, n, NULL, NULL);
}

#define FIXTURE_MAIN(name, tests) fixture_run(name, tests, ARRAY_LEN(tests))

/* ---- making rows ------------------------------------------------------ */

/* A user with a password hash "hash" and an email, created at T0. */
FIXTURE_FN int64_t
mk_user(struct store *s, const char *name)
{
	int64_t id = 0;

	assert_int_equal(store_user_create(s, name, "hash", "x@example.org",
	    ROLE_USER, T0, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

/* A community with a title and a description, creator its moderator. */
FIXTURE_FN int64_t
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

/* A text post titled "A post", stickied or held as asked. */
FIXTURE_FN int64_t
mk_post_full(struct store *s, int64_t community, int64_t author,
    int64_t created, bool stickied, bool held)
{
	struct post p = { .community_id = community, .author_id = author,
	    .title = "A post", .body = "body text",
	    .body_html = "<p>body text</p>", .created = created,
	    .stickied = stickied, .held = held };
	int64_t id = 0;

	assert_int_equal(store_post_create(s, &p, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

FIXTURE_FN int64_t
mk_post(struct store *s, int64_t community, int64_t author, int64_t created)
{
	return mk_post_full(s, community, author, created, false, false);
}

/* A comment "a comment" under parent (0: at the top), held as asked. */
FIXTURE_FN int64_t
mk_comment_full(struct store *s, int64_t post, int64_t parent,
    int64_t author, int64_t created, bool held)
{
	struct comment c = { .post_id = post, .parent_id = parent,
	    .author_id = author, .body = "a comment",
	    .body_html = "<p>a comment</p>", .created = created,
	    .held = held };
	int64_t id = 0;

	assert_int_equal(store_comment_create(s, &c, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

FIXTURE_FN int64_t
mk_comment(struct store *s, int64_t post, int64_t parent, int64_t author,
    int64_t created)
{
	return mk_comment_full(s, post, parent, author, created, false);
}

/* ---- reading rows back -------------------------------------------------- */

FIXTURE_FN struct user
get_user(struct fixture *f, int64_t id)
{
	struct user u;

	assert_int_equal(store_user_get(f->s, f->a, id, &u), STORE_OK);
	return u;
}

/* Post id with my_vote for viewer (0: signed out). */
FIXTURE_FN struct post
get_post(struct fixture *f, int64_t id, int64_t viewer)
{
	struct post p;

	assert_int_equal(store_post_get(f->s, f->a, id, viewer, &p), STORE_OK);
	return p;
}

FIXTURE_FN struct comment
get_comment(struct fixture *f, int64_t id)
{
	struct comment c;

	assert_int_equal(store_comment_get(f->s, f->a, id, 0, &c), STORE_OK);
	return c;
}

#endif
