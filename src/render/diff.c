/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * diff.c: a word-level difference of two texts as HTML, for the edit
 * history pages (richer posts).
 *
 * Both texts are cut into tokens, each a run of whitespace or a run of
 * anything else, so a change shows as the words it touched. The common
 * head and tail are matched first; what lies between is matched by the
 * longest common subsequence of its tokens (a table of lengths, from the
 * end, so the walk goes forwards). A middle too large for that table
 * (DIFF_CELLS_MAX) is shown as one deletion and one insertion: readable
 * and bounded in time and memory. Every text byte is escaped; the only
 * markup is <ins> and <del>.
 */
#include "render.h"

#include <string.h>

#define DIFF_CELLS_MAX (1u << 20) /* table cells: 4 MiB of uint32_t */

struct tokens {
	struct str *t;
	size_t n;
};

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static struct tokens
tokenize(struct arena *a, struct str s)
{
	struct tokens out = { NULL, 0 };
	size_t n = 0;

	for (size_t i = 0; i < s.len; n++) {
		bool sp = is_space(s.p[i]);

		while (i < s.len && is_space(s.p[i]) == sp)
			i++;
	}
	out.t = arena_alloc(a, (n ? n : 1) * sizeof(*out.t));
	for (size_t i = 0; i < s.len; out.n++) {
		size_t start = i;
		bool sp = is_space(s.p[i]);

		while (i < s.len && is_space(s.p[i]) == sp)
			i++;
		out.t[out.n] = (struct str){ s.p + start, i - start };
	}
	return out;
}

/* Writes tokens [from, to) of t, escaped, inside tag when tag is set. */
static void
run(struct html *h, const struct tokens *t, size_t from, size_t to, int tag)
{
	if (from >= to)
		return;
	if (tag < 0)
		html_raw_literal(h, "<del>");
	else if (tag > 0)
		html_raw_literal(h, "<ins>");
	for (size_t i = from; i < to; i++)
		html_text(h, t->t[i]);
	if (tag < 0)
		html_raw_literal(h, "</del>");
	else if (tag > 0)
		html_raw_literal(h, "</ins>");
}

/*
 * Writes the difference from old to new into h: unchanged text as it is,
 * removed words in <del>, added ones in <ins>, all of it escaped. Scratch
 * memory comes from a (at most a few MiB, see DIFF_CELLS_MAX).
 */
void
html_diff(struct html *h, struct arena *a, struct str old, struct str new)
{
	struct tokens x = tokenize(a, old), y = tokenize(a, new);
	size_t head = 0, tail = 0, n, m;
	uint32_t *len;

	while (head < x.n && head < y.n && str_eq(x.t[head], y.t[head]))
		head++;
	while (tail < x.n - head && tail < y.n - head &&
	    str_eq(x.t[x.n - 1 - tail], y.t[y.n - 1 - tail]))
		tail++;
	run(h, &x, 0, head, 0);
	n = x.n - head - tail;
	m = y.n - head - tail;
	if (n == 0 || m == 0 || (n + 1) > DIFF_CELLS_MAX / (m + 1)) {
		run(h, &x, head, head + n, -1);
		run(h, &y, head, head + m, 1);
		run(h, &x, x.n - tail, x.n, 0);
		return;
	}
	/* len[i * (m + 1) + j]: the LCS of x[head+i..] and y[head+j..]. */
	len = arena_zalloc(a, (n + 1) * (m + 1) * sizeof(*len));
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;) {
			uint32_t *cell = &len[i * (m + 1) + j];

			if (str_eq(x.t[head + i], y.t[head + j]))
				*cell = len[(i + 1) * (m + 1) + j + 1] + 1;
			else {
				uint32_t down = len[(i + 1) * (m + 1) + j];
				uint32_t right = len[i * (m + 1) + j + 1];

				*cell = down > right ? down : right;
			}
		}
	{
		size_t i = 0, j = 0, di = 0, dj = 0;

		/* Deletions and insertions gather until the next match, so
		 * each change is one <del> and one <ins>. */
		while (i < n || j < m) {
			if (i < n && j < m &&
			    str_eq(x.t[head + i], y.t[head + j])) {
				run(h, &x, head + di, head + i, -1);
				run(h, &y, head + dj, head + j, 1);
				run(h, &x, head + i, head + i + 1, 0);
				di = ++i;
				dj = ++j;
			} else if (j == m || (i < n &&
			    len[(i + 1) * (m + 1) + j] >=
			    len[i * (m + 1) + j + 1])) {
				i++;
			} else {
				j++;
			}
		}
		run(h, &x, head + di, head + n, -1);
		run(h, &y, head + dj, head + m, 1);
	}
	run(h, &x, x.n - tail, x.n, 0);
}
