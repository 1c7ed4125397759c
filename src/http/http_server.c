/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * http_server.c: the socket side of Parley, on libmicrohttpd.
 *
 * libmicrohttpd runs a pool of worker threads, each with its own epoll
 * loop; a handler may block on SQLite because every thread is independent.
 * The access callback is called several times per request: once with no
 * body (we create the request and its arena), once per body chunk (we copy
 * it into the arena up to max_body), and once more with no data (we decode
 * the query and form, call the application handler and queue its response).
 * The response body stays in the arena until libmicrohttpd reports the
 * request completed; then the arena is freed. In-flight requests are
 * counted so that http_stop can drain them before the daemon stops.
 *
 * Stopping does not use MHD_quiesce_daemon. With a pool of epoll workers
 * (libmicrohttpd 0.9.75) it removes the listening socket from each
 * worker's epoll set from the calling thread, while the worker may be
 * removing it too, unlocked; the loser's epoll_ctl fails with ENOENT and
 * libmicrohttpd panics, which aborts the process (issue 12). Instead an
 * accept policy turns new connections away once draining starts, and the
 * listening socket is closed by MHD_stop_daemon after the workers ended.
 *
 * libmicrohttpd's connection timeout only measures silence, so a client
 * that trickles a byte every few seconds could hold a connection for
 * ever. Parley adds a deadline: every connection is registered when
 * accepted (MHD_OPTION_NOTIFY_CONNECTION) and gets a deadline by which
 * its next request must be complete. Once the request line has arrived
 * (MHD_OPTION_URI_LOG_CALLBACK) that is request_timeout later; before it
 * (a fresh or kept-alive connection), idle_timeout plus request_timeout,
 * since a silent connection is closed by libmicrohttpd at idle_timeout
 * anyway and only a client trickling its request line gets that far
 * (with idle_timeout 0, silent connections may stay, so there is none).
 * While a request is being answered there is no deadline. A watchdog
 * thread shuts down the socket of any connection past its deadline;
 * libmicrohttpd then sees the end of the stream and closes it as usual.
 * The socket is only ever shut down under the lock that the close
 * notification also takes, so it cannot have been closed and its number
 * reused in between.
 *
 * Request framing (docs/decisions/007-http-framing.md): libmicrohttpd
 * 0.9.75 frames a body by Transfer-Encoding before Content-Length, takes
 * the first of several Content-Lengths, and reads chunk lines leniently
 * (a bare LF ends one; an extension too long for the connection's pool
 * gets a 500). A front proxy may frame such a request otherwise, and the
 * bytes one of them takes for a body the other takes for a request. So
 * the first callback checks the framing headers before any body is read
 * (check_framing) and refuses every request whose framing is not plain:
 * a Transfer-Encoding of any kind (chunked gets 411, anything else 400),
 * more than one Content-Length, one that is not a number, two Host
 * fields, a header name that is not a token. Every answer the server
 * gives on its own carries "Connection: close": libmicrohttpd then reads
 * nothing more from the connection, so nothing after a refused request
 * is taken as a request.
 */
#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CONN_MEMORY_LIMIT (48 * 1024) /* request line, headers and buffers;
                                        a larger pool costs libmicrohttpd
                                        more per request, a smaller one
                                        has no room for hundreds of query
                                        arguments */
#define HEADERS_MAX (16 * 1024)       /* all header names and values */

struct http_server {
	struct MHD_Daemon *daemon;
	http_handler handler;
	void *data;
	size_t max_body;
	size_t max_upload;         /* multipart bodies (http_config) */
	const char *const *upload_paths;
	unsigned max_uploads;
	atomic_uint uploads;       /* upload bodies being read or handled */
	bool trust_proxy;
	atomic_uint_fast64_t next_id;
	atomic_int inflight;       /* requests begun and not yet completed */
	atomic_bool draining;      /* http_stop began: refuse new connections */
	unsigned port;
	unsigned idle_timeout;     /* seconds of silence; 0 = none */
	unsigned request_timeout;  /* seconds to send a whole request; 0 = none */
	pthread_mutex_t watch_lock;/* guards watches and stopping */
	pthread_cond_t watch_wake; /* wakes the watchdog to stop */
	struct watch *watches;     /* every open connection */
	bool stopping;             /* the watchdog should end */
	bool watchdog_on;          /* the watchdog thread was started */
	pthread_t watchdog;
};

/* No deadline: a request is being answered, or there are no timeouts. */
#define WATCH_NONE INT64_MAX

