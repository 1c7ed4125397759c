/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_int.h: what the files of src/app share: the per-request context,
 * the route table's types and the helpers every page uses.
 */
#ifndef PARLEY_APP_INT_H
#define PARLEY_APP_INT_H

#include "app.h"
#include "../http/http.h"
#include "../render/render.h"
#include "../store/store.h"
#include "app_jbody_int.h"

#define PAGE_SIZE 25
#define MAX_ROUTE_PARAMS 4
#define SESSION_COOKIE "parley_session"
#define ANON_COOKIE "parley_anon"
#define SESSION_DAYS 30
#define SESSION_AGENT_MAX 256 /* bytes of a User-Agent a session keeps */

#define NAME_MIN 3
#define NAME_MAX 24
#define PASSWORD_MIN 8
#define PASSWORD_MAX 1024
#define TITLE_MAX 300
#define URL_MAX 2000
#define COMMUNITY_TITLE_MAX 100
/* Limits in thousands: a message prints them as people read them
 * ("10,000", APP_THOUSANDS) and a maxlength as a browser does ("10000",
 * APP_STR_K), both from the one number the check uses. */
#define POST_BODY_MAX_K 40
#define COMMENT_BODY_MAX_K 10
#define DESCRIPTION_MAX_K 10
#define FILTERS_MAX_K 10        /* an admin's filter list */
#define POST_BODY_MAX (POST_BODY_MAX_K * 1000)
#define COMMENT_BODY_MAX (COMMENT_BODY_MAX_K * 1000)
#define DESCRIPTION_MAX (DESCRIPTION_MAX_K * 1000)
#define FILTERS_MAX (FILTERS_MAX_K * 1000)
#define REASON_MAX 500          /* a moderator's or reporter's reason */
#define DURATION_MAX 20         /* a ban's duration, like 30d */
#define EMAIL_MAX 254

/* A limit above as a string literal, for a maxlength attribute or a
 * message that states the limit the code checks. */
#define APP_STR(n) APP_STR_(n)
#define APP_STR_(n) #n
#define APP_STR_K(k) APP_STR(k) "000"
#define APP_THOUSANDS(k) APP_STR(k) ",000"

/* Process-wide state, set up once by app_serve before any request. */
struct app {
	const struct app_config *cfg;
	unsigned char secret[32];  /* signs CSRF tokens; kept in settings */
};

extern struct app app_g;

/*
 * What a cached page shows, or a write changes (app_cache.c): the
 * counters the page watches or the write raises.
 */
enum cache_dep {
	DEP_LISTINGS,              /* every community's listings (/, /all) */
	DEP_COMMUNITY,             /* one community's listings (id) */
	DEP_POST,                  /* one post's thread and comment pages (id) */
	DEP_USER,                  /* one user's profile and what their
	                              session's query reads (id) */
};

#define CACHE_DEPS_MAX 8

struct cache_deps {
	uint16_t slot[CACHE_DEPS_MAX]; /* counters, in the order noted */
	size_t n;
	bool over;                 /* more than fit: count as none noted */
};


/* Everything a handler needs for one request; lives in the request arena. */
struct ctx {
	struct req *r;
	struct arena *a;           /* == r->arena */
	struct store *s;           /* this thread's connection */
	struct user *user;         /* signed-in user, or NULL */
	struct viewer viewer;      /* more about user, from the same query */
	bool by_home;              /* the route is ROUTE_HOME */
	unsigned char sess_key[32];/* hash of the session token, when signed in */
	const char *anon;          /* signed-out visitor's token, or NULL */
	bool json;                 /* answer JSON (.json path or Accept) */
	int64_t now;
	struct str param[MAX_ROUTE_PARAMS]; /* path captures, in order */
	size_t nparam;
	int64_t *blocked;          /* users the viewer blocks (app_blocks) */
	size_t nblocked;
	bool blocked_loaded;
	const char *csrf;          /* expected CSRF token, once computed */
	const char *csrf_field_of; /* the token csrf_field holds */
	struct html_piece csrf_field; /* its hidden input, as the writer made it */
	unsigned char csrf_msg[33];/* what csrf was computed from */
	bool personal;             /* the answer holds this visitor's token */
	const char *feed;          /* site path of the page's Atom feed */
	const char *etag;          /* the answer's validators, when it has */
	int64_t last_modified;     /* them (app_validators.c), Last-Modified */
	const char *last_modified_date; /* also as its header; kept in the cache */
	struct tmpl *tmpl;         /* rendering a member template (app_cache.c) */
	struct cache_deps shows;   /* what the page shows (app_cache_shows) */
	struct cache_deps touched; /* what the write changes (app_cache_touch) */
	bool log_read;             /* the cache log was read (app_cache.c) */
	bool log_ok;               /* and could be */
	/* api tokens */
	bool bearer;               /* signed in by an Authorization: Bearer
	                              token, not a cookie */
	int64_t token_id;          /* that token, when bearer */
	unsigned scopes;           /* its TOKEN_SCOPE_* bits; all of them for
	                              a cookie session */
	const struct post *archive_post; /* set by page_thread when it shows an
	                              archived thread whole (app_archive.c) */
	bool nsfw_loaded;          /* richer posts: show_nsfw read (app_nsfw.c) */
	bool show_nsfw;            /* the viewer sees NSFW posts */
};

