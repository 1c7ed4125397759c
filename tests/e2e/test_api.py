# SPDX-License-Identifier: AGPL-3.0-or-later
"""API tokens and the /api/v1 routes: made, listed and revoked at
/settings/tokens, Authorization: Bearer on JSON GETs and API writes only,
401 for a wrong or revoked token, 403 for a missing scope."""

import json
import re
import unittest

from harness import Browser, ParleyTestCase, form_actions, uniq

PW = "correct-horse-1"


class ApiClient:
    """Talks to the server with a bearer token and no cookies."""

    def __init__(self, server, token):
        self.b = Browser(server)
        self.token = token

    def request(self, method, path, body=None, headers=None):
        hdrs = {"Accept": "application/json"}
        if self.token is not None:
            hdrs["Authorization"] = "Bearer " + self.token
        hdrs.update(headers or {})
        if body is not None and not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        ct = "application/json" if body is not None else None
        self.b.cookies.clear()
        return self.b.request(method, path, body=body, headers=hdrs,
                              content_type=ct, origin=False)

    def get(self, path):
        return self.request("GET", path)


class ApiTestCase(ParleyTestCase):
    """What the API tests share: members with tokens."""

    @classmethod
    def setUpServer(cls):
        cls.admin_name = uniq("apiadm")
        cls.server.add_user(cls.admin_name, PW, admin=True)
        cls.admin = Browser(cls.server)
        cls.admin.login(cls.admin_name, PW)
        cls.comm = uniq("Api")
        cls.admin.create_community(cls.comm)

    def member(self, prefix="ap"):
        name = uniq(prefix)
        self.server.add_user(name, PW)
        b = Browser(self.server)
        b.login(name, PW)
        b.name = name
        return b

    def make_token(self, b, scopes="read write", name="bot"):
        r = b.post("/settings/tokens", {"name": name, "scopes": scopes},
                   headers={"Accept": "application/json"})
        self.assertStatus(r, 201)
        doc = r.json()
        self.assertIsInstance(doc["id"], int)
        self.assertRegex(doc["token"], r"^parley_[0-9a-f]{64}$")
        return doc["id"], doc["token"]