/* One open connection, for the request deadline; owned by the server's
 * list from accept to close (malloc, freed by the close notification). */
struct watch {
	struct watch *prev, *next;
	int fd;                    /* its socket; libmicrohttpd closes it */
	atomic_int_fast64_t deadline; /* ms (monotonic) to finish its request by */
	bool cut;                  /* already shut down by the watchdog */
	char addr[INET6_ADDRSTRLEN];
};

/* Per-request state private to this file, reached through con_cls. */
struct pending {
	struct req req;
	struct http_server *srv;
	struct buf body;           /* body bytes read so far */
	size_t limit;              /* max_body, or max_upload for an upload */
	bool upload;               /* counted in srv->uploads, until handled
	                              or completed */
	bool too_large;            /* body passed limit: answer 413 */
};

/* ---- decoding --------------------------------------------------------- */

struct kv_list {
	struct arena *a;
	struct http_kv *v;
	size_t n, cap;
	struct buf file;           /* the file part's bytes (form_iter) */
	size_t body_len;           /* the whole body's: room for any part */
	const char *file_field;    /* its field name, once one began */
	bool files_bad;            /* a second file part */
};

static void
kv_push(struct kv_list *l, const char *k, size_t kn, const char *v, size_t vn)
{
	l->v = arena_grow(l->a, l->v, l->n, &l->cap, 8, sizeof(*l->v));
	l->v[l->n].key.p = arena_strndup(l->a, k ? k : "", kn);
	l->v[l->n].key.len = kn;
	l->v[l->n].val.p = arena_strndup(l->a, v ? v : "", vn);
	l->v[l->n].val.len = vn;
	l->n++;
}

static enum MHD_Result
query_iter(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	kv_push(cls, key, key_size, value, value_size);
	return MHD_YES;
}

/*
 * Form fields may arrive in pieces (off > 0); a piece with the same key
 * and a non-zero offset continues the last field.
 */
static enum MHD_Result
form_iter(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct kv_list *l = cls;

	/* A file's bytes go to one buffer of their own, never through the
	 * text fields' checks (they are not text) nor their joining copy,
	 * which would be quadratic in a large file's pieces. */
	if (filename != NULL) {
		if (l->file_field == NULL) {
			l->file_field = arena_strndup(l->a, key, strlen(key));
			buf_init(&l->file, l->a, l->body_len);
		} else if (off == 0 || strcmp(l->file_field, key) != 0) {
			l->files_bad = true;
			return MHD_NO;
		}
		buf_put(&l->file, data, size);
		return MHD_YES;
	}
	if (off > 0 && l->n > 0 && strcmp(l->v[l->n - 1].key.p, key) == 0) {
		struct http_kv *last = &l->v[l->n - 1];
		char *joined = arena_alloc(l->a, last->val.len + size + 1);

		memcpy(joined, last->val.p, last->val.len);
		memcpy(joined + last->val.len, data, size);
		joined[last->val.len + size] = '\0';
		last->val.p = joined;
		last->val.len += size;
		return MHD_YES;
	}
	kv_push(l, key, strlen(key), data, size);
	return MHD_YES;
}

static bool
is_multipart(struct MHD_Connection *conn)
{
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);

	return ct != NULL && strncasecmp(ct, "multipart/form-data", 19) == 0;
}

/* A multipart body to one of the paths that take uploads (the path
 * exactly, its query aside). */
static bool
is_upload(const struct http_server *srv, struct MHD_Connection *conn,
    const char *url)
{
	if (srv->upload_paths == NULL || srv->max_upload <= srv->max_body ||
	    !is_multipart(conn))
		return false;
	for (const char *const *p = srv->upload_paths; *p != NULL; p++)
		if (strcmp(url, *p) == 0)
			return true;
	return false;
}

static bool
is_form_body(struct MHD_Connection *conn)
{
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);

	return ct != NULL &&
	    (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 ||
		strncasecmp(ct, "multipart/form-data", 19) == 0);
}

/* True when every '%' in s starts a %XX escape. */
static bool
percent_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%')
			continue;
		if (i + 2 >= n)
			return false;
		if (!isxdigit((unsigned char)s[i + 1]) ||
		    !isxdigit((unsigned char)s[i + 2]))
			return false;
		i += 2;
	}
	return true;
}

