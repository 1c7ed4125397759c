/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_messages.c: private messages between two members. GET /messages
 * lists one's conversations and holds the form that starts one (POST
 * /messages: to, subject, body); GET /messages/ID shows one, POST
 * /messages/ID replies, POST /messages/ID/delete deletes it for oneself.
 * A message is reported through POST /report with kind=message into the
 * site admins' queue, GET /admin/messages; POST /messages/ID/resolve
 * closes its reports.
 *
 * Who may read a conversation is decided here alone: its two members,
 * and a site admin while one of its messages has an open report (not
 * through /api/v1, where only the members read). Anyone else gets the
 * same 404 as for an id that does not exist, so ids tell nothing. A user
 * who blocks another gets no messages from them (403 for the sender);
 * site bans and the hourly limits apply (authz AZ_MESSAGE).
 *
 * Both lists page by a cursor, never an offset: the conversations by
 * their latest message's id (?after=, newest first), a conversation's
 * messages by message id (?after=, oldest first). /api/v1/messages
 * routes here too (page_api.c), so the API has the forms' checks.
 */
#include "app_int.h"

#include <string.h>

#define REPORTS_SHOWN 100

/* ---- reading a conversation ------------------------------------------ */

/* The other member of v, for viewer me. */
static int64_t
other_id(const struct conversation *v, int64_t me)
{
	return v->a_id == me ? v->b_id : v->a_id;
}

static const char *
other_name(const struct conversation *v, int64_t me)
{
	return v->a_id == me ? v->b : v->a;
}

static void
not_found(struct ctx *c)
{
	app_error(c, 404, "not_found", "There is no such conversation.");
}

/* Reads ?after= into *after (0 when absent). Returns 0, or -1 after
 * answering 400. */
static int
cursor_arg(struct ctx *c, int64_t *after)
{
	struct str s = http_query(c->r, "after");

	*after = 0;
	if (s.p != NULL && (!str_to_i64(s, after) || *after < 0)) {
		app_error(c, 400, "bad_cursor", "after is a message id.");
		return -1;
	}
	return 0;
}

/* The link to the next page of path after cursor, when there is one. */
static void
next_link(struct ctx *c, struct html *h, const char *path, bool more,
    int64_t cursor, const char *label)
{
	if (!more)
		return;
	html_raw_literal(h, "<p class=\"next\"><a");
	html_attr(h, "href", str_c(arena_printf(c->a, "%s?after=%lld", path,
	    (long long)cursor)));
	html_raw_literal(h, ">");
	html_text_c(h, label);
	html_raw_literal(h, "</a></p>");
}

/*
 * Loads conversation id for the viewer. *floor is the last message id
 * the viewer deleted for themself; admin is set when they read it as a
 * site admin acting on a report. With member_only, only the two members
 * pass. Returns 0, or -1 after answering (404 for everyone else).
 */
