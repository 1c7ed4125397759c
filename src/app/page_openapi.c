/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_openapi.c: GET /api/v1/openapi.json, the OpenAPI 3.1 document of
 * every /api/v1 route, its body and its answers.
 *
 * The document is written from tables, so a shape is said once: the
 * operations below (one row per route of app_routes.c under /api/v1),
 * the request bodies from the very field tables the handlers read them
 * with (api_bodies, page_api.c), and the answers' shapes from the
 * property tables here. tests/e2e/test_api.py checks that every /api/v1
 * route is in it and that each documented route answers as it says.
 */
#include "app_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- answers' shapes -------------------------------------------------- */

enum prop_type {
	P_INT, P_STR, P_BOOL, P_TIME,
	P_ENUM,         /* arg: the values, space-separated */
	P_INT_ENUM,     /* the same, numbers */
	P_LIST,         /* arg: the items' schema */
	P_ENUMS,        /* a list of values; arg as for P_ENUM */
	P_STRS,         /* a list of strings */
	P_TRUE,         /* the constant true */
	P_NULL = 0x100, /* or'ed in: null is a value too */
};

/* One property of an answer's object (or of a body, from its field). */
struct prop {
	const char *name;
	unsigned type;          /* enum prop_type, maybe | P_NULL */
	bool required;
	const char *arg;
	const char *doc;        /* NULL: no description */
	int64_t min, max;       /* P_STR's length, P_INT's least value
	                           (0: not said) */
};

struct shape {
	const char *name;
	const struct prop *p;
	size_t np;
};

static const struct prop error_props[] = {
	{ "error", P_STR, true, NULL, NULL, 0, 0 },
	{ "message", P_STR, true, NULL, NULL, 0, 0 },
};

static const struct prop ok_props[] = {
	{ "ok", P_TRUE, true, NULL, NULL, 0, 0 },
};

static const struct prop me_props[] = {
	{ "id", P_INT, true, NULL, NULL, 0, 0 },
	{ "name", P_STR, true, NULL, NULL, 0, 0 },
	{ "role", P_ENUM, false, "user admin", NULL, 0, 0 },
	{ "created", P_TIME, false, NULL, NULL, 0, 0 },
	{ "points", P_INT, false, NULL, NULL, 0, 0 },
	{ "scopes", P_ENUMS, true, "read write moderate", NULL, 0, 0 },
	{ "unread", P_INT, true, NULL, NULL, 0, 0 },
	{ "token", P_INT | P_NULL, false, NULL,
	  "the token's id; null for a cookie session", 0, 0 },
};

/* What posts and comments both hold. */
#define ITEM_PROPS \
	{ "author", P_STR, true, NULL, NULL, 0, 0 }, \
	{ "body", P_STR | P_NULL, true, NULL, "markdown source", 0, 0 }, \
	{ "html", P_STR | P_NULL, false, NULL, NULL, 0, 0 }, \
	{ "score", P_INT, true, NULL, NULL, 0, 0 }, \
	{ "created", P_TIME, true, NULL, NULL, 0, 0 }, \
	{ "edited", P_TIME | P_NULL, true, NULL, NULL, 0, 0 }, \
	{ "removed", P_BOOL, true, NULL, NULL, 0, 0 }, \
	{ "deleted", P_BOOL, true, NULL, NULL, 0, 0 }, \
	{ "held", P_BOOL, false, NULL, NULL, 0, 0 }, \
	{ "my_vote", P_INT, false, NULL, NULL, 0, 0 }