/* ---- routes (app_routes.c) ------------------------------------------- */

enum route_flag {
	ROUTE_JSON = 1 << 0,   /* the path also answers as PATH.json */
	ROUTE_USER = 1 << 1,   /* needs a signed-in user */
	ROUTE_NOCSRF = 1 << 2, /* a POST that needs no csrf field */
	ROUTE_MEMBER = 1 << 3, /* its HTML may be a member template: every
	                          part that differs between plain members
	                          is a hole (app_cache.c) */
	/* api tokens */
	ROUTE_NOBEARER = 1 << 4, /* a JSON GET no bearer token may use (the
	                            settings that manage tokens, passwords
	                            and 2FA) */
	ROUTE_API = 1 << 5,    /* under /api/v1: always JSON; a write needs
	                          a bearer token and no csrf */
	ROUTE_MODERATE = 1 << 6, /* an API write that needs the moderate
	                            scope */
	ROUTE_FILE = 1 << 7,   /* a file anyone may fetch (an uploaded
	                          image): answered before the session is
	                          read, from no cache */
	ROUTE_HOME = 1 << 8,   /* with ROUTE_MEMBER: the page shows the
	                          viewer's subscriptions, and its templates
	                          are kept by them (app_cache.c) */
};

struct route {
	enum http_method method;
	const char *pattern;   /* segments; "*" is a name, "#" a number */
	void (*fn)(struct ctx *c);
	unsigned flags;
};

void app_handle(struct req *r, void *data);
struct store *app_store(void);
void app_store_release(void);

/* ---- page cache for signed-out visitors (app_cache.c) ----------------- */

#define APP_SECURITY_HEADERS 4 /* headers app_handle adds to every answer */

struct cache_ticket {
	struct str key;            /* format, path and query (arena memory) */
	uint64_t hash;
	uint64_t gen;              /* write number before the page was made */
	int64_t made_ms;
	bool usable;               /* the log was read: the page may be kept */
};

/*
 * A member template is a page rendered for any plain member (see
 * struct viewer), for the moderators of a community or for admins, with
 * holes where one such viewer's page differs from another's; serving it
 * renders only the holes for the viewer, each kind by its renderer in
 * hole_kinds[] (app_hole.c).
 */
enum hole_kind {
	HOLE_ME,                   /* the header's signed-in part */
	HOLE_CSRF,                 /* a form's csrf field */
	HOLE_VOTE,                 /* an arrow's state (app_vote_arrow) */
	HOLE_SUB,                  /* a community's subscribe form */
	HOLE_POLL,                 /* richer posts: a poll (id: its post; dir:
	                              the post takes no votes) */
	HOLE_KINDS
};

struct hole {
	size_t off;                /* where in the template's bytes */
	int kind;                  /* enum hole_kind */
	int vote_kind;             /* HOLE_VOTE: VOTE_POST or VOTE_COMMENT */
	int dir;                   /* HOLE_VOTE: the arrow, +1 or -1 */
	int64_t id;                /* HOLE_VOTE: the item; HOLE_SUB: community */
	struct str name;           /* HOLE_SUB: the community's name */
};

struct tmpl {
	struct hole *holes;
	size_t nholes, cap;
	int64_t *authors;          /* whose items their author sees otherwise */
	size_t nauthors, acap;
	int64_t post_id;           /* a thread's post: its comments' votes are
	                              read in one query */
	int64_t mod_of;            /* the first community app_is_mod was asked
	                              about, or 0 */
	bool mod_yes;              /* its answer */
	bool mod_many;             /* it was asked about another one too */
};

/* The viewer's votes on a template's items, by kind (0 posts, 1
 * comments): ascending ids and their directions. */
struct hole_votes {
	int64_t *ids[2];
	int *dirs[2];
	size_t n[2];
};

/* How to fill one kind of hole. */
struct hole_kind_ops {
	size_t reserve;            /* about the bytes it adds (plus name.len) */
	void (*render)(struct ctx *c, struct html *h, const struct hole *o,
	    const struct hole_votes *v);
};

extern const struct hole_kind_ops hole_kinds[HOLE_KINDS];