static void
decode_form(struct pending *p, struct MHD_Connection *conn)
{
	struct req *r = &p->req;
	struct kv_list l = { .a = r->arena, .body_len = p->body.len };
	struct MHD_PostProcessor *pp;

	if (p->body.len == 0 || !is_form_body(conn))
		return;
	if (strncasecmp(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE), "application/x-www-form-urlencoded",
	    33) == 0 && !percent_ok(p->body.p, p->body.len)) {
		r->form_bad = true;
		return;
	}
	pp = MHD_create_post_processor(conn, 16 * 1024, form_iter, &l);
	if (pp == NULL) {
		r->form_bad = true;
		return;
	}
	if (MHD_post_process(pp, p->body.p, p->body.len) != MHD_YES)
		r->form_bad = true;
	if (MHD_destroy_post_processor(pp) != MHD_YES || l.files_bad)
		r->form_bad = true;
	r->form = l.v;
	r->nform = l.n;
	if (l.file_field != NULL && !l.files_bad) {
		r->file = buf_str(&l.file);
		r->file_field = str_c(l.file_field);
	}
}

/* ---- responses -------------------------------------------------------- */

static enum MHD_Result
send_response(struct MHD_Connection *conn, struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->release != NULL) {
		resp = MHD_create_response_from_buffer_with_free_callback_cls(
		    r->out.len, r->out.p, r->release, r->release_cls);
		if (resp == NULL)
			r->release(r->release_cls);
	} else if (r->out_fd >= 0) {
		int fd = r->out_fd;
		struct stat st;

		/* libmicrohttpd owns the descriptor once the response exists
		 * and closes it when the response is done; sendfile carries
		 * the bytes. */
		r->out_fd = -1;
		resp = fstat(fd, &st) == 0 ? MHD_create_response_from_fd(
		    (uint64_t)st.st_size, fd) : NULL;
		if (resp == NULL)
			close(fd);
	} else {
		resp = MHD_create_response_from_buffer(r->out.len, r->out.p,
		    MHD_RESPMEM_PERSISTENT);
	}
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    r->content_type ? r->content_type : "text/html; charset=utf-8");
	for (size_t i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i].name,
		    r->headers[i].value);
	ret = MHD_queue_response(conn, (unsigned)(r->status ? r->status : 200),
	    resp);
	MHD_destroy_response(resp);
	return ret;
}

/* A limit the server enforces itself; the body is plain text. */
static enum MHD_Result
send_limit(struct MHD_Connection *conn, struct req *r, int status,
    const char *msg)
{
	r->status = status;
	r->content_type = "text/plain; charset=utf-8";
	r->out.len = 0;
	if (r->out_fd >= 0) {
		close(r->out_fd);
		r->out_fd = -1;
	}
	buf_puts(&r->out, msg);
	http_add_header(r, "Connection", "close");
	return send_response(conn, r);
}

/* ---- the request deadline -------------------------------------------- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes the peer's address as text into out ("?" when unknown). */
static void
peer_addr(struct MHD_Connection *conn, char out[INET6_ADDRSTRLEN])
{
	const union MHD_ConnectionInfo *ci;

	strcpy(out, "?");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    ci->client_addr)->sin_addr, out, INET6_ADDRSTRLEN);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    ci->client_addr)->sin6_addr, out, INET6_ADDRSTRLEN);
}

/* The deadline of a connection waiting for its next request line. */
static int64_t
deadline_waiting(const struct http_server *srv)
{
	if (srv->request_timeout == 0 || srv->idle_timeout == 0)
		return WATCH_NONE;
	return now_ms() + ((int64_t)srv->idle_timeout + srv->request_timeout) *
	    1000;
}

/* Sets the connection's deadline (ms, monotonic, or WATCH_NONE). */
static void
watch_set(struct MHD_Connection *conn, int64_t deadline)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct watch *w = ci ? ci->socket_context : NULL;

	if (w != NULL)
		atomic_store(&w->deadline, deadline);
}

/* libmicrohttpd has the request line: the request's own deadline starts. */
static void *
on_request_line(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_server *srv = cls;

	if (srv->request_timeout > 0)
		watch_set(conn, now_ms() + (int64_t)srv->request_timeout * 1000);
	return NULL; /* on_request relies on a NULL con_cls at first */
}

