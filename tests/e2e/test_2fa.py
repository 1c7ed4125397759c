# SPDX-License-Identifier: AGPL-3.0-or-later
"""Two-factor sign-in: enrolment at /settings/2fa, confirmation with a
code and ten recovery codes, the code step of /login (no session in
between, replays refused, failures counted), turning it off with a code,
and require_2fa_for_mods."""

import base64
import hashlib
import hmac
import re
import struct
import time
import unittest

from harness import Browser, ParleyTestCase, uniq

PW = "correct-horse-1"


def totp(secret_b32, offset=0, at=None):
    """RFC 6238: HMAC-SHA-1, 6 digits, 30 s; offset in steps."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((at if at is not None else time.time()) // 30) + offset
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    o = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000
    return "%06d" % code


class TotpVectors(unittest.TestCase):
    def test_rfc6238_sha1(self):
        secret = base64.b32encode(b"12345678901234567890").decode().rstrip("=")
        self.assertEqual(totp(secret, at=59), "287082")
        self.assertEqual(totp(secret, at=1111111109), "081804")


class TwoFactorTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.admin_name = uniq("tfadm")
        cls.server.add_user(cls.admin_name, PW, admin=True)
        cls.admin = Browser(cls.server)
        cls.admin.login(cls.admin_name, PW)
        cls.comm = uniq("Tfa")
        cls.admin.create_community(cls.comm)

    def member(self):
        name = uniq("tf")
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.login(name, PW)
        b.name = name
        return b

    def enrol(self, b):
        """Turns 2FA on; returns (secret, recovery codes). The confirming
        code is this step's, so a login may use the next one."""
        doc = b.get_json("/settings/2fa")
        self.assertFalse(doc["enabled"])
        r = b.post("/settings/2fa", {"code": totp(doc["secret"])},
                   headers={"Accept": "application/json"})
        self.assertStatus(r, 200)
        codes = r.json()["recovery_codes"]
        return doc["secret"], codes

    def start_login(self, name, password=PW):
        """POST /login with the password only: the page asking for the code;
        returns (browser, challenge)."""
        b = Browser(self.server)
        r = b.post("/login", {"username": name, "password": password})
        self.assertStatus(r, 200)
        self.assertRegex(r.text, r"""name=["']?code""")
        self.assertNotIn("parley_session", b.cookies, "no session before the code")
        m = re.search(r'name="challenge"[^>]*value="([^"]+)"', r.text) or \
            re.search(r'value="([^"]+)"[^>]*name="challenge"', r.text)
        self.assertIsNotNone(m, "the code page carries a challenge")
        self.assertNotIn(password, r.text, "the password is not sent back")
        return b, m.group(1)

    def finish_login(self, b, name, challenge, code):
        return b.post("/login", {"username": name, "challenge": challenge, "code": code})

    def signed_in(self, b, name):
        r = b.get("/settings")
        return r.status == 200 and name in r.text

    # -- enrolment -------------------------------------------------------------

    def test_enrol_page_and_pending_secret(self):
        b = self.member()
        r = b.page("/settings")
        self.assertIn("/settings/2fa", r.text)
        d1 = b.get_json("/settings/2fa")
        d2 = b.get_json("/settings/2fa")
        self.assertEqual(d1["secret"], d2["secret"], "the same pending secret until confirmed")
        self.assertRegex(d1["secret"], r"^[A-Z2-7]{32}$")
        self.assertTrue(d1["otpauth"].startswith("otpauth://totp/"))
        self.assertIn("secret=" + d1["secret"], d1["otpauth"])
        r = b.page("/settings/2fa")
        self.assertIn("<svg", r.text)
        self.assertIn(d1["secret"], r.text)
        # A wrong code confirms nothing.
        wrong = "000000" if totp(d1["secret"]) != "000000" else "111111"
        r = b.post("/settings/2fa", {"code": wrong}, headers={"Accept": "application/json"})
        self.assertJSONError(r, 400)
        self.assertFalse(b.get_json("/settings/2fa")["enabled"])

    def test_confirm_gives_ten_recovery_codes(self):
        b = self.member()
        _, codes = self.enrol(b)
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        doc = b.get_json("/settings/2fa")
        self.assertTrue(doc["enabled"])
        self.assertNotIn("secret", doc)

    # -- login -------------------------------------------------------------------

    def test_login_asks_for_the_code(self):
        b = self.member()
        secret, _ = self.enrol(b)
        c, ch = self.start_login(b.name)
        self.assertFalse(self.signed_in(c, b.name))
        r = self.finish_login(c, b.name, ch, "123456" if totp(secret, 1) != "123456" else "654321")
        self.assertStatus(r, 401)
        self.assertNotIn("parley_session", c.cookies)
        code = totp(secret, 1)
        r = self.finish_login(c, b.name, ch, code)
        self.assertStatus(r, 303)
        self.assertTrue(self.signed_in(c, b.name))
        # The same code again: refused.
        d, ch2 = self.start_login(b.name)
        r = self.finish_login(d, b.name, ch2, code)
        self.assertStatus(r, 401)
        self.assertFalse(self.signed_in(d, b.name))

    def test_wrong_password_never_reaches_the_code(self):
        b = self.member()
        self.enrol(b)
        c = Browser(self.server)
        r = c.post("/login", {"username": b.name, "password": "wrong-password"})
        self.assertStatus(r, 401)
        self.assertNotIn("challenge", r.text)
        r = c.post("/login", {"username": b.name, "challenge": "9999999999.00", "code": "123456"})
        self.assertStatus(r, 401)
        self.assertNotIn("parley_session", c.cookies)

    def test_recovery_codes_work_once(self):
        b = self.member()
        _, codes = self.enrol(b)
        c, ch = self.start_login(b.name)
        self.assertStatus(self.finish_login(c, b.name, ch, codes[0].upper()), 303)
        d, ch = self.start_login(b.name)
        self.assertStatus(self.finish_login(d, b.name, ch, codes[0]), 401)
        # Password and code in one request works too.
        e = Browser(self.server)
        r = e.post("/login", {"username": b.name, "password": PW, "code": codes[1]})
        self.assertStatus(r, 303)

    def test_failed_codes_count_in_login_limits(self):
        b = self.member()
        secret, _ = self.enrol(b)
        c, ch = self.start_login(b.name)
        statuses = [self.finish_login(c, b.name, ch, "000000" if totp(secret, 1) != "000000"
                                      else "111111").status for _ in range(12)]
        self.assertIn(429, statuses, statuses)
        r = self.finish_login(c, b.name, ch, totp(secret, 1))
        self.assertStatus(r, 429)

    def test_disable_needs_a_code(self):
        b = self.member()
        _, codes = self.enrol(b)
        r = b.post("/settings/2fa/disable", {"code": ""}, headers={"Accept": "application/json"})
        self.assertJSONError(r, 400)
        self.assertTrue(b.get_json("/settings/2fa")["enabled"])
        r = b.post("/settings/2fa/disable", {"code": codes[3]})
        self.assertStatus(r, 303)
        self.assertFalse(b.get_json("/settings/2fa")["enabled"])
        c = Browser(self.server)
        c.login(b.name, PW)

    def test_not_by_token(self):
        b = self.member()
        r = b.post("/settings/tokens", {"name": "t", "scopes": "read write"},
                   headers={"Accept": "application/json"})
        token = r.json()["token"]
        c = Browser(self.server)
        r = c.request("GET", "/settings/2fa.json", headers={
            "Accept": "application/json", "Authorization": "Bearer " + token})
        self.assertJSONError(r, 403)

    def test_require_2fa_for_mods(self):
        name = uniq("tfmod")
        self.server.add_user(name, PW, admin=True)
        a = Browser(self.server)
        a.login(name, PW)
        a.name = name
        pid = a.submit_text(self.comm, "to lock", "x")
        self.server.set_limit("require_2fa_for_mods", 1)
        try:
            r = a.post("/mod", {"action": "lock", "kind": "post", "id": str(pid)})
            self.assertLocation(r, "/settings/2fa")
            r = a.post("/mod", {"action": "lock", "kind": "post", "id": str(pid)},
                       headers={"Accept": "application/json"})
            self.assertEqual(self.assertJSONError(r, 403)["error"], "2fa_required")
            self.assertFalse(a.get_json("/s/%s/p/%d" % (self.comm, pid))["post"]["locked"])
            self.enrol(a)
            r = a.post("/mod", {"action": "lock", "kind": "post", "id": str(pid)})
            self.assertStatus(r, 303)
            self.assertTrue(a.get_json("/s/%s/p/%d" % (self.comm, pid))["post"]["locked"])
            # Plain members are not asked.
            m = self.member()
            pid2 = m.submit_text(self.comm, "plain", "x")
            self.assertStatus(m.vote("post", pid2, 1, expect=None), 303)
        finally:
            self.server.set_limit("require_2fa_for_mods", 0)


