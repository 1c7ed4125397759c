/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_find.c: unit tests of store_find.c (running a search: the
 * index kept in step with writes, what never appears, filters, sorts and
 * the cursor) over both backends (store_fixture.h).
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
#include <sqlite3.h>

#include "store_fixture.h"

static int64_t
post_titled(struct store *s, int64_t community, int64_t author,
    const char *title, const char *body, int64_t created)
{
	struct post p = { .community_id = community, .author_id = author,
	    .title = title, .body = body, .body_html = "<p>x</p>",
	    .created = created };
	int64_t id = 0;

	assert_int_equal(store_post_create(s, &p, &id), STORE_OK);
	return id;
}

static int64_t
comment_saying(struct store *s, int64_t post, int64_t author,
    const char *body, int64_t created)
{
	struct comment c = { .post_id = post, .author_id = author,
	    .body = body, .body_html = "<p>x</p>", .created = created };
	int64_t id = 0;

	assert_int_equal(store_comment_create(s, &c, &id), STORE_OK);
	return id;
}

/* Runs text with args sa (q filled in here); returns the count. */
static size_t
find(struct fixture *f, const char *text, struct search_args sa,
    struct found_item **it)
{
	struct search_query q;
	size_t n;

	assert_int_equal(store_search_parse(str_c(text), &q), SEARCH_PARSED);
	sa.q = &q;
	assert_int_equal(store_search(f->s, f->a, &sa, it, &n), STORE_OK);
	return n;
}

static void
test_search_kept_in_step(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", ann);
	int64_t p1 = post_titled(f->s, cats, ann, "Purring machines",
	    "all about whiskers", T0);
	int64_t p2 = post_titled(f->s, cats, bob, "Dogs", "no purring here",
	    T0 + 1);
	int64_t c1 = comment_saying(f->s, p2, ann, "whiskers everywhere",
	    T0 + 2);
	struct found_item *it;
	int64_t score;

	assert_int_equal(find(f, "whiskers", (struct search_args){ 0 }, &it), 2);
	assert_int_equal(find(f, "purr*", (struct search_args){ 0 }, &it), 2);
	assert_int_equal(find(f, "\"purring machines\"",
	    (struct search_args){ 0 }, &it), 1);
	assert_int_equal(it[0].post.id, p1);
	assert_int_equal(find(f, "whiskers", (struct search_args){
	    .kinds = SEARCH_COMMENTS }, &it), 1);
	assert_int_equal(it[0].kind, VOTE_COMMENT);
	assert_int_equal(it[0].comment.id, c1);
	assert_int_equal(it[0].post.id, p2);

	/* edits move the index; votes leave it alone */
	assert_int_equal(store_post_edit(f->s, p1, "Sleeping machines",
	    "all about tails", "<p>x</p>", T0 + 5), STORE_OK);
	assert_int_equal(store_vote_set(f->s, bob, VOTE_POST, p1, 1, T0 + 6,
	    &score), STORE_OK);
	assert_int_equal(find(f, "whiskers", (struct search_args){ 0 }, &it), 1);
	assert_int_equal(find(f, "tails", (struct search_args){ 0 }, &it), 1);
	assert_int_equal(store_comment_edit(f->s, c1, "gone now", "<p>x</p>",
	    T0 + 7), STORE_OK);
	assert_int_equal(find(f, "whiskers", (struct search_args){ 0 }, &it), 0);

	/* removed, deleted and held never appear */
	assert_int_equal(find(f, "purring", (struct search_args){ 0 }, &it), 1);
	assert_int_equal(store_post_set_removed(f->s, p2, true, "x"), STORE_OK);
	assert_int_equal(find(f, "purring", (struct search_args){ 0 }, &it), 0);
	assert_int_equal(find(f, "gone", (struct search_args){ 0 }, &it), 0);
	assert_int_equal(store_post_delete(f->s, p1, T0), STORE_OK);
	assert_int_equal(find(f, "tails", (struct search_args){ 0 }, &it), 0);
}

