/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_post.c: unit tests of store_post.c (posts, comments and the
 * listings with their cursors) over both backends (store_fixture.h).
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

#include "store_fixture.h"

/* ---- posts ------------------------------------------------------------ */

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

/* What a vote reads of a post: the fields it checks and links with, the
 * same as a full read's; the rest empty. */
static void
test_post_brief(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	int64_t cats = mk_community(f->s, "cats", alice);
	int64_t pid = mk_post(f->s, cats, alice, T0 + 100);
	struct post full = get_post(f, pid, alice), p;

	assert_int_equal(store_post_set_marks(f->s, pid, true, true), STORE_OK);
	assert_int_equal(store_post_brief(f->s, f->a, pid, &p), STORE_OK);
	assert_int_equal(p.id, pid);
	assert_int_equal(p.community_id, cats);
	assert_string_equal(p.community, "cats");
	assert_int_equal(p.author_id, alice);
	assert_string_equal(p.title, full.title);
	assert_int_equal(p.created, T0 + 100);
	assert_int_equal(p.score, 1);
	assert_int_equal(p.ups, 1);
	assert_int_equal(p.last_comment, full.last_comment);
	assert_true(p.nsfw && p.spoiler);
	assert_false(p.locked || p.stickied || p.removed || p.deleted ||
	    p.held);
	assert_null(p.author);
	assert_null(p.url);
	assert_null(p.body);
	assert_null(p.body_html);
	assert_int_equal(p.my_vote, 0);
	assert_int_equal(store_post_brief(f->s, f->a, 9999, &p),
	    STORE_NOTFOUND);
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
	/* The flag says deleted; the title stays, no placeholder word. */
	assert_string_equal(p.title, "Renamed");
	assert_null(p.body);
	assert_null(p.body_html);
	assert_null(p.url);
	assert_int_equal(p.edited, T0 + 60);
	assert_int_equal(p.score, 1);
	assert_int_equal(store_post_delete(f->s, 9999, T0), STORE_NOTFOUND);
}

/* ---- comments --------------------------------------------------------- */

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

	/* The count at once; the key of the active sort once ranked. */
	p = get_post(f, pid, 0);
	assert_int_equal(p.comment_count, 4);
	assert_int_equal(p.last_comment, store_rank_batched(f->s) ? T0 :
	    T0 + 30);
	assert_int_equal(store_rank_catch_up(f->s, NULL), STORE_OK);
	assert_int_equal(get_post(f, pid, 0).last_comment, T0 + 30);
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

/* ---- listings --------------------------------------------------------- */

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
	assert_int_equal(store_rank_catch_up(f->s, NULL), STORE_OK);
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
	assert_int_equal(store_rank_catch_up(f->s, NULL), STORE_OK);

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
	assert_int_equal(store_rank_catch_up(f->s, NULL), STORE_OK);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_post_create),
		T(test_post_brief),
		T(test_post_edit_delete),
		T(test_comments),
		T(test_comments_by_author),
		T(test_listing_paging),
		T(test_listing_order),
		T(test_listing_stickied_and_limit),
	};

	return FIXTURE_MAIN("store_post", tests);
}
