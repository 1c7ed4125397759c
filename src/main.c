/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * main.c: the parley command: subcommands, settings and start-up.
 *
 * Settings come from the config file, then PARLEY_* environment variables,
 * then flags; a later source wins. The config file holds "key = value"
 * lines with the same keys as the settings table of SPEC.md.
 */
#include "app/app.h"
#include "verify/verify.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct settings {
	struct app_config cfg;
	const char *config_file;
	long posts;          /* demo --posts */
	unsigned seed;       /* demo --seed */
	long big_thread;     /* demo --big-thread */
	long communities;    /* demo --communities */
	bool admin;          /* admin add-user --admin */
	struct app_migrate mig; /* migrate --from, --to (also backup's),
	                           --force, --sessions */
};

static const char usage_main[] =
"usage: parley COMMAND [OPTIONS]\n"
"\n"
"Parley is a self-hosted community discussion server.\n"
"\n"
"commands:\n"
"  serve   run the server\n"
"  init    create or upgrade the database schema\n"
"  demo    fill the database with sample communities, users and threads\n"
"  admin   create users and admins, reset passwords, edit pages, appoint moderators\n"
"  migrate copy a whole site from SQLite to PostgreSQL\n"
"  backup  copy a live SQLite database to a file\n"
"  verify  check a Parley site's signed mod log and canary (any site, any reader)\n"
"\n"
"Run 'parley COMMAND --help' for a command's options.\n";

static const char usage_serve[] =
"usage: parley serve [--listen ADDR:PORT] [--db URL] [--config FILE]\n"
"\n"
"Runs the server until SIGTERM or SIGINT, which let requests in flight finish.\n"
"  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080, PARLEY_LISTEN)\n"
"  --db URL            sqlite:PATH or postgres://... (default sqlite:./data/parley.db, PARLEY_DB)\n"
"  --config FILE       settings file of 'key = value' lines\n"
"  --threads N         worker threads (default: number of cores, PARLEY_THREADS)\n"
"  --idle-timeout D    close a connection silent for D (default 30s, PARLEY_IDLE_TIMEOUT)\n"
"  --request-timeout D close a connection that has not sent a whole request within\n"
"                      D of its accept or its previous answer (default 30s,\n"
"                      PARLEY_REQUEST_TIMEOUT)\n"
"  --max-conns N       connections at once (default 4096, PARLEY_MAX_CONNS)\n"
"  --max-conns-per-ip N  connections from one address (default 0 = no limit,\n"
"                      PARLEY_MAX_CONNS_PER_IP)\n"
"Other settings: site_name (PARLEY_SITE_NAME), site_url (PARLEY_SITE_URL, the\n"
"public address that feeds link to; default http:// and the listen address),\n"
"archive_after (PARLEY_ARCHIVE_AFTER,\n"
"a duration such as 180d, 12h, 30s; 0 = never), archive_dir (PARLEY_ARCHIVE_DIR,\n"
"where archived threads are kept as files: default the folder 'archive' beside\n"
"a SQLite database; none on PostgreSQL unless set, and then one folder that\n"
"every server of the site shares), page_cache (PARLEY_PAGE_CACHE,\n"
"MiB of pages kept for signed-out visitors on SQLite, default 16; 0 = off),\n"
"registration (PARLEY_REGISTRATION: open, invite or closed; default open),\n"
"canary_max_age (PARLEY_CANARY_MAX_AGE, when /canary warns \"stale\", default 30d),\n"
"upload_max (PARLEY_UPLOAD_MAX, the largest image upload, such as 10M, 512K;\n"
"default 10M), upload_dir (PARLEY_UPLOAD_DIR, where uploaded images are kept;\n"
"default: uploads beside a SQLite database, else data/uploads; servers that\n"
"share one PostgreSQL database must share this folder too).\n"
"Timeouts of 0 mean none.\n";

static const char usage_init[] =
"usage: parley init [--db URL] [--config FILE]\n"
"\n"
"Creates the database schema, or upgrades it to the current version.\n";