static const struct prop post_props[] = {
	{ "id", P_INT, true, NULL, NULL, 0, 0 },
	{ "community", P_STR, true, NULL, NULL, 0, 0 },
	{ "title", P_STR, true, NULL, NULL, 0, 0 },
	{ "url", P_STR | P_NULL, true, NULL, NULL, 0, 0 },
	{ "comment_count", P_INT, true, NULL, NULL, 0, 0 },
	{ "archived", P_BOOL, true, NULL, NULL, 0, 0 },
	{ "locked", P_BOOL, true, NULL, NULL, 0, 0 },
	{ "stickied", P_BOOL, false, NULL, NULL, 0, 0 },
	{ "nsfw", P_BOOL, false, NULL, NULL, 0, 0 },
	{ "saved", P_BOOL, false, NULL,
	  "the viewer saved it (false signed out)", 0, 0 },
	{ "hidden", P_BOOL, false, NULL,
	  "the viewer hid it (false signed out)", 0, 0 },
	ITEM_PROPS,
};

static const struct prop comment_props[] = {
	{ "id", P_INT, true, NULL, NULL, 0, 0 },
	{ "parent", P_INT | P_NULL, true, NULL, NULL, 0, 0 },
	{ "post", P_INT, false, NULL, NULL, 0, 0 },
	{ "depth", P_INT, true, NULL, NULL, 0, 0 },
	ITEM_PROPS,
};

static const struct prop vote_result_props[] = {
	{ "score", P_INT, true, NULL, NULL, 0, 0 },
	{ "dir", P_INT, true, NULL, NULL, 0, 0 },
};

static const struct prop saved_props[] = {
	{ "id", P_INT, true, NULL, NULL, 0, 0 },
	{ "kind", P_ENUM, false, "post comment", "with save and unsave", 0, 0 },
	{ "saved", P_BOOL, false, NULL, "with save and unsave", 0, 0 },
	{ "hidden", P_BOOL, false, NULL, "with hide and unhide", 0, 0 },
};

/* A page's cursor. */
#define AFTER_PROP \
	{ "after", P_STR | P_NULL, true, NULL, \
	  "the cursor of the next page (?after=), null on the last", 0, 0 }

static const struct prop conversations_props[] = {
	{ "conversations", P_LIST, true, "ConversationItem",
	  "the latest message first", 0, 0 },
	AFTER_PROP,
};

static const struct prop conversation_item_props[] = {
	{ "id", P_INT, true, NULL, NULL, 0, 0 },
	{ "subject", P_STR, true, NULL, NULL, 0, 0 },
	{ "with", P_STR, true, NULL, "the other member", 0, 0 },
	{ "updated", P_TIME, true, NULL, NULL, 0, 0 },
};

static const struct prop conversation_props[] = {
	{ "id", P_INT, true, NULL, NULL, 0, 0 },
	{ "subject", P_STR, true, NULL, NULL, 0, 0 },
	{ "members", P_STRS, true, NULL, "the two members' names", 0, 0 },
	{ "messages", P_LIST, true, "Message", "oldest first", 0, 0 },
	AFTER_PROP,
};

static const struct prop message_props[] = {
	{ "id", P_INT, true, NULL, NULL, 0, 0 },
	{ "from", P_STR, true, NULL, NULL, 0, 0 },
	{ "body", P_STR, true, NULL, "markdown source", 0, 0 },
	{ "created", P_TIME, true, NULL, NULL, 0, 0 },
};

static const struct prop message_sent_props[] = {
	{ "id", P_INT, true, NULL, "the conversation", 0, 0 },
	{ "message", P_INT, true, NULL, "the new message", 0, 0 },
};

#define SHAPE(name, props) { name, props, ARRAY_LEN(props) }

static const struct shape shapes[] = {
	SHAPE("Error", error_props),
	SHAPE("Ok", ok_props),
	SHAPE("Me", me_props),
	SHAPE("Post", post_props),
	SHAPE("Comment", comment_props),
	SHAPE("VoteResult", vote_result_props),
	SHAPE("Saved", saved_props),
	SHAPE("Conversations", conversations_props),
	SHAPE("ConversationItem", conversation_item_props),
	SHAPE("Conversation", conversation_props),
	SHAPE("Message", message_props),
	SHAPE("MessageSent", message_sent_props),
};

/* ---- operations ------------------------------------------------------- */

