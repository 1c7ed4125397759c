/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_app_cache.c: unit tests for src/app/app_cache.c, the page cache of
 * signed-out visitors, over a real SQLite store: what is kept (plain 200
 * answers with no header of their own), under which key (format, path
 * and query), and when a kept page stops being served: a write by this
 * process that changes what the page shows (and no other), a rise of the
 * database's epoch by another process, one second of age; the key of
 * Home's member templates, which carries the member's subscriptions; and
 * the session rows kept for signed-in GETs.
 *
 * Member templates and the validators of feeds need a live connection
 * (request headers, the viewer's votes) and are tested end to end in
 * tests/e2e/test_page_cache.py and test_feeds.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/app/app_cache.c"
#include "../../src/store/store_int.h"

#include <stdio.h>
#include <unistd.h>

struct world {
	char dir[64];
	char url[128];
	struct store *s;        /* the request threads' connection */
	struct arena *a;
};

/* One request to path with query a=value (NULL: no query). */
struct fake {
	struct req r;
	struct ctx c;
	struct http_kv q;
};

static void
fake_init(struct fake *f, struct world *w, const char *path, const char *q,
    bool json)
{
	memset(f, 0, sizeof(*f));
	f->r.arena = w->a;
	f->r.path = str_c(path);
	buf_init(&f->r.out, w->a, 256);
	if (q != NULL) {
		f->q.key = STR_LIT("a");
		f->q.val = str_c(q);
		f->r.query = &f->q;
		f->r.nquery = 1;
	}
	/* app_handle's own headers, which every answer carries. */
	for (int i = 0; i < APP_SECURITY_HEADERS; i++)
		http_add_header(&f->r, "X-Test", "1");
	f->c.r = &f->r;
	f->c.a = w->a;
	f->c.s = w->s;
	f->c.json = json;
}

/* Serves path from the cache into a fresh request; the body or NULL. */
static const char *
served(struct world *w, const char *path, const char *q, bool json)
{
	struct fake f;
	struct cache_ticket t;

	fake_init(&f, w, path, q, json);
	if (!app_cache_serve(&f.c, &t))
		return NULL;
	assert_string_equal(f.r.headers[f.r.nheaders - 1].name, "X-Cache");
	buf_putc(&f.r.out, '\0');
	return f.r.out.p;
}

/* What a page shows or a write changes: up to four, kind 0 ends them. */
struct dep {
	enum cache_dep kind;
	int64_t id;
};

/* Renders body for path, showing deps (none: a page that says nothing),
 * and offers it to the cache, as app_handle does. */
static void
rendered_showing(struct world *w, const char *path, const char *q, bool json,
    const char *body, void (*tweak)(struct fake *), const struct dep *deps,
    size_t ndeps)
{
	struct fake f;
	struct cache_ticket t;

	fake_init(&f, w, path, q, json);
	assert_false(app_cache_serve(&f.c, &t));
	buf_puts(&f.r.out, body);
	for (size_t i = 0; i < ndeps; i++)
		app_cache_shows(&f.c, deps[i].kind, deps[i].id);
	if (tweak != NULL)
		tweak(&f);
	app_cache_keep(&f.c, &t);
}

static void
rendered(struct world *w, const char *path, const char *q, bool json,
    const char *body, void (*tweak)(struct fake *))
{
	rendered_showing(w, path, q, json, body, tweak, NULL, 0);
}

/* A write this process answers, changing deps (none: it says nothing). */
static void
written(struct world *w, const struct dep *deps, size_t ndeps)
{
	struct fake f;

	fake_init(&f, w, "/vote", NULL, false);
	for (size_t i = 0; i < ndeps; i++)
		app_cache_touch(&f.c, deps[i].kind, deps[i].id);
	app_cache_written(&f.c);
}

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	strcpy(w->dir, "/tmp/parley-cache-XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	snprintf(w->url, sizeof(w->url), "sqlite:%s/t.db", w->dir);
	w->s = store_open(w->url);
	assert_non_null(w->s);
	assert_int_equal(store_migrate(w->s), STORE_OK);
	w->a = arena_new(1 << 16);
	app_cache_init(1 << 20, 1);
	/* entries an earlier test's database holds are not this one's */
	for (size_t i = 0; i < SEEN_RING; i++)
		seen[i] = 0;
	log_done = -1;
	gap_ms = 0;
	written(w, NULL, 0);    /* nothing an earlier test kept is current */
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;
	char cmd[128];

	store_close(w->s);
	arena_free(w->a);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", w->dir);
	assert_int_equal(system(cmd), 0);
	free(w);
	return 0;
}

static void
test_kept_and_served(void **state)
{
	struct world *w = *state;

	assert_null(served(w, "/x", NULL, false));
	rendered(w, "/x", NULL, false, "<p>page x</p>", NULL);
	assert_string_equal(served(w, "/x", NULL, false), "<p>page x</p>");
	/* The key is format, path and query. */
	assert_null(served(w, "/x", NULL, true));
	assert_null(served(w, "/x", "1", false));
	assert_null(served(w, "/y", NULL, false));
	rendered(w, "/x", "1", false, "<p>x with a=1</p>", NULL);
	rendered(w, "/x", NULL, true, "{\"x\":1}", NULL);
	assert_string_equal(served(w, "/x", "1", false), "<p>x with a=1</p>");
	assert_string_equal(served(w, "/x", NULL, true), "{\"x\":1}");
	assert_string_equal(served(w, "/x", NULL, false), "<p>page x</p>");
}

static void
make_personal(struct fake *f)
{
	f->c.personal = true;
}

static void
make_404(struct fake *f)
{
	f->r.status = 404;
}

static void
add_header(struct fake *f)
{
	http_add_header(&f->r, "Location", "/elsewhere");
}

/* Pages with a visitor's token, other statuses, or headers of their own
 * are never kept. */
static void
test_what_is_not_kept(void **state)
{
	struct world *w = *state;

	rendered(w, "/p", NULL, false, "personal", make_personal);
	assert_null(served(w, "/p", NULL, false));
	rendered(w, "/n", NULL, false, "not found", make_404);
	assert_null(served(w, "/n", NULL, false));
	rendered(w, "/h", NULL, false, "with a header", add_header);
	assert_null(served(w, "/h", NULL, false));
}

/* A write by this process that says nothing, another process's that says
 * nothing, and one second of age each end a kept page. */
static void
test_what_ends_a_page(void **state)
{
	struct world *w = *state;
	struct store *other;
	int64_t seq;

	rendered(w, "/w", NULL, false, "before the write", NULL);
	assert_non_null(served(w, "/w", NULL, false));
	written(w, NULL, 0);
	assert_null(served(w, "/w", NULL, false));

	rendered(w, "/o", NULL, false, "before another commit", NULL);
	assert_non_null(served(w, "/o", NULL, false));
	other = store_open(w->url);
	assert_non_null(other);
	assert_int_equal(store_setting_set(other, "test_key", "1"), STORE_OK);
	assert_int_equal(store_epoch_log(other, NULL, 0, &seq), STORE_OK);
	store_close(other);
	assert_null(served(w, "/o", NULL, false));

	rendered(w, "/t", NULL, false, "soon old", NULL);
	assert_non_null(served(w, "/t", NULL, false));
	usleep((CACHE_TTL_MS + 50) * 1000);
	assert_null(served(w, "/t", NULL, false));
}

/* A write ends the pages that show what it changes, and pages that say
 * nothing; it leaves the others. */
static void
test_a_write_ends_what_it_changes(void **state)
{
	struct world *w = *state;
	static const struct dep post1[] = { { DEP_POST, 1 } },
	    post2[] = { { DEP_POST, 2 } },
	    lists[] = { { DEP_LISTINGS, 0 } },
	    comm7[] = { { DEP_COMMUNITY, 7 } },
	    user1[] = { { DEP_USER, 1 } },
	    vote[] = { { DEP_POST, 1 }, { DEP_USER, 9 } };

	rendered_showing(w, "/p1", NULL, false, "post 1", NULL, post1, 1);
	rendered_showing(w, "/p2", NULL, false, "post 2", NULL, post2, 1);
	rendered_showing(w, "/all", NULL, false, "listings", NULL, lists, 1);
	rendered_showing(w, "/s/c", NULL, false, "community 7", NULL, comm7, 1);
	/* user 1 is not post 1: kinds count apart */
	rendered_showing(w, "/u/one", NULL, false, "user 1", NULL, user1, 1);
	rendered(w, "/search", NULL, false, "says nothing", NULL);
	written(w, vote, 2);
	assert_null(served(w, "/p1", NULL, false));
	assert_null(served(w, "/search", NULL, false));
	assert_string_equal(served(w, "/p2", NULL, false), "post 2");
	assert_string_equal(served(w, "/all", NULL, false), "listings");
	assert_string_equal(served(w, "/s/c", NULL, false), "community 7");
	assert_string_equal(served(w, "/u/one", NULL, false), "user 1");

	written(w, lists, 1);
	assert_null(served(w, "/all", NULL, false));
	assert_string_equal(served(w, "/s/c", NULL, false), "community 7");
	written(w, NULL, 0);
	assert_null(served(w, "/p2", NULL, false));
	assert_null(served(w, "/s/c", NULL, false));
	assert_null(served(w, "/u/one", NULL, false));
}

/* A page or a write that notes more than CACHE_DEPS_MAX things counts as
 * one that notes nothing. */
static void
test_too_many_deps(void **state)
{
	struct world *w = *state;
	struct dep many[CACHE_DEPS_MAX + 1];
	static const struct dep post1[] = { { DEP_POST, 1 } },
	    post5[] = { { DEP_POST, 5 } };

	for (size_t i = 0; i < ARRAY_LEN(many); i++)
		many[i] = (struct dep){ DEP_POST, 100 + (int64_t)i };
	rendered_showing(w, "/many", NULL, false, "many", NULL, many,
	    ARRAY_LEN(many));
	rendered_showing(w, "/p1", NULL, false, "post 1", NULL, post1, 1);
	written(w, post5, 1);
	assert_null(served(w, "/many", NULL, false));
	assert_string_equal(served(w, "/p1", NULL, false), "post 1");
	written(w, many, ARRAY_LEN(many));
	assert_null(served(w, "/p1", NULL, false));
}

/* Another process's entries end what they name; this process's own
 * (written after each of its writes) end nothing more. */
static void
test_other_processes_writes(void **state)
{
	struct world *w = *state;
	struct store *other = store_open(w->url);
	static const struct dep post1[] = { { DEP_POST, 1 } },
	    post5[] = { { DEP_POST, 5 } };
	uint16_t slot5 = gen_slot(DEP_POST, 5);
	int64_t seq;

	assert_non_null(other);
	rendered_showing(w, "/p1", NULL, false, "post 1", NULL, post1, 1);
	rendered_showing(w, "/p5", NULL, false, "post 5", NULL, post5, 1);
	rendered(w, "/any", NULL, false, "says nothing", NULL);
	assert_int_equal(store_epoch_log(other, &slot5, 1, &seq), STORE_OK);
	assert_null(served(w, "/p5", NULL, false));
	assert_null(served(w, "/any", NULL, false));
	assert_string_equal(served(w, "/p1", NULL, false), "post 1");
	assert_int_equal(log_done, seq);

	/* an entry marked as this process's own is not applied again */
	rendered(w, "/any", NULL, false, "says nothing", NULL);
	assert_int_equal(store_epoch_log(other, NULL, 0, &seq), STORE_OK);
	seen[seq % SEEN_RING] = seq;
	assert_string_equal(served(w, "/any", NULL, false), "says nothing");
	assert_int_equal(store_epoch_log(other, NULL, 0, &seq), STORE_OK);
	assert_null(served(w, "/any", NULL, false));
	store_close(other);
}

/* A write (a setting set to value) that changes post 1 and asks its
 * commit to log that; f is its request, app_cache_written not called. */
static void
write_post1_logged(struct world *w, struct fake *f, const char *value)
{
	fake_init(f, w, "/vote", NULL, false);
	app_cache_touch(&f->c, DEP_POST, 1);
	app_cache_log_at_commit(&f->c);
	assert_int_equal(store_begin(w->s), STORE_OK);
	assert_int_equal(store_setting_set(w->s, "test_key", value), STORE_OK);
	assert_int_equal(store_commit(w->s), STORE_OK);
}

/* A write that logs at its commit (app_cache_log_at_commit) adds one
 * entry, in its transaction, and app_cache_written none; one that notes
 * more after asking adds a second entry naming everything. */
static void
test_logged_at_commit(void **state)
{
	struct world *w = *state;
	static const struct dep post1[] = { { DEP_POST, 1 } },
	    post2[] = { { DEP_POST, 2 } };
	struct epoch_entry *e;
	struct store *other;
	struct fake f;
	int64_t before, after;
	size_t n;

	rendered_showing(w, "/p1", NULL, false, "post 1", NULL, post1, 1);
	rendered_showing(w, "/p2", NULL, false, "post 2", NULL, post2, 1);
	assert_int_equal(store_epoch_last(w->s, &before), STORE_OK);
	write_post1_logged(w, &f, "1");
	/* committed with the write, before the handler ends */
	assert_int_equal(store_epoch_last(w->s, &after), STORE_OK);
	assert_int_equal(after, before + 1);
	app_cache_written(&f.c);
	assert_int_equal(store_epoch_last(w->s, &after), STORE_OK);
	assert_int_equal(after, before + 1);
	assert_int_equal(log_done, after);
	assert_null(served(w, "/p1", NULL, false));
	assert_string_equal(served(w, "/p2", NULL, false), "post 2");

	/* noted after the commit: logged after it too, everything named */
	write_post1_logged(w, &f, "2");
	app_cache_touch(&f.c, DEP_POST, 2);
	app_cache_written(&f.c);
	assert_null(served(w, "/p2", NULL, false));
	other = store_open(w->url);
	assert_non_null(other);
	assert_int_equal(store_epoch_since(other, w->a, before, &e, &n),
	    STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(e[0].n, 1);
	assert_int_equal(e[0].slots[0], gen_slot(DEP_POST, 1));
	assert_int_equal(e[1].n, 1);
	assert_int_equal(e[2].n, 2);
	assert_int_equal(e[2].slots[0], gen_slot(DEP_POST, 1));
	assert_int_equal(e[2].slots[1], gen_slot(DEP_POST, 2));
	store_close(other);
}

/* More entries than one read returns end every page. */
static void
test_too_many_entries(void **state)
{
	struct world *w = *state;
	struct store *other = store_open(w->url);
	static const struct dep post1[] = { { DEP_POST, 1 } };
	uint16_t slot5 = gen_slot(DEP_POST, 5);
	int64_t seq;

	assert_non_null(other);
	rendered_showing(w, "/p1", NULL, false, "post 1", NULL, post1, 1);
	assert_string_equal(served(w, "/p1", NULL, false), "post 1");
	for (int i = 0; i < EPOCH_SINCE_MAX; i++)
		assert_int_equal(store_epoch_log(other, &slot5, 1, &seq),
		    STORE_OK);
	assert_null(served(w, "/p1", NULL, false));
	store_close(other);
}

/* Inserts the entry seq naming post id's counter, as a writer whose
 * number came before another's commit would. */
static void
late_entry(struct store *other, int64_t seq, int64_t id)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "INSERT INTO cache_log (seq, slots) "
	    "VALUES (%lld, '%u')", (long long)seq,
	    (unsigned)gen_slot(DEP_POST, id));
	assert_int_equal(other->be->script(other->conn, sql), STORE_OK);
}