static const char usage_demo[] =
"usage: parley demo [--db URL] [--posts N] [--seed N] [--big-thread N]\n"
"                   [--communities N] [--config FILE]\n"
"\n"
"Fills the database with neutral sample content: communities, users, link and\n"
"text posts of various ages, threads of varied depth, and votes.\n"
"  --posts N   how many posts (default 300)\n"
"  --seed N    random seed, for repeatable content (default 1)\n"
"  --big-thread N  add one more post whose thread has N comments\n"
"  --communities N  how many communities (default 8, at most 64); past the\n"
"              eight topics, they come round again as gardening2 and so on\n";

static const char usage_migrate[] =
"usage: parley migrate --from sqlite:PATH --to postgres://... [--force]\n"
"                      [--sessions]\n"
"\n"
"Copies users, communities, moderators, subscriptions, posts, comments, votes,\n"
"pages, settings and the moderation records, keeping every id, then checks\n"
"each table's row count and checksum on both sides; on any difference nothing\n"
"is written. Stop the servers first. Both schemas are brought up to date.\n"
"  --force     empty a target that already holds a site\n"
"  --sessions  copy sessions too, so that nobody has to sign in again\n";

static const char usage_backup[] =
"usage: parley backup [--db sqlite:PATH] --to FILE\n"
"\n"
"Copies the SQLite database, live, with SQLite's online backup API into FILE\n"
"(written beside it, checked, then renamed into place). For PostgreSQL use\n"
"pg_dump or pg_basebackup (docs/DEPLOY.md).\n";

static const char usage_verify[] =
"usage: parley verify URL [--state FILE] [--canary-max-age D] [--quiet]\n"
"\n"
"Checks the Parley site at URL: fetches /.well-known/parley.json and every page\n"
"of /modlog.json, recomputes each entry's hash, follows the chain from the\n"
"signed head down to the first entry, checks the signatures of the head, the\n"
"key history and the canary, and the canary's age. Prints what holds and what\n"
"does not; exits 0 only when all holds (docs/VERIFY.md).\n"
"  --state FILE        remember the head seen; a later run then proves that the\n"
"                      earlier entries are unchanged (a fork or rollback fails)\n"
"  --canary-max-age D  a canary older than D fails (default 30d)\n"
"  --quiet             print only what does not hold, and the verdict\n";

static const char usage_admin[] =
"usage: parley admin [--db URL] SUBCOMMAND ...\n"
"\n"
"  add-user NAME [--admin]     create a user; the password is read from stdin\n"
"  set-password NAME           reset a password; the new one is read from stdin\n"
"  set-role NAME admin|user    make a user a site admin, or not\n"
"  set-page SLUG [TITLE]       replace a site page's markdown with stdin\n"
"  set-limit KEY N             set a site limit, e.g. limit_registrations 20\n"
"  appoint COMMUNITY NAME      make a user a moderator of a community\n"
"  rotate-key                  make a new site key; the old one signs a statement\n"
"                              naming it (see /.well-known/parley.json)\n"
"\n"
"Every command but add-user without --admin and set-password appends an entry\n"
"to the public mod log, moderator \"parley admin\" (docs/VERIFY.md).\n";

/* parley verify: its own few options, no settings file. */
static int
verify_main(int argc, char **argv)
{
	struct verify_opts o = { .canary_max_age = 30 * 86400,
		.now = base_now() };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage_verify, stdout);
			return 0;
		} else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc) {
			o.state = argv[++i];
		} else if (strcmp(argv[i], "--canary-max-age") == 0 &&
		    i + 1 < argc) {
			if (base_parse_duration(argv[++i], &o.canary_max_age) != 0) {
				fprintf(stderr, "parley verify: '%s' is not a duration "
				    "(30d, 12h)\n", argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--quiet") == 0) {
			o.quiet = true;
		} else if (argv[i][0] != '-' && o.url == NULL) {
			o.url = argv[i];
		} else {
			fputs(usage_verify, stderr);
			return 2;
		}
	}
	if (o.url == NULL) {
		fputs(usage_verify, stderr);
		return 2;
	}
	return verify_run(&o);
}

/* The site's address when site_url is unset: http:// and the listen
 * address. Lives as long as the process. */
static const char *
listen_url(const char *listen)
{
	char *out = xmalloc(strlen(listen) + 8);

	strcpy(out, "http://");
	strcat(out, listen);
	return out;
}

