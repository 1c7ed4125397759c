# SPDX-License-Identifier: AGPL-3.0-or-later
"""Bad input: every malformed request gets a 4xx, never a 5xx or a crash,
and changes nothing."""

import time
import unittest
import urllib.parse

from harness import Browser, ParleyTestCase, raw_request, signed_out, uniq

TRAVERSAL_MARKERS = (b"root:x:0:0", b"root:*:0:0", b"[boot loader]")


class BadInputTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        name = uniq("badm")
        cls.server.add_user(name, "correct-horse-1", admin=True)
        cls.author = Browser(cls.server)
        cls.author.login(name, "correct-horse-1")
        cls.comm = uniq("Bad")
        cls.author.create_community(cls.comm)
        cls.pid = cls.author.submit_text(cls.comm, "Target post", "target body")
        cls.cid = cls.author.comment(cls.comm, cls.pid, "target comment")
        cls.post_path = "/s/%s/p/%d" % (cls.comm, cls.pid)

    # -- helpers ---------------------------------------------------------------

    def state(self):
        b = Browser(self.server)
        return {"thread": self.thread_snapshot(self.comm, self.pid, b),
                "listing": self.listing_snapshot(self.comm, b),
                "user": self.user_snapshot(self.author.name, b),
                "front": [p["id"] for p in b.get_json("/?sort=new")["posts"]]}

    def raw(self, method, path, body=b"", headers=None, cookie=True, timeout=10.0,
            head_extra=b""):
        """Send one raw request (bytes allowed anywhere); return (status, bytes)."""
        if isinstance(path, str):
            path = path.encode("latin-1")
        if isinstance(body, str):
            body = body.encode("latin-1")
        lines = [b"%s %s HTTP/1.1" % (method.encode(), path),
                 b"Host: 127.0.0.1:%d" % self.server.port,
                 b"Connection: close"]
        if cookie and self.author.cookies:
            lines.append(b"Cookie: " + self.author.cookie_header().encode())
        hdrs = {"Origin": self.server.origin}
        if body:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
            hdrs["Content-Length"] = str(len(body))
        hdrs.update(headers or {})
        for k, v in hdrs.items():
            if v is not None:
                lines.append(("%s: %s" % (k, v)).encode("latin-1"))
        data = b"\r\n".join(lines) + b"\r\n" + head_extra + b"\r\n" + body
        return raw_request(self.server.port, data, timeout=timeout)

    def form(self, pairs):
        """Form body from (name, bytes-or-str) pairs already percent-encoded
        by the caller where it says so: values are used verbatim."""
        out = []
        for k, v in pairs:
            out.append(k + "=" + v)
        return "&".join(out)

    def csrf(self):
        return urllib.parse.quote(self.author.csrf, safe="")

    def assertRefused(self, result, allowed=None, what="", may_drop=False):
        status, data = result
        if status is None and may_drop:
            return
        if status is None:
            self.fail("%s: no HTTP answer at all (connection dropped): %r" % (what, data[:200]))
        if allowed is not None:
            self.assertIn(status, allowed, "%s: %r" % (what, data[:300]))
        else:
            self.assertTrue(400 <= status <= 499, "%s: expected 4xx, got %d: %r"
                            % (what, status, data[:300]))

    def check_all(self, cases, allowed=None, may_drop=()):
        """cases: list of (label, callable returning (status, data)); labels in
        may_drop may also be answered by closing the connection."""
        before = self.state()
        for label, fn in cases:
            with self.subTest(case=label):
                self.assertRefused(fn(), allowed, label, label in may_drop)
                self.assertAlive()
        self.assertEqual(before, self.state(), "a refused request changed something")

    def post_form(self, path, body):
        return lambda: self.raw("POST", path, body)

    # -- form fields -------------------------------------------------------------

    def test_malformed_percent_encoding(self):
        cpath = self.post_path + "/comment"
        s = self.csrf()
        cases = [("body %ZZ", self.post_form(cpath, "body=%ZZbad&csrf=" + s)),
                 ("body trailing %", self.post_form(cpath, "body=50%&csrf=" + s)),
                 ("body %E", self.post_form(cpath, "body=%E&csrf=" + s)),
                 ("name %G1", self.post_form("/create", "name=a%G1bc&title=t&description=d&csrf=" + s)),
                 ("path %ZZ", lambda: self.raw("GET", "/s/%ZZ")),
                 ("path %", lambda: self.raw("GET", "/u/abc%")),
                 ("query %ZZ", lambda: self.raw("GET", "/?sort=%ZZ"))]
        self.check_all(cases, allowed=None)

    def test_invalid_utf8(self):
        cpath = self.post_path + "/comment"
        s = self.csrf()
        cases = []
        for bad in ("%FF%FE", "%C3%28", "%C0%AF", "%ED%A0%80", "%F8%88%80%80%80", "abc%80"):
            cases.append(("comment " + bad, self.post_form(cpath, "body=x" + bad + "y&csrf=" + s)))
            cases.append(("title " + bad, self.post_form(
                "/submit", "community=%s&title=t%s&body=b&csrf=%s" % (self.comm, bad, s))))
        cases.append(("username", lambda: self.raw(
            "POST", "/register", "username=ab%FFcd&password=correct-horse-1&csrf=" + s)))
        cases.append(("raw bytes in body", self.post_form(cpath, b"body=\xff\xfe\xfd&csrf=" + s.encode())))
        cases.append(("path", lambda: self.raw("GET", "/u/%FF%FE")))
        self.check_all(cases)

    def test_nul_bytes(self):
        cpath = self.post_path + "/comment"
        s = self.csrf()
        cases = [("comment", self.post_form(cpath, "body=abc%00def&csrf=" + s)),
                 ("title", self.post_form("/submit", "community=%s&title=a%%00b&body=x&csrf=%s"
                                          % (self.comm, s))),
                 ("community", self.post_form("/submit", "community=%s%%00&title=t&body=x&csrf=%s"
                                              % (self.comm, s))),
                 ("username", self.post_form("/register",
                                             "username=ab%00cd&password=correct-horse-1&csrf=" + s)),
                 ("vote id", self.post_form("/vote", "kind=post&id=%d%%00&dir=1&csrf=%s"
                                            % (self.pid, s))),
                 ("raw NUL in path", lambda: self.raw("GET", b"/s/a\x00b")),
                 ("NUL in path", lambda: self.raw("GET", "/s/%s%%00" % self.comm))]
        self.check_all(cases)
        # libmicrohttpd ends a header value at a raw NUL, so the application
        # never sees the byte: a plain answer is as right as a refusal.
        self.check_all([("raw NUL in header", lambda: self.raw(
            "GET", "/", head_extra=b"X-Bad: a\x00b\r\n"))], allowed=(200, 400))

    def test_oversized_fields(self):
        s = self.csrf()
        cpath = self.post_path + "/comment"
        cases = [("title 5000", self.post_form(
                     "/submit", "community=%s&title=%s&body=x&csrf=%s" % (self.comm, "t" * 5000, s))),
                 ("community name 1000", self.post_form(
                     "/create", "name=%s&title=t&description=d&csrf=%s" % ("n" * 1000, s))),
                 ("username 1000", self.post_form(
                     "/register", "username=%s&password=correct-horse-1&csrf=%s" % ("u" * 1000, s))),
                 ("comment 20000", self.post_form(cpath, "body=%s&csrf=%s" % ("c" * 20000, s)))]
        self.check_all(cases, allowed=(400,))

    def test_oversized_body(self):
        s = self.csrf()
        cpath = self.post_path + "/comment"
        big = "body=%s&csrf=%s" % ("b" * 70000, s)
        cases = [("70 KB comment", self.post_form(cpath, big)),
                 ("1 MB submit", self.post_form("/submit", "community=%s&title=t&body=%s&csrf=%s"
                                                % (self.comm, "x" * 1000000, s)))]
        self.check_all(cases, allowed=(413,))

    def test_huge_declared_length_answered_promptly(self):
        before = self.state()
        start = time.monotonic()
        status, data = self.raw("POST", self.post_path + "/comment",
                                headers={"Content-Type": "application/x-www-form-urlencoded",
                                         "Content-Length": "100000000"}, timeout=8.0)
        self.assertEqual(status, 413, data[:300])
        self.assertLess(time.monotonic() - start, 8.0)
        self.assertAlive()
        self.assertEqual(before, self.state())

    def test_huge_headers(self):
        allowed = (400, 413, 431)
        cases = [("one 20 KiB header", lambda: self.raw("GET", "/", headers={"X-Junk": "a" * 20000})),
                 ("20 KiB cookie", lambda: self.raw("GET", "/", cookie=False,
                                                    headers={"Cookie": "c=" + "z" * 20000})),
                 ("2000 headers", lambda: self.raw("GET", "/", head_extra=b"".join(
                     b"X-H-%d: v\r\n" % i for i in range(2000)))),
                 ("64 KiB header on a POST", lambda: self.raw(
                     "POST", self.post_path + "/comment", "body=x&csrf=" + self.csrf(),
                     headers={"X-Junk": "q" * 65536}))]
        self.check_all(cases, allowed=allowed)

    # -- cookies -------------------------------------------------------------------

    def test_garbage_cookies_are_ignored(self):
        names = list(self.author.cookies) or ["session"]
        values = ["garbage", "A" * 4000, "%00%FF", '"quoted"', "=", "..%2F..%2F", "\u00e9".encode("utf-8").decode("latin-1"),
                  "12345", "-1", "' OR 1=1 --"]
        cookies = [";;;;", "=====", "a=b=c; d", "  ", "x"]
        for n in names:
            cookies += ["%s=%s" % (n, v) for v in values]
        before = self.state()
        for c in cookies:
            with self.subTest(cookie=c[:40]):
                status, data = self.raw("GET", "/", cookie=False, headers={"Cookie": c})
                self.assertEqual(status, 200, data[:300])
                page = data.partition(b"\r\n\r\n")[2].decode("utf-8", "replace")
                self.assertTrue(signed_out(page), "garbage cookie %r looks signed in" % c[:40])
                status, data = self.raw("POST", self.post_path + "/comment",
                                        "body=x&csrf=" + self.csrf(), cookie=False,
                                        headers={"Cookie": c})
                self.assertEqual(status, 403, data[:300])
        self.assertAlive()
        self.assertEqual(before, self.state())

    # -- methods and request lines -------------------------------------------------

    def test_unknown_methods(self):
        cases = [(m + " " + p, (lambda m=m, p=p: self.raw(m, p)))
                 for m in ("FOO", "DELETE", "PUT", "PATCH", "TRACE", "PROPFIND")
                 for p in ("/", self.post_path, "/vote")]
        cases.append(("POST /", self.post_form("/", "a=b&csrf=" + self.csrf())))
        cases.append(("POST post page", self.post_form(self.post_path, "a=b&csrf=" + self.csrf())))
        self.check_all(cases)

    def test_malformed_request_lines(self):
        port = self.server.port
        cases = [("no path", lambda: raw_request(port, b"GET\r\n\r\n")),
                 ("binary", lambda: raw_request(port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
                                                      b"\r\n\r\n")),
                 ("no colon header", lambda: raw_request(
                     port, b"GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n")),
                 ("bad content-length", lambda: self.raw(
                     "POST", "/vote", b"kind=post", headers={"Content-Length": "abc"})),
                 ("negative content-length", lambda: self.raw(
                     "POST", "/vote", b"kind=post", headers={"Content-Length": "-5"})),
                 ("two content-lengths", lambda: self.raw(
                     "POST", "/vote", b"kind=post&id=1&dir=1", head_extra=b"Content-Length: 3\r\n")),
                 ("CL and TE", lambda: self.raw(
                     "POST", "/vote", b"0\r\n\r\n", headers={"Transfer-Encoding": "chunked"}))]
        # libmicrohttpd closes the connection on a request line that is not
        # HTTP at all (no target, or TLS bytes); the server must live on.
        self.check_all(cases, may_drop=("no path", "binary"))

    def test_path_traversal(self):
        paths = ["/s/../../etc/passwd", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                 "/s/..%2f..%2f..%2fetc%2fpasswd", "/static/../../../../etc/passwd",
                 "/..%5c..%5cetc%5cpasswd", "/s/%s/../../../etc/passwd" % self.comm,
                 "/u/..%2F..%2Fetc%2Fpasswd", "//etc/passwd", "/.%2e/.%2e/etc/passwd",
                 "/s/....//....//etc/passwd", "/%2fetc%2fpasswd"]
        before = self.state()
        for p in paths:
            with self.subTest(path=p):
                status, data = self.raw("GET", p)
                self.assertRefused((status, data), None, p)
                for m in TRAVERSAL_MARKERS:
                    self.assertNotIn(m, data)
        self.assertAlive()
        self.assertEqual(before, self.state())

    def test_long_paths(self):
        cases = [("/s/ + 5000", lambda: self.raw("GET", "/s/" + "a" * 5000)),
                 ("/ + 10000", lambda: self.raw("GET", "/" + "a" * 10000)),
                 ("/ + 40000", lambda: self.raw("GET", "/" + "b" * 40000)),
                 ("/u/ + 3000", lambda: self.raw("GET", "/u/" + "u" * 3000)),
                 ("deep /a/a/a", lambda: self.raw("GET", "/a" * 5000)),
                 ("long query", lambda: self.raw("GET", "/s/nope?x=" + "q" * 12000))]
        self.check_all(cases)

    # -- ids ---------------------------------------------------------------------------

    def test_bad_ids_in_paths(self):
        c, pid, cid = self.comm, self.pid, self.cid
        huge = ["99999999999999999999", "18446744073709551616", "9223372036854775808",
                str(2 ** 64 + pid), str(2 ** 32 + pid)]
        paths = ["/s/%s/p/abc" % c, "/s/%s/p/12abc" % c, "/s/%s/p/1e3" % c, "/s/%s/p/0x10" % c,
                 "/s/%s/p/-1" % c, "/s/%s/p/-%d" % (c, pid), "/s/%s/p/0" % c,
                 "/s/%s/p/%d/c/xyz" % (c, pid), "/s/%s/p/%d/c/-%d" % (c, pid, cid),
                 "/s/%s/p/%d/c/%s" % (c, pid, str(2 ** 64 + cid)),
                 "/s/%s/p/%%20%d" % (c, pid)]
        paths += ["/s/%s/p/%s" % (c, h) for h in huge]
        paths += [p + ".json" for p in list(paths)]
        cases = [(p, (lambda p=p: self.raw("GET", p))) for p in paths]
        self.check_all(cases, allowed=(400, 404))

    def test_bad_ids_in_forms(self):
        s = self.csrf()
        c, pid, cid = self.comm, self.pid, self.cid
        cases = []
        for bad in ("abc", "-1", "-%d" % pid, "0", "99999999999999999999", str(2 ** 64 + pid),
                    str(2 ** 32 + pid), "%d.0" % pid, "0x%x" % pid, "%d%%20" % pid, "1e2"):
            cases.append(("vote post " + bad, self.post_form(
                "/vote", "kind=post&id=%s&dir=1&csrf=%s" % (bad, s))))
            cases.append(("vote comment " + bad, self.post_form(
                "/vote", "kind=comment&id=%s&dir=-1&csrf=%s" % (bad, s))))
        for bad in ("abc", "-1", "99999999999999999999", str(2 ** 64 + pid)):
            cases.append(("comment on " + bad, self.post_form(
                "/s/%s/p/%s/comment" % (c, bad), "body=x&csrf=" + s)))
            cases.append(("reply to " + bad, self.post_form(
                "/s/%s/p/%d/c/%s/reply" % (c, pid, bad), "body=x&csrf=" + s)))
            cases.append(("delete " + bad, self.post_form(
                "/s/%s/p/%s/delete" % (c, bad), "csrf=" + s)))
            cases.append(("edit comment " + bad, self.post_form(
                "/s/%s/p/%d/c/%s/edit" % (c, pid, bad), "body=x&csrf=" + s)))
        self.check_all(cases, allowed=(400, 404))

    # -- duplicates ----------------------------------------------------------------------

    def test_duplicate_form_fields(self):
        s = self.csrf()
        c, pid = self.comm, self.pid
        cases = [("dir twice", self.post_form("/vote", "kind=post&id=%d&dir=1&dir=-1&csrf=%s" % (pid, s))),
                 ("id twice", self.post_form("/vote", "kind=post&id=%d&id=%d&dir=1&csrf=%s"
                                             % (pid, self.cid, s))),
                 ("kind twice", self.post_form("/vote", "kind=post&kind=comment&id=%d&dir=1&csrf=%s"
                                               % (pid, s))),
                 ("body twice", self.post_form(self.post_path + "/comment",
                                               "body=one&body=two&csrf=" + s)),
                 ("title twice", self.post_form("/submit", "community=%s&title=a&title=b&body=x&csrf=%s"
                                                % (c, s))),
                 ("csrf twice, one wrong", self.post_form(self.post_path + "/comment",
                                                          "body=x&csrf=wrong&csrf=" + s))]
        self.check_all(cases)

    def test_wrong_content_type(self):
        s = self.csrf()
        cases = [("json body", lambda: self.raw(
                     "POST", self.post_path + "/comment", '{"body": "x", "csrf": "%s"}' % s,
                     headers={"Content-Type": "application/json"})),
                 ("text/plain", lambda: self.raw(
                     "POST", self.post_path + "/comment", "body=x&csrf=" + s,
                     headers={"Content-Type": "text/plain"}))]
        self.check_all(cases)

    # -- things that are not errors but must not break anything ----------------------------

    def test_odd_query_parameters(self):
        before = self.state()
        paths = ["/?sort=bogus", "/?t=forever&sort=top", "/?after=zzz", "/?after=-1",
                 "/?after=99999999999999999999", "/?sort=top&t=", "/?sort=&after=",
                 "/s/%s?sort=new&after=%%FF" % self.comm, self.post_path + "?sort=bogus",
                 "/s/%s/p/%d/c/%d?context=-5" % (self.comm, self.pid, self.cid),
                 "/s/%s/p/%d/c/%d?context=99999999999999999999" % (self.comm, self.pid, self.cid),
                 "/?sort=new&sort=top", "/?" + "&".join("k%d=v" % i for i in range(500))]
        for p in paths:
            label = p if len(p) < 90 else p[:60] + "...(%d bytes)" % len(p)
            with self.subTest(path=label):
                status, data = self.raw("GET", p)
                self.assertIn(status, (200, 400), "%s: %r" % (label, data[:300]))
        self.assertAlive()
        self.assertEqual(before, self.state())

    def test_hostile_markdown(self):
        s = self.csrf()
        pid = self.author.submit_text(self.comm, "Hostile markdown", "")
        post_path = "/s/%s/p/%d" % (self.comm, pid)
        cpath = post_path + "/comment"
        bodies = [">" * 9000, "[" * 9000, "*" * 9000, "`" * 9000, "<" * 9000, "- " * 4500,
                  "1. " * 3000, "|" * 9000, "[a](" * 2000, "![x](javascript:alert(1))" * 300,
                  "&#0;&#xD800;&#x110000;" * 300]
        for body in bodies:
            with self.subTest(body=body[:12]):
                status, data = self.raw("POST", cpath, "body=%s&csrf=%s"
                                        % (urllib.parse.quote(body, safe=""), s))
                self.assertIn(status, (303, 400), data[:300])
                self.assertAlive()
        r = Browser(self.server).page(post_path)
        self.assertNotRegex(r.text, r"""(?i)href\s*=\s*["']?\s*javascript:""")
        self.assertNotRegex(r.text, r"""(?i)<img\b""", "images appear as links, not inline")


if __name__ == "__main__":
    unittest.main()
