/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_md.c: unit tests for src/render/md.c: exact HTML for the markdown we
 * support, and proof that hostile input never yields dangerous HTML.
 *
 * Most cases live in tests/spec/markdown.txt and tests/spec/hostile.txt
 * (format described at the top of each), read from the repository root, so
 * a new case needs no C change. Every output of every test, golden or
 * generated, also goes through check_html, an independent structural check:
 * tags and attributes from an allow-list only, balanced, no nested anchors,
 * safe href schemes, rel on every link, no stray < > & or NUL in text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render/render.h"

#define SPEC_FENCE "````````````````````````````````"

/* ---- helpers ----------------------------------------------------------- */

/* Renders n bytes at s into a fresh heap buffer the caller resets. */
static int
render(struct buf *out, const char *s, size_t n)
{
	buf_init(out, NULL, 0);
	return md_render(out, (struct str){ s, n });
}

static bool
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Decodes the few entities html_escape writes, for checking a value. */
static void
unescape_attr(const char *v, size_t n, struct buf *out)
{
	static const struct { const char *e; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&#39;", '\'' },
	};

	out->len = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < ARRAY_LEN(ents); k++) {
			size_t el = strlen(ents[k].e);

			if (n - i >= el && memcmp(v + i, ents[k].e, el) == 0) {
				buf_putc(out, ents[k].c);
				i += el - 1;
				break;
			}
		}
		if (k == ARRAY_LEN(ents))
			buf_putc(out, v[i]);
	}
}

/*
 * Checks a decoded href independently of html_url_allowed: its scheme must
 * be http, https or mailto ("http:/:/x" is odd but harmless: md4c accepts
 * it as a destination), or it must be a relative reference with no
 * scheme, not protocol-relative, with no white space, control bytes,
 * quotes or backslashes anywhere.
 */
static const char *
check_href(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '\\' ||
		    c == '<' || c == '>' || c == '`')
			return "href holds a space, control byte, quote or backslash";
	}
	if ((n >= 5 && strncasecmp(v, "http:", 5) == 0) ||
	    (n >= 6 && strncasecmp(v, "https:", 6) == 0) ||
	    (n >= 7 && strncasecmp(v, "mailto:", 7) == 0))
		return NULL;
	if (n == 0)
		return "empty href";
	if (n >= 2 && v[0] == '/' && v[1] == '/')
		return "protocol-relative href";
	for (i = 0; i < n && v[i] != '/' && v[i] != '?' && v[i] != '#'; i++)
		if (v[i] == ':')
			return "href with a scheme other than http, https, mailto";
	return NULL;
}

static bool
in_list(const char *name, size_t n, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && memcmp(*list, name, n) == 0)
			return true;
	return false;
}

/*
 * Returns NULL when html is safe and well-formed markdown output, else a
 * description of the first problem; *where is set to its offset.
 */
