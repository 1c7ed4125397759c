/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app.h: the public header of src/app, used by main.c alone: the settings
 * and the entry points of each subcommand.
 */
#ifndef PARLEY_APP_H
#define PARLEY_APP_H

#include "../base/base.h"

struct app_config {
	const char *listen;     /* "ADDR:PORT" */
	const char *db;         /* "sqlite:PATH" or "postgres://..." */
	const char *db_shown;   /* db with any password masked: for messages */
	const char *site_name;
	const char *site_url;   /* "https://example.org": absolute addresses
	                           (feeds); no trailing slash */
	int64_t archive_after;  /* seconds; 0 = never */
	const char *archive_dir; /* archived threads' files; NULL: beside a
	                           SQLite database, none on PostgreSQL */
	unsigned threads;       /* worker threads */
	bool trust_proxy;       /* believe X-Forwarded-Proto from loopback */
	int64_t idle_timeout;   /* seconds a connection may stay silent; 0 = none */
	int64_t request_timeout;/* seconds to send a whole request; 0 = none */
	unsigned max_conns;     /* connections at once */
	unsigned max_conns_per_ip; /* connections from one address; 0 = no limit */
	unsigned page_cache_mb; /* pages kept for signed-out visitors; 0 = off */
	const char *registration; /* "open", "invite" or "closed"; an admin's
	                             choice at /admin wins */
	int64_t canary_max_age; /* seconds after which /canary says stale */
	size_t upload_max;      /* bytes of one uploaded image */
	const char *upload_dir; /* where uploads are kept; NULL: beside a
	                           SQLite database, or data/uploads */
};

int app_serve(const struct app_config *cfg);
int app_init_db(const struct app_config *cfg);
int app_demo(const struct app_config *cfg, long posts, unsigned seed);
#define APP_DEMO_COMMUNITIES_MAX 64 /* parley demo --communities */
int app_demo_big(const struct app_config *cfg, long posts, unsigned seed,
    long big_thread, size_t communities);
int app_admin(const struct app_config *cfg, int argc, char **argv,
    bool admin);

/* parley migrate's options. */
struct app_migrate {
	const char *from, *to;             /* database URLs */
	const char *from_shown, *to_shown; /* the same, passwords masked */
	bool force;                        /* empty a target holding a site */
	bool sessions;                     /* copy sessions too */
};

int app_migrate(const struct app_migrate *m);
int app_backup(const struct app_config *cfg, const char *to);

#endif
