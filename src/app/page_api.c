/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_api.c: the /api/v1 writes: JSON bodies in, JSON objects out.
 *
 * Each handler reads its body against a table of the fields it takes
 * (app_jbody.c) and then calls the very function the form handler
 * calls (app_post_submit, app_comment_create, app_vote_cast, ...), so
 * the checks, authz() and rate limits are one code path. Reports and
 * moderator actions take the fields of their forms: the body's members
 * become the request's form fields and the form's handler runs.
 * app_handle has already signed the request in by its bearer token and
 * checked the token's scope (ROUTE_API, ROUTE_MODERATE).
 */
#include "app_int.h"

#include <string.h>

/* Reads the body against fields; answers 400 and returns -1 when it does
 * not fit. */
static int
read_body(struct ctx *c, const struct jfield *f, size_t nf, struct jval *out)
{
	const char *bad = NULL;
	const char *msg;

	switch (app_jbody_parse(c->a, c->r->body, f, nf, out, &bad)) {
	case JBODY_OK:
		return 0;
	case JBODY_MALFORMED:
		msg = arena_printf(c->a, "The body is not JSON: %s.", bad);
		break;
	case JBODY_TOO_LARGE:
		msg = "The body is over " APP_STR(JBODY_MAX) " bytes.";
		break;
	case JBODY_TOO_DEEP:
		msg = "The body nests deeper than " APP_STR(JBODY_DEPTH) ".";
		break;
	case JBODY_NOT_OBJECT:
		msg = "The body is one JSON object.";
		break;
	case JBODY_TOO_MANY:
		msg = "The body has over " APP_STR(JBODY_FIELDS) " fields.";
		break;
	case JBODY_UNKNOWN:
		msg = arena_printf(c->a, "Unknown field \"%s\".", bad);
		break;
	case JBODY_TYPE:
		msg = arena_printf(c->a, "Field \"%s\" has the wrong type or "
		    "holds control characters.", bad);
		break;
	case JBODY_MISSING:
		msg = arena_printf(c->a, "Field \"%s\" is required.", bad);
		break;
	default:
		msg = "The body cannot be read.";
	}
	app_error(c, 400, "bad_body", msg);
	return -1;
}

#define BODY(c, fields, out) read_body((c), (fields), ARRAY_LEN(fields), (out))

/* A field's text, or STR_NULL when absent or null. */
static struct str
text_of(const struct jval *v)
{
	return v->present && !v->null ? v->s : STR_NULL;
}

static void
created(struct ctx *c, const char *location)
{
	c->r->status = 201;
	http_add_header(c->r, "Location", location);
}

static void
answer_post(struct ctx *c, const struct post *p)
{
	struct json j;

	app_json_begin(c, &j);
	app_json_post(c, &j, p);
}

static void
answer_comment(struct ctx *c, const struct comment *cm)
{
	struct json j;

	app_json_begin(c, &j);
	app_json_comment(c, &j, cm);
}

/* Loads post id for the viewer, or brief (store_post_brief) for a
 * write on it: 404 when there is none. Returns 0, or -1 after
 * answering. */
static int
load_post(struct ctx *c, int64_t id, bool brief, struct post *p)
{
	int rc = brief ? store_post_brief(c->s, c->a, id, p) :
	    store_post_get(c->s, c->a, id, c->user->id, p);

	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "There is no such post.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return 0;
}

static int
param_id(struct ctx *c, int64_t *id)
{
	if (!app_param_id(c, 0, id)) {
		app_error(c, 404, "not_found", "There is nothing here.");
		return -1;
	}
	return 0;
}

/* ---- posts ------------------------------------------------------------- */

static const struct jfield post_fields[] = {
	{ "community", JT_STR, true, false, .doc = "its name" },
	{ "title", JT_STR, true, false, .min = 1, .max = TITLE_MAX },
	{ "url", JT_STR, false, true,
	  .doc = "http or https; a post is a link or a text" },
	{ "body", JT_STR, false, true, .max = POST_BODY_MAX },
	{ "flair", JT_STR, false, true, .max = FLAIR_MAX,
	  .doc = "one of the community's flairs; absent, null or empty: none" },
	{ "nsfw", JT_BOOL, false, false, .doc = "not safe for work" },
	{ "spoiler", JT_BOOL, false, false, .doc = "hides the body" },
	{ "poll", JT_STR, false, true, .doc = "a text post's poll: 2 to 10 "
	  "options, one a line, each at most " APP_STR(POLL_OPTION_MAX)
	  " characters" },
	{ "closes", JT_STR, false, true, .max = DURATION_MAX,
	  .doc = "when the poll closes, as a duration such as 12h or 7d; "
	  "absent, null or empty: never" },
	{ "image", JT_STR, false, true,
	  .doc = "an image post's picture: an upload's /i/HASH.EXT" },
};

