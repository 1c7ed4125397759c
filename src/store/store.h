/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store.h: the only public header of src/store. Everything Parley keeps
 * goes through these functions; no other folder sees SQL, a database
 * handle or a statement.
 *
 * A struct store is one database connection with its prepared statements.
 * It is not shared between threads: each worker thread opens its own.
 * Results are allocated in the arena the caller passes and live as long as
 * that arena; strings in them are NUL-terminated. Times are Unix seconds;
 * an "edited" of 0 means never edited. Functions return enum store_rc.
 */
#ifndef PARLEY_STORE_H
#define PARLEY_STORE_H

#include "../base/base.h"

enum store_rc {
	STORE_OK = 0,    /* done */
	STORE_NOTFOUND,  /* no such row */
	STORE_CONFLICT,  /* a unique value is taken, or the row is in the wrong state */
	STORE_BUSY,      /* the database stayed locked past the busy timeout */
	STORE_FULL,      /* the disk is full or the database is read-only */
	STORE_ERR,       /* anything else; the store logged it */
};

enum user_role { ROLE_USER = 0, ROLE_ADMIN = 1 };
enum vote_kind { VOTE_POST = 0, VOTE_COMMENT = 1 };

enum post_sort {
	SORT_HOT,           /* stored hot rank */
	SORT_NEW,           /* created, newest first */
	SORT_TOP,           /* score, within since */
	SORT_ACTIVE,        /* latest comment (or created) */
	SORT_CONTROVERSIAL, /* stored controversy */
};

enum community_order { COMMUNITIES_BY_SUBSCRIBERS, COMMUNITIES_BY_NAME };

struct user {
	int64_t id;
	const char *name;     /* as registered */
	const char *email;    /* NULL when not given */
	int64_t created;
	int role;             /* enum user_role */
	int64_t points;       /* votes of others on their posts and comments */
	bool deleted;
};

/* Subscriptions struct viewer lists; a member with more has Home
 * rendered for them alone. */
#define STORE_HOME_SET_MAX 50

/* What the session query tells besides the user (store_session_user). */
struct viewer {
	bool plain;           /* moderates no community, blocks nobody and
	                         has saved and hidden nothing */
	bool moderates;       /* would be plain but moderates a community */
	int64_t voted_lo[2];  /* the lowest and highest ids of the posts (0) */
	int64_t voted_hi[2];  /* and comments (1) they voted on; 0 for none
	                         (sessions only) */
	int64_t expires;      /* the session's end (sessions only) */
	bool show_nsfw;       /* the user sees NSFW posts (sessions only) */
	int64_t unseen;       /* notifications not yet seen */
	const char *home;     /* the communities subscribed to: ids ascending,
	                         comma-separated, at most STORE_HOME_SET_MAX + 1
	                         (more are left off); NULL for none */
	size_t nhome;         /* ids in home */
};

struct community {
	int64_t id;
	const char *name;
	const char *title;
	const char *description;      /* markdown source */
	const char *description_html; /* rendered when written */
	const char *rules;            /* markdown source */
	const char *rules_html;
	int64_t creator_id;
	int64_t created;
	int64_t subscribers;
	int64_t post_count;
};

struct post {
	int64_t id;
	int64_t community_id;
	const char *community;   /* community name */
	int64_t author_id;
	const char *author;      /* author name; NULL once their account is
	                            deleted */
	const char *title;
	const char *url;         /* NULL for a text post */
	const char *body;        /* markdown; NULL for a link post or deleted */
	const char *body_html;   /* rendered when written; NULL with body */
	int64_t created;
	int64_t edited;          /* 0 = never */
	int64_t score, ups, downs;
	int64_t comment_count;
	int64_t last_comment;    /* created when there is no comment */
	bool locked, stickied, nsfw, removed, deleted;
	bool held;               /* waiting in the queue (filter match) */
	const char *removed_reason; /* NULL unless removed */
	int my_vote;             /* the viewer's vote: -1, 0, 1 */
	bool saved, hidden;      /* by the viewer */
	bool spoiler;            /* richer posts: body behind a click; nsfw
	                            is also set when the community is NSFW */
	const char *flair;       /* richer posts: post flair's text or NULL */
	const char *author_flair; /* the author's flair in the community */
	const char *flair_colour; /* the flair's palette colour, or NULL */
	bool has_poll;           /* richer posts: the post has a poll */
	const struct poll *poll; /* that poll once store_polls_on loaded it
	                            (in its arena), else NULL */
	const char *image;       /* image uploads: "HASH.EXT" of an image
	                            post's picture, or NULL */
};