/* libmicrohttpd's notice of an accepted or closed connection. */
static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *srv = cls;
	struct watch *w;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD);

		w = xcalloc(1, sizeof(*w));
		w->fd = ci ? ci->connect_fd : -1;
		atomic_store(&w->deadline, deadline_waiting(srv));
		peer_addr(conn, w->addr);
		pthread_mutex_lock(&srv->watch_lock);
		w->next = srv->watches;
		if (w->next != NULL)
			w->next->prev = w;
		srv->watches = w;
		pthread_mutex_unlock(&srv->watch_lock);
		*socket_context = w;
		return;
	}
	w = *socket_context;
	if (w == NULL)
		return;
	pthread_mutex_lock(&srv->watch_lock);
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		srv->watches = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&srv->watch_lock);
	*socket_context = NULL;
	free(w);
}

/* The watchdog thread: cuts connections past the request deadline. */
static void *
watchdog(void *arg)
{
	struct http_server *srv = arg;
	int64_t tick = (int64_t)srv->request_timeout * 1000 / 4;

	if (tick > 500)
		tick = 500;
	base_crash_thread_init();
	pthread_mutex_lock(&srv->watch_lock);
	while (!srv->stopping) {
		int64_t now = now_ms(), wake = now + tick;
		struct timespec ts = { (time_t)(wake / 1000),
		    (long)(wake % 1000) * 1000000 };
		unsigned cut = 0;
		const char *addr = ""; /* one cut connection's, under the lock */

		for (struct watch *w = srv->watches; w != NULL; w = w->next) {
			if (w->cut || w->fd < 0 || now <= atomic_load(&w->deadline))
				continue;
			shutdown(w->fd, SHUT_RDWR);
			w->cut = true;
			addr = w->addr;
			cut++;
		}
		/* One line per round, not per connection: a slowloris attack
		 * would otherwise flood the log. */
		if (cut > 0)
			log_msg(LOG_INFO, "http", "closed %u connection%s (one from %s) "
			    "whose request took too long (request_timeout %u s)", cut,
			    cut == 1 ? "" : "s", addr, srv->request_timeout);
		pthread_cond_timedwait(&srv->watch_wake, &srv->watch_lock, &ts);
	}
	pthread_mutex_unlock(&srv->watch_lock);
	return NULL;
}

/* ---- request arenas ---------------------------------------------------- */

/*
 * Each worker thread keeps a few reset arenas for its next requests, so a
 * request costs no malloc once the thread has served one like it (see
 * arena_reset). Several requests of one thread can be in flight at once
 * (one per connection); past SPARE_ARENAS the extra arenas are freed.
 */
#define SPARE_ARENAS 4
#define ARENA_FIRST (16 * 1024)

struct spares {
	struct arena *a[SPARE_ARENAS];
	size_t n;
};


static void
spares_free(void *p)
{
	struct spares *sp = p;

	for (size_t i = 0; i < sp->n; i++)
		arena_free(sp->a[i]);
	free(sp);
}

static struct thread_state spares_state = THREAD_STATE(struct spares,
    spares_free);

static struct spares *
thread_spares(void)
{
	bool made;
	struct spares *sp = thread_state(&spares_state, &made);

	if (made)
		base_crash_thread_init(); /* a worker's first request */
	return sp;
}

static struct arena *
arena_take(void)
{
	struct spares *sp = thread_spares();

	return sp->n > 0 ? sp->a[--sp->n] : arena_new(ARENA_FIRST);
}

static void
arena_give_back(struct arena *a)
{
	struct spares *sp = thread_spares();

	if (sp->n == SPARE_ARENAS) {
		arena_free(a);
		return;
	}
	arena_reset(a);
	sp->a[sp->n++] = a;
}

/* ---- request framing ---------------------------------------------------- */

/* What check_framing found; each refusal names its status. */
enum framing {
	FRAMING_OK,        /* no body, or one Content-Length of digits */
	FRAMING_BAD,       /* ambiguous or malformed: 400 */
	FRAMING_CHUNKED,   /* Transfer-Encoding: chunked alone: 411 */
};

/* The framing headers of one request, as header_iter_framing saw them. */
struct framing_scan {
	unsigned ncl;          /* Content-Length fields */
	unsigned nte;          /* Transfer-Encoding fields */
	unsigned nhost;        /* Host fields */
	struct str cl;         /* the last Content-Length; borrowed from MHD */
	struct str te;         /* the last Transfer-Encoding; likewise */
	bool bad_name;         /* a field name that is not an RFC 9110 token */
};

