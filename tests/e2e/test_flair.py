# SPDX-License-Identifier: AGPL-3.0-or-later
"""Flair: moderators' post flairs and member flair, picking, filtering."""

import re
import unittest

from harness import Browser, ParleyTestCase, uniq

PW = "correct-horse-1"


class FlairTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.mod = Browser(cls.server)
        name = uniq("fadm")
        cls.server.add_user(name, PW, admin=True)
        cls.mod.login(name, PW)
        cls.comm = uniq("Flair")
        cls.mod.create_community(cls.comm)
        cls.base = "/s/%s/mod/flair" % cls.comm
        for text, colour in (("News", "red"), ("Question", ""), ("Meta talk", "blue")):
            r = cls.mod.post(cls.base, {"add": text, "colour": colour})
            assert r.status == 303, r.status

    def member(self):
        b = Browser(self.server)
        b.register(uniq("fm"), PW)
        return b

    def submit(self, b, title, flair=None, expect=303):
        fields = {"community": self.comm, "title": title, "body": "b"}
        if flair is not None:
            fields["flair"] = flair
        r = b.post("/submit", fields)
        self.assertStatus(r, expect)
        if expect != 303:
            return r
        return int(re.search(r"/p/(\d+)", r.header("Location")).group(1))

    def test_flair_list_page_and_json(self):
        self.assertIn('href="%s"' % self.base, self.mod.page("/s/%s" % self.comm).text)
        page = self.mod.page(self.base).text
        self.assertIn("News", page)
        self.assertIn("flair-red", page)
        j = self.mod.get_json(self.base)
        texts = {f["text"]: f["colour"] for f in j["flairs"]}
        self.assertEqual(texts["News"], "red")
        self.assertIsNone(texts["Question"])
        self.assertEqual(texts["Meta talk"], "blue")

    def test_only_moderators(self):
        m = self.member()
        self.assertStatus(m.get(self.base), 403)
        self.assertStatus(m.post(self.base, {"add": "Mine"}), 403)
        self.assertNotIn("Mine", [f["text"] for f in self.mod.get_json(self.base)["flairs"]])
        self.assertStatus(Browser(self.server).post(self.base, {"add": "x"}), 403)

    def test_bad_input(self):
        self.assertStatus(self.mod.post(self.base, {"add": "x" * 33}), 400)
        self.assertStatus(self.mod.post(self.base, {"add": "Ok", "colour": "#ff0000"}), 400)
        self.assertStatus(self.mod.post(self.base, {"add": "News"}), 409)
        self.assertStatus(self.mod.post(self.base, {"remove": "Nope"}), 404)
        self.assertStatus(self.mod.post(self.base, {}), 400)

    def test_add_remove_logged(self):
        self.assertStatus(self.mod.post(self.base, {"add": "Temp", "colour": "green"}), 303)
        self.assertStatus(self.mod.post(self.base, {"remove": "Temp"}), 303)
        log = Browser(self.server).get_json("/s/%s/modlog" % self.comm)["actions"]
        actions = [(a["action"], a["reason"]) for a in log]
        self.assertIn(("add flair", "Temp"), actions)
        self.assertIn(("remove flair", "Temp"), actions)
        self.assertNotIn("Temp", [f["text"] for f in self.mod.get_json(self.base)["flairs"]])

    def test_post_flair_on_submit_and_edit(self):
        m = self.member()
        pid = self.submit(m, "Flaired post", flair="News")
        path = "/s/%s/p/%d" % (self.comm, pid)
        j = Browser(self.server).get_json(path)["post"]
        self.assertEqual(j["flair"], "News")
        page = Browser(self.server).page(path).text
        self.assertRegex(page, r'class="flair flair-red">News<')
        self.submit(m, "Bad flair", flair="Nonexistent", expect=400)
        edit = m.page(path + "/edit").text
        self.assertRegex(edit, r'<option value="News" selected>')
        r = m.post(path + "/edit", {"title": "Flaired post", "body": "b", "flair": "Question"})
        self.assertStatus(r, 303)
        self.assertEqual(Browser(self.server).get_json(path)["post"]["flair"], "Question")
        r = m.post(path + "/edit", {"title": "Flaired post", "body": "b"})
        self.assertStatus(r, 303)
        self.assertIsNone(Browser(self.server).get_json(path)["post"]["flair"])

    def test_filter_listing(self):
        a = self.submit(self.mod, "Meta one", flair="Meta talk")
        b = self.submit(self.mod, "No flair one")
        c = self.submit(self.mod, "Meta two", flair="Meta talk")
        for sort in ("hot", "new", "top", "top&t=all", "active", "controversial"):
            j = Browser(self.server).get_json("/s/%s?flair=Meta%%20talk&sort=%s"
                                              % (self.comm, sort))
            ids = [p["id"] for p in j["posts"]]
            self.assertIn(a, ids)
            self.assertIn(c, ids)
            self.assertNotIn(b, ids)
            self.assertTrue(all(p["flair"] == "Meta talk" for p in j["posts"]))
        page = Browser(self.server).page("/s/%s?flair=Meta+talk" % self.comm).text
        self.assertIn("Meta two", page)
        self.assertNotIn("No flair one", page)
        self.assertStatus(Browser(self.server).get("/s/%s?flair=x&sort=bad" % self.comm), 400)
        self.assertStatus(Browser(self.server).get("/s/%s?flair=x&sort=top&t=aeon"
                                                   % self.comm), 400)

    def test_filter_pages_by_cursor(self):
        comm = uniq("Flairp")
        self.mod.create_community(comm)
        self.assertStatus(self.mod.post("/s/%s/mod/flair" % comm, {"add": "P"}), 303)
        for i in range(30):
            r = self.mod.post("/submit", {"community": comm, "title": "p%d" % i, "body": "b",
                                          "flair": "P" if i < 27 else ""})
            self.assertStatus(r, 303)
        j = Browser(self.server).get_json("/s/%s?flair=P&sort=new" % comm)
        self.assertEqual(len(j["posts"]), 25)
        j2 = Browser(self.server).get_json("/s/%s?flair=P&sort=new&after=%s" % (comm, j["after"]))
        self.assertEqual(len(j2["posts"]), 2)
        page = Browser(self.server).page("/s/%s?flair=P&sort=new" % comm).text
        self.assertIn("&amp;flair=P", page)

    def test_filter_every_sort_pages_by_cursor(self):
        # each sort of one flair's posts: exactly that flair's posts, in the
        # sort's order, the second page going on where the first stopped
        comm = uniq("Flairs")
        self.mod.create_community(comm)
        self.assertStatus(self.mod.post("/s/%s/mod/flair" % comm, {"add": "Q"}), 303)
        want = []
        for i in range(40):
            r = self.mod.post("/submit", {"community": comm, "title": "q%d" % i,
                                          "body": "b", "flair": "Q" if i % 4 else ""})
            self.assertStatus(r, 303)
            if i % 4:
                want.append(int(r.header("Location").split("/p/")[1].split("/")[0]))
        # votes make top and controversial differ from new
        voters = [self.member() for _ in range(2)]
        for k, pid in enumerate(want[:6]):
            for v in voters[:1 + k % 2]:
                self.assertStatus(v.vote("post", pid, -1 if k == 3 else 1), 303)
        self.assertEqual(len(want), 30)
        for sort in ("hot", "new", "top&t=all", "active", "controversial"):
            whole = Browser(self.server).get_json("/s/%s?sort=%s" % (comm, sort))
            flaired = [p["id"] for p in whole["posts"] if p["flair"] == "Q"]
            got, after, pages = [], None, 0
            while True:
                path = "/s/%s?flair=Q&sort=%s" % (comm, sort)
                if after:
                    path += "&after=" + after
                j = Browser(self.server).get_json(path)
                got += [p["id"] for p in j["posts"]]
                self.assertTrue(all(p["flair"] == "Q" for p in j["posts"]))
                pages += 1
                after = j["after"]
                if not after:
                    break
                self.assertEqual(len(j["posts"]), 25)
            self.assertEqual(pages, 2, sort)
            self.assertEqual(len(got), 30, sort)
            self.assertEqual(sorted(got), sorted(want), sort)
            # the filtered order is the unfiltered listing's order
            self.assertEqual(got[:len(flaired)], flaired, sort)
        # the sort tabs and the next-page link keep the filter
        page = Browser(self.server).page("/s/%s?flair=Q&sort=top&t=all" % comm).text
        self.assertIn('href="/s/%s?sort=controversial&amp;flair=Q"' % comm, page)
        self.assertIn('href="/s/%s?sort=top&amp;t=week&amp;flair=Q"' % comm, page)
        self.assertRegex(page, r'rel="next" href="/s/%s\?sort=top&amp;t=all&amp;after=\d+&amp;flair=Q"'
                         % comm)

    def test_user_flair(self):
        m = self.member()
        pid = self.submit(m, "Has author flair")
        cid = m.comment(self.comm, pid, "a comment")
        r = self.mod.post(self.base, {"user": m.name, "user_flair": "Veteran <b>"})
        self.assertStatus(r, 303)
        path = "/s/%s/p/%d" % (self.comm, pid)
        t = Browser(self.server).get_json(path)
        self.assertEqual(t["post"]["author_flair"], "Veteran <b>")
        self.assertEqual({c["id"]: c for c in t["comments"]}[cid]["author_flair"], "Veteran <b>")
        page = Browser(self.server).page(path).text
        self.assertIn("Veteran &lt;b&gt;", page)
        self.assertNotIn("Veteran <b>", page)
        log = Browser(self.server).get_json("/s/%s/modlog" % self.comm)["actions"]
        self.assertIn(("user flair", m.name), [(a["action"], a["user"]) for a in log])
        self.assertStatus(self.mod.post(self.base, {"user": m.name, "user_flair": ""}), 303)
        self.assertIsNone(Browser(self.server).get_json(path)["post"]["author_flair"])
        self.assertStatus(self.mod.post(self.base, {"user": "nobody_here_x", "user_flair": "x"}),
                          404)


if __name__ == "__main__":
    unittest.main()