/*
 * Keeps val, without trailing slashes, as the site's public address: an
 * http or https URL (url_check's rules for links) with a host, an
 * optional path prefix, and no query or fragment; feeds and other
 * absolute links start with it. Returns -1 when it is not such an address.
 */
static int
site_url_set(struct app_config *c, const char *val)
{
	struct url u;
	size_t n = strlen(val);
	char *copy;

	if (url_check((struct str){ val, n }, &u, URL_WEB) != URL_OK ||
	    u.query.p != NULL || u.fragment.p != NULL)
		return -1;
	while (n > 0 && val[n - 1] == '/')
		n--;
	copy = xmalloc(n + 1);
	memcpy(copy, val, n);
	copy[n] = '\0';
	c->site_url = copy;
	return 0;
}

/*
 * Reads a size: a whole number of bytes, or of KiB, MiB or GiB with a K,
 * M or G after it; from 1 KiB to 1 GiB. Returns 0, or -1 for anything
 * else.
 */
static int
size_parse(const char *val, size_t *out)
{
	char *end;
	unsigned long long n;
	unsigned shift = 0;

	if (val[0] < '0' || val[0] > '9')
		return -1;
	errno = 0;
	n = strtoull(val, &end, 10);
	if (errno != 0)
		return -1;
	if ((*end == 'K' || *end == 'k') && end[1] == '\0')
		shift = 10;
	else if ((*end == 'M' || *end == 'm') && end[1] == '\0')
		shift = 20;
	else if ((*end == 'G' || *end == 'g') && end[1] == '\0')
		shift = 30;
	else if (*end != '\0')
		return -1;
	if (n == 0 || n > (1ull << 30) >> shift || (n << shift) < 1024)
		return -1;
	*out = (size_t)(n << shift);
	return 0;
}

static int
set(struct settings *st, const char *key, const char *val, const char *from)
{
	struct app_config *c = &st->cfg;

	if (strcmp(key, "listen") == 0) {
		c->listen = val;
	} else if (strcmp(key, "db") == 0) {
		c->db = val;
	} else if (strcmp(key, "site_name") == 0) {
		c->site_name = val;
	} else if (strcmp(key, "registration") == 0) {
		if (strcmp(val, "open") != 0 && strcmp(val, "invite") != 0 &&
		    strcmp(val, "closed") != 0) {
			fprintf(stderr, "parley: %s: registration: '%s' is not "
			    "open, invite or closed\n", from, val);
			return -1;
		}
		c->registration = val;
	} else if (strcmp(key, "site_url") == 0) {
		if (site_url_set(c, val) != 0) {
			fprintf(stderr, "parley: %s: site_url: '%s' is not an "
			    "http:// or https:// address with a host and no query\n",
			    from, val);
			return -1;
		}
	} else if (strcmp(key, "canary_max_age") == 0) {
		if (base_parse_duration(val, &c->canary_max_age) != 0 ||
		    c->canary_max_age <= 0) {
			fprintf(stderr, "parley: %s: canary_max_age: '%s' is not a "
			    "duration (30d, 12h)\n", from, val);
			return -1;
		}
	} else if (strcmp(key, "archive_after") == 0) {
		if (base_parse_duration(val, &c->archive_after) != 0) {
			fprintf(stderr, "parley: %s: archive_after: '%s' is not a "
			    "duration (30s, 12h, 180d or 0)\n", from, val);
			return -1;
		}
	} else if (strcmp(key, "archive_dir") == 0) {
		if (*val == '\0' || strlen(val) > 900) {
			fprintf(stderr, "parley: %s: archive_dir: want a folder's "
			    "path of 1 to 900 bytes\n", from);
			return -1;
		}
		c->archive_dir = val;
	} else if (strcmp(key, "threads") == 0) {
		char *end;
		long n = strtol(val, &end, 10);

		if (*end != '\0' || n < 1 || n > 256) {
			fprintf(stderr, "parley: %s: threads: '%s' is not a number "
			    "from 1 to 256\n", from, val);
			return -1;
		}
		c->threads = (unsigned)n;
	} else if (strcmp(key, "idle_timeout") == 0 ||
	    strcmp(key, "request_timeout") == 0) {
		int64_t secs;

		if (base_parse_duration(val, &secs) != 0 || secs > 86400) {
			fprintf(stderr, "parley: %s: %s: '%s' is not a duration from "
			    "0 to 1d (such as 30s)\n", from, key, val);
			return -1;
		}
		*(strcmp(key, "idle_timeout") == 0 ? &c->idle_timeout :
		    &c->request_timeout) = secs;
	} else if (strcmp(key, "max_conns") == 0 ||
	    strcmp(key, "max_conns_per_ip") == 0) {
		bool per_ip = strcmp(key, "max_conns_per_ip") == 0;
		char *end;
		long n = strtol(val, &end, 10);

		if (*end != '\0' || end == val || n < (per_ip ? 0 : 1) ||
		    n > 1000000) {
			fprintf(stderr, "parley: %s: %s: '%s' is not a number from %d "
			    "to 1000000\n", from, key, val, per_ip ? 0 : 1);
			return -1;
		}
		*(per_ip ? &c->max_conns_per_ip : &c->max_conns) = (unsigned)n;
	} else if (strcmp(key, "page_cache") == 0) {
		char *end;
		long n = strtol(val, &end, 10);

		if (*end != '\0' || end == val || n < 0 || n > 65536) {
			fprintf(stderr, "parley: %s: page_cache: '%s' is not a number "
			    "of MiB from 0 to 65536\n", from, val);
			return -1;
		}
		c->page_cache_mb = (unsigned)n;
	} else if (strcmp(key, "upload_max") == 0) {
		if (size_parse(val, &c->upload_max) != 0) {
			fprintf(stderr, "parley: %s: upload_max: '%s' is not a size "
			    "from 1K to 1G (such as 10M, 512K or 2000000)\n", from, val);
			return -1;
		}
	} else if (strcmp(key, "upload_dir") == 0) {
		c->upload_dir = val;
	} else if (strcmp(key, "trust_proxy") == 0) {
		c->trust_proxy = strcmp(val, "1") == 0 || strcmp(val, "yes") == 0 ||
		    strcmp(val, "true") == 0;
	} else {
		fprintf(stderr, "parley: %s: unknown setting '%s'\n", from, key);
		return -1;
	}
	return 0;
}