/* POST /api/v1/posts: {"community", "title", "url" or "body"; "flair",
 * "nsfw", "spoiler", "poll" (its options, one a line), "closes" (the
 * poll's duration), "image" (an upload's /i/HASH.EXT)} */
void
page_api_post_create(struct ctx *c)
{
	struct jval v[ARRAY_LEN(post_fields)];
	struct post_form f;
	struct post p;

	if (BODY(c, post_fields, v) != 0)
		return;
	f = (struct post_form){ .community = v[0].s, .title = v[1].s,
	    .url = text_of(&v[2]), .body = text_of(&v[3]),
	    .flair = text_of(&v[4]), .nsfw = v[5].present && v[5].b,
	    .spoiler = v[6].present && v[6].b, .poll = text_of(&v[7]),
	    .closes = text_of(&v[8]), .image = text_of(&v[9]) };
	if (app_post_submit(c, &f, &p) != 0)
		return;
	answer_post(c, &p);
	created(c, app_post_href(c, &p));
}

static const struct jfield post_edit_fields[] = {
	{ "title", JT_STR, false, false, .min = 1, .max = TITLE_MAX },
	{ "body", JT_STR, false, true, .max = POST_BODY_MAX,
	  .doc = "absent: unchanged" },
};

/* PATCH /api/v1/posts/ID: {"title", "body"}, each optional. */
void
page_api_post_edit(struct ctx *c)
{
	struct jval v[ARRAY_LEN(post_edit_fields)];
	struct str body;
	struct post p;
	int64_t id;

	if (param_id(c, &id) != 0 || BODY(c, post_edit_fields, v) != 0 ||
	    load_post(c, id, false, &p) != 0 || app_post_own(c, &p, false) != 0)
		return;
	/* The form sends the whole text; an absent body keeps it here. */
	body = v[1].present ? text_of(&v[1]) : p.url == NULL ?
	    str_c(p.body ? p.body : "") : STR_NULL;
	/* The flair and marks stay as they are. */
	if (app_post_edit(c, &p, text_of(&v[0]), body, STR_NULL, p.nsfw,
	    p.spoiler) == 0)
		answer_post(c, &p);
}

/* DELETE /api/v1/posts/ID: the author's; the post stays as [deleted]. */
void
page_api_post_delete(struct ctx *c)
{
	struct jval v[1];    /* no field: the body is {} or empty */
	struct post p;
	int64_t id;

	if (param_id(c, &id) != 0 || read_body(c, NULL, 0, v) != 0 ||
	    load_post(c, id, false, &p) != 0 || app_post_own(c, &p, true) != 0 ||
	    app_post_delete(c, &p) != 0)
		return;
	app_json_ok(c);
}

/* ---- comments ---------------------------------------------------------- */

static const struct jfield comment_fields[] = {
	{ "post", JT_INT, true, false, .min = 1 },
	{ "parent", JT_INT, false, true, .min = 1 },
	{ "body", JT_STR, true, false, .min = 1, .max = COMMENT_BODY_MAX },
};

/* POST /api/v1/comments: {"post", "parent" or null, "body"} */
void
page_api_comment_create(struct ctx *c)
{
	struct jval v[ARRAY_LEN(comment_fields)];
	struct comment parent, cm;
	bool reply;
	struct post p;

	if (BODY(c, comment_fields, v) != 0)
		return;
	reply = v[1].present && !v[1].null;
	if (v[0].i <= 0 || (reply && v[1].i <= 0)) {
		app_error(c, 400, "bad_id", "post and parent are ids: numbers "
		    "above 0.");
		return;
	}
	if (load_post(c, v[0].i, true, &p) != 0 ||
	    (reply && app_comment_parent(c, p.id, v[1].i, &parent) != 0) ||
	    app_comment_create(c, &p, reply ? &parent : NULL, v[2].s, &cm) != 0)
		return;
	answer_comment(c, &cm);
	created(c, arena_printf(c->a, "%s/c/%lld", app_post_href(c, &p),
	    (long long)cm.id));
}

