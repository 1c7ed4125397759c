/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_upload.c: the records of uploaded images (schema v11).
 *
 * The files themselves live in a folder the app chooses (app_upload.c);
 * a row says who stored an image, how large it is and whether it was
 * deleted. A deleted row stays: its address then answers 410, the
 * same bytes cannot come back under it, and it still counts in its
 * uploader's usage of the day.
 */
#include "store_int.h"

static void
read_upload(struct arena *a, const struct store_val *r, void *out)
{
	struct upload *u = out;

	u->hash = store__col_text(a, &r[0]);
	u->ext = store__col_text(a, &r[1]);
	u->user_id = store__col_i64(&r[2]);
	u->bytes = store__col_i64(&r[3]);
	u->width = store__col_i64(&r[4]);
	u->height = store__col_i64(&r[5]);
	u->created = store__col_i64(&r[6]);
	u->deleted = store__col_i64(&r[7]);
}

static const struct store_row upload_row = {
	8, sizeof(struct upload), read_upload
};

/* Fills *out with the upload of hash; STORE_NOTFOUND when there is none. */
int
store_upload_get(struct store *s, struct arena *a, const char *hash,
    struct upload *out)
{
	return store__get(s, STMT_UPLOAD_GET, STORE_PARAMS(store_v_text(hash)),
	    &upload_row, a, out);
}

/*
 * Records an upload. When its hash is recorded already (the same bytes
 * came before, from anyone) nothing changes and the answer is STORE_OK:
 * the caller reads the row back to learn whose and whether it is live.
 */
int
store_upload_add(struct store *s, const struct upload *u)
{
	return store__run(s, STMT_UPLOAD_INSERT, STORE_PARAMS(
	    store_v_text(u->hash), store_v_text(u->ext), store_v_int(u->user_id),
	    store_v_int(u->bytes), store_v_int(u->width),
	    store_v_int(u->height), store_v_int(u->created)), NULL, NULL);
}

/* Sets *count and *bytes to what user_id uploaded after since. */
int
store_upload_usage(struct store *s, int64_t user_id, int64_t since,
    int64_t *count, int64_t *bytes)
{
	struct store_numbers num = { .found = false };
	int rc = store__run(s, STMT_UPLOAD_USAGE, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(since)), store__numbers_cb, &num);

	*count = *bytes = 0;
	if (rc == STORE_OK && num.found && num.n >= 2) {
		*count = store__col_i64(&num.vals[0]);
		*bytes = store__col_i64(&num.vals[1]);
	}
	return rc;
}

/* Marks a live upload deleted; STORE_NOTFOUND when none is live. */
int
store_upload_delete(struct store *s, const char *hash, int64_t now)
{
	return store__run_one(s, STMT_UPLOAD_DELETE, STORE_PARAMS(
	    store_v_text(hash), store_v_int(now)));
}

/*
 * Marks every live upload of user_id deleted, in one transaction, and
 * hands back the ones it marked (*out, *n in a) so that the caller can
 * remove their files.
 */
int
store_upload_purge(struct store *s, struct arena *a, int64_t user_id,
    int64_t now, struct upload **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &upload_row);
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run(s, STMT_UPLOAD_LIVE_BY_USER, STORE_PARAMS(
	    store_v_int(user_id)), store__many_cb, &m);
	if (rc == STORE_OK)
		rc = store__run(s, STMT_UPLOAD_PURGE, STORE_PARAMS(
		    store_v_int(user_id), store_v_int(now)), NULL, NULL);
	rc = store__tx_end(s, rc);
	STORE_MANY_OUT(rc, m, struct upload, out, n);
	return rc;
}

/*
 * Lists user_id's live uploads, newest first, at most limit (clamped as
 * store__clamp_limit does). *out is an array of *n in a.
 */
int
store_uploads_recent(struct store *s, struct arena *a, int64_t user_id,
    int limit, struct upload **out, size_t *n)
{
	struct store_many m = STORE_MANY(a, &upload_row);
	int rc = store__run(s, STMT_UPLOAD_RECENT, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(store__clamp_limit(limit,
	    STORE_PAGE_MAX))), store__many_cb, &m);

	STORE_MANY_OUT(rc, m, struct upload, out, n);
	return rc;
}

/* Sets post id's picture ("HASH.EXT"). */
int
store_post_set_image(struct store *s, int64_t id, const char *image)
{
	return store__run_one(s, STMT_POST_SET_IMAGE, STORE_PARAMS(
	    store_v_int(id), store_v_text(image)));
}
