# SPDX-License-Identifier: AGPL-3.0-or-later
"""Durability under faults.

KillTest: several client threads write (registrations, posts, comments,
votes) and record every write the server acknowledged (303). The server is
killed with SIGKILL at random moments several times and restarted on the
same database. Every acknowledged write must then be there, seen through
the JSON pages, every acknowledged comment must be found by search (on
SQLite new comments reach the search index in batches off the request
path, so a kill can come before their batch), ranking order must follow
every vote (on SQLite posts are re-ranked in batches too; a last kill
after the writers stop leaves the start to catch up), and on SQLite the
database must pass PRAGMA integrity_check, hold every acknowledged vote
row, and no post still queued or ranked (score, hot, last_comment) by
anything but the votes and comments it has. A kill cannot lose
an acknowledged write even with synchronous=NORMAL: the commit is in the
WAL file, which the kernel keeps after the process dies (a power cut is
another matter; see docs/SECURITY.md).

DiskFullTest and ReadOnlyTest: a disk that fills up, and a file system that
turns read-only under the running server (EROFS on every write, as after
an emergency remount). Writes must answer 503 with a clear page and change
nothing; reads keep working; the server must not crash, and writes work
again once space returns or the file system is writable. The disk is a
2 MiB tmpfs mounted in a private mount namespace (`unshare -m`, root only);
the read-only file system is simulated by strace's syscall fault injection
(`-e inject=pwrite64:error=EROFS`) on the running server, since a mount
with open writers cannot be remounted read-only. Both are skipped, with a
reason, where those tools or privileges are missing, and on PostgreSQL.

Sizes: PARLEY_DURABILITY_KILLS (5), PARLEY_DURABILITY_SECONDS (20),
PARLEY_DURABILITY_WRITERS (4).
"""

import http.client
import math
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
import unittest
import urllib.parse

from harness import Browser, ParleyTestCase, Server, location_path, uniq

KILLS = int(os.environ.get("PARLEY_DURABILITY_KILLS", "5"))
SECONDS = float(os.environ.get("PARLEY_DURABILITY_SECONDS", "20"))
WRITERS = int(os.environ.get("PARLEY_DURABILITY_WRITERS", "4"))
PASSWORD = "correct-horse-1"

# What a dead or restarting server looks like to a client.
DOWN = (ConnectionError, http.client.HTTPException, OSError)


def rank_hot(score, created):
    """SPEC.md's hot rank, as src/base/rank.c computes it."""
    sign = (score > 0) - (score < 0)
    return sign * math.log10(max(abs(score), 1)) + (created - 1134028003) / 45000.0


