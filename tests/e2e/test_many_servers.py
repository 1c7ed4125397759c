# SPDX-License-Identifier: AGPL-3.0-or-later
"""Several servers, one PostgreSQL database: two `parley serve` behind nginx
(started here on loopback), and one server riding out a database restart.

Runs on PostgreSQL only (make test's e2e-pg pass); on SQLite it skips.
Shows that nothing a request needs lives in one process: a session made
through one server is valid through the other, with the same CSRF token;
a vote or a comment through one is visible through the other on the next
request; SIGKILL of one server under load loses no acknowledged write
while the proxy keeps serving through the other. And that a database
restart costs at most a 503 or two, never a crash.

CacheAcrossServersTest runs on both backends (two servers on one SQLite
file, or one PostgreSQL database): a write through one server ends on
the other only the kept pages it can change, and a command-line write
ends them all.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import unittest

from harness import (DB_URL_TEMPLATE, Browser, Server, TwoServersTestCase, db_url_for,
                     is_postgres, signed_in_as, uniq)
import pgcluster

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PASSWORD = "correct-horse-1"
DB_PASSWORD = "not-in-any-log-7"   # trust auth ignores it; it must not be printed

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    upstream parley {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=60s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=60s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://parley;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_connect_timeout 2s;
            # A request that reached a server is never sent to the other
            # (nginx's default for POST): one that failed in flight was
            # not acknowledged, so the client may retry it, and none is
            # applied twice behind its back.
            proxy_next_upstream error timeout;
        }}
    }}
}}
"""


def needs_postgres(cls):
    return unittest.skipUnless(
        is_postgres(DB_URL_TEMPLATE),
        "needs PostgreSQL: runs in make test's e2e-pg pass")(cls)


def with_password(url):
    """url with DB_PASSWORD added to its user (postgresql://parley@...)."""
    return url.replace("://parley@", "://parley:%s@" % DB_PASSWORD, 1)


class Endpoint:
    """What Browser needs to talk to a port that is not a Server: the proxy."""

    def __init__(self, port):
        self.port = port

    @property
    def origin(self):
        return "http://127.0.0.1:%d" % self.port


