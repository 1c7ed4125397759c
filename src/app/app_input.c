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
 * p. Returns 0, or -1 after answering 404 (or a store error).
 */
int
app_get_post(struct ctx *c, size_t name_i, size_t id_i, struct post *p)
{
	int64_t id;
	int rc;

	if (!app_param_id(c, id_i, &id)) {
		app_error(c, 404, "not_found", "There is no such post.");
		return -1;
	}
	rc = store_post_get(c->s, c->a, id, c->user ? c->user->id : 0, p);
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