class SessionsTest(ParleyTestCase):
    """/settings/sessions: list, end one, end all others (SPEC "Accounts")."""

    def test_list_and_end(self):
        name = uniq("ss")
        self.server.add_user(name, PW)
        a, b, c = Browser(self.server), Browser(self.server), Browser(self.server)
        for br, ua in ((a, "browser-a/1"), (b, "browser-b/2"), (c, "browser-c/3")):
            r = br.post("/login", {"username": name, "password": PW},
                        headers={"User-Agent": ua})
            self.assertStatus(r, 303)
        lst = a.get_json("/settings/sessions")["sessions"]
        self.assertEqual(len(lst), 3)
        self.assertEqual(sum(1 for s in lst if s["current"]), 1)
        self.assertEqual({s["browser"] for s in lst}, {"browser-a/1", "browser-b/2", "browser-c/3"})
        for s in lst:
            self.assertEqual(s["address"], "127.0.0.1")
            self.assertRegex(s["id"], r"^[0-9a-f]{16}$")
            self.assertIsNotNone(s["created"])
        r = a.page("/settings/sessions")
        self.assertIn("browser-b/2", r.text)
        self.assertIn("/settings/sessions/end", r.text)
        # End b's session from a.
        bid = [s["id"] for s in lst if s["browser"] == "browser-b/2"][0]
        r = a.post("/settings/sessions/end", {"id": bid})
        self.assertLocation(r, "/settings/sessions")
        self.assertEqual(b.get("/settings").status, 303, "b is signed out")
        self.assertEqual(c.get("/settings").status, 200)
        # Another member cannot end a's sessions.
        other = Browser(self.server)
        oname = uniq("ss")
        self.server.add_user(oname, PW)
        other.login(oname, PW)
        aid = [s["id"] for s in lst if s["current"]][0]
        r = other.post("/settings/sessions/end", {"id": aid},
                       headers={"Accept": "application/json"})
        self.assertJSONError(r, 404)
        # All others.
        r = a.post("/settings/sessions/end", {"all": "1"})
        self.assertLocation(r, "/settings/sessions")
        self.assertEqual(c.get("/settings").status, 303)
        self.assertEqual(a.get("/settings").status, 200)
        self.assertEqual(len(a.get_json("/settings/sessions")["sessions"]), 1)


