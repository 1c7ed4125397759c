/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * http.h: the public header of src/http: a request as the application sees
 * it, and the server that reads requests from sockets and writes responses.
 *
 * The server (libmicrohttpd underneath, see docs/decisions/001) reads a
 * whole request, body included and capped, then calls one handler. The
 * handler fills req->out and the status; the server sends it and then
 * frees the request's arena. Nothing here chooses a status for the app:
 * only limits the server itself enforces (body too large, headers too
 * large, timeouts) are answered here.
 */
#ifndef PARLEY_HTTP_H
#define PARLEY_HTTP_H

#include "../base/base.h"

enum http_method {
	HTTP_GET, HTTP_HEAD, HTTP_POST,
	HTTP_PATCH, HTTP_DELETE,  /* the API's edits and deletions */
	HTTP_OTHER
};

struct http_kv {
	struct str key; /* decoded; borrowed from the request's arena or MHD */
	struct str val;
};

struct http_header_out {
	const char *name;  /* owned by the request arena or a literal */
	const char *value;
};

#define HTTP_MAX_OUT_HEADERS 16

struct req {
	struct arena *arena;      /* everything below is allocated here */
	uint64_t id;              /* for log lines */
	enum http_method method;
	const char *method_name;  /* as sent */
	struct str path;          /* decoded path, without the query */
	struct http_kv *query;    /* decoded query arguments, in order */
	size_t nquery;
	struct http_kv *form;     /* decoded urlencoded body fields, in order */
	size_t nform;
	struct str body;          /* raw body, at most the configured limit */
	bool form_bad;            /* the body could not be decoded as a form */
	bool tls;                 /* came over TLS according to a trusted proxy */
	const char *remote;       /* peer address, text */
	void *conn;               /* server connection; private to src/http */

	int status;               /* response status; 200 unless set */
	const char *content_type; /* response type; literal or arena */
	struct buf out;           /* response body */
	void (*release)(void *);  /* set: out.p is borrowed (http_send_borrowed) */
	void *release_cls;
	struct http_header_out headers[HTTP_MAX_OUT_HEADERS];
	size_t nheaders;
};

typedef void (*http_handler)(struct req *r, void *data);

struct http_config {
	const char *listen;       /* "ADDR:PORT" */
	unsigned threads;         /* worker threads */
	size_t max_body;          /* bytes; larger bodies get 413 */
	unsigned idle_timeout;    /* seconds a connection may stay silent */
	unsigned request_timeout; /* seconds to send a whole request; 0 = none */
	unsigned max_conns;       /* connections at once */
	unsigned max_conns_per_ip;/* 0 = no limit */
	bool trust_proxy;         /* honour X-Forwarded-Proto from loopback */
};

struct http_server;

struct http_server *http_start(const struct http_config *cfg,
    http_handler handler, void *data, char **err);
unsigned http_port(const struct http_server *srv);
void http_stop(struct http_server *srv, unsigned drain_seconds);

struct str http_query(const struct req *r, const char *name);
struct str http_form(const struct req *r, const char *name);
size_t http_form_count(const struct req *r, const char *name);
struct str http_header(const struct req *r, const char *name);
struct str http_cookie(const struct req *r, const char *name);
void http_add_header(struct req *r, const char *name, const char *value);
void http_send_borrowed(struct req *r, const char *p, size_t len,
    void (*release)(void *), void *cls);

#endif
