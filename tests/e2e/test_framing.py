# SPDX-License-Identifier: AGPL-3.0-or-later
"""Request framing and smuggling (issue 11), on raw sockets.

Each case sends one stream of bytes on a fresh connection: a request whose
framing is broken or ambiguous, then a valid request pipelined behind it.
The server must answer the first with one 4xx and close the connection;
the request behind it is never answered, because after a framing error
nothing on that connection is a request.  Responses are split by their
own Content-Length, the way a proxy in front would read them.

The classes, as docs/SECURITY.md lists them:
1. both Content-Length and Transfer-Encoding (or any Transfer-Encoding
   that is not one plain `chunked`): 400;
2. a Content-Length that is not a number, overflows 64 bits or comes
   twice: 400 or 413;
3. chunked framing with bare LF line endings: refused (chunked request
   bodies are refused altogether, 411);
4. a chunk extension or chunk-size line of 100 KB: a prompt 4xx, never a
   5xx;
5. any other malformed request in front of a valid one: at most one 4xx,
   then the connection closes.
"""

import os
import re
import shutil
import socket
import tempfile
import threading
import time
import unittest

from harness import ParleyTestCase
from test_many_servers import NGINX, Proxy

# The pipelined request that must never be answered.  Its path would
# answer 200 if it were read as a request.
VALID = b"GET /welcome HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def exchange(port, data, timeout=5.0):
    """Sends data (from a thread, so that a server that stops reading
    cannot block us) and reads until the server closes or timeout.
    Returns (raw bytes, closed, seconds until the close or timeout)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    start = time.monotonic()

    def send():
        try:
            s.sendall(data)
        except OSError:
            pass  # the server answered and closed before reading it all

    t = threading.Thread(target=send, daemon=True)
    t.start()
    buf = b""
    closed = False
    deadline = start + timeout
    try:
        while time.monotonic() < deadline:
            s.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True  # a close with unread input is a reset
                break
            if not chunk:
                closed = True
                break
            buf += chunk
    finally:
        took = time.monotonic() - start
        s.close()
        t.join(timeout=2)
    return buf, closed, took


def split_responses(buf):
    """Splits raw bytes into (status, head, body) by each response's
    Content-Length; returns (responses, bytes left that are no response)."""
    out = []
    while buf.startswith(b"HTTP/1."):
        head, sep, rest = buf.partition(b"\r\n\r\n")
        if not sep:
            break
        m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
        cl = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
        if not m or not cl or len(rest) < int(cl.group(1)):
            break
        n = int(cl.group(1))
        out.append((int(m.group(1)), head, rest[:n]))
        buf = rest[n:]
    return out, buf


class FramingTest(ParleyTestCase):

    def setUp(self):
        self.port = self.server.port
        self.host = b"Host: 127.0.0.1:%d\r\n" % self.port

    def post(self, head, body=b""):
        """A POST to /welcome with extra head lines and raw body bytes."""
        return b"POST /welcome HTTP/1.1\r\n" + self.host + head + b"\r\n" + body

    def assertRefusedAndClosed(self, data, statuses, what, timeout=5.0,
                               max_seconds=3.0, may_drop=False):
        """One answer with a status in `statuses`, then the connection
        closes; the request behind it gets no answer."""
        buf, closed, took = exchange(self.port, data, timeout)
        responses, _left = split_responses(buf)
        if may_drop and not responses:
            self.assertTrue(closed, "%s: neither answered nor closed" % what)
        else:
            self.assertEqual(len(responses), 1, "%s: want one answer, got %r"
                             % (what, buf[:600]))
            self.assertIn(responses[0][0], statuses, "%s: %r" % (what, buf[:600]))
            self.assertRegex(responses[0][1].decode("latin-1"),
                             r"(?im)^connection:\s*close", what)
        self.assertTrue(closed, "%s: connection left open after %r" % (what, buf[:300]))
        self.assertLess(took, max_seconds, "%s: took %.1f s" % (what, took))
        # The pipelined request was never read as one: nothing after the
        # refusal is a 2xx answer or the page it asks for.
        self.assertNotIn(b" 200 OK", buf, what)
        self.assertNotIn(b"<!DOCTYPE", buf, what)
        for status, _h, _b in responses:
            self.assertLess(status, 500, "%s: a client's mistake got %d" % (what, status))
        self.assertAlive()

    def check_cases(self, cases, statuses, **kw):
        for label, data in cases:
            with self.subTest(case=label):
                self.assertRefusedAndClosed(data, statuses, label, **kw)

    # -- the framing the server must keep accepting -----------------------------

    def test_valid_pipelining_stays_open(self):
        body = b"a=1"
        data = (VALID + self.post(b"Content-Type: application/x-www-form-urlencoded\r\n"
                                  b"Content-Length: 3\r\n", body) + VALID)
        buf, closed, _took = exchange(self.port, data, timeout=2.0)
        responses, left = split_responses(buf)
        self.assertEqual(len(responses), 3, buf[:300])
        self.assertEqual(responses[0][0], 200)
        self.assertLess(responses[1][0], 500)  # a POST without csrf: 403
        self.assertEqual(responses[2][0], 200)
        self.assertEqual(left, b"")
        self.assertFalse(closed, "keep-alive lost on valid pipelined requests")

    def test_get_with_a_body_is_framed_by_content_length(self):
        data = (b"GET /welcome HTTP/1.1\r\n" + self.host + b"Content-Length: 5\r\n\r\n"
                b"hello" + VALID)
        buf, _closed, _took = exchange(self.port, data, timeout=2.0)
        responses, _left = split_responses(buf)
        self.assertEqual([r[0] for r in responses], [200, 200], buf[:300])

    # -- 1. Content-Length and Transfer-Encoding --------------------------------

    def test_1_content_length_and_transfer_encoding(self):
        chunked_end = b"0\r\n\r\n"
        cases = [
            ("CL then TE, request hidden in the body",
             self.post(b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n"
                       % (len(chunked_end) + len(VALID)), chunked_end + VALID)),
            ("TE then CL",
             self.post(b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
                       chunked_end + VALID)),
            ("CL 0 then TE",
             self.post(b"Content-Length: 0\r\nTransfer-Encoding: chunked\r\n",
                       b"5\r\nhello\r\n" + chunked_end + VALID)),
            ("TE gzip, chunked", self.post(b"Transfer-Encoding: gzip, chunked\r\n",
                                           chunked_end + VALID)),
            ("TE chunked, identity", self.post(b"Transfer-Encoding: chunked, identity\r\n",
                                               chunked_end + VALID)),
            ("TE identity", self.post(b"Transfer-Encoding: identity\r\n", VALID)),
            ("TE xchunked", self.post(b"Transfer-Encoding: xchunked\r\n",
                                      chunked_end + VALID)),
            ("TE twice", self.post(b"Transfer-Encoding: chunked\r\n"
                                   b"Transfer-Encoding: chunked\r\n", chunked_end + VALID)),
            ("TE with a space before the colon",
             self.post(b"Transfer-Encoding : chunked\r\nContent-Length: 5\r\n",
                       chunked_end + VALID)),
            ("CL with a space before the colon",
             self.post(b"Content-Length : 5\r\n", b"hello" + VALID)),
            ("TE with a tab before the colon",
             self.post(b"Transfer-Encoding\t: chunked\r\n", chunked_end + VALID)),
            ("two Host fields",
             b"GET /welcome HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n" + VALID),
            ("TE on HTTP/1.0 with CL",
             b"POST /welcome HTTP/1.0\r\n" + self.host + b"Content-Length: 5\r\n"
             b"Transfer-Encoding: chunked\r\n\r\n" + chunked_end + VALID),
        ]
        self.check_cases(cases, (400,))

    # -- 2. Content-Length that is no number ------------------------------------

    def test_2_broken_content_length(self):
        # libmicrohttpd answers most of these itself before Parley sees the
        # request (400, or 413 for a number over 64 bits) and closes.
        cases = [(label, self.post(b"Content-Length: " + value + b"\r\n", b"hello" + VALID))
                 for label, value in [
                     ("over 64 bits", b"18446744073709551616"),
                     ("23 digits", b"99999999999999999999999"),
                     ("not a number", b"abc"),
                     ("negative", b"-5"),
                     ("plus sign", b"+5"),
                     ("hex", b"0x5"),
                     ("a list", b"5, 5"),
                     ("two numbers", b"5 5"),
                     ("empty", b""),
                 ]]
        cases += [
            ("two equal Content-Lengths",
             self.post(b"Content-Length: 5\r\nContent-Length: 5\r\n", b"hello" + VALID)),
            ("two different Content-Lengths",
             self.post(b"Content-Length: 5\r\nContent-Length: 0\r\n", b"hello" + VALID)),
        ]
        self.check_cases(cases, (400, 413))

    # -- 3. chunked framing with bare LF ----------------------------------------

    def test_3_chunked_with_bare_lf(self):
        te = b"Transfer-Encoding: chunked\r\n"
        cases = [
            ("LF everywhere", self.post(te, b"3\nabc\n0\n\n" + VALID)),
            ("LF after the size", self.post(te, b"3\nabc\r\n0\r\n\r\n" + VALID)),
            ("LF after the data", self.post(te, b"3\r\nabc\n0\r\n\r\n" + VALID)),
            ("LF after the last chunk", self.post(te, b"3\r\nabc\r\n0\n\r\n" + VALID)),
            ("CR alone", self.post(te, b"3\rabc\r0\r\r" + VALID)),
            # A well-formed chunked body is refused the same way: Parley
            # takes bodies by Content-Length only (decision 007).
            ("well-formed chunked", self.post(te, b"3\r\nabc\r\n0\r\n\r\n" + VALID)),
        ]
        self.check_cases(cases, (400, 411))

    # -- 4. oversized chunk lines -----------------------------------------------

    def test_4_long_chunk_lines_get_a_prompt_4xx(self):
        te = b"Transfer-Encoding: chunked\r\n"
        cases = [
            ("100 KB chunk extension",
             self.post(te, b"3;" + b"x" * 100000 + b"\r\nabc\r\n0\r\n\r\n" + VALID)),
            ("100 KB of extensions",
             self.post(te, b"3" + b";a=b" * 25000 + b"\r\nabc\r\n0\r\n\r\n" + VALID)),
            ("100 KB chunk-size line", self.post(te, b"0" * 100000 + b"3\r\nabc\r\n0\r\n\r\n" + VALID)),
            ("100 KB trailer", self.post(te, b"0\r\nX-T: " + b"t" * 100000 + b"\r\n\r\n" + VALID)),
        ]
        self.check_cases(cases, (400, 411, 413), max_seconds=2.0)

    # -- 5. anything malformed in front of a valid request ----------------------

    def test_5_malformed_then_valid(self):
        cases = [
            ("control byte in a header",
             b"GET /welcome HTTP/1.1\r\n" + self.host + b"X-A: a\x01b\r\n\r\n" + VALID),
            ("header line without a colon",
             b"GET /welcome HTTP/1.1\r\n" + self.host + b"NoColon\r\n\r\n" + VALID),
            ("20 KB of headers",
             b"GET /welcome HTTP/1.1\r\n" + self.host + b"X-A: " + b"a" * 20000 + b"\r\n\r\n"
             + VALID),
            ("100 KB header", b"GET /welcome HTTP/1.1\r\n" + self.host + b"X-A: "
             + b"a" * 100000 + b"\r\n\r\n" + VALID),
            ("declared body over the limit",
             self.post(b"Content-Length: 100000000\r\n", VALID)),
            ("body over the limit", self.post(b"Content-Length: 70000\r\n", b"x" * 70000 + VALID)),
            ("no Host on HTTP/1.1", b"GET /welcome HTTP/1.1\r\n\r\n" + VALID),
            ("bad version", b"GET /welcome http/1.1\r\n" + self.host + b"\r\n" + VALID),
        ]
        self.check_cases(cases, (400, 413, 431))

    def test_5_unparseable_request_lines_close_unanswered(self):
        # libmicrohttpd drops a connection whose request line is not HTTP
        # without an answer; what matters is that the valid request behind
        # it is not answered either.
        cases = [
            ("no target", b"GET\r\n\r\n" + VALID),
            ("TLS hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n" + VALID),
            ("space in the target", b"GET /a b HTTP/1.1\r\n" + self.host + b"\r\n" + VALID),
        ]
        self.check_cases(cases, (400,), may_drop=True)

    def test_5_unsupported_versions(self):
        # HTTP/2.0 or 0.9 on a request line: libmicrohttpd's own 505, the
        # status RFC 9110 gives that case, and the connection closes.
        for version in (b"HTTP/2.0", b"HTTP/0.9"):
            with self.subTest(version=version):
                buf, closed, _took = exchange(
                    self.port, b"GET /welcome " + version + b"\r\n" + self.host + b"\r\n" + VALID)
                self.assertTrue(buf.startswith(b"HTTP/1.1 505 "), buf[:200])
                self.assertNotIn(b" 200 OK", buf)
                self.assertTrue(closed)
        self.assertAlive()


class BehindNginxTest(ParleyTestCase):
    """The settings docs/DEPLOY.md recommends (nginx's defaults: HTTP/1.0
    upstream, request buffering on) keep the proxy's framing and Parley's
    in agreement: nginx refuses the ambiguous cases itself and turns a
    chunked body into one with a Content-Length, so a client's chunked
    upload works behind it although Parley alone answers it 411."""

    @classmethod
    def setUpServer(cls):
        if not os.access(NGINX, os.X_OK):
            raise unittest.SkipTest("nginx is not installed")
        cls.tmp = tempfile.mkdtemp(prefix="parley-framing-nginx-")
        cls.proxy = Proxy(cls.tmp, cls.server, cls.server)

    @classmethod
    def tearDownClass(cls):
        proxy = getattr(cls, "proxy", None)
        if proxy is not None:
            proxy.stop()
        shutil.rmtree(getattr(cls, "tmp", "") or "/nonexistent", ignore_errors=True)
        super().tearDownClass()

    def send(self, data):
        buf, _closed, _took = exchange(self.proxy.port, data, timeout=3.0)
        return split_responses(buf)[0]

    def test_chunked_body_reaches_parley_with_a_length(self):
        host = b"Host: 127.0.0.1:%d\r\n" % self.proxy.port
        responses = self.send(b"POST /login HTTP/1.1\r\n" + host +
                              b"Content-Type: application/x-www-form-urlencoded\r\n"
                              b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                              b"9\r\nusername=\r\n0\r\n\r\n")
        self.assertEqual(len(responses), 1)
        # Parley read the form (a POST without its csrf field: 403), not 411.
        self.assertEqual(responses[0][0], 403, responses[0][1])

    def test_nginx_refuses_content_length_with_chunked(self):
        host = b"Host: 127.0.0.1:%d\r\n" % self.proxy.port
        responses = self.send(b"POST /welcome HTTP/1.1\r\n" + host +
                              b"Content-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n"
                              b"0\r\n\r\n" + VALID)
        self.assertTrue(responses, "no answer")
        self.assertEqual(responses[0][0], 400, responses[0][1])
        self.assertIn(b"nginx", responses[0][2])  # nginx's own page
        self.assertEqual(len(responses), 1)
