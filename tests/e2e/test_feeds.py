# SPDX-License-Identifier: AGPL-3.0-or-later
"""Atom feeds: /feed.atom, /s/NAME/feed.atom, /u/NAME/feed.atom.

Each feed is read twice: by Debian's python3-feedparser (a real feed
reader, run with Debian's own python3 so it finds the package) and by
ElementTree against the elements RFC 4287 requires."""

import json
import subprocess
import unittest
import xml.etree.ElementTree as ET

from harness import RFC3339_UTC, Browser, ParleyTestCase, uniq

ATOM = "{http://www.w3.org/2005/Atom}"
DEBIAN_PYTHON = "/usr/bin/python3"

# Runs in Debian's python3: reads a feed on stdin, prints what feedparser saw.
FEEDPARSER = r"""
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": bool(d.bozo), "error": str(d.get("bozo_exception", "")),
    "version": d.version, "title": d.feed.get("title"),
    "entries": [{"id": e.get("id"), "title": e.get("title"), "link": e.get("link"),
                 "author": e.get("author"), "content": e.content[0].value if "content" in e else None,
                 "content_type": e.content[0].type if "content" in e else None}
                for e in d.entries]}))
"""


def feedparser(body):
    out = subprocess.run([DEBIAN_PYTHON, "-c", FEEDPARSER], input=body,
                         capture_output=True, check=True, timeout=60)
    return json.loads(out.stdout)