static void
test_search_filters_sorts_cursor(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", ann);
	int64_t dogs = mk_community(f->s, "dogs", ann);
	int64_t ids[7], score;
	struct found_item *it, *all;
	size_t n, seen = 0;
	struct search_args sa = { .sort = SEARCH_NEW, .limit = 3 };

	for (int i = 0; i < 6; i++)
		ids[i] = post_titled(f->s, i % 2 ? dogs : cats, i < 3 ? ann : bob,
		    "ferret news", "x", T0 + i);
	ids[6] = comment_saying(f->s, ids[0], bob, "a ferret", T0 + 10);
	assert_int_equal(find(f, "ferret", (struct search_args){
	    .community_id = dogs }, &it), 3);
	assert_int_equal(find(f, "ferret", (struct search_args){
	    .author_id = bob }, &it), 4);
	assert_int_equal(find(f, "ferret", (struct search_args){
	    .since = T0 + 4 }, &it), 3);
	n = find(f, "ferret", (struct search_args){ .sort = SEARCH_NEW }, &all);
	assert_int_equal(n, 7);
	assert_int_equal(all[0].kind, VOTE_COMMENT);
	assert_int_equal(all[1].post.id, ids[5]);
	assert_int_equal(all[6].post.id, ids[0]);

	/* pages of 3 by cursor give every item once, in order */
	for (;;) {
		n = find(f, "ferret", sa, &it);
		for (size_t i = 0; i < n; i++, seen++)
			assert_int_equal(it[i].cursor, all[seen].cursor);
		if (n < 3)
			break;
		sa.after = true;
		sa.after_key = it[n - 1].key;
		sa.after_kind = it[n - 1].kind;
		sa.after_id = it[n - 1].cursor;
	}
	assert_int_equal(seen, 7);

	/* top and relevance by cursor too */
	assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, ids[3], 1, T0,
	    &score), STORE_OK);
	n = find(f, "ferret", (struct search_args){ .sort = SEARCH_TOP,
	    .kinds = SEARCH_POSTS }, &it);
	assert_int_equal(n, 6);
	assert_int_equal(it[0].post.id, ids[3]);
	for (int sort = SEARCH_RELEVANCE; sort <= SEARCH_TOP; sort++) {
		sa = (struct search_args){ .sort = sort, .limit = 2 };
		seen = 0;
		for (int pages = 0; pages < 10; pages++) {
			n = find(f, "ferret", sa, &it);
			seen += n;
			if (n < 2)
				break;
			sa.after = true;
			sa.after_key = it[n - 1].key;
			sa.after_kind = it[n - 1].kind;
			sa.after_id = it[n - 1].cursor;
		}
		assert_int_equal(seen, 7);
	}

	/* a viewer who blocks bob sees none of his */
	assert_int_equal(store_block_set(f->s, ann, bob, true, T0), STORE_OK);
	assert_int_equal(find(f, "ferret", (struct search_args){
	    .viewer_id = ann }, &it), 3);
}

/* A bulk load fills the index at its end, or the next migrate does. */
static void
test_search_after_bulk(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann");
	int64_t cats = mk_community(f->s, "cats", ann);
	struct found_item *it;

	assert_int_equal(store_bulk(f->s), STORE_OK);
	post_titled(f->s, cats, ann, "loaded quokka", "x", T0);
	assert_int_equal(store_bulk_end(f->s), STORE_OK);
	assert_int_equal(find(f, "quokka", (struct search_args){ 0 }, &it), 1);

	/* a load that died before its end: migrate restores the index */
	assert_int_equal(store_bulk(f->s), STORE_OK);
	post_titled(f->s, cats, ann, "lost quokka", "x", T0);
	assert_int_equal(store_migrate(f->s), STORE_OK);
	assert_int_equal(find(f, "quokka", (struct search_args){ 0 }, &it), 2);
	post_titled(f->s, cats, ann, "later quokka", "x", T0);
	assert_int_equal(find(f, "quokka", (struct search_args){ 0 }, &it), 3);
}

/* On SQLite, the search index is consistent with its table, and its mark
 * is at the newest comment; nothing to check on PostgreSQL. */
static void
check_fts(struct fixture *f, int64_t newest)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	if (f->dir[0] == '\0')
		return;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO comments_fts(comments_fts)"
	    " VALUES ('integrity-check')", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT upto FROM search_done "
	    "WHERE what = 'comments'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), newest);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/*
 * New comments are indexed in batches (schema v12): a search catches up
 * first, so it finds every comment; a comment edited or deleted before it
 * was indexed is found as it is now, never as it was.
 */
