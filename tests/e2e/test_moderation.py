# SPDX-License-Identifier: AGPL-3.0-or-later
"""Moderation: reports and the queue, held submissions, remove/restore,
lock, sticky, community and site bans, moderators, community editing and
the public mod log (SPEC.md, Moderation). Who may do what is
test_authz.py's subject; this file checks what the actions do."""

import re
import time
import urllib.parse

from harness import (Browser, ParleyTestCase, RFC3339_UTC, form_actions, hrefs, uniq,
                     visible_text)

PW = "correct-horse-1"
HELD_WORD = "zqfilteredword"
BIG = 100000
JSON = {"Accept": "application/json"}


class ModerationTest(ParleyTestCase):

    site_limits = dict(ParleyTestCase.site_limits,
                       limit_posts=BIG, limit_posts_new=BIG, limit_comments=BIG,
                       limit_comments_new=BIG, limit_votes=BIG, limit_votes_new=BIG)

    @classmethod
    def setUpServer(cls):
        cls.admin = cls.login_new("madm", admin=True)
        cls.creator = cls.login_new("mcre")      # creates the communities
        cls.mod = cls.login_new("mmod")          # appointed in each of them
        r = cls.admin.post("/admin/filters", {"filters": HELD_WORD})
        if r.status != 303:
            raise AssertionError("setting the filter list: " + r.describe())

    # -- helpers -------------------------------------------------------------------

    def community(self, prefix="Mc"):
        """A new community made by `creator`, with `mod` appointed."""
        name = uniq(prefix)
        self.creator.create_community(name, title="Title of " + name)
        self.act(self.creator, "appoint", user=self.mod.name, community=name)
        return name

    def user(self, prefix="mu"):
        b = Browser(self.server)
        b.register(uniq(prefix), PW)
        return b

    def act(self, b, action, expect=303, **fields):
        """POST /mod as b; asserts the status."""
        fields = dict(fields, action=action)
        for k in ("id",):
            if k in fields:
                fields[k] = str(fields[k])
        r = b.post("/mod", fields)
        self.assertStatus(r, expect, "/mod %r" % fields)
        return r

    def jact(self, b, action, **fields):
        """POST /mod as a JSON client; returns the response."""
        fields = dict(fields, action=action)
        if "id" in fields:
            fields["id"] = str(fields["id"])
        return b.post("/mod", fields, headers=JSON)

    def report(self, b, kind, item_id, reason, expect=303):
        r = b.post("/report", {"kind": kind, "id": str(item_id), "reason": reason})
        self.assertStatus(r, expect, "report %s %s" % (kind, item_id))
        return r

    def queue(self, comm, b=None):
        return (b or self.mod).get_json("/s/%s/mod/queue" % comm)

    def thread(self, comm, pid, b=None):
        return (b or Browser(self.server)).get_json("/s/%s/p/%d?sort=old" % (comm, pid))

    def page(self, path, b=None):
        return (b or Browser(self.server)).page(path).text

    def comment_of(self, thread, cid):
        for c in thread["comments"]:
            if c["id"] == cid:
                return c
        self.fail("comment %d is not in the thread" % cid)

    def listing_ids(self, path, b=None):
        return [p["id"] for p in (b or Browser(self.server)).get_json(path)["posts"]]

    def modlog(self, path="/modlog", b=None):
        return (b or Browser(self.server)).get_json(path)["actions"]

    def assertNotShown(self, needle, text, msg):
        """needle (any case) is nowhere in text; the failure quotes where it is."""
        low, n = text.lower(), needle.lower()
        spots = [m.start() for m in re.finditer(re.escape(n), low)][:4]
        if spots:
            self.fail("%s: %r found at %s" % (msg, needle, " | ".join(
                repr(text[max(0, i - 50):i + len(n) + 20]) for i in spots)))

    def refused(self, r, status, code=None, words=()):
        doc = self.assertJSONError(r, status)
        if code is not None:
            self.assertEqual(doc["error"], code, doc)
        for w in words:
            self.assertIn(w, doc["message"], doc)
        return doc

    # -- reports ---------------------------------------------------------------------

    def test_report_reason_once_per_open_report_and_reporter_hidden(self):
        comm = self.community()
        author = self.user("mauth")
        pid = author.submit_text(comm, "Reported post", "some words")
        cid = author.comment(comm, pid, "reported comment")
        snitch = self.user("msnitch")
        other = self.user("mother")

        form = snitch.page("/report?kind=post&id=%d" % pid).text
        self.assertIn("/report", form_actions(form), "the report form posts to /report")
        self.refused(snitch.post("/report", {"kind": "post", "id": str(pid), "reason": ""},
                                 headers=JSON), 400)
        self.refused(snitch.post("/report", {"kind": "post", "id": "999999999",
                                             "reason": "x"}, headers=JSON), 404)
        self.assertEqual(self.queue(comm)["reports"], [], "refused reports leave no trace")
        self.report(snitch, "post", pid, "spam link farm")
        r = snitch.post("/report", {"kind": "post", "id": str(pid), "reason": "again"})
        self.assertStatus(r, 409, "a second open report by the same user")
        self.refused(snitch.post("/report", {"kind": "post", "id": str(pid), "reason": "again"},
                                 headers=JSON), 409, "already_reported")
        self.report(other, "post", pid, "another reader agrees")
        self.report(snitch, "comment", cid, "rude comment")
        self.refused(snitch.post("/report", {"kind": "comment", "id": str(cid),
                                             "reason": "again"}, headers=JSON), 409)
        q = self.queue(comm)
        self.assertEqual([(x["kind"], x["target"], x["reason"]) for x in q["reports"]],
                         [("post", pid, "spam link farm"), ("post", pid, "another reader agrees"),
                          ("comment", cid, "rude comment")])
        for x in q["reports"]:
            self.assertRegex(x["created"], RFC3339_UTC)

        # the reporter is never shown: queue, mod log, the item's page
        views = {
            "queue html": self.page("/s/%s/mod/queue" % comm, self.mod),
            "queue json": self.mod.get("/s/%s/mod/queue.json" % comm).text,
            "post page (mod)": self.page("/s/%s/p/%d" % (comm, pid), self.mod),
        }
        self.act(self.mod, "dismiss", kind="post", id=pid)
        self.act(self.mod, "remove", kind="comment", id=cid, reason="rude")
        views.update({
            "modlog html": self.page("/s/%s/modlog" % comm),
            "modlog json": Browser(self.server).get("/s/%s/modlog.json" % comm).text,
            "site modlog html": self.page("/modlog"),
            "site modlog json": Browser(self.server).get("/modlog.json").text,
        })
        self.assertIn("spam link farm", views["queue html"], "moderators see the reason")
        for where, text in views.items():
            for who in (snitch.name, other.name):
                self.assertNotIn(who, text, "the reporter %s is shown in the %s" % (who, where))
        # dismissing resolved the open reports: the same user may report again
        self.assertEqual(self.queue(comm)["reports"], [])
        self.report(snitch, "post", pid, "it is back")

    def test_queue_lists_reports_oldest_first(self):
        comm = self.community()
        author = self.user("mauth")
        titles = ["Queue first " + uniq("q"), "Queue second " + uniq("q"),
                  "Queue third " + uniq("q")]
        p1, p2, p3 = [author.submit_text(comm, t, "") for t in titles]
        snitch = self.user("msn")
        for pid, why in ((p2, "reported first"), (p3, "reported second"),
                         (p1, "reported third")):
            self.report(snitch, "post", pid, why)
        q = self.queue(comm)
        self.assertEqual([x["target"] for x in q["reports"]], [p2, p3, p1], "oldest first")
        page = self.page("/s/%s/mod/queue" % comm, self.mod)
        pos = [page.find(titles[1]), page.find(titles[2]), page.find(titles[0])]
        self.assertTrue(all(p >= 0 for p in pos), "the queue page shows the reported posts")
        self.assertEqual(pos, sorted(pos), "the queue page lists the oldest report first")
        # approve resolves a report and leaves the post up
        self.act(self.mod, "approve", kind="post", id=p3)
        self.assertEqual([x["target"] for x in self.queue(comm)["reports"]], [p2, p1])
        self.assertFalse(self.thread(comm, p3)["post"]["removed"])
        # removing one resolves it too and lists it under recent removals
        self.act(self.mod, "remove", kind="post", id=p2, reason="spam")
        self.assertEqual([x["target"] for x in self.queue(comm)["reports"]], [p1])
        page = visible_text(self.page("/s/%s/mod/queue" % comm, self.mod))
        self.assertIn("removed post %d" % p2, page, "recent removals are in the queue")

    def test_filtered_submissions_are_held_until_approved(self):
        comm = self.community()
        author = self.user("mauth")
        held_title = "Buy now " + HELD_WORD.upper() + " " + uniq("h")
        h1 = author.submit_text(comm, held_title, "held body text")
        h2 = author.submit_text(comm, "Second held", "body with " + HELD_WORD)
        ok = author.submit_text(comm, "Ordinary post", "nothing to see")
        hc = author.comment(comm, ok, "a comment with " + HELD_WORD + " inside")
        anon = Browser(self.server)

        q = self.queue(comm)
        self.assertEqual([p["id"] for p in q["held_posts"]], [h1, h2], "held, oldest first")
        self.assertEqual([c["id"] for c in q["held_comments"]], [hc])
        qpage = self.page("/s/%s/mod/queue" % comm, self.mod)
        self.assertIn(held_title, qpage, "moderators see the held text")
        # not published: listings, the post page and its JSON, the profile
        for path in ("/s/%s?sort=new" % comm, "/?sort=new"):
            ids = self.listing_ids(path)
            self.assertNotIn(h1, ids, path)
            self.assertNotIn(h2, ids, path)
            self.assertIn(ok, ids, path)
        for path in ("/s/%s/p/%d" % (comm, h1), "/s/%s/p/%d" % (comm, ok),
                     "/u/%s" % author.name, "/s/%s" % comm):
            with self.subTest(held_html=path):
                page = anon.page(path).text
                self.assertNotShown(HELD_WORD, page, "held text shown to others on " + path)
        self.assertIn("[held for review]", visible_text(anon.page("/s/%s/p/%d" % (comm, h1)).text))
        self.assertIn("[held for review]", visible_text(anon.page("/s/%s/p/%d" % (comm, ok)).text))
        mine = visible_text(author.page("/s/%s/p/%d" % (comm, h1)).text)
        self.assertIn("held body text", mine, "the author sees their held post")
        self.assertIn("held for review", mine)
        for path in ("/s/%s/p/%d" % (comm, h1), "/s/%s/p/%d" % (comm, ok),
                     "/u/%s" % author.name):
            with self.subTest(held_json=path):
                text = anon.request_json(path).text
                self.assertNotShown(HELD_WORD, text, "held text published in JSON " + path)

        # approve publishes; remove keeps it out with the reason
        self.act(self.mod, "approve", kind="post", id=h1)
        self.act(self.mod, "approve", kind="comment", id=hc)
        self.act(self.mod, "remove", kind="post", id=h2, reason="advertising")
        q = self.queue(comm)
        self.assertEqual((q["held_posts"], q["held_comments"]), ([], []))
        self.assertIn(h1, self.listing_ids("/s/%s?sort=new" % comm))
        self.assertNotIn(h2, self.listing_ids("/s/%s?sort=new" % comm))
        self.assertIn("held body text", visible_text(anon.page("/s/%s/p/%d" % (comm, h1)).text))
        self.assertIn(HELD_WORD, visible_text(anon.page("/s/%s/p/%d" % (comm, ok)).text))
        self.assertIn("[removed]", visible_text(anon.page("/s/%s/p/%d" % (comm, h2)).text))
        acts = [(a["action"], a["target"]) for a in self.modlog("/s/%s/modlog" % comm)]
        for line in (("approve", h1), ("approve", hc), ("remove", h2)):
            self.assertIn(line, acts)

    # -- remove and restore -----------------------------------------------------------

    def test_remove_shows_removed_to_others_and_reason_to_author(self):
        comm = self.community()
        author = self.user("mauth")
        title_word = uniq("Ttl")
        pid = author.submit_text(comm, "Removable " + title_word, "secret body words")
        other = self.user("mread")
        cid = author.comment(comm, pid, "comment words to remove")
        rid = other.comment(comm, pid, "a reply that stays")  # top-level, stays readable
        rep = other.reply(comm, pid, cid, "reply under the removed comment")
        path = "/s/%s/p/%d" % (comm, pid)

        self.act(self.mod, "remove", kind="comment", id=cid, reason="be civil please")
        for who, b in (("anon", Browser(self.server)), ("other", other)):
            text = visible_text(b.page(path).text)
            self.assertIn("[removed]", text, who)
            self.assertNotIn("comment words to remove", text, who)
            self.assertIn("reply under the removed comment", text, "replies stay (%s)" % who)
        c = self.comment_of(self.thread(comm, pid), cid)
        self.assertTrue(c["removed"])
        self.assertIsNone(c["body"], "removed text is gone from the JSON")
        mine = visible_text(author.page(path).text)
        self.assertIn("comment words to remove", mine, "the author still sees their text")
        self.assertIn("be civil please", mine, "the author sees the reason")

        self.act(self.mod, "remove", kind="post", id=pid, reason="rule 2: no spam")
        for who, b in (("anon", Browser(self.server)), ("other", other)):
            page = b.page(path).text
            self.assertIn("[removed]", visible_text(page), who)
            self.assertNotIn("secret body words", page, who)
            with self.subTest(removed_title=who):
                self.assertNotShown(title_word, page, "the removed title is shown to %s" % who)
        t = self.thread(comm, pid)
        self.assertTrue(t["post"]["removed"])
        self.assertIsNone(t["post"]["body"])
        self.assertNotIn(title_word, str(t["post"]["title"]))
        mine = visible_text(author.page(path).text)
        self.assertIn("secret body words", mine)
        self.assertIn("rule 2: no spam", mine)
        # nobody comments on or votes in a removed post
        self.refused(other.post(path + "/comment", {"body": "hello?"}, headers=JSON), 403)

        notes = [n for n in author.get_json("/inbox")["items"] if n["kind"] == "notice"]
        texts = " | ".join(n["body"] for n in notes)
        self.assertIn("rule 2: no spam", texts, "the author is told why")
        self.assertIn("be civil please", texts)
        inbox = author.page("/inbox").text
        self.assertIn("rule 2: no spam", visible_text(inbox))
        self.assertTrue(any(h.startswith(path) for h in hrefs(inbox)), "the notice links the item")

        self.act(self.mod, "restore", kind="post", id=pid)
        self.act(self.mod, "restore", kind="comment", id=cid)
        text = visible_text(Browser(self.server).page(path).text)
        self.assertIn("secret body words", text)
        self.assertIn("comment words to remove", text)
        self.assertNotIn("[removed]", text)
        t = self.thread(comm, pid)
        self.assertFalse(t["post"]["removed"])
        self.assertEqual(t["post"]["body"], "secret body words")
        self.assertEqual(self.comment_of(t, cid)["body"], "comment words to remove")
        self.assertIn(rid, [c["id"] for c in t["comments"]])
        log = [(a["action"], a["kind"], a["target"], a["reason"])
               for a in self.modlog("/s/%s/modlog" % comm)]
        self.assertIn(("remove", "post", pid, "rule 2: no spam"), log)
        self.assertIn(("remove", "comment", cid, "be civil please"), log)
        self.assertIn(("restore", "post", pid, None), log)
        self.assertIn(("restore", "comment", cid, None), log)

    # -- lock ---------------------------------------------------------------------------

    def test_lock_stops_comments_and_votes(self):
        comm = self.community()
        author = self.user("mauth")
        pid = author.submit_text(comm, "Lockable", "text")
        cid = author.comment(comm, pid, "before the lock")
        other = self.user("mread")
        path = "/s/%s/p/%d" % (comm, pid)
        self.act(self.mod, "lock", kind="post", id=pid)
        for b in (Browser(self.server), other, author):
            self.assertIn("(post is locked)", visible_text(b.page(path).text))
        self.assertTrue(self.thread(comm, pid)["post"]["locked"])
        self.assertNotIn(path + "/comment", form_actions(other.page(path).text),
                         "no comment form on a locked post")
        before = self.thread(comm, pid)
        for label, p, fields in (
                ("comment", path + "/comment", {"body": "after the lock"}),
                ("reply", "%s/c/%d/reply" % (path, cid), {"body": "after the lock"}),
                ("vote post", "/vote", {"kind": "post", "id": str(pid), "dir": "1"}),
                ("vote comment", "/vote", {"kind": "comment", "id": str(cid), "dir": "-1"})):
            with self.subTest(what=label):
                r = other.post(p, fields)
                self.assertStatus(r, 403, label)
                self.assertIn("locked", visible_text(r.text))
                self.refused(other.post(p, fields, headers=JSON), 403, "locked", ["locked"])
        self.refused(author.post(path + "/edit", {"title": "changed"}, headers=JSON), 403,
                     "locked")
        self.assertEqual(self.thread(comm, pid), before, "nothing changed on the locked post")
        self.act(self.mod, "unlock", kind="post", id=pid)
        self.assertNotIn("(post is locked)", visible_text(other.page(path).text))
        other.comment(comm, pid, "after the unlock")
        other.vote("post", pid, 1)
        self.assertEqual(self.thread(comm, pid)["post"]["score"], 2)

    # -- sticky ---------------------------------------------------------------------------

    def test_sticky_puts_at_most_two_posts_on_top(self):
        comm = self.community()
        ids = [self.admin.submit_text(comm, "Sticky candidate %d" % i, "") for i in range(28)]
        a, b, c = ids[0], ids[1], ids[2]        # the oldest three
        self.act(self.mod, "sticky", kind="post", id=a)
        first = self.listing_ids("/s/%s?sort=new" % comm)
        self.assertEqual(first[0], a, "a stickied post heads the first page")
        page = self.page("/s/%s?sort=new" % comm)
        rows = re.findall(r'<li class="post" id="p(\d+)"', page)
        self.assertEqual(int(rows[0]), a, "the HTML lists the stickied post first")
        self.assertIn("stickied", visible_text(page))
        self.act(self.mod, "sticky", kind="post", id=b)
        first = self.listing_ids("/s/%s?sort=new" % comm)
        self.assertEqual(set(first[:2]), {a, b})
        self.assertTrue(self.thread(comm, a)["post"]["stickied"])
        r = self.jact(self.mod, "sticky", kind="post", id=c)
        self.refused(r, 409)
        self.assertStatus(self.mod.post("/mod", {"action": "sticky", "kind": "post",
                                                 "id": str(c)}), 409)
        self.assertFalse(self.thread(comm, c)["post"]["stickied"], "a third is refused")
        # paging visits every post once, the stickied ones on page one only
        seen, path = [], "/s/%s?sort=new" % comm
        for _ in range(5):
            doc = Browser(self.server).get_json(path)
            seen += [p["id"] for p in doc["posts"]]
            if doc["after"] is None:
                break
            path = "/s/%s?sort=new&after=%s" % (comm, urllib.parse.quote(doc["after"]))
        self.assertEqual(sorted(seen), sorted(ids), "each post exactly once across pages")
        # the front page keeps them in their sort position
        front = self.listing_ids("/?sort=new")
        if a in front:
            self.assertNotEqual(front[0], a)
        self.act(self.mod, "unsticky", kind="post", id=a)
        self.assertFalse(self.thread(comm, a)["post"]["stickied"])
        self.act(self.mod, "sticky", kind="post", id=c)
        self.assertEqual(set(self.listing_ids("/s/%s?sort=new" % comm)[:2]), {b, c})

    # -- bans ---------------------------------------------------------------------------

    def try_everything(self, b, comm, pid, cid):
        """Posting, commenting, replying, voting and reporting in comm as JSON."""
        path = "/s/%s/p/%d" % (comm, pid)
        return {
            "submit": b.post("/submit", {"community": comm, "title": "Try " + uniq("t"),
                                         "body": ""}, headers=JSON),
            "comment": b.post(path + "/comment", {"body": "trying"}, headers=JSON),
            "reply": b.post("%s/c/%d/reply" % (path, cid), {"body": "trying"}, headers=JSON),
            "vote": b.post("/vote", {"kind": "post", "id": str(pid), "dir": "-1"},
                           headers=JSON),
            "report": b.post("/report", {"kind": "post", "id": str(pid), "reason": "x"},
                             headers=JSON),
        }

    def test_community_ban_with_duration_and_reason(self):
        comm, other = self.community(), self.community()
        u = self.user("mbad")
        pc = self.admin.submit_text(comm, "Ban target post", "")
        cc = self.admin.comment(comm, pc, "a comment")
        po = self.admin.submit_text(other, "Elsewhere post", "")
        co = self.admin.comment(other, po, "a comment elsewhere")
        before_c = (self.thread(comm, pc), self.listing_ids("/s/%s?sort=new" % comm))

        self.act(self.mod, "ban", user=u.name, community=comm, duration="2d",
                 reason="spamming links here")
        for what, r in self.try_everything(u, comm, pc, cc).items():
            with self.subTest(what=what):
                doc = self.refused(r, 403, "banned", ["spamming links here", "until"])
                self.assertIn("this community", doc["message"])
        r = u.post("/s/%s/p/%d/comment" % (comm, pc), {"body": "html try"})
        self.assertStatus(r, 403)
        self.assertIn("spamming links here", visible_text(r.text), "the HTML shows the reason")
        self.assertEqual((self.thread(comm, pc), self.listing_ids("/s/%s?sort=new" % comm)),
                         before_c, "nothing changed in the community")
        for what, r in self.try_everything(u, other, po, co).items():
            with self.subTest(what=what, where="other community"):
                self.assertIn(r.status, (200, 303), "a community ban stays in its community: "
                              + r.describe())
        line = self.modlog("/s/%s/modlog" % comm)[0]
        self.assertEqual((line["action"], line["user"], line["moderator"], line["reason"],
                          line["community"]),
                         ("ban", u.name, self.mod.name, "spamming links here", comm))
        self.assertRegex(line["expires"] or "", RFC3339_UTC, "a timed ban has its end")
        notes = " ".join(n["body"] for n in u.get_json("/inbox")["items"])
        self.assertIn("banned", notes)
        self.assertIn(comm, notes)

        self.act(self.mod, "unban", user=u.name, community=comm)
        u.submit_text(comm, "Back again", "")
        self.refused(self.jact(self.mod, "unban", user=u.name, community=comm), 404)
        # for good: no end
        self.act(self.mod, "ban", user=u.name, community=comm, duration="", reason="enough")
        doc = self.refused(u.post("/vote", {"kind": "post", "id": str(pc), "dir": "1"},
                                  headers=JSON), 403, "banned", ["for good", "enough"])
        self.assertNotIn("until", doc["message"])
        self.assertIsNone(self.modlog("/s/%s/modlog" % comm)[0]["expires"])
        self.act(self.mod, "unban", user=u.name, community=comm)
        self.refused(self.jact(self.mod, "ban", user=u.name, community=comm,
                               duration="forever"), 400)

    def test_timed_ban_ends_by_itself(self):
        comm = self.community()
        u = self.user("mshort")
        pid = self.admin.submit_text(comm, "Short ban post", "")
        self.act(self.mod, "ban", user=u.name, community=comm, duration="2s",
                 reason="cool down")
        self.refused(u.post("/vote", {"kind": "post", "id": str(pid), "dir": "1"},
                            headers=JSON), 403, "banned", ["cool down"])
        time.sleep(2.2)
        u.vote("post", pid, 1)
        self.assertEqual(self.thread(comm, pid)["post"]["score"], 2)

    def test_site_ban_blocks_everywhere_and_only_admins_give_it(self):
        comm, other = self.community(), self.community()
        u = self.user("msite")
        own = u.submit_text(comm, "Own post before the ban", "")
        pc = self.admin.submit_text(comm, "Site ban post", "")
        cc = self.admin.comment(comm, pc, "c")
        po = self.admin.submit_text(other, "Site ban elsewhere", "")
        co = self.admin.comment(other, po, "c")
        r = self.jact(self.mod, "ban", user=u.name, community="", reason="mods cannot")
        self.refused(r, 403, "not_admin")
        self.assertEqual(self.thread(comm, pc)["post"]["score"], 1)
        u.vote("post", pc, 1)            # not banned yet
        u.vote("post", pc, 0)

        self.act(self.admin, "ban", user=u.name, community="", duration="",
                 reason="site-wide spam")
        for where, (c, p, cid) in (("this", (comm, pc, cc)), ("other", (other, po, co))):
            for what, r in self.try_everything(u, c, p, cid).items():
                with self.subTest(what=what, where=where):
                    doc = self.refused(r, 403, "banned", ["site-wide spam", "for good"])
                    self.assertIn("this site", doc["message"])
        self.refused(u.post("/create", {"name": uniq("Nope"), "title": "t"}, headers=JSON),
                     403, "banned")
        line = self.modlog("/modlog")[0]
        self.assertEqual((line["action"], line["user"], line["moderator"], line["community"]),
                         ("ban", u.name, self.admin.name, None))
        # they may still delete their own content and block people
        self.assertStatus(u.post("/s/%s/p/%d/delete" % (comm, own), {}), 303)
        self.assertStatus(u.post("/block", {"user": self.mod.name}), 303)
        self.act(self.admin, "unban", user=u.name, community="")
        u.submit_text(other, "Allowed again", "")
        u.vote("post", pc, 1)

    # -- moderators -----------------------------------------------------------------------

    def mods_of(self, comm):
        page = self.page("/s/%s" % comm)
        m = re.search(r"<h2>Moderators</h2><ul>(.*?)</ul>", page, re.S)
        self.assertIsNotNone(m, "the community page lists its moderators")
        return re.findall(r'href="/u/([^"]+)"', m.group(1))

    def test_appoint_and_unappoint(self):
        comm = uniq("Mapp")
        self.creator.create_community(comm)
        x, y, z = self.user("mx"), self.user("my"), self.user("mz")
        self.assertEqual(self.mods_of(comm), [self.creator.name])
        self.assertEqual(x.request_json("/s/%s/mod/queue" % comm).status, 403)
        self.act(self.creator, "appoint", user=x.name, community=comm)
        self.assertEqual(self.mods_of(comm), [self.creator.name, x.name])
        self.assertEqual(x.request_json("/s/%s/mod/queue" % comm).status, 200)
        self.assertIn("/s/%s/mod/queue" % comm, hrefs(x.page("/s/%s" % comm).text),
                      "moderators get a link to the queue")
        # a moderator who did not create the community cannot appoint
        self.refused(self.jact(x, "appoint", user=y.name, community=comm), 403)
        self.refused(self.jact(z, "appoint", user=y.name, community=comm), 403)
        self.refused(self.jact(x, "unappoint", user=self.creator.name, community=comm), 403)
        self.assertEqual(self.mods_of(comm), [self.creator.name, x.name])
        # admins can, and moderators stay in order
        self.act(self.admin, "appoint", user=y.name, community=comm)
        self.assertEqual(self.mods_of(comm), [self.creator.name, x.name, y.name])
        self.refused(self.jact(self.creator, "appoint", user=x.name, community=comm), 409)
        self.act(self.creator, "unappoint", user=x.name, community=comm)
        self.assertEqual(self.mods_of(comm), [self.creator.name, y.name])
        self.assertEqual(x.request_json("/s/%s/mod/queue" % comm).status, 403)
        pid = self.admin.submit_text(comm, "After unappoint", "")
        self.refused(self.jact(x, "lock", kind="post", id=pid), 403)
        self.act(self.admin, "unappoint", user=y.name, community=comm)
        self.assertEqual(self.mods_of(comm), [self.creator.name])
        self.refused(self.jact(self.creator, "unappoint", user=z.name, community=comm), 404)
        log = [(a["action"], a["moderator"], a["user"]) for a in self.modlog("/s/%s/modlog" % comm)]
        for line in (("appoint", self.creator.name, x.name), ("appoint", self.admin.name, y.name),
                     ("unappoint", self.creator.name, x.name),
                     ("unappoint", self.admin.name, y.name)):
            self.assertIn(line, log)

    def test_moderator_edits_description_and_rules(self):
        comm = self.community()
        form = self.mod.page("/s/%s/mod/edit" % comm).text
        self.assertIn("/s/%s/mod/edit" % comm, form_actions(form))
        desc, rules = "Welcome to " + uniq("d"), "Be **kind** " + uniq("r")
        r = self.mod.post("/s/%s/mod/edit" % comm, {"title": "New title of " + comm,
                                                   "description": desc, "rules": rules})
        self.assertLocation(r, "/s/%s" % comm)
        page = self.page("/s/%s" % comm)
        self.assertIn(desc, visible_text(page))
        self.assertIn("<strong>kind</strong>", page, "rules are markdown")
        self.assertIn(rules.split()[-1], page)
        self.assertIn("New title of " + comm, visible_text(page))
        listed = {c["name"]: c for c in Browser(self.server).get_json("/communities")["communities"]}
        self.assertEqual(listed[comm]["title"], "New title of " + comm)
        self.assertEqual(listed[comm]["description"], desc)
        outsider = self.user("mout")
        r = outsider.post("/s/%s/mod/edit" % comm, {"title": "Hijack", "description": "x",
                                                   "rules": "x"})
        self.assertStatus(r, 403)
        self.assertNotIn("Hijack", self.page("/s/%s" % comm))
        line = self.modlog("/s/%s/modlog" % comm)[0]
        self.assertEqual((line["action"], line["moderator"]), ("edit community", self.mod.name))

    # -- the mod log -------------------------------------------------------------------------

    def test_modlog_lists_every_action_with_filters(self):
        comm = self.community("Mlog")
        author, victim, newmod = self.user("mla"), self.user("mlv"), self.user("mln")
        p = author.submit_text(comm, "Log post", "")
        c = author.comment(comm, p, "log comment")
        held = author.submit_text(comm, "Held " + HELD_WORD, "")
        self.report(victim, "post", p, "log report reason")
        m, cr = self.mod, self.creator
        steps = [
            (m, "remove", dict(kind="comment", id=c, reason="log remove reason")),
            (m, "restore", dict(kind="comment", id=c)),
            (m, "approve", dict(kind="post", id=held)),
            (m, "dismiss", dict(kind="post", id=p)),
            (m, "lock", dict(kind="post", id=p)),
            (m, "unlock", dict(kind="post", id=p)),
            (m, "sticky", dict(kind="post", id=p)),
            (m, "unsticky", dict(kind="post", id=p)),
            (m, "ban", dict(user=victim.name, community=comm, duration="3d",
                            reason="log ban reason")),
            (m, "unban", dict(user=victim.name, community=comm)),
            (cr, "appoint", dict(user=newmod.name, community=comm)),
            (cr, "unappoint", dict(user=newmod.name, community=comm)),
        ]
        for b, action, fields in steps:
            self.act(b, action, **fields)
        self.assertStatus(m.post("/s/%s/mod/edit" % comm, {"title": "Log title",
                                                          "description": "d", "rules": ""}), 303)
        expected = [(b.name, action) for b, action, _ in steps] + [(m.name, "edit community")]

        log = self.modlog("/s/%s/modlog" % comm)
        got = [(a["moderator"], a["action"]) for a in log]
        self.assertEqual(got[:len(expected)], list(reversed(expected)), "newest first, every action")
        for a in log:
            self.assertEqual(a["community"], comm)
            self.assertRegex(a["created"], RFC3339_UTC)
            self.assertIsInstance(a["id"], int)
        by = {}
        for a in log:
            by.setdefault(a["action"], a)           # the newest line of each action
        self.assertEqual((by["remove"]["kind"], by["remove"]["target"], by["remove"]["reason"]),
                         ("comment", c, "log remove reason"))
        self.assertEqual((by["lock"]["kind"], by["lock"]["target"]), ("post", p))
        self.assertEqual((by["ban"]["user"], by["ban"]["reason"]), (victim.name, "log ban reason"))
        self.assertRegex(by["ban"]["expires"] or "", RFC3339_UTC)
        self.assertEqual(by["appoint"]["user"], newmod.name)
        site = [a["id"] for a in self.modlog("/modlog?mod=%s" % m.name)]
        for a in log:
            if a["moderator"] == m.name:
                self.assertIn(a["id"], site, "the site log holds every community's lines")

        # HTML: moderator, action, target, reason and time on each line
        page = self.page("/s/%s/modlog" % comm)
        rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
        self.assertGreaterEqual(len(rows), len(expected))
        text = visible_text(page)
        for who, action in expected:
            self.assertIn(who, text)
            self.assertTrue(any(action in visible_text(r) and who in visible_text(r)
                                for r in rows), (who, action))
        for words in ("log remove reason", "log ban reason", "comment %d" % c, "post %d" % p,
                      victim.name, newmod.name):
            self.assertIn(words, text)
        self.assertTrue(all("<time" in r and "datetime=" in r for r in rows),
                        "every line has its time")
        self.assertNotIn("log report reason", text, "the report itself is not logged")

        # filters: moderator, action, both
        only_cr = self.modlog("/s/%s/modlog?mod=%s" % (comm, cr.name))
        self.assertEqual(sorted(a["action"] for a in only_cr),
                         ["appoint", "appoint", "unappoint"])
        self.assertTrue(all(a["moderator"] == cr.name for a in only_cr))
        bans = self.modlog("/s/%s/modlog?action=ban" % comm)
        self.assertEqual([(a["action"], a["user"]) for a in bans], [("ban", victim.name)])
        self.assertEqual(self.modlog("/s/%s/modlog?mod=%s&action=ban" % (comm, cr.name)), [])
        self.assertEqual(len(self.modlog("/s/%s/modlog?mod=%s&action=lock" % (comm, m.name))), 1)
        site_bans = self.modlog("/modlog?action=ban")
        self.assertTrue(site_bans and all(a["action"] == "ban" for a in site_bans))
        self.assertIn(victim.name, [a["user"] for a in site_bans])
        ftext = visible_text(self.page("/s/%s/modlog?action=lock" % comm))
        self.assertNotIn("log ban reason", ftext, "the HTML filter works too")
        self.assertIn("lock", ftext)
        self.assertEqual(Browser(self.server).request_json(
            "/s/%s/modlog?mod=%s" % (comm, uniq("nobody"))).status, 404)

    def test_modlog_paging_gives_each_line_once(self):
        comm = self.community("Mpage")
        pid = self.admin.submit_text(comm, "Toggle me", "")
        for _ in range(16):
            self.act(self.mod, "lock", kind="post", id=pid)
            self.act(self.mod, "unlock", kind="post", id=pid)
        total = 32 + 1                  # the toggles and the moderator's appointment

        def walk(base, json_mode=True):
            ids, path = [], base
            for _ in range(10):
                if json_mode:
                    doc = Browser(self.server).get_json(path)
                    ids += [a["id"] for a in doc["actions"]]
                    self.assertIn("after", doc)
                    if doc["after"] is None:
                        return ids
                    self.assertIsInstance(doc["after"], str)
                    sep = "&" if "?" in base else "?"
                    path = base + sep + "after=" + urllib.parse.quote(doc["after"])
                else:
                    page = self.page(path)
                    ids += [int(x) for x in re.findall(r"post (\d+)", visible_text(page))]
                    nxt = [h for h in hrefs(page) if "after=" in h]
                    if not nxt:
                        return ids
                    path = urllib.parse.urljoin(path, nxt[0])
            self.fail("paging did not end")

        ids = walk("/s/%s/modlog" % comm)
        self.assertEqual(len(ids), total)
        self.assertEqual(len(set(ids)), total, "each line once")
        self.assertEqual(ids, sorted(ids, reverse=True), "newest first")
        locks = walk("/s/%s/modlog?action=lock" % comm)
        self.assertEqual(len(locks), 16)
        self.assertEqual(len(set(locks)), 16)
        # the HTML pages: 33 lines, 25 on the first, the rest behind "older"
        first = self.page("/s/%s/modlog" % comm)
        self.assertEqual(len(re.findall(r"<tr>", first)) - 1, 25)
        html_targets = walk("/s/%s/modlog" % comm, json_mode=False)
        self.assertEqual(html_targets, [pid] * 32, "HTML paging shows each toggle once")
        self.assertEqual(Browser(self.server).request_json(
            "/s/%s/modlog?after=abc" % comm).status, 400)
