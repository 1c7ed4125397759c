# SPDX-License-Identifier: AGPL-3.0-or-later
"""The benchmark in small (make bench's pages, see bench/bench.py): a demo
of 200 posts plus a large thread, every page the benchmark measures hit by
several clients at once, signed out and signed in, HTML and JSON, then votes
and comments from several users at once. Every answer must be right; speed
is not checked here."""

import http.client
import json
import re
import threading
import time
import urllib.parse

from harness import Browser, ParleyTestCase, uniq

POSTS = 200
BIG = 600           # comments of the extra thread (--big-thread)
CLIENTS = 6
SECONDS = 2.0
PASSWORD = "correct-horse-1"


class Load:
    """Runs fn(client_index, http_connection) in CLIENTS threads for SECONDS
    and collects every failure message (never raises in a thread)."""

    def __init__(self, port):
        self.port = port
        self.failures = []
        self.count = 0
        self.lock = threading.Lock()

    def fail(self, msg):
        with self.lock:
            if len(self.failures) < 20:
                self.failures.append(msg)

    def run(self, fn, clients=CLIENTS, seconds=SECONDS):
        deadline = time.monotonic() + seconds

        def worker(k):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            i = 0
            try:
                while time.monotonic() < deadline:
                    try:
                        fn(k, i, conn)
                    except (OSError, http.client.HTTPException) as e:
                        self.fail("client %d: %r" % (k, e))
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                          timeout=30)
                    except AssertionError as e:
                        self.fail(str(e))
                    i += 1
                    with self.lock:
                        self.count += 1
            finally:
                conn.close()

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def fetch(conn, method, path, cookie=None, body=None):
    hdrs = {"User-Agent": "parley-smoke-bench/1"}
    if cookie:
        hdrs["Cookie"] = cookie
    if body is not None:
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=hdrs)
    r = conn.getresponse()
    return r.status, r.read()


