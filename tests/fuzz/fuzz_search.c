/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_search.c: the search query translator (store_search.c) on any text
 * a reader could type. Whatever the query:
 * - it parses to terms or to one of the refusals, never past the limits;
 * - every term's words hold only word bytes (no quote, operator or
 *   bracket can reach a query language);
 * - SQLite's FTS5 accepts the MATCH text built from it (no syntax error,
 *   which the server would have to answer with a 5xx), and the tsquery
 *   text holds only quoted words joined by the operators it writes.
 */
#include "fuzz.h"

#include <sqlite3.h>

#include "store/store.h"

static sqlite3 *db;
static sqlite3_stmt *match;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body);"
	    "INSERT INTO t VALUES ('the quick brown fox'), ('caf\xc3\xa9 or not');",
	    NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1,
	    &match, NULL) != SQLITE_OK)
		abort();
	return 0;
}

static bool
word_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '_' || ch >= 0x80;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str text = { (const char *)data, size };
	struct search_query q;
	struct arena *a;
	enum search_parse rc;
	const char *ts;

	/* The server refuses queries that are not valid UTF-8 or hold control
	 * bytes before they get here. */
	if (!str_utf8_valid(text) || str_has_ctl(text, false))
		return 0;
	rc = store_search_parse(text, &q);
	if (rc != SEARCH_PARSED) {
		FUZZ_CHECK(rc == SEARCH_EMPTY || rc == SEARCH_TOO_LONG ||
		    rc == SEARCH_TOO_MANY, "rc %d", rc);
		FUZZ_CHECK(rc != SEARCH_TOO_LONG || size > SEARCH_QUERY_MAX,
		    "too long at %zu bytes", size);
		return 0;
	}
	FUZZ_CHECK(q.nterms >= 1 && q.nterms <= SEARCH_TERMS_MAX &&
	    q.nwords <= SEARCH_TERMS_MAX, "%zu terms, %zu words", q.nterms,
	    q.nwords);
	for (size_t i = 0; i < q.nterms; i++) {
		FUZZ_CHECK(q.terms[i].nwords >= 1, "term %zu is empty", i);
		for (size_t k = 0; k < q.terms[i].nwords; k++) {
			struct str w = q.terms[i].words[k];

			FUZZ_CHECK(w.len > 0, "empty word");
			for (size_t j = 0; j < w.len; j++)
				FUZZ_CHECK(word_byte((unsigned char)w.p[j]),
				    "byte 0x%02x in a word", (unsigned char)w.p[j]);
		}
	}
	a = arena_new(4096);
	sqlite3_bind_text(match, 1, store_search_fts5(&q, a), -1, SQLITE_STATIC);
	if (sqlite3_step(match) != SQLITE_ROW) {
		fuzz_dump("query", data, size);
		fuzz__fail(__FILE__, __LINE__, "FTS5 refused %s: %s",
		    store_search_fts5(&q, a), sqlite3_errmsg(db));
	}
	sqlite3_reset(match);
	ts = store_search_tsquery(&q, a);
	for (bool in_word = false; *ts != '\0'; ts++) {
		if (*ts == '\'') {
			in_word = !in_word;
			continue;
		}
		if (in_word)
			FUZZ_CHECK(word_byte((unsigned char)*ts), "tsquery word byte");
		else
			FUZZ_CHECK(strchr(" &<->():*", *ts) != NULL,
			    "tsquery operator byte '%c'", *ts);
	}
	arena_free(a);
	return 0;
}
