# SPDX-License-Identifier: AGPL-3.0-or-later
"""NSFW and spoiler marks: checkboxes, community-wide NSFW, show_nsfw."""

import re
import unittest

from harness import Browser, ParleyTestCase, uniq

PW = "correct-horse-1"


class NsfwTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.admin = Browser(cls.server)
        name = uniq("nadm")
        cls.server.add_user(name, PW, admin=True)
        cls.admin.login(name, PW)
        cls.comm = uniq("Nsfw")
        cls.admin.create_community(cls.comm)

    def member(self, show=False):
        b = Browser(self.server)
        b.register(uniq("nm"), PW)
        if show:
            self.assertStatus(b.post("/settings/nsfw", {"show_nsfw": "1"}), 303)
        return b

    def submit(self, b, title, body, **flags):
        fields = {"community": self.comm, "title": title, "body": body}
        fields.update(flags)
        r = b.post("/submit", fields)
        self.assertStatus(r, 303)
        return int(re.search(r"/p/(\d+)", r.header("Location")).group(1))

    def path(self, pid):
        return "/s/%s/p/%d" % (self.comm, pid)

    def test_forms_have_checkboxes(self):
        page = self.admin.page("/submit").text
        self.assertRegex(page, r'type="checkbox" name="nsfw"')
        self.assertRegex(page, r'type="checkbox" name="spoiler"')
        pid = self.submit(self.admin, "Edit form", "b")
        page = self.admin.page(self.path(pid) + "/edit").text
        self.assertRegex(page, r'type="checkbox" name="nsfw"')
        page = self.admin.page("/settings").text
        self.assertIn('action="/settings/nsfw"', page)
        self.assertRegex(page, r'name="show_nsfw"')
        page = self.admin.page("/s/%s/mod/edit" % self.comm).text
        self.assertRegex(page, r'type="checkbox" name="nsfw"')

    def test_nsfw_hidden_from_visitors_and_members_without_setting(self):
        pid = self.submit(self.admin, "Secret nsfw title", "nsfw body marker", nsfw="1")
        viewers = [Browser(self.server), self.member()]
        for b in viewers:
            for path in (self.path(pid), "/s/%s" % self.comm, "/",
                         "/u/%s" % self.admin.name):
                page = b.page(path).text
                self.assertNotIn("Secret nsfw title", page, path)
                self.assertNotIn("nsfw body marker", page, path)
                self.assertIn("[NSFW]", page, path)
                self.assertIn("nsfw</span>", page, path)
            j = b.get_json(self.path(pid))["post"]
            self.assertEqual(j["title"], "[NSFW]")
            self.assertIsNone(j["body"])
            self.assertIsNone(j["html"])
            self.assertIs(j["nsfw"], True)
            self.assertIs(j["spoiler"], False)
            listing = b.get_json("/s/%s" % self.comm)["posts"]
            row = [p for p in listing if p["id"] == pid][0]
            self.assertEqual(row["title"], "[NSFW]")
            self.assertEqual(b.get(self.path(pid) + "/history").status, 403)
        for feed in ("/feed.atom", "/s/%s/feed.atom" % self.comm):
            text = Browser(self.server).get(feed).text
            self.assertNotIn("Secret nsfw title", text)
            self.assertNotIn("nsfw body marker", text)
        # the address carries no slug of the title
        self.assertNotIn("secret_nsfw_title",
                         self.member(show=True).page("/s/%s" % self.comm).text)

    def test_show_nsfw_member_sees_it(self):
        pid = self.submit(self.admin, "Shown nsfw title", "shown body marker", nsfw="1")
        b = self.member(show=True)
        page = b.page(self.path(pid)).text
        self.assertIn("Shown nsfw title", page)
        self.assertIn("shown body marker", page)
        self.assertIn("Shown nsfw title", b.page("/s/%s" % self.comm).text)
        self.assertEqual(b.get_json(self.path(pid))["post"]["title"], "Shown nsfw title")
        self.assertRegex(b.page("/settings").text, r'name="show_nsfw" value="1" checked')
        # and turning it off again hides it
        self.assertStatus(b.post("/settings/nsfw", {}), 303)
        self.assertNotIn("Shown nsfw title", b.page(self.path(pid)).text)

    def test_member_pages_differ_by_setting(self):
        # a plain member's cached template must not leak to or from a
        # member who sees NSFW posts
        pid = self.submit(self.admin, "Cache nsfw title", "b", nsfw="1")
        plain, shown = self.member(), self.member(show=True)
        for _ in range(2):
            self.assertNotIn("Cache nsfw title", plain.page("/s/%s" % self.comm).text)
            self.assertIn("Cache nsfw title", shown.page("/s/%s" % self.comm).text)
            self.assertNotIn("Cache nsfw title", plain.page(self.path(pid)).text)
            self.assertIn("Cache nsfw title", shown.page(self.path(pid)).text)

    def test_spoiler_behind_details(self):
        pid = self.submit(self.admin, "Spoiler title", "the butler did it", spoiler="1")
        page = Browser(self.server).page(self.path(pid)).text
        self.assertIn("Spoiler title", page)
        self.assertRegex(page, r'(?s)<details class="spoiler"><summary>[^<]*</summary>'
                               r'.*the butler did it.*</details>')
        # No script of its own: the only one is the deferred, optional
        # /parley.js every page links.
        self.assertEqual(re.findall(r"<script[^>]*>", page),
                         ['<script src="/parley.js" defer>'])
        j = Browser(self.server).get_json(self.path(pid))["post"]
        self.assertIs(j["spoiler"], True)
        self.assertIs(j["nsfw"], False)
        self.assertIn("spoiler</span>", Browser(self.server).page("/s/%s" % self.comm).text)

    def test_edit_sets_and_clears_marks(self):
        b = self.member()
        pid = self.submit(b, "Mark me later", "body")
        r = b.post(self.path(pid) + "/edit", {"title": "Mark me later", "body": "body",
                                             "nsfw": "1", "spoiler": "1"})
        self.assertStatus(r, 303)
        j = self.admin.get_json(self.path(pid))["post"]
        self.assertEqual((j["nsfw"], j["spoiler"]), (True, True))
        r = b.post(self.path(pid) + "/edit", {"title": "Mark me later", "body": "body"})
        self.assertStatus(r, 303)
        j = self.admin.get_json(self.path(pid))["post"]
        self.assertEqual((j["nsfw"], j["spoiler"]), (False, False))
        self.assertEqual(Browser(self.server).get_json(self.path(pid))["post"]["title"],
                         "Mark me later")

    def test_community_wide_nsfw(self):
        comm = uniq("Nsfwc")
        self.admin.create_community(comm)
        fields = {"community": comm, "title": "Plain in nsfw community", "body": "b"}
        r = self.admin.post("/submit", fields)
        self.assertStatus(r, 303)
        pid = int(re.search(r"/p/(\d+)", r.header("Location")).group(1))
        path = "/s/%s/p/%d" % (comm, pid)
        self.assertIs(Browser(self.server).get_json(path)["post"]["nsfw"], False)
        # a member who is no moderator cannot set it
        other = self.member()
        r = other.post("/s/%s/mod/edit" % comm, {"title": "t", "description": "d",
                                                 "rules": "r", "nsfw": "1"})
        self.assertStatus(r, 403)
        r = self.admin.post("/s/%s/mod/edit" % comm, {"title": "t", "description": "d",
                                                      "rules": "r", "nsfw": "1"})
        self.assertStatus(r, 303)
        j = Browser(self.server).get_json(path)["post"]
        self.assertIs(j["nsfw"], True)
        self.assertEqual(j["title"], "[NSFW]")
        self.assertNotIn("Plain in nsfw community", Browser(self.server).page("/s/%s" % comm).text)
        self.assertRegex(self.admin.page("/s/%s/mod/edit" % comm).text,
                         r'name="nsfw" value="1" checked')
        r = self.admin.post("/s/%s/mod/edit" % comm, {"title": "t", "description": "d",
                                                      "rules": "r"})
        self.assertStatus(r, 303)
        self.assertIs(Browser(self.server).get_json(path)["post"]["nsfw"], False)

    def test_settings_needs_sign_in_and_csrf(self):
        self.assertStatus(Browser(self.server).post("/settings/nsfw", {"show_nsfw": "1"}), 403)
        b = self.member()
        self.assertStatus(b.post("/settings/nsfw", {"show_nsfw": "1"}, csrf=False), 403)


if __name__ == "__main__":
    unittest.main()
