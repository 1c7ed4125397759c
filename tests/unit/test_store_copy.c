/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_copy.c: unit tests of src/store/store_copy.c on two SQLite
 * files (the black-box test_migrate.py moves a site to PostgreSQL): a
 * copy keeps every row and id and its sums agree, a target that holds
 * content is refused unless forced, sessions are copied only when asked,
 * a table the copy does not know stops it before anything is written, and
 * a backup is a whole database.
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
	char dir[64];
	char from_url[128], to_url[128], backup[128];
	struct store *from, *to;
	struct arena *a;
	int64_t user, post;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct community c = { .name = "copied", .title = "Copied",
	    .created = T0 };
	struct post p = { .title = "A post", .body = "body",
	    .body_html = "<p>body</p>", .created = T0 };
	struct comment cm = { .body = "a reply", .body_html = "<p>a reply</p>",
	    .created = T0 + 1 };
	unsigned char key[32] = { 1, 2, 3 };
	int64_t id;

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/parley-copy-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->from_url, sizeof(f->from_url), "sqlite:%s/from.db", f->dir);
	snprintf(f->to_url, sizeof(f->to_url), "sqlite:%s/to.db", f->dir);
	snprintf(f->backup, sizeof(f->backup), "%s/backup.db", f->dir);
	f->from = store_open(f->from_url);
	f->to = store_open(f->to_url);
	if (f->from == NULL || f->to == NULL ||
	    store_migrate(f->from) != STORE_OK ||
	    store_migrate(f->to) != STORE_OK)
		return -1;
	f->a = arena_new(1 << 16);
	if (store_user_create(f->from, "writer", "h", "w@x", ROLE_USER, T0,
	    &f->user) != STORE_OK)
		return -1;
	c.creator_id = p.author_id = cm.author_id = f->user;
	if (store_community_create(f->from, &c, &p.community_id) != STORE_OK ||
	    store_post_create(f->from, &p, &f->post) != STORE_OK)
		return -1;
	cm.post_id = f->post;
	if (store_comment_create(f->from, &cm, &id) != STORE_OK ||
	    store_setting_set(f->from, "csrf_secret", "00ff") != STORE_OK ||
	    store_session_create(f->from, key, f->user, T0, T0 + 3600) !=
	    STORE_OK)
		return -1;
	/* What parley init leaves in a new target: replaced by the copy. */
	if (store_setting_set(f->to, "csrf_secret", "seeded") != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	const char *files[] = { "from.db", "from.db-wal", "from.db-shm",
	    "to.db", "to.db-wal", "to.db-shm", "backup.db" };
	char p[160];

	store_close(f->from);
	store_close(f->to);
	arena_free(f->a);
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", f->dir, files[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static const struct store_copy_table *
table(const struct store_copy_table *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	fail_msg("no table %s in the report", name);
	return NULL;
}

/* The copied comment is found by search on the target, exactly once. */
static void
assert_reply_found(struct fixture *f)
{
	struct search_query q;
	struct search_args sa = { .q = &q, .kinds = SEARCH_COMMENTS };
	struct found_item *it;
	size_t n;

	assert_int_equal(store_search_parse(str_c("reply"), &q), SEARCH_PARSED);
	assert_int_equal(store_search(f->to, f->a, &sa, &it, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(it[0].post.id, f->post);
}

static void
test_copy(void **state)
{
	struct fixture *f = *state;
	struct store_copy_table *t;
	struct store_numbers k = { .found = false };
	const char *v = NULL;
	struct post p;
	struct user u;
	int64_t score;
	size_t n;

	/* Ranks the source has queued (the comment's last_comment, this
	 * vote's score) reach the copy caught up. */
	assert_int_equal(store_vote_set(f->from, f->user, VOTE_POST, f->post,
	    -1, T0 + 2, &score), STORE_OK);
	assert_int_equal(store_copy(f->from, f->to, f->a, 0, &t, &n), STORE_OK);
	assert_int_equal(store__run(f->to, STMT_POST_CURSOR, STORE_PARAMS(
	    store_v_int(f->post)), store__numbers_cb, &k), STORE_OK);
	assert_true(k.found);
	assert_int_equal(store__col_i64(&k.vals[2]), -1);     /* score */
	assert_int_equal(store__col_i64(&k.vals[3]), T0 + 1); /* last_comment */
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(t[i].rows_from, t[i].rows_to);
		assert_true(t[i].sum_from == t[i].sum_to);
	}
	assert_int_equal(table(t, n, "users")->rows_to, 1);
	assert_int_equal(table(t, n, "votes")->rows_to, 2);
	assert_false(table(t, n, "sessions")->copied);
	assert_int_equal(store_post_get(f->to, f->a, f->post, 0, &p), STORE_OK);
	assert_string_equal(p.title, "A post");
	assert_int_equal(p.comment_count, 1);
	assert_int_equal(store_user_get(f->to, f->a, f->user, &u), STORE_OK);
	assert_string_equal(u.email, "w@x");
	assert_int_equal(store_setting_get(f->to, f->a, "csrf_secret", &v),
	    STORE_OK);
	assert_string_equal(v, "00ff");
	assert_reply_found(f);
}

static void
test_refuses_content(void **state)
{
	struct fixture *f = *state;
	unsigned char key[32] = { 1, 2, 3 };
	struct store_copy_table *t;
	struct user u;
	size_t n;

	assert_int_equal(store_copy(f->from, f->to, f->a, 0, &t, &n), STORE_OK);
	assert_reply_found(f);
	log_set_level(LOG_ERR);
	assert_int_equal(store_copy(f->from, f->to, f->a, 0, &t, &n),
	    STORE_CONFLICT);
	log_set_level(LOG_WARN);
	assert_int_equal(store_copy(f->from, f->to, f->a,
	    STORE_COPY_FORCE | STORE_COPY_SESSIONS, &t, &n), STORE_OK);
	assert_true(table(t, n, "sessions")->copied);
	assert_int_equal(table(t, n, "sessions")->rows_to, 1);
	assert_reply_found(f);
	assert_int_equal(store_session_user(f->to, f->a, key, T0, &u, NULL),
	    STORE_OK);
	assert_int_equal(u.id, f->user);
}

static void
test_unknown_table(void **state)
{
	struct fixture *f = *state;
	struct store_copy_table *t;
	struct user u;
	size_t n;

	assert_int_equal(f->from->be->script(f->from->conn,
	    "CREATE TABLE newer (x INTEGER)"), STORE_OK);
	log_set_level(LOG_ERR + 1);
	assert_int_equal(store_copy(f->from, f->to, f->a, 0, &t, &n), STORE_ERR);
	log_set_level(LOG_WARN);
	assert_int_equal(store_user_get(f->to, f->a, f->user, &u),
	    STORE_NOTFOUND);
}

static void
test_backup(void **state)
{
	struct fixture *f = *state;
	struct store *copy;
	char url[160];
	struct post p;

	assert_int_equal(store_backup(f->from, f->backup), STORE_OK);
	snprintf(url, sizeof(url), "sqlite:%s", f->backup);
	copy = store_open(url);
	assert_non_null(copy);
	assert_int_equal(store_migrate(copy), STORE_OK);
	assert_int_equal(store_post_get(copy, f->a, f->post, 0, &p), STORE_OK);
	assert_int_equal(p.comment_count, 1);
	store_close(copy);
	log_set_level(LOG_ERR + 1);
	assert_int_equal(store_backup(f->from, "/nonexistent-dir-xyz/b.db"),
	    STORE_FULL);
	log_set_level(LOG_WARN);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_copy),
		T(test_refuses_content),
		T(test_unknown_table),
		T(test_backup),
	};

	log_set_level(LOG_WARN);
	return cmocka_run_group_tests_name("store_copy", tests, NULL, NULL);
}