static const char *
check_html(const char *s, size_t n, size_t *where)
{
	static const char *const elems[] = {
		"p", "em", "strong", "del", "code", "pre", "a", "ul", "ol", "li",
		"blockquote", "hr", "br", "h3", "h4", "h5", "h6", "table",
		"thead", "tbody", "tr", "th", "td", NULL,
	};
	static const char *const voids[] = { "hr", "br", NULL };
	static const char *const bad[] = {
		"<script", "<img", "<iframe", "<svg", "<style", "<object",
		"<embed", "<form", "<base", "<meta", "<link", NULL,
	};
	const char *stack[512];
	size_t depth = 0, i = 0;
	bool in_a = false;
	struct buf val;
	const char *err = NULL;

	buf_init(&val, NULL, 0);
	if (memchr(s, '\0', n) != NULL) {
		*where = (size_t)((const char *)memchr(s, '\0', n) - s);
		err = "NUL byte in output";
		goto out;
	}
	for (const char *const *b = bad; *b != NULL; b++) {
		for (size_t k = 0; k + strlen(*b) <= n; k++) {
			if (strncasecmp(s + k, *b, strlen(*b)) == 0) {
				*where = k;
				err = "forbidden element";
				goto out;
			}
		}
	}
	while (i < n) {
		size_t tag = i, nb, nl;
		bool closing, has_href = false, has_rel = false;
		const char *name;

		*where = i;
		if (s[i] == '>') {
			err = "stray > in text";
			goto out;
		}
		if (s[i] == '&') {
			size_t k = i + 1;

			if (k < n && s[k] == '#') {
				k++;
				if (k < n && (s[k] == 'x' || s[k] == 'X'))
					k++;
			}
			nb = k;
			while (k < n && ((s[k] >= 'a' && s[k] <= 'z') ||
			    (s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= '0' && s[k] <= '9')))
				k++;
			if (k == nb || k >= n || s[k] != ';') {
				err = "bare & in text";
				goto out;
			}
			i = k + 1;
			continue;
		}
		if (s[i] != '<') {
			i++;
			continue;
		}
		i++;
		closing = i < n && s[i] == '/';
		if (closing)
			i++;
		name = s + i;
		while (i < n && is_lower_alnum(s[i]))
			i++;
		nl = (size_t)(s + i - name);
		if (nl == 0 || !in_list(name, nl, elems)) {
			err = "element not in the allow-list (or stray <)";
			goto out;
		}
		if (closing) {
			if (i >= n || s[i] != '>') {
				err = "malformed end tag";
				goto out;
			}
			if (depth == 0 || strlen(stack[depth - 1]) != nl ||
			    memcmp(stack[depth - 1], name, nl) != 0) {
				err = "end tag does not match the open element";
				goto out;
			}
			if (nl == 1 && name[0] == 'a')
				in_a = false;
			depth--;
			i++;
			continue;
		}
		for (;;) {
			const char *an, *v;
			size_t anl, vl;

			if (i < n && s[i] == '>')
				break;
			if (i >= n || s[i] != ' ') {
				err = "malformed tag";
				goto out;
			}
			i++;
			an = s + i;
			while (i < n && s[i] != '=' && s[i] != '>' && s[i] != ' ')
				i++;
			anl = (size_t)(s + i - an);
			if (anl >= 2 && strncasecmp(an, "on", 2) == 0) {
				err = "event handler attribute";
				goto out;
			}
			if (n - i < 2 || s[i] != '=' || s[i + 1] != '"') {
				err = "attribute without a double-quoted value";
				goto out;
			}
			i += 2;
			v = s + i;
			while (i < n && s[i] != '"') {
				if (s[i] == '<' || s[i] == '>') {
					err = "< or > inside an attribute value";
					goto out;
				}
				i++;
			}
			if (i >= n) {
				err = "unterminated attribute value";
				goto out;
			}
			vl = (size_t)(s + i - v);
			i++;
			unescape_attr(v, vl, &val);
			if (nl == 1 && name[0] == 'a' && anl == 4 &&
			    memcmp(an, "href", 4) == 0) {
				if ((err = check_href(val.p, val.len)) != NULL)
					goto out;
				has_href = true;
			} else if (nl == 1 && name[0] == 'a' && anl == 3 &&
			    memcmp(an, "rel", 3) == 0) {
				if (strcmp(val.p, "nofollow ugc noopener") != 0) {
					err = "rel is not \"nofollow ugc noopener\"";
					goto out;
				}
				has_rel = true;
			} else if (nl == 1 && name[0] == 'a' && anl == 5 &&
			    memcmp(an, "title", 5) == 0) {
				/* any escaped text */
			} else if (nl == 4 && memcmp(name, "code", 4) == 0 &&
			    anl == 5 && memcmp(an, "class", 5) == 0 &&
			    strncmp(val.p, "language-", 9) == 0 &&
			    strspn(val.p + 9, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-") == val.len - 9) {
				/* a checked language name */
			} else if (nl == 2 && (memcmp(name, "th", 2) == 0 ||
			    memcmp(name, "td", 2) == 0) && anl == 5 &&
			    memcmp(an, "class", 5) == 0 &&
			    (strcmp(val.p, "al-left") == 0 ||
			    strcmp(val.p, "al-center") == 0 ||
			    strcmp(val.p, "al-right") == 0)) {
				/* alignment */
			} else if (nl == 2 && memcmp(name, "ol", 2) == 0 &&
			    anl == 5 && memcmp(an, "start", 5) == 0 && val.len > 0 &&
			    strspn(val.p, "0123456789") == val.len) {
				/* list start */
			} else {
				err = "attribute not allowed here";
				goto out;
			}
		}
		i++;
		if (nl == 1 && name[0] == 'a') {
			if (!has_href || !has_rel) {
				*where = tag;
				err = "<a> without href and rel";
				goto out;
			}
			if (in_a) {
				*where = tag;
				err = "nested <a>";
				goto out;
			}
			in_a = true;
		}
		if (in_list(name, nl, voids))
			continue;
		if (depth == ARRAY_LEN(stack)) {
			err = "nesting deeper than the checker's stack";
			goto out;
		}
		for (size_t k = 0; k < ARRAY_LEN(elems) - 1; k++)
			if (strlen(elems[k]) == nl && memcmp(elems[k], name, nl) == 0)
				stack[depth++] = elems[k];
	}
	if (depth != 0) {
		*where = n;
		err = "unclosed element at the end";
	}
out:
	buf_reset(&val);
	return err;
}

/* Fails the test, showing the input and output, when out is not safe. */
static void
assert_safe(const char *what, const char *in, size_t in_len, struct buf *out)
{
	size_t where = 0;
	const char *err = check_html(out->p, out->len, &where);

	if (err != NULL) {
		print_error("%s: %s at offset %zu\n  input (%zu bytes): %.*s\n"
		    "  output near there: %.*s\n", what, err, where, in_len,
		    (int)(in_len < 200 ? in_len : 200), in,
		    (int)(out->len - where < 120 ? out->len - where : 120),
		    out->p + where);
		fail();
	}
}

/* Renders n bytes at in into out (reset by the caller) and checks safety. */
static void
render_safe(struct buf *out, const char *what, const char *in, size_t n)
{
	assert_int_equal(render(out, in, n), 0);
	assert_safe(what, in, n, out);
}

/* ---- spec files -------------------------------------------------------- */

/*
 * Appends line to b, turning "→" into a tab and the control pictures
 * U+2400..U+241F and U+2421 into the bytes 0x00..0x1F and 0x7F.
 */
static void
put_spec_line(struct buf *b, const char *line, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const unsigned char *u = (const unsigned char *)line + i;

		if (n - i >= 3 && u[0] == 0xe2 && u[1] == 0x86 && u[2] == 0x92) {
			buf_putc(b, '\t');
			i += 2;
		} else if (n - i >= 3 && u[0] == 0xe2 && u[1] == 0x90 &&
		    u[2] >= 0x80 && u[2] <= 0x9f) {
			buf_putc(b, (char)(u[2] - 0x80));
			i += 2;
		} else if (n - i >= 3 && u[0] == 0xe2 && u[1] == 0x90 &&
		    u[2] == 0xa1) {
			buf_putc(b, 0x7f);
			i += 2;
		} else {
			buf_putc(b, line[i]);
		}
	}
	buf_putc(b, '\n');
}

