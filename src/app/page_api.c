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

/* Loads post id (route capture i) for the viewer: 404 when there is
 * none. Returns 0, or -1 after answering. */
static int
load_post(struct ctx *c, int64_t id, struct post *p)
{
	int rc = store_post_get(c->s, c->a, id, c->user->id, p);

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
	{ "community", JT_STR, true, false },
	{ "title", JT_STR, true, false },
	{ "url", JT_STR, false, true },
	{ "body", JT_STR, false, true },
	{ "flair", JT_STR, false, true },
	{ "nsfw", JT_BOOL, false, false },
	{ "spoiler", JT_BOOL, false, false },
	{ "poll", JT_STR, false, true },
};

/* POST /api/v1/posts: {"community", "title", "url" or "body"; "flair",
 * "nsfw", "spoiler", "poll" (its options, one a line)} */
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
	    .spoiler = v[6].present && v[6].b, .poll = text_of(&v[7]) };
	if (app_post_submit(c, &f, &p) != 0)
		return;
	answer_post(c, &p);
	created(c, app_post_href(c, &p));
}

static const struct jfield post_edit_fields[] = {
	{ "title", JT_STR, false, false },
	{ "body", JT_STR, false, true },
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
	    load_post(c, id, &p) != 0 || app_post_own(c, &p, false) != 0)
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
	    load_post(c, id, &p) != 0 || app_post_own(c, &p, true) != 0 ||
	    app_post_delete(c, &p) != 0)
		return;
	app_json_ok(c);
}

/* ---- comments ---------------------------------------------------------- */

static const struct jfield comment_fields[] = {
	{ "post", JT_INT, true, false },
	{ "parent", JT_INT, false, true },
	{ "body", JT_STR, true, false },
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
	if (load_post(c, v[0].i, &p) != 0 ||
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
	if (load_post(c, cm->post_id, p) != 0)
		return -1;
	return app_comment_own(c, p, cm, closed_ok);
}

static const struct jfield comment_edit_fields[] = {
	{ "body", JT_STR, true, false },
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
	{ "kind", JT_STR, true, false },
	{ "id", JT_INT, true, false },
	{ "dir", JT_INT, true, false },
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

/* ---- reports and moderator actions: the forms' fields ----------------- */

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
	{ "kind", JT_STR, true, false },
	{ "id", JT_INT, true, false },
	{ "reason", JT_STR, true, false },
};

/* POST /api/v1/reports: {"kind", "id", "reason"} */
void
page_api_report(struct ctx *c)
{
	if (as_form(c, report_fields, ARRAY_LEN(report_fields)) == 0)
		page_report(c);
}

static const struct jfield mod_fields[] = {
	{ "action", JT_STR, true, false },
	{ "kind", JT_STR, false, true },
	{ "id", JT_INT, false, true },
	{ "user", JT_STR, false, true },
	{ "community", JT_STR, false, true },
	{ "reason", JT_STR, false, true },
	{ "duration", JT_STR, false, true },
};

/* POST /api/v1/mod: the fields of POST /mod; needs the moderate scope. */
void
page_api_mod(struct ctx *c)
{
	if (as_form(c, mod_fields, ARRAY_LEN(mod_fields)) == 0)
		page_mod(c);
}