static void
test_search_catches_up(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann");
	int64_t owls = mk_community(f->s, "owls", ann);
	int64_t p = post_titled(f->s, owls, ann, "Owls", "night birds", T0);
	int64_t c1 = comment_saying(f->s, p, ann, "barn owl hoots", T0 + 1);
	int64_t c2 = comment_saying(f->s, p, ann, "tawny owl hoots", T0 + 2);
	int64_t c3 = comment_saying(f->s, p, ann, "snowy owl hoots", T0 + 3);
	struct search_args sa = { .kinds = SEARCH_COMMENTS, .sort = SEARCH_NEW };
	struct found_item *it;

	/* c2 edited and c3 deleted before anything was indexed */
	assert_int_equal(store_comment_edit(f->s, c2, "tawny owl screeches",
	    "<p>x</p>", T0 + 4), STORE_OK);
	assert_int_equal(store_comment_delete(f->s, c3, T0 + 5), STORE_OK);
	assert_int_equal(find(f, "hoots", sa, &it), 1);
	assert_int_equal(it[0].comment.id, c1);
	assert_int_equal(find(f, "screeches", sa, &it), 1);
	assert_int_equal(it[0].comment.id, c2);
	assert_int_equal(find(f, "snowy", sa, &it), 0);
	check_fts(f, c3);

	/* indexed ones follow edits at once, and nothing is left to do */
	assert_int_equal(store_comment_edit(f->s, c1, "barn owl sleeps",
	    "<p>x</p>", T0 + 6), STORE_OK);
	assert_int_equal(store_search_catch_up(f->s), STORE_OK);
	assert_int_equal(find(f, "hoots", sa, &it), 0);
	assert_int_equal(find(f, "sleeps", sa, &it), 1);
	assert_int_equal(it[0].comment.id, c1);
	check_fts(f, c3);
}

/*
 * The window: the newest items of each kind that hold the words, the
 * filters and the sort within them; the upto ids of a first page keep
 * later pages on the same window however many items arrive.
 */
static void
test_search_window(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann");
	int64_t cats = mk_community(f->s, "cats", ann);
	int64_t dogs = mk_community(f->s, "dogs", ann);
	int64_t ids[6], late;
	struct search_query q;
	struct search_args sa = { .q = &q, .sort = SEARCH_TOP, .window = 4,
	    .limit = 2, .kinds = SEARCH_POSTS };
	struct found_item *it;
	size_t n;

	for (int i = 0; i < 6; i++)
		ids[i] = post_titled(f->s, i == 1 || i == 3 ? dogs : cats, ann,
		    i == 0 ? "stoat stoat oldest" : "stoat", "x", T0 + i);
	assert_int_equal(find(f, "stoat", (struct search_args){ .window = 4,
	    .sort = SEARCH_NEW }, &it), 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(it[i].post.id, ids[5 - i]);
	/* an old post among the newest matches of its words */
	assert_int_equal(find(f, "stoat oldest", (struct search_args){
	    .window = 4 }, &it), 1);
	assert_int_equal(it[0].post.id, ids[0]);
	/* the filters narrow the window: ids[3] alone of dogs is in it */
	assert_int_equal(find(f, "stoat", (struct search_args){ .window = 4,
	    .community_id = dogs }, &it), 1);
	assert_int_equal(it[0].post.id, ids[3]);
	assert_int_equal(find(f, "stoat", (struct search_args){
	    .community_id = dogs }, &it), 2);

	/* the first page sets upto; a post after it stays out of the next */
	assert_int_equal(store_search_parse(str_c("stoat"), &q), SEARCH_PARSED);
	assert_int_equal(store_search(f->s, f->a, &sa, &it, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(sa.upto[0], ids[5]);
	late = post_titled(f->s, cats, ann, "stoat", "x", T0 + 9);
	sa.after = true;
	sa.after_key = it[1].key;
	sa.after_kind = it[1].kind;
	sa.after_id = it[1].cursor;
	assert_int_equal(store_search(f->s, f->a, &sa, &it, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(it[0].post.id, ids[3]);
	assert_int_equal(it[1].post.id, ids[2]);
	assert_int_equal(sa.upto[0], ids[5]);
	assert_int_equal(find(f, "stoat", (struct search_args){ .window = 4,
	    .sort = SEARCH_NEW }, &it), 4);
	assert_int_equal(it[0].post.id, late);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_search_kept_in_step),
		T(test_search_filters_sorts_cursor),
		T(test_search_after_bulk),
		T(test_search_catches_up),
		T(test_search_window),
	};

	return FIXTURE_MAIN("store_find", tests);
}
