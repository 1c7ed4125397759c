# SPDX-License-Identifier: AGPL-3.0-or-later
"""Votes: up, down, withdraw, one per user, score words, redirects, points."""

import unittest
import urllib.parse

from harness import Browser, ParleyTestCase, has_score, location_path, uniq


class VotesTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        name = uniq("vadm")
        cls.server.add_user(name, "correct-horse-1", admin=True)
        cls.author = Browser(cls.server)
        cls.author.login(name, "correct-horse-1")
        cls.voters = []
        for i in range(3):
            n = uniq("vv")
            cls.server.add_user(n, "correct-horse-1")
            b = Browser(cls.server)
            b.login(n, "correct-horse-1")
            cls.voters.append(b)
        cls.comm = uniq("Votes")
        cls.author.create_community(cls.comm)

    def score(self, pid):
        return Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))["post"]["score"]

    def cscore(self, pid, cid):
        t = Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))
        return {c["id"]: c["score"] for c in t["comments"]}[cid]

    def page(self, pid):
        return Browser(self.server).page("/s/%s/p/%d" % (self.comm, pid)).text

    def test_post_votes_and_score_words(self):
        pid = self.author.submit_text(self.comm, "Vote on me", "")
        v0, v1, v2 = self.voters
        self.assertEqual(self.score(pid), 1)
        self.assertTrue(has_score(self.page(pid), 1))
        v0.vote("post", pid, 1)
        self.assertEqual(self.score(pid), 2)
        self.assertTrue(has_score(self.page(pid), 2), "score 2 shows `2 pts`")
        v0.vote("post", pid, 1)           # same direction again: still one vote
        self.assertEqual(self.score(pid), 2)
        v0.vote("post", pid, -1)          # change of mind
        self.assertEqual(self.score(pid), 0)
        self.assertTrue(has_score(self.page(pid), 0), "score 0 shows `0 pt`")
        v0.vote("post", pid, 0)           # withdraw
        self.assertEqual(self.score(pid), 1)
        self.author.vote("post", pid, 0)  # the author withdraws their own upvote
        self.assertEqual(self.score(pid), 0)
        v1.vote("post", pid, -1)
        self.assertEqual(self.score(pid), -1)
        self.assertTrue(has_score(self.page(pid), -1), "score -1 shows `-1 pt`")
        v2.vote("post", pid, -1)
        self.assertEqual(self.score(pid), -2)
        self.assertTrue(has_score(self.page(pid), -2), "score -2 shows `-2 pts`")
        v2.vote("post", pid, -1)
        self.assertEqual(self.score(pid), -2)
        v1.vote("post", pid, 0)
        v2.vote("post", pid, 0)
        v1.vote("post", pid, 0)           # withdrawing twice is harmless
        self.assertEqual(self.score(pid), 0)
        self.author.vote("post", pid, 1)
        self.assertEqual(self.score(pid), 1)

    def test_comment_votes(self):
        pid = self.author.submit_text(self.comm, "Comment votes", "")
        cid = self.author.comment(self.comm, pid, "vote this comment")
        self.assertEqual(self.cscore(pid, cid), 1)
        self.voters[0].vote("comment", cid, 1)
        self.voters[1].vote("comment", cid, 1)
        self.voters[1].vote("comment", cid, 1)
        self.assertEqual(self.cscore(pid, cid), 3)
        self.assertTrue(has_score(self.page(pid), 3))
        self.voters[2].vote("comment", cid, -1)
        self.assertEqual(self.cscore(pid, cid), 2)
        self.voters[0].vote("comment", cid, 0)
        self.assertEqual(self.cscore(pid, cid), 1)
        # the post's own score is untouched by comment votes
        self.assertEqual(self.score(pid), 1)

    def test_vote_redirects(self):
        pid = self.author.submit_text(self.comm, "Redirects", "")
        cid = self.author.comment(self.comm, pid, "redirect comment")
        v = self.voters[0]
        origin = self.server.origin
        r = v.vote("post", pid, 1, referer=origin + "/s/%s" % self.comm)
        self.assertLocation(r, "/s/" + self.comm)
        r = v.vote("post", pid, 1, referer=origin + "/?sort=new")
        self.assertLocation(r, "/")
        # no referer, or one from another site: the item's page
        for ref in (None, "http://evil.example/s/%s" % self.comm, "javascript:alert(1)",
                    "//evil.example/x"):
            with self.subTest(referer=ref):
                r = v.vote("post", pid, 1, referer=ref)
                self.assertStatus(r, 303)
                loc = location_path(r, self.server)   # fails on a foreign Location
                self.assertTrue(urllib.parse.urlsplit(loc).path
                                .startswith("/s/%s/p/%d" % (self.comm, pid)), loc)
                r = v.vote("comment", cid, 1, referer=ref)
                self.assertStatus(r, 303)
                loc = location_path(r, self.server)
                self.assertTrue(urllib.parse.urlsplit(loc).path
                                .startswith("/s/%s/p/%d" % (self.comm, pid)), loc)
                self.assertEqual(urllib.parse.urlsplit(loc).fragment, "c%d" % cid)

    def test_bad_votes_change_nothing(self):
        pid = self.author.submit_text(self.comm, "Bad votes", "")
        cid = self.author.comment(self.comm, pid, "bad vote comment")
        before = self.thread_snapshot(self.comm, pid)
        v = self.voters[0]
        cases = [
            ({"kind": "post", "id": str(pid), "dir": "2"}, 400),
            ({"kind": "post", "id": str(pid), "dir": "up"}, 400),
            ({"kind": "post", "id": str(pid), "dir": ""}, 400),
            ({"kind": "post", "id": str(pid), "dir": "-2"}, 400),
            ({"kind": "post", "id": str(pid), "dir": "+1 "}, 400),
            ({"kind": "post", "id": str(pid)}, 400),
            ({"kind": "user", "id": str(pid), "dir": "1"}, 400),
            ({"kind": "", "id": str(pid), "dir": "1"}, 400),
            ({"id": str(pid), "dir": "1"}, 400),
            ({"kind": "post", "id": "abc", "dir": "1"}, 400),
            ({"kind": "post", "id": "", "dir": "1"}, 400),
            ({"kind": "post", "id": "1.5", "dir": "1"}, 400),
            ({"kind": "post", "dir": "1"}, 400),
            ({"kind": "post", "id": "999999", "dir": "1"}, 404),
            ({"kind": "comment", "id": "999999", "dir": "1"}, 404),
        ]
        for fields, status in cases:
            with self.subTest(fields=fields):
                self.assertStatus(v.post("/vote", fields), status)
        # JSON requests get JSON errors
        r = v.post("/vote", {"kind": "post", "id": str(pid), "dir": "7"},
                   headers={"Accept": "application/json"})
        self.assertJSONError(r, 400)
        r = v.post("/vote", {"kind": "post", "id": "999999", "dir": "1"},
                   headers={"Accept": "application/json"})
        self.assertJSONError(r, 404)
        self.assertEqual(before, self.thread_snapshot(self.comm, pid))

    def test_vote_needs_login_and_csrf(self):
        pid = self.author.submit_text(self.comm, "Auth votes", "")
        before = self.thread_snapshot(self.comm, pid)
        anon = Browser(self.server)
        anon.get("/login")
        self.assertStatus(anon.post("/vote", {"kind": "post", "id": str(pid), "dir": "1"}), 403)
        v = self.voters[1]
        self.assertStatus(v.post("/vote", {"kind": "post", "id": str(pid), "dir": "1"},
                                 csrf=False), 403)
        self.assertStatus(v.post("/vote", {"kind": "post", "id": str(pid), "dir": "1"},
                                 csrf="forged"), 403)
        self.assertStatus(v.post("/vote", {"kind": "post", "id": str(pid), "dir": "1"},
                                 csrf=anon.csrf), 403)
        r = v.post("/vote", {"kind": "post", "id": str(pid), "dir": "1"}, csrf=False,
                   headers={"Accept": "application/json"})
        self.assertJSONError(r, 403)
        self.assertEqual(before, self.thread_snapshot(self.comm, pid))

    def test_points_follow_votes(self):
        name = uniq("pts")
        self.server.add_user(name, "correct-horse-1")
        poster = Browser(self.server)
        poster.login(name, "correct-horse-1")
        pid = poster.submit_text(self.comm, "Earn points", "")
        cid = poster.comment(self.comm, pid, "earn more")
        base = Browser(self.server).get_json("/u/" + name)["points"]
        self.assertIsInstance(base, int)
        self.voters[0].vote("post", pid, 1)
        self.assertEqual(Browser(self.server).get_json("/u/" + name)["points"], base + 1)
        self.voters[1].vote("comment", cid, 1)
        self.assertEqual(Browser(self.server).get_json("/u/" + name)["points"], base + 2)
        self.voters[0].vote("post", pid, -1)
        self.assertEqual(Browser(self.server).get_json("/u/" + name)["points"], base)
        self.voters[0].vote("post", pid, 0)
        self.assertEqual(Browser(self.server).get_json("/u/" + name)["points"], base + 1)
        prof = Browser(self.server).page("/u/" + name).text
        self.assertIn(str(base + 1), prof)


if __name__ == "__main__":
    unittest.main()
