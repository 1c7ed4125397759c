/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_app_cache.c: unit tests for src/app/app_cache.c, the page cache of
 * signed-out visitors, over a real SQLite store: what is kept (plain 200
 * answers with no header of their own), under which key (format, path
 * and query), and when a kept page stops being served (a write by this
 * process, a commit by another connection, one second of age).
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

/* Renders body for path and offers it to the cache, as app_handle does. */
static void
rendered(struct world *w, const char *path, const char *q, bool json,
    const char *body, void (*tweak)(struct fake *))
{
	struct fake f;
	struct cache_ticket t;

	fake_init(&f, w, path, q, json);
	assert_false(app_cache_serve(&f.c, &t));
	buf_puts(&f.r.out, body);
	if (tweak != NULL)
		tweak(&f);
	app_cache_keep(&f.c, &t);
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
	app_cache_written();    /* nothing an earlier test kept is current */
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

/* A write by this process, a commit by another connection, and one
 * second of age each end a kept page. */
static void
test_what_ends_a_page(void **state)
{
	struct world *w = *state;
	struct store *other;

	rendered(w, "/w", NULL, false, "before the write", NULL);
	assert_non_null(served(w, "/w", NULL, false));
	app_cache_written();
	assert_null(served(w, "/w", NULL, false));

	rendered(w, "/o", NULL, false, "before another commit", NULL);
	assert_non_null(served(w, "/o", NULL, false));
	other = store_open(w->url);
	assert_non_null(other);
	assert_int_equal(store_setting_set(other, "test_key", "1"), STORE_OK);
	store_close(other);
	assert_null(served(w, "/o", NULL, false));

	rendered(w, "/t", NULL, false, "soon old", NULL);
	assert_non_null(served(w, "/t", NULL, false));
	usleep((CACHE_TTL_MS + 50) * 1000);
	assert_null(served(w, "/t", NULL, false));
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
	};

	log_set_level(LOG_WARN);
	return cmocka_run_group_tests_name("app_cache", tests, NULL, NULL);
}
