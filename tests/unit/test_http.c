/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_http.c: unit tests for src/http/http_server.c: its static helpers
 * (percent_ok, the unescape callback, parse_listen) and a real server on a
 * loopback port driven over a plain socket.
 *
 * The server tests start http_start on 127.0.0.1:0 with a handler that
 * echoes what the request accessors return, one "name=value" line each,
 * with bytes outside printable ASCII written as \xNN so that assertions
 * can see a 0x7F or a NUL. Every server test ends by timing http_stop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/http/http_server.c"

#include <poll.h>
#include <sys/time.h>

/* ---- percent_ok --------------------------------------------------------- */

#define PCT(lit) percent_ok((lit), sizeof(lit) - 1)

static void
test_percent_ok(void **state)
{
	assert_true(PCT(""));
	assert_true(PCT("plain=text&a=b+c"));
	assert_true(PCT("%41"));
	assert_true(PCT("a%41b"));
	assert_true(PCT("%ab%CD%eF%09"));
	assert_true(PCT("x=%00"));
	assert_true(PCT("a=%25%25"));

	assert_false(PCT("%"));
	assert_false(PCT("abc%"));
	assert_false(PCT("%1"));
	assert_false(PCT("a=%1"));
	assert_false(PCT("%Z1"));
	assert_false(PCT("%1Z"));
	assert_false(PCT("%zz"));
	assert_false(PCT("%%41"));
	assert_false(PCT("100%%"));
	assert_false(PCT("%41%4"));
	assert_false(PCT("% 41"));
	assert_false(PCT("%+1"));
	/* The length bounds the scan: an escape cut by it is incomplete. */
	assert_false(percent_ok("%41", 2));
	assert_true(percent_ok("ab%4", 2));
}

/* ---- unescape ------------------------------------------------------------ */

/* Runs the callback on a copy of in and checks the decoded bytes. */
static void
unescape_check(const char *in, const char *want, size_t want_len)
{
	char s[256];
	size_t n;

	assert_true(strlen(in) < sizeof(s));
	strcpy(s, in);
	n = unescape(NULL, NULL, s);
	if (n != want_len || memcmp(s, want, want_len) != 0) {
		print_error("unescape(\"%s\"): want %zu bytes, got %zu: \"%.*s\"\n",
		    in, want_len, n, (int)n, s);
		fail();
	}
	assert_int_equal(s[n], '\0');
}

#define UNESC(in, lit) unescape_check((in), (lit), sizeof(lit) - 1)

static void
test_unescape(void **state)
{
	UNESC("/plain/path", "/plain/path");
	UNESC("", "");
	/* %00 would cut a C string; it becomes DEL, which is refused later. */
	UNESC("%00", "\x7f");
	UNESC("/a%00b", "/a\x7f" "b");
	UNESC("%00%00", "\x7f\x7f");
	UNESC("%000", "\x7f" "0");
	UNESC("%2500", "%00");
	/* Other escapes decode, in either case. */
	UNESC("%41%62c", "Abc");
	UNESC("/s/a%2Fb", "/s/a/b");
	UNESC("/s/a%2fb", "/s/a/b");
	UNESC("caf%C3%A9", "caf\xc3\xa9");
	UNESC("%e2%82%ac", "\xe2\x82\xac");
	UNESC("%20x%20", " x ");
	UNESC("%7F", "\x7f");
	UNESC("%0a", "\n");
	/* '+' is not a space in a path. */
	UNESC("/a+b", "/a+b");
	UNESC("/a%2Bb", "/a+b");
}

/* ---- parse_listen -------------------------------------------------------- */

static void
listen_ok4(const char *in, const char *addr, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	char text[INET_ADDRSTRLEN];

	if (parse_listen(in, &ss, &len) != 0) {
		print_error("parse_listen(\"%s\") refused\n", in);
		fail();
	}
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	assert_int_equal(ntohs(s4->sin_port), port);
	assert_non_null(inet_ntop(AF_INET, &s4->sin_addr, text, sizeof(text)));
	assert_string_equal(text, addr);
}

static void
listen_ok6(const char *in, const char *addr, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	char text[INET6_ADDRSTRLEN];

	if (parse_listen(in, &ss, &len) != 0) {
		print_error("parse_listen(\"%s\") refused\n", in);
		fail();
	}
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_int_equal(ntohs(s6->sin6_port), port);
	assert_non_null(inet_ntop(AF_INET6, &s6->sin6_addr, text, sizeof(text)));
	assert_string_equal(text, addr);
}

