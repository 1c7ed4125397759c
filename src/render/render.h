/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * render.h: the public header of src/render: the escaping HTML writer, the
 * JSON and Atom writers and the markdown renderer.
 *
 * Every byte of a page goes through one of these writers. Escaping is the
 * default: the only raw paths are html_raw_literal, which accepts string
 * literals alone (the macro pastes "" around its argument, so anything else
 * fails to compile), and html_raw_trusted, which is for markdown HTML that
 * md_render produced when the text was written.
 */
#ifndef PARLEY_RENDER_H
#define PARLEY_RENDER_H

#include "../base/base.h"

/* ---- HTML ------------------------------------------------------------ */

#define HTML_DEBUG_DEPTH 64
#define HTML_DEBUG_NAME 12

/*
 * In a debug build (PARLEY_DEBUG_HTML: make SANITIZE=1) the writer keeps
 * the elements that its literals opened and not yet closed, and
 * html_balanced says whether every one was closed in order. The release
 * build has none of it.
 */
struct html {
	struct buf *b; /* the response body; borrowed from the request */
#ifdef PARLEY_DEBUG_HTML
	char open[HTML_DEBUG_DEPTH][HTML_DEBUG_NAME]; /* innermost last */
	int nopen;
	int tag;       /* 0 outside a tag, 1 in an opening tag, 2 in a
	                  closing one, 3 in <!...> */
	size_t name;   /* bytes of the tag's name read so far */
	char name_buf[HTML_DEBUG_NAME];
	char prev;     /* the byte before, inside a tag */
	bool pushed;   /* this opening tag went on the stack */
	bool bad;      /* a close did not match, or too deep */
#endif
};

/* Markup the writer made, kept to be written again (html_piece_keep). */
struct html_piece {
	struct str s;  /* arena memory of the request */
};

void html_init(struct html *h, struct buf *b);
void html_text(struct html *h, struct str s);
void html_text_c(struct html *h, const char *s);
void html_textf(struct html *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void html_attr(struct html *h, const char *name, struct str value);
void html_attr_c(struct html *h, const char *name, const char *value);
void html_attr_i64(struct html *h, const char *name, int64_t v);
int html_url(struct html *h, struct str url);
int html_attr_url(struct html *h, const char *name, struct str url);
int html_attr_url_parsed(struct html *h, const char *name, struct str url,
    unsigned flags, struct url *u);
bool html_url_allowed(struct str url);
void html_int(struct html *h, int64_t v);
void html_time(struct html *h, int64_t t, int64_t now);
void html_raw_trusted(struct html *h, struct str s);
void html__raw(struct html *h, const char *s, size_t n);

#define html_raw_literal(h, lit) html__raw((h), "" lit "", sizeof(lit) - 1)

struct html_piece html_piece_keep(struct html *h, size_t from);
void html_piece(struct html *h, struct html_piece p);

#ifdef PARLEY_DEBUG_HTML
bool html_balanced(const struct html *h);
#else
static inline bool html_balanced(const struct html *h) { (void)h; return true; }
#endif

void html_escape(struct buf *b, const char *s, size_t n);

/* richer posts: edit history (diff.c) */
void html_diff(struct html *h, struct arena *a, struct str old,
    struct str new);

/* ---- JSON ------------------------------------------------------------ */

#define JSON_MAX_DEPTH 32

struct json {
	struct buf *b;                 /* output; borrowed */
	int depth;                     /* open objects and arrays */
	bool first[JSON_MAX_DEPTH];    /* no member written yet at this depth */
	bool after_key;                /* a key was written; its value is next */
};

void json_init(struct json *j, struct buf *b);
void json_obj_open(struct json *j);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j);
void json_arr_close(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, struct str s);
void json_str_c(struct json *j, const char *s);
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
void json_time(struct json *j, int64_t t);
void json_kv_str_c(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_time(struct json *j, const char *key, int64_t t);
void json_kv_opt_int(struct json *j, const char *key, int64_t v);
void json_kv_opt_time(struct json *j, const char *key, int64_t t);

/* ---- Atom feeds (atom.c) ---------------------------------------------- */

/* A feed's own elements; every string is escaped when written. */
struct atom_feed {
	const char *id;           /* absolute IRI: the feed's address */
	const char *title;
	const char *self;         /* absolute URL of the feed */
	const char *alternate;    /* absolute URL of the HTML page */
	int64_t updated;          /* newest entry's updated time */
};

struct atom_entry {
	const char *id;           /* absolute IRI, the same for every sort */
	const char *title;
	const char *link;         /* absolute URL of the entry's page */
	const char *author;
	const char *author_uri;   /* absolute URL of the author's profile, or
	                             NULL */
	const char *category;     /* community name, or NULL */
	int64_t published, updated;
	struct str content_html;  /* escaped into a type="html" content */
};

void atom_begin(struct buf *b, const struct atom_feed *f);
void atom_entry(struct buf *b, const struct atom_entry *e);
void atom_end(struct buf *b);

/* ---- QR codes (qr.c) -------------------------------------------------- */

int qr_svg(struct buf *b, const char *text);

/* ---- page layout (layout.c) ----------------------------------------- */

struct layout_link {
	const char *href;   /* site-relative path */
	const char *label;
};

/* What the frame around every page needs to know. */
struct layout {
	const char *site_name;
	const char *title;        /* page title, or NULL for the site name */
	const char *user;         /* signed-in user's name, or NULL */
	int64_t user_points;
	const char *csrf;         /* token for the sign-out form */
	int64_t unseen;           /* the user's unread inbox items */
	const char *community;    /* community in view, for the submit link */
	const char *feed;         /* site path of the page's Atom feed, or NULL */
	bool me_later;            /* leave the visitor's part out (layout_me) */
	const struct layout_link *footer;
	size_t nfooter;
};

size_t layout_begin(struct html *h, const struct layout *l);
void layout_me(struct html *h, const struct layout *l);
void layout_end(struct html *h, const struct layout *l);
extern const char layout_css[];
extern const size_t layout_css_len;
extern const char layout_favicon[];
extern const size_t layout_favicon_len;
extern const char layout_js[];
extern const size_t layout_js_len;

/* ---- markdown -------------------------------------------------------- */

#define MD_MAX_INPUT_KIB 64     /* markdown source, at most */
#define MD_MAX_INPUT (MD_MAX_INPUT_KIB * 1024)

#define MENTION_NAME_MIN 3   /* a user name's length, as SPEC.md says */
#define MENTION_NAME_MAX 24
#define MENTION_MAX 10       /* distinct names linked (and notified) an item */

/* Mentions of users in a text: what md_render_mentions asks and reports. */
struct md_mentions {
	/* True when name is a user; *canonical is then their name as stored
	 * (owned by the caller, valid while the rendering's names are used). */
	bool (*exists)(void *data, struct str name, const char **canonical);
	void *data;                     /* passed to exists */
	struct str names[MENTION_MAX];  /* distinct users linked, in order */
	size_t n;
};

int md_render(struct buf *out, struct str src);
int md_render_mentions(struct buf *out, struct str src, struct md_mentions *m);

#endif
