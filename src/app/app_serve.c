/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_serve.c: the serve, init and admin subcommands: opening and upgrading
 * the database, the site secret, the worker pool, signals and the
 * administrator's command line.
 */
#include "app_int.h"

#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_BODY (64 * 1024)
#define DRAIN_SECONDS 10
#define UPLOADS_PER_THREAD 2 /* upload bodies read at once, per worker */

/* The routes that take an image (page_upload.c). */
static const char *const upload_paths[] = { "/upload", "/api/v1/uploads",
	NULL };

/*
 * Loads the CSRF secret from settings, creating it on first start. Servers
 * that start together on one new database each propose one; the first
 * stored is the one every server reads back and uses.
 */
static int
load_secret(struct store *s, struct arena *a)
{
	const char *hex = NULL;
	size_t n = 0;
	int rc = store_setting_get(s, a, "csrf_secret", &hex);

	if (rc == STORE_NOTFOUND) {
		unsigned char key[32];
		char out[65];

		randombytes_buf(key, sizeof(key));
		sodium_bin2hex(out, sizeof(out), key, sizeof(key));
		if (store_setting_add(s, "csrf_secret", out) != STORE_OK)
			return -1;
		rc = store_setting_get(s, a, "csrf_secret", &hex);
	}
	if (rc != STORE_OK || sodium_hex2bin(app_g.secret, sizeof(app_g.secret),
	    hex, strlen(hex), NULL, &n, NULL) != 0 || n != sizeof(app_g.secret))
		return -1;
	return 0;
}

/*
 * Opens this thread's connection, applies the schema, seeds the site pages
 * and loads the secret. Returns the store or NULL after printing why.
 */
static struct store *
prepare(const struct app_config *cfg)
{
	struct arena *a;
	struct store *s;

	if (sodium_init() < 0) {
		fprintf(stderr, "parley: libsodium failed to start\n");
		return NULL;
	}
	app_g.cfg = cfg;
	app_archive_init(cfg);
	app_upload_init(cfg);
	s = app_store();
	if (s == NULL) {
		fprintf(stderr, "parley: cannot open database %s\n",
		    cfg->db_shown);
		return NULL;
	}
	if (store_migrate(s) != STORE_OK) {
		fprintf(stderr, "parley: cannot apply the schema to %s\n",
		    cfg->db_shown);
		return NULL;
	}
	a = arena_new(64 * 1024);
	if (site_pages_seed(s, a) != 0 || load_secret(s, a) != 0) {
		fprintf(stderr, "parley: cannot write the first settings to %s\n",
		    cfg->db_shown);
		arena_free(a);
		return NULL;
	}
	arena_free(a);
	return s;
}

/* ---- the search indexer ---------------------------------------------- */

/*
 * Once a second, off the request path, the comments written since are
 * indexed for search in one transaction (store_search_catch_up; nothing
 * on PostgreSQL, where the thread is not started and holds no
 * connection). A search catches up itself before it runs, so this
 * only keeps that share small; a failure is logged by the store and
 * tried again a second later.
 */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;       /* stop was set */
	bool stop;
	bool running;            /* started: SQLite only (store_search_batched) */
	pthread_t thread;
} indexer = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false,
    false, 0 };

static void *
indexer_run(void *arg)
{
	struct timespec at;
	struct store *s;

	(void)arg;
	pthread_mutex_lock(&indexer.mu);
	while (!indexer.stop) {
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_sec += 1;
		pthread_cond_timedwait(&indexer.cv, &indexer.mu, &at);
		if (indexer.stop)
			break;
		pthread_mutex_unlock(&indexer.mu);
		if ((s = app_store()) != NULL)
			store_search_catch_up(s);
		pthread_mutex_lock(&indexer.mu);
	}
	pthread_mutex_unlock(&indexer.mu);
	app_store_release();
	return NULL;
}

static void
indexer_stop(void)
{
	if (!indexer.running)
		return;
	pthread_mutex_lock(&indexer.mu);
	indexer.stop = true;
	pthread_cond_signal(&indexer.cv);
	pthread_mutex_unlock(&indexer.mu);
	pthread_join(indexer.thread, NULL);
}

static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * Runs the server until SIGTERM or SIGINT; then stops accepting, lets the
 * requests in flight finish and returns 0.
 */
