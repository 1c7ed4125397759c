/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_flair.c: flair (richer posts, schema v6): a community's post
 * flairs, members' flair in a community, and a post's flair.
 *
 * A post names its flair by text, not by a row id, so a listing filtered
 * by flair walks one index (posts_c_flair_hot or _new) and a removed
 * flair leaves the posts that carried it as they were.
 */
#include "store_int.h"

/*
 * Adds a post flair to a community; colour is a palette name or NULL.
 * Returns STORE_CONFLICT when the community has that flair already.
 */
int
store_flair_add(struct store *s, int64_t community_id, const char *text,
    const char *colour, int64_t now)
{
	return store__run_guarded(s, STMT_FLAIR_INSERT, STORE_PARAMS(
	    store_v_int(community_id), store_v_text(text), store_v_text(colour),
	    store_v_int(now)));
}

/* Removes a post flair; STORE_NOTFOUND when the community has none such. */
int
store_flair_remove(struct store *s, int64_t community_id, const char *text)
{
	return store__run_one(s, STMT_FLAIR_DELETE, STORE_PARAMS(
	    store_v_int(community_id), store_v_text(text)));
}

static void
read_flair(struct arena *a, const struct store_val *row, void *out)
{
	struct flair *f = out;

	f->text = store__col_text(a, &row[0]);
	f->colour = store__col_text(a, &row[1]);
}

static const struct store_row flair_row = {
	2, sizeof(struct flair), read_flair
};

/* Lists a community's post flairs by text (at most 100) into *out, *n. */
int
store_flairs(struct store *s, struct arena *a, int64_t community_id,
    struct flair **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &flair_row);
	int rc;

	rc = store__run(s, STMT_FLAIR_LIST, STORE_PARAMS(
	    store_v_int(community_id)), store__many_cb, &m);
	STORE_MANY_OUT(rc, m, struct flair, out, n);
	return rc;
}

/* Fills *out with one flair of a community; STORE_NOTFOUND if none. */
int
store_flair_get(struct store *s, struct arena *a, int64_t community_id,
    const char *text, struct flair *out)
{
	return store__get(s, STMT_FLAIR_GET, STORE_PARAMS(
	    store_v_int(community_id), store_v_text(text)), &flair_row, a,
	    out);
}

/*
 * Sets a member's flair in a community, or removes it when text is NULL
 * or empty. Returns STORE_NOTFOUND for an unknown community or user.
 */
int
store_user_flair_set(struct store *s, int64_t community_id, int64_t user_id,
    const char *text)
{
	if (text == NULL || *text == '\0') {
		int rc = store__run(s, STMT_USER_FLAIR_DELETE, STORE_PARAMS(
		    store_v_int(community_id), store_v_int(user_id)), NULL, NULL);

		return rc;
	}
	return store__run_guarded(s, STMT_USER_FLAIR_SET, STORE_PARAMS(
	    store_v_int(community_id), store_v_int(user_id),
	    store_v_text(text)));
}

/* Sets post id's flair (NULL: none); STORE_NOTFOUND when no such post. */
int
store_post_set_flair(struct store *s, int64_t id, const char *flair)
{
	return store__run_one(s, STMT_POST_SET_FLAIR, STORE_PARAMS(
	    store_v_int(id), store_v_text(flair)));
}
