# SPDX-License-Identifier: AGPL-3.0-or-later
"""The page cache for signed-out visitors (src/app/app_cache.c).

It must never serve a page older than a write that was acknowledged: not
after a write through this server (any worker thread), nor after one by
another process on the same database.  Pages that carry a visitor's own
token are never shared; members get templates whose filled-in form must be
byte for byte their full page.  The same holds on PostgreSQL, where
several servers share the database (test_many_servers.py checks that a
write on one is seen at once on another).
"""

import http.client
import re
import threading
import unittest

from harness import (Browser, ParleyTestCase, Server, find_csrf,
                     uniq)


# Limits high enough for the writes of a test class.
MANY_WRITES = dict(ParleyTestCase.site_limits, limit_votes=100000,
                   limit_votes_new=100000, limit_posts=100000,
                   limit_posts_new=100000, limit_comments=100000,
                   limit_comments_new=100000)


def hit(resp):
    return resp.header("X-Cache") == "hit"


class PageCacheTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.user = cls.login_new("pc", admin=True)
        cls.name = cls.user.name
        cls.comm = uniq("Pc")
        cls.user.create_community(cls.comm)
        cls.post_id = cls.user.submit_text(cls.comm, "A post to watch", "body")
        cls.post_path = "/s/%s/p/%d" % (cls.comm, cls.post_id)

    def anon_get(self, path, headers=None):
        """A fresh visitor on a fresh connection: no cookie, any thread."""
        return Browser(self.server).get(path, headers=headers)

    def assertCached(self, resp, what):
        self.assertTrue(hit(resp), "%s: the repeat is served from the cache" % what)

    def warm(self, path, headers=None):
        """GETs path until the answer comes from the cache (SQLite)."""
        for _ in range(20):
            r = self.anon_get(path, headers)
            self.assertStatus(r, 200)
            if hit(r):
                return r
        self.fail("%s never came from the cache" % path)

    def test_repeat_is_a_hit_with_the_same_bytes(self):
        for path in ("/", "/s/%s" % self.comm, self.post_path, "/welcome",
                     "/.json", "/communities?sort=name"):
            first = self.anon_get(path)
            self.assertStatus(first, 200)
            again = self.warm(path)
            self.assertCached(again, path)
            self.assertEqual(again.body, first.body, path)
            self.assertEqual(again.header("Content-Type"), first.header("Content-Type"))
            self.assertIn("default-src 'none'", again.header("Content-Security-Policy"))
            self.assertIsNone(again.header("Set-Cookie"))

    def test_format_and_query_are_part_of_the_key(self):
        self.warm("/")
        j = self.anon_get("/", headers={"Accept": "application/json"})
        self.assertEqual(j.content_type, "application/json")
        self.assertIn("posts", j.json())
        h = self.anon_get("/")
        self.assertEqual(h.content_type, "text/html")
        self.warm("/?sort=new")
        top = self.anon_get("/?sort=top&t=all")
        self.assertIn('class="on">top<', top.text)

    def test_vote_is_seen_at_once_by_signed_out_visitors(self):
        voter = self.login_new("pcv")
        path = self.post_path + ".json"
        base = self.anon_get(path).json()["post"]["score"]
        for i in range(12):
            self.warm(path)
            direction = 1 if i % 2 == 0 else 0
            voter.vote("post", self.post_id, direction)
            score = self.anon_get(path).json()["post"]["score"]
            self.assertEqual(score, base + direction,
                             "round %d: the acknowledged vote shows at once" % i)

    def test_comment_is_seen_at_once_on_every_page_that_shows_it(self):
        for i in range(5):
            self.warm(self.post_path)
            self.warm("/s/%s" % self.comm)
            body = uniq("fresh-comment-")
            self.user.comment(self.comm, self.post_id, body)
            page = self.anon_get(self.post_path)
            self.assertIn(body, page.text)
            self.assertFalse(hit(page))
            listing = self.anon_get("/s/%s" % self.comm).text
            self.assertIn("%d comment" % (i + 1), listing)

    def test_write_by_another_process_is_seen(self):
        text = uniq("welcome-text-")
        self.warm("/welcome")
        r = self.server.cli("admin", "set-page", "welcome", "--db", self.server.db_url,
                            stdin_text=text + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        page = self.anon_get("/welcome")
        self.assertIn(text, page.text)
        self.assertFalse(hit(page))

    def test_pages_with_a_visitors_token_are_not_shared(self):
        a, b = Browser(self.server), Browser(self.server)
        pages = []
        for br in (a, b, a, b):
            r = br.get("/login")
            self.assertStatus(r, 200)
            self.assertFalse(hit(r), "a page with a form is personal")
            pages.append(find_csrf(r.text))
        self.assertEqual(pages[0], pages[2])
        self.assertEqual(pages[1], pages[3])
        self.assertNotEqual(pages[0], pages[1])

    def test_signed_in_pages_are_never_from_the_cache(self):
        self.warm("/")
        self.warm(self.post_path)
        for path in ("/", self.post_path, "/s/%s" % self.comm):
            r = self.user.get(path)
            self.assertStatus(r, 200)
            self.assertFalse(hit(r))
            self.assertIn(self.name, r.text)
            self.assertIn('action="/logout"', r.text)

    def test_errors_are_not_kept(self):
        for _ in range(3):
            r = self.anon_get("/s/%s" % uniq("Nope"))
            self.assertStatus(r, 404)
            self.assertFalse(hit(r))

    def test_head_of_a_cached_page(self):
        self.warm("/")
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            conn.request("HEAD", "/")
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            self.assertEqual(r.read(), b"")
        finally:
            conn.close()

    def test_concurrent_writers_and_readers_never_see_an_old_page(self):
        """Each writer, after every acknowledged comment, reads the thread as
        a signed-out visitor on a new connection: the count never lags."""
        post_id = self.user.submit_text(self.comm, "Busy thread", "")
        path = "/s/%s/p/%d.json" % (self.comm, post_id)
        acked = [0]
        lock = threading.Lock()
        errors = []

        def writer():
            try:
                write_and_read()
            except Exception as e:  # reported below, not lost in the thread
                errors.append(repr(e))

        def write_and_read():
            br = self.login_new("pcw")
            for _ in range(15):
                br.comment(self.comm, post_id, uniq("c"))
                with lock:
                    acked[0] += 1
                    floor = acked[0]
                got = self.anon_get(path).json()["post"]["comment_count"]
                if got < floor:
                    errors.append((floor, got))

        def reader():
            for _ in range(60):
                self.anon_get(path)

        threads = [threading.Thread(target=writer) for _ in range(3)]
        threads += [threading.Thread(target=reader) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [], "pages older than an acknowledged write")
        self.assertEqual(self.anon_get(path).json()["post"]["comment_count"], 45)


def without_relative_times(page):
    """The "3 minutes ago" text may tick between two renders."""
    return re.sub(r"(<time[^>]*>)[^<]*(</time>)", r"\1\2", page)


HOME_LINE = "Home: the communities you subscribe to"


class MemberTemplateTest(ParleyTestCase):
    """Signed-in members who block nobody get /all, community pages and
    Home (/) from a template with their own parts filled in: plain members
    one, the moderators of a community one for its pages, admins one of
    their own; Home's templates are kept by the member's subscriptions."""

    site_limits = MANY_WRITES

    @classmethod
    def setUpServer(cls):
        cls.admin = cls.login_new("mtadm", admin=True)
        cls.comm = uniq("Mt")
        cls.admin.create_community(cls.comm)
        cls.posts = [cls.admin.submit_text(cls.comm, "Template post %d" % i, "text")
                     for i in range(4)]
        # The same database behind a server with the cache off: the full
        # render each templated page must equal.
        cls.off = Server(env={"PARLEY_PAGE_CACHE": "0"}, db_url=cls.server.db_url)
        cls.off.start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.off.stop()
        cls.off.cleanup()
        super().tearDownClass()
        if rc != 0:
            raise AssertionError("the cache-off server exited with %s" % rc)

    def assertFullRender(self, b, path):
        """b's templated page equals the full render for the same session."""
        got = self.warm(b, path)
        twin = Browser(self.off)
        twin.cookies = dict(b.cookies)
        full = twin.get(path)
        self.assertStatus(full, 200)
        self.assertFalse(hit(full))
        self.assertEqual(without_relative_times(got.text),
                         without_relative_times(full.text), path)
        return got.text

    def warm(self, b, path):
        for _ in range(20):
            r = b.get(path)
            self.assertStatus(r, 200)
            if hit(r):
                return r
        self.fail("%s never came from a template" % path)

    def test_filled_template_is_the_full_render(self):
        """The same member, the same database: a server with the cache off
        renders the page in full; the bytes must be the same."""
        a = self.login_new("mta")
        a.vote("post", self.posts[0], 1)
        a.vote("post", self.posts[1], -1)
        self.assertStatus(a.post("/s/%s/subscribe" % self.comm, {}), 303)
        for path in ("/all", "/all?sort=new", "/s/%s?sort=top&t=all" % self.comm):
            self.assertFullRender(a, path)
        page = self.assertFullRender(a, "/s/%s" % self.comm)
        self.assertIn(">unsubscribe<", page)
        self.assertIn('class="up on"', page)
        self.assertIn('class="down on"', page)
        self.assertIn(a.name, page)
        self.assertIn(a.csrf, page)

    def test_home_from_templates_kept_by_subscriptions(self):
        """/ with no subscriptions is every community's listing; each
        subscription or unsubscription shows in the very next page; two
        members with the same subscriptions get the same page, each with
        their own parts."""
        other = uniq("Mh")
        self.admin.create_community(other)
        theirs = self.admin.submit_text(other, uniq("Other post "), "")
        a, b = self.login_new("mha"), self.login_new("mhb")
        a.vote("post", self.posts[0], 1)
        page = self.assertFullRender(a, "/")
        self.assertNotIn(HOME_LINE, page)
        self.assertIn("/p/%d" % theirs, page)
        self.assertIn("/p/%d" % self.posts[0], page)
        for who in (a, b):
            self.assertStatus(who.post("/s/%s/subscribe" % self.comm, {}), 303)
            page = who.get("/").text
            self.assertIn(HOME_LINE, page)
            self.assertNotIn("/p/%d" % theirs, page)
        for path in ("/", "/?sort=new", "/?sort=top&t=all"):
            pa = self.assertFullRender(a, path)
            pb = self.assertFullRender(b, path)
            self.assertIn('class="up on"', pa)
            self.assertNotIn('class="up on"', pb)
            self.assertIn("/p/%d" % self.posts[0], pb)
            self.assertNotIn("/p/%d" % theirs, pb)
        self.assertStatus(a.post("/s/%s/subscribe" % other, {}), 303)
        self.assertIn("/p/%d" % theirs, a.get("/?sort=new").text)
        self.assertIn("/p/%d" % theirs, self.assertFullRender(a, "/?sort=new"))
        self.assertNotIn("/p/%d" % theirs, self.assertFullRender(b, "/?sort=new"))
        for name in (self.comm, other):
            self.assertStatus(a.post("/s/%s/unsubscribe" % name, {}), 303)
        page = a.get("/").text
        self.assertNotIn(HOME_LINE, page)
        self.assertIn("/p/%d" % theirs, page)

    def test_home_past_the_listed_subscriptions_is_rendered_in_full(self):
        """A member subscribed to more communities than the session row
        lists (50) gets Home rendered for them, never from a template."""
        many = self.login_new("mhm")
        for i in range(51):
            name = uniq("Mhs%d" % i)
            self.admin.create_community(name)
            self.assertStatus(many.post("/s/%s/subscribe" % name, {}), 303)
        pid = self.admin.submit_text(name, uniq("Last one "), "")
        for _ in range(4):
            r = self.same_as_full_render(many, "/")
            self.assertFalse(hit(r))
            self.assertIn(HOME_LINE, r.text)
            self.assertIn("/p/%d" % pid, r.text)

    def test_members_who_show_nsfw_have_their_own_templates(self):
        """A member with show_nsfw gets a template that shows NSFW posts,
        the same bytes as their full render; one without it never sees
        that template, whichever was made first."""
        secret = uniq("Nsfw template ")
        self.assertStatus(self.admin.post("/submit", {
            "community": self.comm, "title": secret, "body": "", "nsfw": "1"}), 303)
        shows, hides = self.login_new("mtns"), self.login_new("mtnh")
        self.assertStatus(shows.post("/settings/nsfw", {"show_nsfw": "1"}), 303)
        path = "/s/%s?sort=new" % self.comm
        self.assertIn(secret, self.assertFullRender(shows, path))
        self.assertNotIn(secret, self.assertFullRender(hides, path))
        self.assertIn(secret, self.assertFullRender(shows, path))

    def same_as_full_render(self, b, path):
        """b's page, however it was made, equals the cache-off render."""
        twin = Browser(self.off)
        twin.cookies = dict(b.cookies)
        got, full = b.get(path), twin.get(path)
        self.assertStatus(got, 200)
        self.assertEqual(without_relative_times(got.text),
                         without_relative_times(full.text), path)
        return got

    def test_threads_from_templates(self):
        """A thread of more comments than one votes query takes, voted on
        by the viewer; their own comment's edit and delete links; a
        comment's subtree."""
        writer, reader = self.login_new("mtw"), self.login_new("mtr")
        pid = self.admin.submit_text(self.comm, "A long thread", "text")
        cids = []
        for i in range(40):
            if i % 4 == 3:
                cids.append(self.admin.reply(self.comm, pid, cids[-1], "reply %d" % i))
            else:
                cids.append(self.admin.comment(self.comm, pid, "comment %d" % i))
        for i, cid in enumerate(cids):
            if i % 3 == 0:
                reader.vote("comment", cid, 1 if i % 2 else -1)
        reader.vote("post", pid, 1)
        path = "/s/%s/p/%d" % (self.comm, pid)
        page = self.assertFullRender(reader, path)
        self.assertEqual(page.count('class="up on"'), 1 + len(cids[3::6]))
        self.assertEqual(page.count('class="down on"'), len(cids[0::6]))
        self.assertNotIn("/edit", page)
        self.assertFullRender(reader, "%s/c/%d?context=1" % (path, cids[3]))
        self.assertFullRender(reader, path + "?sort=new")
        # The writer has a comment there: their page is their own, in full.
        mine = writer.comment(self.comm, pid, "my own words")
        for _ in range(3):
            r = self.same_as_full_render(writer, path)
            self.assertFalse(hit(r))
            self.assertIn("/c/%d/edit" % mine, r.text)
        self.assertNotIn("/c/%d/edit" % mine, self.assertFullRender(reader, path))

    def test_profiles_from_templates(self):
        reader = self.login_new("mtp")
        reader.vote("post", self.posts[3], 1)
        page = self.assertFullRender(reader, "/u/" + self.admin.name)
        self.assertIn('action="/block"', page)
        self.assertIn('class="up on"', page)
        # Their own profile has no block button: rendered for them.
        for _ in range(3):
            own = self.same_as_full_render(reader, "/u/" + reader.name)
            self.assertFalse(hit(own))
            self.assertNotIn('action="/block"', own.text)

    def test_each_member_sees_their_own_parts(self):
        a, b = self.login_new("mtx"), self.login_new("mty")
        path = "/s/%s" % self.comm
        self.warm(a, path)
        a.vote("post", self.posts[2], 1)
        pa = self.warm(a, path).text
        pb = self.warm(b, path).text
        self.assertIn(a.name, pa)
        self.assertNotIn(a.name, pb)
        self.assertIn(b.name, pb)
        self.assertIn(a.csrf, pa)
        self.assertNotIn(a.csrf, pb)
        self.assertIn(b.csrf, pb)
        self.assertEqual(pa.count('class="up on"'), 1)
        self.assertEqual(pb.count('class="up on"'), 0)
        # a vote withdrawn shows at once in the voter's next page
        a.vote("post", self.posts[2], 0)
        self.assertEqual(a.get(path).text.count('class="up on"'), 0)

    def appoint(self, user, comm):
        self.assertStatus(self.admin.post("/mod", {"action": "appoint", "user": user.name,
                                                   "community": comm}), 303)

    def test_moderators_get_their_communitys_template(self):
        """A moderator's pages of the community they moderate come from a
        template of its moderators': the removed text and mod tools they
        see, byte for byte their full render. A member, or a moderator of
        another community, never gets that template, whichever was made
        first; pages showing several communities are a moderator's own."""
        comm = uniq("Mtmod")
        self.admin.create_community(comm)
        mod, mod2, other_mod, member, author = (
            self.login_new(n) for n in ("mtm", "mtm2", "mto", "mtn", "mtau"))
        self.appoint(mod, comm)
        self.appoint(mod2, comm)
        self.appoint(other_mod, self.comm)
        secret = uniq("Removed title ")
        pid = author.submit_text(comm, secret, "")
        author.comment(comm, pid, "a comment to moderate")
        author.submit_text(comm, "A post left alone", "")
        self.assertStatus(self.admin.post("/mod", {"action": "remove", "kind": "post",
                                                   "id": str(pid), "reason": "test"}), 303)
        listing, thread = "/s/%s?sort=new" % comm, "/s/%s/p/%d" % (comm, pid)
        tools = ("/s/%s/mod/queue" % comm, '<button name="action" value="remove">')
        for path in (listing, thread):
            for b in (member, mod, other_mod, mod2, member):
                page = self.assertFullRender(b, path)
                moderates = b in (mod, mod2)
                # listings leave removed posts out, for moderators too
                self.assertEqual(secret in page, moderates and path == thread,
                                 (path, b.name))
                self.assertEqual(any(t in page for t in tools), moderates,
                                 (path, b.name))
        for path in ("/all?sort=new", "/u/" + author.name):
            for b in (mod, other_mod):
                for _ in range(3):
                    self.same_as_full_render(b, path)

    def test_admins_share_a_template_of_their_own(self):
        first, second = (self.login_new(n, admin=True) for n in ("mtad", "mtae"))
        for path in ("/s/%s" % self.comm, "/all", "/u/" + self.admin.name):
            for b in (first, second):
                page = self.assertFullRender(b, path)
                self.assertIn(b.name, page)
        self.assertIn("/s/%s/mod/queue" % self.comm,
                      self.assertFullRender(second, "/s/%s" % self.comm))

    def test_blockers_get_their_full_page(self):
        blocker = self.login_new("mtb")
        self.assertStatus(blocker.post("/block", {"user": self.admin.name}), 303)
        path = "/s/%s" % self.comm
        for _ in range(4):
            r = blocker.get(path)
            self.assertStatus(r, 200)
            self.assertFalse(hit(r))
        self.assertIn("[blocked]", blocker.get(path).text)

    def test_removed_posts_in_templates(self):
        """Whoever views a listing after a removal, author or not, gets
        exactly the page a full render gives them."""
        author, other = self.login_new("mtau"), self.login_new("mtot")
        secret = uniq("Secret title ")
        pid = author.submit_text(self.comm, secret, "")
        self.assertStatus(self.admin.post("/mod", {"action": "remove", "kind": "post",
                                                   "id": str(pid), "reason": "test"}), 303)
        for path in ("/s/%s?sort=new" % self.comm, "/all?sort=new"):
            self.assertNotIn(secret, self.assertFullRender(other, path))
            for _ in range(3):
                self.same_as_full_render(author, path)


class WriteExactnessTest(ParleyTestCase):
    """A write ends exactly the kept pages it can change, and no test ever
    sees a page older than its own acknowledged write: for every kind of
    write, the pages that show what it changed are warmed first (kept by
    the cache), then read again on fresh connections (any worker thread)
    right after the write's answer.  One worker thread, so that a page
    kept before a write is the one read after it when it stays kept."""

    server_env = {"PARLEY_THREADS": "1"}
    site_limits = MANY_WRITES

    @classmethod
    def setUpServer(cls):
        cls.admin, cls.author, cls.voter = (
            cls.login_new(p, admin=p == "wxa") for p in ("wxa", "wxu", "wxv"))
        cls.comm, cls.other_comm = uniq("Wx"), uniq("Wy")
        for name in (cls.comm, cls.other_comm):
            cls.admin.create_community(name)

    def post_path(self, pid, comm=None):
        return "/s/%s/p/%d" % (comm or self.comm, pid)

    def anon_json(self, path):
        r = Browser(self.server).get(path + ".json" if "?" not in path else
                                     path.replace("?", ".json?", 1))
        self.assertStatus(r, 200)
        return r.json(), hit(r)

    def warm(self, paths):
        """Reads each page until it comes from the cache."""
        for path in paths:
            for _ in range(20):
                if self.anon_json(path)[1]:
                    break
            else:
                self.fail("%s never came from the cache" % path)

    def fresh(self, path, check, what):
        """Reads path on fresh connections; check(json) must hold each time."""
        for i in range(4):
            j, _ = self.anon_json(path)
            self.assertTrue(check(j), "%s: %s (read %d) %r" % (path, what, i, j))

    @staticmethod
    def listed(j, pid):
        return next((p for p in j["posts"] if p["id"] == pid), None)

    def listings(self, comm=None):
        c = comm or self.comm
        return ["/s/%s?sort=new" % c, "/all?sort=new", "/?sort=new", "/all?sort=top"]

    def test_post_vote(self):
        pid = self.author.submit_text(self.comm, uniq("Voted "), "")
        others = self.admin.submit_text(self.other_comm, uniq("Aside "), "")
        pages = self.listings() + [self.post_path(pid), "/u/" + self.author.name]
        self.warm(pages + [self.post_path(others, self.other_comm)])
        points = self.anon_json("/u/" + self.author.name)[0]["points"]
        self.voter.vote("post", pid, 1)
        # a thread the vote does not touch stays kept (read first: a page
        # lives a second, and the reads below take time on a busy machine)
        self.assertTrue(self.anon_json(self.post_path(others, self.other_comm))[1])
        for path in self.listings():
            self.fresh(path, lambda j: self.listed(j, pid)["score"] == 2, "score 2")
        self.fresh(self.post_path(pid), lambda j: j["post"]["score"] == 2, "score 2")
        self.fresh("/u/" + self.author.name, lambda j: j["points"] == points + 1 and
                   self.listed(j, pid)["score"] == 2, "points and score")

    def test_comment_vote(self):
        pid = self.admin.submit_text(self.comm, uniq("Host "), "")
        cid = self.author.comment(self.comm, pid, uniq("voted comment "))
        pages = [self.post_path(pid), "%s/c/%d" % (self.post_path(pid), cid),
                 "/u/" + self.author.name, "/s/%s?sort=new" % self.comm]
        self.warm(pages)
        points = self.anon_json("/u/" + self.author.name)[0]["points"]
        self.voter.vote("comment", cid, -1)
        # the listing shows no comment's score: it stays kept (read first,
        # within the second a page lives)
        self.assertTrue(self.anon_json(pages[3])[1])

        def score(j):
            return next(c["score"] for c in j["comments"] if c["id"] == cid)
        self.fresh(pages[0], lambda j: score(j) == 0, "comment score 0")
        self.fresh(pages[1], lambda j: score(j) == 0, "comment score 0")
        self.fresh(pages[2], lambda j: j["points"] == points - 1 and score(j) == 0,
                   "points and comment score")

    def test_comment_and_reply(self):
        pid = self.author.submit_text(self.comm, uniq("Discussed "), "")
        top = self.admin.comment(self.comm, pid, uniq("top "))
        pages = self.listings() + [self.post_path(pid), "/u/" + self.author.name,
                                   "/u/" + self.voter.name, "/u/" + self.admin.name]
        self.warm(pages)
        body = uniq("reply ")
        self.voter.reply(self.comm, pid, top, body)
        for path in self.listings():
            self.fresh(path, lambda j: self.listed(j, pid)["comment_count"] == 2,
                       "2 comments")
        self.fresh(self.post_path(pid), lambda j: any(
            c["body"] == body for c in j["comments"]), "the reply")
        self.fresh("/u/" + self.voter.name, lambda j: any(
            c["body"] == body for c in j["comments"]), "the replier's comment")
        self.fresh("/u/" + self.author.name, lambda j: self.listed(
            j, pid)["comment_count"] == 2, "the post's count on its author's page")

    def test_post_submit_edit_delete(self):
        title = uniq("Submitted ")
        pages = self.listings() + ["/u/" + self.author.name]
        self.warm(pages)
        pid = self.author.submit_text(self.comm, title, "")
        for path in pages:
            self.fresh(path, lambda j: self.listed(j, pid) is not None, "the new post")
        self.warm(pages + [self.post_path(pid)])
        edited = uniq("Edited ")
        self.assertStatus(self.author.post(self.post_path(pid) + "/edit",
                                           {"title": edited, "body": "b"}), 303)
        for path in pages:
            self.fresh(path, lambda j: self.listed(j, pid)["title"] == edited,
                       "the new title")
        self.fresh(self.post_path(pid), lambda j: j["post"]["title"] == edited,
                   "the new title")
        self.warm(pages + [self.post_path(pid)])
        self.assertStatus(self.author.post(self.post_path(pid) + "/delete", {}), 303)
        for path in self.listings():
            self.fresh(path, lambda j: self.listed(j, pid) is None, "gone")
        self.fresh(self.post_path(pid), lambda j: j["post"]["deleted"] is True,
                   "deleted")

    def test_comment_edit_delete(self):
        pid = self.admin.submit_text(self.comm, uniq("Edits "), "")
        cid = self.author.comment(self.comm, pid, uniq("first words "))
        path = self.post_path(pid)
        pages = [path, "%s/c/%d" % (path, cid), "/u/" + self.author.name]
        self.warm(pages)
        words = uniq("second words ")
        self.assertStatus(self.author.post("%s/c/%d/edit" % (path, cid),
                                           {"body": words}), 303)

        def comment(j):
            return next(c for c in j["comments"] if c["id"] == cid)
        for p in pages:
            self.fresh(p, lambda j: comment(j)["body"] == words, "the edit")
        self.warm(pages[:2])
        self.assertStatus(self.author.post("%s/c/%d/delete" % (path, cid), {}), 303)
        for p in pages[:2]:
            self.fresh(p, lambda j: comment(j)["body"] is None, "deleted")

    def test_moderator_removes_and_locks(self):
        pid = self.author.submit_text(self.comm, uniq("Removed "), "")
        self.warm(self.listings() + [self.post_path(pid)])
        self.assertStatus(self.admin.post("/mod", {"action": "lock", "kind": "post",
                                                   "id": str(pid)}), 303)
        self.fresh(self.post_path(pid), lambda j: j["post"]["locked"] is True, "locked")
        self.warm(self.listings())
        self.assertStatus(self.admin.post("/mod", {"action": "remove", "kind": "post",
                                                   "id": str(pid), "reason": "x"}), 303)
        for path in self.listings():
            self.fresh(path, lambda j: self.listed(j, pid) is None, "removed")

    def test_community_settings_and_flair(self):
        pid = self.admin.submit_text(self.comm, uniq("Flaired "), "")
        self.warm([self.post_path(pid), "/s/%s?sort=new" % self.comm])
        self.assertStatus(self.admin.post("/s/%s/mod/flair" % self.comm,
                                          {"add": "Wxflair", "colour": ""}), 303)
        self.assertStatus(self.admin.post(self.post_path(pid) + "/edit", {
            "title": "Flaired", "body": "", "flair": "Wxflair"}), 303)
        self.fresh(self.post_path(pid), lambda j: j["post"]["flair"] == "Wxflair",
                   "the flair")
        self.fresh("/s/%s?sort=new" % self.comm,
                   lambda j: self.listed(j, pid)["flair"] == "Wxflair", "the flair")
        text = uniq("Described ")
        page = "/s/%s" % self.comm
        for _ in range(20):
            if hit(Browser(self.server).get(page)):
                break
        self.assertStatus(self.admin.post(page + "/mod/edit", {
            "title": self.comm, "description": text}), 303)
        for _ in range(4):
            self.assertIn(text, Browser(self.server).get(page).text)

    def test_poll_vote(self):
        r = self.admin.post("/submit", {"community": self.comm, "title": uniq("Poll "),
                                        "body": "", "poll": "Yes\nNo"})
        self.assertStatus(r, 303)
        pid = int(re.search(r"/p/(\d+)", r.header("Location")).group(1))
        path = self.post_path(pid)
        self.warm([path])
        option = self.anon_json(path)[0]["post"]["poll"]["options"][1]["id"]
        self.assertStatus(self.voter.post("/poll", {"post": str(pid),
                                                    "option": str(option)}), 303)
        self.fresh(path, lambda j: [o["votes"] for o in j["post"]["poll"]["options"]]
                   == [0, 1], "the poll vote")

    def test_members_own_writes(self):
        """Block, subscribe, show_nsfw and hide change one member's pages:
        their next page shows it."""
        m = self.login_new("wxm")
        pid = self.author.submit_text(self.comm, uniq("Seen "), "")
        page = "/s/%s?sort=new" % self.comm
        for _ in range(3):
            m.get(page)
        self.assertStatus(m.post("/block", {"user": self.author.name}), 303)
        self.assertIn("[blocked]", m.get(page).text)
        self.assertStatus(m.post("/unblock", {"user": self.author.name}), 303)
        self.assertNotIn("[blocked]", m.get(page).text)
        self.assertStatus(m.post("/s/%s/subscribe" % self.comm, {}), 303)
        self.assertIn("/s/%s/unsubscribe" % self.comm, m.get(page).text)
        secret = uniq("Nsfw title ")
        self.assertStatus(self.admin.post("/submit", {
            "community": self.comm, "title": secret, "body": "", "nsfw": "1"}), 303)
        self.assertNotIn(secret, m.get(page).text)
        self.assertStatus(m.post("/settings/nsfw", {"show_nsfw": "1"}), 303)
        self.assertIn(secret, m.get(page).text)
        self.assertIn('id="p%d"' % pid, m.get(page).text)
        self.assertStatus(m.post("/hide", {"id": str(pid)}), 303)
        self.assertNotIn('id="p%d"' % pid, m.get(page).text)

    def test_site_settings_and_pages(self):
        self.warm(["/welcome"])
        title = uniq("Welcome ")
        self.assertStatus(self.admin.post("/admin/page", {
            "slug": "welcome", "title": title, "body": "words"}), 303)
        self.fresh("/welcome", lambda j: j["title"] == title, "the new title")


def header(page, name):
    """A member's points and unread count, from the header's signed-in
    part."""
    m = re.search(r">%s</a> \((-?\d+)\)<a class=\"msgs\" href=\"/inbox\">"
                  r"inbox(?: \((\d+)\))?</a>" % re.escape(name), page)
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2) or 0)