struct comment {
	int64_t id;
	int64_t post_id;
	int64_t parent_id;       /* 0 at the top level */
	int64_t author_id;
	const char *author;
	const char *body;        /* markdown; NULL when deleted */
	const char *body_html;
	int64_t created;
	int64_t edited;
	int64_t score, ups, downs;
	int depth;               /* 0 at the top level */
	bool removed, deleted;
	bool held;               /* waiting in the queue (filter match) */
	const char *removed_reason;
	int my_vote;
	bool saved;              /* by the viewer */
	/* filled only by store_comments_by_author, for links on profiles: */
	const char *post_title;
	const char *community;
	bool post_deleted, post_removed, post_held, post_nsfw; /* that post's
	                            flags, which decide what stands for
	                            post_title (app_post_title) */
	const char *author_flair; /* richer posts: in the post's community */
};

struct page {
	const char *slug;
	const char *title;
	const char *body;        /* markdown */
	const char *body_html;
	const char *editor;      /* name of the last editor, NULL for the seed */
	int64_t updated;
};

/* An open report, as the queue shows it; the reporter is never named. */
struct report {
	int64_t id;
	int kind;                /* enum vote_kind: post or comment */
	int64_t target_id;
	const char *reason;
	int64_t created;
};

/* An active ban. */
struct ban {
	int64_t community_id;    /* 0 = site-wide */
	const char *reason;      /* may be empty */
	int64_t expires;         /* 0 = permanent */
};

/* One line of the moderation log. */
struct mod_action {
	int64_t id;
	const char *community;   /* name, NULL for site-wide actions */
	const char *mod;         /* moderator's name */
	const char *action;      /* remove, restore, approve, dismiss, lock, ... */
	int kind;                /* enum vote_kind when target_id != 0 */
	int64_t target_id;       /* post or comment, or 0 */
	const char *target_user; /* name, or NULL */
	const char *reason;      /* may be NULL */
	int64_t created;
	int64_t expires;         /* bans: 0 = permanent */
	int64_t seq;             /* place in the hash chain, 1, 2, ...; 0 for a
	                            line not chained yet (logged before v3) */
	const char *prev;        /* the previous entry's hash, 64 hex digits */
	const char *hash;        /* SHA-256 of store_modlog_canonical, hex */
};

/* Which lines of the log to list. Zero/NULL fields do not filter. */
struct modlog_query {
	int64_t community_id;
	int64_t mod_id;
	const char *action;
	int64_t after;           /* id cursor: lines older than this */
	int limit;
};

struct notification {
	int64_t id;
	const char *text;
	const char *link;        /* site path, may be NULL */
	int64_t created;
	bool seen;
};

/* One listing request. A cursor names the last post of the previous page. */
struct post_query {
	int64_t community_id;   /* 0 = every community */
	int64_t author_id;      /* 0 = any author (profiles set it) */
	enum post_sort sort;
	int64_t since;          /* SORT_TOP only: created >= since; 0 = all time */
	int64_t after;          /* post id cursor; 0 = first page */
	int limit;              /* rows wanted */
	int64_t viewer_id;      /* fills my_vote; 0 = signed out */
	bool include_stickied;  /* false: skip stickied posts (shown apart) */
	bool home;              /* only communities viewer_id subscribes to */
	const char *flair;      /* richer posts: only posts with this flair
	                           (with community_id; any sort) */
};
/* Listings never show removed, deleted or held posts. */

struct store;

/* One entry of the page caches' log (store_epoch_since): a write's number
 * and the cache counters it raised; none: every page (app_cache.c). */
#define EPOCH_SLOTS_MAX 8
#define EPOCH_SINCE_MAX 64   /* entries read at once at the most */
struct epoch_entry {
	int64_t seq;
	uint16_t slots[EPOCH_SLOTS_MAX];
	size_t n;
};

/* ---- connection and schema (store.c, store_schema.c) ----------------- */

struct store *store_open(const char *url);
void store_close(struct store *s);
int store_bulk(struct store *s);
int store_bulk_end(struct store *s);
int store_analyze(struct store *s);
int store_epoch_last(struct store *s, int64_t *seq);
int store_epoch_since(struct store *s, struct arena *a, int64_t after,
    struct epoch_entry **out, size_t *n);
int store_epoch_log(struct store *s, const uint16_t *slots, size_t n,
    int64_t *seq);
void store_epoch_at_commit(struct store *s, const uint16_t *slots,
    size_t n);
