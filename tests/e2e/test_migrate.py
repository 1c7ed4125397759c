# SPDX-License-Identifier: AGPL-3.0-or-later
"""parley migrate: the demo site (200 posts) with moderation records and a
signed-in user moves from SQLite to PostgreSQL, and every JSON page (the
front page in every sort and every page of it, each community, each
thread, each user, the community list) reads the same before and after.

The copy ends with ANALYZE, so that PostgreSQL's planner walks the rank
indexes from the first request instead of sorting every post until
autovacuum comes round.

Runs on PostgreSQL only (make test's e2e-pg pass); on SQLite it skips.
"""

import os
import shutil
import tempfile
import time
import unittest

import pgcluster

from harness import (DB_URL_TEMPLATE, Browser, Server, db_url_for, is_postgres,
                     signed_in_as, uniq)

PASSWORD = "correct-horse-1"
SORTS = ["hot", "new", "top&t=all", "active", "controversial"]


def all_pages(b, path):
    """Every page of a listing, following its `after` cursor."""
    docs = []
    after = None
    sep = "&" if "?" in path else "?"
    while True:
        doc = b.get_json(path + ("%safter=%s" % (sep, after) if after else ""))
        docs.append(doc)
        after = doc.get("after")
        if not after or len(docs) > 100:
            return docs


def snapshot(server):
    """Every JSON page of the site, by path."""
    b = Browser(server)
    pages = {}
    for sort in SORTS:
        pages["/?sort=" + sort] = all_pages(b, "/?sort=" + sort)
    communities = b.get_json("/communities")
    pages["/communities"] = communities
    posts, users = set(), set()
    for c in communities["communities"]:
        path = "/s/%s?sort=new" % c["name"]
        pages[path] = all_pages(b, path)
        for doc in pages[path]:
            for p in doc["posts"]:
                posts.add((c["name"], p["id"]))
                users.add(p["author"])
    for name, pid in sorted(posts):
        path = "/s/%s/p/%d?sort=old" % (name, pid)
        pages[path] = b.get_json(path)
        users.update(c["author"] for c in pages[path]["comments"])
    for name in sorted(users - {"[deleted]"}):
        pages["/u/" + name] = b.get_json("/u/" + name)
    return pages


@unittest.skipUnless(is_postgres(DB_URL_TEMPLATE),
                     "needs PostgreSQL: runs in make test's e2e-pg pass")
class MigrateTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="parley-migrate-")
        cls.sqlite_url = "sqlite:" + os.path.join(cls.tmp, "site.db")
        cls.pg_url = db_url_for(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def cli(self, *args):
        return Server(tmpdir=self.tmp, db_url=self.sqlite_url).cli(*args, timeout=300)

    def analyzed(self, tables):
        """Which of tables a manual ANALYZE has gathered statistics of
        (autovacuum's own runs count as last_autoanalyze, not here). The
        statistics view may lag its writer by a moment."""
        sql = ("SELECT relname FROM pg_stat_user_tables WHERE last_analyze "
               "IS NOT NULL AND relname IN (%s) ORDER BY relname"
               % ", ".join("'%s'" % t for t in tables))
        deadline = time.monotonic() + 5
        while True:
            got = pgcluster.psql(self.pg_url, sql).split()
            got = [w for w in got if w in tables]
            if len(got) == len(tables) or time.monotonic() > deadline:
                return got
            time.sleep(0.2)

    def test_move_demo_site(self):
        r = self.cli("demo", "--db", self.sqlite_url, "--posts", "200")
        self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8", "replace"))

        old = Server(tmpdir=self.tmp, db_url=self.sqlite_url).start()
        try:
            # Moderation records and a session to carry over.
            admin = uniq("adm")
            old.add_user(admin, PASSWORD, admin=True)
            b = Browser(old)
            b.login(admin, PASSWORD)
            community = b.get_json("/communities")["communities"][0]["name"]
            post = b.get_json("/s/%s?sort=new" % community)["posts"][0]["id"]
            r = b.post("/report", {"kind": "post", "id": str(post), "reason": "test"})
            self.assertIn(r.status, (303, 200), r.describe())
            r = b.post("/mod", {"action": "lock", "kind": "post", "id": str(post),
                                "reason": "moving"})
            self.assertIn(r.status, (303, 200), r.describe())
            before = snapshot(old)
        finally:
            self.assertEqual(old.stop(), 0)

        r = self.cli("migrate", "--from", self.sqlite_url, "--to", self.pg_url, "--sessions")
        out = r.stdout.decode("utf-8", "replace")
        self.assertEqual(r.returncode, 0, out + r.stderr.decode("utf-8", "replace"))
        for table in ("users", "posts", "comments", "votes", "pages", "mod_actions"):
            self.assertRegex(out, r"(?m)^%s\s+\d+\s+\d+\s+[0-9a-f]{16} ok$" % table)
        self.assertEqual(self.analyzed(("posts", "comments", "votes", "users")),
                         ["comments", "posts", "users", "votes"])

        new = Server(tmpdir=self.tmp, db_url=self.pg_url).start()
        try:
            after = snapshot(new)
            self.assertEqual(sorted(before), sorted(after))
            for path in before:
                self.assertEqual(before[path], after[path], "page %s differs" % path)
            # The session came along; new ids follow the copied ones.
            moved = Browser(new)
            moved.cookies = dict(b.cookies)
            self.assertTrue(signed_in_as(moved.get("/").text, admin))
            pid = moved.submit_text(community, "After the move", "body")
            self.assertGreater(pid, max(p["id"] for doc in before["/?sort=new"]
                                        for p in doc["posts"]))
        finally:
            self.assertEqual(new.stop(), 0)

        # A target that holds a site is refused without --force.
        r = self.cli("migrate", "--from", self.sqlite_url, "--to", self.pg_url)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"--force", r.stderr)
        r = self.cli("migrate", "--from", self.sqlite_url, "--to", self.pg_url, "--force")
        self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8", "replace"))

    def test_usage(self):
        r = self.cli("migrate", "--from", self.sqlite_url)
        self.assertNotEqual(r.returncode, 0, "--to is required")
        r = self.cli("migrate", "--from", self.sqlite_url, "--to", self.sqlite_url)
        self.assertNotEqual(r.returncode, 0, "same database")
        r = self.cli("migrate", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"--force", r.stdout)
