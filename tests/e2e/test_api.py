# SPDX-License-Identifier: AGPL-3.0-or-later
"""API tokens and the /api/v1 routes: made, listed and revoked at
/settings/tokens, Authorization: Bearer on JSON GETs and API writes only,
401 for a wrong or revoked token, 403 for a missing scope."""

import json
import os
import re
import unittest

from harness import REPO_ROOT, Browser, ParleyTestCase, form_actions, uniq

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
                     "/inbox.json"):
            r = api.get(path)
            self.assertStatus(r, 200, path)
            self.assertEqual(r.content_type, "application/json")
        # A signed-in-only JSON GET knows the token's user.
        self.assertStatus(api.get("/inbox.json"), 200)

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


class WriteTest(ApiTestCase):
    """The /api/v1 writes: the same checks and limits as the forms."""

    def setUp(self):
        self.b = self.member("aw")
        _, token = self.make_token(self.b, "read write")
        self.api = ApiClient(self.server, token)

    def create_post(self, **fields):
        body = {"community": self.comm, "title": "api post", "body": "*hi*"}
        body.update(fields)
        r = self.api.request("POST", "/api/v1/posts", body)
        self.assertStatus(r, 201)
        return r

    def test_post_create_edit_delete(self):
        r = self.create_post()
        p = r.json()
        self.assertEqual(p["title"], "api post")
        self.assertEqual(p["author"], self.b.name)
        self.assertEqual(p["score"], 1)
        self.assertEqual(p["body"], "*hi*")
        loc = r.header("Location")
        self.assertIn("/s/%s/p/%d" % (self.comm, p["id"]), loc)
        thread = self.b.get_json("/s/%s/p/%d" % (self.comm, p["id"]))
        self.assertEqual(thread["post"]["title"], "api post")
        r = self.api.request("PATCH", "/api/v1/posts/%d" % p["id"], {"title": "renamed"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["title"], "renamed")
        self.assertEqual(r.json()["body"], "*hi*", "an absent body stays")
        self.assertIsNotNone(r.json()["edited"])
        r = self.api.request("PATCH", "/api/v1/posts/%d" % p["id"], {"body": "new text"})
        self.assertEqual(r.json()["body"], "new text")
        r = self.api.request("DELETE", "/api/v1/posts/%d" % p["id"])
        self.assertStatus(r, 200)
        thread = self.b.get_json("/s/%s/p/%d" % (self.comm, p["id"]))
        self.assertTrue(thread["post"]["deleted"])
        self.assertJSONError(self.api.request("DELETE", "/api/v1/posts/%d" % p["id"]), 403)

    def test_link_post(self):
        p = self.create_post(body=None, url="https://example.org/a").json()
        self.assertEqual(p["url"], "https://example.org/a")
        self.assertIsNone(p["body"])
        r = self.api.request("POST", "/api/v1/posts", {
            "community": self.comm, "title": "t", "url": "javascript:alert(1)"})
        self.assertJSONError(r, 400)

    def test_comments(self):
        pid = self.create_post().json()["id"]
        r = self.api.request("POST", "/api/v1/comments",
                             {"post": pid, "parent": None, "body": "first"})
        self.assertStatus(r, 201)
        c1 = r.json()
        self.assertEqual(c1["body"], "first")
        self.assertIsNone(c1["parent"])
        self.assertIn("/c/%d" % c1["id"], r.header("Location"))
        r = self.api.request("POST", "/api/v1/comments",
                             {"post": pid, "parent": c1["id"], "body": "reply"})
        self.assertStatus(r, 201)
        c2 = r.json()
        self.assertEqual(c2["parent"], c1["id"])
        self.assertEqual(c2["depth"], 1)
        r = self.api.request("PATCH", "/api/v1/comments/%d" % c2["id"], {"body": "edited"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["body"], "edited")
        self.assertStatus(self.api.request("DELETE", "/api/v1/comments/%d" % c2["id"]), 200)
        comments = self.b.get_json("/s/%s/p/%d" % (self.comm, pid))["comments"]
        self.assertEqual([c["id"] for c in comments], [c1["id"], c2["id"]])
        self.assertTrue(comments[1]["deleted"])
        # Someone else's comment: 403, and nothing changes.
        other = ApiClient(self.server, self.make_token(self.member())[1])
        self.assertJSONError(other.request("PATCH", "/api/v1/comments/%d" % c1["id"],
                                           {"body": "mine now"}), 403)
        self.assertJSONError(other.request("DELETE", "/api/v1/posts/%d" % pid), 403)
        self.assertJSONError(self.api.request("POST", "/api/v1/comments",
                                              {"post": 999999, "body": "x"}), 404)
        self.assertJSONError(self.api.request("POST", "/api/v1/comments",
                                              {"post": pid, "parent": 999999, "body": "x"}), 404)

    def test_richer_post_fields(self):
        # flair, nsfw, spoiler and a poll, as the submit form takes them
        r = self.admin.post("/s/%s/mod/flair" % self.comm, {"add": "ApiNews", "colour": ""})
        self.assertStatus(r, 303)
        q = self.create_post(poll="yes\nno\n").json()
        self.assertEqual([(o["text"], o["votes"]) for o in q["poll"]["options"]],
                         [("yes", 0), ("no", 0)])
        got = self.admin.get_json("/s/%s/p/%d" % (self.comm, q["id"]))["post"]
        self.assertEqual([o["text"] for o in got["poll"]["options"]], ["yes", "no"])
        self.assertIsNone(got["flair"])
        self.assertIs(got["nsfw"], False)
        p = self.create_post(flair="ApiNews", nsfw=True, spoiler=True).json()
        self.assertIsNone(p["poll"])
        path = "/s/%s/p/%d" % (self.comm, p["id"])
        got = self.admin.get_json(path)["post"]
        self.assertEqual(got["flair"], "ApiNews")
        self.assertIs(got["nsfw"], True)
        self.assertIs(got["spoiler"], True)
        # an edit by the API keeps the flair and marks
        r = self.api.request("PATCH", "/api/v1/posts/%d" % p["id"], {"title": "again"})
        self.assertStatus(r, 200)
        self.assertIsNotNone(r.json()["edited"])
        got = self.admin.get_json(path)["post"]
        self.assertEqual((got["flair"], got["nsfw"], got["spoiler"]),
                         ("ApiNews", True, True))
        # the same refusals as the form
        for bad in ({"flair": "NoSuchFlair"}, {"poll": "only one"},
                    {"url": "https://example.org/", "body": None, "poll": "a\nb"},
                    {"nsfw": "yes"}):
            body = {"community": self.comm, "title": "bad"}
            body.update(bad)
            self.assertJSONError(self.api.request("POST", "/api/v1/posts", body), 400)

    def test_notifications_as_forms(self):
        # replies and mentions by the API reach the inbox as the forms' do
        other = self.member("an")
        pid = self.create_post(body="hello @%s" % other.name).json()["id"]
        kinds = [i["kind"] for i in other.get_json("/inbox")["items"]]
        self.assertEqual(kinds, ["mention"])
        r = other.post("/s/%s/p/%d/comment" % (self.comm, pid), {"body": "a comment"})
        self.assertStatus(r, 303)
        cid = int(re.search(r"#c(\d+)", r.header("Location")).group(1))
        r = self.api.request("POST", "/api/v1/comments",
                             {"post": pid, "parent": cid, "body": "answer"})
        self.assertStatus(r, 201)
        rid = r.json()["id"]
        items = other.get_json("/inbox")["items"]
        self.assertEqual([(i["kind"], i["comment"]) for i in items][0], ("reply", rid))
        # an edit tells a newly named member once
        third = self.member("an")
        for _ in range(2):
            r = self.api.request("PATCH", "/api/v1/comments/%d" % rid,
                                 {"body": "answer, @%s" % third.name})
            self.assertStatus(r, 200)
        items = third.get_json("/inbox")["items"]
        self.assertEqual([(i["kind"], i["comment"]) for i in items], [("mention", rid)])

    def test_votes(self):
        pid = self.create_post().json()["id"]
        other = ApiClient(self.server, self.make_token(self.member())[1])
        r = other.request("POST", "/api/v1/votes", {"kind": "post", "id": pid, "dir": -1})
        self.assertStatus(r, 200)
        self.assertEqual(r.json(), {"score": 0, "dir": -1})
        r = other.request("POST", "/api/v1/votes", {"kind": "post", "id": pid, "dir": 0})
        self.assertEqual(r.json()["score"], 1)
        for bad in ({"kind": "post", "id": pid, "dir": 2},
                    {"kind": "thing", "id": pid, "dir": 1},
                    {"kind": "post", "id": "1", "dir": 1},
                    {"kind": "post", "id": pid, "dir": 1.0},
                    {"kind": "post", "id": pid}):
            self.assertJSONError(other.request("POST", "/api/v1/votes", bad), 400)

    def test_bad_bodies_400(self):
        n = len(self.b.get_json("/u/%s" % self.b.name)["posts"])
        good = {"community": self.comm, "title": "t", "body": "b"}
        bodies = [
            "", "{", "[]", "null", "42", '"x"', "{'a':1}",
            '{"community": "%s", "title": "t", "body": "b",}' % self.comm,
            json.dumps(dict(good, extra=1)),                    # unknown field
            json.dumps(dict(good, title=5)),                    # wrong type
            json.dumps(dict(good, title=["t"])),
            json.dumps(dict(good, title="a\u0000b")),
            json.dumps(dict(good, title="a\u0007b")),
            '{"community": "%s", "title": "t", "title": "u"}' % self.comm,  # twice
            json.dumps(dict(good, body={"a": {"b": {"c": {"d": {}}}}})),  # deep
            "[" * 5000 + "]" * 5000,
            json.dumps({"f%d" % i: i for i in range(40)}),      # too many
            json.dumps(dict(good, title="t" * 301)),            # the form's limit
            b"\xff\xfe{}",
        ]
        for body in bodies:
            r = self.api.request("POST", "/api/v1/posts", body)
            self.assertJSONError(r, 400)
        r = self.api.request("POST", "/api/v1/posts", "{" + " " * 70000 + "}")
        self.assertEqual(r.status, 413)
        self.assertEqual(len(self.b.get_json("/u/%s" % self.b.name)["posts"]), n,
                         "no bad body wrote anything")
        self.assertAlive()

    def test_scopes_and_methods(self):
        _, ro = self.make_token(self.b, "read")
        r = ApiClient(self.server, ro).request("POST", "/api/v1/votes",
                                               {"kind": "post", "id": 1, "dir": 1})
        self.assertEqual(self.assertJSONError(r, 403)["error"], "insufficient_scope")
        r = self.api.request("POST", "/api/v1/mod", {"action": "lock", "kind": "post", "id": 1})
        self.assertEqual(self.assertJSONError(r, 403)["error"], "insufficient_scope")
        r = self.api.request("PUT", "/api/v1/posts/1", {})
        self.assertEqual(r.status, 405)
        self.assertIn("PATCH", r.header("Allow", ""))
        r = ApiClient(self.server, None).request("POST", "/api/v1/votes",
                                                 {"kind": "post", "id": 1, "dir": 1})
        self.assertJSONError(r, 401)

    def test_same_rate_limits_as_forms(self):
        self.server.set_limit("limit_comments", 2)
        self.server.set_limit("limit_comments_new", 2)
        try:
            pid = self.create_post().json()["id"]
            for i in range(2):
                r = self.api.request("POST", "/api/v1/comments", {"post": pid, "body": "c%d" % i})
                self.assertStatus(r, 201)
            r = self.api.request("POST", "/api/v1/comments", {"post": pid, "body": "over"})
            self.assertJSONError(r, 429)
            self.assertIsNotNone(r.header("Retry-After"))
            # The form counts the API's comments too: one limit.
            r = self.b.comment(self.comm, pid, "by form", expect=None)
            self.assertEqual(r.status, 429)
        finally:
            self.server.set_limit("limit_comments", 60)
            self.server.set_limit("limit_comments_new", 15)

    def test_reports_and_mod(self):
        pid = self.create_post().json()["id"]
        other = ApiClient(self.server, self.make_token(self.member())[1])
        r = other.request("POST", "/api/v1/reports", {"kind": "post", "id": pid,
                                                      "reason": "spam"})
        self.assertStatus(r, 200)
        self.assertJSONError(other.request("POST", "/api/v1/reports",
                                           {"kind": "post", "id": pid, "reason": "spam"}), 409)
        # A moderate token of a non-moderator: authz refuses, as for the form.
        _, modtok = self.make_token(self.b, "read write moderate")
        r = ApiClient(self.server, modtok).request("POST", "/api/v1/mod", {
            "action": "lock", "kind": "post", "id": pid})
        self.assertJSONError(r, 403)
        # The admin's moderate token locks it.
        _, admtok = self.make_token(self.admin, "moderate")
        r = ApiClient(self.server, admtok).request("POST", "/api/v1/mod", {
            "action": "lock", "kind": "post", "id": pid, "reason": "done"})
        self.assertStatus(r, 200)
        self.assertTrue(self.b.get_json("/s/%s/p/%d" % (self.comm, pid))["post"]["locked"])
        r = self.api.request("POST", "/api/v1/comments", {"post": pid, "body": "late"})
        self.assertJSONError(r, 403)


class SaveApiTest(ApiTestCase):
    """POST /api/v1/save: the saved and hidden forms' store calls."""

    def test_save_and_hide(self):
        b = self.member("sv")
        api = ApiClient(self.server, self.make_token(b)[1])
        pid = b.submit_text(self.comm, "keep me", "text")
        cid = b.comment(self.comm, pid, "a comment")
        r = api.request("POST", "/api/v1/save", {"action": "save", "kind": "post", "id": pid})
        self.assertStatus(r, 200)
        self.assertEqual(r.json(), {"kind": "post", "id": pid, "saved": True})
        r = api.request("POST", "/api/v1/save", {"action": "save", "kind": "comment",
                                                 "id": cid})
        self.assertEqual(r.json(), {"kind": "comment", "id": cid, "saved": True})
        saved = b.get_json("/saved")["items"]
        self.assertEqual([(i["kind"], (i.get("comment") or i["post"])["id"]) for i in saved],
                         [("comment", cid), ("post", pid)])
        r = api.request("POST", "/api/v1/save", {"action": "unsave", "kind": "post", "id": pid})
        self.assertEqual(r.json()["saved"], False)
        self.assertEqual([i["kind"] for i in b.get_json("/saved")["items"]], ["comment"])
        r = api.request("POST", "/api/v1/save", {"action": "hide", "id": pid})
        self.assertStatus(r, 200)
        self.assertEqual(r.json(), {"id": pid, "hidden": True})
        self.assertEqual([p["id"] for p in b.get_json("/hidden")["posts"]], [pid])
        self.assertNotIn(pid, [p["id"] for p in b.get_json("/s/" + self.comm)["posts"]])
        r = api.request("POST", "/api/v1/save", {"action": "unhide", "kind": "post", "id": pid})
        self.assertEqual(r.json(), {"id": pid, "hidden": False})
        self.assertEqual(b.get_json("/hidden")["posts"], [])

    def test_refusals(self):
        b = self.member("sv")
        api = ApiClient(self.server, self.make_token(b)[1])
        pid = b.submit_text(self.comm, "keep me not", "text")
        cid = b.comment(self.comm, pid, "a comment")
        for body, status in (({"action": "keep", "kind": "post", "id": pid}, 400),
                             ({"action": "hide", "kind": "comment", "id": cid}, 400),
                             ({"action": "save", "id": pid}, 400),
                             ({"action": "save", "kind": "post", "id": "1"}, 400),
                             ({"action": "save", "kind": "post", "id": pid, "x": 1}, 400),
                             ({"action": "save", "kind": "post", "id": 999999}, 404),
                             ({"action": "hide", "id": 999999}, 404)):
            self.assertJSONError(api.request("POST", "/api/v1/save", body), status)
        _, ro = self.make_token(b, "read")
        r = ApiClient(self.server, ro).request("POST", "/api/v1/save",
                                               {"action": "save", "kind": "post", "id": pid})
        self.assertEqual(self.assertJSONError(r, 403)["error"], "insufficient_scope")
        self.assertEqual(b.get_json("/saved")["items"], [], "nothing saved")
        self.assertEqual(b.get_json("/hidden")["posts"], [], "nothing hidden")


class MessageApiTest(ApiTestCase):
    """/api/v1/messages: the message forms' code path, limits and blocks;
    only the two members read."""

    site_limits = dict(ApiTestCase.site_limits, limit_messages=100000,
                       limit_messages_new=100000)

    def pair(self):
        a, b = self.member("ma"), self.member("mb")
        return (a, ApiClient(self.server, self.make_token(a)[1]),
                b, ApiClient(self.server, self.make_token(b)[1]))

    def test_send_read_reply_delete(self):
        a, aapi, b, bapi = self.pair()
        r = aapi.request("POST", "/api/v1/messages",
                         {"to": b.name, "subject": "Hi", "body": "*first*"})
        self.assertStatus(r, 201)
        sent = r.json()
        cid = sent["id"]
        self.assertEqual(r.header("Location"), "/api/v1/messages/%d" % cid)
        self.assertIsInstance(sent["message"], int)
        lst = bapi.get("/api/v1/messages").json()
        self.assertEqual(lst["conversations"][0]["id"], cid)
        self.assertEqual(lst["conversations"][0]["with"], a.name)
        self.assertEqual(lst["conversations"][0]["subject"], "Hi")
        self.assertIsNone(lst["after"])
        conv = bapi.get("/api/v1/messages/%d" % cid).json()
        self.assertEqual(conv["members"], [a.name, b.name])
        self.assertEqual([(m["from"], m["body"]) for m in conv["messages"]],
                         [(a.name, "*first*")])
        self.assertIsNone(conv["after"])
        # reading it by the API reads it in the inbox, as the page does
        self.assertTrue(b.get_json("/inbox")["items"][0]["read"])
        r = bapi.request("POST", "/api/v1/messages/%d" % cid, {"body": "second"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json()["id"], cid)
        conv = aapi.get("/api/v1/messages/%d" % cid).json()
        self.assertEqual([m["body"] for m in conv["messages"]], ["*first*", "second"])
        # deleting is for oneself
        self.assertStatus(aapi.request("DELETE", "/api/v1/messages/%d" % cid), 200)
        self.assertEqual(aapi.get("/api/v1/messages").json()["conversations"], [])
        self.assertEqual(aapi.get("/api/v1/messages/%d" % cid).json()["messages"], [])
        self.assertEqual(len(bapi.get("/api/v1/messages/%d" % cid).json()["messages"]), 2)

    def test_only_members_read(self):
        a, aapi, b, bapi = self.pair()
        cid = aapi.request("POST", "/api/v1/messages",
                           {"to": b.name, "subject": "Private", "body": "secret"}).json()["id"]
        mid = bapi.get("/api/v1/messages/%d" % cid).json()["messages"][0]["id"]
        other = ApiClient(self.server, self.make_token(self.member("mc"))[1])
        self.assertJSONError(other.get("/api/v1/messages/%d" % cid), 404)
        self.assertJSONError(other.request("POST", "/api/v1/messages/%d" % cid,
                                           {"body": "me too"}), 404)
        self.assertJSONError(other.request("DELETE", "/api/v1/messages/%d" % cid), 404)
        self.assertJSONError(other.get("/api/v1/messages/999999"), 404)
        # a report lets the admins read it on the site, never through the API
        r = bapi.request("POST", "/api/v1/reports",
                         {"kind": "message", "id": mid, "reason": "spam"})
        self.assertStatus(r, 200)
        self.assertJSONError(bapi.request("POST", "/api/v1/reports",
                                          {"kind": "message", "id": mid,
                                           "reason": "spam"}), 409)
        reports = self.admin.get_json("/admin/messages")["reports"]
        self.assertIn(mid, [x["message"] for x in reports])
        self.assertEqual(self.admin.get_json("/messages/%d" % cid)["id"], cid)
        adm = ApiClient(self.server, self.make_token(self.admin)[1])
        self.assertJSONError(adm.get("/api/v1/messages/%d" % cid), 404)
        self.assertEqual(len(aapi.get("/api/v1/messages/%d" % cid).json()["messages"]), 1,
                         "nobody else wrote in it")

    def test_blocks_limits_and_bad_bodies(self):
        a, aapi, b, bapi = self.pair()
        for body, status in (({"to": b.name, "subject": "x"}, 400),
                             ({"to": b.name, "subject": "x", "body": "y", "cc": "z"}, 400),
                             ({"to": "nobody_here_x", "subject": "x", "body": "y"}, 404),
                             ({"to": a.name, "subject": "x", "body": "y"}, 400),
                             ({"to": "bad name!", "subject": "x", "body": "y"}, 400),
                             ({"to": b.name, "subject": "two\nlines", "body": "y"}, 400),
                             ({"to": b.name, "subject": "x", "body": "y" * 10001}, 400)):
            self.assertJSONError(aapi.request("POST", "/api/v1/messages", body), status)
        r = b.post("/block", {"user": a.name})
        self.assertStatus(r, 303)
        r = aapi.request("POST", "/api/v1/messages", {"to": b.name, "subject": "x", "body": "y"})
        self.assertEqual(self.assertJSONError(r, 403)["error"], "blocked")
        self.assertEqual(bapi.get("/api/v1/messages").json()["conversations"], [])
        self.server.set_limit("limit_messages_new", 1)
        try:
            c, capi = self.member("md"), None
            capi = ApiClient(self.server, self.make_token(c)[1])
            r = capi.request("POST", "/api/v1/messages", {"to": a.name, "subject": "1",
                                                          "body": "one"})
            self.assertStatus(r, 201)
            r = capi.request("POST", "/api/v1/messages", {"to": a.name, "subject": "2",
                                                          "body": "two"})
            self.assertJSONError(r, 429)
            # the form counts the API's messages: one limit
            r = c.post("/messages", {"to": a.name, "subject": "3", "body": "three"},
                       headers={"Accept": "application/json"})
            self.assertJSONError(r, 429)
        finally:
            self.server.set_limit("limit_messages_new", 100000)

    def test_pages_by_cursor(self):
        a, aapi, b, bapi = self.pair()
        ids = []
        for i in range(27):
            r = aapi.request("POST", "/api/v1/messages",
                             {"to": b.name, "subject": "s%d" % i, "body": "b%d" % i})
            self.assertStatus(r, 201)
            ids.append(r.json()["id"])
        first = bapi.get("/api/v1/messages").json()
        self.assertEqual([v["id"] for v in first["conversations"]], ids[::-1][:25])
        self.assertIsNotNone(first["after"])
        second = bapi.get("/api/v1/messages?after=" + first["after"]).json()
        self.assertEqual([v["id"] for v in second["conversations"]], ids[1::-1])
        self.assertIsNone(second["after"])
        self.assertJSONError(bapi.get("/api/v1/messages?after=x"), 400)
        # the HTML list pages by the same cursor
        page = b.page("/messages").text
        self.assertIn("/messages?after=" + first["after"], page)
        self.assertNotIn("/messages/%d\"" % ids[0], page)
        self.assertIn("/messages/%d\"" % ids[0], b.page("/messages?after=" + first["after"]).text)
        # a conversation's messages, oldest first
        cid = ids[-1]
        for i in range(26):
            r = bapi.request("POST", "/api/v1/messages/%d" % cid, {"body": "r%d" % i})
            self.assertStatus(r, 201)
        conv = aapi.get("/api/v1/messages/%d" % cid).json()
        self.assertEqual([m["body"] for m in conv["messages"]],
                         ["b26"] + ["r%d" % i for i in range(24)])
        more = aapi.get("/api/v1/messages/%d?after=%s" % (cid, conv["after"])).json()
        self.assertEqual([m["body"] for m in more["messages"]], ["r24", "r25"])
        self.assertIsNone(more["after"])
        page = a.page("/messages/%d" % cid).text
        self.assertIn("/messages/%d?after=%s" % (cid, conv["after"]), page)
        self.assertIn("r23", page)
        self.assertNotIn("r24", page)
        self.assertIn("r25", a.page("/messages/%d?after=%s" % (cid, conv["after"])).text)


class PollClosesApiTest(ApiTestCase):

    def test_closes(self):
        b = self.member("pc")
        api = ApiClient(self.server, self.make_token(b)[1])
        r = api.request("POST", "/api/v1/posts", {"community": self.comm, "title": "poll",
                                                  "poll": "a\nb", "closes": "7d"})
        self.assertStatus(r, 201)
        p = r.json()
        got = b.get_json("/s/%s/p/%d" % (self.comm, p["id"]))["post"]["poll"]
        created = b.get_json("/s/%s/p/%d" % (self.comm, p["id"]))["post"]["created"]
        self.assertEqual(days_between(created, got["closes"]), 7)
        r = api.request("POST", "/api/v1/posts", {"community": self.comm, "title": "open",
                                                  "poll": "a\nb", "closes": None})
        self.assertStatus(r, 201)
        got = b.get_json("/s/%s/p/%d" % (self.comm, r.json()["id"]))["post"]["poll"]
        self.assertIsNone(got["closes"])
        n = len(b.get_json("/u/" + b.name)["posts"])
        for bad in ("soon", "0s", "-1d", "1" * 30, 7):
            r = api.request("POST", "/api/v1/posts", {"community": self.comm, "title": "bad",
                                                      "poll": "a\nb", "closes": bad})
            self.assertJSONError(r, 400)
        self.assertEqual(len(b.get_json("/u/" + b.name)["posts"]), n, "nothing written")


def days_between(a, b):
    """Whole days from RFC 3339 time a to b."""
    import datetime
    fa = datetime.datetime.fromisoformat(a.replace("Z", "+00:00"))
    fb = datetime.datetime.fromisoformat(b.replace("Z", "+00:00"))
    return round((fb - fa).total_seconds() / 86400)


def api_routes_in_table():
    """(method, OpenAPI path) of every /api/v1 route in app_routes.c."""
    with open(os.path.join(REPO_ROOT, "src", "app", "app_routes.c")) as f:
        src = f.read()
    out = set()
    for method, path in re.findall(r'\{\s*HTTP_(\w+),\s*"(/api/v1/[^"]*)"', src):
        path = path.replace("#", "{id}")
        if path == "/api/v1/openapi":
            path = "/api/v1/openapi.json"
        out.add((method.lower(), path))
    return out


class OpenApiTest(ApiTestCase):

    def doc(self):
        r = Browser(self.server).get("/api/v1/openapi.json")
        self.assertStatus(r, 200)
        self.assertEqual(r.content_type, "application/json")
        return r.json()

    def test_document(self):
        doc = self.doc()
        self.assertTrue(doc["openapi"].startswith("3.1"), doc["openapi"])
        self.assertIn("bearer", doc["components"]["securitySchemes"])
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                self.assertIn("responses", op, (method, path))
                self.assertTrue(op.get("summary"), (method, path))

    def test_every_route_is_documented(self):
        doc = self.doc()
        routes = api_routes_in_table()
        self.assertGreaterEqual(len(routes), 10)
        documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
        self.assertEqual(routes - documented, set(), "routes missing from the document")
        self.assertEqual(documented - routes, set(), "documented routes the server lacks")

    def resolve(self, doc, schema):
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            schema = doc["components"]["schemas"].get(name) or \
                doc["components"]["responses"][name]["content"]["application/json"]["schema"]
        return schema

    def test_each_documented_route_answers_as_documented(self):
        doc = self.doc()
        b = self.member("oa")
        _, token = self.make_token(b, "read write")
        api = ApiClient(self.server, token)
        _, admtok = self.make_token(self.admin, "read write moderate")
        adm = ApiClient(self.server, admtok)
        state = {}
        # A body for each operation, in an order where each finds its item.
        plan = [
            ("me", None, None),
            ("openapi", None, None),
            ("createPost", None, lambda: {"community": self.comm, "title": "oa", "body": "b"}),
            ("editPost", "post", lambda: {"title": "oa2"}),
            ("createComment", None, lambda: {"post": state["post"], "parent": None, "body": "c"}),
            ("editComment", "comment", lambda: {"body": "c2"}),
            ("vote", None, lambda: {"kind": "post", "id": state["post"], "dir": 0}),
            ("report", None, lambda: {"kind": "post", "id": state["post"], "reason": "check"}),
            ("save", None, lambda: {"action": "save", "kind": "post", "id": state["post"]}),
            ("sendMessage", None, lambda: {"to": self.admin_name, "subject": "oa",
                                           "body": "m"}),
            ("conversations", None, None),
            ("conversation", "conversation", None),
            ("replyMessage", "conversation", lambda: {"body": "again"}),
            ("deleteConversation", "conversation", None),
            ("mod", None, lambda: {"action": "lock", "kind": "post", "id": state["post"],
                                   "reason": "oa"}),
            ("deleteComment", "comment", None),
            ("deletePost", "post", None),
        ]
        ops = {op["operationId"]: (m, p, op) for p, o in doc["paths"].items()
               for m, op in o.items()}
        self.assertEqual(set(ops), {name for name, _, _ in plan},
                         "every documented operation is exercised")
        for name, item, mkbody in plan:
            method, path, op = ops[name]
            if "{id}" in path:
                path = path.replace("{id}", str(state[item]))
            client = adm if name == "mod" else api
            r = client.request(method.upper(), path, mkbody() if mkbody else None)
            self.assertIn(str(r.status), op["responses"], "%s %s: %s"
                          % (method, path, r.describe()))
            self.assertLess(r.status, 300, "%s %s: %s" % (method, path, r.describe()))
            resp = self.resolve(doc, op["responses"][str(r.status)])
            schema = resp["content"]["application/json"]["schema"]
            schema = self.resolve(doc, schema)
            got = r.json()
            for key in schema.get("required", []):
                self.assertIn(key, got, "%s: answer lacks %r" % (name, key))
            if name == "createPost":
                state["post"] = got["id"]
            if name == "createComment":
                state["comment"] = got["id"]
            if name == "sendMessage":
                state["conversation"] = got["id"]
        # Errors answer the documented shape.
        r = api.request("POST", "/api/v1/votes", {"nonsense": 1})
        self.assertIn("400", ops["vote"][2]["responses"])
        self.assertJSONError(r, 400)


if __name__ == "__main__":
    unittest.main()