class TokenTest(ApiTestCase):

    def test_settings_page_makes_lists_and_revokes(self):
        b = self.member()
        r = b.page("/settings")
        self.assertIn("/settings/tokens", r.text)
        r = b.page("/settings/tokens")
        self.assertIn("/settings/tokens", form_actions(r.text))
        # The HTML answer shows the token once.
        r = b.post("/settings/tokens", {"name": "my script", "scopes": "read"})
        self.assertStatus(r, 200)
        m = re.search(r"parley_[0-9a-f]{64}", r.text)
        self.assertIsNotNone(m, "the new token is on the page")
        token = m.group(0)
        r = b.page("/settings/tokens")
        self.assertNotIn(token, r.text, "a token is shown only once")
        self.assertIn("my script", r.text)
        self.assertIn("never", r.text)
        api = ApiClient(self.server, token)
        me = api.get("/api/v1/me").json()
        self.assertEqual(me["name"], b.name)
        self.assertEqual(me["scopes"], ["read"])
        # The list tells the last use now.
        lst = b.get_json("/settings/tokens")["tokens"]
        self.assertEqual(len(lst), 1)
        self.assertEqual(lst[0]["name"], "my script")
        self.assertEqual(lst[0]["scopes"], "read")
        self.assertIsNotNone(lst[0]["created"])
        self.assertIsNotNone(lst[0]["last_used"])
        self.assertNotIn("token", lst[0])
        r = b.post("/settings/tokens/revoke", {"id": str(lst[0]["id"])})
        self.assertLocation(r, "/settings/tokens")
        self.assertJSONError(api.get("/api/v1/me"), 401)
        self.assertEqual(b.get_json("/settings/tokens")["tokens"], [])

    def test_json_create_and_me(self):
        b = self.member()
        tid, token = self.make_token(b, "read write moderate")
        api = ApiClient(self.server, token)
        r = api.get("/api/v1/me")
        self.assertStatus(r, 200)
        me = r.json()
        self.assertEqual(me["name"], b.name)
        self.assertEqual(sorted(me["scopes"]), ["moderate", "read", "write"])
        self.assertIsInstance(me["unread"], int)
        self.assertEqual(me["token"], tid)

    def test_bad_names_and_scopes(self):
        b = self.member()
        for fields in ({"name": "", "scopes": "read"},
                       {"name": "x", "scopes": ""},
                       {"name": "x", "scopes": "read admin"},
                       {"name": "x" * 65, "scopes": "read"}):
            r = b.post("/settings/tokens", fields,
                       headers={"Accept": "application/json"})
            self.assertJSONError(r, 400)
        self.assertEqual(b.get_json("/settings/tokens")["tokens"], [])

    def test_revoke_needs_own_token(self):
        a, c = self.member(), self.member()
        tid, token = self.make_token(a)
        r = c.post("/settings/tokens/revoke", {"id": str(tid)},
                   headers={"Accept": "application/json"})
        self.assertJSONError(r, 404)
        self.assertStatus(ApiClient(self.server, token).get("/api/v1/me"), 200)
        # Revoking needs the csrf field like every form.
        self.assertStatus(a.post("/settings/tokens/revoke", {"id": str(tid)},
                                 csrf=False), 403)

    def test_bearer_on_json_gets(self):
        b = self.member()
        pid = b.submit_text(self.comm, "token read", "body")
        _, token = self.make_token(b, "read")
        api = ApiClient(self.server, token)
        for path in ("/.json", "/s/%s.json" % self.comm,
                     "/s/%s/p/%d.json" % (self.comm, pid), "/u/%s.json" % b.name,
                     "/notifications.json"):
            r = api.get(path)
            self.assertStatus(r, 200, path)
            self.assertEqual(r.content_type, "application/json")
        # A signed-in-only JSON GET knows the token's user.
        self.assertStatus(api.get("/notifications.json"), 200)

    def test_wrong_tokens_401(self):
        for auth in ("Bearer parley_" + "0" * 64, "Bearer nonsense",
                     "Bearer", "Basic dXNlcjpwYXNz", "Bearer parley_" + "A" * 64):
            b = Browser(self.server)
            r = b.request("GET", "/.json", headers={"Accept": "application/json",
                                                    "Authorization": auth})
            self.assertJSONError(r, 401)
            self.assertIn("Bearer", r.header("WWW-Authenticate", ""))

    def test_missing_scope_403(self):
        b = self.member()
        _, token = self.make_token(b, "write")
        api = ApiClient(self.server, token)
        doc = self.assertJSONError(api.get("/.json"), 403)
        self.assertEqual(doc["error"], "insufficient_scope")

    def test_never_for_forms_or_account_settings(self):
        b = self.member()
        pid = b.submit_text(self.comm, "no forms by token", "body")
        _, token = self.make_token(b, "read write moderate")
        api = ApiClient(self.server, token)
        # Form POSTs: refused, and nothing changes.
        r = api.request("POST", "/vote", "kind=post&id=%d&dir=-1" % pid,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 403, r.describe())
        post = b.get_json("/s/%s/p/%d" % (self.comm, pid))["post"]
        self.assertEqual(post["score"], 1)
        r = api.request("POST", "/settings/tokens", "name=x&scopes=read",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 403, r.describe())
        # The settings that manage tokens, passwords and 2FA: not by token.
        for path in ("/settings/tokens.json", "/settings/export.json"):
            self.assertJSONError(api.get(path), 403)
        self.assertEqual(len(b.get_json("/settings/tokens")["tokens"]), 1)

    def test_me_by_cookie(self):
        b = self.member()
        hdrs = {"Accept": "application/json"}
        r = b.request("GET", "/api/v1/me", headers=hdrs)
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["name"], b.name)
        self.assertIsNone(r.json()["token"])
        self.assertJSONError(Browser(self.server).request("GET", "/api/v1/me",
                                                          headers=hdrs), 403)


if __name__ == "__main__":
    unittest.main()