/* True when c may appear in a field name (RFC 9110 tchar). */
static bool
is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static enum MHD_Result
header_iter_framing(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct framing_scan *fs = cls;
	struct str k = { key, key_size }, v = { value, value_size };

	if (key_size == 0)
		fs->bad_name = true;
	for (size_t i = 0; i < key_size; i++)
		if (!is_tchar((unsigned char)key[i]))
			fs->bad_name = true;
	if (str_case_eq(k, str_c("Content-Length"))) {
		fs->ncl++;
		fs->cl = v;
	} else if (str_case_eq(k, str_c("Transfer-Encoding"))) {
		fs->nte++;
		fs->te = v;
	} else if (str_case_eq(k, str_c("Host"))) {
		fs->nhost++;
	}
	return MHD_YES;
}

/*
 * Decides whether a request's body is framed so that no reader can take
 * it otherwise (RFC 9112 6.1 and 6.3): at most one Content-Length, of
 * digits only, and no Transfer-Encoding at all. Two Host fields are
 * refused too (RFC 9112 3.2), so that a proxy and Parley cannot pick
 * different ones. Chunked bodies are refused rather than decoded because
 * libmicrohttpd's chunk parser cannot be made strict: browsers never
 * send them, and a proxy that buffers the request (nginx's default)
 * sends a Content-Length instead. libmicrohttpd refuses a Content-Length
 * that is not a number, or does not fit in 64 bits, before the first
 * callback; it is checked again here so that nothing depends on that.
 * Reports only what it found: the caller answers.
 */
static enum framing
check_framing(struct MHD_Connection *conn)
{
	struct framing_scan fs = { 0 };

	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, header_iter_framing,
	    &fs);
	if (fs.bad_name || fs.ncl > 1 || fs.nte > 1 || (fs.ncl && fs.nte) ||
	    fs.nhost > 1)
		return FRAMING_BAD;
	if (fs.nte == 1)
		return str_case_eq(fs.te, str_c("chunked")) ? FRAMING_CHUNKED :
		    FRAMING_BAD;
	if (fs.ncl == 1) {
		if (fs.cl.len == 0 || fs.cl.len > 19)
			return FRAMING_BAD;
		for (size_t i = 0; i < fs.cl.len; i++)
			if (fs.cl.p[i] < '0' || fs.cl.p[i] > '9')
				return FRAMING_BAD;
	}
	return FRAMING_OK;
}

/* ---- the libmicrohttpd callbacks -------------------------------------- */

static struct pending *
pending_new(struct http_server *srv, struct MHD_Connection *conn,
    const char *url, const char *method)
{
	struct arena *a = arena_take();
	struct pending *p = arena_zalloc(a, sizeof(*p));
	struct req *r = &p->req;
	char addr[INET6_ADDRSTRLEN];

	p->srv = srv;
	r->arena = a;
	r->id = atomic_fetch_add(&srv->next_id, 1) + 1;
	r->conn = conn;
	r->method_name = arena_strndup(a, method, strlen(method));
	if (strcmp(method, "GET") == 0)
		r->method = HTTP_GET;
	else if (strcmp(method, "HEAD") == 0)
		r->method = HTTP_HEAD;
	else if (strcmp(method, "POST") == 0)
		r->method = HTTP_POST;
	else if (strcmp(method, "PATCH") == 0)
		r->method = HTTP_PATCH;
	else if (strcmp(method, "DELETE") == 0)
		r->method = HTTP_DELETE;
	else
		r->method = HTTP_OTHER;
	r->path.p = arena_strndup(a, url, strlen(url));
	r->path.len = strlen(url);
	peer_addr(conn, addr);
	r->remote = arena_strndup(a, addr, strlen(addr));
	if (srv->trust_proxy && (strcmp(addr, "127.0.0.1") == 0 ||
	    strcmp(addr, "::1") == 0)) {
		const char *proto = MHD_lookup_connection_value(conn,
		    MHD_HEADER_KIND, "X-Forwarded-Proto");
		const char *fwd = MHD_lookup_connection_value(conn,
		    MHD_HEADER_KIND, "X-Forwarded-For");

		r->tls = proto != NULL && strcasecmp(proto, "https") == 0;
		/* The client is the address the proxy added last; earlier
		 * ones came from the client and prove nothing. Per-address
		 * limits then count clients, not the proxy. */
		if (fwd != NULL) {
			const char *last = strrchr(fwd, ',');
			struct str ip = str_trim(str_c(last ? last + 1 : fwd));
			unsigned char bin[sizeof(struct in6_addr)];
			char *text = str_dup(a, ip);

			if (inet_pton(AF_INET, text, bin) == 1 ||
			    inet_pton(AF_INET6, text, bin) == 1)
				r->remote = text;
		}
	}
	r->out_fd = -1;
	buf_init(&r->out, a, 8192);
	buf_init(&p->body, a, 256);
	return p;
}

