# SPDX-License-Identifier: AGPL-3.0-or-later
"""Site administration from the browser, and the site's abuse limits:
posts per hour, registrations per address, login throttling."""

import unittest

from harness import (Browser, ParleyTestCase, form_actions, uniq, visible_text)

PW = "correct-horse-1"

LIMIT_KEYS = ("limit_posts", "limit_posts_new", "limit_comments", "limit_comments_new",
              "limit_votes", "limit_votes_new", "limit_registrations", "limit_logins")


def modlog_actions(b):
    return b.get_json("/modlog")["actions"]


class AdminTest(ParleyTestCase):

    # the ordinary user posts more than a new account's 3 an hour
    site_limits = dict(ParleyTestCase.site_limits, limit_posts_new=1000)

    @classmethod
    def setUpServer(cls):
        cls.admin_name = uniq("aadm")
        cls.server.add_user(cls.admin_name, PW, admin=True)
        cls.admin = Browser(cls.server)
        cls.admin.login(cls.admin_name, PW)
        name = uniq("auser")
        cls.server.add_user(name, PW)
        cls.user = Browser(cls.server)
        cls.user.login(name, PW)
        cls.comm = uniq("Adm")
        cls.admin.create_community(cls.comm)

    def welcome(self):
        return Browser(self.server).get_json("/welcome")

    # -- who may ------------------------------------------------------------

    def test_non_admins_are_refused_everywhere(self):
        before_page = self.welcome()
        posts = [
            ("/admin/page", {"slug": "welcome", "title": "Hijacked", "body": "pwned"}),
            ("/admin/settings", {"limit_posts": "0"}),
            ("/admin/filters", {"filters": "everything"}),
        ]
        mod = Browser(self.server)
        name = uniq("amod")
        self.server.add_user(name, PW)
        mod.login(name, PW)
        self.server.cli("admin", "appoint", self.comm, name, "--db", self.server.db_url)
        # (the appointment is a line of its own, by parley admin)
        before_log = len(modlog_actions(Browser(self.server)))
        for who, b in (("user", self.user), ("moderator", mod)):
            with self.subTest(who=who):
                self.assertStatus(b.get("/admin"), 403)
                for path, fields in posts:
                    r = b.post(path, fields)
                    self.assertStatus(r, 403, "%s POST %s" % (who, path))
                    j = b.request_json(path, "POST", "csrf=" + b.csrf)
                    self.assertJSONError(j, 403)
        anon = Browser(self.server)
        self.assertLocation(anon.get("/admin"), "/login")
        anon.get("/login")
        for path, fields in posts:
            self.assertStatus(anon.post(path, fields), 403, "signed out POST " + path)
        self.assertEqual(self.welcome(), before_page)
        self.assertEqual(len(modlog_actions(Browser(self.server))), before_log)
        # the user can still post (limit_posts was not set to 0)
        self.user.submit_text(self.comm, "Still allowed", "")
        # the filter list was not set
        pid = self.user.submit_text(self.comm, "everything is fine", "")
        ids = [p["id"] for p in Browser(self.server).get_json("/s/%s?sort=new" % self.comm)["posts"]]
        self.assertIn(pid, ids)

    def test_admin_page_has_every_form(self):
        r = self.admin.page("/admin")
        acts = form_actions(r.text)
        for path in ("/admin/page", "/admin/settings", "/admin/filters", "/mod"):
            self.assertIn(path, acts)
        for key in LIMIT_KEYS:
            self.assertRegex(r.text, r"""name=["']?%s["'\s>]""" % key)
        self.assertRegex(r.text, r"""name=["']?action["']?\s+value=["']?ban""")
        for slug in ("welcome", "guide", "tos", "privacy", "canary", "donate", "bugs",
                     "license"):
            self.assertRegex(r.text, r"""name=["']?slug["']?\s+value=["']?%s""" % slug)
        self.assertRegex(r.text, r"""name=["']?limit_posts["']?[^>]*value=["']?10["']""",
                         "the default post limit (10) shows")

    def test_site_ban_form_posts_to_mod(self):
        """The ban form of /admin, filled in as a browser would."""
        name = uniq("aban")
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.login(name, PW)
        r = self.admin.post("/mod", {"action": "ban", "user": name, "community": "",
                                     "reason": "spam everywhere", "duration": ""})
        self.assertIn(r.status, (200, 303), r.describe())
        r = b.submit_text(self.comm, "Banned post", "", expect=None)
        self.assertStatus(r, 403)
        self.assertIn("spam everywhere", visible_text(r.text))
        r = self.admin.post("/mod", {"action": "unban", "user": name, "community": "",
                                     "reason": ""})
        self.assertIn(r.status, (200, 303), r.describe())
        b.submit_text(self.comm, "Allowed again", "")

    # -- site pages ------------------------------------------------------------

    def test_admin_edits_a_page(self):
        r = self.admin.post("/admin/page", {"slug": "canary", "title": "Canary of today",
                                            "body": "All **quiet** here.\n\n<script>x</script>"})
        self.assertLocation(r, "/canary")
        page = Browser(self.server).page("/canary").text
        self.assertIn("Canary of today", page)
        self.assertIn("<strong>quiet</strong>", page)
        self.assertNotIn("<script>x", page, "raw HTML never passes")
        self.assertIn(self.admin_name, visible_text(page), "the page names its last editor")
        doc = Browser(self.server).get_json("/canary")
        self.assertEqual(doc["title"], "Canary of today")
        self.assertTrue(doc["body"].startswith("All **quiet** here."))
        log = modlog_actions(Browser(self.server))
        self.assertTrue(any(a["action"] == "edit page" and a.get("moderator") == self.admin_name
                            for a in log), log[:3])
        # the footer still links it
        self.assertIn("/canary", Browser(self.server).page("/").text)

    def test_admin_page_refusals(self):
        before = self.welcome()
        self.assertStatus(self.admin.post("/admin/page", {"slug": "nope", "title": "T",
                                                          "body": "b"}), 404)
        self.assertStatus(self.admin.post("/admin/page", {"slug": "../welcome", "title": "T",
                                                          "body": "b"}), 404)
        self.assertStatus(self.admin.post("/admin/page", {"slug": "welcome", "title": "",
                                                          "body": "b"}), 400)
        self.assertStatus(self.admin.post("/admin/page", {"slug": "welcome",
                                                          "title": "x" * 301, "body": "b"}), 400)
        self.assert4xx(self.admin.post("/admin/page", {"slug": "welcome", "title": "Big",
                                                       "body": "x" * (64 * 1024 + 1)}))
        self.assertStatus(self.admin.post("/admin/page", {"slug": "welcome", "title": "T",
                                                          "body": "b"}, csrf=False), 403)
        self.assertEqual(self.welcome(), before)

    # -- settings ----------------------------------------------------------------

    def test_settings_refuse_bad_values(self):
        r0 = self.admin.page("/admin").text
        for bad in ("-1", "abc", "100001", "1.5", "", " "):
            with self.subTest(value=bad):
                r = self.admin.post("/admin/settings", {"limit_votes": bad})
                self.assertStatus(r, 400)
        self.assertStatus(self.admin.post("/admin/settings", {"secret": "1"}), 400)
        self.assertStatus(self.admin.post("/admin/settings", {"limit_votes": "7",
                                                             "limit_posts": "x"}), 400)
        self.assertEqual(self.admin.page("/admin").text.count('value="300"'),
                         r0.count('value="300"'), "nothing was changed")

    def test_settings_are_saved_and_logged(self):
        r = self.admin.post("/admin/settings", {"limit_comments": "61"})
        self.assertStatus(r, 303)
        self.assertRegex(self.admin.page("/admin").text,
                         r"""name=["']?limit_comments["']?[^>]*value=["']?61["']""")
        log = modlog_actions(Browser(self.server))
        self.assertEqual(log[0]["action"], "settings")
        self.assertIn("limit_comments=61", log[0].get("reason") or "")

    # -- filters -----------------------------------------------------------------

    def test_filter_list_holds_matching_posts(self):
        word = uniq("spamword")
        r = self.admin.post("/admin/filters",
                            {"filters": "  %s  \r\n\r\nexample.net/bad\r\n" % word})
        self.assertStatus(r, 303)
        self.assertIn(word, self.admin.page("/admin").text)
        held = self.user.submit_text(self.comm, "Buy %s now" % word.upper(), "")
        held_link = self.user.submit_link(self.comm, "A link", "https://example.net/bad/x")
        fine = self.user.submit_text(self.comm, "An ordinary post", "")
        ids = [p["id"] for p in Browser(self.server).get_json("/s/%s?sort=new" % self.comm)["posts"]]
        self.assertIn(fine, ids)
        self.assertNotIn(held, ids, "a post matching the filter list is held")
        self.assertNotIn(held_link, ids)
        front = [p["id"] for p in Browser(self.server).get_json("/?sort=new")["posts"]]
        self.assertNotIn(held, front)
        log = modlog_actions(Browser(self.server))
        self.assertTrue(any(a["action"] == "filters" for a in log))
        self.assertFalse(any(word in (a.get("reason") or "") for a in log),
                         "the mod log does not publish the filter list")
        self.assertStatus(self.admin.post("/admin/filters", {"filters": "x" * 10001}), 400)
        self.assertIn(word, self.admin.page("/admin").text, "a refused list changes nothing")
        self.assertStatus(self.admin.post("/admin/filters", {"filters": ""}), 303)
        again = self.user.submit_text(self.comm, "Buy %s again" % word, "")
        ids = [p["id"] for p in Browser(self.server).get_json("/s/%s?sort=new" % self.comm)["posts"]]
        self.assertIn(again, ids, "an emptied filter list holds nothing")


