# SPDX-License-Identifier: AGPL-3.0-or-later
"""Search: GET /search?q= over posts and comments, filters, sorts, cursor,
and hostile queries (a 400 or results, never a 5xx)."""

import urllib.parse

from harness import Browser, ParleyTestCase, uniq


def q(**kw):
    return "/search.json?" + urllib.parse.urlencode(kw)


class SearchCase(ParleyTestCase):
    """An admin and two communities; tag names them and the words."""

    tag = "sr"

    @classmethod
    def setUpServer(cls):
        cls.admin = cls.login_new(cls.tag + "adm", admin=True)
        cls.comm = uniq("S" + cls.tag)
        cls.comm2 = uniq("S" + cls.tag)
        cls.admin.create_community(cls.comm)
        cls.admin.create_community(cls.comm2)

    def word(self):
        return uniq("z" + self.tag).lower().replace("-", "").replace("_", "")


class SearchTest(SearchCase):

    def results(self, b=None, **kw):
        return (b or self.admin).get_json(q(**kw))

    @staticmethod
    def ids(j):
        return [(r["kind"], r[r["kind"]]["id"]) for r in j["results"]]

    def test_posts_and_comments_with_shapes(self):
        w = self.word()
        p = self.admin.submit_text(self.comm, "About %s today" % w, "plain body")
        c = self.admin.comment(self.comm, p, "I also like %s a lot" % w)
        j = self.results(q=w)
        self.assertEqual(sorted(self.ids(j)), sorted([("post", p), ("comment", c)]))
        self.assertIsNone(j["after"])
        for r in j["results"]:
            self.assertIn(r["kind"], ("post", "comment"))
            self.assertEqual(r["post"]["id"], p)
            for key in ("id", "community", "author", "title", "url", "body", "score",
                        "comment_count", "created", "edited", "archived", "locked",
                        "removed", "deleted"):
                self.assertIn(key, r["post"])
            if r["kind"] == "comment":
                for key in ("id", "parent", "author", "body", "score", "depth",
                            "created", "edited", "removed", "deleted"):
                    self.assertIn(key, r["comment"])
        # title words, body words, case-insensitive
        self.assertEqual(self.ids(self.results(q=w.upper(), kind="post")), [("post", p)])
        self.assertEqual(self.ids(self.results(q=w, kind="comment")), [("comment", c)])
        # the HTML page, also for visitors, and the header box everywhere
        page = Browser(self.server).page("/search?q=" + w).text
        self.assertIn("About %s today" % w, page)
        self.assertIn('action="/search"', Browser(self.server).page("/").text)
        self.assertIn('action="/search"', self.admin.page("/search").text)

    def test_new_comments_edited_or_deleted(self):
        """Comments reach the index in batches; whatever the moment, search
        finds each as it is now, never as it was."""
        w, gone, was, now = self.word(), self.word(), self.word(), self.word()
        p = self.admin.submit_text(self.comm, "Batch %s" % w, "plain body")
        c1 = self.admin.comment(self.comm, p, "kept %s" % w)
        c2 = self.admin.comment(self.comm, p, "first %s %s" % (was, w))
        c3 = self.admin.comment(self.comm, p, "deleted %s %s" % (gone, w))
        self.assertStatus(self.admin.post("/s/%s/p/%d/c/%d/edit" % (self.comm, p, c2),
                                          {"body": "then %s %s" % (now, w)}), 303)
        self.assertStatus(self.admin.post("/s/%s/p/%d/c/%d/delete" % (self.comm, p, c3),
                                          {}), 303)
        self.assertEqual(sorted(self.ids(self.results(q=w, kind="comment"))),
                         [("comment", c1), ("comment", c2)])
        self.assertEqual(self.ids(self.results(q=now)), [("comment", c2)])
        self.assertEqual(self.ids(self.results(q=was)), [])
        self.assertEqual(self.ids(self.results(q=gone)), [])

    def test_phrases_and_prefixes(self):
        w = self.word()
        p1 = self.admin.submit_text(self.comm, "red %s blue" % w, "x")
        p2 = self.admin.submit_text(self.comm, "blue %s red" % w, "x")
        p3 = self.admin.submit_text(self.comm, "%sextra words" % w, "x")
        got = dict(self.ids(self.results(q='"red %s"' % w, kind="post")))
        self.assertEqual(set(i for _, i in self.ids(self.results(
            q='"red %s"' % w, kind="post"))), {p1})
        self.assertEqual(set(i for _, i in self.ids(self.results(
            q="%s red" % w, kind="post"))), {p1, p2})
        self.assertEqual(set(i for _, i in self.ids(self.results(
            q="%s*" % w, kind="post"))), {p1, p2, p3})
        self.assertEqual(set(i for _, i in self.ids(self.results(
            q=w, kind="post"))), {p1, p2})
        del got

    def test_removed_deleted_held_blocked_never_appear(self):
        w = self.word()
        keep = self.admin.submit_text(self.comm, "keep %s" % w, "x")
        gone = self.admin.submit_text(self.comm, "remove %s" % w, "x")
        r = self.admin.post("/mod", {"action": "remove", "kind": "post",
                                     "id": str(gone), "reason": "spam"})
        self.assertStatus(r, 303)
        author = self.new_user("sdel")
        mine = author.submit_text(self.comm, "deleted %s" % w, "x")
        self.assertStatus(author.post("/s/%s/p/%d/delete" % (self.comm, mine), {}), 303)
        cm = author.comment(self.comm, keep, "comment %s removed" % w)
        r = self.admin.post("/mod", {"action": "remove", "kind": "comment",
                                     "id": str(cm), "reason": "rude"})
        self.assertStatus(r, 303)
        for b in (self.admin, Browser(self.server)):
            j = b.get_json(q(q=w))
            self.assertEqual(self.ids(j), [("post", keep)])
        self.assertNotIn("remove %s" % w, Browser(self.server).page(
            "/search?q=" + w).text)
        # blocked authors' items vanish for the blocker only
        blocker = self.new_user("sbk")
        bname = author.get_json("/settings/export.json")["user"]["name"] \
            if False else None
        other = self.new_user("sot")
        p = other.submit_text(self.comm, "blockme %s" % w, "x")
        oname = other.get_json("/.json")["posts"][0]["author"]
        self.assertIn(("post", p), self.ids(blocker.get_json(q(q="blockme"))))
        self.assertStatus(blocker.post("/block", {"user": oname}), 303)
        self.assertNotIn(("post", p), self.ids(blocker.get_json(q(q="blockme"))))
        self.assertIn(("post", p), self.ids(self.admin.get_json(q(q="blockme"))))
        del bname

    def test_filters_and_sorts(self):
        w = self.word()
        u = self.new_user("sauth")
        a = self.admin.submit_text(self.comm, "%s one" % w, "x")
        b = u.submit_text(self.comm2, "%s two" % w, "x")
        uname = u.get_json(q(q=w, kind="post"))["results"]
        uname = [r["post"]["author"] for r in uname if r["post"]["id"] == b][0]
        self.assertEqual(self.ids(self.results(q=w, community=self.comm)),
                         [("post", a)])
        self.assertEqual(self.ids(self.results(q=w, author=uname)), [("post", b)])
        self.assertStatus(self.admin.get(q(q=w, community="nosuchcomm")), 404)
        self.assertStatus(self.admin.get(q(q=w, author="nosuchuser")), 404)
        self.assertStatus(self.admin.get(q(q=w, kind="poll")), 400)
        self.assertStatus(self.admin.get(q(q=w, sort="hot")), 400)
        self.assertStatus(self.admin.get(q(q=w, t="century")), 400)
        self.assertEqual(len(self.results(q=w, t="hour")["results"]), 2)
        # new: newest first; top: highest score first
        self.assertEqual([i for _, i in self.ids(self.results(q=w, sort="new"))], [b, a])
        self.admin.vote("post", b, 1)
        self.assertEqual([i for _, i in self.ids(self.results(q=w, sort="top"))], [b, a])
        self.admin.vote("post", b, -1)
        self.assertEqual([i for _, i in self.ids(self.results(q=w, sort="top"))], [a, b])

    def test_cursor_pages(self):
        w = self.word()
        ids = [self.admin.submit_text(self.comm, "%s %d" % (w, i), "x")
               for i in range(27)]
        for sort in ("relevance", "new", "top"):
            seen, after = [], None
            for _ in range(3):
                kw = {"q": w, "sort": sort}
                if after:
                    kw["after"] = after
                j = self.results(**kw)
                seen += [i for _, i in self.ids(j)]
                after = j["after"]
                if after is None:
                    break
            self.assertIsNone(after, sort)
            self.assertEqual(sorted(seen), sorted(ids), sort)
            self.assertEqual(len(seen), 27, sort)
        page = self.admin.page("/search?q=%s&sort=new" % w).text
        self.assertIn('rel="next"', page)
        for bad in ("x", "1_2_3_0_0", "1_0", "nan_0_1_0_0", "inf_0_1_0_0",
                    "1_0_-4_0_0", "1_0_4", "1_0_4_5", "1_0_4_-1_0", "1_0_4_0_x",
                    "1_0_4_0_0_0"):
            self.assertStatus(self.admin.get(q(q=w, after=bad)), 400, bad)

    def test_unsearchable_queries_are_400(self):
        for text in ("", "   ", "!!!", '""', "*", "a" * 300,
                     " ".join("w%d" % i for i in range(17))):
            r = self.admin.get(q(q=text))
            self.assertJSONError(r, 400)
            r = self.admin.get("/search?" + urllib.parse.urlencode({"q": text}))
            self.assertStatus(r, 400)
        self.assertJSONError(self.admin.get("/search.json"), 400)
        self.assertStatus(self.admin.get("/search"), 200)

    def test_hostile_queries_never_5xx(self):
        hostile = ['"', '"unclosed phrase', "a OR b", "NOT x", "NEAR(a b)",
                   "a AND", "col:value", "title:x", "^start", "a + b", "(a", "a)",
                   "'; DROP TABLE posts; --", "a' b", "x*y*", "**", "-a", "a:*",
                   "a & b | !c", "<-> a", "\\", "é café", "日本語", "😀 emoji",
                   "a\tb", "\u00a0nbsp", "x" * 256, "___", "a_b_c", "1e308",
                   "%00", "%", "a" * 100 + "*"]
        for text in hostile:
            for path in (q(q=text), "/search?" + urllib.parse.urlencode({"q": text}),
                         q(q=text, sort="new"), q(q=text, sort="top", kind="comment")):
                r = self.admin.get(path)
                self.assertIn(r.status, (200, 400), "%r -> %s" % (text, r.status))
        self.assertAlive()