bool store_epoch_committed(struct store *s, int64_t *seq, size_t *n);
int store_migrate(struct store *s);
int store_begin(struct store *s);
int store_commit(struct store *s);
int store_rollback(struct store *s);

/* ---- site settings (store_site.c) ------------------------------------ */

int store_setting_get(struct store *s, struct arena *a, const char *key,
    const char **value);
int store_setting_set(struct store *s, const char *key, const char *value);
int store_setting_add(struct store *s, const char *key, const char *value);

/* ---- users and sessions (store_user.c) -------------------------------- */

int store_user_create(struct store *s, const char *name, const char *pwhash,
    const char *email, int role, int64_t now, int64_t *id);
int store_user_get(struct store *s, struct arena *a, int64_t id,
    struct user *out);
int store_user_by_name(struct store *s, struct arena *a, const char *name,
    struct user *out, const char **pwhash);
int store_user_set_password(struct store *s, int64_t id, const char *pwhash);
int store_user_set_role(struct store *s, int64_t id, int role);

int store_session_create(struct store *s, const unsigned char key[32],
    int64_t user_id, int64_t now, int64_t expires);
int store_session_user(struct store *s, struct arena *a,
    const unsigned char key[32], int64_t now, struct user *out,
    struct viewer *v);
int store_session_delete(struct store *s, const unsigned char key[32]);

/* ---- communities (store_community.c) --------------------------------- */

int store_community_create(struct store *s, const struct community *c,
    int64_t *id);
int store_community_by_name(struct store *s, struct arena *a,
    const char *name, struct community *out);
int store_community_list(struct store *s, struct arena *a,
    enum community_order order, int limit, struct community **out, size_t *n);
int store_community_mods(struct store *s, struct arena *a, int64_t community_id,
    struct user **out, size_t *n);
int store_moderator_add(struct store *s, int64_t community_id,
    int64_t user_id, int64_t now);
int store_subscription_set(struct store *s, int64_t user_id,
    int64_t community_id, bool on, int64_t now);
int store_subscribed(struct store *s, int64_t user_id, int64_t community_id,
    bool *out);

/* ---- posts (store_post.c) --------------------------------------------- */

int store_post_create(struct store *s, const struct post *p, int64_t *id);
int store_post_get(struct store *s, struct arena *a, int64_t id,
    int64_t viewer_id, struct post *out);
int store_post_brief(struct store *s, struct arena *a, int64_t id,
    struct post *out);
int store_post_list(struct store *s, struct arena *a,
    const struct post_query *q, struct post **out, size_t *n);
int store_post_edit(struct store *s, int64_t id, const char *title,
    const char *body, const char *body_html, int64_t now);
int store_post_delete(struct store *s, int64_t id, int64_t now);

/* ---- comments (store_post.c) ------------------------------------------ */

int store_comment_create(struct store *s, const struct comment *c,
    int64_t *id);
int store_comment_get(struct store *s, struct arena *a, int64_t id,
    int64_t viewer_id, struct comment *out);
int store_comment_list(struct store *s, struct arena *a, int64_t post_id,
    int64_t viewer_id, struct comment **out, size_t *n);
int store_comments_by_author(struct store *s, struct arena *a,
    int64_t author_id, int64_t after, int limit, struct comment **out,
    size_t *n);
int store_comment_edit(struct store *s, int64_t id, const char *body,
    const char *body_html, int64_t now);
int store_comment_delete(struct store *s, int64_t id, int64_t now);

/* ---- votes (store_vote.c) --------------------------------------------- */

int store_vote_set(struct store *s, int64_t user_id, int kind,
    int64_t target_id, int dir, int64_t now, int64_t *score);
int store_votes_on(struct store *s, int64_t user_id, int kind, int64_t post_id,
    const int64_t *ids, size_t n, int *dirs);

#define RANK_MOVED_MAX 16       /* communities a rank_moved names */

/* What one store_rank_catch_up re-ranked, for the page cache. */
struct rank_moved {
	size_t posts;
	int64_t communities[RANK_MOVED_MAX]; /* theirs, each once */
	size_t ncommunities;
	bool more;               /* in more communities than named */
};

bool store_rank_batched(const struct store *s);
int store_rank_catch_up(struct store *s, struct rank_moved *m);

/* ---- site pages (store_site.c) ---------------------------------------- */

int store_page_get(struct store *s, struct arena *a, const char *slug,
    struct page *out);