class Ledger:
    """Every write attempted and every write acknowledged, shared by the
    writer threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.users = []            # names whose registration answered 303
        self.posts = {}            # post id -> title
        self.comments = {}         # comment id -> (post id, body)
        self.votes = set()         # (voter, kind, id) answered 303
        self.vote_tries = {}       # (kind, id) -> attempted upvotes
        self.vote_acks = {}        # (kind, id) -> acknowledged upvotes
        self.author = {}           # ("post"|"comment", id) -> writer name
        self.in_flight = 0         # requests cut off by a kill
        self.odd = []              # answers that are neither 303 nor a refusal

    def count(self):
        return (len(self.users), len(self.posts), len(self.comments), len(self.votes))


class KillTest(ParleyTestCase):
    @classmethod
    def setUpServer(cls):
        srv = cls.server
        # The writers are ordinary accounts; the site limits would stop
        # them long before the test does.
        for key in ("limit_posts", "limit_posts_new", "limit_comments",
                    "limit_comments_new", "limit_votes", "limit_votes_new",
                    "limit_registrations"):
            srv.set_limit(key, 100000)
        admin = uniq("da")
        srv.add_user(admin, PASSWORD, admin=True)
        b = Browser(srv)
        b.login(admin, PASSWORD)
        cls.community = uniq("dc")[:20]
        b.create_community(cls.community)
        cls.writers = []
        for i in range(WRITERS):
            name = uniq("dw")
            srv.add_user(name, PASSWORD)
            w = Browser(srv)
            w.login(name, PASSWORD)
            cls.writers.append(w)

    # -- the writers --------------------------------------------------------

    def writer(self, b, ledger, stop, rnd):
        me = b.name
        while not stop.is_set():
            op = rnd.random()
            try:
                if op < 0.08:
                    self.do_register(ledger)
                elif op < 0.33 or not ledger.posts:
                    self.do_post(b, me, ledger, rnd)
                elif op < 0.66:
                    self.do_comment(b, me, ledger, rnd)
                else:
                    self.do_vote(b, me, ledger, rnd)
            except DOWN:
                with ledger.lock:
                    ledger.in_flight += 1
                time.sleep(0.05)

    def check_answer(self, ledger, what, r):
        """True for 303; other answers are noted unless they are a refusal
        the test expects (a vote on an item that went away cannot happen,
        so only 503 while the server settles after a restart is one)."""
        if r.status == 303:
            return True
        if r.status != 503:
            with ledger.lock:
                ledger.odd.append((what, r.status, r.text[:200]))
        return False

    def do_register(self, ledger):
        name = uniq("dr")
        b = Browser(self.server)
        b.get("/register")
        r = b.post("/register", {"username": name, "password": PASSWORD})
        if self.check_answer(ledger, "register", r):
            with ledger.lock:
                ledger.users.append(name)

    def do_post(self, b, me, ledger, rnd):
        title = "durable post %d" % rnd.randrange(10 ** 9)
        r = b.post("/submit", {"community": self.community, "title": title,
                               "body": "body of " + title})
        if self.check_answer(ledger, "post", r):
            pid = int(re.search(r"/p/(\d+)", location_path(r, self.server)).group(1))
            with ledger.lock:
                ledger.posts[pid] = title
                ledger.author[("post", pid)] = me

    def do_comment(self, b, me, ledger, rnd):
        with ledger.lock:
            pid = rnd.choice(list(ledger.posts))
        body = "durable comment %d" % rnd.randrange(10 ** 9)
        r = b.post("/s/%s/p/%d/comment" % (self.community, pid), {"body": body})
        if self.check_answer(ledger, "comment", r):
            frag = urllib.parse.urlsplit(location_path(r, self.server)).fragment
            cid = int(frag[1:])
            with ledger.lock:
                ledger.comments[cid] = (pid, body)
                ledger.author[("comment", cid)] = me

    def do_vote(self, b, me, ledger, rnd):
        with ledger.lock:
            kind = "comment" if ledger.comments and rnd.random() < 0.5 else "post"
            pool = ledger.comments if kind == "comment" else ledger.posts
            ids = [i for i in rnd.sample(list(pool), min(8, len(pool)))
                   if ledger.author.get((kind, i)) != me
                   and (me, kind, i) not in self.tried]
            if not ids:
                return
            target = ids[0]
            self.tried.add((me, kind, target))
            ledger.vote_tries[(kind, target)] = ledger.vote_tries.get((kind, target), 0) + 1
        r = b.post("/vote", {"kind": kind, "id": str(target), "dir": "1"})
        if self.check_answer(ledger, "vote", r):
            with ledger.lock:
                ledger.votes.add((me, kind, target))
                ledger.vote_acks[(kind, target)] = ledger.vote_acks.get((kind, target), 0) + 1

    def top_ids(self, b):
        """The community's posts, top first, every page."""
        ids, after = [], None
        while True:
            q = {"sort": "top", "t": "all"}
            if after is not None:
                q["after"] = after
            doc = b.get_json("/s/%s?%s" % (self.community, urllib.parse.urlencode(q)))
            ids += [p["id"] for p in doc["posts"]]
            after = doc["after"]
            if after is None:
                return ids

    # -- the test -----------------------------------------------------------

    def test_acknowledged_writes_survive_sigkill(self):
        ledger = Ledger()
        stop = threading.Event()
        self.tried = set()
        threads = [threading.Thread(target=self.writer,
                                    args=(w, ledger, stop, random.Random(i)), daemon=True)
                   for i, w in enumerate(self.writers)]
        for t in threads:
            t.start()
        rnd = random.Random(os.getpid())
        kills = 0
        started = time.monotonic()
        for k in range(KILLS):
            time.sleep(rnd.uniform(0.5, 1.5) * SECONDS / KILLS)
            self.server.kill()              # SIGKILL, wait for the exit
            kills += 1
            self.server.start()             # same database, new port
        time.sleep(1.0)
        stop.set()
        for t in threads:
            t.join(60)
        # A last kill with the writers stopped: the votes whose posts the
        # rank batch had not reached are ranked as the server starts,
        # before its first answer, so ranking order is exact at once.
        self.server.kill()
        kills += 1
        self.server.start()
        elapsed = time.monotonic() - started
        self.assertEqual(ledger.odd, [], "answers other than 303 or 503")

        # Every acknowledged write, through the JSON pages.
        b = Browser(self.server)
        for name in ledger.users:
            self.assertEqual(b.get_json("/u/%s" % name)["name"].lower(), name.lower())
        seen_comments = {}
        scores = {}
        for pid, title in ledger.posts.items():
            t = b.get_json("/s/%s/p/%d" % (self.community, pid))
            self.assertEqual(t["post"]["title"], title, "post %d" % pid)
            scores[pid] = t["post"]["score"]
            got = ledger.vote_acks.get(("post", pid), 0)
            tried = ledger.vote_tries.get(("post", pid), 0)
            self.assertTrue(1 + got <= t["post"]["score"] <= 1 + tried,
                            "post %d: score %d, acknowledged upvotes %d, tried %d"
                            % (pid, t["post"]["score"], got, tried))
            for c in t["comments"]:
                seen_comments[c["id"]] = (pid, c["body"], c["score"])
        for cid, (pid, body) in ledger.comments.items():
            self.assertIn(cid, seen_comments, "acknowledged comment %d is gone" % cid)
            self.assertEqual(seen_comments[cid][:2], (pid, body))
            got = ledger.vote_acks.get(("comment", cid), 0)
            tried = ledger.vote_tries.get(("comment", cid), 0)
            self.assertTrue(1 + got <= seen_comments[cid][2] <= 1 + tried,
                            "comment %d: score %d, acknowledged %d, tried %d"
                            % (cid, seen_comments[cid][2], got, tried))
            found = b.get_json("/search.json?" + urllib.parse.urlencode(
                {"q": body.split()[-1], "kind": "comment"}))["results"]
            self.assertIn(cid, [r["comment"]["id"] for r in found],
                          "acknowledged comment %d is not found by search" % cid)

        # Ranking order follows every vote that survived (a post whose
        # answer a kill cut off may be there too, unknown to the ledger).
        self.assertEqual([p for p in self.top_ids(b) if p in scores],
                         sorted(scores, key=lambda p: (-scores[p], -p)))

        # On SQLite, the file itself: integrity and every vote row.
        integrity = "n/a (PostgreSQL)"
        if self.server.db_url.startswith("sqlite:"):
            db = sqlite3.connect("file:%s?mode=ro" % self.server.db_url[7:], uri=True)
            try:
                integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
                self.assertEqual(integrity, "ok")
                for voter, kind, target in ledger.votes:
                    row = db.execute(
                        "SELECT v.dir FROM votes v JOIN users u ON u.id = v.user_id "
                        "WHERE u.name = ? AND v.kind = ? AND v.target_id = ?",
                        (voter, 0 if kind == "post" else 1, target)).fetchone()
                    self.assertEqual(row, (1,), "vote by %s on %s %d" % (voter, kind, target))
                self.assertEqual(db.execute("SELECT count(*) FROM rank_queue").fetchone(), (0,))
                for pid, ups, downs, score, hot, created in db.execute(
                        "SELECT id, ups, downs, score, hot, created FROM posts"):
                    self.assertEqual(score, ups - downs, "post %d" % pid)
                    self.assertAlmostEqual(hot, rank_hot(score, created), places=9,
                                           msg="post %d" % pid)
                for pid, last, want in db.execute(
                        "SELECT p.id, p.last_comment, max(p.created, coalesce("
                        "(SELECT max(cm.created) FROM comments cm "
                        "WHERE cm.post_id = p.id), 0)) FROM posts p"):
                    self.assertEqual(last, want, "post %d: last_comment" % pid)
            finally:
                db.close()
        users, posts, comments, votes = ledger.count()
        print("\ndurability: %d SIGKILLs in %.0f s; %d acknowledged writes checked "
              "(%d registrations, %d posts, %d comments, %d votes), 0 lost; "
              "%d requests cut off by a kill; integrity_check %s"
              % (kills, elapsed, users + posts + comments + votes, users, posts,
                 comments, votes, ledger.in_flight, integrity))
        self.assertGreater(posts, 0)
        self.assertGreater(comments + votes, 0)


