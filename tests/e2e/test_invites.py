# SPDX-License-Identifier: AGPL-3.0-or-later
"""Members' own invites and the points gates: invite codes made by members
over invite_min_points where member_invites allows it, at most
invite_max_per_member each; create_community_min_points gating /create;
who invited whom, shown to admins only."""

import re
import unittest

from harness import Browser, ParleyTestCase, form_actions, uniq, visible_text

PW = "correct-horse-1"
JSON = {"Accept": "application/json"}


class MemberInvitesTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.admin = cls.login_new("iadm", admin=True)
        cls.comm = uniq("Inv")
        cls.admin.create_community(cls.comm)

    def setUp(self):
        for key, value in (("member_invites", 1), ("invite_min_points", 1),
                           ("invite_max_per_member", 2),
                           ("create_community_min_points", 0)):
            self.server.set_limit(key, value)

    def earn_point(self, b):
        """One upvote from someone else: one point."""
        pid = b.submit_text(self.comm, "worth a point", "text")
        voter = self.login_new("iv")
        voter.vote("post", pid, 1)
        self.assertEqual(Browser(self.server).get_json("/u/" + b.name)["points"], 1)

    def make_code(self, b, expect=200):
        r = b.post("/settings/invites", {"expires": ""}, headers=JSON)
        self.assertStatus(r, expect)
        return r.json()

    def register(self, code):
        b = Browser(self.server)
        b.get("/register")
        name = uniq("inew")
        r = b.post("/register", {"username": name, "password": PW, "invite": code})
        return name, r

    def test_points_threshold_and_setting(self):
        b = self.login_new("im")
        r = b.post("/settings/invites", {}, headers=JSON)
        err = self.assertJSONError(r, 403)
        self.assertEqual(err["error"], "not_enough_points")
        self.assertIn("You need 1 points to make invite codes on this site; you have 0.",
                      err["message"])
        self.assertJSONError(b.post("/settings/invites", {}, headers=JSON), 403)
        self.earn_point(b)
        doc = b.get_json("/settings/invites")
        self.assertEqual((doc["made"], doc["max"], doc["min_points"]), (0, 2, 1))
        self.server.set_limit("member_invites", 0)
        err = self.assertJSONError(b.post("/settings/invites", {}, headers=JSON), 403)
        self.assertEqual(err["error"], "invites_off")
        self.assertEqual(b.get_json("/settings/invites", status=403)["error"], "invites_off")

    def test_codes_cap_and_who_invited_whom(self):
        b = self.login_new("im")
        self.earn_point(b)
        page = b.page("/settings/invites").text
        self.assertIn("/settings/invites", form_actions(page))
        self.assertIn("You have made 0 of the 2 invite codes", visible_text(page))
        self.assertIn("/settings/invites", b.page("/settings").text)
        code = self.make_code(b)
        self.assertRegex(code["code"], r"^[0-9a-f]{32}$")
        self.assertEqual(code["uses"], 1)
        self.assertIsNone(code["expires"])
        # the HTML answer shows the second code once
        r = b.post("/settings/invites", {"expires": "7d"})
        self.assertStatus(r, 200)
        self.assertRegex(r.text, r'<code class="invite">[0-9a-f]{32}</code>')
        self.assertEqual(b.get_json("/settings/invites")["made"], 2)
        err = self.assertJSONError(b.post("/settings/invites", {}, headers=JSON), 403)
        self.assertEqual(err["error"], "invite_cap")
        self.assertEqual(b.get_json("/settings/invites")["made"], 2, "nothing made")
        self.assertJSONError(b.post("/settings/invites", {"expires": "soon"},
                                    headers=JSON), 403)
        # the code registers one person, under invite mode
        self.admin.post("/admin/registration", {"registration": "invite"})
        try:
            name, r = self.register(code["code"])
            self.assertStatus(r, 303)
            _, r = self.register(code["code"])
            self.assertStatus(r, 403, "one use")
        finally:
            self.admin.post("/admin/registration", {"registration": "open"})
        # admins see who invited whom: on the invites page and the profile
        doc = self.admin.get_json("/admin/invites")
        self.assertEqual(doc["invited"][0]["name"], name)
        self.assertEqual(doc["invited"][0]["invited_by"], b.name)
        self.assertIsNotNone(doc["invited"][0]["created"])
        self.assertIn("registration", doc)
        page = self.admin.page("/admin/invites").text
        self.assertRegex(visible_text(page), r"%s by %s" % (re.escape(name), re.escape(b.name)))
        self.assertEqual(self.admin.get_json("/u/" + name)["invited_by"], b.name)
        self.assertIn("invited by " + b.name, visible_text(self.admin.page("/u/" + name).text))
        self.assertIsNone(self.admin.get_json("/u/" + b.name)["invited_by"])
        # and nobody else does
        other = self.login_new("im")
        self.assertNotIn("invited_by", other.get_json("/u/" + name))
        self.assertNotIn("invited by", visible_text(other.page("/u/" + name).text))
        self.assertNotIn("invited_by", Browser(self.server).get_json("/u/" + name))
        self.assertJSONError(other.post("/admin/invites", {"uses": "1"}, headers=JSON), 403)
        self.assertEqual(other.get_json("/admin/invites", status=403)["error"], "not_admin")

    def test_bad_expires(self):
        b = self.login_new("im")
        self.earn_point(b)
        r = b.post("/settings/invites", {"expires": "soon"}, headers=JSON)
        self.assertEqual(self.assertJSONError(r, 400)["error"], "bad_expires")
        self.assertEqual(b.get_json("/settings/invites")["made"], 0)

    def test_admin_settings_form(self):
        page = self.admin.page("/admin").text
        for key in ("member_invites", "invite_min_points", "invite_max_per_member",
                    "create_community_min_points"):
            self.assertIn('name="%s"' % key, page)
        r = self.admin.post("/admin/settings", {"invite_max_per_member": "7"})
        self.assertStatus(r, 303)
        self.assertIn('name="invite_max_per_member" value="7"', self.admin.page("/admin").text)
        r = self.admin.post("/admin/settings", {"invite_min_points": "-1"},
                            headers=JSON)
        self.assertJSONError(r, 400)

    def test_create_community_needs_points(self):
        self.server.set_limit("create_community_min_points", 1)
        try:
            b = self.login_new("cg")
            cname = uniq("New")
            fields = {"name": cname, "title": "A title", "description": "",
                      "rules": ""}
            r = b.post("/create", fields, headers=JSON)
            err = self.assertJSONError(r, 403)
            self.assertEqual(err["error"], "not_enough_points")
            self.assertEqual(err["message"], "You need 1 points to create a "
                             "community on this site; you have 0.")
            r = b.post("/create", fields)
            self.assertStatus(r, 403)
            self.assertIn("You need 1 points to create a community", r.text)
            Browser(self.server).get_json("/s/" + cname, status=404)
            # one upvote from someone else is the point it needs
            pid = b.submit_text(self.comm, "a post", "text")
            self.login_new("cv").vote("post", pid, 1)
            self.assertStatus(b.post("/create", fields), 303)
            # admins are never gated
            self.server.set_limit("create_community_min_points", 100000)
            self.assertStatus(self.admin.post("/create", dict(fields, name=uniq("Adm"))), 303)
        finally:
            self.server.set_limit("create_community_min_points", 0)


if __name__ == "__main__":
    unittest.main()
