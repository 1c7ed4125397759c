/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_demo.c: `parley demo`, which fills a database with neutral generated
 * content (communities, users, link and text posts, comment threads and
 * votes) so that a newcomer sees a living forum.
 *
 * Design notes:
 * - Everything is generated from word lists and sentence templates by a
 *   small xorshift64* generator seeded from --seed, so one seed always
 *   gives the same forum (rand() would differ between C libraries).
 * - The content goes through the store's domain functions, exactly as the
 *   pages write it: scores, hot rank, comment counts and user points are
 *   the store's to keep, and markdown is rendered once with md_render.
 * - It scales to millions of posts: work is grouped in transactions of
 *   about BATCH_ITEMS writes (the domain functions nest savepoints inside
 *   them), and one arena holds everything of a batch and is reset after
 *   it, so memory stays flat (about 20 MB) however many posts are asked
 *   for. Each commit writes every page the batch dirtied to the WAL and
 *   checkpoints; the same few thousand index pages (one per user in the
 *   author and vote indexes) are dirtied by any batch, so 50,000 writes
 *   per commit halved the time of 5,000 at 200,000 posts. Votes per post
 *   shrink for large runs, and users grow with posts up to MAX_USERS,
 *   which keeps those pages few and no user writing half the site.
 * - Posts are created in time order, from about a year ago to now, more
 *   of them recent; those older than the default archive_after (180 days)
 *   show archived threads. Comments and votes come after what they answer.
 *   The last post is one large thread (THREAD_MIN comments or more, nested
 *   to THREAD_DEPTH) in the first community, so deep threads and "continue
 *   this thread" can be seen whatever the size. --big-thread N adds one
 *   more post after it whose thread has exactly N comments (the
 *   benchmark's largest page).
 * - A database that already holds the demo (user "alice" exists) is left
 *   alone, so running the command twice adds nothing.
 */
#include "app_demo_int.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEMO_PASSWORD "parley-demo"
#define MARKER_USER "alice"      /* its presence means the demo ran */
#define BATCH_ITEMS 50000        /* writes per transaction (see above) */
#define DAY 86400
#define POST_SPAN (365 * DAY)    /* posts reach back this far */
#define BASE_USERS 60            /* users of a small demo */
#define MAX_USERS 1000           /* users of the largest demo */
#define POSTS_PER_USER 100       /* beyond the base, one user per this many */
#define THREAD_MIN 330           /* comments of the large thread, at least */
#define THREAD_DEPTH 14          /* deepest reply in the large thread */
#define MAX_DEPTH 12             /* deepest reply in other threads */
#define MAX_VOTERS 200           /* votes on one post or comment, at most */
#define STICKY_MIN_POSTS 100     /* smaller demos get no welcome posts */
#define BIG_EXTRA_TOPIC 2        /* community of the --big-thread post */

/* ---- generator state ---------------------------------------------------- */

/* xorshift64*: small, fast and the same on every platform. */
struct rng {
	uint64_t s;   /* never 0 */
};

/* Templates one text has used, so that none repeats within it. */
struct seen {
	const char *tpl[16];
	size_t n;
};

/* A comment already written in the thread being generated. */
struct node {
	int64_t id;
	int64_t created;
	int depth;
	size_t author;        /* index into demo.users */
	const char *quote;    /* its first sentence; arena, this batch */
};

/* A post whose thread is being generated. */
struct gen_post {
	int64_t id;
	int64_t created;
	size_t author;              /* index into demo.users */
	const struct topic *tp;
	double pop;                 /* popularity, 0..1: more comments, votes */
};

/* Everything one run of the demo holds. */
struct demo {
	struct store *s;
	struct arena *a;            /* this batch's memory; reset per batch */
	struct rng rng;
	int64_t now;                /* the run's "now": every time is before */
	bool in_tx;                 /* a batch transaction is open */
	long batch;                 /* writes in the open transaction */
	double vote_scale;          /* votes per target, relative */
	int64_t *users;             /* ids of the users that write; owned */
	size_t nusers;
	size_t ncommunities;        /* communities, each on a topic */
	int64_t community[APP_DEMO_COMMUNITIES_MAX];
	int weight_sum;
	long n_users, n_posts, n_comments, n_votes; /* written so far */
	size_t big_count;           /* comments of the next large thread; 0 = random */
	const char *pwhash;         /* DEMO_PASSWORD hashed once */
};

static uint64_t
rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ULL;
}

/* Scrambles seed (splitmix64) so that neighbouring seeds differ widely. */
static void
rng_seed(struct rng *r, unsigned seed)
{
	uint64_t z = (uint64_t)seed + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	r->s = z != 0 ? z : 1;
}

/* Uniform in [0, 1). */
static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n); n > 0. */
static size_t
rng_below(struct rng *r, size_t n)
{
	return (size_t)(rng_unit(r) * (double)n);
}

static bool
rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

/* Exponentially distributed with the given mean. */
static double
rng_expo(struct rng *r, double mean)
{
	return -mean * log(1.0 - rng_unit(r));
}