static bool
line_is(const char *line, size_t n, const char *what)
{
	return n == strlen(what) && memcmp(line, what, n) == 0;
}

/*
 * Runs every example of a spec file: renders the input, compares it with
 * the expected HTML and runs check_html on it. Returns the number of
 * examples; failures are printed and counted in *failed.
 */
static int
run_spec(const char *path, int *failed)
{
	enum { OUTSIDE, INPUT, EXPECTED } state = OUTSIDE;
	struct buf file, in, want, got;
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n, pos = 0, start_line = 0, lineno = 0;
	int count = 0;

	if (f == NULL) {
		print_error("cannot open %s (run the tests from the repository root)\n",
		    path);
		fail();
	}
	buf_init(&file, NULL, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&file, chunk, n);
	fclose(f);
	buf_init(&in, NULL, 0);
	buf_init(&want, NULL, 0);
	*failed = 0;
	while (pos < file.len) {
		const char *line = file.p + pos;
		const char *nl = memchr(line, '\n', file.len - pos);
		size_t len = nl ? (size_t)(nl - line) : file.len - pos;

		pos += len + (nl != NULL);
		lineno++;
		switch (state) {
		case OUTSIDE:
			if (line_is(line, len, SPEC_FENCE " example")) {
				state = INPUT;
				start_line = lineno;
				in.len = want.len = 0;
				in.p[0] = want.p[0] = '\0';
			}
			break;
		case INPUT:
			if (line_is(line, len, "."))
				state = EXPECTED;
			else
				put_spec_line(&in, line, len);
			break;
		case EXPECTED:
			if (!line_is(line, len, SPEC_FENCE)) {
				put_spec_line(&want, line, len);
				break;
			}
			state = OUTSIDE;
			count++;
			if (render(&got, in.p, in.len) != 0) {
				print_error("%s:%zu: md_render failed\n", path, start_line);
				(*failed)++;
			} else if (got.len != want.len ||
			    memcmp(got.p, want.p, got.len) != 0) {
				print_error("%s:%zu: example %d differs\n--- input\n%s"
				    "--- expected\n%s--- got\n%s---\n", path, start_line,
				    count, in.p, want.p, got.p);
				(*failed)++;
			} else {
				size_t where;
				const char *err = check_html(got.p, got.len, &where);

				if (err != NULL) {
					print_error("%s:%zu: example %d is unsafe: %s at %zu\n",
					    path, start_line, count, err, where);
					(*failed)++;
				}
			}
			buf_reset(&got);
			break;
		}
	}
	if (state != OUTSIDE) {
		print_error("%s:%zu: example not closed by a fence line\n", path,
		    start_line);
		(*failed)++;
	}
	print_message("%s: %d examples, %d failed\n", path, count, *failed);
	buf_reset(&file);
	buf_reset(&in);
	buf_reset(&want);
	return count;
}