/* Sums the header sizes and notes control bytes in any of them. */
struct header_check {
	size_t total;  /* bytes of names and values so far */
	bool ctl;      /* a control byte was seen */
};

static enum MHD_Result
header_iter(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct header_check *hc = cls;
	struct str k = { key, key_size }, v = { value, value_size };

	hc->total += key_size + value_size;
	if (str_has_ctl(k, false) || str_has_ctl(v, false))
		hc->ctl = true;
	return MHD_YES;
}

/*
 * libmicrohttpd decodes the path into a C string, so a %00 would cut it
 * short unseen. Turning %00 into %7F first keeps a control byte in place
 * that the application refuses like any other.
 */
static size_t
unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	for (char *p = s; (p = strstr(p, "%00")) != NULL; p += 3) {
		p[1] = '7';
		p[2] = 'F';
	}
	return MHD_http_unescape(s);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct pending *p = *con_cls;
	struct kv_list q;

	if (p == NULL) {
		const char *cl;

		p = pending_new(srv, conn, url, method);
		*con_cls = p;
		atomic_fetch_add(&srv->inflight, 1);
		/* An answer now is queued before any body is read:
		 * libmicrohttpd then discards the body and, with the
		 * "Connection: close" of send_limit, the connection. */
		switch (check_framing(conn)) {
		case FRAMING_OK:
			break;
		case FRAMING_CHUNKED:
			watch_set(conn, WATCH_NONE);
			return send_limit(conn, &p->req, 411, "411 Length Required: "
			    "send the body with a Content-Length, not chunked.\n");
		case FRAMING_BAD:
			watch_set(conn, WATCH_NONE);
			return send_limit(conn, &p->req, 400, "400 Bad Request: the "
			    "request's framing is ambiguous (Content-Length, "
			    "Transfer-Encoding, Host or a header name).\n");
		}
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		p->limit = srv->max_body;
		if (is_upload(srv, conn, url)) {
			/* Upload bodies are large: a few at a time, so that
			 * memory stays bounded whoever sends them. */
			if (atomic_fetch_add(&srv->uploads, 1) >= srv->max_uploads) {
				atomic_fetch_sub(&srv->uploads, 1);
				watch_set(conn, WATCH_NONE);
				http_add_header(&p->req, "Retry-After", "5");
				return send_limit(conn, &p->req, 503, "503 Service "
				    "Unavailable: too many uploads at once; try again "
				    "in a few seconds.\n");
			}
			p->upload = true;
			p->limit = srv->max_upload;
		}
		if (cl != NULL && strtoull(cl, NULL, 10) > p->limit) {
			watch_set(conn, WATCH_NONE);
			return send_limit(conn, &p->req, 413, "413 Content Too Large: "
			    "the request body is over the limit.\n");
		}
		/* A large upload is read into one buffer of its declared size
		 * rather than doubled into place. */
		if (cl != NULL && p->limit > srv->max_body)
			buf_reserve(&p->body, (size_t)strtoull(cl, NULL, 10));
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!p->too_large && p->body.len + *upload_data_size <= p->limit)
			buf_put(&p->body, upload_data, *upload_data_size);
		else
			p->too_large = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	/* The request is complete: what is left is the server's time. */
	watch_set(conn, WATCH_NONE);
	if (p->too_large)
		return send_limit(conn, &p->req, 413,
		    "413 Content Too Large: the request body is over the limit.\n");

	{
		struct header_check hc = { 0, false };

		MHD_get_connection_values_n(conn, MHD_HEADER_KIND, header_iter, &hc);
		if (hc.total > HEADERS_MAX)
			return send_limit(conn, &p->req, 431, "431 Request Header "
			    "Fields Too Large.\n");
		if (hc.ctl)
			return send_limit(conn, &p->req, 400, "400 Bad Request: a "
			    "header holds control characters.\n");
	}
	q = (struct kv_list){ .a = p->req.arena };
	MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, query_iter, &q);
	p->req.query = q.v;
	p->req.nquery = q.n;
	p->req.body = buf_str(&p->body);
	decode_form(p, conn);
	srv->handler(&p->req, srv->data);
	/* The upload is handled: its answer is small, so the next may
	 * begin now (a client that uploads one after another never meets
	 * its own last upload still counted). */
	if (p->upload) {
		atomic_fetch_sub(&srv->uploads, 1);
		p->upload = false;
	}
	/* While draining, a kept-alive client is told to go elsewhere; only
	 * a hint, so never at the cost of the fatal header overflow. */
	if (atomic_load(&srv->draining) &&
	    p->req.nheaders < HTTP_MAX_OUT_HEADERS)
		http_add_header(&p->req, "Connection", "close");
	return send_response(conn, &p->req);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct pending *p = *con_cls;

	if (p == NULL)
		return;
	*con_cls = NULL;
	if (p->upload)
		atomic_fetch_sub(&srv->uploads, 1);
	arena_give_back(p->req.arena);
	atomic_fetch_sub(&srv->inflight, 1);
	/* A kept-alive connection now waits for its next request. */
	watch_set(conn, deadline_waiting(srv));
}