int
app_serve(const struct app_config *cfg)
{
	struct http_config hc = {
		.listen = cfg->listen,
		.threads = cfg->threads,
		.max_body = MAX_BODY,
		/* the image, its multipart framing and the form's other fields */
		.max_upload = cfg->upload_max + MAX_BODY,
		.upload_paths = upload_paths,
		.max_uploads = UPLOADS_PER_THREAD * (cfg->threads ? cfg->threads : 1),
		.idle_timeout = (unsigned)cfg->idle_timeout,
		.request_timeout = (unsigned)cfg->request_timeout,
		.max_conns = cfg->max_conns,
		.max_conns_per_ip = cfg->max_conns_per_ip,
		.trust_proxy = cfg->trust_proxy,
	};
	struct http_server *srv;
	sigset_t set;
	char *err = NULL;
	struct store *s;
	int sig = 0;

	if ((s = prepare(cfg)) == NULL)
		return -1;
	app_cache_init((size_t)cfg->page_cache_mb << 20, cfg->threads);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	srv = http_start(&hc, app_handle, NULL, &err);
	if (srv == NULL) {
		fprintf(stderr, "parley: %s: %s\n", cfg->listen, err);
		app_store_release();
		return -1;
	}
	if (store_search_batched(s)) {
		if (pthread_create(&indexer.thread, NULL, indexer_run, NULL) != 0)
			base_fatal(__FILE__, __LINE__,
			    "cannot start the search indexer");
		indexer.running = true;
	}
	{
		char host[256];
		const char *colon = strrchr(cfg->listen, ':');
		size_t n = (size_t)(colon - cfg->listen);

		snprintf(host, sizeof(host), "%.*s", (int)n, cfg->listen);
		printf("Parley is running at http://%s:%u/ (%u threads, %s)\n",
		    host[0] ? host : "0.0.0.0", http_port(srv), cfg->threads,
		    cfg->db_shown);
		fflush(stdout);
	}
	sigwait(&set, &sig);
	log_msg(LOG_INFO, "serve", "signal %d: draining and stopping", sig);
	http_stop(srv, DRAIN_SECONDS);
	indexer_stop();
	app_store_release();
	return 0;
}

/* parley init: create or upgrade the schema and seed the site pages. */
int
app_init_db(const struct app_config *cfg)
{
	if (prepare(cfg) == NULL)
		return -1;
	app_store_release();
	printf("parley: database %s is ready\n", cfg->db_shown);
	return 0;
}

/* ---- admin ------------------------------------------------------------ */

/* Reads all of stdin into the arena, without a trailing newline. */
static struct str
read_stdin(struct arena *a, size_t max)
{
	struct buf b;
	char chunk[4096];
	size_t n;

	buf_init(&b, a, 256);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		buf_put(&b, chunk, n);
		if (b.len > max)
			return STR_NULL;
	}
	while (b.len > 0 && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == '\r'))
		b.p[--b.len] = '\0';
	return buf_str(&b);
}

static int
admin_password(struct arena *a, char hash[128])
{
	struct str pw = read_stdin(a, PASSWORD_MAX);

	if (pw.p == NULL || pw.len < PASSWORD_MIN || !str_utf8_valid(pw)) {
		fprintf(stderr, "parley: the password (from stdin) must be %d to %d "
		    "characters of valid text\n", PASSWORD_MIN, PASSWORD_MAX);
		return -1;
	}
	if (password_hash(pw.p, pw.len, hash) != 0) {
		fprintf(stderr, "parley: cannot hash the password\n");
		return -1;
	}
	return 0;
}

static int
admin_user(struct store *s, struct arena *a, const char *name, struct user *u)
{
	if (store_user_by_name(s, a, name, u, NULL) != STORE_OK) {
		fprintf(stderr, "parley: no user '%s'\n", name);
		return -1;
	}
	return 0;
}

/*
 * Writes the mod log line of a change that the caller made inside the
 * transaction it began, rc the change's result, and ends the transaction:
 * the change and its line are committed together, or neither is. The
 * line's moderator is the command line (STORE_CLI_ACTOR). Returns rc, or
 * the store's error from logging or committing.
 */
static int
admin_log(struct store *s, int rc, const char *action, int64_t community_id,
    int64_t user_id, const char *reason)
{
	struct mod_action m = { .action = action, .reason = reason,
		.created = base_now() };

	if (rc == STORE_OK)
		rc = store_modlog_add(s, &m, community_id, 0, user_id);
	if (rc == STORE_OK)
		return store_commit(s);
	store_rollback(s);
	return rc;
}

