# SPDX-License-Identifier: AGPL-3.0-or-later
"""Home and /all: a member's / shows their subscriptions (all when none);
/all shows every community to everyone; the header links both."""

import re

from harness import Browser, ParleyTestCase, hrefs, uniq


class HomeTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.admin = cls.login_new("hadm", admin=True)
        cls.a, cls.b = uniq("HomeA"), uniq("HomeB")
        cls.admin.create_community(cls.a)
        cls.admin.create_community(cls.b)
        cls.pa = cls.admin.submit_text(cls.a, "in a", "x")
        cls.pb = cls.admin.submit_text(cls.b, "in b", "x")

    @staticmethod
    def ids(b, path):
        return [p["id"] for p in b.get_json(path)["posts"]]

    def test_home_shows_subscriptions_only(self):
        m = self.new_user("hm")
        self.assertStatus(m.post("/s/%s/subscribe" % self.a, {}), 303)
        for sort in ("hot", "new", "top", "active", "controversial"):
            path = "/.json?sort=%s" % sort
            got = self.ids(m, path)
            self.assertIn(self.pa, got, sort)
            self.assertNotIn(self.pb, got, sort)
            got = self.ids(m, "/all.json?sort=%s" % sort)
            self.assertIn(self.pa, got, sort)
            self.assertIn(self.pb, got, sort)
        page = m.page("/").text
        self.assertIn("Home", page)
        self.assertNotIn("in b", page)
        self.assertIn("in b", m.page("/all").text)
        self.assertStatus(m.post("/s/%s/unsubscribe" % self.a, {}), 303)
        self.assertIn(self.pb, self.ids(m, "/.json"))

    def test_no_subscriptions_and_visitors_see_everything(self):
        m = self.new_user("hn")
        for b in (m, Browser(self.server)):
            for path in ("/.json", "/all.json"):
                got = self.ids(b, path)
                self.assertIn(self.pa, got)
                self.assertIn(self.pb, got)

    def test_header_links_both(self):
        for b in (self.admin, Browser(self.server)):
            links = hrefs(b.page("/communities").text)
            self.assertIn("/", links)
            self.assertIn("/all", links)

    def test_one_heading_names_the_listing(self):
        # The front page shows its name by its tabs; its one <h1> is for
        # screen readers: Home for a subscriber, All posts otherwise.
        m = self.new_user("hh")
        self.assertStatus(m.post("/s/%s/subscribe" % self.a, {}), 303)
        for b, path, name in ((m, "/", "Home"), (m, "/all", "All posts"),
                              (Browser(self.server), "/", "All posts")):
            got = re.findall(r"<h1[^>]*>(.*?)</h1>", b.page(path).text)
            self.assertEqual(got, [name], path)

    def test_all_pages_by_cursor(self):
        j = Browser(self.server).get_json("/all.json?sort=new")
        self.assertIn("after", j)
        self.assertStatus(Browser(self.server).get("/all?after=x"), 400)


class HomePagingTest(ParleyTestCase):
    """Home's pages on a server of its own, so no other test's posts
    change what a page holds."""

    @classmethod
    def setUpServer(cls):
        cls.admin = cls.login_new("hpadm", admin=True)

    def test_home_pages_across_the_boundary_exactly(self):
        # three subscribed communities among five, posts interleaved with
        # the others', more than a page of them: Home's pages, followed by
        # their cursor, are exactly /all's posts of those communities in
        # /all's order, in every sort, none repeated and none skipped
        comms = [uniq("HomeP") for _ in range(5)]
        for c in comms:
            self.admin.create_community(c)
        where = {}
        for i in range(45):
            c = comms[i % 5]
            where[self.admin.submit_text(c, "paged %d" % i, "x")] = c
        voters = [self.new_user("hv") for _ in range(2)]
        for k, pid in enumerate(sorted(where)[::4]):
            for v in voters[:1 + k % 2]:
                self.assertStatus(v.vote("post", pid, -1 if k % 3 == 0 else 1), 303)
        m = self.new_user("hp")
        subs = set(comms[:3])
        for c in subs:
            self.assertStatus(m.post("/s/%s/subscribe" % c, {}), 303)
        hidden = next(p for p in sorted(where) if where[p] == comms[0])
        self.assertStatus(m.post("/hide", {"id": str(hidden)}), 303)

        def follow(path):
            got, after, pages = [], None, 0
            while True:
                j = m.get_json(path + ("&after=" + after if after else ""))
                got += [p["id"] for p in j["posts"]]
                pages += 1
                after = j["after"]
                if not after:
                    return got, pages
                self.assertEqual(len(j["posts"]), 25)

        for sort in ("hot", "new", "top&t=all", "active", "controversial"):
            every, _ = follow("/all.json?sort=%s" % sort)
            want = [p for p in every if where.get(p) in subs]
            self.assertEqual(len(want), 26, sort)
            got, pages = follow("/.json?sort=%s" % sort)
            self.assertEqual(pages, 2, sort)
            self.assertEqual(got, want, sort)
            self.assertNotIn(hidden, got)
        # the HTML page's next link carries the cursor of its last post
        page = m.page("/?sort=new").text
        self.assertIn(">paged 42</a>", page)
        self.assertNotIn(">paged 44</a>", page)
        self.assertIn('rel="next" href="/?sort=new&amp;after=%s"'
                      % m.get_json("/.json?sort=new")["after"], page)


if __name__ == "__main__":
    import unittest
    unittest.main()
