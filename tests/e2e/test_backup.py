# SPDX-License-Identifier: AGPL-3.0-or-later
"""parley backup: a live SQLite database copied under write load is whole
(integrity_check ok) and holds every write acknowledged before the backup
began; on PostgreSQL the command refuses and points to pg_dump."""

import os
import re
import sqlite3
import threading
import time

from harness import Browser, ParleyTestCase, is_postgres, uniq

PASSWORD = "correct-horse-1"


class BackupTest(ParleyTestCase):

    def test_backup_under_load(self):
        if is_postgres(self.server.db_url):
            self.skipTest("SQLite only: see test_postgres_refused")
        admin = uniq("adm")
        self.server.add_user(admin, PASSWORD, admin=True)
        b = Browser(self.server)
        b.login(admin, PASSWORD)
        community = uniq("c")
        b.create_community(community)
        post = b.submit_text(community, "Backed up", "body")

        acked = []                 # (time acknowledged, comment id)
        lock = threading.Lock()
        stop = []

        def writer():
            w = Browser(self.server)
            w.login(admin, PASSWORD)
            n = 0
            while not stop:
                n += 1
                r = w.comment(community, post, "write %d" % n, expect=None)
                if r.status == 303:
                    cid = int(re.search(r"#c(\d+)", r.header("Location")).group(1))
                    with lock:
                        acked.append((time.monotonic(), cid))

        ts = [threading.Thread(target=writer) for _ in range(3)]
        for t in ts:
            t.start()
        try:
            time.sleep(1.0)
            with lock:
                before = [cid for _, cid in acked]
            path = os.path.join(self.server.tmpdir, "backup.db")
            r = self.server.cli("backup", "--db", self.server.db_url, "--to", path)
            time.sleep(0.5)
        finally:
            stop.append(True)
            for t in ts:
                t.join(30)
        self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8", "replace"))
        self.assertGreater(len(before), 5, "too little load to mean anything")
        self.assertGreater(len(acked), len(before), "no writes during the backup")
        self.assertFalse(os.path.exists(path + ".part"))

        db = sqlite3.connect(path)
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            have = {row[0] for row in db.execute(
                "SELECT id FROM comments WHERE post_id = ?", (post,))}
            count = db.execute("SELECT comment_count FROM posts WHERE id = ?",
                               (post,)).fetchone()[0]
        finally:
            db.close()
        missing = [cid for cid in before if cid not in have]
        self.assertEqual(missing, [], "acknowledged before the backup, not in it")
        self.assertEqual(count, len(have), "the post's count matches its comments")
        # The copy is a database parley can serve.
        r = self.server.cli("init", "--db", "sqlite:" + path)
        self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8", "replace"))

    def test_postgres_refused(self):
        if not is_postgres(self.server.db_url):
            self.skipTest("PostgreSQL only")
        path = os.path.join(self.server.tmpdir, "backup.db")
        r = self.server.cli("backup", "--db", self.server.db_url, "--to", path)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"pg_dump", r.stderr)
        self.assertFalse(os.path.exists(path))

    def test_usage(self):
        r = self.server.cli("backup", "--db", self.server.db_url)
        self.assertNotEqual(r.returncode, 0, "--to is required")
        r = self.server.cli("backup", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"--to FILE", r.stdout)