/*
 * libmicrohttpd's default panic handler aborts, printing the reason only
 * when the library was built with messages. This one always says where
 * and why, then aborts (the fatal-signal handler adds a backtrace).
 */
static void
on_mhd_panic(void *cls, const char *file, unsigned line, const char *reason)
{
	log_msg(LOG_ERR, "http", "libmicrohttpd panic at %s:%u: %s",
	    file ? file : "?", line, reason ? reason : "(no reason given)");
	abort();
}

/* Accepts connections until http_stop begins to drain. */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct http_server *srv = cls;

	return atomic_load(&srv->draining) ? MHD_NO : MHD_YES;
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_msg(LOG_DEBUG, "http", "%s", line);
}

/* ---- start and stop --------------------------------------------------- */

/*
 * Parses ADDR:PORT (IPv4, empty for any address, or an IPv6 literal in
 * brackets, "[::1]:8080") into *ss and *len. The URL parser splits it as
 * the authority of "//ADDR:PORT"; the address must then be numeric.
 * Returns 0, or -1 for anything else.
 */
static int
parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
	char text[300], host[INET6_ADDRSTRLEN];
	struct url u;
	int64_t port;
	int n;

	n = snprintf(text, sizeof(text), "//%s", listen);
	if (n < 0 || (size_t)n >= sizeof(text) ||
	    url_parse((struct str){ text, (size_t)n }, &u) != 0 ||
	    u.userinfo.p != NULL || u.path.len > 0 || u.query.p != NULL ||
	    u.fragment.p != NULL || u.ipfuture || u.host.len >= sizeof(host))
		return -1;
	if (u.port.len == 0 || u.port.len > 5 || !str_to_i64(u.port, &port) ||
	    port < 0 || port > 65535)
		return -1;
	memcpy(host, u.host.p, u.host.len);
	host[u.host.len] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (u.ip6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			return -1;
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (host[0] == '\0')
			s4->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return -1;
		*len = sizeof(*s4);
	}
	return 0;
}

/*
 * Starts listening on cfg->listen and serving with cfg->threads workers.
 * Returns the server, owned by the caller until http_stop, or NULL with
 * *err set to a static message.
 */
struct http_server *
http_start(const struct http_config *cfg, http_handler handler, void *data,
    char **err)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct http_server *srv;
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ITC | MHD_USE_TURBO | MHD_USE_ERROR_LOG;

	if (parse_listen(cfg->listen, &ss, &sslen) != 0) {
		*err = "bad listen address (want ADDR:PORT)";
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv = xcalloc(1, sizeof(*srv));
	srv->handler = handler;
	srv->data = data;
	srv->max_body = cfg->max_body;
	srv->max_upload = cfg->max_upload;
	srv->upload_paths = cfg->upload_paths;
	srv->max_uploads = cfg->max_uploads;
	srv->trust_proxy = cfg->trust_proxy;
	srv->idle_timeout = cfg->idle_timeout;
	srv->request_timeout = cfg->request_timeout;
	pthread_mutex_init(&srv->watch_lock, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&srv->watch_wake, &ca);
		pthread_condattr_destroy(&ca);
	}
	MHD_set_panic_func(on_mhd_panic, NULL);
	srv->daemon = MHD_start_daemon(flags, 0, on_accept, srv, on_request, srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads ? cfg->threads : 1),
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->idle_timeout,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_conns,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->max_conns_per_ip,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
	    MHD_OPTION_URI_LOG_CALLBACK, on_request_line, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	    MHD_OPTION_END);
	if (srv->daemon == NULL) {
		pthread_cond_destroy(&srv->watch_wake);
		pthread_mutex_destroy(&srv->watch_lock);
		free(srv);
		*err = "cannot listen there (address in use or not allowed)";
		return NULL;
	}
	di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : 0;
	if (srv->request_timeout > 0)
		srv->watchdog_on = pthread_create(&srv->watchdog, NULL, watchdog,
		    srv) == 0;
	return srv;
}

