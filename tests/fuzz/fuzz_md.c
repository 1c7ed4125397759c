/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_md.c: md_render (md.c) on any bytes, and a check of what it wrote.
 * Posts, comments, descriptions and pages are markdown from strangers, and
 * their HTML is later shown raw, so the output must be safe whatever the
 * input:
 * - only tags from an allow-list, each with only its allowed attributes,
 *   every value double-quoted; no `<script` anywhere and no `on...=`
 *   attribute, which the allow-list implies but is checked on its own too;
 * - href values (after decoding the entities an attribute may hold) are
 *   http, https, mailto or relative, never protocol-relative, with no
 *   white space, control bytes, quotes or angle brackets; every link has
 *   rel="nofollow ugc noopener"; anchors never nest;
 * - every element is closed, in order; void elements (br, hr) have no end;
 * - text holds no raw `<` or `>`, and `&` only as one of the entities
 *   html_escape writes; no NUL byte anywhere;
 * - valid UTF-8 in gives valid UTF-8 out, and the same input renders the
 *   same way twice.
 * - with mentions on (md_render_mentions, where every name starting with a
 *   vowel exists), the output obeys the same rules, at most MENTION_MAX
 *   names are linked, each a valid user name, and the lookups are bounded.
 * The checker is written from those rules, not from md.c.
 */
#include "fuzz.h"

#include <strings.h>

#include "render/render.h"

#define MAX_STACK 4096
#define REL "nofollow ugc noopener"

struct tag_rule {
	const char *name;
	bool is_void;
	const char *attrs[4]; /* allowed attribute names */
};

static const struct tag_rule rules[] = {
	{ "p", false, { NULL } },
	{ "blockquote", false, { NULL } },
	{ "ul", false, { NULL } },
	{ "ol", false, { "start" } },
	{ "li", false, { NULL } },
	{ "h3", false, { NULL } },
	{ "h4", false, { NULL } },
	{ "h5", false, { NULL } },
	{ "h6", false, { NULL } },
	{ "pre", false, { NULL } },
	{ "code", false, { "class" } },
	{ "table", false, { NULL } },
	{ "thead", false, { NULL } },
	{ "tbody", false, { NULL } },
	{ "tr", false, { NULL } },
	{ "th", false, { "class" } },
	{ "td", false, { "class" } },
	{ "em", false, { NULL } },
	{ "strong", false, { NULL } },
	{ "del", false, { NULL } },
	{ "a", false, { "href", "rel", "title" } },
	{ "br", true, { NULL } },
	{ "hr", true, { NULL } },
};

struct checker {
	const char *s;       /* the output under check */
	size_t n, i;         /* its length and the read position */
	const struct tag_rule *stack[MAX_STACK];
	size_t depth;
	bool in_anchor;
};

__attribute__((noreturn)) static void
bad(const struct checker *k, const char *why)
{
	size_t from = k->i > 80 ? k->i - 80 : 0;

	fuzz_dump("output near the fault", k->s + from,
	    k->n - from < 160 ? k->n - from : 160);
	fuzz__fail(__FILE__, __LINE__, "unsafe markdown output at byte %zu: %s",
	    k->i, why);
}

static bool
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* True when s[0..n) starts with one of the entities html_escape writes. */
static bool
known_entity(const char *s, size_t n)
{
	static const char *ents[] = { "&amp;", "&lt;", "&gt;", "&quot;",
	    "&#39;" };

	for (size_t i = 0; i < ARRAY_LEN(ents); i++) {
		size_t el = strlen(ents[i]);

		if (n >= el && memcmp(s, ents[i], el) == 0)
			return true;
	}
	return false;
}

/*
 * Decodes an attribute value (the entities html_escape writes) into out,
 * which has room for n bytes. Returns the decoded length.
 */
static size_t
decode_value(const char *v, size_t n, char *out)
{
	static const struct { const char *e; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&#39;", '\'' },
	};
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < ARRAY_LEN(ents); k++) {
			size_t el = strlen(ents[k].e);

			if (n - i >= el && memcmp(v + i, ents[k].e, el) == 0) {
				out[o++] = ents[k].c;
				i += el - 1;
				break;
			}
		}
		if (k == ARRAY_LEN(ents))
			out[o++] = v[i];
	}
	return o;
}

