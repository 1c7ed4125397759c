#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""backends.py: the same pages from SQLite and from PostgreSQL, in one run
on one machine (`make bench-backends`; never part of make test).

A demo site of BENCH_POSTS posts is made on SQLite, moved to a throw-away
PostgreSQL cluster with `parley migrate` (tests/e2e/pgcluster.py starts it),
and served by two `parley serve` with the same thread count. wrk then
measures the front page and the demo's 300-comment thread on both,
interleaved SQLite, PostgreSQL, SQLite, PostgreSQL so that the noise of a
shared machine falls on both alike. Prints a table and writes it to
bench/results/backends.md.

Then search, one signed-in client on each server in turn: a common word
(the indexed word nearest 10% of the posts, as make bench picks it) in
each sort, BENCH_SEARCH_N requests in a row, p50 and server CPU per
request; and each search index's size (SQLite: the FTS5 shadow tables'
pages; PostgreSQL: the GIN indexes).

Settings (environment): BENCH_POSTS (10000), BENCH_SECONDS (5), BENCH_CONNS
(32), BENCH_WRK_THREADS (2), BENCH_ROUNDS (2), BENCH_SERVER_THREADS (Parley's
default), BENCH_SEARCH_N (30), PARLEY_BIN (bench/build/parley).
"""

import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))
import pgcluster  # noqa: E402

import bench  # noqa: E402

BIN = os.path.abspath(os.environ.get("PARLEY_BIN") or os.path.join(HERE, "build", "parley"))


def env_int(name, default):
    v = os.environ.get(name)
    return int(v) if v else default


def log(msg):
    sys.stderr.write("bench-backends: %s\n" % msg)
    sys.stderr.flush()


def parley(*args):
    r = subprocess.run([BIN] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("parley %s failed: %s" % (" ".join(args), r.stderr.decode()))
    return r.stdout.decode()


class Serve:
    def __init__(self, db, tmp, threads):
        self.port = pgcluster.free_port()
        cmd = [BIN, "serve", "--listen", "127.0.0.1:%d" % self.port, "--db", db]
        if threads:
            cmd += ["--threads", str(threads)]
        self.err = open(os.path.join(tmp, "serve-%d.log" % self.port), "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.err, cwd=tmp)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("parley serve did not start on %s" % db)

    def cpu(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(20)
        self.err.close()


def wrk(url, seconds, conns, threads):
    r = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % seconds,
                        "--timeout", "10s", "-s", os.path.join(HERE, "report.lua"), url],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    m = re.search(r"^BENCH (\{.*\})$", r.stdout.decode(), re.M)
    if not m:
        raise RuntimeError("wrk said: %s" % r.stdout.decode())
    return json.loads(m.group(1))


def search_rows(backends, clients, word, n):
    """(sort, backend, p50 ms, CPU ms per request, results) of n searches
    in a row for word in each sort, the backends in turn."""
    rows = []
    for sort in ("relevance", "new", "top"):
        path = "/search.json?q=%s&sort=%s" % (word, sort)
        for name, srv in backends:
            c = clients[name]
            c.get(path)
            times = []
            c0 = srv.cpu()
            for _ in range(n):
                t0 = time.monotonic()
                body = c.get(path)
                times.append((time.monotonic() - t0) * 1000)
            cpu_ms = (srv.cpu() - c0) * 1000 / n
            rows.append((sort, name, statistics.median(times), cpu_ms,
                         len(json.loads(body)["results"])))
            log("search %s %s on %s: p50 %.1f ms" % (word, sort, name, rows[-1][2]))
    return rows


def index_sizes(sqlite_db, pg_url):
    """Bytes of each backend's search index, posts and comments."""
    fts = bench.search_index_bytes(sqlite_db)
    pg = re.search(r"(\d+) (\d+)", pgcluster.psql(
        pg_url, "SELECT pg_relation_size('posts_search') || ' ' || "
        "pg_relation_size('comments_search')"))
    return {"SQLite": (fts["posts"], fts["comments"]),
            "PostgreSQL": (int(pg.group(1)), int(pg.group(2)))}