class SessionRowTest(ParleyTestCase):
    """A worker thread keeps the session rows it read (app_cache.c): after
    every kind of write that changes what a session's query reads, that
    member's very next page shows it.  One worker thread, so that the
    row kept before a write is the one looked up after it."""

    server_env = {"PARLEY_THREADS": "1"}
    site_limits = MANY_WRITES

    @classmethod
    def setUpServer(cls):
        cls.admin, cls.other = cls.login_new("sra", admin=True), cls.login_new("sro")
        cls.comm = uniq("Sr")
        cls.admin.create_community(cls.comm)
        cls.post_id = cls.admin.submit_text(cls.comm, "Rows", "text")
        cls.page = "/s/%s?sort=new" % cls.comm

    def member(self):
        """A new member whose row this thread keeps."""
        m = self.login_new("srm")
        for _ in range(3):
            self.assertStatus(m.get(self.page), 200)
        return m

    def head(self, m, name=None):
        """m's page: (points, unread) from its header, and its text."""
        name = name or m.name
        r = m.get(self.page)
        self.assertStatus(r, 200)
        got = header(r.text, name)
        self.assertIsNotNone(got, "signed in as %s" % name)
        return got, r.text

    def test_own_votes(self):
        m = self.member()
        pid = self.admin.submit_text(self.comm, uniq("Voted "), "")
        cid = self.admin.comment(self.comm, pid, "a comment to vote on")
        thread = "/s/%s/p/%d" % (self.comm, pid)
        for _ in range(3):
            self.assertNotIn('class="up on"', m.get(self.page).text)
            self.assertNotIn('class="up on"', m.page(thread).text)
        m.vote("post", pid, 1)
        self.assertIn('class="up on"', m.get(self.page).text)
        m.vote("comment", cid, -1)
        self.assertIn('class="down on"', m.page(thread).text)
        m.vote("post", pid, 0)
        self.assertNotIn('class="up on"', m.get(self.page).text)

    def test_points_from_others_votes(self):
        m = self.member()
        pid = m.submit_text(self.comm, uniq("Points "), "")
        (before, _), _ = self.head(m)
        self.assertEqual(self.head(m)[0][0], before)
        self.other.vote("post", pid, 1)
        self.assertEqual(self.head(m)[0][0], before + 1)
        self.other.vote("post", pid, -1)
        self.assertEqual(self.head(m)[0][0], before - 1)

    def test_unread_count(self):
        m = self.member()
        pid = m.submit_text(self.comm, uniq("Told "), "")
        self.assertEqual(self.head(m)[0][1], 0)
        self.other.comment(self.comm, pid, "a reply")
        self.assertEqual(self.head(m)[0][1], 1)
        self.other.comment(self.comm, self.post_id, "hello @%s" % m.name)
        self.assertEqual(self.head(m)[0][1], 2)
        r = self.other.post("/messages", {"to": m.name, "subject": "Hi",
                                          "body": "a private word"})
        self.assertStatus(r, 303)
        self.assertEqual(self.head(m)[0][1], 3)
        conv = r.header("Location").split("/messages/", 1)[1].split("#")[0]
        # reading the conversation (a GET) reads its message
        self.assertStatus(m.get("/messages/" + conv), 200)
        self.assertEqual(self.head(m)[0][1], 2)
        self.assertStatus(m.post("/inbox/read", {"all": "1"}), 303)
        self.assertEqual(self.head(m)[0][1], 0)

    def test_subscriptions_and_saves(self):
        m = self.member()
        self.assertStatus(m.post("/s/%s/subscribe" % self.comm, {}), 303)
        self.assertIn("/s/%s/unsubscribe" % self.comm, m.get(self.page).text)
        self.assertStatus(m.post("/s/%s/unsubscribe" % self.comm, {}), 303)
        self.assertNotIn("/s/%s/unsubscribe" % self.comm, m.get(self.page).text)
        self.assertStatus(m.post("/save", {"kind": "post", "id": str(self.post_id)}),
                          303)
        self.assertIn('action="/unsave"', m.get(self.page).text)
        self.assertStatus(m.post("/unsave", {"kind": "post", "id": str(self.post_id)}),
                          303)
        self.assertNotIn('action="/unsave"', m.get(self.page).text)

    def test_roles_by_another_process(self):
        m = self.member()
        other = uniq("Sq")
        self.admin.create_community(other)
        queue = "/s/%s/mod/queue"
        for _ in range(3):
            self.assertNotIn(queue % self.comm, m.get(self.page).text)
            self.assertNotIn(queue % other, m.get("/s/" + other).text)
        r = self.server.cli("admin", "appoint", self.comm, m.name,
                            "--db", self.server.db_url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(queue % self.comm, m.get(self.page).text)
        self.assertNotIn(queue % other, m.get("/s/" + other).text)
        r = self.server.cli("admin", "set-role", m.name, "admin",
                            "--db", self.server.db_url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(queue % other, m.get("/s/" + other).text)

    def test_site_ban_is_honoured_at_once(self):
        m = self.member()
        m.vote("post", self.post_id, 1)
        self.assertStatus(self.admin.post("/mod", {
            "action": "ban", "user": m.name, "community": "", "duration": "",
            "reason": "rows"}), 303)
        self.assertStatus(m.get(self.page), 200)
        m.vote("post", self.post_id, 0, expect=403)
        self.assertStatus(self.admin.post("/mod", {
            "action": "unban", "user": m.name, "community": ""}), 303)
        m.vote("post", self.post_id, 0)

    def test_ended_sessions_sign_out_at_once(self):
        m = self.member()
        twin = Browser(self.server)
        twin.cookies = dict(m.cookies)
        self.assertIsNotNone(self.head(twin, m.name)[0])
        name = m.name
        m.logout()
        r = twin.get(self.page)
        self.assertIsNone(header(r.text, name))
        self.assertIn('href="/login"', r.text)
        # ended from another of their sessions
        m2 = self.member()
        other_side = Browser(self.server)
        other_side.login(m2.name, "correct-horse-1")
        self.assertIsNotNone(self.head(m2)[0])
        self.assertStatus(other_side.post("/settings/sessions/end",
                                          {"all": "1"}), 303)
        self.assertIsNone(header(m2.get(self.page).text, m2.name))
        # a deleted account
        m3 = self.member()
        twin = Browser(self.server)
        twin.cookies = dict(m3.cookies)
        self.assertIsNotNone(self.head(twin, m3.name)[0])
        self.assertStatus(m3.post("/settings/delete",
                                  {"password": "correct-horse-1"}), 303)
        self.assertIsNone(header(twin.get(self.page).text, m3.name))

    def test_settings(self):
        m = self.member()
        secret = uniq("Hidden title ")
        self.assertStatus(self.admin.post("/submit", {
            "community": self.comm, "title": secret, "body": "", "nsfw": "1"}), 303)
        self.assertNotIn(secret, m.get(self.page).text)
        self.assertStatus(m.post("/settings/nsfw", {"show_nsfw": "1"}), 303)
        self.assertIn(secret, m.get(self.page).text)
        self.assertStatus(m.post("/settings/nsfw", {}), 303)
        self.assertNotIn(secret, m.get(self.page).text)


class PageCacheOffTest(unittest.TestCase):
    """page_cache = 0 turns the cache off."""

    def test_off(self):
        srv = Server(env={"PARLEY_PAGE_CACHE": "0"})
        srv.start()
        try:
            for _ in range(4):
                r = Browser(srv).get("/")
                self.assertEqual(r.status, 200)
                self.assertFalse(hit(r))
        finally:
            self.assertEqual(srv.stop(), 0)
            srv.cleanup()

    def test_bad_value_is_refused(self):
        srv = Server(env={"PARLEY_PAGE_CACHE": "lots"})
        r = srv.cli("serve", "--listen", "127.0.0.1:1", "--db", srv.db_url)
        srv.cleanup()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"page_cache", r.stderr)


if __name__ == "__main__":
    unittest.main()