static void
test_spec_markdown(void **state)
{
	int failed, count = run_spec("tests/spec/markdown.txt", &failed);

	assert_true(count >= 40);
	assert_int_equal(failed, 0);
}

static void
test_spec_hostile(void **state)
{
	int failed, count = run_spec("tests/spec/hostile.txt", &failed);

	assert_true(count >= 40);
	assert_int_equal(failed, 0);
}

/* ---- exact output ------------------------------------------------------ */

static void
test_basics(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "*em* **strong** ~~del~~ `co<de>`\n",
		  "<p><em>em</em> <strong>strong</strong> <del>del</del> "
		  "<code>co&lt;de&gt;</code></p>\n" },
		{ "- a\n- b\n",
		  "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n" },
		{ "> quoted\n",
		  "<blockquote>\n<p>quoted</p>\n</blockquote>\n" },
		{ "```\nx < y\n```\n",
		  "<pre><code>x &lt; y\n</code></pre>\n" },
		{ "| a | b |\n| :-- | --: |\n| 1 | 2 |\n",
		  "<table>\n<thead>\n<tr>\n<th class=\"al-left\">a</th>\n"
		  "<th class=\"al-right\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
		  "<td class=\"al-left\">1</td>\n<td class=\"al-right\">2</td>\n"
		  "</tr>\n</tbody>\n</table>\n" },
		{ "see https://example.com/a?b=1&c=2.\n",
		  "<p>see <a href=\"https://example.com/a?b=1&amp;c=2\" "
		  "rel=\"nofollow ugc noopener\">https://example.com/a?b=1&amp;c=2</a>"
		  ".</p>\n" },
		{ "www.example.com and me@example.com\n",
		  "<p><a href=\"http://www.example.com\" rel=\"nofollow ugc noopener\">"
		  "www.example.com</a> and <a href=\"mailto:me@example.com\" "
		  "rel=\"nofollow ugc noopener\">me@example.com</a></p>\n" },
		{ "<script>alert(1)</script>\n",
		  "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n" },
		{ "[x](javascript:alert(1))\n", "<p>x</p>\n" },
		{ "![cat](https://example.com/cat.png)\n",
		  "<p><a href=\"https://example.com/cat.png\" "
		  "rel=\"nofollow ugc noopener\">cat</a></p>\n" },
		{ "", "" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct buf out;

		render_safe(&out, "basics", cases[i].in, strlen(cases[i].in));
		assert_string_equal(out.p, cases[i].want);
		buf_reset(&out);
	}
}

