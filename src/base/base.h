/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * base.h: the public header of src/base: fatal allocation, the request
 * arena, string slices, growable buffers, UTF-8 checks and logging.
 *
 * Everything here is plain C with no knowledge of HTTP, storage or HTML.
 * Running out of memory is fatal: the x* wrappers and the arena abort with
 * file and line, so callers never test for NULL after an allocation.
 */
#ifndef PARLEY_BASE_H
#define PARLEY_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <pthread.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fatal allocation ------------------------------------------------ */

#define xmalloc(n) base__xmalloc((n), __FILE__, __LINE__)
#define xcalloc(n, m) base__xcalloc((n), (m), __FILE__, __LINE__)
#define xrealloc(p, n) base__xrealloc((p), (n), __FILE__, __LINE__)
#define xstrdup(s) base__xstrdup((s), __FILE__, __LINE__)

void *base__xmalloc(size_t n, const char *file, int line);
void *base__xcalloc(size_t n, size_t m, const char *file, int line);
void *base__xrealloc(void *p, size_t n, const char *file, int line);
char *base__xstrdup(const char *s, const char *file, int line);
_Noreturn void base_fatal(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- crash reports (base_crash.c) ------------------------------------ */

void base_crash_init(void);
void base_crash_thread_init(void);

/* ---- arena ----------------------------------------------------------- */

struct arena;

struct arena *arena_new(size_t first_chunk);
void arena_free(struct arena *a);
void arena_reset(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
size_t arena_used(const struct arena *a);
void *arena_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t first,
    size_t size);

#define ARENA_NEW(a, type) ((type *)arena_zalloc((a), sizeof(type)))
#define ARENA_ARRAY(a, type, n) ((type *)arena_zalloc((a), sizeof(type) * (n)))

/* ---- per-thread state (base_misc.c) ---------------------------------- */

/*
 * A zeroed struct of size bytes for each thread that asks, made on the
 * thread's first call of thread_state and handed to destroy when the
 * thread ends. Declare one per module with THREAD_STATE.
 */
struct thread_state {
	_Atomic bool ready;
	pthread_key_t key;
	size_t size;
	void (*destroy)(void *);
};

#define THREAD_STATE(type, destroy) { false, 0, sizeof(type), (destroy) }

void *thread_state(struct thread_state *ts, bool *made);

/* ---- sorted arrays of ids (base_misc.c) ------------------------------ */

size_t ids_sort_unique(int64_t *v, size_t n);
size_t ids_find(const int64_t *v, size_t n, int64_t id);

/* ---- string slices --------------------------------------------------- */

/* A borrowed, immutable run of bytes; may hold NUL bytes. */
struct str {
	const char *p; /* first byte, borrowed from whoever owns the memory */
	size_t len;    /* length in bytes */
};

#define STR_LIT(lit) ((struct str){ (lit), sizeof(lit) - 1 })
#define STR_NULL ((struct str){ NULL, 0 })

struct str str_c(const char *s);
bool str_eq(struct str a, struct str b);
bool str_eq_lit(struct str a, const char *lit);
bool str_case_eq(struct str a, struct str b);
bool str_has_prefix(struct str s, const char *prefix);
bool str_has_suffix(struct str s, const char *suffix);
struct str str_trim(struct str s);
char *str_dup(struct arena *a, struct str s);
bool str_to_i64(struct str s, int64_t *out);
bool str_utf8_valid(struct str s);
bool str_has_ctl(struct str s, bool allow_newlines);
size_t str_utf8_len(struct str s);

/* ---- growable buffer ------------------------------------------------- */

/* A byte buffer whose memory comes from an arena (or malloc when NULL). */
struct buf {
	char *p;           /* bytes; NUL-terminated after every write */
	size_t len;        /* bytes used, without the terminator */
	size_t cap;        /* bytes allocated */
	struct arena *a;   /* owner of p, or NULL for malloc (buf_reset frees) */
};

void buf_init(struct buf *b, struct arena *a, size_t cap);
void buf_reset(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_put(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_put_str(struct buf *b, struct str s);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_put_i64(struct buf *b, int64_t v);
struct str buf_str(const struct buf *b);

/* ---- URLs (base_url.c) ---------------------------------------------- */

/* The parts of a URI reference; each a slice of the parsed text, STR_NULL
 * (p == NULL) when absent, so "https://@h" has an empty but present user
 * info and "h:" an empty port. */
struct url {
	struct str scheme;    /* without the ":" */
	struct str userinfo;  /* before "@" */
	struct str host;      /* a name, an IPv4 address or an IPv6 literal
	                       * without its brackets */
	struct str hostport;  /* the authority after any "@": host as written,
	                       * brackets kept, and ":port" */
	struct str port;      /* the digits after ":" */
	struct str path;      /* as written, escapes and raw bytes kept */
	struct str query;     /* after "?" */
	struct str fragment;  /* after "#" */
	bool has_authority;   /* "//" after the scheme, or at the start */
	bool ip6;             /* host is an IPv6 literal */
	bool ipfuture;        /* host is an "[vN.x]" literal */
};

/* What url_check found wrong with a link. */
enum url_fault {
	URL_OK,        /* may be a link */
	URL_SYNTAX,    /* not a URL, or holds a control byte or backslash */
	URL_SCHEME,    /* a scheme that is not allowed here */
	URL_NOHOST,    /* http(s) without "//host", or "//host" without a scheme */
	URL_USERINFO,  /* a user name or password before the host */
	URL_HOST,      /* a host with escapes or odd bytes, or a number that
	                * is not a plain dotted IPv4 address */
	URL_PORT,      /* a port outside 1..65535 */
};

#define URL_WEB 1u /* url_check flag: absolute http and https URLs only */

int url_parse(struct str s, struct url *u);
enum url_fault url_check(struct str s, struct url *u, unsigned flags);
char *url_host_label(struct arena *a, const struct url *u);
bool url_is_local_path(struct str p);
void url_escape(struct buf *b, struct str s);

/* ---- canonical JSON (base_canon.c) ----------------------------------- */

enum canon_type { CANON_NULL, CANON_INT, CANON_STR, CANON_RAW };

/* One member of an object written by canon_object. */
struct canon_field {
	const char *key;         /* borrowed for the call */
	enum canon_type type;
	int64_t i;               /* CANON_INT */
	const char *s;           /* CANON_STR (NULL writes null), CANON_RAW:
	                            borrowed, NUL-terminated */
};

#define CANON_I(k, v) ((struct canon_field){ (k), CANON_INT, (v), NULL })
#define CANON_S(k, v) ((struct canon_field){ (k), CANON_STR, 0, (v) })
#define CANON_NUL(k) ((struct canon_field){ (k), CANON_NULL, 0, NULL })

void canon_str(struct buf *b, const char *s, size_t len);
void canon_object(struct buf *b, struct canon_field *f, size_t n);

/* ---- time ------------------------------------------------------------ */

int64_t base_now(void);
void base_rfc3339(int64_t t, char out[32]);
int base_parse_duration(const char *s, int64_t *seconds);

/* ---- ranking (rank.c) ----------------------------------------------- */

double rank_hot(int64_t score, int64_t created);
double rank_controversy(int64_t ups, int64_t downs);
double rank_wilson(int64_t ups, int64_t downs);

/* ---- logging --------------------------------------------------------- */

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERR };

void log_set_level(enum log_level level);
void log_request(uint64_t id);
void log_msg(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