enum {
	OP_ID = 1,              /* the path holds {id} */
	OP_LOCATION = 2,        /* the answer says where the new item is */
	OP_OPEN = 4,            /* no token needed, no refusals */
	OP_CURSOR = 8,          /* ?after= pages it */
};

/* One operation: a route of app_routes.c under /api/v1. Operations of
 * one path follow each other. */
struct op {
	const char *method;     /* as OpenAPI spells it */
	const char *path;
	const char *id;         /* operationId */
	const char *summary;
	const char *body;       /* the request body's schema, or NULL */
	int status;             /* the answer's status when it works */
	const char *answer;     /* what it answers */
	const char *schema;     /* its schema, or NULL for any object */
	const char *errors;     /* statuses of refusals, space-separated */
	unsigned flags;
};

#define WRITE_ERRORS "400 401 403 404 409 429"
#define READ_ERRORS "400 401 403 404"

static const struct op ops[] = {
	{ "get", "/api/v1/me", "me", "The token's user, scopes and unread count",
	  NULL, 200, "the signed-in member", "Me", "401 403", 0 },
	{ "get", "/api/v1/openapi.json", "openapi", "This document", NULL, 200,
	  "OpenAPI 3.1", NULL, "", OP_OPEN },
	{ "post", "/api/v1/posts", "createPost", "Submit a post (write scope)",
	  "PostCreate", 201, "the new post", "Post", WRITE_ERRORS,
	  OP_LOCATION },
	{ "patch", "/api/v1/posts/{id}", "editPost",
	  "Edit one's post (write scope)", "PostEdit", 200,
	  "the post as edited", "Post", WRITE_ERRORS, OP_ID },
	{ "delete", "/api/v1/posts/{id}", "deletePost",
	  "Delete one's post; it stays as [deleted] (write scope)", NULL, 200,
	  "deleted", "Ok", WRITE_ERRORS, OP_ID },
	{ "post", "/api/v1/comments", "createComment",
	  "Comment on a post or reply to a comment (write scope)",
	  "CommentCreate", 201, "the new comment", "Comment", WRITE_ERRORS,
	  OP_LOCATION },
	{ "patch", "/api/v1/comments/{id}", "editComment",
	  "Edit one's comment (write scope)", "CommentEdit", 200,
	  "the comment as edited", "Comment", WRITE_ERRORS, OP_ID },
	{ "delete", "/api/v1/comments/{id}", "deleteComment",
	  "Delete one's comment; it stays as [deleted] (write scope)", NULL,
	  200, "done", "Ok", WRITE_ERRORS, OP_ID },
	{ "post", "/api/v1/votes", "vote",
	  "Vote on a post or comment; dir 0 withdraws (write scope)", "Vote",
	  200, "the item's new score", "VoteResult", WRITE_ERRORS, 0 },
	{ "post", "/api/v1/reports", "report",
	  "Report a post, comment or private message (write scope)", "Report",
	  200, "reported", "Ok", WRITE_ERRORS, 0 },
	{ "post", "/api/v1/mod", "mod",
	  "A moderator action, as the fields of POST /mod (moderate scope)",
	  "ModAction", 200, "done", "Ok", WRITE_ERRORS, 0 },
	{ "post", "/api/v1/save", "save",
	  "Save or unsave a post or comment, hide or unhide a post (write "
	  "scope)", "Save", 200, "the item's new state", "Saved", WRITE_ERRORS,
	  0 },
	{ "get", "/api/v1/messages", "conversations",
	  "One's conversations, a page at a time (read scope)", NULL, 200,
	  "a page of conversations", "Conversations", READ_ERRORS, OP_CURSOR },
	{ "post", "/api/v1/messages", "sendMessage",
	  "Start a conversation with a private message (write scope)",
	  "MessageSend", 201, "the conversation and the message",
	  "MessageSent", WRITE_ERRORS, OP_LOCATION },
	{ "get", "/api/v1/messages/{id}", "conversation",
	  "A conversation of one's own, a page of messages at a time (read "
	  "scope)", NULL, 200, "a page of the conversation", "Conversation",
	  READ_ERRORS, OP_ID | OP_CURSOR },
	{ "post", "/api/v1/messages/{id}", "replyMessage",
	  "Reply in a conversation of one's own (write scope)", "MessageReply",
	  201, "the conversation and the message", "MessageSent", WRITE_ERRORS,
	  OP_ID | OP_LOCATION },
	{ "delete", "/api/v1/messages/{id}", "deleteConversation",
	  "Delete a conversation for oneself; the other member keeps it "
	  "(write scope)", NULL, 200, "done", "Ok", WRITE_ERRORS, OP_ID },
};

