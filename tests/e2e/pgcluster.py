#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""A throw-away PostgreSQL cluster for the tests, from Debian's postgresql
package: initdb into a temporary folder, a free loopback port and a socket
in that folder, fsync off; stopped and removed afterwards.

As root (CI, the developers' machines) the cluster belongs to the
`postgres` system user that the package creates: initdb and the server
refuse to run as root. The superuser of the cluster is `parley`, trusted
on loopback only.

Usage: python3 tests/e2e/pgcluster.py [--] COMMAND [ARGS...]

runs COMMAND with these variables set, then stops the cluster and returns
COMMAND's exit status:

  PARLEY_TEST_PG_URL       a database of its own for the unit tests
  PARLEY_TEST_PG_TEMPLATE  a URL with {name}: the e2e harness makes one
                           database per test class (create_database)
  PARLEY_TEST_PG_DIR       the cluster's folder, for tests that restart it
                           (Cluster.from_env)

Standard library only.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

SUPERUSER = "parley"
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "128MB",
}


def bindir():
    """The newest Debian PostgreSQL server binaries (/usr/lib/postgresql/N/bin)."""
    dirs = [d for d in glob.glob("/usr/lib/postgresql/*/bin")
            if os.path.exists(os.path.join(d, "initdb"))]
    if not dirs:
        raise RuntimeError("no PostgreSQL server found: install Debian's "
                           "postgresql package (make deps does)")
    return max(dirs, key=lambda d: int(d.split("/")[-2]))


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def with_database(url, name):
    """url with its database part replaced by name."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name,
                                    parts.query, ""))


def psql(url, sql):
    """Runs sql through psql against url; raises with psql's output on failure."""
    r = subprocess.run([os.path.join(bindir(), "psql"), "-X", "-q", "-v",
                        "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    if r.returncode != 0:
        raise RuntimeError("psql %r failed: %s" % (sql, r.stdout.decode("utf-8", "replace")))
    return r.stdout.decode("utf-8", "replace")


def create_database(url):
    """CREATE DATABASE for the database that url names, through the
    cluster's `postgres` database."""
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise ValueError("not a plain database name: %r" % name)
    psql(with_database(url, "postgres"), 'CREATE DATABASE "%s"' % name)
    return url


class Cluster:
    """One initdb'd data folder and the server running on it."""

    def __init__(self, folder=None, port=None):
        self.own = folder is None
        self.folder = folder or tempfile.mkdtemp(prefix="parley-pg-")
        self.data = os.path.join(self.folder, "data")
        self.log = os.path.join(self.folder, "server.log")
        self.port = port
        self.bin = bindir()
        self.as_postgres = os.geteuid() == 0

    @classmethod
    def from_env(cls):
        """The cluster pgcluster.py started around this process, or None."""
        folder = os.environ.get("PARLEY_TEST_PG_DIR")
        if not folder:
            return None
        with open(os.path.join(folder, "port")) as f:
            return cls(folder=folder, port=int(f.read()))

    def _run(self, *args, check=True):
        cmd = [os.path.join(self.bin, args[0])] + list(args[1:])
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=120)
        if check and r.returncode != 0:
            raise RuntimeError("%s failed (%d):\n%s\n%s" % (
                " ".join(cmd), r.returncode, r.stdout.decode("utf-8", "replace"),
                self.log_text()))
        return r

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def url(self, dbname="postgres"):
        return "postgresql://%s@127.0.0.1:%d/%s" % (SUPERUSER, self.port, dbname)

    def init(self):
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", self.data, "-U", SUPERUSER, "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        self.port = self.port or free_port()
        with open(os.path.join(self.folder, "port"), "w") as f:
            f.write(str(self.port))
        return self

    def start(self):
        opts = "-p %d -k %s" % (self.port, self.folder)
        opts += "".join(" -c %s=%s" % kv for kv in SETTINGS.items())
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60",
                  "-o", opts, "start")
        return self

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def restart(self):
        """Stops the server (closing every client's connection) and starts it again."""
        self.stop()
        self.start()

    def remove(self):
        self.stop(mode="immediate")
        if self.own:
            shutil.rmtree(self.folder, ignore_errors=True)


def main(argv):
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        sys.stderr.write(__doc__)
        return 2
    # SIGTERM (a CI timeout, make interrupted) still removes the cluster.
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    cluster = Cluster()
    try:
        t0 = time.monotonic()
        cluster.init().start()
        unit_url = create_database(cluster.url("parley_unit"))
        sys.stderr.write("pgcluster: PostgreSQL on 127.0.0.1:%d in %.1f s (%s)\n"
                         % (cluster.port, time.monotonic() - t0, cluster.bin))
        env = dict(os.environ)
        env["PARLEY_TEST_PG_URL"] = unit_url
        env["PARLEY_TEST_PG_TEMPLATE"] = cluster.url("{name}")
        env["PARLEY_TEST_PG_DIR"] = cluster.folder
        return subprocess.call(argv, env=env)
    except KeyboardInterrupt:
        return 130
    finally:
        cluster.remove()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
