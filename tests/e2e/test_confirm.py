# SPDX-License-Identifier: AGPL-3.0-or-later
"""Confirmation before destructive actions, without JavaScript (issue 16):
the author's delete is a link to a page that asks (GET .../delete), and a
ban form wants its "I mean it" box ticked (required, so the browser
itself refuses to send it). /parley.js asks with data-confirm instead."""

import re

from harness import ParleyTestCase, form_actions, hrefs, uniq


class ConfirmTest(ParleyTestCase):

    site_limits = dict(ParleyTestCase.site_limits, limit_posts_new=1000,
                       limit_comments_new=1000)

    @classmethod
    def setUpServer(cls):
        cls.admin = cls.login_new("cfadm", admin=True)
        cls.comm = uniq("Cf")
        cls.admin.create_community(cls.comm)
        cls.author = cls.login_new("cfauth")
        cls.other = cls.login_new("cfother")

    def thread_with_comment(self, body="A comment to delete."):
        post = self.author.submit_text(self.comm, uniq("Post to delete"), "post body")
        cid = self.author.comment(self.comm, post, body)
        return post, cid

    def comment_json(self, post, cid):
        j = self.author.get_json("/s/%s/p/%d.json" % (self.comm, post))
        return next(c for c in j["comments"] if c["id"] == cid)

    def test_thread_links_delete_to_the_page_that_asks(self):
        post, cid = self.thread_with_comment()
        base = "/s/%s/p/%d" % (self.comm, post)
        page = self.author.page(base).text
        self.assertIn("%s/c/%d/delete" % (base, cid), hrefs(page))
        self.assertIn(base + "/delete", hrefs(page))
        self.assertNotIn("%s/c/%d/delete" % (base, cid), form_actions(page),
                         "no one-click delete form")
        self.assertNotIn(base + "/delete", form_actions(page))
        self.assertIn('data-confirm="Delete this comment?"', page)
        self.assertIn('data-confirm="Delete this post?"', page)
        # others are offered no delete at all
        self.assertNotIn("%s/c/%d/delete" % (base, cid), hrefs(self.other.page(base).text))

    def test_comment_delete_page_asks_then_the_form_deletes(self):
        post, cid = self.thread_with_comment("Gone <soon> & for good.")
        path = "/s/%s/p/%d/c/%d/delete" % (self.comm, post, cid)
        page = self.author.page(path).text
        self.assertIn("<h1>Delete this comment?</h1>", page)
        self.assertIn("Gone &lt;soon&gt; &amp; for good.", page)
        self.assertEqual(form_actions(page).count(path), 1)
        self.assertIn("/s/%s/p/%d/c/%d" % (self.comm, post, cid), hrefs(page), "cancel")
        self.assertFalse(self.comment_json(post, cid)["deleted"], "asking deletes nothing")
        r = self.author.post(path, {})
        self.assertStatus(r, 303)
        self.assertTrue(self.comment_json(post, cid)["deleted"])
        # asked again once it is gone: refused
        self.assertStatus(self.author.get(path), 403)

    def test_post_delete_page_asks(self):
        post, _ = self.thread_with_comment()
        path = "/s/%s/p/%d/delete" % (self.comm, post)
        page = self.author.page(path).text
        self.assertIn("<h1>Delete this post?</h1>", page)
        self.assertEqual(form_actions(page).count(path), 1)
        j = self.author.get_json("/s/%s/p/%d.json" % (self.comm, post))
        self.assertFalse(j["post"]["deleted"])

    def test_only_the_author_is_asked(self):
        post, cid = self.thread_with_comment()
        base = "/s/%s/p/%d" % (self.comm, post)
        self.assertStatus(self.other.get("%s/c/%d/delete" % (base, cid)), 403)
        self.assertStatus(self.other.get(base + "/delete"), 403)
        r = self.browser().get(base + "/delete")
        self.assertStatus(r, 303)
        self.assertTrue(r.header("Location").endswith("/login"))
        self.assertStatus(self.author.get("%s/c/%d/delete" % (base, cid + 1000)), 404)
        self.assertStatus(self.author.get("/s/%s/p/%d/delete" % (self.comm, post + 1000)), 404)
        self.assertFalse(self.comment_json(post, cid)["deleted"])

    def test_ban_forms_want_the_box_ticked(self):
        page = self.admin.page("/s/%s/mod/edit" % self.comm).text
        ban = re.search(r'<form[^>]*data-confirm="Ban this user from the community\?"'
                        r'.*?</form>', page, re.S)
        self.assertIsNotNone(ban)
        self.assertIn('name="sure" value="1" required', ban.group(0))
        self.assertIn('value="ban"', ban.group(0))
        self.assertNotIn('value="unban"', ban.group(0), "lifting a ban asks nothing")
        self.assertIn('value="unban"', page)
        page = self.admin.page("/admin").text
        site = re.search(r'<form[^>]*data-confirm="Ban this user from the site\?"'
                         r'.*?</form>', page, re.S)
        self.assertIsNotNone(site)
        self.assertIn('name="sure" value="1" required', site.group(0))
