/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz_framing.c: whole byte streams through the real connection code,
 * libmicrohttpd included: http_start serves on a loopback port, each
 * input is written on a fresh connection as it stands (several pipelined
 * requests, bodies by Content-Length or chunked, broken framing),
 * followed by one last valid request with "Connection: close", the write
 * side is shut, and every byte the server sends back is read until it
 * closes. (The last request makes the server close at once: after a
 * pipelined request, libmicrohttpd may notice the client's shutdown only
 * at idle_timeout.) Behind a refused request, the last one must never be
 * answered. The handler answers 200 with an empty body and the header
 * "X-Handled: 1", so an answer the application gave can be told from one
 * the server or libmicrohttpd gave on its own.
 *
 * The handler checks that it is only ever given a request with plain
 * framing: no Transfer-Encoding, at most one Content-Length, field names
 * without spaces or control bytes (a smuggled request is handled without
 * any 4xx, so the checks on answers alone would not see it). The answers
 * are split by their Content-Length (1xx have none) and checked:
 * - after the first 4xx (only the server or libmicrohttpd answer those
 *   here: a refused request) nothing more is sent: no further answer, no
 *   request handled. libmicrohttpd 0.9.75 repeats the head of an answer
 *   it gives itself for a Content-Length it cannot parse or a missing
 *   Host; one exact repeat is allowed (docs/decisions/007);
 * - a refusal carries "Connection: close";
 * - no 5xx but libmicrohttpd's 505 for an HTTP version it does not
 *   speak: a client's mistake is never a server error;
 * - after a refusal, the handler ran exactly as often as an answer with
 *   X-Handled came back before it, so no request behind the refusal was
 *   handled, answered or not. Without a refusal one answer may be
 *   missing: libmicrohttpd takes the client's shutdown while it still
 *   reads a request (after "100 Continue", say) for an abort and closes
 *   without the answer of a request it had just handled.
 * The server runs for the whole process; each input waits for the close,
 * so the handler counter belongs to one input at a time.
 */
#include "fuzz.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http/http.h"

#define MAX_BODY_FUZZ 512     /* small, so that 413 is reachable */
#define LAST "GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
#define MAX_OUT (1024 * 1024) /* answers read back per input */

static struct http_server *srv;
static atomic_uint handled;  /* handler calls, reset per input */

/* Counts the framing fields of a request the handler was given. */
struct seen {
	unsigned cl, te;
	bool bad_name;
};

static enum MHD_Result
count_fields(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct seen *s = cls;

	if (key_size == 14 && strncasecmp(key, "Content-Length", 14) == 0)
		s->cl++;
	if (key_size == 17 && strncasecmp(key, "Transfer-Encoding", 17) == 0)
		s->te++;
	for (size_t i = 0; i < key_size; i++)
		if (key[i] <= ' ' || key[i] == ':' || key[i] >= 0x7f)
			s->bad_name = true;
	return MHD_YES;
}

/*
 * The application must only ever see a request whose body no one can
 * frame otherwise: no Transfer-Encoding, at most one Content-Length, no
 * field name holding a space or a control byte. r->conn is private to
 * src/http; a test may look.
 */
static void
handler(struct req *r, void *data)
{
	struct seen s = { 0 };

	MHD_get_connection_values_n(r->conn, MHD_HEADER_KIND, count_fields, &s);
	FUZZ_CHECK(s.te == 0, "a request with Transfer-Encoding was handled");
	FUZZ_CHECK(s.cl <= 1, "a request with %u Content-Lengths was handled",
	    s.cl);
	FUZZ_CHECK(!s.bad_name, "a request with a malformed field name was "
	    "handled");
	atomic_fetch_add(&handled, 1);
	r->status = 200;
	http_add_header(r, "X-Handled", "1");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct http_config cfg = {
		.listen = "127.0.0.1:0",
		.threads = 1,
		.max_body = MAX_BODY_FUZZ,
		.idle_timeout = 2,       /* a stuck connection ends anyway */
		.request_timeout = 0,
		.max_conns = 64,
	};
	char *err = NULL;

	log_set_level(LOG_ERR);
	srv = http_start(&cfg, handler, NULL, &err);
	if (srv == NULL) {
		fprintf(stderr, "fuzz_framing: http_start: %s\n", err);
		abort();
	}
	return 0;
}

/*
 * Writes in[0..n) and reads until the server closes, interleaved so that
 * a server that stops reading cannot block the writer. Returns the bytes
 * read (malloc; *out_len set); aborts on a server that neither answers
 * nor closes.
 */
