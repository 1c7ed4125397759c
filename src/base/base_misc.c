/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * base_misc.c: wall-clock time, RFC 3339 dates, durations, logging,
 * per-thread state and sorted arrays of ids.
 */
#include "base.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;
static _Thread_local uint64_t log_req; /* the request this thread serves */

/* Returns the current Unix time in seconds. */
int64_t
base_now(void)
{
	return (int64_t)time(NULL);
}

/* Writes the last width decimal digits of v, zero-padded, at out. */
static void
put_digits(char *out, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * Writes t as RFC 3339 UTC ("2026-11-27T01:02:03Z") into out. RFC 3339 has
 * four-digit years, so t is clamped to years 0000 to 9999 (gmtime_r would
 * fail past year 2^31 and leave the fields unset).
 */
void
base_rfc3339(int64_t t, char out[32])
{
	time_t tt;
	struct tm tm;

	if (t < -62167219200LL)
		t = -62167219200LL;     /* 0000-01-01T00:00:00Z */
	if (t > 253402300799LL)
		t = 253402300799LL;     /* 9999-12-31T23:59:59Z */
	tt = (time_t)t;
	gmtime_r(&tt, &tm);
	/* Digits by hand, not snprintf: pages write one or two per item. */
	put_digits(out, (unsigned)(tm.tm_year + 1900), 4);
	out[4] = '-';
	put_digits(out + 5, (unsigned)(tm.tm_mon + 1), 2);
	out[7] = '-';
	put_digits(out + 8, (unsigned)tm.tm_mday, 2);
	out[10] = 'T';
	put_digits(out + 11, (unsigned)tm.tm_hour, 2);
	out[13] = ':';
	put_digits(out + 14, (unsigned)tm.tm_min, 2);
	out[16] = ':';
	put_digits(out + 17, (unsigned)tm.tm_sec, 2);
	out[19] = 'Z';
	out[20] = '\0';
}

/*
 * Parses a duration such as "30s", "15m", "12h", "180d" or a bare "0".
 * Returns 0 and sets *seconds, or -1 when s is not a duration.
 */
int
base_parse_duration(const char *s, int64_t *seconds)
{
	int64_t v = 0, unit;
	const char *p = s;

	if (*p == '\0')
		return -1;
	while (*p >= '0' && *p <= '9') {
		int d = *p++ - '0';

		if (v > (INT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (p == s)
		return -1;
	switch (*p) {
	case '\0':
		if (v != 0)
			return -1;
		*seconds = 0;
		return 0;
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -1;
	}
	if (p[1] != '\0' || v > INT64_MAX / unit)
		return -1;
	*seconds = v * unit;
	return 0;
}

void
log_set_level(enum log_level level)
{
	min_level = level;
}

/*
 * Names the request this thread is serving from now on (0: none), so
 * that every log line written meanwhile, in whichever module, carries
 * its id.
 */
void
log_request(uint64_t id)
{
	log_req = id;
}

/* Writes one line to stderr: time, level, module, the request's id while
 * one is being served, message. */
void
log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	char line[1024], when[32];
	va_list ap;
	int n;

	if (level < min_level)
		return;
	base_rfc3339(base_now(), when);
	if (log_req)
		n = snprintf(line, sizeof(line), "%s %s %s req %llu: ", when,
		    names[level], module, (unsigned long long)log_req);
	else
		n = snprintf(line, sizeof(line), "%s %s %s: ", when, names[level],
		    module);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}

/* ---- sorted arrays of ids -------------------------------------------- */

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Sorts v[n] ascending and drops repeats; returns the new length. */
size_t
ids_sort_unique(int64_t *v, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_id);
	for (size_t i = 1; i < n; i++)
		if (v[i] != v[k])
			v[++k] = v[i];
	return k + 1;
}

/* Returns the index of id in the ascending v[n], or n when it is not there. */
size_t
ids_find(const int64_t *v, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == id ? lo : n;
}

/* ---- per-thread state ------------------------------------------------- */

static pthread_mutex_t thread_state_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * This thread's state of ts, made (zeroed) on its first call; *made, when
 * not NULL, tells whether this call made it. The key is created once, on
 * the first call of any thread.
 */
void *
thread_state(struct thread_state *ts, bool *made)
{
	void *p;

	if (!atomic_load_explicit(&ts->ready, memory_order_acquire)) {
		pthread_mutex_lock(&thread_state_lock);
		if (!atomic_load_explicit(&ts->ready, memory_order_relaxed)) {
			if (pthread_key_create(&ts->key, ts->destroy) != 0)
				base_fatal(__FILE__, __LINE__, "pthread_key_create");
			atomic_store_explicit(&ts->ready, true,
			    memory_order_release);
		}
		pthread_mutex_unlock(&thread_state_lock);
	}
	p = pthread_getspecific(ts->key);
	if (made != NULL)
		*made = p == NULL;
	if (p == NULL) {
		p = xcalloc(1, ts->size);
		pthread_setspecific(ts->key, p);
	}
	return p;
}
