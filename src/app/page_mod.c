/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_mod.c: POST /mod, the moderators' actions: on items (remove,
 * restore, approve, dismiss, lock, sticky and their undoing), bans and
 * appointing moderators.
 *
 * One table names every action: its handler, the authz() rule asked
 * before anything is written, and the line it leaves in the mod log.
 * Each action writes its change and that line in one transaction.
 */
#include "app_int.h"

#include <string.h>

struct mod_act;

/* An item action's change, inside the action's transaction. */
typedef int (*item_apply)(struct ctx *c, const struct mod_act *a,
    const struct mod_item *it, int64_t id, const char *reason);

/* One action of POST /mod. */
struct mod_act {
	const char *name;        /* the form's action field */
	void (*handler)(struct ctx *c, const struct mod_act *a);
	item_apply apply;        /* item actions: the change itself */
	enum authz_act authz;    /* asked first, about the community */
	enum authz_act authz_site; /* bans: asked when no community is named */
	const char *log;         /* the mod log's action */
	bool on;                 /* lock or unlock, ban or unban, ... */
	bool post_only;          /* posts only: lock, sticky */
};

/* ---- item actions --------------------------------------------------------- */

/* Clears a removed or held mark (or sets removed) and resolves reports. */
static int
set_removed(struct ctx *c, const struct mod_item *it, int64_t id, bool on,
    const char *reason)
{
	int rc = it->kind == VOTE_POST ?
	    store_post_set_removed(c->s, id, on, reason) :
	    store_comment_set_removed(c->s, id, on, reason);

	if (rc == STORE_OK)
		rc = it->kind == VOTE_POST ? store_post_set_held(c->s, id, false) :
		    store_comment_set_held(c->s, id, false);
	if (rc == STORE_OK)
		rc = store_report_resolve(c->s, it->kind, id, c->user->id, c->now);
	return rc;
}

static int
apply_remove(struct ctx *c, const struct mod_act *a, const struct mod_item *it,
    int64_t id, const char *reason)
{
	int rc = set_removed(c, it, id, true, reason);

	/* a notice in the author's inbox, naming the item (JSON post and
	 * comment) */
	if (rc == STORE_OK)
		rc = store_inbox_add(c->s, &(struct inbox_item){
		    .user_id = it->author_id, .kind = INBOX_NOTICE,
		    .text = arena_printf(c->a,
		    "Your %s was removed by the moderators of s/%s%s%s",
		    it->kind == VOTE_POST ? "post" : "comment",
		    it->post.community, reason ? ": " : ".",
		    reason ? reason : ""), .link = app_mod_item_href(c, it),
		    .post_id = it->post.id,
		    .comment_id = it->kind == VOTE_COMMENT ? id : 0,
		    .created = c->now }, NULL);
	return rc;
}

/* restore and approve */
static int
apply_restore(struct ctx *c, const struct mod_act *a, const struct mod_item *it,
    int64_t id, const char *reason)
{
	return set_removed(c, it, id, false, NULL);
}

static int
apply_dismiss(struct ctx *c, const struct mod_act *a, const struct mod_item *it,
    int64_t id, const char *reason)
{
	return store_report_resolve(c->s, it->kind, id, c->user->id, c->now);
}

static int
apply_lock(struct ctx *c, const struct mod_act *a, const struct mod_item *it,
    int64_t id, const char *reason)
{
	return store_post_set_locked(c->s, id, a->on);
}

static int
apply_sticky(struct ctx *c, const struct mod_act *a, const struct mod_item *it,
    int64_t id, const char *reason)
{
	return store_post_set_stickied(c->s, id, a->on);
}

