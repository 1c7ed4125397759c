/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* base_misc.c: wall-clock time, RFC 3339 dates, durations and logging. */
#include "base.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;

/* Returns the current Unix time in seconds. */
int64_t
base_now(void)
{
	return (int64_t)time(NULL);
}

/* Writes t as RFC 3339 UTC ("2026-11-27T01:02:03Z") into out. */
void
base_rfc3339(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
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
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p++ - '0');
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

/* Writes one line to stderr: time, level, module, message. */
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
	n = snprintf(line, sizeof(line), "%s %s %s: ", when, names[level], module);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}
