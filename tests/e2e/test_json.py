# SPDX-License-Identifier: AGPL-3.0-or-later
"""JSON API: shapes of post, listing, thread, comment, user; errors; the
two ways of asking (`.json` suffix, Accept header)."""

import unittest

from harness import RFC3339_UTC, Browser, ParleyTestCase, uniq

POST_KEYS = {"id", "community", "author", "title", "url", "body", "score", "comment_count",
             "created", "edited", "archived", "locked", "removed", "deleted"}
COMMENT_KEYS = {"id", "parent", "author", "body", "score", "depth", "created", "edited",
                "removed", "deleted"}


class JSONTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        name = uniq("jadm")
        cls.server.add_user(name, "correct-horse-1", admin=True)
        cls.author = Browser(cls.server)
        cls.author.login(name, "correct-horse-1")
        cls.comm = uniq("Json")
        cls.author.create_community(cls.comm)
        cls.pid = cls.author.submit_text(cls.comm, "JSON post", "body with **markdown**")
        cls.lid = cls.author.submit_link(cls.comm, "JSON link", "https://example.org/j")
        cls.c1 = cls.author.comment(cls.comm, cls.pid, "top *comment*")
        cls.c2 = cls.author.reply(cls.comm, cls.pid, cls.c1, "a reply")

    def check_post(self, p):
        self.assertIsInstance(p, dict)
        self.assertLessEqual(POST_KEYS, set(p), "post lacks %s" % (POST_KEYS - set(p)))
        self.assertIsInstance(p["id"], int)
        self.assertIsInstance(p["community"], str)
        self.assertIsInstance(p["author"], (str, type(None)))
        self.assertIsInstance(p["title"], str)
        self.assertIsInstance(p["url"], (str, type(None)))
        self.assertIsInstance(p["body"], (str, type(None)))
        self.assertIs(type(p["score"]), int)
        self.assertIs(type(p["comment_count"]), int)
        self.assertRegex(p["created"], RFC3339_UTC)
        if p["edited"] is not None:
            self.assertRegex(p["edited"], RFC3339_UTC)
        for flag in ("archived", "locked", "removed", "deleted"):
            self.assertIs(type(p[flag]), bool, flag)

    def check_comment(self, c):
        self.assertIsInstance(c, dict)
        self.assertLessEqual(COMMENT_KEYS, set(c), "comment lacks %s" % (COMMENT_KEYS - set(c)))
        self.assertIs(type(c["id"]), int)
        self.assertIsInstance(c["parent"], (int, type(None)))
        self.assertIsInstance(c["body"], (str, type(None)))
        self.assertIs(type(c["score"]), int)
        self.assertIs(type(c["depth"]), int)
        self.assertRegex(c["created"], RFC3339_UTC)
        if c["edited"] is not None:
            self.assertRegex(c["edited"], RFC3339_UTC)
        for flag in ("removed", "deleted"):
            self.assertIs(type(c[flag]), bool, flag)

    def check_listing(self, doc):
        self.assertIsInstance(doc, dict)
        self.assertLessEqual({"posts", "after"}, set(doc))
        self.assertIsInstance(doc["posts"], list)
        self.assertIsInstance(doc["after"], (str, type(None)))
        for p in doc["posts"]:
            self.check_post(p)

    def test_listing_shapes(self):
        b = Browser(self.server)
        for path in ("/", "/s/" + self.comm, "/?sort=new", "/s/%s?sort=top&t=all" % self.comm):
            with self.subTest(path=path):
                doc = b.get_json(path)
                self.check_listing(doc)
                self.assertIn(self.pid, [p["id"] for p in doc["posts"]])
                self.assertIsNone(doc["after"])

    def test_thread_shape(self):
        t = Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, self.pid))
        self.assertLessEqual({"post", "comments"}, set(t))
        self.check_post(t["post"])
        p = t["post"]
        self.assertEqual(p["id"], self.pid)
        self.assertEqual(p["community"], self.comm)
        self.assertEqual(p["author"], self.author.name)
        self.assertEqual(p["body"], "body with **markdown**", "body is the markdown source")
        self.assertEqual(p["comment_count"], 2)
        self.assertEqual([c["id"] for c in t["comments"]], [self.c1, self.c2])
        for c in t["comments"]:
            self.check_comment(c)
        c1, c2 = t["comments"]
        self.assertIsNone(c1["parent"])
        self.assertEqual(c2["parent"], self.c1)
        self.assertEqual(c1["body"], "top *comment*")
        self.assertEqual(c1["author"], self.author.name)
        self.assertEqual(c1["html"], "<p>top <em>comment</em></p>\n")

    def test_link_post_shape(self):
        t = Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, self.lid))
        self.check_post(t["post"])
        self.assertEqual(t["post"]["url"], "https://example.org/j")
        self.assertEqual(t["comments"], [])

    def test_user_shape(self):
        u = Browser(self.server).get_json("/u/" + self.author.name)
        self.assertLessEqual({"name", "created", "points", "posts", "comments"}, set(u))
        self.assertEqual(u["name"], self.author.name)
        self.assertRegex(u["created"], RFC3339_UTC)
        self.assertIs(type(u["points"]), int)
        for p in u["posts"]:
            self.check_post(p)
        for c in u["comments"]:
            self.check_comment(c)
        # newest first
        self.assertEqual([p["id"] for p in u["posts"] if p["id"] in (self.lid, self.pid)],
                         [self.lid, self.pid])
        self.assertEqual([c["id"] for c in u["comments"] if c["id"] in (self.c1, self.c2)],
                         [self.c2, self.c1])
        self.assertNotIn("password", str(sorted(u)).lower())
        self.assertNotIn("argon2", Browser(self.server).request_json(
            "/u/" + self.author.name).text)

    def test_user_name_case_insensitive(self):
        b = Browser(self.server)
        u = b.get_json("/u/" + self.author.name.upper())
        self.assertEqual(u["name"], self.author.name)

    def test_accept_header_equals_suffix(self):
        b = Browser(self.server)
        for path in ("/", "/s/" + self.comm, "/s/%s/p/%d" % (self.comm, self.pid),
                     "/u/" + self.author.name):
            with self.subTest(path=path):
                via_accept = b.request("GET", path, headers={"Accept": "application/json"})
                self.assertStatus(via_accept, 200)
                self.assertEqual(via_accept.content_type, "application/json")
                suffix = b.request("GET", "/.json" if path == "/" else path + ".json",
                                   headers={"Accept": "*/*"})
                self.assertStatus(suffix, 200)
                self.assertEqual(suffix.content_type, "application/json")
                self.assertEqual(via_accept.json(), suffix.json())
                html = b.request("GET", path, headers={"Accept": "text/html"})
                self.assertEqual(html.content_type, "text/html")

    def test_json_errors(self):
        b = Browser(self.server)
        for path in ("/s/nosuchcomm", "/u/nosuchuser", "/s/%s/p/999999" % self.comm,
                     "/s/%s/p/%d/c/999999" % (self.comm, self.pid)):
            with self.subTest(path=path):
                self.assertJSONError(b.request_json(path), 404)
                r = b.request("GET", path, headers={"Accept": "application/json"})
                self.assertJSONError(r, 404)
        b.get("/login")
        r = b.post("/login", {"username": "x", "password": "y"}, csrf=False,
                   headers={"Accept": "application/json"})
        self.assertJSONError(r, 403)

    def test_strings_round_trip(self):
        title = 'Quotes " and \\ backslash, \u00fcn\u00efc\u00f6d\u00e9 \U0001F600 </script>'
        body_ok = "line one\nline two\r\n\u2028 sep & <b>amp</b> /slash"
        pid = self.author.submit_text(self.comm, title, body_ok)
        p = Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))["post"]
        self.assertEqual(p["title"], title)
        # line endings may be normalised to \n
        self.assertEqual(p["body"].replace("\r\n", "\n"), body_ok.replace("\r\n", "\n"))


if __name__ == "__main__":
    unittest.main()
