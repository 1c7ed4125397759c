# SPDX-License-Identifier: AGPL-3.0-or-later
"""Archiving: PARLEY_ARCHIVE_AFTER=3s refuses comments and votes on old posts;
PARLEY_ARCHIVE_AFTER=0 never archives. Archived threads as files in the
folder archive_dir names, shared by two servers of one database (on
PostgreSQL too); on PostgreSQL without archive_dir, no files."""

import os
import subprocess
import time
import unittest

from harness import (PARLEY_BIN, Browser, ParleyTestCase, TwoServersTestCase, clean_env,
                     is_postgres, uniq, visible_text)

ARCHIVED = "(post is archived)"


def old_thread(owner, author, prefix, title, comment):
    """A new community of owner's with author's post and comment, left to
    age past an archive_after of 2s; returns (community, post, comment,
    the thread's path)."""
    community = uniq(prefix)
    owner.create_community(community)
    post = author.submit_text(community, title, "the body")
    cid = author.comment(community, post, comment)
    time.sleep(2.5)
    return community, post, cid, "/s/%s/p/%d" % (community, post)


class ArchiveTest(ParleyTestCase):
    server_env = {"PARLEY_ARCHIVE_AFTER": "3s"}

    @classmethod
    def setUpServer(cls):
        name = uniq("aadm")
        cls.server.add_user(name, "correct-horse-1", admin=True)
        cls.author = Browser(cls.server)
        cls.author.login(name, "correct-horse-1")
        n = uniq("av")
        cls.server.add_user(n, "correct-horse-1")
        cls.voter = Browser(cls.server)
        cls.voter.login(n, "correct-horse-1")
        cls.comm = uniq("Arch")
        cls.author.create_community(cls.comm)
        start = time.monotonic()
        cls.old_pid = cls.author.submit_text(cls.comm, "Soon archived", "old body")
        cls.old_cid = cls.author.comment(cls.comm, cls.old_pid, "old comment")
        cls.voter.vote("post", cls.old_pid, 1)
        cls.voter.vote("comment", cls.old_cid, 1)
        # 3 s archive_after; wait until the post is safely older than that.
        time.sleep(max(0.0, 4.2 - (time.monotonic() - start)))

    def test_archived_post_page_and_json(self):
        page = Browser(self.server).page("/s/%s/p/%d" % (self.comm, self.old_pid)).text
        self.assertIn(ARCHIVED, visible_text(page))
        t = Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, self.old_pid))
        self.assertIs(t["post"]["archived"], True)
        self.assertEqual(t["post"]["score"], 2)

    def test_archived_refuses_comments_and_votes(self):
        before = self.thread_snapshot(self.comm, self.old_pid)
        c = self.comm
        attempts = [
            ("/s/%s/p/%d/comment" % (c, self.old_pid), {"body": "too late"}),
            ("/s/%s/p/%d/c/%d/reply" % (c, self.old_pid, self.old_cid), {"body": "too late"}),
            ("/vote", {"kind": "post", "id": str(self.old_pid), "dir": "1"}),
            ("/vote", {"kind": "post", "id": str(self.old_pid), "dir": "-1"}),
            ("/vote", {"kind": "post", "id": str(self.old_pid), "dir": "0"}),
            ("/vote", {"kind": "comment", "id": str(self.old_cid), "dir": "-1"}),
            ("/vote", {"kind": "comment", "id": str(self.old_cid), "dir": "0"}),
        ]
        for b in (self.author, self.voter):
            for path, fields in attempts:
                with self.subTest(user=b.name, path=path, fields=fields):
                    r = b.post(path, fields)
                    self.assertStatus(r, 403)
                    self.assertIn("archived", r.text.lower(), "refusal must say why")
        r = self.voter.post("/vote", {"kind": "post", "id": str(self.old_pid), "dir": "1"},
                            headers={"Accept": "application/json"})
        doc = self.assertJSONError(r, 403)
        self.assertIn("archived", (doc["message"] + doc["error"]).lower())
        self.assertEqual(before, self.thread_snapshot(self.comm, self.old_pid))

    def test_archived_comment_subtree_page(self):
        page = Browser(self.server).page("/s/%s/p/%d/c/%d"
                                         % (self.comm, self.old_pid, self.old_cid)).text
        self.assertIn("old comment", page)

    def test_fresh_post_is_open(self):
        pid = self.author.submit_text(self.comm, "Fresh", "new body")
        page = Browser(self.server).page("/s/%s/p/%d" % (self.comm, pid)).text
        self.assertNotIn(ARCHIVED, visible_text(page))
        self.author.comment(self.comm, pid, "in time")
        self.voter.vote("post", pid, 1)
        t = Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))
        self.assertIs(t["post"]["archived"], False)
        self.assertEqual(t["post"]["score"], 2)
        self.assertEqual(t["post"]["comment_count"], 1)


