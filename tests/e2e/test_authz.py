# SPDX-License-Identifier: AGPL-3.0-or-later
"""Authorization, table-driven: every state-changing route for every kind of
actor, checked against the permission rules of src/app/app_authz.c.

The expected outcome of every (route, actor) pair is in TABLE below. A
refused request must answer the listed status with a clear message (the
HTML page shows the same message as the JSON error object, and the JSON
`error` code says why), and must change nothing: the relevant JSON
(thread, listing, mod log, queue, user, and what the route touches) is the
same before and after. An allowed request must answer 303 (200 for a GET)
and its change must show.

Actors:

  anon_nosession  no cookie at all: the CSRF check fails first (403 csrf)
  anon_visitor    a signed-out visitor with the visitor token of a form:
                  the CSRF check passes, sign-in fails (403 login_required)
  new             registered through /register just now
  ordinary        another plain user. An account cannot be aged over HTTP,
                  so it is as young as `new`; age only changes the rate
                  limits (test_admin covers them). This class raises every
                  limit so that limits never decide a case here.
  author          wrote the item the route acts on (for user-targeted
                  actions, ban/appoint/block: the target user themself)
  banned          banned from the community by one of its moderators
  site_banned     banned from the whole site by an admin
  other_mod       creator and moderator of another community
  mod             moderator of this community, appointed by its creator
  creator         created this community (and so is its first moderator)
  admin           a site admin (`parley admin add-user --admin`)

Fixtures are made fresh for every case by a separate helper admin (admins
are exempt from rate limits), or by the author for the `author` actor.
"""

import json
import re
import urllib.parse

from harness import Browser, ParleyTestCase, location_path, uniq, visible_text

PW = "correct-horse-1"
HELD_WORD = "zqheldword"
CBAN_REASON = "authz community ban reason"
SBAN_REASON = "authz site ban reason"
BIG = 100000

OK = "allowed"
BANNED = (403, "banned")
NOT_AUTHOR = (403, "not_author")
NOT_MOD = (403, "not_moderator")
NOT_ALLOWED = (403, "not_allowed")
NOT_ADMIN = (403, "not_admin")
SELF = (400, "self")

ANON = ("anon_nosession", "anon_visitor")
SIGNED_IN = ("new", "ordinary", "author", "banned", "site_banned", "other_mod", "mod",
             "creator", "admin")
ACTORS = ANON + SIGNED_IN


def rule(default, **over):
    """Expectations of the signed-in actors: default, with exceptions."""
    t = dict.fromkeys(SIGNED_IN, default)
    t.update(over)
    return t


# The rules of app_authz.c's header comment, one line a kind of action.
PARTICIPATE = rule(OK, banned=BANNED, site_banned=BANNED)     # post, comment, vote, report
OWN_EDIT = rule(NOT_AUTHOR, author=OK, site_banned=BANNED)     # site ban is checked first
OWN_DELETE = rule(NOT_AUTHOR, author=OK)                       # exempt from bans
MODERATE = rule(NOT_MOD, mod=OK, creator=OK, admin=OK, site_banned=BANNED)
APPOINT = rule(NOT_ALLOWED, creator=OK, admin=OK, site_banned=BANNED)
ADMIN_ONLY = rule(NOT_ADMIN, admin=OK, site_banned=BANNED)
SIGNED_IN_NOT_SITE_BANNED = rule(OK, site_banned=BANNED)       # create, subscribe
BLOCKING = rule(OK, author=SELF)                               # exempt from bans

# (row, what is requested, method, expectations of the signed-in actors)
TABLE = [
    ("submit", "POST /submit", "POST", PARTICIPATE),
    ("comment", "POST /s/C/p/ID/comment", "POST", PARTICIPATE),
    ("reply", "POST /s/C/p/ID/c/CID/reply", "POST", PARTICIPATE),
    ("vote_post", "POST /vote kind=post", "POST", PARTICIPATE),
    ("vote_comment", "POST /vote kind=comment", "POST", PARTICIPATE),
    ("post_edit", "POST /s/C/p/ID/edit", "POST", OWN_EDIT),
    ("post_delete", "POST /s/C/p/ID/delete", "POST", OWN_DELETE),
    ("comment_edit", "POST /s/C/p/ID/c/CID/edit", "POST", OWN_EDIT),
    ("comment_delete", "POST /s/C/p/ID/c/CID/delete", "POST", OWN_DELETE),
    ("report", "POST /report", "POST", PARTICIPATE),
    ("mod_remove_post", "POST /mod action=remove kind=post", "POST", MODERATE),
    ("mod_remove_comment", "POST /mod action=remove kind=comment", "POST", MODERATE),
    ("mod_restore_post", "POST /mod action=restore kind=post", "POST", MODERATE),
    ("mod_restore_comment", "POST /mod action=restore kind=comment", "POST", MODERATE),
    ("mod_approve", "POST /mod action=approve (held post)", "POST", MODERATE),
    ("mod_dismiss", "POST /mod action=dismiss (reported post)", "POST", MODERATE),
    ("mod_lock", "POST /mod action=lock", "POST", MODERATE),
    ("mod_unlock", "POST /mod action=unlock", "POST", MODERATE),
    ("mod_sticky", "POST /mod action=sticky", "POST", MODERATE),
    ("mod_unsticky", "POST /mod action=unsticky", "POST", MODERATE),
    ("mod_ban_community", "POST /mod action=ban community=C", "POST", MODERATE),
    ("mod_ban_site", "POST /mod action=ban community=", "POST", ADMIN_ONLY),
    ("mod_unban_community", "POST /mod action=unban community=C", "POST", MODERATE),
    # the target of a site unban is site-banned, and that is checked first
    ("mod_unban_site", "POST /mod action=unban community=", "POST",
     dict(ADMIN_ONLY, author=BANNED)),
    ("mod_appoint", "POST /mod action=appoint", "POST", APPOINT),
    ("mod_unappoint", "POST /mod action=unappoint", "POST", APPOINT),
    ("create", "POST /create", "POST", SIGNED_IN_NOT_SITE_BANNED),
    ("community_edit", "POST /s/C/mod/edit", "POST", MODERATE),
    ("subscribe", "POST /s/X/subscribe", "POST", SIGNED_IN_NOT_SITE_BANNED),
    ("unsubscribe", "POST /s/X/unsubscribe", "POST", SIGNED_IN_NOT_SITE_BANNED),
    ("block", "POST /block", "POST", BLOCKING),
    ("unblock", "POST /unblock", "POST", BLOCKING),
    ("admin_page", "POST /admin/page", "POST", ADMIN_ONLY),
    ("admin_settings", "POST /admin/settings", "POST", ADMIN_ONLY),
    ("admin_filters", "POST /admin/filters", "POST", ADMIN_ONLY),
    ("get_queue", "GET /s/C/mod/queue", "GET", MODERATE),
    ("get_community_edit", "GET /s/C/mod/edit", "GET", MODERATE),
    ("get_admin", "GET /admin", "GET", ADMIN_ONLY),
]