static size_t
list_len(const char *const *list)
{
	size_t n = 0;

	while (list[n] != NULL)
		n++;
	return n;
}

static const char *
pick(struct rng *r, const char *const *list)
{
	return list[rng_below(r, list_len(list))];
}

/*
 * A time after t and not after the run's now: t plus an exponential delay
 * of the given mean, squeezed into what is left when that would pass now.
 */
static int64_t
later(struct demo *d, int64_t t, double mean)
{
	int64_t left = d->now - t;
	int64_t dt = (int64_t)rng_expo(&d->rng, mean) + 1;

	if (dt > left)
		dt = left > 0 ? 1 + (int64_t)rng_below(&d->rng, (size_t)left) : 0;
	return t + dt;
}

/* A user index, the first (named) users more often: some people post a lot. */
static size_t
pick_user(struct demo *d)
{
	return (size_t)(pow(rng_unit(&d->rng), 1.5) * (double)d->nusers);
}

/* ---- text ---------------------------------------------------------------- */

/* Appends one thing of the topic, sometimes emphasised; returns its index. */
static size_t
put_thing(struct demo *d, struct buf *b, const struct topic *tp, size_t avoid,
    bool capital, double emph)
{
	size_t n = list_len(tp->things), i = rng_below(&d->rng, n);
	const char *mark = NULL;

	if (i == avoid)
		i = (i + 1) % n;
	if (emph > 0 && rng_chance(&d->rng, emph))
		mark = rng_chance(&d->rng, 0.5) ? "*" : "**";
	if (mark != NULL)
		buf_puts(b, mark);
	if (capital && tp->things[i][0] >= 'a' && tp->things[i][0] <= 'z') {
		buf_putc(b, (char)(tp->things[i][0] - 'a' + 'A'));
		buf_puts(b, tp->things[i] + 1);
	} else {
		buf_puts(b, tp->things[i]);
	}
	if (mark != NULL)
		buf_puts(b, mark);
	return i;
}

/*
 * Appends template tpl with its {x} slots filled for topic tp (see the
 * word lists); emph is the chance that a filled thing is emphasised.
 */
static void
expand(struct demo *d, struct buf *b, const struct topic *tp,
    const char *tpl, double emph)
{
	size_t last = SIZE_MAX;

	for (const char *p = tpl; *p != '\0'; p++) {
		if (p[0] != '{' || p[1] == '\0' || p[2] != '}') {
			buf_putc(b, *p);
			continue;
		}
		switch (p[1]) {
		case 't':
		case 'T':
			last = put_thing(d, b, tp, SIZE_MAX, p[1] == 'T', emph);
			break;
		case 'u':
			put_thing(d, b, tp, last, false, emph);
			break;
		case 'n':
			buf_put_i64(b, 2 + (int64_t)rng_below(&d->rng, 11));
			break;
		case 'y':
			buf_put_i64(b, 2015 + (int64_t)rng_below(&d->rng, 11));
			break;
		case 'c':
			buf_printf(b, "%dth", 11 + (int)rng_below(&d->rng, 9));
			break;
		case 'w':
			buf_puts(b, pick(&d->rng, tp->wiki));
			break;
		default:
			buf_put(b, p, 3);
			break;
		}
		p += 2;
	}
}

/* A post title for topic tp, capitalised, in the batch arena. */
static const char *
make_title(struct demo *d, const struct topic *tp, bool link)
{
	struct buf b;
	const char *const *list;

	buf_init(&b, d->a, 96);
	if (link)
		list = app_demo_link_titles;
	else
		list = rng_chance(&d->rng, 0.55) ? tp->titles : app_demo_text_titles;
	expand(d, &b, tp, pick(&d->rng, list), 0);
	if (b.p[0] >= 'a' && b.p[0] <= 'z')
		b.p[0] = (char)(b.p[0] - 'a' + 'A');
	return b.p;
}

/* Appends title as a URL path segment: lower case, words joined by '-'. */
static void
put_slug(struct buf *b, const char *title)
{
	bool dash = false;
	size_t n = 0;

	for (const char *p = title; *p != '\0' && n < 60; p++) {
		char ch = *p;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (dash && n > 0) {
				buf_putc(b, '-');
				n++;
			}
			buf_putc(b, ch);
			n++;
			dash = false;
		} else {
			dash = true;
		}
	}
}

/*
 * Fills the title and URL of a link post: an encyclopedia article of the
 * topic, titled after it, or an article on one of the example domains
 * with a generated title and a path made from it. Both in the batch arena.
 */
static void
make_link(struct demo *d, const struct topic *tp, int64_t created,
    struct post *p)
{
	struct buf b;
	time_t t = (time_t)created;
	struct tm tm;
	const char *article;
	char *title;