/* ---- writing ---------------------------------------------------------- */

/* {"$ref": where name} */
static void
ref(struct json *j, const char *where, const char *name)
{
	char s[96];

	snprintf(s, sizeof(s), "%s%s", where, name);
	json_obj_open(j);
	json_kv_str_c(j, "$ref", s);
	json_obj_close(j);
}

/* Writes the space-separated words of list as strings, or as numbers
 * with numbers, into an open array. */
static void
words(struct json *j, const char *list, bool numbers)
{
	const char *p = list;

	while (*p != '\0') {
		size_t n = strcspn(p, " ");
		char w[32];

		if (n >= sizeof(w))
			n = sizeof(w) - 1;
		memcpy(w, p, n);
		w[n] = '\0';
		if (numbers)
			json_int(j, strtoll(w, NULL, 10));
		else
			json_str_c(j, w);
		p += n;
		while (*p == ' ')
			p++;
	}
}

/* "enum": [the words of list, and null when nullable] */
static void
enum_of(struct json *j, const char *list, bool numbers, bool nullable)
{
	json_key(j, "enum");
	json_arr_open(j);
	words(j, list, numbers);
	if (nullable)
		json_null(j);
	json_arr_close(j);
}

/* "type": name, or [name, "null"] */
static void
type_of(struct json *j, const char *name, bool nullable)
{
	json_key(j, "type");
	if (!nullable) {
		json_str_c(j, name);
		return;
	}
	json_arr_open(j);
	json_str_c(j, name);
	json_str_c(j, "null");
	json_arr_close(j);
}

static void
doc_of(struct json *j, const char *doc)
{
	if (doc != NULL)
		json_kv_str_c(j, "description", doc);
}

static void
prop_schema(struct json *j, const struct prop *p)
{
	bool null = p->type & P_NULL;

	json_obj_open(j);
	switch (p->type & ~P_NULL) {
	case P_INT:
		type_of(j, "integer", null);
		if (p->min > 0)
			json_kv_int(j, "minimum", p->min);
		break;
	case P_STR:
		type_of(j, "string", null);
		if (p->min > 0)
			json_kv_int(j, "minLength", p->min);
		if (p->max > 0)
			json_kv_int(j, "maxLength", p->max);
		break;
	case P_BOOL:
		type_of(j, "boolean", null);
		break;
	case P_TIME:
		type_of(j, "string", null);
		json_kv_str_c(j, "format", "date-time");
		break;
	case P_ENUM:
	case P_INT_ENUM:
		enum_of(j, p->arg, (p->type & ~P_NULL) == P_INT_ENUM, null);
		break;
	case P_LIST:
		type_of(j, "array", false);
		json_key(j, "items");
		ref(j, "#/components/schemas/", p->arg);
		break;
	case P_ENUMS:
		type_of(j, "array", false);
		json_key(j, "items");
		json_obj_open(j);
		enum_of(j, p->arg, false, false);
		json_obj_close(j);
		break;
	case P_STRS:
		type_of(j, "array", false);
		json_key(j, "items");
		json_obj_open(j);
		type_of(j, "string", false);
		json_obj_close(j);
		break;
	case P_TRUE:
		json_key(j, "const");
		json_bool(j, true);
		break;
	}
	doc_of(j, p->doc);
	json_obj_close(j);
}