/* md_render appends, and a refused input leaves the buffer as it was. */
static void
test_append_and_limit(void **state)
{
	struct arena *a = arena_new(0);
	struct buf out;
	char *big = xmalloc(MD_MAX_INPUT + 1);

	buf_init(&out, a, 0);
	buf_puts(&out, "<div>");
	assert_int_equal(md_render(&out, STR_LIT("*x*")), 0);
	assert_string_equal(out.p, "<div><p><em>x</em></p>\n");

	memset(big, 'a', MD_MAX_INPUT + 1);
	assert_int_equal(md_render(&out, (struct str){ big, MD_MAX_INPUT + 1 }), -1);
	assert_string_equal(out.p, "<div><p><em>x</em></p>\n");

	out.len = 0;
	assert_int_equal(md_render(&out, (struct str){ big, MD_MAX_INPUT }), 0);
	assert_int_equal(out.len, MD_MAX_INPUT + strlen("<p></p>\n"));

	assert_int_equal(md_render(&out, STR_NULL), 0);
	free(big);
	arena_free(a);
}

/* ---- hostile, generated ------------------------------------------------ */

/* Returns a heap string of `unit` repeated to fill n bytes (cut mid-unit). */
static char *
repeat(const char *unit, size_t n)
{
	char *s = xmalloc(n + 1);
	size_t ul = strlen(unit);

	for (size_t i = 0; i < n; i++)
		s[i] = unit[i % ul];
	s[n] = '\0';
	return s;
}

static size_t
count_of(const char *hay, const char *needle)
{
	size_t c = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		c++;
	return c;
}

static void
test_deep_nesting(void **state)
{
	static const char *units[] = {
		">", "> ", "- ", "* ", "1. ", "- > ", "> - ", "[", "![", "[a](",
		"*", "_", "**", "~~", "`", "<", "</", "&#", "*a ", "_a_ ",
		"[a]", "![a](b)", "*[a*](b)", "**_~~`", "<http://", "[a]: <",
		"|", "|a", "```\n", "---\n", "# a\n", "www.", "a@", "http://",
		"\\", "\n", ">\n", " ", "\t", "&", "\"'", "](", ")", "<a href=",
	};
	static const size_t sizes[] = { 10000, MD_MAX_INPUT };

	for (size_t u = 0; u < ARRAY_LEN(units); u++) {
		for (size_t k = 0; k < ARRAY_LEN(sizes); k++) {
			char *in = repeat(units[u], sizes[k]);
			struct buf out;

			render_safe(&out, units[u], in, sizes[k]);
			buf_reset(&out);
			free(in);
		}
	}
}

/* Containers past the nesting cap lose their tags, not their text. */
static void
test_nesting_cap(void **state)
{
	char *in = repeat(">", 10000);
	struct buf out;
	char *lines;

	in[9999] = 'x';
	render_safe(&out, "10000 >", in, 10000);
	assert_int_equal(count_of(out.p, "<blockquote>"), 32);
	assert_int_equal(count_of(out.p, "</blockquote>"), 32);
	assert_non_null(strstr(out.p, "<p>x</p>"));
	buf_reset(&out);
	free(in);

	/* 2*i spaces then "- x": a list nested 250 deep over many lines. */
	lines = xmalloc(200000);
	lines[0] = '\0';
	for (int i = 0, len = 0; i < 250; i++)
		len += sprintf(lines + len, "%*s- x%d\n", 2 * i, "", i);
	render_safe(&out, "nested list", lines, strlen(lines));
	assert_non_null(strstr(out.p, "x249"));
	assert_true(count_of(out.p, "<ul>") <= 16);
	buf_reset(&out);
	free(lines);

	in = xmalloc(40003);
	memset(in, '*', 20000);
	in[20000] = 'a';
	memset(in + 20001, '*', 20000);
	render_safe(&out, "nested emphasis", in, 40001);
	assert_true(count_of(out.p, "<em>") + count_of(out.p, "<strong>") <= 32);
	buf_reset(&out);
	free(in);
}