	if (rng_chance(&d->rng, 0.25)) {
		article = pick(&d->rng, tp->wiki);
		title = arena_printf(d->a, "%s", article);
		for (char *c = title; *c != '\0'; c++)
			if (*c == '_')
				*c = ' ';
		p->title = title;
		p->url = arena_printf(d->a, "https://en.wikipedia.org/wiki/%s",
		    article);
		return;
	}
	p->title = make_title(d, tp, true);
	buf_init(&b, d->a, 128);
	switch (rng_below(&d->rng, 3)) {
	case 0:
		buf_printf(&b, "https://www.example.com/%s/", tp->name);
		put_slug(&b, p->title);
		break;
	case 1:
		gmtime_r(&t, &tm);
		buf_printf(&b, "https://blog.example.org/%04d/%02d/",
		    tm.tm_year + 1900, tm.tm_mon + 1);
		put_slug(&b, p->title);
		break;
	default:
		buf_printf(&b, "http://example.net/articles/%llu",
		    (unsigned long long)(10000 + rng_below(&d->rng, 90000)));
		break;
	}
	p->url = b.p;
}

/*
 * Appends one sentence from list that seen does not hold yet (after a few
 * tries it gives up and writes nothing) and records it in seen.
 */
static void
put_fresh(struct demo *d, struct buf *b, const struct topic *tp,
    const char *const *list, struct seen *seen, double emph)
{
	for (int tries = 0; tries < 4; tries++) {
		const char *tpl = pick(&d->rng, list);
		size_t i = 0;

		while (i < seen->n && seen->tpl[i] != tpl)
			i++;
		if (i < seen->n)
			continue;
		if (seen->n < ARRAY_LEN(seen->tpl))
			seen->tpl[seen->n++] = tpl;
		if (b->len > 0 && b->p[b->len - 1] != '\n' &&
		    b->p[b->len - 1] != ' ')
			buf_putc(b, ' ');
		expand(d, b, tp, tpl, emph);
		return;
	}
}

/* Appends 1..max sentences, each from the topic or from general. */
static void
put_sentences(struct demo *d, struct buf *b, const struct topic *tp,
    const char *const *general, size_t max, struct seen *seen, double emph)
{
	size_t n = 1 + rng_below(&d->rng, max);

	for (size_t i = 0; i < n; i++)
		put_fresh(d, b, tp, rng_chance(&d->rng, 0.5) ? tp->lines :
		    general, seen, emph);
}

/* Appends a markdown table rating a few things of the topic. */
static void
put_table(struct demo *d, struct buf *b, const struct topic *tp)
{
	size_t rows = 2 + rng_below(&d->rng, 3);

	buf_puts(b, "| What | Rating | Notes |\n| --- | :---: | --- |\n");
	for (size_t i = 0; i < rows; i++) {
		buf_puts(b, "| ");
		put_thing(d, b, tp, SIZE_MAX, true, 0);
		buf_printf(b, " | %d/5 | %s |\n", 1 + (int)rng_below(&d->rng, 5),
		    pick(&d->rng, app_demo_notes));
	}
}

/*
 * The markdown body of a text post: paragraphs, and sometimes a list, a
 * quotation, a code block or a table. Returns it in the batch arena.
 */
static const char *
make_post_body(struct demo *d, const struct topic *tp)
{
	bool programming = strcmp(tp->name, "programming") == 0;
	struct seen seen = { .n = 0 };
	struct buf b;

	buf_init(&b, d->a, 1024);
	put_fresh(d, &b, tp, rng_chance(&d->rng, 0.6) ? app_demo_post_openers :
	    tp->lines, &seen, 0.08);
	put_sentences(d, &b, tp, app_demo_post_lines, 3, &seen, 0.08);
	buf_puts(&b, "\n\n");
	if (rng_chance(&d->rng, 0.4)) {
		bool ordered = rng_chance(&d->rng, 0.3);
		size_t items = 2 + rng_below(&d->rng, 4);

		buf_puts(&b, pick(&d->rng, app_demo_list_intros));
		buf_puts(&b, "\n\n");
		for (size_t i = 0; i < items; i++) {
			if (ordered)
				buf_printf(&b, "%zu. ", i + 1);
			else
				buf_puts(&b, "- ");
			put_thing(d, &b, tp, SIZE_MAX, true, 0.1);
			if (rng_chance(&d->rng, 0.6))
				buf_printf(&b, ": %s", pick(&d->rng, app_demo_notes));
			buf_putc(&b, '\n');
		}
		buf_putc(&b, '\n');
	}
	if (rng_chance(&d->rng, 0.2)) {
		buf_puts(&b, pick(&d->rng, app_demo_quote_intros));
		buf_puts(&b, "\n\n> ");
		buf_puts(&b, pick(&d->rng, app_demo_quotes));
		buf_puts(&b, "\n\n");
	}
	if (programming && rng_chance(&d->rng, 0.6)) {
		buf_puts(&b, pick(&d->rng, app_demo_code_intros));
		buf_puts(&b, "\n\n");
		buf_puts(&b, pick(&d->rng, app_demo_code_blocks));
		buf_putc(&b, '\n');
	}
	if (rng_chance(&d->rng, 0.12)) {
		put_table(d, &b, tp);
		buf_putc(&b, '\n');
	}
	if (rng_chance(&d->rng, 0.5))
		put_sentences(d, &b, tp, app_demo_post_lines, 3, &seen, 0.08);
	put_fresh(d, &b, tp, app_demo_post_endings, &seen, 0);
	buf_putc(&b, '\n');
	return b.p;
}

