/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_authz.c: the one place that decides who may change what.
 *
 * Every state-changing handler calls authz() with the action and what it
 * acts on before it writes anything; no handler looks at roles, bans or
 * limits on its own. The rules, in the order they are checked:
 *
 *   signed in            every action
 *   not banned site-wide every action but deleting one's own content,
 *                        settings and blocks
 *   not banned from the  posting, commenting, voting, reporting, editing
 *   community            in it
 *   author               editing and deleting one's own content
 *   moderator or admin   moderating items, community bans, editing the
 *                        community; nobody bans an admin or themself
 *   creator or admin     appointing and removing moderators
 *   admin                site bans, site pages, settings and filters
 *   within limits        posts, comments, votes and private messages per
 *                        hour (stricter for accounts younger than a
 *                        day); admins exempt
 *
 * Who may read a private conversation, and whether a recipient blocks
 * the sender, page_messages.c decides: they are about one conversation,
 * not about roles.
 *
 * A refusal answers 403 with the reason (a ban's reason and end), or 429
 * with Retry-After for a limit, and the handler returns without writing.
 */
#include "app_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NEW_ACCOUNT_SECS 86400
#define HOUR 3600

/* Per-hour limits: the setting's key, its default, and for new accounts. */
static const struct {
	const char *key, *key_new;
	int64_t def, def_new;
} limits[] = {
	[RATE_POST] = { "limit_posts", "limit_posts_new", LIMIT_POSTS,
	    LIMIT_POSTS_NEW },
	[RATE_COMMENT] = { "limit_comments", "limit_comments_new",
	    LIMIT_COMMENTS, LIMIT_COMMENTS_NEW },
	[RATE_VOTE] = { "limit_votes", "limit_votes_new", LIMIT_VOTES,
	    LIMIT_VOTES_NEW },
	[RATE_MESSAGE] = { "limit_messages", "limit_messages_new",
	    LIMIT_MESSAGES, LIMIT_MESSAGES_NEW },
};

/* Reads a numeric site setting, or def when unset or not a number. */
int64_t
app_setting_int(struct ctx *c, const char *key, int64_t def)
{
	const char *v = NULL;
	int64_t n;

	if (store_setting_get(c->s, c->a, key, &v) != STORE_OK ||
	    !str_to_i64(str_c(v), &n) || n < 0)
		return def;
	return n;
}

bool
app_is_admin(const struct ctx *c)
{
	return c->user != NULL && c->user->role == ROLE_ADMIN;
}

/*
 * True when the viewer moderates community_id (admins moderate all). In
 * a template the answer is noted (tmpl_moderated); one rendered for a
 * member who moderates nothing answers false without asking.
 */
bool
app_is_mod(struct ctx *c, int64_t community_id)
{
	bool mod = false;

	if (c->user == NULL)
		return false;
	if (c->user->role == ROLE_ADMIN)
		mod = true;
	else if ((c->tmpl == NULL || c->viewer.moderates) &&
	    store_is_moderator(c->s, community_id, c->user->id, &mod) !=
	    STORE_OK)
		mod = false;
	if (c->tmpl)
		tmpl_moderated(c, community_id, mod);
	return mod;
}

/*
 * True when the signed-in viewer is user_id: the author of an item, who
 * sees it otherwise (edit and delete, removed text). A template is for
 * no one in particular: there it is false, and user_id is noted so that
 * they get their own page.
 */
bool
app_viewer_is(struct ctx *c, int64_t user_id)
{
	if (c->tmpl) {
		tmpl_author(c, user_id);
		return false;
	}
	return c->user != NULL && c->user->id == user_id;
}

/*
 * True when the viewer may see removed or held text: its author, the
 * community's moderators and admins (in a template: nobody).
 */
bool
app_sees_hidden(struct ctx *c, int64_t author_id, int64_t community_id)
{
	return app_viewer_is(c, author_id) || app_is_mod(c, community_id);
}

static void
refuse_ban(struct ctx *c, const struct ban *b)
{
	char until[32];
	const char *msg;

	if (b->expires)
		base_rfc3339(b->expires, until);
	msg = arena_printf(c->a, "You are banned %s%s%s%s%s.",
	    b->community_id ? "from this community" : "from this site",
	    b->expires ? " until " : " for good",
	    b->expires ? until : "",
	    b->reason && b->reason[0] ? ". Reason: " : "",
	    b->reason && b->reason[0] ? b->reason : "");
	app_error(c, 403, "banned", msg);
}

/* 403 and -1 when a ban applies in community_id (0: site-wide only). */
static int
check_ban(struct ctx *c, int64_t community_id)
{
	struct ban b;
	int rc = store_ban_active(c->s, c->a, c->user->id, community_id, c->now,
	    &b);

	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	refuse_ban(c, &b);
	return -1;
}

/* 429 and -1 when the user has used up this hour's allowance of kind. */
static int
check_limit(struct ctx *c, int kind)
{
	bool young = c->now - c->user->created < NEW_ACCOUNT_SECS;
	int64_t max = young ?
	    app_setting_int(c, limits[kind].key_new, limits[kind].def_new) :
	    app_setting_int(c, limits[kind].key, limits[kind].def);
	int64_t used = 0;
	int rc;

	if (app_is_admin(c))
		return 0;
	rc = store_user_activity(c->s, c->user->id, kind, c->now - HOUR, &used);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (used < max)
		return 0;
	http_add_header(c->r, "Retry-After", "3600");
	app_error(c, 429, "rate_limited", arena_printf(c->a, "You have reached "
	    "this site's limit of %lld %s an hour%s. Try again within the hour.",
	    (long long)max, kind == RATE_POST ? "posts" :
	    kind == RATE_COMMENT ? "comments" :
	    kind == RATE_MESSAGE ? "messages" : "votes",
	    young ? " for accounts younger than a day" : ""));
	return -1;
}

static int
deny(struct ctx *c, const char *code, const char *msg)
{
	app_error(c, 403, code, msg);
	return -1;
}

/*
 * Two-factor sign-in: with the setting require_2fa_for_mods on, a
 * moderator or admin without it is sent to enrol (a JSON client gets
 * 403) before any moderator action.
 */
static int
check_2fa(struct ctx *c)
{
	if (app_setting_int(c, "require_2fa_for_mods", 0) == 0 ||
	    app_2fa_enabled(c))
		return 0;
	if (c->json)
		return deny(c, "2fa_required", "Moderators and admins need "
		    "two-factor sign-in on this site: set it up at "
		    "/settings/2fa first.");
	app_redirect(c, "/settings/2fa");
	return -1;
}

/* 403 and -1 unless the viewer is an admin or has the points the
 * setting key asks (def while unset) to do what. */
static int
check_points(struct ctx *c, const char *key, int64_t def, const char *what)
{
	int64_t need = app_setting_int(c, key, def);

	if (app_is_admin(c) || c->user->points >= need)
		return 0;
	return deny(c, "not_enough_points", arena_printf(c->a, "You need %lld "
	    "points to %s on this site; you have %lld.", (long long)need, what,
	    (long long)c->user->points));
}

/* Site admins and oneself are never banned. */
static int
check_ban_target(struct ctx *c, const struct authz_target *t)
{
	if (t->user_admin || t->user_id == c->user->id)
		return deny(c, "not_allowed", "Site admins and yourself cannot be "
		    "banned.");
	return 0;
}

/*
 * Image uploads: off for everyone while the setting uploads is 0; else
 * an account at least upload_min_age_hours old, or with at least
 * upload_min_points points when that is set, may upload, up to
 * limit_uploads images and limit_upload_mb MiB a day (429 past them).
 * Admins are held to none of it but the switch.
 */
static int
check_upload(struct ctx *c, int64_t bytes)
{
	int64_t hours = app_setting_int(c, "upload_min_age_hours", 0);
	int64_t points = app_setting_int(c, "upload_min_points", 0);
	int64_t max_n = app_setting_int(c, "limit_uploads", LIMIT_UPLOADS);
	int64_t max_mb = app_setting_int(c, "limit_upload_mb", LIMIT_UPLOAD_MB);
	int64_t n = 0, used = 0;
	int rc;

	if (app_setting_int(c, "uploads", 1) == 0)
		return deny(c, "uploads_off", "Image uploads are turned off on "
		    "this site.");
	if (app_is_admin(c))
		return 0;
	if (c->now - c->user->created < hours * 3600 &&
	    !(points > 0 && c->user->points >= points))
		return deny(c, "upload_too_new", arena_printf(c->a, "Accounts can "
		    "upload images once they are %lld hours old%s.",
		    (long long)hours, points > 0 ? arena_printf(c->a, " or have "
		    "%lld points", (long long)points) : ""));
	rc = store_upload_usage(c->s, c->user->id, c->now - 86400, &n, &used);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (n < max_n && used + bytes <= max_mb * 1024 * 1024)
		return 0;
	http_add_header(c->r, "Retry-After", "86400");
	app_error(c, 429, "rate_limited", arena_printf(c->a, "You have reached "
	    "this site's limit of %lld images or %lld MiB of images a day. Try "
	    "again tomorrow.", (long long)max_n, (long long)max_mb));
	return -1;
}

/*
 * Decides whether the signed-in viewer may do act on t. Returns 0 when
 * allowed; otherwise answers (403 or 429) and returns -1.
 */
int
authz(struct ctx *c, enum authz_act act, const struct authz_target *t)
{
	static const struct authz_target none = { 0 };

	if (t == NULL)
		t = &none;
	if (c->user == NULL)
		return deny(c, "login_required", "Sign in to do that.");
	switch (act) {
	case AZ_DELETE_OWN:
		if (t->author_id != c->user->id)
			return deny(c, "not_author", "Only the author can do that.");
		return 0;
	case AZ_SETTINGS:
	case AZ_BLOCK:
		return 0;
	default:
		break;
	}
	if (check_ban(c, 0) != 0)
		return -1;
	switch (act) {
	case AZ_CREATE_COMMUNITY:
		return check_points(c, "create_community_min_points", 0,
		    "create a community");
	case AZ_INVITE:
		if (!app_is_admin(c) &&
		    app_setting_int(c, "member_invites", 0) == 0)
			return deny(c, "invites_off", "On this site only the "
			    "admins make invite codes.");
		return check_points(c, "invite_min_points", INVITE_MIN_POINTS,
		    "make invite codes");
	case AZ_SUBSCRIBE:
		return 0;
	case AZ_POST:
	case AZ_COMMENT:
	case AZ_VOTE:
		if (check_ban(c, t->community_id) != 0)
			return -1;
		return check_limit(c, act == AZ_POST ? RATE_POST :
		    act == AZ_COMMENT ? RATE_COMMENT : RATE_VOTE);
	case AZ_REPORT:
		return check_ban(c, t->community_id);
	case AZ_MESSAGE:
		return check_limit(c, RATE_MESSAGE);
	case AZ_UPLOAD:
		return check_upload(c, t->bytes);
	case AZ_EDIT_OWN:
		if (t->author_id != c->user->id)
			return deny(c, "not_author", "Only the author can do that.");
		return check_ban(c, t->community_id);
	case AZ_MOD:
	case AZ_MOD_BAN:
	case AZ_COMMUNITY_EDIT:
		if (!app_is_mod(c, t->community_id))
			return deny(c, "not_moderator", "Only this community's "
			    "moderators can do that.");
		if (check_2fa(c) != 0)
			return -1;
		if (act == AZ_MOD_BAN)
			return check_ban_target(c, t);
		return 0;
	case AZ_APPOINT:
		if (!app_is_admin(c) && t->creator_id != c->user->id)
			return deny(c, "not_allowed", "Only site admins and the "
			    "community's creator appoint moderators.");
		return check_2fa(c);
	case AZ_SITE_BAN:
	case AZ_ADMIN:
		if (!app_is_admin(c))
			return deny(c, "not_admin", "Only site admins can do that.");
		if (act == AZ_SITE_BAN && check_2fa(c) != 0)
			return -1;
		if (act == AZ_SITE_BAN)
			return check_ban_target(c, t);
		return 0;
	default:
		return deny(c, "not_allowed", "That is not allowed.");
	}
}

/* True when a or b or d holds a line of the site's filter list. */
static bool
holds_line(struct str text, struct str line)
{
	if (line.len == 0 || text.len < line.len)
		return false;
	for (size_t i = 0; i + line.len <= text.len; i++)
		if (strncasecmp(text.p + i, line.p, line.len) == 0)
			return true;
	return false;
}

/*
 * True when any of the texts holds a word or URL of the admins' filter
 * list (setting "filters", one entry a line, matched without regard to
 * ASCII case): such a submission is held for the moderators' review.
 */
bool
app_filter_match(struct ctx *c, struct str a, struct str b, struct str d)
{
	const char *list = NULL;
	struct str rest;

	if (store_setting_get(c->s, c->a, "filters", &list) != STORE_OK)
		return false;
	rest = str_c(list);
	while (rest.len > 0) {
		const char *nl = memchr(rest.p, '\n', rest.len);
		size_t n = nl ? (size_t)(nl - rest.p) : rest.len;
		struct str line = str_trim((struct str){ rest.p, n });

		if (holds_line(a, line) || holds_line(b, line) ||
		    holds_line(d, line))
			return true;
		rest.p += nl ? n + 1 : n;
		rest.len -= nl ? n + 1 : n;
	}
	return false;
}

/*
 * True when the signed-in viewer blocks user_id: that user's posts and
 * comments are shown collapsed. The list is read once per request.
 */
bool
app_blocks(struct ctx *c, int64_t user_id)
{
	if (c->user == NULL || c->tmpl) /* template members block nobody */
		return false;
	if (!c->blocked_loaded) {
		c->blocked_loaded = true;
		if (store_blocked_ids(c->s, c->a, c->user->id, &c->blocked,
		    &c->nblocked) != STORE_OK)
			c->nblocked = 0;
	}
	for (size_t i = 0; i < c->nblocked; i++)
		if (c->blocked[i] == user_id)
			return true;
	return false;
}
