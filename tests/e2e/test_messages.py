# SPDX-License-Identifier: AGPL-3.0-or-later
"""Private messages: starting and replying to conversations, who may read
them, blocks, bans, limits, reports to the site admins, delete for me."""

import re
import unittest
import urllib.parse

from harness import (Browser, ParleyTestCase, form_actions, hrefs, location_path, uniq,
                     visible_text)

PW = "correct-horse-1"
JSON = {"Accept": "application/json"}


class MessagesTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.admin_name = uniq("madm")
        cls.server.add_user(cls.admin_name, PW, admin=True)
        cls.admin = Browser(cls.server)
        cls.admin.login(cls.admin_name, PW)

    def user(self, prefix="mu"):
        name = uniq(prefix)
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.login(name, PW)
        return name, b

    def send(self, b, to, subject="Hello", body="a private word", expect=303):
        r = b.post("/messages", {"to": to, "subject": subject, "body": body})
        self.assertStatus(r, expect)
        if expect != 303:
            return r
        loc = location_path(r, self.server)
        m = re.match(r"^/messages/(\d+)$", urllib.parse.urlsplit(loc).path)
        self.assertTrue(m, loc)
        return int(m.group(1))

    def test_conversation_both_ways(self):
        ann, a = self.user()
        bob, b = self.user()
        cid = self.send(a, bob, "Lunch?", "Shall we meet *today*?")
        page = b.page("/messages").text
        self.assertIn("/messages/%d" % cid, hrefs(page))
        self.assertIn("Lunch?", visible_text(page))
        # the recipient's inbox has it, with the header count
        items = b.get_json("/inbox")["items"]
        self.assertEqual([(i["kind"], i["from"]) for i in items], [("message", ann)])
        self.assertIn("today", items[0]["body"])
        self.assertIn("inbox (1)", visible_text(b.page("/").text))
        self.assertEqual(a.get_json("/inbox")["items"], [], "the sender is not told")
        # reading the conversation reads its message in the inbox
        convo = b.page("/messages/%d" % cid).text
        self.assertIn("<em>today</em>", convo, "markdown is rendered")
        self.assertIn("/messages/%d" % cid, form_actions(convo), "a reply form")
        self.assertNotIn("inbox (", visible_text(convo))
        self.assertTrue(b.get_json("/inbox")["items"][0]["read"])
        # reply
        r = b.post("/messages/%d" % cid, {"body": "Yes, at noon."})
        self.assertStatus(r, 303)
        doc = a.get_json("/messages/%d" % cid)
        self.assertEqual(doc["id"], cid)
        self.assertEqual(doc["subject"], "Lunch?")
        self.assertEqual(sorted(doc["members"]), sorted([ann, bob]))
        self.assertEqual([(m["from"], m["body"]) for m in doc["messages"]],
                         [(ann, "Shall we meet *today*?"), (bob, "Yes, at noon.")])
        lst = a.get_json("/messages")["conversations"]
        self.assertEqual([(c["id"], c["with"], c["subject"]) for c in lst], [(cid, bob, "Lunch?")])
        self.assertEqual(a.get_json("/inbox")["items"][0]["kind"], "message")

    def test_json_send(self):
        ann, a = self.user()
        bob, b = self.user()
        r = a.request("POST", "/messages", headers=JSON, body=urllib.parse.urlencode(
            {"to": bob, "subject": "api", "body": "by JSON", "csrf": a.csrf or a.refresh_csrf()}))
        self.assertStatus(r, 200)
        doc = r.json()
        self.assertIsInstance(doc["id"], int)
        self.assertIsInstance(doc["message"], int)
        self.assertEqual(b.get_json("/messages/%d" % doc["id"])["messages"][0]["body"], "by JSON")

    def test_third_user_cannot_read(self):
        ann, a = self.user()
        bob, b = self.user()
        cat, c = self.user()
        cid = self.send(a, bob, "Secret", "only for bob")
        for path in ("/messages/%d" % cid,):
            r = c.get(path)
            self.assertStatus(r, 404)
            self.assertNotIn("only for bob", r.text)
            self.assertJSONError(c.request_json(path), 404)
        self.assertStatus(c.get("/messages/%d" % (cid + 1000)), 404, "same as a missing id")
        self.assertStatus(c.post("/messages/%d" % cid, {"body": "let me in"}), 404)
        self.assertStatus(c.post("/messages/%d/delete" % cid, {}), 404)
        self.assertEqual(c.get_json("/messages")["conversations"], [])
        # an admin too, until a message of it is reported
        self.assertStatus(self.admin.get("/messages/%d" % cid), 404)
        # signed out
        self.assertLocation(Browser(self.server).get("/messages/%d" % cid), "/login")
        self.assertIn("only for bob", b.page("/messages/%d" % cid).text)

    def test_blocked_user_cannot_message(self):
        ann, a = self.user()
        bob, b = self.user()
        cid = self.send(b, ann, "Before", "before the block")
        self.assertStatus(a.post("/block", {"user": bob}), 303)
        r = self.send(b, ann, "After", "you blocked me", expect=403)
        self.assertIn("blocked", visible_text(r.text))
        self.assertStatus(b.post("/messages/%d" % cid, {"body": "a reply"}), 403)
        items = [i for i in a.get_json("/inbox")["items"] if i["kind"] == "message"]
        self.assertEqual(len(items), 1, "only the message before the block")
        self.assertNotIn("you blocked me", a.page("/messages/%d" % cid).text)
        # the blocker may still write
        self.send(a, bob, "From the blocker", "fine")

    def test_bad_input(self):
        ann, a = self.user()
        bob, b = self.user()
        self.send(a, "nosuchuser_q", expect=404)
        self.send(a, ann, expect=400)
        self.send(a, bob, subject="", expect=400)
        self.send(a, bob, body="", expect=400)
        self.send(a, bob, subject="x" * 201, expect=400)
        self.send(a, bob, body="x" * 10001, expect=400)
        self.assertStatus(a.post("/messages", {"to": bob, "subject": "s", "body": "b"},
                                 csrf=False), 403)
        # u/NAME and @NAME are names too
        self.send(a, "u/" + bob, subject="via u/")
        self.send(a, "@" + bob, subject="via @")
        self.assertEqual(len(b.get_json("/messages")["conversations"]), 2)

    def test_delete_for_me(self):
        ann, a = self.user()
        bob, b = self.user()
        cid = self.send(a, bob, "Delete me", "old words")
        self.assertLocation(a.post("/messages/%d/delete" % cid, {}), "/messages")
        self.assertEqual(a.get_json("/messages")["conversations"], [])
        self.assertEqual(len(b.get_json("/messages")["conversations"]), 1, "bob keeps it")
        self.assertIn("old words", b.page("/messages/%d" % cid).text)
        self.assertNotIn("old words", a.page("/messages/%d" % cid).text)
        b.post("/messages/%d" % cid, {"body": "new words"})
        lst = a.get_json("/messages")["conversations"]
        self.assertEqual([c["id"] for c in lst], [cid], "a new message brings it back")
        msgs = [m["body"] for m in a.get_json("/messages/%d" % cid)["messages"]]
        self.assertEqual(msgs, ["new words"])

    def test_report_to_admins(self):
        ann, a = self.user()
        bob, b = self.user()
        cid = self.send(b, ann, "Spam", "buy my stuff")
        mid = b.get_json("/messages/%d" % cid)["messages"][0]["id"]
        convo = a.page("/messages/%d" % cid).text
        self.assertIn("/report?kind=message&id=%d" % mid, hrefs(convo))
        form = a.page("/report?kind=message&id=%d" % mid).text
        self.assertIn("/report", form_actions(form))
        # a stranger cannot report (nor learn of) it
        cat, c = self.user()
        self.assertStatus(c.post("/report", {"kind": "message", "id": str(mid),
                                             "reason": "x"}), 404)
        self.assertStatus(self.admin.get("/messages/%d" % cid), 404)
        r = a.post("/report", {"kind": "message", "id": str(mid), "reason": "spam offer"})
        self.assertLocation(r, "/messages/%d" % cid)
        self.assertStatus(a.post("/report", {"kind": "message", "id": str(mid),
                                             "reason": "again"}), 409)
        queue = self.admin.get_json("/admin/messages")["reports"]
        mine = [q for q in queue if q["message"] == mid]
        self.assertEqual(len(mine), 1)
        self.assertEqual((mine[0]["kind"], mine[0]["conversation"], mine[0]["reason"]),
                         ("message", cid, "spam offer"))
        self.assertIn("/messages/%d" % cid,
                      " ".join(hrefs(self.admin.page("/admin/messages").text)))
        self.assertStatus(b.get("/admin/messages"), 403)
        page = self.admin.page("/messages/%d" % cid).text
        self.assertIn("buy my stuff", page, "the admin reads the reported conversation")
        self.assertStatus(self.admin.post("/messages/%d" % cid, {"body": "hi"}), 404,
                          "but does not write in it")
        self.assertLocation(self.admin.post("/messages/%d/resolve" % cid, {}),
                            "/admin/messages")
        self.assertStatus(self.admin.get("/messages/%d" % cid), 404, "closed: private again")
        self.assertEqual([q for q in self.admin.get_json("/admin/messages")["reports"]
                          if q["message"] == mid], [])

    def test_limits_and_bans(self):
        ann, a = self.user()
        bob, b = self.user()
        self.server.set_limit("limit_messages_new", 2)
        try:
            self.send(a, bob, "one")
            self.send(a, bob, "two")
            r = self.send(a, bob, "three", expect=429)
            self.assertIn("messages an hour", visible_text(r.text))
        finally:
            self.server.set_limit("limit_messages_new", 5)
        cat, c = self.user()
        r = self.admin.post("/mod", {"action": "ban", "user": cat, "community": "",
                                     "duration": "", "reason": "spam"})
        self.assertIn(r.status, (200, 303), r.describe())
        self.send(c, ann, "banned", expect=403)

    def test_signed_out(self):
        x = Browser(self.server)
        self.assertLocation(x.get("/messages"), "/login")
        self.assertJSONError(x.request_json("/messages"), 403)


if __name__ == "__main__":
    unittest.main()
