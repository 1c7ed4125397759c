/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_modedit.c: a community's moderators edit its title, description
 * and rules, and reach the forms that appoint moderators and ban users
 * (which post to /mod, page_mod.c).
 */
#include "app_int.h"

/* The start of a form to /mod about a user of community name: the csrf
 * field, the community, and the user's name box with the given id. */
static void
user_fields(struct ctx *c, struct html *h, const char *name, const char *id)
{
	app_csrf_field(c, h);
	html_raw_literal(h, "<input type=\"hidden\" name=\"community\"");
	html_attr_c(h, "value", name);
	html_raw_literal(h, "><label");
	html_attr_c(h, "for", id);
	html_raw_literal(h, ">user</label><input type=\"text\"");
	html_attr_c(h, "id", id);
	html_raw_literal(h, " name=\"user\" required "
	    "maxlength=\"" APP_STR(NAME_MAX) "\">");
}

/* GET /s/NAME/mod/edit */
void
page_community_edit_form(struct ctx *c)
{
	struct community cm;
	struct html h;
	bool nsfw = false;

	if (app_route_community(c, &cm) != 0 || authz(c, AZ_COMMUNITY_EDIT,
	    &(struct authz_target){ .community_id = cm.id }) != 0)
		return;
	page_begin(c, &h, "Edit community");
	html_raw_literal(&h, "<div class=\"content\"><h1>Edit s/");
	html_text_c(&h, cm.name);
	html_raw_literal(&h, "</h1><form class=\"edit\" method=\"post\"");
	html_attr(&h, "action", str_c(arena_printf(c->a, "/s/%s/mod/edit",
	    cm.name)));
	html_raw_literal(&h, ">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"title\">title</label><input "
	    "type=\"text\" id=\"title\" name=\"title\" required "
	    "maxlength=\"" APP_STR(COMMUNITY_TITLE_MAX) "\"");
	html_attr_c(&h, "value", cm.title);
	html_raw_literal(&h, "><label for=\"description\">description "
	    "(markdown)</label><textarea id=\"description\" name=\"description\" "
	    "maxlength=\"" APP_STR_K(DESCRIPTION_MAX_K) "\">");
	html_text_c(&h, cm.description ? cm.description : "");
	html_raw_literal(&h, "</textarea><label for=\"rules\">rules (markdown)"
	    "</label><textarea id=\"rules\" name=\"rules\" "
	    "maxlength=\"" APP_STR_K(DESCRIPTION_MAX_K) "\">");
	html_text_c(&h, cm.rules ? cm.rules : "");
	html_raw_literal(&h, "</textarea><p><label><input type=\"checkbox\" "
	    "name=\"nsfw\" value=\"1\"");
	if (store_community_nsfw(c->s, cm.id, &nsfw) == STORE_OK && nsfw)
		html_raw_literal(&h, " checked");
	html_raw_literal(&h, "> NSFW community (every post is NSFW)</label></p>"
	    "<p><button>save</button></p></form>"
	    "<h2>Moderators</h2><form class=\"edit\" method=\"post\" "
	    "action=\"/mod\">");
	user_fields(c, &h, cm.name, "mu");
	html_raw_literal(&h, "<p><button name=\"action\" value=\"appoint\">appoint</button> "
	    "<button name=\"action\" value=\"unappoint\">remove</button></p></form>"
	    "<h2>Ban a user</h2><form class=\"edit\" method=\"post\" action=\"/mod\" "
	    "data-confirm=\"Ban this user from the community?\">");
	user_fields(c, &h, cm.name, "bu");
	html_raw_literal(&h, "<label for=\"bd\">duration (like 7d; empty = for good)</label>"
	    "<input type=\"text\" id=\"bd\" name=\"duration\" "
	    "maxlength=\"" APP_STR(DURATION_MAX) "\">"
	    "<label for=\"br\">reason</label><input type=\"text\" id=\"br\" "
	    "name=\"reason\" maxlength=\"" APP_STR(REASON_MAX) "\">"
	    APP_SURE_BOX "<p><button name=\"action\" value=\"ban\">ban</button>"
	    "</p></form><h2>Lift a ban</h2><form class=\"edit\" method=\"post\" "
	    "action=\"/mod\">");
	user_fields(c, &h, cm.name, "ubu");
	html_raw_literal(&h, "<p><button name=\"action\" value=\"unban\">unban</button>"
	    "</p></form></div>");
	page_end(c, &h);
}

/* POST /s/NAME/mod/edit: title, description, rules. */
void
page_community_edit(struct ctx *c)
{
	struct community cm;
	struct str title = app_form_text(c, "title");
	struct str desc = app_form_text(c, "description");
	struct str rules = app_form_text(c, "rules");
	const char *dh, *rh;
	int rc;

	if (app_route_community(c, &cm) != 0 || authz(c, AZ_COMMUNITY_EDIT,
	    &(struct authz_target){ .community_id = cm.id }) != 0)
		return;
	if (title.len == 0 || !app_valid_text(title, COMMUNITY_TITLE_MAX) ||
	    str_has_ctl(title, false) || !app_valid_text(desc, DESCRIPTION_MAX) ||
	    !app_valid_text(rules, DESCRIPTION_MAX)) {
		app_error(c, 400, "bad_field", "A title is 1 to "
		    APP_STR(COMMUNITY_TITLE_MAX) " characters on one line; a "
		    "description or rules at most " APP_THOUSANDS(DESCRIPTION_MAX_K) ".");
		return;
	}
	dh = app_render_md(c, desc);
	rh = app_render_md(c, rules);
	if (dh == NULL || rh == NULL) {
		app_error(c, 400, "bad_markdown", "That text cannot be rendered.");
		return;
	}
	if ((rc = store_begin(c->s)) != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	rc = store_community_revise(c->s, cm.id, str_dup(c->a, title),
	    str_dup(c->a, desc), dh, str_dup(c->a, rules), rh, c->now);
	if (rc == STORE_OK)
		rc = store_community_set_nsfw(c->s, cm.id,
		    app_form_flag(c, "nsfw"));
	if (rc == STORE_OK)
		rc = app_mod_log(c, "edit community", 0, 0, cm.id, 0, NULL, 0);
	rc = app_mod_tx_end(c, rc);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_redirect(c, arena_printf(c->a, "/s/%s", cm.name));
}