/*
 * The markdown body of a comment: a few sentences, sometimes quoting the
 * parent's first sentence, a list or a link. *first receives the first
 * sentence alone, for replies to quote; both are in the batch arena.
 */
static const char *
make_comment_body(struct demo *d, const struct topic *tp, const char *quote,
    const char **first)
{
	struct seen seen = { .n = 0 };
	struct buf b, s;

	buf_init(&b, d->a, 256);
	buf_init(&s, d->a, 128);
	if (quote != NULL && rng_chance(&d->rng, 0.15)) {
		buf_puts(&b, "> ");
		buf_puts(&b, quote);
		buf_puts(&b, "\n\n");
	}
	put_fresh(d, &s, tp, rng_chance(&d->rng, 0.35) ? tp->lines :
	    app_demo_comment_lines, &seen, 0.05);
	*first = s.p;
	buf_put_str(&b, buf_str(&s));
	if (rng_chance(&d->rng, 0.6)) {
		if (rng_chance(&d->rng, 0.25))
			buf_puts(&b, "\n\n");
		put_sentences(d, &b, tp, app_demo_comment_lines, 2, &seen, 0.05);
	}
	if (rng_chance(&d->rng, 0.04)) {
		buf_puts(&b, "\n\n");
		for (size_t i = 0, n = 2 + rng_below(&d->rng, 2); i < n; i++) {
			buf_puts(&b, "- ");
			put_thing(d, &b, tp, SIZE_MAX, true, 0);
			buf_putc(&b, '\n');
		}
	} else if (rng_chance(&d->rng, 0.04)) {
		expand(d, &b, tp, rng_chance(&d->rng, 0.5) ?
		    " There's a good overview here: "
		    "https://en.wikipedia.org/wiki/{w}" :
		    " [This article](https://en.wikipedia.org/wiki/{w}) "
		    "covers it well.", 0);
	}
	buf_putc(&b, '\n');
	return b.p;
}

/*
 * Renders markdown src into a new buffer of the batch arena. Returns NULL
 * after a message on stderr when md_render fails.
 */
static const char *
render(struct demo *d, const char *src)
{
	struct buf b;

	buf_init(&b, d->a, strlen(src) * 3 / 2 + 64);
	if (md_render(&b, str_c(src)) != 0) {
		fprintf(stderr, "parley demo: markdown rendering failed\n");
		return NULL;
	}
	return b.p;
}

/* ---- writing --------------------------------------------------------- */

/* Reports a failed store call on stderr; returns -1 for the caller. */
static int
fail(const char *what, int rc)
{
	fprintf(stderr, "parley demo: %s failed (store error %d)\n", what, rc);
	return -1;
}

/*
 * Ranks the posts the open batch voted on (store_rank_catch_up) and
 * commits it. Returns 0, or -1 after reporting.
 */
static int
batch_commit(struct demo *d)
{
	int rc;

	if ((rc = store_rank_catch_up(d->s, NULL)) != STORE_OK)
		return fail("store_rank_catch_up", rc);
	/* A failed commit has rolled its transaction back already. */
	d->in_tx = false;
	if ((rc = store_commit(d->s)) != STORE_OK)
		return fail("commit", rc);
	return 0;
}

/*
 * Opens the first transaction, or once the open one holds BATCH_ITEMS
 * writes, commits it, resets the arena and opens the next. Only call it
 * where nothing of the arena is still needed. Returns 0, or -1 after
 * reporting.
 */
static int
batch_step(struct demo *d)
{
	int rc;

	if (d->in_tx && d->batch < BATCH_ITEMS)
		return 0;
	if (d->in_tx && batch_commit(d) != 0)
		return -1;
	arena_reset(d->a);
	d->batch = 0;
	if ((rc = store_begin(d->s)) != STORE_OK)
		return fail("begin", rc);
	d->in_tx = true;
	return 0;
}

/*
 * Casts count votes by distinct users other than the author on one post
 * or comment, each down with probability down, after created.
 */
static int
cast_votes(struct demo *d, int kind, int64_t target, size_t author,
    int64_t created, size_t count, double down)
{
	size_t pool = d->nusers - 1, *chosen;
	int64_t score;
	int rc;

	if (count > pool)
		count = pool;
	if (count > MAX_VOTERS)
		count = MAX_VOTERS;
	chosen = ARENA_ARRAY(d->a, size_t, count + 1);
	/* Floyd's sampling: count distinct indexes of [0, pool). */
	for (size_t j = pool - count, k = 0; j < pool; j++, k++) {
		size_t t = rng_below(&d->rng, j + 1);

		for (size_t i = 0; i < k; i++) {
			if (chosen[i] == t) {
				t = j;
				break;
			}
		}
		chosen[k] = t;
	}
	for (size_t k = 0; k < count; k++) {
		size_t u = chosen[k] >= author ? chosen[k] + 1 : chosen[k];
		int dir = rng_chance(&d->rng, down) ? -1 : 1;

		rc = store_vote_set(d->s, d->users[u], kind, target, dir,
		    later(d, created, 8 * 3600.0), &score);
		if (rc != STORE_OK)
			return fail("store_vote_set", rc);
		d->n_votes++;
		d->batch++;
	}
	return 0;
}