class RegistrationModesTest(ParleyTestCase):
    """registration = invite (PARLEY_REGISTRATION), closed and open; invite
    codes from /admin/invites (SPEC "Accounts")."""

    server_env = {"PARLEY_REGISTRATION": "invite"}

    @classmethod
    def setUpServer(cls):
        name = uniq("regadm")
        cls.server.add_user(name, PW, admin=True)
        cls.admin = Browser(cls.server)
        cls.admin.login(name, PW)

    def register(self, invite=None):
        b = Browser(self.server)
        b.get("/register")
        fields = {"username": uniq("rg"), "password": PW}
        if invite is not None:
            fields["invite"] = invite
        return b.post("/register", fields)

    def make_code(self, uses=1, expires=""):
        r = self.admin.post("/admin/invites", {"uses": str(uses), "expires": expires},
                            headers={"Accept": "application/json"})
        self.assertStatus(r, 200)
        return r.json()["code"]

    def test_invite_mode(self):
        self.assertStatus(self.register(), 403)
        self.assertStatus(self.register("0" * 32), 403)
        code = self.make_code(uses=2, expires="7d")
        self.assertRegex(code, r"^[0-9a-f]{32}$")
        self.assertStatus(self.register(code), 303)
        self.assertStatus(self.register(code), 303)
        self.assertStatus(self.register(code), 403, "used up")
        self.assertIn("/admin/invites", self.admin.page("/admin/invites").text)

    def test_only_admins_make_codes(self):
        name = uniq("rgm")
        self.server.add_user(name, PW)
        m = Browser(self.server)
        m.login(name, PW)
        r = m.post("/admin/invites", {"uses": "1"}, headers={"Accept": "application/json"})
        self.assertJSONError(r, 403)
        self.assertJSONError(m.post("/admin/registration", {"registration": "open"},
                                    headers={"Accept": "application/json"}), 403)

    def test_closed_then_open(self):
        code = self.make_code()
        try:
            r = self.admin.post("/admin/registration", {"registration": "closed"})
            self.assertStatus(r, 303)
            self.assertStatus(self.register(code), 403)
            r = self.admin.post("/admin/registration", {"registration": "open"})
            self.assertStatus(r, 303)
            self.assertStatus(self.register(), 303)
        finally:
            self.admin.post("/admin/registration", {"registration": "invite"})
        self.assertStatus(self.register(code), 303, "the code was not used while closed")


if __name__ == "__main__":
    unittest.main()
