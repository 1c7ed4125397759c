# SPDX-License-Identifier: AGPL-3.0-or-later
"""Trust that anyone can check (SPEC.md; issue 18; docs/VERIFY.md): the
site key at /.well-known/parley.json, the hash-chained mod log and its
signed head, `parley admin rotate-key`, the signed canary, `parley verify`
(also with --state across a rollback and a fork), tamper tests that edit
the SQLite database behind the running server's back, the Python verifier
of docs/VERIFY.md run against a live server, and concurrent moderators on
two servers sharing one PostgreSQL database.

Hashes are recomputed here with Python's own json.dumps(sort_keys=True,
separators=(",", ":"), ensure_ascii=False), the contract's definition;
signatures are checked with PyNaCl (Debian python3-nacl, scripts/deps.sh).
"""

import hashlib
import json
import os
import re
import shutil
import socket as socketlib
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

import harness
from test_archive import old_thread
from test_many_servers import Endpoint
from harness import (DB_URL_TEMPLATE, PARLEY_BIN, REPO_ROOT, Browser, ParleyTestCase,
                     Server, TwoServersTestCase, uniq)

try:
    import nacl.signing
    import nacl.exceptions
except ImportError:  # scripts/deps.sh installs python3-nacl
    nacl = None

PW = "correct-horse-1"
ZERO = "0" * 64
BIG = 100000
CACHE_TTL_S = 1.0                     # a cached page's lifetime (app_cache.c)
# A reason is one line: forms refuse control characters (docs/BEHAVIOUR.md).
TRICKY = 'quote " back \\ tail é 日本 😀 \u2028 </script> &amp; \u00a0'



def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def entry_hash(entry):
    e = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical(e)).hexdigest()


SYSTEM_PYTHON = "/usr/bin/python3"   # where Debian's python3-nacl is
CHECK_SIG = ("import sys, nacl.signing as s, nacl.exceptions as x\n"
             "try:\n"
             "    s.VerifyKey(bytes.fromhex(sys.argv[1])).verify(sys.stdin.buffer.read(),"
             " bytes.fromhex(sys.argv[2]))\n"
             "except x.BadSignatureError:\n"
             "    sys.exit(1)\n")


