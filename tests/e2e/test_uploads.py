# SPDX-License-Identifier: AGPL-3.0-or-later
"""Image uploads: POST /upload, /i/HASH.EXT, metadata stripped, hostile
files refused with nothing stored, per-account limits, deletion (410),
an admin's purge, image posts' thumbnails under the NSFW and spoiler
rules. Every image is made here (Pillow, Debian's python3-pil, and a PNG
writer of our own for the pixel bomb)."""

import io
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

from harness import PARLEY_BIN, Browser, ParleyTestCase, clean_env, uniq

try:
    import PIL.Image
except ImportError:
    # Debian's python3-pil, when python3 is not Debian's own.
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import PIL.Image
    except ImportError:
        PIL = None

PW = "correct-horse-1"
UPLOAD_MAX = 400 * 1024             # PARLEY_UPLOAD_MAX of these servers
NAME = re.compile(r"^/i/([0-9a-f]{32})\.(png|jpg|gif|webp)$")


def need_pil():
    if PIL is None:
        raise unittest.SkipTest("Pillow (python3-pil) is not installed: make deps")


def image_bytes(fmt, size=(64, 48), colour=(200, 30, 30), **save):
    need_pil()
    im = PIL.Image.new("RGB", size, colour)
    for x in range(0, size[0], 4):
        im.putpixel((x, x % size[1]), (x % 256, 0, 255 - x % 256))
    out = io.BytesIO()
    im.save(out, fmt, **save)
    return out.getvalue()


def png_with_text(secret):
    need_pil()
    import PIL.PngImagePlugin
    info = PIL.PngImagePlugin.PngInfo()
    info.add_text("Comment", secret)
    info.add_itxt("Author", secret)
    return image_bytes("PNG", pnginfo=info)


def jpeg_with_gps():
    need_pil()
    exif = PIL.Image.Exif()
    exif[0x010F] = "SecretCameraMaker"            # Make
    gps = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
    exif[0x8825] = gps                            # GPSInfo
    return image_bytes("JPEG", size=(80, 60), exif=exif.tobytes())


def chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))


def png_bomb(side=12000):
    """A valid grey PNG of side x side pixels, all zero: a few hundred KB
    that would take side*side bytes once decoded."""
    z = zlib.compressobj(9)
    row = b"\0" * (side + 1)
    parts = [z.compress(row) for _ in range(side)]
    parts.append(z.flush())
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b""))


def multipart(fields, files):
    boundary = "parleyboundary7MA4YWxkTrZu0gW"
    out = []
    for k, v in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                    % (boundary, k, v)).encode())
    for k, (filename, ctype, data) in files.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                    "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                    % (boundary, k, filename, ctype)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


class UploadCase(ParleyTestCase):
    server_env = {"PARLEY_UPLOAD_MAX": str(UPLOAD_MAX)}

    @classmethod
    def setUpServer(cls):
        need_pil()
        cls.admin = cls.login_new("uadm", admin=True)
        cls.comm = uniq("Img")
        cls.admin.create_community(cls.comm)

    def member(self):
        b = Browser(self.server)
        b.register(uniq("um"), PW)
        return b

    def upload(self, b, data, filename="a.png", ctype="image/png", json=False,
               field="file"):
        if b.csrf is None:
            b.refresh_csrf()
        body, ct = multipart({"csrf": b.csrf}, {field: (filename, ctype, data)})
        headers = {"Accept": "application/json"} if json else None
        return b.request("POST", "/upload", body=body, content_type=ct,
                         headers=headers)

    def uploaded(self, b, data, **kw):
        """Uploads data; returns (hash, ext) of the address it answers."""
        r = self.upload(b, data, **kw)
        self.assertEqual(r.status, 303, r.describe())
        m = NAME.match(r.header("Location"))
        self.assertIsNotNone(m, r.header("Location"))
        return m.group(1), m.group(2)

    def folder(self):
        url = self.server.db_url
        if url.startswith("sqlite:"):
            return os.path.join(os.path.dirname(url[len("sqlite:"):]), "uploads")
        return os.path.join(self.server.tmpdir, "data", "uploads")

    def files(self):
        return sorted(os.listdir(self.folder()))

    def fetch(self, path):
        return Browser(self.server).get(path)


