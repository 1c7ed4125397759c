/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_mod.c: what the moderation pages share: the post or comment an
 * action or report is about, the optional reason, the mod log's line, the
 * transaction around an action and the answer after one.
 *
 * The log is public; it names the moderator, never a reporter.
 */
#include "app_int.h"

#include <string.h>

/* Reads kind and id from the form and loads the item into it. Returns
 * 0, or -1 after answering. */
int
app_mod_item_load(struct ctx *c, struct mod_item *it)
{
	struct str kind = http_form(c->r, "kind");
	int64_t id;
	int rc;

	memset(it, 0, sizeof(*it));
	if (str_eq_lit(kind, "post"))
		it->kind = VOTE_POST;
	else if (str_eq_lit(kind, "comment"))
		it->kind = VOTE_COMMENT;
	else {
		app_error(c, 400, "bad_kind", "kind is post or comment.");
		return -1;
	}
	if (!str_to_i64(http_form(c->r, "id"), &id) || id <= 0) {
		app_error(c, 400, "bad_id", "id is the number of a post or comment.");
		return -1;
	}
	if (it->kind == VOTE_COMMENT) {
		rc = store_comment_get(c->s, c->a, id, 0, &it->comment);
		if (rc == STORE_OK) {
			it->author_id = it->comment.author_id;
			id = it->comment.post_id;
		}
	} else {
		rc = STORE_OK;
	}
	if (rc == STORE_OK)
		rc = store_post_get(c->s, c->a, id, 0, &it->post);
	if (rc == STORE_OK && it->kind == VOTE_POST)
		it->author_id = it->post.author_id;
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "There is no such item.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return 0;
}

/* The id of the post or comment. */
/* The id of the post or comment. */
int64_t
app_mod_item_id(const struct mod_item *it)
{
	return it->kind == VOTE_POST ? it->post.id : it->comment.id;
}

/* The item's address (arena memory). */
const char *
app_mod_item_href(struct ctx *c, const struct mod_item *it)
{
	const char *post = app_post_href(c, &it->post);

	if (it->kind == VOTE_POST)
		return post;
	return arena_printf(c->a, "/s/%s/p/%lld/c/%lld", it->post.community,
	    (long long)it->post.id, (long long)it->comment.id);
}

/* Reads the optional reason: at most REASON_MAX characters on one line. */
int
app_mod_reason(struct ctx *c, const char **out)
{
	struct str r = app_form_text(c, "reason");

	if (!app_valid_text(r, REASON_MAX) || str_has_ctl(r, false)) {
		app_error(c, 400, "bad_reason", "A reason is at most "
		    APP_STR(REASON_MAX) " characters on one line.");
		return -1;
	}
	*out = r.len ? str_dup(c->a, r) : NULL;
	return 0;
}

/* Answers a finished action: JSON {"ok"} or 303 back or to the item. */
void
app_mod_done(struct ctx *c, const char *fallback)
{
	const char *back;

	if (c->json) {
		app_json_ok(c);
		return;
	}
	back = app_back_path(c);
	app_redirect(c, back ? back : fallback);
}

/* Ends the transaction an action began: commits after success. */
int
app_mod_tx_end(struct ctx *c, int rc)
{
	if (rc == STORE_OK)
		return store_commit(c->s);
	store_rollback(c->s);
	return rc;
}

/* Writes the mod log's line for an action the viewer took. */
int
app_mod_log(struct ctx *c, const char *action, int kind, int64_t target,
    int64_t community_id, int64_t target_user, const char *reason,
    int64_t expires)
{
	struct mod_action m = {
		.action = action, .kind = kind, .target_id = target,
		.reason = reason, .created = c->now, .expires = expires,
	};

	return store_modlog_add(c->s, &m, community_id, c->user->id, target_user);
}

/* Writes the item a queue row or a report is about, with its text for
 * moderators; nothing when it cannot be read. */
void
app_mod_item_show(struct ctx *c, struct html *h, int kind, int64_t id)
{
	struct post p;
	struct comment cm;
	const char *html = NULL, *author = NULL, *title = NULL, *href;

	if (kind == VOTE_COMMENT) {
		if (store_comment_get(c->s, c->a, id, 0, &cm) != STORE_OK ||
		    store_post_get(c->s, c->a, cm.post_id, 0, &p) != STORE_OK)
			return;
		html = cm.body_html;
		author = cm.author;
		href = arena_printf(c->a, "/s/%s/p/%lld/c/%lld", p.community,
		    (long long)p.id, (long long)cm.id);
		title = arena_printf(c->a, "comment on “%s”",
		    app_post_title(c, &p, true));
	} else {
		if (store_post_get(c->s, c->a, id, 0, &p) != STORE_OK)
			return;
		html = p.body_html;
		author = p.author;
		href = app_post_href(c, &p);
		title = app_post_title(c, &p, true);
	}
	html_raw_literal(h, "<div class=\"queue-item\"><a");
	html_attr_c(h, "href", href);
	html_raw_literal(h, ">");
	html_text_c(h, title);
	html_raw_literal(h, "</a> <span class=\"meta\">by ");
	html_text_c(h, app_author_shown(author, false));
	html_raw_literal(h, "</span>");
	if (kind == VOTE_POST && p.url != NULL) {
		html_raw_literal(h, "<p class=\"meta\">");
		html_text_c(h, p.url);
		html_raw_literal(h, "</p>");
	}
	if (html != NULL) {
		html_raw_literal(h, "<div class=\"body\">");
		html_raw_trusted(h, str_c(html));
		html_raw_literal(h, "</div>");
	}
	html_raw_literal(h, "</div>");
}

