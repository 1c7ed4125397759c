# SPDX-License-Identifier: AGPL-3.0-or-later
"""Site pages and the footer that links to them from every HTML page."""

import re
import unittest

from harness import FOOTER_PAGES, RFC3339_UTC, Browser, ParleyTestCase, link_paths, uniq, visible_text


class PagesTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        name = uniq("padm")
        cls.server.add_user(name, "correct-horse-1", admin=True)
        cls.user = Browser(cls.server)
        cls.user.login(name, "correct-horse-1")
        cls.comm = uniq("Pages")
        cls.user.create_community(cls.comm)
        cls.pid = cls.user.submit_text(cls.comm, "Footer post", "text")
        cls.cid = cls.user.comment(cls.comm, cls.pid, "footer comment")

    def assertFooter(self, resp):
        paths = set(link_paths(resp.text))
        missing = ["/" + p for p in FOOTER_PAGES if "/" + p not in paths]
        self.assertEqual(missing, [], "%s %s: footer lacks links to %s"
                         % (resp.method, resp.path, missing))

    def test_site_pages_exist(self):
        for slug in FOOTER_PAGES:
            with self.subTest(page=slug):
                r = Browser(self.server).get("/" + slug)
                self.assertStatus(r, 200)
                self.assertEqual(r.content_type, "text/html")
                self.assertRegex(r.header("Content-Type", ""), r"(?i)charset=utf-8")
                self.assertRegex(r.text, r"(?is)<title>[^<]*\S[^<]*</title>")
                self.assertGreater(len(re.sub(r"<[^>]*>", "", r.text).strip()), 50)
                self.assertFooter(r)

    def test_site_pages_json(self):
        for slug in FOOTER_PAGES:
            with self.subTest(page=slug):
                r = Browser(self.server).request_json("/" + slug)
                self.assertStatus(r, 200)
                self.assertEqual(r.content_type, "application/json")
                d = r.json()
                page_keys = {"slug", "title", "body", "html", "updated"}
                if slug == "canary":    # and the signed statement (test_trust.py)
                    self.assertEqual(set(d), page_keys | {
                        "text", "date", "signature", "public_key", "fingerprint", "stale",
                        "max_age"})
                else:
                    self.assertEqual(set(d), page_keys)
                self.assertEqual(d["slug"], slug)
                html = Browser(self.server).page("/" + slug).text
                self.assertIn("<title>%s" % d["title"], html)
                self.assertGreater(len(d["body"]), 50)
                self.assertIn(d["html"], html, "the JSON's html is what the page shows")
                self.assertRegex(d["updated"], RFC3339_UTC)

    def test_footer_on_every_page(self):
        c, p, cid = self.comm, self.pid, self.cid
        paths = ["/", "/?sort=new", "/communities", "/s/" + c, "/s/%s/p/%d" % (c, p),
                 "/s/%s/p/%d/c/%d" % (c, p, cid), "/u/" + self.user.name, "/submit",
                 "/create"]
        for path in paths:
            with self.subTest(path=path, who="member"):
                r = self.user.page(path)
                self.assertFooter(r)
        for path in ["/", "/login", "/register", "/communities", "/s/" + c,
                     "/s/%s/p/%d" % (c, p), "/u/" + self.user.name]:
            with self.subTest(path=path, who="visitor"):
                self.assertFooter(Browser(self.server).page(path))

    def test_footer_on_error_pages(self):
        b = Browser(self.server)
        for path in ("/s/nosuchcommunity", "/no/such/page", "/u/nosuchuser"):
            with self.subTest(path=path):
                r = b.get(path)
                self.assertStatus(r, 404)
                self.assertEqual(r.content_type, "text/html")
                self.assertFooter(r)
        b.get("/login")
        r = b.post("/login", {"username": "nobody_here", "password": "wrong-password"})
        self.assertStatus(r, 401)
        self.assertFooter(r)
        r = b.post("/vote", {"kind": "post", "id": "1", "dir": "1"}, csrf=False)
        self.assertStatus(r, 403)
        self.assertEqual(r.content_type, "text/html")
        self.assertFooter(r)

    def test_unknown_path_is_404(self):
        b = Browser(self.server)
        for path in ("/nope", "/welcome/extra", "/s", "/s/", "/u/"):
            with self.subTest(path=path):
                r = b.get(path)
                self.assertStatus(r, 404)
                self.assertEqual(r.content_type, "text/html")
                self.assertIn("There is nothing here.", visible_text(r.text))
                self.assertFooter(r)
        self.assertJSONError(b.request_json("/nope"), 404)

    def test_pages_work_without_javascript(self):
        # The comment collapse control is plain HTML (no script needed).
        r = Browser(self.server).page("/s/%s/p/%d" % (self.comm, self.pid))
        self.assertIn("[\u2013]", visible_text(r.text))

    def test_head_request(self):
        get = Browser(self.server).get("/welcome")
        r = Browser(self.server).request("HEAD", "/welcome")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.content_type, "text/html")
        self.assertEqual(r.header("Content-Length"), str(len(get.body)))


if __name__ == "__main__":
    unittest.main()