/* Notes a hole of the template being rendered (c->tmpl). */
static inline void
tmpl_add(struct ctx *c, struct hole hole)
{
	struct tmpl *tm = c->tmpl;

	tm->holes = arena_grow(c->a, tm->holes, tm->nholes, &tm->cap, 64,
	    sizeof(*tm->holes));
	tm->holes[tm->nholes++] = hole;
}

/* Notes a user who would see an item of the template otherwise. */
static inline void
tmpl_author(struct ctx *c, int64_t author_id)
{
	struct tmpl *tm = c->tmpl;

	if (tm->nauthors > 0 && tm->authors[tm->nauthors - 1] == author_id)
		return;
	tm->authors = arena_grow(c->a, tm->authors, tm->nauthors, &tm->acap, 16,
	    sizeof(*tm->authors));
	tm->authors[tm->nauthors++] = author_id;
}

/* Notes app_is_mod's answer for community_id in the template being
 * rendered: a moderator's template is theirs only when the page asked
 * about one community. */
static inline void
tmpl_moderated(struct ctx *c, int64_t community_id, bool yes)
{
	struct tmpl *tm = c->tmpl;

	if (tm->mod_of == 0) {
		tm->mod_of = community_id;
		tm->mod_yes = yes;
	} else if (tm->mod_of != community_id) {
		tm->mod_many = true;
	}
}

enum member_answer {
	MEMBER_SERVED,             /* answered from a template */
	MEMBER_RENDER,             /* render a template (app_member_keep) */
	MEMBER_PERSONAL,           /* render this viewer's page as usual */
};

void app_cache_init(size_t total_bytes, unsigned threads);
void app_cache_log_at_commit(struct ctx *c);
void app_cache_written(struct ctx *c);
void app_cache_touch(struct ctx *c, enum cache_dep kind, int64_t id);
void app_cache_shows(struct ctx *c, enum cache_dep kind, int64_t id);
void app_cache_session(struct ctx *c);
bool app_cache_allowed(const struct ctx *c);
bool app_cache_serve(struct ctx *c, struct cache_ticket *t);
void app_cache_keep(struct ctx *c, const struct cache_ticket *t);
bool app_member_allowed(struct ctx *c);
enum member_answer app_member_serve(struct ctx *c, struct cache_ticket *t);
bool app_member_keep(struct ctx *c, const struct cache_ticket *t,
    struct tmpl *tm);

/* ---- the holes' renderers (app_hole.c) -------------------------------- */

void app_csrf_field(struct ctx *c, struct html *h);
/*
 * The box a destructive form (a ban) wants ticked: its confirmation
 * without JavaScript, enforced by the browser (required); parley.js hides
 * it and asks with the form's data-confirm instead.
 */
#define APP_SURE_BOX "<label class=\"sure\"><input type=\"checkbox\" " \
	"name=\"sure\" value=\"1\" required> I mean it</label>"
void app_vote_arrow(struct html *h, int dir, bool on);
void app_subscribe_form(struct ctx *c, struct html *h, int64_t community_id,
    struct str name);

/* ---- sessions and CSRF (app_session.c) -------------------------------- */

bool session_cookie(struct ctx *c);
const char *session_csrf(struct ctx *c);
bool session_csrf_ok(struct ctx *c);
int session_start(struct ctx *c, int64_t user_id);
void session_end(struct ctx *c);
int password_hash(const char *pw, size_t len, char out[128]);
bool password_verify(const char *hash, const char *pw, size_t len);
void password_burn(const char *pw, size_t len);

/* ---- two-factor codes (app_totp.c) ------------------------------------ */

#define TOTP_SECRET_LEN 20   /* bytes: 160 bits, as RFC 4226 recommends */

void totp_secret_new(unsigned char secret[TOTP_SECRET_LEN]);
char *totp_base32(struct arena *a, const unsigned char *secret, size_t n);
void totp_code(const unsigned char *secret, size_t n, int64_t now,
    char out[7]);
bool totp_check(const unsigned char *secret, size_t n, struct str code,
    int64_t now, int64_t last_step, int64_t *step);

/* ---- api tokens (app_token.c) ----------------------------------------- */

#define TOKEN_SCOPES_ALL \
	(TOKEN_SCOPE_READ | TOKEN_SCOPE_WRITE | TOKEN_SCOPE_MODERATE)

enum bearer_rc {
	BEARER_NONE,           /* no Authorization header */
	BEARER_OK,             /* a well-formed bearer token */
	BEARER_BAD,            /* a header that is not one */
};

enum bearer_rc app_bearer_parse(struct str header, unsigned char key[32]);
char *app_token_new(struct arena *a, unsigned char key[32]);
bool app_scopes_parse(struct str s, unsigned *out);
const char *app_scopes_text(struct arena *a, unsigned scopes);
int app_bearer_load(struct ctx *c, const unsigned char key[32]);

