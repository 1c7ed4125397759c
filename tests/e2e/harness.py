# SPDX-License-Identifier: AGPL-3.0-or-later
"""Black-box harness for Parley: starts the real server and talks HTTP to it.

Each test class gets one server (started in setUpClass, stopped with SIGTERM
in tearDownClass, which asserts a clean exit 0 within 10 s) on a free
loopback port with a temporary database.  Standard library only.

Environment:
  PARLEY_BIN                   server binary (default: <repo>/build/parley)
  PARLEY_TEST_DB_URL_TEMPLATE  database URL template; "{tmpdir}" is the
                               class's temporary directory and "{name}" a
                               unique name (default: sqlite:{tmpdir}/parley.db);
                               a postgres:// one gets a database per class
  PARLEY_E2E_VERBOSE           if set, always print the server's stderr
"""

import html
import http.client
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

import pgcluster

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
# Made absolute now: the server runs with its temporary directory as cwd.
PARLEY_BIN = os.path.abspath(os.environ.get("PARLEY_BIN")
                             or os.path.join(REPO_ROOT, "build", "parley"))

# The one place that decides which database a test server uses.
DB_URL_TEMPLATE = os.environ.get("PARLEY_TEST_DB_URL_TEMPLATE") or "sqlite:{tmpdir}/parley.db"

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
# Longest a test waits for ranking order to follow votes (assertRanked).
RANK_WAIT = 30.0
REQUEST_TIMEOUT = 30.0

FOOTER_PAGES = ["welcome", "guide", "tos", "privacy", "canary", "donate", "bugs", "license"]

RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")

_counter = itertools.count(1)
_run_tag = "%04x" % (os.getpid() % 0xFFFF)


def uniq(prefix="u"):
    """A fresh name made of [A-Za-z0-9_], at most 24 characters."""
    name = "%s%s_%d" % (prefix, _run_tag, next(_counter))
    assert len(name) <= 24, name
    return name


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def is_postgres(url):
    return url.startswith(("postgres://", "postgresql://"))


def db_url_for(tmpdir):
    """A new database for one server (one test class): a file in tmpdir, or
    on PostgreSQL a database of its own (CREATE DATABASE), so that classes
    stay independent."""
    name = "parley_e2e_%s_%d" % (_run_tag, next(_counter))
    url = DB_URL_TEMPLATE.format(tmpdir=tmpdir, name=name)
    if is_postgres(url):
        pgcluster.create_database(url)
    return url


