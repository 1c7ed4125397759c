/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_json.c: the JSON writer (json.c) driven by the fuzzer's bytes, and
 * a strict RFC 8259 parser written here that reads the result back.
 *
 * The input is a program: each byte picks an operation (open or close an
 * object or array, a string, a C string, an integer, a double, a boolean,
 * null, a time) and the bytes after it are the operand. The program is
 * kept legal the way callers keep it legal (a key before each value in an
 * object, nesting below JSON_MAX_DEPTH, everything closed at the end).
 * Then:
 * - the output must parse as one JSON value, with no raw < > & (json.c
 *   promises that JSON never closes a surrounding HTML context);
 * - every string decodes back to exactly what was written, when what was
 *   written is valid UTF-8 (the application checks that of all input);
 * - every integer reads back as written;
 * - every time is RFC 3339 and equals a date computed here from days
 *   since 1970 (years clamped to 0000..9999).
 */
#include "fuzz.h"

#include "render/render.h"

/* What the program wrote, in order, to compare with what the parser read. */
struct item {
	enum { IT_STR, IT_INT, IT_TIME } type;
	const char *p;   /* string bytes, borrowed from the input */
	size_t n;
	bool utf8;       /* p..n is valid UTF-8, so it must round-trip */
	int64_t v;       /* integer or time */
};

#define MAX_ITEMS 4096

struct parser {
	const char *s;
	size_t n, i;
	struct item *items;     /* expected, in document order */
	size_t nitems, next;    /* how many, and the next to match */
	struct buf str;         /* scratch: the string being decoded */
};

__attribute__((noreturn)) static void
bad(const struct parser *p, const char *why)
{
	size_t from = p->i > 60 ? p->i - 60 : 0;

	fuzz_dump("output near the fault", p->s + from,
	    p->n - from < 120 ? p->n - from : 120);
	fuzz__fail(__FILE__, __LINE__, "JSON output at byte %zu: %s", p->i, why);
}

/* ---- reference dates ---------------------------------------------------- */

#define T_MIN (-62167219200LL) /* 0000-01-01T00:00:00Z */
#define T_MAX 253402300799LL   /* 9999-12-31T23:59:59Z */

/* Writes t as RFC 3339 from a days-to-civil conversion (proleptic
 * Gregorian, 400-year eras), independent of gmtime. */
static void
ref_rfc3339(int64_t t, char out[32])
{
	int64_t days, secs, era, doe, yoe, y, doy, mp, d, m;

	if (t < T_MIN)
		t = T_MIN;
	if (t > T_MAX)
		t = T_MAX;
	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468; /* from 1970-01-01 to 0000-03-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m,
	    (int)d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

/* ---- the parser ---------------------------------------------------------- */

static void value(struct parser *p, int depth);

static void
ws(struct parser *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
	    p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static void
expect(struct parser *p, char c)
{
	if (p->i >= p->n || p->s[p->i] != c)
		bad(p, "unexpected byte");
	p->i++;
}

static unsigned
hex4(struct parser *p)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++, p->i++) {
		char c = p->i < p->n ? p->s[p->i] : 0;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			bad(p, "bad \\u escape");
	}
	return v;
}

/* Reads a string into p->str and compares it with the next item. */
static void
string(struct parser *p)
{
	struct item *it;

	expect(p, '"');
	p->str.len = 0;
	for (;;) {
		unsigned char c;

		if (p->i >= p->n)
			bad(p, "string never ends");
		c = (unsigned char)p->s[p->i++];
		if (c == '"')
			break;
		if (c < 0x20)
			bad(p, "raw control byte in a string");
		if (c != '\\') {
			buf_putc(&p->str, (char)c);
			continue;
		}
		if (p->i >= p->n)
			bad(p, "string ends in a backslash");
		switch (p->s[p->i++]) {
		case '"': buf_putc(&p->str, '"'); break;
		case '\\': buf_putc(&p->str, '\\'); break;
		case '/': buf_putc(&p->str, '/'); break;
		case 'b': buf_putc(&p->str, '\b'); break;
		case 'f': buf_putc(&p->str, '\f'); break;
		case 'n': buf_putc(&p->str, '\n'); break;
		case 'r': buf_putc(&p->str, '\r'); break;
		case 't': buf_putc(&p->str, '\t'); break;
		case 'u': {
			unsigned cp = hex4(p);

			/* json.c escapes single bytes only. */
			if (cp > 0x7f)
				bad(p, "\\u escape beyond ASCII");
			buf_putc(&p->str, (char)cp);
			break;
		}
		default:
			bad(p, "unknown escape");
		}
	}
	if (p->next >= p->nitems)
		bad(p, "more strings than were written");
	it = &p->items[p->next++];
	if (it->type == IT_TIME) {
		char want[32];

		ref_rfc3339(it->v, want);
		if (p->str.len != strlen(want) || memcmp(p->str.p, want,
		    p->str.len) != 0) {
			fprintf(stderr, "time %lld: want %s\n", (long long)it->v, want);
			bad(p, "a time is not the reference RFC 3339 date");
		}
		return;
	}
	if (it->type != IT_STR)
		bad(p, "a string where something else was written");
	if (it->utf8 && (p->str.len != it->n || memcmp(p->str.p, it->p,
	    it->n) != 0))
		bad(p, "a string does not read back as written");
}

static void
number(struct parser *p)
{
	size_t start = p->i;
	struct item *it;
	char want[24];

	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0') {
		p->i++;
	} else {
		if (p->i >= p->n || p->s[p->i] < '1' || p->s[p->i] > '9')
			bad(p, "bad number");
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
			bad(p, "bad fraction");
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
			bad(p, "bad exponent");
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if (p->next >= p->nitems)
		bad(p, "more numbers than were written");
	it = &p->items[p->next++];
	if (it->type != IT_INT)
		bad(p, "a number where something else was written");
	snprintf(want, sizeof(want), "%lld", (long long)it->v);
	if (strlen(want) != p->i - start ||
	    memcmp(want, p->s + start, p->i - start) != 0)
		bad(p, "an integer does not read back as written");
}

