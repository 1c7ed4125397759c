/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_inbox.c: a member's inbox (replies, mentions, private messages and
 * moderators' notices in the one notifications table), who an item has
 * mentioned, and private conversations between two members with their
 * reports to the site admins.
 *
 * Whether an item reaches an inbox is decided here once for every kind:
 * nothing arrives from a user the recipient blocks, and nothing from
 * oneself. Access to a conversation is the app's to decide (app/
 * page_messages.c); the store hands out rows by id.
 */
#include "store_int.h"

/* ---- the inbox --------------------------------------------------------- */

/*
 * Puts it (user_id, from_id, kind, text, link, post_id, comment_id,
 * created) in user_id's inbox, unread. Sets *added (when not NULL) to
 * whether it went in: an item from a user the recipient blocks (checked
 * in the same statement), or from the recipient themself, goes nowhere
 * and is no error. An unknown user is STORE_ERR (a foreign key).
 */
int
store_inbox_add(struct store *s, const struct inbox_item *it, bool *added)
{
	int rc;

	if (added != NULL)
		*added = false;
	if (it->from_id != 0 && it->from_id == it->user_id)
		return STORE_OK;
	/* Not guarded: a savepoint's RELEASE would be the statement whose
	 * changes PostgreSQL reports. The user exists (accounts are marked
	 * deleted, never removed), so the insert has no expected failure. */
	rc = store__run(s, STMT_INBOX_ADD, STORE_PARAMS(
	    store_v_int(it->user_id), store_v_int(it->kind),
	    store__ref_val(it->from_id), store_v_text(it->text ? it->text : ""),
	    store_v_text(it->link), store__ref_val(it->post_id),
	    store__ref_val(it->comment_id), store_v_int(it->created)), NULL,
	    NULL);
	if (rc == STORE_OK && added != NULL)
		*added = s->be->changes(s->conn) > 0;
	return rc;
}

/* id, kind, seen, created, from, text, link, post_id, comment_id. */
static int
many_inbox_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;
	struct inbox_item *it;

	if (ncols < 9)
		return store__bad_row(ncols, 9);
	it = store__many_push(m);
	memset(it, 0, sizeof(*it));
	it->id = store__col_i64(&row[0]);
	it->kind = (int)store__col_i64(&row[1]);
	it->read = store__col_i64(&row[2]) != 0;
	it->created = store__col_i64(&row[3]);
	it->from = store__col_text(m->a, &row[4]);
	it->text = store__col_text(m->a, &row[5]);
	it->link = store__col_text(m->a, &row[6]);
	it->post_id = store__col_i64(&row[7]);
	it->comment_id = store__col_i64(&row[8]);
	return STORE_OK;
}

/*
 * Lists user_id's inbox, newest first, read items included: those with
 * an id below after (0: from the newest). limit <= 0 means 25, at most
 * 100. *out is an array of *n in a.
 */
int
store_inbox_list(struct store *s, struct arena *a, int64_t user_id,
    int64_t after, int limit, struct inbox_item **out, size_t *n)
{
	struct store_many m = STORE_MANY_OF(a, struct inbox_item);
	int rc;

	rc = store__run(s, STMT_INBOX_LIST, STORE_PARAMS(store_v_int(user_id),
	    store_v_int(after > 0 ? after : INT64_MAX),
	    store_v_int(store__clamp_limit(limit, STORE_QUEUE_MAX))),
	    many_inbox_cb, &m);
	STORE_MANY_OUT(rc, m, struct inbox_item, out, n);
	for (size_t i = 0; i < *n; i++)
		(*out)[i].user_id = user_id;
	return rc;
}

/*
 * Marks item id of user_id's inbox read; id 0 marks them all. Returns
 * STORE_NOTFOUND when user_id has no item id (another's included).
 */
int
store_inbox_read(struct store *s, int64_t user_id, int64_t id)
{
	if (id == 0)
		return store_notifications_seen(s, user_id);
	/* Both databases count a matched row, so an item already read is
	 * found too. */
	return store__run_one(s, STMT_INBOX_READ, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(id)));
}

/*
 * Marks read the unread items of kind in user_id's inbox that link to
 * link (a conversation's messages, once it is read); *n is how many.
 */
int
store_inbox_read_link(struct store *s, int64_t user_id, int kind,
    const char *link, int64_t *n)
{
	int rc = store__run(s, STMT_INBOX_READ_LINK, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(kind), store_v_text(link)),
	    NULL, NULL);

	*n = rc == STORE_OK ? s->be->changes(s->conn) : 0;
	return rc;
}

