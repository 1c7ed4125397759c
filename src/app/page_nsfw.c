/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_nsfw.c: POST /settings/nsfw, a member's choice to see NSFW posts
 * (richer posts; the form is on /settings, page_settings.c).
 */
#include "app_int.h"

/* POST /settings/nsfw: show_nsfw (checkbox; absent = off). */
void
page_settings_nsfw(struct ctx *c)
{
	int rc;

	if (authz(c, AZ_SETTINGS, NULL) != 0)
		return;
	rc = store_user_set_show_nsfw(c->s, c->user->id,
	    app_form_flag(c, "show_nsfw"));
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json) {
		app_json_ok(c);
		return;
	}
	app_redirect(c, "/settings");
}
