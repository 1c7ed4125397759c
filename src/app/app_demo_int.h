/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_demo_int.h: what app_demo.c takes from app_demo_words.c: the
 * communities of the demo and the word lists and templates of its text.
 *
 * Templates fill slots written as {x}: {t} a thing of the topic, {T} the
 * same capitalised, {u} another thing, {n} a small number, {y} a recent
 * year, {c} a century from the 11th to the 19th, {w} a Wikipedia article
 * of the topic. Lists end with NULL.
 */
#ifndef PARLEY_APP_DEMO_INT_H
#define PARLEY_APP_DEMO_INT_H

#include "app_int.h"

#define DEMO_TOPICS ((size_t)8) /* communities, one a topic */

/* One community and what its posts and comments talk about. */
struct topic {
	const char *name;             /* community name */
	const char *title;
	const char *description;      /* markdown */
	const char *rules;            /* markdown */
	int weight;                   /* share of the posts, relative */
	int link_pct;                 /* percentage of link posts */
	const char *const *things;    /* fills {t}, {T} and {u} */
	const char *const *titles;    /* title templates of this topic */
	const char *const *lines;     /* sentences for posts and comments */
	const char *const *wiki;      /* article names for links */
};

extern const struct topic app_demo_topics[DEMO_TOPICS];
extern const char *const app_demo_text_titles[];
extern const char *const app_demo_link_titles[];
extern const char *const app_demo_post_openers[];
extern const char *const app_demo_post_lines[];
extern const char *const app_demo_post_endings[];
extern const char *const app_demo_list_intros[];
extern const char *const app_demo_quote_intros[];
extern const char *const app_demo_quotes[];
extern const char *const app_demo_code_intros[];
extern const char *const app_demo_notes[];
extern const char *const app_demo_code_blocks[];
extern const char *const app_demo_comment_lines[];
extern const char *const app_demo_named_users[];
extern const char *const app_demo_name_adj[];
extern const char *const app_demo_name_noun[];
extern const size_t app_demo_named_users_n, app_demo_name_adj_n,
    app_demo_name_noun_n;

#endif