static int
load(struct ctx *c, int64_t id, bool member_only, struct conversation *v,
    int64_t *floor, bool *admin)
{
	int rc = store_conversation_get(c->s, c->a, id, v);

	*admin = false;
	*floor = 0;
	if (rc == STORE_NOTFOUND) {
		not_found(c);
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (v->a_id == c->user->id || v->b_id == c->user->id) {
		*floor = v->a_id == c->user->id ? v->a_cleared : v->b_cleared;
		return 0;
	}
	if (!member_only && app_is_admin(c)) {
		bool reported = false;

		rc = store_conversation_reported(c->s, id, &reported);
		if (rc != STORE_OK) {
			app_store_error(c, rc);
			return -1;
		}
		if (reported) {
			*admin = true;
			return 0;
		}
	}
	not_found(c);
	return -1;
}

static int
route_load(struct ctx *c, bool member_only, struct conversation *v,
    int64_t *floor, bool *admin)
{
	int64_t id;

	if (!app_param_id(c, 0, &id)) {
		not_found(c);
		return -1;
	}
	return load(c, id, member_only, v, floor, admin);
}

static void
conversation_json(struct ctx *c, const struct conversation *v,
    const struct message *ms, size_t n, bool more)
{
	struct json j;

	app_json_begin(c, &j);
	json_obj_open(&j);
	json_kv_int(&j, "id", v->id);
	json_kv_str_c(&j, "subject", v->subject);
	json_key(&j, "members");
	json_arr_open(&j);
	json_str_c(&j, v->a);
	json_str_c(&j, v->b);
	json_arr_close(&j);
	json_key(&j, "messages");
	json_arr_open(&j);
	for (size_t i = 0; i < n; i++) {
		json_obj_open(&j);
		json_kv_int(&j, "id", ms[i].id);
		json_kv_str_c(&j, "from", ms[i].sender);
		json_kv_str_c(&j, "body", ms[i].body);
		json_kv_time(&j, "created", ms[i].created);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	app_json_after(c, &j, more, n > 0 ? ms[n - 1].id : 0);
	json_obj_close(&j);
}

static void
conversation_html(struct ctx *c, const struct conversation *v,
    const struct message *ms, size_t n, bool more, bool admin)
{
	struct html h;

	page_begin(c, &h, v->subject);
	html_raw_literal(&h, "<div class=\"content\"><p><a href=\"/messages\">"
	    "messages</a></p><h1>");
	html_text_c(&h, v->subject);
	html_raw_literal(&h, "</h1><p class=\"meta\">between ");
	app_user_link(c, &h, v->a);
	html_raw_literal(&h, " and ");
	app_user_link(c, &h, v->b);
	html_raw_literal(&h, "</p><ol class=\"posts messages\">");
	for (size_t i = 0; i < n; i++) {
		html_raw_literal(&h, "<li class=\"post\"");
		html_attr(&h, "id", str_c(arena_printf(c->a, "m%lld",
		    (long long)ms[i].id)));
		html_raw_literal(&h, "><div><p class=\"meta\">");
		app_user_link(c, &h, ms[i].sender);
		html_raw_literal(&h, " · ");
		html_time(&h, ms[i].created, c->now);
		if (!admin && ms[i].sender_id != c->user->id) {
			html_raw_literal(&h, " · <a");
			html_attr(&h, "href", str_c(arena_printf(c->a,
			    "/report?kind=message&id=%lld",
			    (long long)ms[i].id)));
			html_raw_literal(&h, ">report</a>");
		}
		html_raw_literal(&h, "</p><div class=\"md\">");
		html_raw_trusted(&h, str_c(ms[i].body_html));
		html_raw_literal(&h, "</div></div></li>");
	}
	html_raw_literal(&h, "</ol>");
	next_link(c, &h, arena_printf(c->a, "/messages/%lld", (long long)v->id),
	    more, n > 0 ? ms[n - 1].id : 0, "newer messages");
	if (admin) {
		html_raw_literal(&h, "<p class=\"meta\">You read this as a site "
		    "admin because a message in it was reported.</p>"
		    "<form method=\"post\"");
		html_attr(&h, "action", str_c(arena_printf(c->a,
		    "/messages/%lld/resolve", (long long)v->id)));
		html_raw_literal(&h, ">");
		app_csrf_field(c, &h);
		html_raw_literal(&h, "<button>close the reports</button></form>");
	} else {
		html_raw_literal(&h, "<form class=\"edit\" method=\"post\"");
		html_attr(&h, "action", str_c(arena_printf(c->a, "/messages/%lld",
		    (long long)v->id)));
		html_raw_literal(&h, ">");
		app_csrf_field(c, &h);
		html_raw_literal(&h, "<label for=\"body\">reply (markdown)</label>"
		    "<textarea id=\"body\" name=\"body\" required maxlength=\""
		    APP_STR_K(MESSAGE_BODY_MAX_K) "\"></textarea>"
		    "<p><button>send</button></p></form><form method=\"post\"");
		html_attr(&h, "action", str_c(arena_printf(c->a,
		    "/messages/%lld/delete", (long long)v->id)));
		html_raw_literal(&h, ">");
		app_csrf_field(c, &h);
		html_raw_literal(&h, "<button>delete for me</button></form>");
	}
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/* Shows the conversation of the route's id, a page of its messages
 * after ?after=; with member_only, to its two members alone. */
static void
show(struct ctx *c, bool member_only)
{
	struct conversation v;
	struct message *ms;
	int64_t floor, after;
	bool admin, more;
	size_t n;
	int rc;

	if (route_load(c, member_only, &v, &floor, &admin) != 0 ||
	    cursor_arg(c, &after) != 0)
		return;
	rc = store_messages(c->s, c->a, v.id, after > floor ? after : floor,
	    PAGE_SIZE + 1, &ms, &n);
	/* reading it reads its messages in the inbox, and the header's
	 * count, from the session query, follows */
	if (rc == STORE_OK && !admin) {
		int64_t read = 0;

		rc = store_inbox_read_link(c->s, c->user->id, INBOX_MESSAGE,
		    arena_printf(c->a, "/messages/%lld", (long long)v.id), &read);
		c->viewer.unseen -= read < c->viewer.unseen ? read :
		    c->viewer.unseen;
		/* a write on a GET: their kept session rows end with it */
		if (rc == STORE_OK && read > 0) {
			app_cache_touch(c, DEP_USER, c->user->id);
			app_cache_written(c);
		}
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	more = n > PAGE_SIZE;
	if (more)
		n = PAGE_SIZE;
	if (c->json)
		conversation_json(c, &v, ms, n, more);
	else
		conversation_html(c, &v, ms, n, more, admin);
}

/* GET /messages/ID and /messages/ID.json: ?after=MESSAGE for the page of
 * later messages. */
void
page_conversation(struct ctx *c)
{
	show(c, false);
}

/* GET /api/v1/messages/ID: the same for its two members only. */
void
page_api_conversation(struct ctx *c)
{
	show(c, true);
}

/* ---- the list and the form that starts a conversation ---------------- */

static void
messages_html(struct ctx *c, const struct conversation *vs, size_t n,
    bool more, const char *msg)
{
	struct html h;
	struct str to = http_query(c->r, "to");

	if (to.p == NULL)
		to = app_form_text(c, "to");
	page_begin(c, &h, "Messages");
	html_raw_literal(&h, "<div class=\"content\"><h1>Messages</h1>"
	    "<p><a href=\"/inbox\">inbox</a></p><ol class=\"posts\">");
	for (size_t i = 0; i < n; i++) {
		html_raw_literal(&h, "<li class=\"post\"><div><p><a");
		html_attr(&h, "href", str_c(arena_printf(c->a, "/messages/%lld",
		    (long long)vs[i].id)));
		html_raw_literal(&h, ">");
		html_text_c(&h, vs[i].subject);
		html_raw_literal(&h, "</a></p><p class=\"meta\">with ");
		app_user_link(c, &h, other_name(&vs[i], c->user->id));
		html_raw_literal(&h, " · ");
		html_time(&h, vs[i].updated, c->now);
		html_raw_literal(&h, "</p></div></li>");
	}
	html_raw_literal(&h, "</ol>");
	if (n == 0)
		html_raw_literal(&h, "<p>No conversations.</p>");
	next_link(c, &h, "/messages", more, n > 0 ? vs[n - 1].last_message : 0,
	    "older conversations");
	html_raw_literal(&h, "<h2>New message</h2>");
	if (msg != NULL) {
		html_raw_literal(&h, "<p class=\"error\">");
		html_text_c(&h, msg);
		html_raw_literal(&h, "</p>");
	}
	html_raw_literal(&h, "<form class=\"edit\" method=\"post\" "
	    "action=\"/messages\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"to\">to (user name)</label>"
	    "<input type=\"text\" id=\"to\" name=\"to\" required "
	    "maxlength=\"" APP_STR(NAME_MAX) "\"");
	html_attr(&h, "value", to.p ? to : STR_LIT(""));
	html_raw_literal(&h, "><label for=\"subject\">subject</label>"
	    "<input type=\"text\" id=\"subject\" name=\"subject\" required "
	    "maxlength=\"" APP_STR(MESSAGE_SUBJECT_MAX) "\">"
	    "<label for=\"body\">message (markdown)</label>"
	    "<textarea id=\"body\" name=\"body\" required maxlength=\""
	    APP_STR_K(MESSAGE_BODY_MAX_K) "\"></textarea>"
	    "<p><button>send</button></p></form></div>");
	page_end(c, &h);
}

/* Reads the page of the viewer's conversations after the cursor into
 * *vs, *n; *more says whether a page follows. */
static int
conversations(struct ctx *c, int64_t after, struct conversation **vs,
    size_t *n, bool *more)
{
	int rc = store_conversations(c->s, c->a, c->user->id, after,
	    PAGE_SIZE + 1, vs, n);

	*more = rc == STORE_OK && *n > PAGE_SIZE;
	if (*more)
		*n = PAGE_SIZE;
	return rc;
}

static void
messages_again(struct ctx *c, const char *msg)
{
	struct conversation *vs = NULL;
	size_t n = 0;
	bool more;

	if (conversations(c, 0, &vs, &n, &more) != STORE_OK)
		n = 0;
	messages_html(c, vs, n, more, msg);
}

/* GET /messages and /messages.json (and GET /api/v1/messages): ?to=NAME
 * fills the form; ?after=CURSOR for the older ones. */
void
page_messages(struct ctx *c)
{
	struct conversation *vs;
	struct json j;
	int64_t after;
	bool more;
	size_t n;
	int rc;

	if (authz(c, AZ_SETTINGS, NULL) != 0 || cursor_arg(c, &after) != 0)
		return;
	rc = conversations(c, after, &vs, &n, &more);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (!c->json) {
		messages_html(c, vs, n, more, NULL);
		return;
	}
	app_json_list_begin(c, &j, "conversations");
	for (size_t i = 0; i < n; i++) {
		json_obj_open(&j);
		json_kv_int(&j, "id", vs[i].id);
		json_kv_str_c(&j, "subject", vs[i].subject);
		json_kv_str_c(&j, "with", other_name(&vs[i], c->user->id));
		json_kv_time(&j, "updated", vs[i].updated);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	app_json_after(c, &j, more, more ? vs[n - 1].last_message : 0);
	json_obj_close(&j);
}

/* ---- sending ----------------------------------------------------------- */

/*
 * Sends body from the viewer to to_id: into conversation conv (0: a new
 * one under subject), after the checks every message passes: authz
 * (site bans, the hourly limit), the recipient's block, the text. Tells
 * the recipient's inbox and answers (the conversation, or JSON).
 */
static void
send_message(struct ctx *c, int64_t conv, int64_t to_id, const char *subject)
{
	struct str body = app_form_text(c, "body");
	const char *html;
	bool blocked = false;
	int64_t msg = 0;
	int rc;

	if (authz(c, AZ_MESSAGE, NULL) != 0)
		return;
	rc = store_is_blocked(c->s, to_id, c->user->id, &blocked);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (blocked) {
		app_form_refused(c, 403, "blocked", "This user has blocked you: "
		    "you cannot message them.", messages_again);
		return;
	}
	if (body.len == 0 || !app_valid_text(body, MESSAGE_BODY_MAX)) {
		app_form_refused(c, 400, "bad_body", "A message is 1 to "
		    APP_THOUSANDS(MESSAGE_BODY_MAX_K) " characters.",
		    messages_again);
		return;
	}
	if ((html = app_render_md(c, body)) == NULL) {
		app_error(c, 400, "bad_markdown", "That text cannot be rendered.");
		return;
	}
	rc = store_message_send(c->s, conv, c->user->id, to_id, subject,
	    str_dup(c->a, body), html, c->now, &conv, &msg);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_inbox_add(c, to_id, INBOX_MESSAGE, str_dup(c->a, body),
	    arena_printf(c->a, "/messages/%lld", (long long)conv), 0, 0);
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_kv_int(&j, "id", conv);
		json_kv_int(&j, "message", msg);
		json_obj_close(&j);
		/* the API answers a write with 201 and where to read it */
		if (str_has_prefix(c->r->path, "/api/")) {
			c->r->status = 201;
			http_add_header(c->r, "Location", arena_printf(c->a,
			    "/api/v1/messages/%lld", (long long)conv));
		}
		return;
	}
	app_redirect(c, arena_printf(c->a, "/messages/%lld#m%lld",
	    (long long)conv, (long long)msg));
}

/* POST /messages: to, subject, body. */
void
page_messages_send(struct ctx *c)
{
	struct str to = app_form_text(c, "to");
	struct str subject = str_trim(app_form_text(c, "subject"));
	struct user u;
	int rc;

	if (to.len > 2 && to.p[0] == 'u' && to.p[1] == '/')
		to = (struct str){ to.p + 2, to.len - 2 };
	else if (to.len > 1 && to.p[0] == '@')
		to = (struct str){ to.p + 1, to.len - 1 };
	if (!app_valid_name(to, false)) {
		app_form_refused(c, 400, "bad_to", "Say whom to write to: a user "
		    "name.", messages_again);
		return;
	}
	if (subject.len == 0 || !app_valid_text(subject, MESSAGE_SUBJECT_MAX) ||
	    memchr(subject.p, '\n', subject.len) != NULL) {
		app_form_refused(c, 400, "bad_subject", "A subject is 1 to "
		    APP_STR(MESSAGE_SUBJECT_MAX) " characters on one line.",
		    messages_again);
		return;
	}
	rc = store_user_by_name(c->s, c->a, str_dup(c->a, to), &u, NULL);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && u.deleted)) {
		app_form_refused(c, 404, "no_user", "There is no such user.",
		    messages_again);
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (u.id == c->user->id) {
		app_form_refused(c, 400, "to_self", "You cannot message yourself.",
		    messages_again);
		return;
	}
	send_message(c, 0, u.id, str_dup(c->a, subject));
}

/* POST /messages/ID: body; the members only. */
void
page_conversation_reply(struct ctx *c)
{
	struct conversation v;
	int64_t floor;
	bool admin;

	if (route_load(c, true, &v, &floor, &admin) != 0)
		return;
	send_message(c, v.id, other_id(&v, c->user->id), NULL);
}

/* POST /messages/ID/delete: gone from the viewer's side only. */
void
page_conversation_delete(struct ctx *c)
{
	struct conversation v;
	int64_t floor;
	bool admin;
	int rc;

	if (route_load(c, true, &v, &floor, &admin) != 0)
		return;
	rc = store_conversation_clear(c->s, v.id, c->user->id);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_done(c, "/messages");
}

/* ---- reports ----------------------------------------------------------- */

/*
 * POST /report with kind=message: id (a message of a conversation the
 * viewer is in), reason. Returns false when the form is not about a
 * message, for page_report to handle.
 */
bool
app_message_report(struct ctx *c)
{
	struct str reason = app_form_text(c, "reason");
	struct conversation v;
	struct message m;
	int64_t id, floor;
	bool admin;
	int rc;

	if (!str_eq_lit(app_form_text(c, "kind"), "message"))
		return false;
	if (!str_to_i64(app_form_text(c, "id"), &id) || id <= 0 ||
	    store_message_get(c->s, c->a, id, &m) != STORE_OK) {
		app_error(c, 404, "not_found", "There is no such message.");
		return true;
	}
	if (load(c, m.conversation_id, true, &v, &floor, &admin) != 0)
		return true;
	if (authz(c, AZ_REPORT, NULL) != 0)
		return true;
	if (reason.len == 0 || !app_valid_text(reason, REASON_MAX)) {
		app_error(c, 400, "bad_reason", "Say why, in 1 to "
		    APP_STR(REASON_MAX) " characters.");
		return true;
	}
	rc = store_message_report(c->s, id, c->user->id, str_dup(c->a, reason),
	    c->now);
	if (rc == STORE_CONFLICT) {
		app_error(c, 409, "already_reported", "You have already reported "
		    "this; the site admins will look at it.");
		return true;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return true;
	}
	app_done(c, arena_printf(c->a, "/messages/%lld",
	    (long long)v.id));
	return true;
}

/* GET /report?kind=message&id=N: the form; false for other kinds. */
bool
app_message_report_form(struct ctx *c)
{
	struct html h;
	int64_t id;

	if (!str_eq_lit(http_query(c->r, "kind"), "message"))
		return false;
	if (!str_to_i64(http_query(c->r, "id"), &id) || id <= 0) {
		app_error(c, 400, "bad_item", "Say which message: kind and id.");
		return true;
	}
	page_begin(c, &h, "Report a message");
	html_raw_literal(&h, "<div class=\"content\"><h1>Report a message</h1>"
	    "<form class=\"edit\" method=\"post\" action=\"/report\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<input type=\"hidden\" name=\"kind\" "
	    "value=\"message\"><input type=\"hidden\" name=\"id\"");
	html_attr_i64(&h, "value", id);
	html_raw_literal(&h, "><label for=\"reason\">why should the site admins "
	    "look at this?</label><input type=\"text\" id=\"reason\" "
	    "name=\"reason\" required maxlength=\"" APP_STR(REASON_MAX) "\">"
	    "<p><button>report</button></p></form>"
	    "<p class=\"meta\">The site admins can then read the conversation.</p>"
	    "</div>");
	page_end(c, &h);
	return true;
}

/* GET /admin/messages: the open reports of messages, oldest first. */
void
page_message_reports(struct ctx *c)
{
	struct message_report *rs;
	struct html h;
	struct json j;
	size_t n;
	int rc;

	if (authz(c, AZ_ADMIN, NULL) != 0)
		return;
	rc = store_message_reports(c->s, c->a, REPORTS_SHOWN, &rs, &n);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json) {
		app_json_list_begin(c, &j, "reports");
		for (size_t i = 0; i < n; i++) {
			json_obj_open(&j);
			json_kv_int(&j, "id", rs[i].id);
			json_kv_str_c(&j, "kind", "message");
			json_kv_int(&j, "message", rs[i].message_id);
			json_kv_int(&j, "conversation", rs[i].conversation_id);
			json_kv_str_c(&j, "reason", rs[i].reason);
			json_kv_time(&j, "created", rs[i].created);
			json_obj_close(&j);
		}
		json_arr_close(&j);
		json_obj_close(&j);
		return;
	}
	page_begin(c, &h, "Reported messages");
	html_raw_literal(&h, "<div class=\"content\"><h1>Reported messages</h1>"
	    "<ol class=\"posts\">");
	for (size_t i = 0; i < n; i++) {
		html_raw_literal(&h, "<li class=\"post\"><div><p class=\"meta\">"
		    "reported ");
		html_time(&h, rs[i].created, c->now);
		html_raw_literal(&h, "</p><p>");
		html_text_c(&h, rs[i].reason);
		html_raw_literal(&h, " <a");
		html_attr(&h, "href", str_c(arena_printf(c->a,
		    "/messages/%lld#m%lld", (long long)rs[i].conversation_id,
		    (long long)rs[i].message_id)));
		html_raw_literal(&h, ">read</a></p></div></li>");
	}
	html_raw_literal(&h, "</ol>");
	if (n == 0)
		html_raw_literal(&h, "<p>No open reports.</p>");
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/* POST /messages/ID/resolve: a site admin closes its reports. */
void
page_conversation_resolve(struct ctx *c)
{
	int64_t id;
	int rc;

	if (authz(c, AZ_ADMIN, NULL) != 0)
		return;
	if (!app_param_id(c, 0, &id)) {
		not_found(c);
		return;
	}
	rc = store_conversation_reports_resolve(c->s, id);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_done(c, "/admin/messages");
}