class FeedTest(ParleyTestCase):
    site_limits = dict(ParleyTestCase.site_limits, limit_posts_new=1000)

    @classmethod
    def setUpServer(cls):
        cls.mod = cls.login_new("fmod", admin=True)
        cls.author = cls.login_new("fauth")
        cls.comm = uniq("Feeds")
        cls.mod.create_community(cls.comm)
        cls.other = uniq("Other")
        cls.mod.create_community(cls.other)
        cls.text_id = cls.author.submit_text(
            cls.comm, "Tom & Jerry <b>not bold</b> \"quoted\"",
            "Some **strong** text & <script>alert(1)</script>")
        cls.link_id = cls.author.submit_link(cls.comm, "A link post",
                                             "https://example.org/a?b=1&c=2")
        cls.removed_id = cls.author.submit_text(cls.comm, "Removed later", "gone")
        cls.deleted_id = cls.author.submit_text(cls.comm, "Deleted later", "gone too")
        cls.elsewhere_id = cls.mod.submit_text(cls.other, "In the other community", "x")
        r = cls.mod.post("/mod", {"action": "remove", "kind": "post",
                                  "id": str(cls.removed_id), "reason": "spam"})
        assert r.status == 303, r.describe()
        r = cls.author.post("/s/%s/p/%d/delete" % (cls.comm, cls.deleted_id))
        assert r.status == 303, r.describe()

    def fetch(self, path, headers=None):
        r = Browser(self.server).get(path, headers=headers)
        self.assertStatus(r, 200)
        self.assertEqual(r.header("Content-Type"), "application/atom+xml; charset=utf-8")
        return r

    def check_rfc4287(self, body):
        """The elements RFC 4287 requires, and unique entry ids."""
        root = ET.fromstring(body)
        self.assertEqual(root.tag, ATOM + "feed")
        for name in ("id", "title", "updated"):
            self.assertEqual(len(root.findall(ATOM + name)), 1, "feed/" + name)
        self.assertRegex(root.find(ATOM + "updated").text, RFC3339_UTC)
        self.assertEqual(len(root.findall(ATOM + "link[@rel='self']")), 1)
        ids = []
        for e in root.findall(ATOM + "entry"):
            for name in ("id", "title", "updated", "published"):
                self.assertEqual(len(e.findall(ATOM + name)), 1, "entry/" + name)
            self.assertRegex(e.find(ATOM + "updated").text, RFC3339_UTC)
            self.assertEqual(len(e.findall(ATOM + "author/" + ATOM + "name")), 1)
            self.assertEqual(len(e.findall(ATOM + "link[@rel='alternate']")), 1)
            self.assertTrue(e.find(ATOM + "id").text.startswith("http://127.0.0.1:"))
            ids.append(e.find(ATOM + "id").text)
        self.assertEqual(len(ids), len(set(ids)), "entry ids are unique")
        return root

    def entry_ids(self, path):
        root = self.check_rfc4287(self.fetch(path).body)
        return [e.find(ATOM + "id").text.rsplit("/", 1)[1]
                for e in root.findall(ATOM + "entry")]

    def test_community_feed_parses(self):
        body = self.fetch("/s/%s/feed.atom" % self.comm).body
        self.check_rfc4287(body)
        d = feedparser(body)
        self.assertFalse(d["bozo"], d["error"])
        self.assertEqual(d["version"], "atom10")
        by_title = {e["title"]: e for e in d["entries"]}
        self.assertEqual(set(by_title), {"Tom & Jerry <b>not bold</b> \"quoted\"",
                                         "A link post"})
        text = by_title["Tom & Jerry <b>not bold</b> \"quoted\""]
        self.assertEqual(text["author"], self.author.name)
        self.assertEqual(text["content_type"], "text/html")
        self.assertIn("<strong>strong</strong>", text["content"])
        self.assertNotIn("<script", text["content"])
        self.assertTrue(text["link"].endswith("/s/%s/p/%d/tom_jerry_b_not_bold_b_quoted"
                                              % (self.comm, self.text_id)), text["link"])
        link = by_title["A link post"]
        self.assertIn('href="https://example.org/a?b=1&amp;c=2"', link["content"])

    def test_removed_and_deleted_posts_never_appear(self):
        for path in ("/feed.atom", "/s/%s/feed.atom" % self.comm,
                     "/u/%s/feed.atom" % self.author.name,
                     "/feed.atom?sort=hot", "/feed.atom?sort=top&t=all"):
            with self.subTest(path=path):
                body = self.fetch(path).body
                ids = self.entry_ids(path)
                self.assertNotIn(str(self.removed_id), ids)
                self.assertNotIn(str(self.deleted_id), ids)
                self.assertNotIn(b"Removed later", body)
                self.assertNotIn(b"Deleted later", body)

    def test_front_community_and_user_feeds_hold_their_posts(self):
        front = self.entry_ids("/feed.atom")
        self.assertLessEqual({str(self.text_id), str(self.link_id),
                              str(self.elsewhere_id)}, set(front))
        comm = self.entry_ids("/s/%s/feed.atom" % self.comm)
        self.assertEqual(comm, [str(self.link_id), str(self.text_id)], "newest first")
        user = self.entry_ids("/u/%s/feed.atom" % self.mod.name)
        self.assertEqual(user, [str(self.elsewhere_id)])

    def test_conditional_get(self):
        path = "/s/%s/feed.atom" % self.comm
        r = self.fetch(path)
        etag, modified = r.header("ETag"), r.header("Last-Modified")
        self.assertRegex(etag, r'^"[0-9a-f]{32}"$')
        self.assertRegex(modified, r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$")
        b = Browser(self.server)
        for headers in ({"If-None-Match": etag}, {"If-None-Match": "W/" + etag},
                        {"If-None-Match": '"other", ' + etag},
                        {"If-Modified-Since": modified}):
            with self.subTest(headers=headers):
                r304 = b.get(path, headers=headers)
                self.assertStatus(r304, 304)
                self.assertEqual(r304.body, b"")
        for headers in ({"If-None-Match": '"other"'},
                        {"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"},
                        {"If-Modified-Since": "not a date"},
                        # If-None-Match wins over If-Modified-Since
                        {"If-None-Match": '"other"', "If-Modified-Since": modified}):
            with self.subTest(headers=headers):
                self.assertStatus(b.get(path, headers=headers), 200)

    def test_served_from_the_page_cache_with_its_validators(self):
        """One kept-alive connection stays on one worker thread, whose page
        cache answers the repeat (on either database)."""
        path = "/s/%s/feed.atom?sort=hot" % self.comm
        b = Browser(self.server, keep_alive=True)
        first = b.get(path)
        self.assertStatus(first, 200)
        again = b.get(path)
        self.assertStatus(again, 200)
        self.assertEqual(again.header("X-Cache"), "hit")
        self.assertEqual(again.body, first.body)
        self.assertEqual(again.header("ETag"), first.header("ETag"))
        self.assertEqual(again.header("Last-Modified"), first.header("Last-Modified"))
        self.assertEqual(again.header("Content-Type"), "application/atom+xml; charset=utf-8")
        r304 = b.get(path, headers={"If-None-Match": first.header("ETag")})
        self.assertStatus(r304, 304)
        self.assertEqual(r304.header("X-Cache"), "hit")
        self.assertEqual(r304.body, b"")
        self.assertEqual(r304.header("ETag"), first.header("ETag"))
        self.assertStatus(b.get(path, headers={"If-None-Match": '"nope"'}), 200)

    def test_a_new_post_changes_the_validators(self):
        someone = self.new_user("fresh")
        comm = uniq("Fresh")
        someone.create_community(comm)
        path = "/s/%s/feed.atom" % comm
        empty = self.fetch(path)
        self.check_rfc4287(empty.body)
        self.assertEqual(self.entry_ids(path), [])
        self.assertStatus(Browser(self.server).get(
            path, headers={"If-None-Match": empty.header("ETag")}), 304)
        pid = someone.submit_text(comm, "First", "first post")
        # No cached feed is older than an acknowledged write.
        r = Browser(self.server).get(path, headers={"If-None-Match": empty.header("ETag")})
        self.assertStatus(r, 200)
        self.assertNotEqual(r.header("ETag"), empty.header("ETag"))
        self.assertEqual(self.entry_ids(path), [str(pid)])

    def test_pages_link_their_feeds(self):
        for page, feed in (("/", "/feed.atom"),
                           ("/s/" + self.comm, "/s/%s/feed.atom" % self.comm),
                           ("/u/" + self.author.name, "/u/%s/feed.atom" % self.author.name)):
            for who in (Browser(self.server), self.author):
                with self.subTest(page=page, signed_in=who is self.author):
                    html = who.page(page).text
                    self.assertIn('<link rel="alternate" type="application/atom+xml" '
                                  'title="Atom feed" href="%s">' % feed, html)
        self.assertNotIn("application/atom+xml", Browser(self.server).page("/communities").text)

    def test_bad_requests(self):
        b = Browser(self.server)
        for path, status in (("/feed.atom?sort=sideways", 400),
                             ("/feed.atom?sort=top&t=decade", 400),
                             ("/s/no_such_comm/feed.atom", 404),
                             ("/u/no_such_user/feed.atom", 404)):
            with self.subTest(path=path):
                self.assertStatus(b.get(path), status)
        self.assertStatus(b.post("/feed.atom", {}), 405)


if __name__ == "__main__":
    unittest.main()