static int
admin_run(struct store *s, struct arena *a, int argc, char **argv, bool admin)
{
	const char *cmd = argv[0];
	char hash[128];
	struct user u;
	int64_t id = 0;
	int rc;

	if (strcmp(cmd, "add-user") == 0 && argc == 2) {
		if (!app_valid_name(str_c(argv[1]), true)) {
			fprintf(stderr, "parley: a name is 3 to 24 of A-Z a-z 0-9 _ -\n");
			return -1;
		}
		if (admin_password(a, hash) != 0 ||
		    (admin && store_begin(s) != STORE_OK))
			return -1;
		rc = store_user_create(s, argv[1], hash, NULL,
		    admin ? ROLE_ADMIN : ROLE_USER, base_now(), &id);
		if (admin)
			rc = admin_log(s, rc, "set role", 0, id, "admin");
		if (rc == STORE_CONFLICT) {
			fprintf(stderr, "parley: the name '%s' is taken\n", argv[1]);
			return -1;
		}
		if (rc != STORE_OK)
			return -1;
		printf("parley: created %s%s (id %lld)\n", argv[1],
		    admin ? " as admin" : "", (long long)id);
		return 0;
	}
	if (strcmp(cmd, "set-password") == 0 && argc == 2) {
		if (admin_user(s, a, argv[1], &u) != 0 || admin_password(a, hash) != 0)
			return -1;
		return store_user_set_password(s, u.id, hash) == STORE_OK ? 0 : -1;
	}
	if (strcmp(cmd, "set-role") == 0 && argc == 3 &&
	    (strcmp(argv[2], "admin") == 0 || strcmp(argv[2], "user") == 0)) {
		if (admin_user(s, a, argv[1], &u) != 0 || store_begin(s) != STORE_OK)
			return -1;
		rc = store_user_set_role(s, u.id, strcmp(argv[2], "admin") == 0 ?
		    ROLE_ADMIN : ROLE_USER);
		return admin_log(s, rc, "set role", 0, u.id, argv[2]) == STORE_OK ?
		    0 : -1;
	}
	if (strcmp(cmd, "set-page") == 0 && (argc == 2 || argc == 3)) {
		struct page old;
		struct str body;
		struct buf html;
		const char *title;

		if (store_page_get(s, a, argv[1], &old) != STORE_OK) {
			fprintf(stderr, "parley: no page '%s'\n", argv[1]);
			return -1;
		}
		title = argc == 3 ? argv[2] : old.title;
		body = read_stdin(a, MD_MAX_INPUT);
		if (body.p == NULL || !str_utf8_valid(body)) {
			fprintf(stderr, "parley: the page (from stdin) must be valid "
			    "text of at most %d bytes\n", MD_MAX_INPUT);
			return -1;
		}
		buf_init(&html, a, body.len * 2 + 64);
		if (md_render(&html, body) != 0 || store_begin(s) != STORE_OK)
			return -1;
		rc = store_page_set(s, argv[1], title, str_dup(a, body), html.p, 0,
		    base_now());
		return admin_log(s, rc, "edit page", 0, 0, argv[1]) == STORE_OK ?
		    0 : -1;
	}
	if (strcmp(cmd, "set-limit") == 0 && argc == 3) {
		const struct site_limit *l = site_limit_find(str_c(argv[1]));
		int64_t v;

		if (l == NULL || !site_limit_parse(str_c(argv[2]), &v)) {
			fprintf(stderr, "parley: set-limit takes a limit's name "
			    "(limit_posts, limit_registrations, ...; see /admin) and "
			    "a whole number from 0 to %d\n", LIMIT_MAX);
			return -1;
		}
		if (store_begin(s) != STORE_OK)
			return -1;
		rc = store_setting_set(s, l->key, arena_printf(a, "%lld",
		    (long long)v));
		return admin_log(s, rc, "settings", 0, 0, arena_printf(a,
		    "%s=%lld", l->key, (long long)v)) == STORE_OK ? 0 : -1;
	}
	if (strcmp(cmd, "appoint") == 0 && argc == 3) {
		struct community cm;

		if (store_community_by_name(s, a, argv[1], &cm) != STORE_OK) {
			fprintf(stderr, "parley: no community '%s'\n", argv[1]);
			return -1;
		}
		if (admin_user(s, a, argv[2], &u) != 0 || store_begin(s) != STORE_OK)
			return -1;
		rc = store_moderator_add(s, cm.id, u.id, base_now());
		rc = admin_log(s, rc, "appoint", cm.id, u.id, NULL);
		return rc == STORE_OK || rc == STORE_CONFLICT ? 0 : -1;
	}
	if (strcmp(cmd, "rotate-key") == 0 && argc == 1) {
		const char *old, *new;

		if (store_begin(s) != STORE_OK)
			return -1;
		rc = store_key_rotate(s, a, base_now(), &old, &new);
		if (admin_log(s, rc, "rotate key", 0, 0, rc == STORE_OK ? new : NULL)
		    != STORE_OK) {
			fprintf(stderr, "parley: cannot rotate the site key\n");
			return -1;
		}
		printf("parley: the site key is now %s\n"
		    "parley: the old key %s signed a statement naming it\n",
		    new, old);
		return 0;
	}
	fprintf(stderr, "parley: admin: unknown command or wrong arguments; "
	    "see 'parley admin --help'\n");
	return -1;
}

/* parley admin SUBCOMMAND ...: see the usage text in main.c. */
int
app_admin(const struct app_config *cfg, int argc, char **argv, bool admin)
{
	struct arena *a;
	int64_t seq;
	int rc;

	if (prepare(cfg) == NULL)
		return -1;
	a = arena_new(64 * 1024);
	rc = admin_run(app_store(), a, argc, argv, admin);
	arena_free(a);
	/* running servers' page caches see the change at once */
	if (rc == 0 && store_epoch_log(app_store(), NULL, 0, &seq) != STORE_OK)
		fprintf(stderr, "parley: done, but running servers may show "
		    "the old pages for a second\n");
	app_store_release();
	return rc;
}