/* ---- two-factor sign-in (app_2fa.c) ----------------------------------- */

bool app_2fa_challenge(struct ctx *c, int64_t user_id);
int app_2fa_login(struct ctx *c, const struct user *u, struct str name,
    bool *bad_code);
int app_2fa_code_ok(struct ctx *c, int64_t user_id,
    const struct totp_state *t, struct str code);
char *app_2fa_recovery_new(struct arena *a, unsigned char key[32]);
bool app_2fa_enabled(struct ctx *c);

/* ---- authorization (app_authz.c) -------------------------------------- */

enum authz_act {
	AZ_POST,             /* submit a post in a community */
	AZ_COMMENT,          /* comment or reply */
	AZ_VOTE,
	AZ_REPORT,
	AZ_EDIT_OWN,         /* edit one's own post or comment */
	AZ_DELETE_OWN,       /* delete one's own post or comment */
	AZ_CREATE_COMMUNITY, /* over create_community_min_points */
	AZ_INVITE,           /* a member's own invite codes */
	AZ_SUBSCRIBE,        /* subscribe to or leave a community */
	AZ_MOD,              /* remove, restore, approve, dismiss, lock, sticky */
	AZ_MOD_BAN,          /* ban from a community */
	AZ_COMMUNITY_EDIT,   /* description, rules, title */
	AZ_APPOINT,          /* appoint or remove moderators */
	AZ_SITE_BAN,
	AZ_ADMIN,            /* site pages, settings, filters */
	AZ_BLOCK,            /* block or unblock a user */
	AZ_SETTINGS,         /* one's own account */
	AZ_MESSAGE,          /* send a private message (page_messages.c) */
	AZ_UPLOAD,           /* upload an image (page_upload.c) */
};

/* What an action acts on; unused fields stay 0. */
struct authz_target {
	int64_t community_id;
	int64_t creator_id;  /* the community's creator, for AZ_APPOINT */
	int64_t author_id;   /* the item's author, for *_OWN */
	int64_t user_id;     /* the user a ban is about */
	bool user_admin;     /* that user is a site admin */
	int64_t bytes;       /* AZ_UPLOAD: the image's size */
};

int authz(struct ctx *c, enum authz_act act, const struct authz_target *t);
bool app_is_admin(const struct ctx *c);
bool app_is_mod(struct ctx *c, int64_t community_id);
bool app_viewer_is(struct ctx *c, int64_t user_id);
bool app_sees_hidden(struct ctx *c, int64_t author_id, int64_t community_id);
int64_t app_setting_int(struct ctx *c, const char *key, int64_t def);
bool app_blocks(struct ctx *c, int64_t user_id);
bool app_filter_match(struct ctx *c, struct str a, struct str b, struct str d);

/* ---- site limits (page_admin.c holds the table) ------------------------ */

/* Defaults of the limits admins can change, each a setting of that name. */
#define LIMIT_POSTS 10          /* posts an hour, per account */
#define LIMIT_POSTS_NEW 3       /* the same for accounts younger than a day */
#define LIMIT_COMMENTS 60
#define LIMIT_COMMENTS_NEW 15
#define LIMIT_VOTES 300
#define LIMIT_VOTES_NEW 60
#define LIMIT_REGISTRATIONS 5   /* registrations an hour, per address */
#define LIMIT_LOGINS 20         /* failed logins in 15 minutes, per address */
#define LIMIT_LOGINS_NAME 10    /* failed logins in 15 minutes, per name */
#define LIMIT_MAX 100000        /* the most an admin may set */
#define SITE_LIMITS 22
#define INVITE_MIN_POINTS 100    /* defaults of the members' invites */
#define INVITE_MAX_PER_MEMBER 5

struct site_limit {
	const char *key;       /* setting name */
	int64_t def;           /* used while the setting is unset */
	const char *label;     /* what the admin page calls it */
};

extern const struct site_limit site_limits[SITE_LIMITS];
const struct site_limit *site_limit_find(struct str key);
bool site_limit_parse(struct str s, int64_t *out);

/* Login throttling (page_account.c), also for password checks elsewhere. */
bool app_login_throttled(struct ctx *c, struct str name);
void app_login_failed(struct ctx *c, struct str name);

/* ---- the page frame (app_frame.c) ------------------------------------ */

void page_begin(struct ctx *c, struct html *h, const char *title);
void page_end(struct ctx *c, struct html *h);

/* ---- answers that end a request (app_error.c) -------------------------- */

void app_error(struct ctx *c, int status, const char *code, const char *msg);
void app_store_error(struct ctx *c, int rc);
void app_redirect(struct ctx *c, const char *location);
void app_form_refused(struct ctx *c, int status, const char *code,
    const char *msg, void (*again)(struct ctx *c, const char *msg));

/* ---- JSON shapes (app_json.c) ------------------------------------------ */

