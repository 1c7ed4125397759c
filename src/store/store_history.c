/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_history.c: the earlier versions of edited posts, comments and
 * community texts (richer posts, schema v6).
 *
 * An edit copies the row's texts as they stand into revisions before it
 * overwrites them, in the same transaction (store_post_edit,
 * store_comment_edit, store_community_revise), so a version is never
 * lost and never kept for an edit that failed. Deleting an item drops
 * its history with its text; erasing an account drops the history of
 * everything it wrote (store_user_delete).
 */
#include "store_int.h"

static void
read_revision(struct arena *a, const struct store_val *row, void *out)
{
	struct revision *r = out;

	r->id = store__col_i64(&row[0]);
	r->title = store__col_text(a, &row[1]);
	r->body = store__col_text(a, &row[2]);
	r->extra = store__col_text(a, &row[3]);
	r->created = store__col_i64(&row[4]);
}

static const struct store_row revision_row = {
	5, sizeof(struct revision), read_revision
};

/*
 * Lists the earlier versions of item target_id of kind (enum
 * history_kind), newest first, at most HISTORY_MAX, into *out, an array
 * of *n in a. The current version is the item itself, not listed. An
 * item never edited, or unknown, has none.
 */
int
store_history(struct store *s, struct arena *a, int kind, int64_t target_id,
    struct revision **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &revision_row);
	int rc;

	rc = store__run(s, STMT_HISTORY_LIST, STORE_PARAMS(store_v_int(kind),
	    store_v_int(target_id)), store__many_cb, &m);
	STORE_MANY_OUT(rc, m, struct revision, out, n);
	return rc;
}

/*
 * A moderator's edit of community id's texts, as store_community_edit,
 * that keeps the texts before it as a version and dates the new ones at
 * now. Returns STORE_NOTFOUND when there is no such community.
 */
int
store_community_revise(struct store *s, int64_t id, const char *title,
    const char *description, const char *description_html, const char *rules,
    const char *rules_html, int64_t now)
{
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run_one(s, STMT_HISTORY_SAVE_COMMUNITY,
	    STORE_PARAMS(store_v_int(id)));
	if (rc == STORE_OK)
		rc = store_community_edit(s, id, title, description,
		    description_html, rules, rules_html);
	if (rc == STORE_OK)
		rc = store__run_one(s, STMT_COMMUNITY_SET_EDITED, STORE_PARAMS(
		    store_v_int(id), store_v_int(now)));
	return store__tx_end(s, rc);
}

/*
 * Sets *edited to when community id's texts were last written: the last
 * edit, or its creation. Returns STORE_NOTFOUND when there is none.
 */
int
store_community_edited(struct store *s, int64_t id, int64_t *edited)
{
	struct store_numbers num = { .found = false };
	int rc;

	rc = store__run(s, STMT_COMMUNITY_EDITED, STORE_PARAMS(store_v_int(id)),
	    store__numbers_cb, &num);
	if (rc != STORE_OK)
		return rc;
	if (!num.found || num.n < 2)
		return STORE_NOTFOUND;
	*edited = store__col_i64(&num.vals[0]);
	if (*edited == 0)
		*edited = store__col_i64(&num.vals[1]);
	return STORE_OK;
}
