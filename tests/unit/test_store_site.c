/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_store_site.c: unit tests of store_site.c (settings, site pages,
 * activity counts and rate events) over both backends (store_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_fixture.h"

/* ---- settings --------------------------------------------------------- */

static void
test_settings(void **state)
{
	struct fixture *f = *state;
	const char *v = NULL;

	assert_int_equal(store_setting_get(f->s, f->a, "site_name", &v),
	    STORE_NOTFOUND);
	assert_int_equal(store_setting_set(f->s, "site_name", "Parley"),
	    STORE_OK);
	assert_int_equal(store_setting_get(f->s, f->a, "site_name", &v),
	    STORE_OK);
	assert_string_equal(v, "Parley");
	assert_int_equal(store_setting_set(f->s, "site_name", "Other"),
	    STORE_OK);
	assert_int_equal(store_setting_get(f->s, f->a, "site_name", &v),
	    STORE_OK);
	assert_string_equal(v, "Other");
	/* add keeps a value that is there, sets one that is not */
	assert_int_equal(store_setting_add(f->s, "site_name", "Third"),
	    STORE_OK);
	assert_int_equal(store_setting_get(f->s, f->a, "site_name", &v),
	    STORE_OK);
	assert_string_equal(v, "Other");
	assert_int_equal(store_setting_add(f->s, "secret", "s1"), STORE_OK);
	assert_int_equal(store_setting_get(f->s, f->a, "secret", &v),
	    STORE_OK);
	assert_string_equal(v, "s1");
}

/* ---- site pages ------------------------------------------------------- */

static void
test_pages(void **state)
{
	struct fixture *f = *state;
	int64_t alice = mk_user(f->s, "alice");
	struct page p;

	assert_int_equal(store_page_get(f->s, f->a, "tos", &p),
	    STORE_NOTFOUND);
	assert_int_equal(store_page_set(f->s, "tos", "Terms", "Be nice.",
	    "<p>Be nice.</p>", 0, T0), STORE_OK);
	assert_int_equal(store_page_get(f->s, f->a, "tos", &p), STORE_OK);
	assert_string_equal(p.slug, "tos");
	assert_string_equal(p.title, "Terms");
	assert_string_equal(p.body, "Be nice.");
	assert_string_equal(p.body_html, "<p>Be nice.</p>");
	assert_null(p.editor);
	assert_int_equal(p.updated, T0);

	assert_int_equal(store_page_set(f->s, "tos", "Terms of service",
	    "Be kind.", "<p>Be kind.</p>", alice, T0 + 10), STORE_OK);
	assert_int_equal(store_page_get(f->s, f->a, "tos", &p), STORE_OK);
	assert_string_equal(p.title, "Terms of service");
	assert_string_equal(p.body, "Be kind.");
	assert_string_equal(p.editor, "alice");
	assert_int_equal(p.updated, T0 + 10);
	assert_int_equal(store_page_get(f->s, f->a, "privacy", &p),
	    STORE_NOTFOUND);
}

/* ---- abuse limits ----------------------------------------------------- */

static void
test_activity(void **state)
{
	struct fixture *f = *state;
	int64_t ann = mk_user(f->s, "ann"), bob = mk_user(f->s, "bob");
	int64_t cats = mk_community(f->s, "cats", bob);
	int64_t p1 = mk_post(f->s, cats, ann, T0);
	int64_t p2 = mk_post(f->s, cats, ann, T0 + 100);
	int64_t bp = mk_post(f->s, cats, bob, T0 + 100);
	int64_t count = -1, score;

	mk_post(f->s, cats, ann, T0 + 200);
	mk_comment(f->s, bp, 0, ann, T0 + 50);
	mk_comment(f->s, bp, 0, ann, T0 + 150);
	mk_comment(f->s, p1, 0, bob, T0 + 150);
	assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, bp, 1, T0 + 300,
	    &score), STORE_OK);
	assert_int_equal(store_vote_set(f->s, ann, VOTE_POST, p2, 0, T0 + 300,
	    &score), STORE_OK);

	assert_int_equal(store_user_activity(f->s, ann, RATE_POST, T0 + 100,
	    &count), STORE_OK);
	assert_int_equal(count, 2);
	assert_int_equal(store_user_activity(f->s, ann, RATE_POST, 0, &count),
	    STORE_OK);
	assert_int_equal(count, 3);
	assert_int_equal(store_user_activity(f->s, ann, RATE_COMMENT, T0 + 100,
	    &count), STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(store_user_activity(f->s, bob, RATE_COMMENT, T0,
	    &count), STORE_OK);
	assert_int_equal(count, 1);
	/* ann's votes since +150: the +1s on her post at +200 and comment
	 * at +150, and the vote at +300; the withdrawn one is gone. */
	assert_int_equal(store_user_activity(f->s, ann, RATE_VOTE, T0 + 150,
	    &count), STORE_OK);
	assert_int_equal(count, 3);
	assert_int_equal(store_user_activity(f->s, ann, RATE_VOTE, T0 + 301,
	    &count), STORE_OK);
	assert_int_equal(count, 0);

	log_set_level(LOG_ERR + 1);
	assert_int_equal(store_user_activity(f->s, ann, 9, 0, &count),
	    STORE_ERR);
	log_set_level(LOG_WARN);
}

static void
test_rate(void **state)
{
	struct fixture *f = *state;
	int64_t count = -1;

	assert_int_equal(store_rate_count(f->s, "login:1.2.3.4", 0, &count),
	    STORE_OK);
	assert_int_equal(count, 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(store_rate_hit(f->s, "login:1.2.3.4",
		    T0 + 10 * i), STORE_OK);
	assert_int_equal(store_rate_hit(f->s, "login:1.2.3.4", T0 + 40),
	    STORE_OK);
	assert_int_equal(store_rate_hit(f->s, "login:5.6.7.8", T0 + 40),
	    STORE_OK);

	assert_int_equal(store_rate_count(f->s, "login:1.2.3.4", T0, &count),
	    STORE_OK);
	assert_int_equal(count, 6);
	assert_int_equal(store_rate_count(f->s, "login:1.2.3.4", T0 + 20,
	    &count), STORE_OK);
	assert_int_equal(count, 4);
	assert_int_equal(store_rate_count(f->s, "login:1.2.3.4", T0 + 41,
	    &count), STORE_OK);
	assert_int_equal(count, 0);
	assert_int_equal(store_rate_count(f->s, "login:5.6.7.8", 0, &count),
	    STORE_OK);
	assert_int_equal(count, 1);

	assert_int_equal(store_rate_purge(f->s, T0 + 30), STORE_OK);
	assert_int_equal(store_rate_count(f->s, "login:1.2.3.4", 0, &count),
	    STORE_OK);
	assert_int_equal(count, 3);
	assert_int_equal(store_rate_count(f->s, "login:5.6.7.8", 0, &count),
	    STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(store_rate_purge(f->s, T0 + 1000), STORE_OK);
	assert_int_equal(store_rate_count(f->s, "login:5.6.7.8", 0, &count),
	    STORE_OK);
	assert_int_equal(count, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_settings),
		T(test_pages),
		T(test_activity),
		T(test_rate),
	};

	return FIXTURE_MAIN("store_site", tests);
}