int store_page_set(struct store *s, const char *slug, const char *title,
    const char *body, const char *body_html, int64_t editor_id, int64_t now);

/* ---- moderation (store_community.c, store_mod.c) ---------------------- */

int store_is_moderator(struct store *s, int64_t community_id, int64_t user_id,
    bool *out);
int store_moderator_remove(struct store *s, int64_t community_id,
    int64_t user_id);
int store_community_edit(struct store *s, int64_t id, const char *title,
    const char *description, const char *description_html, const char *rules,
    const char *rules_html);
int store_community_by_id(struct store *s, struct arena *a, int64_t id,
    struct community *out);

int store_post_stickied(struct store *s, struct arena *a, int64_t community_id,
    int64_t viewer_id, struct post **out, size_t *n);
int store_post_set_removed(struct store *s, int64_t id, bool removed,
    const char *reason);
int store_post_set_locked(struct store *s, int64_t id, bool locked);
int store_post_set_stickied(struct store *s, int64_t id, bool stickied);
int store_post_set_held(struct store *s, int64_t id, bool held);
int store_comment_set_removed(struct store *s, int64_t id, bool removed,
    const char *reason);
int store_comment_set_held(struct store *s, int64_t id, bool held);
int store_held_posts(struct store *s, struct arena *a, int64_t community_id,
    int limit, struct post **out, size_t *n);
int store_held_comments(struct store *s, struct arena *a, int64_t community_id,
    int limit, struct comment **out, size_t *n);

int store_ban_add(struct store *s, int64_t community_id, int64_t user_id,
    int64_t mod_id, const char *reason, int64_t now, int64_t expires);
int store_ban_remove(struct store *s, int64_t community_id, int64_t user_id);
int store_ban_active(struct store *s, struct arena *a, int64_t user_id,
    int64_t community_id, int64_t now, struct ban *out);

int store_report_add(struct store *s, int kind, int64_t target_id,
    int64_t community_id, int64_t reporter_id, const char *reason,
    int64_t now);
int store_report_queue(struct store *s, struct arena *a, int64_t community_id,
    int limit, struct report **out, size_t *n);
int store_report_resolve(struct store *s, int kind, int64_t target_id,
    int64_t resolver_id, int64_t now);

int store_modlog_add(struct store *s, const struct mod_action *m,
    int64_t community_id, int64_t mod_id, int64_t target_user_id);
int store_modlog_list(struct store *s, struct arena *a,
    const struct modlog_query *q, struct mod_action **out, size_t *n);

/* ---- users protecting themselves (store_user.c, store_vote.c) --------- */

int store_block_set(struct store *s, int64_t user_id, int64_t blocked_id,
    bool on, int64_t now);
int store_blocked_ids(struct store *s, struct arena *a, int64_t user_id,
    int64_t **out, size_t *n);
int store_is_blocked(struct store *s, int64_t user_id, int64_t blocked_id,
    bool *out);

int store_notify(struct store *s, int64_t user_id, const char *text,
    const char *link, int64_t now);
int store_notifications(struct store *s, struct arena *a, int64_t user_id,
    int limit, struct notification **out, size_t *n);
int store_notifications_seen(struct store *s, int64_t user_id);

int store_sessions_end_others(struct store *s, int64_t user_id,
    const unsigned char keep[32]);
int store_user_delete(struct store *s, int64_t user_id, bool erase);
/* after and *next are vote times (see store_vote.c); *next is 0 on the
 * last page */
int store_votes_by_user(struct store *s, struct arena *a, int64_t user_id,
    int64_t after, int limit, int **kinds, int64_t **targets, int **dirs,
    size_t *n, int64_t *next);

/* ---- abuse limits (store_site.c) -------------------------------------- */

enum rate_kind { RATE_POST, RATE_COMMENT, RATE_VOTE,
	RATE_MESSAGE /* private messages (store_inbox.c) */ };

int store_user_activity(struct store *s, int64_t user_id, int kind,
    int64_t since, int64_t *count);
int store_rate_hit(struct store *s, const char *key, int64_t now);
int store_rate_count(struct store *s, const char *key, int64_t since,
    int64_t *count);
int store_rate_purge(struct store *s, int64_t before);

/* ---- search queries (store_search.c) ----------------------------------- */

#define SEARCH_QUERY_MAX 256   /* bytes of a query as typed */
#define SEARCH_TERMS_MAX 16    /* words in a query, phrases' words included */