def main():
    posts = env_int("BENCH_POSTS", 10000)
    seconds = env_int("BENCH_SECONDS", 5)
    conns = env_int("BENCH_CONNS", 32)
    wthreads = env_int("BENCH_WRK_THREADS", 2)
    rounds = env_int("BENCH_ROUNDS", 2)
    sthreads = env_int("BENCH_SERVER_THREADS", 0)
    tmp = tempfile.mkdtemp(prefix="parley-bench-backends-")
    cluster = pgcluster.Cluster()
    servers = []
    try:
        cluster.init().start()
        sqlite_db = os.path.join(tmp, "site.db")
        t0 = time.monotonic()
        parley("demo", "--db", "sqlite:" + sqlite_db, "--posts", str(posts))
        log("demo of %d posts in %.0f s" % (posts, time.monotonic() - t0))
        r = subprocess.run([BIN, "admin", "add-user", bench.READER, "--db",
                            "sqlite:" + sqlite_db], input=bench.PASSWORD + "\n",
                           text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise RuntimeError("parley admin add-user failed: %s" % r.stdout)
        pg_url = pgcluster.create_database(cluster.url("bench"))
        t0 = time.monotonic()
        parley("migrate", "--from", "sqlite:" + sqlite_db, "--to", pg_url)
        log("migrated to PostgreSQL in %.0f s" % (time.monotonic() - t0))
        pgcluster.psql(pg_url, "VACUUM ANALYZE")

        db = sqlite3.connect(sqlite_db)
        pid, community, ncomments = db.execute(
            "SELECT p.id, c.name, p.comment_count FROM posts p "
            "JOIN communities c ON c.id = p.community_id "
            "WHERE p.comment_count BETWEEN 300 AND 400 "
            "ORDER BY p.comment_count DESC LIMIT 1").fetchone()
        db.close()
        pages = [("front page /", "/"),
                 ("thread of %d comments" % ncomments, "/s/%s/p/%d" % (community, pid))]

        backends = [("SQLite", Serve("sqlite:" + sqlite_db, tmp, sthreads)),
                    ("PostgreSQL", Serve(pg_url, tmp, sthreads))]
        servers = [s for _, s in backends]
        rows = []
        for label, path in pages:
            runs = {name: [] for name, _ in backends}
            cpu = {name: 0.0 for name, _ in backends}
            for name, srv in backends:
                wrk("http://127.0.0.1:%d%s" % (srv.port, path), 1, conns, wthreads)
            for _ in range(rounds):
                for name, srv in backends:
                    c0 = srv.cpu()
                    runs[name].append(wrk("http://127.0.0.1:%d%s" % (srv.port, path),
                                          seconds, conns, wthreads))
                    cpu[name] += srv.cpu() - c0
            for name, _ in backends:
                rs = runs[name]
                reqs = sum(r["requests"] for r in rs)
                dur = sum(r["duration_us"] for r in rs) / 1e6
                errors = sum(r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
                             for r in rs)
                rows.append((label, name, reqs / dur,
                             statistics.median(r["p50_us"] for r in rs) / 1000,
                             statistics.median(r["p99_us"] for r in rs) / 1000,
                             cpu[name] / dur, errors))
                log("%s on %s: %.0f req/s" % (label, name, reqs / dur))

        word = bench.search_words(sqlite_db)
        clients = {name: bench.Client(srv.port).login(bench.READER, bench.PASSWORD)
                   for name, srv in backends}
        searches = search_rows(backends, clients, word["common"],
                               env_int("BENCH_SEARCH_N", 30))
        sizes = index_sizes(sqlite_db, pg_url)

        out = ["# Parley on SQLite and on PostgreSQL", "",
               "%s, %d cores, %s; demo of %d posts; wrk -t%d -c%d, %d x %d s per server "
               "and page, interleaved; server threads: %s. PostgreSQL %s on loopback "
               "(fsync off, as in the tests). CPU = the parley process's CPU time over "
               "wall time (the database's own CPU is not in it)."
               % (time.strftime("%Y-%m-%d"), os.cpu_count(), platform.machine(), posts,
                  wthreads, conns, rounds, seconds, sthreads or "default (cores)",
                  os.path.basename(os.path.dirname(cluster.bin))), "",
               "| page | backend | req/s | p50 ms | p99 ms | CPU | errors |",
               "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
        for label, name, rps, p50, p99, cpu_share, errors in rows:
            out.append("| %s | %s | %.0f | %.2f | %.2f | %.2f | %d |"
                       % (label, name, rps, p50, p99, cpu_share, errors))
        out += ["", "Search for \"%s\" (in %d posts), signed in, one client, %d in a "
                "row; CPU = the parley process's CPU time per request."
                % (word["common"], word["common_posts"], env_int("BENCH_SEARCH_N", 30)), "",
                "| sort | backend | p50 ms | CPU ms | results |",
                "| --- | --- | ---: | ---: | ---: |"]
        for sort, name, p50, cpu_ms, n in searches:
            out.append("| %s | %s | %.2f | %.2f | %d |" % (sort, name, p50, cpu_ms, n))
        out += ["", "Search index: %s." % "; ".join(
            "%s posts %.1f MiB, comments %.1f MiB" % (name, p / 2**20, c / 2**20)
            for name, (p, c) in sizes.items())]
        text = "\n".join(out) + "\n"
        os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
        with open(os.path.join(HERE, "results", "backends.md"), "w") as f:
            f.write(text)
        print(text)
        return 0
    finally:
        for s in servers:
            s.stop()
        cluster.remove()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