void app_json_begin(struct ctx *c, struct json *j);
void app_json_post(struct ctx *c, struct json *j, const struct post *p);
void app_json_posts(struct ctx *c, struct json *j, struct post *posts,
    size_t n);
void app_json_comment(struct ctx *c, struct json *j, const struct comment *cm);
void app_json_list_begin(struct ctx *c, struct json *j, const char *key);
void app_json_ok(struct ctx *c);
void app_done(struct ctx *c, const char *href);
void app_json_after(struct ctx *c, struct json *j, bool more, int64_t last);

/* ---- vote arrows and scores (app_vote.c) ------------------------------- */

void app_score(struct html *h, int64_t score);
void app_vote_buttons(struct ctx *c, struct html *h, int kind, int64_t id,
    const int64_t *score, int my_vote, bool closed);

/* ---- reading the request (app_input.c) --------------------------------- */

bool app_param_id(struct ctx *c, size_t i, int64_t *id);
bool app_valid_name(struct str s, bool allow_dash);
struct str app_form_text(struct ctx *c, const char *name);
bool app_valid_text(struct str t, size_t max);
int app_get_post(struct ctx *c, size_t name_i, size_t id_i, struct post *p);
int app_get_post_brief(struct ctx *c, size_t name_i, size_t id_i,
    struct post *p);
int app_route_community(struct ctx *c, struct community *cm);
int app_route_user(struct ctx *c, struct user *u);
bool app_validators(struct ctx *c, int64_t updated);
bool app_validators_replay(struct ctx *c, const char *etag, const char *date,
    int64_t updated);

struct top_period {
	const char *name;      /* the t= value */
	int64_t secs;          /* how far back; 0 = all time */
};
#define TOP_PERIODS 6
extern const struct top_period top_periods[TOP_PERIODS];
int app_top_period(struct ctx *c, const char **name, int64_t *since);
bool app_sort_post(struct str s, enum post_sort *out);

/* ---- posts, links and markdown (app_util.c) ---------------------------- */

const char *app_back_path(struct ctx *c);
void app_user_link(struct ctx *c, struct html *h, const char *name);
bool app_archived(const struct post *p, int64_t now);
void app_post_path(struct buf *b, const struct post *p);
const char *app_post_href(struct ctx *c, const struct post *p);
const char *app_render_md(struct ctx *c, struct str src);
int app_mkdirs(const char *dir);

/* ---- what the moderation pages share (app_mod.c) ---------------------- */

/* The post or comment a report or an action is about. */
struct mod_item {
	int kind;                /* VOTE_POST or VOTE_COMMENT */
	struct post post;        /* the post, or the comment's post */
	struct comment comment;  /* when kind is VOTE_COMMENT */
	int64_t author_id;
};

int app_mod_item_load(struct ctx *c, struct mod_item *it);
int64_t app_mod_item_id(const struct mod_item *it);
const char *app_mod_item_href(struct ctx *c, const struct mod_item *it);
void app_mod_item_show(struct ctx *c, struct html *h, int kind, int64_t id);
int app_mod_reason(struct ctx *c, const char **out);
int app_mod_log(struct ctx *c, const char *action, int kind, int64_t target,
    int64_t community_id, int64_t target_user, const char *reason,
    int64_t expires);
int app_mod_tx_end(struct ctx *c, int rc);
void app_mod_done(struct ctx *c, const char *fallback);

/* From page_comment.c: refuses comments and votes on a closed post; may
 * the viewer edit or delete their post or comment. */
int app_post_open(struct ctx *c, const struct post *p);
int app_own_item(struct ctx *c, const struct post *p, int64_t author_id,
    const char *gone, bool closed_ok);

/* From page_listing.c: one post row of a listing, shared with profiles. */
void listing_row(struct ctx *c, struct html *h, const struct post *p,
    bool show_community);

/* ---- JSON request bodies: app_jbody_int.h ---------------------------- */

/* ---- one function per write, for forms and the API alike ------------- */

/* What a submit form or API body said (trimmed; unset fields NULL). */
struct post_form {
	struct str community, title, url, body;
	struct str flair;        /* richer posts: empty for none */
	struct str poll, closes; /* a poll's options, one a line, and when it
	                            closes (a duration; empty: never) */
	struct str image;        /* an upload's address, /i/HASH.EXT */
	bool nsfw, spoiler;
};

/* page_post.c */
int app_post_submit(struct ctx *c, const struct post_form *f,
    struct post *out);
int app_post_own(struct ctx *c, const struct post *p, bool closed_ok);
int app_post_edit(struct ctx *c, struct post *p, struct str title,
    struct str body, struct str flair, bool nsfw, bool spoiler);
int app_post_delete(struct ctx *c, struct post *p);
/* page_comment.c */
int app_comment_parent(struct ctx *c, int64_t post_id, int64_t cid,
    struct comment *parent);
