# SPDX-License-Identifier: AGPL-3.0-or-later
"""Saved and hidden: /save, /unsave, /saved, /hide, /unhide, /hidden."""

from harness import Browser, ParleyTestCase, form_actions, uniq


class SavedTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.admin = cls.login_new("sadm", admin=True)
        cls.comm = uniq("Sav")
        cls.admin.create_community(cls.comm)

    def post(self, b=None, title=None):
        return (b or self.admin).submit_text(self.comm, title or uniq("post"),
                                             "some body")

    def save(self, b, kind, item, on=True, expect=303):
        r = b.post("/save" if on else "/unsave", {"kind": kind, "id": str(item)})
        self.assertStatus(r, expect)
        return r

    def hide(self, b, item, on=True, expect=303):
        r = b.post("/hide" if on else "/unhide", {"id": str(item)})
        self.assertStatus(r, expect)
        return r

    def saved_json(self, b, path="/saved.json"):
        return b.get_json(path)

    # -- saved -------------------------------------------------------------

    def test_saved_newest_first_with_comments_and_cursor(self):
        b = self.new_user("saver")
        p1, p2 = self.post(), self.post()
        c1 = self.admin.comment(self.comm, p1, "a comment worth keeping")
        self.save(b, "post", p1)
        self.save(b, "comment", c1)
        self.save(b, "post", p2)
        self.save(b, "post", p1)  # saving again changes nothing
        j = self.saved_json(b)
        kinds = [(i["kind"], i["comment"]["id"] if i["kind"] == "comment"
                  else i["post"]["id"]) for i in j["items"]]
        self.assertEqual(kinds, [("post", p2), ("comment", c1), ("post", p1)])
        self.assertEqual(j["after"], None)
        com = j["items"][1]
        self.assertEqual(com["post"]["id"], p1)
        self.assertEqual(com["comment"]["body"], "a comment worth keeping")
        page = b.page("/saved").text
        self.assertIn("a comment worth keeping", page)
        self.assertIn("/unsave", form_actions(page))
        # unsave
        self.save(b, "post", p2, on=False)
        j = self.saved_json(b)
        self.assertEqual([i["kind"] for i in j["items"]], ["comment", "post"])

    def test_saved_pages_by_cursor(self):
        b = self.new_user("pager")
        ids = [self.post() for _ in range(27)]
        for i in ids:
            self.save(b, "post", i)
        j = self.saved_json(b)
        self.assertEqual(len(j["items"]), 25)
        self.assertIsNotNone(j["after"])
        self.assertEqual(j["items"][0]["post"]["id"], ids[-1])
        j2 = self.saved_json(b, "/saved.json?after=%s" % j["after"])
        self.assertEqual([i["post"]["id"] for i in j2["items"]], ids[1::-1])
        self.assertIsNone(j2["after"])
        self.assertStatus(b.get("/saved?after=x"), 400)

    def test_save_json_and_refusals(self):
        b = self.new_user("sj")
        p = self.post()
        r = b.request_json("/save", "POST", "kind=post&id=%d&csrf=%s" % (p, b.csrf))
        self.assertStatus(r, 200)
        self.assertEqual(r.json(), {"kind": "post", "id": p, "saved": True})
        r = b.request_json("/unsave", "POST", "kind=post&id=%d&csrf=%s" % (p, b.csrf))
        self.assertEqual(r.json()["saved"], False)
        self.assertJSONError(b.request_json("/save", "POST",
                             "kind=poll&id=%d&csrf=%s" % (p, b.csrf)), 400)
        self.save(b, "post", 999999999, expect=404)
        self.save(b, "comment", 999999999, expect=404)
        self.save(b, "post", "abc", expect=400)
        self.assertStatus(b.post("/save", {"kind": "post", "id": str(p)}, csrf=False), 403)
        anon = Browser(self.server)
        anon.get("/login")
        self.assertStatus(anon.post("/save", {"kind": "post", "id": str(p)}), 403)
        self.assertStatus(anon.get("/saved"), (302, 303, 401, 403))

    def test_removed_item_leaves_saved(self):
        b = self.new_user("srm")
        p = self.post()
        self.save(b, "post", p)
        r = self.admin.post("/mod", {"action": "remove", "kind": "post",
                                     "id": str(p), "reason": "spam"})
        self.assertStatus(r, 303)
        self.assertEqual(self.saved_json(b)["items"], [])
        self.save(b, "post", p, expect=404)

    def test_buttons_on_rows_and_threads(self):
        b = self.new_user("btn")
        p = self.post()
        page = b.page("/s/%s" % self.comm).text
        self.assertIn("/save", form_actions(page))
        self.assertIn("/hide", form_actions(page))
        self.save(b, "post", p)
        page = b.page("/s/%s/p/%d" % (self.comm, p)).text
        self.assertIn("/unsave", form_actions(page))
        self.assertNotIn("/save", form_actions(page), "the one post is saved")
        self.assertNotIn("/save", form_actions(Browser(self.server).page(
            "/s/%s" % self.comm).text), "visitors get no buttons")

    # -- hidden ------------------------------------------------------------

    def test_hidden_posts_leave_only_the_hiders_listings(self):
        hider, other = self.new_user("hdr"), self.new_user("oth")
        author = self.new_user("auth")
        p = self.post(author, title=uniq("hideme"))
        title = next(i["title"] for i in author.get_json("/s/%s.json" % self.comm)["posts"]
                     if i["id"] == p)

        def listed(b, path):
            return p in [i["id"] for i in b.get_json(path)["posts"]]

        author_name = author.get_json("/settings/export.json") if False else None
        for path in ("/.json", "/s/%s.json" % self.comm, "/.json?sort=new",
                     "/s/%s.json?sort=top&t=all" % self.comm):
            self.assertTrue(listed(hider, path), path)
        self.hide(hider, p)
        for path in ("/.json", "/s/%s.json" % self.comm, "/.json?sort=new",
                     "/s/%s.json?sort=top&t=all" % self.comm):
            self.assertFalse(listed(hider, path), path)
            self.assertTrue(listed(other, path), path)
            self.assertTrue(listed(Browser(self.server), path), path)
        self.assertNotIn(title, hider.page("/s/%s" % self.comm).text)
        self.assertIn(title, other.page("/s/%s" % self.comm).text)
        hj = hider.get_json("/hidden.json")
        self.assertEqual([i["id"] for i in hj["posts"]], [p])
        self.assertIn("/unhide", form_actions(hider.page("/hidden").text))
        # the thread still opens, with an unhide button
        page = hider.page("/s/%s/p/%d" % (self.comm, p)).text
        self.assertIn("/unhide", form_actions(page))
        self.hide(hider, p, on=False)
        self.assertTrue(listed(hider, "/s/%s.json" % self.comm))
        self.assertEqual(hider.get_json("/hidden.json")["posts"], [])

    def test_hidden_posts_leave_profile_listings(self):
        hider = self.new_user("hpr")
        author_name = uniq("hpa")
        self.server.add_user(author_name, "correct-horse-1")
        author = Browser(self.server)
        author.login(author_name, "correct-horse-1")
        p = author.submit_text(self.comm, uniq("prof"), "x")
        prof = "/u/%s.json" % author_name
        self.assertIn(p, [i["id"] for i in hider.get_json(prof)["posts"]])
        self.hide(hider, p)
        self.assertNotIn(p, [i["id"] for i in hider.get_json(prof)["posts"]])

    def test_hide_json_and_refusals(self):
        b = self.new_user("hj")
        p = self.post()
        r = b.request_json("/hide", "POST", "id=%d&csrf=%s" % (p, b.csrf))
        self.assertStatus(r, 200)
        self.assertEqual(r.json(), {"id": p, "hidden": True})
        self.hide(b, 999999999, expect=404)
        self.hide(b, "x", expect=400)
        self.assertStatus(b.post("/hide", {"id": str(p)}, csrf=False), 403)

    # -- the viewer's marks in post JSON -----------------------------------

    def test_post_json_carries_saved_and_hidden(self):
        b, other = self.new_user("mk"), self.new_user("mko")
        saved, hidden, plain = self.post(), self.post(), self.post()
        self.save(b, "post", saved)
        self.hide(b, hidden)

        def marks(viewer, path, key="posts"):
            return {i["id"]: (i["saved"], i["hidden"])
                    for i in viewer.get_json(path)[key]}

        got = marks(b, "/s/%s.json?sort=new" % self.comm)
        self.assertEqual(got[saved], (True, False))
        self.assertEqual(got[plain], (False, False))
        self.assertNotIn(hidden, got)
        self.assertEqual(marks(b, "/hidden.json"), {hidden: (False, True)})
        self.assertEqual(b.get_json("/saved.json")["items"][0]["post"]["saved"], True)
        for pid, want in ((saved, (True, False)), (hidden, (False, True)),
                          (plain, (False, False))):
            j = b.get_json("/s/%s/p/%d.json" % (self.comm, pid))["post"]
            self.assertEqual((j["saved"], j["hidden"]), want, pid)
        for viewer in (other, Browser(self.server)):
            got = marks(viewer, "/s/%s.json?sort=new" % self.comm)
            for pid in (saved, hidden, plain):
                self.assertEqual(got[pid], (False, False), pid)
            j = viewer.get_json("/s/%s/p/%d.json" % (self.comm, saved))["post"]
            self.assertEqual((j["saved"], j["hidden"]), (False, False))


if __name__ == "__main__":
    import unittest
    unittest.main()