/* One thing the reader asked for: a word, a phrase or a prefix. */
struct search_term {
	struct str words[SEARCH_TERMS_MAX]; /* borrowed from the query text */
	size_t nwords;           /* 1 for a word or prefix, more for a phrase */
	bool prefix;             /* word* */
};

struct search_query {
	struct search_term terms[SEARCH_TERMS_MAX];
	size_t nterms;
	size_t nwords;           /* over all terms */
};

enum search_parse {
	SEARCH_PARSED,           /* q holds at least one term */
	SEARCH_EMPTY,            /* no word to search for */
	SEARCH_TOO_LONG,         /* over SEARCH_QUERY_MAX bytes */
	SEARCH_TOO_MANY,         /* over SEARCH_TERMS_MAX words */
};

enum search_parse store_search_parse(struct str text, struct search_query *q);
char *store_search_fts5(const struct search_query *q, struct arena *a);
char *store_search_tsquery(const struct search_query *q, struct arena *a);
/* ---- trust that anyone can check (store_trust.c) ---------------------- */

#define STORE_HASH_HEX 65        /* 64 hex digits of a SHA-256 and a NUL */
#define STORE_KEY_HEX 65         /* 64 hex digits of an Ed25519 public key */
#define STORE_SIG_HEX 129        /* 128 hex digits of a signature */
/* The moderator of a mod log line written by `parley admin` (mod_id 0):
 * no account's name, since names hold no spaces. */
#define STORE_CLI_ACTOR "parley admin"

/* The signed head of the mod log. */
struct modlog_head {
	int64_t seq;             /* the last entry's seq; 0 for an empty log */
	char hash[STORE_HASH_HEX]; /* its hash; 64 zeros for an empty log */
	int64_t time;            /* when it was appended (signed as RFC 3339) */
	char signature[STORE_SIG_HEX]; /* over store_head_canonical */
};

/* A retired site key and the statement it signed naming its successor. */
struct site_key {
	const char *public_key;  /* hex */
	int64_t created, retired;
	const char *successor;   /* the next key, hex */
	const char *signature;   /* by public_key over store_key_statement */
};

/* The current warrant canary. */
struct canary {
	int64_t id;
	const char *text;
	int64_t date;            /* signed as RFC 3339 */
	const char *signature;   /* hex, over store_canary_canonical */
	const char *public_key;  /* the key that signed it, hex */
};

int store_trust_init(struct store *s, int64_t now);
int store_site_key(struct store *s, struct arena *a, const char **public_key,
    int64_t *created);
int store_key_rotate(struct store *s, struct arena *a, int64_t now,
    const char **old_key, const char **new_key);
int store_key_history(struct store *s, struct arena *a, struct site_key **out,
    size_t *n);
int store_modlog_head(struct store *s, struct modlog_head *out);
const char *store_modlog_canonical(struct arena *a, const struct mod_action *m);
const char *store_head_canonical(struct arena *a, int64_t seq,
    const char *hash, int64_t time);
const char *store_key_statement(struct arena *a, const char *old_key,
    const char *new_key, int64_t time);
const char *store_canary_canonical(struct arena *a, const char *text,
    int64_t date);
int store_canary_set(struct store *s, struct arena *a, const char *text,
    int64_t now, int64_t admin_id);
int store_canary_get(struct store *s, struct arena *a, struct canary *out);

/* ---- saved and hidden (store_saved.c) ------------------------------- */

/* A post, or a comment with its post: one saved item or search result. */
struct found_item {
	int kind;                /* VOTE_POST or VOTE_COMMENT */
	int64_t cursor;          /* where the next page starts after it:
	                            a save's id; search: the item's id */
	double key;              /* search: the sort key of the cursor */
	struct post post;        /* the post, or the comment's post */
	struct comment comment;  /* VOTE_COMMENT only */
};

int store_save_set(struct store *s, int64_t user_id, int kind,
    int64_t target_id, bool on, int64_t now);
int store_saved(struct store *s, struct arena *a, int64_t user_id,
    int64_t after, int limit, struct found_item **out, size_t *n);
int store_hide_set(struct store *s, int64_t user_id, int64_t post_id,
    bool on, int64_t now);
int store_hidden(struct store *s, struct arena *a, int64_t user_id,
    int64_t after, int limit, struct found_item **out, size_t *n);

/* ---- running a search (store_find.c) ------------------------------- */

enum search_sort { SEARCH_RELEVANCE, SEARCH_NEW, SEARCH_TOP };

enum search_kinds {
	SEARCH_POSTS = 1 << 0,
	SEARCH_COMMENTS = 1 << 1,
};

