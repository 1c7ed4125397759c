# SPDX-License-Identifier: AGPL-3.0-or-later
"""Blocking users: what the blocker sees, and who may reply to whom."""

import re
import unittest

from harness import (Browser, ParleyTestCase, form_actions, hrefs, location_path,
                     uniq, visible_text)

PW = "correct-horse-1"


class BlocksTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        name = uniq("badm")
        cls.server.add_user(name, PW, admin=True)
        cls.admin = Browser(cls.server)
        cls.admin.login(name, PW)
        cls.comm = uniq("Blk")
        cls.admin.create_community(cls.comm)

    def pair(self):
        """A blocker and the user they block (not yet), both signed in."""
        out = []
        for prefix in ("bker", "bked"):
            name = uniq(prefix)
            self.server.add_user(name, PW)
            b = Browser(self.server)
            b.login(name, PW)
            out.append((name, b))
        return out

    def block(self, b, name, on=True, expect=303, referer=None):
        r = b.post("/block" if on else "/unblock", {"user": name},
                   headers={"Referer": referer} if referer else None)
        self.assertStatus(r, expect)
        return r

    @staticmethod
    def blocked_marks(page):
        return visible_text(page).count("[blocked]")

    # -- blocking -----------------------------------------------------------

    def test_block_redirects_back_or_to_profile(self):
        (_, blocker), (bked, _) = self.pair()
        r = self.block(blocker, bked)
        self.assertEqual(location_path(r, self.server), "/u/" + bked)
        ref = "http://127.0.0.1:%d/s/%s" % (self.server.port, self.comm)
        r = self.block(blocker, bked, on=False, referer=ref)
        self.assertEqual(location_path(r, self.server), "/s/" + self.comm)
        r = self.block(blocker, bked, referer="http://evil.example/s/x")
        self.assertEqual(location_path(r, self.server), "/u/" + bked,
                         "a foreign Referer is not followed")

    def test_block_refusals(self):
        (bker, blocker), (bked, _) = self.pair()
        self.block(blocker, uniq("ghost"), expect=404)
        self.block(blocker, "no such name!", expect=404)
        self.block(blocker, bker, expect=400)
        self.block(blocker, bker.upper(), expect=400)
        r = blocker.post("/block", {"user": bked}, csrf=False)
        self.assertStatus(r, 403)
        anon = Browser(self.server)
        anon.get("/login")
        self.assertStatus(anon.post("/block", {"user": bked}), 403)
        j = blocker.request_json("/block", "POST", "user=%s&csrf=%s" % (bker, blocker.csrf))
        self.assertJSONError(j, 400)
        # none of that blocked anybody
        self.assertNotIn("/unblock", form_actions(blocker.page("/settings").text))

    def test_block_json(self):
        (_, blocker), (bked, _) = self.pair()
        r = blocker.request_json("/block", "POST", "user=%s&csrf=%s" % (bked, blocker.csrf))
        self.assertStatus(r, 200)
        self.assertEqual(r.json(), {"user": bked, "blocked": True})
        r = blocker.request_json("/unblock", "POST", "user=%s&csrf=%s" % (bked, blocker.csrf))
        self.assertEqual(r.json()["blocked"], False)

    def test_blocked_content_collapses_for_the_blocker_only(self):
        (_, blocker), (bked, blocked) = self.pair()
        pid = blocked.submit_text(self.comm, "Words of the blocked one", "post body")
        host = self.admin.submit_text(self.comm, "A neutral host post", "")
        cid = blocked.comment(self.comm, host, "comment of the blocked one")
        self.block(blocker, bked)
        post_path = "/s/%s/p/%d" % (self.comm, host)
        page = blocker.page(post_path).text
        self.assertIn("[blocked]", visible_text(page),
                      "the blocker sees the comment collapsed with [blocked]")
        m = re.search(r"<details\b[^>]*\bid=\"c%d\"[^>]*>" % cid, page)
        self.assertIsNotNone(m, "the comment is still in the page")
        self.assertNotRegex(m.group(0), r"\bopen\b", "a blocked comment starts collapsed")
        listing = blocker.page("/s/%s" % self.comm).text
        self.assertIn("[blocked]", visible_text(listing),
                      "the blocker sees the post collapsed in listings")
        own = blocker.page("/s/%s/p/%d" % (self.comm, pid)).text
        self.assertIn("[blocked]", visible_text(own))
        for viewer in (Browser(self.server), self.admin, blocked):
            self.assertEqual(self.blocked_marks(viewer.page(post_path).text), 0,
                             "only the blocker sees [blocked]")
            self.assertEqual(self.blocked_marks(viewer.page("/s/%s" % self.comm).text), 0)
        # unblocking shows it again
        self.block(blocker, bked, on=False)
        self.assertEqual(self.blocked_marks(blocker.page(post_path).text), 0)

    def test_blocked_user_cannot_reply_to_the_blocker(self):
        (_, blocker), (bked, blocked) = self.pair()
        pid = blocker.submit_text(self.comm, "The blocker's post", "")
        cid = blocker.comment(self.comm, pid, "the blocker's comment")
        host = self.admin.submit_text(self.comm, "Somebody else's post", "")
        hcid = blocker.comment(self.comm, host, "the blocker speaks elsewhere")
        ocid = self.admin.comment(self.comm, host, "a third person's comment")
        self.block(blocker, bked)
        before = self.thread_snapshot(self.comm, pid)
        self.assertStatus(blocked.reply(self.comm, pid, cid, "let me answer", expect=None), 403)
        self.assertStatus(blocked.comment(self.comm, pid, "on your post", expect=None), 403)
        self.assertStatus(blocked.reply(self.comm, host, hcid, "here too", expect=None), 403)
        self.assertEqual(self.thread_snapshot(self.comm, pid), before)
        # others they may still answer, and the blocker may answer them
        blocked.reply(self.comm, host, ocid, "talking to someone else")
        blocked.comment(self.comm, host, "a comment of my own")
        bcid = blocked.comment(self.comm, host, "answer me")
        blocker.reply(self.comm, host, bcid, "the blocker may still reply")
        # unblocking lifts it
        self.block(blocker, bked, on=False)
        blocked.reply(self.comm, pid, cid, "now I may")

    # -- where blocking shows --------------------------------------------------

    def test_profile_has_block_button(self):
        (bker, blocker), (bked, _) = self.pair()
        page = blocker.page("/u/" + bked).text
        self.assertIn("/block", form_actions(page))
        own = blocker.page("/u/" + bker).text
        self.assertNotIn("/block", form_actions(own), "no block button on one's own profile")
        anon = Browser(self.server).page("/u/" + bked).text
        self.assertNotIn("/block", form_actions(anon))
        self.block(blocker, bked)
        page = blocker.page("/u/" + bked).text
        self.assertIn("/unblock", form_actions(page))
        self.assertNotIn("/block", form_actions(page))

    def test_settings_lists_blocked_users(self):
        (_, blocker), (bked, _) = self.pair()
        page = blocker.page("/settings").text
        self.assertNotIn("/u/" + bked, hrefs(page))
        self.block(blocker, bked)
        page = blocker.page("/settings").text
        self.assertIn("/u/" + bked, hrefs(page))
        self.assertIn("/unblock", form_actions(page))
        doc = blocker.get_json("/settings/export")
        self.assertIn(bked, doc.get("blocks", []))
        self.block(blocker, bked, on=False)
        self.assertNotIn("/u/" + bked, hrefs(blocker.page("/settings").text))


if __name__ == "__main__":
    unittest.main()
