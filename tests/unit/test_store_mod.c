/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_mod.c: unit tests of the store's moderation, self-protection
 * and abuse-limit functions (schema v2) over the SQLite backend: hidden
 * posts in listings, stickies, the held queue, bans, reports, the mod log,
 * blocks, notifications, account deletion, a user's votes, activity counts
 * and rate events. Each test gets a fresh migrated database.
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
	char dir[64];            /* mkdtemp directory */
	char path[128];          /* database file in dir */
	struct store *s;
	struct arena *a;
};

/* Opens a fresh database file without migrating it. */
static struct fixture *
fixture_open(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char url[160];

	if (f == NULL)
		return NULL;
	strcpy(f->dir, "/tmp/parley-mod-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return NULL;
	snprintf(f->path, sizeof(f->path), "%s/test.db", f->dir);
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	f->s = store_open(url);
	if (f->s == NULL)
		return NULL;
	f->a = arena_new(1 << 16);
	return f;
}

static int
setup(void **state)
{
	struct fixture *f = fixture_open();

	if (f == NULL || store_migrate(f->s) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static int
setup_bare(void **state)
{
	struct fixture *f = fixture_open();

	if (f == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	store_close(f->s);
	arena_free(f->a);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- helpers --------------------------------------------------------- */

static int64_t
mk_user(struct store *s, const char *name)
{
	int64_t id = 0;

	assert_int_equal(store_user_create(s, name, "hash", "x@example.org",
	    ROLE_USER, T0, &id), STORE_OK);
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
	return id;
}

static int64_t
mk_post_full(struct store *s, int64_t community, int64_t author,
    int64_t created, bool stickied, bool held)
{
	struct post p = { .community_id = community, .author_id = author,
	    .title = "A post", .body = "body text",
	    .body_html = "<p>body text</p>", .created = created,
	    .stickied = stickied, .held = held };
	int64_t id = 0;

	assert_int_equal(store_post_create(s, &p, &id), STORE_OK);
	return id;
}

static int64_t
mk_post(struct store *s, int64_t community, int64_t author, int64_t created)
{
	return mk_post_full(s, community, author, created, false, false);
}

static int64_t
mk_comment_full(struct store *s, int64_t post, int64_t author,
    int64_t created, bool held)
{
	struct comment c = { .post_id = post, .author_id = author,
	    .body = "a comment", .body_html = "<p>a comment</p>",
	    .created = created, .held = held };
	int64_t id = 0;

	assert_int_equal(store_comment_create(s, &c, &id), STORE_OK);
	return id;
}

static int64_t
mk_comment(struct store *s, int64_t post, int64_t author, int64_t created)
{
	return mk_comment_full(s, post, author, created, false);
}

static struct post
get_post(struct fixture *f, int64_t id)
{
	struct post p;

	assert_int_equal(store_post_get(f->s, f->a, id, 0, &p), STORE_OK);
	return p;
}

static struct comment
get_comment(struct fixture *f, int64_t id)
{
	struct comment c;

	assert_int_equal(store_comment_get(f->s, f->a, id, 0, &c), STORE_OK);
	return c;
}

/* ---- schema ---------------------------------------------------------- */

/* A v1 database with content gains the v2 columns with held = 0. */
static void
test_migrate_from_v1(void **state)
{
	struct fixture *f = *state;
	int64_t uid;
	struct post p;
	struct comment c;

	assert_int_equal(f->s->be->script(f->s->conn,
	    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
	    " applied INTEGER NOT NULL)"), STORE_OK);
	assert_int_equal(f->s->be->script(f->s->conn,
	    store_sqlite_migrations[0]), STORE_OK);
	assert_int_equal(f->s->be->script(f->s->conn,
	    "INSERT INTO schema_version VALUES (1, 1);"
	    "INSERT INTO users(id, name, name_lc, pass, created)"
	    " VALUES (1, 'old', 'old', 'h', 1);"
	    "INSERT INTO communities(id, name, name_lc, title, created)"
	    " VALUES (1, 'c', 'c', 't', 1);"
	    "INSERT INTO posts(id, community_id, author_id, title, created)"
	    " VALUES (1, 1, 1, 'kept', 1);"
	    "INSERT INTO comments(id, post_id, author_id, body, created)"
	    " VALUES (1, 1, 1, 'kept', 1);"), STORE_OK);
	assert_int_equal(store_migrate(f->s), STORE_OK);

	assert_int_equal(store_post_get(f->s, f->a, 1, 0, &p), STORE_OK);
	assert_string_equal(p.title, "kept");
	assert_false(p.held);
	assert_int_equal(store_comment_get(f->s, f->a, 1, 0, &c), STORE_OK);
	assert_false(c.held);
	uid = mk_user(f->s, "new");
	assert_int_equal(store_notify(f->s, uid, "hi", NULL, T0), STORE_OK);
}

/* ---- communities and moderators -------------------------------------- */

static void
test_community_edit_and_mods(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	struct community c;
	bool is = true;

	assert_int_equal(store_community_by_id(f->s, f->a, cats, &c), STORE_OK);
	assert_string_equal(c.name, "cats");
	assert_string_equal(c.title, "A title");
	assert_int_equal(store_community_by_id(f->s, f->a, 9999, &c),
	    STORE_NOTFOUND);

	assert_int_equal(store_community_edit(f->s, cats, NULL, "d2",
	    "<p>d2</p>", "r", "<p>r</p>"), STORE_OK);
	assert_int_equal(store_community_by_id(f->s, f->a, cats, &c), STORE_OK);
	assert_string_equal(c.title, "A title");
	assert_string_equal(c.description, "d2");
	assert_string_equal(c.description_html, "<p>d2</p>");
	assert_string_equal(c.rules, "r");
	assert_string_equal(c.rules_html, "<p>r</p>");
	assert_int_equal(store_community_edit(f->s, cats, "New", NULL, NULL,
	    NULL, NULL), STORE_OK);
	assert_int_equal(store_community_by_id(f->s, f->a, cats, &c), STORE_OK);
	assert_string_equal(c.title, "New");
	assert_null(c.description);
	assert_null(c.rules_html);
	assert_int_equal(store_community_edit(f->s, 9999, "x", NULL, NULL,
	    NULL, NULL), STORE_NOTFOUND);

	assert_int_equal(store_is_moderator(f->s, cats, alice, &is), STORE_OK);
	assert_true(is);
	assert_int_equal(store_is_moderator(f->s, cats, bob, &is), STORE_OK);
	assert_false(is);
	assert_int_equal(store_moderator_add(f->s, cats, bob, T0), STORE_OK);
	assert_int_equal(store_is_moderator(f->s, cats, bob, &is), STORE_OK);
	assert_true(is);
	assert_int_equal(store_moderator_remove(f->s, cats, bob), STORE_OK);
	assert_int_equal(store_is_moderator(f->s, cats, bob, &is), STORE_OK);
	assert_false(is);
	assert_int_equal(store_moderator_remove(f->s, cats, bob),
	    STORE_NOTFOUND);
	/* Re-appointing after removal works. */
	assert_int_equal(store_moderator_add(f->s, cats, bob, T0), STORE_OK);
}

/* ---- posts and comments ---------------------------------------------- */

/* Removed, deleted and held posts leave every listing and profile. */
static void
test_listings_skip_hidden(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t shown = mk_post(f->s, cats, alice, T0);
	int64_t removed = mk_post(f->s, cats, alice, T0 + 1);
	int64_t deleted = mk_post(f->s, cats, alice, T0 + 2);
	int64_t held = mk_post_full(f->s, cats, alice, T0 + 3, false, true);
	int64_t held_later = mk_post(f->s, cats, alice, T0 + 4);
	static const enum post_sort sorts[] = { SORT_HOT, SORT_NEW, SORT_TOP,
	    SORT_ACTIVE, SORT_CONTROVERSIAL };
	struct post *list, p;
	size_t n;

	assert_int_equal(store_post_set_removed(f->s, removed, true, "spam"),
	    STORE_OK);
	assert_int_equal(store_post_delete(f->s, deleted, T0), STORE_OK);
	assert_int_equal(store_post_set_held(f->s, held_later, true),
	    STORE_OK);
	assert_true(get_post(f, held).held);
	assert_true(get_post(f, held_later).held);
	assert_false(get_post(f, shown).held);
	p = get_post(f, removed);
	assert_true(p.removed);
	assert_string_equal(p.removed_reason, "spam");

	for (size_t i = 0; i < ARRAY_LEN(sorts); i++) {
		struct post_query q = { .sort = sorts[i], .limit = 10,
		    .include_stickied = true };

		for (int c = 0; c < 2; c++) {
			q.community_id = c ? cats : 0;
			assert_int_equal(store_post_list(f->s, f->a, &q, &list,
			    &n), STORE_OK);
			assert_int_equal(n, 1);
			assert_int_equal(list[0].id, shown);
		}
	}
	{
		struct post_query q = { .author_id = alice, .limit = 10,
		    .include_stickied = true };

		assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n),
		    STORE_OK);
		assert_int_equal(n, 1);
		assert_int_equal(list[0].id, shown);
	}

	/* Restoring and releasing bring them back; the reason goes. */
	assert_int_equal(store_post_set_removed(f->s, removed, false, "x"),
	    STORE_OK);
	p = get_post(f, removed);
	assert_false(p.removed);
	assert_null(p.removed_reason);
	assert_int_equal(store_post_set_held(f->s, held, false), STORE_OK);
	{
		struct post_query q = { .sort = SORT_NEW, .limit = 10 };

		assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n),
		    STORE_OK);
		assert_int_equal(n, 3);
		assert_int_equal(list[0].id, held);
		assert_int_equal(list[1].id, removed);
		assert_int_equal(list[2].id, shown);
	}

	assert_int_equal(store_post_set_removed(f->s, 9999, true, "x"),
	    STORE_NOTFOUND);
	assert_int_equal(store_post_set_held(f->s, 9999, true),
	    STORE_NOTFOUND);
	assert_int_equal(store_post_set_locked(f->s, 9999, true),
	    STORE_NOTFOUND);
	assert_int_equal(store_post_set_stickied(f->s, 9999, true),
	    STORE_NOTFOUND);
	assert_int_equal(store_post_set_stickied(f->s, 9999, false),
	    STORE_NOTFOUND);
}

static void
test_comments_hidden(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	int64_t shown = mk_comment(f->s, pid, bob, T0 + 1);
	int64_t removed = mk_comment(f->s, pid, bob, T0 + 2);
	int64_t deleted = mk_comment(f->s, pid, bob, T0 + 3);
	int64_t held = mk_comment_full(f->s, pid, bob, T0 + 4, true);
	int64_t held2 = mk_comment(f->s, pid, bob, T0 + 5);
	struct comment *list, c;
	size_t n;

	assert_int_equal(store_comment_set_removed(f->s, removed, true,
	    "rude"), STORE_OK);
	assert_int_equal(store_comment_delete(f->s, deleted, T0), STORE_OK);
	assert_int_equal(store_comment_set_held(f->s, held2, true), STORE_OK);
	c = get_comment(f, removed);
	assert_true(c.removed);
	assert_string_equal(c.removed_reason, "rude");
	assert_true(get_comment(f, held).held);
	assert_true(get_comment(f, held2).held);
	assert_false(get_comment(f, shown).held);

	assert_int_equal(store_comments_by_author(f->s, f->a, bob, 0, 10,
	    &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, shown);
	assert_false(list[0].held);

	/* The thread still has every comment, flags set, for the tree. */
	assert_int_equal(store_comment_list(f->s, f->a, pid, 0, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 5);
	assert_true(list[3].held);
	assert_true(list[4].held);
	assert_false(list[0].held);

	assert_int_equal(store_comment_set_removed(f->s, removed, false, "x"),
	    STORE_OK);
	c = get_comment(f, removed);
	assert_false(c.removed);
	assert_null(c.removed_reason);
	assert_int_equal(store_comment_set_held(f->s, held, false), STORE_OK);
	assert_int_equal(store_comments_by_author(f->s, f->a, bob, 0, 10,
	    &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, held);
	assert_int_equal(list[1].id, removed);
	assert_int_equal(list[2].id, shown);

	assert_int_equal(store_comment_set_removed(f->s, 9999, true, "x"),
	    STORE_NOTFOUND);
	assert_int_equal(store_comment_set_held(f->s, 9999, true),
	    STORE_NOTFOUND);
}

static void
test_lock(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0);

	assert_int_equal(store_post_set_locked(f->s, pid, true), STORE_OK);
	assert_true(get_post(f, pid).locked);
	assert_int_equal(store_post_set_locked(f->s, pid, true), STORE_OK);
	assert_int_equal(store_post_set_locked(f->s, pid, false), STORE_OK);
	assert_false(get_post(f, pid).locked);
}

static void
test_sticky(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t dogs = mk_community(f->s, "dogs", alice);
	int64_t p1 = mk_post(f->s, cats, alice, T0 + 10);
	int64_t p2 = mk_post(f->s, cats, alice, T0 + 20);
	int64_t p3 = mk_post(f->s, cats, alice, T0 + 30);
	int64_t d1 = mk_post(f->s, dogs, alice, T0);
	struct post *list;
	size_t n;
	int64_t score;

	assert_int_equal(store_post_stickied(f->s, f->a, cats, 0, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 0);

	assert_int_equal(store_post_set_stickied(f->s, p1, true), STORE_OK);
	assert_int_equal(store_post_set_stickied(f->s, p2, true), STORE_OK);
	/* Again on a stickied post: no change, no conflict. */
	assert_int_equal(store_post_set_stickied(f->s, p2, true), STORE_OK);
	assert_int_equal(store_post_set_stickied(f->s, p3, true),
	    STORE_CONFLICT);
	assert_false(get_post(f, p3).stickied);
	/* Another community has its own two. */
	assert_int_equal(store_post_set_stickied(f->s, d1, true), STORE_OK);

	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, p1, -1, T0,
	    &score), STORE_OK);
	assert_int_equal(store_post_stickied(f->s, f->a, cats, bob, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, p2);
	assert_int_equal(list[1].id, p1);
	assert_int_equal(list[1].my_vote, -1);
	assert_true(list[0].stickied);

	/* Stickied posts are left out of listings unless asked for. */
	{
		struct post_query q = { .sort = SORT_NEW, .community_id = cats,
		    .limit = 10 };

		assert_int_equal(store_post_list(f->s, f->a, &q, &list, &n),
		    STORE_OK);
		assert_int_equal(n, 1);
		assert_int_equal(list[0].id, p3);
	}

	/* A removed sticky neither shows nor takes a place. */
	assert_int_equal(store_post_set_removed(f->s, p1, true, "old"),
	    STORE_OK);
	assert_int_equal(store_post_stickied(f->s, f->a, cats, 0, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, p2);
	assert_int_equal(store_post_set_stickied(f->s, p3, true), STORE_OK);
	assert_int_equal(store_post_stickied(f->s, f->a, cats, 0, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, p3);
	assert_int_equal(list[1].id, p2);

	assert_int_equal(store_post_set_stickied(f->s, p2, false), STORE_OK);
	assert_false(get_post(f, p2).stickied);
	assert_int_equal(store_post_stickied(f->s, f->a, cats, 0, &list, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
}

static void
test_held_queue(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t dogs = mk_community(f->s, "dogs", alice);
	int64_t h1 = mk_post_full(f->s, cats, bob, T0 + 1, false, true);
	int64_t h2 = mk_post_full(f->s, cats, bob, T0 + 2, false, true);
	int64_t gone = mk_post_full(f->s, cats, bob, T0 + 3, false, true);
	int64_t pid = mk_post(f->s, cats, alice, T0);
	int64_t dpid = mk_post(f->s, dogs, alice, T0);
	int64_t c1, c2, cd;
	struct post *posts;
	struct comment *cms;
	size_t n;

	mk_post_full(f->s, dogs, bob, T0 + 4, false, true);
	assert_int_equal(store_post_set_removed(f->s, gone, true, "spam"),
	    STORE_OK);
	assert_int_equal(store_held_posts(f->s, f->a, cats, 0, &posts, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(posts[0].id, h1);
	assert_int_equal(posts[1].id, h2);
	assert_true(posts[0].held);
	assert_string_equal(posts[0].author, "bob");
	assert_int_equal(store_held_posts(f->s, f->a, cats, 1, &posts, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(posts[0].id, h1);
	assert_int_equal(store_post_set_held(f->s, h1, false), STORE_OK);
	assert_int_equal(store_held_posts(f->s, f->a, cats, 0, &posts, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(posts[0].id, h2);

	c1 = mk_comment_full(f->s, pid, bob, T0 + 5, true);
	mk_comment(f->s, pid, bob, T0 + 6);
	c2 = mk_comment_full(f->s, pid, bob, T0 + 7, true);
	cd = mk_comment_full(f->s, dpid, bob, T0 + 8, true);
	assert_int_equal(store_held_comments(f->s, f->a, cats, 0, &cms, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(cms[0].id, c1);
	assert_int_equal(cms[1].id, c2);
	assert_string_equal(cms[0].post_title, "A post");
	assert_string_equal(cms[0].community, "cats");
	assert_true(cms[0].held);
	assert_int_equal(store_held_comments(f->s, f->a, dogs, 0, &cms, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(cms[0].id, cd);
	assert_int_equal(store_comment_delete(f->s, c1, T0), STORE_OK);
	assert_int_equal(store_held_comments(f->s, f->a, cats, 0, &cms, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(cms[0].id, c2);
}

static void
test_held_cap(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	struct post *posts;
	size_t n;

	assert_int_equal(store_begin(f->s), STORE_OK);
	for (int i = 0; i < 105; i++)
		mk_post_full(f->s, cats, alice, T0 + i, false, true);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_held_posts(f->s, f->a, cats, 1000, &posts, &n),
	    STORE_OK);
	assert_int_equal(n, 100);
	assert_int_equal(store_held_posts(f->s, f->a, cats, 0, &posts, &n),
	    STORE_OK);
	assert_int_equal(n, 25);
}

/* ---- bans ------------------------------------------------------------ */

static void
test_bans(void **state)
{
	struct fixture *f = *state;
	int64_t mod = mk_user(f->s, "mod"), troll = mk_user(f->s, "troll");
	int64_t cats = mk_community(f->s, "cats", mod);
	int64_t dogs = mk_community(f->s, "dogs", mod);
	struct ban b;

	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0, &b),
	    STORE_NOTFOUND);

	/* A community ban, for a time. */
	assert_int_equal(store_ban_add(f->s, cats, troll, mod, "spam", T0,
	    T0 + 100), STORE_OK);
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 99,
	    &b), STORE_OK);
	assert_int_equal(b.community_id, cats);
	assert_string_equal(b.reason, "spam");
	assert_int_equal(b.expires, T0 + 100);
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 100,
	    &b), STORE_NOTFOUND);
	assert_int_equal(store_ban_active(f->s, f->a, troll, dogs, T0, &b),
	    STORE_NOTFOUND);
	/* 0 asks for the site-wide ban only. */
	assert_int_equal(store_ban_active(f->s, f->a, troll, 0, T0, &b),
	    STORE_NOTFOUND);
	assert_int_equal(store_ban_active(f->s, f->a, mod, cats, T0, &b),
	    STORE_NOTFOUND);

	/* A new ban replaces the old one of the same scope. */
	assert_int_equal(store_ban_add(f->s, cats, troll, mod, NULL, T0 + 5,
	    0), STORE_OK);
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 99999,
	    &b), STORE_OK);
	assert_int_equal(b.expires, 0);
	assert_string_equal(b.reason, "");

	/* A site-wide ban wins over the community one. */
	assert_int_equal(store_ban_add(f->s, 0, troll, 0, "site", T0,
	    T0 + 50), STORE_OK);
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 10,
	    &b), STORE_OK);
	assert_int_equal(b.community_id, 0);
	assert_string_equal(b.reason, "site");
	assert_int_equal(store_ban_active(f->s, f->a, troll, dogs, T0 + 10,
	    &b), STORE_OK);
	assert_int_equal(b.community_id, 0);
	assert_int_equal(store_ban_active(f->s, f->a, troll, 0, T0 + 10, &b),
	    STORE_OK);
	assert_int_equal(b.community_id, 0);
	/* Once it expires the community ban shows again. */
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 50,
	    &b), STORE_OK);
	assert_int_equal(b.community_id, cats);
	assert_int_equal(store_ban_active(f->s, f->a, troll, dogs, T0 + 50,
	    &b), STORE_NOTFOUND);

	/* Lifting: each scope on its own; twice is NOTFOUND. */
	assert_int_equal(store_ban_remove(f->s, cats, troll), STORE_OK);
	assert_int_equal(store_ban_remove(f->s, cats, troll), STORE_NOTFOUND);
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 10,
	    &b), STORE_OK);
	assert_int_equal(b.community_id, 0);
	assert_int_equal(store_ban_remove(f->s, 0, troll), STORE_OK);
	assert_int_equal(store_ban_remove(f->s, 0, troll), STORE_NOTFOUND);
	assert_int_equal(store_ban_active(f->s, f->a, troll, cats, T0 + 10,
	    &b), STORE_NOTFOUND);

	assert_int_equal(store_ban_add(f->s, cats, 9999, mod, "x", T0, 0),
	    STORE_NOTFOUND);
	assert_int_equal(store_ban_add(f->s, 9999, troll, mod, "x", T0, 0),
	    STORE_NOTFOUND);
}

/* ---- reports --------------------------------------------------------- */

static void
test_reports(void **state)
{
	struct fixture *f = *state;
	int64_t mod = mk_user(f->s, "mod"), ann = mk_user(f->s, "ann");
	int64_t ben = mk_user(f->s, "ben");
	int64_t cats = mk_community(f->s, "cats", mod);
	int64_t dogs = mk_community(f->s, "dogs", mod);
	int64_t pid = mk_post(f->s, cats, mod, T0);
	int64_t cid = mk_comment(f->s, pid, mod, T0);
	int64_t dpid = mk_post(f->s, dogs, mod, T0);
	struct report *q;
	size_t n;

	assert_int_equal(store_report_add(f->s, VOTE_POST, pid, cats, ann,
	    "spam", T0 + 1), STORE_OK);
	assert_int_equal(store_report_add(f->s, VOTE_POST, pid, cats, ann,
	    "again", T0 + 2), STORE_CONFLICT);
	assert_int_equal(store_report_add(f->s, VOTE_POST, pid, cats, ben,
	    "rude", T0 + 3), STORE_OK);
	/* The same id as a comment is another item. */
	assert_int_equal(store_report_add(f->s, VOTE_COMMENT, cid, cats, ann,
	    NULL, T0 + 4), STORE_OK);
	assert_int_equal(store_report_add(f->s, VOTE_POST, dpid, dogs, ann,
	    "x", T0 + 5), STORE_OK);

	assert_int_equal(store_report_queue(f->s, f->a, cats, 0, &q, &n),
	    STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(q[0].kind, VOTE_POST);
	assert_int_equal(q[0].target_id, pid);
	assert_string_equal(q[0].reason, "spam");
	assert_int_equal(q[0].created, T0 + 1);
	assert_string_equal(q[1].reason, "rude");
	assert_int_equal(q[2].kind, VOTE_COMMENT);
	assert_int_equal(q[2].target_id, cid);
	assert_string_equal(q[2].reason, "");
	assert_true(q[0].id < q[1].id && q[1].id < q[2].id);

	assert_int_equal(store_report_resolve(f->s, VOTE_POST, pid, mod,
	    T0 + 10), STORE_OK);
	assert_int_equal(store_report_queue(f->s, f->a, cats, 0, &q, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(q[0].kind, VOTE_COMMENT);
	/* Resolving again, or what was never reported, is fine. */
	assert_int_equal(store_report_resolve(f->s, VOTE_POST, pid, mod,
	    T0 + 11), STORE_OK);
	assert_int_equal(store_report_resolve(f->s, VOTE_POST, 9999, 0,
	    T0 + 11), STORE_OK);

	/* After resolution the same user may report again. */
	assert_int_equal(store_report_add(f->s, VOTE_POST, pid, cats, ann,
	    "back", T0 + 20), STORE_OK);
	assert_int_equal(store_report_add(f->s, VOTE_POST, pid, cats, ann,
	    "back", T0 + 21), STORE_CONFLICT);
	assert_int_equal(store_report_queue(f->s, f->a, cats, 0, &q, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(q[1].reason, "back");
	assert_int_equal(store_report_queue(f->s, f->a, dogs, 0, &q, &n),
	    STORE_OK);
	assert_int_equal(n, 1);

	log_set_level(LOG_ERR + 1);
	assert_int_equal(store_report_add(f->s, 7, pid, cats, ben, "x", T0),
	    STORE_ERR);
	log_set_level(LOG_WARN);
	assert_int_equal(store_report_add(f->s, VOTE_POST, pid, cats, 9999,
	    "x", T0), STORE_NOTFOUND);
}

static void
test_report_cap(void **state)
{
	struct fixture *f = *state;
	int64_t mod = mk_user(f->s, "mod");
	int64_t cats = mk_community(f->s, "cats", mod);
	struct report *q;
	size_t n;

	assert_int_equal(store_begin(f->s), STORE_OK);
	for (int i = 1; i <= 120; i++)
		assert_int_equal(store_report_add(f->s, VOTE_POST, i, cats, mod,
		    "r", T0 + i), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_report_queue(f->s, f->a, cats, 500, &q, &n),
	    STORE_OK);
	assert_int_equal(n, 100);
	assert_int_equal(q[0].target_id, 1);
	assert_int_equal(q[99].target_id, 100);
}

/* ---- the mod log ----------------------------------------------------- */

static void
test_modlog(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t troll = mk_user(f->s, "troll");
	int64_t cats = mk_community(f->s, "cats", ann);
	int64_t dogs = mk_community(f->s, "dogs", bob);
	struct mod_action m = { .action = "remove", .kind = VOTE_POST,
	    .target_id = 42, .reason = "spam", .created = T0 };
	struct modlog_query q = { 0 };
	struct mod_action *l;
	size_t n;
	int64_t after;

	/* 1: ann removes in cats; 2: bob locks in dogs; 3: ann bans troll
	 * site-wide; 4..13: ann removes in cats. */
	assert_int_equal(store_modlog_add(f->s, &m, cats, ann, troll),
	    STORE_OK);
	m = (struct mod_action){ .action = "lock", .kind = VOTE_POST,
	    .target_id = 7, .created = T0 + 1 };
	assert_int_equal(store_modlog_add(f->s, &m, dogs, bob, 0), STORE_OK);
	m = (struct mod_action){ .action = "ban", .reason = "abuse",
	    .created = T0 + 2, .expires = T0 + 1000 };
	assert_int_equal(store_modlog_add(f->s, &m, 0, ann, troll), STORE_OK);
	for (int i = 0; i < 10; i++) {
		m = (struct mod_action){ .action = "remove",
		    .kind = VOTE_COMMENT, .target_id = 100 + i,
		    .created = T0 + 10 + i };
		assert_int_equal(store_modlog_add(f->s, &m, cats, ann, 0),
		    STORE_OK);
	}

	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 13);
	assert_int_equal(l[0].target_id, 109);
	assert_int_equal(l[0].kind, VOTE_COMMENT);
	assert_string_equal(l[0].community, "cats");
	assert_string_equal(l[0].mod, "ann");
	assert_null(l[0].target_user);
	assert_null(l[0].reason);
	for (size_t i = 1; i < n; i++)
		assert_true(l[i - 1].id > l[i].id);
	/* the ban: site-wide, about troll, with its end */
	assert_null(l[10].community);
	assert_string_equal(l[10].action, "ban");
	assert_string_equal(l[10].target_user, "troll");
	assert_string_equal(l[10].reason, "abuse");
	assert_int_equal(l[10].target_id, 0);
	assert_int_equal(l[10].expires, T0 + 1000);
	assert_int_equal(l[10].created, T0 + 2);
	assert_string_equal(l[11].mod, "bob");
	assert_string_equal(l[11].community, "dogs");
	assert_string_equal(l[12].target_user, "troll");
	assert_int_equal(l[12].target_id, 42);
	assert_int_equal(l[12].kind, VOTE_POST);

	/* filters */
	q = (struct modlog_query){ .community_id = dogs };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(l[0].action, "lock");
	q = (struct modlog_query){ .mod_id = bob };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 1);
	q = (struct modlog_query){ .mod_id = ann };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 12);
	q = (struct modlog_query){ .action = "ban" };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_null(l[0].community);
	q = (struct modlog_query){ .action = "" };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 13);
	q = (struct modlog_query){ .community_id = cats, .action = "remove" };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 11);
	q = (struct modlog_query){ .community_id = cats, .mod_id = bob };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 0);
	q = (struct modlog_query){ .mod_id = ann, .action = "ban" };
	assert_int_equal(store_modlog_list(f->s, f->a, &q, &l, &n), STORE_OK);
	assert_int_equal(n, 1);

	/* the cursor, with and without filters */
	{
		size_t total = 0;

		q = (struct modlog_query){ .limit = 4 };
		after = 0;
		do {
			q.after = after;
			assert_int_equal(store_modlog_list(f->s, f->a, &q, &l,
			    &n), STORE_OK);
			for (size_t i = 0; i < n; i++) {
				if (after != 0)
					assert_true(l[i].id < after);
				after = l[i].id;
			}
			total += n;
		} while (n == 4);
		assert_int_equal(total, 13);

		total = 0;
		q = (struct modlog_query){ .limit = 5, .community_id = cats };
		after = 0;
		do {
			q.after = after;
			assert_int_equal(store_modlog_list(f->s, f->a, &q, &l,
			    &n), STORE_OK);
			for (size_t i = 0; i < n; i++)
				after = l[i].id;
			total += n;
		} while (n == 5);
		assert_int_equal(total, 11);
	}

	m = (struct mod_action){ .action = "x", .created = T0 };
	assert_int_equal(store_modlog_add(f->s, &m, 9999, ann, 0),
	    STORE_NOTFOUND);
	assert_int_equal(store_modlog_add(f->s, &m, cats, 9999, 0),
	    STORE_NOTFOUND);
}

/* ---- users protecting themselves -------------------------------------- */

static void
test_blocks(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cat = mk_user(f->s, "cat");
	int64_t *ids;
	size_t n;
	bool is = true;

	assert_int_equal(store_blocked_ids(f->s, f->a, ann, &ids, &n),
	    STORE_OK);
	assert_int_equal(n, 0);
	assert_null(ids);
	assert_int_equal(store_is_blocked(f->s, ann, bob, &is), STORE_OK);
	assert_false(is);

	assert_int_equal(store_block_set(f->s, ann, cat, true, T0), STORE_OK);
	assert_int_equal(store_block_set(f->s, ann, bob, true, T0), STORE_OK);
	assert_int_equal(store_block_set(f->s, ann, bob, true, T0 + 1),
	    STORE_OK);
	assert_int_equal(store_blocked_ids(f->s, f->a, ann, &ids, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], bob);
	assert_int_equal(ids[1], cat);
	assert_int_equal(store_is_blocked(f->s, ann, bob, &is), STORE_OK);
	assert_true(is);
	/* One way only. */
	assert_int_equal(store_is_blocked(f->s, bob, ann, &is), STORE_OK);
	assert_false(is);

	assert_int_equal(store_block_set(f->s, ann, bob, false, T0), STORE_OK);
	assert_int_equal(store_block_set(f->s, ann, bob, false, T0), STORE_OK);
	assert_int_equal(store_is_blocked(f->s, ann, bob, &is), STORE_OK);
	assert_false(is);
	assert_int_equal(store_blocked_ids(f->s, f->a, ann, &ids, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], cat);

	assert_int_equal(store_block_set(f->s, ann, 9999, true, T0),
	    STORE_NOTFOUND);
}

/* What the session query tells about user_id (a session made for it). */
static struct viewer
viewer_of(struct fixture *f, int64_t user_id)
{
	unsigned char key[32];
	struct viewer v = { .plain = false, .unseen = -1 };
	struct user u;
	int rc;

	memset(key, 0, sizeof(key));
	memcpy(key, &user_id, sizeof(user_id));
	rc = store_session_create(f->s, key, user_id, T0, T0 + 1000);
	assert_true(rc == STORE_OK || rc == STORE_CONFLICT);
	assert_int_equal(store_session_user(f->s, f->a, key, T0, &u, &v),
	    STORE_OK);
	assert_int_equal(u.id, user_id);
	return v;
}

static int64_t
unseen_of(struct fixture *f, int64_t user_id)
{
	return viewer_of(f, user_id).unseen;
}

/*
 * A viewer's votes on the items of a page: posts 32 ids to a query, and a
 * thread's comments in one query over the post once there are more.
 */
static void
test_votes_on(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t comm = mk_community(f->s, "cats", bob);
	int64_t posts[40], cms[70], other;
	int dirs[70];

	for (size_t i = 0; i < ARRAY_LEN(posts); i++)
		posts[i] = mk_post(f->s, comm, bob, T0 + (int64_t)i);
	for (size_t i = 0; i < ARRAY_LEN(cms); i++)
		cms[i] = mk_comment(f->s, posts[0], bob, T0 + (int64_t)i);
	other = mk_comment(f->s, posts[1], bob, T0);
	for (size_t i = 0; i < ARRAY_LEN(posts); i += 3)
		assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, posts[i],
		    i % 2 ? -1 : 1, T0, NULL), STORE_OK);
	for (size_t i = 0; i < ARRAY_LEN(cms); i += 5)
		assert_int_equal(store_vote_set(f->s, ann, VOTE_COMMENT, cms[i],
		    i % 2 ? -1 : 1, T0, NULL), STORE_OK);
	assert_int_equal(store_vote_set(f->s, ann, VOTE_COMMENT, other, 1, T0,
	    NULL), STORE_OK);

	assert_int_equal(store_votes_on(f->s, ann, VOTE_POST, 0, posts,
	    ARRAY_LEN(posts), dirs), STORE_OK);
	for (size_t i = 0; i < ARRAY_LEN(posts); i++)
		assert_int_equal(dirs[i], i % 3 ? 0 : (i % 2 ? -1 : 1));
	/* More comments than one query's ids: read over the post. */
	assert_int_equal(store_votes_on(f->s, ann, VOTE_COMMENT, posts[0], cms,
	    ARRAY_LEN(cms), dirs), STORE_OK);
	for (size_t i = 0; i < ARRAY_LEN(cms); i++)
		assert_int_equal(dirs[i], i % 5 ? 0 : (i % 2 ? -1 : 1));
	/* Few comments: by id, the same answers. */
	assert_int_equal(store_votes_on(f->s, ann, VOTE_COMMENT, posts[0], cms,
	    10, dirs), STORE_OK);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(dirs[i], i % 5 ? 0 : (i % 2 ? -1 : 1));
	/* Each user has their own: bob's are his authors' +1s. */
	assert_int_equal(store_votes_on(f->s, bob, VOTE_COMMENT, posts[0], cms,
	    ARRAY_LEN(cms), dirs), STORE_OK);
	for (size_t i = 0; i < ARRAY_LEN(cms); i++)
		assert_int_equal(dirs[i], 1);
	assert_int_equal(store_votes_on(f->s, mk_user(f->s, "cat"), VOTE_COMMENT,
	    posts[0], cms, ARRAY_LEN(cms), dirs), STORE_OK);
	for (size_t i = 0; i < ARRAY_LEN(cms); i++)
		assert_int_equal(dirs[i], 0);
}

/* A viewer is plain until they moderate a community or block someone. */
static void
test_session_viewer(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cat = mk_user(f->s, "cat");
	int64_t comm = mk_community(f->s, "cats", cat);

	assert_true(viewer_of(f, ann).plain);
	assert_true(viewer_of(f, bob).plain);
	assert_false(viewer_of(f, cat).plain);
	assert_int_equal(store_moderator_add(f->s, comm, ann, T0), STORE_OK);
	assert_false(viewer_of(f, ann).plain);
	assert_int_equal(store_block_set(f->s, bob, cat, true, T0), STORE_OK);
	assert_false(viewer_of(f, bob).plain);
	assert_int_equal(store_block_set(f->s, bob, cat, false, T0), STORE_OK);
	assert_true(viewer_of(f, bob).plain);
	assert_int_equal(store_notify(f->s, bob, "hi", NULL, T0), STORE_OK);
	assert_int_equal(viewer_of(f, bob).unseen, 1);
	assert_int_equal(viewer_of(f, ann).unseen, 0);
}

static void
test_notifications(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	struct notification *l;
	size_t n;

	assert_int_equal(unseen_of(f, ann), 0);
	assert_int_equal(store_notify(f->s, ann, "one", "/s/cats/p/1", T0),
	    STORE_OK);
	assert_int_equal(store_notify(f->s, ann, "two", NULL, T0 + 1),
	    STORE_OK);
	assert_int_equal(store_notify(f->s, bob, "bob's", NULL, T0 + 2),
	    STORE_OK);
	assert_int_equal(store_notify(f->s, ann, "three", NULL, T0 + 3),
	    STORE_OK);
	assert_int_equal(unseen_of(f, ann), 3);

	assert_int_equal(store_notifications(f->s, f->a, ann, 0, &l, &n),
	    STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(l[0].text, "three");
	assert_string_equal(l[2].text, "one");
	assert_string_equal(l[2].link, "/s/cats/p/1");
	assert_null(l[1].link);
	assert_int_equal(l[2].created, T0);
	assert_false(l[0].seen);
	assert_int_equal(store_notifications(f->s, f->a, ann, 2, &l, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(l[1].text, "two");

	assert_int_equal(store_notifications_seen(f->s, ann), STORE_OK);
	assert_int_equal(unseen_of(f, ann), 0);
	assert_int_equal(unseen_of(f, bob), 1);
	assert_int_equal(store_notifications(f->s, f->a, ann, 0, &l, &n),
	    STORE_OK);
	assert_int_equal(n, 3);
	assert_true(l[0].seen && l[1].seen && l[2].seen);
	assert_int_equal(store_notify(f->s, ann, "four", NULL, T0 + 4),
	    STORE_OK);
	assert_int_equal(unseen_of(f, ann), 1);

	assert_int_equal(store_begin(f->s), STORE_OK);
	for (int i = 0; i < 110; i++)
		assert_int_equal(store_notify(f->s, bob, "n", NULL, T0 + i),
		    STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(store_notifications(f->s, f->a, bob, 1000, &l, &n),
	    STORE_OK);
	assert_int_equal(n, 100);
	assert_int_equal(store_notify(f->s, 9999, "x", NULL, T0),
	    STORE_NOTFOUND);
}

static void
test_sessions_end_others(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	unsigned char k1[32], k2[32], k3[32], kb[32];
	struct user u;

	memset(k1, 1, 32);
	memset(k2, 2, 32);
	memset(k3, 3, 32);
	memset(kb, 4, 32);
	assert_int_equal(store_session_create(f->s, k1, ann, T0, T0 + 1000),
	    STORE_OK);
	assert_int_equal(store_session_create(f->s, k2, ann, T0, T0 + 1000),
	    STORE_OK);
	assert_int_equal(store_session_create(f->s, k3, ann, T0, T0 + 1000),
	    STORE_OK);
	assert_int_equal(store_session_create(f->s, kb, bob, T0, T0 + 1000),
	    STORE_OK);

	assert_int_equal(store_sessions_end_others(f->s, ann, k2), STORE_OK);
	assert_int_equal(store_session_user(f->s, f->a, k1, T0, &u, NULL),
	    STORE_NOTFOUND);
	assert_int_equal(store_session_user(f->s, f->a, k2, T0, &u, NULL), STORE_OK);
	assert_int_equal(u.id, ann);
	assert_int_equal(store_session_user(f->s, f->a, k3, T0, &u, NULL),
	    STORE_NOTFOUND);
	assert_int_equal(store_session_user(f->s, f->a, kb, T0, &u, NULL), STORE_OK);

	assert_int_equal(store_sessions_end_others(f->s, ann, NULL), STORE_OK);
	assert_int_equal(store_session_user(f->s, f->a, k2, T0, &u, NULL),
	    STORE_NOTFOUND);
	assert_int_equal(store_session_user(f->s, f->a, kb, T0, &u, NULL), STORE_OK);
	assert_int_equal(store_sessions_end_others(f->s, ann, NULL), STORE_OK);
}

static void
test_user_delete_keep(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", bob);
	int64_t pid = mk_post(f->s, cats, ann, T0);
	int64_t cid = mk_comment(f->s, pid, ann, T0 + 1);
	unsigned char key[32];
	const char *hash = NULL;
	struct user u;
	struct post p;
	int64_t id;

	memset(key, 7, 32);
	assert_int_equal(store_session_create(f->s, key, ann, T0, T0 + 1000),
	    STORE_OK);
	assert_int_equal(store_user_delete(f->s, ann, false), STORE_OK);

	assert_int_equal(store_user_get(f->s, f->a, ann, &u), STORE_OK);
	assert_true(u.deleted);
	assert_null(u.email);
	assert_string_equal(u.name, "ann");
	assert_int_equal(store_user_by_name(f->s, f->a, "ANN", &u, &hash),
	    STORE_OK);
	assert_true(u.deleted);
	assert_string_equal(hash, "");
	assert_int_equal(store_session_user(f->s, f->a, key, T0, &u, NULL),
	    STORE_NOTFOUND);
	/* The name stays taken. */
	assert_int_equal(store_user_create(f->s, "Ann", "h", NULL, ROLE_USER,
	    T0, &id), STORE_CONFLICT);

	/* The content stays. */
	p = get_post(f, pid);
	assert_false(p.deleted);
	assert_string_equal(p.title, "A post");
	assert_string_equal(p.body, "body text");
	assert_string_equal(get_comment(f, cid).body, "a comment");

	assert_int_equal(store_user_delete(f->s, 9999, false),
	    STORE_NOTFOUND);
	assert_false(get_post(f, pid).deleted);
}

static void
test_user_delete_erase(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", bob);
	int64_t pid = mk_post(f->s, cats, ann, T0);
	struct post link = { .community_id = cats, .author_id = ann,
	    .title = "A link", .url = "https://example.org/", .created = T0 };
	int64_t lid = 0, bpid = mk_post(f->s, cats, bob, T0);
	int64_t cid = mk_comment(f->s, bpid, ann, T0 + 1);
	int64_t bcid = mk_comment(f->s, pid, bob, T0 + 2);
	struct comment c;
	struct post p;

	assert_int_equal(store_post_create(f->s, &link, &lid), STORE_OK);
	assert_int_equal(store_user_delete(f->s, ann, true), STORE_OK);

	p = get_post(f, pid);
	assert_true(p.deleted);
	assert_string_equal(p.title, "[deleted]");
	assert_null(p.body);
	assert_null(p.body_html);
	assert_int_equal(p.comment_count, 1);
	p = get_post(f, lid);
	assert_true(p.deleted);
	assert_null(p.url);
	c = get_comment(f, cid);
	assert_true(c.deleted);
	assert_null(c.body);
	assert_null(c.body_html);

	/* Other people's content under it is untouched. */
	p = get_post(f, bpid);
	assert_false(p.deleted);
	assert_string_equal(p.body, "body text");
	c = get_comment(f, bcid);
	assert_false(c.deleted);
	assert_string_equal(c.body, "a comment");
}

/* Walks every page of user's votes with limit; checks order and counts. */
static size_t
walk_votes(struct fixture *f, int64_t user, int limit, size_t want)
{
	int *kinds, *dirs;
	int64_t *targets, after = 0, next;
	size_t n, total = 0, pages = 0;
	bool seen[2][64] = { { false } };

	do {
		assert_int_equal(store_votes_by_user(f->s, f->a, user, after,
		    limit, &kinds, &targets, &dirs, &n, &next), STORE_OK);
		for (size_t i = 0; i < n; i++) {
			assert_true(kinds[i] == VOTE_POST ||
			    kinds[i] == VOTE_COMMENT);
			assert_true(targets[i] > 0 && targets[i] < 64);
			assert_true(dirs[i] == 1 || dirs[i] == -1);
			assert_false(seen[kinds[i]][targets[i]]);
			seen[kinds[i]][targets[i]] = true;
		}
		total += n;
		if (next != 0)
			assert_true(after == 0 || next < after);
		after = next;
		assert_true(++pages < 100);
	} while (after != 0);
	assert_int_equal(total, want);
	return pages;
}

static void
test_votes_by_user(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", bob);
	int64_t posts[20], cms[10], score, next;
	int *kinds, *dirs;
	int64_t *targets;
	size_t n;

	assert_int_equal(store_votes_by_user(f->s, f->a, ann, 0, 10, &kinds,
	    &targets, &dirs, &n, &next), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(next, 0);

	assert_int_equal(store_begin(f->s), STORE_OK);
	for (int i = 0; i < 20; i++)
		posts[i] = mk_post(f->s, cats, bob, T0);
	for (int i = 0; i < 10; i++)
		cms[i] = mk_comment(f->s, posts[0], bob, T0);
	/* Posts: votes in seconds of three (ties); comments all at once. */
	for (int i = 0; i < 20; i++)
		assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, posts[i],
		    i % 2 ? 1 : -1, T0 + 100 + i / 3, &score), STORE_OK);
	for (int i = 0; i < 10; i++)
		assert_int_equal(store_vote_set(f->s, ann, VOTE_COMMENT, cms[i],
		    1, T0 + 50, &score), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);

	/* Newest first; the first page ends before a split second. */
	assert_int_equal(store_votes_by_user(f->s, f->a, ann, 0, 4, &kinds,
	    &targets, &dirs, &n, &next), STORE_OK);
	/* posts 18, 19 at +106; 15..17 at +105: 4 would split +105. */
	assert_int_equal(n, 2);
	assert_int_equal(targets[0], posts[19]);
	assert_int_equal(dirs[0], 1);
	assert_int_equal(targets[1], posts[18]);
	assert_int_equal(dirs[1], -1);
	assert_int_equal(kinds[0], VOTE_POST);
	assert_int_equal(next, T0 + 106);
	assert_int_equal(store_votes_by_user(f->s, f->a, ann, next, 4, &kinds,
	    &targets, &dirs, &n, &next), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(targets[0], posts[17]);
	assert_int_equal(targets[2], posts[15]);

	/* Every page size gets every vote exactly once. */
	for (int limit = 1; limit <= 31; limit++)
		walk_votes(f, ann, limit, 30);
	/* The ten comment votes of one second come as one page. */
	assert_int_equal(store_votes_by_user(f->s, f->a, ann, T0 + 100, 3,
	    &kinds, &targets, &dirs, &n, &next), STORE_OK);
	assert_int_equal(n, 10);
	assert_int_equal(kinds[0], VOTE_COMMENT);
	assert_int_equal(targets[0], cms[9]);
	assert_int_equal(next, T0 + 50);
	assert_int_equal(store_votes_by_user(f->s, f->a, ann, next, 3, &kinds,
	    &targets, &dirs, &n, &next), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(next, 0);

	/* bob's own +1 on each post and comment are his votes. */
	walk_votes(f, bob, 7, 30);
	/* A withdrawn vote is gone. */
	assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, posts[3], 0,
	    T0 + 200, &score), STORE_OK);
	walk_votes(f, ann, 5, 29);
}

/* ---- abuse limits ----------------------------------------------------- */

static void
test_activity(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", bob);
	int64_t p1 = mk_post(f->s, cats, ann, T0);
	int64_t p2 = mk_post(f->s, cats, ann, T0 + 100);
	int64_t bp = mk_post(f->s, cats, bob, T0 + 100);
	int64_t count = -1, score;

	mk_post(f->s, cats, ann, T0 + 200);
	mk_comment(f->s, bp, ann, T0 + 50);
	mk_comment(f->s, bp, ann, T0 + 150);
	mk_comment(f->s, p1, bob, T0 + 150);
	assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, bp, 1, T0 + 300,
	    &score), STORE_OK);
	assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, p2, 0, T0 + 300,
	    &score), STORE_OK);

	assert_int_equal(store_user_activity(f->s, ann, RATE_POST, T0 + 100,
	    &count), STORE_OK);
	assert_int_equal(count, 2);
	assert_int_equal(store_user_activity(f->s, ann, RATE_POST, 0, &count),
	    STORE_OK);
	assert_int_equal(count, 3);
	assert_int_equal(store_user_activity(f->s, ann, RATE_COMMENT, T0 + 100,
	    &count), STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(store_user_activity(f->s, bob, RATE_COMMENT, T0,
	    &count), STORE_OK);
	assert_int_equal(count, 1);
	/* ann's votes since +150: the +1s on her post at +200 and comment
	 * at +150, and the vote at +300; the withdrawn one is gone. */
	assert_int_equal(store_user_activity(f->s, ann, RATE_VOTE, T0 + 150,
	    &count), STORE_OK);
	assert_int_equal(count, 3);
	assert_int_equal(store_user_activity(f->s, ann, RATE_VOTE, T0 + 301,
	    &count), STORE_OK);
	assert_int_equal(count, 0);

	log_set_level(LOG_ERR + 1);
	assert_int_equal(store_user_activity(f->s, ann, 9, 0, &count),
	    STORE_ERR);
	log_set_level(LOG_WARN);
}

static void
test_rate(void **state)
{
	struct fixture *f = *state;
	int64_t count = -1;

	assert_int_equal(store_rate_count(f->s, "login:1.2.3.4", 0, &count),
	    STORE_OK);
	assert_int_equal(count, 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(store_rate_hit(f->s, "login:1.2.3.4",
		    T0 + 10 * i), STORE_OK);
	assert_int_equal(store_rate_hit(f->s, "login:1.2.3.4", T0 + 40),
	    STORE_OK);
	assert_int_equal(store_rate_hit(f->s, "login:5.6.7.8", T0 + 40),
	    STORE_OK);

	assert_int_equal(store_rate_count(f->s, "login:1.2.3.4", T0, &count),
	    STORE_OK);
	assert_int_equal(count, 6);
	assert_int_equal(store_rate_count(f->s, "login:1.2.3.4", T0 + 20,
	    &count), STORE_OK);
	assert_int_equal(count, 4);
	assert_int_equal(store_rate_count(f->s, "login:1.2.3.4", T0 + 41,
	    &count), STORE_OK);
	assert_int_equal(count, 0);
	assert_int_equal(store_rate_count(f->s, "login:5.6.7.8", 0, &count),
	    STORE_OK);
	assert_int_equal(count, 1);

	assert_int_equal(store_rate_purge(f->s, T0 + 30), STORE_OK);
	assert_int_equal(store_rate_count(f->s, "login:1.2.3.4", 0, &count),
	    STORE_OK);
	assert_int_equal(count, 3);
	assert_int_equal(store_rate_count(f->s, "login:5.6.7.8", 0, &count),
	    STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(store_rate_purge(f->s, T0 + 1000), STORE_OK);
	assert_int_equal(store_rate_count(f->s, "login:5.6.7.8", 0, &count),
	    STORE_OK);
	assert_int_equal(count, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate_from_v1,
		    setup_bare, teardown),
		T(test_community_edit_and_mods),
		T(test_listings_skip_hidden),
		T(test_comments_hidden),
		T(test_lock),
		T(test_sticky),
		T(test_held_queue),
		T(test_held_cap),
		T(test_bans),
		T(test_reports),
		T(test_report_cap),
		T(test_modlog),
		T(test_blocks),
		T(test_votes_on),
		T(test_session_viewer),
		T(test_notifications),
		T(test_sessions_end_others),
		T(test_user_delete_keep),
		T(test_user_delete_erase),
		T(test_votes_by_user),
		T(test_activity),
		T(test_rate),
	};

	log_set_level(LOG_WARN);
	return cmocka_run_group_tests_name("store_mod", tests, NULL, NULL);
}