/* The link rule, on an already decoded href value. */
static void
check_href(const struct checker *k, const char *u, size_t n)
{
	static const char *schemes[] = { "http", "https", "mailto" };
	size_t colon = n;

	if (n == 0)
		bad(k, "empty href");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)u[i];

		if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '<' ||
		    c == '>' || c == '\\' || c == '`')
			bad(k, "href holds a byte that must be percent-encoded");
	}
	for (size_t i = 0; i < n; i++) {
		if (u[i] == ':') {
			colon = i;
			break;
		}
		if (u[i] == '/' || u[i] == '?' || u[i] == '#')
			break;
	}
	if (colon == n) {
		if (n >= 2 && u[0] == '/' && u[1] == '/')
			bad(k, "protocol-relative href");
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(schemes); i++)
		if (colon == strlen(schemes[i]) &&
		    strncasecmp(u, schemes[i], colon) == 0)
			return;
	bad(k, "href scheme outside http, https, mailto");
}

static bool
is_anchor(const struct tag_rule *rule)
{
	return strcmp(rule->name, "a") == 0;
}

/* Reads one tag starting at '<'; pushes or pops the stack. */
static void
check_tag(struct checker *k)
{
	const struct tag_rule *rule = NULL;
	bool closing = false, has_href = false, has_rel = false;
	size_t start;

	k->i++;
	if (k->i < k->n && k->s[k->i] == '/') {
		closing = true;
		k->i++;
	}
	start = k->i;
	while (k->i < k->n && is_name_char(k->s[k->i]))
		k->i++;
	for (size_t r = 0; r < ARRAY_LEN(rules); r++) {
		if (strlen(rules[r].name) == k->i - start &&
		    memcmp(rules[r].name, k->s + start, k->i - start) == 0) {
			rule = &rules[r];
			break;
		}
	}
	if (rule == NULL)
		bad(k, "a tag outside the allow-list");
	if (closing) {
		if (k->i >= k->n || k->s[k->i] != '>')
			bad(k, "end tag not closed by '>'");
		k->i++;
		if (rule->is_void)
			bad(k, "end tag of a void element");
		if (k->depth == 0 || k->stack[k->depth - 1] != rule)
			bad(k, "end tag does not match the open element");
		k->depth--;
		if (is_anchor(rule))
			k->in_anchor = false;
		return;
	}
	/* Attributes: ` name="value"` until '>'. */
	while (k->i < k->n && k->s[k->i] == ' ') {
		size_t nstart, vstart, vlen;
		bool allowed = false;
		const char *name;
		size_t nlen;

		k->i++;
		nstart = k->i;
		while (k->i < k->n && is_name_char(k->s[k->i]))
			k->i++;
		name = k->s + nstart;
		nlen = k->i - nstart;
		if (nlen >= 2 && name[0] == 'o' && name[1] == 'n')
			bad(k, "an on... event attribute");
		for (size_t a = 0; a < 4 && rule->attrs[a] != NULL; a++)
			if (strlen(rule->attrs[a]) == nlen &&
			    memcmp(rule->attrs[a], name, nlen) == 0)
				allowed = true;
		if (!allowed)
			bad(k, "an attribute outside the allow-list");
		if (k->n - k->i < 2 || k->s[k->i] != '=' || k->s[k->i + 1] != '"')
			bad(k, "attribute value not double-quoted");
		k->i += 2;
		vstart = k->i;
		while (k->i < k->n && k->s[k->i] != '"') {
			char c = k->s[k->i];

			if (c == '<' || c == '>')
				bad(k, "raw < or > in an attribute value");
			if (c == '&' && !known_entity(k->s + k->i, k->n - k->i))
				bad(k, "bare & in an attribute value");
			k->i++;
		}
		if (k->i >= k->n)
			bad(k, "attribute value never ends");
		vlen = k->i - vstart;
		k->i++;
		if (nlen == 4 && memcmp(name, "href", 4) == 0) {
			char *dec = malloc(vlen + 1);
			size_t dn;

			if (dec == NULL)
				abort();
			dn = decode_value(k->s + vstart, vlen, dec);
			check_href(k, dec, dn);
			free(dec);
			has_href = true;
		}
		if (nlen == 3 && memcmp(name, "rel", 3) == 0) {
			if (vlen != strlen(REL) || memcmp(k->s + vstart, REL,
			    vlen) != 0)
				bad(k, "rel is not \"nofollow ugc noopener\"");
			has_rel = true;
		}
	}
	if (k->i >= k->n || k->s[k->i] != '>')
		bad(k, "start tag not closed by '>'");
	k->i++;
	if (is_anchor(rule)) {
		if (!has_href || !has_rel)
			bad(k, "a link without href or rel");
		if (k->in_anchor)
			bad(k, "nested anchors");
		k->in_anchor = true;
	}
	if (rule->is_void)
		return;
	if (k->depth == MAX_STACK)
		bad(k, "nesting deeper than the checker's stack");
	k->stack[k->depth++] = rule;
}

