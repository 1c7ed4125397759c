/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_config.c: the settings file reader of main.c (load_file, trim, set
 * and the duration and number checks behind it), and url_shown, which
 * hides a database password in messages. main.c is included with its
 * main renamed; its messages go to a formatter that checks and drops
 * them, and the copies it keeps for the life of the process are tracked
 * and freed after each input.
 *
 * The input is the file's contents (handed over through a memfd, since
 * load_file opens a path). After a successful load every setting holds a
 * value in its documented range; url_shown's copy of the database URL
 * no longer holds the password of a "scheme://user:password@host" URL
 * (one occurrence fewer, as the text may repeat it elsewhere).
 */
#include "fuzz.h"

#include <getopt.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/base.h"

#define MAX_TRACKED 4096

static void *tracked[MAX_TRACKED];
static size_t ntracked;

static char *
track(char *p)
{
	if (ntracked < MAX_TRACKED)
		tracked[ntracked++] = p;
	return p;
}

__attribute__((format(printf, 2, 3))) static int
quiet_fprintf(FILE *f, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return n;
}

static int
quiet_fputs(const char *s, FILE *f)
{
	return (int)strlen(s);
}

#undef xstrdup
#define xstrdup(s) track(base__xstrdup((s), __FILE__, __LINE__))
#define fprintf quiet_fprintf
#define fputs quiet_fputs
#define main parley_main
int parley_main(int argc, char **argv);
#include "main.c"
#undef main

/* Occurrences of needle in s, overlapping ones included. */
static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s++;
	}
	return n;
}

static int memfd = -1;
static char memfd_path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	memfd = memfd_create("parley-config", 0);
	if (memfd < 0)
		abort();
	snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct settings st = {
		.cfg = {
			.listen = "127.0.0.1:8080",
			.db = "sqlite:./data/parley.db",
			.site_name = "Parley",
			.archive_after = 180 * 86400,
			.threads = 4,
			.idle_timeout = 30,
			.request_timeout = 30,
			.max_conns = 4096,
		},
	};
	int rc;

	if (ftruncate(memfd, 0) != 0 ||
	    pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	rc = load_file(&st, memfd_path);
	FUZZ_CHECK(rc == 0 || rc == -1, "load_file returned %d", rc);
	FUZZ_CHECK(st.cfg.listen && st.cfg.db && st.cfg.site_name,
	    "a setting became NULL");
	FUZZ_CHECK(st.cfg.threads >= 1 && st.cfg.threads <= 256,
	    "threads %u out of range", st.cfg.threads);
	FUZZ_CHECK(st.cfg.archive_after >= 0, "negative archive_after");
	FUZZ_CHECK(st.cfg.idle_timeout >= 0 && st.cfg.idle_timeout <= 86400 &&
	    st.cfg.request_timeout >= 0 && st.cfg.request_timeout <= 86400,
	    "a timeout out of range");
	FUZZ_CHECK(st.cfg.max_conns >= 1 && st.cfg.max_conns <= 1000000 &&
	    st.cfg.max_conns_per_ip <= 1000000, "a connection limit out of range");
	{
		const char *shown = url_shown(st.cfg.db);
		const char *auth = strstr(st.cfg.db, "://");

		if (auth != NULL) {
			const char *at, *colon, *end = auth + 3 + strcspn(auth + 3,
			    "/?");

			at = memrchr(auth + 3, '@', (size_t)(end - auth - 3));
			colon = at ? memchr(auth + 3, ':', (size_t)(at - auth - 3)) :
			    NULL;
			if (colon != NULL && at - colon > 4) {
				char *pw = fuzz_strndup(colon + 1, (size_t)(at - colon - 1));

				/* The authority's copy is gone; the text may hold more. */
				FUZZ_CHECK(count(shown, pw) < count(st.cfg.db, pw),
				    "url_shown shows the password");
				free(pw);
			}
		}
		free((char *)shown);
	}
	for (size_t i = 0; i < ntracked; i++)
		free(tracked[i]);
	ntracked = 0;
	return 0;
}