/*
 * Writes one comment on post gp under parent (NULL at the top level) by
 * the user of index author at time created, votes on it, and appends it
 * to nodes[*n]. Returns 0, or -1 after reporting.
 */
static int
add_comment(struct demo *d, const struct gen_post *gp, struct node *nodes,
    size_t *n, const struct node *parent, size_t author, int64_t created)
{
	struct node *me = &nodes[*n];
	struct comment c = {
		.post_id = gp->id,
		.parent_id = parent != NULL ? parent->id : 0,
		.author_id = d->users[author],
		.created = created,
		.depth = parent != NULL ? parent->depth + 1 : 0,
	};
	double mean;
	int rc;

	c.body = make_comment_body(d, gp->tp, parent != NULL ? parent->quote :
	    NULL, &me->quote);
	if ((c.body_html = render(d, c.body)) == NULL)
		return -1;
	if ((rc = store_comment_create(d->s, &c, &me->id)) != STORE_OK)
		return fail("store_comment_create", rc);
	me->created = created;
	me->depth = c.depth;
	me->author = author;
	(*n)++;
	d->n_comments++;
	d->batch++;
	/* Early and shallow comments collect the most votes. */
	mean = (0.4 + 5.0 * gp->pop) * d->vote_scale / (1.0 + 0.4 * c.depth);
	rc = cast_votes(d, VOTE_COMMENT, me->id, author, created,
	    (size_t)rng_expo(&d->rng, mean),
	    rng_chance(&d->rng, 0.15) ? 0.45 : 0.08);
	if (rc != 0)
		return rc;
	if (rng_chance(&d->rng, 0.004)) {
		rc = store_comment_delete(d->s, me->id, later(d, created, DAY));
		if (rc != STORE_OK)
			return fail("store_comment_delete", rc);
	}
	return 0;
}

/* The user index of a reply to parent: now and then the post's author. */
static size_t
pick_replier(struct demo *d, const struct gen_post *gp,
    const struct node *parent)
{
	size_t u;

	if (rng_chance(&d->rng, 0.1) && (parent == NULL ||
	    parent->author != gp->author))
		return gp->author;
	u = pick_user(d);
	if (parent != NULL && u == parent->author)
		u = (u + 1) % d->nusers;
	return u;
}

/*
 * Writes a thread of count comments on gp. New comments start a thread
 * with probability top, else answer the latest comment (a conversation)
 * with probability chain, else any earlier one; nothing goes deeper than
 * max_depth. Replies come after their parent in time.
 */
static int
add_thread(struct demo *d, const struct gen_post *gp, size_t count,
    double top, double chain, int max_depth)
{
	struct node *nodes = ARENA_ARRAY(d->a, struct node, count + 1);
	size_t n = 0;

	for (size_t i = 0; i < count; i++) {
		const struct node *parent = NULL;
		int64_t t;

		if (n > 0 && !rng_chance(&d->rng, top)) {
			parent = &nodes[rng_chance(&d->rng, chain) ? n - 1 :
			    rng_below(&d->rng, n)];
			if (parent->depth >= max_depth)
				parent = NULL;
		}
		t = parent != NULL ? later(d, parent->created, 3600.0) :
		    later(d, gp->created, 4 * 3600.0);
		if (add_comment(d, gp, nodes, &n, parent,
		    pick_replier(d, gp, parent), t) != 0)
			return -1;
	}
	return 0;
}

/*
 * The large thread: first a back-and-forth between two users that reaches
 * THREAD_DEPTH, then more comments around it, THREAD_MIN or more in all,
 * or exactly d->big_count when that is set.
 */
static int
add_big_thread(struct demo *d, const struct gen_post *gp)
{
	size_t count = d->big_count ? d->big_count :
	    THREAD_MIN + rng_below(&d->rng, 40);
	struct node *nodes = ARENA_ARRAY(d->a, struct node, count + 1);
	size_t n = 0, who[2];

	who[0] = pick_replier(d, gp, NULL);
	who[1] = (who[0] + 1 + rng_below(&d->rng, d->nusers - 1)) % d->nusers;
	if (add_comment(d, gp, nodes, &n, NULL, who[0],
	    later(d, gp->created, 1800.0)) != 0)
		return -1;
	for (int depth = 1; depth <= THREAD_DEPTH && n < count; depth++) {
		if (add_comment(d, gp, nodes, &n, &nodes[n - 1], who[depth % 2],
		    later(d, nodes[n - 1].created, 1200.0)) != 0)
			return -1;
	}
	while (n < count) {
		const struct node *parent = NULL;
		int64_t t;

		if (!rng_chance(&d->rng, 0.2)) {
			parent = &nodes[rng_chance(&d->rng, 0.5) ? n - 1 :
			    rng_below(&d->rng, n)];
			if (parent->depth >= THREAD_DEPTH)
				parent = NULL;
		}
		t = parent != NULL ? later(d, parent->created, 1800.0) :
		    later(d, gp->created, 6 * 3600.0);
		if (add_comment(d, gp, nodes, &n, parent,
		    pick_replier(d, gp, parent), t) != 0)
			return -1;
	}
	return 0;
}