static void
listen_bad(const char *in)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;

	if (parse_listen(in, &ss, &len) != -1) {
		print_error("parse_listen(\"%s\") accepted\n", in);
		fail();
	}
}

static void
test_parse_listen(void **state)
{
	char longhost[400];

	listen_ok4("127.0.0.1:8080", "127.0.0.1", 8080);
	listen_ok4(":8080", "0.0.0.0", 8080);
	listen_ok4("0.0.0.0:0", "0.0.0.0", 0);
	listen_ok4("10.1.2.3:65535", "10.1.2.3", 65535);
	listen_ok6("[::1]:9000", "::1", 9000);
	listen_ok6("[::]:80", "::", 80);
	listen_ok6("[fe80::1:2]:443", "fe80::1:2", 443);
	listen_ok6("[::FFFF:127.0.0.1]:8080", "::ffff:127.0.0.1", 8080);
	listen_ok4("127.0.0.1:00080", "127.0.0.1", 80);

	listen_bad("127.0.0.1");
	listen_bad("");
	listen_bad(":");
	listen_bad("host:99999");
	listen_bad("127.0.0.1:65536");
	listen_bad("127.0.0.1:-1");
	listen_bad("1.2.3.4:");
	listen_bad("[::1");
	listen_bad("[::1]");
	listen_bad("[::1]:");
	listen_bad("[]:80");
	listen_bad("::1:80");
	listen_bad("[127.0.0.1]:80");
	listen_bad("nonsense:80");
	listen_bad("localhost:80");
	listen_bad("127.0.0.1:80x");
	listen_bad("127.0.0.1:0x50");
	listen_bad("256.0.0.1:80");
	listen_bad("127.0.0.1:80/x");
	listen_bad("127.0.0.1:80?x");
	listen_bad("user@127.0.0.1:80");
	listen_bad("[v1.x]:80");
	listen_bad("[fe80::1%25eth0]:80");
	listen_bad("127.0.0.1 :80");
	listen_bad("127.0.0.1:\t80");
	listen_bad("127.0.0.1\\:80");
	listen_bad("0x7f.1:80");
	memset(longhost, '1', sizeof(longhost));
	strcpy(longhost + 300, ":80");
	listen_bad(longhost);
}

/* ---- a real server --------------------------------------------------------- */

#define MAX_BODY 1024

/* Appends s with bytes outside printable ASCII as \xNN; NULL as <null>. */
static void
put_shown(struct buf *o, struct str s)
{
	if (s.p == NULL) {
		buf_puts(o, "<null>");
		return;
	}
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			buf_printf(o, "\\x%02x", c);
		else
			buf_putc(o, (char)c);
	}
}

static void
put_line(struct buf *o, const char *name, struct str v)
{
	buf_puts(o, name);
	buf_putc(o, '=');
	put_shown(o, v);
	buf_putc(o, '\n');
}

static atomic_int handler_calls;
static atomic_int borrowed_released;
static const char borrowed_body[] = "bytes the request does not own\n";

static void
borrowed_release(void *cls)
{
	assert_ptr_equal(cls, borrowed_body);
	atomic_fetch_add(&borrowed_released, 1);
}

static void
echo_handler(struct req *r, void *data)
{
	struct buf *o = &r->out;

	atomic_fetch_add(&handler_calls, 1);
	if (str_eq_lit(r->path, "/borrowed")) {
		http_send_borrowed(r, borrowed_body, sizeof(borrowed_body) - 1,
		    borrowed_release, (void *)borrowed_body);
		return;
	}
	r->content_type = "text/plain";
	buf_putc(o, '\n');
	put_line(o, "method", str_c(r->method_name));
	put_line(o, "path", r->path);
	for (size_t i = 0; i < r->nquery; i++) {
		buf_puts(o, "q:");
		put_shown(o, r->query[i].key);
		put_line(o, "", r->query[i].val);
	}
	put_line(o, "query.a", http_query(r, "a"));
	put_line(o, "query.q", http_query(r, "q"));
	put_line(o, "query.none", http_query(r, "none"));
	for (size_t i = 0; i < r->nform; i++) {
		buf_puts(o, "f:");
		put_shown(o, r->form[i].key);
		put_line(o, "", r->form[i].val);
	}
	put_line(o, "form.a", http_form(r, "a"));
	put_line(o, "form.b", http_form(r, "b"));
	buf_printf(o, "form.count.a=%zu\nform_bad=%d\n", http_form_count(r, "a"),
	    (int)r->form_bad);
	put_line(o, "cookie.sid", http_cookie(r, "sid"));
	put_line(o, "cookie.other", http_cookie(r, "other"));
	put_line(o, "cookie.none", http_cookie(r, "none"));
	put_line(o, "header.x-test", http_header(r, "X-Test"));
	buf_printf(o, "body.len=%zu\n", r->body.len);
	http_add_header(r, "X-Echo", "yes");
}

