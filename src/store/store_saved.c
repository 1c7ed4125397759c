/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_saved.c: a member's saved posts and comments and hidden posts.
 *
 * Design notes:
 * - Each save and hide has an id; /saved and /hidden page by it, newest
 *   first, walking saves_user and hides_user. Saved posts and saved
 *   comments come from two statements (a comment row carries its post),
 *   each a page long, merged by save id (store__found_merge, which search
 *   shares): two queries a page.
 * - Hidden posts leave listings through a NOT EXISTS probe in the listing
 *   statements themselves (store_sql.c), so hiding costs a listing one
 *   index lookup per row inside its one query, never a query per row.
 * - Saved items that are removed, deleted or held are left out of
 *   /saved (they reappear if restored); hidden ones stay in /hidden so
 *   they can be unhidden, shown as their flags say.
 */
#include "store_int.h"

/* Saves (on) or unsaves an item; doing what is done already is STORE_OK. */
int
store_save_set(struct store *s, int64_t user_id, int kind,
    int64_t target_id, bool on, int64_t now)
{
	if (on)
		return store__run(s, STMT_SAVE_INSERT, STORE_PARAMS(
		    store_v_int(user_id), store_v_int(kind),
		    store_v_int(target_id), store_v_int(now)), NULL, NULL);
	return store__run(s, STMT_SAVE_DELETE, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(kind), store_v_int(target_id)),
	    NULL, NULL);
}

/* Hides (on) or unhides a post for user_id; idempotent like saving. */
int
store_hide_set(struct store *s, int64_t user_id, int64_t post_id, bool on,
    int64_t now)
{
	if (on)
		return store__run(s, STMT_HIDE_INSERT, STORE_PARAMS(
		    store_v_int(user_id), store_v_int(post_id),
		    store_v_int(now)), NULL, NULL);
	return store__run(s, STMT_HIDE_DELETE, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(post_id)), NULL, NULL);
}

/* One page of statement st (user, cursor, limit) into m. */
static int
page(struct store *s, enum store_stmt st, store_row_fn cb, int64_t user_id,
    int64_t after, int limit, struct store_many *m)
{
	return store__run(s, st, STORE_PARAMS(store_v_int(user_id),
	    store_v_int(after > 0 ? after : INT64_MAX), store_v_int(limit)),
	    cb, m);
}

/*
 * Lists one page of user_id's saved posts and comments, newest saved
 * first, before the save id after (0: the first page). Each item's cursor
 * is its save id. limit as in store_post_list. *out is an array of *n in
 * a; a comment comes with its post. my_vote and saved are user_id's.
 */
int
store_saved(struct store *s, struct arena *a, int64_t user_id,
    int64_t after, int limit, struct found_item **out, size_t *n)
{
	struct store_many m[2] = { STORE_MANY_OF(a, struct found_item),
	    STORE_MANY_OF(a, struct found_item) };
	int rc;

	*out = NULL;
	*n = 0;
	limit = store__clamp_limit(limit, STORE_PAGE_MAX);
	rc = page(s, STMT_SAVED_POSTS, store__found_post_cb, user_id, after,
	    limit, &m[0]);
	if (rc == STORE_OK)
		rc = page(s, STMT_SAVED_COMMENTS, store__found_comment_cb,
		    user_id, after, limit, &m[1]);
	if (rc != STORE_OK)
		return rc;
	/* save ids are unique over both kinds: the key alone orders them */
	store__found_merge(a, m, limit, out, n);
	for (size_t i = 0; i < *n; i++)
		(*out)[i].cursor = (int64_t)(*out)[i].key;
	return STORE_OK;
}

/*
 * Lists one page of the posts user_id hid, newest hidden first, before
 * the hide id after (0: first page); each item's cursor is its hide id.
 */
int
store_hidden(struct store *s, struct arena *a, int64_t user_id,
    int64_t after, int limit, struct found_item **out, size_t *n)
{
	struct store_many m = STORE_MANY_OF(a, struct found_item);
	int rc;

	limit = store__clamp_limit(limit, STORE_PAGE_MAX);
	rc = page(s, STMT_HIDDEN_POSTS, store__found_post_cb, user_id, after,
	    limit, &m);
	STORE_MANY_OUT(rc, m, struct found_item, out, n);
	for (size_t i = 0; i < *n; i++)
		(*out)[i].cursor = (int64_t)(*out)[i].key;
	return rc;
}