static void
test_nul_bytes(void **state)
{
	static const char in[] = "a\0b *\0* [\0](<http://x/\0>) `\0`\n\n"
	    "```\n\0\n```\n[x](<java\0script:alert(1)>)\n";
	struct buf out;

	render_safe(&out, "NUL", in, sizeof(in) - 1);
	assert_int_equal(strlen(out.p), out.len);
	assert_non_null(strstr(out.p, "a\xEF\xBF\xBD" "b"));
	assert_non_null(strstr(out.p, "http://x/%EF%BF%BD"));
	assert_non_null(strstr(out.p, "<p>x</p>"));
	assert_null(strstr(out.p, "script"));
	buf_reset(&out);
}

/* A 64 KiB post of ordinary and hostile markdown mixed. */
static void
test_big_input(void **state)
{
	static const char *parts[] = {
		"# Title\n\nSome *text* with a [link](https://example.com \"t\").\n\n",
		"> quoted <script>alert(1)</script>\n> > deeper\n\n",
		"- item\n  - sub [x](javascript:alert(1))\n\n",
		"| a | b |\n| --- | :-: |\n| <img src=x onerror=alert(1)> | `c` |\n\n",
		"```js\nalert(\"x\")\n```\n\n",
		"![i](data:text/html,<script>alert(1)</script>) www.example.org\n\n",
	};
	struct buf in, out;
	size_t i = 0;

	buf_init(&in, NULL, MD_MAX_INPUT + 1);
	while (in.len < MD_MAX_INPUT - 200)
		buf_puts(&in, parts[i++ % ARRAY_LEN(parts)]);
	render_safe(&out, "64 KiB", in.p, in.len);
	assert_true(count_of(out.p, "<a ") > 100);
	buf_reset(&out);
	buf_reset(&in);
}

/* Deterministic noise biased towards markdown syntax; any byte may come. */
static void
test_fuzz(void **state)
{
	static const char *tokens[] = {
		"*", "_", "**", "~~", "`", "```", "[", "]", "(", ")", "![", "<", ">",
		"&", "&#", "&#x6A;", "&amp;", "&quot;", "\"", "'", "\\", "\n", "\n\n",
		" ", "  ", "\t", "#", "- ", "1. ", "> ", "|", "---", ":", "javascript:",
		"http://", "https://x.y/", "www.", "a@b.c", "mailto:", "//", "a", "b",
		"<script>", "onerror=", "\0", "\x01", "\x7f", "\xff", "\xc3\xa9",
		"[a]: ", "](", "\"t\"", "x", "data:", "vbscript:",
	};
	uint64_t seed = 0x9e3779b97f4a7c15u;
	char in[2048];
	/* Shorter under Valgrind (scripts/valgrind.sh); tests/fuzz/fuzz_md
	 * covers this ground at length. */
	int iters = getenv("PARLEY_TEST_QUICK") ? 300 : 3000;

	for (int iter = 0; iter < iters; iter++) {
		size_t len = 0, want;
		struct buf out;

		seed = seed * 6364136223846793005u + 1442695040888963407u;
		want = (size_t)(seed >> 33) % sizeof(in);
		while (len < want) {
			const char *t;
			size_t tl;

			seed = seed * 6364136223846793005u + 1442695040888963407u;
			if ((seed >> 60) == 0) {
				in[len++] = (char)(seed >> 40);
				continue;
			}
			t = tokens[(seed >> 33) % ARRAY_LEN(tokens)];
			tl = t[0] == '\0' ? 1 : strlen(t);
			if (len + tl > want)
				break;
			memcpy(in + len, t, tl);
			len += tl;
		}
		render_safe(&out, "fuzz", in, len);
		buf_reset(&out);
	}
}

/*
 * md4c 0.4.8 reads the byte after a document ending in an unfinished link;
 * when that byte is `)` it used to report text past the end. Here the bytes
 * after the input say `)<script>`, and none of them may show.
 */