class SmokeBenchTest(ParleyTestCase):
    maxDiff = None

    @classmethod
    def setUpServer(cls):
        srv = cls.server
        r = srv.cli("demo", "--db", srv.db_url, "--posts", str(POSTS),
                    "--big-thread", str(BIG), timeout=120)
        if r.returncode != 0:
            raise AssertionError("parley demo failed: %s" % r.stderr.decode())
        cls.reader_name = uniq("sbr")
        srv.add_user(cls.reader_name, PASSWORD)
        cls.reader = Browser(srv)
        cls.reader.login(cls.reader_name, PASSWORD)
        cls.writers = []
        for _ in range(4):
            name = uniq("sbw")
            srv.add_user(name, PASSWORD, admin=True)   # exempt from rate limits
            b = Browser(srv)
            b.login(name, PASSWORD)
            cls.writers.append(b)
        anon = Browser(srv)
        # Every post, newest first, through the cursor.
        posts = []
        path = "/?sort=new"
        while path:
            d = anon.get_json(path)
            posts += d["posts"]
            path = "/?sort=new&after=%s" % d["after"] if d["after"] else None
        # Page 4 of "new" through the cursor, as the benchmark's page 40.
        after = posts[3 * 25 - 1]["id"]
        cls.all_posts = list(posts)
        cls.open_posts = [p for p in posts if not (p["archived"] or p["locked"]
                                                   or p["deleted"] or p["removed"])]
        # The two large threads: the demo's own (330 or more) and BIG.
        posts.sort(key=lambda p: -p["comment_count"])
        cls.big, cls.large = posts[0], posts[1]
        cls.pages = [
            ("/", "front"),
            ("/s/programming", "community"),
            ("/?sort=new&after=%s" % after, "listing"),
            ("/s/%s/p/%d" % (cls.large["community"], cls.large["id"]), "thread"),
            ("/s/%s/p/%d" % (cls.big["community"], cls.big["id"]), "thread"),
            ("/u/alice", "profile"),
        ]

    def test_demo_made_the_large_threads(self):
        self.assertEqual(self.big["comment_count"], BIG)
        self.assertGreaterEqual(self.large["comment_count"], 300)
        self.assertEqual(len(self.open_posts) > 10, True)

    def walk(self, path, key):
        """Every item of a listing or search, page by page through its
        cursor."""
        b = Browser(self.server)
        out = []
        sep = "&" if "?" in path else "?"
        after = None
        for _ in range(100):
            d = b.get_json(path + ("%safter=%s" % (sep, urllib.parse.quote(str(after)))
                                   if after else ""))
            out += d[key]
            after = d["after"]
            if not after:
                return out
        raise AssertionError("%s has more than 100 pages" % path)

    def test_bulk_load_left_every_rank_and_the_search_index(self):
        # The demo builds the rank indexes and the search index after its
        # rows: every sort lists every post once, in its order.
        want = sorted(p["id"] for p in self.all_posts)
        for sort in ("hot", "new", "top", "active", "controversial"):
            got = self.walk("/?sort=%s&t=all" % sort, "posts")
            self.assertEqual(sorted(p["id"] for p in got), want, sort)
        top = self.walk("/s/programming?sort=top&t=all", "posts")
        self.assertEqual(sorted(p["id"] for p in top), sorted(
            p["id"] for p in self.all_posts if p["community"] == "programming"))
        scores = [p["score"] for p in top if not p["stickied"]]
        self.assertEqual(scores, sorted(scores, reverse=True))
        # A post found by its title, a comment by its text.
        def words(text):
            return urllib.parse.quote(" ".join(re.findall(r"[A-Za-z]{4,}", text)[:5]))

        post = max(self.all_posts, key=lambda p: p["id"])
        found = self.walk("/search?kind=post&author=%s&q=%s" % (
            post["author"], words(post["title"])), "results")
        self.assertIn(post["id"], [r["post"]["id"] for r in found])
        thread = Browser(self.server).get_json("/s/%s/p/%d" % (
            self.large["community"], self.large["id"]))
        cm = next(c for c in thread["comments"] if c.get("body"))
        found = self.walk("/search?kind=comment&author=%s&q=%s" % (
            cm["author"], words(cm["body"])), "results")
        self.assertIn(cm["id"], [r["comment"]["id"] for r in found])

    def check_page(self, path, kind, status, body, signed_in, as_json):
        where = "%s%s%s" % (path, " (json)" if as_json else "",
                            " (signed in)" if signed_in else "")
        assert status == 200, "%s answered %d: %r" % (where, status, body[:200])
        if as_json:
            doc = json.loads(body.decode("utf-8"))
            if kind in ("front", "community", "listing"):
                # 25 a page, plus the stickied welcome post on a community.
                assert 25 <= len(doc["posts"]) <= 26, \
                    "%s: %d posts" % (where, len(doc["posts"]))
            elif kind == "thread":
                assert len(doc["comments"]) == doc["post"]["comment_count"] > 0, where
            else:
                assert doc["name"] == "alice", where
            return
        text = body.decode("utf-8")
        assert text.rstrip().endswith("</html>"), "%s: page cut short" % where
        if kind in ("front", "community", "listing"):
            assert 25 <= text.count('<li class="post"') <= 26, where
        elif kind == "thread":
            assert re.search(r'id="c\d+"', text), "%s: no comments" % where
        if signed_in:
            assert self.reader_name in text and "/logout" in text, \
                "%s: not signed in" % where

    def test_every_page_under_concurrent_readers(self):
        cookie = self.reader.cookie_header()
        reqs = []
        for path, kind in self.pages:
            u = urllib.parse.urlsplit(path)
            jpath = ("/.json" if u.path == "/" else u.path + ".json") + \
                ("?" + u.query if u.query else "")
            reqs += [(path, kind, False, False), (path, kind, True, False),
                     (jpath, kind, False, True)]
        load = Load(self.server.port)

        def one(k, i, conn):
            path, kind, signed_in, as_json = reqs[(k + i) % len(reqs)]
            status, body = fetch(conn, "GET", path, cookie if signed_in else None)
            self.check_page(path, kind, status, body, signed_in, as_json)

        load.run(one)
        self.assertEqual(load.failures, [])
        self.assertGreaterEqual(load.count, len(reqs))
        self.assertAlive()

    def test_concurrent_votes_and_comments(self):
        targets = self.open_posts[:20]
        before = {p["id"]: Browser(self.server).get_json(
            "/s/%s/p/%d" % (p["community"], p["id"]))["post"]["comment_count"]
            for p in targets}
        sessions = [(w.cookie_header(), w.csrf) for w in self.writers]
        acked = {p["id"]: 0 for p in targets}
        load = Load(self.server.port)

        def one(k, i, conn):
            cookie, csrf = sessions[k % len(sessions)]
            p = targets[(k * 7 + i) % len(targets)]
            if i % 2 == 0:
                body = urllib.parse.urlencode({"kind": "post", "id": p["id"],
                                               "dir": 1 if (i // 2) % 2 == 0 else -1,
                                               "csrf": csrf})
                status, data = fetch(conn, "POST", "/vote", cookie, body)
            else:
                body = urllib.parse.urlencode({"body": "Smoke comment %d.%d" % (k, i),
                                               "csrf": csrf})
                status, data = fetch(conn, "POST", "/s/%s/p/%d/comment"
                                     % (p["community"], p["id"]), cookie, body)
                if status == 303:
                    with load.lock:
                        acked[p["id"]] += 1
            assert status == 303, "write answered %d: %r" % (status, data[:200])

        load.run(one, clients=len(sessions))
        self.assertEqual(load.failures, [])
        self.assertGreater(sum(acked.values()), 0)
        for p in targets:
            after = Browser(self.server).get_json(
                "/s/%s/p/%d" % (p["community"], p["id"]))["post"]["comment_count"]
            self.assertEqual(after, before[p["id"]] + acked[p["id"]],
                             "comments on post %d" % p["id"])
        self.assertAlive()
