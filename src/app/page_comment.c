/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_comment.c: new comments, replies, and the author's edit and delete.
 *
 * Each action is one function (app_comment_create, app_comment_edit,
 * app_comment_delete) shared by the forms here and the API
 * (page_api.c): the same checks, authz() and limits for both.
 */
#include "app_int.h"

#include <string.h>

/*
 * Answers 403 and returns -1 when the post takes no new comments or votes:
 * locked, archived, deleted or removed. Shared with page_vote.c.
 */
int
app_post_open(struct ctx *c, const struct post *p)
{
	if (p->locked) {
		app_error(c, 403, "locked", "This post is locked (post is locked): "
		    "it takes no new comments or votes.");
		return -1;
	}
	if (app_archived(p, c->now)) {
		app_error(c, 403, "archived", "This post is archived (post is "
		    "archived): it takes no new comments or votes.");
		return -1;
	}
	if (p->deleted || p->removed) {
		app_error(c, 403, "gone", "This post is deleted or removed: it takes "
		    "no new comments or votes.");
		return -1;
	}
	return 0;
}

/*
 * Whether the viewer may edit (or, with closed_ok, delete) their item on
 * post p, by author_id: authz, the item not deleted (gone: the message
 * for 403), and for an edit the post not locked or archived. Returns 0,
 * or -1 after answering. Shared with page_post.c.
 */
int
app_own_item(struct ctx *c, const struct post *p, int64_t author_id,
    const char *gone, bool closed_ok)
{
	if (authz(c, closed_ok ? AZ_DELETE_OWN : AZ_EDIT_OWN,
	    &(struct authz_target){ .community_id = p->community_id,
	    .author_id = author_id }) != 0)
		return -1;
	if (gone != NULL) {
		app_error(c, 403, "deleted", gone);
		return -1;
	}
	if (!closed_ok && (p->locked || app_archived(p, c->now))) {
		app_error(c, 403, p->locked ? "locked" : "archived", p->locked ?
		    "This post is locked (post is locked)." :
		    "This post is archived (post is archived): it cannot change.");
		return -1;
	}
	return 0;
}

/* Checks a comment's body: 1 to COMMENT_BODY_MAX characters; am names
 * the users it mentions. */
static int
comment_body(struct ctx *c, const struct str *body, const char **html,
    struct app_mentions *am)
{
	if (body->len == 0 || !app_valid_text(*body, COMMENT_BODY_MAX)) {
		app_error(c, 400, "bad_body", "A comment is 1 to "
		    APP_THOUSANDS(COMMENT_BODY_MAX_K) " characters.");
		return -1;
	}
	*html = app_render_md_mentions(c, *body, am);
	if (*html == NULL) {
		app_error(c, 400, "bad_markdown", "That text cannot be rendered.");
		return -1;
	}
	return 0;
}

/*
 * 403 and -1 when to_user has blocked the viewer: a blocked user cannot
 * reply to the one who blocked them.
 */
static int
check_block(struct ctx *c, int64_t to_user)
{
	bool blocked = false;

	if (store_is_blocked(c->s, to_user, c->user->id, &blocked) == STORE_OK &&
	    blocked) {
		app_error(c, 403, "blocked", "This user has blocked you: you cannot "
		    "reply to them.");
		return -1;
	}
	return 0;
}

/* Notes what a new comment on p changes for the page caches: the thread,
 * the post's comment count and activity in listings, and the profiles
 * that list the comment or count it. */
static void
comment_touch(struct ctx *c, const struct post *p, const struct comment *parent,
    const struct app_mentions *am)
{
	app_cache_touch(c, DEP_POST, p->id);
	app_cache_touch(c, DEP_COMMUNITY, p->community_id);
	app_cache_touch(c, DEP_LISTINGS, 0);
	app_cache_touch(c, DEP_USER, c->user->id);
	app_cache_touch(c, DEP_USER, p->author_id);
	if (parent != NULL)
		app_cache_touch(c, DEP_USER, parent->author_id);
	/* the unread count of everyone it tells (their session rows) */
	for (size_t i = 0; i < am->nids; i++)
		app_cache_touch(c, DEP_USER, am->ids[i]);
}

/*
 * Comments body on post p, in answer to parent (NULL at the top level,
 * else as app_comment_parent loaded it), into *out, its id set. Returns
 * 0, or -1 after answering.
 */