int app_comment_create(struct ctx *c, const struct post *p,
    const struct comment *parent, struct str body, struct comment *out);
int app_comment_own(struct ctx *c, const struct post *p,
    const struct comment *cm, bool closed_ok);
int app_comment_edit(struct ctx *c, const struct post *p, struct comment *cm,
    struct str body);
int app_comment_delete(struct ctx *c, struct comment *cm);
/* page_vote.c */
int app_vote_cast(struct ctx *c, struct str kind, int64_t id, int64_t dir,
    int64_t *score, struct post *on);

/* ---- handlers, one file each ------------------------------------------ */

void page_front(struct ctx *c);
void page_community(struct ctx *c);
void page_thread(struct ctx *c);
void page_comment_subtree(struct ctx *c);
void page_user(struct ctx *c);
void page_communities(struct ctx *c);
void page_subscribe(struct ctx *c);
void page_report(struct ctx *c);
void page_report_form(struct ctx *c);
void page_mod(struct ctx *c);
void page_modlog(struct ctx *c);
void page_community_modlog(struct ctx *c);
void page_mod_queue(struct ctx *c);
void page_community_edit_form(struct ctx *c);
void page_community_edit(struct ctx *c);
void page_submit_form(struct ctx *c);
void page_submit(struct ctx *c);
void page_create_form(struct ctx *c);
void page_create(struct ctx *c);
void page_comment_new(struct ctx *c);
void page_comment_reply(struct ctx *c);
void page_post_edit_form(struct ctx *c);
void page_post_edit(struct ctx *c);
void page_post_delete(struct ctx *c);
void page_post_delete_form(struct ctx *c);
void app_delete_confirm(struct ctx *c, const char *what, const char *quote,
    const char *action, const char *back);
void page_comment_edit_form(struct ctx *c);
void page_comment_edit(struct ctx *c);
void page_comment_delete(struct ctx *c);
void page_comment_delete_form(struct ctx *c);
void page_vote(struct ctx *c);
void page_register_form(struct ctx *c);
void page_register(struct ctx *c);
void page_login_form(struct ctx *c);
void page_login(struct ctx *c);
void page_logout(struct ctx *c);
void page_site(struct ctx *c);
void page_style(struct ctx *c);
void page_favicon(struct ctx *c);
void page_script(struct ctx *c);
void page_settings(struct ctx *c);
void page_settings_password(struct ctx *c);
void page_settings_delete(struct ctx *c);
void page_settings_export(struct ctx *c);
void page_block(struct ctx *c);
void page_notifications(struct ctx *c);
void page_admin(struct ctx *c);
void page_admin_page(struct ctx *c);
void page_admin_settings(struct ctx *c);
void page_admin_filters(struct ctx *c);
void page_feed_front(struct ctx *c);
void page_feed_community(struct ctx *c);
void page_feed_user(struct ctx *c);
/* api tokens */
void page_tokens(struct ctx *c);
void page_token_create(struct ctx *c);
void page_token_revoke(struct ctx *c);
void page_api_me(struct ctx *c);
void page_api_post_create(struct ctx *c);
void page_api_post_edit(struct ctx *c);
void page_api_post_delete(struct ctx *c);
void page_api_comment_create(struct ctx *c);
void page_api_comment_edit(struct ctx *c);
void page_api_comment_delete(struct ctx *c);
void page_api_vote(struct ctx *c);
void page_api_report(struct ctx *c);
void page_api_mod(struct ctx *c);
void page_api_save(struct ctx *c);
void page_api_message_send(struct ctx *c);
void page_api_message_reply(struct ctx *c);
void page_api_message_delete(struct ctx *c);
void page_api_openapi(struct ctx *c);
/* two-factor sign-in */
void page_2fa(struct ctx *c);
void page_2fa_confirm(struct ctx *c);
void page_2fa_disable(struct ctx *c);
/* a member's sessions */
void page_sessions(struct ctx *c);
void page_session_end(struct ctx *c);
/* registration modes and invites */
void page_admin_invites(struct ctx *c);
void page_admin_invite_create(struct ctx *c);
void page_member_invites(struct ctx *c);
void page_member_invite_create(struct ctx *c);
void page_admin_registration(struct ctx *c);
const char *app_registration_mode(struct ctx *c);
bool app_invite_key(struct str code, unsigned char key[32]);
void page_wellknown(struct ctx *c);

/* ---- archived threads as files (app_archive.c) ------------------------- */

void app_archive_init(const struct app_config *cfg);
bool app_archive_serve(struct ctx *c, void (*fn)(struct ctx *));
void app_archive_keep(struct ctx *c, void (*fn)(struct ctx *));
void app_archive_drop(const char *community, int64_t id);
void app_archive_drop_all(void);

