# SPDX-License-Identifier: AGPL-3.0-or-later
"""Moderators' notices: in the inbox (the header's "inbox (N)"); the old
/notifications address sends there."""

import unittest

from harness import (Browser, ParleyTestCase, hrefs, location_path, uniq,
                     visible_text)

PW = "correct-horse-1"


class NotificationsTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        name = uniq("nadm")
        cls.server.add_user(name, PW, admin=True)
        cls.admin = Browser(cls.server)
        cls.admin.login(name, PW)
        cls.comm = uniq("Note")
        cls.admin.create_community(cls.comm)

    def user(self):
        name = uniq("nu")
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.login(name, PW)
        return name, b

    def remove(self, kind, item_id, reason):
        r = self.admin.post("/mod", {"action": "remove", "kind": kind, "id": str(item_id),
                                     "reason": reason})
        self.assertIn(r.status, (200, 303), r.describe())

    def test_needs_sign_in(self):
        b = Browser(self.server)
        r = b.get("/notifications")
        self.assertIn(r.status, (301, 308), r.describe())
        self.assertEqual(location_path(r, self.server), "/inbox")
        self.assertLocation(b.get("/inbox"), "/login")
        self.assertJSONError(b.request_json("/inbox"), 403)

    def test_removal_shows_in_header_until_read(self):
        name, b = self.user()
        home = b.page("/").text
        self.assertIn("/inbox", hrefs(home), "the inbox is always linked")
        self.assertNotIn("inbox (", visible_text(home), "no count without unread")
        self.assertEqual(b.get_json("/inbox")["items"], [])
        pid = b.submit_text(self.comm, "Soon removed", "")
        self.remove("post", pid, "off topic here")
        home = b.page("/").text
        self.assertIn("inbox (1)", visible_text(home))
        other_page = b.page("/communities").text
        self.assertIn("inbox (1)", visible_text(other_page), "every page has the count")
        self.assertNotIn("inbox (", visible_text(Browser(self.server).page("/").text))
        self.assertNotIn("inbox (", visible_text(self.admin.page("/").text))
        page = b.page("/inbox").text
        self.assertIn("off topic here", visible_text(page))
        self.assertIn("/s/%s/p/%d" % (self.comm, pid),
                      " ".join(hrefs(page)), "the notice links the item")
        r = b.post("/inbox/read", {"all": "1"})
        self.assertLocation(r, "/inbox")
        self.assertNotIn("inbox (", visible_text(b.page("/").text),
                         "marking read clears the count")

    def test_json_newest_first_and_read(self):
        name, b = self.user()
        p1 = b.submit_text(self.comm, "First", "")
        p2 = b.submit_text(self.comm, "Second", "")
        self.remove("post", p1, "reason one")
        self.remove("post", p2, "reason two")
        doc = b.get_json("/inbox")
        ns = doc["items"]
        self.assertEqual(len(ns), 2)
        self.assertEqual(doc["unread"], 2)
        self.assertIn("reason two", ns[0]["body"])
        self.assertIn("reason one", ns[1]["body"])
        self.assertEqual([(n["post"], n["comment"]) for n in ns], [(p2, None), (p1, None)],
                         "a notice names the removed item")
        for n in ns:
            self.assertIsInstance(n["id"], int)
            self.assertEqual(n["kind"], "notice")
            self.assertFalse(n["read"])
            self.assertIsNone(n["from"])
            self.assertRegex(n["created"], r"Z$")
        r = b.post("/inbox/read", {"id": str(ns[1]["id"])})
        self.assertLocation(r, "/inbox")
        again = b.get_json("/inbox")
        self.assertEqual([n["read"] for n in again["items"]], [False, True])
        self.assertEqual(again["unread"], 1)
        self.assertEqual([n["id"] for n in again["items"]], [n["id"] for n in ns])

    def test_notices_are_private(self):
        _, b = self.user()
        _, other = self.user()
        pid = b.submit_text(self.comm, "Mine", "")
        self.remove("post", pid, "private reason")
        self.assertEqual(other.get_json("/inbox")["items"], [])
        self.assertNotIn("private reason", other.page("/inbox").text)
        mine = b.get_json("/inbox")["items"][0]["id"]
        self.assertStatus(other.post("/inbox/read", {"id": str(mine)}), 404)


if __name__ == "__main__":
    unittest.main()
