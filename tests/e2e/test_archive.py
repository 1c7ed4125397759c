# SPDX-License-Identifier: AGPL-3.0-or-later
"""Archiving: PARLEY_ARCHIVE_AFTER=3s refuses comments and votes on old posts;
PARLEY_ARCHIVE_AFTER=0 never archives."""

import time
import unittest

from harness import Browser, ParleyTestCase, uniq, visible_text

ARCHIVED = "(post is archived)"


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


if __name__ == "__main__":
    unittest.main()