/* Returns the port the server listens on (useful with port 0). */
unsigned
http_port(const struct http_server *srv)
{
	return srv->port;
}

/*
 * Stops accepting, waits up to drain_seconds for requests in flight to
 * finish and their responses to be sent, then stops the workers and frees
 * the server. Idle keep-alive connections are closed. New connections
 * during the drain are accepted and closed at once (on_accept), not
 * refused by the kernel: see the file comment on MHD_quiesce_daemon.
 */
void
http_stop(struct http_server *srv, unsigned drain_seconds)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	unsigned waited_ms = 0;

	if (srv == NULL)
		return;
	atomic_store(&srv->draining, true);
	while (atomic_load(&srv->inflight) > 0 &&
	    waited_ms < drain_seconds * 1000) {
		nanosleep(&tick, NULL);
		waited_ms += 20;
	}
	if (srv->watchdog_on) {
		pthread_mutex_lock(&srv->watch_lock);
		srv->stopping = true;
		pthread_cond_signal(&srv->watch_wake);
		pthread_mutex_unlock(&srv->watch_lock);
		pthread_join(srv->watchdog, NULL);
	}
	/* Closing the connections removes their watches. */
	MHD_stop_daemon(srv->daemon);
	pthread_cond_destroy(&srv->watch_wake);
	pthread_mutex_destroy(&srv->watch_lock);
	free(srv);
}

/* ---- request accessors ------------------------------------------------- */

static struct str
kv_find(const struct http_kv *v, size_t n, const char *name)
{
	struct str key = str_c(name);

	for (size_t i = 0; i < n; i++)
		if (str_eq(v[i].key, key))
			return v[i].val;
	return STR_NULL;
}

/* Returns the first query argument called name, or STR_NULL (p == NULL). */
struct str
http_query(const struct req *r, const char *name)
{
	return kv_find(r->query, r->nquery, name);
}

/* Returns the first form field called name, or STR_NULL (p == NULL). */
struct str
http_form(const struct req *r, const char *name)
{
	return kv_find(r->form, r->nform, name);
}

/* Returns how many form fields are called name. */
size_t
http_form_count(const struct req *r, const char *name)
{
	struct str key = str_c(name);
	size_t n = 0;

	for (size_t i = 0; i < r->nform; i++)
		n += str_eq(r->form[i].key, key);
	return n;
}

/* Returns a request header, borrowed from the server for the request. */
struct str
http_header(const struct req *r, const char *name)
{
	const char *v = NULL;
	size_t n = 0;

	if (MHD_lookup_connection_value_n(r->conn, MHD_HEADER_KIND, name,
	    strlen(name), &v, &n) != MHD_YES)
		return STR_NULL;
	return (struct str){ v, n };
}

/* Returns a cookie's value as the client sent it, or STR_NULL. */
struct str
http_cookie(const struct req *r, const char *name)
{
	const char *v = NULL;
	size_t n = 0;

	if (MHD_lookup_connection_value_n(r->conn, MHD_COOKIE_KIND, name,
	    strlen(name), &v, &n) != MHD_YES)
		return STR_NULL;
	return (struct str){ v, n };
}

/*
 * Adds a response header. name and value must live as long as the request
 * (literals or arena strings). Headers past the fixed limit are a bug.
 */
void
http_add_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders == HTTP_MAX_OUT_HEADERS)
		base_fatal(__FILE__, __LINE__, "too many response headers");
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders].value = value;
	r->nheaders++;
}

/*
 * Answers r with len bytes at p that r does not own: release(cls) is
 * called once the answer is sent or dropped, on whichever thread drops
 * it, and p must stay valid until then.
 */
void
http_send_borrowed(struct req *r, const char *p, size_t len,
    void (*release)(void *), void *cls)
{
	r->out.p = (char *)p;
	r->out.len = len;
	r->release = release;
	r->release_cls = cls;
}