static void
test_overread(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "[a](x", "<p>[a](x</p>\n" },
		{ "[a](", "<p>[a](</p>\n" },
		{ "[](", "<p>[](</p>\n" },
		{ "![](", "<p>![](</p>\n" },
		{ "[a](\\", "<p>[a](\\</p>\n" },
		{ "x [a](http://ok.example/", "<p>x [a](<a href=\"http://ok.example/\" "
		  "rel=\"nofollow ugc noopener\">http://ok.example/</a></p>\n" },
	};
	static const char tail[] = ")<script>alert(1)</script>\n";

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		size_t n = strlen(cases[i].in);
		char *in = xmalloc(n + sizeof(tail));
		struct buf out;

		memcpy(in, cases[i].in, n);
		memcpy(in + n, tail, sizeof(tail));
		render_safe(&out, "over-read", in, n);
		assert_string_equal(out.p, cases[i].want);
		buf_reset(&out);
		free(in);
	}
}

/* The checker itself must catch what it is there to catch. */
static void
test_checker(void **state)
{
	static const char *bad[] = {
		"<p>x",
		"<p>x</em>",
		"<img src=\"x\">",
		"<p onclick=\"x\">y</p>",
		"<a href=\"javascript:alert(1)\" rel=\"nofollow ugc noopener\">x</a>",
		"<a href=\"JaVaScRiPt:x\" rel=\"nofollow ugc noopener\">x</a>",
		"<a href=\"//evil\" rel=\"nofollow ugc noopener\">x</a>",
		"<a href=\"http://x\">x</a>",
		("<a href=\"http://x\" rel=\"nofollow ugc noopener\"><a href=\"http://y\" "
		    "rel=\"nofollow ugc noopener\">y</a></a>"),
		"<p>a > b</p>",
		"<p>a & b</p>",
		"<code class=\"x\">y</code>",
		"<SCRIPT>",
		"<p title=\"x\">y</p>",
	};
	size_t where;

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		if (check_html(bad[i], strlen(bad[i]), &where) == NULL) {
			print_error("checker accepted: %s\n", bad[i]);
			fail();
		}
	}
	{
		static const char good[] = "<p><a href=\"/x?a=1&amp;b\" rel=\"nofollow "
		    "ugc noopener\" title=\"a onclick=b\">x</a><br>\n</p>";

		assert_null(check_html(good, sizeof(good) - 1, &where));
	}
}

/* ---- mentions ----------------------------------------------------------- */

/* Users for the mention tests: every name of the form "user" followed by
 * digits, and alice and bob, compared case-insensitively. */
static bool
fake_exists(void *data, struct str name, const char **canonical)
{
	static const char *const known[] = { "alice", "bob", "dash-er_1" };
	int *calls = data;

	(*calls)++;
	for (size_t i = 0; i < ARRAY_LEN(known); i++) {
		if (str_case_eq(name, str_c(known[i]))) {
			*canonical = known[i];
			return true;
		}
	}
	if (name.len > 4 && strncasecmp(name.p, "user", 4) == 0 &&
	    strspn(name.p + 4, "0123456789") == name.len - 4) {
		char *s = test_malloc(name.len + 1);

		memcpy(s, name.p, name.len);
		s[name.len] = '\0';
		*canonical = s;
		return true;
	}
	return false;
}

#define A_OPEN(n) "<a href=\"/u/" n "\" rel=\"nofollow ugc noopener\">"

