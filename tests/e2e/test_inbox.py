# SPDX-License-Identifier: AGPL-3.0-or-later
"""The inbox: replies, mentions and their limits, the header's count, reading
items, paging, the JSON shape, and the old /notifications address."""

import unittest

from harness import (Browser, ParleyTestCase, hrefs, location_path, uniq,
                     visible_text)

PW = "correct-horse-1"
ITEM_KEYS = {"id", "kind", "read", "created", "from", "body", "post", "comment"}


class InboxTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        name = uniq("iadm")
        cls.server.add_user(name, PW, admin=True)
        cls.admin = Browser(cls.server)
        cls.admin.login(name, PW)
        cls.comm = uniq("Inb")
        cls.admin.create_community(cls.comm)
        cls.server.set_limit("limit_comments_new", 1000)
        cls.server.set_limit("limit_posts_new", 1000)

    def user(self, prefix="iu"):
        name = uniq(prefix)
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.login(name, PW)
        return name, b

    def users(self, n, prefix):
        """n new users, signed in: their names and their browsers."""
        names = [uniq(prefix) for _ in range(n)]
        browsers = []
        for name in names:
            self.server.add_user(name, PW)
            x = Browser(self.server)
            x.login(name, PW)
            browsers.append(x)
        return names, browsers

    def items(self, b, kind=None):
        doc = b.get_json("/inbox")
        return [i for i in doc["items"] if kind is None or i["kind"] == kind]

    # -- replies -------------------------------------------------------------

    def test_replies_to_posts_and_comments(self):
        ann, a = self.user()
        bob, b = self.user()
        pid = a.submit_text(self.comm, "A post of ann", "")
        cid = b.comment(self.comm, pid, "bob answers the post")
        got = self.items(a, "reply")
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["from"], bob)
        self.assertEqual(got[0]["post"], pid)
        self.assertEqual(got[0]["comment"], cid)
        self.assertIn("bob answers the post", got[0]["body"])
        rid = a.reply(self.comm, pid, cid, "ann answers bob")
        got = self.items(b, "reply")
        self.assertEqual([(i["comment"], i["from"]) for i in got], [(rid, ann)])
        # one's own comment on one's own post tells nobody
        a.comment(self.comm, pid, "ann talks to herself")
        self.assertEqual(len(self.items(a, "reply")), 1)
        # a reply that also names its addressee is one item, not two
        b.comment(self.comm, pid, "and @%s, once more" % ann)
        self.assertEqual([i["kind"] for i in self.items(a)], ["reply", "reply"])

    # -- the JSON shape and the header ----------------------------------------

    def test_json_shape(self):
        ann, a = self.user()
        bob, b = self.user()
        pid = a.submit_text(self.comm, "Shape", "")
        cat, c = self.user()
        bcid = b.comment(self.comm, pid, "bob's reply")
        c.reply(self.comm, pid, bcid, "answering bob, telling @%s" % ann)
        doc = a.get_json("/inbox")
        self.assertEqual(set(doc), {"items", "unread", "after"})
        self.assertEqual(doc["unread"], 2)
        self.assertIsNone(doc["after"])
        self.assertEqual([(i["kind"], i["from"]) for i in doc["items"]],
                         [("mention", cat), ("reply", bob)])
        for i in doc["items"]:
            self.assertEqual(set(i), ITEM_KEYS)
            self.assertIsInstance(i["id"], int)
            self.assertIs(i["read"], False)
            self.assertRegex(i["created"], r"Z$")
            self.assertEqual(i["post"], pid)
            self.assertIsInstance(i["comment"], int)
        self.assertGreater(doc["items"][0]["id"], doc["items"][1]["id"], "newest first")

    def test_header_count_and_reading(self):
        ann, a = self.user()
        bob, b = self.user()
        pid = a.submit_text(self.comm, "Count me", "")
        self.assertNotIn("inbox (", visible_text(a.page("/").text))
        for n in range(3):
            b.comment(self.comm, pid, "comment %d" % n)
        for path in ("/", "/communities", "/s/%s" % self.comm, "/settings"):
            page = a.page(path).text
            self.assertIn("inbox (3)", visible_text(page), path)
            self.assertIn("/inbox", hrefs(page), path)
        page = a.page("/inbox").text
        self.assertEqual(page.count('class="post new"'), 3, "unread items are marked")
        self.assertIn("mark all read", visible_text(page))
        first = self.items(a)[0]["id"]
        self.assertLocation(a.post("/inbox/read", {"id": str(first)}), "/inbox")
        self.assertIn("inbox (2)", visible_text(a.page("/").text))
        doc = a.get_json("/inbox")
        self.assertEqual(doc["unread"], 2)
        self.assertTrue(doc["items"][0]["read"])
        r = a.request("POST", "/inbox/read", body="all=1&csrf=" + a.csrf,
                      headers={"Accept": "application/json"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json(), {"ok": True})
        self.assertNotIn("inbox (", visible_text(a.page("/").text))
        self.assertEqual(a.get_json("/inbox")["unread"], 0)
        # bad input and other people's items
        self.assertStatus(a.post("/inbox/read", {}), 400)
        self.assertStatus(b.post("/inbox/read", {"id": str(first)}), 404)
        self.assertStatus(a.post("/inbox/read", {"id": "1"}, csrf=False), 403)

    def test_header_count_on_member_templates(self):
        """A plain member's cached thread page fills the header as a hole:
        the count is theirs and current."""
        ann, a = self.user()
        bob, b = self.user()
        pid = b.submit_text(self.comm, "Cached thread", "")
        path = "/s/%s/p/%d" % (self.comm, pid)
        for _ in range(2):
            self.assertNotIn("inbox (", visible_text(a.page(path).text))
        a_post = a.submit_text(self.comm, "ann's", "")
        b.comment(self.comm, a_post, "a reply for ann")
        for _ in range(2):
            page = a.page(path).text
            self.assertIn("inbox (1)", visible_text(page))
            self.assertNotIn("inbox (", visible_text(b.page(path).text))

    def test_paging(self):
        ann, a = self.user()
        bob, b = self.user()
        pid = a.submit_text(self.comm, "Many replies", "")
        for n in range(27):
            b.comment(self.comm, pid, "reply %d" % n)
        doc = a.get_json("/inbox")
        self.assertEqual(len(doc["items"]), 25)
        self.assertEqual(doc["unread"], 27)
        self.assertIsInstance(doc["after"], str)
        rest = a.get_json("/inbox?after=" + doc["after"])
        self.assertEqual(len(rest["items"]), 2)
        self.assertIsNone(rest["after"])
        ids = [i["id"] for i in doc["items"] + rest["items"]]
        self.assertEqual(ids, sorted(set(ids), reverse=True))
        page = a.page("/inbox").text
        self.assertIn("/inbox?after=" + doc["after"], hrefs(page))
        self.assertStatus(a.get("/inbox?after=x"), 400)

    def test_notifications_redirects(self):
        ann, a = self.user()
        for path, target in (("/notifications", "/inbox"),
                             ("/notifications.json", "/inbox.json")):
            r = a.get(path)
            self.assertIn(r.status, (301, 308), r.describe())
            self.assertEqual(location_path(r, self.server), target)
        r = a.get(location_path(a.get("/notifications"), self.server))
        self.assertIn("Inbox", visible_text(r.text))

    # -- mentions --------------------------------------------------------------

    def test_mentions_link_and_notify_once(self):
        ann, a = self.user()
        bob, b = self.user()
        cat, c = self.user()
        pid = b.submit_text(self.comm, "Mentions", "hi u/%s and @%s and @%s again, "
                            "and @nosuchuser_zz" % (ann, cat, ann))
        page = b.page("/s/%s/p/%d" % (self.comm, pid)).text
        self.assertIn("/u/%s" % ann, hrefs(page))
        self.assertIn("/u/%s" % cat, hrefs(page))
        self.assertNotIn("/u/nosuchuser_zz", hrefs(page))
        got = self.items(a, "mention")
        self.assertEqual(len(got), 1, "once per item, however often named")
        self.assertEqual((got[0]["from"], got[0]["post"], got[0]["comment"]), (bob, pid, None))
        self.assertEqual(len(self.items(c, "mention")), 1)
        # one's own name notifies nobody
        b.comment(self.comm, pid, "me, @%s" % bob)
        self.assertEqual(self.items(b, "mention"), [])

    def test_edit_keeping_a_mention_notifies_once(self):
        ann, a = self.user()
        bob, b = self.user()
        cat, c = self.user()
        pid = b.submit_text(self.comm, "Edits", "")
        cid = b.comment(self.comm, pid, "hello @%s" % ann)
        edit = "/s/%s/p/%d/c/%d/edit" % (self.comm, pid, cid)
        self.assertStatus(b.post(edit, {"body": "hello again @%s" % ann}), 303)
        self.assertEqual(len(self.items(a, "mention")), 1, "the kept mention is not repeated")
        self.assertStatus(b.post(edit, {"body": "hello @%s and @%s" % (ann, cat)}), 303)
        self.assertEqual(len(self.items(a, "mention")), 1)
        self.assertEqual(len(self.items(c, "mention")), 1, "the added mention notifies")
        # posts too
        pid2 = b.submit_text(self.comm, "Post edits", "for u/%s" % ann)
        self.assertEqual(len(self.items(a, "mention")), 2)
        pedit = "/s/%s/p/%d/edit" % (self.comm, pid2)
        self.assertStatus(b.post(pedit, {"title": "Post edits", "body": "still u/%s" % ann}), 303)
        self.assertStatus(b.post(pedit, {"title": "Post edits",
                                         "body": "u/%s and u/%s" % (ann, cat)}), 303)
        self.assertEqual(len(self.items(a, "mention")), 2)
        self.assertEqual(len(self.items(c, "mention")), 2)

    def test_blocked_author_mentions_and_replies_go_nowhere(self):
        ann, a = self.user()
        bob, b = self.user()
        pid = b.submit_text(self.comm, "Blocked", "")
        self.assertStatus(a.post("/block", {"user": bob}), 303)
        b.comment(self.comm, pid, "hey @%s" % ann)
        b.submit_text(self.comm, "Another", "u/%s" % ann)
        self.assertEqual(self.items(a), [])
        self.assertNotIn("inbox (", visible_text(a.page("/").text))
        # ann's post: bob may not reply at all (blocks), nor does a mention arrive
        apid = a.submit_text(self.comm, "ann's own", "")
        self.assertStatus(b.comment(self.comm, apid, "hi", expect=None), 403)
        self.assertEqual(self.items(a), [])

    def test_mention_cap(self):
        ann, a = self.user()
        names, browsers = self.users(12, "mc")
        fake = ["@zz%d_%s" % (i, "x") for i in range(488)]
        body = " ".join("@" + n for n in names) + " " + " ".join(fake)
        self.assertEqual(len(names) + len(fake), 500)
        pid = a.submit_text(self.comm, "Roll call", "")
        a.comment(self.comm, pid, body)
        told = sum(len(self.items(x, "mention")) for x in browsers)
        self.assertLessEqual(told, 10)
        self.assertGreater(told, 0)
        self.assertEqual(told, 10, "the first ten distinct names are told")

    def test_mentions_commit_with_their_item(self):
        """An item and the mentions it tells are one write: both are there
        (as the rules say: nothing for a user who blocks the author, ten
        names at most) or neither (a refused comment or edit)."""
        ann, a = self.user()
        bob, b = self.user()
        cat, c = self.user()
        dan, d = self.user()
        self.assertStatus(c.post("/block", {"user": bob}), 303)
        pid = a.submit_text(self.comm, "Together", "")
        cid = b.comment(self.comm, pid, "to @%s and @%s" % (ann, cat))
        thread = {x["id"]: x["body"] for x in
                  Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))["comments"]}
        self.assertEqual(thread[cid], "to @%s and @%s" % (ann, cat))
        # ann is told once, by the reply that also names her
        self.assertEqual([(i["kind"], i["comment"]) for i in self.items(a)],
                         [("reply", cid)])
        self.assertEqual(self.items(c), [], "cat blocks bob")
        # a refused comment tells nobody it names
        long_body = "@%s " % dan + "x" * 10001
        self.assertStatus(b.comment(self.comm, pid, long_body, expect=None), 400)
        self.assertEqual(self.items(d), [])
        # a refused edit neither changes the text nor tells the name it adds
        edit = "/s/%s/p/%d/c/%d/edit" % (self.comm, pid, cid)
        self.assertStatus(b.post(edit, {"body": long_body}), 400)
        self.assertEqual(self.items(d), [])
        thread = {x["id"]: x["body"] for x in
                  Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))["comments"]}
        self.assertEqual(thread[cid], "to @%s and @%s" % (ann, cat))
        # an accepted edit tells the added name, with the comment
        self.assertStatus(b.post(edit, {"body": "to @%s and @%s" % (ann, dan)}), 303)
        self.assertEqual([(i["kind"], i["post"], i["comment"]) for i in self.items(d)],
                         [("mention", pid, cid)])
        self.assertEqual([i["kind"] for i in self.items(a)], ["reply"])
        # a post naming twelve: the post and exactly ten mentions of it
        names, told = self.users(12, "mt")
        rid = b.submit_text(self.comm, "Twelve", " ".join("u/" + n for n in names))
        self.assertEqual(Browser(self.server).get_json(
            "/s/%s/p/%d" % (self.comm, rid))["post"]["id"], rid)
        got = [[(i["kind"], i["post"]) for i in self.items(x)] for x in told]
        self.assertEqual(got, [[("mention", rid)]] * 10 + [[]] * 2)

    def test_guide_says_the_cap(self):
        text = visible_text(Browser(self.server).page("/guide").text)
        self.assertIn("u/NAME", text)
        self.assertIn("10", text)

    def test_signed_out(self):
        b = Browser(self.server)
        self.assertLocation(b.get("/inbox"), "/login")
        self.assertJSONError(b.request_json("/inbox"), 403)
        self.assertNotIn("/inbox", hrefs(b.page("/").text))


if __name__ == "__main__":
    unittest.main()
