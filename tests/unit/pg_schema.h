/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * pg_schema.h: a PostgreSQL schema of this test process's own inside the
 * database PARLEY_TEST_PG_URL names, so test binaries that run at once
 * (make valgrind runs several) never drop each other's tables.
 *
 * pg_schema_url turns the URL into one whose connections put the schema
 * first on their search_path (libpq's options parameter), so the store
 * creates and finds its tables there; pg_schema_reset empties it.
 */
#ifndef PARLEY_PG_SCHEMA_H
#define PARLEY_PG_SCHEMA_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_int.h"

static char pg_schema_name[48];
static char pg_schema_url_buf[1024];

/* The URL for this process, or NULL when url is unset, empty or too long. */
static __attribute__((unused)) const char *
pg_schema_url(const char *url)
{
	int n;

	if (url == NULL || *url == '\0')
		return NULL;
	snprintf(pg_schema_name, sizeof(pg_schema_name), "parley_unit_%ld",
	    (long)getpid());
	n = snprintf(pg_schema_url_buf, sizeof(pg_schema_url_buf),
	    "%s%coptions=-csearch_path%%3D%s", url,
	    strchr(url, '?') != NULL ? '&' : '?', pg_schema_name);
	if (n < 0 || (size_t)n >= sizeof(pg_schema_url_buf))
		return NULL;
	return pg_schema_url_buf;
}

/* Drops and creates this process's schema on s; a store result code. */
static __attribute__((unused)) int
pg_schema_reset(struct store *s)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; "
	    "CREATE SCHEMA %s", pg_schema_name, pg_schema_name);
	return s->be->script(s->conn, sql);
}

#endif
