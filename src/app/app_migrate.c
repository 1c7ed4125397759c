/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_migrate.c: the migrate and backup subcommands. migrate moves a whole
 * site from SQLite to PostgreSQL (store_copy does the copying and the
 * checking) and prints each table's rows and checksum on both sides;
 * backup copies a live SQLite database into a file (store_backup).
 */
#include "app_int.h"

#include <stdio.h>
#include <string.h>

/* Opens url and brings its schema to this build's version. */
static struct store *
open_migrated(const char *url, const char *shown)
{
	struct store *s = store_open(url);

	if (s == NULL) {
		fprintf(stderr, "parley: cannot open database %s\n", shown);
		return NULL;
	}
	if (store_migrate(s) != STORE_OK) {
		fprintf(stderr, "parley: cannot bring the schema of %s up to "
		    "date\n", shown);
		store_close(s);
		return NULL;
	}
	return s;
}

static void
print_report(const struct store_copy_table *t, size_t n)
{
	printf("%-16s %12s %12s  %-16s %s\n", "table", "source", "target",
	    "checksum", "");
	for (size_t i = 0; i < n; i++) {
		if (!t[i].copied) {
			printf("%-16s %12s %12s  %-16s left out\n", t[i].name, "-",
			    "-", "");
			continue;
		}
		printf("%-16s %12lld %12lld  %016llx %s\n", t[i].name,
		    (long long)t[i].rows_from, (long long)t[i].rows_to,
		    (unsigned long long)t[i].sum_from,
		    t[i].rows_from == t[i].rows_to &&
		    t[i].sum_from == t[i].sum_to ? "ok" : "DIFFERS");
	}
}

/*
 * parley migrate: copies the site at m->from into m->to and verifies it.
 * Returns 0 when every table arrived whole, -1 after saying why.
 */
int
app_migrate(const struct app_migrate *m)
{
	struct store *from = NULL, *to = NULL;
	struct store_copy_table *t;
	struct arena *a = arena_new(64 * 1024);
	unsigned flags = (m->force ? STORE_COPY_FORCE : 0) |
	    (m->sessions ? STORE_COPY_SESSIONS : 0);
	size_t n = 0;
	int rc = -1, src;

	if (strcmp(m->from, m->to) == 0) {
		fprintf(stderr, "parley: --from and --to name the same database\n");
		goto out;
	}
	if ((from = open_migrated(m->from, m->from_shown)) == NULL ||
	    (to = open_migrated(m->to, m->to_shown)) == NULL)
		goto out;
	src = store_copy(from, to, a, flags, &t, &n);
	switch (src) {
	case STORE_OK:
		print_report(t, n);
		printf("parley: %s now holds the site of %s\n", m->to_shown,
		    m->from_shown);
		rc = 0;
		break;
	case STORE_CONFLICT:
		fprintf(stderr, "parley: %s already holds a site; --force "
		    "empties it first\n", m->to_shown);
		break;
	case STORE_BUSY:
		fprintf(stderr, "parley: a database stayed locked; stop the "
		    "servers that use %s and try again\n", m->from_shown);
		break;
	default:
		print_report(t, n);
		fprintf(stderr, "parley: the copy failed; nothing was written "
		    "to %s\n", m->to_shown);
		break;
	}
out:
	store_close(from);
	store_close(to);
	arena_free(a);
	return rc;
}

/*
 * parley backup: copies the live SQLite database of cfg into the file
 * path. Returns 0, or -1 after saying why (PostgreSQL has its own tools).
 */
int
app_backup(const struct app_config *cfg, const char *path)
{
	struct store *s;
	int rc;

	if (strncmp(cfg->db, "sqlite:", 7) != 0) {
		fprintf(stderr, "parley: backup copies SQLite databases; back up "
		    "PostgreSQL with pg_dump or pg_basebackup (docs/DEPLOY.md)\n");
		return -1;
	}
	if ((s = store_open(cfg->db)) == NULL) {
		fprintf(stderr, "parley: cannot open database %s\n",
		    cfg->db_shown);
		return -1;
	}
	rc = store_backup(s, path);
	store_close(s);
	if (rc != STORE_OK) {
		fprintf(stderr, "parley: the backup of %s into %s failed\n",
		    cfg->db_shown, path);
		return -1;
	}
	printf("parley: %s backed up into %s\n", cfg->db_shown, path);
	return 0;
}