/* An entry missing below a newer one is waited for and applied when it
 * comes; one missing for longer than a page lives is given up, with
 * every page. */
static void
test_entries_out_of_order(void **state)
{
	struct world *w = *state;
	struct store *other = store_open(w->url);
	static const struct dep post1[] = { { DEP_POST, 1 } },
	    post6[] = { { DEP_POST, 6 } }, post7[] = { { DEP_POST, 7 } };
	int64_t base;

	assert_non_null(other);
	assert_int_equal(store_epoch_log(other, NULL, 0, &base), STORE_OK);
	rendered_showing(w, "/p1", NULL, false, "post 1", NULL, post1, 1);
	rendered_showing(w, "/p6", NULL, false, "post 6", NULL, post6, 1);
	rendered_showing(w, "/p7", NULL, false, "post 7", NULL, post7, 1);
	late_entry(other, base + 2, 6);
	assert_null(served(w, "/p6", NULL, false));
	assert_string_equal(served(w, "/p7", NULL, false), "post 7");
	assert_int_equal(log_done, base);
	late_entry(other, base + 1, 7);
	assert_null(served(w, "/p7", NULL, false));
	assert_string_equal(served(w, "/p1", NULL, false), "post 1");
	assert_int_equal(log_done, base + 2);

	late_entry(other, base + 4, 6);
	assert_string_equal(served(w, "/p1", NULL, false), "post 1");
	assert_int_equal(log_done, base + 2);
	usleep((CACHE_TTL_MS + 50) * 1000);
	/* SQLite: the log is read again after another connection's commit */
	assert_int_equal(store_setting_set(other, "test_key", "1"), STORE_OK);
	rendered_showing(w, "/p1", NULL, false, "post 1 again", NULL, post1, 1);
	assert_int_equal(log_done, base + 4);
	assert_string_equal(served(w, "/p1", NULL, false), "post 1 again");
	store_close(other);
}

