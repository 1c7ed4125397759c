# SPDX-License-Identifier: AGPL-3.0-or-later
"""The main pages in a text browser: `w3m -dump` (Debian's w3m) of the
front page, a community, a thread, a comment, the login and submit
pages and the page that asks before a deletion shows their text in reading order with every link there,
nothing left to script or CSS (issue 16)."""

import re
import shutil
import subprocess

from harness import ParleyTestCase, uniq

W3M = shutil.which("w3m")


def dump(html):
    """The page as w3m shows it at 100 columns (without w3m's link numbers)
    and the site paths of its links, in order, as (text, [path, ...])."""
    if W3M is None:
        raise AssertionError("w3m is missing: make deps installs it")
    out = subprocess.run([W3M, "-dump", "-T", "text/html", "-cols", "100",
                          "-O", "UTF-8", "-I", "UTF-8",
                          "-o", "display_link_number=1"],
                         input=html.encode(), capture_output=True, timeout=30,
                         check=True).stdout.decode()
    text, _, refs = out.partition("\nReferences:\n")
    # read from standard input, the page's paths become file:///PATH
    links = [line.split("] file://", 1)[1] for line in refs.splitlines()
             if "] file://" in line]
    return re.sub(r"\[\d+\]", "", text), links


class TextBrowserTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.admin = cls.login_new("tbadm", admin=True)
        cls.comm = uniq("Txt")
        cls.admin.create_community(cls.comm, description="Plain *text* for w3m.")
        cls.older = cls.admin.submit_text(cls.comm, "Older post about turnips",
                                          "Turnips grow fast.")
        cls.post = cls.admin.submit_text(cls.comm, "Newer post about radishes",
                                         "Radishes are **quick**: see the [guide](/guide).")
        cls.member = cls.login_new("tbmem")
        cls.top = cls.member.comment(cls.comm, cls.post, "First comment, on top.")
        cls.reply = cls.admin.reply(cls.comm, cls.post, cls.top, "A reply beneath it.")
        cls.thread = "/s/%s/p/%d" % (cls.comm, cls.post)

    def in_order(self, text, words):
        at = -1
        for w in words:
            i = text.find(w, at + 1)
            self.assertGreater(i, at, "%r after the earlier words in:\n%s" % (w, text))
            at = i

    def test_front_page_reads_in_order_with_its_links(self):
        text, links = dump(self.member.page("/all").text)
        self.in_order(text, ["Parley", "home", "communities", "submit",
                             "Newer post about radishes", "Older post about turnips",
                             "welcome", "© "])
        self.assertIn(self.thread + "/newer_post_about_radishes", links)
        self.assertIn("/s/" + self.comm, links)
        self.assertIn("/license", links)
        self.assertNotIn("{", text, "no stylesheet or script shows as text")

    def test_thread_reads_post_then_comments_then_replies(self):
        text, links = dump(self.member.page(self.thread).text)
        self.in_order(text, ["Newer post about radishes", "Radishes are quick: see the guide.",
                             "First comment, on top.", "A reply beneath it."])
        self.assertIn("/guide", links, "a link in the text")
        self.assertIn("%s/c/%d" % (self.thread, self.reply), links, "a permalink")
        self.assertIn("%s/c/%d#reply" % (self.thread, self.top), links, "the reply link")
        # The comment box and its button come before the comments.
        self.in_order(text, ["sorted by", "[", "comment", "First comment, on top."])

    def test_comment_page_shows_the_reply_form(self):
        text, _ = dump(self.admin.page("%s/c/%d" % (self.thread, self.top)).text)
        self.in_order(text, ["single comment thread", "First comment, on top.",
                             "A reply beneath it.", "[", "reply"])

    def test_community_reads_posts_then_its_side_panel(self):
        text, _ = dump(self.admin.page("/s/" + self.comm).text)
        self.in_order(text, ["Newer post about radishes", "Older post about turnips",
                             "Plain text for w3m."])

    def test_login_and_submit_forms_show_their_fields(self):
        text, _ = dump(self.browser().page("/login").text)
        self.in_order(text, ["Log in", "user name", "[", "password", "[", "log in",
                             "Register"])
        text, _ = dump(self.member.page("/submit?community=" + self.comm).text)
        self.in_order(text, ["title", "[", "submit"])

    def test_delete_asks_first_on_a_page_of_its_own(self):
        c = self.member.comment(self.comm, self.post, "To be deleted in w3m.")
        text, links = dump(self.member.page(self.thread).text)
        self.assertIn("%s/c/%d/delete" % (self.thread, c), links,
                      "delete is a link a text browser follows")
        text, _ = dump(self.member.page("%s/c/%d/delete" % (self.thread, c)).text)
        self.in_order(text, ["Delete this comment?", "To be deleted in w3m.",
                             "cannot be undone", "delete", "cancel"])