static struct http_server *
start_server(void)
{
	struct http_config cfg = {
		.listen = "127.0.0.1:0",
		.threads = 2,
		.max_body = MAX_BODY,
		.idle_timeout = 10,
		.max_conns = 32,
		.max_conns_per_ip = 0,
	};
	char *err = NULL;
	struct http_server *srv = http_start(&cfg, echo_handler, NULL, &err);

	if (srv == NULL) {
		print_error("http_start: %s\n", err ? err : "?");
		fail();
	}
	assert_true(http_port(srv) > 0);
	atomic_store(&handler_calls, 0);
	return srv;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Stops the server and asserts it took well under its drain time. */
static void
stop_server(struct http_server *srv)
{
	double t0 = now_s(), took;

	http_stop(srv, 5);
	took = now_s() - t0;
	if (took > 1.5) {
		print_error("http_stop took %.2f s\n", took);
		fail();
	}
}

/* One client socket and what it has read but not yet consumed. */
struct client {
	int fd;
	char in[1 << 16];
	size_t len;
};

struct response {
	int status;
	char head[4096];   /* status line and headers, NUL-terminated */
	char body[1 << 15];/* NUL-terminated */
	size_t body_len;
};

static void
client_open(struct client *c, unsigned port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 4 };

	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->len = 0;
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
}

static void
client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static void
client_send(struct client *c, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);

		assert_true(w > 0);
		p += w;
		n -= (size_t)w;
	}
}

#define SEND(c, lit) client_send((c), (lit), sizeof(lit) - 1)

/* Reads more bytes; false at end of stream or timeout. */
static bool
client_fill(struct client *c)
{
	ssize_t r;

	assert_true(c->len < sizeof(c->in));
	r = recv(c->fd, c->in + c->len, sizeof(c->in) - c->len, 0);
	if (r <= 0)
		return false;
	c->len += (size_t)r;
	return true;
}

/* Reads one whole response, framed by its Content-Length. */
static void
client_read(struct client *c, struct response *res)
{
	char *end, *cl;
	size_t head_len, body_len, total;

	while ((end = memmem(c->in, c->len, "\r\n\r\n", 4)) == NULL)
		if (!client_fill(c)) {
			print_error("no response head (%zu bytes read)\n", c->len);
			fail();
		}
	head_len = (size_t)(end - c->in) + 4;
	assert_true(head_len < sizeof(res->head));
	memcpy(res->head, c->in, head_len);
	res->head[head_len] = '\0';
	assert_int_equal(sscanf(res->head, "HTTP/1.1 %d ", &res->status), 1);
	cl = strcasestr(res->head, "\r\nContent-Length:");
	assert_non_null(cl);
	body_len = strtoul(cl + 17, NULL, 10);
	assert_true(body_len < sizeof(res->body));
	total = head_len + body_len;
	while (c->len < total)
		if (!client_fill(c)) {
			print_error("short body: %zu of %zu bytes\n", c->len - head_len,
			    body_len);
			fail();
		}
	memcpy(res->body, c->in + head_len, body_len);
	res->body[body_len] = '\0';
	res->body_len = body_len;
	memmove(c->in, c->in + total, c->len - total);
	c->len -= total;
}

/* True when the server closes the connection within a few seconds. */
static bool
client_sees_close(struct client *c)
{
	while (client_fill(c))
		;
	return recv(c->fd, c->in, 1, MSG_DONTWAIT) == 0;
}

static void
assert_has(const struct response *res, const char *line)
{
	if (strstr(res->body, line) == NULL) {
		print_error("response body lacks \"%s\":\n%s\n", line, res->body);
		fail();
	}
}

