/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_community.c: the list of communities and creating a new one.
 */
#include "app_int.h"

static void
communities_json(struct ctx *c, const struct community *cms, size_t n)
{
	struct json j;

	app_json_list_begin(c, &j, "communities");
	for (size_t i = 0; i < n; i++) {
		json_obj_open(&j);
		json_kv_str_c(&j, "name", cms[i].name);
		json_kv_str_c(&j, "title", cms[i].title);
		json_kv_str_c(&j, "description", cms[i].description);
		json_kv_int(&j, "subscribers", cms[i].subscribers);
		json_kv_int(&j, "posts", cms[i].post_count);
		json_kv_time(&j, "created", cms[i].created);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
}

static void
communities_html(struct ctx *c, enum community_order order,
    const struct community *cms, size_t n)
{
	struct html h;

	page_begin(c, &h, "Communities");
	html_raw_literal(&h, "<div class=\"content\"><h1>Communities</h1>"
	    "<nav class=\"sorts\">sort: <a href=\"/communities?sort=subscribers\"");
	if (order == COMMUNITIES_BY_SUBSCRIBERS)
		html_raw_literal(&h, " class=\"on\"");
	html_raw_literal(&h, ">subscribers</a> <a href=\"/communities?sort=name\"");
	if (order == COMMUNITIES_BY_NAME)
		html_raw_literal(&h, " class=\"on\"");
	html_raw_literal(&h, ">name</a></nav><ol class=\"posts\">");
	for (size_t i = 0; i < n; i++) {
		html_raw_literal(&h, "<li class=\"post\"><div><a class=\"title\"");
		html_attr(&h, "href", str_c(arena_printf(c->a, "/s/%s", cms[i].name)));
		html_raw_literal(&h, ">");
		html_text_c(&h, cms[i].title);
		html_raw_literal(&h, "</a> <span class=\"domain\">s/");
		html_text_c(&h, cms[i].name);
		html_raw_literal(&h, "</span><div class=\"meta\">");
		html_int(&h, cms[i].subscribers);
		html_raw_literal(&h, " subscribers · ");
		html_int(&h, cms[i].post_count);
		html_raw_literal(&h, " posts · since ");
		html_time(&h, cms[i].created, c->now);
		html_raw_literal(&h, "</div></div></li>");
	}
	html_raw_literal(&h, "</ol>");
	if (n == 0)
		html_raw_literal(&h, "<p>No communities yet.</p>");
	html_raw_literal(&h, "<p><a href=\"/create\">Create a community</a></p></div>");
	page_end(c, &h);
}

/* GET /communities[?sort=subscribers|name] */
void
page_communities(struct ctx *c)
{
	struct str sort = http_query(c->r, "sort");
	enum community_order order = COMMUNITIES_BY_SUBSCRIBERS;
	struct community *cms;
	size_t n;
	int rc;

	if (sort.p != NULL && str_eq_lit(sort, "name"))
		order = COMMUNITIES_BY_NAME;
	else if (sort.p != NULL && !str_eq_lit(sort, "subscribers")) {
		app_error(c, 400, "bad_sort", "Sort communities by subscribers or name.");
		return;
	}
	rc = store_community_list(c->s, c->a, order, 500, &cms, &n);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json)
		communities_json(c, cms, n);
	else
		communities_html(c, order, cms, n);
}