void page_canary(struct ctx *c);
void app_site_page_body(struct ctx *c, struct html *h, const struct page *p);
void page_canary_txt(struct ctx *c);
void page_admin_canary(struct ctx *c);

/* saved and hidden (page_saved.c): handlers, buttons, found items */
void page_save(struct ctx *c);
void page_saved(struct ctx *c);
void page_hide(struct ctx *c);
void app_save_item(struct ctx *c, bool on);
void app_hide_item(struct ctx *c, bool on);
void page_hidden(struct ctx *c);
void app_save_buttons(struct ctx *c, struct html *h, int kind, int64_t id,
    bool saved, bool hidden);
void app_found_json(struct ctx *c, const char *key,
    struct found_item *items, size_t n, bool more);
void app_found_html(struct ctx *c, struct html *h,
    const struct found_item *items, size_t n);
void app_found_items_json(struct ctx *c, struct json *j,
    struct found_item *items, size_t n);

/* search (page_search.c) */
void page_search(struct ctx *c);

/* Home and all (page_listing.c) */
void page_all(struct ctx *c);

/* richer posts: nsfw and spoiler (app_nsfw.c, page_nsfw.c) */
#define NSFW_LABEL "[NSFW]"   /* what stands for a hidden NSFW title */
bool app_show_nsfw(struct ctx *c);
bool app_nsfw_hidden(struct ctx *c, const struct post *p);
const char *app_placeholder(bool deleted, bool removed, bool held, bool sees);
const char *app_post_title(struct ctx *c, const struct post *p, bool sees);
const char *app_author_shown(const char *name, bool deleted);
bool app_form_flag(struct ctx *c, const char *name);
void app_nsfw_checkboxes(struct html *h, bool nsfw, bool spoiler);
void app_nsfw_flags(struct html *h, const struct post *p);
void app_post_body(struct ctx *c, struct html *h, const struct post *p);
void app_nsfw_settings_form(struct ctx *c, struct html *h);
void page_settings_nsfw(struct ctx *c);

/* richer posts: flair (page_flair.c) */
#define FLAIR_MAX 32           /* characters of a flair's text */
bool app_flair_valid(struct str s);
void app_flair_label(struct ctx *c, struct html *h, const char *text,
    const char *colour, bool user);
const char *app_flair_query(struct ctx *c, const char *flair);
int app_flair_field(struct ctx *c, int64_t community_id, const char **out);
int app_flair_check(struct ctx *c, int64_t community_id, struct str f,
    const char **out);
void page_flair(struct ctx *c);
void page_flair_post(struct ctx *c);

/* richer posts: polls (app_poll.c, page_poll.c) */
#define POLL_OPTION_MAX 100    /* characters of a poll option */
bool app_poll_closed(struct ctx *c, const struct post *p,
    const struct poll *poll);
void app_poll_html(struct ctx *c, struct html *h, int64_t post_id,
    bool closed);
void app_poll_json(struct ctx *c, struct json *j, const struct post *p);
void app_polls_load(struct ctx *c, struct post *const *posts, size_t n);
int app_poll_field(struct ctx *c, const char ***options, size_t *n,
    int64_t *closes);
int app_poll_parse(struct ctx *c, struct str poll, struct str cl,
    const char ***options, size_t *n, int64_t *closes);
void page_poll(struct ctx *c);

/* richer posts: edit history (page_history.c) */
void page_post_history(struct ctx *c);
void page_comment_history(struct ctx *c);
void page_community_history(struct ctx *c);

/*
 * The site pages of every footer, in footer order: X(ID, slug, footer
 * label, title). The routes (app_routes.c), the footer (app_frame.c), the
 * admin page and the first texts (page_site.c) all come from this list.
 */
#define SITE_PAGES(X) \
	X(WELCOME, "welcome", "welcome", "Welcome") \
	X(GUIDE, "guide", "guide", "Guide") \
	X(TOS, "tos", "terms", "Terms of service") \
	X(PRIVACY, "privacy", "privacy", "Privacy") \
	X(CANARY, "canary", "warrant canary", "Warrant canary") \
	X(DONATE, "donate", "donate", "Donate") \
	X(BUGS, "bugs", "bugs", "Report a bug") \
	X(LICENSE, "license", "licence", "Licence")

#define SITE_PAGE_ID(id, slug, label, title) SITE_##id,
enum site_page_id { SITE_PAGES(SITE_PAGE_ID) SITE_PAGES_N };

struct site_page {
	const char *slug;
	const char *title;     /* until an admin changes it */
};
extern const struct site_page site_pages[SITE_PAGES_N];
int site_pages_seed(struct store *s, struct arena *a);

/* ---- inbox, mentions and private messages (app_inbox.c, page_inbox.c,
 * page_messages.c) ---- */