# --------------------------------------------------------------------------
# Disk full and read-only


class StorageFaultBase(unittest.TestCase):
    """A server of its own per test, on a database in self.dbdir."""

    wrap_mount = False

    def setUp(self):
        if not os.environ.get("PARLEY_TEST_DB_URL_TEMPLATE", "sqlite:").startswith("sqlite:"):
            self.skipTest("a SQLite file fault; PostgreSQL has its own")
        self.server = Server(env={"PARLEY_THREADS": "2"})
        self.dbdir = os.path.join(self.server.tmpdir, "disk")
        os.mkdir(self.dbdir)
        self.server.db_url = "sqlite:%s/parley.db" % self.dbdir
        if self.wrap_mount:
            # A 2 MiB file system of its own, seen by the server alone.
            self.server.wrap = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                                'mount -t tmpfs -o size=2m parley-test "$0" && exec "$@"',
                                self.dbdir]
        self.server.start()
        self.b = Browser(self.server)
        self.b.register(uniq("fa"), PASSWORD)

    def tearDown(self):
        srv = getattr(self, "server", None)
        if srv is None or srv.proc is None:
            return
        alive = srv.alive()
        rc = srv.stop()
        log = srv.log_text()
        srv.cleanup()
        self.assertTrue(alive, "the server died:\n" + log)
        self.assertEqual(rc, 0, "the server did not stop cleanly:\n" + log)

    def assert_refused_cleanly(self, before):
        """A write answers 503 with a clear page, and nothing changed."""
        c = self.cname
        r = self.b.post("/submit", {"community": c, "title": "lost", "body": "x"})
        self.assertEqual(r.status, 503, r.describe())
        self.assertIn("cannot save", r.text)
        self.assertIn("/bugs", r.text, "the error page has no footer")
        r = self.b.post("/s/%s/p/%d/comment" % (c, self.pid), {"body": "lost"})
        self.assertEqual(r.status, 503, r.describe())
        j = self.b.request("POST", "/vote", body="kind=post&id=%d&dir=-1&csrf=%s"
                           % (self.pid, self.b.csrf),
                           headers={"Accept": "application/json"})
        self.assertEqual(j.status, 503, j.describe())
        self.assertEqual(j.json()["error"], "storage")
        # Reads still work, and show the same site.
        self.assertEqual(self.b.get("/").status, 200)
        self.assertEqual(self.snapshot(), before)

    def snapshot(self):
        t = self.b.get_json("/s/%s/p/%d" % (self.cname, self.pid))
        listing = self.b.get_json("/s/%s?sort=new" % self.cname)
        return (t["post"]["score"], len(t["comments"]), len(listing["posts"]))

    def prepare_content(self):
        self.cname = uniq("fx")[:20]
        self.b.create_community(self.cname)
        self.pid = self.b.submit_text(self.cname, "Before the fault", "text")
        self.b.comment(self.cname, self.pid, "a comment before the fault")

    def assert_recovered(self):
        pid = self.b.submit_text(self.cname, "After the fault", "text")
        self.b.comment(self.cname, pid, "a comment after the fault")
        self.assertEqual(self.b.get_json("/s/%s/p/%d" % (self.cname, pid))["post"]["title"],
                         "After the fault")


