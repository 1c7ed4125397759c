# SPDX-License-Identifier: AGPL-3.0-or-later
"""Home and /all: a member's / shows their subscriptions (all when none);
/all shows every community to everyone; the header links both."""

from harness import Browser, ParleyTestCase, hrefs, uniq


class HomeTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.admin = cls.login_new("hadm", admin=True)
        cls.a, cls.b = uniq("HomeA"), uniq("HomeB")
        cls.admin.create_community(cls.a)
        cls.admin.create_community(cls.b)
        cls.pa = cls.admin.submit_text(cls.a, "in a", "x")
        cls.pb = cls.admin.submit_text(cls.b, "in b", "x")

    @staticmethod
    def ids(b, path):
        return [p["id"] for p in b.get_json(path)["posts"]]

    def test_home_shows_subscriptions_only(self):
        m = self.new_user("hm")
        self.assertStatus(m.post("/s/%s/subscribe" % self.a, {}), 303)
        for sort in ("hot", "new", "top", "active", "controversial"):
            path = "/.json?sort=%s" % sort
            got = self.ids(m, path)
            self.assertIn(self.pa, got, sort)
            self.assertNotIn(self.pb, got, sort)
            got = self.ids(m, "/all.json?sort=%s" % sort)
            self.assertIn(self.pa, got, sort)
            self.assertIn(self.pb, got, sort)
        page = m.page("/").text
        self.assertIn("Home", page)
        self.assertNotIn("in b", page)
        self.assertIn("in b", m.page("/all").text)
        self.assertStatus(m.post("/s/%s/unsubscribe" % self.a, {}), 303)
        self.assertIn(self.pb, self.ids(m, "/.json"))

    def test_no_subscriptions_and_visitors_see_everything(self):
        m = self.new_user("hn")
        for b in (m, Browser(self.server)):
            for path in ("/.json", "/all.json"):
                got = self.ids(b, path)
                self.assertIn(self.pa, got)
                self.assertIn(self.pb, got)

    def test_header_links_both(self):
        for b in (self.admin, Browser(self.server)):
            links = hrefs(b.page("/communities").text)
            self.assertIn("/", links)
            self.assertIn("/all", links)

    def test_all_pages_by_cursor(self):
        j = Browser(self.server).get_json("/all.json?sort=new")
        self.assertIn("after", j)
        self.assertStatus(Browser(self.server).get("/all?after=x"), 400)


if __name__ == "__main__":
    import unittest
    unittest.main()
