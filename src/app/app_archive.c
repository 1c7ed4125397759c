/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_archive.c: archived threads as files (issue 18). An archived thread
 * changes only by moderation, so the signed-out view of its page (HTML
 * and JSON, default sort, no query) is written once, atomically, under
 * the data directory, and later signed-out requests are answered from
 * the file before the database is asked anything: the file is the
 * answer, byte for byte, with an X-Archive: file header. nginx can
 * serve the same folder itself (docs/DEPLOY.md).
 *
 * Files live at DATA/archive/s/NAME/ID.html and ID.json, NAME the
 * community's name as registered, the spelling of the site's own links
 * (names are [A-Za-z0-9_], checked again here before they become a
 * path); a request spelling it otherwise is rendered, not served a file. They are written lazily, by the
 * first signed-out render of an archived thread, to a temporary name
 * and renamed into place. A moderation action on the thread or one of
 * its comments deletes them (the next signed-out view writes them anew,
 * so "rewritten" means "rewritten on the next view"); erasing an
 * account deletes them all, since its name and text may be on any.
 *
 * The data directory is the SQLite database's folder: every server on
 * that database shares it, so a deletion reaches them all. On
 * PostgreSQL several servers may run on several machines with no common
 * folder, so there is no archive there (every view is rendered).
 * Signed-in members always get a rendered page: their votes and forms
 * are theirs.
 */
#include "app_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARCHIVE_MAX_FILE (4u << 20) /* larger pages are not kept */

static char archive_dir[1024];      /* "" when off */

/* Turns the archive on for a SQLite database (see the file's comment). */
void
app_archive_init(const struct app_config *cfg)
{
	const char *path, *slash;

	archive_dir[0] = '\0';
	if (cfg->archive_after <= 0 || strncmp(cfg->db, "sqlite:", 7) != 0)
		return;
	path = cfg->db + 7;
	slash = strrchr(path, '/');
	if (slash == NULL)
		snprintf(archive_dir, sizeof(archive_dir), "archive");
	else if ((size_t)snprintf(archive_dir, sizeof(archive_dir), "%.*s/archive",
	    (int)(slash - path), path) >= sizeof(archive_dir))
		archive_dir[0] = '\0';
}

/*
 * The community part of a path: the name as spelled, checked to be a
 * community name ([A-Za-z0-9_], 3 to 24), or false.
 */
static bool
name_ok(struct str name, char out[32])
{
	if (name.len < 3 || name.len > 24)
		return false;
	for (size_t i = 0; i < name.len; i++) {
		char ch = name.p[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '_'))
			return false;
		out[i] = ch;
	}
	out[name.len] = '\0';
	return true;
}

static bool
file_path(char *out, size_t n, struct str community, int64_t id, bool json)
{
	char name[32];

	return archive_dir[0] != '\0' && name_ok(community, name) && id > 0 &&
	    (size_t)snprintf(out, n, "%s/s/%s/%lld.%s", archive_dir, name,
	    (long long)id, json ? "json" : "html") < n;
}

/* A signed-out GET of a thread with nothing in the query. */
static bool
candidate(const struct ctx *c, void (*fn)(struct ctx *))
{
	return archive_dir[0] != '\0' && fn == page_thread && c->user == NULL &&
	    c->r->nquery == 0 && c->nparam >= 2;
}

/*
 * Answers c from the thread's file when there is one. Returns true when
 * it did (the handler is not to run).
 */
bool
app_archive_serve(struct ctx *c, void (*fn)(struct ctx *))
{
	char path[1200];
	struct stat st;
	int64_t id;
	ssize_t got;
	size_t len;
	int fd;

	if (!candidate(c, fn) || !str_to_i64(c->param[1], &id) ||
	    !file_path(path, sizeof(path), c->param[0], id, c->json))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || st.st_size <= 0 ||
	    (size_t)st.st_size > ARCHIVE_MAX_FILE) {
		close(fd);
		return false;
	}
	len = (size_t)st.st_size;
	c->r->out.len = 0;
	buf_reserve(&c->r->out, len);
	got = read(fd, c->r->out.p, len);
	close(fd);
	if (got < 0 || (size_t)got != len) {
		c->r->out.len = 0;
		return false;
	}
	c->r->out.len = len;
	c->r->out.p[len] = '\0';
	c->r->content_type = c->json ? "application/json" :
	    "text/html; charset=utf-8";
	http_add_header(c->r, "X-Archive", "file");
	return true;
}

/*
 * After the handler: keeps what it rendered as the thread's file when it
 * showed an archived thread to a signed-out visitor in full (c->archive).
 * Failures are logged and change nothing for the visitor.
 */
void
app_archive_keep(struct ctx *c, void (*fn)(struct ctx *))
{
	static unsigned long counter;
	char path[1200], tmp[1300], *slash;
	struct buf *out = &c->r->out;
	int fd;

	if (!candidate(c, fn) || c->archive_post == NULL || c->personal ||
	    (c->r->status != 0 && c->r->status != 200) || out->len == 0 ||
	    out->len > ARCHIVE_MAX_FILE ||
	    !file_path(path, sizeof(path), str_c(c->archive_post->community),
	    c->archive_post->id, c->json))
		return;
	snprintf(tmp, sizeof(tmp), "%s", path);
	if ((slash = strrchr(tmp, '/')) == NULL)
		return;
	*slash = '\0';
	if (app_mkdirs(tmp) != 0) {
		log_msg(LOG_WARN, "archive", "mkdir %s: %s", tmp, strerror(errno));
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld-%lu", path, (long)getpid(),
	    __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_msg(LOG_WARN, "archive", "open %s: %s", tmp, strerror(errno));
		return;
	}
	if (write(fd, out->p, out->len) != (ssize_t)out->len || fsync(fd) != 0 ||
	    close(fd) != 0 || rename(tmp, path) != 0) {
		log_msg(LOG_WARN, "archive", "write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
}

/* Deletes the files of post id in community (a moderation action on it). */
void
app_archive_drop(const char *community, int64_t id)
{
	char path[1200];

	for (int json = 0; json < 2; json++)
		if (file_path(path, sizeof(path), str_c(community), id, json))
			unlink(path);
}

/* Deletes every archived file (an account was erased). */
void
app_archive_drop_all(void)
{
	char sdir[1100], cdir[1400], f[1700];
	struct dirent *e, *e2;
	DIR *d, *d2;

	if (archive_dir[0] == '\0')
		return;
	snprintf(sdir, sizeof(sdir), "%s/s", archive_dir);
	if ((d = opendir(sdir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(cdir, sizeof(cdir), "%s/%s", sdir, e->d_name);
		if ((d2 = opendir(cdir)) == NULL)
			continue;
		while ((e2 = readdir(d2)) != NULL) {
			if (e2->d_name[0] == '.')
				continue;
			snprintf(f, sizeof(f), "%s/%s", cdir, e2->d_name);
			unlink(f);
		}
		closedir(d2);
	}
	closedir(d);
}
