# SPDX-License-Identifier: AGPL-3.0-or-later
"""Communities: create, show, list, validation."""

import unittest

from harness import Browser, ParleyTestCase, find_csrf, link_paths, uniq


class CommunitiesTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.owner = Browser(cls.server)
        cls.owner.register(uniq("own"), "correct-horse-1")

    def community_exists(self, name):
        r = Browser(self.server).get("/s/%s" % name)
        self.assertIn(r.status, (200, 404, 400), r.describe())
        return r.status == 200

    def test_create_form_has_fields(self):
        r = self.owner.get("/create")
        self.assertStatus(r, 200)
        self.assertIsNotNone(find_csrf(r.text))
        for field in ("name", "title", "description"):
            self.assertRegex(r.text, r"""(?i)<(input|textarea)\b[^>]*name\s*=\s*["']?%s\b""" % field)

    def test_create_and_show(self):
        name = uniq("Comm")
        r = self.owner.create_community(name, title="Gardening Things",
                                        description="All about *gardens* here.")
        self.assertLocation(r, "/s/" + name)
        page = self.owner.get("/s/" + name)
        self.assertStatus(page, 200)
        self.assertIn("Gardening Things", page.text)
        self.assertIn("<em>gardens</em>", page.text, "description is markdown")
        self.assertIn(self.owner.name, page.text, "creator shown as moderator")
        doc = self.owner.get_json("/s/" + name)
        self.assertEqual(doc["posts"], [])
        self.assertIsNone(doc["after"])

    def test_listed_on_communities_page(self):
        name = uniq("Listed")
        self.owner.create_community(name)
        r = Browser(self.server).get("/communities")
        self.assertStatus(r, 200)
        self.assertIn("/s/" + name, link_paths(r.text))

    def test_community_page_json_by_accept_header(self):
        name = uniq("Acc")
        self.owner.create_community(name)
        r = Browser(self.server).request("GET", "/s/" + name,
                                         headers={"Accept": "application/json"})
        self.assertStatus(r, 200)
        self.assertEqual(r.content_type, "application/json")
        self.assertEqual(r.json()["posts"], [])

    def test_unknown_community(self):
        b = Browser(self.server)
        self.assertStatus(b.get("/s/nosuchcommunity"), 404)
        self.assertJSONError(b.request_json("/s/nosuchcommunity"), 404)

    def test_bad_names(self):
        bad = ["ab", "x" * 25, "has-dash", "has space", "d.t", "\u00e9t\u00e9", "", "a/b"]
        before = Browser(self.server).get("/communities").text.count("/s/")
        for name in bad:
            with self.subTest(name=name):
                r = self.owner.post("/create", {"name": name, "title": "T", "description": "d"})
                self.assertStatus(r, 400)
        for name in ("ab", "x" * 25, "has-dash"):
            self.assertFalse(self.community_exists(name), name)
        after = Browser(self.server).get("/communities").text.count("/s/")
        self.assertEqual(before, after, "a refused create changed /communities")

    def test_boundary_names(self):
        for name in ("a_b", ("Z_" + uniq("c") + "9" * 24)[:24]):
            with self.subTest(name=name):
                self.assertLocation(self.owner.create_community(name), "/s/" + name)
                self.assertTrue(self.community_exists(name))

    def test_duplicate_name(self):
        name = uniq("Dup")
        self.owner.create_community(name, title="First title")
        r = self.owner.post("/create", {"name": name, "title": "Second title",
                                        "description": "x"})
        self.assertStatus(r, 409)
        page = Browser(self.server).get("/s/" + name)
        self.assertIn("First title", page.text)
        self.assertNotIn("Second title", page.text)

    def test_create_needs_login(self):
        v = Browser(self.server)
        r = v.get("/create")
        self.assertStatus(r, 303)
        v.get("/login")
        name = uniq("Anon")
        r = v.post("/create", {"name": name, "title": "T", "description": "d"})
        self.assertStatus(r, 403)
        self.assertFalse(self.community_exists(name))

    def test_create_needs_csrf(self):
        name = uniq("Csrf")
        r = self.owner.post("/create", {"name": name, "title": "T", "description": "d"},
                            csrf=False)
        self.assertStatus(r, 403)
        r = self.owner.post("/create", {"name": name, "title": "T", "description": "d"},
                            csrf="x" * 40)
        self.assertStatus(r, 403)
        self.assertFalse(self.community_exists(name))

    def test_description_html_is_escaped(self):
        name = uniq("Xss")
        self.owner.create_community(name, title="<b>bold title</b>",
                                    description='<script>alert("d")</script> [x](javascript:alert(1))')
        page = Browser(self.server).get("/s/" + name).text
        self.assertNotIn('<script>alert("d")', page)
        self.assertNotIn("<b>bold title</b>", page)
        self.assertIn("&lt;b&gt;bold title&lt;/b&gt;", page)
        self.assertNotRegex(page, r"""(?i)href\s*=\s*["']?\s*javascript:""")

    def test_community_listing_has_only_its_posts(self):
        c1, c2 = uniq("One"), uniq("Two")
        self.owner.create_community(c1)
        self.owner.create_community(c2)
        p1 = self.owner.submit_text(c1, "in one", "body one")
        p2 = self.owner.submit_text(c2, "in two", "body two")
        ids1 = [p["id"] for p in self.owner.get_json("/s/" + c1)["posts"]]
        ids2 = [p["id"] for p in self.owner.get_json("/s/" + c2)["posts"]]
        self.assertEqual(ids1, [p1])
        self.assertEqual(ids2, [p2])
        front = [p["id"] for p in self.owner.get_json("/?sort=new")["posts"]]
        self.assertIn(p1, front)
        self.assertIn(p2, front)


if __name__ == "__main__":
    unittest.main()