/* Loads comment id and its post for its author. Returns 0, or -1 after
 * answering. */
static int
own_comment(struct ctx *c, int64_t id, struct post *p, struct comment *cm,
    bool closed_ok)
{
	int rc = store_comment_get(c->s, c->a, id, c->user->id, cm);

	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "There is no such comment.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (load_post(c, cm->post_id, false, p) != 0)
		return -1;
	return app_comment_own(c, p, cm, closed_ok);
}

static const struct jfield comment_edit_fields[] = {
	{ "body", JT_STR, true, false, .min = 1, .max = COMMENT_BODY_MAX },
};

/* PATCH /api/v1/comments/ID: {"body"} */
void
page_api_comment_edit(struct ctx *c)
{
	struct jval v[ARRAY_LEN(comment_edit_fields)];
	struct comment cm;
	struct post p;
	int64_t id;

	if (param_id(c, &id) != 0 || BODY(c, comment_edit_fields, v) != 0 ||
	    own_comment(c, id, &p, &cm, false) != 0 ||
	    app_comment_edit(c, &p, &cm, v[0].s) != 0)
		return;
	answer_comment(c, &cm);
}

/* DELETE /api/v1/comments/ID */
void
page_api_comment_delete(struct ctx *c)
{
	struct jval v[1];
	struct comment cm;
	struct post p;
	int64_t id;

	if (param_id(c, &id) != 0 || read_body(c, NULL, 0, v) != 0 ||
	    own_comment(c, id, &p, &cm, true) != 0 ||
	    app_comment_delete(c, &cm) != 0)
		return;
	app_json_ok(c);
}

/* ---- votes ------------------------------------------------------------- */

static const struct jfield vote_fields[] = {
	{ "kind", JT_STR, true, false, .oneof = "post comment" },
	{ "id", JT_INT, true, false, .min = 1 },
	{ "dir", JT_INT, true, false, .oneof = "1 0 -1" },
};

/* POST /api/v1/votes: {"kind", "id", "dir"} -> {"score", "dir"} */
void
page_api_vote(struct ctx *c)
{
	struct jval v[ARRAY_LEN(vote_fields)];
	struct json j;
	int64_t score;

	if (BODY(c, vote_fields, v) != 0 ||
	    app_vote_cast(c, v[0].s, v[1].i, v[2].i, &score, NULL) != 0)
		return;
	app_json_begin(c, &j);
	json_obj_open(&j);
	json_kv_int(&j, "score", score);
	json_kv_int(&j, "dir", v[2].i);
	json_obj_close(&j);
}

/* ---- the forms' fields: reports, moderator actions, saving, messages -- */

/*
 * Makes the body's members the request's form fields (numbers written
 * as text), so that the form's own handler reads them. Returns 0, or -1
 * after answering.
 */
static int
as_form(struct ctx *c, const struct jfield *f, size_t nf)
{
	struct jval *v = arena_alloc(c->a, nf * sizeof(*v));
	struct http_kv *kv = arena_alloc(c->a, nf * sizeof(*kv));
	size_t n = 0;

	if (read_body(c, f, nf, v) != 0)
		return -1;
	for (size_t i = 0; i < nf; i++) {
		if (!v[i].present || v[i].null)
			continue;
		kv[n].key = str_c(f[i].name);
		kv[n].val = f[i].type == JT_INT ? str_c(arena_printf(c->a, "%lld",
		    (long long)v[i].i)) : v[i].s;
		n++;
	}
	c->r->form = kv;
	c->r->nform = n;
	return 0;
}

static const struct jfield report_fields[] = {
	{ "kind", JT_STR, true, false, .oneof = "post comment message" },
	{ "id", JT_INT, true, false, .min = 1 },
	{ "reason", JT_STR, true, false, .min = 1, .max = REASON_MAX },
};

/* POST /api/v1/reports: {"kind" (post, comment, message), "id",
 * "reason"} */
void
page_api_report(struct ctx *c)
{
	if (as_form(c, report_fields, ARRAY_LEN(report_fields)) == 0)
		page_report(c);
}

