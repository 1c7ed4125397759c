/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_user.c: unit tests of store_user.c (users, sessions, what a
 * session tells about its viewer, blocks, notifications, ending sessions
 * and deleting accounts) over both backends (store_fixture.h).
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

/* ---- users and sessions ----------------------------------------------- */

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

	assert_int_equal(store_user_create(f->s, "bob", "h", NULL, ROLE_USER,
	    T0, &id2), STORE_OK);
	u = get_user(f, id2);
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

/* A viewer is plain until they moderate a community or block someone;
 * one who moderates and blocks nobody "moderates". */
static void
test_session_viewer(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cat = mk_user(f->s, "cat");
	int64_t comm = mk_community(f->s, "cats", cat);

	assert_true(viewer_of(f, ann).plain);
	assert_false(viewer_of(f, ann).moderates);
	assert_true(viewer_of(f, bob).plain);
	assert_false(viewer_of(f, cat).plain);
	assert_true(viewer_of(f, cat).moderates);
	assert_int_equal(store_moderator_add(f->s, comm, ann, T0), STORE_OK);
	assert_false(viewer_of(f, ann).plain);
	assert_true(viewer_of(f, ann).moderates);
	assert_int_equal(store_block_set(f->s, ann, bob, true, T0), STORE_OK);
	assert_false(viewer_of(f, ann).plain);
	assert_false(viewer_of(f, ann).moderates);
	assert_int_equal(store_block_set(f->s, bob, cat, true, T0), STORE_OK);
	assert_false(viewer_of(f, bob).plain);
	assert_false(viewer_of(f, bob).moderates);
	assert_int_equal(store_block_set(f->s, bob, cat, false, T0), STORE_OK);
	assert_true(viewer_of(f, bob).plain);
	assert_int_equal(store_notify(f->s, bob, "hi", NULL, T0), STORE_OK);
	assert_int_equal(viewer_of(f, bob).unseen, 1);
	assert_int_equal(viewer_of(f, ann).unseen, 0);
}

/* The session query bounds the ids of the posts and comments the viewer
 * voted on: [0, 0] (none) until they vote. */
static void
test_session_voted_range(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t comm = mk_community(f->s, "cats", bob);
	int64_t p1 = mk_post(f->s, comm, bob, T0), p2 = mk_post(f->s, comm, bob, T0);
	int64_t p3 = mk_post(f->s, comm, bob, T0);
	int64_t c1 = mk_comment(f->s, p1, 0, bob, T0);
	int64_t score;
	struct viewer v = viewer_of(f, ann);

	for (int k = 0; k < 2; k++) {
		assert_int_equal(v.voted_lo[k], 0);
		assert_int_equal(v.voted_hi[k], 0);
	}
	assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, p3, 1, T0, &score),
	    STORE_OK);
	assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, p1, -1, T0,
	    &score), STORE_OK);
	assert_int_equal(store_vote_set(f->s, ann, VOTE_COMMENT, c1, 1, T0,
	    &score), STORE_OK);
	v = viewer_of(f, ann);
	assert_int_equal(v.voted_lo[VOTE_POST], p1);
	assert_int_equal(v.voted_hi[VOTE_POST], p3);
	assert_true(p2 > p1 && p2 < p3);
	assert_int_equal(v.voted_lo[VOTE_COMMENT], c1);
	assert_int_equal(v.voted_hi[VOTE_COMMENT], c1);
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
	int64_t cid = mk_comment(f->s, pid, 0, ann, T0 + 1);
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
	p = get_post(f, pid, 0);
	assert_false(p.deleted);
	assert_string_equal(p.title, "A post");
	assert_string_equal(p.body, "body text");
	assert_string_equal(get_comment(f, cid).body, "a comment");

	assert_int_equal(store_user_delete(f->s, 9999, false),
	    STORE_NOTFOUND);
	assert_false(get_post(f, pid, 0).deleted);
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
	int64_t cid = mk_comment(f->s, bpid, 0, ann, T0 + 1);
	int64_t bcid = mk_comment(f->s, pid, 0, bob, T0 + 2);
	struct comment c;
	struct post p;

	assert_int_equal(store_post_create(f->s, &link, &lid), STORE_OK);
	assert_int_equal(store_user_delete(f->s, ann, true), STORE_OK);

	p = get_post(f, pid, 0);
	assert_true(p.deleted);
	/* Erased to empty: the flag, not a word, says what it was. */
	assert_string_equal(p.title, "");
	assert_null(p.body);
	assert_null(p.body_html);
	assert_int_equal(p.comment_count, 1);
	p = get_post(f, lid, 0);
	assert_true(p.deleted);
	assert_null(p.url);
	c = get_comment(f, cid);
	assert_true(c.deleted);
	assert_null(c.body);
	assert_null(c.body_html);

	/* Other people's content under it is untouched. */
	p = get_post(f, bpid, 0);
	assert_false(p.deleted);
	assert_string_equal(p.body, "body text");
	c = get_comment(f, bcid);
	assert_false(c.deleted);
	assert_string_equal(c.body, "a comment");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_users),
		T(test_sessions),
		T(test_session_viewer),
		T(test_session_voted_range),
		T(test_blocks),
		T(test_notifications),
		T(test_sessions_end_others),
		T(test_user_delete_keep),
		T(test_user_delete_erase),
	};

	return FIXTURE_MAIN("store_user", tests);
}