def expectation(method, rules, actor):
    """OK, (status, error code), or for a signed-out GET ("login", None)."""
    if actor in ANON:
        if method == "GET":
            return ("login", None)
        return (403, "csrf") if actor == "anon_nosession" else (403, "login_required")
    return rules[actor]


def describe(exp):
    if exp == OK:
        return "ok"
    if exp[0] == "login":
        return "303 /login (JSON 403)"
    return "%d %s" % exp


def permission_table():
    """The table as text (for reports): one row a route, one column an actor."""
    short = {"anon_nosession": "anon-", "anon_visitor": "anon", "new": "new",
             "ordinary": "user", "author": "author", "banned": "banned",
             "site_banned": "sbanned", "other_mod": "omod", "mod": "mod",
             "creator": "creator", "admin": "admin"}
    cell = {OK: "ok", BANNED: "403b", NOT_AUTHOR: "403a", NOT_MOD: "403m",
            NOT_ALLOWED: "403n", NOT_ADMIN: "403A", SELF: "400s",
            (403, "csrf"): "403c", (403, "login_required"): "403l", ("login", None): "login"}
    lines = ["%-40s %s" % ("route", " ".join("%-7s" % short[a] for a in ACTORS))]
    for _row, label, method, rules in TABLE:
        lines.append("%-40s %s" % (label, " ".join(
            "%-7s" % cell[expectation(method, rules, a)] for a in ACTORS)))
    return "\n".join(lines)


class Case:
    def __init__(self, row, method, actor, exp):
        self.row = row
        self.method = method
        self.actor = actor
        self.exp = exp
        self.b = None          # the acting browser (None: a fresh one per request)
        self.name = None       # the acting user's name
        self.owner = None      # who makes the fixture items


def diff_keys(a, b):
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


