/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_nsfw.c: NSFW and spoiler marks (richer posts, schema v6): a
 * post's own marks, a community's NSFW mark, and a member's show_nsfw.
 *
 * A community's mark is not copied onto its posts: post rows read it
 * through their join (NSFW_COL in store_sql.c), so turning it on or off
 * covers every post at once and leaves the posts' own marks as they were.
 */
#include "store_int.h"

/* Sets post id's own nsfw and spoiler marks; STORE_NOTFOUND if none. */
int
store_post_set_marks(struct store *s, int64_t id, bool nsfw, bool spoiler)
{
	return store__run_one(s, STMT_POST_SET_MARKS, STORE_PARAMS(
	    store_v_int(id), store_v_int(nsfw), store_v_int(spoiler)));
}

/* Reads one flag column of statement st for id into *out. */
static int
read_flag(struct store *s, enum store_stmt st, int64_t id, bool *out)
{
	struct store_numbers num = { .found = false };
	int rc = store__run(s, st, STORE_PARAMS(store_v_int(id)),
	    store__numbers_cb, &num);

	if (rc != STORE_OK)
		return rc;
	if (!num.found || num.n < 1)
		return STORE_NOTFOUND;
	*out = store__col_i64(&num.vals[0]) != 0;
	return STORE_OK;
}

/* Sets *out to community id's NSFW mark; STORE_NOTFOUND if none. */
int
store_community_nsfw(struct store *s, int64_t id, bool *out)
{
	return read_flag(s, STMT_COMMUNITY_NSFW, id, out);
}

/* Marks community id NSFW or not; STORE_NOTFOUND if none. */
int
store_community_set_nsfw(struct store *s, int64_t id, bool on)
{
	return store__run_one(s, STMT_COMMUNITY_SET_NSFW, STORE_PARAMS(
	    store_v_int(id), store_v_int(on)));
}

/* Sets *out to whether user id sees NSFW posts; STORE_NOTFOUND if none. */
int
store_user_show_nsfw(struct store *s, int64_t id, bool *out)
{
	return read_flag(s, STMT_USER_SHOW_NSFW, id, out);
}

/*
 * Sets user id's show_nsfw. Writing the value it already has is fine
 * (SQLite counts the row as changed). STORE_NOTFOUND if no such user.
 */
int
store_user_set_show_nsfw(struct store *s, int64_t id, bool on)
{
	return store__run_one(s, STMT_USER_SET_SHOW_NSFW, STORE_PARAMS(
	    store_v_int(id), store_v_int(on)));
}