class DiskFullTest(StorageFaultBase):
    wrap_mount = True

    def setUp(self):
        if os.geteuid() != 0 or shutil.which("unshare") is None:
            self.skipTest("needs root and unshare(1) for a private tmpfs")
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                                "mount -t tmpfs -o size=1m t /mnt"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode != 0:
            self.skipTest("mount is not allowed here (no CAP_SYS_ADMIN)")
        super().setUp()

    def in_ns(self, script):
        """Runs a shell script in the server's mount namespace."""
        return subprocess.run(["nsenter", "-t", str(self.server.proc.pid), "-m", "sh", "-c",
                               script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=30)

    def test_disk_full_answers_503_and_recovers(self):
        self.prepare_content()
        before = self.snapshot()
        # Fill what is left of the 2 MiB (dd stops at ENOSPC).
        self.in_ns("dd if=/dev/zero of=%s/fill bs=16k 2>/dev/null; sync" % self.dbdir)
        df = self.in_ns("df -k %s | tail -n 1" % self.dbdir).stdout.decode()
        self.assertRegex(df.split()[3], r"^0$", "the disk is not full: " + df)
        for _ in range(3):
            self.assert_refused_cleanly(before)
        self.assertIn("cannot write", self.server.log_text())
        self.in_ns("rm -f %s/fill" % self.dbdir)
        self.assert_recovered()


class ReadOnlyTest(StorageFaultBase):
    def setUp(self):
        if shutil.which("strace") is None:
            self.skipTest("needs strace(1) for syscall fault injection")
        super().setUp()

    def test_read_only_file_system_answers_503_and_recovers(self):
        self.prepare_content()
        before = self.snapshot()
        strace = subprocess.Popen(
            ["strace", "-f", "-qq", "-p", str(self.server.proc.pid), "-e", "trace=pwrite64",
             "-e", "inject=pwrite64:error=EROFS", "-o", "/dev/null"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            time.sleep(1.0)
            if strace.poll() is not None:
                self.skipTest("strace cannot attach here: "
                              + strace.stderr.read().decode("utf-8", "replace"))
            for _ in range(3):
                self.assert_refused_cleanly(before)
        finally:
            strace.send_signal(signal.SIGINT)     # detach; writes work again
            strace.wait(10)
            strace.stderr.close()
        self.assertIn("cannot write", self.server.log_text())
        self.assert_recovered()
