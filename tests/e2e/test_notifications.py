# SPDX-License-Identifier: AGPL-3.0-or-later
"""Notifications: the header's "messages (N)" and /notifications."""

import unittest

from harness import Browser, ParleyTestCase, hrefs, uniq, visible_text

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
        self.assertLocation(b.get("/notifications"), "/login")
        self.assertJSONError(b.request_json("/notifications"), 403)

    def test_removal_shows_in_header_until_seen(self):
        name, b = self.user()
        home = b.page("/").text
        self.assertNotIn("/notifications", hrefs(home), "no link without unseen messages")
        self.assertEqual(b.get_json("/notifications")["notifications"], [])
        pid = b.submit_text(self.comm, "Soon removed", "")
        self.remove("post", pid, "off topic here")
        home = b.page("/").text
        self.assertIn("/notifications", hrefs(home))
        self.assertIn("messages (1)", visible_text(home))
        other_page = b.page("/communities").text
        self.assertIn("messages (1)", visible_text(other_page), "every page has the count")
        self.assertNotIn("messages (", visible_text(Browser(self.server).page("/").text))
        self.assertNotIn("messages (", visible_text(self.admin.page("/").text))
        page = b.page("/notifications").text
        self.assertIn("off topic here", visible_text(page))
        self.assertIn("/s/%s/p/%d" % (self.comm, pid),
                      " ".join(hrefs(page)), "the message links the item")
        self.assertNotIn("messages (", visible_text(b.page("/").text),
                         "reading the messages clears the count")

    def test_json_newest_first_and_seen(self):
        name, b = self.user()
        p1 = b.submit_text(self.comm, "First", "")
        p2 = b.submit_text(self.comm, "Second", "")
        self.remove("post", p1, "reason one")
        self.remove("post", p2, "reason two")
        doc = b.get_json("/notifications")
        ns = doc["notifications"]
        self.assertEqual(len(ns), 2)
        self.assertIn("reason two", ns[0]["text"])
        self.assertIn("reason one", ns[1]["text"])
        for n in ns:
            self.assertIsInstance(n["id"], int)
            self.assertFalse(n["seen"])
            self.assertRegex(n["created"], r"Z$")
            self.assertTrue(n["link"].startswith("/s/%s/p/" % self.comm), n)
        again = b.get_json("/notifications")["notifications"]
        self.assertTrue(all(n["seen"] for n in again))
        self.assertEqual([n["id"] for n in again], [n["id"] for n in ns])

    def test_messages_are_private(self):
        _, b = self.user()
        _, other = self.user()
        pid = b.submit_text(self.comm, "Mine", "")
        self.remove("post", pid, "private reason")
        self.assertEqual(other.get_json("/notifications")["notifications"], [])
        self.assertNotIn("private reason", other.page("/notifications").text)


if __name__ == "__main__":
    unittest.main()
