# SPDX-License-Identifier: AGPL-3.0-or-later
"""Listings: cursor paging (25 a page) and the post sorts."""

import re
import time
import unittest
import urllib.parse

from harness import Browser, ParleyTestCase, hrefs, uniq

PAGE = 25


class ListingTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        name = uniq("ladm")
        cls.server.add_user(name, "correct-horse-1", admin=True)
        cls.author = Browser(cls.server)
        cls.author.login(name, "correct-horse-1")
        cls.voters = []
        for i in range(3):
            n = uniq("lv")
            cls.server.add_user(n, "correct-horse-1")
            b = Browser(cls.server)
            b.login(n, "correct-horse-1")
            cls.voters.append(b)
        cls.many = uniq("Many")
        cls.author.create_community(cls.many)
        cls.many_ids = [cls.author.submit_text(cls.many, "Paged post %02d" % i, "")
                        for i in range(30)]

    def ids(self, path):
        return [p["id"] for p in Browser(self.server).get_json(path)["posts"]]

    def page_through(self, path, limit=20):
        """Follow `after` from `path` (which may have a query); returns pages of ids."""
        pages = []
        b = Browser(self.server)
        after = None
        sep = "&" if "?" in path else "?"
        for _ in range(limit):
            q = path if after is None else "%s%safter=%s" % (path, sep, urllib.parse.quote(after))
            doc = b.get_json(q)
            pages.append([p["id"] for p in doc["posts"]])
            after = doc["after"]
            if after is None:
                return pages
            self.assertIsInstance(after, str)
        self.fail("paging %s did not end after %d pages" % (path, limit))

    # -- paging --------------------------------------------------------------------

    def test_new_pages_by_cursor(self):
        pages = self.page_through("/s/%s?sort=new" % self.many)
        self.assertEqual([len(p) for p in pages], [25, 5])
        flat = [i for p in pages for i in p]
        self.assertEqual(flat, list(reversed(self.many_ids)), "newest first, each once")

    def test_hot_pages_by_cursor(self):
        for path in ("/s/%s" % self.many, "/s/%s?sort=hot" % self.many):
            with self.subTest(path=path):
                pages = self.page_through(path)
                self.assertEqual([len(p) for p in pages], [25, 5])
                flat = [i for p in pages for i in p]
                self.assertEqual(sorted(flat), sorted(self.many_ids))
                self.assertEqual(len(set(flat)), 30)

    def test_other_sorts_page_too(self):
        for path in ("/s/%s?sort=top&t=all" % self.many, "/s/%s?sort=active" % self.many,
                     "/s/%s?sort=controversial" % self.many):
            with self.subTest(path=path):
                flat = [i for p in self.page_through(path) for i in p]
                self.assertEqual(sorted(flat), sorted(self.many_ids))

    def test_front_page_pages_by_cursor(self):
        pages = self.page_through("/?sort=new")
        flat = [i for p in pages for i in p]
        self.assertEqual(len(flat), len(set(flat)), "a post appeared twice")
        for p in pages[:-1]:
            self.assertEqual(len(p), PAGE)
        mine = [i for i in flat if i in self.many_ids]
        self.assertEqual(mine, list(reversed(self.many_ids)))

    def test_html_next_link(self):
        b = Browser(self.server)
        r = b.page("/s/%s?sort=new" % self.many)
        first = self.post_ids_in(r.text)
        self.assertEqual(len(first), PAGE, "25 posts on the first HTML page")
        nexts = [h for h in hrefs(r.text) if "after=" in h]
        self.assertTrue(nexts, "no ?after= next-page link")
        nxt = nexts[0]
        parts = urllib.parse.urlsplit(nxt)
        self.assertIn(parts.path, ("", "/s/" + self.many))
        r2 = b.page(urllib.parse.urlunsplit(("", "", parts.path or "/s/" + self.many,
                                             parts.query, "")))
        second = self.post_ids_in(r2.text)
        self.assertEqual(len(second), 5)
        self.assertEqual(sorted(first + second), sorted(self.many_ids))
        self.assertFalse([h for h in hrefs(r2.text) if "after=" in h],
                         "the last page has no next link")
        # the HTML shows them newest first too
        self.assertEqual(first + second, list(reversed(self.many_ids)))

    def post_ids_in(self, page):
        out = []
        for h in hrefs(page):
            m = re.match(r"^(?:https?://[^/]+)?/s/%s/p/(\d+)(?:/[^/?#]*)?(?:[?#].*)?$" % self.many, h)
            if m and int(m.group(1)) not in out:
                out.append(int(m.group(1)))
        return out

    # -- sorts ---------------------------------------------------------------------

    def fresh_community(self, prefix):
        c = uniq(prefix)
        self.author.create_community(c)
        return c

    def test_top(self):
        c = self.fresh_community("Top")
        p1 = self.author.submit_text(c, "top one", "")
        p2 = self.author.submit_text(c, "top two", "")
        p3 = self.author.submit_text(c, "top three", "")
        v0, v1, v2 = self.voters
        v0.vote("post", p1, 1)                 # p1: 2
        v0.vote("post", p2, 1)
        v1.vote("post", p2, 1)
        v2.vote("post", p2, 1)                 # p2: 4
        v0.vote("post", p3, -1)
        v1.vote("post", p3, -1)                # p3: -1
        for t in ("all", "hour", "day", "week", "month", "year"):
            with self.subTest(t=t):
                self.assertRanked(lambda: self.ids("/s/%s?sort=top&t=%s" % (c, t)),
                                  [p2, p1, p3])
        self.assertEqual(self.ids("/s/%s?sort=top" % c), [p2, p1, p3])
        page = Browser(self.server).page("/s/%s?sort=top&t=all" % c).text
        self.assertLess(page.index("top two"), page.index("top one"))
        self.assertLess(page.index("top one"), page.index("top three"))

    def test_new(self):
        c = self.fresh_community("New")
        ps = [self.author.submit_text(c, "new %d" % i, "") for i in range(4)]
        self.voters[0].vote("post", ps[0], 1)
        self.assertEqual(self.ids("/s/%s?sort=new" % c), list(reversed(ps)))

    def test_hot(self):
        c = self.fresh_community("Hot")
        older = self.author.submit_text(c, "hot older", "")
        newer = self.author.submit_text(c, "hot newer", "")
        for v in self.voters:
            v.vote("post", older, 1)           # older: score 4, log10(4) = 0.6
        self.assertRanked(lambda: self.ids("/s/%s?sort=hot" % c), [older, newer])
        self.assertEqual(self.ids("/s/%s" % c), [older, newer], "hot is the default")
        for v in self.voters:
            v.vote("post", older, -1)          # older: score -2, below
        self.assertRanked(lambda: self.ids("/s/%s?sort=hot" % c), [newer, older])

    def test_controversial(self):
        c = self.fresh_community("Contro")
        b = self.author.submit_text(c, "contro b", "")   # 2 up 1 down
        a = self.author.submit_text(c, "contro a", "")   # 2 up 2 down
        z = self.author.submit_text(c, "contro z", "")   # 1 up 0 down
        v0, v1, v2 = self.voters
        v0.vote("post", a, 1)
        v1.vote("post", a, -1)
        v2.vote("post", a, -1)
        v0.vote("post", b, 1)
        v1.vote("post", b, -1)
        self.assertRanked(lambda: self.ids("/s/%s?sort=controversial" % c), [a, b, z])

    def scores(self, path, b=None):
        return {p["id"]: p["score"] for p in (b or Browser(self.server)).get_json(path)["posts"]}

    def test_rank_lag(self):
        """The score shown follows a vote at once, for the voter and for
        everyone; ranking order follows within the lag, on every sort the
        votes move, and both stay exact after it."""
        c = self.fresh_community("Lag")
        p1 = self.author.submit_text(c, "lag one", "")
        p2 = self.author.submit_text(c, "lag two", "")
        listing = "/s/%s?sort=top" % c
        self.assertEqual(self.ids(listing), [p2, p1])
        for i, v in enumerate(self.voters):
            r = v.vote("post", p1, 1)
            self.assertIn('<span class="score">%d pts</span>' % (i + 2),
                          v.get(r.header("Location")).text)
            self.assertEqual(self.scores(listing, v), {p1: i + 2, p2: 1})
            self.assertEqual(self.scores(listing), {p1: i + 2, p2: 1})
        self.assertEqual(self.scores("/s/%s?sort=new" % c), {p1: 4, p2: 1})
        self.assertRanked(lambda: self.ids(listing), [p1, p2])
        self.assertRanked(lambda: self.ids("/s/%s?sort=hot" % c), [p1, p2])
        self.assertRanked(lambda: self.ids("/s/%s?sort=top&t=day" % c), [p1, p2])
        self.voters[0].vote("post", p2, -1)
        self.voters[1].vote("post", p2, 1)
        self.assertEqual(self.scores(listing), {p1: 4, p2: 1})
        self.assertRanked(lambda: self.ids("/s/%s?sort=controversial" % c), [p2, p1])
        self.assertEqual(self.ids(listing), [p1, p2])
        self.assertEqual(self.scores(listing), {p1: 4, p2: 1})

    def test_active(self):
        c = self.fresh_community("Active")
        p1 = self.author.submit_text(c, "active one", "")
        p2 = self.author.submit_text(c, "active two", "")
        p3 = self.author.submit_text(c, "active three", "")
        time.sleep(1.1)
        self.author.comment(c, p1, "wake one")
        self.assertRanked(lambda: self.ids("/s/%s?sort=active" % c)[0], p1)
        time.sleep(1.1)
        self.author.comment(c, p2, "wake two")
        self.assertRanked(lambda: self.ids("/s/%s?sort=active" % c), [p2, p1, p3])

    def test_front_page_mixes_communities(self):
        c1 = self.fresh_community("FrA")
        c2 = self.fresh_community("FrB")
        a = self.author.submit_text(c1, "front a", "")
        b = self.author.submit_text(c2, "front b", "")
        ids = self.ids("/?sort=new")
        self.assertEqual(ids[:2], [b, a])
        page = Browser(self.server).page("/?sort=new").text
        self.assertIn("front a", page)
        self.assertIn("front b", page)

    def test_communities_page(self):
        r = Browser(self.server).page("/communities")
        self.assertIn("/s/" + self.many, [urllib.parse.urlsplit(h).path for h in hrefs(r.text)])
        self.assertIsInstance(Browser(self.server).get_json("/communities"), (dict, list))


if __name__ == "__main__":
    unittest.main()