/* name: an object of the n properties p; closed refuses others. */
static void
object_schema(struct json *j, const char *name, const struct prop *p,
    size_t n, bool closed)
{
	json_key(j, name);
	json_obj_open(j);
	json_kv_str_c(j, "type", "object");
	if (closed)
		json_kv_bool(j, "additionalProperties", false);
	json_key(j, "required");
	json_arr_open(j);
	for (size_t i = 0; i < n; i++)
		if (p[i].required)
			json_str_c(j, p[i].name);
	json_arr_close(j);
	json_key(j, "properties");
	json_obj_open(j);
	for (size_t i = 0; i < n; i++) {
		json_key(j, p[i].name);
		prop_schema(j, &p[i]);
	}
	json_obj_close(j);
	json_obj_close(j);
}

/* A request body's schema, from the fields its handler reads. */
static void
body_schema(struct json *j, const struct api_body *b)
{
	struct prop p[JBODY_FIELDS];
	size_t n = b->nf < JBODY_FIELDS ? b->nf : JBODY_FIELDS;

	for (size_t i = 0; i < n; i++) {
		const struct jfield *f = &b->f[i];
		unsigned t = f->type == JT_STR ? P_STR : f->type == JT_INT ?
		    P_INT : P_BOOL;

		if (f->oneof != NULL)
			t = f->type == JT_INT ? P_INT_ENUM : P_ENUM;
		p[i] = (struct prop){ .name = f->name, .required = f->required,
		    .type = t | (f->nullable ? P_NULL : 0), .arg = f->oneof,
		    .doc = f->doc, .min = f->min, .max = f->max };
	}
	object_schema(j, b->name, p, n, true);
}

/* "content": {"application/json": {"schema": the schema or any object}} */
static void
content(struct json *j, const char *schema)
{
	json_key(j, "content");
	json_obj_open(j);
	json_key(j, "application/json");
	json_obj_open(j);
	json_key(j, "schema");
	if (schema != NULL) {
		ref(j, "#/components/schemas/", schema);
	} else {
		json_obj_open(j);
		json_kv_str_c(j, "type", "object");
		json_obj_close(j);
	}
	json_obj_close(j);
	json_obj_close(j);
}

/* One query or path parameter: an integer id or a cursor. */
static void
param(struct json *j, const char *name, const char *in, bool id)
{
	json_obj_open(j);
	json_kv_str_c(j, "name", name);
	json_kv_str_c(j, "in", in);
	json_kv_bool(j, "required", id);
	json_key(j, "schema");
	json_obj_open(j);
	type_of(j, id ? "integer" : "string", false);
	if (id)
		json_kv_int(j, "minimum", 1);
	json_obj_close(j);
	if (!id)
		doc_of(j, "the \"after\" of the page before");
	json_obj_close(j);
}

static void
responses(struct json *j, const struct op *o)
{
	char code[4];
	const char *p = o->errors;

	json_key(j, "responses");
	json_obj_open(j);
	snprintf(code, sizeof(code), "%d", o->status);
	json_key(j, code);
	json_obj_open(j);
	json_kv_str_c(j, "description", o->answer);
	content(j, o->schema);
	if (o->flags & OP_LOCATION) {
		json_key(j, "headers");
		json_obj_open(j);
		json_key(j, "Location");
		json_obj_open(j);
		json_key(j, "schema");
		json_obj_open(j);
		type_of(j, "string", false);
		json_obj_close(j);
		doc_of(j, "the new item's page");
		json_obj_close(j);
		json_obj_close(j);
	}
	json_obj_close(j);
	while (*p != '\0') {
		memcpy(code, p, 3);
		code[3] = '\0';
		json_key(j, code);
		ref(j, "#/components/responses/", "Error");
		p += 3;
		while (*p == ' ')
			p++;
	}
	json_obj_close(j);
}

