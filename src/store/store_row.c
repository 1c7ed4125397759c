/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_row.c: reading result rows into the structs of store.h, for the
 * domain files.
 *
 * A backend hands each row to a callback as store_vals whose text it
 * owns only during the call; everything kept is copied into the caller's
 * arena here. Every statement that returns a user, community, post or
 * comment selects the columns in the order of the matching *_COL enum of
 * store_int.h, so one reader per kind (a struct store_row) serves them
 * all, through one callback for a single row and one for many.
 */
#include "store_int.h"

/* ---- columns ----------------------------------------------------------- */

/* Returns a malloc'd ASCII-lowercased copy, for the *_lc columns. */
char *
store__lower_dup(const char *s)
{
	char *p = xstrdup(s);

	for (char *q = p; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return p;
}

/* Logs a row narrower than its reader needs; returns STORE_ERR. */
int
store__bad_row(size_t ncols, size_t want)
{
	log_msg(LOG_ERR, "store", "result row has %zu columns, want %zu",
	    ncols, want);
	return STORE_ERR;
}

/* Backends deliver numbers as STORE_T_INT or STORE_T_REAL. */
int64_t
store__col_i64(const struct store_val *v)
{
	if (v->type == STORE_T_INT)
		return v->i;
	if (v->type == STORE_T_REAL)
		return (int64_t)v->d;
	return 0;
}

/* Returns a numeric column as a double (an integer one converted). */
double
store__col_real(const struct store_val *v)
{
	if (v->type == STORE_T_REAL)
		return v->d;
	return (double)store__col_i64(v);
}

/* Returns an arena copy of a text column, NULL for SQL NULL. */
const char *
store__col_text(struct arena *a, const struct store_val *v)
{
	if (v->type != STORE_T_TEXT && v->type != STORE_T_BLOB)
		return NULL;
	return arena_strndup(a, v->p, v->len);
}

/* ---- the kinds of rows -------------------------------------------------- */

static void
read_user(struct arena *a, const struct store_val *r, void *out)
{
	struct user *u = out;

	u->id = store__col_i64(&r[USER_COL_ID]);
	u->name = store__col_text(a, &r[USER_COL_NAME]);
	u->email = store__col_text(a, &r[USER_COL_EMAIL]);
	u->created = store__col_i64(&r[USER_COL_CREATED]);
	u->role = (int)store__col_i64(&r[USER_COL_ROLE]);
	u->points = store__col_i64(&r[USER_COL_POINTS]);
	u->deleted = store__col_i64(&r[USER_COL_DELETED]) != 0;
}

static void
read_community(struct arena *a, const struct store_val *r, void *out)
{
	struct community *c = out;

	c->id = store__col_i64(&r[COMMUNITY_COL_ID]);
	c->name = store__col_text(a, &r[COMMUNITY_COL_NAME]);
	c->title = store__col_text(a, &r[COMMUNITY_COL_TITLE]);
	c->description = store__col_text(a, &r[COMMUNITY_COL_DESCRIPTION]);
	c->description_html = store__col_text(a,
	    &r[COMMUNITY_COL_DESCRIPTION_HTML]);
	c->rules = store__col_text(a, &r[COMMUNITY_COL_RULES]);
	c->rules_html = store__col_text(a, &r[COMMUNITY_COL_RULES_HTML]);
	c->creator_id = store__col_i64(&r[COMMUNITY_COL_CREATOR_ID]);
	c->created = store__col_i64(&r[COMMUNITY_COL_CREATED]);
	c->subscribers = store__col_i64(&r[COMMUNITY_COL_SUBSCRIBERS]);
	c->post_count = store__col_i64(&r[COMMUNITY_COL_POST_COUNT]);
}

static void
read_post(struct arena *a, const struct store_val *r, void *out)
{
	struct post *p = out;

	p->id = store__col_i64(&r[POST_COL_ID]);
	p->community_id = store__col_i64(&r[POST_COL_COMMUNITY_ID]);
	p->community = store__col_text(a, &r[POST_COL_COMMUNITY]);
	p->author_id = store__col_i64(&r[POST_COL_AUTHOR_ID]);
	p->author = store__col_text(a, &r[POST_COL_AUTHOR]);
	p->title = store__col_text(a, &r[POST_COL_TITLE]);
	p->url = store__col_text(a, &r[POST_COL_URL]);
	p->body = store__col_text(a, &r[POST_COL_BODY]);
	p->body_html = store__col_text(a, &r[POST_COL_BODY_HTML]);
	p->created = store__col_i64(&r[POST_COL_CREATED]);
	p->edited = store__col_i64(&r[POST_COL_EDITED]);
	p->score = store__col_i64(&r[POST_COL_SCORE]);
	p->ups = store__col_i64(&r[POST_COL_UPS]);
	p->downs = store__col_i64(&r[POST_COL_DOWNS]);
	p->comment_count = store__col_i64(&r[POST_COL_COMMENT_COUNT]);
	p->last_comment = store__col_i64(&r[POST_COL_LAST_COMMENT]);
	p->locked = store__col_i64(&r[POST_COL_LOCKED]) != 0;
	p->stickied = store__col_i64(&r[POST_COL_STICKIED]) != 0;
	p->nsfw = store__col_i64(&r[POST_COL_NSFW]) != 0;
	p->spoiler = store__col_i64(&r[POST_COL_SPOILER]) != 0;
	p->removed = store__col_i64(&r[POST_COL_REMOVED]) != 0;
	p->deleted = store__col_i64(&r[POST_COL_DELETED]) != 0;
	p->removed_reason = store__col_text(a, &r[POST_COL_REMOVED_REASON]);
	p->my_vote = (int)store__col_i64(&r[POST_COL_MY_VOTE]);
	p->held = store__col_i64(&r[POST_COL_HELD]) != 0;
	p->saved = store__col_i64(&r[POST_COL_SAVED]) != 0;
	p->hidden = store__col_i64(&r[POST_COL_HIDDEN]) != 0;
	p->flair = store__col_text(a, &r[POST_COL_FLAIR]);
	p->author_flair = store__col_text(a, &r[POST_COL_AUTHOR_FLAIR]);
	p->flair_colour = store__col_text(a, &r[POST_COL_FLAIR_COLOUR]);
	p->has_poll = store__col_i64(&r[POST_COL_HAS_POLL]) != 0;
	p->poll = NULL;
}

static void
read_comment(struct arena *a, const struct store_val *r, void *out)
{
	struct comment *c = out;

	c->id = store__col_i64(&r[COMMENT_COL_ID]);
	c->post_id = store__col_i64(&r[COMMENT_COL_POST_ID]);
	c->parent_id = store__col_i64(&r[COMMENT_COL_PARENT_ID]);
	c->author_id = store__col_i64(&r[COMMENT_COL_AUTHOR_ID]);
	c->author = store__col_text(a, &r[COMMENT_COL_AUTHOR]);
	c->body = store__col_text(a, &r[COMMENT_COL_BODY]);
	c->body_html = store__col_text(a, &r[COMMENT_COL_BODY_HTML]);
	c->created = store__col_i64(&r[COMMENT_COL_CREATED]);
	c->edited = store__col_i64(&r[COMMENT_COL_EDITED]);
	c->score = store__col_i64(&r[COMMENT_COL_SCORE]);
	c->ups = store__col_i64(&r[COMMENT_COL_UPS]);
	c->downs = store__col_i64(&r[COMMENT_COL_DOWNS]);
	c->depth = (int)store__col_i64(&r[COMMENT_COL_DEPTH]);
	c->removed = store__col_i64(&r[COMMENT_COL_REMOVED]) != 0;
	c->deleted = store__col_i64(&r[COMMENT_COL_DELETED]) != 0;
	c->removed_reason = store__col_text(a,
	    &r[COMMENT_COL_REMOVED_REASON]);
	c->my_vote = (int)store__col_i64(&r[COMMENT_COL_MY_VOTE]);
	c->held = store__col_i64(&r[COMMENT_COL_HELD]) != 0;
	c->saved = store__col_i64(&r[COMMENT_COL_SAVED]) != 0;
	c->author_flair = store__col_text(a, &r[COMMENT_COL_AUTHOR_FLAIR]);
	c->post_title = NULL;
	c->community = NULL;
	c->post_deleted = c->post_removed = c->post_held = false;
	c->post_nsfw = false;
}

/* A profile or queue comment: COMMENT_COL, then post title, community,
 * and the post's deleted, removed, held and NSFW flags. */
static void
read_comment_link(struct arena *a, const struct store_val *r, void *out)
{
	struct comment *c = out;

	read_comment(a, r, c);
	c->post_title = store__col_text(a, &r[COMMENT_COL__COUNT]);
	c->community = store__col_text(a, &r[COMMENT_COL__COUNT + 1]);
	c->post_deleted = store__col_i64(&r[COMMENT_COL__COUNT + 2]) != 0;
	c->post_removed = store__col_i64(&r[COMMENT_COL__COUNT + 3]) != 0;
	c->post_held = store__col_i64(&r[COMMENT_COL__COUNT + 4]) != 0;
	c->post_nsfw = store__col_i64(&r[COMMENT_COL__COUNT + 5]) != 0;
}

const struct store_row store__user_row = {
	USER_COL__COUNT, sizeof(struct user), read_user };
const struct store_row store__community_row = {
	COMMUNITY_COL__COUNT, sizeof(struct community), read_community };
const struct store_row store__post_row = {
	POST_COL__COUNT, sizeof(struct post), read_post };
const struct store_row store__comment_row = {
	COMMENT_COL__COUNT, sizeof(struct comment), read_comment };
const struct store_row store__comment_link_row = {
	COMMENT_COL__COUNT + 6, sizeof(struct comment), read_comment_link };

/* A comment and its post (saved, search): COMMENT_COL, then POST_COL. */
static void
read_comment_post(struct arena *a, const struct store_val *r, void *out)
{
	struct found_item *it = out;

	it->kind = VOTE_COMMENT;
	read_comment(a, r, &it->comment);
	read_post(a, r + COMMENT_COL__COUNT, &it->post);
}

const struct store_row store__comment_post_row = {
	COMMENT_COL__COUNT + POST_COL__COUNT, sizeof(struct found_item),
	read_comment_post };

/* ---- row callbacks ------------------------------------------------------ */

/* Makes room for one more element at the end of m and returns it. */
void *
store__many_push(struct store_many *m)
{
	m->items = arena_grow(m->a, m->items, m->n, &m->cap, 16, m->size);
	return m->items + m->size * m->n++;
}

/*
 * Reads a row of o->kind into o->out, and the text column after it into
 * *o->extra when that is set (a user's password hash).
 */
int
store__one_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_one *o = data;
	size_t want = o->kind->ncols + (o->extra != NULL);

	if (ncols < want)
		return store__bad_row(ncols, want);
	o->kind->read(o->a, row, o->out);
	if (o->extra != NULL)
		*o->extra = store__col_text(o->a, &row[o->kind->ncols]);
	o->found = true;
	return STORE_OK;
}

/* Appends a row of m->kind to m. */
int
store__many_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_many *m = data;

	if (ncols < m->kind->ncols)
		return store__bad_row(ncols, m->kind->ncols);
	m->kind->read(m->a, row, store__many_push(m));
	return STORE_OK;
}

/* Copies up to ARRAY_LEN(vals) numeric columns of one row; text is NULL. */
int
store__numbers_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_numbers *nb = data;

	nb->n = ncols < ARRAY_LEN(nb->vals) ? ncols : ARRAY_LEN(nb->vals);
	for (size_t i = 0; i < nb->n; i++) {
		nb->vals[i] = row[i];
		if (row[i].type == STORE_T_TEXT || row[i].type == STORE_T_BLOB)
			nb->vals[i] = store_v_null();
	}
	nb->found = true;
	return STORE_OK;
}

/* Reads the first column of one row as text into the arena. */
int
store__text_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct store_text *t = data;

	if (ncols < 1)
		return store__bad_row(ncols, 1);
	*t->out = store__col_text(t->a, &row[0]);
	t->found = true;
	return STORE_OK;
}