static void
test_server_get_query(void **state)
{
	struct http_server *srv = start_server();
	struct client c;
	struct response res;

	client_open(&c, http_port(srv));
	SEND(&c, "GET /p%20a+b/caf%C3%A9/x%00y?a=first&q=hello%20world+x%21"
	    "&a=second&e=&z=%00 HTTP/1.1\r\nHost: localhost\r\nX-Test: t1\r\n\r\n");
	client_read(&c, &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.head, "\r\nX-Echo: yes\r\n"));
	assert_non_null(strstr(res.head, "\r\nContent-Type: text/plain\r\n"));
	assert_has(&res, "\nmethod=GET\n");
	/* The path is decoded, '+' kept, %00 turned into 0x7F. */
	assert_has(&res, "\npath=/p a+b/caf\\xc3\\xa9/x\\x7fy\n");
	/* Query values are decoded, '+' is a space there, order is kept. */
	assert_has(&res, "\nq:a=first\nq:q=hello world x!\nq:a=second\n"
	    "q:e=\nq:z=\\x7f\n");
	/* A repeated key gives its first value. */
	assert_has(&res, "\nquery.a=first\n");
	assert_has(&res, "\nquery.q=hello world x!\n");
	assert_has(&res, "\nquery.none=<null>\n");
	assert_has(&res, "\nform.a=<null>\n");
	assert_has(&res, "\nform.count.a=0\n");
	assert_has(&res, "\ncookie.sid=<null>\n");
	assert_has(&res, "\nheader.x-test=t1\n");
	assert_has(&res, "\nbody.len=0\n");
	assert_int_equal(atomic_load(&handler_calls), 1);
	client_close(&c);
	stop_server(srv);
}

/* A borrowed body is sent as is and released once per answer. */
static void
test_server_borrowed_body(void **state)
{
	struct http_server *srv = start_server();
	struct client c;
	struct response res;

	atomic_store(&borrowed_released, 0);
	client_open(&c, http_port(srv));
	for (int i = 0; i < 2; i++) {
		SEND(&c, "GET /borrowed HTTP/1.1\r\nHost: localhost\r\n\r\n");
		client_read(&c, &res);
		assert_int_equal(res.status, 200);
		assert_int_equal(res.body_len, sizeof(borrowed_body) - 1);
		assert_string_equal(res.body, borrowed_body);
	}
	SEND(&c, "HEAD /borrowed HTTP/1.1\r\nHost: localhost\r\n\r\n");
	assert_true(client_fill(&c));
	client_close(&c);
	stop_server(srv);
	assert_int_equal(atomic_load(&borrowed_released), 3);
}

static void
test_server_post_form(void **state)
{
	static const char body[] =
	    "a=hello+world%21&b=%C3%A9t%C3%A9+%2B1&a=again&c=line%0D%0Atwo";
	struct http_server *srv = start_server();
	struct client c;
	struct response res;
	char req[512];
	int n;

	client_open(&c, http_port(srv));
	n = snprintf(req, sizeof(req), "POST /submit HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: %zu\r\n\r\n%s", sizeof(body) - 1, body);
	client_send(&c, req, (size_t)n);
	client_read(&c, &res);
	assert_int_equal(res.status, 200);
	assert_has(&res, "\nmethod=POST\n");
	assert_has(&res, "\npath=/submit\n");
	assert_has(&res, "\nf:a=hello world!\nf:b=\\xc3\\xa9t\\xc3\\xa9 +1\n"
	    "f:a=again\nf:c=line\\x0d\\x0atwo\n");
	assert_has(&res, "\nform.a=hello world!\n");
	assert_has(&res, "\nform.b=\\xc3\\xa9t\\xc3\\xa9 +1\n");
	assert_has(&res, "\nform.count.a=2\n");
	assert_has(&res, "\nform_bad=0\n");
	/* The raw body is kept as sent. */
	{
		char want[64];

		snprintf(want, sizeof(want), "\nbody.len=%zu\n", sizeof(body) - 1);
		assert_has(&res, want);
	}

	/* A broken escape marks the whole form bad, on the same connection. */
	SEND(&c, "POST /submit HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 9\r\n\r\na=ok&b=5%");
	client_read(&c, &res);
	assert_int_equal(res.status, 200);
	assert_has(&res, "\nform_bad=1\n");
	assert_has(&res, "\nform.a=<null>\n");

	/* A body that is not a form is kept but not decoded. */
	SEND(&c, "POST /submit HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 7\r\n\r\n{\"a\":1}");
	client_read(&c, &res);
	assert_int_equal(res.status, 200);
	assert_has(&res, "\nform.a=<null>\n");
	assert_has(&res, "\nform_bad=0\n");
	assert_has(&res, "\nbody.len=7\n");
	client_close(&c);
	stop_server(srv);
}

