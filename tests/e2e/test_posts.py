# SPDX-License-Identifier: AGPL-3.0-or-later
"""Posts: submit text and link posts, show, validate, edit, delete."""

import re
import unittest
import urllib.parse

from harness import (RFC3339_UTC, Browser, ParleyTestCase, find_csrf, has_score, hrefs,
                     tag_attrs, uniq, visible_text)


class PostsTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        # An admin does the bulk posting (admins are exempt from rate limits).
        cls.author = Browser(cls.server)
        name = uniq("auth")
        cls.server.add_user(name, "correct-horse-1", admin=True)
        cls.author.login(name, "correct-horse-1")
        cls.other = Browser(cls.server)
        cls.other.register(uniq("oth"), "correct-horse-1")
        cls.comm = uniq("Posts")
        cls.author.create_community(cls.comm)

    def post_json(self, pid):
        return Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))["post"]

    # -- submit ----------------------------------------------------------------

    def test_submit_form(self):
        r = self.author.get("/submit")
        self.assertStatus(r, 200)
        self.assertIsNotNone(find_csrf(r.text))
        for field in ("community", "title", "url", "body"):
            self.assertRegex(r.text, r"""(?i)<(input|textarea|select)\b[^>]*name\s*=\s*["']?%s\b"""
                             % field)

    def test_submit_text_post(self):
        r = self.author.post("/submit", {"community": self.comm, "title": "Hello there world",
                                         "body": "Some **bold** text, unique-marker-41."})
        self.assertStatus(r, 303)
        loc = urllib.parse.urlsplit(r.header("Location")).path
        m = re.match(r"^/s/%s/p/(\d+)(/[^/?#]*)?$" % self.comm, loc)
        self.assertTrue(m, "Location %r is not /s/%s/p/ID[/slug]" % (loc, self.comm))
        pid = int(m.group(1))
        page = self.author.get(loc)
        self.assertStatus(page, 200)
        self.assertIn("Hello there world", page.text)
        self.assertIn("<strong>bold</strong>", page.text)
        self.assertIn("unique-marker-41", page.text)
        self.assertTrue(has_score(page.text, 1), "new post should show `1 pt`")
        self.assertFalse(has_score(page.text, 2))
        p = self.post_json(pid)
        self.assertEqual(p["id"], pid)
        self.assertEqual(p["community"], self.comm)
        self.assertEqual(p["author"], self.author.name)
        self.assertEqual(p["title"], "Hello there world")
        self.assertEqual(p["body"], "Some **bold** text, unique-marker-41.")
        self.assertIsNone(p["url"])
        self.assertEqual(p["score"], 1)
        self.assertEqual(p["comment_count"], 0)
        self.assertRegex(p["created"], RFC3339_UTC)
        self.assertIsNone(p["edited"])
        for flag in ("archived", "locked", "removed", "deleted"):
            self.assertIs(p[flag], False, flag)

    def test_post_page_without_and_with_slug(self):
        pid = self.author.submit_text(self.comm, "Slug test title", "b")
        self.author.page("/s/%s/p/%d" % (self.comm, pid))
        # Any slug shows the post: the id decides, the slug is decoration.
        for path in ("/s/%s/p/%d" % (self.comm, pid),
                     "/s/%s/p/%d/slug_test_title" % (self.comm, pid),
                     "/s/%s/p/%d/some-other-slug" % (self.comm, pid)):
            with self.subTest(path=path):
                r = self.author.get(path)
                self.assertStatus(r, 200)
                self.assertIn("Slug test title", visible_text(r.text))

    def test_submit_link_post(self):
        url = "https://example.org/some/page?x=1&y=2"
        pid = self.author.submit_link(self.comm, "A link post", url)
        p = self.post_json(pid)
        self.assertEqual(p["url"], url)
        self.assertIn(p["body"], (None, ""))
        page = self.author.page("/s/%s/p/%d" % (self.comm, pid)).text
        links = [m for m in re.findall(r"<a\b[^>]*>", page, re.I) if url in tag_attrs(m).get("href", "")]
        self.assertTrue(links, "the post page links to the URL")
        rel = tag_attrs(links[0]).get("rel", "").split()
        for word in ("nofollow", "ugc"):
            self.assertIn(word, rel, "link rel: %r" % links[0])
        self.assertIn(url, hrefs(page))

    def test_http_link_allowed(self):
        pid = self.author.submit_link(self.comm, "plain http", "http://example.com/")
        self.assertEqual(self.post_json(pid)["url"], "http://example.com/")

    def test_new_post_in_listings(self):
        pid = self.author.submit_text(self.comm, "Listed post title", "x")
        ids = [p["id"] for p in Browser(self.server).get_json("/s/%s?sort=new" % self.comm)["posts"]]
        self.assertEqual(ids[0], pid)
        page = Browser(self.server).get("/s/%s?sort=new" % self.comm)
        self.assertIn("Listed post title", page.text)
        front = Browser(self.server).get_json("/?sort=new")["posts"]
        self.assertEqual(front[0]["id"], pid)

    def test_title_limits(self):
        ok300 = self.author.submit_text(self.comm, "t" * 300, "")
        self.assertEqual(self.post_json(ok300)["title"], "t" * 300)
        # limits count characters, not bytes
        wide = "\u00e9" * 300
        okwide = self.author.submit_text(self.comm, wide, "")
        self.assertEqual(self.post_json(okwide)["title"], wide)
        before = self.listing_snapshot(self.comm)
        for title in ("", "t" * 301, "\u00e9" * 301):
            with self.subTest(title_len=len(title)):
                r = self.author.submit_text(self.comm, title, "body", expect=None)
                self.assertStatus(r, 400)
        self.assertEqual(before, self.listing_snapshot(self.comm))

    def test_body_limits(self):
        pid = self.author.submit_text(self.comm, "long body ok", "b" * 40000)
        self.assertEqual(len(self.post_json(pid)["body"]), 40000)
        before = self.listing_snapshot(self.comm)
        r = self.author.submit_text(self.comm, "long body bad", "b" * 40001, expect=None)
        self.assertStatus(r, 400)
        r = self.author.submit_text(self.comm, "huge body", "b" * 70000, expect=None)
        self.assertStatus(r, 413)
        self.assertEqual(before, self.listing_snapshot(self.comm))

    def test_bad_url_schemes(self):
        before = self.listing_snapshot(self.comm)
        for url in ("javascript:alert(1)", "ftp://example.org/x", "data:text/html,hi",
                    "example.org/no-scheme", "http://", "JAVASCRIPT:alert(1)",
                    "file:///etc/passwd"):
            with self.subTest(url=url):
                r = self.author.submit_link(self.comm, "bad link", url, expect=None)
                self.assertStatus(r, 400)
        self.assertEqual(before, self.listing_snapshot(self.comm))

    def test_submit_to_unknown_community(self):
        r = self.author.submit_text("nosuchcommunityx", "title", "b", expect=None)
        self.assertStatus(r, 404)

    def test_submit_needs_login_and_csrf(self):
        before = self.listing_snapshot(self.comm)
        v = Browser(self.server)
        self.assertStatus(v.get("/submit"), 303)
        v.get("/login")
        r = v.post("/submit", {"community": self.comm, "title": "anon", "body": "x"})
        self.assertStatus(r, 403)
        r = self.author.post("/submit", {"community": self.comm, "title": "nocsrf", "body": "x"},
                             csrf=False)
        self.assertStatus(r, 403)
        r = self.author.post("/submit", {"community": self.comm, "title": "badcsrf", "body": "x"},
                             csrf="0" * 43)
        self.assertStatus(r, 403)
        self.assertEqual(before, self.listing_snapshot(self.comm))

    def test_html_is_escaped(self):
        pid = self.author.submit_text(
            self.comm, '<img src=x onerror="alert(1)"> title',
            '<script>alert("body")</script>\n\n[click](javascript:alert(2))\n\n'
            '<a href="http://example.com/raw">raw</a>')
        page = self.author.page("/s/%s/p/%d" % (self.comm, pid)).text
        self.assertNotIn('<script>alert("body")', page)
        self.assertNotIn('<img src=x onerror', page)
        self.assertIn("&lt;img src=x onerror", page)
        self.assertNotRegex(page, r"""(?i)href\s*=\s*["']?\s*javascript:""")
        self.assertNotIn('<a href="http://example.com/raw">', page)
        # the JSON keeps the source as written
        p = self.post_json(pid)
        self.assertEqual(p["title"], '<img src=x onerror="alert(1)"> title')

    # -- edit / delete -----------------------------------------------------------

    def test_edit_own_post(self):
        pid = self.author.submit_text(self.comm, "Editable", "original text zz-orig")
        r = self.author.post("/s/%s/p/%d/edit" % (self.comm, pid),
                             {"title": "Editable", "body": "changed text zz-new"})
        self.assertStatus(r, 303)
        loc = urllib.parse.urlsplit(r.header("Location")).path
        self.assertTrue(loc.startswith("/s/%s/p/%d" % (self.comm, pid)), loc)
        page = self.author.page("/s/%s/p/%d" % (self.comm, pid)).text
        self.assertIn("zz-new", page)
        self.assertNotIn("zz-orig", page)
        p = self.post_json(pid)
        self.assertEqual(p["body"], "changed text zz-new")
        self.assertRegex(p["edited"] or "", RFC3339_UTC)
        self.assertEqual(p["score"], 1)

    def test_edit_validation(self):
        pid = self.author.submit_text(self.comm, "EditVal", "keep me")
        before = self.thread_snapshot(self.comm, pid)
        r = self.author.post("/s/%s/p/%d/edit" % (self.comm, pid),
                             {"title": "EditVal", "body": "b" * 40001})
        self.assertStatus(r, 400)
        r = self.author.post("/s/%s/p/%d/edit" % (self.comm, pid),
                             {"title": "EditVal", "body": "x"}, csrf=False)
        self.assertStatus(r, 403)
        self.assertEqual(before, self.thread_snapshot(self.comm, pid))

    def test_edit_someone_elses_post(self):
        pid = self.author.submit_text(self.comm, "Not yours", "author text qq-1")
        before = self.thread_snapshot(self.comm, pid)
        r = self.other.post("/s/%s/p/%d/edit" % (self.comm, pid),
                            {"title": "Not yours", "body": "hijacked"})
        self.assertStatus(r, 403)
        r = self.other.post("/s/%s/p/%d/delete" % (self.comm, pid), {})
        self.assertStatus(r, 403)
        v = Browser(self.server)
        v.get("/login")
        self.assertStatus(v.post("/s/%s/p/%d/delete" % (self.comm, pid), {}), 403)
        self.assertEqual(before, self.thread_snapshot(self.comm, pid))

    def test_edit_delete_unknown_post(self):
        self.assertStatus(self.author.post("/s/%s/p/999999/edit" % self.comm,
                                           {"title": "x", "body": "y"}), 404)
        self.assertStatus(self.author.post("/s/%s/p/999999/delete" % self.comm, {}), 404)

    def test_delete_own_post(self):
        pid = self.author.submit_text(self.comm, "Doomed post", "secret body text kk-77")
        cid = self.other.comment(self.comm, pid, "a reply that stays rr-88")
        r = self.author.post("/s/%s/p/%d/delete" % (self.comm, pid), {})
        self.assertStatus(r, 303)
        loc = urllib.parse.urlsplit(r.header("Location")).path
        self.assertTrue(loc.startswith("/s/%s/p/%d" % (self.comm, pid)), loc)
        page = Browser(self.server).page("/s/%s/p/%d" % (self.comm, pid)).text
        self.assertIn("[deleted]", page)
        self.assertNotIn("kk-77", page)
        self.assertIn("rr-88", page, "comments stay visible under a deleted post")
        t = Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))
        self.assertIs(t["post"]["deleted"], True)
        self.assertIn(t["post"]["body"], (None, "[deleted]"))
        self.assertNotIn("kk-77", Browser(self.server).request_json(
            "/s/%s/p/%d" % (self.comm, pid)).text)
        self.assertIn(cid, [c["id"] for c in t["comments"]])
        # not in the community listing text either
        self.assertNotIn("kk-77", Browser(self.server).get("/s/" + self.comm).text)

    def test_deleted_title_shows_the_placeholder_everywhere(self):
        # the store keeps the title; every view decides what stands for it
        pid = self.author.submit_text(self.comm, "Vanishing title qx-41", "b")
        commenter = Browser(self.server)
        cname = uniq("dtc")
        commenter.register(cname, "correct-horse-1")
        cid = commenter.comment(self.comm, pid, "still here qx-42")
        self.assertStatus(self.author.post("/s/%s/p/%d/delete" % (self.comm, pid), {}), 303)
        path = "/s/%s/p/%d" % (self.comm, pid)
        for b in (Browser(self.server), commenter, self.author):
            t = b.get_json(path)
            self.assertEqual(t["post"]["title"], "[deleted]")
            self.assertEqual(t["post"]["author"], "[deleted]")
            page = b.page(path).text
            self.assertNotIn("qx-41", page)
            self.assertIn("<title>[deleted]", page)
            prof = b.page("/u/%s" % cname).text
            self.assertIn("still here qx-42", prof)
            self.assertNotIn("qx-41", prof)
            self.assertRegex(prof, r"on <a href=\"/s/%s/p/%d/c/%d\">\[deleted\]</a>"
                             % (self.comm, pid, cid))
            self.assertNotIn("qx-41", b.get("/feed.atom").text)
            self.assertNotIn("qx-41", b.get("/s/%s/feed.atom" % self.comm).text)
        self.assertEqual(Browser(self.server).get_json(
            "/search.json?q=Vanishing")["results"], [])
        self.assertIn("still here qx-42", Browser(self.server).get_json(
            "/search.json?q=still")["results"][0]["comment"]["body"])

    def test_profile_comment_titles_follow_the_post(self):
        # "on <post title>" of a profile's comment: the NSFW label for those
        # without show_nsfw, [removed] once a moderator removes the post
        r = self.author.post("/submit", {"community": self.comm, "title":
                                         "Spicy title qx-51", "body": "b", "nsfw": "1"})
        self.assertStatus(r, 303)
        nsfw = int(re.search(r"/p/(\d+)", r.header("Location")).group(1))
        gone = self.author.submit_text(self.comm, "Removed title qx-52", "b")
        commenter = Browser(self.server)
        cname = uniq("ptc")
        commenter.register(cname, "correct-horse-1")
        commenter.comment(self.comm, nsfw, "on the spicy one")
        commenter.comment(self.comm, gone, "on the removed one")
        self.assertStatus(self.author.post("/mod", {"action": "remove", "kind": "post",
                                                     "id": str(gone), "reason": "r"}), 303)
        for b in (Browser(self.server), commenter):
            prof = b.page("/u/%s" % cname).text
            self.assertNotIn("qx-51", prof)
            self.assertNotIn("qx-52", prof)
            self.assertIn(">[NSFW]</a>", prof)
            self.assertIn(">[removed]</a>", prof)
        self.assertStatus(commenter.post("/settings/nsfw", {"show_nsfw": "1"}), 303)
        self.assertIn(">Spicy title qx-51</a>", commenter.page("/u/%s" % cname).text)


if __name__ == "__main__":
    unittest.main()