/* The key of a page (the member's template key: 'M'), by_home, for a
 * viewer subscribed to home (NULL: none). */
static struct str
home_key(struct world *w, bool by_home, const char *home)
{
	struct fake f;
	struct cache_ticket t;

	fake_init(&f, w, "/", "new", false);
	f.c.by_home = by_home;
	f.c.viewer.home = home;
	ticket_key(&f.c, &t, 'M');
	return t.key;
}

/* Home's templates are kept by the member's subscriptions, whole; other
 * pages' keys never carry them; a member with more subscriptions than
 * struct viewer lists has no template of Home. */
static void
test_home_keys(void **state)
{
	struct world *w = *state;
	struct user u = { .id = 7, .role = ROLE_USER };
	struct fake f;

	assert_true(str_eq(home_key(w, false, "1,2"), home_key(w, false, NULL)));
	assert_false(str_eq(home_key(w, true, "1,2"), home_key(w, true, NULL)));
	assert_false(str_eq(home_key(w, true, "1,2"), home_key(w, true, "1,23")));
	assert_false(str_eq(home_key(w, true, "1,2"), home_key(w, false, "1,2")));
	assert_true(str_eq(home_key(w, true, "1,2"), home_key(w, true, "1,2")));
	fake_init(&f, w, "/", NULL, false);
	f.c.user = &u;
	f.c.viewer.plain = true;
	f.c.by_home = true;
	f.c.viewer.nhome = STORE_HOME_SET_MAX;
	assert_true(app_member_allowed(&f.c));
	f.c.viewer.nhome = STORE_HOME_SET_MAX + 1;
	assert_false(app_member_allowed(&f.c));
	f.c.by_home = false;
	assert_true(app_member_allowed(&f.c));
}

