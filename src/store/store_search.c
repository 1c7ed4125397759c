/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_search.c: turns what a reader typed into the search box into the
 * full-text query of each backend: an FTS5 MATCH expression for SQLite
 * and a to_tsquery expression for PostgreSQL.
 *
 * Design notes:
 * - A reader's query never reaches either query language as written. It is
 *   read into terms first: words, "quoted phrases" and word* prefixes. A
 *   word is a run of letters, digits, underscores and any non-ASCII bytes
 *   (UTF-8 letters); everything else separates words. So a term never holds
 *   a quote, a bracket, a colon or an operator, and each backend's text is
 *   built from terms alone with every term quoted: no input can make a
 *   syntax error (a 5xx) or use an operator the reader did not mean.
 * - All terms must match (AND), as on Reddit and Lemmy. Operator words
 *   such as OR, NOT or NEAR are searched for as words.
 * - Limits: SEARCH_QUERY_MAX bytes of query and SEARCH_TERMS_MAX words in
 *   all, so one query's cost stays bounded.
 */
#include "store.h"

#include <string.h>

static bool
word_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '_' || ch >= 0x80;
}

/* Adds a word to the term being built, or refuses past the limit. */
static int
add_word(struct search_query *q, struct search_term *t, struct str w)
{
	if (q->nwords == SEARCH_TERMS_MAX)
		return SEARCH_TOO_MANY;
	t->words[t->nwords++] = w;
	q->nwords++;
	return SEARCH_PARSED;
}

/*
 * Reads a query as typed into q: terms that are words, phrases (in double
 * quotes; an unclosed quote runs to the end) or prefixes (a word followed
 * by *). Words point into text, which must outlive q. Returns
 * SEARCH_PARSED, or why the query cannot be searched: SEARCH_EMPTY (no
 * word in it), SEARCH_TOO_LONG, SEARCH_TOO_MANY.
 */
enum search_parse
store_search_parse(struct str text, struct search_query *q)
{
	size_t i = 0;

	memset(q, 0, sizeof(*q));
	if (text.len > SEARCH_QUERY_MAX)
		return SEARCH_TOO_LONG;
	while (i < text.len) {
		struct search_term *t;
		bool quoted = text.p[i] == '"';

		if (q->nterms == SEARCH_TERMS_MAX) {
			/* Every term holds a word: one more word is too many. */
			for (; i < text.len; i++)
				if (word_byte((unsigned char)text.p[i]))
					return SEARCH_TOO_MANY;
			break;
		}
		t = &q->terms[q->nterms];
		if (quoted)
			i++;
		memset(t, 0, sizeof(*t));
		while (i < text.len) {
			size_t start;

			if (quoted && text.p[i] == '"') {
				i++;
				break;
			}
			if (!word_byte((unsigned char)text.p[i])) {
				i++;
				if (!quoted)
					break;
				continue;
			}
			start = i;
			while (i < text.len && word_byte((unsigned char)text.p[i]))
				i++;
			if (add_word(q, t, (struct str){ text.p + start,
			    i - start }) != SEARCH_PARSED)
				return SEARCH_TOO_MANY;
			if (!quoted) {
				if (i < text.len && text.p[i] == '*') {
					t->prefix = true;
					i++;
				}
				break;
			}
		}
		if (t->nwords > 0)
			q->nterms++;
	}
	return q->nterms == 0 ? SEARCH_EMPTY : SEARCH_PARSED;
}

/*
 * The FTS5 MATCH text for q, in arena a: each term a double-quoted
 * string (a phrase when it holds several words), a prefix term followed
 * by *, all of them required.
 */
char *
store_search_fts5(const struct search_query *q, struct arena *a)
{
	struct buf b;

	buf_init(&b, a, 64);
	for (size_t i = 0; i < q->nterms; i++) {
		const struct search_term *t = &q->terms[i];

		if (i > 0)
			buf_putc(&b, ' ');
		buf_putc(&b, '"');
		for (size_t k = 0; k < t->nwords; k++) {
			if (k > 0)
				buf_putc(&b, ' ');
			buf_put(&b, t->words[k].p, t->words[k].len);
		}
		buf_putc(&b, '"');
		if (t->prefix)
			buf_putc(&b, '*');
	}
	return b.p;
}

/*
 * The to_tsquery text for q, in arena a: each word single-quoted, a
 * phrase's words joined by <-> (followed by), a prefix marked :*, the
 * terms joined by &.
 */
char *
store_search_tsquery(const struct search_query *q, struct arena *a)
{
	struct buf b;

	buf_init(&b, a, 64);
	for (size_t i = 0; i < q->nterms; i++) {
		const struct search_term *t = &q->terms[i];

		if (i > 0)
			buf_puts(&b, " & ");
		if (t->nwords > 1)
			buf_putc(&b, '(');
		for (size_t k = 0; k < t->nwords; k++) {
			if (k > 0)
				buf_puts(&b, " <-> ");
			buf_putc(&b, '\'');
			buf_put(&b, t->words[k].p, t->words[k].len);
			buf_putc(&b, '\'');
		}
		if (t->nwords > 1)
			buf_putc(&b, ')');
		if (t->prefix)
			buf_puts(&b, ":*");
	}
	return b.p;
}