/* An action on the form's post or comment (kind, id, reason). */
static void
item_action(struct ctx *c, const struct mod_act *a)
{
	struct mod_item it;
	const char *reason = NULL;
	int64_t id;
	int rc;

	if (app_mod_item_load(c, &it) != 0 || app_mod_reason(c, &reason) != 0)
		return;
	if (authz(c, a->authz, &(struct authz_target){
	    .community_id = it.post.community_id }) != 0)
		return;
	if (a->post_only && it.kind != VOTE_POST) {
		app_error(c, 400, "posts_only", "Only posts are locked or stickied.");
		return;
	}
	id = app_mod_item_id(&it);
	if ((rc = store_begin(c->s)) != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	rc = a->apply(c, a, &it, id, reason);
	if (rc == STORE_OK)
		rc = app_mod_log(c, a->log, it.kind, id, it.post.community_id,
		    it.author_id, reason, 0);
	rc = app_mod_tx_end(c, rc);
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
	app_mod_done(c, app_mod_item_href(c, &it));
}

/* ---- bans and moderators ---------------------------------------------------- */

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

/* ban, unban: from a community, or site-wide when none is named. */
static void
ban_action(struct ctx *c, const struct mod_act *a)
{
	bool ban = a->on;
	struct user u;
	struct community cm;
	struct str dur = app_form_text(c, "duration");
	const char *reason = NULL;
	int64_t secs = 0, expires = 0;
	int rc;

	if (load_user_community(c, &u, &cm, false) != 0 ||
	    app_mod_reason(c, &reason) != 0)
		return;
	if (authz(c, cm.id ? a->authz : a->authz_site,
	    &(struct authz_target){ .community_id = cm.id, .user_id = u.id,
	    .user_admin = ban && u.role == ROLE_ADMIN }) != 0)
		return;
	if (ban && dur.len > 0 && (dur.len > DURATION_MAX ||
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
		rc = app_mod_log(c, a->log, 0, 0, cm.id, u.id, reason, expires);
	if (rc == STORE_OK && ban)
		rc = store_notify(c->s, u.id, arena_printf(c->a, "You were banned "
		    "%s%s%s%s%s%s.", cm.id ? "from s/" : "from this site",
		    cm.id ? cm.name : "", expires ? " for " : " for good",
		    expires ? str_dup(c->a, dur) : "", reason ? ". Reason: " : "",
		    reason ? reason : ""),
		    cm.id ? arena_printf(c->a, "/s/%s", cm.name) : "/", c->now);
	rc = app_mod_tx_end(c, rc);
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_banned", "That user is not banned there.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	app_mod_done(c, cm.id ? arena_printf(c->a, "/s/%s/modlog", cm.name) : "/modlog");
}

/* appoint, unappoint: a community's moderators. */
static void
appoint_action(struct ctx *c, const struct mod_act *a)
{
	bool appoint = a->on;
	struct user u;
	struct community cm;
	int rc;

	if (load_user_community(c, &u, &cm, true) != 0)
		return;
	if (authz(c, a->authz, &(struct authz_target){ .community_id = cm.id,
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
		rc = app_mod_log(c, a->log, 0, 0, cm.id, u.id, NULL, 0);
	rc = app_mod_tx_end(c, rc);
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
	app_mod_done(c, arena_printf(c->a, "/s/%s", cm.name));
}

/* ---- the table ------------------------------------------------------------ */

static const struct mod_act actions[] = {
	{ "remove", item_action, apply_remove, AZ_MOD, AZ_MOD, "remove", true,
	  false },
	{ "restore", item_action, apply_restore, AZ_MOD, AZ_MOD, "restore", false,
	  false },
	{ "approve", item_action, apply_restore, AZ_MOD, AZ_MOD, "approve", false,
	  false },
	{ "dismiss", item_action, apply_dismiss, AZ_MOD, AZ_MOD, "dismiss", false,
	  false },
	{ "lock", item_action, apply_lock, AZ_MOD, AZ_MOD, "lock", true, true },
	{ "unlock", item_action, apply_lock, AZ_MOD, AZ_MOD, "unlock", false,
	  true },
	{ "sticky", item_action, apply_sticky, AZ_MOD, AZ_MOD, "sticky", true,
	  true },
	{ "unsticky", item_action, apply_sticky, AZ_MOD, AZ_MOD, "unsticky", false,
	  true },
	{ "ban", ban_action, NULL, AZ_MOD_BAN, AZ_SITE_BAN, "ban", true, false },
	{ "unban", ban_action, NULL, AZ_MOD_BAN, AZ_SITE_BAN, "unban", false,
	  false },
	{ "appoint", appoint_action, NULL, AZ_APPOINT, AZ_APPOINT, "appoint",
	  true, false },
	{ "unappoint", appoint_action, NULL, AZ_APPOINT, AZ_APPOINT, "unappoint",
	  false, false },
};

/* POST /mod: action and its fields (SPEC.md, Moderation). */
void
page_mod(struct ctx *c)
{
	struct str action = http_form(c->r, "action");

	for (size_t i = 0; i < ARRAY_LEN(actions); i++) {
		if (str_eq_lit(action, actions[i].name)) {
			actions[i].handler(c, &actions[i]);
			return;
		}
	}
	app_error(c, 400, "bad_action", "Unknown moderation action.");
}
