/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_community.c: the store's communities: creating and editing them,
 * their moderators and their subscribers.
 */
#include "store_int.h"

#include <stdlib.h>

#define COMMUNITY_LIST_MAX 1000

/* ---- communities ----------------------------------------------------- */

/*
 * Creates community c (name, title, description and rules with their
 * HTML, creator_id, created; counters start at 0) and makes the creator
 * its first moderator, in one transaction. Sets *id. Returns
 * STORE_CONFLICT when the name is taken in any letter case, STORE_NOTFOUND
 * for an unknown creator.
 */
int
store_community_create(struct store *s, const struct community *c,
    int64_t *id)
{
	char *lc = store__lower_dup(c->name);
	int64_t cid = 0;
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		goto out;
	rc = store__run(s, STMT_COMMUNITY_INSERT, STORE_PARAMS(
	    store_v_text(c->name), store_v_text(lc), store_v_text(c->title),
	    store_v_text(c->description), store_v_text(c->description_html),
	    store_v_text(c->rules), store_v_text(c->rules_html),
	    c->creator_id ? store_v_int(c->creator_id) : store_v_null(),
	    store_v_int(c->created)), NULL, NULL);
	if (rc == STORE_OK) {
		cid = s->be->last_id(s->conn);
		if (c->creator_id != 0)
			rc = store_moderator_add(s, cid, c->creator_id,
			    c->created);
	}
	rc = store__tx_end(s, rc);
	if (rc == STORE_OK && id != NULL)
		*id = cid;
out:
	free(lc);
	return rc;
}

/* Fills *out with the community called name in any letter case. */
int
store_community_by_name(struct store *s, struct arena *a,
    const char *name, struct community *out)
{
	char *lc = store__lower_dup(name);
	int rc;

	rc = store__get(s, STMT_COMMUNITY_BY_NAME,
	    STORE_PARAMS(store_v_text(lc)), &store__community_row, a, out);
	free(lc);
	return rc;
}

/*
 * Lists up to limit communities (at most 1000; limit <= 0 means 1000) by
 * subscribers, most first, then name; or by name. *out is an array of *n
 * in a (NULL when empty).
 */
int
store_community_list(struct store *s, struct arena *a,
    enum community_order order, int limit, struct community **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &store__community_row);
	enum store_stmt st = order == COMMUNITIES_BY_NAME ?
	    STMT_COMMUNITY_LIST_NAME : STMT_COMMUNITY_LIST_SUBSCRIBERS;
	int rc;

	if (limit <= 0 || limit > COMMUNITY_LIST_MAX)
		limit = COMMUNITY_LIST_MAX;
	rc = store__run(s, st, STORE_PARAMS(store_v_int(limit)), store__many_cb,
	    &m);
	*out = rc == STORE_OK ? (struct community *)m.items : NULL;
	*n = rc == STORE_OK ? m.n : 0;
	return rc;
}

/*
 * Lists the moderators of a community in order of appointment (the
 * creator first). *out is an array of *n in a; an unknown community
 * simply has none.
 */
int
store_community_mods(struct store *s, struct arena *a, int64_t community_id,
    struct user **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &store__user_row);
	int rc;

	rc = store__run(s, STMT_COMMUNITY_MODS, STORE_PARAMS(
	    store_v_int(community_id)), store__many_cb, &m);
	*out = rc == STORE_OK ? (struct user *)m.items : NULL;
	*n = rc == STORE_OK ? m.n : 0;
	return rc;
}

/*
 * Appoints user_id as the last moderator of the community. Returns
 * STORE_CONFLICT when they already are one, STORE_NOTFOUND for an unknown
 * community or user.
 */
int
store_moderator_add(struct store *s, int64_t community_id, int64_t user_id,
    int64_t now)
{
	return store__run_guarded(s, STMT_MODERATOR_ADD, STORE_PARAMS(
	    store_v_int(community_id), store_v_int(user_id), store_v_int(now)));
}

/*
 * Subscribes user_id to community_id (on) or ends the subscription, and
 * keeps the community's subscriber count in step. Doing what is already
 * done changes nothing. Returns STORE_NOTFOUND for an unknown user or
 * community.
 */
int
store_subscription_set(struct store *s, int64_t user_id, int64_t community_id,
    bool on, int64_t now)
{
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	if (on)
		rc = store__run(s, STMT_SUBSCRIBE, STORE_PARAMS(
		    store_v_int(user_id), store_v_int(community_id),
		    store_v_int(now)), NULL, NULL);
	else
		rc = store__run(s, STMT_UNSUBSCRIBE, STORE_PARAMS(
		    store_v_int(user_id), store_v_int(community_id)), NULL,
		    NULL);
	if (rc == STORE_OK && s->be->changes(s->conn) > 0)
		rc = store__run_one(s, STMT_COMMUNITY_ADD_SUBSCRIBERS,
		    STORE_PARAMS(store_v_int(community_id),
		    store_v_int(on ? 1 : -1)));
	return store__tx_end(s, rc);
}

/* Sets *out to whether user_id is subscribed to community_id. */
int
store_subscribed(struct store *s, int64_t user_id, int64_t community_id,
    bool *out)
{
	return store__run_exists(s, STMT_SUBSCRIBED, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(community_id)), out);
}

/* ---- editing a community, its moderators ------------------------------ */

/* Sets *out to whether user_id moderates community_id. */
int
store_is_moderator(struct store *s, int64_t community_id, int64_t user_id,
    bool *out)
{
	return store__run_exists(s, STMT_IS_MODERATOR, STORE_PARAMS(
	    store_v_int(community_id), store_v_int(user_id)), out);
}

/*
 * Ends user_id's appointment as moderator of community_id. Returns
 * STORE_NOTFOUND when they were not one.
 */
int
store_moderator_remove(struct store *s, int64_t community_id,
    int64_t user_id)
{
	return store__run_one(s, STMT_MODERATOR_REMOVE, STORE_PARAMS(
	    store_v_int(community_id), store_v_int(user_id)));
}

/*
 * Replaces a community's description and rules (markdown and rendered
 * HTML; NULL clears them) and its title unless title is NULL. Returns
 * STORE_NOTFOUND for an unknown community.
 */
int
store_community_edit(struct store *s, int64_t id, const char *title,
    const char *description, const char *description_html, const char *rules,
    const char *rules_html)
{
	return store__run_one(s, STMT_COMMUNITY_EDIT, STORE_PARAMS(
	    store_v_int(id), store_v_text(title), store_v_text(description),
	    store_v_text(description_html), store_v_text(rules),
	    store_v_text(rules_html)));
}

/* Fills *out (strings in a) with community id; STORE_NOTFOUND if none. */
int
store_community_by_id(struct store *s, struct arena *a, int64_t id,
    struct community *out)
{
	return store__get(s, STMT_COMMUNITY_BY_ID,
	    STORE_PARAMS(store_v_int(id)), &store__community_row, a, out);
}
