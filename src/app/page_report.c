/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_report.c: reporting a post or comment to its community's
 * moderators: the form, and POST /report. One open report per user and
 * item; moderators see the reason, never who reported.
 */
#include "app_int.h"

/* POST /report: kind, id, reason. One open report per user and item. */
void
page_report(struct ctx *c)
{
	struct mod_item it;
	struct str reason = app_form_text(c, "reason");
	int rc;

	if (app_message_report(c)) /* kind=message: the site admins' */
		return;
	if (app_mod_item_load(c, &it) != 0)
		return;
	if (authz(c, AZ_REPORT, &(struct authz_target){
	    .community_id = it.post.community_id }) != 0)
		return;
	if (reason.len == 0 || !app_valid_text(reason, REASON_MAX)) {
		app_error(c, 400, "bad_reason", "Say why, in 1 to "
		    APP_STR(REASON_MAX) " characters.");
		return;
	}
	rc = store_report_add(c->s, it.kind, app_mod_item_id(&it),
	    it.post.community_id, c->user->id, str_dup(c->a, reason), c->now);
	if (rc == STORE_CONFLICT) {
		app_error(c, 409, "already_reported", "You have already reported "
		    "this; the moderators will look at it.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	/* To the item, not back: back is the report form, and landing on it
	 * again looked as if the report had not gone. */
	app_done(c, app_mod_item_href(c, &it));
}

/* GET /report?kind=post|comment&id=N: the form that says why. */
void
page_report_form(struct ctx *c)
{
	struct str kind = http_query(c->r, "kind");
	int64_t id;
	struct html h;

	if (app_message_report_form(c)) /* kind=message */
		return;
	if ((!str_eq_lit(kind, "post") && !str_eq_lit(kind, "comment")) ||
	    !str_to_i64(http_query(c->r, "id"), &id) || id <= 0) {
		app_error(c, 400, "bad_item", "Say which post or comment: kind and id.");
		return;
	}
	page_begin(c, &h, "Report");
	html_raw_literal(&h, "<div class=\"content\"><h1>Report</h1>");
	app_mod_item_show(c, &h, str_eq_lit(kind, "post") ? VOTE_POST : VOTE_COMMENT, id);
	html_raw_literal(&h, "<form class=\"edit\" method=\"post\" action=\"/report\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<input type=\"hidden\" name=\"kind\"");
	html_attr(&h, "value", kind);
	html_raw_literal(&h, "><input type=\"hidden\" name=\"id\"");
	html_attr_i64(&h, "value", id);
	html_raw_literal(&h, "><label for=\"reason\">why should the moderators "
	    "look at this?</label><input type=\"text\" id=\"reason\" name=\"reason\" "
	    "required "
	    "maxlength=\"" APP_STR(REASON_MAX) "\">"
	    "<p><button>report</button></p></form>"
	    "<p class=\"meta\">Moderators see the reason, never who reported.</p>"
	    "</div>");
	page_end(c, &h);
}
