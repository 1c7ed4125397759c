# SPDX-License-Identifier: AGPL-3.0-or-later
"""URLs: the link-post domain label cannot be spoofed, and its class.

A link to https://paypal.com:x@evil.example/ once listed as (paypal.com)
while it went to evil.example (issue 10). Every URL is now parsed by
liburiparser through url_check (src/base/base_url.c,
docs/decisions/008-url-parser.md); these tests hold the class end to end:
user info, IDN and punycode hosts, IPv6 literals, backslashes, escaped
dots, missing slashes, whitespace and control bytes, long URLs, ports.
"""

import html
import re
import unittest
import urllib.parse

from harness import Browser, ParleyTestCase, hrefs, location_path, uniq


def domain_labels(page):
    """The text of every domain label (the "(host)" after a link title)."""
    return [html.unescape(m) for m in
            re.findall(r'<span class="domain">\(([^)<]*)\)</span>', page)]


class UrlsTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        cls.author = Browser(cls.server)
        name = uniq("uadm")
        cls.server.add_user(name, "correct-horse-1", admin=True)
        cls.author.login(name, "correct-horse-1")
        cls.comm = uniq("Urls")
        cls.author.create_community(cls.comm)

    def listing(self):
        return Browser(self.server).page("/s/%s?sort=new" % self.comm).text

    def listing_ids(self):
        return [p["id"] for p in
                Browser(self.server).get_json("/s/%s?sort=new" % self.comm)["posts"]]

    def refused(self, url, code, message):
        r = self.author.submit_link(self.comm, "refused link", url, expect=None)
        self.assertStatus(r, 400)
        self.assertIn(message, html.unescape(r.text), url)
        # the form comes back with what was typed
        self.assertIn('name="url"', r.text)
        j = self.author.request_json("/submit", method="POST", body=urllib.parse.urlencode({
            "community": self.comm, "title": "refused link", "url": url,
            "csrf": self.author.csrf}))
        self.assertEqual(j.status, 400, url)
        self.assertEqual(j.json()["error"], code, url)

    # -- link posts ------------------------------------------------------------

    def test_userinfo_refused_with_a_message(self):
        before = self.listing_ids()
        for url in ("https://paypal.com:x@evil.example/login",
                    "https://paypal.com@evil.example/",
                    "http://@evil.example/",
                    "https://user:pass@example.org/"):
            with self.subTest(url=url):
                self.refused(url, "url_userinfo", "cannot carry a user name or password")
        self.assertEqual(before, self.listing_ids())
        self.assertNotIn("paypal.com", domain_labels(self.listing()))

    def test_rewritten_hosts_refused(self):
        before = self.listing_ids()
        for url in ("https://evil%2Eexample/",
                    "https://paypal%2ecom.evil.example/",
                    "https://0x7f.1/",
                    "https://2130706433/",
                    "https://127.1/",
                    "https://ex!ample.org/",
                    "https://[v1.x]/"):
            with self.subTest(url=url):
                self.refused(url, "url_host", "plain name")
        self.assertEqual(before, self.listing_ids())

    def test_malformed_refused(self):
        before = self.listing_ids()
        for url in ("https:evil.example",
                    "https:/evil.example",
                    "https:///evil.example",
                    "https:/\\evil.example",
                    "https:\\\\evil.example",
                    "https://evil.example\\@paypal.com/",
                    "https://b\u00fccher.example/",
                    "https://exa mple.org/",
                    "https://example.org/a b",
                    "https://example.org:0/",
                    "https://example.org:65536/",
                    "https://example.org:x/",
                    "https://[::1/",
                    "//evil.example/",
                    "https://example.org/" + "a" * 1981):
            with self.subTest(url=url):
                self.refused(url, "bad_url", "http or https address")
        self.assertEqual(before, self.listing_ids())

    def test_control_bytes_refused(self):
        # The router refuses control bytes in any form field before the
        # handler runs; a tab or newline must not slip into a link either.
        for url in ("https://exa\tmple.org/", "https://example.org/a\tb",
                    "https://exa\nmple.org/",
                    "java\tscript:alert(1)", "https://example.org/\x7f"):
            with self.subTest(url=repr(url)):
                r = self.author.submit_link(self.comm, "ctl link", url, expect=None)
                self.assertStatus(r, 400)

    def test_label_is_the_real_host(self):
        cases = [
            ("https://WWW.Example.ORG/x", "example.org"),
            ("https://paypal.com.evil.example/login", "paypal.com.evil.example"),
            ("https://evil.example:8443/paypal.com", "evil.example"),
            ("https://evil.example/?u=https://paypal.com@x", "evil.example"),
            ("https://evil.example#@paypal.com", "evil.example"),
            ("https://xn--bcher-kva.example/", "xn--bcher-kva.example"),
            ("https://XN--80AK6AA92E.com/", "xn--80ak6aa92e.com"),
            ("https://[2001:db8::1]:8443/x", "[2001:db8::1]"),
            ("http://192.0.2.1/", "192.0.2.1"),
            ("https://example.org/" + "a" * 1980, "example.org"),
        ]
        for url, label in cases:
            with self.subTest(url=url):
                title = uniq("lbl")
                self.author.submit_link(self.comm, title, url)
                page = self.listing()
                row = next(r for r in page.split('<li class="post"') if title in r)
                self.assertEqual(domain_labels(row)[-1], label)
                self.assertIn(url, hrefs(row))

    # -- markdown links --------------------------------------------------------

    def test_markdown_links_with_userinfo_are_text(self):
        body = ("[paypal](https://paypal.com:x@evil.example/login) "
                "<https://paypal.com@evil.example/> "
                "https://a@evil.example/x "
                "[b](https:evil.example) [c](https:/\\evil.example) "
                "[d](https://evil%2Eexample/) [e](javascript:alert(1)) "
                "[ok](https://[::1]:8080/ok)")
        pid = self.author.submit_text(self.comm, "md links", body)
        page = Browser(self.server).page("/s/%s/p/%d" % (self.comm, pid)).text
        # (md4c makes "a@evil.example" an e-mail autolink: honest, allowed)
        links = [h for h in hrefs(page) if ("evil" in h or "javascript" in h.lower())
                 and not h.startswith("mailto:")]
        self.assertEqual(links, [])
        self.assertIn("https://[::1]:8080/ok", hrefs(page))
        # the user info stays visible as text
        self.assertIn("https://paypal.com@evil.example/", html.unescape(page))


    # -- redirects back to the Referer (app_back_path) ---------------------------

    def test_back_path_only_same_site(self):
        pid = self.author.submit_text(self.comm, "vote back", "")
        r = self.author.vote("post", pid, 1)
        item = location_path(r, self.server)
        host = "127.0.0.1:%d" % self.server.port
        good = [("http://%s/s/%s?sort=new" % (host, self.comm), "/s/%s?sort=new" % self.comm),
                ("HTTP://%s/s/%s" % (host, self.comm), "/s/%s" % self.comm),
                ("http://%s/a//b/%%2F" % host, "/a//b/%2F")]
        for ref, want in good:
            with self.subTest(referer=ref):
                r = self.author.vote("post", pid, 1, referer=ref)
                self.assertEqual(r.header("Location"), want)
        bad = ["http://%s//evil.example/x",
               "http://%s/\\evil.example",
               "http://%s/%%2F%%2Fevil.example",
               "http://%s/%%2fevil.example",
               "http://%s/%%5Cevil.example",
               "http://user@%s/s/x",
               "http://evil.example@%s/s/x",
               "http://%s@evil.example/s/x",
               "http://%s.evil.example/s/x",
               "http://evil.example/%s/s/x",
               "http:%s/s/x",
               "http:/%s/s/x",
               "javascript://%s/%%0aalert(1)",
               "//%s/s/x",
               "http://%s",
               "http://%s/s/x y",
               "http://%s/s/\u00e9"]
        for ref in bad:
            ref = ref % host
            with self.subTest(referer=ref):
                r = self.author.vote("post", pid, 1, referer=ref, expect=None)
                if r.status == 400:
                    continue  # the router refused the header's bytes first
                self.assertStatus(r, 303)
                self.assertEqual(location_path(r, self.server), item)


if __name__ == "__main__":
    unittest.main()