#define MESSAGE_SUBJECT_MAX 200
#define MESSAGE_BODY_MAX_K 10
#define MESSAGE_BODY_MAX (MESSAGE_BODY_MAX_K * 1000)
#define LIMIT_MESSAGES 30       /* private messages an hour, per account */
#define LIMIT_MESSAGES_NEW 5    /* the same for accounts younger than a day */

/* Who a text mentions, as app_render_md_mentions found them. */
struct app_mentions {
	struct md_mentions m;      /* m.names: the canonical names linked */
	struct ctx *c;
	int64_t ids[2 * MENTION_MAX]; /* the users looked up and found */
	const char *canon[2 * MENTION_MAX]; /* their names (arena memory) */
	size_t nids;
};

const char *app_render_md_mentions(struct ctx *c, struct str src,
    struct app_mentions *am);
int app_mentions_notify(struct ctx *c, const struct app_mentions *am,
    int kind, int64_t item_id, int64_t post_id, const char *link,
    const char *text, int64_t told);
int app_inbox_add(struct ctx *c, int64_t user_id, int kind,
    const char *text, const char *link, int64_t post_id, int64_t comment_id);

void page_inbox(struct ctx *c);
void page_inbox_read(struct ctx *c);
void page_messages(struct ctx *c);
void page_messages_send(struct ctx *c);
void page_conversation(struct ctx *c);
void page_api_conversation(struct ctx *c);
void page_conversation_reply(struct ctx *c);
void page_conversation_delete(struct ctx *c);
void page_conversation_resolve(struct ctx *c);
void page_message_reports(struct ctx *c);
bool app_message_report(struct ctx *c);
bool app_message_report_form(struct ctx *c);

/* ---- image uploads (app_upload.c, page_upload.c) ---------------------- */

#define UPLOAD_HASH_LEN 32     /* hex digits of an image's name */
#define LIMIT_UPLOADS 20       /* images a day, per account */
#define LIMIT_UPLOAD_MB 50     /* MiB of images a day, per account */
#define UPLOAD_MEGAPIXELS 50   /* the most pixels an image may declare, in
                                  millions */

enum upload_kind { UPLOAD_JPEG, UPLOAD_PNG, UPLOAD_GIF, UPLOAD_WEBP,
	UPLOAD_KINDS };

enum upload_rc {
	UPLOAD_OK,
	UPLOAD_EMPTY,              /* no bytes at all */
	UPLOAD_TOO_LARGE,          /* more bytes than the limit */
	UPLOAD_BAD_TYPE,           /* not JPEG, PNG, GIF or WebP by content */
	UPLOAD_TOO_MANY_PIXELS,    /* the header declares more than the limit */
	UPLOAD_BAD_IMAGE,          /* its loader refused it (corrupt, cut) */
	UPLOAD_ERR,                /* ours: a library or an encoder failed */
};

struct upload_limits {
	size_t max_bytes;
	uint64_t max_pixels;       /* width times height */
};

/* An image made ready to keep (app_upload_make). */
struct upload_out {
	enum upload_kind kind;
	int64_t width, height;
	struct str image, thumb;   /* encoded bytes, in the request arena */
	char hash[UPLOAD_HASH_LEN + 1]; /* of image's bytes */
	double ms_check, ms_encode, ms_thumb; /* time of each step */
};

const char *app_upload_ext(enum upload_kind k);
const char *app_upload_type(enum upload_kind k);
enum upload_rc app_upload_sniff(struct str data, enum upload_kind *kind);
enum upload_rc app_upload_check(struct str data,
    const struct upload_limits *lim, enum upload_kind *kind, int64_t *w,
    int64_t *h);
enum upload_rc app_upload_make(struct arena *a, struct str data,
    const struct upload_limits *lim, struct upload_out *out);
bool app_upload_name(struct str name, char hash[UPLOAD_HASH_LEN + 1],
    enum upload_kind *kind, bool *thumb);
const char *app_upload_href(struct arena *a, const char *hash,
    const char *ext, bool thumb);
int app_upload_init(const struct app_config *cfg);
bool app_upload_ready(void);
int app_upload_keep(const struct upload_out *o);
int app_upload_open(const char *hash, enum upload_kind kind, bool thumb);
void app_upload_unlink(const char *hash, const char *ext);
int app_upload_purge(struct ctx *c, int64_t user_id, size_t *n);
int app_upload_image_field(struct ctx *c, struct str v, const char **out);
void app_post_thumb(struct ctx *c, struct html *h, const struct post *p,
    bool hidden);
void page_upload_form(struct ctx *c);
void page_upload(struct ctx *c);
void page_image(struct ctx *c);
void page_image_delete(struct ctx *c);
void page_admin_uploads_purge(struct ctx *c);

#endif