static void
test_server_cookie(void **state)
{
	struct http_server *srv = start_server();
	struct client c;
	struct response res;

	client_open(&c, http_port(srv));
	SEND(&c, "GET /c HTTP/1.1\r\nHost: x\r\n"
	    "Cookie: sid=0123abcdef; other=two%20words\r\n\r\n");
	client_read(&c, &res);
	assert_int_equal(res.status, 200);
	assert_has(&res, "\ncookie.sid=0123abcdef\n");
	/* Cookie values come as the client sent them, undecoded. */
	assert_has(&res, "\ncookie.other=two%20words\n");
	assert_has(&res, "\ncookie.none=<null>\n");
	client_close(&c);
	stop_server(srv);
}

static void
test_server_body_limit(void **state)
{
	struct http_server *srv = start_server();
	struct client c;
	struct response res;
	char *req;
	size_t n;

	/* Exactly max_body is allowed. */
	req = malloc(256 + MAX_BODY);
	assert_non_null(req);
	n = (size_t)sprintf(req, "POST /b HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n", MAX_BODY);
	memset(req + n, 'x', MAX_BODY);
	client_open(&c, http_port(srv));
	client_send(&c, req, n + MAX_BODY);
	client_read(&c, &res);
	assert_int_equal(res.status, 200);
	{
		char want[64];

		snprintf(want, sizeof(want), "\nbody.len=%d\n", MAX_BODY);
		assert_has(&res, want);
	}
	client_close(&c);
	free(req);

	/* A chunked body is refused before it is read: 411, handler not
	 * called, connection closed (see check_framing). */
	atomic_store(&handler_calls, 0);
	client_open(&c, http_port(srv));
	{
		/* One send: the server answers on the headers and closes, so a
		 * second send could meet a closed socket (EPIPE). */
		char whole[1024];

		n = (size_t)sprintf(whole, "POST /b HTTP/1.1\r\nHost: x\r\n"
		    "Content-Type: application/x-www-form-urlencoded\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n%x\r\n", 600);
		memset(whole + n, 'a', 600);
		n += 600;
		memcpy(whole + n, "\r\n0\r\n\r\n", 7);
		client_send(&c, whole, n + 7);
	}
	client_read(&c, &res);
	assert_int_equal(res.status, 411);
	assert_non_null(strstr(res.body, "411"));
	assert_null(strstr(res.body, "method="));
	assert_non_null(strcasestr(res.head, "\r\nConnection: close\r\n"));
	assert_true(client_sees_close(&c));
	assert_int_equal(atomic_load(&handler_calls), 0);
	client_close(&c);

	/* A declared Content-Length over max_body: 413 before any body. */
	client_open(&c, http_port(srv));
	SEND(&c, "POST /b HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 1025\r\n\r\n");
	client_read(&c, &res);
	assert_int_equal(res.status, 413);
	assert_non_null(strstr(res.body, "413"));
	assert_non_null(strcasestr(res.head, "\r\nConnection: close\r\n"));
	assert_true(client_sees_close(&c));
	assert_int_equal(atomic_load(&handler_calls), 0);
	client_close(&c);

	/* A huge declared length is no different. */
	client_open(&c, http_port(srv));
	SEND(&c, "POST /b HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 99999999999\r\n\r\n");
	client_read(&c, &res);
	assert_int_equal(res.status, 413);
	assert_int_equal(atomic_load(&handler_calls), 0);
	client_close(&c);
	stop_server(srv);
}

