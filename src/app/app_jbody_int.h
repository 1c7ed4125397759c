/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_jbody_int.h: reading API request bodies (app_jbody.c). Apart from
 * app_int.h because app_jbody.c includes jansson.h, whose json_* names
 * clash with the JSON writer's in render.h.
 */
#ifndef PARLEY_APP_JBODY_INT_H
#define PARLEY_APP_JBODY_INT_H

#include "../base/base.h"

/* ---- JSON request bodies (app_jbody.c) -------------------------------- */

#define JBODY_MAX (64 * 1024) /* bytes */
#define JBODY_DEPTH 4         /* nesting of objects and arrays */
#define JBODY_FIELDS 16       /* members of the body's object */

enum jtype { JT_STR, JT_INT, JT_BOOL };

/* One field a route's body may hold, and what the OpenAPI document
 * says of it (page_openapi.c); the reader uses the first four. */
struct jfield {
	const char *name;
	enum jtype type;
	bool required;
	bool nullable;         /* null is allowed (and read as absent) */
	int64_t min, max;      /* a string's length or an integer's least
	                          value, as documented (0: not said) */
	const char *oneof;     /* its values, space-separated (NULL: any) */
	const char *doc;       /* its description (NULL: none) */
};

/* A route's body: its name in the OpenAPI document and its fields. */
struct api_body {
	const char *name;
	const struct jfield *f;
	size_t nf;
};

extern const struct api_body api_bodies[];
extern const size_t api_nbodies;

/* What the body held for one field. */
struct jval {
	bool present;          /* the member was there (null included) */
	bool null;             /* it was null */
	struct str s;          /* JT_STR: trimmed, in the arena */
	int64_t i;             /* JT_INT */
	bool b;                /* JT_BOOL */
};

enum jbody_rc {
	JBODY_OK,
	JBODY_MALFORMED,       /* not JSON */
	JBODY_TOO_LARGE,       /* over JBODY_MAX */
	JBODY_TOO_DEEP,        /* nested over JBODY_DEPTH */
	JBODY_NOT_OBJECT,      /* JSON, but not an object */
	JBODY_TOO_MANY,        /* over JBODY_FIELDS members */
	JBODY_UNKNOWN,         /* a member the route does not take */
	JBODY_TYPE,            /* a member of the wrong type or bad text */
	JBODY_MISSING,         /* a required member is absent */
};

enum jbody_rc app_jbody_parse(struct arena *a, struct str body,
    const struct jfield *f, size_t nf, struct jval *out, const char **bad);

#endif