/*
 * Remembers that item item_id of kind (enum vote_kind) mentioned user_id,
 * and sets *fresh to whether it had not before: only a fresh mention is
 * notified, so an edit that keeps a name does not notify again.
 */
int
store_mention_new(struct store *s, int kind, int64_t item_id,
    int64_t user_id, bool *fresh)
{
	int rc;

	*fresh = false;
	rc = store__run(s, STMT_MENTION_ADD, STORE_PARAMS(store_v_int(kind),
	    store_v_int(item_id), store_v_int(user_id)), NULL, NULL);
	if (rc == STORE_OK)
		*fresh = s->be->changes(s->conn) > 0;
	return rc;
}

/* ---- conversations ----------------------------------------------------- */

/*
 * Sends a message from from_id: into conversation_id, or, when it is 0, a
 * new conversation with to_id under subject. Sets *conv_out and *msg_out
 * (either may be NULL). One transaction. The caller has checked that the
 * sender belongs to the conversation and may write to to_id.
 */
int
store_message_send(struct store *s, int64_t conversation_id,
    int64_t from_id, int64_t to_id, const char *subject, const char *body,
    const char *body_html, int64_t now, int64_t *conv_out, int64_t *msg_out)
{
	int64_t msg = 0;
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if (conversation_id == 0) {
		rc = store__run(s, STMT_CONVERSATION_INSERT, STORE_PARAMS(
		    store_v_int(from_id), store_v_int(to_id),
		    store_v_text(subject ? subject : ""), store_v_int(now)),
		    NULL, NULL);
		if (rc == STORE_OK)
			conversation_id = s->be->last_id(s->conn);
		if (rc == STORE_OK)
			rc = store__run(s, STMT_CONVERSATION_SIDE_ADD, STORE_PARAMS(
			    store_v_int(from_id), store_v_int(conversation_id)),
			    NULL, NULL);
		if (rc == STORE_OK)
			rc = store__run(s, STMT_CONVERSATION_SIDE_ADD, STORE_PARAMS(
			    store_v_int(to_id), store_v_int(conversation_id)),
			    NULL, NULL);
	}
	if (rc == STORE_OK)
		rc = store__run(s, STMT_MESSAGE_INSERT, STORE_PARAMS(
		    store_v_int(conversation_id), store_v_int(from_id),
		    store_v_text(body), store_v_text(body_html),
		    store_v_int(now)), NULL, NULL);
	if (rc == STORE_OK) {
		msg = s->be->last_id(s->conn);
		rc = store__run_one(s, STMT_CONVERSATION_BUMP, STORE_PARAMS(
		    store_v_int(conversation_id), store_v_int(msg),
		    store_v_int(now)));
	}
	if (rc == STORE_OK)
		rc = store__run(s, STMT_CONVERSATION_SIDES_BUMP, STORE_PARAMS(
		    store_v_int(conversation_id), store_v_int(msg)), NULL, NULL);
	rc = store__tx_end(s, rc);
	if (rc == STORE_OK) {
		if (conv_out != NULL)
			*conv_out = conversation_id;
		if (msg_out != NULL)
			*msg_out = msg;
	}
	return rc;
}

static void
read_conversation(struct arena *a, const struct store_val *row, void *out)
{
	struct conversation *v = out;

	v->id = store__col_i64(&row[0]);
	v->a_id = store__col_i64(&row[1]);
	v->a = store__col_text(a, &row[2]);
	v->b_id = store__col_i64(&row[3]);
	v->b = store__col_text(a, &row[4]);
	v->subject = store__col_text(a, &row[5]);
	v->created = store__col_i64(&row[6]);
	v->updated = store__col_i64(&row[7]);
	v->last_message = store__col_i64(&row[8]);
	v->a_cleared = store__col_i64(&row[9]);
	v->b_cleared = store__col_i64(&row[10]);
}

static const struct store_row conversation_row = {
	11, sizeof(struct conversation), read_conversation };

static void
read_message(struct arena *a, const struct store_val *row, void *out)
{
	struct message *v = out;

	v->id = store__col_i64(&row[0]);
	v->conversation_id = store__col_i64(&row[1]);
	v->sender_id = store__col_i64(&row[2]);
	v->sender = store__col_text(a, &row[3]);
	v->body = store__col_text(a, &row[4]);
	v->body_html = store__col_text(a, &row[5]);
	v->created = store__col_i64(&row[6]);
}

static const struct store_row message_row = {
	7, sizeof(struct message), read_message };