/* Items of each kind a search looks at, the newest that hold its words
 * (docs/decisions/022-search-at-scale.md): an admin's search_window. */
#define SEARCH_WINDOW 1000

/* One search: what to match, which items, in which order, from where. */
struct search_args {
	const struct search_query *q; /* parsed (store_search_parse) */
	int64_t viewer_id;       /* blocks apply, marks are theirs; 0: none */
	int64_t community_id;    /* 0: every community */
	int64_t author_id;       /* 0: any author */
	int64_t since;           /* created >= since; 0: all time */
	unsigned kinds;          /* enum search_kinds; 0 means both */
	enum search_sort sort;
	bool after;              /* continue after the cursor below */
	double after_key;        /* the last item's key, kind and id */
	int after_kind;          /* VOTE_POST or VOTE_COMMENT */
	int64_t after_id;
	int64_t upto[2];         /* the newest post and comment ids looked
	                            at: those of the first page; 0: now */
	int64_t window;          /* items of each kind looked at, the newest
	                            at or below upto; 0: every one */
	int limit;
};

bool store_search_batched(const struct store *s);
int store_search_catch_up(struct store *s);
int store_search(struct store *s, struct arena *a, struct search_args *sa,
    struct found_item **out, size_t *n);

/* ---- api tokens (store_token.c) ----------------------------------------- */

/* A member's API token as its settings page lists it. */
struct api_token {
	int64_t id;
	const char *name;
	unsigned scopes;         /* TOKEN_SCOPE_* bits */
	int64_t created;
	int64_t last_used;       /* 0: never used */
};

enum token_scope {
	TOKEN_SCOPE_READ = 1 << 0,     /* JSON GETs */
	TOKEN_SCOPE_WRITE = 1 << 1,    /* /api/v1 writes */
	TOKEN_SCOPE_MODERATE = 1 << 2, /* /api/v1/mod */
};

int store_token_create(struct store *s, int64_t user_id, const char *name,
    const unsigned char key[32], unsigned scopes, int64_t now, int64_t *id);
int store_token_user(struct store *s, struct arena *a,
    const unsigned char key[32], int64_t now, struct user *out,
    struct viewer *v, int64_t *token_id, unsigned *scopes);
int store_tokens(struct store *s, struct arena *a, int64_t user_id,
    struct api_token **out, size_t *n);
int store_token_delete(struct store *s, int64_t user_id, int64_t id);

/* ---- a member's sessions (store_token.c) ------------------------------ */

struct session_info {
	unsigned char key[32];   /* the stored hash of the cookie token */
	int64_t created;
	int64_t last_seen;       /* 0: not seen since it began */
	const char *address;     /* where it began; NULL if unknown */
	const char *agent;       /* its User-Agent; NULL if unknown */
};

int store_session_set_info(struct store *s, const unsigned char key[32],
    const char *address, const char *agent);
int store_session_touch(struct store *s, const unsigned char key[32],
    int64_t now);
int store_sessions_list(struct store *s, struct arena *a, int64_t user_id,
    int64_t now, struct session_info **out, size_t *n);
int store_session_end_user(struct store *s, int64_t user_id,
    const unsigned char key[32]);

/* ---- invitations (store_token.c) -------------------------------------- */

int store_invite_create(struct store *s, const unsigned char key[32],
    int64_t creator_id, int64_t uses, int64_t expires, int64_t now);
int store_user_create_invited(struct store *s, const unsigned char key[32],
    const char *name, const char *pwhash, const char *email, int64_t now,
    int64_t *id);

/* A member who registered with someone's invite code. */
struct invited {
	int64_t id;              /* the member's */
	const char *name;
	const char *inviter;     /* the code's maker's name */
	int64_t created;         /* when the member registered */
};

int store_invite_count(struct store *s, int64_t creator_id, int64_t *n);
int store_invited_list(struct store *s, struct arena *a, int64_t before,
    int limit, struct invited **out, size_t *n);
int store_user_inviter(struct store *s, struct arena *a, int64_t user_id,
    struct invited *out);

/* ---- two-factor sign-in (store_totp.c) --------------------------------- */

#define STORE_TOTP_SECRET 20    /* bytes of a TOTP secret */
#define STORE_RECOVERY_CODES 10 /* recovery codes an account holds */

/* A member's two-factor state. */
struct totp_state {
	bool enabled;            /* a confirmed secret */
	bool pending;            /* a secret being enrolled */
	unsigned char secret[STORE_TOTP_SECRET];  /* the confirmed one */
	unsigned char pending_secret[STORE_TOTP_SECRET];
	int64_t last_step;       /* last step a code was accepted in */
};

