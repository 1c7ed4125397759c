/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_inbox.c: what puts things in members' inboxes: markdown rendered
 * with mentions of existing users (md_render_mentions, with a lookup in
 * the store), the mention notices (once per user and item, at most
 * MENTION_MAX an item, remembered so an edit that keeps a name does not
 * notify again), and replies. The store drops what comes from a user the
 * recipient blocks (store_inbox_add).
 */
#include "app_int.h"

#include <string.h>

#define SNIPPET_MAX 300          /* bytes of a text an inbox item keeps */

/* md_mentions.exists: a user who exists and is not deleted. */
static bool
mention_exists(void *data, struct str name, const char **canonical)
{
	struct app_mentions *am = data;
	struct user u;

	if (am->nids == ARRAY_LEN(am->ids))
		return false;
	if (store_user_by_name(am->c->s, am->c->a, str_dup(am->c->a, name), &u,
	    NULL) != STORE_OK || u.deleted)
		return false;
	am->ids[am->nids] = u.id;
	am->canon[am->nids++] = u.name;
	*canonical = u.name;
	return true;
}

/*
 * Renders markdown into the arena as app_render_md does, with u/NAME and
 * @NAME of existing users linked; am (filled here) then names them for
 * app_mentions_notify. NULL when the text cannot be rendered.
 */
const char *
app_render_md_mentions(struct ctx *c, struct str src, struct app_mentions *am)
{
	struct buf b;

	memset(am, 0, sizeof(*am));
	am->c = c;
	am->m.exists = mention_exists;
	am->m.data = am;
	buf_init(&b, c->a, src.len * 2 + 64);
	if (md_render_mentions(&b, src, &am->m) != 0)
		return NULL;
	return b.p;
}

/* The first SNIPPET_MAX bytes of text, cut at a character's start. */
static const char *
snippet(struct ctx *c, const char *text)
{
	size_t n = text ? strlen(text) : 0;

	if (n <= SNIPPET_MAX)
		return text ? text : "";
	n = SNIPPET_MAX;
	while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--;
	return arena_printf(c->a, "%.*s…", (int)n, text);
}

/*
 * Leaves each user the item kind (VOTE_POST or VOTE_COMMENT) item_id
 * mentions a notice, unless the item mentioned them before or they are
 * its author (or block the author: the store drops it). told, when not
 * 0, already has this item in their inbox as a reply: the mention is
 * remembered but not told twice. Call it inside the transaction that
 * writes the item, so that the item and its mentions commit together.
 * Returns STORE_OK or the store's error (the transaction must then be
 * rolled back).
 */
int
app_mentions_notify(struct ctx *c, const struct app_mentions *am, int kind,
    int64_t item_id, int64_t post_id, const char *link, const char *text,
    int64_t told)
{
	int rc = STORE_OK;

	for (size_t i = 0; i < am->m.n && rc == STORE_OK; i++) {
		int64_t uid = 0;
		bool fresh = false;

		for (size_t k = 0; k < am->nids; k++)
			if (str_eq(am->m.names[i], str_c(am->canon[k])))
				uid = am->ids[k];
		if (uid == 0 || uid == c->user->id)
			continue;
		rc = store_mention_new(c->s, kind, item_id, uid, &fresh);
		if (rc == STORE_OK && fresh && uid != told)
			rc = app_inbox_add(c, uid, INBOX_MENTION, snippet(c, text),
			    link, post_id, kind == VOTE_COMMENT ? item_id : 0);
	}
	if (rc != STORE_OK)
		log_msg(LOG_ERR, "app", "mentions of item %lld not kept",
		    (long long)item_id);
	return rc;
}

/*
 * Puts an item from the viewer in user_id's inbox (text cut to a
 * snippet). Nothing arrives from someone the user blocks, or for
 * oneself. Returns STORE_OK or the store's error, logged.
 */
int
app_inbox_add(struct ctx *c, int64_t user_id, int kind, const char *text,
    const char *link, int64_t post_id, int64_t comment_id)
{
	struct inbox_item it = {
		.user_id = user_id, .from_id = c->user->id, .kind = kind,
		.text = snippet(c, text), .link = link, .post_id = post_id,
		.comment_id = comment_id, .created = c->now,
	};
	int rc = store_inbox_add(c->s, &it, NULL);

	if (rc != STORE_OK)
		log_msg(LOG_ERR, "app", "inbox item for user %lld not kept",
		    (long long)user_id);
	return rc;
}