static char *
exchange(const uint8_t *in, size_t n, size_t *out_len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char *out = malloc(MAX_OUT);
	size_t got = 0, sent = 0;
	bool wr_open = true;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	FUZZ_CHECK(out != NULL && fd >= 0, "no memory or socket");
	sa.sin_port = htons((uint16_t)http_port(srv));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		/* libFuzzer's timer signal may interrupt it; the connection
		 * then completes on its own. */
		struct pollfd pfd = { fd, POLLOUT, 0 };
		int err = errno;
		socklen_t len = sizeof(err);

		FUZZ_CHECK(err == EINTR, "connect: %s", strerror(err));
		while (poll(&pfd, 1, 8000) < 0 && errno == EINTR)
			;
		FUZZ_CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
		    err == 0, "connect: %s", strerror(err));
	}
	if (n == 0) {
		shutdown(fd, SHUT_WR);
		wr_open = false;
	}
	for (;;) {
		struct pollfd pfd = { fd, POLLIN | (wr_open ? POLLOUT : 0), 0 };
		int pr = poll(&pfd, 1, 8000);

		if (pr < 0 && errno == EINTR)
			continue;
		FUZZ_CHECK(pr > 0, "the server neither answered nor closed "
		    "within 8 s (%zu of %zu bytes sent)", sent, n);
		if (wr_open && (pfd.revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = send(fd, in + sent, n - sent,
			    MSG_NOSIGNAL | MSG_DONTWAIT);

			if (w > 0)
				sent += (size_t)w;
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				sent = n; /* closed on us: the rest is moot */
			if (sent == n) {
				shutdown(fd, SHUT_WR);
				wr_open = false;
			}
		}
		if (pfd.revents & (POLLIN | POLLERR | POLLHUP)) {
			ssize_t r = recv(fd, out + got, MAX_OUT - got, MSG_DONTWAIT);

			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
				break; /* closed, or reset after a refusal */
			if (r > 0)
				got += (size_t)r;
			FUZZ_CHECK(got < MAX_OUT, "over %d bytes of answers", MAX_OUT);
		}
	}
	close(fd);
	*out_len = got;
	return out;
}

/* One answer's head: its status and the length of its body. */
struct head {
	int status;
	size_t head_len;     /* through the blank line */
	size_t body_len;     /* by Content-Length; 0 for 1xx */
	bool has_cl;
	bool closes;         /* Connection: close */
	bool handled;        /* X-Handled: the application answered */
};

/* Finds the header line "name:" in head (its first n bytes). */
static const char *
find_field(const char *h, size_t n, const char *name)
{
	size_t nl = strlen(name);

	for (const char *p = h; p != NULL && p < h + n;) {
		const char *eol = memmem(p, (size_t)(h + n - p), "\r\n", 2);

		if (eol == NULL)
			return NULL;
		p = eol + 2;
		if ((size_t)(h + n - p) > nl && strncasecmp(p, name, nl) == 0 &&
		    p[nl] == ':')
			return p + nl + 1;
	}
	return NULL;
}

/* Parses the head at s (n bytes); false when it is not a whole head. */
static bool
parse_head(const char *s, size_t n, struct head *hd)
{
	const char *end = memmem(s, n, "\r\n\r\n", 4);
	const char *v;

	memset(hd, 0, sizeof(*hd));
	if (n < 12 || end == NULL || memcmp(s, "HTTP/1.", 7) != 0 ||
	    s[8] != ' ' || sscanf(s + 9, "%3d", &hd->status) != 1)
		return false;
	hd->head_len = (size_t)(end - s) + 4;
	if ((v = find_field(s, hd->head_len, "Content-Length")) != NULL) {
		hd->has_cl = true;
		hd->body_len = strtoul(v, NULL, 10);
	}
	if (hd->status < 200)
		hd->body_len = 0;
	v = find_field(s, hd->head_len, "Connection");
	hd->closes = v != NULL && strncasecmp(v + strspn(v, " "), "close", 5) == 0;
	hd->handled = find_field(s, hd->head_len, "X-Handled") != NULL;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n, off = 0;
	unsigned answered = 0, calls;
	bool refused = false;
	char *out;
	uint8_t *in = malloc(size + sizeof(LAST) - 1);

	FUZZ_CHECK(in != NULL, "no memory");
	memcpy(in, data, size);
	memcpy(in + size, LAST, sizeof(LAST) - 1);
	atomic_store(&handled, 0);
	out = exchange(in, size + sizeof(LAST) - 1, &n);
	free(in);
	while (off < n) {
		struct head hd;

		FUZZ_CHECK(parse_head(out + off, n - off, &hd), "bytes that are "
		    "no answer where one should start (offset %zu)", off);
		FUZZ_CHECK(hd.status < 500 || hd.status == 505, "a client's "
		    "mistake got %d", hd.status);
		if (hd.handled)
			answered++;
		if (hd.status >= 400) {
			const char *rest = out + off + hd.head_len;
			size_t left = n - off - hd.head_len;

			FUZZ_CHECK(hd.closes, "a %d without Connection: close",
			    hd.status);
			/* libmicrohttpd 0.9.75's own answers may repeat their
			 * head once (its Date may tick in between); anything
			 * else after it is a second answer. */
			{
				struct head again;

				if (!hd.handled && parse_head(rest, left, &again) &&
				    again.status == hd.status &&
				    again.body_len == hd.body_len && !again.handled) {
					rest += again.head_len;
					left -= again.head_len;
				}
			}
			FUZZ_CHECK(left <= hd.body_len, "%zu bytes after a %d whose "
			    "body has %zu", left, hd.status, hd.body_len);
			FUZZ_CHECK(memmem(rest, left, "HTTP/1.", 7) == NULL,
			    "an answer after a %d", hd.status);
			refused = true;
			break;
		}
		FUZZ_CHECK(hd.has_cl || hd.status < 200, "a %d without "
		    "Content-Length", hd.status);
		/* A HEAD answer has no body; it is not told apart here, so
		 * an answer cut short ends the walk. */
		if (n - off - hd.head_len < hd.body_len)
			break;
		off += hd.head_len + hd.body_len;
	}
	calls = atomic_load(&handled);
	FUZZ_CHECK(calls >= answered && calls - answered <= (refused ? 0 : 1),
	    "%u requests handled, %u answers from the handler seen%s", calls,
	    answered, refused ? " before a refusal" : "");
	free(out);
	return 0;
}