static void
test_server_keep_alive(void **state)
{
	struct http_server *srv = start_server();
	struct client c;
	struct response res;

	client_open(&c, http_port(srv));
	SEND(&c, "GET /one?a=1 HTTP/1.1\r\nHost: x\r\n\r\n");
	client_read(&c, &res);
	assert_int_equal(res.status, 200);
	assert_null(strcasestr(res.head, "Connection: close"));
	assert_has(&res, "\npath=/one\n");
	assert_has(&res, "\nquery.a=1\n");

	/* The same socket serves a second request, with its own state. */
	SEND(&c, "POST /two HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 3\r\n\r\nb=2");
	client_read(&c, &res);
	assert_int_equal(res.status, 200);
	assert_has(&res, "\npath=/two\n");
	assert_has(&res, "\nquery.a=<null>\n");
	assert_has(&res, "\nform.b=2\n");
	assert_int_equal(atomic_load(&handler_calls), 2);
	assert_int_equal(c.len, 0);

	/* Stopping with this idle connection still open is prompt, and the
	 * server closes it. */
	stop_server(srv);
	assert_true(client_sees_close(&c));
	client_close(&c);
}

static void
test_server_bad_headers(void **state)
{
	struct http_server *srv = start_server();
	struct client c;
	struct response res;
	static char big[32 * 1024];
	int n;

	/* A control byte in a header value: 400 from the server itself. */
	client_open(&c, http_port(srv));
	SEND(&c, "GET /h HTTP/1.1\r\nHost: x\r\nX-Test: a\x01" "b\r\n\r\n");
	client_read(&c, &res);
	assert_int_equal(res.status, 400);
	assert_non_null(strstr(res.body, "control"));
	assert_int_equal(atomic_load(&handler_calls), 0);
	client_close(&c);

	/* Headers over 16 KiB in all (but within the connection's memory). */
	n = sprintf(big, "GET /h HTTP/1.1\r\nHost: x\r\n");
	for (int i = 0; i < 20; i++)
		n += sprintf(big + n, "X-H%d: %01000d\r\n", i, 0);
	n += sprintf(big + n, "\r\n");
	client_open(&c, http_port(srv));
	client_send(&c, big, (size_t)n);
	client_read(&c, &res);
	assert_int_equal(res.status, 431);
	assert_int_equal(atomic_load(&handler_calls), 0);
	client_close(&c);
	stop_server(srv);
}

/* Ambiguous framing: refused before any body, answer closes. */
static void
test_server_framing(void **state)
{
	static const struct {
		const char *head;   /* after the request line and Host */
		int status;
	} cases[] = {
		{ "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400 },
		{ "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", 400 },
		{ "Transfer-Encoding: gzip, chunked\r\n", 400 },
		{ "Transfer-Encoding: identity\r\n", 400 },
		{ "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
		    400 },
		{ "Content-Length: 5\r\nContent-Length: 5\r\n", 400 },
		{ "Content-Length : 5\r\n", 400 },
		{ "Host: y\r\n", 400 },
		{ "Transfer-Encoding: chunked\r\n", 411 },
		{ "Transfer-Encoding: Chunked\r\n", 411 },
	};
	struct http_server *srv = start_server();
	struct client c;
	struct response res;
	char req[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = snprintf(req, sizeof(req), "POST /b HTTP/1.1\r\nHost: x\r\n"
		    "%s\r\n5\r\nhello\r\n0\r\n\r\n"
		    "GET /second HTTP/1.1\r\nHost: x\r\n\r\n", cases[i].head);

		atomic_store(&handler_calls, 0);
		client_open(&c, http_port(srv));
		client_send(&c, req, (size_t)n);
		client_read(&c, &res);
		if (res.status != cases[i].status) {
			print_error("case %zu (%s): status %d\n", i, cases[i].head,
			    res.status);
			fail();
		}
		assert_non_null(strcasestr(res.head, "\r\nConnection: close\r\n"));
		assert_true(client_sees_close(&c));
		assert_int_equal(c.len, 0); /* no second answer */
		assert_int_equal(atomic_load(&handler_calls), 0);
		client_close(&c);
	}
	stop_server(srv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percent_ok),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_parse_listen),
		cmocka_unit_test(test_server_get_query),
		cmocka_unit_test(test_server_borrowed_body),
		cmocka_unit_test(test_server_post_form),
		cmocka_unit_test(test_server_cookie),
		cmocka_unit_test(test_server_body_limit),
		cmocka_unit_test(test_server_keep_alive),
		cmocka_unit_test(test_server_bad_headers),
		cmocka_unit_test(test_server_framing),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