class UploadTest(UploadCase):

    def test_png_text_chunks_are_gone(self):
        data = png_with_text("secret-png-words")
        self.assertIn(b"secret-png-words", data)
        h, ext = self.uploaded(self.member(), data)
        self.assertEqual(ext, "png")
        r = self.fetch("/i/%s.png" % h)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "image/png")
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertEqual(r.header("Cache-Control"),
                         "public, max-age=31536000, immutable")
        csp = r.header("Content-Security-Policy")
        self.assertIn("default-src 'none'", csp)
        self.assertIn("sandbox", csp)
        self.assertNotIn("script-src", csp)
        self.assertNotIn(b"secret-png-words", r.body)
        for kind in (b"tEXt", b"iTXt", b"zTXt", b"eXIf"):
            self.assertNotIn(kind, r.body)
        im = PIL.Image.open(io.BytesIO(r.body))
        self.assertEqual(im.size, (64, 48))
        self.assertEqual(im.getpixel((10, 10))[:3], (200, 30, 30))
        t = self.fetch("/i/%s_t.png" % h)
        self.assertEqual(t.status, 200)
        self.assertEqual(t.header("Content-Type"), "image/png")
        self.assertEqual(PIL.Image.open(io.BytesIO(t.body)).size, (64, 48))
        self.assertEqual(len(r.body), int(r.header("Content-Length")))

    def test_jpeg_exif_gps_is_gone(self):
        data = jpeg_with_gps()
        self.assertIn(b"SecretCameraMaker", data)
        self.assertIn(34853, PIL.Image.open(io.BytesIO(data)).getexif())
        h, ext = self.uploaded(self.member(), data, filename="p.jpg",
                               ctype="image/jpeg")
        self.assertEqual(ext, "jpg")
        r = self.fetch("/i/%s.jpg" % h)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "image/jpeg")
        self.assertNotIn(b"SecretCameraMaker", r.body)
        self.assertNotIn(b"Exif\0\0", r.body)
        im = PIL.Image.open(io.BytesIO(r.body))
        self.assertEqual(dict(im.getexif()), {})
        self.assertEqual(im.size, (80, 60))

    def test_gif_and_webp_and_thumbnail_size(self):
        b = self.member()
        for fmt, ext, size, thumb in (("GIF", "gif", (300, 200), (140, 93)),
                                      ("WEBP", "webp", (50, 400), (18, 140))):
            h, got = self.uploaded(b, image_bytes(fmt, size=size),
                                   filename="a." + ext, ctype="image/" + ext)
            self.assertEqual(got, ext)
            for suffix, want in (("", size), ("_t", thumb)):
                r = self.fetch("/i/%s%s.%s" % (h, suffix, ext))
                self.assertEqual(r.header("Content-Type"), "image/" + ext)
                self.assertEqual(PIL.Image.open(io.BytesIO(r.body)).size, want)

    def test_same_file_twice_is_stored_once(self):
        data = image_bytes("PNG", colour=(1, 2, 3))
        a, b = self.member(), self.member()
        h1, _ = self.uploaded(a, data)
        h2, _ = self.uploaded(b, data, filename="other-name.png")
        self.assertEqual(h1, h2)
        self.assertEqual([f for f in self.files() if f.startswith(h1)],
                         ["%s.png" % h1, "%s_t.png" % h1])

    def test_json_answer(self):
        r = self.upload(self.member(), image_bytes("PNG", colour=(9, 9, 9)),
                        json=True)
        self.assertEqual(r.status, 201, r.describe())
        j = r.json()
        m = NAME.match(j["url"])
        self.assertIsNotNone(m)
        self.assertEqual(j["thumbnail"], "/i/%s_t.png" % m.group(1))
        self.assertEqual(sorted(j), ["thumbnail", "url"])
        self.assertEqual(r.header("Location"), j["url"])
        self.assertRegex(r.header("Server-Timing"),
                         r"^check;dur=[0-9.]+, encode;dur=[0-9.]+, thumb;dur=[0-9.]+$")

    def refused(self, data, status, code, **kw):
        b = self.member()
        before = self.files()
        r = self.upload(b, data, json=True, **kw)
        self.assertEqual(r.status, status, r.describe())
        if code is not None:
            self.assertEqual(r.json()["error"], code)
        self.assertEqual(self.files(), before)
        return r

    def test_hostile_files_refused_and_nothing_stored(self):
        html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
        self.refused(html, 415, "bad_type", filename="x.png")
        good = image_bytes("PNG", size=(120, 90))
        self.refused(good[:len(good) // 2], 400, "bad_image", filename="cut.png")
        polyglot = (b"GIF89a/*\x00\x00\x00\x00*/=1;<html><script>alert(1)</script>"
                    b"</html>" + b"\0" * 64)
        self.refused(polyglot, 400, None, filename="p.gif", ctype="image/gif")
        self.refused(b"", 400, "empty_file")
        self.refused(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", 415,
                     "bad_type", filename="x.png")
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        self.refused(svg, 415, "bad_type", filename="x.png")

    def test_oversized_refused(self):
        # Over upload_max but within the body the server reads: the app
        # answers; far over it: the server refuses before reading.
        big = os.urandom(UPLOAD_MAX + 1000)
        self.refused(big, 413, "too_large")
        self.refused(os.urandom(UPLOAD_MAX + 200 * 1024), 413, None)
        # only the upload routes read large bodies: elsewhere 64 KiB
        b = self.member()
        b.refresh_csrf()
        body, ct = multipart({"csrf": b.csrf}, {"file": ("a.png", "image/png",
                                                        os.urandom(100 * 1024))})
        for path in ("/submit", "/upload.json", "/uploads"):
            r = b.request("POST", path, body=body, content_type=ct)
            self.assertEqual(r.status, 413, path)

    def test_pixel_bomb_refused(self):
        bomb = png_bomb()
        self.assertLess(len(bomb), UPLOAD_MAX)
        self.refused(bomb, 413, "too_many_pixels", filename="bomb.png")

    def test_field_and_sign_in(self):
        self.refused(image_bytes("PNG"), 400, "no_file", field="picture")
        r = Browser(self.server).request(
            "POST", "/upload", body=multipart({}, {"file": ("a.png", "image/png",
                                                            image_bytes("PNG"))})[0],
            content_type=multipart({}, {})[1])
        self.assertEqual(r.status, 403)

    def test_unknown_names(self):
        for path in ("/i/nothing", "/i/%s.png" % ("0" * 32), "/i/%s.exe" % ("a" * 32),
                     "/i/%s.PNG" % ("a" * 32), "/i/../parley.db"):
            self.assertEqual(self.fetch(path).status, 404, path)

    def test_upload_form(self):
        page = self.member().page("/upload").text
        self.assertIn('enctype="multipart/form-data"', page)
        self.assertIn('name="file"', page)
        self.assertIn('name="image"', self.member().page("/submit").text)

    def test_delete_by_uploader_then_410(self):
        up, other = self.member(), self.member()
        h, _ = self.uploaded(up, image_bytes("PNG", colour=(5, 6, 7)))
        r = other.post("/i/%s/delete" % h, {})
        self.assertEqual(r.status, 403)
        self.assertEqual(self.fetch("/i/%s.png" % h).status, 200)
        page = up.page("/upload").text
        self.assertIn('action="/i/%s/delete"' % h, page)
        self.assertIn('src="/i/%s_t.png"' % h, page)
        self.assertNotIn('/i/%s/delete' % h, other.page("/upload").text)
        r = up.post("/i/%s/delete" % h, {})
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/upload")
        self.assertNotIn('/i/%s/delete' % h, up.page("/upload").text)
        self.assertEqual(self.fetch("/i/%s.png" % h).status, 410)
        self.assertEqual(self.fetch("/i/%s_t.png" % h).status, 410)
        self.assertEqual([f for f in self.files() if f.startswith(h)], [])
        self.assertEqual(up.post("/i/%s/delete" % h, {}).status, 410)
        # the same bytes cannot come back
        r = self.upload(up, image_bytes("PNG", colour=(5, 6, 7)), json=True)
        self.assertEqual(r.status, 410)
        self.assertEqual(r.json()["error"], "image_deleted")

    def test_admin_deletes_and_purges(self):
        up = self.member()
        h, _ = self.uploaded(up, image_bytes("PNG", colour=(11, 12, 13)))
        self.assertEqual(self.admin.post("/i/%s/delete" % h, {}).status, 303)
        self.assertEqual(self.fetch("/i/%s.png" % h).status, 410)
        hs = [self.uploaded(up, image_bytes("PNG", colour=(20 + i, 0, 0)))[0]
              for i in range(2)]
        keep = self.uploaded(self.member(), image_bytes("PNG", colour=(0, 99, 0)))[0]
        self.assertEqual(up.post("/admin/uploads/purge", {"user": up.name}).status, 403)
        self.assertIn('action="/admin/uploads/purge"', self.admin.page("/admin").text)
        r = self.admin.post("/admin/uploads/purge", {"user": up.name},
                            headers={"Accept": "application/json"})
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json(), {"purged": 2})
        for h in hs:
            self.assertEqual(self.fetch("/i/%s.png" % h).status, 410)
        self.assertEqual(self.fetch("/i/%s.png" % keep).status, 200)
        r = self.admin.post("/admin/uploads/purge", {"user": "nobody_here"},
                            headers={"Accept": "application/json"})
        self.assertEqual(r.status, 404)

    def test_erasing_an_account_deletes_its_images(self):
        keeper, eraser = self.member(), self.member()
        kept = self.uploaded(keeper, image_bytes("PNG", colour=(30, 31, 32)))[0]
        gone = self.uploaded(eraser, image_bytes("PNG", colour=(33, 34, 35)))[0]
        self.assertEqual(keeper.post("/settings/delete", {"password": PW}).status, 303)
        self.assertEqual(eraser.post("/settings/delete", {"password": PW,
                                                          "erase": "1"}).status, 303)
        self.assertEqual(self.fetch("/i/%s.png" % kept).status, 200)
        self.assertEqual(self.fetch("/i/%s.png" % gone).status, 410)
        self.assertEqual([f for f in self.files() if f.startswith(gone)], [])

    def post_with(self, b, h, **extra):
        fields = {"community": self.comm, "title": "Image post " + h[:6],
                  "image": "/i/%s.png" % h}
        fields.update(extra)
        r = b.post("/submit", fields)
        self.assertEqual(r.status, 303, r.describe())
        return int(re.search(r"/p/(\d+)", r.header("Location")).group(1))

    def test_image_post_thumbnail_and_json(self):
        b = self.member()
        h, _ = self.uploaded(b, image_bytes("PNG", colour=(40, 50, 60)))
        pid = self.post_with(b, h)
        thumb = '<img alt="image" loading="lazy" src="/i/%s_t.png">' % h
        for path in ("/s/%s" % self.comm, "/s/%s/p/%d" % (self.comm, pid)):
            page = Browser(self.server).page(path).text
            self.assertIn(thumb, page, path)
            self.assertIn('href="/i/%s.png"' % h, page, path)
        j = Browser(self.server).get_json("/s/%s/p/%d" % (self.comm, pid))["post"]
        self.assertEqual(j["image"], "/i/%s.png" % h)
        self.assertEqual(j["thumbnail"], "/i/%s_t.png" % h)
        plain = b.post("/submit", {"community": self.comm, "title": "no image",
                                   "body": "text"})
        pid2 = int(re.search(r"/p/(\d+)", plain.header("Location")).group(1))
        j = b.get_json("/s/%s/p/%d" % (self.comm, pid2))["post"]
        self.assertIsNone(j["image"])
        self.assertIsNone(j["thumbnail"])

    def test_image_field_refusals(self):
        b = self.member()
        h, _ = self.uploaded(b, image_bytes("PNG", colour=(70, 1, 1)))
        for image, code in (("/i/%s_t.png" % h, "bad_image"),
                            ("/i/%s.jpg" % h, "no_image"),
                            ("/i/%s.png" % ("f" * 32), "no_image"),
                            ("https://elsewhere.example/x.png", "bad_image")):
            r = b.post("/submit", {"community": self.comm, "title": "x",
                                   "image": image},
                       headers={"Accept": "application/json"})
            self.assertEqual(r.status, 400, image)
            self.assertEqual(r.json()["error"], code, image)
        r = b.post("/submit", {"community": self.comm, "title": "x",
                               "image": "/i/%s.png" % h, "url": "https://example.org/"},
                   headers={"Accept": "application/json"})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["error"], "image_and_link")

    def test_nsfw_and_spoiler_thumbnails(self):
        b = self.member()
        h, _ = self.uploaded(b, image_bytes("PNG", colour=(80, 2, 2)))
        pid = self.post_with(b, h, nsfw="1")
        for viewer in (Browser(self.server), self.member()):
            for path in ("/s/%s" % self.comm, "/s/%s/p/%d" % (self.comm, pid)):
                self.assertNotIn("/i/%s" % h, viewer.page(path).text, path)
            j = viewer.get_json("/s/%s/p/%d" % (self.comm, pid))["post"]
            self.assertIsNone(j["image"])
            self.assertIsNone(j["thumbnail"])
        shower = self.member()
        self.assertEqual(shower.post("/settings/nsfw", {"show_nsfw": "1"}).status, 303)
        self.assertIn("/i/%s_t.png" % h,
                      shower.page("/s/%s/p/%d" % (self.comm, pid)).text)
        h2, _ = self.uploaded(b, image_bytes("PNG", colour=(90, 3, 3)))
        self.post_with(b, h2, spoiler="1")
        page = Browser(self.server).page("/s/%s" % self.comm).text
        self.assertRegex(page, r'<details class="spoiler thumb"><summary>spoiler: show '
                         r'image</summary><a class="thumb" href="/i/%s.png">' % h2)