static const struct jfield mod_fields[] = {
	{ "action", JT_STR, true, false, .oneof = "remove restore approve "
	  "dismiss lock unlock sticky unsticky ban unban appoint unappoint" },
	{ "kind", JT_STR, false, true, .oneof = "post comment" },
	{ "id", JT_INT, false, true, .doc = "the post or comment" },
	{ "user", JT_STR, false, true, .doc = "whom to ban or appoint" },
	{ "community", JT_STR, false, true,
	  .doc = "where, for bans and appointments" },
	{ "reason", JT_STR, false, true, .max = REASON_MAX },
	{ "duration", JT_STR, false, true,
	  .doc = "for bans, e.g. 30d; empty or absent: permanent" },
};

/* POST /api/v1/mod: the fields of POST /mod; needs the moderate scope. */
void
page_api_mod(struct ctx *c)
{
	if (as_form(c, mod_fields, ARRAY_LEN(mod_fields)) == 0)
		page_mod(c);
}

static const struct jfield save_fields[] = {
	{ "action", JT_STR, true, false, .oneof = "save unsave hide unhide" },
	{ "kind", JT_STR, false, true, .oneof = "post comment",
	  .doc = "what to save; hiding takes a post (absent or post)" },
	{ "id", JT_INT, true, false, .min = 1 },
};

/* POST /api/v1/save: {"action" (save, unsave, hide, unhide), "kind"
 * (post, comment; hiding takes a post), "id"} */
void
page_api_save(struct ctx *c)
{
	struct str action, kind;

	if (as_form(c, save_fields, ARRAY_LEN(save_fields)) != 0)
		return;
	action = http_form(c->r, "action");
	kind = http_form(c->r, "kind");
	if (str_eq_lit(action, "save") || str_eq_lit(action, "unsave")) {
		app_save_item(c, str_eq_lit(action, "save"));
		return;
	}
	if (!str_eq_lit(action, "hide") && !str_eq_lit(action, "unhide")) {
		app_error(c, 400, "bad_action", "action is save, unsave, hide "
		    "or unhide.");
		return;
	}
	if (kind.p != NULL && !str_eq_lit(kind, "post")) {
		app_error(c, 400, "bad_kind", "Only a post can be hidden.");
		return;
	}
	app_hide_item(c, str_eq_lit(action, "hide"));
}

static const struct jfield message_fields[] = {
	{ "to", JT_STR, true, false, .min = 1, .max = NAME_MAX,
	  .doc = "a user name" },
	{ "subject", JT_STR, true, false, .min = 1, .max = MESSAGE_SUBJECT_MAX },
	{ "body", JT_STR, true, false, .min = 1, .max = MESSAGE_BODY_MAX },
};

/* POST /api/v1/messages: {"to", "subject", "body"} -> 201 {"id" (the
 * conversation), "message"} */
void
page_api_message_send(struct ctx *c)
{
	if (as_form(c, message_fields, ARRAY_LEN(message_fields)) == 0)
		page_messages_send(c);
}

static const struct jfield reply_fields[] = {
	{ "body", JT_STR, true, false, .min = 1, .max = MESSAGE_BODY_MAX },
};

/* POST /api/v1/messages/ID: {"body"}, a reply by one of its members. */
void
page_api_message_reply(struct ctx *c)
{
	if (as_form(c, reply_fields, ARRAY_LEN(reply_fields)) == 0)
		page_conversation_reply(c);
}

/* DELETE /api/v1/messages/ID: gone from the viewer's side only. */
void
page_api_message_delete(struct ctx *c)
{
	struct jval v[1];

	if (read_body(c, NULL, 0, v) == 0)
		page_conversation_delete(c);
}

/* ---- the bodies, for the OpenAPI document ----------------------------- */

#define API_BODY(name, fields) { name, fields, ARRAY_LEN(fields) }

const struct api_body api_bodies[] = {
	API_BODY("PostCreate", post_fields),
	API_BODY("PostEdit", post_edit_fields),
	API_BODY("CommentCreate", comment_fields),
	API_BODY("CommentEdit", comment_edit_fields),
	API_BODY("Vote", vote_fields),
	API_BODY("Report", report_fields),
	API_BODY("ModAction", mod_fields),
	API_BODY("Save", save_fields),
	API_BODY("MessageSend", message_fields),
	API_BODY("MessageReply", reply_fields),
};
const size_t api_nbodies = ARRAY_LEN(api_bodies);
