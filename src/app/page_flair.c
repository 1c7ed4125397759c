/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_flair.c: flair (richer posts). A community's moderators keep its
 * post flairs and set members' flair at /s/NAME/mod/flair; every change
 * goes to the mod log. Also the helpers the listing, thread and post
 * pages use: checking a flair field, writing a flair label, the ?flair=
 * part of a pager link.
 *
 * A flair's colour is one name of a fixed palette, written as a class
 * (flair-red, ...) that style.css defines: no CSS of the moderators'
 * own reaches a page.
 */
#include "app_int.h"

#include <string.h>

static const char *const palette[] = {
	"red", "orange", "yellow", "green", "blue", "purple", "grey",
};

/* The palette name s stands for, or NULL when it is none of them. */
static const char *
palette_find(struct str s)
{
	for (size_t i = 0; i < ARRAY_LEN(palette); i++)
		if (str_eq_lit(s, palette[i]))
			return palette[i];
	return NULL;
}

/* True when s is a flair's text: 1 to FLAIR_MAX characters, one line. */
bool
app_flair_valid(struct str s)
{
	size_t n = str_utf8_len(s);

	return n >= 1 && n <= FLAIR_MAX && s.len <= FLAIR_MAX * 4 &&
	    !str_has_ctl(s, false);
}

/* Writes a flair label; colour is a palette name or NULL. */
void
app_flair_label(struct ctx *c, struct html *h, const char *text,
    const char *colour, bool user)
{
	if (text == NULL || *text == '\0')
		return;
	html_raw_literal(h, " <span");
	html_attr(h, "class", str_c(arena_printf(c->a, "%s%s%s",
	    user ? "flair user-flair" : "flair",
	    colour && palette_find(str_c(colour)) ? " flair-" : "",
	    colour && palette_find(str_c(colour)) ? colour : "")));
	html_raw_literal(h, ">");
	html_text_c(h, text);
	html_raw_literal(h, "</span>");
}

/* "&flair=TEXT", percent-encoded, for a listing's links; "" without. */
const char *
app_flair_query(struct ctx *c, const char *flair)
{
	struct buf b;

	if (flair == NULL)
		return "";
	buf_init(&b, c->a, 32);
	buf_puts(&b, "&flair=");
	url_escape(&b, str_c(flair));
	return b.p;
}

/*
 * Reads the flair field of a submit or edit for community_id into *out:
 * NULL when empty, else the text of one of the community's flairs.
 * Returns 0, or -1 after answering 400 (bad_flair) or a store error.
 */
int
app_flair_field(struct ctx *c, int64_t community_id, const char **out)
{
	return app_flair_check(c, community_id, app_form_text(c, "flair"), out);
}

