# SPDX-License-Identifier: AGPL-3.0-or-later
"""The server process: keep-alive, concurrency, SIGTERM, command line."""

import http.client
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from harness import (PARLEY_BIN, Browser, ParleyTestCase, Server, clean_env, db_url_for,
                     run_threads, uniq)


class ServerTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        name = uniq("sadm")
        cls.server.add_user(name, "correct-horse-1", admin=True)
        cls.author = Browser(cls.server)
        cls.author.login(name, "correct-horse-1")
        cls.comm = uniq("Srv")
        cls.author.create_community(cls.comm)
        cls.pid = cls.author.submit_text(cls.comm, "Server post", "body")

    # -- keep-alive ------------------------------------------------------------------

    def test_keep_alive(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            sock = None
            paths = ["/", "/welcome", "/.json", "/s/" + self.comm, "/s/%s/p/%d.json"
                     % (self.comm, self.pid), "/nosuchpage", "/"]
            for i, path in enumerate(paths):
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                r = conn.getresponse()
                r.read()
                self.assertEqual(r.status, 404 if path == "/nosuchpage" else 200, path)
                self.assertFalse(r.will_close, "server closed the connection after %s" % path)
                if sock is None:
                    sock = conn.sock
                self.assertIs(conn.sock, sock, "a new connection was opened for %s" % path)
        finally:
            conn.close()

    def test_keep_alive_with_post_bodies(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            hdrs = {"Cookie": self.author.cookie_header(), "Origin": self.server.origin,
                    "Content-Type": "application/x-www-form-urlencoded"}
            sock = None
            for i in range(3):
                body = "kind=post&id=%d&dir=1&csrf=%s" % (self.pid, self.author.csrf)
                conn.request("POST", "/vote", body=body, headers=hdrs)
                r = conn.getresponse()
                r.read()
                self.assertEqual(r.status, 303)
                self.assertFalse(r.will_close)
                conn.request("GET", "/s/%s/p/%d.json" % (self.comm, self.pid))
                r = conn.getresponse()
                r.read()
                self.assertEqual(r.status, 200)
                self.assertFalse(r.will_close)
                sock = sock or conn.sock
                self.assertIs(conn.sock, sock)
        finally:
            conn.close()

    def test_http10_request(self):
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        try:
            s.sendall(b"GET /welcome HTTP/1.0\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            s.close()
        self.assertRegex(data[:20], rb"^HTTP/1\.[01] 200 ")

    # -- concurrency -------------------------------------------------------------------

    def test_concurrent_reads(self):
        paths = ["/", "/.json", "/s/" + self.comm, "/s/%s/p/%d" % (self.comm, self.pid),
                 "/welcome", "/communities", "/u/" + self.author.name, "/s/%s.json" % self.comm]

        def work(i):
            out = []
            b = Browser(self.server)
            for j in range(10):
                r = b.get(paths[(i + j) % len(paths)])
                out.append((r.path, r.status))
            return out

        for res in run_threads(8, work):
            for path, status in res:
                self.assertEqual(status, 200, path)

    def test_concurrent_writes(self):
        pid = self.author.submit_text(self.comm, "Busy thread", "")
        users = []
        for i in range(8):
            n = uniq("cw")
            self.server.add_user(n, "correct-horse-1", admin=True)
            users.append(n)

        def work(i):
            b = Browser(self.server)
            b.login(users[i], "correct-horse-1")
            statuses = []
            for j in range(3):
                r = b.comment(self.comm, pid, "concurrent %d.%d" % (i, j), expect=None)
                statuses.append(r.status)
            statuses.append(b.vote("post", pid, 1, expect=None).status)
            return statuses

        for st in run_threads(8, work):
            self.assertEqual(st, [303, 303, 303, 303])
        t = Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))
        self.assertEqual(t["post"]["comment_count"], 24)
        self.assertEqual(len(t["comments"]), 24)
        self.assertEqual(t["post"]["score"], 9)

    def test_concurrent_registrations_same_name(self):
        name = uniq("race")

        def work(i):
            b = Browser(self.server)
            b.get("/register")
            return b.post("/register", {"username": name, "password": "correct-horse-%d" % i}).status

        statuses = run_threads(8, work)
        self.assertEqual(sorted(statuses), [303] + [409] * 7, statuses)

    # -- signals -------------------------------------------------------------------------

    def test_sigterm_exits_zero_with_idle_connection(self):
        srv = Server().start()
        try:
            self.assertEqual(Browser(srv).get("/").status, 200)
            idle = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            half = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            half.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")   # never finished
            time.sleep(0.2)
            start = time.monotonic()
            rc = srv.stop(timeout=10)
            self.assertEqual(rc, 0, "exit code after SIGTERM\n" + srv.log_text())
            self.assertLess(time.monotonic() - start, 10)
            idle.close()
            half.close()
        finally:
            srv.kill()
            srv.cleanup()

    def test_sigint_exits_zero(self):
        srv = Server().start()
        try:
            srv.proc.send_signal(signal.SIGINT)
            self.assertEqual(srv.proc.wait(timeout=10), 0)
        finally:
            srv.kill()
            srv.cleanup()

    def test_acknowledged_writes_survive_restart(self):
        srv = Server().start()
        srv2 = None
        try:
            name = uniq("dur")
            srv.add_user(name, "correct-horse-1", admin=True)
            b = Browser(srv)
            b.login(name, "correct-horse-1")
            comm = uniq("Dur")
            b.create_community(comm)
            pid = b.submit_text(comm, "Durable title", "durable body")
            cid = b.comment(comm, pid, "durable comment")
            self.assertEqual(srv.stop(), 0)
            srv2 = Server(tmpdir=srv.tmpdir, db_url=srv.db_url).start()
            t = Browser(srv2).get_json("/s/%s/p/%d" % (comm, pid))
            self.assertEqual(t["post"]["title"], "Durable title")
            self.assertEqual([c["id"] for c in t["comments"]], [cid])
            self.assertEqual(srv2.stop(), 0)
        finally:
            srv.kill()
            if srv2:
                srv2.kill()
            srv.cleanup()

    # -- command line -------------------------------------------------------------------

    def run_cli(self, *args, timeout=20):
        tmp = tempfile.mkdtemp(prefix="parley-cli-")
        try:
            return subprocess.run([PARLEY_BIN] + list(args), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  cwd=tmp, env=clean_env(), timeout=timeout)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_help(self):
        r = self.run_cli("--help")
        out = (r.stdout + r.stderr).decode("utf-8", "replace")
        self.assertEqual(r.returncode, 0, out)
        self.assertRegex(out, r"(?i)usage")
        for cmd in ("serve", "init", "demo", "admin"):
            self.assertIn(cmd, out)
        r = self.run_cli("serve", "--help")
        out = (r.stdout + r.stderr).decode("utf-8", "replace")
        self.assertEqual(r.returncode, 0, out)
        self.assertRegex(out, r"(?i)usage")
        for opt in ("--listen", "--db", "--config"):
            self.assertIn(opt, out)
        for cmd in ("init", "demo", "admin"):
            r = self.run_cli(cmd, "--help")
            self.assertEqual(r.returncode, 0, "%s --help: %r" % (cmd, r.stderr[:300]))

    def test_unknown_subcommand_fails_cleanly(self):
        r = self.run_cli("frobnicate")
        self.assertGreater(r.returncode, 0)
        r = self.run_cli("serve", "--no-such-flag")
        self.assertGreater(r.returncode, 0)

    def test_bad_db_url_fails_cleanly(self):
        r = self.run_cli("serve", "--listen", "127.0.0.1:0", "--db", "bogus:whatever")
        self.assertGreater(r.returncode, 0, "serve with a bad --db must exit with an error")

    def test_init_and_demo(self):
        tmp = tempfile.mkdtemp(prefix="parley-demo-")
        try:
            url = db_url_for(tmp)
            r = self.run_cli("init", "--db", url)
            self.assertEqual(r.returncode, 0, r.stderr[:500])
            r = self.run_cli("init", "--db", url)
            self.assertEqual(r.returncode, 0, "init twice: " + r.stderr[:500].decode("utf-8", "replace"))
            r = self.run_cli("demo", "--db", url, "--posts", "5", timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr[:500])
            srv = Server(tmpdir=tmp, db_url=url).start()
            try:
                doc = Browser(srv).get_json("/?sort=new")
                self.assertGreaterEqual(len(doc["posts"]), 1, "demo data shows on /")
                self.assertEqual(Browser(srv).get("/communities").status, 200)
            finally:
                self.assertEqual(srv.stop(), 0)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