static void
operation(struct json *j, const struct op *o)
{
	json_key(j, o->method);
	json_obj_open(j);
	json_kv_str_c(j, "summary", o->summary);
	json_kv_str_c(j, "operationId", o->id);
	if (o->flags & OP_OPEN) {
		json_key(j, "security");
		json_arr_open(j);
		json_obj_open(j);
		json_obj_close(j);
		json_obj_open(j);
		json_key(j, "bearer");
		json_arr_open(j);
		json_arr_close(j);
		json_obj_close(j);
		json_arr_close(j);
	}
	if (o->flags & (OP_ID | OP_CURSOR)) {
		json_key(j, "parameters");
		json_arr_open(j);
		if (o->flags & OP_ID)
			param(j, "id", "path", true);
		if (o->flags & OP_CURSOR)
			param(j, "after", "query", false);
		json_arr_close(j);
	}
	if (o->body != NULL) {
		json_key(j, "requestBody");
		json_obj_open(j);
		json_kv_bool(j, "required", true);
		content(j, o->body);
		json_obj_close(j);
	}
	responses(j, o);
	json_obj_close(j);
}

static void
info(struct json *j)
{
	json_kv_str_c(j, "openapi", "3.1.0");
	json_key(j, "info");
	json_obj_open(j);
	json_kv_str_c(j, "title", "Parley API");
	json_kv_str_c(j, "version", "1");
	json_kv_str_c(j, "description", "Writes under /api/v1 take JSON bodies "
	    "and an Authorization: Bearer token from /settings/tokens (scopes "
	    "read, write, moderate). Every JSON GET of the site (a path ending "
	    "in .json, or Accept: application/json) also takes a token with the "
	    "read scope. Unknown body fields are refused. Errors are "
	    "{\"error\", \"message\"} with a 4xx status.");
	json_obj_close(j);
	json_key(j, "servers");
	json_arr_open(j);
	json_obj_open(j);
	json_kv_str_c(j, "url", "/");
	json_obj_close(j);
	json_arr_close(j);
	json_key(j, "security");
	json_arr_open(j);
	json_obj_open(j);
	json_key(j, "bearer");
	json_arr_open(j);
	json_arr_close(j);
	json_obj_close(j);
	json_arr_close(j);
}

static void
components(struct json *j)
{
	json_key(j, "components");
	json_obj_open(j);
	json_key(j, "securitySchemes");
	json_obj_open(j);
	json_key(j, "bearer");
	json_obj_open(j);
	json_kv_str_c(j, "type", "http");
	json_kv_str_c(j, "scheme", "bearer");
	json_kv_str_c(j, "description", "parley_ and 64 hex digits, from "
	    "/settings/tokens");
	json_obj_close(j);
	json_obj_close(j);
	json_key(j, "responses");
	json_obj_open(j);
	json_key(j, "Error");
	json_obj_open(j);
	json_kv_str_c(j, "description", "refused");
	content(j, "Error");
	json_obj_close(j);
	json_obj_close(j);
	json_key(j, "schemas");
	json_obj_open(j);
	for (size_t i = 0; i < ARRAY_LEN(shapes); i++)
		object_schema(j, shapes[i].name, shapes[i].p, shapes[i].np, false);
	for (size_t i = 0; i < api_nbodies; i++)
		body_schema(j, &api_bodies[i]);
	json_obj_close(j);
	json_obj_close(j);
}

/* GET /api/v1/openapi.json */
void
page_api_openapi(struct ctx *c)
{
	struct json j;

	app_json_begin(c, &j);
	json_obj_open(&j);
	info(&j);
	json_key(&j, "paths");
	json_obj_open(&j);
	for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
		if (i == 0 || strcmp(ops[i].path, ops[i - 1].path) != 0) {
			if (i > 0)
				json_obj_close(&j);
			json_key(&j, ops[i].path);
			json_obj_open(&j);
		}
		operation(&j, &ops[i]);
	}
	json_obj_close(&j);
	json_obj_close(&j);
	components(&j);
	json_obj_close(&j);
}
