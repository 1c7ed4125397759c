# SPDX-License-Identifier: AGPL-3.0-or-later
"""Account settings: change password, delete account, export, the page."""

import unittest

from harness import (Browser, ParleyTestCase, form_actions, hrefs, signed_in_as,
                     signed_out, uniq, visible_text)

PW = "correct-horse-1"


class SettingsTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        name = uniq("sadm")
        cls.server.add_user(name, PW, admin=True)
        cls.admin = Browser(cls.server)
        cls.admin.login(name, PW)
        cls.comm = uniq("Sett")
        cls.admin.create_community(cls.comm)

    def user(self, prefix="su", admin=False):
        """A fresh user made by the CLI; returns (name, signed-in Browser)."""
        name = uniq(prefix)
        self.server.add_user(name, PW, admin=admin)
        b = Browser(self.server)
        b.login(name, PW)
        return name, b

    def signed_in(self, b, name):
        return signed_in_as(b.page("/").text, name)

    # -- the page ------------------------------------------------------------

    def test_settings_page_has_the_forms(self):
        name, b = self.user()
        r = b.page("/settings")
        acts = form_actions(r.text)
        for path in ("/settings/password", "/settings/delete"):
            self.assertIn(path, acts, "settings page lacks a form to " + path)
        self.assertRegex(r.text, r"""name=["']?current""")
        self.assertRegex(r.text, r"""name=["']?erase["']?[^>]*value=["']?1""")
        self.assertTrue(any(h.startswith("/settings/export") for h in hrefs(r.text)),
                        "settings page links the export")
        self.assertIn("/settings", hrefs(b.page("/").text),
                      "the header links the settings page")

    def test_settings_needs_sign_in(self):
        b = Browser(self.server)
        r = b.get("/settings")
        self.assertLocation(r, "/login")
        self.assertJSONError(b.request_json("/settings/export"), 403)
        b.get("/login")
        self.assertStatus(b.post("/settings/password",
                                 {"current": PW, "password": "another-pw-1"}), 403)
        self.assertStatus(b.post("/settings/delete", {"password": PW}), 403)

    # -- password --------------------------------------------------------------

    def test_password_change_ends_other_sessions_only(self):
        name, a = self.user()
        other = Browser(self.server)
        other.login(name, PW)
        self.assertTrue(self.signed_in(other, name))
        r = a.post("/settings/password", {"current": PW, "password": "new-password-2"})
        self.assertLocation(r, "/settings")
        self.assertTrue(self.signed_in(a, name), "this session must stay signed in")
        self.assertTrue(signed_out(other.page("/").text),
                        "the other session must have ended")
        # this session's csrf token still works
        self.assertStatus(a.post("/settings/password", {"current": "new-password-2",
                                                        "password": "new-password-3"}), 303)
        Browser(self.server).login(name, PW, expect=401)
        Browser(self.server).login(name, "new-password-2", expect=401)
        Browser(self.server).login(name, "new-password-3")

    def test_wrong_current_password_changes_nothing(self):
        name, a = self.user()
        other = Browser(self.server)
        other.login(name, PW)
        r = a.post("/settings/password", {"current": "not-my-password",
                                          "password": "new-password-2"})
        self.assertStatus(r, 403)
        self.assertIn("current password", visible_text(r.text))
        j = a.request_json("/settings/password", "POST",
                           "current=nope-nope-1&password=new-password-2&csrf=" + a.csrf)
        self.assertJSONError(j, 403)
        self.assertTrue(self.signed_in(other, name), "a refused change ends nothing")
        Browser(self.server).login(name, "new-password-2", expect=401)
        Browser(self.server).login(name, PW)

    def test_bad_new_password_changes_nothing(self):
        name, a = self.user()
        for bad in ("short", "x" * 1025):
            with self.subTest(length=len(bad)):
                r = a.post("/settings/password", {"current": PW, "password": bad})
                self.assertStatus(r, 400)
        Browser(self.server).login(name, PW)

    def test_password_change_needs_csrf(self):
        name, a = self.user()
        r = a.post("/settings/password", {"current": PW, "password": "new-password-2"},
                   csrf=False)
        self.assertStatus(r, 403)
        Browser(self.server).login(name, PW)

    # -- deleting the account -------------------------------------------------

    def content(self, b):
        pid = b.submit_text(self.comm, "Mine to keep", "my words stay here")
        cid = b.comment(self.comm, pid, "my comment words")
        return pid, cid

    def test_delete_keeps_content_as_deleted_author(self):
        name, b = self.user()
        pid, cid = self.content(b)
        r = b.post("/settings/delete", {"password": PW})
        self.assertLocation(r, "/")
        self.assertTrue(signed_out(b.page("/").text), "deleting signs out")
        Browser(self.server).login(name, PW, expect=401)
        self.assertEqual(Browser(self.server).request_json("/u/%s" % name).status, 404)
        t = Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))
        self.assertEqual(t["post"]["author"], "[deleted]")
        self.assertEqual(t["post"]["body"], "my words stay here")
        cm = {c["id"]: c for c in t["comments"]}[cid]
        self.assertEqual(cm["author"], "[deleted]")
        self.assertEqual(cm["body"], "my comment words")
        page = Browser(self.server).page("/s/%s/p/%d" % (self.comm, pid)).text
        self.assertIn("my words stay here", page)
        self.assertNotIn(name, page, "the deleted user's name is gone from the thread")

    def test_delete_with_erase_erases_text(self):
        name, b = self.user()
        pid, cid = self.content(b)
        r = b.post("/settings/delete", {"password": PW, "erase": "1"})
        self.assertLocation(r, "/")
        Browser(self.server).login(name, PW, expect=401)
        t = Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))
        self.assertIn(t["post"]["body"], (None, "[deleted]"))
        self.assertNotEqual(t["post"]["title"], "Mine to keep")
        cm = {c["id"]: c for c in t["comments"]}[cid]
        self.assertIn(cm["body"], (None, "[deleted]"))
        self.assertIn(cm["author"], ("[deleted]",))
        page = Browser(self.server).page("/s/%s/p/%d" % (self.comm, pid)).text
        self.assertNotIn("my words stay here", page)
        self.assertNotIn("my comment words", page)
        self.assertIn("[deleted]", page)

    def test_delete_with_wrong_password_changes_nothing(self):
        name, b = self.user()
        pid, _ = self.content(b)
        r = b.post("/settings/delete", {"password": "not-my-password", "erase": "1"})
        self.assertStatus(r, 403)
        self.assertTrue(self.signed_in(b, name))
        self.assertEqual(Browser(self.server).get_json("/u/%s" % name)["name"], name)
        t = Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))
        self.assertEqual(t["post"]["author"], name)
        self.assertEqual(t["post"]["body"], "my words stay here")

    def test_deleted_name_can_be_registered_again_or_not(self):
        # Either choice is fine; the old password must not sign anybody in.
        name, b = self.user()
        self.assertLocation(b.post("/settings/delete", {"password": PW}), "/")
        c = Browser(self.server)
        r = c.register(name, "fresh-password-1", expect=None)
        self.assertIn(r.status, (303, 409), r.describe())
        Browser(self.server).login(name, PW, expect=401)

    # -- export ------------------------------------------------------------------

    def test_export_shape(self):
        name, b = self.user()
        pid, cid = self.content(b)
        other = self.admin.submit_text(self.comm, "Someone else's", "")
        ocid = self.admin.comment(self.comm, other, "their comment")
        b.vote("post", other, 1)
        b.vote("comment", ocid, -1)
        r = b.get("/settings/export.json")
        self.assertStatus(r, 200)
        self.assertEqual(r.content_type, "application/json")
        self.assertIn("attachment", r.header("Content-Disposition", ""))
        doc = r.json()
        for key in ("name", "email", "created", "points", "posts", "comments", "votes"):
            self.assertIn(key, doc)
        self.assertEqual(doc["name"], name)
        self.assertIsNone(doc["email"])
        self.assertIsInstance(doc["points"], int)
        self.assertEqual([p["id"] for p in doc["posts"]], [pid])
        self.assertEqual(doc["posts"][0]["body"], "my words stay here")
        self.assertEqual([c["id"] for c in doc["comments"]], [cid])
        self.assertEqual(doc["comments"][0]["body"], "my comment words")
        votes = {(v["kind"], v["id"]): v["dir"] for v in doc["votes"]}
        self.assertEqual(votes.get(("post", other)), 1)
        self.assertEqual(votes.get(("comment", ocid)), -1)
        # the user's own +1 on their new items counts as their vote too
        for v in doc["votes"]:
            self.assertIn(v["kind"], ("post", "comment"))
            self.assertIn(v["dir"], (1, -1))
        # the Accept header gives the same document
        same = b.get("/settings/export", headers={"Accept": "application/json"})
        self.assertStatus(same, 200)
        self.assertEqual(same.json()["posts"], doc["posts"])

    def test_export_pages_through_everything(self):
        name, b = self.user("sbig", admin=True)   # admins are not rate limited
        pids = [b.submit_text(self.comm, "Post %d" % i, "") for i in range(103)]
        doc = b.get_json("/settings/export")
        self.assertEqual(sorted(p["id"] for p in doc["posts"]), sorted(pids))
        self.assertEqual(len(doc["votes"]), 103)


if __name__ == "__main__":
    unittest.main()