/* Signs in by session key (a GET unless post), as app_handle does;
 * returns the user's id, or 0 when nobody is signed in. */
static int64_t
signed_in_as(struct world *w, const unsigned char key[32], int64_t now,
    bool post)
{
	struct fake f;

	fake_init(&f, w, "/", NULL, false);
	f.r.method = post ? HTTP_POST : HTTP_GET;
	f.c.now = now;
	memcpy(f.c.sess_key, key, 32);
	app_cache_session(&f.c);
	return f.c.user != NULL ? f.c.user->id : 0;
}

/* A session's row is kept for GETs until a write notes its user or
 * nothing, or the session expires; POSTs always read the database.
 * Sessions ended in the database behind the cache's back show which
 * answers came from a kept row. */
static void
test_session_rows(void **state)
{
	struct world *w = *state;
	unsigned char ka[32] = { 1 }, kb[32] = { 2 };
	int64_t a = 0, b = 0, now = 1000;

	assert_int_equal(store_user_create(w->s, "ann", "x", NULL, ROLE_USER,
	    now, &a), STORE_OK);
	assert_int_equal(store_user_create(w->s, "bob", "x", NULL, ROLE_USER,
	    now, &b), STORE_OK);
	assert_int_equal(store_session_create(w->s, ka, a, now, now + 100),
	    STORE_OK);
	assert_int_equal(store_session_create(w->s, kb, b, now, now + 100),
	    STORE_OK);
	assert_int_equal(signed_in_as(w, ka, now, false), a);
	assert_int_equal(signed_in_as(w, kb, now, false), b);
	assert_int_equal(store_session_delete(w->s, ka), STORE_OK);
	assert_int_equal(store_session_delete(w->s, kb), STORE_OK);
	/* kept: the database was changed unnoted */
	assert_int_equal(signed_in_as(w, ka, now, false), a);
	assert_int_equal(signed_in_as(w, kb, now, false), b);
	assert_int_equal(signed_in_as(w, ka, now, true), 0);
	/* a write noting bob ends bob's row only */
	written(w, (struct dep[]){ { DEP_USER, b } }, 1);
	assert_int_equal(signed_in_as(w, kb, now, false), 0);
	assert_int_equal(signed_in_as(w, ka, now, false), a);
	/* the session's end */
	assert_int_equal(signed_in_as(w, ka, now + 100, false), 0);
	/* a write noting nothing ends every row */
	assert_int_equal(store_session_create(w->s, ka, a, now, now + 100),
	    STORE_OK);
	assert_int_equal(signed_in_as(w, ka, now, false), a);
	assert_int_equal(store_session_delete(w->s, ka), STORE_OK);
	assert_int_equal(signed_in_as(w, ka, now, false), a);
	written(w, NULL, 0);
	assert_int_equal(signed_in_as(w, ka, now, false), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kept_and_served, setup, teardown),
		cmocka_unit_test_setup_teardown(test_what_is_not_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_what_ends_a_page, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_a_write_ends_what_it_changes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_deps, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_other_processes_writes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_logged_at_commit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_too_many_entries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_entries_out_of_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_home_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_rows, setup,
		    teardown),
	};

	log_set_level(LOG_WARN);
	return cmocka_run_group_tests_name("app_cache", tests, NULL, NULL);
}
