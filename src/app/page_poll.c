/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_poll.c: polls (richer posts): reading the poll field of a submit,
 * and POST /poll, a member's vote (one each, changeable until the poll
 * closes; never on a locked, archived, removed or deleted post; counted
 * against the vote limits like any vote).
 */
#include "app_int.h"

#include <string.h>

/*
 * Reads the submit's poll (options one a line, blank lines skipped) and
 * closes (a duration such as 3d; empty = never) fields. *n is 0 when
 * there is no poll. Returns 0, or -1 after answering 400.
 */
int
app_poll_field(struct ctx *c, const char ***options, size_t *n,
    int64_t *closes)
{
	return app_poll_parse(c, app_form_text(c, "poll"),
	    app_form_text(c, "closes"), options, n, closes);
}

/* The same for texts poll and cl, from a form or an API body. */
int
app_poll_parse(struct ctx *c, struct str poll, struct str cl,
    const char ***options, size_t *n, int64_t *closes)
{
	const char **opt;
	size_t k = 0;

	*options = NULL;
	*n = 0;
	*closes = 0;
	if (poll.len == 0)
		return 0;
	opt = ARENA_ARRAY(c->a, const char *, POLL_OPTIONS_MAX + 1);
	for (size_t i = 0; i < poll.len;) {
		size_t start = i, end;

		while (i < poll.len && poll.p[i] != '\n')
			i++;
		end = i++;
		while (start < end && (poll.p[start] == ' ' ||
		    poll.p[start] == '\t'))
			start++;
		while (end > start && (poll.p[end - 1] == ' ' ||
		    poll.p[end - 1] == '\t' || poll.p[end - 1] == '\r'))
			end--;
		if (end == start)
			continue;
		if (k == POLL_OPTIONS_MAX || !app_valid_text((struct str){
		    poll.p + start, end - start }, POLL_OPTION_MAX)) {
			app_error(c, 400, "bad_poll", "A poll has 2 to 10 options, "
			    "one a line, each at most " APP_STR(POLL_OPTION_MAX)
			    " characters.");
			return -1;
		}
		opt[k++] = arena_strndup(c->a, poll.p + start, end - start);
	}
	if (k < POLL_OPTIONS_MIN) {
		app_error(c, 400, "bad_poll", "A poll has 2 to 10 options, one a "
		    "line, each at most " APP_STR(POLL_OPTION_MAX) " characters.");
		return -1;
	}
	if (cl.len > 0) {
		int64_t secs = 0;

		if (cl.len > DURATION_MAX || base_parse_duration(str_dup(c->a, cl),
		    &secs) != 0 || secs <= 0) {
			app_error(c, 400, "bad_closes", "closes is a duration such "
			    "as 12h or 7d.");
			return -1;
		}
		*closes = c->now + secs;
	}
	*options = opt;
	*n = k;
	return 0;
}

/* POST /poll: post, option. */
void
page_poll(struct ctx *c)
{
	struct str ps = app_form_text(c, "post"), os = app_form_text(c, "option");
	int64_t pid = 0, oid = 0;
	struct post p;
	struct poll poll;
	int rc;

	if (!str_to_i64(ps, &pid) || !str_to_i64(os, &oid) || pid <= 0 ||
	    oid <= 0) {
		app_error(c, 400, "bad_vote", "Choose an option of the poll.");
		return;
	}
	rc = store_post_get(c->s, c->a, pid, c->user->id, &p);
	if (rc == STORE_OK)
		rc = store_poll_get(c->s, c->a, pid, c->user->id, &poll);
	if (rc == STORE_NOTFOUND) {
		app_error(c, 404, "not_found", "There is no such poll.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (app_post_open(c, &p) != 0)
		return;
	if (poll.closes != 0 && c->now >= poll.closes) {
		app_error(c, 403, "poll_closed", "This poll is closed.");
		return;
	}
	if (authz(c, AZ_VOTE, &(struct authz_target){
	    .community_id = p.community_id, .author_id = p.author_id }) != 0)
		return;
	rc = store_poll_vote(c->s, pid, c->user->id, oid, c->now);
	if (rc == STORE_NOTFOUND) {
		app_error(c, 400, "bad_vote", "Choose an option of the poll.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json) {
		app_json_ok(c);
		return;
	}
	app_redirect(c, app_post_href(c, &p));
}