class SearchViewerTest(ParleyTestCase):
    """What one viewer's search leaves out or covers: posts they hid, and
    NSFW titles for those without show_nsfw."""

    @classmethod
    def setUpServer(cls):
        cls.admin = cls.login_new("svadm", admin=True)
        cls.comm = uniq("Srv")
        cls.admin.create_community(cls.comm)

    def word(self):
        return uniq("zv").lower().replace("-", "").replace("_", "")

    def test_hidden_posts_leave_only_the_hiders_search(self):
        w = self.word()
        hider, other = self.new_user("shd"), self.new_user("sho")
        p = self.admin.submit_text(self.comm, "hideable %s" % w, "x")
        keep = self.admin.submit_text(self.comm, "kept %s" % w, "x")
        c = other.comment(self.comm, p, "reply %s" % w)
        self.assertStatus(hider.post("/hide", {"id": str(p)}), 303)
        self.assertEqual(SearchTest.ids(hider.get_json(q(q=w))), [("post", keep)])
        self.assertNotIn("hideable", hider.page("/search?q=" + w).text)
        want = sorted([("post", p), ("post", keep), ("comment", c)])
        for b in (other, Browser(self.server)):
            self.assertEqual(sorted(SearchTest.ids(b.get_json(q(q=w)))), want)
        self.assertStatus(hider.post("/unhide", {"id": str(p)}), 303)
        self.assertEqual(sorted(SearchTest.ids(hider.get_json(q(q=w)))), want)

    def test_nsfw_titles_show_the_label(self):
        w = self.word()
        r = self.admin.post("/submit", {"community": self.comm, "title":
                                        "Secret nsfwtitle %s" % w,
                                        "body": "body", "nsfw": "1"})
        self.assertStatus(r, 303)
        p = int(r.header("Location").split("/p/")[1].split("/")[0])
        c = self.admin.comment(self.comm, p, "comment on it %s" % w)
        shower = self.new_user("sns")
        self.assertStatus(shower.post("/settings/nsfw", {"show_nsfw": "1"}), 303)
        for b in (Browser(self.server), self.new_user("snn")):
            j = b.get_json(q(q=w))
            self.assertEqual(sorted(SearchTest.ids(j)), sorted([("post", p), ("comment", c)]))
            for item in j["results"]:
                self.assertEqual(item["post"]["title"], "[NSFW]")
            page = b.page("/search?q=" + w).text
            self.assertNotIn("nsfwtitle", page)
            self.assertIn("[NSFW]", page)
        j = shower.get_json(q(q=w))
        self.assertEqual([i["post"]["title"] for i in j["results"]],
                         ["Secret nsfwtitle %s" % w] * 2)
        self.assertIn("Secret nsfwtitle", shower.page("/search?q=%s&kind=comment" % w).text)


