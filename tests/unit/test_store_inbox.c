/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_inbox.c: unit tests of store_inbox.c (the inbox, mentions,
 * private conversations and their reports) over both backends
 * (store_fixture.h).
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

static void
test_inbox(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	struct inbox_item *it;
	struct viewer v;
	struct user u;
	bool added = true;
	size_t n;

	/* a notice from the site, a reply from bob, one from ann herself */
	assert_int_equal(store_notify(f->s, ann, "removed", "/x", T0),
	    STORE_OK);
	assert_int_equal(store_inbox_add(f->s, &(struct inbox_item){
	    .user_id = ann, .from_id = bob, .kind = INBOX_REPLY,
	    .text = "hi", .link = "/s/a/p/1", .post_id = 1, .comment_id = 2,
	    .created = T0 + 1 }, &added), STORE_OK);
	assert_true(added);
	assert_int_equal(store_inbox_add(f->s, &(struct inbox_item){
	    .user_id = ann, .from_id = ann, .kind = INBOX_REPLY,
	    .text = "self", .created = T0 + 2 }, &added), STORE_OK);
	assert_false(added);

	assert_int_equal(store_inbox_list(f->s, f->a, ann, 0, 10, &it, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(it[0].kind, INBOX_REPLY);
	assert_string_equal(it[0].from, "bob");
	assert_string_equal(it[0].text, "hi");
	assert_int_equal(it[0].post_id, 1);
	assert_int_equal(it[0].comment_id, 2);
	assert_false(it[0].read);
	assert_int_equal(it[1].kind, INBOX_NOTICE);
	assert_null(it[1].from);
	assert_int_equal(it[1].post_id, 0);

	/* paged by id */
	assert_int_equal(store_inbox_list(f->s, f->a, ann, it[0].id, 10, &it,
	    &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(it[0].kind, INBOX_NOTICE);

	/* reading one; another's item is not found */
	assert_int_equal(store_inbox_read(f->s, bob, it[0].id), STORE_NOTFOUND);
	assert_int_equal(store_inbox_read(f->s, ann, it[0].id), STORE_OK);
	assert_int_equal(store_inbox_read(f->s, ann, it[0].id), STORE_OK);
	assert_int_equal(store_inbox_list(f->s, f->a, ann, 0, 10, &it, &n),
	    STORE_OK);
	assert_false(it[0].read);
	assert_true(it[1].read);

	/* the session query counts the unread */
	{
		unsigned char key[32] = { 7 };

		assert_int_equal(store_session_create(f->s, key, ann, T0,
		    T0 + 100), STORE_OK);
		assert_int_equal(store_session_user(f->s, f->a, key, T0 + 1,
		    &u, &v), STORE_OK);
		assert_int_equal(v.unseen, 1);
		/* and tells the session's end and show_nsfw */
		assert_int_equal(v.expires, T0 + 100);
		assert_false(v.show_nsfw);
		assert_int_equal(store_inbox_read(f->s, ann, 0), STORE_OK);
		assert_int_equal(store_user_set_show_nsfw(f->s, ann, true),
		    STORE_OK);
		assert_int_equal(store_session_user(f->s, f->a, key, T0 + 1,
		    &u, &v), STORE_OK);
		assert_int_equal(v.unseen, 0);
		assert_true(v.show_nsfw);
	}

	/* reading a conversation reads its messages */
	{
		int64_t n_read = -1;

		assert_int_equal(store_inbox_add(f->s, &(struct inbox_item){
		    .user_id = ann, .from_id = bob, .kind = INBOX_MESSAGE,
		    .text = "m", .link = "/messages/7", .created = T0 + 2 },
		    NULL), STORE_OK);
		assert_int_equal(store_inbox_read_link(f->s, ann, INBOX_REPLY,
		    "/messages/7", &n_read), STORE_OK);
		assert_int_equal(n_read, 0);
		assert_int_equal(store_inbox_read_link(f->s, ann,
		    INBOX_MESSAGE, "/messages/7", &n_read), STORE_OK);
		assert_int_equal(n_read, 1);
		assert_int_equal(store_inbox_read_link(f->s, ann,
		    INBOX_MESSAGE, "/messages/7", &n_read), STORE_OK);
		assert_int_equal(n_read, 0);
	}

	/* nothing arrives from a user one blocks */
	assert_int_equal(store_block_set(f->s, ann, bob, true, T0), STORE_OK);
	assert_int_equal(store_inbox_add(f->s, &(struct inbox_item){
	    .user_id = ann, .from_id = bob, .kind = INBOX_MENTION,
	    .text = "u/ann", .created = T0 + 3 }, &added), STORE_OK);
	assert_false(added);
	assert_int_equal(store_inbox_list(f->s, f->a, ann, 0, 10, &it, &n),
	    STORE_OK);
	assert_int_equal(n, 3);
}

static void
test_mentions(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	bool fresh = false;

	assert_int_equal(store_mention_new(f->s, VOTE_POST, 5, ann, &fresh),
	    STORE_OK);
	assert_true(fresh);
	assert_int_equal(store_mention_new(f->s, VOTE_POST, 5, ann, &fresh),
	    STORE_OK);
	assert_false(fresh);
	assert_int_equal(store_mention_new(f->s, VOTE_COMMENT, 5, ann, &fresh),
	    STORE_OK);
	assert_true(fresh);
	assert_int_equal(store_mention_new(f->s, VOTE_POST, 5, bob, &fresh),
	    STORE_OK);
	assert_true(fresh);
}

static void
test_conversations(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cat = mk_user(f->s, "cat");
	int64_t conv = 0, m1 = 0, m2 = 0, conv2 = 0;
	struct conversation v, *vs;
	struct message msg, *ms;
	struct message_report *rs;
	bool rep = true;
	int64_t count = 0;
	size_t n;

	assert_int_equal(store_message_send(f->s, 0, ann, bob, "hello",
	    "first", "<p>first</p>", T0, &conv, &m1), STORE_OK);
	assert_int_equal(store_message_send(f->s, conv, bob, ann, NULL,
	    "second", "<p>second</p>", T0 + 1, NULL, &m2), STORE_OK);
	assert_true(m2 > m1);
	assert_int_equal(store_message_send(f->s, 0, cat, ann, "other",
	    "x", "<p>x</p>", T0 + 2, &conv2, NULL), STORE_OK);

	assert_int_equal(store_conversation_get(f->s, f->a, conv, &v),
	    STORE_OK);
	assert_int_equal(v.a_id, ann);
	assert_int_equal(v.b_id, bob);
	assert_string_equal(v.a, "ann");
	assert_string_equal(v.b, "bob");
	assert_string_equal(v.subject, "hello");
	assert_int_equal(v.last_message, m2);
	assert_int_equal(v.updated, T0 + 1);
	assert_int_equal(store_conversation_get(f->s, f->a, conv2 + 10, &v),
	    STORE_NOTFOUND);

	assert_int_equal(store_conversations(f->s, f->a, ann, 0, 0, &vs, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(vs[0].id, conv2);
	assert_int_equal(vs[1].id, conv);
	/* pages by cursor: one a page, then the next below it */
	assert_int_equal(store_conversations(f->s, f->a, ann, 0, 1, &vs, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(vs[0].id, conv2);
	assert_int_equal(store_conversations(f->s, f->a, ann,
	    vs[0].last_message, 1, &vs, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(vs[0].id, conv);
	assert_int_equal(store_conversations(f->s, f->a, ann,
	    vs[0].last_message, 1, &vs, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_conversations(f->s, f->a, bob, 0, 0, &vs, &n),
	    STORE_OK);
	assert_int_equal(n, 1);

	assert_int_equal(store_messages(f->s, f->a, conv, 0, 0, &ms, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ms[0].body, "first");
	assert_string_equal(ms[1].sender, "bob");
	assert_int_equal(store_messages(f->s, f->a, conv, 0, 1, &ms, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ms[0].id, m1);
	assert_int_equal(store_messages(f->s, f->a, conv, m1, 1, &ms, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ms[0].id, m2);
	assert_int_equal(store_message_get(f->s, f->a, m1, &msg), STORE_OK);
	assert_int_equal(msg.conversation_id, conv);

	/* deleting for oneself: the other side keeps it */
	assert_int_equal(store_conversation_clear(f->s, conv, cat),
	    STORE_NOTFOUND);
	assert_int_equal(store_conversation_clear(f->s, conv, ann), STORE_OK);
	assert_int_equal(store_conversations(f->s, f->a, ann, 0, 0, &vs, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_conversations(f->s, f->a, bob, 0, 0, &vs, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_conversation_get(f->s, f->a, conv, &v),
	    STORE_OK);
	assert_int_equal(v.a_cleared, m2);
	assert_int_equal(v.b_cleared, 0);
	/* a new message brings it back, without the old ones */
	assert_int_equal(store_message_send(f->s, conv, bob, ann, NULL,
	    "third", "<p>third</p>", T0 + 3, NULL, NULL), STORE_OK);
	assert_int_equal(store_conversations(f->s, f->a, ann, 0, 0, &vs, &n),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_messages(f->s, f->a, conv, v.a_cleared, 0,
	    &ms, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ms[0].body, "third");

	/* limits count what one sent */
	assert_int_equal(store_user_activity(f->s, bob, RATE_MESSAGE, T0,
	    &count), STORE_OK);
	assert_int_equal(count, 2);

	/* reports */
	assert_int_equal(store_conversation_reported(f->s, conv, &rep),
	    STORE_OK);
	assert_false(rep);
	assert_int_equal(store_message_report(f->s, m2, ann, "spam", T0),
	    STORE_OK);
	assert_int_equal(store_message_report(f->s, m2, ann, "spam", T0),
	    STORE_CONFLICT);
	assert_int_equal(store_conversation_reported(f->s, conv, &rep),
	    STORE_OK);
	assert_true(rep);
	assert_int_equal(store_message_reports(f->s, f->a, 0, &rs, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rs[0].message_id, m2);
	assert_int_equal(rs[0].conversation_id, conv);
	assert_string_equal(rs[0].reason, "spam");
	assert_int_equal(store_conversation_reports_resolve(f->s, conv),
	    STORE_OK);
	assert_int_equal(store_conversation_reported(f->s, conv, &rep),
	    STORE_OK);
	assert_false(rep);
	assert_int_equal(store_message_report(f->s, m2, ann, "again", T0),
	    STORE_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_inbox),
		T(test_mentions),
		T(test_conversations),
	};

	return FIXTURE_MAIN("store_inbox", tests);
}
