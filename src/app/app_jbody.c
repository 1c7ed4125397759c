/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_jbody.c: reading an API request's JSON body (jansson) against the
 * fields its route takes.
 *
 * A body is one object of at most JBODY_FIELDS members, nested at most
 * JBODY_DEPTH deep, of at most JBODY_MAX bytes; each member must be a
 * field the route names, of that field's type; a field named twice, an
 * unknown one, a missing required one, a wrong type, a NUL or control
 * byte in a string: all refused, with the field named. The depth is
 * checked on the raw bytes before jansson sees them, so a hostile body
 * cannot make the parser recurse. Strings are trimmed like form fields
 * and copied into the request's arena; jansson's own tree is freed
 * before returning. See docs/decisions/014-json-bodies.md.
 */
#include "app_jbody_int.h"

#include <jansson.h>
#include <string.h>

/* Deepest nesting of [ and { outside strings in s. */
static size_t
raw_depth(struct str s, size_t stop)
{
	size_t depth = 0, max = 0;
	bool in_str = false;

	for (size_t i = 0; i < s.len; i++) {
		char ch = s.p[i];

		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = false;
			continue;
		}
		if (ch == '"') {
			in_str = true;
		} else if (ch == '{' || ch == '[') {
			if (++depth > max)
				max = depth;
			if (max > stop)
				return max;
		} else if ((ch == '}' || ch == ']') && depth > 0) {
			depth--;
		}
	}
	return max;
}

static const struct jfield *
find_field(const struct jfield *f, size_t nf, const char *name, size_t *idx)
{
	for (size_t i = 0; i < nf; i++) {
		if (strcmp(f[i].name, name) == 0) {
			*idx = i;
			return &f[i];
		}
	}
	return NULL;
}

/* Reads v as field f into *out. False for a wrong type or bad text. */
static bool
read_value(struct arena *a, const struct jfield *f, json_t *v,
    struct jval *out)
{
	out->present = true;
	if (json_is_null(v)) {
		out->null = true;
		return f->nullable;
	}
	switch (f->type) {
	case JT_STR: {
		struct str s;

		if (!json_is_string(v))
			return false;
		s.p = json_string_value(v);
		s.len = json_string_length(v);
		if (memchr(s.p, '\0', s.len) != NULL || !str_utf8_valid(s) ||
		    str_has_ctl(s, true))
			return false;
		s = str_trim(s);
		out->s.p = arena_strndup(a, s.p, s.len);
		out->s.len = s.len;
		return true;
	}
	case JT_INT:
		if (!json_is_integer(v))
			return false;
		out->i = json_integer_value(v);
		return true;
	case JT_BOOL:
		if (!json_is_boolean(v))
			return false;
		out->b = json_is_true(v);
		return true;
	}
	return false;
}

/*
 * Reads body as a JSON object holding only the nf fields f, filling
 * out[i] for f[i] (out has nf elements; strings in a). An empty body
 * reads as {}. Returns JBODY_OK or what is wrong, with *bad naming the
 * field or the parser's complaint (a literal or arena text).
 */
enum jbody_rc
app_jbody_parse(struct arena *a, struct str body, const struct jfield *f,
    size_t nf, struct jval *out, const char **bad)
{
	json_error_t err;
	json_t *root;
	const char *key;
	json_t *v;
	enum jbody_rc rc = JBODY_OK;

	*bad = NULL;
	memset(out, 0, nf * sizeof(*out));
	if (body.len > JBODY_MAX)
		return JBODY_TOO_LARGE;
	if (raw_depth(body, JBODY_DEPTH) > JBODY_DEPTH)
		return JBODY_TOO_DEEP;
	if (body.len == 0)
		goto required;
	root = json_loadb(body.p, body.len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		*bad = arena_printf(a, "%s (line %d, column %d)", err.text,
		    err.line, err.column);
		return JBODY_MALFORMED;
	}
	if (!json_is_object(root)) {
		rc = JBODY_NOT_OBJECT;
		goto out;
	}
	if (json_object_size(root) > JBODY_FIELDS) {
		rc = JBODY_TOO_MANY;
		goto out;
	}
	json_object_foreach(root, key, v) {
		size_t idx;
		const struct jfield *fd = find_field(f, nf, key, &idx);

		if (fd == NULL) {
			*bad = arena_strndup(a, key, strlen(key));
			rc = JBODY_UNKNOWN;
			goto out;
		}
		if (!read_value(a, fd, v, &out[idx])) {
			*bad = fd->name;
			rc = JBODY_TYPE;
			goto out;
		}
	}
out:
	json_decref(root);
	if (rc != JBODY_OK)
		return rc;
required:
	for (size_t i = 0; i < nf; i++) {
		if (f[i].required && !out[i].present) {
			*bad = f[i].name;
			return JBODY_MISSING;
		}
	}
	return JBODY_OK;
}
