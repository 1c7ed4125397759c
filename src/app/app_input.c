/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_input.c: reading what a request asks for: route captures, form
 * text, the validators of names and text, and the post or community a
 * route names.
 */
#include "app_int.h"

/* Reads route capture i as a positive id. */
bool
app_param_id(struct ctx *c, size_t i, int64_t *id)
{
	return i < c->nparam && str_to_i64(c->param[i], id) && *id > 0;
}

/* NAME_MIN to NAME_MAX of A-Za-z0-9_ (and '-' for user names). */
bool
app_valid_name(struct str s, bool allow_dash)
{
	if (s.len < NAME_MIN || s.len > NAME_MAX)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char ch = s.p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || (allow_dash && ch == '-')))
			return false;
	}
	return true;
}

/* Returns a form field without surrounding white space (STR_NULL if absent). */
struct str
app_form_text(struct ctx *c, const char *name)
{
	struct str s = http_form(c->r, name);

	return s.p ? str_trim(s) : s;
}

/* True when text t holds at most max characters (code points). */
bool
app_valid_text(struct str t, size_t max)
{
	return t.len <= max * 4 && str_utf8_len(t) <= max;
}

/*
 * Loads the post named by route captures name_i (community) and id_i into
 * p: as a page shows it, or brief (store_post_brief: what a write on it
 * checks and links to). Returns 0, or -1 after answering 404 (or a store
 * error).
 */
static int
get_post(struct ctx *c, size_t name_i, size_t id_i, bool brief,
    struct post *p)
{
	int64_t id;
	int rc;

	if (!app_param_id(c, id_i, &id)) {
		app_error(c, 404, "not_found", "There is no such post.");
		return -1;
	}
	rc = brief ? store_post_brief(c->s, c->a, id, p) :
	    store_post_get(c->s, c->a, id, c->user ? c->user->id : 0, p);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK &&
	    !str_case_eq(str_c(p->community), c->param[name_i]))) {
		app_error(c, 404, "not_found", "There is no such post.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return 0;
}

/* get_post as a page shows the post. */
int
app_get_post(struct ctx *c, size_t name_i, size_t id_i, struct post *p)
{
	return get_post(c, name_i, id_i, false, p);
}

/* get_post, brief: for a write on the post (a comment). */
int
app_get_post_brief(struct ctx *c, size_t name_i, size_t id_i, struct post *p)
{
	return get_post(c, name_i, id_i, true, p);
}

/*
 * Loads the community named by the first route capture into cm. Returns
 * 0, or -1 after answering 404 (or a store error).
 */
int
app_route_community(struct ctx *c, struct community *cm)
{
	int rc = store_community_by_name(c->s, c->a, str_dup(c->a, c->param[0]),
	    cm);

	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "There is no such community.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return 0;
}

/*
 * Loads the user named by the first route capture into u. Returns 0, or
 * -1 after answering 404 (no such user, or a deleted account) or a store
 * error.
 */
int
app_route_user(struct ctx *c, struct user *u)
{
	int rc = store_user_by_name(c->s, c->a, str_dup(c->a, c->param[0]), u,
	    NULL);

	if (rc == STORE_NOTFOUND || (rc == STORE_OK && u->deleted)) {
		app_error(c, 404, "not_found", "There is no such user.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return 0;
}

/* The periods of a top listing, in the order its tabs show them. */
const struct top_period top_periods[TOP_PERIODS] = {
	{ "hour", 3600 }, { "day", 86400 }, { "week", 7 * 86400 },
	{ "month", 30 * 86400 }, { "year", 365 * 86400 }, { "all", 0 },
};

/*
 * Reads the period t of a top listing (no t is a day): its name (a
 * literal) and the earliest time it takes in, 0 for all time. Returns 0,
 * or -1 after answering 400.
 */
int
app_top_period(struct ctx *c, const char **name, int64_t *since)
{
	struct str t = http_query(c->r, "t");

	if (t.p == NULL)
		t = STR_LIT("day");
	for (size_t i = 0; i < TOP_PERIODS; i++) {
		if (str_eq_lit(t, top_periods[i].name)) {
			*name = top_periods[i].name;
			*since = top_periods[i].secs ? c->now - top_periods[i].secs : 0;
			return 0;
		}
	}
	app_error(c, 400, "bad_period", "The period t is one of hour, day, week, "
	    "month, year or all.");
	return -1;
}

/* Reads a post sort by name; no name is hot. False for an unknown one. */
bool
app_sort_post(struct str s, enum post_sort *out)
{
	static const struct { const char *name; enum post_sort sort; } sorts[] = {
		{ "hot", SORT_HOT }, { "new", SORT_NEW }, { "top", SORT_TOP },
		{ "active", SORT_ACTIVE }, { "controversial", SORT_CONTROVERSIAL },
	};

	if (s.p == NULL) {
		*out = SORT_HOT;
		return true;
	}
	for (size_t i = 0; i < ARRAY_LEN(sorts); i++) {
		if (str_eq_lit(s, sorts[i].name)) {
			*out = sorts[i].sort;
			return true;
		}
	}
	return false;
}