/* Fills *out (strings in a); STORE_NOTFOUND when there is no such one. */
int
store_conversation_get(struct store *s, struct arena *a, int64_t id,
    struct conversation *out)
{
	return store__get(s, STMT_CONVERSATION_GET,
	    STORE_PARAMS(store_v_int(id)), &conversation_row, a, out);
}

/*
 * Lists user_id's conversations that hold a message they have not
 * deleted and whose latest message is below before (0: from the top),
 * the latest message first; limit <= 0 means 25, at most 100. A page's
 * cursor is its last row's last_message.
 */
int
store_conversations(struct store *s, struct arena *a, int64_t user_id,
    int64_t before, int limit, struct conversation **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &conversation_row);
	int rc;

	rc = store__run(s, STMT_CONVERSATIONS, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(store__clamp_limit(limit,
	    STORE_QUEUE_MAX)), store_v_int(before > 0 ? before : INT64_MAX)),
	    store__many_cb, &m);
	STORE_MANY_OUT(rc, m, struct conversation, out, n);
	return rc;
}

/*
 * Lists at most limit messages (limit <= 0 means 25, at most 100) of a
 * conversation with an id above after, oldest first. The caller passes
 * at least its side's *_cleared, so what it deleted for itself stays
 * away; a page's cursor is its last message's id.
 */
int
store_messages(struct store *s, struct arena *a, int64_t conversation_id,
    int64_t after, int limit, struct message **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &message_row);
	int rc;

	rc = store__run(s, STMT_MESSAGES_OF, STORE_PARAMS(
	    store_v_int(conversation_id), store_v_int(after),
	    store_v_int(store__clamp_limit(limit, STORE_QUEUE_MAX))),
	    store__many_cb, &m);
	STORE_MANY_OUT(rc, m, struct message, out, n);
	return rc;
}

/* Fills *out (strings in a); STORE_NOTFOUND when there is no such one. */
int
store_message_get(struct store *s, struct arena *a, int64_t id,
    struct message *out)
{
	return store__get(s, STMT_MESSAGE_GET, STORE_PARAMS(store_v_int(id)),
	    &message_row, a, out);
}

/*
 * Deletes the conversation's messages so far for user_id alone: the
 * other side keeps them, and a later message shows it again. Returns
 * STORE_NOTFOUND when user_id is not one of its two members.
 */
int
store_conversation_clear(struct store *s, int64_t id, int64_t user_id)
{
	return store__run_one(s, STMT_CONVERSATION_CLEAR, STORE_PARAMS(
	    store_v_int(id), store_v_int(user_id)));
}

/*
 * Reports a message to the site admins. Returns STORE_CONFLICT when the
 * reporter's earlier report of it is still open.
 */
int
store_message_report(struct store *s, int64_t message_id,
    int64_t reporter_id, const char *reason, int64_t now)
{
	return store__run_guarded(s, STMT_MESSAGE_REPORT_INSERT, STORE_PARAMS(
	    store_v_int(message_id), store_v_int(reporter_id),
	    store_v_text(reason), store_v_int(now)));
}

static int
many_report_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;
	struct message_report *r;

	if (ncols < 5)
		return store__bad_row(ncols, 5);
	r = store__many_push(m);
	r->id = store__col_i64(&row[0]);
	r->message_id = store__col_i64(&row[1]);
	r->conversation_id = store__col_i64(&row[2]);
	r->reason = store__col_text(m->a, &row[3]);
	r->created = store__col_i64(&row[4]);
	return STORE_OK;
}

/* The open reports of messages, oldest first; limit as above. */
int
store_message_reports(struct store *s, struct arena *a, int limit,
    struct message_report **out, size_t *n)
{
	struct store_many m = STORE_MANY_OF(a, struct message_report);
	int rc;

	rc = store__run(s, STMT_MESSAGE_REPORT_QUEUE, STORE_PARAMS(store_v_int(
	    store__clamp_limit(limit, STORE_QUEUE_MAX))), many_report_cb, &m);
	STORE_MANY_OUT(rc, m, struct message_report, out, n);
	return rc;
}

/* Sets *out to whether a message of conversation id has an open report. */
int
store_conversation_reported(struct store *s, int64_t id, bool *out)
{
	return store__run_exists(s, STMT_MESSAGE_REPORTED, STORE_PARAMS(
	    store_v_int(id)), out);
}

/* Closes every open report on the messages of conversation id. */
int
store_conversation_reports_resolve(struct store *s, int64_t id)
{
	return store__run(s, STMT_MESSAGE_REPORT_RESOLVE, STORE_PARAMS(
	    store_v_int(id)), NULL, NULL);
}