def system_nacl():
    return subprocess.run([SYSTEM_PYTHON, "-c", "import nacl"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def sig_ok(key_hex, sig_hex, message):
    """Ed25519 with PyNaCl: in this interpreter, or Debian's python3."""
    if nacl is not None:
        try:
            nacl.signing.VerifyKey(bytes.fromhex(key_hex)).verify(message,
                                                                  bytes.fromhex(sig_hex))
            return True
        except nacl.exceptions.BadSignatureError:
            return False
    if not system_nacl():
        raise unittest.SkipTest("python3-nacl is not installed (scripts/deps.sh)")
    r = subprocess.run([SYSTEM_PYTHON, "-c", CHECK_SIG, key_hex, sig_hex], input=message,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    if r.returncode not in (0, 1):
        raise AssertionError(r.stderr.decode())
    return r.returncode == 0


def all_entries(browser):
    """Every entry of /modlog.json, newest first, following `after`."""
    out, path = [], "/modlog.json"
    for _ in range(10000):
        page = browser.get_json(path)
        out.extend(page["actions"])
        if page["after"] is None:
            return out
        path = "/modlog.json?after=%s" % page["after"]
    raise AssertionError("the mod log pages do not end")


def verify(server_or_origin, *args):
    origin = getattr(server_or_origin, "origin", server_or_origin)
    r = subprocess.run([PARLEY_BIN, "verify", origin] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return r.returncode, r.stdout.decode("utf-8", "replace") + r.stderr.decode("utf-8", "replace")


class TrustMixin:
    """Helpers shared by the classes below."""

    def act(self, b, action, expect=303, **fields):
        fields = dict({k: str(v) for k, v in fields.items()}, action=action)
        r = b.post("/mod", fields)
        self.assertEqual(r.status, expect, "/mod %r: %s" % (fields, r.describe()))
        return r

    def check_chain(self, entries, head):
        """Every hash recomputed, every link followed, seq 1..n, head = newest."""
        self.assertTrue(entries, "the mod log is empty")
        n = len(entries)
        self.assertEqual([e["seq"] for e in entries], list(range(n, 0, -1)))
        for i, e in enumerate(entries):
            self.assertEqual(e["hash"], entry_hash(e), "entry %d" % e["seq"])
            older = entries[i + 1]["hash"] if i + 1 < n else ZERO
            self.assertEqual(e["prev"], older, "entry %d's prev" % e["seq"])
        self.assertEqual(head["seq"], entries[0]["seq"])
        self.assertEqual(head["hash"], entries[0]["hash"])


class TrustTest(TrustMixin, ParleyTestCase):

    site_limits = dict(ParleyTestCase.site_limits,
                       limit_posts=BIG, limit_posts_new=BIG, limit_comments=BIG,
                       limit_comments_new=BIG)

    @classmethod
    def setUpServer(cls):
        cls.admin = cls.login_new("tadm", admin=True)
        cls.member = cls.login_new("tmem")
        cls.community = uniq("Tc")
        cls.admin.create_community(cls.community)
        cls.post = cls.member.submit_text(cls.community, "A post to moderate", "body")

    def wellknown(self):
        r = Browser(self.server).get("/.well-known/parley.json")
        self.assertEqual(r.status, 200, r.describe())
        self.assertTrue(r.content_type.startswith("application/json"))
        return r.json()

    def test_wellknown_shape_and_head_signed(self):
        doc = self.wellknown()
        self.assertEqual(set(doc), {"site_name", "public_key", "modlog_head", "keys"})
        self.assertRegex(doc["public_key"], r"^[0-9a-f]{64}$")
        head = doc["modlog_head"]
        self.assertEqual(set(head), {"seq", "hash", "time", "signature"})
        self.assertRegex(head["signature"], r"^[0-9a-f]{128}$")
        unsigned = {k: v for k, v in head.items() if k != "signature"}
        self.assertTrue(sig_ok(doc["public_key"], head["signature"], canonical(unsigned)))

    def test_chain_recomputed_in_python(self):
        self.act(self.admin, "remove", kind="post", id=self.post, reason=TRICKY)
        self.act(self.admin, "restore", kind="post", id=self.post, reason="mistake")
        for i in range(24):   # over one page of 25
            self.act(self.admin, "lock" if i % 2 == 0 else "unlock", kind="post",
                     id=self.post, reason="round %d" % i)
        banned = uniq("tban")
        self.server.add_user(banned, PW)
        self.act(self.admin, "ban", user=banned, community=self.community,
                 reason="ban reason", duration="3d")
        entries = all_entries(Browser(self.server))
        self.assertGreater(len(entries), 25)
        head = self.wellknown()["modlog_head"]
        self.check_chain(entries, head)
        tricky = [e for e in entries if e["reason"] == TRICKY]
        self.assertEqual(len(tricky), 1, "the reason is shown as written")
        self.assertEqual({"seq", "prev", "hash", "id", "action", "community", "moderator",
                          "kind", "target", "user", "reason", "created", "expires"},
                         set(tricky[0]))
        code, out = verify(self.server)
        self.assertEqual(code, 0, out)
        self.assertIn("all holds", out)

    def test_secret_never_shown(self):
        if not self.server.db_url.startswith("sqlite:"):
            self.skipTest("reads the SQLite file")
        db = sqlite3.connect(self.server.db_url[len("sqlite:"):])
        try:
            secret = db.execute("SELECT secret_key FROM site_keys").fetchone()[0]
        finally:
            db.close()
        self.assertEqual(len(secret), 64)
        needles = [secret[:32].hex(), secret.hex()]
        b = self.admin
        texts = [b.get(p).text for p in ("/.well-known/parley.json", "/canary", "/canary.json",
                                         "/admin", "/modlog.json", "/settings/export.json")]
        texts.append(self.server.log_text(limit=None))
        for t in texts:
            for n in needles:
                self.assertNotIn(n, t)

    def test_canary(self):
        r = self.member.post("/admin/canary", {"text": "member try"})
        self.assertEqual(r.status, 403, r.describe())
        text = "No warrants as of today.\nSecond line \"quoted\" é"
        r = self.admin.post("/admin/canary", {"text": text})
        self.assertEqual(r.status, 303, r.describe())
        anon = Browser(self.server)
        c = anon.get_json("/canary.json")
        self.assertEqual(c["text"], text)
        self.assertFalse(c["stale"])
        key = self.wellknown()["public_key"]
        self.assertEqual(c["public_key"], key)
        self.assertTrue(sig_ok(key, c["signature"],
                               canonical({"text": c["text"], "date": c["date"]})))
        page = anon.get("/canary").text
        self.assertIn("No warrants as of today.", page)
        self.assertIn(c["signature"], page)
        self.assertIn(c["fingerprint"], page)
        self.assertNotIn("stale", page.lower().replace('class="stale"', ""))
        txt = anon.get("/canary.txt")
        self.assertEqual(txt.status, 200)
        self.assertTrue(txt.content_type.startswith("text/plain"))
        self.assertIn(canonical({"text": text, "date": c["date"]}).decode(), txt.text)
        self.assertIn(c["signature"], txt.text)
        renewals = [e for e in all_entries(anon) if e["action"] == "canary"]
        self.assertEqual(renewals[0]["reason"], text)
        code, out = verify(self.server)
        self.assertEqual(code, 0, out)
        self.assertIn("canary", out)

    def test_z_rotate_key(self):
        """Runs late: changes the key the other tests read."""
        state = os.path.join(self.server.tmpdir, "state-rotate.json")
        code, out = verify(self.server, "--state", state)
        self.assertEqual(code, 0, out)
        before = self.wellknown()
        r = self.server.cli("admin", "rotate-key", "--db", self.server.db_url)
        self.assertEqual(r.returncode, 0, r.stderr)
        after = self.wellknown()
        self.assertNotEqual(before["public_key"], after["public_key"])
        self.assertEqual(len(after["keys"]), 1)
        k = after["keys"][0]
        self.assertEqual(k["public_key"], before["public_key"])
        self.assertEqual(k["next_key"], after["public_key"])
        statement = canonical({"old_key": k["public_key"], "new_key": k["next_key"],
                               "time": k["retired"]})
        self.assertTrue(sig_ok(k["public_key"], k["signature"], statement))
        head = after["modlog_head"]
        self.assertTrue(sig_ok(after["public_key"], head["signature"],
                               canonical({k2: v for k2, v in head.items() if k2 != "signature"})))
        code, out = verify(self.server, "--state", state)
        self.assertEqual(code, 0, out)
        self.assertIn("signed rotation", out)
        # Renewing the canary signs with the new key.
        self.assertEqual(self.admin.post("/admin/canary", {"text": "after rotation"}).status, 303)
        c = Browser(self.server).get_json("/canary.json")
        self.assertEqual(c["public_key"], after["public_key"])
        code, out = verify(self.server)
        self.assertEqual(code, 0, out)


class CommandLineLogTest(TrustMixin, ParleyTestCase):
    """`parley admin` commands that change roles, moderators, limits, pages
    or the site key each append one chained entry by "parley admin" (no
    account can have that name), in the same transaction as the change;
    a refused command appends nothing; `parley verify` still holds."""

    def cli(self, *args, stdin=None, ok=True):
        r = self.server.cli("admin", *args, "--db", self.server.db_url,
                            **({"stdin_text": stdin} if stdin is not None else {}))
        self.assertEqual(r.returncode == 0, ok, r.stderr)
        return r

    def new_entries(self, since):
        return [e for e in all_entries(Browser(self.server)) if e["seq"] > since]

    def test_admin_commands_logged(self):
        member = uniq("cmem")
        self.server.add_user(member, PW)
        owner = self.login_new("cown", admin=True)
        community = uniq("Tl")
        owner.create_community(community)
        before = all_entries(Browser(self.server))
        seq = before[0]["seq"] if before else 0
        admin = uniq("cadm")
        self.cli("add-user", admin, "--admin", stdin=PW + "\n")
        self.cli("set-role", member, "admin")
        self.cli("set-role", member, "user")
        self.cli("appoint", community, member)
        self.cli("appoint", community, member)          # already: nothing new
        self.cli("set-limit", "limit_posts", "0042")
        self.cli("set-page", "guide", "Our guide", stdin="# Guide\n")
        self.cli("set-role", "nobody_here", "admin", ok=False)
        self.cli("set-limit", "no_such_limit", "3", ok=False)
        self.cli("add-user", uniq("cusr"), stdin=PW + "\n")   # not a moderation change
        old_key = Browser(self.server).get_json("/.well-known/parley.json")["public_key"]
        self.cli("rotate-key")
        doc = Browser(self.server).get_json("/.well-known/parley.json")
        got = [(e["moderator"], e["action"], e["community"], e["user"], e["reason"])
               for e in reversed(self.new_entries(seq))]
        self.assertEqual(got, [
            ("parley admin", "set role", None, admin, "admin"),
            ("parley admin", "set role", None, member, "admin"),
            ("parley admin", "set role", None, member, "user"),
            ("parley admin", "appoint", community, member, None),
            ("parley admin", "settings", None, None, "limit_posts=42"),
            ("parley admin", "edit page", None, None, "guide"),
            ("parley admin", "rotate key", None, None, doc["public_key"]),
        ])
        self.assertNotEqual(old_key, doc["public_key"])
        self.assertEqual(doc["modlog_head"]["seq"], seq + 7)
        self.check_chain(all_entries(Browser(self.server)), doc["modlog_head"])
        code, out = verify(self.server)
        self.assertEqual(code, 0, out)
        self.assertIn("all holds", out)
        # The page lists them too, and no account answers to the name.
        page = Browser(self.server).get("/modlog").text
        self.assertIn("parley admin", page)
        self.assertEqual(Browser(self.server).get("/modlog.json?mod=parley%20admin").status, 404)


class StaleCanaryTest(ParleyTestCase):
    server_env = {"PARLEY_CANARY_MAX_AGE": "1s"}

    def test_stale(self):
        admin = self.login_new("sadm", admin=True)
        self.assertEqual(admin.post("/admin/canary", {"text": "old news"}).status, 303)
        time.sleep(2.2)
        anon = Browser(self.server)
        self.assertTrue(anon.get_json("/canary.json")["stale"])
        self.assertIn("stale", anon.get("/canary").text)
        code, out = verify(self.server, "--canary-max-age", "1s")
        self.assertEqual(code, 1, out)
        self.assertIn("stale", out)
        code, out = verify(self.server)   # within verify's own default of 30d
        self.assertEqual(code, 0, out)


@unittest.skipUnless(DB_URL_TEMPLATE.startswith("sqlite:"), "edits the SQLite file")
class TamperTest(TrustMixin, unittest.TestCase):
    """Each test gets a server with a few entries, checks that all holds,
    edits the database with the sqlite3 command behind the server's back
    and expects `parley verify` to say what changed."""

    def setUp(self):
        self.server = Server()
        self.server.start()
        self.server.set_limit("limit_registrations", BIG)
        name = uniq("tadm")
        self.server.add_user(name, PW, admin=True)
        self.admin = Browser(self.server)
        self.admin.login(name, PW)
        community = uniq("Tt")
        self.admin.create_community(community)
        post = self.admin.submit_text(community, "Tampered", "body")
        for i, action in enumerate(("lock", "unlock", "sticky", "unsticky", "lock")):
            self.act(self.admin, action, kind="post", id=post, reason="reason %d" % i)
        self.db = self.server.db_url[len("sqlite:"):]
        code, out = verify(self.server)
        self.assertEqual(code, 0, out)

    def tearDown(self):
        self.server.stop()
        self.server.cleanup()

    def sql(self, script):
        r = subprocess.run(["sqlite3", self.db], input=script.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        # A program other than parley that writes the file raises no cache
        # epoch: the server's cached pages show it once they are a page
        # lifetime old (1 s, docs/BEHAVIOUR.md), as readers would see it.
        time.sleep(CACHE_TTL_S + 0.2)
        return r.stdout.decode()

    def expect_failure(self, *phrases):
        code, out = verify(self.server)
        self.assertEqual(code, 1, out)
        for p in phrases:
            self.assertIn(p, out)
        return out

    def test_change_reason(self):
        self.sql("UPDATE mod_actions SET reason = 'nothing happened' WHERE seq = 3;")
        self.assertIn("nothing happened", Browser(self.server).get("/modlog").text)
        self.expect_failure("entry seq 3 was altered")

    def test_change_reason_and_its_hash(self):
        """Even with the entry's own hash recomputed, the next entry's prev
        no longer names it."""
        entries = all_entries(Browser(self.server))
        e = dict([x for x in entries if x["seq"] == 3][0], reason="rewritten")
        self.sql("UPDATE mod_actions SET reason = 'rewritten', hash = '%s' WHERE seq = 3;"
                 % entry_hash(e))
        self.expect_failure("the chain breaks between seq 3 and seq 4")

    def test_delete_entry(self):
        self.sql("DELETE FROM mod_actions WHERE seq = 2;")
        self.expect_failure("missing (dropped)")

    def test_swap_two_entries(self):
        ids = [int(x) for x in self.sql(
            "SELECT id FROM mod_actions WHERE seq IN (2, 3) ORDER BY id;").split()]
        self.sql("UPDATE mod_actions SET id = -1 WHERE id = %d;"
                 "UPDATE mod_actions SET id = %d WHERE id = %d;"
                 "UPDATE mod_actions SET id = %d WHERE id = -1;" % (ids[0], ids[0], ids[1], ids[1]))
        out = self.expect_failure()
        self.assertTrue("out of place" in out or "altered" in out, out)

    def test_replace_head(self):
        self.sql("UPDATE modlog_head SET seq = 2, hash = (SELECT hash FROM mod_actions "
                 "WHERE seq = 2);")
        self.expect_failure("the head's signature does not verify",
                            "the head does not name the newest entry")

    def test_drop_newest_entries(self):
        """Dropping the newest entries and moving the head back: the old
        signature no longer covers the head."""
        self.sql("DELETE FROM mod_actions WHERE seq >= 4;"
                 "UPDATE modlog_head SET seq = 3, hash = (SELECT hash FROM mod_actions "
                 "WHERE seq = 3);")
        self.expect_failure("the head's signature does not verify")

    def test_rollback_and_fork_with_state(self):
        """The operator holds the key: a restored backup verifies on its own,
        but not against what a reader saw before."""
        backup = os.path.join(self.server.tmpdir, "backup.db")
        r = self.server.cli("backup", "--db", self.server.db_url, "--to", backup)
        self.assertEqual(r.returncode, 0, r.stderr)
        post = Browser(self.server).get_json("/modlog.json")["actions"][0]["target"]
        self.act(self.admin, "unlock", kind="post", id=post, reason="after the backup")
        state = os.path.join(self.server.tmpdir, "state.json")
        code, out = verify(self.server, "--state", state)
        self.assertEqual(code, 0, out)
        # Roll back: the backup replaces the database.
        self.server.stop()
        shutil.copy(backup, self.db)
        for ext in ("-wal", "-shm"):
            if os.path.exists(self.db + ext):
                os.unlink(self.db + ext)
        self.restart_on_same_port()
        code, out = verify(self.server)
        self.assertEqual(code, 0, "the backup alone verifies: " + out)
        code, out = verify(self.server, "--state", state)
        self.assertEqual(code, 1, out)
        self.assertIn("rollback", out)
        # Fork: a different entry where the seen one was.
        self.admin = Browser(self.server)
        self.admin.login(self.admin_name(), PW)
        self.act(self.admin, "unlock", kind="post", id=post, reason="another history")
        code, out = verify(self.server, "--state", state)
        self.assertEqual(code, 1, out)
        self.assertIn("fork", out)

    def restart_on_same_port(self):
        """The state file names the site by its URL: keep the port."""
        port, free_port = self.server.port, harness.free_port
        harness.free_port = lambda: port
        try:
            self.server.start()
        finally:
            harness.free_port = free_port

    def admin_name(self):
        return self.sql("SELECT name FROM users WHERE role = 1 LIMIT 1;").strip()


class PythonVerifierTest(TrustMixin, ParleyTestCase):
    """The verifier printed in docs/VERIFY.md, run as a reader would."""

    def test_docs_verifier(self):
        with open(os.path.join(REPO_ROOT, "docs", "VERIFY.md"), encoding="utf-8") as f:
            doc = f.read()
        m = re.search(r"```python\n(.*?)```", doc, re.S)
        self.assertIsNotNone(m, "docs/VERIFY.md has no python block")
        code = m.group(1)
        self.assertLessEqual(len(code.strip().splitlines()), 45)
        if not system_nacl():
            self.skipTest("python3-nacl is not installed (scripts/deps.sh)")
        admin = self.login_new("padm", admin=True)
        community = uniq("Tp")
        admin.create_community(community)
        post = admin.submit_text(community, "Checked in Python", "body")
        for i in range(27):
            self.act(admin, "lock" if i % 2 == 0 else "unlock", kind="post", id=post,
                     reason="python %d %s" % (i, TRICKY))
        admin.post("/admin/canary", {"text": "Checked by Python."})
        with tempfile.TemporaryDirectory() as tmp:
            script = os.path.join(tmp, "verify.py")
            with open(script, "w", encoding="utf-8") as f:
                f.write(code)
            r = subprocess.run(["/usr/bin/python3", script, self.server.origin],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn(b"ok", r.stdout)
            if self.server.db_url.startswith("sqlite:"):
                db = sqlite3.connect(self.server.db_url[len("sqlite:"):])
                db.execute("UPDATE mod_actions SET reason = 'edited' WHERE seq = 5")
                db.commit()
                db.close()
                time.sleep(CACHE_TTL_S + 0.2)   # as TamperTest.sql says
                r = subprocess.run(["/usr/bin/python3", script, self.server.origin],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
                self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)


@unittest.skipUnless(DB_URL_TEMPLATE.startswith("sqlite:"),
                     "the archive folder sits beside the SQLite file")
class ArchiveFilesTest(TrustMixin, ParleyTestCase):
    """Archived threads as files: written once for signed-out visitors,
    served from the file without the database, deleted by moderation and
    by an account's erasure, never shown to members."""

    server_env = {"PARLEY_ARCHIVE_AFTER": "2s"}
    site_limits = dict(ParleyTestCase.site_limits,
                       limit_posts=BIG, limit_posts_new=BIG, limit_comments=BIG,
                       limit_comments_new=BIG)

    def files(self, community, post):
        base = os.path.join(os.path.dirname(self.server.db_url[len("sqlite:"):]),
                            "archive", "s", community, str(post))
        return base + ".html", base + ".json"

    def test_archive(self):
        admin = self.login_new("aadm", admin=True)
        member = self.login_new("amem")
        community, post, cid, path = old_thread(admin, member, "Ta", "Old news",
                                                "a comment that stays")
        html_file, json_file = self.files(community, post)
        anon = Browser(self.server)
        first = anon.get(path)
        self.assertEqual(first.status, 200)
        self.assertIn("(post is archived)", first.text)
        self.assertIsNone(first.header("X-Archive"))
        self.assertTrue(os.path.exists(html_file), "the file is written once")
        second = Browser(self.server).get(path)
        self.assertEqual(second.header("X-Archive"), "file")
        self.assertEqual(second.text, first.text)
        anon.get_json(path)
        self.assertTrue(os.path.exists(json_file))
        self.assertEqual(Browser(self.server).get(path + ".json").header("X-Archive"), "file")
        # Served without the database: a change behind its back is not seen
        # by signed-out visitors, while members get the page rendered.
        db = sqlite3.connect(self.server.db_url[len("sqlite:"):])
        db.execute("UPDATE posts SET title = 'Changed behind its back' WHERE id = ?", (post,))
        db.commit()
        db.close()
        time.sleep(CACHE_TTL_S + 0.2)   # cached member pages have expired
        self.assertIn("Old news", Browser(self.server).get(path).text)
        mine = member.get(path)
        self.assertIsNone(mine.header("X-Archive"))
        self.assertIn("Changed behind its back", mine.text)
        # A moderation action deletes the files; the next view writes them anew.
        self.act(admin, "remove", kind="comment", id=cid, reason="off topic")
        self.assertFalse(os.path.exists(html_file))
        self.assertFalse(os.path.exists(json_file))
        again = Browser(self.server).get(path)
        self.assertIn("[removed]", again.text)
        self.assertIn("Changed behind its back", again.text)
        self.assertTrue(os.path.exists(html_file))
        # Erasing an account deletes every file.
        r = member.post("/settings/delete", {"password": PW, "erase": "1"})
        self.assertEqual(r.status, 303, r.describe())
        self.assertFalse(os.path.exists(html_file))
        # A query (another sort) is always rendered.
        self.assertIsNone(Browser(self.server).get(path + "?sort=new").header("X-Archive"))


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@unittest.skipUnless(DB_URL_TEMPLATE.startswith("sqlite:") and os.access(NGINX, os.X_OK),
                     "needs SQLite and nginx")
class ArchiveNginxTest(TrustMixin, ParleyTestCase):
    """docs/DEPLOY.md's nginx configuration, taken from the document, serves
    an archived thread's file itself to signed-out visitors and passes
    members and queries to Parley."""

    server_env = {"PARLEY_ARCHIVE_AFTER": "2s"}

    def nginx(self, tmp):
        with open(os.path.join(REPO_ROOT, "docs", "DEPLOY.md"), encoding="utf-8") as f:
            doc = f.read()
        section = doc[doc.index("### Archived threads straight from disk"):]
        blocks = re.findall(r"```nginx\n(.*?)```", section, re.S)
        block, headers = blocks[0], blocks[1]
        with open(os.path.join(tmp, "parley-headers.conf"), "w") as f:
            f.write(headers)
        port = harness.free_port()
        data = os.path.dirname(self.server.db_url[len("sqlite:"):])
        block = (block.replace("# ... as above ...", "listen 127.0.0.1:%d;" % port)
                 .replace("/var/lib/parley;", data + ";")
                 .replace("127.0.0.1:8080", "127.0.0.1:%d" % self.server.port)
                 .replace("/etc/nginx/parley-headers.conf", os.path.join(tmp, "parley-headers.conf")))
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(tmp, d), exist_ok=True)
            os.chmod(os.path.join(tmp, d), 0o777)
        for d in (tmp, self.server.tmpdir, data):
            os.chmod(d, 0o755)
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write("worker_processes 1; daemon off; pid %s/nginx.pid;\n"
                    "error_log %s/error.log warn; events { worker_connections 64; }\n"
                    "http { access_log off; client_body_temp_path %s/body;"
                    " proxy_temp_path %s/proxy; fastcgi_temp_path %s/fastcgi;"
                    " uwsgi_temp_path %s/uwsgi; scgi_temp_path %s/scgi;\n%s}\n"
                    % ((tmp,) * 7 + (block,)))
        proc = subprocess.Popen([NGINX, "-p", tmp, "-e", os.path.join(tmp, "error.log"),
                                 "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while True:
            if proc.poll() is not None:
                raise AssertionError("nginx: %s" % proc.stderr.read().decode())
            try:
                with socketlib.create_connection(("127.0.0.1", port), timeout=0.5):
                    return proc, port
            except OSError:
                if time.monotonic() > deadline:
                    proc.kill()
                    raise AssertionError("nginx did not listen")
                time.sleep(0.05)

    def test_nginx_serves_the_file(self):
        admin = self.login_new("nadm", admin=True)
        path = old_thread(admin, admin, "Tn", "Served by nginx", "a comment")[3]
        parley_view = Browser(self.server).get(path).text      # writes the file
        Browser(self.server).get(path + ".json")                # and the JSON one
        tmp = tempfile.mkdtemp(prefix="parley-nginx-")
        proc, port = self.nginx(tmp)
        try:
            front = harness.Browser(Endpoint(port))
            r = front.get(path)
            self.assertEqual(r.status, 200, r.describe())
            self.assertIsNone(r.header("X-Archive"), "nginx, not Parley, answered")
            self.assertIn("default-src 'none'", r.header("Content-Security-Policy"))
            self.assertEqual(r.text, parley_view)
            j = front.get(path + ".json")
            self.assertIsNone(j.header("X-Archive"))
            self.assertEqual(j.content_type, "application/json")
            self.assertEqual(j.json()["post"]["title"], "Served by nginx")
            self.assertEqual(front.get(path + "/served-by-nginx").text, parley_view)
            member = harness.Browser(Endpoint(port))
            member.cookies = dict(admin.cookies)
            self.assertIn("Served by nginx", member.get(path).text)
            self.assertIsNone(front.get(path + "?sort=new").header("X-Archive"))
        finally:
            proc.terminate()
            proc.wait(10)
            shutil.rmtree(tmp, ignore_errors=True)


class ConcurrentModeratorsTest(TrustMixin, TwoServersTestCase):
    """Moderators acting at once through two servers on one database (one
    PostgreSQL database in make e2e-pg, one SQLite file otherwise): the
    chain has no repeated seq, no gap, and verifies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a.set_limit("limit_registrations", BIG)

    def test_concurrent_appends(self):
        setup = self.login_new(self.a, "cadm", admin=True)
        community = uniq("Tq")
        setup.create_community(community)
        posts = [setup.submit_text(community, "Post %d" % i, "body") for i in range(4)]
        mods = [self.login_new(self.a if i % 2 == 0 else self.b, "cmod", admin=True)
                for i in range(4)]
        errors, done = [], []
        rounds = 15
        # The command line logged set-limit and each add-user --admin.
        earlier = len(all_entries(Browser(self.a)))
        self.assertEqual(earlier, 1 + 1 + 4)

        def work(i, b):
            try:
                for n in range(rounds):
                    action = "lock" if n % 2 == 0 else "unlock"
                    r = b.post("/mod", {"action": action, "kind": "post",
                                        "id": str(posts[i]), "reason": "m%d n%d" % (i, n)})
                    if r.status != 303:
                        errors.append(r.describe())
                    done.append(1)
            except Exception as e:  # noqa: B902 - reported below
                errors.append(repr(e))

        ts = [threading.Thread(target=work, args=(i, b)) for i, b in enumerate(mods)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        entries = all_entries(Browser(self.b))
        self.assertEqual(len(entries), earlier + 4 * rounds)
        seqs = [e["seq"] for e in entries]
        self.assertEqual(len(set(seqs)), len(seqs), "a seq repeats")
        head = Browser(self.a).get_json("/.well-known/parley.json")["modlog_head"]
        self.check_chain(entries, head)
        for s in (self.a, self.b):
            code, out = verify(s)
            self.assertEqual(code, 0, out)


if __name__ == "__main__":
    unittest.main()
