/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_mod.c: moderation: reports, the moderators' queue, the actions of
 * POST /mod, the public mod log and editing a community.
 *
 * Every action asks authz() first and writes one line to the mod log. The
 * log is public; it names the moderator, never a reporter.
 */
#include "app_int.h"

#include <string.h>

#define REASON_MAX 500
#define QUEUE_MAX 100

/* ---- the item an action is about ---------------------------------------- */

struct item {
	int kind;                /* VOTE_POST or VOTE_COMMENT */
	struct post post;        /* the post, or the comment's post */
	struct comment comment;  /* when kind is VOTE_COMMENT */
	int64_t author_id;
};

/* Reads kind and id from the form and loads the item. -1 after answering. */
static int
load_item(struct ctx *c, struct item *it)
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

static int64_t
item_id(const struct item *it)
{
	return it->kind == VOTE_POST ? it->post.id : it->comment.id;
}

static const char *
item_href(struct ctx *c, const struct item *it)
{
	const char *post = app_post_href(c, &it->post);

	if (it->kind == VOTE_POST)
		return post;
	return arena_printf(c->a, "/s/%s/p/%lld/c/%lld", it->post.community,
	    (long long)it->post.id, (long long)it->comment.id);
}

/* Reads the optional reason: at most REASON_MAX characters on one line. */
static int
read_reason(struct ctx *c, const char **out)
{
	struct str r = app_form_text(c, "reason");

	if (!app_valid_text(r, REASON_MAX) || str_has_ctl(r, false)) {
		app_error(c, 400, "bad_reason", "A reason is at most 500 characters "
		    "on one line.");
		return -1;
	}
	*out = r.len ? str_dup(c->a, r) : NULL;
	return 0;
}

/* Answers a finished action: JSON {"ok"} or 303 back or to the item. */
static void
done(struct ctx *c, const char *fallback)
{
	const char *back;

	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_key(&j, "ok");
		json_bool(&j, true);
		json_obj_close(&j);
		return;
	}
	back = app_back_path(c);
	app_redirect(c, back ? back : fallback);
}

/* ---- POST /report -------------------------------------------------------- */

