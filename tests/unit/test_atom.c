/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_atom.c: unit tests for src/render/atom.c, the Atom feed writer:
 * the exact bytes of a feed and an entry, escaping of every value, and
 * the control bytes XML 1.0 cannot carry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "render/render.h"

/* 2026-12-03T08:00:00Z */
#define T0 1796284800

static void
assert_str(const struct buf *b, const char *want)
{
	size_t n = strlen(want);

	if (b->len != n || memcmp(b->p, want, n) != 0) {
		print_error("want: %s\n got: %.*s\n", want, (int)b->len, b->p);
		fail();
	}
}

static void
test_feed_and_entry(void **state)
{
	struct arena *a = arena_new(4096);
	struct buf b;
	struct atom_feed f = {
		.id = "http://x.example/feed.atom",
		.title = "Site & <Co>",
		.self = "http://x.example/feed.atom?sort=top&t=day",
		.alternate = "http://x.example/",
		.updated = T0,
	};
	struct atom_entry e = {
		.id = "http://x.example/s/c/p/1",
		.title = "\"Q\" & 'A' <b>",
		.link = "http://x.example/s/c/p/1/q_a_b",
		.author = "ann",
		.author_uri = "http://x.example/u/ann",
		.category = "c",
		.published = T0 - 60,
		.updated = T0,
		.content_html = STR_LIT("<p>a &amp; b</p>"),
	};

	buf_init(&b, a, 64);
	atom_begin(&b, &f);
	atom_entry(&b, &e);
	atom_end(&b);
	assert_str(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
	    "<id>http://x.example/feed.atom</id>"
	    "<title type=\"text\">Site &amp; &lt;Co&gt;</title>"
	    "<updated>2026-12-03T08:00:00Z</updated>"
	    "<link rel=\"self\" type=\"application/atom+xml\" "
	    "href=\"http://x.example/feed.atom?sort=top&amp;t=day\"/>"
	    "<link rel=\"alternate\" type=\"text/html\" href=\"http://x.example/\"/>"
	    "<generator>Parley</generator>"
	    "<entry><id>http://x.example/s/c/p/1</id>"
	    "<title type=\"text\">&quot;Q&quot; &amp; &#39;A&#39; &lt;b&gt;</title>"
	    "<link rel=\"alternate\" type=\"text/html\" "
	    "href=\"http://x.example/s/c/p/1/q_a_b\"/>"
	    "<author><name>ann</name><uri>http://x.example/u/ann</uri></author>"
	    "<category term=\"c\"/>"
	    "<published>2026-12-03T07:59:00Z</published>"
	    "<updated>2026-12-03T08:00:00Z</updated>"
	    "<content type=\"html\">&lt;p&gt;a &amp;amp; b&lt;/p&gt;</content>"
	    "</entry></feed>\n");
	arena_free(a);
}

/* Bytes XML 1.0 forbids are dropped; tab, newline and CR stay. */
static void
test_control_bytes(void **state)
{
	struct arena *a = arena_new(4096);
	struct buf b;
	struct atom_entry e = {
		.id = "i", .title = "a\x01" "b\x7f" "c\td", .link = "l",
		.author = "n", .author_uri = "u",
		.content_html = { "x\0y\x1fz\n", 7 },
	};

	buf_init(&b, a, 64);
	atom_entry(&b, &e);
	assert_str(&b, "<entry><id>i</id><title type=\"text\">abc\td</title>"
	    "<link rel=\"alternate\" type=\"text/html\" href=\"l\"/>"
	    "<author><name>n</name><uri>u</uri></author>"
	    "<published>1970-01-01T00:00:00Z</published>"
	    "<updated>1970-01-01T00:00:00Z</updated>"
	    "<content type=\"html\">xyz\n</content></entry>");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_and_entry),
		cmocka_unit_test(test_control_bytes),
	};

	return cmocka_run_group_tests_name("atom", tests, NULL, NULL);
}
