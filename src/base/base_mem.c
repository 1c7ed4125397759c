/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * base_mem.c: allocation wrappers that abort on failure, and the arena that
 * owns everything a request allocates.
 *
 * The arena is a singly linked list of chunks. Allocations are bump-pointer
 * and 16-byte aligned; nothing is freed until arena_reset or arena_free.
 * arena_reset keeps one chunk: the newest, which is the largest the arena
 * grew to, when it is at most ARENA_KEEP_MAX. A server thread reuses a
 * reset arena for its next request (http_server.c), so a request needs no
 * malloc at all once its kind has been seen. Handlers never call free.
 */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16
#define ARENA_KEEP_MAX (1u << 20) /* larger chunks are not kept by reset */

struct chunk {
	struct chunk *next; /* older chunk, or NULL */
	size_t size;        /* usable bytes in data[] */
	size_t used;        /* bytes handed out */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct chunk *head;  /* newest chunk: allocations come from here */
	struct chunk *first; /* the chunk kept across arena_reset */
	size_t total;        /* bytes handed out since the last reset */
};

_Noreturn void
base_fatal(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "parley: fatal at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
base__xmalloc(size_t n, const char *file, int line)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		base_fatal(file, line, "out of memory (%zu bytes)", n);
	return p;
}

void *
base__xcalloc(size_t n, size_t m, const char *file, int line)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		base_fatal(file, line, "out of memory (%zu x %zu bytes)", n, m);
	return p;
}

void *
base__xrealloc(void *old, size_t n, const char *file, int line)
{
	void *p = realloc(old, n ? n : 1);

	if (p == NULL)
		base_fatal(file, line, "out of memory (%zu bytes)", n);
	return p;
}

char *
base__xstrdup(const char *s, const char *file, int line)
{
	size_t n = strlen(s) + 1;
	char *p = base__xmalloc(n, file, line);

	memcpy(p, s, n);
	return p;
}

static struct chunk *
chunk_new(size_t size)
{
	struct chunk *c;

	if (size > SIZE_MAX / 2 - sizeof(*c))
		base_fatal(__FILE__, __LINE__, "arena request too large (%zu)", size);
	c = xmalloc(sizeof(*c) + size);

	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

/*
 * Returns a new arena whose first chunk holds first_chunk bytes. The caller
 * owns it and releases it with arena_free.
 */
struct arena *
arena_new(size_t first_chunk)
{
	struct arena *a = xmalloc(sizeof(*a));

	a->first = a->head = chunk_new(first_chunk ? first_chunk : 4096);
	a->total = 0;
	return a;
}

/* Releases the arena and all memory allocated from it; accepts NULL. */
void
arena_free(struct arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/*
 * Forgets every allocation, keeping one chunk for reuse: the newest (the
 * largest) when it is at most ARENA_KEEP_MAX, else the first.
 */
void
arena_reset(struct arena *a)
{
	struct chunk *keep = a->head->size <= ARENA_KEEP_MAX ? a->head : a->first;
	struct chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		if (c != keep)
			free(c);
	}
	keep->next = NULL;
	keep->used = 0;
	a->head = a->first = keep;
	a->total = 0;
}

/*
 * Returns n bytes, 16-byte aligned, valid until the arena is reset or freed.
 * Never returns NULL.
 */
void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t off = (c->used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	size_t size;

	if (n == 0)
		n = 1;
	if (off > c->size || c->size - off < n) {
		size = c->size * 2;
		if (size < n)
			size = n;
		if (size > 1 << 20 && n < 1 << 20)
			size = 1 << 20;
		c = chunk_new(size);
		c->next = a->head;
		a->head = c;
		off = 0;
	}
	c->used = off + n;
	a->total += n;
	return c->data + off;
}

/*
 * Makes room for one more element in an arena array v of n elements of
 * size bytes and room for *cap: returns v while n < *cap, else a zeroed
 * array of twice the room (first elements when *cap is 0) holding v's
 * elements, and updates *cap. The old array stays in the arena.
 */
void *
arena_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t first,
    size_t size)
{
	size_t want = *cap ? *cap * 2 : first;
	void *nv;

	if (n < *cap)
		return v;
	if (size == 0 || want > SIZE_MAX / 2 / size)
		base_fatal(__FILE__, __LINE__, "arena array too large (%zu)", want);
	nv = arena_zalloc(a, want * size);
	if (n)
		memcpy(nv, v, n * size);
	*cap = want;
	return nv;
}

/* As arena_alloc, with the bytes set to zero. */
void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	memset(p, 0, n);
	return p;
}

/* Returns a NUL-terminated copy of the n bytes at s, owned by the arena. */
char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Returns a formatted string owned by the arena. */
char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	int n;
	char *p;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		base_fatal(__FILE__, __LINE__, "bad format %s", fmt);
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

/* Returns the bytes handed out since the last reset, for limits and stats. */
size_t
arena_used(const struct arena *a)
{
	return a->total;
}