int store_totp_get(struct store *s, int64_t user_id, struct totp_state *out);
int store_totp_set_pending(struct store *s, int64_t user_id,
    const unsigned char secret[STORE_TOTP_SECRET]);
int store_totp_confirm(struct store *s, int64_t user_id, int64_t step,
    const unsigned char keys[STORE_RECOVERY_CODES][32]);
int store_totp_step(struct store *s, int64_t user_id, int64_t step);
int store_totp_disable(struct store *s, int64_t user_id);
int store_recovery_use(struct store *s, int64_t user_id,
    const unsigned char key[32]);

/* ---- moving a site and backing it up (store_copy.c) ------------------- */

enum store_copy_flag {
	STORE_COPY_SESSIONS = 1 << 0, /* copy sessions: nobody signs in again */
	STORE_COPY_FORCE = 1 << 1,    /* empty a target that holds content */
};

/* One table of a copy: what each side held afterwards. */
struct store_copy_table {
	const char *name;
	bool copied;             /* false: left out (sessions by default) */
	int64_t rows_from, rows_to;
	uint64_t sum_from, sum_to; /* sums of each row's 64-bit hash */
};

/* ---- richer posts: edit history (store_history.c) --------------------- */

enum history_kind { HISTORY_POST = 0, HISTORY_COMMENT = 1,
	HISTORY_COMMUNITY = 2 };

/* One earlier version of a post, comment or community's texts. */
struct revision {
	int64_t id;
	const char *title;       /* post or community title; NULL: comment */
	const char *body;        /* markdown: post or comment body, community
	                            description; NULL for a link post */
	const char *extra;       /* community rules; NULL otherwise */
	int64_t created;         /* when this version was written */
};

#define HISTORY_MAX 200          /* versions a history lists at the most */

int store_history(struct store *s, struct arena *a, int kind,
    int64_t target_id, struct revision **out, size_t *n);
int store_community_revise(struct store *s, int64_t id, const char *title,
    const char *description, const char *description_html, const char *rules,
    const char *rules_html, int64_t now);
int store_community_edited(struct store *s, int64_t id, int64_t *edited);

/* ---- richer posts: nsfw and spoiler (store_nsfw.c) --- ----------------- */

int store_post_set_marks(struct store *s, int64_t id, bool nsfw,
    bool spoiler);
int store_community_nsfw(struct store *s, int64_t id, bool *out);
int store_community_set_nsfw(struct store *s, int64_t id, bool on);
int store_user_show_nsfw(struct store *s, int64_t id, bool *out);
int store_user_set_show_nsfw(struct store *s, int64_t id, bool on);

/* ---- richer posts: flair (store_flair.c) ----------------------------- */

struct flair {
	const char *text;
	const char *colour;      /* a palette name, or NULL */
};

int store_flair_add(struct store *s, int64_t community_id, const char *text,
    const char *colour, int64_t now);
int store_flair_remove(struct store *s, int64_t community_id,
    const char *text);
int store_flairs(struct store *s, struct arena *a, int64_t community_id,
    struct flair **out, size_t *n);
int store_flair_get(struct store *s, struct arena *a, int64_t community_id,
    const char *text, struct flair *out);
int store_user_flair_set(struct store *s, int64_t community_id,
    int64_t user_id, const char *text);
int store_post_set_flair(struct store *s, int64_t id, const char *flair);

/* ---- richer posts: polls (store_poll.c) ------------------------------ */

#define POLL_OPTIONS_MIN 2
#define POLL_OPTIONS_MAX 10

struct poll_option {
	int64_t id;
	const char *text;
	int64_t votes;
};

struct poll {
	int64_t closes;          /* 0 = never */
	struct poll_option *options; /* in order */
	size_t n;
	int64_t voted;           /* the viewer's option id, 0 = none */
};

int store_poll_create(struct store *s, int64_t post_id,
    const char *const *options, size_t n, int64_t closes);
int store_poll_get(struct store *s, struct arena *a, int64_t post_id,
    int64_t viewer_id, struct poll *out);
int store_poll_vote(struct store *s, int64_t post_id, int64_t user_id,
    int64_t option_id, int64_t now);
int store_polls_on(struct store *s, struct arena *a, int64_t viewer_id,
    struct post *const *posts, size_t n);

int store_copy(struct store *from, struct store *to, struct arena *a,
    unsigned flags, struct store_copy_table **out, size_t *n);