class PostLimitTest(ParleyTestCase):
    """limit_posts_new=1, set from /admin: a new account's second post is 429."""

    @classmethod
    def setUpServer(cls):
        name = uniq("ladm")
        cls.server.add_user(name, PW, admin=True)
        cls.admin = Browser(cls.server)
        cls.admin.login(name, PW)
        cls.comm = uniq("Lim")
        cls.admin.create_community(cls.comm)
        r = cls.admin.post("/admin/settings", {"limit_posts_new": "1"})
        assert r.status == 303, r.describe()

    def test_new_account_gets_429_on_second_post(self):
        b = self.registered_user("lnew")
        b.submit_text(self.comm, "First post", "")
        before = self.listing_snapshot(self.comm)
        r = b.submit_text(self.comm, "Second post", "", expect=None)
        self.assertStatus(r, 429)
        retry = r.header("Retry-After")
        self.assertIsNotNone(retry, "429 carries Retry-After")
        self.assertTrue(retry.isdigit() and int(retry) > 0, retry)
        self.assertEqual(self.listing_snapshot(self.comm), before)
        j = b.request_json("/submit", "POST", "community=%s&title=T&body=&csrf=%s"
                           % (self.comm, b.csrf))
        self.assertJSONError(j, 429)
        # comments have their own limit
        pid = self.listing_snapshot(self.comm)[0]["id"]
        b.comment(self.comm, pid, "comments are still fine")

    def test_admins_are_exempt(self):
        for i in range(3):
            self.admin.submit_text(self.comm, "Admin post %d" % i, "")


