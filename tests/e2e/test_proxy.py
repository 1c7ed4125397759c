# SPDX-License-Identifier: AGPL-3.0-or-later
"""Behind a reverse proxy (trust_proxy): per-address limits count the
client that the proxy names last in X-Forwarded-For, not the proxy; and
without trust_proxy the header changes nothing."""

from harness import Browser, ParleyTestCase, uniq


def register_from(server, address):
    b = Browser(server)
    b.get("/register")
    return b.post("/register", {"username": uniq("r"), "password": "correct-horse-1"},
                  headers={"X-Forwarded-For": address} if address else None)


class TrustedProxyTest(ParleyTestCase):
    server_env = {"PARLEY_TRUST_PROXY": "1"}

    @classmethod
    def setUpServer(cls):
        r = cls.server.cli("admin", "set-limit", "limit_registrations", "1",
                           "--db", cls.server.db_url)
        assert r.returncode == 0, r.stderr

    def test_limit_per_client(self):
        self.assertEqual(register_from(self.server, "203.0.113.1").status, 303)
        self.assertEqual(register_from(self.server, "203.0.113.1").status, 429)
        # A client's own X-Forwarded-For entries come first: only the
        # last, which the proxy added, counts.
        self.assertEqual(register_from(self.server, "198.51.100.9, 203.0.113.1").status,
                         429)
        self.assertEqual(register_from(self.server, "203.0.113.1, 203.0.113.2").status,
                         303)
        # Not an address: the proxy's own address counts.
        self.assertEqual(register_from(self.server, "not-an-ip").status, 303)
        self.assertEqual(register_from(self.server, None).status, 429)


class UntrustedProxyTest(ParleyTestCase):

    @classmethod
    def setUpServer(cls):
        r = cls.server.cli("admin", "set-limit", "limit_registrations", "1",
                           "--db", cls.server.db_url)
        assert r.returncode == 0, r.stderr

    def test_header_ignored(self):
        self.assertEqual(register_from(self.server, "203.0.113.1").status, 303)
        self.assertEqual(register_from(self.server, "203.0.113.2").status, 429)