class UploadMaxSettingTest(unittest.TestCase):
    """upload_max takes bytes or K, M, G, from 1K to 1G; anything else
    stops the server before it starts."""

    def test_sizes(self):
        tmp = tempfile.mkdtemp(prefix="parley-e2e-")
        try:
            for value, ok in (("10M", True), ("1G", True), ("512k", True),
                              ("1024", True), ("1023", False), ("0", False),
                              ("2G", False), ("5MB", False), ("abc", False),
                              ("-1M", False)):
                r = subprocess.run([PARLEY_BIN, "init", "--db",
                                    "sqlite:" + os.path.join(tmp, "p.db")],
                                   env=clean_env({"PARLEY_UPLOAD_MAX": value}),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                err = r.stderr.decode()
                self.assertEqual(r.returncode == 0, ok, (value, err))
                if not ok:
                    self.assertIn("upload_max: '%s' is not a size from 1K to 1G"
                                  % value, err)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class UploadLimitTest(UploadCase):
    """Settings that change what every member may do: a class of its own."""

    def tearDown(self):
        for key, value in (("uploads", 1), ("limit_uploads", 20),
                           ("limit_upload_mb", 50), ("upload_min_age_hours", 0),
                           ("upload_min_points", 0)):
            self.server.set_limit(key, value)

    def test_count_per_day(self):
        self.server.set_limit("limit_uploads", 2)
        b = self.member()
        for i in range(2):
            self.uploaded(b, image_bytes("PNG", colour=(100 + i, 0, 0)))
        before = self.files()
        r = self.upload(b, image_bytes("PNG", colour=(103, 0, 0)), json=True)
        self.assertEqual(r.status, 429, r.describe())
        self.assertEqual(r.json()["error"], "rate_limited")
        self.assertEqual(r.header("Retry-After"), "86400")
        self.assertEqual(self.files(), before)
        # another member has their own allowance; admins have none
        self.uploaded(self.member(), image_bytes("PNG", colour=(104, 0, 0)))
        for i in range(3):
            self.uploaded(self.admin, image_bytes("PNG", colour=(110 + i, 0, 0)))

    def test_bytes_per_day(self):
        self.server.set_limit("limit_upload_mb", 1)
        b = self.member()
        # noise does not compress: each image is stored at about 160 KB
        sent = []
        r = None
        for _ in range(12):
            im = PIL.Image.frombytes("RGB", (230, 230), os.urandom(230 * 230 * 3))
            out = io.BytesIO()
            im.save(out, "PNG")
            r = self.upload(b, out.getvalue(), json=True)
            if r.status != 201:
                break
            sent.append(len(out.getvalue()))
        self.assertEqual(r.status, 429, r.describe())
        self.assertEqual(r.json()["error"], "rate_limited")
        self.assertLessEqual(sum(sent), 1 << 20)
        self.assertGreater(sum(sent) + 2 * 230 * 230 * 3, 1 << 20)

    def test_account_age_or_points(self):
        self.server.set_limit("upload_min_age_hours", 24)
        b = self.member()
        r = self.upload(b, image_bytes("PNG", colour=(120, 0, 0)), json=True)
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json()["error"], "upload_too_new")
        self.server.set_limit("upload_min_points", 1)
        r = self.upload(b, image_bytes("PNG", colour=(120, 0, 0)), json=True)
        self.assertEqual(r.status, 403)
        pid = b.submit_text(self.comm, "points please", "body")
        self.member().vote("post", pid, 1)
        self.uploaded(b, image_bytes("PNG", colour=(120, 0, 0)))

    def test_uploads_off(self):
        self.server.set_limit("uploads", 0)
        for who in (self.member(), self.admin):
            r = self.upload(who, image_bytes("PNG", colour=(130, 0, 0)), json=True)
            self.assertEqual(r.status, 403)
            self.assertEqual(r.json()["error"], "uploads_off")


if __name__ == "__main__":
    unittest.main()