static void
check_html(const char *s, size_t n)
{
	struct checker *k = calloc(1, sizeof(*k));

	if (k == NULL)
		abort();
	k->s = s;
	k->n = n;
	if (memchr(s, '\0', n) != NULL)
		bad(k, "a NUL byte in the output");
	for (size_t i = 0; i + 7 <= n; i++)
		if (strncasecmp(s + i, "<script", 7) == 0) {
			k->i = i;
			bad(k, "<script");
		}
	while (k->i < n) {
		char c = s[k->i];

		if (c == '<') {
			check_tag(k);
			continue;
		}
		if (c == '>')
			bad(k, "raw > in text");
		if (c == '&' && !known_entity(s + k->i, n - k->i))
			bad(k, "bare & in text");
		k->i++;
	}
	if (k->depth != 0)
		bad(k, "elements left open at the end");
	free(k);
}

/* Pretends that every name starting with a vowel is a user. */
static bool
vowel_exists(void *data, struct str name, const char **canonical)
{
	int *calls = data;

	(*calls)++;
	if (strchr("aeiouAEIOU", name.p[0]) == NULL)
		return false;
	*canonical = "a_user";
	return true;
}

static void
check_mentions(struct str src)
{
	struct md_mentions m = { .exists = vowel_exists };
	struct buf out;
	int calls = 0;

	m.data = &calls;
	buf_init(&out, NULL, 0);
	FUZZ_CHECK(md_render_mentions(&out, src, &m) == 0,
	    "md_render_mentions failed");
	check_html(out.p, out.len);
	FUZZ_CHECK(m.n <= MENTION_MAX, "%zu names linked", m.n);
	FUZZ_CHECK(m.n <= 1, "one user behind every name, %zu recorded", m.n);
	FUZZ_CHECK(calls <= 2 * MENTION_MAX, "%d lookups", calls);
	buf_reset(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str src = { (const char *)data, size };
	struct buf out, again;
	int rc;

	/* Inputs past the cap are refused before parsing; see the unit tests. */
	if (size > MD_MAX_INPUT)
		return 0;
	buf_init(&out, NULL, 0);
	rc = md_render(&out, src);
	FUZZ_CHECK(rc == 0, "md_render failed on %zu bytes", size);
	check_html(out.p, out.len);
	if (str_utf8_valid(src) && !str_utf8_valid(buf_str(&out))) {
		fuzz_dump("input", data, size);
		fuzz__fail(__FILE__, __LINE__, "valid UTF-8 in, invalid out");
	}
	buf_init(&again, NULL, 0);
	md_render(&again, src);
	FUZZ_CHECK(again.len == out.len && memcmp(again.p, out.p, out.len) == 0,
	    "the same input rendered two ways");
	buf_reset(&again);
	buf_reset(&out);
	check_mentions(src);
	return 0;
}
