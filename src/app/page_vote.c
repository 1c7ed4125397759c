/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_vote.c: POST /vote. One vote per user and item; dir 0 withdraws it.
 * A browser is sent back where it came from (when that is this site), a
 * JSON client gets the new score.
 */
#include "app_int.h"

#include <string.h>

/*
 * Casts the viewer's vote dir (1, 0, -1) on item id of kind ("post",
 * "comment"); sets *score to the item's new score and, when on is not
 * NULL, *on to the post the item is or belongs to (strings in c->a; a
 * vote changes none of what locates it). Returns 0, or -1 after
 * answering the refusal.
 */
int
app_vote_cast(struct ctx *c, struct str kind, int64_t id, int64_t dir,
    int64_t *score, struct post *on)
{
	struct post p;
	struct comment cm;
	int k, rc;

	if (str_eq_lit(kind, "post"))
		k = VOTE_POST;
	else if (str_eq_lit(kind, "comment"))
		k = VOTE_COMMENT;
	else {
		app_error(c, 400, "bad_kind", "kind is post or comment.");
		return -1;
	}
	if (id <= 0) {
		app_error(c, 400, "bad_id", "id is the number of a post or comment.");
		return -1;
	}
	if (dir < -1 || dir > 1) {
		app_error(c, 400, "bad_dir", "dir is 1, 0 or -1.");
		return -1;
	}
	if (k == VOTE_COMMENT) {
		rc = store_comment_get(c->s, c->a, id, 0, &cm);
		if (rc == STORE_OK && (cm.deleted || cm.removed)) {
			app_error(c, 403, "gone", "That comment is deleted or removed.");
			return -1;
		}
		if (rc == STORE_OK)
			id = cm.post_id;
	} else {
		rc = STORE_OK;
	}
	if (rc == STORE_OK)
		rc = store_post_brief(c->s, c->a, id, &p);
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "There is no such item.");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (app_post_open(c, &p) != 0 || authz(c, AZ_VOTE,
	    &(struct authz_target){ .community_id = p.community_id }) != 0)
		return -1;
	if (k == VOTE_COMMENT)
		id = cm.id;
	/* the score, the author's points; a post's also its rank; the
	 * voter's session row (the ids they voted on); logged for other
	 * servers with the vote */
	app_cache_touch(c, DEP_POST, p.id);
	app_cache_touch(c, DEP_USER, c->user->id);
	if (k == VOTE_COMMENT) {
		app_cache_touch(c, DEP_USER, cm.author_id);
	} else {
		app_cache_touch(c, DEP_USER, p.author_id);
		app_cache_touch(c, DEP_COMMUNITY, p.community_id);
		app_cache_touch(c, DEP_LISTINGS, 0);
	}
	app_cache_log_at_commit(c);
	rc = store_vote_set(c->s, c->user->id, k, id, (int)dir, c->now, score);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	if (on != NULL)
		*on = p;
	return 0;
}

/* POST /vote: kind (post, comment), id, dir (1, 0, -1). */
void
page_vote(struct ctx *c)
{
	struct str kind = http_form(c->r, "kind");
	struct str dirs = http_form(c->r, "dir");
	struct str ids = http_form(c->r, "id");
	struct post p;
	int64_t id, dir, score;
	const char *back, *item;

	if (!str_eq_lit(kind, "post") && !str_eq_lit(kind, "comment")) {
		app_error(c, 400, "bad_kind", "kind is post or comment.");
		return;
	}
	if (!str_to_i64(ids, &id) || id <= 0) {
		app_error(c, 400, "bad_id", "id is the number of a post or comment.");
		return;
	}
	if (!str_to_i64(dirs, &dir) || dir < -1 || dir > 1 || dirs.len > 2) {
		app_error(c, 400, "bad_dir", "dir is 1, 0 or -1.");
		return;
	}
	if (app_vote_cast(c, kind, id, dir, &score, &p) != 0)
		return;
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_kv_int(&j, "score", score);
		json_kv_int(&j, "dir", dir);
		json_obj_close(&j);
		return;
	}
	item = app_post_href(c, &p);
	if (str_eq_lit(kind, "comment"))
		item = arena_printf(c->a, "%s#c%lld", item, (long long)id);
	back = app_back_path(c);
	app_redirect(c, back ? back : item);
}