/*
 * Returns a copy of a database URL for messages, with a password (after
 * "user:" in the user info, or each password= parameter) replaced by
 * "***". Text with "://" that is not a URL with an authority right there
 * shows only its scheme, since where a password ends cannot be known. The copy lives as long as the
 * process.
 */
static const char *
url_shown(const char *url)
{
	struct str s = str_c(url);
	struct buf b;
	struct url u;
	const char *auth = strstr(url, "://"), *at = NULL, *at_last = NULL;
	const char *colon, *p;
	bool parsed;

	buf_init(&b, NULL, s.len + 8);
	parsed = url_parse(s, &u) == 0;
	if (auth != NULL) {
		/* libpq reads user info up to an "@" before the first "/", even
		 * past a "?" or "#" (RFC 3986 would end the authority there). */
		size_t n = strcspn(auth + 3, "/");

		at = memchr(auth + 3, '@', n);
		at_last = memrchr(auth + 3, '@', n);
	}
	if (auth != NULL && (!parsed || !u.has_authority || u.scheme.p == NULL ||
	    u.scheme.p + u.scheme.len != auth || (at != NULL &&
	    (u.userinfo.p == NULL || at != u.userinfo.p + u.userinfo.len ||
	    at_last != at)))) {
		/* "://" but no URL whose authority starts there, or an "@"
		 * that libpq and RFC 3986 read differently: where a password
		 * would end cannot be known, so only a scheme shows. */
		size_t n = strspn(url, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

		if (url + n == auth)
			buf_put(&b, url, n + 3);
		buf_puts(&b, "***");
		return b.p;
	}
	if (parsed && u.userinfo.p != NULL &&
	    (colon = memchr(u.userinfo.p, ':', u.userinfo.len)) != NULL) {
		buf_put(&b, url, (size_t)(colon + 1 - url));
		buf_puts(&b, "***");
		buf_puts(&b, u.userinfo.p + u.userinfo.len);
	} else {
		buf_puts(&b, url);
	}
	/* Each password= parameter's value, up to the next "&". */
	for (p = b.p; (p = strstr(p, "password=")) != NULL; ) {
		size_t v = (size_t)(p - b.p) + 9, end = v + strcspn(b.p + v, "&#");
		struct buf t;

		buf_init(&t, NULL, b.len + 4);
		buf_put(&t, b.p, v);
		buf_puts(&t, "***");
		buf_puts(&t, b.p + end);
		buf_reset(&b);
		b = t;
		p = b.p + v + 3;
	}
	return b.p;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int
load_file(struct settings *st, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0, rc = 0;

	if (f == NULL) {
		fprintf(stderr, "parley: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *eq, *k, *v, from[300];

		lineno++;
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		eq = strchr(k, '=');
		if (eq == NULL) {
			fprintf(stderr, "parley: %s:%d: want 'key = value'\n", path,
			    lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		snprintf(from, sizeof(from), "%s:%d", path, lineno);
		if (set(st, k, xstrdup(v), from) != 0) {
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

static int
load_env(struct settings *st)
{
	static const char *keys[][2] = {
		{ "PARLEY_LISTEN", "listen" }, { "PARLEY_DB", "db" },
		{ "PARLEY_SITE_NAME", "site_name" },
		{ "PARLEY_REGISTRATION", "registration" },
		{ "PARLEY_SITE_URL", "site_url" },
		{ "PARLEY_ARCHIVE_AFTER", "archive_after" },
		{ "PARLEY_ARCHIVE_DIR", "archive_dir" },
		{ "PARLEY_CANARY_MAX_AGE", "canary_max_age" },
		{ "PARLEY_THREADS", "threads" },
		{ "PARLEY_TRUST_PROXY", "trust_proxy" },
		{ "PARLEY_IDLE_TIMEOUT", "idle_timeout" },
		{ "PARLEY_REQUEST_TIMEOUT", "request_timeout" },
		{ "PARLEY_MAX_CONNS", "max_conns" },
		{ "PARLEY_MAX_CONNS_PER_IP", "max_conns_per_ip" },
		{ "PARLEY_PAGE_CACHE", "page_cache" },
		{ "PARLEY_UPLOAD_MAX", "upload_max" },
		{ "PARLEY_UPLOAD_DIR", "upload_dir" },
	};

	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		const char *v = getenv(keys[i][0]);

		if (v != NULL && set(st, keys[i][1], v, keys[i][0]) != 0)
			return -1;
	}
	return 0;
}

/*
 * Reads flags for one subcommand. A --config flag is read first wherever
 * it stands, so that flags still win over the file.
 */
static int
parse(struct settings *st, int argc, char **argv, const char *usage)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ "posts", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "big-thread", required_argument, NULL, 'B' },
		{ "communities", required_argument, NULL, 'C' },
		{ "admin", no_argument, NULL, 'A' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "force", no_argument, NULL, 'f' },
		{ "sessions", no_argument, NULL, 'S' },
		{ "idle-timeout", required_argument, NULL, 'I' },
		{ "request-timeout", required_argument, NULL, 'R' },
		{ "max-conns", required_argument, NULL, 'M' },
		{ "max-conns-per-ip", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			exit(0);
		}
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			st->config_file = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			st->config_file = argv[i] + 9;
	}
	if (st->config_file != NULL && load_file(st, st->config_file) != 0)
		return -1;
	if (load_env(st) != 0)
		return -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end;

		switch (ch) {
		case 'l': if (set(st, "listen", optarg, "--listen")) return -1; break;
		case 'd': if (set(st, "db", optarg, "--db")) return -1; break;
		case 't': if (set(st, "threads", optarg, "--threads")) return -1; break;
		case 'I':
			if (set(st, "idle_timeout", optarg, "--idle-timeout"))
				return -1;
			break;
		case 'R':
			if (set(st, "request_timeout", optarg, "--request-timeout"))
				return -1;
			break;
		case 'M':
			if (set(st, "max_conns", optarg, "--max-conns"))
				return -1;
			break;
		case 'P':
			if (set(st, "max_conns_per_ip", optarg, "--max-conns-per-ip"))
				return -1;
			break;
		case 'c': break;
		case 'p':
			st->posts = strtol(optarg, &end, 10);
			if (*end != '\0' || st->posts < 0 || st->posts > 100000000) {
				fprintf(stderr, "parley: --posts wants a number\n");
				return -1;
			}
			break;
		case 's':
			st->seed = (unsigned)strtoul(optarg, &end, 10);
			if (*end != '\0') {
				fprintf(stderr, "parley: --seed wants a number\n");
				return -1;
			}
			break;
		case 'B':
			st->big_thread = strtol(optarg, &end, 10);
			if (*end != '\0' || st->big_thread < 0 ||
			    st->big_thread > 1000000) {
				fprintf(stderr, "parley: --big-thread wants a number "
				    "up to 1000000\n");
				return -1;
			}
			break;
		case 'C':
			st->communities = strtol(optarg, &end, 10);
			if (*end != '\0' || st->communities < 1 ||
			    st->communities > APP_DEMO_COMMUNITIES_MAX) {
				fprintf(stderr, "parley: --communities wants a "
				    "number from 1 to %d\n",
				    APP_DEMO_COMMUNITIES_MAX);
				return -1;
			}
			break;
		case 'A':
			st->admin = true;
			break;
		case 'F':
			st->mig.from = optarg;
			break;
		case 'T':
			st->mig.to = optarg;
			break;
		case 'f':
			st->mig.force = true;
			break;
		case 'S':
			st->mig.sessions = true;
			break;
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	if (st->cfg.site_url == NULL)
		st->cfg.site_url = listen_url(st->cfg.listen);
	st->cfg.db_shown = url_shown(st->cfg.db);
	if (st->mig.from != NULL)
		st->mig.from_shown = url_shown(st->mig.from);
	if (st->mig.to != NULL)
		st->mig.to_shown = url_shown(st->mig.to);
	return 0;
}

int
main(int argc, char **argv)
{
	/* Static: what the settings point to (masked URLs, values read from
	 * the config file) lives as long as the process. */
	static struct settings st = {
		.cfg = {
			.listen = "127.0.0.1:8080",
			.db = "sqlite:./data/parley.db",
			.site_name = "Parley",
			.archive_after = 180 * 86400,
			.canary_max_age = 30 * 86400,
			.idle_timeout = 30,
			.request_timeout = 30,
			.max_conns = 4096,
			.page_cache_mb = 16,
			.upload_max = 10u << 20,
		},
		.posts = 300,
		.seed = 1,
		.communities = 8,
	};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	const char *cmd;

	base_crash_init();
	st.cfg.threads = cores > 0 ? (unsigned)cores : 1;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		fputs(usage_main, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	argc--;
	argv++;
	if (strcmp(cmd, "serve") == 0) {
		if (parse(&st, argc, argv, usage_serve) != 0 || optind != argc)
			return 2;
		return app_serve(&st.cfg) == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "init") == 0) {
		if (parse(&st, argc, argv, usage_init) != 0 || optind != argc)
			return 2;
		return app_init_db(&st.cfg) == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "demo") == 0) {
		if (parse(&st, argc, argv, usage_demo) != 0 || optind != argc)
			return 2;
		return app_demo_big(&st.cfg, st.posts, st.seed,
		    st.big_thread, (size_t)st.communities) == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "admin") == 0) {
		if (parse(&st, argc, argv, usage_admin) != 0)
			return 2;
		if (optind >= argc) {
			fputs(usage_admin, stderr);
			return 2;
		}
		return app_admin(&st.cfg, argc - optind, argv + optind,
		    st.admin) == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "verify") == 0)
		return verify_main(argc, argv);
	if (strcmp(cmd, "migrate") == 0) {
		if (parse(&st, argc, argv, usage_migrate) != 0 || optind != argc ||
		    st.mig.from == NULL || st.mig.to == NULL) {
			fputs(usage_migrate, stderr);
			return 2;
		}
		return app_migrate(&st.mig) == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "backup") == 0) {
		if (parse(&st, argc, argv, usage_backup) != 0 || optind != argc ||
		    st.mig.to == NULL) {
			fputs(usage_backup, stderr);
			return 2;
		}
		return app_backup(&st.cfg, st.mig.to) == 0 ? 0 : 1;
	}
	fprintf(stderr, "parley: unknown command '%s'\n\n%s", cmd, usage_main);
	return 2;
}