int
app_comment_create(struct ctx *c, const struct post *p,
    const struct comment *parent, struct str body, struct comment *out)
{
	struct comment cm = { 0 };
	struct app_mentions am;
	const char *link = NULL;
	int64_t id = 0, to_user = parent ? parent->author_id : p->author_id;
	int rc;

	if (app_post_open(c, p) != 0)
		return -1;
	if (authz(c, AZ_COMMENT, &(struct authz_target){
	    .community_id = p->community_id }) != 0 ||
	    check_block(c, to_user) != 0 ||
	    comment_body(c, &body, &cm.body_html, &am) != 0)
		return -1;
	cm.held = app_filter_match(c, body, STR_NULL, STR_NULL);
	cm.post_id = p->id;
	cm.parent_id = parent ? parent->id : 0;
	cm.author_id = c->user->id;
	cm.author = c->user->name;
	cm.body = str_dup(c->a, body);
	cm.created = c->now;
	/* The comment and whom it tells commit together: one write. */
	if ((rc = store_begin(c->s)) == STORE_OK) {
		rc = store_comment_create(c->s, &cm, &id);
		if (rc == STORE_OK)
			link = arena_printf(c->a, "%s#c%lld",
			    app_post_href(c, p), (long long)id);
		/* a held comment tells nobody until it is shown */
		if (rc == STORE_OK && !cm.held)
			rc = app_inbox_add(c, to_user, INBOX_REPLY, cm.body, link,
			    p->id, id);
		if (rc == STORE_OK && !cm.held)
			rc = app_mentions_notify(c, &am, VOTE_COMMENT, id, p->id,
			    link, cm.body, to_user);
		if (rc == STORE_OK) {
			comment_touch(c, p, parent, &am);
			app_cache_log_at_commit(c);
			rc = store_commit(c->s);
		} else {
			store_rollback(c->s);
		}
	}
	if (rc == STORE_NOTFOUND || rc == STORE_CONFLICT) {
		app_error(c, 404, "not_found", "There is no such comment to reply to.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	cm.id = id;
	cm.score = 1;
	cm.ups = 1;
	cm.my_vote = 1;
	cm.depth = parent ? parent->depth + 1 : 0;
	*out = cm;
	return 0;
}

static void
create(struct ctx *c, const struct comment *parent)
{
	struct post p;
	struct comment cm;

	if (app_get_post_brief(c, 0, 1, &p) != 0 ||
	    app_comment_create(c, &p, parent, app_form_text(c, "body"), &cm) != 0)
		return;
	app_redirect(c, arena_printf(c->a, "%s#c%lld", app_post_href(c, &p),
	    (long long)cm.id));
}

/* POST /s/NAME/p/ID/comment: body. */
void
page_comment_new(struct ctx *c)
{
	create(c, NULL);
}

/*
 * Loads comment cid of post post_id into *parent for a reply: 404 when
 * there is none on that post, 403 when it is deleted or removed. Returns
 * 0, or -1 after answering.
 */
int
app_comment_parent(struct ctx *c, int64_t post_id, int64_t cid,
    struct comment *parent)
{
	int rc = store_comment_get(c->s, c->a, cid, 0, parent);

	if (rc == STORE_NOTFOUND || (rc == STORE_OK &&
	    parent->post_id != post_id)) {
		app_error(c, 404, "not_found", "There is no such comment.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (parent->deleted || parent->removed) {
		app_error(c, 403, "gone", "That comment is deleted or removed: it "
		    "takes no replies.");
		return -1;
	}
	return 0;
}

/* POST /s/NAME/p/ID/c/CID/reply: body. */
void
page_comment_reply(struct ctx *c)
{
	struct comment parent;
	int64_t cid, pid;

	if (!app_param_id(c, 1, &pid) || !app_param_id(c, 2, &cid)) {
		app_error(c, 404, "not_found", "There is no such comment.");
		return;
	}
	if (app_comment_parent(c, pid, cid, &parent) == 0)
		create(c, &parent);
}

/*
 * May the viewer change comment cm of post p as its author (edits with
 * closed_ok false, deletions true). Returns 0, or -1 after answering.
 */
int
app_comment_own(struct ctx *c, const struct post *p,
    const struct comment *cm, bool closed_ok)
{
	return app_own_item(c, p, cm->author_id, cm->deleted ?
	    "This comment is deleted." : NULL, closed_ok);
}

/*
 * Loads the route's post and comment for the comment's author. Returns 0,
 * or -1 after answering 404 or 403.
 */
static int
own_comment(struct ctx *c, struct post *p, struct comment *cm, bool closed_ok)
{
	int64_t cid;
	int rc;

	if (app_get_post(c, 0, 1, p) != 0)
		return -1;
	if (!app_param_id(c, 2, &cid)) {
		app_error(c, 404, "not_found", "There is no such comment.");
		return -1;
	}
	rc = store_comment_get(c->s, c->a, cid, 0, cm);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && cm->post_id != p->id)) {
		app_error(c, 404, "not_found", "There is no such comment.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return app_comment_own(c, p, cm, closed_ok);
}

void
page_comment_edit_form(struct ctx *c)
{
	struct post p;
	struct comment cm;
	struct html h;

	if (own_comment(c, &p, &cm, false) != 0)
		return;
	page_begin(c, &h, "Edit comment");
	html_raw_literal(&h, "<div class=\"content\"><h1>Edit comment</h1>"
	    "<form class=\"edit\" method=\"post\"");
	html_attr(&h, "action", str_c(arena_printf(c->a,
	    "/s/%s/p/%lld/c/%lld/edit", p.community, (long long)p.id,
	    (long long)cm.id)));
	html_raw_literal(&h, ">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"body\">text (markdown)</label>"
	    "<textarea id=\"body\" name=\"body\" required "
	    "maxlength=\"" APP_STR_K(COMMENT_BODY_MAX_K) "\">");
	html_text_c(&h, cm.body ? cm.body : "");
	html_raw_literal(&h, "</textarea><p><button>save</button></p></form></div>");
	page_end(c, &h);
}

/* Sets comment cm's body (app_comment_own allowed it; p is its post, for
 * the mentions' link); updates *cm and tells the names the text newly
 * mentions. Returns 0, or -1 after answering. */
int
app_comment_edit(struct ctx *c, const struct post *p, struct comment *cm,
    struct str body)
{
	struct app_mentions am;
	const char *html, *link;
	int rc;

	if (comment_body(c, &body, &html, &am) != 0)
		return -1;
	link = arena_printf(c->a, "%s#c%lld", app_post_href(c, p),
	    (long long)cm->id);
	/* the text and the names it newly mentions commit together; a held
	 * comment tells nobody */
	if ((rc = store_begin(c->s)) == STORE_OK) {
		rc = store_comment_edit(c->s, cm->id, str_dup(c->a, body), html,
		    c->now);
		if (rc == STORE_OK && !cm->held)
			rc = app_mentions_notify(c, &am, VOTE_COMMENT, cm->id,
			    p->id, link, str_dup(c->a, body), 0);
		rc = app_mod_tx_end(c, rc);
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	cm->body = str_dup(c->a, body);
	cm->body_html = html;
	cm->edited = c->now;
	return 0;
}

/* POST .../c/CID/edit: body. */
void
page_comment_edit(struct ctx *c)
{
	struct post p;
	struct comment cm;

	if (own_comment(c, &p, &cm, false) == 0 &&
	    app_comment_edit(c, &p, &cm, app_form_text(c, "body")) == 0)
		app_redirect(c, arena_printf(c->a, "%s#c%lld",
		    app_post_href(c, &p), (long long)cm.id));
}

/* Deletes comment cm (app_comment_own allowed it); it stays in place as
 * [deleted]. Returns 0, or -1 after answering. */
int
app_comment_delete(struct ctx *c, struct comment *cm)
{
	int rc = store_comment_delete(c->s, cm->id, c->now);

	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	cm->deleted = true;
	return 0;
}

/* GET .../c/CID/delete: asks the author before the comment is deleted. */
void
page_comment_delete_form(struct ctx *c)
{
	struct post p;
	struct comment cm;
	const char *href;

	if (own_comment(c, &p, &cm, true) != 0)
		return;
	href = arena_printf(c->a, "/s/%s/p/%lld/c/%lld", p.community,
	    (long long)p.id, (long long)cm.id);
	app_delete_confirm(c, "comment", cm.body, arena_printf(c->a,
	    "%s/delete", href), href);
}

/* POST .../c/CID/delete: the comment stays in place as [deleted]. */
void
page_comment_delete(struct ctx *c)
{
	struct post p;
	struct comment cm;

	if (own_comment(c, &p, &cm, true) == 0 && app_comment_delete(c, &cm) == 0)
		app_redirect(c, arena_printf(c->a, "%s#c%lld",
		    app_post_href(c, &p), (long long)cm.id));
}

/*
 * The page that asks before an author's deletion (GET .../delete): what
 * goes (quote, as text), a button that posts the deletion to action and
 * a way back to back. Without JavaScript this page is the confirmation;
 * parley.js asks in place instead.
 */
void
app_delete_confirm(struct ctx *c, const char *what, const char *quote,
    const char *action, const char *back)
{
	struct html h;

	page_begin(c, &h, arena_printf(c->a, "Delete this %s?", what));
	html_raw_literal(&h, "<div class=\"content\"><h1>");
	html_textf(&h, "Delete this %s?", what);
	html_raw_literal(&h, "</h1><blockquote class=\"body\">");
	html_text_c(&h, quote ? quote : "");
	html_raw_literal(&h, "</blockquote><p>It keeps its place as [deleted], "
	    "without its text. This cannot be undone.</p><form method=\"post\"");
	html_attr_c(&h, "action", action);
	html_raw_literal(&h, ">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<p><button>delete</button> <a");
	html_attr_c(&h, "href", back);
	html_raw_literal(&h, ">cancel</a></p></form></div>");
	page_end(c, &h);
}