/* Comments for an ordinary post: often none, mostly a few, some many. */
static size_t
comment_count(struct demo *d, double pop)
{
	size_t n;

	if (rng_chance(&d->rng, 0.2))
		return 0;
	n = (size_t)(pop * 22.0 + rng_expo(&d->rng, 1.5));
	if (rng_chance(&d->rng, 0.02))
		n += 20 + rng_below(&d->rng, 80);
	return n;
}

/* Community ci's topic: past the DEMO_TOPICS, the topics come round again. */
static const struct topic *
topic_of(size_t ci)
{
	return &app_demo_topics[ci % DEMO_TOPICS];
}

/* A community index, by its topic's weight. */
static size_t
pick_topic(struct demo *d)
{
	int w = (int)rng_below(&d->rng, (size_t)d->weight_sum);
	size_t i = 0;

	while (w >= topic_of(i)->weight) {
		w -= topic_of(i)->weight;
		i++;
	}
	return i;
}

/*
 * Writes one post with its thread and votes. big makes it the large
 * thread; sticky makes it the welcome post of community ci.
 */
static int
add_post(struct demo *d, size_t ci, int64_t created, bool big, bool sticky)
{
	const struct topic *tp = topic_of(ci);
	struct gen_post gp = {
		.created = created,
		.tp = tp,
		.pop = pow(rng_unit(&d->rng), 4.0),
	};
	struct post p = {
		.community_id = d->community[ci],
		.created = created,
		.stickied = sticky,
	};
	size_t votes;
	int rc;

	gp.author = sticky ? ci : pick_user(d);
	if (big)
		gp.pop = 1.0;
	p.author_id = d->users[gp.author];
	if (sticky) {
		p.title = arena_printf(d->a, "Welcome to %s: please read the "
		    "rules before posting", tp->title);
		p.body = arena_printf(d->a, "Hello and welcome!\n\n"
		    "This community is about %s. A few things to know:\n\n"
		    "- Read the **rules** in the side panel.\n"
		    "- Search before asking; many questions have good answers "
		    "already.\n"
		    "- Be kind. Everyone here was new once.\n\n"
		    "Introduce yourself in the comments!\n", tp->name);
	} else if (!big && rng_below(&d->rng, 100) < (size_t)tp->link_pct) {
		make_link(d, tp, created, &p);
	} else {
		p.title = make_title(d, tp, false);
		p.body = make_post_body(d, tp);
	}
	if (p.body != NULL && (p.body_html = render(d, p.body)) == NULL)
		return -1;
	if ((rc = store_post_create(d->s, &p, &gp.id)) != STORE_OK)
		return fail("store_post_create", rc);
	d->n_posts++;
	d->batch++;
	if (big)
		rc = add_big_thread(d, &gp);
	else
		rc = add_thread(d, &gp, comment_count(d, gp.pop), 0.4, 0.45,
		    MAX_DEPTH);
	if (rc != 0)
		return rc;
	votes = (size_t)((gp.pop * 45.0 + rng_expo(&d->rng, 1.0)) *
	    d->vote_scale);
	if (big)
		votes = MAX_VOTERS;
	return cast_votes(d, VOTE_POST, gp.id, gp.author, created, votes,
	    rng_chance(&d->rng, 0.1) ? 0.35 : 0.07);
}

/*
 * Writes the posts: the welcome posts, then the rest in time order from a
 * year ago to now with more of them recent, then the large thread, all in
 * batches. Prints progress on stderr every tenth of a large run.
 */
static int
add_posts(struct demo *d, long posts, double t0)
{
	size_t nsticky = posts >= STICKY_MIN_POSTS ? d->ncommunities : 0;
	long plain = posts - 1 - (long)nsticky, tenth = posts / 10, next;
	struct timespec ts;

	next = tenth;
	for (long i = 0; i < posts; i++) {
		int rc;

		if (batch_step(d) != 0)
			return -1;
		if ((size_t)i < nsticky) {
			rc = add_post(d, (size_t)i, d->now - (60 + 3 * i) * DAY,
			    false, true);
		} else if (i < posts - 1) {
			/* Ages fall as (1 - u)^2: about 30 % older than 180 days. */
			double u = ((double)(i - (long)nsticky) +
			    rng_unit(&d->rng)) / (double)plain;
			int64_t age = (int64_t)((1.0 - u) * (1.0 - u) * POST_SPAN);

			rc = add_post(d, pick_topic(d), d->now - age, false, false);
		} else {
			rc = add_post(d, 0, d->now - 30 * 3600 -
			    (int64_t)rng_below(&d->rng, 7200), true, false);
		}
		if (rc != 0)
			return -1;
		if (posts >= 10000 && i + 1 >= next && i + 1 < posts) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			fprintf(stderr, "demo: %ld%% (%ld posts, %ld comments, "
			    "%ld votes) %.1f s\n", (i + 1) * 100 / posts,
			    d->n_posts, d->n_comments, d->n_votes,
			    (double)ts.tv_sec + ts.tv_nsec / 1e9 - t0);
			next += tenth;
		}
	}
	return 0;
}

