# SPDX-License-Identifier: AGPL-3.0-or-later
"""Edit history: GET …/history on posts, comments and communities."""

import re
import unittest

from harness import Browser, ParleyTestCase, uniq

PW = "correct-horse-1"


class HistoryTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.admin = Browser(cls.server)
        name = uniq("hadm")
        cls.server.add_user(name, PW, admin=True)
        cls.admin.login(name, PW)
        cls.comm = uniq("Hist")
        cls.admin.create_community(cls.comm)

    def member(self):
        b = Browser(self.server)
        b.register(uniq("hm"), PW)
        return b

    def post_path(self, pid):
        return "/s/%s/p/%d" % (self.comm, pid)

    def edit_post(self, b, pid, title, body):
        r = b.post(self.post_path(pid) + "/edit", {"title": title, "body": body})
        self.assertStatus(r, 303)

    def test_post_versions_current_first_with_diff(self):
        pid = self.admin.submit_text(self.comm, "First title", "the quick brown fox")
        anon = Browser(self.server)
        h = anon.get_json(self.post_path(pid) + "/history")
        self.assertEqual(h["kind"], "post")
        self.assertEqual(len(h["versions"]), 1)
        self.assertTrue(h["versions"][0]["current"])
        self.edit_post(self.admin, pid, "First title", "the quick red fox")
        self.edit_post(self.admin, pid, "Second <title>", "the quick red fox jumps")
        h = anon.get_json(self.post_path(pid) + "/history")
        vs = h["versions"]
        self.assertEqual([v["body"] for v in vs],
                         ["the quick red fox jumps", "the quick red fox",
                          "the quick brown fox"])
        self.assertEqual([v["title"] for v in vs],
                         ["Second <title>", "First title", "First title"])
        self.assertEqual([v["current"] for v in vs], [True, False, False])
        for v in vs:
            self.assertRegex(v["created"], r"^\d{4}-\d\d-\d\dT")
        page = anon.page(self.post_path(pid) + "/history").text
        self.assertIn("<del>brown</del>", page)
        self.assertIn("<ins>red</ins>", page)
        self.assertIn("<ins> jumps</ins>", page)
        # titles are escaped, in the diff too
        self.assertNotIn("<title>", page.split("</head>", 1)[1])
        self.assertIn("&lt;title&gt;", page)
        # current first
        self.assertLess(page.index("current version"), page.index("version 2"))
        self.assertLess(page.index("version 2"), page.index("version 1"))

    def test_edited_links_to_history(self):
        pid = self.admin.submit_text(self.comm, "Link me", "one")
        cid = self.admin.comment(self.comm, pid, "comment one")
        page = self.admin.page(self.post_path(pid)).text
        self.assertNotIn("/history", page)
        self.edit_post(self.admin, pid, "Link me", "two")
        r = self.admin.post("%s/c/%d/edit" % (self.post_path(pid), cid), {"body": "comment two"})
        self.assertStatus(r, 303)
        page = Browser(self.server).page(self.post_path(pid)).text
        self.assertRegex(page, r'href="%s/history"[^>]*>\(edited\)' % re.escape(self.post_path(pid)))
        self.assertRegex(page, r'href="%s/c/%d/history"[^>]*>\(edited\)'
                         % (re.escape(self.post_path(pid)), cid))

    def test_comment_history(self):
        pid = self.admin.submit_text(self.comm, "Comment history", "b")
        m = self.member()
        cid = m.comment(self.comm, pid, "alpha beta gamma")
        r = m.post("%s/c/%d/edit" % (self.post_path(pid), cid), {"body": "alpha delta gamma"})
        self.assertStatus(r, 303)
        path = "%s/c/%d/history" % (self.post_path(pid), cid)
        h = Browser(self.server).get_json(path)
        self.assertEqual(h["kind"], "comment")
        self.assertEqual([v["body"] for v in h["versions"]],
                         ["alpha delta gamma", "alpha beta gamma"])
        page = Browser(self.server).page(path).text
        self.assertIn("<del>beta</del><ins>delta</ins>", page)
        # a comment of another post is not found under this one
        other = self.admin.submit_text(self.comm, "Other", "b")
        self.assertStatus(Browser(self.server).get(
            "%s/c/%d/history" % (self.post_path(other), cid)), 404)

    def test_markup_in_text_is_escaped(self):
        pid = self.admin.submit_text(self.comm, "Escape", "<script>x</script> plain")
        self.edit_post(self.admin, pid, "Escape", "<script>y</script> plain <b>")
        page = Browser(self.server).page(self.post_path(pid) + "/history").text
        self.assertNotIn("<script>", page)
        self.assertNotIn("<b>", page)
        self.assertIn("&lt;script&gt;", page)

    def test_removed_post_history_only_for_mods_and_author(self):
        m = self.member()
        pid = m.submit_text(self.comm, "To be removed", "v1 words")
        self.edit_post(m, pid, "To be removed", "v2 words")
        r = self.admin.post("/mod", {"action": "remove", "kind": "post", "id": str(pid),
                                     "reason": "test"})
        self.assertStatus(r, 303)
        path = self.post_path(pid) + "/history"
        self.assertStatus(Browser(self.server).get(path), 403)
        self.assertStatus(self.member().get(path), 403)
        self.assertEqual(len(m.get_json(path)["versions"]), 2)
        self.assertEqual(len(self.admin.get_json(path)["versions"]), 2)
        self.assertNotIn("v1 words", Browser(self.server).get(path).text)

    def test_deleted_post_has_no_history(self):
        m = self.member()
        pid = m.submit_text(self.comm, "Delete me", "secret first words")
        self.edit_post(m, pid, "Delete me", "second")
        self.assertStatus(m.post(self.post_path(pid) + "/delete"), 303)
        r = Browser(self.server).get(self.post_path(pid) + "/history")
        self.assertStatus(r, 404)
        self.assertNotIn("secret first words", r.text)

    def test_community_description_and_rules_history(self):
        r = self.admin.post("/s/%s/mod/edit" % self.comm,
                            {"title": "Hist title", "description": "desc one",
                             "rules": "rule one"})
        self.assertStatus(r, 303)
        r = self.admin.post("/s/%s/mod/edit" % self.comm,
                            {"title": "Hist title", "description": "desc two",
                             "rules": "rule two"})
        self.assertStatus(r, 303)
        h = Browser(self.server).get_json("/s/%s/history" % self.comm)
        self.assertEqual(h["kind"], "community")
        vs = h["versions"]
        self.assertEqual(vs[0]["description"], "desc two")
        self.assertEqual(vs[0]["rules"], "rule two")
        self.assertEqual(vs[1]["description"], "desc one")
        self.assertEqual(vs[1]["rules"], "rule one")
        self.assertTrue(vs[0]["current"])
        page = Browser(self.server).page("/s/%s/history" % self.comm).text
        self.assertIn("<del>one</del><ins>two</ins>", page)
        self.assertIn('href="/s/%s/history"' % self.comm,
                      Browser(self.server).page("/s/%s" % self.comm).text)

    def test_erase_account_erases_history(self):
        name = uniq("her")
        b = Browser(self.server)
        b.register(name, PW)
        pid = b.submit_text(self.comm, "Erase me", "erase v1 marker")
        self.edit_post(b, pid, "Erase me", "erase v2")
        cid = b.comment(self.comm, pid, "comment v1 marker")
        self.assertStatus(b.post("%s/c/%d/edit" % (self.post_path(pid), cid),
                                 {"body": "comment v2"}), 303)
        keep = self.member()
        kpid = keep.submit_text(self.comm, "Keep me", "keep v1 marker")
        self.edit_post(keep, kpid, "Keep me", "keep v2")
        self.assertStatus(b.post("/settings/delete", {"password": PW, "erase": "1"}), 303)
        for path in (self.post_path(pid) + "/history",
                     "%s/c/%d/history" % (self.post_path(pid), cid)):
            r = Browser(self.server).get(path)
            self.assertNotIn("v1 marker", r.text)
        # deleting with erase leaves other people's history alone
        h = Browser(self.server).get_json(self.post_path(kpid) + "/history")
        self.assertEqual(len(h["versions"]), 2)

    def test_delete_without_erase_keeps_history(self):
        b = self.member()
        pid = b.submit_text(self.comm, "Stay", "stay v1 marker")
        self.edit_post(b, pid, "Stay", "stay v2")
        self.assertStatus(b.post("/settings/delete", {"password": PW}), 303)
        h = Browser(self.server).get_json(self.post_path(pid) + "/history")
        self.assertEqual(h["versions"][1]["body"], "stay v1 marker")


if __name__ == "__main__":
    unittest.main()