class NeverArchiveTest(ParleyTestCase):
    server_env = {"PARLEY_ARCHIVE_AFTER": "0"}

    def test_zero_means_never(self):
        name = uniq("nadm")
        self.server.add_user(name, "correct-horse-1", admin=True)
        b = Browser(self.server)
        b.login(name, "correct-horse-1")
        comm = uniq("Never")
        b.create_community(comm)
        pid = b.submit_text(comm, "Forever open", "")
        time.sleep(1.5)
        page = Browser(self.server).page("/s/%s/p/%d" % (comm, pid)).text
        self.assertNotIn(ARCHIVED, visible_text(page))
        b.comment(comm, pid, "still open")
        b.vote("post", pid, 0)
        t = Browser(self.server).get_json("/s/%s/p/%d" % (comm, pid))
        self.assertIs(t["post"]["archived"], False)
        self.assertEqual(t["post"]["score"], 0)
        self.assertEqual(t["post"]["comment_count"], 1)


class SharedArchiveDirTest(TwoServersTestCase):
    """Two servers of one site (one PostgreSQL database in make e2e-pg, one
    SQLite file otherwise) share the archive_dir folder: a file one writes
    the other serves, and a moderation action through either deletes it for
    both (docs/DEPLOY.md)."""

    server_env = {"PARLEY_ARCHIVE_AFTER": "2s",
                  "PARLEY_ARCHIVE_DIR": "{tmp}/shared-archive"}

    def test_one_folder_for_both_servers(self):
        folder = os.path.join(self.tmp, "shared-archive")
        admin_b = self.login_new(self.b, "sadm", admin=True)
        community, post, cid, path = old_thread(admin_b, admin_b, "Sh", "Shared archive",
                                                "a comment to remove")
        html_file = os.path.join(folder, "s", community, "%d.html" % post)
        json_file = os.path.join(folder, "s", community, "%d.json" % post)
        first = Browser(self.a).get(path)
        self.assertEqual(first.status, 200, first.describe())
        self.assertIsNone(first.header("X-Archive"))
        self.assertTrue(os.path.isfile(html_file), "server A wrote the file")
        from_b = Browser(self.b).get(path)
        self.assertEqual(from_b.header("X-Archive"), "file")
        self.assertEqual(from_b.text, first.text)
        self.assertIn("a comment to remove", from_b.text)
        Browser(self.b).get_json(path)
        self.assertTrue(os.path.isfile(json_file), "server B wrote the JSON file")
        j = Browser(self.a).get(path + ".json")
        self.assertEqual(j.header("X-Archive"), "file")
        self.assertEqual(j.json()["post"]["title"], "Shared archive")
        # A moderator on server B removes the comment: both files go, so
        # server A cannot serve what was removed.
        r = admin_b.post("/mod", {"action": "remove", "kind": "comment", "id": str(cid),
                                  "reason": "off topic"})
        self.assertEqual(r.status, 303, r.describe())
        self.assertFalse(os.path.exists(html_file))
        self.assertFalse(os.path.exists(json_file))
        again = Browser(self.a).get(path)
        self.assertIsNone(again.header("X-Archive"))
        self.assertNotIn("a comment to remove", again.text)
        self.assertIn("[removed]", again.text)
        # Each of B's threads may have kept the old file's bytes: none
        # serves them once the file was rewritten.
        for _ in range(6):
            served = Browser(self.b).get(path)
            self.assertEqual(served.header("X-Archive"), "file")
            self.assertEqual(served.text, again.text)


    def test_bad_archive_dir_refused(self):
        for bad in ("", "/x" * 451):
            with self.subTest(length=len(bad)):
                r = subprocess.run([PARLEY_BIN, "init", "--db", self.a.db_url],
                                   env=clean_env({"PARLEY_ARCHIVE_DIR": bad}),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(b"PARLEY_ARCHIVE_DIR: archive_dir: want a folder's path of 1 "
                              b"to 900 bytes", r.stderr)


class PostgresNoArchiveDirTest(ParleyTestCase):
    """On PostgreSQL without archive_dir there is no archive folder: every
    view is rendered (servers on several machines share no folder)."""

    server_env = {"PARLEY_ARCHIVE_AFTER": "2s"}

    def test_rendered_every_time(self):
        if not is_postgres(self.server.db_url):
            self.skipTest("SQLite keeps the archive beside its database")
        admin = self.login_new("padm", admin=True)
        path = old_thread(admin, admin, "Pn", "Never a file", "no file either")[3]
        for _ in range(2):
            r = Browser(self.server).get(path)
            self.assertEqual(r.status, 200, r.describe())
            self.assertIn("(post is archived)", r.text)
            self.assertIsNone(r.header("X-Archive"))
        self.assertFalse(os.path.exists(os.path.join(self.server.tmpdir, "archive")))


if __name__ == "__main__":
    unittest.main()
