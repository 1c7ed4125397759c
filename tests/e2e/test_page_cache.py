# SPDX-License-Identifier: AGPL-3.0-or-later
"""The page cache for signed-out visitors (src/app/app_cache.c).

It must never serve a page older than a write that was acknowledged: not
after a write through this server (any worker thread), nor after one by
another process on the same database.  Pages that carry a visitor's own
token are never shared; members get templates whose filled-in form must be
byte for byte their full page.  On PostgreSQL the cache is off, and every
test here checks that nothing is served from it.
"""

import http.client
import re
import threading
import unittest

from harness import (Browser, ParleyTestCase, Server, find_csrf, is_postgres,
                     uniq)


def hit(resp):
    return resp.header("X-Cache") == "hit"


class PageCacheTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.pg = is_postgres(cls.server.db_url)
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
        if self.pg:
            self.assertFalse(hit(resp), "PostgreSQL: nothing is served from the cache")
        else:
            self.assertTrue(hit(resp), "%s: the repeat is served from the cache" % what)

    def warm(self, path, headers=None):
        """GETs path until the answer comes from the cache (SQLite)."""
        for _ in range(20):
            r = self.anon_get(path, headers)
            self.assertStatus(r, 200)
            if hit(r) or self.pg:
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


class MemberTemplateTest(ParleyTestCase):
    """Signed-in members who moderate nothing and block nobody get /all
    and community pages from a template with their own parts filled in (a
    member's / is Home, their own: never a template)."""

    site_limits = dict(ParleyTestCase.site_limits, limit_votes=100000,
                       limit_votes_new=100000, limit_posts=100000,
                       limit_posts_new=100000)

    @classmethod
    def setUpServer(cls):
        cls.pg = is_postgres(cls.server.db_url)
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
            if hit(r) or self.pg:
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

    def test_moderators_admins_and_blockers_get_their_full_page(self):
        mod = self.login_new("mtm")
        self.assertStatus(self.admin.post("/mod", {"action": "appoint", "user": mod.name,
                                                   "community": self.comm}), 303)
        blocker = self.login_new("mtb")
        self.assertStatus(blocker.post("/block", {"user": self.admin.name}), 303)
        path = "/s/%s" % self.comm
        for who, b in (("moderator", mod), ("admin", self.admin), ("blocker", blocker)):
            for _ in range(4):
                r = b.get(path)
                self.assertStatus(r, 200)
                self.assertFalse(hit(r), who)
        self.assertIn("/mod/queue", mod.get(path).text)
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