class RegistrationLimitTest(ParleyTestCase):
    """The default: 5 registrations an hour from one address."""

    site_limits = {}

    def test_sixth_registration_is_429_whatever_the_name(self):
        names = []
        for i in range(5):
            b = Browser(self.server)
            name = uniq("reg")
            b.register(name, PW)
            names.append(name)
        answers = []
        for name in (names[0], uniq("fresh")):
            b = Browser(self.server)
            b.get("/register")
            r = b.post("/register", {"username": name, "password": PW})
            self.assertStatus(r, 429, "registration %s" % name)
            retry = r.header("Retry-After")
            self.assertTrue(retry and retry.isdigit() and int(retry) > 0, retry)
            j = b.request_json("/register", "POST", "username=%s&password=%s&csrf=%s"
                               % (name, PW, b.csrf))
            doc = self.assertJSONError(j, 429)
            answers.append((visible_text(r.text), doc))
        self.assertEqual(answers[0], answers[1],
                         "the refusal does not tell whether the name exists")
        self.assertEqual(Browser(self.server).request_json("/u/%s" % names[0]).status, 200)
        # logging in is not registering
        Browser(self.server).login(names[1], PW)


class LoginLimitTest(ParleyTestCase):
    """Failed logins in 15 minutes: 10 per name, limit_logins per address."""

    site_limits = {"limit_registrations": 100000, "limit_logins": 25}

    def attempt(self, name, password, json_too=True):
        b = Browser(self.server)
        b.get("/login")
        r = b.post("/login", {"username": name, "password": password})
        if not json_too:
            return r, None
        j = b.request_json("/login", "POST", "username=%s&password=%s&csrf=%s"
                           % (name, password, b.csrf))
        return r, j

    def test_throttling_does_not_tell_whether_a_name_exists(self):
        admin = uniq("ladmin")          # admins are not exempt
        self.server.add_user(admin, PW, admin=True)
        ghost = uniq("ghost")
        for name in (admin, ghost):
            for i in range(5):          # two failures each: HTML and JSON
                r, j = self.attempt(name if i % 2 else name.upper(), "wrong-pass-%d" % i)
                self.assertStatus(r, 401)
                self.assertStatus(j, 401)
        answers = []
        for name in (admin, ghost):
            # the right password does not help while the name is throttled
            r, j = self.attempt(name, PW)
            self.assertStatus(r, 429, name)
            retry = r.header("Retry-After")
            self.assertTrue(retry and retry.isdigit() and int(retry) > 0, retry)
            doc = self.assertJSONError(j, 429)
            answers.append((visible_text(r.text), doc, retry))
        self.assertEqual(answers[0], answers[1])
        self.assertFalse(any("parley_session=" in c and "Max-Age=0" not in c
                             for c in r.header_all("Set-Cookie")), "a 429 signs nobody in")

        # 20 failures from this address so far, under its limit of 25
        other = uniq("lother")
        self.server.add_user(other, PW)
        self.assertStatus(self.attempt(other, PW, json_too=False)[0], 303)
        for i in range(5):
            r, _ = self.attempt(uniq("ghost"), "wrong-pass", json_too=False)
            self.assertStatus(r, 401)
        r, j = self.attempt(other, PW)
        self.assertStatus(r, 429, "the address is over its limit")
        self.assertEqual(visible_text(r.text), answers[0][0])
        self.assertEqual(self.assertJSONError(j, 429), answers[0][1])


if __name__ == "__main__":
    unittest.main()