/* ---- users and communities ------------------------------------------- */

/*
 * Creates one user; a name that is taken (by someone who registered
 * before the demo ran) is skipped and *id set to 0.
 */
static int
add_user(struct demo *d, const char *name, int role, int64_t created,
    int64_t *id)
{
	int rc = store_user_create(d->s, name, d->pwhash, NULL, role, created,
	    id);

	if (rc == STORE_CONFLICT) {
		*id = 0;
		return 0;
	}
	if (rc != STORE_OK)
		return fail("store_user_create", rc);
	d->n_users++;
	d->batch++;
	return 0;
}

/*
 * Creates the admin and the users that write: the named ones, then
 * generated names (adjective, noun, a style, a number when needed) until
 * there are want of them.
 */
static int
add_users(struct demo *d, size_t want)
{
	static const char *const sep[] = { "_", "", "-" };
	size_t na = app_demo_name_adj_n, nn = app_demo_name_noun_n;
	int64_t id;

	if (add_user(d, "admin", ROLE_ADMIN, d->now - 400 * DAY, &id) != 0)
		return -1;
	d->users = xmalloc(want * sizeof(*d->users));
	for (size_t i = 0; d->nusers < want; i++) {
		int64_t created = d->now - POST_SPAN - DAY -
		    (int64_t)rng_below(&d->rng, 30 * DAY);
		const char *name;

		if (batch_step(d) != 0)
			return -1;
		if (i < app_demo_named_users_n) {
			name = app_demo_named_users[i];
		} else {
			/* A bijection from k to (adjective, noun, style, number). */
			size_t k = i - app_demo_named_users_n, a = k % na;
			size_t q = (k / na) % nn, round = k / (na * nn);
			const char *adj = app_demo_name_adj[a];
			const char *noun = app_demo_name_noun[(a * 7 + q) % nn];

			if (round % 3 == 1)
				name = arena_printf(d->a, "%c%s%c%s",
				    adj[0] - 'a' + 'A', adj + 1,
				    noun[0] - 'a' + 'A', noun + 1);
			else
				name = arena_printf(d->a, "%s%s%s", adj,
				    sep[round % 3], noun);
			if (round >= 3)
				name = arena_printf(d->a, "%s%zu", name, round / 3);
		}
		if (add_user(d, name, ROLE_USER, created, &id) != 0)
			return -1;
		if (id != 0)
			d->users[d->nusers++] = id;
	}
	return 0;
}

/*
 * Creates the communities, each with its creator and a second moderator.
 * Those past the DEMO_TOPICS take their topic's name and title with the
 * round's number: gardening2, "Gardening 2".
 */
static int
add_communities(struct demo *d)
{
	for (size_t i = 0; i < d->ncommunities; i++) {
		const struct topic *tp = topic_of(i);
		size_t round = i / DEMO_TOPICS + 1;
		struct community c = {
			.name = round == 1 ? tp->name :
			    arena_printf(d->a, "%s%zu", tp->name, round),
			.title = round == 1 ? tp->title :
			    arena_printf(d->a, "%s %zu", tp->title, round),
			.description = tp->description,
			.rules = tp->rules,
			.creator_id = d->users[i],
			.created = d->now - POST_SPAN - (int64_t)(20 - i) * DAY,
		};
		int rc;

		c.description_html = render(d, c.description);
		c.rules_html = render(d, c.rules);
		if (c.description_html == NULL || c.rules_html == NULL)
			return -1;
		rc = store_community_create(d->s, &c, &d->community[i]);
		if (rc == STORE_CONFLICT) {
			/* Made by hand before the demo ran: fill it anyway. */
			struct community have;

			rc = store_community_by_name(d->s, d->a, c.name, &have);
			if (rc != STORE_OK)
				return fail("store_community_by_name", rc);
			d->community[i] = have.id;
		} else if (rc != STORE_OK) {
			return fail("store_community_create", rc);
		}
		/* The store made the creator the first moderator. */
		rc = store_moderator_add(d->s, d->community[i],
		    d->users[i + d->ncommunities], c.created);
		if (rc != STORE_OK && rc != STORE_CONFLICT)
			return fail("store_moderator_add", rc);
		d->batch++;
		d->weight_sum += tp->weight;
	}
	return 0;
}

/* ---- entry point ------------------------------------------------------ */

