/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_site.c: the store's site-wide rows: settings, the site pages
 * (terms, privacy, about) and the records behind the abuse limits
 * (a user's recent activity, rate events).
 */
#include "store_int.h"

/* ---- site settings --------------------------------------------------- */

/*
 * Sets *value to the setting's value, copied into a. Returns STORE_OK or
 * STORE_NOTFOUND when the key was never set.
 */
int
store_setting_get(struct store *s, struct arena *a, const char *key,
    const char **value)
{
	struct store_text t = { a, value, false };
	int rc;

	rc = store__run(s, STMT_SETTING_GET, STORE_PARAMS(store_v_text(key)),
	    store__text_cb, &t);
	if (rc == STORE_OK && !t.found)
		rc = STORE_NOTFOUND;
	return rc;
}

/* Creates or replaces a setting. */
int
store_setting_set(struct store *s, const char *key, const char *value)
{
	return store__run(s, STMT_SETTING_SET,
	    STORE_PARAMS(store_v_text(key), store_v_text(value)), NULL, NULL);
}

/*
 * Sets a setting only when it has no value yet: of several servers that
 * start at once on one database and each propose a value, the first one
 * stored wins and all read that one back.
 */
int
store_setting_add(struct store *s, const char *key, const char *value)
{
	return store__run(s, STMT_SETTING_ADD,
	    STORE_PARAMS(store_v_text(key), store_v_text(value)), NULL, NULL);
}

/* ---- site pages ------------------------------------------------------ */

struct page_out {
	struct arena *a;
	struct page *out;
	bool found;
};

/* slug, title, body, body_html, editor name, updated. */
static int
page_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct page_out *po = data;

	if (ncols < 6)
		return store__bad_row(ncols, 6);
	po->out->slug = store__col_text(po->a, &row[0]);
	po->out->title = store__col_text(po->a, &row[1]);
	po->out->body = store__col_text(po->a, &row[2]);
	po->out->body_html = store__col_text(po->a, &row[3]);
	po->out->editor = store__col_text(po->a, &row[4]);
	po->out->updated = store__col_i64(&row[5]);
	po->found = true;
	return STORE_OK;
}

/*
 * Fills *out with the site page at slug, strings in a; editor is NULL for
 * a page nobody has edited. Returns STORE_NOTFOUND when there is none.
 */
int
store_page_get(struct store *s, struct arena *a, const char *slug,
    struct page *out)
{
	struct page_out po = { a, out, false };
	int rc;

	rc = store__run(s, STMT_PAGE_GET, STORE_PARAMS(store_v_text(slug)),
	    page_cb, &po);
	if (rc == STORE_OK && !po.found)
		rc = STORE_NOTFOUND;
	return rc;
}

/*
 * Creates or replaces the page at slug. editor_id 0 records no editor
 * (the pages seeded at first start). Returns STORE_NOTFOUND for an
 * unknown editor.
 */
int
store_page_set(struct store *s, const char *slug, const char *title,
    const char *body, const char *body_html, int64_t editor_id, int64_t now)
{
	return store__run(s, STMT_PAGE_SET, STORE_PARAMS(store_v_text(slug),
	    store_v_text(title), store_v_text(body), store_v_text(body_html),
	    editor_id ? store_v_int(editor_id) : store_v_null(),
	    store_v_int(now)), NULL, NULL);
}

/* ---- abuse limits ----------------------------------------------------- */

/*
 * Sets *count to the posts (RATE_POST), comments (RATE_COMMENT) or votes
 * (RATE_VOTE) user_id made at or after since. Votes count by their latest
 * change and include the user's own +1 on each new post and comment; a
 * withdrawn vote no longer counts. Returns STORE_ERR for a bad kind.
 */
int
store_user_activity(struct store *s, int64_t user_id, int kind,
    int64_t since, int64_t *count)
{
	enum store_stmt st;

	*count = 0;
	switch (kind) {
	case RATE_POST:
		st = STMT_POST_COUNT_SINCE;
		break;
	case RATE_COMMENT:
		st = STMT_COMMENT_COUNT_SINCE;
		break;
	case RATE_VOTE:
		st = STMT_VOTE_COUNT_SINCE;
		break;
	case RATE_MESSAGE:
		st = STMT_MESSAGE_COUNT_SINCE;
		break;
	default:
		log_msg(LOG_ERR, "store", "bad activity kind %d", kind);
		return STORE_ERR;
	}
	return store__run_count(s, st, STORE_PARAMS(store_v_int(user_id),
	    store_v_int(since)), count);
}

/*
 * Records one event under key (the limit and its subject, such as
 * "login:203.0.113.7") at now, for store_rate_count.
 */
int
store_rate_hit(struct store *s, const char *key, int64_t now)
{
	return store__run(s, STMT_RATE_HIT, STORE_PARAMS(store_v_text(key),
	    store_v_int(now)), NULL, NULL);
}

/* Sets *count to the events under key at or after since. */
int
store_rate_count(struct store *s, const char *key, int64_t since,
    int64_t *count)
{
	return store__run_count(s, STMT_RATE_COUNT, STORE_PARAMS(
	    store_v_text(key), store_v_int(since)), count);
}

/* Forgets every event (of any key) older than before. */
int
store_rate_purge(struct store *s, int64_t before)
{
	return store__run(s, STMT_RATE_PURGE, STORE_PARAMS(store_v_int(before)),
	    NULL, NULL);
}