class SearchWindowTest(SearchCase):
    """The window: a search looks at the newest search_window posts and
    comments that hold its words (30 here), the same window on every page
    of it, and every match when an admin sets 0."""

    tag = "sw"
    site_limits = dict(ParleyTestCase.site_limits, search_window=30)

    def pages(self, **kw):
        """Every page of a search by its cursor: the ids and the cursors."""
        seen, afters, after = [], [], None
        for _ in range(10):
            j = self.admin.get_json(q(**dict(kw, after=after) if after else kw))
            seen += [i for _, i in SearchTest.ids(j)]
            after = j["after"]
            if after is None:
                return seen, afters
            afters.append(after)
        self.fail("more than ten pages")

    def test_the_newest_matches_in_every_sort_and_page(self):
        w = self.word()
        old = self.admin.submit_text(self.comm, "%s %s %s oldest" % (w, w, w), "x")
        ids = [self.admin.submit_text(self.comm, "%s %d" % (w, i), "x")
               for i in range(34)]
        window = ids[-30:]
        for sort in ("relevance", "new", "top"):
            seen, afters = self.pages(q=w, sort=sort, kind="post")
            self.assertEqual(len(seen), 30, sort)
            self.assertEqual(sorted(seen), sorted(window), sort)
            self.assertEqual(len(afters), 1, sort)
        # new: newest first; the post that says w three times is outside
        seen, _ = self.pages(q=w, sort="new")
        self.assertEqual(seen, window[::-1])
        self.assertNotIn(old, seen)
        # an old post is found when it is among the newest matches of the
        # words: "oldest" is in it alone
        j = self.admin.get_json(q(q="%s oldest" % w))
        self.assertEqual(SearchTest.ids(j), [("post", old)])
        self.assertIsNone(j["after"])
        # the page says so, and the guide explains it
        note = "the newest 30 posts and the newest 30 comments that hold"
        self.assertIn(note, self.admin.page("/search?q=" + w).text)
        self.assertIn(note, Browser(self.server).page("/search").text)
        self.assertIn("for a common word, relevance is the best of those",
                      Browser(self.server).page("/guide").text)

    def test_later_pages_keep_the_first_pages_window(self):
        w = self.word()
        ids = [self.admin.submit_text(self.comm, "%s %d" % (w, i), "x")
               for i in range(32)]
        for sort in ("relevance", "new", "top"):
            j = self.admin.get_json(q(q=w, sort=sort))
            first = [i for _, i in SearchTest.ids(j)]
            self.assertEqual(len(first), 25, sort)
            # new matches arrive between the pages: the second page is
            # the rest of the first page's window, nothing skipped
            late = [self.admin.submit_text(self.comm, "%s late" % w, "x")
                    for _ in range(3)]
            j = self.admin.get_json(q(q=w, sort=sort, after=j["after"]))
            rest = [i for _, i in SearchTest.ids(j)]
            self.assertIsNone(j["after"], sort)
            self.assertEqual(sorted(first + rest), sorted(ids[-30:]), sort)
            self.assertEqual(len(first + rest), 30, sort)
            ids += late

    def test_filters_narrow_the_window(self):
        w = self.word()
        a = [self.admin.submit_text(self.comm, "%s a%d" % (w, i), "x") for i in range(3)]
        b = [self.admin.submit_text(self.comm2, "%s b%d" % (w, i), "x") for i in range(29)]
        # the window is the newest 30 of both communities' posts: a[0]
        # and a[1] are older
        j = self.admin.get_json(q(q=w, community=self.comm))
        self.assertEqual(SearchTest.ids(j), [("post", a[2])])
        seen, _ = self.pages(q=w, community=self.comm2, sort="new")
        self.assertEqual(seen, b[::-1])
        # comments have a window of their own
        c = [self.admin.comment(self.comm, a[0], "%s c%d" % (w, i)) for i in range(2)]
        j = self.admin.get_json(q(q=w, kind="comment", sort="new"))
        self.assertEqual([i for _, i in SearchTest.ids(j)], c[::-1])

    def test_zero_looks_at_every_match(self):
        w = self.word()
        ids = [self.admin.submit_text(self.comm, "%s %d" % (w, i), "x")
               for i in range(33)]
        self.server.set_limit("search_window", 0)
        try:
            seen, _ = self.pages(q=w, sort="top")
            self.assertNotIn("Search looks at the newest",
                             self.admin.page("/search?q=" + w).text)
        finally:
            self.server.set_limit("search_window", 30)
        self.assertEqual(sorted(seen), sorted(ids))


if __name__ == "__main__":
    import unittest
    unittest.main()
