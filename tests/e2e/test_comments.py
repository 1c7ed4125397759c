# SPDX-License-Identifier: AGPL-3.0-or-later
"""Comments: comment, reply, nesting, subtrees, edit, delete, sorts."""

import re
import unittest
import urllib.parse

from harness import (RFC3339_UTC, Browser, ParleyTestCase, has_score, link_paths,
                     location_path, uniq, visible_text)

COLLAPSE = "[\u2013]"


def anchor_re(cid):
    return r"""\bid\s*=\s*["']?c%d\b""" % cid


class CommentsTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        name = uniq("cadm")
        cls.server.add_user(name, "correct-horse-1", admin=True)
        cls.author = Browser(cls.server)
        cls.author.login(name, "correct-horse-1")
        cls.other = Browser(cls.server)
        cls.other.register(uniq("coth"), "correct-horse-1")
        cls.voters = []
        for i in range(3):
            n = uniq("cv")
            cls.server.add_user(n, "correct-horse-1")
            b = Browser(cls.server)
            b.login(n, "correct-horse-1")
            cls.voters.append(b)
        cls.comm = uniq("Talk")
        cls.author.create_community(cls.comm)

    def thread(self, pid, sort=None):
        q = "?sort=%s" % sort if sort else ""
        return Browser(self.server).get_json("/s/%s/p/%d%s" % (self.comm, pid, q))

    def post_page(self, pid, query=""):
        return Browser(self.server).page("/s/%s/p/%d%s" % (self.comm, pid, query)).text

    # -- basic -------------------------------------------------------------------

    def test_comment_and_reply(self):
        pid = self.author.submit_text(self.comm, "Discuss this", "post body")
        r = self.other.post("/s/%s/p/%d/comment" % (self.comm, pid),
                            {"body": "First *comment* cm-aa1"})
        self.assertStatus(r, 303)
        loc = location_path(r, self.server)
        parts = urllib.parse.urlsplit(loc)
        self.assertTrue(parts.path.startswith("/s/%s/p/%d" % (self.comm, pid)), loc)
        m = re.match(r"^c(\d+)$", parts.fragment)
        self.assertTrue(m, "Location must end with #cCID: %r" % loc)
        c1 = int(m.group(1))
        r = self.author.post("/s/%s/p/%d/c/%d/reply" % (self.comm, pid, c1),
                             {"body": "A reply cm-bb2"})
        self.assertStatus(r, 303)
        loc2 = location_path(r, self.server)
        m2 = re.match(r"^c(\d+)$", urllib.parse.urlsplit(loc2).fragment)
        self.assertTrue(m2, loc2)
        c2 = int(m2.group(1))
        self.assertNotEqual(c1, c2)

        page = self.post_page(pid)
        self.assertIn("<em>comment</em>", page)
        self.assertIn("cm-aa1", page)
        self.assertIn("cm-bb2", page)
        self.assertLess(page.index("cm-aa1"), page.index("cm-bb2"), "reply shown under parent")
        self.assertRegex(page, anchor_re(c1))
        self.assertRegex(page, anchor_re(c2))
        self.assertGreaterEqual(visible_text(page).count(COLLAPSE), 2,
                                "each comment has a [\u2013] collapse control")

        t = self.thread(pid)
        self.assertEqual(t["post"]["comment_count"], 2)
        byid = {c["id"]: c for c in t["comments"]}
        self.assertEqual([c["id"] for c in t["comments"]], [c1, c2])
        self.assertIsNone(byid[c1]["parent"])
        self.assertEqual(byid[c2]["parent"], c1)
        self.assertEqual(byid[c1]["depth"], 0)
        self.assertEqual(byid[c2]["depth"], 1)
        self.assertEqual(byid[c1]["author"], self.other.name)
        self.assertEqual(byid[c1]["body"], "First *comment* cm-aa1")
        self.assertEqual(byid[c1]["score"], 1)
        self.assertRegex(byid[c1]["created"], RFC3339_UTC)
        self.assertIsNone(byid[c1]["edited"])
        self.assertIs(byid[c1]["deleted"], False)
        self.assertIs(byid[c1]["removed"], False)

    def test_new_comment_shows_one_point(self):
        pid = self.author.submit_text(self.comm, "Points", "")
        self.author.vote("post", pid, 0)   # post at 0 pt, so only the comment shows 1 pt
        self.author.comment(self.comm, pid, "scored")
        page = self.post_page(pid)
        self.assertTrue(has_score(page, 1), "new comment shows `1 pt`")
        self.assertTrue(has_score(page, 0), "post with withdrawn vote shows `0 pt`")

    def test_comment_validation(self):
        pid = self.author.submit_text(self.comm, "Validate", "")
        c = self.author.comment(self.comm, pid, "parent")
        before = self.thread_snapshot(self.comm, pid)
        cases = [("", 400), ("x" * 10001, 400), ("\u00e9" * 10001, 400)]
        for body, status in cases:
            with self.subTest(len=len(body)):
                r = self.author.comment(self.comm, pid, body, expect=None)
                self.assertStatus(r, status)
                r = self.author.reply(self.comm, pid, c, body, expect=None)
                self.assertStatus(r, status)
        r = self.author.comment(self.comm, pid, "y" * 70000, expect=None)
        self.assertStatus(r, 413)
        self.assertEqual(before, self.thread_snapshot(self.comm, pid))
        # limits count characters, not bytes
        ok = self.author.comment(self.comm, pid, "x" * 10000)
        ok2 = self.author.reply(self.comm, pid, c, "\u00e9" * 10000)
        bodies = {x["id"]: x["body"] for x in self.thread(pid)["comments"]}
        self.assertEqual(bodies[ok], "x" * 10000)
        self.assertEqual(bodies[ok2], "\u00e9" * 10000)

    def test_comment_unknown_targets(self):
        pid = self.author.submit_text(self.comm, "Targets", "")
        other_pid = self.author.submit_text(self.comm, "Other post", "")
        foreign = self.author.comment(self.comm, other_pid, "on the other post")
        before = self.thread_snapshot(self.comm, pid)
        self.assertStatus(self.author.post("/s/%s/p/999999/comment" % self.comm,
                                           {"body": "x"}), 404)
        self.assertStatus(self.author.post("/s/nosuchcomm/p/%d/comment" % pid,
                                           {"body": "x"}), 404)
        self.assertStatus(self.author.post("/s/%s/p/%d/c/999999/reply" % (self.comm, pid),
                                           {"body": "x"}), 404)
        # a comment id that belongs to another post is unknown under this one
        self.assertStatus(self.author.post("/s/%s/p/%d/c/%d/reply" % (self.comm, pid, foreign),
                                           {"body": "x"}), 404)
        self.assertEqual(before, self.thread_snapshot(self.comm, pid))
        self.assertEqual(len(self.thread(other_pid)["comments"]), 1)

    def test_comment_needs_login_and_csrf(self):
        pid = self.author.submit_text(self.comm, "Auth", "")
        c = self.author.comment(self.comm, pid, "top")
        before = self.thread_snapshot(self.comm, pid)
        v = Browser(self.server)
        v.get("/login")
        self.assertStatus(v.post("/s/%s/p/%d/comment" % (self.comm, pid), {"body": "anon"}), 403)
        self.assertStatus(v.post("/s/%s/p/%d/c/%d/reply" % (self.comm, pid, c),
                                 {"body": "anon"}), 403)
        self.assertStatus(self.other.post("/s/%s/p/%d/comment" % (self.comm, pid),
                                          {"body": "nocsrf"}, csrf=False), 403)
        self.assertStatus(self.other.post("/s/%s/p/%d/c/%d/reply" % (self.comm, pid, c),
                                          {"body": "badcsrf"}, csrf="abc"), 403)
        self.assertEqual(before, self.thread_snapshot(self.comm, pid))

    def test_comment_html_escaped(self):
        pid = self.author.submit_text(self.comm, "Escapes", "")
        self.other.comment(self.comm, pid,
                           '<script>alert("c")</script> [x](javascript:alert(1)) '
                           '<iframe src="http://example.com"></iframe> https://example.net/auto')
        page = self.post_page(pid)
        self.assertNotIn('<script>alert("c")', page)
        self.assertNotIn("<iframe", page)
        self.assertNotRegex(page, r"""(?i)href\s*=\s*["']?\s*javascript:""")
        self.assertIn("https://example.net/auto", [h for h in re.findall(
            r"""href\s*=\s*["']([^"']+)""", page)], "bare URLs are autolinked")

    # -- nesting -------------------------------------------------------------------

    def test_deep_thread_continue_link(self):
        pid = self.author.submit_text(self.comm, "Deep thread", "")
        chain = [self.author.comment(self.comm, pid, "lvl-00-mark")]
        for depth in range(1, 13):
            chain.append(self.author.reply(self.comm, pid, chain[-1], "lvl-%02d-mark" % depth))
        t = self.thread(pid)
        depths = {c["id"]: c["depth"] for c in t["comments"]}
        for d, cid in enumerate(chain):
            if cid in depths:
                self.assertEqual(depths[cid], d)
        self.assertEqual(t["post"]["comment_count"], 13)

        page = self.post_page(pid)
        for d in range(0, 10):
            self.assertIn("lvl-%02d-mark" % d, page, "depth %d shown inline" % d)
        self.assertNotIn("lvl-12-mark", page, "deeper than 10 levels must not be inline")
        self.assertIn("continue this thread", visible_text(page))
        targets = [p for p in link_paths(page)
                   if re.match(r"^/s/%s/p/%d/c/\d+$" % (self.comm, pid), p)]
        cont = [p for p in targets if int(p.rsplit("/", 1)[1]) in chain[9:]]
        self.assertTrue(cont, "a continue-this-thread link to a deep comment: %r" % targets)
        sub = Browser(self.server).page(cont[0]).text
        self.assertIn("lvl-12-mark", sub)
        self.assertIn("lvl-11-mark", sub)

    def test_subtree_and_context(self):
        pid = self.author.submit_text(self.comm, "Subtree", "")
        root = self.author.comment(self.comm, pid, "st-root")
        mid = self.author.reply(self.comm, pid, root, "st-mid")
        sib = self.author.reply(self.comm, pid, root, "st-sibling")
        leaf = self.author.reply(self.comm, pid, mid, "st-leaf")
        other_top = self.author.comment(self.comm, pid, "st-othertop")
        path = "/s/%s/p/%d/c/%d" % (self.comm, pid, mid)
        sub = Browser(self.server).page(path).text
        self.assertIn("st-mid", sub)
        self.assertIn("st-leaf", sub)
        self.assertNotIn("st-sibling", sub)
        self.assertNotIn("st-othertop", sub)
        self.assertNotIn("st-root", sub)
        self.assertIn("Subtree", sub, "the post title is shown above the subtree")
        ctx = Browser(self.server).page(path + "?context=1").text
        self.assertIn("st-root", ctx)
        self.assertIn("st-mid", ctx)
        self.assertIn("st-leaf", ctx)
        self.assertNotIn("st-sibling", ctx)
        doc = Browser(self.server).get_json(path)
        ids = [c["id"] for c in doc["comments"]]
        self.assertEqual(ids, [mid, leaf])
        self.assertEqual(doc["post"]["id"], pid)
        self.assertNotIn(sib, ids)
        self.assertNotIn(other_top, ids)
        self.assertStatus(Browser(self.server).get("/s/%s/p/%d/c/999999" % (self.comm, pid)), 404)

    # -- edit / delete ---------------------------------------------------------------

    def test_edit_own_comment(self):
        pid = self.author.submit_text(self.comm, "Edit comments", "")
        c = self.other.comment(self.comm, pid, "before-edit-ee1")
        r = self.other.post("/s/%s/p/%d/c/%d/edit" % (self.comm, pid, c),
                            {"body": "after-edit-ee2"})
        self.assertStatus(r, 303)
        self.assertTrue(urllib.parse.urlsplit(location_path(r, self.server)).path
                        .startswith("/s/%s/p/%d" % (self.comm, pid)))
        page = self.post_page(pid)
        self.assertIn("after-edit-ee2", page)
        self.assertNotIn("before-edit-ee1", page)
        cm = {x["id"]: x for x in self.thread(pid)["comments"]}[c]
        self.assertEqual(cm["body"], "after-edit-ee2")
        self.assertRegex(cm["edited"] or "", RFC3339_UTC)

    def test_edit_delete_someone_elses_comment(self):
        pid = self.author.submit_text(self.comm, "Guarded", "")
        c = self.other.comment(self.comm, pid, "mine-not-yours")
        before = self.thread_snapshot(self.comm, pid)
        v = self.voters[0]
        self.assertStatus(v.post("/s/%s/p/%d/c/%d/edit" % (self.comm, pid, c),
                                 {"body": "hijack"}), 403)
        self.assertStatus(v.post("/s/%s/p/%d/c/%d/delete" % (self.comm, pid, c), {}), 403)
        self.assertStatus(self.other.post("/s/%s/p/%d/c/%d/edit" % (self.comm, pid, c),
                                          {"body": "x" * 10001}), 400)
        self.assertStatus(self.other.post("/s/%s/p/%d/c/%d/delete" % (self.comm, pid, c),
                                          {}, csrf=False), 403)
        self.assertEqual(before, self.thread_snapshot(self.comm, pid))

    def test_delete_own_comment_keeps_replies(self):
        pid = self.author.submit_text(self.comm, "Deletions", "")
        c = self.other.comment(self.comm, pid, "to-be-deleted-dd1")
        rep = self.author.reply(self.comm, pid, c, "surviving-reply-dd2")
        r = self.other.post("/s/%s/p/%d/c/%d/delete" % (self.comm, pid, c), {})
        self.assertStatus(r, 303)
        self.assertEqual(urllib.parse.urlsplit(location_path(r, self.server)).path
                         .rstrip("/").split("/")[:5], ["", "s", self.comm, "p", str(pid)])
        page = self.post_page(pid)
        self.assertNotIn("to-be-deleted-dd1", page)
        self.assertIn("[deleted]", page)
        self.assertIn("surviving-reply-dd2", page)
        raw = Browser(self.server).request_json("/s/%s/p/%d" % (self.comm, pid))
        self.assertNotIn("to-be-deleted-dd1", raw.text)
        cm = {x["id"]: x for x in raw.json()["comments"]}
        self.assertIs(cm[c]["deleted"], True)
        self.assertIn(cm[c]["body"], (None, "[deleted]"))
        self.assertEqual(cm[rep]["parent"], c)
        self.assertEqual(cm[rep]["body"], "surviving-reply-dd2")
        # the profile no longer shows the text either
        self.assertNotIn("to-be-deleted-dd1", Browser(self.server).get("/u/" + self.other.name).text)

    # -- sorts -------------------------------------------------------------------------

    def top_level(self, pid, sort):
        return [c["id"] for c in self.thread(pid, sort)["comments"] if c["parent"] is None]

    def test_sort_new_old_top_best(self):
        pid = self.author.submit_text(self.comm, "Sorted comments", "")
        c1 = self.author.comment(self.comm, pid, "s-one")
        c2 = self.author.comment(self.comm, pid, "s-two")
        c3 = self.author.comment(self.comm, pid, "s-three")
        # c1: 3 points, c3: 2 points, c2: 1 point
        self.voters[0].vote("comment", c1, 1)
        self.voters[1].vote("comment", c1, 1)
        self.voters[2].vote("comment", c3, 1)
        self.assertEqual(self.top_level(pid, "new"), [c3, c2, c1])
        self.assertEqual(self.top_level(pid, "old"), [c1, c2, c3])
        self.assertEqual(self.top_level(pid, "top"), [c1, c3, c2])
        self.assertEqual(self.top_level(pid, "best"), [c1, c3, c2])
        self.assertEqual(self.top_level(pid, None), [c1, c3, c2], "best is the default")
        # the HTML follows the same order
        page = self.post_page(pid, "?sort=new")
        self.assertLess(page.index("s-three"), page.index("s-two"))
        self.assertLess(page.index("s-two"), page.index("s-one"))
        page = self.post_page(pid, "?sort=top")
        self.assertLess(page.index("s-one"), page.index("s-three"))
        self.assertLess(page.index("s-three"), page.index("s-two"))

    def test_sort_controversial(self):
        pid = self.author.submit_text(self.comm, "Controversy", "")
        b = self.author.comment(self.comm, pid, "k-b")   # 2 up 1 down: 3^(1/2)
        a = self.author.comment(self.comm, pid, "k-a")   # 2 up 2 down: 4^1
        c = self.author.comment(self.comm, pid, "k-c")   # 1 up 0 down: 0
        v0, v1, v2 = self.voters
        v0.vote("comment", a, 1)
        v1.vote("comment", a, -1)
        v2.vote("comment", a, -1)
        v0.vote("comment", b, 1)
        v1.vote("comment", b, -1)
        self.assertEqual(self.top_level(pid, "controversial"), [a, b, c])

    def test_replies_follow_their_parent_in_every_sort(self):
        pid = self.author.submit_text(self.comm, "Nesting order", "")
        a = self.author.comment(self.comm, pid, "n-a")
        b = self.author.comment(self.comm, pid, "n-b")
        a1 = self.author.reply(self.comm, pid, a, "n-a1")
        b1 = self.author.reply(self.comm, pid, b, "n-b1")
        a2 = self.author.reply(self.comm, pid, a, "n-a2")
        for sort in ("best", "top", "new", "old", "controversial"):
            with self.subTest(sort=sort):
                ids = [c["id"] for c in self.thread(pid, sort)["comments"]]
                self.assertEqual(sorted(ids), sorted([a, b, a1, b1, a2]))
                # depth-first: each reply right after its parent's subtree starts
                for parent, kids in ((a, [a1, a2]), (b, [b1])):
                    block = ids[ids.index(parent) + 1: ids.index(parent) + 1 + len(kids)]
                    self.assertEqual(sorted(block), sorted(kids), "%s: %r" % (sort, ids))
        self.assertEqual([c["id"] for c in self.thread(pid, "old")["comments"]],
                         [a, a1, a2, b, b1])
        self.assertEqual([c["id"] for c in self.thread(pid, "new")["comments"]],
                         [b, b1, a, a2, a1])


if __name__ == "__main__":
    unittest.main()