static void
test_mentions(void **state)
{
	static const struct { const char *in, *want; size_t names; } cases[] = {
		{ "hi @alice and u/Bob!", "<p>hi " A_OPEN("alice") "@alice</a> and "
		  A_OPEN("bob") "u/Bob</a>!</p>\n", 2 },
		{ "@ALICE @alice U/alice", "<p>" A_OPEN("alice") "@ALICE</a> "
		  A_OPEN("alice") "@alice</a> " A_OPEN("alice") "U/alice</a></p>\n", 1 },
		{ "**@alice**, @dash-er_1.", "<p><strong>" A_OPEN("alice")
		  "@alice</a></strong>, " A_OPEN("dash-er_1") "@dash-er_1</a>.</p>\n", 2 },
		{ "@alice's", "<p>" A_OPEN("alice") "@alice</a>&#39;s</p>\n", 1 },
		/* not in code, links or images */
		{ "`@alice` and\n\n    u/bob", "<p><code>@alice</code> and</p>\n"
		  "<pre><code>u/bob\n</code></pre>\n", 0 },
		{ "[@alice](https://x.example/) ![u/bob](https://x.example/i)",
		  "<p><a href=\"https://x.example/\" rel=\"nofollow ugc noopener\">"
		  "@alice</a> <a href=\"https://x.example/i\" rel=\"nofollow ugc "
		  "noopener\">u/bob</a></p>\n", 0 },
		{ "[@alice](javascript:x)", "<p>@alice</p>\n", 0 },
		/* words, paths and addresses are not mentions */
		{ "x@alice a/u/bob u/u/bob @alice/x @alice.example ~@bob",
		  "<p>x@alice a/u/bob u/u/bob @alice/x @alice.example ~" A_OPEN("bob")
		  "@bob</a></p>\n", 1 },
		/* unknown, too short, too long */
		{ "@carol @al @aaaaaaaaaaaaaaaaaaaaaaaaa", "<p>@carol @al "
		  "@aaaaaaaaaaaaaaaaaaaaaaaaa</p>\n", 0 },
		{ "u/ @ u/- @-", "<p>u/ @ u/- @-</p>\n", 0 },
		/* markup cannot ride in on a mention */
		{ "@alice<b>", "<p>" A_OPEN("alice") "@alice</a>&lt;b&gt;</p>\n", 1 },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct md_mentions m = { .exists = fake_exists };
		struct buf out;
		int calls = 0;
		size_t where;
		const char *err;

		m.data = &calls;
		buf_init(&out, NULL, 0);
		assert_int_equal(md_render_mentions(&out, str_c(cases[i].in), &m), 0);
		if (strcmp(out.p, cases[i].want) != 0) {
			print_error("case %zu: %s\nwant %s\n got %s\n", i, cases[i].in,
			    cases[i].want, out.p);
			fail();
		}
		err = check_html(out.p, out.len, &where);
		if (err != NULL) {
			print_error("case %zu: %s at %zu\n", i, err, where);
			fail();
		}
		assert_int_equal(m.n, cases[i].names);
		buf_reset(&out);
	}
}

/* At most MENTION_MAX distinct names become links, and a text full of
 * unknown names costs a bounded number of lookups. */
static void
test_mention_caps(void **state)
{
	struct md_mentions m = { .exists = fake_exists };
	struct buf src, out;
	int calls = 0;

	m.data = &calls;
	buf_init(&src, NULL, 0);
	for (int i = 0; i < 500; i++)
		buf_printf(&src, "@user%d ", i);
	buf_init(&out, NULL, 0);
	assert_int_equal(md_render_mentions(&out, buf_str(&src), &m), 0);
	assert_int_equal(m.n, MENTION_MAX);
	assert_int_equal(calls, MENTION_MAX);
	assert_string_equal(m.names[0].p, "user0");
	assert_string_equal(m.names[MENTION_MAX - 1].p, "user9");
	assert_non_null(strstr(out.p, A_OPEN("user9") "@user9</a> @user10 "));
	for (size_t i = 0; i < m.n; i++)
		test_free((void *)m.names[i].p);
	buf_reset(&out);

	src.len = 0;
	calls = 0;
	for (int i = 0; i < 1000; i++)
		buf_printf(&src, "@nobody%d ", i);
	buf_puts(&src, "@alice");
	buf_init(&out, NULL, 0);
	assert_int_equal(md_render_mentions(&out, buf_str(&src), &m), 0);
	assert_int_equal(calls, 2 * MENTION_MAX);
	assert_int_equal(m.n, 0);
	buf_reset(&out);
	buf_reset(&src);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mentions),
		cmocka_unit_test(test_mention_caps),
		cmocka_unit_test(test_checker),
		cmocka_unit_test(test_basics),
		cmocka_unit_test(test_append_and_limit),
		cmocka_unit_test(test_spec_markdown),
		cmocka_unit_test(test_spec_hostile),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_nesting_cap),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_overread),
		cmocka_unit_test(test_big_input),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests_name("md", tests, NULL, NULL);
}
