# SPDX-License-Identifier: AGPL-3.0-or-later
"""Polls: POST /submit with poll, POST /poll, results, closing, limits,
and 50 members voting at once."""

import re
import threading
import time
import unittest

from harness import Browser, ParleyTestCase, uniq

PW = "correct-horse-1"


def pid_of(r):
    return int(re.search(r"/p/(\d+)", r.header("Location")).group(1))


class PollsTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.admin = Browser(cls.server)
        name = uniq("padm")
        cls.server.add_user(name, PW, admin=True)
        cls.admin.login(name, PW)
        cls.comm = uniq("Polls")
        cls.admin.create_community(cls.comm)

    def member(self):
        name = uniq("pm")
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.login(name, PW)
        return b

    def make_poll(self, options="Red\nGreen\nBlue", closes=None, b=None):
        fields = {"community": self.comm, "title": "Which colour?", "body": "pick",
                  "poll": options}
        if closes is not None:
            fields["closes"] = closes
        r = (b or self.admin).post("/submit", fields)
        self.assertStatus(r, 303)
        return pid_of(r)

    def path(self, pid):
        return "/s/%s/p/%d" % (self.comm, pid)

    def poll(self, b, pid):
        return b.get_json(self.path(pid))["post"]["poll"]

    def test_submit_form_has_poll(self):
        page = self.admin.page("/submit").text
        self.assertRegex(page, r'name="poll"')
        self.assertRegex(page, r'name="closes"')

    def test_poll_json_and_vote_change(self):
        pid = self.make_poll(" Red \n\n Green\r\nBlue\n")
        p = self.poll(Browser(self.server), pid)
        self.assertEqual([o["text"] for o in p["options"]], ["Red", "Green", "Blue"])
        self.assertEqual([o["votes"] for o in p["options"]], [0, 0, 0])
        self.assertIsNone(p["closes"])
        self.assertIsNone(p["voted"])
        ids = [o["id"] for o in p["options"]]
        m = self.member()
        self.assertStatus(m.post("/poll", {"post": str(pid), "option": str(ids[1])}), 303)
        p = self.poll(m, pid)
        self.assertEqual([o["votes"] for o in p["options"]], [0, 1, 0])
        self.assertEqual(p["voted"], ids[1])
        # changing the vote moves it; one vote per member
        self.assertStatus(m.post("/poll", {"post": str(pid), "option": str(ids[2])}), 303)
        p = self.poll(m, pid)
        self.assertEqual([o["votes"] for o in p["options"]], [0, 0, 1])
        self.assertEqual(p["voted"], ids[2])
        self.assertIsNone(self.poll(Browser(self.server), pid)["voted"])
        # a plain post has no poll
        plain = self.admin.submit_text(self.comm, "No poll", "b")
        self.assertIsNone(self.poll(Browser(self.server), plain))

    def test_lists_carry_each_posts_own_poll(self):
        # a page of several polls and plain posts: each post's own poll,
        # counts and the viewer's choice, in listings, search and saved
        word = uniq("pl").lower().replace("-", "").replace("_", "")
        a = self.make_poll("One\nTwo")
        plain = self.admin.submit_text(self.comm, "Plain %s" % word, "b")
        b = self.make_poll("Three\nFour\nFive")
        m = self.member()
        opts = {pid: [o["id"] for o in self.poll(m, pid)["options"]] for pid in (a, b)}
        self.assertStatus(m.post("/poll", {"post": str(a), "option": str(opts[a][1])}), 303)
        self.assertStatus(m.post("/poll", {"post": str(b), "option": str(opts[b][0])}), 303)
        self.assertStatus(self.admin.post("/poll", {"post": str(b), "option": str(opts[b][0])}), 303)
        for pid in (a, plain, b):
            self.assertStatus(m.post("/save", {"kind": "post", "id": str(pid)}), 303)
        want = {
            a: {"texts": ["One", "Two"], "votes": [0, 1], "voted": opts[a][1]},
            b: {"texts": ["Three", "Four", "Five"], "votes": [2, 0, 0],
                "voted": opts[b][0]},
        }

        def check(posts, viewer_voted):
            seen = set()
            for post in posts:
                if post["id"] == plain:
                    self.assertIsNone(post["poll"])
                    seen.add(plain)
                if post["id"] not in want:
                    continue
                w, poll = want[post["id"]], post["poll"]
                self.assertEqual([o["text"] for o in poll["options"]], w["texts"])
                self.assertEqual([o["id"] for o in poll["options"]], opts[post["id"]])
                self.assertEqual([o["votes"] for o in poll["options"]], w["votes"])
                self.assertEqual(poll["voted"], w["voted"] if viewer_voted else None)
                self.assertFalse(poll["closed"])
                seen.add(post["id"])
            self.assertEqual(seen, {a, b, plain})

        for viewer, voted in ((m, True), (Browser(self.server), False)):
            check(viewer.get_json("/s/%s.json?sort=new" % self.comm)["posts"], voted)
        check([i["post"] for i in m.get_json("/saved.json")["items"]], True)
        self.assertIsNone(m.get_json("/search.json?q=" + word)["results"][0]["post"]["poll"])

    def test_results_html_without_script(self):
        pid = self.make_poll("Yes\nNo")
        p = self.poll(Browser(self.server), pid)
        m = self.member()
        self.assertStatus(m.post("/poll", {"post": str(pid),
                                           "option": str(p["options"][0]["id"])}), 303)
        page = m.page(self.path(pid)).text
        self.assertIn('action="/poll"', page)
        self.assertRegex(page, r'type="radio" name="option" value="%d" checked'
                         % p["options"][0]["id"])
        self.assertRegex(page, r'<progress value="1" max="1">')
        self.assertIn("1 vote", page)
        # No script of its own: the only one is the deferred, optional
        # /parley.js every page links.
        self.assertEqual(re.findall(r"<script[^>]*>", page),
                         ['<script src="/parley.js" defer>'])
        anon = Browser(self.server).page(self.path(pid)).text
        self.assertIn("Yes", anon)
        self.assertNotIn('action="/poll"', anon)

    def test_bad_polls_refused(self):
        for options in ("Only one", "\n".join("o%d" % i for i in range(11)), "a\n" + "x" * 101):
            r = self.admin.post("/submit", {"community": self.comm, "title": "Bad poll",
                                            "body": "", "poll": options})
            self.assertStatus(r, 400)
        r = self.admin.post("/submit", {"community": self.comm, "title": "Bad",
                                        "poll": "a\nb", "closes": "soon"})
        self.assertStatus(r, 400)
        r = self.admin.post("/submit", {"community": self.comm, "title": "Bad",
                                        "url": "https://example.org/", "poll": "a\nb"})
        self.assertStatus(r, 400)
        pid = self.make_poll()
        other = self.make_poll()
        oid = self.poll(self.admin, other)["options"][0]["id"]
        m = self.member()
        self.assertStatus(m.post("/poll", {"post": str(pid), "option": str(oid)}), 400)
        self.assertStatus(m.post("/poll", {"post": str(pid), "option": "x"}), 400)
        self.assertStatus(m.post("/poll", {"post": "999999", "option": "1"}), 404)
        self.assertStatus(Browser(self.server).post("/poll", {"post": str(pid),
                                                              "option": str(oid)}), 403)
        self.assertEqual(sum(o["votes"] for o in self.poll(m, pid)["options"]), 0)

    def test_closes(self):
        pid = self.make_poll(closes="2s")
        p = self.poll(self.admin, pid)
        self.assertIsNotNone(p["closes"])
        m = self.member()
        oid = p["options"][0]["id"]
        self.assertStatus(m.post("/poll", {"post": str(pid), "option": str(oid)}), 303)
        time.sleep(2.5)
        self.assertStatus(m.post("/poll", {"post": str(pid),
                                           "option": str(p["options"][1]["id"])}), 403)
        p = self.poll(m, pid)
        self.assertTrue(p["closed"])
        self.assertEqual([o["votes"] for o in p["options"]], [1, 0, 0])
        page = m.page(self.path(pid)).text
        self.assertIn("poll closed", page)
        self.assertNotIn('action="/poll"', page)

    def test_locked_poll_is_read_only(self):
        pid = self.make_poll()
        oid = self.poll(self.admin, pid)["options"][0]["id"]
        r = self.admin.post("/mod", {"action": "lock", "kind": "post", "id": str(pid)})
        self.assertStatus(r, 303)
        m = self.member()
        self.assertStatus(m.post("/poll", {"post": str(pid), "option": str(oid)}), 403)
        self.assertNotIn('action="/poll"', m.page(self.path(pid)).text)

    def test_concurrent_votes_count_exactly(self):
        pid = self.make_poll("A\nB")
        ids = [o["id"] for o in self.poll(self.admin, pid)["options"]]
        members = [self.member() for _ in range(50)]
        for b in members:
            b.refresh_csrf()
        results = []
        start = threading.Barrier(50)

        def vote(i, b):
            start.wait()
            r = b.post("/poll", {"post": str(pid), "option": str(ids[i % 2])})
            results.append(r.status)

        threads = [threading.Thread(target=vote, args=(i, b)) for i, b in enumerate(members)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(sorted(results), [303] * 50)
        p = self.poll(Browser(self.server), pid)
        self.assertEqual([o["votes"] for o in p["options"]], [25, 25])


class PollLimitsTest(ParleyTestCase):
    """Poll votes count against the vote limits; archived polls are closed."""

    server_env = {"PARLEY_ARCHIVE_AFTER": "3s"}

    @classmethod
    def setUpServer(cls):
        cls.admin = Browser(cls.server)
        name = uniq("pladm")
        cls.server.add_user(name, PW, admin=True)
        cls.admin.login(name, PW)
        cls.comm = uniq("Pollim")
        cls.admin.create_community(cls.comm)
        cls.server.set_limit("limit_votes_new", 2)
        cls.server.set_limit("limit_votes", 2)

    def test_limit_and_archive(self):
        polls = []
        for _ in range(2):
            r = self.admin.post("/submit", {"community": self.comm, "title": "Limit poll",
                                            "poll": "x\ny"})
            self.assertStatus(r, 303)
            pid = pid_of(r)
            polls.append((pid, self.admin.get_json("/s/%s/p/%d" % (self.comm, pid))
                          ["post"]["poll"]["options"][0]["id"]))
        name = uniq("plm")
        self.server.add_user(name, PW)
        m = Browser(self.server)
        m.login(name, PW)
        self.assertStatus(m.post("/poll", {"post": str(polls[0][0]),
                                           "option": str(polls[0][1])}), 303)
        self.assertStatus(m.post("/poll", {"post": str(polls[1][0]),
                                           "option": str(polls[1][1])}), 303)
        name2 = uniq("plm")
        self.server.add_user(name2, PW)
        m2 = Browser(self.server)
        m2.login(name2, PW)
        self.assertStatus(m2.vote("post", polls[0][0], 1), 303)
        self.assertStatus(m2.vote("post", polls[1][0], 1), 303)
        self.assertStatus(m2.post("/poll", {"post": str(polls[0][0]),
                                            "option": str(polls[0][1])}), 429)
        # and poll votes count against later votes too
        self.assertStatus(m.vote("post", polls[0][0], 1, expect=None), 429)
        time.sleep(3.5)
        name3 = uniq("plm")
        self.server.add_user(name3, PW)
        m3 = Browser(self.server)
        m3.login(name3, PW)
        self.assertStatus(m3.post("/poll", {"post": str(polls[0][0]),
                                            "option": str(polls[0][1])}), 403)
        p = m3.get_json("/s/%s/p/%d" % (self.comm, polls[0][0]))["post"]["poll"]
        self.assertTrue(p["closed"])


if __name__ == "__main__":
    unittest.main()
