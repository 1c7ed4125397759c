#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""backends.py: the same pages from SQLite and from PostgreSQL, in one run
on one machine (`make bench-backends`; never part of make test).

A demo site of BENCH_POSTS posts is made on SQLite, moved to a throw-away
PostgreSQL cluster with `parley migrate` (tests/e2e/pgcluster.py starts it),
and served by `parley serve` with the same thread count: on each backend
one with the page cache (page_cache, the default 16 MiB) and one without,
and with the cache and four times as many threads as cores.
wrk then measures the front page and the demo's 300-comment thread on
each, interleaved so that the noise of a shared machine falls on all
alike. Then the front page on PostgreSQL with the cache, through nginx:
one server alone (direct, and behind nginx), and two servers on the one
database behind nginx (an upstream of both), interleaved the same way.
Prints the tables and writes them to bench/results/backends.md.

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
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


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


def wait_listening(port, proc, what):
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError("%s exited" % what)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("%s did not start" % what)


def proc_cpu(pid):
    """CPU seconds of process pid and its waited-for children."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


class Serve:
    def __init__(self, db, tmp, threads, cache=True):
        self.port = pgcluster.free_port()
        cmd = [BIN, "serve", "--listen", "127.0.0.1:%d" % self.port, "--db", db]
        if threads:
            cmd += ["--threads", str(threads)]
        env = dict(os.environ, PARLEY_PAGE_CACHE="16" if cache else "0")
        self.err = open(os.path.join(tmp, "serve-%d.log" % self.port), "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.err, cwd=tmp,
                                     env=env)
        wait_listening(self.port, self.proc, "parley serve on %s" % db)

    def cpu(self):
        return proc_cpu(self.proc.pid)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(20)
        self.err.close()


NGINX_CONF = """
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp_paths}
    upstream parley {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://parley;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
"""


class Nginx:
    """nginx (one worker process) passing to an upstream of servers, with
    kept-alive connections to them, as docs/DEPLOY.md sets it up."""

    def __init__(self, tmp, servers):
        self.port = pgcluster.free_port()
        self.tmp = os.path.join(tmp, "nginx-%d" % self.port)
        os.chmod(tmp, 0o755)    # as root, the worker runs as nobody
        temps = {"client_body": "body", "proxy": "proxy", "fastcgi": "fastcgi",
                 "uwsgi": "uwsgi", "scgi": "scgi"}
        for d in temps.values():
            os.makedirs(os.path.join(self.tmp, d), mode=0o777)
            os.chmod(os.path.join(self.tmp, d), 0o777)
        conf = os.path.join(self.tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(
                port=self.port,
                temp_paths="\n".join("    %s_temp_path %s/%s;" % (k, self.tmp, d)
                                      for k, d in temps.items()),
                servers="\n".join("        server 127.0.0.1:%d;" % s.port for s in servers)))
        self.proc = subprocess.Popen([NGINX, "-p", self.tmp, "-c", conf,
                                      "-e", os.path.join(self.tmp, "nginx-error.log"),
                                      "-g", "daemon off; worker_processes 1; pid %s;"
                                      % os.path.join(self.tmp, "nginx.pid")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_listening(self.port, self.proc, "nginx")

    def cpu(self):
        """The worker's CPU seconds (the master only waits)."""
        with open("/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)) as f:
            return sum(proc_cpu(int(pid)) for pid in f.read().split())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(20)


def wrk(url, seconds, conns, threads):
    r = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % seconds,
                        "--timeout", "10s", "-s", os.path.join(HERE, "report.lua"), url],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    m = re.search(r"^BENCH (\{.*\})$", r.stdout.decode(), re.M)
    if not m:
        raise RuntimeError("wrk said: %s" % r.stdout.decode())
    return json.loads(m.group(1))


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def measure(targets, path, seconds, conns, wthreads, rounds):
    """Runs wrk on path through each target (name, port, the processes whose
    CPU counts) in turn, rounds times; a row (name, req/s, p50 ms, p99 ms,
    CPU share, errors) per target."""
    runs = {name: [] for name, _, _ in targets}
    cpu = {name: 0.0 for name, _, _ in targets}
    for name, port, _ in targets:
        wrk("http://127.0.0.1:%d%s" % (port, path), 1, conns, wthreads)
    for _ in range(rounds):
        for name, port, procs in targets:
            c0 = sum(p.cpu() for p in procs)
            runs[name].append(wrk("http://127.0.0.1:%d%s" % (port, path),
                                  seconds, conns, wthreads))
            cpu[name] += sum(p.cpu() for p in procs) - c0
    rows = []
    for name, _, _ in targets:
        rs = runs[name]
        reqs = sum(r["requests"] for r in rs)
        dur = sum(r["duration_us"] for r in rs) / 1e6
        errors = sum(r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
                     for r in rs)
        rows.append((name, reqs / dur, statistics.median(r["p50_us"] for r in rs) / 1000,
                     statistics.median(r["p99_us"] for r in rs) / 1000, cpu[name] / dur,
                     errors))
        log("%s %s: %.0f req/s" % (path, name, reqs / dur))
    return rows


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
    load = loadavg()
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
                    ("PostgreSQL", Serve(pg_url, tmp, sthreads)),
                    ("SQLite, cache off", Serve("sqlite:" + sqlite_db, tmp, sthreads, False)),
                    ("PostgreSQL, cache off", Serve(pg_url, tmp, sthreads, False))]
        if not sthreads:
            # a cached answer on PostgreSQL waits a round trip (the cache
            # log's read): more threads than cores keep the cores busy
            many = 4 * (os.cpu_count() or 1)
            backends += [("SQLite, %d threads" % many, Serve("sqlite:" + sqlite_db, tmp, many)),
                         ("PostgreSQL, %d threads" % many, Serve(pg_url, tmp, many))]
        servers = [s for _, s in backends]
        rows = []
        for label, path in pages:
            rows += [(label,) + r for r in measure(
                [(name, srv.port, [srv]) for name, srv in backends],
                path, seconds, conns, wthreads, rounds)]

        # several servers on the one PostgreSQL database, cache on
        pg_a = backends[1][1]
        pg_b = Serve(pg_url, tmp, sthreads)
        servers.append(pg_b)
        one, two = Nginx(tmp, [pg_a]), Nginx(tmp, [pg_a, pg_b])
        servers += [one, two]
        setups = [("one server", pg_a.port, [pg_a]),
                  ("one server behind nginx", one.port, [pg_a, one]),
                  ("two servers behind nginx", two.port, [pg_a, pg_b, two])]
        several = measure(setups, "/", seconds, conns, wthreads, rounds)

        word = bench.search_words(sqlite_db)
        # search on each backend once, with the cache and threads as set
        searchers = backends[:2]
        clients = {name: bench.Client(srv.port).login(bench.READER, bench.PASSWORD)
                   for name, srv in searchers}
        searches = search_rows(searchers, clients, word["common"],
                               env_int("BENCH_SEARCH_N", 30))
        sizes = index_sizes(sqlite_db, pg_url)

        out = ["# Parley on SQLite and on PostgreSQL", "",
               "%s, %d cores, %s; demo of %d posts; wrk -t%d -c%d, %d x %d s per server "
               "and page, interleaved; server threads: %s. PostgreSQL %s on loopback "
               "(fsync off, as in the tests). CPU = the parley process's CPU time over "
               "wall time (the database's own CPU is not in it); page cache 16 MiB "
               "(the default) unless off. Load average at the start: %s."
               % (time.strftime("%Y-%m-%d"), os.cpu_count(), platform.machine(), posts,
                  wthreads, conns, rounds, seconds, sthreads or "default (cores)",
                  os.path.basename(os.path.dirname(cluster.bin)), load), "",
               "| page | backend | req/s | p50 ms | p99 ms | CPU | errors |",
               "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
        for label, name, rps, p50, p99, cpu_share, errors in rows:
            out.append("| %s | %s | %.0f | %.2f | %.2f | %.2f | %d |"
                       % (label, name, rps, p50, p99, cpu_share, errors))
        out += ["", "## Several servers on one PostgreSQL database", "",
                "The front page, page cache on; nginx (one worker process, kept-alive "
                "connections to an upstream of the servers) on the same two cores. "
                "CPU = the parley processes' and nginx's CPU time over wall time. "
                "Load average at the end: %s." % loadavg(), "",
                "| setup | req/s | p50 ms | p99 ms | CPU | errors |",
                "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for name, rps, p50, p99, cpu_share, errors in several:
            out.append("| %s | %.0f | %.2f | %.2f | %.2f | %d |"
                       % (name, rps, p50, p99, cpu_share, errors))
        out += ["", "## Search", "", "Search for \"%s\" (in %d posts), signed in, one client, %d in a "
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
