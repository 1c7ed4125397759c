/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_cache.c: finished pages for signed-out visitors, kept per worker
 * thread so that the read path shares no lock.
 *
 * Exactness comes from numbering writes. Every POST this process answers
 * takes the next number before its answer leaves (app_cache_written) and
 * raises the counters of what it changes to that number: the post, the
 * community, the global listings, users' profiles (enum cache_dep; a
 * write that says nothing raises the counter every page watches). A
 * page is kept with the number read before its queries ran and with the
 * counters of what it shows (app_cache_shows; a page that says nothing
 * watches every write), and is served only while none of them has risen
 * past its number: so no page older than an acknowledged write that
 * could change it is ever served. The counters live in a fixed table
 * (GEN_SLOTS), indexed by a hash of what they count: two things sharing
 * a counter only cost a render.
 *
 * Several servers may share one database, a PostgreSQL one or one SQLite
 * file. Every server adds an entry to the database's log with each of
 * its writes, naming the counters it raised (store_epoch_log; votes and
 * comments in the write's own transaction, app_cache_log_at_commit,
 * other writes after their commit), and
 * `parley admin` and the other commands one naming none after theirs.
 * Each cacheable request reads the entries after the last this process
 * has seen (log_check; on SQLite only when PRAGMA data_version moved),
 * and raises the counters each names, as the write would have here; only
 * what it cannot account for (more entries than one read returns, or an
 * entry missing for longer than a page lives) empties every page. Pages
 * also carry the time: "3 minutes ago", archiving and the top periods
 * move with the clock, so a page lives at most CACHE_TTL_MS; that is also
 * how long a program other than parley writing the SQLite file directly
 * can go unseen.
 *
 * What is kept: 200 answers to GET routes that need no sign-in, rendered
 * for a visitor with no session whose page used no CSRF token (a page
 * with a form is personal) and set no header of its own but its
 * validators (ETag and Last-Modified, app_validators.c), which are kept
 * with it and checked again against each request that it answers. The key is the
 * answer's format, the path and the query arguments in order. A page
 * served from the cache says so in an X-Cache: hit header.
 *
 * Signed-in members get the same for routes marked ROUTE_MEMBER, through
 * templates: a page rendered for a "plain" member (no admin, moderates
 * nothing, blocks nobody: struct viewer), with holes where members' pages
 * differ (the header's signed-in part, csrf fields, the state of vote
 * arrows, subscribe buttons; see enum hole_kind). Serving one renders the
 * holes for the viewer with the same functions a full render uses, after
 * one query for their votes on the page's items; so the bytes are exactly
 * what a full render would give. A template also lists the users who
 * would see it otherwise (authors of items on it: edit links, removed
 * text; a profile's owner); their own requests are rendered in full.
 * Members who show NSFW posts have templates of their own (key 'N'
 * rather than 'M').
 *
 * Moderators and admins (blocking nobody, having saved and hidden
 * nothing) get templates by role: admins one of their own ('A'); a
 * moderator's render notes which communities app_is_mod was asked about
 * (struct tmpl's mod_of), and when that was one community they moderate
 * the template is for that community's moderators ('D'), when one they
 * do not, a member's ('M'); a page asking about several (a profile, all
 * communities' posts) is rendered for them in full. Serving a moderator
 * asks the store once whether they moderate the template's community.
 * Other viewers are never templated.
 *
 * Session rows. A signed-in GET needs what the session query reads (the
 * user, their class, unread count, subscriptions, voted-id ranges,
 * show_nsfw and the session's end): each worker thread keeps the rows
 * it read (SESS_SLOTS, by the session's hash) with the write number
 * read before the query, and answers from one while neither the counter
 * every page watches nor the user's (DEP_USER) has risen past it and
 * the session has not expired. So the rule is the pages': a write that
 * notes nothing ends every row (a sign-out, a revoked session, a ban,
 * a role, settings, blocks, saves, hides, subscriptions, marking the
 * inbox read), and the writes that note what they change note every
 * user whose row they change (a vote its voter and the item's author,
 * whose points move; a comment the users it tells). Other servers'
 * writes come through the cache log, read before the row is looked up.
 * POSTs always read the row from the database.
 */
#include "app_int.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_SLOTS 1024    /* per thread; a colliding page replaces */
#define CACHE_TTL_MS 1000
#define GEN_SLOTS 4096      /* write counters, shared by the threads */
#define GEN_ALL 0           /* every page watches it */
#define GEN_ANY 1           /* every write raises it */
#define GEN_LISTINGS 2      /* DEP_LISTINGS */
#define GEN_FIRST 3         /* the hashed ones */
#define SEEN_RING 4096      /* log entries applied or written here */
#define SESS_SLOTS 256      /* session rows per thread; a colliding one
                               replaces */
#define SESS_TOUCH_SECS 60  /* a session's use is noted this often */

_Static_assert(CACHE_DEPS_MAX <= EPOCH_SLOTS_MAX,
    "a write's counters fit in its log entry");

/* A kept page and, for a template, its holes; one allocation. */
struct entry {
	uint64_t hash;
	uint64_t gen;            /* write number before the page was made */
	uint16_t watch[CACHE_DEPS_MAX]; /* counters it watches (GEN_ALL too) */
	size_t nwatch;
	int64_t made_ms;
	size_t size;             /* of the allocation, for the budget */
	struct str key;          /* the rest points into the allocation */
	const char *content_type;
	const char *etag;        /* the page's validators, or NULL */
	const char *last_modified_date;
	int64_t last_modified;
	struct str body;
	struct hole *holes;
	size_t nholes;
	int64_t *authors;        /* ascending */
	size_t nauthors;
	int64_t post_id;
	int64_t mod_of;          /* a template's struct tmpl fields */
	bool mod_many;
};

/* A kept session row; one allocation, its strings after it. */
struct sess {
	unsigned char key[32];   /* the session's hash (struct ctx's) */
	uint64_t gen;            /* write number before its query ran */
	int64_t touched;         /* when its use was last noted from here */
	struct user u;
	struct viewer v;
};

struct cache {
	struct entry *slot[CACHE_SLOTS];
	size_t bytes;
	struct sess *sess[SESS_SLOTS];
};

static _Atomic uint64_t write_seq = 1;  /* the last write's number */
static _Atomic uint64_t gens[GEN_SLOTS]; /* the number of the last write
                                            that raised each counter */
static _Atomic int64_t seen[SEEN_RING]; /* log entries applied or
                                            written here, by number
                                            modulo SEEN_RING */
static _Atomic int64_t log_done = -1;   /* every log entry up to it is
                                            accounted for; -1: not read */
static _Atomic int64_t gap_ms;          /* when the entry after log_done
                                            was first found missing; 0:
                                            none is */
static size_t budget;        /* bytes per thread; 0 = no cache */
static unsigned char hash_key[crypto_shorthash_KEYBYTES];

static void
cache_free(void *p)
{
	struct cache *k = p;

	for (size_t i = 0; i < CACHE_SLOTS; i++)
		free(k->slot[i]);
	for (size_t i = 0; i < SESS_SLOTS; i++)
		free(k->sess[i]);
	free(k);
}

static struct thread_state cache_state = THREAD_STATE(struct cache,
    cache_free);

static struct cache *
thread_cache(void)
{
	return thread_state(&cache_state, NULL);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Allows the cache with total_bytes shared evenly by threads workers;
 * 0 bytes turns it off. Called once before the server starts.
 */
void
app_cache_init(size_t total_bytes, unsigned threads)
{
	budget = threads ? total_bytes / threads : 0;
	randombytes_buf(hash_key, sizeof(hash_key));
}

/* The counter of what kind and id name (see enum cache_dep). */
static uint16_t
gen_slot(enum cache_dep kind, int64_t id)
{
	uint64_t h = ((uint64_t)id * 4 + (uint64_t)kind) *
	    UINT64_C(0x9e3779b97f4a7c15);

	if (kind == DEP_LISTINGS)
		return GEN_LISTINGS;
	return (uint16_t)(GEN_FIRST + (h >> 32) % (GEN_SLOTS - GEN_FIRST));
}

static void
deps_add(struct cache_deps *d, uint16_t slot)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->slot[i] == slot)
			return;
	if (d->n == CACHE_DEPS_MAX)
		d->over = true;
	else
		d->slot[d->n++] = slot;
}

/*
 * Notes that the write being answered changes what kind and id name
 * (DEP_LISTINGS: id 0). A write that notes nothing ends every page; one
 * that notes something must note everything it changes.
 */
void
app_cache_touch(struct ctx *c, enum cache_dep kind, int64_t id)
{
	deps_add(&c->touched, gen_slot(kind, id));
}

/*
 * Notes that the page being rendered shows what kind and id name, and
 * (along with anything else it notes) nothing that other writes change.
 * A page that notes nothing is ended by every write.
 */
void
app_cache_shows(struct ctx *c, enum cache_dep kind, int64_t id)
{
	deps_add(&c->shows, gen_slot(kind, id));
}

/* Raises counter slot to write number n, never lowering it. */
static void
raise_gen(uint16_t slot, uint64_t n)
{
	uint64_t old = atomic_load_explicit(&gens[slot], memory_order_relaxed);

	while (old < n && !atomic_compare_exchange_weak_explicit(&gens[slot],
	    &old, n, memory_order_acq_rel, memory_order_relaxed))
		;
}

/* Every kept page of every thread stops being current. */
static void
end_all(void)
{
	raise_gen(GEN_ALL, atomic_fetch_add_explicit(&write_seq, 1,
	    memory_order_acq_rel) + 1);
}

/*
 * Takes the next write number and raises the n counters in slots to it
 * (none: every page's).
 */
static void
raise_written(const uint16_t *slots, size_t n)
{
	uint64_t w = atomic_fetch_add_explicit(&write_seq, 1,
	    memory_order_acq_rel) + 1;

	if (n == 0) {
		raise_gen(GEN_ALL, w);
		return;
	}
	raise_gen(GEN_ANY, w);
	for (size_t i = 0; i < n; i++)
		raise_gen(slots[i], w);
}

/* Moves log_done up to to, never down (from: its value as last read). */
static void
log_done_raise(int64_t from, int64_t to)
{
	while (from < to && !atomic_compare_exchange_weak_explicit(&log_done,
	    &from, to, memory_order_acq_rel, memory_order_acquire))
		;
}

/*
 * Has the write's next commit log what it noted so far (app_cache_touch)
 * in the same transaction, rather than app_cache_written in one of its
 * own after it. Call it after noting everything the write changes and
 * before the transaction that writes it all commits: a change made after
 * that commit, or noted after this call, is logged by app_cache_written
 * as before.
 */
void
app_cache_log_at_commit(struct ctx *c)
{
	const struct cache_deps *d = &c->touched;

	store_epoch_at_commit(c->s, d->slot, d->over ? 0 : d->n);
}

/*
 * A write by this process was committed (or refused): raises the
 * counters of what it noted (app_cache_touch), or of every page, and
 * logs them in the database, so that other servers on it see the write,
 * unless its commit logged them already (app_cache_log_at_commit).
 * Called after the handler, before the answer leaves.
 */
void
app_cache_written(struct ctx *c)
{
	const struct cache_deps *d = &c->touched;
	size_t n = d->over ? 0 : d->n, logged;
	int64_t seq, prev;

	raise_written(d->slot, n);
	/* even with this server's cache off: others share the database */
	if (c->s == NULL)
		return;
	/* noted counters are only added, so an entry its commit logged
	 * naming as many names them all */
	if ((!store_epoch_committed(c->s, &seq, &logged) || logged != n) &&
	    store_epoch_log(c->s, d->slot, n, &seq) != STORE_OK) {
		log_msg(LOG_WARN, "cache", "cannot log the write: other "
		    "servers may show pages older than it for a second");
		return;
	}
	atomic_store_explicit(&seen[seq % SEEN_RING], seq,
	    memory_order_release);
	/* right after the last entry accounted for: it is too */
	prev = seq - 1;
	atomic_compare_exchange_strong_explicit(&log_done, &prev, seq,
	    memory_order_acq_rel, memory_order_relaxed);
}

/* True when this request may be answered from, or kept in, the cache. */
bool
app_cache_allowed(const struct ctx *c)
{
	return budget > 0 && c->user == NULL;
}

/* Raises the counters a log entry names, unless that was done here. */
static void
log_apply(const struct epoch_entry *e)
{
	bool known = true;

	if (atomic_load_explicit(&seen[e->seq % SEEN_RING],
	    memory_order_acquire) == e->seq)
		return;
	for (size_t i = 0; i < e->n; i++)
		known = known && e->slots[i] < GEN_SLOTS;
	/* a counter this build does not have: every page */
	raise_written(e->slots, known ? e->n : 0);
	atomic_store_explicit(&seen[e->seq % SEEN_RING], e->seq,
	    memory_order_release);
}

/*
 * Applies the log entries after log_done that this process has not
 * applied or written, and moves log_done past those now accounted for;
 * returns false when the log cannot be read (nothing may be served or
 * kept then).
 *
 * Exact: a writer logs with or after its commit and answers after
 * logging, so a request that follows the answer reads the entry, or
 * finds log_done past it. On PostgreSQL entries commit out of their
 * numbers' order: an entry missing below a newer one is waited for (read
 * again by the next requests), and applied when it comes. One that never
 * comes (a writer that died between its number and its commit, or an
 * entry pruned) holds log_done back; after a page's lifetime every page
 * is ended and log_done jumps to the newest entry read. That too is
 * exact: a number is taken after the write's commit, or by the last
 * statement before the COMMIT that commits the write with its entry, so
 * every write numbered below an entry read was committed before the read
 * (or, in the second case, is committing; one whose COMMIT alone takes
 * longer than a page's lifetime is the limit), and the pages it could
 * change are ended. A read that returns as many entries as it may
 * (EPOCH_SINCE_MAX) ends every page the same way.
 */
static bool
log_check(struct ctx *c)
{
	int64_t from = atomic_load_explicit(&log_done, memory_order_acquire);
	int64_t to, top, now, since;
	struct epoch_entry *e;
	size_t n;

	if (from < 0) {
		/* this process's first read: it keeps no page yet */
		if (store_epoch_last(c->s, &top) != STORE_OK)
			return false;
		log_done_raise(from, top);
		return true;
	}
	if (store_epoch_since(c->s, c->a, from, &e, &n) != STORE_OK)
		return false;
	if (n == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		log_apply(&e[i]);
	top = e[n - 1].seq;
	to = from;
	while (to < top && atomic_load_explicit(&seen[(to + 1) % SEEN_RING],
	    memory_order_acquire) == to + 1)
		to++;
	now = now_ms();
	since = atomic_load_explicit(&gap_ms, memory_order_relaxed);
	if (n == EPOCH_SINCE_MAX ||
	    (to < top && since != 0 && to == from &&
	    now - since >= CACHE_TTL_MS)) {
		end_all();
		to = top;
	}
	atomic_store_explicit(&gap_ms, to == top ? 0 :
	    to > from || since == 0 ? now : since, memory_order_relaxed);
	log_done_raise(from, to);
	return true;
}

/* True while no counter e watches has risen past the page's number. */
static bool
current(const struct entry *e)
{
	if (atomic_load_explicit(&gens[GEN_ALL], memory_order_acquire) >
	    e->gen)
		return false;
	for (size_t i = 0; i < e->nwatch; i++)
		if (atomic_load_explicit(&gens[e->watch[i]],
		    memory_order_acquire) > e->gen)
			return false;
	return true;
}

static void
ticket_key(struct ctx *c, struct cache_ticket *t, char kind)
{
	struct buf b;
	uint8_t h[crypto_shorthash_BYTES];

	buf_init(&b, c->a, 128);
	buf_putc(&b, kind);
	buf_put(&b, c->r->path.p, c->r->path.len);
	for (size_t i = 0; i < c->r->nquery; i++) {
		/* Fields never hold control bytes (app_handle checks), so
		 * these separators make the key unambiguous. */
		buf_putc(&b, '\x01');
		buf_put(&b, c->r->query[i].key.p, c->r->query[i].key.len);
		buf_putc(&b, '\x02');
		buf_put(&b, c->r->query[i].val.p, c->r->query[i].val.len);
	}
	/* Home: the subscriptions, whole (app_member_allowed), so that a
	 * subscription changes the key at once */
	if (c->by_home) {
		buf_putc(&b, '\x03');
		if (c->viewer.home != NULL)
			buf_puts(&b, c->viewer.home);
	}
	t->key = (struct str){ b.p, b.len };
	crypto_shorthash(h, (const unsigned char *)b.p, b.len, hash_key);
	memcpy(&t->hash, h, sizeof(t->hash));
}

/*
 * This thread's current entry for the request under kind, with t's key
 * made for it, or NULL.
 */
static struct entry *
find(struct ctx *c, struct cache_ticket *t, char kind)
{
	struct entry *e;

	ticket_key(c, t, kind);
	e = thread_cache()->slot[t->hash % CACHE_SLOTS];
	if (!t->usable || e == NULL || e->hash != t->hash ||
	    t->made_ms - e->made_ms >= CACHE_TTL_MS || !current(e) ||
	    !str_eq(e->key, t->key))
		return NULL;
	return e;
}

/* log_check, once a request. */
static bool
log_read(struct ctx *c)
{
	if (!c->log_read) {
		c->log_ok = log_check(c);
		c->log_read = true;
	}
	return c->log_ok;
}

/* Notes other connections' commits and starts *t for the request. */
static void
ticket_start(struct ctx *c, struct cache_ticket *t)
{
	t->usable = log_read(c);
	t->gen = atomic_load_explicit(&write_seq, memory_order_acquire);
	t->made_ms = now_ms();
}

/*
 * Notes other connections' commits, fills *t for the request and returns
 * this thread's current entry for it, or NULL.
 */
static struct entry *
lookup(struct ctx *c, struct cache_ticket *t, char kind)
{
	ticket_start(c, t);
	return find(c, t, kind);
}

/*
 * Answers the request from this thread's cache when it holds a current
 * page for it and returns true. Otherwise fills *t for app_cache_keep
 * and returns false. Only for requests app_cache_allowed accepts.
 */
bool
app_cache_serve(struct ctx *c, struct cache_ticket *t)
{
	struct entry *e = lookup(c, t, c->json ? 'J' : 'H');

	if (e == NULL)
		return false;
	http_add_header(c->r, "X-Cache", "hit");
	c->r->content_type = e->content_type;
	c->r->out.len = 0;
	buf_put(&c->r->out, e->body.p, e->body.len);
	if (e->etag != NULL)
		app_validators_replay(c, e->etag, e->last_modified_date,
		    e->last_modified);
	return true;
}

/* Drops pages no longer current or past their time, or all of them. */
static void
make_room(struct cache *k, size_t need)
{
	int64_t now = now_ms();

	for (int pass = 0; pass < 2 && k->bytes + need > budget; pass++) {
		for (size_t i = 0; i < CACHE_SLOTS; i++) {
			struct entry *e = k->slot[i];

			if (e == NULL || (pass == 0 && current(e) &&
			    now - e->made_ms < CACHE_TTL_MS))
				continue;
			k->bytes -= e->size;
			free(e);
			k->slot[i] = NULL;
		}
	}
}

/*
 * Keeps the body in r->out under t, with tm's holes and authors when it
 * is a template, when it is a plain 200 answer that no visitor's token or
 * cookie went into (see the header comment).
 */
static void
keep(struct ctx *c, const struct cache_ticket *t, const struct tmpl *tm)
{
	struct req *r = c->r;
	struct cache *k;
	struct entry *e, **slot;
	const char *ct = r->content_type ? r->content_type :
	    "text/html; charset=utf-8";
	size_t ct_len = strlen(ct) + 1;
	size_t etag_len = c->etag ? strlen(c->etag) + 1 : 0;
	size_t date_len = c->etag ? strlen(c->last_modified_date) + 1 : 0;
	size_t nholes = tm ? tm->nholes : 0, nauthors = tm ? tm->nauthors : 0;
	size_t names = 0, size;
	char *p;

	/* A page's own headers are its validators (ETag, Last-Modified)
	 * or none. */
	if (!t->usable || (r->status != 0 && r->status != 200) || c->personal ||
	    r->nheaders != APP_SECURITY_HEADERS + (c->etag ? 2 : 0))
		return;
	for (size_t i = 0; i < nholes; i++)
		names += tm->holes[i].name.len;
	size = sizeof(*e) + nholes * sizeof(struct hole) +
	    nauthors * sizeof(int64_t) + t->key.len + ct_len + etag_len + date_len +
	    r->out.len + names;
	if (size > budget / 4)
		return;
	k = thread_cache();
	slot = &k->slot[t->hash % CACHE_SLOTS];
	if (*slot != NULL) {
		k->bytes -= (*slot)->size;
		free(*slot);
		*slot = NULL;
	}
	make_room(k, size);
	e = xmalloc(size);
	*e = (struct entry){ .hash = t->hash, .gen = t->gen,
		.made_ms = t->made_ms, .size = size, .nholes = nholes,
		.nauthors = nauthors, .post_id = tm ? tm->post_id : 0,
		.mod_of = tm ? tm->mod_of : 0, .mod_many = tm && tm->mod_many };
	if (c->shows.n == 0 || c->shows.over) {
		e->watch[e->nwatch++] = GEN_ANY;
	} else {
		memcpy(e->watch, c->shows.slot, c->shows.n * sizeof(*e->watch));
		e->nwatch = c->shows.n;
	}
	/* Holes, then authors (both 8-byte aligned after the entry), then
	 * the bytes. */
	e->holes = (struct hole *)(e + 1);
	e->authors = (int64_t *)(e->holes + nholes);
	p = (char *)(e->authors + nauthors);
	if (nholes)
		memcpy(e->holes, tm->holes, nholes * sizeof(struct hole));
	if (nauthors)
		memcpy(e->authors, tm->authors, nauthors * sizeof(int64_t));
	memcpy(p, t->key.p, t->key.len);
	e->key = (struct str){ p, t->key.len };
	p += t->key.len;
	memcpy(p, ct, ct_len);
	e->content_type = p;
	p += ct_len;
	if (c->etag != NULL) {
		memcpy(p, c->etag, etag_len);
		e->etag = p;
		p += etag_len;
		memcpy(p, c->last_modified_date, date_len);
		e->last_modified_date = p;
		e->last_modified = c->last_modified;
		p += date_len;
	}
	memcpy(p, r->out.p, r->out.len);
	e->body = (struct str){ p, r->out.len };
	p += r->out.len;
	for (size_t i = 0; i < nholes; i++) {
		struct str n = tm->holes[i].name;

		if (n.len)
			memcpy(p, n.p, n.len);
		e->holes[i].name = (struct str){ p, n.len };
		p += n.len;
	}
	*slot = e;
	k->bytes += size;
}

/*
 * Keeps the page a handler just wrote for a signed-out visitor under the
 * ticket app_cache_serve filled, when it may be shared (see keep).
 */
void
app_cache_keep(struct ctx *c, const struct cache_ticket *t)
{
	keep(c, t, NULL);
}

/* ---- session rows ------------------------------------------------------ */

/* True while no write since e's query can have changed it. */
static bool
sess_current(const struct sess *e, int64_t now)
{
	return e->v.expires > now &&
	    atomic_load_explicit(&gens[GEN_ALL], memory_order_acquire) <=
	    e->gen &&
	    atomic_load_explicit(&gens[gen_slot(DEP_USER, e->u.id)],
	    memory_order_acquire) <= e->gen;
}

static size_t
cstr_size(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

/* Copies s (cstr_size bytes) to *p and moves *p past it. */
static const char *
cstr_put(char **p, const char *s)
{
	size_t n = cstr_size(s);
	char *at = *p;

	if (n == 0)
		return NULL;
	memcpy(at, s, n);
	*p += n;
	return at;
}

/* A copy of s in a, or NULL for NULL. */
static const char *
cstr_dup(struct arena *a, const char *s)
{
	return s != NULL ? arena_strndup(a, s, strlen(s)) : NULL;
}

/* Keeps u and c->viewer, read after write number gen, in *slot. */
static void
sess_keep(struct ctx *c, struct sess **slot, uint64_t gen,
    const struct user *u)
{
	struct sess *e = xmalloc(sizeof(*e) + cstr_size(u->name) +
	    cstr_size(u->email) + cstr_size(c->viewer.home));
	char *p = (char *)(e + 1);

	memcpy(e->key, c->sess_key, sizeof(e->key));
	e->gen = gen;
	e->touched = c->now;
	e->u = *u;
	e->v = c->viewer;
	e->u.name = cstr_put(&p, u->name);
	e->u.email = cstr_put(&p, u->email);
	e->v.home = cstr_put(&p, c->viewer.home);
	free(*slot);
	*slot = e;
}

/* Signs in u, with what c->viewer holds about them. */
static void
signed_in(struct ctx *c, struct user *u)
{
	c->user = u;
	c->show_nsfw = c->viewer.show_nsfw;
	c->nsfw_loaded = true;
}

/*
 * Signs in the user of the session c->sess_key names (session_cookie),
 * when it is current: sets c->user and c->viewer (arena memory), and
 * notes the session's use (at most once a minute). A GET is answered
 * from this thread's kept row when no write since its query can have
 * changed it (see the header comment); a store error reads as signed out.
 */
void
app_cache_session(struct ctx *c)
{
	struct user *u = ARENA_NEW(c->a, struct user);
	struct sess *e, **slot = NULL;
	uint64_t gen, at;

	if (budget > 0 && (c->r->method == HTTP_GET ||
	    c->r->method == HTTP_HEAD) && log_read(c)) {
		memcpy(&at, c->sess_key, sizeof(at));
		slot = &thread_cache()->sess[at % SESS_SLOTS];
		e = *slot;
		/* another visitor's row is compared too: in constant time */
		if (e != NULL && sodium_memcmp(e->key, c->sess_key,
		    sizeof(e->key)) == 0 && sess_current(e, c->now)) {
			*u = e->u;
			u->name = cstr_dup(c->a, e->u.name);
			u->email = cstr_dup(c->a, e->u.email);
			c->viewer = e->v;
			c->viewer.home = cstr_dup(c->a, e->v.home);
			if (c->now - e->touched >= SESS_TOUCH_SECS) {
				/* for /settings/sessions; a lost note is
				 * harmless */
				(void)store_session_touch(c->s, c->sess_key,
				    c->now);
				e->touched = c->now;
			}
			signed_in(c, u);
			return;
		}
	}
	gen = atomic_load_explicit(&write_seq, memory_order_acquire);
	if (store_session_user(c->s, c->a, c->sess_key, c->now, u,
	    &c->viewer) != STORE_OK)
		return;
	(void)store_session_touch(c->s, c->sess_key, c->now);
	signed_in(c, u);
	if (slot != NULL)
		sess_keep(c, slot, gen, u);
}

/* ---- member templates ------------------------------------------------- */

/*
 * True when the signed-in viewer's page may come from a template: Home's
 * only when struct viewer lists every subscription.
 */
bool
app_member_allowed(struct ctx *c)
{
	return budget > 0 && c->user != NULL &&
	    (c->viewer.plain || c->viewer.moderates) && !c->json &&
	    (!c->by_home || c->viewer.nhome <= STORE_HOME_SET_MAX);
}

/*
 * The kind of template a viewer's render makes (tm) or is served: one per
 * role, each for viewers who see NSFW posts or not. A moderator's render
 * that found them moderating the one community it asked about is a
 * template for that community's moderators; else it is a member's.
 */
static char
tmpl_kind(struct ctx *c, const struct tmpl *tm)
{
	bool nsfw = app_show_nsfw(c);

	if (app_is_admin(c))
		return nsfw ? 'B' : 'A';
	if (tm != NULL && tm->mod_yes)
		return nsfw ? 'E' : 'D';
	return nsfw ? 'N' : 'M';
}

/*
 * A moderator's template for the request: the one for the moderators of
 * the one community its page asked about, when they are one, or else a
 * member's whose page asked about one community at most, which they do
 * not moderate.
 */
static struct entry *
mod_find(struct ctx *c, struct cache_ticket *t)
{
	struct tmpl mod = { .mod_yes = true };
	struct entry *e = find(c, t, tmpl_kind(c, &mod));

	if (e != NULL && app_is_mod(c, e->mod_of))
		return e;
	e = find(c, t, tmpl_kind(c, NULL));
	if (e != NULL && !e->mod_many &&
	    (e->mod_of == 0 || !app_is_mod(c, e->mod_of)))
		return e;
	return NULL;
}

/*
 * Reads the viewer's votes on the items of a template's vote holes into
 * v (post_id: the thread's post, whose comments the store may read in
 * one query). Only items within the range of ids the viewer ever voted
 * on (the session query's) are asked about: often none.
 */
static int
load_votes(struct ctx *c, const struct hole *holes, size_t n,
    int64_t post_id, struct hole_votes *v)
{
	int rc = STORE_OK;

	for (int k = 0; k < 2; k++) {
		v->ids[k] = arena_alloc(c->a, (n + 1) * sizeof(int64_t));
		v->n[k] = 0;
	}
	for (size_t i = 0; i < n; i++) {
		int k = holes[i].vote_kind == VOTE_COMMENT;

		if (holes[i].kind == HOLE_VOTE &&
		    holes[i].id >= c->viewer.voted_lo[k] &&
		    holes[i].id <= c->viewer.voted_hi[k])
			v->ids[k][v->n[k]++] = holes[i].id;
	}
	for (int k = 0; k < 2 && rc == STORE_OK; k++) {
		v->n[k] = ids_sort_unique(v->ids[k], v->n[k]);
		v->dirs[k] = arena_alloc(c->a, (v->n[k] + 1) * sizeof(int));
		if (v->n[k] > 0)
			rc = store_votes_on(c->s, c->user->id, k ? VOTE_COMMENT :
			    VOTE_POST, k ? post_id : 0, v->ids[k], v->n[k],
			    v->dirs[k]);
	}
	return rc;
}

/* About what filling the holes adds, so that the page grows only once. */
static size_t
holes_size(const struct hole *holes, size_t n)
{
	size_t size = 0;

	for (size_t i = 0; i < n; i++)
		size += hole_kinds[holes[i].kind].reserve + holes[i].name.len;
	return size;
}

/*
 * Writes body with its holes rendered for the viewer into r->out and
 * returns true, or answers with the error page when their votes cannot be
 * read.
 */
static bool
fill(struct ctx *c, struct str body, const struct hole *holes, size_t n,
    int64_t post_id)
{
	size_t from = 0;
	struct hole_votes v;
	struct html h;
	int rc = load_votes(c, holes, n, post_id, &v);

	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return false;
	}
	c->r->out.len = 0;
	buf_reserve(&c->r->out, body.len + holes_size(holes, n));
	html_init(&h, &c->r->out);
	for (size_t i = 0; i < n; i++) {
		buf_put(&c->r->out, body.p + from, holes[i].off - from);
		from = holes[i].off;
		hole_kinds[holes[i].kind].render(c, &h, &holes[i], &v);
	}
	buf_put(&c->r->out, body.p + from, body.len - from);
	/* each hole holds whole elements (debug builds check) */
	if (!html_balanced(&h))
		base_fatal(__FILE__, __LINE__, "unbalanced HTML in a hole");
	return true;
}

/*
 * Answers a plain member's request from this thread's template for it
 * (MEMBER_SERVED); else says whether to render a template for it
 * (MEMBER_RENDER, filling *t) or the viewer's own page, because the
 * template shows an item of theirs as it looks to others.
 */
enum member_answer
app_member_serve(struct ctx *c, struct cache_ticket *t)
{
	/* A template shows NSFW posts as its renderer sees them: members
	 * with show_nsfw have templates of their own. */
	struct entry *e;

	if (c->viewer.moderates && !app_is_admin(c)) {
		ticket_start(c, t);
		e = mod_find(c, t);
	} else {
		e = lookup(c, t, tmpl_kind(c, NULL));
	}
	if (e == NULL)
		return MEMBER_RENDER;
	if (ids_find(e->authors, e->nauthors, c->user->id) < e->nauthors)
		return MEMBER_PERSONAL;
	c->r->content_type = e->content_type;
	if (fill(c, e->body, e->holes, e->nholes, e->post_id))
		http_add_header(c->r, "X-Cache", "hit");
	return MEMBER_SERVED;
}

/*
 * After a handler rendered a template (c->tmpl == tm): keeps it, then
 * writes the viewer's page from it and returns true. Returns false for a
 * viewer the template lists as an author: their page is to be rendered
 * in full.
 */
bool
app_member_keep(struct ctx *c, const struct cache_ticket *t, struct tmpl *tm)
{
	struct cache_ticket kt = *t;
	struct str body;

	c->tmpl = NULL;
	tm->nauthors = ids_sort_unique(tm->authors, tm->nauthors);
	/* A moderator's page that asked about several communities shows
	 * what they moderate among them: theirs alone. */
	if (!c->viewer.moderates || app_is_admin(c) || !tm->mod_many) {
		ticket_key(c, &kt, tmpl_kind(c, tm));
		keep(c, &kt, tm);
	}
	if (ids_find(tm->authors, tm->nauthors, c->user->id) < tm->nauthors)
		return false;
	body.len = c->r->out.len;
	body.p = arena_alloc(c->a, body.len + 1);
	memcpy((char *)body.p, c->r->out.p, body.len);
	fill(c, body, tm->holes, tm->nholes, tm->post_id);
	return true;
}