def clean_env(extra=None):
    """The caller's environment minus any PARLEY_* setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env.update(extra or {})
    return env


# --------------------------------------------------------------------------
# The server process

class Server:
    """One running `parley serve` with its own temporary directory."""

    def __init__(self, env=None, tmpdir=None, db_url=None):
        self.extra_env = dict(env or {})
        self.own_tmpdir = tmpdir is None
        self.tmpdir = tmpdir or tempfile.mkdtemp(prefix="parley-e2e-")
        self.db_url = db_url or db_url_for(self.tmpdir)
        self.port = None
        self.proc = None
        # Words run before the server's own command line (e.g. `unshare`
        # for a private mount); the wrapper must exec the server in place.
        self.wrap = []
        self.stderr_path = os.path.join(self.tmpdir, "stderr-%d.log" % next(_counter))
        self.stderr_shown = False       # stop() printed it already
        self.stdout_path = self.stderr_path.replace("stderr-", "stdout-")

    @property
    def origin(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        if not os.access(PARLEY_BIN, os.X_OK):
            raise RuntimeError("parley binary not found or not executable: %s "
                               "(build it with `make` or set PARLEY_BIN)" % PARLEY_BIN)
        self.port = free_port()
        cmd = self.wrap + [PARLEY_BIN, "serve", "--listen", "127.0.0.1:%d" % self.port,
                           "--db", self.db_url]
        self._err = open(self.stderr_path, "ab")
        self._out = open(self.stdout_path, "ab")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._out,
                                     stderr=self._err, cwd=self.tmpdir,
                                     env=clean_env(self.extra_env))
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("parley exited with %s during start-up\n%s"
                                   % (self.proc.returncode, self.log_text()))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("parley did not answer on port %d within %.0f s\n%s"
                                   % (self.port, START_TIMEOUT, self.log_text()))
            time.sleep(0.05)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, then wait; returns the exit code (None if it had to be killed).
        Any exit but 0 prints the server's whole stderr (a crash's backtrace
        is at its end, so a cut log could hide it)."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            rc = None
        self._close_files()
        if rc != 0:
            self.stderr_shown = True
            sys.stderr.write("\n---- parley stderr, whole (exit %s on SIGTERM, port %s) ----"
                             "\n%s\n----\n" % (rc, self.port, self.log_text(limit=None)))
        return rc

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close_files()

    def _close_files(self):
        for f in (getattr(self, "_err", None), getattr(self, "_out", None)):
            if f is not None and not f.closed:
                f.close()

    def log_text(self, limit=20000):
        """The server's stderr; its last `limit` characters (None: all)."""
        try:
            with open(self.stderr_path, "rb") as f:
                data = f.read()
        except OSError:
            return "(no stderr log)"
        text = data.decode("utf-8", "replace")
        if limit is not None and len(text) > limit:
            text = "...(cut)...\n" + text[-limit:]
        return text

    def cleanup(self):
        if self.own_tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    # -- command line --------------------------------------------------------

    def cli(self, *args, stdin_text=None, timeout=30):
        """Runs `parley ARGS...` against this server's environment."""
        return subprocess.run([PARLEY_BIN] + list(args), input=(stdin_text or "").encode(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=self.tmpdir, env=clean_env(self.extra_env),
                              timeout=timeout)

    def add_user(self, name, password, admin=False):
        """`parley admin add-user NAME [--admin] --db URL`, password on stdin."""
        args = ["admin", "add-user", name] + (["--admin"] if admin else []) + ["--db", self.db_url]
        r = self.cli(*args, stdin_text=password + "\n")
        if r.returncode != 0:
            raise AssertionError("admin add-user %s failed (exit %d): %s %s"
                                 % (name, r.returncode, r.stdout.decode("utf-8", "replace"),
                                    r.stderr.decode("utf-8", "replace")))
        return r

    def set_limit(self, key, value):
        """`parley admin set-limit KEY VALUE --db URL` (a site limit)."""
        r = self.cli("admin", "set-limit", key, str(value), "--db", self.db_url)
        if r.returncode != 0:
            raise AssertionError("admin set-limit %s %s failed (exit %d): %s"
                                 % (key, value, r.returncode,
                                    r.stderr.decode("utf-8", "replace")))
        return r


# --------------------------------------------------------------------------
# HTTP

class Response:
    def __init__(self, status, reason, headers, body, method, path):
        self.status = status
        self.reason = reason
        self.headers = headers          # list of (name, value)
        self.body = body                # bytes
        self.method = method
        self.path = path

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise AssertionError("%s %s: response is not JSON (%s): %r"
                                 % (self.method, self.path, e, self.body[:500]))

    @property
    def content_type(self):
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def __repr__(self):
        return "<Response %s %s -> %d, %d bytes>" % (self.method, self.path, self.status,
                                                     len(self.body))

    def describe(self, limit=800):
        loc = self.header("Location")
        return "%s %s -> %d%s\n%s" % (self.method, self.path, self.status,
                                      (" Location: %s" % loc) if loc else "",
                                      self.text[:limit])


_input_tag = re.compile(r"<input\b[^>]*>", re.I | re.S)
_attr = re.compile(r"""([A-Za-z_:][-A-Za-z0-9_:.]*)\s*(?:=\s*("([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""",
                   re.S)


def tag_attrs(tag):
    attrs = {}
    inner = re.sub(r"^<\s*[A-Za-z]+", "", tag).rstrip(">").rstrip("/")
    for m in _attr.finditer(inner):
        name = m.group(1).lower()
        if m.group(2) is None:
            val = ""
        else:
            val = next(g for g in (m.group(3), m.group(4), m.group(5)) if g is not None)
        attrs.setdefault(name, html.unescape(val))
    return attrs


def find_csrf(page):
    """The value of the first <input name="csrf"> in an HTML page, or None."""
    for tag in _input_tag.findall(page):
        a = tag_attrs(tag)
        if a.get("name") == "csrf" and "value" in a:
            return a["value"]
    return None


def find_all_csrf(page):
    out = []
    for tag in _input_tag.findall(page):
        a = tag_attrs(tag)
        if a.get("name") == "csrf" and "value" in a:
            out.append(a["value"])
    return out


def hrefs(page):
    """All href values (unescaped) in an HTML page."""
    out = []
    for m in re.finditer(r"""\bhref\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))""", page, re.I):
        out.append(html.unescape(next(g for g in m.groups()[1:] if g is not None)))
    return out


def link_paths(page):
    """The paths (no query or fragment, origin stripped) of all links."""
    out = []
    for h in hrefs(page):
        parts = urllib.parse.urlsplit(h)
        if parts.netloc and not parts.netloc.startswith(("127.0.0.1:", "localhost:")):
            continue
        out.append(parts.path)
    return out


def form_actions(page):
    out = []
    for m in re.finditer(r"<form\b[^>]*>", page, re.I | re.S):
        a = tag_attrs(m.group(0))
        out.append(a.get("action", ""))
    return out


def visible_text(page):
    """Page text with tags removed and entities decoded, spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", page, flags=re.I | re.S)
    page = re.sub(r"<[^>]*>", " ", page)
    page = html.unescape(page).replace("\xa0", " ").replace("\u2212", "-")
    return re.sub(r"\s+", " ", page)


def has_score(page, n):
    """True if the page shows the score n with the spec's words (`1 pt`, `2 pts`)."""
    word = "pt" if abs(n) <= 1 else "pts"
    return re.search(r"(?<![\w.-])%s %s(?![\w])" % (re.escape(str(n)), word),
                     visible_text(page)) is not None


class Browser:
    """A browser-like client: its own cookies and csrf token, no auto-redirects."""

    def __init__(self, server, name=None, keep_alive=False):
        self.server = server
        self.keep_alive = keep_alive    # reuse one connection for every request
        self._conn = None               # that connection, when open
        self.cookies = {}               # name -> value
        self.csrf = None
        self.last = None
        self.name = name                # signed-in user name, if any
        self.password = None

    # -- cookies -------------------------------------------------------------

    def cookie_header(self):
        return "; ".join("%s=%s" % kv for kv in self.cookies.items())

    def _store_cookies(self, resp):
        for sc in resp.header_all("Set-Cookie"):
            parts = [p.strip() for p in sc.split(";")]
            if "=" not in parts[0]:
                continue
            k, v = parts[0].split("=", 1)
            k = k.strip()
            expired = False
            for p in parts[1:]:
                pl = p.lower()
                if pl.startswith("max-age="):
                    try:
                        expired = int(p.split("=", 1)[1]) <= 0
                    except ValueError:
                        pass
                elif pl.startswith("expires="):
                    if re.search(r"19[0-9]{2}|1970", p):
                        expired = True
            if expired or v == "":
                self.cookies.pop(k, None)
            else:
                self.cookies[k] = v

    # -- requests ------------------------------------------------------------

    def request(self, method, path, body=None, headers=None, content_type=None,
                origin=True):
        hdrs = {"Host": "127.0.0.1:%d" % self.server.port,
                "User-Agent": "parley-e2e/1",
                "Accept": "text/html"}
        if self.cookies:
            hdrs["Cookie"] = self.cookie_header()
        if method == "POST" and origin:
            hdrs["Origin"] = self.server.origin
        if body is not None:
            if isinstance(body, str):
                body = body.encode("utf-8")
            hdrs["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        for k, v in (headers or {}).items():
            if v is None:
                hdrs.pop(k, None)
            else:
                hdrs[k] = v
        conn = self._conn
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", self.server.port,
                                              timeout=REQUEST_TIMEOUT)
        ok = False
        try:
            try:
                conn.request(method, path, body=body, headers=hdrs)
                r = conn.getresponse()
            except (BrokenPipeError, ConnectionResetError):
                # The server answered (e.g. 413) and closed before taking
                # the whole body: read the answer it left on the socket.
                if conn.sock is None:
                    raise
                r = http.client.HTTPResponse(conn.sock, method=method)
                r.begin()
            data = r.read()
            resp = Response(r.status, r.reason, r.getheaders(), data, method, path)
            ok = not r.will_close
        finally:
            if self.keep_alive and ok:
                self._conn = conn
            else:
                conn.close()
                self._conn = None
        self._store_cookies(resp)
        if resp.content_type == "text/html":
            tok = find_csrf(resp.text)
            if tok is not None:
                self.csrf = tok
        self.last = resp
        return resp

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def page(self, path, status=200):
        """GET `path`, following up to 3 same-site redirects whose target
        starts with the requested path (e.g. /s/C/p/ID -> /s/C/p/ID/slug);
        asserts the final status."""
        r = self.get(path)
        base = urllib.parse.urlsplit(path).path
        for _ in range(3):
            if r.status not in (301, 302, 303, 307, 308):
                break
            loc = location_path(r, self.server)
            if not urllib.parse.urlsplit(loc).path.startswith(base):
                break
            r = self.get(loc)
        if r.status != status:
            raise AssertionError("expected %d, got %s" % (status, r.describe()))
        return r

    def post(self, path, fields=None, csrf=True, headers=None, raw_body=None):
        """POST a form.  `fields` is a dict or a list of pairs; csrf=True adds
        the session's token, a string adds that token, False adds none."""
        if raw_body is None:
            pairs = list(fields.items()) if isinstance(fields, dict) else list(fields or [])
            if csrf is True:
                if self.csrf is None:
                    self.refresh_csrf()
                pairs.append(("csrf", self.csrf))
            elif isinstance(csrf, str):
                pairs.append(("csrf", csrf))
            raw_body = urllib.parse.urlencode(pairs)
        return self.request("POST", path, body=raw_body, headers=headers)

    def get_json(self, path, status=200):
        """GET the `.json` form of `path` with Accept: application/json and
        return the decoded JSON (asserting `status`)."""
        r = self.request_json(path)
        if r.status != status:
            raise AssertionError("expected %d for %s, got %s" % (status, path, r.describe()))
        return r.json()

    def request_json(self, path, method="GET", body=None):
        hdrs = {"Accept": "application/json"}
        if body is not None:
            return self.request(method, path, body=body, headers=hdrs)
        return self.request(method, json_path(path), headers=hdrs)

    def refresh_csrf(self):
        """Load a page that carries a form so that self.csrf is current."""
        r = self.get("/submit" if self.name else "/login")
        if r.status == 303:
            r = self.get("/login")
        if self.csrf is None:
            r = self.get("/")
        if self.csrf is None:
            raise AssertionError("no csrf token found on /submit, /login or /\n" + r.describe())
        return self.csrf

    # -- accounts ------------------------------------------------------------

    def register(self, name, password, email=None, expect=303):
        self.get("/register")
        fields = {"username": name, "password": password}
        if email is not None:
            fields["email"] = email
        r = self.post("/register", fields)
        if expect is not None:
            check_status(r, expect)
        if r.status == 303:
            self.name = name
            self.password = password
            self.get("/")
            if not signed_in_as(self.last.text, name):
                # Register may not sign in; the accounts tests check that
                # separately, the helpers just want a signed-in browser.
                self.login(name, password)
        return r

    def login(self, name, password, expect=303):
        self.csrf = None
        self.get("/login")
        r = self.post("/login", {"username": name, "password": password})
        if expect is not None:
            check_status(r, expect)
        if r.status == 303:
            self.name = name
            self.password = password
            self.csrf = None
            self.get("/")
            if self.csrf is None:
                self.refresh_csrf()
        return r

    def logout(self, expect=303):
        r = self.post("/logout", {})
        if expect is not None:
            check_status(r, expect)
        if r.status == 303:
            self.name = None
            self.csrf = None
        return r

    # -- content -------------------------------------------------------------

    def create_community(self, name, title=None, description="A community for tests.",
                         expect=303):
        r = self.post("/create", {"name": name, "title": title or ("Title of " + name),
                                  "description": description})
        if expect is not None:
            check_status(r, expect)
            if expect == 303:
                loc = location_path(r, self.server)
                if urllib.parse.urlsplit(loc).path != "/s/" + name:
                    raise AssertionError("create: expected Location /s/%s, got %r"
                                         % (name, loc))
        return r

    def _submit(self, fields, expect):
        r = self.post("/submit", fields)
        if expect is not None:
            check_status(r, expect)
        if r.status == 303:
            loc = location_path(r, self.server)
            m = re.match(r"^/s/%s/p/(\d+)(/[^/?#]*)?$" % re.escape(fields["community"]),
                         urllib.parse.urlsplit(loc).path)
            if not m:
                raise AssertionError("submit: Location %r is not /s/%s/p/ID[/slug]"
                                     % (loc, fields["community"]))
            r.post_id = int(m.group(1))
            r.post_path = "/s/%s/p/%d" % (fields["community"], r.post_id)
        return r

    def submit_text(self, community, title, body="", expect=303):
        """Returns the post id (when expect is 303) or the response."""
        r = self._submit({"community": community, "title": title, "body": body}, expect)
        return r.post_id if expect == 303 else r

    def submit_link(self, community, title, url, expect=303):
        r = self._submit({"community": community, "title": title, "url": url}, expect)
        return r.post_id if expect == 303 else r

    def _comment_like(self, path, post_path, body, expect):
        r = self.post(path, {"body": body})
        if expect is not None:
            check_status(r, expect)
        if r.status == 303:
            loc = location_path(r, self.server)
            parts = urllib.parse.urlsplit(loc)
            m = re.match(r"^c(\d+)$", parts.fragment)
            if not parts.path.startswith(post_path) or not m:
                raise AssertionError("comment: Location %r is not %s...#cCID" % (loc, post_path))
            r.comment_id = int(m.group(1))
        return r

    def comment(self, community, post_id, body, expect=303):
        """Top-level comment; returns the new comment id (or the response)."""
        post_path = "/s/%s/p/%d" % (community, post_id)
        r = self._comment_like(post_path + "/comment", post_path, body, expect)
        return r.comment_id if expect == 303 else r

    def reply(self, community, post_id, comment_id, body, expect=303):
        post_path = "/s/%s/p/%d" % (community, post_id)
        r = self._comment_like("%s/c/%d/reply" % (post_path, comment_id), post_path, body,
                               expect)
        return r.comment_id if expect == 303 else r

    def vote(self, kind, item_id, direction, referer=None, expect=303):
        headers = {"Referer": referer} if referer else None
        r = self.post("/vote", {"kind": kind, "id": str(item_id), "dir": str(direction)},
                      headers=headers)
        if expect is not None:
            check_status(r, expect)
        return r


def json_path(path):
    """`/x?q` -> `/x.json?q`, `/` -> `/.json`; already-.json paths unchanged."""
    parts = urllib.parse.urlsplit(path)
    p = parts.path
    if not p.endswith(".json"):
        p = "/.json" if p in ("", "/") else p.rstrip("/") + ".json"
    return urllib.parse.urlunsplit(("", "", p, parts.query, ""))


def location_path(resp, server):
    """The Location header as a site-relative path (absolute URLs to this
    server are accepted; a foreign one fails)."""
    loc = resp.header("Location")
    if loc is None:
        raise AssertionError("no Location header: " + resp.describe())
    parts = urllib.parse.urlsplit(loc)
    if parts.scheme or parts.netloc:
        if parts.netloc not in ("127.0.0.1:%d" % server.port, "localhost:%d" % server.port):
            raise AssertionError("Location points to another site: %r" % loc)
    return urllib.parse.urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def check_status(resp, expected):
    ok = resp.status in expected if isinstance(expected, (tuple, list, set)) else resp.status == expected
    if not ok:
        raise AssertionError("expected status %s, got %s" % (expected, resp.describe()))


def signed_in_as(page, name):
    """The page shows `name` as the signed-in user: a logout form and the name."""
    return "/logout" in " ".join(form_actions(page)) and name in page


def signed_out(page):
    return ("/logout" not in " ".join(form_actions(page))
            and any(h.split("?")[0].endswith("/login") for h in hrefs(page)))


# --------------------------------------------------------------------------
# Raw sockets, for requests http.client refuses to send

def raw_request(port, data, timeout=10.0, read_all=True):
    """Send raw bytes, return (status or None, raw response bytes).

    Reads until the peer closes or one full response (by Content-Length)
    has arrived."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        buf = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            buf += chunk
            head, sep, rest = buf.partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
                if m and len(rest) >= int(m.group(1)):
                    break
                if not m and not read_all:
                    break
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
    return (int(m.group(1)) if m else None), buf


# --------------------------------------------------------------------------
# Test base class

class TwoServersTestCase(unittest.TestCase):
    """Two servers of one site, cls.a and cls.b, on one database (one
    PostgreSQL database in make e2e-pg, one SQLite file otherwise) and one
    temporary folder, cls.tmp.  Subclasses may set `server_env`."""

    server_env = {}

    @classmethod
    def db_url(cls, tmp):
        """The database both servers use; a subclass may dress it up."""
        return db_url_for(tmp)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="parley-two-")
        url = cls.db_url(cls.tmp)
        env = {k: v.format(tmp=cls.tmp) for k, v in cls.server_env.items()}
        cls.a = Server(env=env, tmpdir=cls.tmp, db_url=url)
        cls.b = Server(env=env, tmpdir=cls.tmp, db_url=url)
        errors = []

        def start(s):
            try:
                s.start()
            except Exception as e:  # noqa: B902 - reported below
                errors.append(e)

        if is_postgres(url):
            # Both race to migrate and to make the site key.
            ts = [threading.Thread(target=start, args=(s,)) for s in (cls.a, cls.b)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
        else:
            # Two processes opening a new SQLite file at the same moment
            # may see "database is locked" while one turns WAL on: they
            # start in turn.
            for s in (cls.a, cls.b):
                start(s)
        if errors:
            cls.tearDownClass()
            raise errors[0]

    @classmethod
    def tearDownClass(cls):
        for s in (cls.a, cls.b):
            if s.alive():
                s.stop()
            else:
                s.kill()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def login_new(self, server, prefix, admin=False, password="correct-horse-1"):
        """Adds a user named uniq(prefix) with the CLI; returns a Browser
        signed in as them on server (either of the two)."""
        name = uniq(prefix)
        self.a.add_user(name, password, admin=admin)
        b = Browser(server)
        b.login(name, password)
        return b


class ParleyTestCase(unittest.TestCase):
    """One server per test class.  Subclasses may set `server_env`."""

    server_env = {}
    # Site limits set before the tests.  Every test talks from 127.0.0.1,
    # so the per-address limits on registrations and failed logins are
    # raised by default; the tests of those limits set their own.
    site_limits = {"limit_registrations": 100000, "limit_logins": 100000}
    server = None
    _had_failure = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._had_failure = False
        cls.server = Server(env=cls.server_env)
        try:
            cls.server.start()
        except Exception:
            cls.server.kill()
            cls.server.cleanup()
            raise
        try:
            for key, value in cls.site_limits.items():
                cls.server.set_limit(key, value)
            cls.setUpServer()
        except Exception:
            sys.stderr.write("\n---- parley stderr (%s) ----\n%s\n----\n"
                             % (cls.__name__, cls.server.log_text()))
            cls.server.kill()
            cls.server.cleanup()
            raise

    @classmethod
    def setUpServer(cls):
        """Hook for class-wide fixtures once the server runs."""

    @classmethod
    def login_new(cls, prefix, admin=False, password="correct-horse-1"):
        """Adds a user named uniq(prefix) with the CLI; returns a Browser
        signed in as them."""
        name = uniq(prefix)
        cls.server.add_user(name, password, admin=admin)
        b = Browser(cls.server)
        b.login(name, password)
        return b

    @classmethod
    def tearDownClass(cls):
        srv = cls.server
        if srv is None:
            return
        was_alive = srv.alive()
        rc = srv.stop()
        try:
            if (cls._had_failure or rc != 0 or not was_alive
                    or os.environ.get("PARLEY_E2E_VERBOSE")) and not srv.stderr_shown:
                sys.stderr.write("\n---- parley stderr (%s) ----\n%s\n----\n"
                                 % (cls.__name__, srv.log_text()))
            if not was_alive:
                raise AssertionError("server died during the tests (exit %s)" % rc)
            if rc is None:
                raise AssertionError("server did not exit within %.0f s of SIGTERM" % STOP_TIMEOUT)
            if rc != 0:
                raise AssertionError("server exited with %s after SIGTERM, expected 0" % rc)
        finally:
            srv.cleanup()
            super().tearDownClass()

    def run(self, result=None):
        before = (len(result.failures) + len(result.errors)) if result is not None else 0
        out = super().run(result)
        res = result if result is not None else out
        if res is not None and len(res.failures) + len(res.errors) > before:
            type(self)._had_failure = True
        return out

    # -- conveniences ----------------------------------------------------------

    def browser(self):
        return Browser(self.server)

    def new_user(self, prefix="u", admin=False, password="correct-horse-1"):
        """A user made with `parley admin add-user`, signed in in a new Browser."""
        name = uniq(prefix)
        self.server.add_user(name, password, admin=admin)
        b = Browser(self.server)
        b.login(name, password)
        return b

    def registered_user(self, prefix="r", password="correct-horse-1"):
        """A user made through the /register form, signed in in a new Browser."""
        b = Browser(self.server)
        b.register(uniq(prefix), password)
        return b

    def assertStatus(self, resp, expected, msg=None):
        ok = (resp.status in expected) if isinstance(expected, (tuple, list, set)) \
            else resp.status == expected
        if not ok:
            self.fail((msg + ": " if msg else "") + "expected status %s, got %s"
                      % (expected, resp.describe()))

    def assert4xx(self, resp, msg=None):
        if not (400 <= resp.status <= 499):
            self.fail((msg + ": " if msg else "") + "expected a 4xx, got " + resp.describe())

    def assertLocation(self, resp, path, msg=None):
        """303 whose Location's path (without query/fragment) equals `path`."""
        self.assertStatus(resp, 303, msg)
        loc = location_path(resp, self.server)
        self.assertEqual(urllib.parse.urlsplit(loc).path, path,
                         (msg + ": " if msg else "") + "Location was %r" % loc)
        return loc

    def assertJSONError(self, resp, status):
        self.assertStatus(resp, status)
        self.assertEqual(resp.content_type, "application/json",
                         "error for a JSON request must be JSON: " + resp.describe())
        doc = resp.json()
        self.assertIsInstance(doc, dict, resp.describe())
        self.assertIsInstance(doc.get("error"), str, "no string 'error': %r" % doc)
        self.assertIsInstance(doc.get("message"), str, "no string 'message': %r" % doc)
        self.assertTrue(doc["error"] and doc["message"], doc)
        return doc

    def assertRanked(self, listed, want, msg=None):
        """Ranking order lags votes by up to a second (the server re-ranks
        the posts voted on in a batch, docs/BEHAVIOUR.md): polls listed()
        until it gives want, then asserts it. The wait is no measure of
        speed; RANK_WAIT only bounds a batch that never comes."""
        deadline = time.monotonic() + RANK_WAIT
        got = listed()
        while got != want and time.monotonic() < deadline:
            time.sleep(0.1)
            got = listed()
        self.assertEqual(got, want, msg)

    def assertAlive(self):
        self.assertTrue(self.server.alive(), "server process is gone:\n" + self.server.log_text())
        r = Browser(self.server).get("/")
        self.assertEqual(r.status, 200, "server no longer answers GET /: " + r.describe())

    # -- snapshots used to prove that a bad request changed nothing ------------

    @staticmethod
    def post_view(p):
        keys = ("id", "community", "author", "title", "url", "body", "score",
                "comment_count", "edited", "locked", "removed", "deleted")
        return {k: p.get(k) for k in keys}

    @staticmethod
    def comment_view(c):
        keys = ("id", "parent", "author", "body", "score", "depth", "edited",
                "removed", "deleted")
        return {k: c.get(k) for k in keys}

    def thread_snapshot(self, community, post_id, b=None):
        b = b or Browser(self.server)
        t = b.get_json("/s/%s/p/%d?sort=old" % (community, post_id))
        return {"post": self.post_view(t["post"]),
                "comments": [self.comment_view(c) for c in t["comments"]]}

    def listing_snapshot(self, community, b=None):
        b = b or Browser(self.server)
        doc = b.get_json("/s/%s?sort=new" % community)
        return [self.post_view(p) for p in doc["posts"]]

    def user_snapshot(self, name, b=None):
        b = b or Browser(self.server)
        u = b.get_json("/u/%s" % name)
        return {"name": u.get("name"), "points": u.get("points"),
                "posts": [self.post_view(p) for p in u.get("posts", [])],
                "comments": [self.comment_view(c) for c in u.get("comments", [])]}


def run_threads(n, fn):
    """Run fn(i) in n threads; return the list of results (exceptions re-raised)."""
    results = [None] * n
    errors = []

    def wrap(i):
        try:
            results[i] = fn(i)
        except BaseException as e:  # noqa: B902 - reported to the caller
            errors.append(e)

    ts = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    if errors:
        raise errors[0]
    return results
