# SPDX-License-Identifier: AGPL-3.0-or-later
"""Accounts: register, login, logout, sessions, csrf, admin add-user."""

import re
import unittest

from harness import (Browser, ParleyTestCase, find_csrf, signed_in_as, signed_out,
                     uniq)

PW = "correct-horse-1"


class AccountsTest(ParleyTestCase):

    def user_exists(self, name):
        r = Browser(self.server).request_json("/u/%s" % name)
        self.assertIn(r.status, (200, 404), r.describe())
        return r.status == 200

    # -- register ------------------------------------------------------------

    def test_visitor_gets_csrf_and_cookie(self):
        for path in ("/register", "/login"):
            b = Browser(self.server)
            r = b.get(path)
            self.assertStatus(r, 200)
            self.assertIsNotNone(find_csrf(r.text), "no csrf field on " + path)
            self.assertTrue(r.header_all("Set-Cookie"),
                            "a signed-out visitor must get a session cookie on " + path)
            self.assertRegex(r.text, r"""(?i)<input\b[^>]*name\s*=\s*["']?username""")
            self.assertRegex(r.text, r"""(?i)<input\b[^>]*name\s*=\s*["']?password""")

    def test_register_redirects_home_and_signs_in(self):
        b = Browser(self.server)
        name = uniq("reg")
        b.get("/register")
        r = b.post("/register", {"username": name, "password": PW})
        self.assertLocation(r, "/")
        home = b.get("/")
        self.assertStatus(home, 200)
        self.assertTrue(signed_in_as(home.text, name),
                        "after register, / should show %s signed in with a logout form" % name)
        self.assertTrue(self.user_exists(name))
        u = b.get_json("/u/%s" % name)
        self.assertEqual(u["name"], name)

    def test_register_with_email(self):
        b = Browser(self.server)
        name = uniq("mail")
        b.get("/register")
        r = b.post("/register", {"username": name, "password": PW,
                                 "email": "someone@example.org"})
        self.assertLocation(r, "/")
        self.assertTrue(self.user_exists(name))

    def test_register_without_csrf_is_refused(self):
        b = Browser(self.server)
        b.get("/register")
        name = uniq("nocsrf")
        r = b.post("/register", {"username": name, "password": PW}, csrf=False)
        self.assertStatus(r, 403)
        r = b.post("/register", {"username": name, "password": PW}, csrf="not-the-token")
        self.assertStatus(r, 403)
        # A token from another visitor's session is not ours either.
        other = Browser(self.server)
        other.get("/register")
        r = b.post("/register", {"username": name, "password": PW}, csrf=other.csrf)
        self.assertStatus(r, 403)
        self.assertFalse(self.user_exists(name), "a refused register created the user")
        # and the name is still free
        b.get("/register")
        self.assertLocation(b.post("/register", {"username": name, "password": PW}), "/")

    def test_register_bad_usernames(self):
        bad = ["ab", "x" * 25, "has space", "bang!", "dot.ted", "sl/ash", "\u00fcml",
               "", "   ", "<script>"]
        b = Browser(self.server)
        b.get("/register")
        for name in bad:
            with self.subTest(name=name):
                r = b.post("/register", {"username": name, "password": PW})
                self.assertStatus(r, 400)
        self.assertTrue(signed_out(b.get("/").text), "a refused register signed someone in")
        # none of the URL-safe ones exists
        for name in ("ab", "x" * 25):
            self.assertFalse(self.user_exists(name))

    def test_register_boundary_usernames(self):
        # 3 and 24 characters, using every allowed punctuation character.
        for name in ("a-b", ("Z_-" + uniq("b") + "y" * 24)[:24]):
            with self.subTest(name=name):
                self.assertIn(len(name), (3, 24))
                b = Browser(self.server)
                b.get("/register")
                r = b.post("/register", {"username": name, "password": PW})
                self.assertLocation(r, "/")
                self.assertTrue(self.user_exists(name))

    def test_short_password(self):
        b = Browser(self.server)
        b.get("/register")
        name = uniq("pw")
        r = b.post("/register", {"username": name, "password": "1234567"})
        self.assertStatus(r, 400)
        self.assertFalse(self.user_exists(name))
        r = b.post("/register", {"username": name, "password": "12345678"})
        self.assertLocation(r, "/")
        self.assertTrue(self.user_exists(name))

    def test_username_taken(self):
        name = uniq("Taken")
        a = Browser(self.server)
        a.register(name, PW)
        for variant in (name, name.lower(), name.upper()):
            with self.subTest(variant=variant):
                b = Browser(self.server)
                b.get("/register")
                r = b.post("/register", {"username": variant, "password": "another-pass-9"})
                self.assertStatus(r, 409)
        # the original password still works, the other one does not
        c = Browser(self.server)
        c.get("/login")
        self.assertStatus(c.post("/login", {"username": name, "password": "another-pass-9"}), 401)
        c.login(name, PW)

    # -- login / logout -------------------------------------------------------

    def test_login_and_logout(self):
        name = uniq("li")
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.get("/login")
        r = b.post("/login", {"username": name, "password": PW})
        self.assertLocation(r, "/")
        home = b.get("/")
        self.assertTrue(signed_in_as(home.text, name), "not signed in after login")
        r = b.post("/logout", {})
        self.assertLocation(r, "/")
        home = b.get("/")
        self.assertStatus(home, 200)
        self.assertTrue(signed_out(home.text), "still signed in after logout")

    def test_login_is_case_insensitive_on_name(self):
        name = uniq("CaseUser")
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.get("/login")
        r = b.post("/login", {"username": name.lower(), "password": PW})
        self.assertLocation(r, "/")

    def test_wrong_login_same_answer_for_unknown_user(self):
        name = uniq("wl")
        self.server.add_user(name, PW)
        ghost = uniq("gh")
        b = Browser(self.server)
        b.get("/login")
        r1 = b.post("/login", {"username": name, "password": "wrong-password"})
        r2 = b.post("/login", {"username": ghost, "password": "wrong-password"})
        self.assertStatus(r1, 401)
        self.assertStatus(r2, 401)
        self.assertTrue(signed_out(b.get("/").text))

        def norm(resp, who):
            t = resp.text
            for tok in set(re.findall(r"""name\s*=\s*["']?csrf["']?[^>]*value\s*=\s*["']?([^"'\s>]+)""", t)
                           + re.findall(r"""value\s*=\s*["']?([^"'\s>]+)["']?[^>]*name\s*=\s*["']?csrf""", t)):
                t = t.replace(tok, "TOKEN")
            return t.replace(who, "NAME")
        self.assertEqual(norm(r1, name), norm(r2, ghost),
                         "wrong password and unknown user must give the same page")
        # and the same JSON error
        j1 = b.post("/login", {"username": name, "password": "wrong-password"},
                    headers={"Accept": "application/json"})
        j2 = b.post("/login", {"username": ghost, "password": "wrong-password"},
                    headers={"Accept": "application/json"})
        d1 = self.assertJSONError(j1, 401)
        d2 = self.assertJSONError(j2, 401)
        self.assertEqual(d1, d2)

    def test_login_without_csrf_is_refused(self):
        name = uniq("lc")
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.get("/login")
        r = b.post("/login", {"username": name, "password": PW}, csrf=False)
        self.assertStatus(r, 403)
        self.assertTrue(signed_out(b.get("/").text), "signed in despite missing csrf")
        r = b.post("/login", {"username": name, "password": PW}, csrf="bogus")
        self.assertStatus(r, 403)
        self.assertTrue(signed_out(b.get("/").text), "signed in despite wrong csrf")

    def test_session_cookie_flags(self):
        name = uniq("ck")
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.get("/login")
        r = b.post("/login", {"username": name, "password": PW})
        self.assertLocation(r, "/")
        cookies = r.header_all("Set-Cookie")
        self.assertTrue(cookies, "login must set a (new) session cookie")
        for c in cookies:
            attrs = [a.strip().lower() for a in c.split(";")[1:]]
            self.assertIn("httponly", attrs, "cookie not HttpOnly: " + c)
            self.assertIn("samesite=lax", attrs, "cookie not SameSite=Lax: " + c)

    def test_csrf_changes_at_login_and_is_shared_by_forms(self):
        name = uniq("tk")
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.get("/login")
        before = b.csrf
        self.assertIsNotNone(before)
        b.login(name, PW)
        after_pages = []
        for path in ("/", "/submit", "/create"):
            r = b.get(path)
            self.assertStatus(r, 200)
            tok = find_csrf(r.text)
            self.assertIsNotNone(tok, "no csrf field on " + path)
            after_pages.append(tok)
        self.assertEqual(len(set(after_pages)), 1, "one token per session: %r" % after_pages)
        self.assertNotEqual(after_pages[0], before, "token must change when the user logs in")
        # The pre-login token no longer works for the new session.
        r = b.post("/create", {"name": uniq("old"), "title": "t", "description": "d"},
                   csrf=before)
        self.assertStatus(r, 403)

    def test_session_fixation_cookie_changes_at_login(self):
        name = uniq("fx")
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.get("/login")
        pre = dict(b.cookies)
        b.login(name, PW)
        self.assertNotEqual(pre, b.cookies, "session cookie must change at login")
        # The visitor cookie from before login is not signed in.
        v = Browser(self.server)
        v.cookies = pre
        self.assertTrue(signed_out(v.get("/").text), "pre-login cookie became signed in")

    def test_logout_ends_session_for_old_cookie(self):
        name = uniq("lo")
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.login(name, PW)
        old_cookies = dict(b.cookies)
        old_csrf = b.csrf
        self.assertLocation(b.logout(), "/")
        thief = Browser(self.server)
        thief.cookies = dict(old_cookies)
        page = thief.get("/")
        self.assertStatus(page, 200)
        self.assertTrue(signed_out(page.text), "old session cookie still signed in")
        r = thief.post("/create", {"name": uniq("th"), "title": "t", "description": "d"},
                       csrf=old_csrf)
        self.assertStatus(r, 403)

    def test_logout_without_csrf_is_refused(self):
        name = uniq("lx")
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.login(name, PW)
        self.assertStatus(b.post("/logout", {}, csrf=False), 403)
        self.assertTrue(signed_in_as(b.get("/").text, name), "logout without csrf signed out")

    def test_pages_needing_login_redirect(self):
        b = Browser(self.server)
        for path in ("/submit", "/create"):
            r = b.get(path)
            self.assertStatus(r, 303, path)
            self.assertTrue(r.header("Location", "").split("?")[0].endswith("/login"),
                            "%s should redirect to /login: %s" % (path, r.header("Location")))

    def test_signed_in_pages_show_user(self):
        b = self.new_user("sh")
        for path in ("/", "/communities", "/welcome"):
            r = b.get(path)
            self.assertStatus(r, 200)
            self.assertTrue(signed_in_as(r.text, b.name), path)
        v = Browser(self.server)
        for path in ("/", "/communities", "/welcome"):
            self.assertTrue(signed_out(v.get(path).text),
                            "signed-out page %s should link to /login" % path)

    def test_admin_add_user_cli(self):
        name = uniq("cli")
        r = self.server.add_user(name, "cli-password-1")
        self.assertEqual(r.returncode, 0)
        b = Browser(self.server)
        b.login(name, "cli-password-1")
        self.assertTrue(signed_in_as(b.get("/").text, name))
        c = Browser(self.server)
        c.get("/login")
        self.assertStatus(c.post("/login", {"username": name, "password": "cli-password-2"}), 401)
        adm = uniq("cla")
        self.server.add_user(adm, "cli-password-1", admin=True)
        Browser(self.server).login(adm, "cli-password-1")

    def test_admin_add_user_cli_rejects_duplicate_and_bad_name(self):
        name = uniq("dup")
        self.server.add_user(name, PW)
        r = self.server.cli("admin", "add-user", name, "--db", self.server.db_url,
                            stdin_text=PW + "\n")
        self.assertNotEqual(r.returncode, 0, "adding an existing user must fail")
        r = self.server.cli("admin", "add-user", "no way", "--db", self.server.db_url,
                            stdin_text=PW + "\n")
        self.assertNotEqual(r.returncode, 0, "adding an invalid name must fail")
        self.assertIn(r.returncode, range(1, 126), "CLI crashed: %r" % r.returncode)


if __name__ == "__main__":
    unittest.main()
