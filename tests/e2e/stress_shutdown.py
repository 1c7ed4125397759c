#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Stress test of stopping under load (issue 12); `make stress-shutdown`,
never part of make test.

Each run starts the server on the same SQLite database, checks that every
write acknowledged (303) in earlier runs is there, loads it with readers
and writers on several connections (kept alive and not, signed in and
not), sends SIGTERM at a random moment of the load and then expects exit
0 within the drain time (10 s, plus 2 s for the process to end). Loads
keep going while the server drains, so requests arrive on kept-alive
connections and new connections are refused while it stops.

Environment:
  PARLEY_BIN                     server binary (default: build/parley)
  PARLEY_STRESS_RUNS             runs (default 200)
  PARLEY_STRESS_SEED             random seed (default: from the time; printed)
  PARLEY_STRESS_MAX_DELAY        longest load before SIGTERM, seconds (0.6)

Ends with `N passed, N failed` (runs), and exits non-zero if any run failed.
A failed run prints the server's whole stderr (Server.stop).
"""

import http.client
import os
import random
import shutil
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import Browser, Server, uniq  # noqa: E402

RUNS = int(os.environ.get("PARLEY_STRESS_RUNS", "200"))
SEED = int(os.environ.get("PARLEY_STRESS_SEED", str(int(time.time()))))
MAX_DELAY = float(os.environ.get("PARLEY_STRESS_MAX_DELAY", "0.6"))
DRAIN_SECONDS = 10.0          # DRAIN_SECONDS in src/app/app_serve.c
STOP_LIMIT = DRAIN_SECONDS + 2.0
PASSWORD = "correct-horse-1"
WRITERS = 3                   # one of them keeps its connection alive
READERS = 4                   # two kept alive, one signed in

# What a stopping or stopped server looks like to a client.
DOWN = (ConnectionError, http.client.HTTPException, OSError)


class Ledger:
    """Writes acknowledged so far, and answers that should not happen."""

    def __init__(self):
        self.lock = threading.Lock()
        self.posts = {}        # post id -> title
        self.comments = {}     # post id -> set of comment ids
        self.unchecked = []    # post ids acknowledged since the last check
        self.odd = []          # (what, status) of 5xx answers

    def post(self, pid, title):
        with self.lock:
            self.posts[pid] = title
            self.comments.setdefault(pid, set())
            self.unchecked.append(pid)

    def comment(self, pid, cid):
        with self.lock:
            self.comments[pid].add(cid)
            if pid not in self.unchecked:
                self.unchecked.append(pid)

    def note(self, what, status):
        if status >= 500:
            with self.lock:
                self.odd.append((what, status))


def writer(b, community, ledger, stop, rnd):
    """Posts once, then comments on its post until told to stop."""
    pid = None
    n = 0
    while not stop.is_set():
        try:
            if pid is None:
                title = "Stress %s %d" % (b.name, n)
                r = b.submit_text(community, title, "body", expect=None)
                ledger.note("submit", r.status)
                if r.status == 303:
                    pid = r.post_id
                    ledger.post(pid, title)
            else:
                r = b.comment(community, pid, "comment %d" % n, expect=None)
                ledger.note("comment", r.status)
                if r.status == 303:
                    ledger.comment(pid, r.comment_id)
            n += 1
        except DOWN:
            b._conn = None
            time.sleep(0.01)


def reader(b, paths, ledger, stop, rnd):
    while not stop.is_set():
        path = rnd.choice(paths)
        try:
            if path.endswith(".json"):
                r = b.request_json(path[:-5])
            else:
                r = b.get(path)
            ledger.note("GET " + path, r.status)
        except DOWN:
            b._conn = None
            time.sleep(0.01)


def check(srv, community, ledger):
    """Every write acknowledged since the last check is there; returns
    a list of what is missing."""
    missing = []
    b = Browser(srv)
    with ledger.lock:
        pids = list(ledger.unchecked)
        ledger.unchecked = []
    for pid in pids:
        t = b.get_json("/s/%s/p/%d" % (community, pid))
        if t["post"]["title"] != ledger.posts[pid]:
            missing.append("post %d: title %r" % (pid, t["post"]["title"]))
        seen = {c["id"] for c in t["comments"]}
        lost = ledger.comments[pid] - seen
        if lost:
            missing.append("post %d: comments %s" % (pid, sorted(lost)))
    return missing


def main():
    rnd = random.Random(SEED)
    tmpdir = tempfile.mkdtemp(prefix="parley-stress-")
    db_url = "sqlite:%s/parley.db" % tmpdir
    ledger = Ledger()
    passed = failed = 0
    stop_times = []
    started = time.monotonic()
    print("stress-shutdown: %d runs, seed %d, %s" % (RUNS, SEED, os.environ.get("PARLEY_BIN")
                                                     or "build/parley"), flush=True)

    # The site: limits off, one community, the writers' and a reader's accounts.
    srv = Server(tmpdir=tmpdir, db_url=db_url).start()
    for key in ("limit_posts", "limit_posts_new", "limit_comments", "limit_comments_new",
                "limit_registrations", "limit_logins"):
        srv.set_limit(key, 100000)
    admin = uniq("sadm")
    srv.add_user(admin, PASSWORD, admin=True)
    a = Browser(srv)
    a.login(admin, PASSWORD)
    community = uniq("Stress")
    a.create_community(community)
    pid0 = a.submit_text(community, "Stress seed", "seed")
    ledger.post(pid0, "Stress seed")
    writers = []
    for i in range(WRITERS):
        b = Browser(srv, keep_alive=(i == 0))
        b.register(uniq("sw"), PASSWORD)
        writers.append(b)
    member = Browser(srv, keep_alive=True)
    member.register(uniq("sr"), PASSWORD)
    readers = [Browser(srv, keep_alive=True), Browser(srv, keep_alive=False),
               Browser(srv, keep_alive=True), member]
    paths = ["/", "/s/%s" % community, "/s/%s/p/%d" % (community, pid0), "/login",
             "/s/%s.json" % community, "/s/%s/p/%d.json" % (community, pid0), "/new"]
    if srv.stop() != 0:
        print("FAIL: setup: the server did not exit 0", flush=True)
        return 1

    for run in range(1, RUNS + 1):
        threads = rnd.choice([2, 3, 4])
        delay = rnd.uniform(0, MAX_DELAY)
        srv = Server(tmpdir=tmpdir, db_url=db_url, env={"PARLEY_THREADS": str(threads)})
        problem = None
        try:
            srv.start()
            missing = check(srv, community, ledger)
            if missing:
                problem = "acknowledged writes missing after restart: %s" % "; ".join(missing)
        except Exception as e:  # noqa: BLE001 - any failure here fails the run
            problem = "start or check failed: %r" % e
        stop = threading.Event()
        workers = []
        if problem is None:
            for b in writers + readers:
                b.server = srv
                b._conn = None
            for i, b in enumerate(writers):
                workers.append(threading.Thread(target=writer, daemon=True, args=(
                    b, community, ledger, stop, random.Random(SEED * 1000 + run * 10 + i))))
            for i, b in enumerate(readers):
                workers.append(threading.Thread(target=reader, daemon=True, args=(
                    b, paths, ledger, stop, random.Random(SEED * 1000 + run * 10 + 5 + i))))
            for t in workers:
                t.start()
            time.sleep(delay)
        t0 = time.monotonic()
        rc = srv.stop(timeout=STOP_LIMIT + 5)
        took = time.monotonic() - t0
        stop.set()
        for t in workers:
            t.join(timeout=30)
        stop_times.append(took)
        if problem is None and rc != 0:
            problem = "exit %s after SIGTERM (threads %d, after %.3f s of load)" % (
                rc, threads, delay)
        elif problem is None and took > STOP_LIMIT:
            problem = "took %.1f s to stop (limit %.0f s)" % (took, STOP_LIMIT)
        if problem is None:
            passed += 1
        else:
            failed += 1
            print("FAIL run %d: %s" % (run, problem), flush=True)
        if run % 20 == 0:
            print("  %d runs, %d failed, %.0f s" % (run, failed, time.monotonic() - started),
                  flush=True)

    # The last run's writes, after one more restart.
    srv = Server(tmpdir=tmpdir, db_url=db_url).start()
    missing = check(srv, community, ledger)
    if srv.stop() != 0 or missing:
        failed += 1
        print("FAIL final check: %s" % ("; ".join(missing) or "exit not 0"), flush=True)
    if ledger.odd:
        failed += 1
        print("FAIL: %d answers were 5xx, e.g. %s" % (len(ledger.odd), ledger.odd[:5]),
              flush=True)
    with ledger.lock:
        nposts = len(ledger.posts)
        ncomments = sum(len(v) for v in ledger.comments.values())
    stop_times.sort()
    print("stress-shutdown: %d acknowledged posts and %d comments checked; stop took "
          "median %.3f s, max %.3f s; %.0f s in all"
          % (nposts, ncomments, stop_times[len(stop_times) // 2], stop_times[-1],
             time.monotonic() - started))
    print("%d passed, %d failed" % (passed, failed), flush=True)
    if failed == 0:
        shutil.rmtree(tmpdir, ignore_errors=True)
    else:
        print("kept %s (database and every run's stderr)" % tmpdir)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