static void
literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->n - p->i < n || memcmp(p->s + p->i, word, n) != 0)
		bad(p, "bad literal");
	p->i += n;
}

static void
value(struct parser *p, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		bad(p, "nesting deeper than JSON_MAX_DEPTH");
	ws(p);
	if (p->i >= p->n)
		bad(p, "value expected");
	switch (p->s[p->i]) {
	case '{':
		p->i++;
		ws(p);
		if (p->i < p->n && p->s[p->i] == '}') {
			p->i++;
			return;
		}
		for (;;) {
			ws(p);
			string(p);
			ws(p);
			expect(p, ':');
			value(p, depth + 1);
			ws(p);
			if (p->i < p->n && p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			expect(p, '}');
			return;
		}
	case '[':
		p->i++;
		ws(p);
		if (p->i < p->n && p->s[p->i] == ']') {
			p->i++;
			return;
		}
		for (;;) {
			value(p, depth + 1);
			ws(p);
			if (p->i < p->n && p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			expect(p, ']');
			return;
		}
	case '"': string(p); return;
	case 't': literal(p, "true"); return;
	case 'f': literal(p, "false"); return;
	case 'n': literal(p, "null"); return;
	default: number(p); return;
	}
}

/* ---- the program --------------------------------------------------------- */

static void
push_item(struct item *items, size_t *n, struct item it)
{
	if (*n < MAX_ITEMS)
		items[(*n)++] = it;
}

/* A string operand: a length byte, then up to that many bytes. */
static struct str
take_str(struct fuzz_in *in)
{
	size_t len = fuzz_u8(in);
	struct str s;

	if (len > in->n)
		len = in->n;
	s.p = (const char *)in->p;
	s.len = len;
	in->p += len;
	in->n -= len;
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct item *items = calloc(MAX_ITEMS, sizeof(*items));
	bool is_obj[JSON_MAX_DEPTH] = { true };
	size_t nitems = 0;
	int depth = 1;
	struct buf out;
	struct json j;
	struct parser p;

	if (items == NULL)
		abort();
	buf_init(&out, NULL, 0);
	json_init(&j, &out);
	json_obj_open(&j);
	while (in.n > 0 && nitems < MAX_ITEMS - 2) {
		uint8_t op = fuzz_u8(&in) % 11;
		struct str s;
		char *cs;

		if (op == 2) {
			if (depth > 1) {
				if (is_obj[depth - 1])
					json_obj_close(&j);
				else
					json_arr_close(&j);
				depth--;
			}
			continue;
		}
		if (is_obj[depth - 1]) {
			/* Keys are C strings: the writer takes them from literals. */
			s = take_str(&in);
			cs = fuzz_strndup(s.p, s.len);
			json_key(&j, cs);
			push_item(items, &nitems, (struct item){ .type = IT_STR,
			    .p = s.p, .n = strlen(cs),
			    .utf8 = str_utf8_valid(str_c(cs)) });
			free(cs);
		}
		switch (op) {
		case 0:
		case 1:
			if (depth + 2 >= JSON_MAX_DEPTH) {
				json_null(&j);
				break;
			}
			is_obj[depth++] = op == 0;
			if (op == 0)
				json_obj_open(&j);
			else
				json_arr_open(&j);
			break;
		case 3:
			s = take_str(&in);
			json_str(&j, s);
			push_item(items, &nitems, (struct item){ .type = IT_STR,
			    .p = s.p, .n = s.len, .utf8 = str_utf8_valid(s) });
			break;
		case 4:
		case 5: {
			int64_t v = (int64_t)fuzz_u64(&in);

			json_int(&j, v);
			push_item(items, &nitems, (struct item){ .type = IT_INT,
			    .v = v });
			break;
		}
		case 6:
			json_bool(&j, fuzz_u8(&in) & 1);
			break;
		case 7:
			json_null(&j);
			break;
		case 8: {
			int64_t t = (int64_t)fuzz_u64(&in);

			json_time(&j, t);
			push_item(items, &nitems, (struct item){ .type = IT_TIME,
			    .v = t });
			break;
		}
		case 9:
			json_str(&j, STR_NULL);
			break;
		default:
			s = take_str(&in);
			cs = fuzz_strndup(s.p, s.len);
			json_str_c(&j, cs);
			push_item(items, &nitems, (struct item){ .type = IT_STR,
			    .p = s.p, .n = strlen(cs),
			    .utf8 = str_utf8_valid(str_c(cs)) });
			free(cs);
			break;
		}
	}
	while (depth > 1) {
		if (is_obj[--depth])
			json_obj_close(&j);
		else
			json_arr_close(&j);
	}
	json_obj_close(&j);

	memset(&p, 0, sizeof(p));
	p.s = out.p;
	p.n = out.len;
	p.items = items;
	p.nitems = nitems;
	buf_init(&p.str, NULL, 0);
	for (size_t i = 0; i < out.len; i++)
		if (out.p[i] == '<' || out.p[i] == '>' || out.p[i] == '&') {
			p.i = i;
			bad(&p, "raw < > or & in JSON");
		}
	value(&p, 1);
	ws(&p);
	if (p.i != p.n)
		bad(&p, "bytes after the value");
	if (p.next != p.nitems)
		bad(&p, "fewer values read than written");
	buf_reset(&p.str);
	buf_reset(&out);
	free(items);
	return 0;
}