class Proxy:
    """nginx in the foreground, in front of two servers."""

    def __init__(self, tmp, a, b):
        self.tmp = tmp
        self.port = pgcluster.free_port()
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(tmp, "nginx-" + d), exist_ok=True)
            # As root the workers run as nobody: they need their folders.
            os.chmod(os.path.join(tmp, "nginx-" + d), 0o777)
        os.chmod(tmp, 0o755)
        self.conf = os.path.join(tmp, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(NGINX_CONF.format(tmp=tmp, a=a.port, b=b.port, port=self.port))
        self.proc = subprocess.Popen([NGINX, "-p", tmp, "-e", os.path.join(tmp, "nginx-error.log"),
                                      "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited: %s" % self.proc.stderr.read().decode())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not listen on %d" % self.port)
                time.sleep(0.05)
        self.endpoint = Endpoint(self.port)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def same_session(browser, server):
    """A Browser for server that carries browser's cookies and csrf token."""
    other = Browser(server, name=browser.name)
    other.cookies = dict(browser.cookies)
    other.csrf = browser.csrf
    return other


@needs_postgres
class ManyServersTest(TwoServersTestCase):
    """Two servers on one database, started at the same moment on an empty
    database (so both race to migrate it and to make the site secret)."""

    @classmethod
    def db_url(cls, tmp):
        return with_password(db_url_for(tmp))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.proxy = Proxy(cls.tmp, cls.a, cls.b)
        cls.admin = uniq("adm")
        cls.a.add_user(cls.admin, PASSWORD, admin=True)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "proxy", None):
            cls.proxy.stop()
        super().tearDownClass()

    def signed_in(self, server):
        b = Browser(server)
        b.login(self.admin, PASSWORD)
        return b

    def test_1_password_never_printed(self):
        for srv in (self.a, self.b):
            with open(srv.stdout_path, errors="replace") as f:
                out = f.read()
            self.assertIn("Parley is running", out)
            self.assertNotIn(DB_PASSWORD, out + srv.log_text())

    def test_2_session_and_csrf_shared(self):
        on_a = self.signed_in(self.a)
        on_b = same_session(on_a, self.b)
        r = on_b.get("/")
        self.assertEqual(r.status, 200)
        self.assertTrue(signed_in_as(r.text, self.admin), "not signed in through B")
        # The csrf token A gave is valid on B: one secret in the database.
        name = uniq("c")
        on_b.csrf = on_a.csrf
        r = on_b.post("/create", {"name": name, "title": "Shared", "description": "x"})
        self.assertEqual(r.status, 303, r.describe())
        # Logging out through B ends the session on A too.
        on_b.logout()
        on_a.csrf = None
        self.assertFalse(signed_in_as(on_a.get("/").text, self.admin))

    def test_3_writes_visible_across(self):
        on_a = self.signed_in(self.a)
        community = uniq("c")
        on_a.create_community(community)
        post = on_a.submit_text(community, "Seen everywhere", "body")
        on_b = same_session(on_a, self.b)
        self.assertEqual(on_b.get_json("/s/%s/p/%d" % (community, post))["post"]["title"],
                         "Seen everywhere")

        voter = uniq("v")
        self.b.add_user(voter, PASSWORD)
        vb = Browser(self.b)
        vb.login(voter, PASSWORD)
        vb.vote("post", post, 1)
        self.assertEqual(Browser(self.a).get_json("/s/%s/p/%d" % (community, post))["post"]["score"], 2)

        cid = vb.comment(community, post, "through B")
        thread = Browser(self.a).get_json("/s/%s/p/%d" % (community, post))
        self.assertIn(cid, [c["id"] for c in thread["comments"]])
        self.assertEqual(thread["post"]["comment_count"], 1)

    def test_4_cached_pages_follow_the_other_server(self):
        """Each server keeps pages; a write acknowledged by one is seen
        on the very next read through the other, whatever it kept."""
        on_a = self.signed_in(self.a)
        community = uniq("c")
        on_a.create_community(community)
        post = on_a.submit_text(community, "Cached on both", "body")
        voter = uniq("v")
        self.a.add_user(voter, PASSWORD)
        servers = (self.a, self.b)
        voters = [Browser(srv) for srv in servers]
        for vb in voters:
            vb.login(voter, PASSWORD)
        paths = ["/s/%s/p/%d.json" % (community, post), "/s/%s.json" % community,
                 "/all.json?sort=new"]

        def warm(srv):
            for path in paths:
                for _ in range(20):
                    r = Browser(srv).get(path)
                    self.assertEqual(r.status, 200)
                    if r.header("X-Cache") == "hit":
                        break
                else:
                    self.fail("%s never came from the cache" % path)

        for i in range(6):
            writer, reader = i % 2, 1 - i % 2
            warm(servers[reader])
            direction = 1 if i % 4 < 2 else 0
            voters[writer].vote("post", post, direction)
            for path in paths:
                j = Browser(servers[reader]).get_json(path)
                score = j["post"]["score"] if "post" in j else next(
                    p["score"] for p in j["posts"] if p["id"] == post)
                self.assertEqual(score, 1 + direction, "round %d: %s" % (i, path))
            warm(servers[reader])
            body = uniq("comment ")
            voters[writer].comment(community, post, body)
            thread = Browser(servers[reader]).get_json(paths[0])
            self.assertIn(body, [c["body"] for c in thread["comments"]], "round %d" % i)

    def test_9_kill_one_under_load(self):
        """Runs last: it kills server A."""
        setup = self.signed_in(self.proxy.endpoint)
        community = uniq("c")
        setup.create_community(community)
        post = setup.submit_text(community, "Under load", "body")
        thread_path = "/s/%s/p/%d" % (community, post)

        acked = []          # (comment id, body) answered 303
        failures = []       # (time, status or error) of writes not acknowledged
        reads_after = []    # statuses of reads after the kill
        lock = threading.Lock()
        killed_at = []
        stop = time.monotonic() + 6.0

        def writer(i):
            b = self.signed_in(self.proxy.endpoint)
            n = 0
            while time.monotonic() < stop:
                n += 1
                body = "load %d.%d" % (i, n)
                try:
                    r = b.comment(community, post, body, expect=None)
                    ok = r.status == 303
                    status = r.status
                except OSError as e:
                    ok, status = False, repr(e)
                with lock:
                    if ok:
                        acked.append((int(re.search(r"#c(\d+)", r.header("Location")).group(1)),
                                      body))
                    else:
                        failures.append((time.monotonic(), status))
                if killed_at:
                    try:
                        s = Browser(self.proxy.endpoint).get(thread_path).status
                    except OSError as e:
                        s = repr(e)
                    with lock:
                        reads_after.append((time.monotonic(), s))

        ts = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
        for t in ts:
            t.start()
        time.sleep(2.0)
        self.a.kill()                       # SIGKILL, mid-load
        killed_at.append(time.monotonic())
        for t in ts:
            t.join(60)

        self.assertGreater(len(acked), 20, "too little load to mean anything")
        # Only requests in flight at the kill may fail; each thread had one.
        late = [f for f in failures if f[0] > killed_at[0] + 1.0]
        self.assertLessEqual(len(failures), 4, failures)
        self.assertEqual(late, [], "the proxy did not keep serving through B")
        self.assertTrue(reads_after, "no reads after the kill")
        self.assertTrue(all(s == 200 for t, s in reads_after if t > killed_at[0] + 1.0),
                        reads_after)
        # Every acknowledged comment is there, through the survivor.
        thread = Browser(self.b).get_json(thread_path)
        have = {c["id"]: c["body"] for c in thread["comments"]}
        for cid, body in acked:
            self.assertEqual(have.get(cid), body, "acknowledged comment %d lost" % cid)
        self.assertEqual(thread["post"]["comment_count"], len(have))


class CacheAcrossServersTest(TwoServersTestCase):
    """Two servers of one worker thread each (so that a page kept before a
    write is the one read after it when it stays kept): A writes, B reads
    (docs/decisions/021-cache-across-servers.md)."""

    server_env = {"PARLEY_THREADS": "1"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin, voter = uniq("adm"), uniq("v")
        cls.a.add_user(admin, PASSWORD, admin=True)
        cls.a.add_user(voter, PASSWORD)
        cls.writer, cls.voter = Browser(cls.a), Browser(cls.a)
        cls.writer.login(admin, PASSWORD)
        cls.voter.login(voter, PASSWORD)

    def read_b(self, path):
        """path's JSON through B, and whether it came from B's cache."""
        r = Browser(self.b).get(path)
        self.assertEqual(r.status, 200, r.describe())
        return r.json(), r.header("X-Cache") == "hit"

    def warm_b(self, paths):
        for path in paths:
            for _ in range(20):
                if self.read_b(path)[1]:
                    break
            else:
                self.fail("%s never came from B's cache" % path)

    def two_communities(self):
        x, y = uniq("X"), uniq("Y")
        for name in (x, y):
            self.writer.create_community(name)
        px = self.writer.submit_text(x, "In X", "body")
        py = self.writer.submit_text(y, "In Y", "body")
        return (x, px), (y, py)

    def test_write_on_a_ends_only_what_it_changes_on_b(self):
        (x, px), (y, py) = self.two_communities()
        x_thread = "/s/%s/p/%d.json" % (x, px)
        y_pages = ["/s/%s.json" % y, "/s/%s/p/%d.json" % (y, py)]
        self.warm_b([x_thread, "/all.json?sort=new"] + y_pages)
        self.voter.vote("post", px, 1)
        for path in y_pages:
            self.assertTrue(self.read_b(path)[1], "%s left B's cache" % path)
        j, kept = self.read_b(x_thread)
        self.assertFalse(kept)
        self.assertEqual(j["post"]["score"], 2)
        j, kept = self.read_b("/all.json?sort=new")
        self.assertFalse(kept)
        self.assertEqual(next(p["score"] for p in j["posts"] if p["id"] == px), 2)

        self.warm_b([x_thread] + y_pages)
        body = uniq("comment ")
        self.voter.comment(x, px, body)
        for path in y_pages:
            self.assertTrue(self.read_b(path)[1], "%s left B's cache" % path)
        j, kept = self.read_b(x_thread)
        self.assertFalse(kept)
        self.assertEqual([c["body"] for c in j["comments"]], [body])
        self.assertEqual(j["post"]["comment_count"], 1)

    def test_session_rows_follow_writes_on_a(self):
        """B keeps the session rows it read (app_cache.c); a write through
        A that changes one shows in the member's next page from B."""
        (x, px), _ = self.two_communities()
        name = uniq("sr")
        self.a.add_user(name, PASSWORD)
        m = Browser(self.a)
        m.login(name, PASSWORD)
        own = m.submit_text(x, "Mine", "body")
        on_b = same_session(m, self.b)
        page = "/s/%s?sort=new" % x

        def read():
            r = on_b.get(page)
            self.assertEqual(r.status, 200, r.describe())
            return r.text

        for _ in range(3):
            text = read()
        self.assertIn(">%s</a> (0)<a class=\"msgs\" href=\"/inbox\">inbox</a>"
                      % name, text)
        up = ('name="id" value="%d"><input type="hidden" name="dir" value="0">'
              '<button class="up on"' % px)
        self.assertNotIn(up, text)
        m.vote("post", px, 1)
        self.assertIn(up, read())
        self.voter.comment(x, own, "a reply")
        self.assertIn('href="/inbox">inbox (1)</a>', read())
        self.voter.vote("post", own, 1)
        self.assertIn(">%s</a> (1)" % name, read())
        self.assertStatus(m.post("/s/%s/subscribe" % x, {}), 303)
        self.assertIn("/s/%s/unsubscribe" % x, read())
        m.logout()
        self.assertIn('href="/login"', read())

    def assertStatus(self, r, want):
        self.assertEqual(r.status, want, r.describe())

    def test_command_line_write_ends_every_page_on_b(self):
        (_, _), (y, py) = self.two_communities()
        y_pages = ["/s/%s.json" % y, "/s/%s/p/%d.json" % (y, py)]
        self.warm_b(y_pages + ["/welcome.json"])
        text = uniq("Welcome anew ")
        r = self.a.cli("admin", "set-page", "welcome", "--db", self.a.db_url,
                       stdin_text=text + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        for path in y_pages:
            self.assertFalse(self.read_b(path)[1], "%s stayed in B's cache" % path)
        j, kept = self.read_b("/welcome.json")
        self.assertFalse(kept)
        self.assertIn(text, json.dumps(j))


@needs_postgres
@unittest.skipUnless(os.environ.get("PARLEY_TEST_PG_DIR"),
                     "needs the cluster of tests/e2e/pgcluster.py")
class DatabaseRestartTest(unittest.TestCase):
    """The database restarts under a running server: the server stays up,
    answers 503 (never 500, never a crash) while it cannot reach it, and
    serves reads and writes again afterwards on new connections."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()
        cls.admin = uniq("adm")
        cls.server.add_user(cls.admin, PASSWORD, admin=True)

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        cls.server.cleanup()
        if rc != 0:
            raise AssertionError("server exited %s after SIGTERM" % rc)

    def test_restart(self):
        b = Browser(self.server)
        b.login(self.admin, PASSWORD)
        community = uniq("c")
        b.create_community(community)
        post = b.submit_text(community, "Before the restart", "body")

        pgcluster.Cluster.from_env().restart()

        # Reads are retried on a new connection; a write may see one 503
        # per worker connection that met the dead one, then succeeds.
        self.assertEqual(b.get("/s/%s/p/%d" % (community, post)).status, 200)
        statuses = []
        for _ in range(10):
            r = b.comment(community, post, "after the restart", expect=None)
            statuses.append(r.status)
            if r.status == 303:
                break
            self.assertEqual(r.status, 503, r.describe())
        self.assertEqual(statuses[-1], 303, statuses)
        self.assertTrue(self.server.alive())
        thread = b.get_json("/s/%s/p/%d" % (community, post))
        self.assertEqual([c["body"] for c in thread["comments"]], ["after the restart"])


if __name__ == "__main__":
    unittest.main()
