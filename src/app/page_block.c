/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_block.c: POST /block and POST /unblock. A user blocks another so
 * that the other's posts and comments collapse for them (page_thread.c,
 * page_listing.c) and the other cannot reply to them (page_comment.c).
 * Blocking is private: the blocked user is not told.
 */
#include "app_int.h"

/* POST /block, POST /unblock: user (a user name). */
void
page_block(struct ctx *c)
{
	bool on = str_eq_lit(c->r->path, "/block");
	struct str name = app_form_text(c, "user");
	struct user u;
	const char *back;
	int rc = STORE_NOTFOUND;

	if (authz(c, AZ_BLOCK, NULL) != 0)
		return;
	if (app_valid_name(name, true))
		rc = store_user_by_name(c->s, c->a, str_dup(c->a, name), &u, NULL);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && u.deleted)) {
		app_error(c, 404, "not_found", "There is no such user.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (u.id == c->user->id) {
		app_error(c, 400, "self", "You cannot block yourself.");
		return;
	}
	rc = store_block_set(c->s, c->user->id, u.id, on, c->now);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_kv_str_c(&j, "user", u.name);
		json_kv_bool(&j, "blocked", on);
		json_obj_close(&j);
		return;
	}
	back = app_back_path(c);
	app_redirect(c, back ? back : arena_printf(c->a, "/u/%s", u.name));
}