class AuthzTest(ParleyTestCase):

    site_limits = dict(ParleyTestCase.site_limits,
                       limit_posts=BIG, limit_posts_new=BIG, limit_comments=BIG,
                       limit_comments_new=BIG, limit_votes=BIG, limit_votes_new=BIG)

    @classmethod
    def must(cls, r, status=303):
        if r.status != status:
            raise AssertionError("setup: expected %d, got %s" % (status, r.describe()))
        return r

    @classmethod
    def setUpServer(cls):
        srv = cls.server
        cls.helper = cls.login_new("zhelp", admin=True)
        actors = {}
        actors["admin"] = cls.login_new("zadm", admin=True)
        actors["creator"] = cls.login_new("zcre")
        cls.comm = uniq("Az")
        cls.comm_title = "Authz test community"
        actors["creator"].create_community(cls.comm, title=cls.comm_title)
        actors["mod"] = cls.login_new("zmod")
        cls.must(actors["creator"].post("/mod", {"action": "appoint", "user": actors["mod"].name,
                                                 "community": cls.comm}))
        actors["other_mod"] = cls.login_new("zomod")
        cls.other = uniq("Azo")
        actors["other_mod"].create_community(cls.other)
        actors["ordinary"] = cls.login_new("zusr")
        actors["author"] = cls.login_new("zaut")
        actors["banned"] = cls.login_new("zban")
        cls.must(actors["mod"].post("/mod", {"action": "ban", "user": actors["banned"].name,
                                             "community": cls.comm, "duration": "30d",
                                             "reason": CBAN_REASON}))
        actors["site_banned"] = cls.login_new("zsban")
        cls.must(cls.helper.post("/mod", {"action": "ban", "user": actors["site_banned"].name,
                                          "community": "", "duration": "",
                                          "reason": SBAN_REASON}))
        actors["new"] = Browser(srv)
        actors["new"].register(uniq("znew"), PW)
        cls.actors = actors
        cls.visitor = Browser(srv)
        cls.visitor.get("/login")
        assert cls.visitor.csrf, "a signed-out visitor gets a csrf token"
        cls.must(cls.helper.post("/admin/filters", {"filters": HELD_WORD}))
        cls.probe_c = cls.helper.submit_text(cls.comm, "Probe post in C", "")
        cls.probe_d = cls.helper.submit_text(cls.other, "Probe post in D", "")
        cls.settings_value = BIG

    # -- requests ----------------------------------------------------------------

    def send(self, case, method, path, fields, as_json):
        """One request as the case's actor."""
        headers = {"Accept": "application/json"} if as_json else None
        if case.actor == "anon_nosession":
            b = Browser(self.server)
            if method == "GET":
                return b.get(path, headers=headers)
            return b.request("POST", path, body=urllib.parse.urlencode(fields),
                             headers=headers)
        b = case.b
        if method == "GET":
            return b.get(path, headers=headers)
        return b.post(path, fields, headers=headers)

    # -- snapshots -----------------------------------------------------------------

    def anon_json(self, path):
        return Browser(self.server).get_json(path)

    def snapshot(self, case, fx):
        s = {"listing": self.anon_json("/s/%s?sort=new" % self.comm),
             "modlog": self.anon_json("/modlog"),
             "queue": self.helper.get_json("/s/%s/mod/queue" % self.comm)}
        if fx.get("pid"):
            s["thread"] = self.anon_json("/s/%s/p/%d?sort=old" % (self.comm, fx["pid"]))
        if case.name:
            s["user"] = self.anon_json("/u/%s" % case.name)
        extra = getattr(self, "snap_" + case.row, None)
        if extra is not None:
            s.update(extra(case, fx))
        return s

    def probe(self, b, pid):
        """A vote withdrawal: changes nothing, but a ban refuses it."""
        r = b.post("/vote", {"kind": "post", "id": str(pid), "dir": "0"},
                   headers={"Accept": "application/json"})
        code = r.json().get("error") if r.status != 200 else None
        return (r.status, code)

    def mods_of(self, comm):
        page = Browser(self.server).page("/s/%s" % comm).text
        m = re.search(r"<h2>Moderators</h2><ul>(.*?)</ul>", page, re.S)
        self.assertIsNotNone(m, "the community page lists its moderators")
        return re.findall(r'href="/u/([^"]+)"', m.group(1))

    def subscribers(self, comm):
        for c in self.anon_json("/communities")["communities"]:
            if c["name"] == comm:
                return c["subscribers"]
        self.fail("community %s not in /communities.json" % comm)

    def admin_values(self):
        page = self.helper.page("/admin").text
        limits = dict(re.findall(r'<input type="number"[^>]*name="(limit_\w+)" value="(\d+)"',
                                 page))
        m = re.search(r'<textarea name="filters"[^>]*>(.*?)</textarea>', page, re.S)
        return {"limits": limits, "filters": m.group(1).strip() if m else None}

    # -- fixtures ----------------------------------------------------------------------

    def new_post(self, owner, body="fixture text"):
        return owner.submit_text(self.comm, "Fixture " + uniq("t"), body)

    def new_comment(self, owner, pid):
        return owner.comment(self.comm, pid, "fixture comment " + uniq("c"))

    def helper_mod(self, **fields):
        r = self.helper.post("/mod", fields)
        self.assertStatus(r, 303, "fixture: helper /mod %r" % fields)

    def victim(self):
        b = Browser(self.server)
        b.register(uniq("zv"), PW)
        return b

    def thread(self, pid):
        return self.anon_json("/s/%s/p/%d?sort=old" % (self.comm, pid))

    def comment_of(self, thread, cid):
        for c in thread["comments"]:
            if c["id"] == cid:
                return c
        self.fail("comment %d not in the thread" % cid)

    # -- the runner --------------------------------------------------------------------

    def run_row(self, row, method, rules):
        for actor in ACTORS:
            with self.subTest(actor=actor):
                self.run_case(Case(row, method, actor, expectation(method, rules, actor)))

    def run_case(self, case):
        actor = case.actor
        if actor == "anon_visitor":
            case.b = self.visitor
        elif actor != "anon_nosession":
            case.b = self.actors[actor]
        case.owner = self.actors["author"] if actor == "author" else self.helper
        fx = getattr(self, "fx_" + case.row, lambda c: {})(case)
        if actor == "author" and fx.get("target") is not None:
            case.b = fx["target"]        # the user the action is about, acting on themself
        if case.b is not None and case.b.name:
            case.name = case.b.name
        try:
            path, fields = getattr(self, "req_" + case.row)(case, fx)
            before = self.snapshot(case, fx) if case.method == "POST" else None
            if case.exp == OK:
                r = self.send(case, case.method, path, fields, False)
                if case.method == "GET":
                    self.assertStatus(r, 200, "%s may GET %s" % (actor, path))
                else:
                    self.assertStatus(r, 303, "%s may POST %s" % (actor, path))
                after = self.snapshot(case, fx) if case.method == "POST" else None
                getattr(self, "done_" + case.row)(case, fx, before, after, r)
                return
            if case.exp[0] == "login":
                r = self.send(case, "GET", path, None, False)
                self.assertLocation(r, "/login", "signed-out GET %s" % path)
                j = self.send(case, "GET", path, None, True)
                doc = self.assertJSONError(j, 403)
                self.assertEqual(doc["error"], "login_required", doc)
                return
            status, code = case.exp
            r = self.send(case, case.method, path, fields, False)
            self.assertStatus(r, status, "%s %s %s must be refused" % (actor, case.method, path))
            self.assertEqual(r.content_type, "text/html", r.describe())
            j = self.send(case, case.method, path, fields, True)
            doc = self.assertJSONError(j, status)
            self.assertEqual(doc["error"], code, "%s %s %s: wrong reason %r"
                             % (actor, case.method, path, doc))
            self.assertIn(doc["message"], visible_text(r.text),
                          "the HTML refusal shows the same clear message")
            if actor == "banned" and code == "banned":
                self.assertIn(CBAN_REASON, doc["message"], "the ban's reason is shown")
            if actor == "site_banned" and code == "banned":
                self.assertIn(SBAN_REASON, doc["message"], "the ban's reason is shown")
            if before is not None:
                after = self.snapshot(case, fx)
                if after != before:
                    self.fail("refused %s %s by %s changed %s:\nbefore %s\nafter  %s" % (
                        case.method, path, actor, diff_keys(before, after),
                        json.dumps({k: before.get(k) for k in diff_keys(before, after)})[:1500],
                        json.dumps({k: after.get(k) for k in diff_keys(before, after)})[:1500]))
        finally:
            cleanup = getattr(self, "cleanup_" + case.row, None)
            if cleanup is not None:
                cleanup(case, fx)

    def assertLogged(self, case, after, action, **fields):
        top = after["modlog"]["actions"][0]
        self.assertEqual(top["action"], action, top)
        self.assertEqual(top["moderator"], case.name, top)
        for k, v in fields.items():
            self.assertEqual(top[k], v, top)

    # -- posting, commenting, voting -----------------------------------------------------

    def req_submit(self, case, fx):
        fx["title"] = "Authz submit " + uniq("s")
        return "/submit", {"community": self.comm, "title": fx["title"], "body": "hello"}

    def done_submit(self, case, fx, before, after, r):
        loc = location_path(r, self.server)
        m = re.match(r"^/s/%s/p/(\d+)" % self.comm, loc)
        self.assertTrue(m, loc)
        post = self.thread(int(m.group(1)))["post"]
        self.assertEqual((post["author"], post["title"]), (case.name, fx["title"]))

    def fx_comment(self, case):
        return {"pid": self.new_post(case.owner)}

    def req_comment(self, case, fx):
        fx["body"] = "authz comment " + uniq("c")
        return "/s/%s/p/%d/comment" % (self.comm, fx["pid"]), {"body": fx["body"]}

    def done_comment(self, case, fx, before, after, r):
        new = [c for c in after["thread"]["comments"] if c not in before["thread"]["comments"]]
        self.assertEqual([(c["author"], c["body"], c["parent"]) for c in new],
                         [(case.name, fx["body"], None)])

    def fx_reply(self, case):
        pid = self.new_post(self.helper)
        return {"pid": pid, "cid": self.new_comment(case.owner, pid)}

    def req_reply(self, case, fx):
        fx["body"] = "authz reply " + uniq("r")
        return ("/s/%s/p/%d/c/%d/reply" % (self.comm, fx["pid"], fx["cid"]),
                {"body": fx["body"]})

    def done_reply(self, case, fx, before, after, r):
        new = [c for c in after["thread"]["comments"] if c not in before["thread"]["comments"]]
        self.assertEqual([(c["author"], c["body"], c["parent"]) for c in new],
                         [(case.name, fx["body"], fx["cid"])])

    def fx_vote_post(self, case):
        return {"pid": self.new_post(case.owner)}

    def req_vote_post(self, case, fx):
        return "/vote", {"kind": "post", "id": str(fx["pid"]), "dir": "-1"}

    def done_vote_post(self, case, fx, before, after, r):
        self.assertNotEqual(after["thread"]["post"]["score"], before["thread"]["post"]["score"])

    fx_vote_comment = fx_reply

    def req_vote_comment(self, case, fx):
        return "/vote", {"kind": "comment", "id": str(fx["cid"]), "dir": "-1"}

    def done_vote_comment(self, case, fx, before, after, r):
        self.assertNotEqual(self.comment_of(after["thread"], fx["cid"])["score"],
                            self.comment_of(before["thread"], fx["cid"])["score"])

    # -- the author's own items ------------------------------------------------------------

    fx_post_edit = fx_vote_post

    def req_post_edit(self, case, fx):
        fx["title"] = "Edited " + uniq("e")
        return ("/s/%s/p/%d/edit" % (self.comm, fx["pid"]),
                {"title": fx["title"], "body": "edited body"})

    def done_post_edit(self, case, fx, before, after, r):
        self.assertEqual(after["thread"]["post"]["title"], fx["title"])
        self.assertEqual(after["thread"]["post"]["body"], "edited body")

    fx_post_delete = fx_vote_post

    def req_post_delete(self, case, fx):
        return "/s/%s/p/%d/delete" % (self.comm, fx["pid"]), {}

    def done_post_delete(self, case, fx, before, after, r):
        self.assertTrue(after["thread"]["post"]["deleted"])

    fx_comment_edit = fx_reply

    def req_comment_edit(self, case, fx):
        fx["body"] = "edited comment " + uniq("e")
        return ("/s/%s/p/%d/c/%d/edit" % (self.comm, fx["pid"], fx["cid"]),
                {"body": fx["body"]})

    def done_comment_edit(self, case, fx, before, after, r):
        self.assertEqual(self.comment_of(after["thread"], fx["cid"])["body"], fx["body"])

    fx_comment_delete = fx_reply

    def req_comment_delete(self, case, fx):
        return "/s/%s/p/%d/c/%d/delete" % (self.comm, fx["pid"], fx["cid"]), {}

    def done_comment_delete(self, case, fx, before, after, r):
        self.assertTrue(self.comment_of(after["thread"], fx["cid"])["deleted"])

    # -- reports ---------------------------------------------------------------------------

    fx_report = fx_vote_post

    def req_report(self, case, fx):
        fx["reason"] = "authz report " + uniq("r")
        return "/report", {"kind": "post", "id": str(fx["pid"]), "reason": fx["reason"]}

    def done_report(self, case, fx, before, after, r):
        mine = [x for x in after["queue"]["reports"]
                if x["kind"] == "post" and x["target"] == fx["pid"]]
        self.assertEqual([x["reason"] for x in mine], [fx["reason"]])

    # -- moderating items --------------------------------------------------------------------

    def mod_fields(self, action, kind, item_id, reason=None):
        f = {"action": action, "kind": kind, "id": str(item_id)}
        if reason is not None:
            f["reason"] = reason
        return "/mod", f

    fx_mod_remove_post = fx_vote_post

    def req_mod_remove_post(self, case, fx):
        return self.mod_fields("remove", "post", fx["pid"], "authz removal")

    def done_mod_remove_post(self, case, fx, before, after, r):
        self.assertTrue(after["thread"]["post"]["removed"])
        self.assertLogged(case, after, "remove", kind="post", target=fx["pid"],
                          reason="authz removal")

    fx_mod_remove_comment = fx_reply

    def req_mod_remove_comment(self, case, fx):
        return self.mod_fields("remove", "comment", fx["cid"], "authz removal")

    def done_mod_remove_comment(self, case, fx, before, after, r):
        self.assertTrue(self.comment_of(after["thread"], fx["cid"])["removed"])
        self.assertLogged(case, after, "remove", kind="comment", target=fx["cid"])

    def fx_mod_restore_post(self, case):
        fx = self.fx_vote_post(case)
        self.helper_mod(action="remove", kind="post", id=str(fx["pid"]), reason="fixture")
        return fx

    def req_mod_restore_post(self, case, fx):
        return self.mod_fields("restore", "post", fx["pid"])

    def done_mod_restore_post(self, case, fx, before, after, r):
        self.assertFalse(after["thread"]["post"]["removed"])
        self.assertLogged(case, after, "restore", kind="post", target=fx["pid"])

    def fx_mod_restore_comment(self, case):
        fx = self.fx_reply(case)
        self.helper_mod(action="remove", kind="comment", id=str(fx["cid"]), reason="fixture")
        return fx

    def req_mod_restore_comment(self, case, fx):
        return self.mod_fields("restore", "comment", fx["cid"])

    def done_mod_restore_comment(self, case, fx, before, after, r):
        self.assertFalse(self.comment_of(after["thread"], fx["cid"])["removed"])
        self.assertLogged(case, after, "restore", kind="comment", target=fx["cid"])

    def fx_mod_approve(self, case):
        pid = self.new_post(case.owner, body="this holds the word " + HELD_WORD)
        held = [p["id"] for p in self.helper.get_json("/s/%s/mod/queue" % self.comm)["held_posts"]]
        self.assertIn(pid, held, "fixture: a post with a filtered word is held")
        return {"pid": pid}

    def req_mod_approve(self, case, fx):
        return self.mod_fields("approve", "post", fx["pid"])

    def done_mod_approve(self, case, fx, before, after, r):
        self.assertNotIn(fx["pid"], [p["id"] for p in after["queue"]["held_posts"]])
        self.assertIn(fx["pid"], [p["id"] for p in after["listing"]["posts"]])
        self.assertLogged(case, after, "approve", kind="post", target=fx["pid"])

    def fx_mod_dismiss(self, case):
        fx = self.fx_vote_post(case)
        r = self.helper.post("/report", {"kind": "post", "id": str(fx["pid"]),
                                         "reason": "fixture report"})
        self.assertStatus(r, 303, "fixture: report")
        return fx

    def req_mod_dismiss(self, case, fx):
        return self.mod_fields("dismiss", "post", fx["pid"])

    def done_mod_dismiss(self, case, fx, before, after, r):
        self.assertIn(fx["pid"], [x["target"] for x in before["queue"]["reports"]])
        self.assertNotIn(fx["pid"], [x["target"] for x in after["queue"]["reports"]])
        self.assertLogged(case, after, "dismiss", kind="post", target=fx["pid"])

    fx_mod_lock = fx_vote_post

    def req_mod_lock(self, case, fx):
        return self.mod_fields("lock", "post", fx["pid"])

    def done_mod_lock(self, case, fx, before, after, r):
        self.assertTrue(after["thread"]["post"]["locked"])
        self.assertLogged(case, after, "lock", kind="post", target=fx["pid"])

    def fx_mod_unlock(self, case):
        fx = self.fx_vote_post(case)
        self.helper_mod(action="lock", kind="post", id=str(fx["pid"]))
        return fx

    def req_mod_unlock(self, case, fx):
        return self.mod_fields("unlock", "post", fx["pid"])

    def done_mod_unlock(self, case, fx, before, after, r):
        self.assertFalse(after["thread"]["post"]["locked"])
        self.assertLogged(case, after, "unlock", kind="post", target=fx["pid"])

    fx_mod_sticky = fx_vote_post

    def req_mod_sticky(self, case, fx):
        return self.mod_fields("sticky", "post", fx["pid"])

    def done_mod_sticky(self, case, fx, before, after, r):
        self.assertTrue(after["thread"]["post"]["stickied"])
        self.assertEqual(after["listing"]["posts"][0]["id"], fx["pid"],
                         "a stickied post heads its community's listing")
        self.assertLogged(case, after, "sticky", kind="post", target=fx["pid"])

    def cleanup_mod_sticky(self, case, fx):
        self.helper_mod(action="unsticky", kind="post", id=str(fx["pid"]))

    def fx_mod_unsticky(self, case):
        fx = self.fx_vote_post(case)
        self.helper_mod(action="sticky", kind="post", id=str(fx["pid"]))
        return fx

    def req_mod_unsticky(self, case, fx):
        return self.mod_fields("unsticky", "post", fx["pid"])

    def done_mod_unsticky(self, case, fx, before, after, r):
        self.assertFalse(after["thread"]["post"]["stickied"])
        self.assertLogged(case, after, "unsticky", kind="post", target=fx["pid"])

    cleanup_mod_unsticky = cleanup_mod_sticky

    # -- bans and moderators --------------------------------------------------------------

    def fx_victim(self, case):
        return {"target": self.victim()}

    def snap_victim_probes(self, case, fx):
        v = fx["target"]
        return {"probe_c": self.probe(v, self.probe_c), "probe_d": self.probe(v, self.probe_d)}

    fx_mod_ban_community = fx_victim
    snap_mod_ban_community = snap_victim_probes

    def req_mod_ban_community(self, case, fx):
        return "/mod", {"action": "ban", "user": fx["target"].name, "community": self.comm,
                        "duration": "1d", "reason": "authz ban"}

    def done_mod_ban_community(self, case, fx, before, after, r):
        self.assertEqual(before["probe_c"], (200, None))
        self.assertEqual(after["probe_c"], (403, "banned"))
        self.assertEqual(after["probe_d"], (200, None), "a community ban stays in its community")
        self.assertLogged(case, after, "ban", user=fx["target"].name, community=self.comm,
                          reason="authz ban")

    fx_mod_ban_site = fx_victim
    snap_mod_ban_site = snap_victim_probes

    def req_mod_ban_site(self, case, fx):
        return "/mod", {"action": "ban", "user": fx["target"].name, "community": "",
                        "duration": "", "reason": "authz site ban"}

    def done_mod_ban_site(self, case, fx, before, after, r):
        self.assertEqual(after["probe_c"], (403, "banned"))
        self.assertEqual(after["probe_d"], (403, "banned"))
        self.assertLogged(case, after, "ban", user=fx["target"].name, reason="authz site ban")

    def fx_mod_unban_community(self, case):
        fx = self.fx_victim(case)
        self.helper_mod(action="ban", user=fx["target"].name, community=self.comm,
                        reason="fixture")
        return fx

    snap_mod_unban_community = snap_victim_probes

    def req_mod_unban_community(self, case, fx):
        return "/mod", {"action": "unban", "user": fx["target"].name, "community": self.comm}

    def done_mod_unban_community(self, case, fx, before, after, r):
        self.assertEqual(before["probe_c"], (403, "banned"))
        self.assertEqual(after["probe_c"], (200, None))
        self.assertLogged(case, after, "unban", user=fx["target"].name, community=self.comm)

    def fx_mod_unban_site(self, case):
        fx = self.fx_victim(case)
        self.helper_mod(action="ban", user=fx["target"].name, community="", reason="fixture")
        return fx

    snap_mod_unban_site = snap_victim_probes

    def req_mod_unban_site(self, case, fx):
        return "/mod", {"action": "unban", "user": fx["target"].name, "community": ""}

    def done_mod_unban_site(self, case, fx, before, after, r):
        self.assertEqual(before["probe_d"], (403, "banned"))
        self.assertEqual((after["probe_c"], after["probe_d"]), ((200, None), (200, None)))
        self.assertLogged(case, after, "unban", user=fx["target"].name)

    def snap_appointment(self, case, fx):
        q = fx["target"].request_json("/s/%s/mod/queue" % self.comm)
        return {"mods": self.mods_of(self.comm), "victim_queue": q.status}

    fx_mod_appoint = fx_victim
    snap_mod_appoint = snap_appointment

    def req_mod_appoint(self, case, fx):
        return "/mod", {"action": "appoint", "user": fx["target"].name, "community": self.comm}

    def done_mod_appoint(self, case, fx, before, after, r):
        self.assertEqual(after["mods"], before["mods"] + [fx["target"].name],
                         "appointed moderators are added last")
        self.assertEqual(after["victim_queue"], 200)
        self.assertLogged(case, after, "appoint", user=fx["target"].name, community=self.comm)

    def fx_mod_unappoint(self, case):
        fx = self.fx_victim(case)
        self.helper_mod(action="appoint", user=fx["target"].name, community=self.comm)
        return fx

    snap_mod_unappoint = snap_appointment

    def req_mod_unappoint(self, case, fx):
        return "/mod", {"action": "unappoint", "user": fx["target"].name,
                        "community": self.comm}

    def done_mod_unappoint(self, case, fx, before, after, r):
        self.assertIn(fx["target"].name, before["mods"])
        self.assertNotIn(fx["target"].name, after["mods"])
        self.assertEqual(after["victim_queue"], 403)
        self.assertLogged(case, after, "unappoint", user=fx["target"].name)

    # -- communities ----------------------------------------------------------------------

    def fx_create(self, case):
        return {"new": uniq("Cr")}

    def snap_create(self, case, fx):
        return {"exists": Browser(self.server).request_json("/s/%s" % fx["new"]).status}

    def req_create(self, case, fx):
        return "/create", {"name": fx["new"], "title": "Created by " + case.actor,
                           "description": "made in the authz test"}

    def done_create(self, case, fx, before, after, r):
        self.assertEqual(before["exists"], 404)
        self.assertEqual(after["exists"], 200)
        self.assertEqual(urllib.parse.urlsplit(location_path(r, self.server)).path,
                         "/s/" + fx["new"])

    def fx_community_edit(self, case):
        return {"text": uniq("desc")}

    def snap_community_edit(self, case, fx):
        page = Browser(self.server).page("/s/%s" % self.comm).text
        aside = page[page.find("<aside>"):]
        return {"side": re.findall(r'<div class="body">(.*?)</div>', aside, re.S)}

    def req_community_edit(self, case, fx):
        return "/s/%s/mod/edit" % self.comm, {
            "title": self.comm_title, "description": "Description " + fx["text"],
            "rules": "Rules " + fx["text"]}

    def done_community_edit(self, case, fx, before, after, r):
        side = " ".join(after["side"])
        self.assertIn("Description " + fx["text"], side)
        self.assertIn("Rules " + fx["text"], side)
        self.assertLogged(case, after, "edit community", community=self.comm)

    def fx_subscribe(self, case):
        name = uniq("Sub")
        self.helper.create_community(name)
        return {"x": name}

    def snap_subscribe(self, case, fx):
        return {"subscribers": self.subscribers(fx["x"])}

    def req_subscribe(self, case, fx):
        return "/s/%s/subscribe" % fx["x"], {}

    def done_subscribe(self, case, fx, before, after, r):
        self.assertEqual(after["subscribers"], before["subscribers"] + 1)

    def fx_unsubscribe(self, case):
        fx = self.fx_subscribe(case)
        if case.actor in SIGNED_IN:
            case.b.post("/s/%s/subscribe" % fx["x"], {})   # may itself be refused
        return fx

    snap_unsubscribe = snap_subscribe

    def req_unsubscribe(self, case, fx):
        return "/s/%s/unsubscribe" % fx["x"], {}

    def done_unsubscribe(self, case, fx, before, after, r):
        self.assertEqual(after["subscribers"], before["subscribers"] - 1)

    # -- blocks ---------------------------------------------------------------------------

    def fx_block(self, case):
        v = self.victim()
        return {"target": v, "vpid": v.submit_text(self.comm, "Victim post " + uniq("b"), "")}

    def snap_block(self, case, fx):
        if case.b is None:
            return {}
        page = case.b.page("/s/%s/p/%d" % (self.comm, fx["vpid"])).text
        return {"blocked_view": "[blocked]" in visible_text(page)}

    def req_block(self, case, fx):
        return "/block", {"user": fx["target"].name}

    def done_block(self, case, fx, before, after, r):
        self.assertEqual((before["blocked_view"], after["blocked_view"]), (False, True))

    def fx_unblock(self, case):
        fx = self.fx_block(case)
        if case.actor in SIGNED_IN and case.actor != "author":
            self.assertStatus(case.b.post("/block", {"user": fx["target"].name}), 303,
                              "fixture: block")
        return fx

    snap_unblock = snap_block

    def req_unblock(self, case, fx):
        return "/unblock", {"user": fx["target"].name}

    def done_unblock(self, case, fx, before, after, r):
        self.assertEqual((before["blocked_view"], after["blocked_view"]), (True, False))

    # -- site administration --------------------------------------------------------------

    def fx_admin_page(self, case):
        return {"title": "Welcome " + uniq("w")}

    def snap_admin_page(self, case, fx):
        return {"welcome": self.anon_json("/welcome")}

    def req_admin_page(self, case, fx):
        return "/admin/page", {"slug": "welcome", "title": fx["title"],
                               "body": "Edited by the authz test."}

    def done_admin_page(self, case, fx, before, after, r):
        self.assertEqual(after["welcome"]["title"], fx["title"])
        self.assertLogged(case, after, "edit page")

    def fx_admin_settings(self, case):
        type(self).settings_value -= 1
        return {"value": self.settings_value}

    def snap_admin_settings(self, case, fx):
        return {"admin": self.admin_values()}

    def req_admin_settings(self, case, fx):
        return "/admin/settings", {"limit_comments": str(fx["value"])}

    def done_admin_settings(self, case, fx, before, after, r):
        self.assertEqual(after["admin"]["limits"].get("limit_comments"), str(fx["value"]))
        self.assertLogged(case, after, "settings")

    def fx_admin_filters(self, case):
        return {"word": uniq("flt")}

    snap_admin_filters = snap_admin_settings

    def req_admin_filters(self, case, fx):
        return "/admin/filters", {"filters": HELD_WORD + "\n" + fx["word"]}

    def done_admin_filters(self, case, fx, before, after, r):
        self.assertEqual(after["admin"]["filters"].split(), [HELD_WORD, fx["word"]])
        self.assertLogged(case, after, "filters")

    # -- pages only moderators and admins see ---------------------------------------------

    def req_get_queue(self, case, fx):
        return "/s/%s/mod/queue" % self.comm, None

    def done_get_queue(self, case, fx, before, after, r):
        j = case.b.get_json("/s/%s/mod/queue" % self.comm)
        for key in ("reports", "held_posts", "held_comments"):
            self.assertIsInstance(j.get(key), list, j)

    def req_get_community_edit(self, case, fx):
        return "/s/%s/mod/edit" % self.comm, None

    def done_get_community_edit(self, case, fx, before, after, r):
        self.assertIn('action="/s/%s/mod/edit"' % self.comm, r.text)

    def req_get_admin(self, case, fx):
        return "/admin", None

    def done_get_admin(self, case, fx, before, after, r):
        self.assertIn('action="/admin/filters"', r.text)

    # -- what the table cannot say --------------------------------------------------------

    def test_banned_author_may_delete_but_not_edit(self):
        """A ban keeps the author from editing in the community, not from
        deleting their own post or comment (app_authz.c)."""
        for scope in (self.comm, ""):
            with self.subTest(ban="community" if scope else "site"):
                a = self.victim()
                pid = a.submit_text(self.comm, "Banned author's post", "words")
                cid = a.comment(self.comm, pid, "banned author's comment")
                self.helper_mod(action="ban", user=a.name, community=scope,
                                reason="banned author test")
                before = self.thread(pid)
                r = a.post("/s/%s/p/%d/edit" % (self.comm, pid), {"title": "Changed"},
                           headers={"Accept": "application/json"})
                doc = self.assertJSONError(r, 403)
                self.assertEqual(doc["error"], "banned")
                self.assertIn("banned author test", doc["message"])
                r = a.post("/s/%s/p/%d/c/%d/edit" % (self.comm, pid, cid), {"body": "Changed"},
                           headers={"Accept": "application/json"})
                self.assertEqual(self.assertJSONError(r, 403)["error"], "banned")
                self.assertEqual(self.thread(pid), before)
                self.assertStatus(a.post("/s/%s/p/%d/c/%d/delete" % (self.comm, pid, cid), {}),
                                  303)
                self.assertStatus(a.post("/s/%s/p/%d/delete" % (self.comm, pid), {}), 303)
                t = self.thread(pid)
                self.assertTrue(t["post"]["deleted"])
                self.assertTrue(self.comment_of(t, cid)["deleted"])

    def test_moderator_of_one_community_cannot_act_in_another(self):
        """Naming another community's item or community in /mod is refused."""
        omod = self.actors["other_mod"]
        pid = self.new_post(self.helper)
        v = self.victim()
        before = self.snapshot(Case("x", "POST", "other_mod", None), {"pid": pid})
        for fields in ({"action": "remove", "kind": "post", "id": str(pid)},
                       {"action": "lock", "kind": "post", "id": str(pid)},
                       {"action": "ban", "user": v.name, "community": self.comm},
                       {"action": "appoint", "user": v.name, "community": self.comm}):
            r = omod.post("/mod", fields, headers={"Accept": "application/json"})
            self.assertIn(self.assertJSONError(r, 403)["error"],
                          ("not_moderator", "not_allowed"), fields)
        self.assertEqual(self.snapshot(Case("x", "POST", "other_mod", None), {"pid": pid}),
                         before)
        self.assertEqual(self.probe(v, self.probe_c), (200, None))

    def test_admins_and_oneself_cannot_be_banned(self):
        admin = self.actors["admin"]
        for who, fields in (("an admin", {"user": self.helper.name}),
                            ("oneself", {"user": admin.name})):
            for scope in (self.comm, ""):
                with self.subTest(who=who, scope=scope or "site"):
                    r = admin.post("/mod", dict(fields, action="ban", community=scope),
                                   headers={"Accept": "application/json"})
                    self.assertJSONError(r, 403)
        self.assertEqual(self.probe(self.helper, self.probe_c), (200, None))


def _make_test(row, method, rules):
    def test(self):
        self.run_row(row, method, rules)
    test.__doc__ = "%s for every actor" % row
    return test


for _row, _label, _method, _rules in TABLE:
    setattr(AuthzTest, "test_row_%s" % _row, _make_test(_row, _method, _rules))

if __name__ == "__main__":
    print(permission_table())
