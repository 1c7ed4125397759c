/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * json.c: the JSON writer. Strings are always escaped, including < > & so
 * that JSON can never close a surrounding script or HTML context; commas
 * are placed by the writer, so callers only say what comes next.
 */
#include "render.h"

#include <stdio.h>
#include <string.h>

void
json_init(struct json *j, struct buf *b)
{
	j->b = b;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

/* Writes the comma before a value or key unless it is the first one. */
static void
value_begin(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		buf_putc(j->b, ',');
	j->first[j->depth] = false;
}

static void
open_(struct json *j, char c)
{
	value_begin(j);
	buf_putc(j->b, c);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		base_fatal(__FILE__, __LINE__, "json nesting too deep");
	j->first[++j->depth] = true;
}

static void
close_(struct json *j, char c)
{
	buf_putc(j->b, c);
	j->depth--;
}

void json_obj_open(struct json *j) { open_(j, '{'); }
void json_obj_close(struct json *j) { close_(j, '}'); }
void json_arr_open(struct json *j) { open_(j, '['); }
void json_arr_close(struct json *j) { close_(j, ']'); }

static void
put_string(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;

	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		const char *rep = NULL;

		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		default:
			if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				esc[6] = '\0';
				rep = esc;
			}
		}
		if (rep == NULL)
			continue;
		buf_put(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
	buf_putc(b, '"');
}

/* Writes an object key; the next value call writes its value. */
void
json_key(struct json *j, const char *key)
{
	value_begin(j);
	put_string(j->b, key, strlen(key));
	buf_putc(j->b, ':');
	j->after_key = true;
}

void
json_str(struct json *j, struct str s)
{
	value_begin(j);
	if (s.p == NULL)
		buf_puts(j->b, "null");
	else
		put_string(j->b, s.p, s.len);
}

void
json_str_c(struct json *j, const char *s)
{
	json_str(j, str_c(s));
}

void
json_int(struct json *j, int64_t v)
{
	value_begin(j);
	buf_put_i64(j->b, v);
}

void
json_bool(struct json *j, bool v)
{
	value_begin(j);
	buf_puts(j->b, v ? "true" : "false");
}

void
json_null(struct json *j)
{
	value_begin(j);
	buf_puts(j->b, "null");
}

void
json_time(struct json *j, int64_t t)
{
	char iso[32];

	base_rfc3339(t, iso);
	json_str_c(j, iso);
}

/* ---- key-value pairs: one call a field -------------------------------- */

/* Writes "key":"s", or "key":null when s is NULL. */
void
json_kv_str_c(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str_c(j, s);
}

void
json_kv_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void
json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

void
json_kv_time(struct json *j, const char *key, int64_t t)
{
	json_key(j, key);
	json_time(j, t);
}

/* Writes "key":v, or "key":null when v is 0 (no such item). */
void
json_kv_opt_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	if (v)
		json_int(j, v);
	else
		json_null(j);
}

/* Writes "key":"TIME", or "key":null when t is 0 (never). */
void
json_kv_opt_time(struct json *j, const char *key, int64_t t)
{
	json_key(j, key);
	if (t)
		json_time(j, t);
	else
		json_null(j);
}