/* True when the demo has run on this database before; -1 on error. */
static int
has_demo(struct demo *d)
{
	struct user u;
	int rc = store_user_by_name(d->s, d->a, MARKER_USER, &u, NULL);

	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK)
		return fail("store_user_by_name", rc);
	return 1;
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Runs `parley demo`: opens and migrates cfg->db, then writes the
 * DEMO_TOPICS communities, users sharing the password DEMO_PASSWORD (and an admin),
 * posts (at least one: the large thread) with their comments and votes,
 * generated from seed. A database where the demo already ran is left as
 * it is. Prints progress on stderr and a summary on stdout.
 *
 * Returns 0 on success (also when nothing was added), or -1 after a
 * message on stderr: the database cannot be opened or migrated, or a
 * write failed. Batches committed before a failure stay in the database.
 */
int
app_demo(const struct app_config *cfg, long posts, unsigned seed)
{
	return app_demo_big(cfg, posts, seed, 0, DEMO_TOPICS);
}

/*
 * app_demo with, when big_thread > 0, one more post at the end (in the
 * third community, 20 hours old) whose thread holds exactly big_thread
 * comments, for the benchmark's largest page; and communities
 * communities (1 to APP_DEMO_COMMUNITIES_MAX; the default DEMO_TOPICS),
 * for a benchmark of members subscribed to many. Returns as app_demo.
 */
int
app_demo_big(const struct app_config *cfg, long posts, unsigned seed,
    long big_thread, size_t communities)
{
	struct demo d = { .now = base_now(), .ncommunities = communities };
	char hash[crypto_pwhash_STRBYTES];
	size_t want;
	int64_t seq;
	double t0 = seconds();
	bool bulk = false;          /* store_bulk_end is owed */
	int rc = -1;

	if (posts < 1)
		posts = 1;
	if (sodium_init() < 0) {
		fprintf(stderr, "parley demo: libsodium failed to start\n");
		return -1;
	}
	if ((d.s = store_open(cfg->db)) == NULL) {
		fprintf(stderr, "parley demo: cannot open database %s\n",
		    cfg->db_shown);
		return -1;
	}
	d.a = arena_new(64 * 1024);
	rng_seed(&d.rng, seed);
	if (store_migrate(d.s) != STORE_OK) {
		fprintf(stderr, "parley demo: cannot bring the schema of %s up "
		    "to date\n", cfg->db_shown);
		goto out;
	}
	if (store_bulk(d.s) != STORE_OK) {
		fprintf(stderr, "parley demo: cannot prepare %s for loading\n",
		    cfg->db_shown);
		goto out;
	}
	bulk = true;
	switch (has_demo(&d)) {
	case 0:
		break;
	case 1:
		printf("demo: %s already holds the demo (user %s exists); "
		    "nothing added\n", cfg->db_shown, MARKER_USER);
		rc = 0;
		goto out;
	default:
		goto out;
	}
	if (crypto_pwhash_str_alg(hash, DEMO_PASSWORD,
	    sizeof(DEMO_PASSWORD) - 1, 2, 19u * 1024 * 1024,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		fprintf(stderr, "parley demo: out of memory hashing the "
		    "password\n");
		goto out;
	}
	d.pwhash = hash;
	/* Many posts want more voices; votes per post shrink to stay fast. */
	want = BASE_USERS;
	if ((size_t)posts > BASE_USERS * POSTS_PER_USER)
		want = (size_t)posts / POSTS_PER_USER;
	if (want > MAX_USERS)
		want = MAX_USERS;
	/* each community has two moderators of its own */
	if (want < 2 * d.ncommunities)
		want = 2 * d.ncommunities;
	d.vote_scale = fmin(1.0, fmax(0.2, sqrt(20000.0 / (double)posts)));
	if (batch_step(&d) != 0 || add_users(&d, want) != 0)
		goto out;
	if (d.nusers < 2 * d.ncommunities) {
		fprintf(stderr, "parley demo: too many of the demo's user names "
		    "are taken\n");
		goto out;
	}
	if (add_communities(&d) != 0 || add_posts(&d, posts, t0) != 0)
		goto out;
	if (big_thread > 0) {
		/* After the rest, so the forum is the same with or without it. */
		d.big_count = (size_t)big_thread;
		if (batch_step(&d) != 0 || add_post(&d, BIG_EXTRA_TOPIC,
		    d.now - 20 * 3600, true, false) != 0)
			goto out;
	}
	if ((rc = batch_commit(&d)) != 0)
		goto out;
	printf("demo: %ld users, %zu communities, %ld posts, %ld comments, "
	    "%ld votes in %.1f s\n", d.n_users, d.ncommunities, d.n_posts,
	    d.n_comments, d.n_votes, seconds() - t0);
	rc = 0;
out:
	if (d.in_tx)
		store_rollback(d.s);
	/* the search index, filled once rather than row by row */
	if (bulk && store_bulk_end(d.s) != STORE_OK) {
		fprintf(stderr, "parley demo: cannot rebuild the search index; "
		    "the next parley serve or init does\n");
		rc = -1;
	}
	if (rc != 0 && d.n_posts > 0)
		fprintf(stderr, "parley demo: the batches written before the "
		    "failure stay in the database\n");
	free(d.users);
	arena_free(d.a);
	/* running servers' page caches see the load */
	(void)store_epoch_log(d.s, NULL, 0, &seq);
	store_close(d.s);
	return rc;
}
