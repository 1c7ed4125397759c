/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_demo.c: unit tests for src/app/app_demo.c: a small demo run into a
 * temporary SQLite database, read back through the store, has the
 * communities, users, posts and the one large deep thread it promises,
 * every index it dropped for the load back, and a second run adds
 * nothing; a load that dies has its indexes built by the next migrate;
 * --communities numbers the topics' rounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "app/app.h"
#include "store/store.h"

#define POSTS 20

/* The database the group's tests read, filled once by setup. */
struct fixture {
	char dir[64];            /* temporary directory */
	char url[128];           /* sqlite:DIR/demo.db */
	struct app_config cfg;
	struct store *s;
	struct arena *a;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/parley-test-demo-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/demo.db", f->dir);
	f->cfg.db = f->url;
	f->cfg.db_shown = f->url;
	f->cfg.archive_after = 180 * 86400;
	if (app_demo(&f->cfg, POSTS, 7) != 0)
		return -1;
	if ((f->s = store_open(f->url)) == NULL)
		return -1;
	f->a = arena_new(0);
	*state = f;
	return 0;
}

/* Removes the database file name and its WAL files from dir. */
static void
remove_db(const char *dir, const char *name)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char path[160];

	for (size_t i = 0; i < ARRAY_LEN(suffixes); i++) {
		snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffixes[i]);
		unlink(path);
	}
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s);
	arena_free(f->a);
	remove_db(f->dir, "demo.db");
	remove_db(f->dir, "more.db");
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Every post of the demo, newest first; in f->a. */
static struct post *
all_posts(struct fixture *f, size_t *n)
{
	struct post_query q = {
		.sort = SORT_NEW,
		.limit = 1000,
		.include_stickied = true,
	};
	struct post *p;

	assert_int_equal(store_post_list(f->s, f->a, &q, &p, n), STORE_OK);
	return p;
}

static void
test_users_and_communities(void **state)
{
	struct fixture *f = *state;
	struct community *c;
	struct user u;
	size_t n;
	int64_t posts = 0;

	assert_int_equal(store_user_by_name(f->s, f->a, "alice", &u, NULL),
	    STORE_OK);
	assert_int_equal(u.role, ROLE_USER);
	assert_int_equal(store_user_by_name(f->s, f->a, "admin", &u, NULL),
	    STORE_OK);
	assert_int_equal(u.role, ROLE_ADMIN);
	assert_int_equal(store_community_list(f->s, f->a, COMMUNITIES_BY_NAME,
	    100, &c, &n), STORE_OK);
	assert_int_equal(n, 8);
	for (size_t i = 0; i < n; i++) {
		struct user *mods;
		size_t nmods;

		assert_non_null(strstr(c[i].description_html, "<p>"));
		assert_non_null(strstr(c[i].rules_html, "<ol>"));
		assert_int_equal(store_community_mods(f->s, f->a, c[i].id, &mods,
		    &nmods), STORE_OK);
		assert_int_equal(nmods, 2);
		posts += c[i].post_count;
	}
	assert_int_equal(posts, POSTS);
}

static void
test_posts(void **state)
{
	struct fixture *f = *state;
	int64_t now = base_now();
	size_t n, old = 0, links = 0;
	struct post *p = all_posts(f, &n);

	assert_int_equal(n, POSTS);
	for (size_t i = 0; i < n; i++) {
		assert_true(p[i].created <= now);
		if (p[i].created < now - 180 * 86400)
			old++;
		if (p[i].url != NULL) {
			links++;
			assert_true(strncmp(p[i].url, "http://", 7) == 0 ||
			    strncmp(p[i].url, "https://", 8) == 0);
			assert_null(p[i].body);
		} else {
			assert_non_null(p[i].body_html);
			assert_non_null(strstr(p[i].body_html, "<p>"));
		}
		assert_true(strlen(p[i].title) > 0 && strlen(p[i].title) <= 300);
	}
	assert_true(old > 0);
	assert_true(links < n);
}

/* The large thread: one post, in gardening, deep, replies after parents. */
static void
test_big_thread(void **state)
{
	struct fixture *f = *state;
	size_t n, nc, big = SIZE_MAX;
	struct post *p = all_posts(f, &n);
	struct comment *c;
	int max_depth = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i].comment_count >= 320) {
			assert_int_equal(big, SIZE_MAX);
			big = i;
		}
	}
	assert_int_not_equal(big, SIZE_MAX);
	assert_string_equal(p[big].community, "gardening");
	assert_true(p[big].created > base_now() - 7 * 86400);
	assert_int_equal(store_comment_list(f->s, f->a, p[big].id, 0, &c, &nc),
	    STORE_OK);
	assert_int_equal((int64_t)nc, p[big].comment_count);
	for (size_t i = 0; i < nc; i++) {
		size_t j = 0;

		if (c[i].depth > max_depth)
			max_depth = c[i].depth;
		assert_true(c[i].created >= p[big].created);
		if (c[i].parent_id == 0) {
			assert_int_equal(c[i].depth, 0);
			continue;
		}
		/* The list is in id order, so a parent comes first. */
		while (j < i && c[j].id != c[i].parent_id)
			j++;
		assert_true(j < i);
		assert_int_equal(c[i].depth, c[j].depth + 1);
		assert_true(c[i].created >= c[j].created);
	}
	assert_true(max_depth > 10);
	assert_true(p[big].score > 10);
}