/* The same for text f, from a form or an API body. */
int
app_flair_check(struct ctx *c, int64_t community_id, struct str f,
    const char **out)
{
	struct flair fl;
	int rc;

	*out = NULL;
	if (f.len == 0)
		return 0;
	if (!app_flair_valid(f)) {
		app_error(c, 400, "bad_flair", "That is not a flair of this "
		    "community.");
		return -1;
	}
	rc = store_flair_get(c->s, c->a, community_id, str_dup(c->a, f), &fl);
	if (rc == STORE_NOTFOUND) {
		app_error(c, 400, "bad_flair", "That is not a flair of this "
		    "community.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	*out = fl.text;
	return 0;
}

/* ---- /s/NAME/mod/flair ------------------------------------------------ */

static int
flair_community(struct ctx *c, struct community *cm)
{
	if (app_route_community(c, cm) != 0 || authz(c, AZ_COMMUNITY_EDIT,
	    &(struct authz_target){ .community_id = cm->id }) != 0)
		return -1;
	return 0;
}

/* GET /s/NAME/mod/flair: the flairs, and the forms that change them. */
void
page_flair(struct ctx *c)
{
	struct community cm;
	struct flair *fl = NULL;
	size_t n = 0;
	const char *action;
	struct html h;
	struct json j;
	int rc;

	if (flair_community(c, &cm) != 0)
		return;
	if ((rc = store_flairs(c->s, c->a, cm.id, &fl, &n)) != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json) {
		app_json_list_begin(c, &j, "flairs");
		for (size_t i = 0; i < n; i++) {
			json_obj_open(&j);
			json_kv_str_c(&j, "text", fl[i].text);
			json_kv_str_c(&j, "colour", fl[i].colour);
			json_obj_close(&j);
		}
		json_arr_close(&j);
		json_obj_close(&j);
		return;
	}
	action = arena_printf(c->a, "/s/%s/mod/flair", cm.name);
	page_begin(c, &h, "Flair");
	html_raw_literal(&h, "<div class=\"content\"><h1>Flair of s/");
	html_text_c(&h, cm.name);
	html_raw_literal(&h, "</h1><h2>Post flairs</h2><ul class=\"flairs\">");
	for (size_t i = 0; i < n; i++) {
		html_raw_literal(&h, "<li>");
		app_flair_label(c, &h, fl[i].text, fl[i].colour, false);
		html_raw_literal(&h, " <form method=\"post\"");
		html_attr_c(&h, "action", action);
		html_raw_literal(&h, ">");
		app_csrf_field(c, &h);
		html_raw_literal(&h, "<input type=\"hidden\" name=\"remove\"");
		html_attr_c(&h, "value", fl[i].text);
		html_raw_literal(&h, "><button>remove</button></form></li>");
	}
	html_raw_literal(&h, "</ul><form class=\"edit\" method=\"post\"");
	html_attr_c(&h, "action", action);
	html_raw_literal(&h, ">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"add\">new flair</label><input "
	    "type=\"text\" id=\"add\" name=\"add\" required "
	    "maxlength=\"" APP_STR(FLAIR_MAX) "\"><label for=\"colour\">colour"
	    "</label><select id=\"colour\" name=\"colour\"><option value=\"\">"
	    "none</option>");
	for (size_t i = 0; i < ARRAY_LEN(palette); i++) {
		html_raw_literal(&h, "<option");
		html_attr_c(&h, "value", palette[i]);
		html_raw_literal(&h, ">");
		html_text_c(&h, palette[i]);
		html_raw_literal(&h, "</option>");
	}
	html_raw_literal(&h, "</select><p><button>add</button></p></form>"
	    "<h2>A member's flair</h2><form class=\"edit\" method=\"post\"");
	html_attr_c(&h, "action", action);
	html_raw_literal(&h, ">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"fu\">user</label><input type=\"text\" "
	    "id=\"fu\" name=\"user\" required maxlength=\"" APP_STR(NAME_MAX)
	    "\"><label for=\"uf\">flair (empty removes it)</label><input "
	    "type=\"text\" id=\"uf\" name=\"user_flair\" "
	    "maxlength=\"" APP_STR(FLAIR_MAX) "\"><p><button>set</button></p>"
	    "</form></div>");
	page_end(c, &h);
}

/* The user flair part of POST /s/NAME/mod/flair. */
static int
set_user_flair(struct ctx *c, const struct community *cm, struct str name,
    struct str text)
{
	struct user u;
	int rc;

	if (text.len > 0 && !app_flair_valid(text)) {
		app_error(c, 400, "bad_flair", "A flair is 1 to " APP_STR(FLAIR_MAX)
		    " characters on one line.");
		return -1;
	}
	rc = store_user_by_name(c->s, c->a, str_dup(c->a, name), &u, NULL);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && u.deleted)) {
		app_error(c, 404, "no_user", "There is no such user.");
		return -1;
	}
	if (rc == STORE_OK && (rc = store_begin(c->s)) == STORE_OK) {
		const char *t = text.len ? str_dup(c->a, text) : NULL;

		rc = store_user_flair_set(c->s, cm->id, u.id, t);
		if (rc == STORE_OK)
			rc = app_mod_log(c, "user flair", 0, 0, cm->id, u.id, t, 0);
		rc = app_mod_tx_end(c, rc);
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return 0;
}

/*
 * POST /s/NAME/mod/flair: add (text, optional colour), remove (text), or
 * user and user_flair (empty removes it). One change a request.
 */
void
page_flair_post(struct ctx *c)
{
	struct community cm;
	struct str add = app_form_text(c, "add");
	struct str rm = app_form_text(c, "remove");
	struct str user = app_form_text(c, "user");
	struct str colour = app_form_text(c, "colour");
	const char *pal = NULL;
	int rc;

	if (flair_community(c, &cm) != 0)
		return;
	if (user.len > 0) {
		if (set_user_flair(c, &cm, user,
		    app_form_text(c, "user_flair")) != 0)
			return;
		goto done;
	}
	if ((add.len > 0) == (rm.len > 0)) {
		app_error(c, 400, "bad_flair", "Send add or remove (a flair's "
		    "text), or user and user_flair.");
		return;
	}
	if (!app_flair_valid(add.len ? add : rm)) {
		app_error(c, 400, "bad_flair", "A flair is 1 to " APP_STR(FLAIR_MAX)
		    " characters on one line.");
		return;
	}
	if (colour.len > 0 && (pal = palette_find(colour)) == NULL) {
		app_error(c, 400, "bad_colour", "Choose a colour of the list.");
		return;
	}
	if ((rc = store_begin(c->s)) == STORE_OK) {
		const char *t = str_dup(c->a, add.len ? add : rm);

		rc = add.len ? store_flair_add(c->s, cm.id, t, pal, c->now) :
		    store_flair_remove(c->s, cm.id, t);
		if (rc == STORE_OK)
			rc = app_mod_log(c, add.len ? "add flair" : "remove flair",
			    0, 0, cm.id, 0, t, 0);
		rc = app_mod_tx_end(c, rc);
	}
	if (rc == STORE_CONFLICT) {
		app_error(c, 409, "flair_exists", "The community has that flair "
		    "already.");
		return;
	}
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "no_flair", "The community has no such flair.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
done:
	if (c->json) {
		app_json_ok(c);
		return;
	}
	app_redirect(c, arena_printf(c->a, "/s/%s/mod/flair", cm.name));
}