int store_backup(struct store *s, const char *path);

/* ---- inbox, mentions and private messages (store_inbox.c) -------------- */

/* What an inbox item is; stored as these numbers (schema v5). */
enum inbox_kind {
	INBOX_REPLY = 0,         /* a reply to one's post or comment */
	INBOX_MENTION = 1,       /* u/NAME or @NAME in a post or comment */
	INBOX_MESSAGE = 2,       /* a private message */
	INBOX_NOTICE = 3,        /* from the moderators: removals, bans */
};

struct inbox_item {
	int64_t id;
	int64_t user_id;         /* whose inbox (store_inbox_add) */
	int64_t from_id;         /* who caused it, 0 = the site */
	int kind;                /* enum inbox_kind */
	bool read;
	int64_t created;
	const char *from;        /* from's name, NULL for the site */
	const char *text;        /* what the inbox shows */
	const char *link;        /* site path, may be NULL */
	int64_t post_id;         /* 0 = none */
	int64_t comment_id;      /* 0 = none */
};

struct conversation {
	int64_t id;
	int64_t a_id, b_id;      /* a started it */
	const char *a, *b;       /* their names */
	const char *subject;
	int64_t created, updated;
	int64_t last_message;    /* id of the newest message */
	int64_t a_cleared, b_cleared; /* each side's deleted-up-to message id */
};

struct message {
	int64_t id;
	int64_t conversation_id;
	int64_t sender_id;
	const char *sender;
	const char *body;        /* markdown */
	const char *body_html;
	int64_t created;
};

/* An open report of a private message, for the site admins. */
struct message_report {
	int64_t id;
	int64_t message_id;
	int64_t conversation_id;
	const char *reason;
	int64_t created;
};

int store_inbox_add(struct store *s, const struct inbox_item *it,
    bool *added);
int store_inbox_list(struct store *s, struct arena *a, int64_t user_id,
    int64_t after, int limit, struct inbox_item **out, size_t *n);
int store_inbox_read(struct store *s, int64_t user_id, int64_t id);
int store_inbox_read_link(struct store *s, int64_t user_id, int kind,
    const char *link, int64_t *n);
int store_mention_new(struct store *s, int kind, int64_t item_id,
    int64_t user_id, bool *fresh);
int store_message_send(struct store *s, int64_t conversation_id,
    int64_t from_id, int64_t to_id, const char *subject, const char *body,
    const char *body_html, int64_t now, int64_t *conv_out, int64_t *msg_out);
int store_conversation_get(struct store *s, struct arena *a, int64_t id,
    struct conversation *out);
int store_conversations(struct store *s, struct arena *a, int64_t user_id,
    int64_t before, int limit, struct conversation **out, size_t *n);
int store_messages(struct store *s, struct arena *a, int64_t conversation_id,
    int64_t after, int limit, struct message **out, size_t *n);
int store_message_get(struct store *s, struct arena *a, int64_t id,
    struct message *out);
int store_conversation_clear(struct store *s, int64_t id, int64_t user_id);
int store_message_report(struct store *s, int64_t message_id,
    int64_t reporter_id, const char *reason, int64_t now);
int store_message_reports(struct store *s, struct arena *a, int limit,
    struct message_report **out, size_t *n);
int store_conversation_reported(struct store *s, int64_t id, bool *out);
int store_conversation_reports_resolve(struct store *s, int64_t id);

/* ---- image uploads (store_upload.c) ---------------------------------- */

struct upload {
	const char *hash;        /* hex hash of the stored bytes */
	const char *ext;         /* "jpg", "png", "gif" or "webp" */
	int64_t user_id;         /* who stored it first */
	int64_t bytes;           /* size of the stored file */
	int64_t width, height;
	int64_t created;
	int64_t deleted;         /* when deleted; 0 while live */
};

int store_upload_get(struct store *s, struct arena *a, const char *hash,
    struct upload *out);
int store_upload_add(struct store *s, const struct upload *u);
int store_upload_usage(struct store *s, int64_t user_id, int64_t since,
    int64_t *count, int64_t *bytes);
int store_upload_delete(struct store *s, const char *hash, int64_t now);
int store_upload_purge(struct store *s, struct arena *a, int64_t user_id,
    int64_t now, struct upload **out, size_t *n);
int store_uploads_recent(struct store *s, struct arena *a, int64_t user_id,
    int limit, struct upload **out, size_t *n);
int store_post_set_image(struct store *s, int64_t id, const char *image);

#endif