static void
create_page(struct ctx *c, const char *msg)
{
	struct html h;
	struct str name = app_form_text(c, "name");
	struct str title = app_form_text(c, "title");
	struct str desc = app_form_text(c, "description");
	struct str rules = app_form_text(c, "rules");

	page_begin(c, &h, "Create a community");
	html_raw_literal(&h, "<div class=\"content\"><h1>Create a community</h1>");
	if (msg != NULL) {
		html_raw_literal(&h, "<p class=\"error\">");
		html_text_c(&h, msg);
		html_raw_literal(&h, "</p>");
	}
	html_raw_literal(&h, "<form class=\"edit\" method=\"post\" action=\"/create\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"name\">name (3 to 24 letters, digits "
	    "or _; shown as s/name)</label><input type=\"text\" id=\"name\" "
	    "name=\"name\" required maxlength=\"" APP_STR(NAME_MAX) "\"");
	html_attr(&h, "value", name.p ? name : STR_LIT(""));
	html_raw_literal(&h, "><label for=\"title\">title</label><input "
	    "type=\"text\" id=\"title\" name=\"title\" required "
	    "maxlength=\"" APP_STR(COMMUNITY_TITLE_MAX) "\"");
	html_attr(&h, "value", title.p ? title : STR_LIT(""));
	html_raw_literal(&h, "><label for=\"description\">description "
	    "(markdown)</label><textarea id=\"description\" name=\"description\" "
	    "maxlength=\"" APP_STR_K(DESCRIPTION_MAX_K) "\">");
	if (desc.p)
		html_text(&h, desc);
	html_raw_literal(&h, "</textarea><label for=\"rules\">rules (markdown)"
	    "</label><textarea id=\"rules\" name=\"rules\" "
	    "maxlength=\"" APP_STR_K(DESCRIPTION_MAX_K) "\">");
	if (rules.p)
		html_text(&h, rules);
	html_raw_literal(&h, "</textarea><p><button>create</button></p></form></div>");
	page_end(c, &h);
}

static void
create_error(struct ctx *c, int status, const char *code, const char *msg)
{
	if (c->json) {
		app_error(c, status, code, msg);
		return;
	}
	create_page(c, msg);
	c->r->status = status;
}

void
page_create_form(struct ctx *c)
{
	create_page(c, NULL);
}

/* POST /create: name, title, description, rules. */
void
page_create(struct ctx *c)
{
	struct str name = app_form_text(c, "name");
	struct str title = app_form_text(c, "title");
	struct str desc = app_form_text(c, "description");
	struct str rules = app_form_text(c, "rules");
	struct community cm = { 0 };
	int64_t id;
	int rc;

	if (authz(c, AZ_CREATE_COMMUNITY, NULL) != 0)
		return;
	if (!app_valid_name(name, false)) {
		create_error(c, 400, "bad_name", "A community name is 3 to 24 "
		    "letters, digits or '_'.");
		return;
	}
	if (title.len == 0 || !app_valid_text(title, COMMUNITY_TITLE_MAX) ||
	    str_has_ctl(title, false)) {
		create_error(c, 400, "bad_title", "A title is 1 to "
		    APP_STR(COMMUNITY_TITLE_MAX) " characters on one line.");
		return;
	}
	if (!app_valid_text(desc, DESCRIPTION_MAX) ||
	    !app_valid_text(rules, DESCRIPTION_MAX)) {
		create_error(c, 400, "too_long", "A description or rules are at "
		    "most " APP_THOUSANDS(DESCRIPTION_MAX_K) " characters.");
		return;
	}
	cm.name = str_dup(c->a, name);
	cm.title = str_dup(c->a, title);
	cm.description = str_dup(c->a, desc);
	cm.description_html = app_render_md(c, desc);
	cm.rules = str_dup(c->a, rules);
	cm.rules_html = app_render_md(c, rules);
	cm.creator_id = c->user->id;
	cm.created = c->now;
	if (cm.description_html == NULL || cm.rules_html == NULL) {
		create_error(c, 400, "bad_markdown", "That text cannot be rendered.");
		return;
	}
	rc = store_community_create(c->s, &cm, &id);
	if (rc == STORE_CONFLICT) {
		create_error(c, 409, "name_taken", "A community of that name exists.");
		return;
	}
	if (rc == STORE_OK)
		rc = store_subscription_set(c->s, c->user->id, id, true, c->now);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_redirect(c, arena_printf(c->a, "/s/%s", cm.name));
}

/* POST /s/NAME/subscribe and /s/NAME/unsubscribe. */
void
page_subscribe(struct ctx *c)
{
	struct community cm;
	bool on = str_has_suffix(c->r->path, "/subscribe");
	int rc;

	rc = store_community_by_name(c->s, c->a, str_dup(c->a, c->param[0]), &cm);
	if (rc == STORE_OK && authz(c, AZ_SUBSCRIBE,
	    &(struct authz_target){ .community_id = cm.id }) != 0)
		return;
	if (rc == STORE_OK)
		rc = store_subscription_set(c->s, c->user->id, cm.id, on, c->now);
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "There is no such community.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_redirect(c, arena_printf(c->a, "/s/%s", cm.name));
}