/* POST /report: kind, id, reason. One open report per user and item. */
void
page_report(struct ctx *c)
{
	struct item it;
	struct str reason = app_form_text(c, "reason");
	int rc;

	if (load_item(c, &it) != 0)
		return;
	if (authz(c, AZ_REPORT, &(struct authz_target){
	    .community_id = it.post.community_id }) != 0)
		return;
	if (reason.len == 0 || !app_valid_text(reason, REASON_MAX)) {
		app_error(c, 400, "bad_reason", "Say why, in 1 to 500 characters.");
		return;
	}
	rc = store_report_add(c->s, it.kind, item_id(&it), it.post.community_id,
	    c->user->id, str_dup(c->a, reason), c->now);
	if (rc == STORE_CONFLICT) {
		app_error(c, 409, "already_reported", "You have already reported "
		    "this; the moderators will look at it.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	done(c, item_href(c, &it));
}

/* ---- POST /mod: item actions ---------------------------------------------- */

/* Ends the transaction an action began: commits after success. */
static int
tx_end(struct ctx *c, int rc)
{
	if (rc == STORE_OK)
		return store_commit(c->s);
	store_rollback(c->s);
	return rc;
}

static int
log_action(struct ctx *c, const char *action, int kind, int64_t target,
    int64_t community_id, int64_t target_user, const char *reason,
    int64_t expires)
{
	struct mod_action m = {
		.action = action, .kind = kind, .target_id = target,
		.reason = reason, .created = c->now, .expires = expires,
	};

	return store_modlog_add(c->s, &m, community_id, c->user->id, target_user);
}

/* remove, restore, approve, dismiss, lock, unlock, sticky, unsticky. */
static void
item_action(struct ctx *c, struct str action)
{
	struct item it;
	const char *reason = NULL, *act = str_dup(c->a, action);
	int64_t id;
	bool post_only = str_eq_lit(action, "lock") ||
	    str_eq_lit(action, "unlock") || str_eq_lit(action, "sticky") ||
	    str_eq_lit(action, "unsticky");
	int rc;

	if (load_item(c, &it) != 0 || read_reason(c, &reason) != 0)
		return;
	if (authz(c, AZ_MOD, &(struct authz_target){
	    .community_id = it.post.community_id }) != 0)
		return;
	if (post_only && it.kind != VOTE_POST) {
		app_error(c, 400, "posts_only", "Only posts are locked or stickied.");
		return;
	}
	id = item_id(&it);
	if ((rc = store_begin(c->s)) != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (str_eq_lit(action, "remove")) {
		rc = it.kind == VOTE_POST ?
		    store_post_set_removed(c->s, id, true, reason) :
		    store_comment_set_removed(c->s, id, true, reason);
		if (rc == STORE_OK)
			rc = it.kind == VOTE_POST ? store_post_set_held(c->s, id, false) :
			    store_comment_set_held(c->s, id, false);
		if (rc == STORE_OK)
			rc = store_report_resolve(c->s, it.kind, id, c->user->id, c->now);
		if (rc == STORE_OK)
			rc = store_notify(c->s, it.author_id, arena_printf(c->a,
			    "Your %s was removed by the moderators of s/%s%s%s",
			    it.kind == VOTE_POST ? "post" : "comment",
			    it.post.community, reason ? ": " : ".",
			    reason ? reason : ""), item_href(c, &it), c->now);
	} else if (str_eq_lit(action, "restore") || str_eq_lit(action, "approve")) {
		rc = it.kind == VOTE_POST ?
		    store_post_set_removed(c->s, id, false, NULL) :
		    store_comment_set_removed(c->s, id, false, NULL);
		if (rc == STORE_OK)
			rc = it.kind == VOTE_POST ? store_post_set_held(c->s, id, false) :
			    store_comment_set_held(c->s, id, false);
		if (rc == STORE_OK)
			rc = store_report_resolve(c->s, it.kind, id, c->user->id, c->now);
	} else if (str_eq_lit(action, "dismiss")) {
		rc = store_report_resolve(c->s, it.kind, id, c->user->id, c->now);
	} else if (str_eq_lit(action, "lock") || str_eq_lit(action, "unlock")) {
		rc = store_post_set_locked(c->s, id, str_eq_lit(action, "lock"));
	} else {
		rc = store_post_set_stickied(c->s, id, str_eq_lit(action, "sticky"));
	}
	if (rc == STORE_OK)
		rc = log_action(c, act, it.kind, id, it.post.community_id,
		    it.author_id, reason, 0);
	rc = tx_end(c, rc);
	if (rc == STORE_CONFLICT) {
		app_error(c, 409, "sticky_limit", "A community has at most two "
		    "stickied posts: unsticky one first.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_archive_drop(it.post.community, it.post.id);
	done(c, item_href(c, &it));
}

/* ---- POST /mod: bans and moderators ------------------------------------- */

/* Loads the form's user (by name) and, when named, community. */
static int
load_user_community(struct ctx *c, struct user *u, struct community *cm,
    bool need_community)
{
	struct str name = app_form_text(c, "user");
	struct str comm = app_form_text(c, "community");
	int rc;

	memset(cm, 0, sizeof(*cm));
	if (!app_valid_name(name, true)) {
		app_error(c, 400, "bad_user", "Name the user.");
		return -1;
	}
	rc = store_user_by_name(c->s, c->a, str_dup(c->a, name), u, NULL);
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "no_user", "There is no such user.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (comm.len == 0 && !need_community)
		return 0;
	if (!app_valid_name(comm, false)) {
		app_error(c, 400, "bad_community", "Name the community.");
		return -1;
	}
	rc = store_community_by_name(c->s, c->a, str_dup(c->a, comm), cm);
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "no_community", "There is no such community.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return 0;
}

static void
ban_action(struct ctx *c, bool ban)
{
	struct user u;
	struct community cm;
	struct str dur = app_form_text(c, "duration");
	const char *reason = NULL;
	int64_t secs = 0, expires = 0;
	int rc;

	if (load_user_community(c, &u, &cm, false) != 0 ||
	    read_reason(c, &reason) != 0)
		return;
	if (authz(c, cm.id ? AZ_MOD_BAN : AZ_SITE_BAN,
	    &(struct authz_target){ .community_id = cm.id, .user_id = u.id,
	    .user_admin = ban && u.role == ROLE_ADMIN }) != 0)
		return;
	if (ban && dur.len > 0 && (dur.len > 20 ||
	    base_parse_duration(str_dup(c->a, dur), &secs) != 0 || secs <= 0)) {
		app_error(c, 400, "bad_duration", "A duration is like 12h or 30d; "
		    "leave it empty for good.");
		return;
	}
	if (secs > 0)
		expires = c->now + secs;
	if ((rc = store_begin(c->s)) != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	rc = ban ? store_ban_add(c->s, cm.id, u.id, c->user->id, reason, c->now,
	    expires) : store_ban_remove(c->s, cm.id, u.id);
	if (rc == STORE_OK)
		rc = log_action(c, ban ? "ban" : "unban", 0, 0, cm.id, u.id, reason,
		    expires);
	if (rc == STORE_OK && ban)
		rc = store_notify(c->s, u.id, arena_printf(c->a, "You were banned "
		    "%s%s%s%s%s%s.", cm.id ? "from s/" : "from this site",
		    cm.id ? cm.name : "", expires ? " for " : " for good",
		    expires ? str_dup(c->a, dur) : "", reason ? ". Reason: " : "",
		    reason ? reason : ""),
		    cm.id ? arena_printf(c->a, "/s/%s", cm.name) : "/", c->now);
	rc = tx_end(c, rc);
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_banned", "That user is not banned there.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	done(c, cm.id ? arena_printf(c->a, "/s/%s/modlog", cm.name) : "/modlog");
}

static void
appoint_action(struct ctx *c, bool appoint)
{
	struct user u;
	struct community cm;
	int rc;

	if (load_user_community(c, &u, &cm, true) != 0)
		return;
	if (authz(c, AZ_APPOINT, &(struct authz_target){ .community_id = cm.id,
	    .creator_id = cm.creator_id }) != 0)
		return;
	if (u.deleted) {
		app_error(c, 400, "deleted_user", "That account is deleted.");
		return;
	}
	if ((rc = store_begin(c->s)) != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	rc = appoint ? store_moderator_add(c->s, cm.id, u.id, c->now) :
	    store_moderator_remove(c->s, cm.id, u.id);
	if (rc == STORE_OK)
		rc = log_action(c, appoint ? "appoint" : "unappoint", 0, 0, cm.id,
		    u.id, NULL, 0);
	rc = tx_end(c, rc);
	if (rc == STORE_CONFLICT) {
		app_error(c, 409, "already_moderator", "That user already moderates "
		    "this community.");
		return;
	}
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_moderator", "That user does not moderate this "
		    "community.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	done(c, arena_printf(c->a, "/s/%s", cm.name));
}

/* POST /mod: action and its fields (SPEC.md, Moderation). */
void
page_mod(struct ctx *c)
{
	static const char *item_actions[] = { "remove", "restore", "approve",
		"dismiss", "lock", "unlock", "sticky", "unsticky" };
	struct str action = http_form(c->r, "action");

	for (size_t i = 0; i < ARRAY_LEN(item_actions); i++) {
		if (str_eq_lit(action, item_actions[i])) {
			item_action(c, action);
			return;
		}
	}
	if (str_eq_lit(action, "ban") || str_eq_lit(action, "unban"))
		ban_action(c, str_eq_lit(action, "ban"));
	else if (str_eq_lit(action, "appoint") || str_eq_lit(action, "unappoint"))
		appoint_action(c, str_eq_lit(action, "appoint"));
	else
		app_error(c, 400, "bad_action", "Unknown moderation action.");
}

/* ---- the mod log ----------------------------------------------------------- */

static void
modlog_page(struct ctx *c, const struct community *cm)
{
	struct modlog_query q = { .community_id = cm ? cm->id : 0,
		.limit = PAGE_SIZE + 1 };
	struct str mod = http_query(c->r, "mod");
	struct str action = http_query(c->r, "action");
	struct str after = http_query(c->r, "after");
	struct mod_action *m;
	struct html h;
	size_t n;
	bool more;
	int rc;

	if (mod.len > 0) {
		struct user u;

		if (!app_valid_name(mod, true) || store_user_by_name(c->s, c->a,
		    str_dup(c->a, mod), &u, NULL) != STORE_OK) {
			app_error(c, 404, "no_user", "There is no such moderator.");
			return;
		}
		q.mod_id = u.id;
	}
	if (action.len > 0) {
		if (action.len > 20 || strspn(str_dup(c->a, action),
		    "abcdefghijklmnopqrstuvwxyz ") != action.len) {
			app_error(c, 400, "bad_action", "Unknown action.");
			return;
		}
		q.action = str_dup(c->a, action);
	}
	if (after.p != NULL && (!str_to_i64(after, &q.after) || q.after <= 0)) {
		app_error(c, 400, "bad_cursor", "The after cursor is a log line id.");
		return;
	}
	rc = store_modlog_list(c->s, c->a, &q, &m, &n);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	more = n > PAGE_SIZE;
	if (more)
		n = PAGE_SIZE;
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_key(&j, "actions");
		json_arr_open(&j);
		for (size_t i = 0; i < n; i++) {
			json_obj_open(&j);
			json_key(&j, "id");
			json_int(&j, m[i].id);
			json_key(&j, "community");
			json_str_c(&j, m[i].community);
			json_key(&j, "moderator");
			json_str_c(&j, m[i].mod);
			json_key(&j, "action");
			json_str_c(&j, m[i].action);
			json_key(&j, "kind");
			if (m[i].target_id)
				json_str_c(&j, m[i].kind == VOTE_POST ? "post" : "comment");
			else
				json_null(&j);
			json_key(&j, "target");
			if (m[i].target_id)
				json_int(&j, m[i].target_id);
			else
				json_null(&j);
			json_key(&j, "user");
			json_str_c(&j, m[i].target_user);
			json_key(&j, "reason");
			json_str_c(&j, m[i].reason);
			json_key(&j, "created");
			json_time(&j, m[i].created);
			json_key(&j, "expires");
			if (m[i].expires)
				json_time(&j, m[i].expires);
			else
				json_null(&j);
			/* The chain (docs/VERIFY.md): every field above is hashed. */
			json_key(&j, "seq");
			json_int(&j, m[i].seq);
			json_key(&j, "prev");
			json_str_c(&j, m[i].prev);
			json_key(&j, "hash");
			json_str_c(&j, m[i].hash);
			json_obj_close(&j);
		}
		json_arr_close(&j);
		json_key(&j, "after");
		if (more)
			json_str_c(&j, arena_printf(c->a, "%lld", (long long)m[n - 1].id));
		else
			json_null(&j);
		json_obj_close(&j);
		return;
	}
	page_begin(c, &h, "Moderation log");
	html_raw_literal(&h, "<div class=\"content\"><h1>Moderation log");
	if (cm != NULL) {
		html_raw_literal(&h, " of <a");
		html_attr(&h, "href", str_c(arena_printf(c->a, "/s/%s", cm->name)));
		html_raw_literal(&h, ">s/");
		html_text_c(&h, cm->name);
		html_raw_literal(&h, "</a>");
	}
	html_raw_literal(&h, "</h1><form class=\"filters\" method=\"get\">"
	    "<input type=\"text\" name=\"mod\" placeholder=\"moderator\" "
	    "maxlength=\"24\"");
	html_attr(&h, "value", mod.p ? mod : STR_LIT(""));
	html_raw_literal(&h, "><input type=\"text\" name=\"action\" "
	    "placeholder=\"action\" maxlength=\"20\"");
	html_attr(&h, "value", action.p ? action : STR_LIT(""));
	html_raw_literal(&h, "><button>filter</button></form><table class=\"log\">"
	    "<tr><th>when</th><th>moderator</th><th>action</th><th>on</th>"
	    "<th>reason</th></tr>");
	for (size_t i = 0; i < n; i++) {
		html_raw_literal(&h, "<tr><td>");
		html_time(&h, m[i].created, c->now);
		html_raw_literal(&h, "</td><td>");
		html_text_c(&h, m[i].mod);
		html_raw_literal(&h, "</td><td>");
		html_text_c(&h, m[i].action);
		if (m[i].expires) {
			html_raw_literal(&h, " until ");
			html_time(&h, m[i].expires, m[i].expires);
		}
		html_raw_literal(&h, "</td><td>");
		if (m[i].community) {
			html_raw_literal(&h, "s/");
			html_text_c(&h, m[i].community);
			html_raw_literal(&h, " ");
		}
		if (m[i].target_id) {
			html_text_c(&h, m[i].kind == VOTE_POST ? "post " : "comment ");
			html_int(&h, m[i].target_id);
			html_raw_literal(&h, " ");
		}
		if (m[i].target_user) {
			html_raw_literal(&h, "by ");
			html_text_c(&h, m[i].target_user);
		}
		html_raw_literal(&h, "</td><td>");
		html_text_c(&h, m[i].reason ? m[i].reason : "");
		html_raw_literal(&h, "</td></tr>");
	}
	html_raw_literal(&h, "</table>");
	if (n == 0)
		html_raw_literal(&h, "<p>Nothing logged yet.</p>");
	if (more) {
		html_raw_literal(&h, "<p class=\"pager\"><a rel=\"next\"");
		html_attr(&h, "href", str_c(arena_printf(c->a,
		    "%s?after=%lld%s%s%s%s", cm ? arena_printf(c->a, "/s/%s/modlog",
		    cm->name) : "/modlog", (long long)m[n - 1].id, mod.len ? "&mod=" : "",
		    mod.len ? str_dup(c->a, mod) : "", action.len ? "&action=" : "",
		    action.len ? str_dup(c->a, action) : "")));
		html_raw_literal(&h, ">older ›</a></p>");
	}
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/* GET /modlog[?community=NAME]: every community's moderation, or one's. */
void
page_modlog(struct ctx *c)
{
	struct str name = http_query(c->r, "community");
	struct community cm;
	int rc;

	if (name.len == 0) {
		modlog_page(c, NULL);
		return;
	}
	rc = app_valid_name(name, false) ? store_community_by_name(c->s, c->a,
	    str_dup(c->a, name), &cm) : STORE_NOTFOUND;
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "There is no such community.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	modlog_page(c, &cm);
}

static int
route_community(struct ctx *c, struct community *cm)
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

/* GET /s/NAME/modlog */
void
page_community_modlog(struct ctx *c)
{
	struct community cm;

	if (route_community(c, &cm) == 0)
		modlog_page(c, &cm);
}

/* ---- the queue ------------------------------------------------------------- */

/* One button of the queue: a form posting action on kind/id to /mod. */
static void
mod_button(struct ctx *c, struct html *h, const char *action, int kind,
    int64_t id, bool with_reason)
{
	html_raw_literal(h, "<form method=\"post\" action=\"/mod\" class=\"inline\">");
	app_csrf_field(c, h);
	html_raw_literal(h, "<input type=\"hidden\" name=\"action\"");
	html_attr_c(h, "value", action);
	html_raw_literal(h, "><input type=\"hidden\" name=\"kind\"");
	html_attr_c(h, "value", kind == VOTE_POST ? "post" : "comment");
	html_raw_literal(h, "><input type=\"hidden\" name=\"id\"");
	html_attr_i64(h, "value", id);
	html_raw_literal(h, ">");
	if (with_reason)
		html_raw_literal(h, "<input type=\"text\" name=\"reason\" "
		    "maxlength=\"500\" placeholder=\"reason\">");
	html_raw_literal(h, "<button>");
	html_text_c(h, action);
	html_raw_literal(h, "</button></form> ");
}

/* Writes the item a queue row is about, with its text for moderators. */
static void
queue_item(struct ctx *c, struct html *h, int kind, int64_t id)
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
		title = arena_printf(c->a, "comment on “%s”", p.title);
	} else {
		if (store_post_get(c->s, c->a, id, 0, &p) != STORE_OK)
			return;
		html = p.body_html;
		author = p.author;
		href = app_post_href(c, &p);
		title = p.title;
	}
	html_raw_literal(h, "<div class=\"queue-item\"><a");
	html_attr_c(h, "href", href);
	html_raw_literal(h, ">");
	html_text_c(h, title);
	html_raw_literal(h, "</a> <span class=\"meta\">by ");
	html_text_c(h, author);
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

/* GET /s/NAME/mod/queue: open reports, held items, recent removals. */
void
page_mod_queue(struct ctx *c)
{
	struct community cm;
	struct report *reps;
	struct post *hp;
	struct comment *hc;
	struct mod_action *rem;
	size_t nrep, nhp, nhc, nrem;
	struct modlog_query q = { .action = "remove", .limit = PAGE_SIZE };
	struct html h;
	int rc;

	if (route_community(c, &cm) != 0 ||
	    authz(c, AZ_MOD, &(struct authz_target){ .community_id = cm.id }) != 0)
		return;
	q.community_id = cm.id;
	rc = store_report_queue(c->s, c->a, cm.id, QUEUE_MAX, &reps, &nrep);
	if (rc == STORE_OK)
		rc = store_held_posts(c->s, c->a, cm.id, QUEUE_MAX, &hp, &nhp);
	if (rc == STORE_OK)
		rc = store_held_comments(c->s, c->a, cm.id, QUEUE_MAX, &hc, &nhc);
	if (rc == STORE_OK)
		rc = store_modlog_list(c->s, c->a, &q, &rem, &nrem);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_key(&j, "reports");
		json_arr_open(&j);
		for (size_t i = 0; i < nrep; i++) {
			json_obj_open(&j);
			json_key(&j, "id");
			json_int(&j, reps[i].id);
			json_key(&j, "kind");
			json_str_c(&j, reps[i].kind == VOTE_POST ? "post" : "comment");
			json_key(&j, "target");
			json_int(&j, reps[i].target_id);
			json_key(&j, "reason");
			json_str_c(&j, reps[i].reason);
			json_key(&j, "created");
			json_time(&j, reps[i].created);
			json_obj_close(&j);
		}
		json_arr_close(&j);
		json_key(&j, "held_posts");
		json_arr_open(&j);
		for (size_t i = 0; i < nhp; i++)
			app_json_post(c, &j, &hp[i]);
		json_arr_close(&j);
		json_key(&j, "held_comments");
		json_arr_open(&j);
		for (size_t i = 0; i < nhc; i++)
			app_json_comment(c, &j, &hc[i]);
		json_arr_close(&j);
		json_obj_close(&j);
		return;
	}
	page_begin(c, &h, "Moderation queue");
	html_raw_literal(&h, "<div class=\"content\"><h1>Queue of <a");
	html_attr(&h, "href", str_c(arena_printf(c->a, "/s/%s", cm.name)));
	html_raw_literal(&h, ">s/");
	html_text_c(&h, cm.name);
	html_raw_literal(&h, "</a></h1><p class=\"meta\"><a");
	html_attr(&h, "href", str_c(arena_printf(c->a, "/s/%s/mod/edit", cm.name)));
	html_raw_literal(&h, ">edit description and rules</a> · <a");
	html_attr(&h, "href", str_c(arena_printf(c->a, "/s/%s/modlog", cm.name)));
	html_raw_literal(&h, ">mod log</a></p><h2>Reports</h2>");
	for (size_t i = 0; i < nrep; i++) {
		html_raw_literal(&h, "<div class=\"box\"><p class=\"meta\">reported ");
		html_time(&h, reps[i].created, c->now);
		html_raw_literal(&h, ": ");
		html_text_c(&h, reps[i].reason);
		html_raw_literal(&h, "</p>");
		queue_item(c, &h, reps[i].kind, reps[i].target_id);
		mod_button(c, &h, "remove", reps[i].kind, reps[i].target_id, true);
		mod_button(c, &h, "approve", reps[i].kind, reps[i].target_id, false);
		mod_button(c, &h, "dismiss", reps[i].kind, reps[i].target_id, false);
		html_raw_literal(&h, "</div>");
	}
	if (nrep == 0)
		html_raw_literal(&h, "<p>No open reports.</p>");
	html_raw_literal(&h, "<h2>Held for review</h2>");
	for (size_t i = 0; i < nhp; i++) {
		html_raw_literal(&h, "<div class=\"box\">");
		queue_item(c, &h, VOTE_POST, hp[i].id);
		mod_button(c, &h, "approve", VOTE_POST, hp[i].id, false);
		mod_button(c, &h, "remove", VOTE_POST, hp[i].id, true);
		html_raw_literal(&h, "</div>");
	}
	for (size_t i = 0; i < nhc; i++) {
		html_raw_literal(&h, "<div class=\"box\">");
		queue_item(c, &h, VOTE_COMMENT, hc[i].id);
		mod_button(c, &h, "approve", VOTE_COMMENT, hc[i].id, false);
		mod_button(c, &h, "remove", VOTE_COMMENT, hc[i].id, true);
		html_raw_literal(&h, "</div>");
	}
	if (nhp + nhc == 0)
		html_raw_literal(&h, "<p>Nothing held.</p>");
	html_raw_literal(&h, "<h2>Recent removals</h2><ul>");
	for (size_t i = 0; i < nrem; i++) {
		html_raw_literal(&h, "<li>");
		html_time(&h, rem[i].created, c->now);
		html_raw_literal(&h, " ");
		html_text_c(&h, rem[i].mod);
		html_raw_literal(&h, " removed ");
		html_text_c(&h, rem[i].kind == VOTE_POST ? "post " : "comment ");
		html_int(&h, rem[i].target_id);
		html_raw_literal(&h, " ");
		mod_button(c, &h, "restore", rem[i].kind, rem[i].target_id, false);
		html_raw_literal(&h, "</li>");
	}
	html_raw_literal(&h, "</ul></div>");
	page_end(c, &h);
}

/* ---- editing a community ------------------------------------------------------ */

/* GET /s/NAME/mod/edit */
void
page_community_edit_form(struct ctx *c)
{
	struct community cm;
	struct html h;

	if (route_community(c, &cm) != 0 || authz(c, AZ_COMMUNITY_EDIT,
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
	    "type=\"text\" id=\"title\" name=\"title\" required maxlength=\"100\"");
	html_attr_c(&h, "value", cm.title);
	html_raw_literal(&h, "><label for=\"description\">description "
	    "(markdown)</label><textarea id=\"description\" name=\"description\" "
	    "maxlength=\"10000\">");
	html_text_c(&h, cm.description ? cm.description : "");
	html_raw_literal(&h, "</textarea><label for=\"rules\">rules (markdown)"
	    "</label><textarea id=\"rules\" name=\"rules\" maxlength=\"10000\">");
	html_text_c(&h, cm.rules ? cm.rules : "");
	html_raw_literal(&h, "</textarea><p><button>save</button></p></form>"
	    "<h2>Moderators</h2><form class=\"edit\" method=\"post\" "
	    "action=\"/mod\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<input type=\"hidden\" name=\"community\"");
	html_attr_c(&h, "value", cm.name);
	html_raw_literal(&h, "><label for=\"mu\">user</label><input type=\"text\" "
	    "id=\"mu\" name=\"user\" required maxlength=\"24\"><p>"
	    "<button name=\"action\" value=\"appoint\">appoint</button> "
	    "<button name=\"action\" value=\"unappoint\">remove</button></p></form>"
	    "<h2>Ban a user</h2><form class=\"edit\" method=\"post\" action=\"/mod\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<input type=\"hidden\" name=\"community\"");
	html_attr_c(&h, "value", cm.name);
	html_raw_literal(&h, "><label for=\"bu\">user</label><input type=\"text\" "
	    "id=\"bu\" name=\"user\" required maxlength=\"24\">"
	    "<label for=\"bd\">duration (like 7d; empty = for good)</label>"
	    "<input type=\"text\" id=\"bd\" name=\"duration\" maxlength=\"20\">"
	    "<label for=\"br\">reason</label><input type=\"text\" id=\"br\" "
	    "name=\"reason\" maxlength=\"500\"><p>"
	    "<button name=\"action\" value=\"ban\">ban</button> "
	    "<button name=\"action\" value=\"unban\">unban</button></p></form></div>");
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

	if (route_community(c, &cm) != 0 || authz(c, AZ_COMMUNITY_EDIT,
	    &(struct authz_target){ .community_id = cm.id }) != 0)
		return;
	if (title.len == 0 || !app_valid_text(title, COMMUNITY_TITLE_MAX) ||
	    str_has_ctl(title, false) || !app_valid_text(desc, DESCRIPTION_MAX) ||
	    !app_valid_text(rules, DESCRIPTION_MAX)) {
		app_error(c, 400, "bad_field", "A title is 1 to 100 characters on one "
		    "line; a description or rules at most 10,000.");
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
	rc = store_community_edit(c->s, cm.id, str_dup(c->a, title),
	    str_dup(c->a, desc), dh, str_dup(c->a, rules), rh);
	if (rc == STORE_OK)
		rc = log_action(c, "edit community", 0, 0, cm.id, 0, NULL, 0);
	rc = tx_end(c, rc);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_redirect(c, arena_printf(c->a, "/s/%s", cm.name));
}

/* GET /report?kind=post|comment&id=N: the form that says why. */
void
page_report_form(struct ctx *c)
{
	struct str kind = http_query(c->r, "kind");
	int64_t id;
	struct html h;

	if ((!str_eq_lit(kind, "post") && !str_eq_lit(kind, "comment")) ||
	    !str_to_i64(http_query(c->r, "id"), &id) || id <= 0) {
		app_error(c, 400, "bad_item", "Say which post or comment: kind and id.");
		return;
	}
	page_begin(c, &h, "Report");
	html_raw_literal(&h, "<div class=\"content\"><h1>Report</h1>");
	queue_item(c, &h, str_eq_lit(kind, "post") ? VOTE_POST : VOTE_COMMENT, id);
	html_raw_literal(&h, "<form class=\"edit\" method=\"post\" action=\"/report\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<input type=\"hidden\" name=\"kind\"");
	html_attr(&h, "value", kind);
	html_raw_literal(&h, "><input type=\"hidden\" name=\"id\"");
	html_attr_i64(&h, "value", id);
	html_raw_literal(&h, "><label for=\"reason\">why should the moderators "
	    "look at this?</label><input type=\"text\" id=\"reason\" name=\"reason\" "
	    "required maxlength=\"500\"><p><button>report</button></p></form>"
	    "<p class=\"meta\">Moderators see the reason, never who reported.</p>"
	    "</div>");
	page_end(c, &h);
}