/* Appends each row's first column and a space to the buffer data. */
static int
names_cb(void *data, int ncols, char **row, char **names)
{
	char *out = data;

	(void)names;
	assert_int_equal(ncols, 1);
	assert_true(strlen(out) + strlen(row[0]) + 2 < 4096);
	strcat(out, row[0]);
	strcat(out, " ");
	return 0;
}

/* The result of query on the SQLite file path, rows joined in out. */
static void
query(const char *path, const char *sql, char out[4096])
{
	sqlite3 *db;

	out[0] = '\0';
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, names_cb, out, NULL), SQLITE_OK);
	sqlite3_close(db);
}

#define INDEXES "SELECT name FROM sqlite_master WHERE type = 'index' " \
	"ORDER BY name"

/*
 * A database migrated in dir, its indexes listed in out; with load, a
 * bulk load is begun on it and never ended, as when the demo is killed.
 */
static void
fresh_db(const char *dir, const char *name, bool load, char out[4096])
{
	char path[160], url[170];
	struct store *s;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_non_null(s = store_open(url));
	assert_int_equal(store_migrate(s), STORE_OK);
	if (load)
		assert_int_equal(store_bulk(s), STORE_OK);
	store_close(s);
	query(path, INDEXES, out);
}

/* The load dropped the secondary indexes and turned the journal off;
 * afterwards each index is there again and the journal is the WAL. */
static void
test_indexes_back(void **state)
{
	struct fixture *f = *state;
	char path[160], have[4096], want[4096];

	fresh_db(f->dir, "fresh.db", false, want);
	assert_non_null(strstr(want, " posts_hot "));
	assert_non_null(strstr(want, " votes_user "));
	snprintf(path, sizeof(path), "%s/demo.db", f->dir);
	query(path, INDEXES, have);
	assert_string_equal(have, want);
	query(path, "SELECT count(*) FROM bulk_index", have);
	assert_string_equal(have, "0 ");
	query(path, "PRAGMA journal_mode", have);
	assert_string_equal(have, "wal ");
	snprintf(path, sizeof(path), "%s/fresh.db", f->dir);
	unlink(path);
}

/* A load killed between store_bulk and store_bulk_end: the next migrate
 * builds the indexes it dropped. */
static void
test_killed_load_heals(void **state)
{
	struct fixture *f = *state;
	char path[160], url[170], have[4096], want[4096];
	struct store *s;

	fresh_db(f->dir, "fresh.db", false, want);
	fresh_db(f->dir, "killed.db", true, have);
	assert_null(strstr(have, " posts_hot "));
	assert_null(strstr(have, " comments_author "));
	assert_null(strstr(have, " votes_user "));
	assert_non_null(strstr(have, "sqlite_autoindex_users"));
	snprintf(path, sizeof(path), "%s/killed.db", f->dir);
	query(path, "SELECT count(*) > 20 FROM bulk_index", have);
	assert_string_equal(have, "1 ");
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_non_null(s = store_open(url));
	assert_int_equal(store_migrate(s), STORE_OK);
	store_close(s);
	query(path, INDEXES, have);
	assert_string_equal(have, want);
	query(path, "SELECT count(*) FROM bulk_index", have);
	assert_string_equal(have, "0 ");
	unlink(path);
	snprintf(path, sizeof(path), "%s/fresh.db", f->dir);
	unlink(path);
}

static void
test_second_run_adds_nothing(void **state)
{
	struct fixture *f = *state;
	size_t n;

	assert_int_equal(app_demo(&f->cfg, POSTS, 8), 0);
	all_posts(f, &n);
	assert_int_equal(n, POSTS);
}

/* --communities 20: the topics come round again, numbered; each
 * community has its two moderators and its welcome post. */
static void
test_more_communities(void **state)
{
	struct fixture *f = *state;
	struct app_config cfg = f->cfg;
	char url[160];
	struct community *c;
	struct store *s;
	size_t n;
	int64_t posts = 0;

	snprintf(url, sizeof(url), "sqlite:%s/more.db", f->dir);
	cfg.db = url;
	cfg.db_shown = url;
	assert_int_equal(app_demo_big(&cfg, 120, 3, 0, 20), 0);
	assert_non_null(s = store_open(url));
	assert_int_equal(store_community_list(s, f->a, COMMUNITIES_BY_NAME,
	    100, &c, &n), STORE_OK);
	assert_int_equal(n, 20);
	assert_string_equal(c[0].name, "boardgames");
	assert_string_equal(c[1].name, "boardgames2");
	assert_string_equal(c[1].title, "Board games 2");
	for (size_t i = 0; i < n; i++) {
		struct user *mods;
		size_t nmods;

		assert_int_equal(store_community_mods(s, f->a, c[i].id, &mods,
		    &nmods), STORE_OK);
		assert_int_equal(nmods, 2);
		assert_true(c[i].post_count >= 1);
		posts += c[i].post_count;
	}
	assert_int_equal(posts, 120);
	assert_int_equal(store_community_by_name(s, f->a, "gardening3", c),
	    STORE_OK);
	assert_int_equal(store_community_by_name(s, f->a, "history3", c),
	    STORE_NOTFOUND);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_users_and_communities),
		cmocka_unit_test(test_posts),
		cmocka_unit_test(test_big_thread),
		cmocka_unit_test(test_indexes_back),
		cmocka_unit_test(test_killed_load_heals),
		cmocka_unit_test(test_second_run_adds_nothing),
		cmocka_unit_test(test_more_communities),
	};

	return cmocka_run_group_tests_name("demo", tests, setup, teardown);
}
