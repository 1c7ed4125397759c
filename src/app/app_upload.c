/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_upload.c: what an uploaded image goes through before it is kept
 * (docs/decisions/019-images.md): its type told by its content
 * (libmagic), only JPEG, PNG, GIF and WebP; its size and declared pixels
 * checked before anything is decoded; then decoded by the one libvips
 * loader of that type and encoded again without any metadata (EXIF with
 * its GPS position, PNG text chunks, ICC, XMP), with a thumbnail made by
 * shrink-on-load; and the files kept under the upload folder by the hash
 * of their bytes, so the same picture stored twice is one file.
 *
 * libvips is told never to use its untrusted loaders and never to cache
 * operations (a cached image would outlive the request arena it reads
 * from), and to use one thread per image: a request costs one core. Only
 * the loader the sniffed type names is ever called, never libvips' own
 * sniffing, so a file cannot be taken for SVG, PDF or anything else.
 * Animated GIF and WebP keep their first frame. The image field of a
 * submission (an upload's address) is read here too.
 *
 * libmagic's handles are not to be shared between threads, so each
 * thread opens its own on first use.
 */
#include "app_int.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <vips/vips.h>

#define THUMB_SIZE 140       /* px: the box a thumbnail fits in */

static const struct {
	const char *ext;         /* in addresses and file names */
	const char *type;        /* Content-Type, and libmagic's answer */
	int (*load)(void *buf, size_t len, VipsImage **out, ...);
	int (*save)(VipsImage *in, void **buf, size_t *len, ...);
} kinds[UPLOAD_KINDS] = {
	[UPLOAD_JPEG] = { "jpg", "image/jpeg", vips_jpegload_buffer,
		vips_jpegsave_buffer },
	[UPLOAD_PNG] = { "png", "image/png", vips_pngload_buffer,
		vips_pngsave_buffer },
	[UPLOAD_GIF] = { "gif", "image/gif", vips_gifload_buffer,
		vips_gifsave_buffer },
	[UPLOAD_WEBP] = { "webp", "image/webp", vips_webpload_buffer,
		vips_webpsave_buffer },
};

static char upload_dir[1024];  /* "" until app_upload_init succeeds */

/* The file name extension of kind k. */
const char *
app_upload_ext(enum upload_kind k)
{
	return kinds[k].ext;
}

/* The Content-Type of kind k. */
const char *
app_upload_type(enum upload_kind k)
{
	return kinds[k].type;
}

/* ---- libvips and libmagic, once ---------------------------------------- */

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static bool vips_ok;
static pthread_key_t magic_key;

static void
magic_close_cb(void *m)
{
	magic_close(m);
}

/* libvips' warnings about a damaged file go to the log with the
 * request's id, not bare to stderr. */
static void
glib_log(const gchar *domain, GLogLevelFlags level, const gchar *msg,
    gpointer data)
{
	log_msg(LOG_DEBUG, "upload", "libvips: %s", msg);
}

static void
libs_start(void)
{
	pthread_key_create(&magic_key, magic_close_cb);
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE |
	    G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG, glib_log, NULL);
	if (VIPS_INIT("parley") != 0) {
		log_msg(LOG_ERR, "upload", "libvips failed to start: %s",
		    vips_error_buffer());
		return;
	}
	vips_cache_set_max(0);
	vips_concurrency_set(1);
	vips_block_untrusted_set(TRUE);
	vips_ok = true;
}

/* This thread's libmagic handle, or NULL when its database is missing. */
static magic_t
thread_magic(void)
{
	magic_t m = pthread_getspecific(magic_key);

	if (m != NULL)
		return m;
	m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS |
	    MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_CDF |
	    MAGIC_NO_CHECK_ENCODING);
	if (m == NULL || magic_load(m, NULL) != 0) {
		log_msg(LOG_ERR, "upload", "libmagic cannot load its database: %s",
		    m ? magic_error(m) : strerror(errno));
		if (m != NULL)
			magic_close(m);
		return NULL;
	}
	pthread_setspecific(magic_key, m);
	return m;
}

/* ---- sniffing and checking ---------------------------------------------- */

/*
 * Tells data's type by its content. Returns UPLOAD_OK with *kind set,
 * UPLOAD_EMPTY, UPLOAD_BAD_TYPE for anything but the four kinds, or
 * UPLOAD_ERR when libmagic is not available.
 */
enum upload_rc
app_upload_sniff(struct str data, enum upload_kind *kind)
{
	const char *type;
	magic_t m;

	pthread_once(&vips_once, libs_start);
	if (data.len == 0)
		return UPLOAD_EMPTY;
	if ((m = thread_magic()) == NULL)
		return UPLOAD_ERR;
	type = magic_buffer(m, data.p, data.len);
	if (type == NULL)
		return UPLOAD_BAD_TYPE;
	for (int k = 0; k < UPLOAD_KINDS; k++) {
		if (strcmp(type, kinds[k].type) == 0) {
			*kind = (enum upload_kind)k;
			return UPLOAD_OK;
		}
	}
	return UPLOAD_BAD_TYPE;
}

/* Opens data lazily (only its header is read) with kind's loader; a
 * file cut short fails when its pixels are read. */
static VipsImage *
load(enum upload_kind kind, struct str data)
{
	VipsImage *im = NULL;

	if (kinds[kind].load((void *)data.p, data.len, &im, "fail_on",
	    VIPS_FAIL_ON_TRUNCATED, NULL) != 0) {
		vips_error_clear();
		return NULL;
	}
	return im;
}

/* The checks before decoding: size, type, then the header's pixels. */
static enum upload_rc
check(struct str data, const struct upload_limits *lim,
    enum upload_kind *kind, VipsImage **out)
{
	enum upload_rc rc;
	VipsImage *im;
	uint64_t w, h;

	*out = NULL;
	if (data.len > lim->max_bytes)
		return UPLOAD_TOO_LARGE;
	if ((rc = app_upload_sniff(data, kind)) != UPLOAD_OK)
		return rc;
	if (!vips_ok)
		return UPLOAD_ERR;
	if ((im = load(*kind, data)) == NULL)
		return UPLOAD_BAD_IMAGE;
	w = (uint64_t)vips_image_get_width(im);
	h = (uint64_t)vips_image_get_height(im);
	if (w == 0 || h == 0) {
		g_object_unref(im);
		return UPLOAD_BAD_IMAGE;
	}
	if (w * h > lim->max_pixels) {
		g_object_unref(im);
		return UPLOAD_TOO_MANY_PIXELS;
	}
	*out = im;
	return UPLOAD_OK;
}

/*
 * Checks data without decoding its pixels: at most lim->max_bytes, one
 * of the four kinds by content, a header a loader accepts, at most
 * lim->max_pixels. Sets *kind, *w and *h on UPLOAD_OK.
 */
enum upload_rc
app_upload_check(struct str data, const struct upload_limits *lim,
    enum upload_kind *kind, int64_t *w, int64_t *h)
{
	VipsImage *im;
	enum upload_rc rc = check(data, lim, kind, &im);

	if (rc != UPLOAD_OK)
		return rc;
	*w = vips_image_get_width(im);
	*h = vips_image_get_height(im);
	g_object_unref(im);
	return UPLOAD_OK;
}

/* ---- encoding -------------------------------------------------------------- */

/* Encodes im as kind without metadata into a. */
static int
save(struct arena *a, VipsImage *im, enum upload_kind kind, struct str *out)
{
	void *buf = NULL;
	size_t len = 0;
	char *copy;

	if (kinds[kind].save(im, &buf, &len, "strip", TRUE, NULL) != 0) {
		vips_error_clear();
		return -1;
	}
	copy = arena_alloc(a, len);
	memcpy(copy, buf, len);
	g_free(buf);
	*out = (struct str){ copy, len };
	return 0;
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * Checks data (app_upload_check), then decodes it in full, turns it
 * upright by its EXIF orientation, and encodes it again without
 * metadata, and its thumbnail; out's bytes are in a. Returns UPLOAD_OK,
 * a refusal of the checks, UPLOAD_BAD_IMAGE when the pixels cannot be
 * decoded (a truncated file), or UPLOAD_ERR when encoding failed.
 */
enum upload_rc
app_upload_make(struct arena *a, struct str data,
    const struct upload_limits *lim, struct upload_out *out)
{
	unsigned char digest[UPLOAD_HASH_LEN / 2];
	VipsImage *im = NULL, *up = NULL, *th = NULL;
	struct timespec t0;
	enum upload_rc rc;

	memset(out, 0, sizeof(*out));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = check(data, lim, &out->kind, &im)) != UPLOAD_OK)
		return rc;
	out->ms_check = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = UPLOAD_BAD_IMAGE;
	if (vips_autorot(im, &up, NULL) != 0) {
		vips_error_clear();
		goto out;
	}
	out->width = vips_image_get_width(up);
	out->height = vips_image_get_height(up);
	if (save(a, up, out->kind, &out->image) != 0)
		goto out;
	out->ms_encode = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = UPLOAD_ERR;
	/* From the bytes just written: the loader is ours, and JPEG and
	 * WebP shrink while they load. */
	if (vips_thumbnail_buffer((void *)out->image.p, out->image.len, &th,
	    THUMB_SIZE, "height", THUMB_SIZE, "size", VIPS_SIZE_DOWN,
	    NULL) != 0) {
		vips_error_clear();
		goto out;
	}
	if (save(a, th, out->kind, &out->thumb) != 0)
		goto out;
	out->ms_thumb = ms_since(&t0);
	crypto_generichash(digest, sizeof(digest),
	    (const unsigned char *)out->image.p, out->image.len, NULL, 0);
	sodium_bin2hex(out->hash, sizeof(out->hash), digest, sizeof(digest));
	rc = UPLOAD_OK;
out:
	if (th != NULL)
		g_object_unref(th);
	if (up != NULL)
		g_object_unref(up);
	g_object_unref(im);
	return rc;
}

/* ---- names and files -------------------------------------------------- */

/*
 * Reads an image's file name, "HASH.EXT" or a thumbnail's "HASH_t.EXT"
 * (HASH UPLOAD_HASH_LEN lower-case hex digits). Returns true with hash,
 * *kind and *thumb set when name is one.
 */
bool
app_upload_name(struct str name, char hash[UPLOAD_HASH_LEN + 1],
    enum upload_kind *kind, bool *thumb)
{
	struct str ext;
	size_t i;

	if (name.len < UPLOAD_HASH_LEN + 2)
		return false;
	for (i = 0; i < UPLOAD_HASH_LEN; i++) {
		char ch = name.p[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return false;
		hash[i] = ch;
	}
	hash[i] = '\0';
	*thumb = name.len > i + 2 && name.p[i] == '_' && name.p[i + 1] == 't';
	if (*thumb)
		i += 2;
	if (name.p[i] != '.')
		return false;
	ext = (struct str){ name.p + i + 1, name.len - i - 1 };
	for (int k = 0; k < UPLOAD_KINDS; k++) {
		if (str_eq(ext, str_c(kinds[k].ext))) {
			*kind = (enum upload_kind)k;
			return true;
		}
	}
	return false;
}

/* The site address of an image ("/i/HASH.EXT") or its thumbnail's. */
const char *
app_upload_href(struct arena *a, const char *hash, const char *ext,
    bool thumb)
{
	return arena_printf(a, "/i/%s%s.%s", hash, thumb ? "_t" : "", ext);
}

/*
 * Chooses the upload folder: the upload_dir setting, else "uploads"
 * beside a SQLite database, else data/uploads; and creates it. Returns 0,
 * or -1 (logged) when it cannot be made: uploads then answer 503.
 */
int
app_upload_init(const struct app_config *cfg)
{
	const char *path, *slash;
	int n;

	pthread_once(&vips_once, libs_start);
	if (cfg->upload_dir != NULL && cfg->upload_dir[0] != '\0') {
		n = snprintf(upload_dir, sizeof(upload_dir), "%s", cfg->upload_dir);
	} else if (strncmp(cfg->db, "sqlite:", 7) == 0) {
		path = cfg->db + 7;
		slash = strrchr(path, '/');
		n = slash == NULL ? snprintf(upload_dir, sizeof(upload_dir),
		    "uploads") : snprintf(upload_dir, sizeof(upload_dir),
		    "%.*s/uploads", (int)(slash - path), path);
	} else {
		n = snprintf(upload_dir, sizeof(upload_dir), "data/uploads");
	}
	if (n < 0 || (size_t)n >= sizeof(upload_dir) - 64 ||
	    app_mkdirs(upload_dir) != 0) {
		log_msg(LOG_WARN, "upload", "no upload folder %s: %s", upload_dir,
		    strerror(errno));
		upload_dir[0] = '\0';
		return -1;
	}
	return 0;
}

/* True when there is a folder to keep uploads in. */
bool
app_upload_ready(void)
{
	return upload_dir[0] != '\0' && vips_ok;
}

static void
file_path(char out[sizeof(upload_dir) + 64], const char *hash,
    enum upload_kind kind, bool thumb)
{
	snprintf(out, sizeof(upload_dir) + 64, "%s/%s%s.%s", upload_dir, hash,
	    thumb ? "_t" : "", kinds[kind].ext);
}

/* Writes bytes to path through a temporary name, unless it is there. */
static int
write_file(const char *path, struct str bytes)
{
	static unsigned long counter;
	char tmp[sizeof(upload_dir) + 128];
	int fd;

	if (access(path, F_OK) == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld-%lu", path, (long)getpid(),
	    __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_msg(LOG_WARN, "upload", "open %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (write(fd, bytes.p, bytes.len) != (ssize_t)bytes.len ||
	    fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		log_msg(LOG_WARN, "upload", "write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Keeps an image and its thumbnail as files. Returns 0 or -1 (logged). */
int
app_upload_keep(const struct upload_out *o)
{
	char path[sizeof(upload_dir) + 64];

	file_path(path, o->hash, o->kind, true);
	if (write_file(path, o->thumb) != 0)
		return -1;
	file_path(path, o->hash, o->kind, false);
	return write_file(path, o->image);
}

/* Opens an image's or thumbnail's file for reading; -1 when it is not
 * there. */
int
app_upload_open(const char *hash, enum upload_kind kind, bool thumb)
{
	char path[sizeof(upload_dir) + 64];
	struct stat st;
	int fd;

	if (upload_dir[0] == '\0')
		return -1;
	file_path(path, hash, kind, thumb);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Removes an image's files (it was deleted). */
void
app_upload_unlink(const char *hash, const char *ext)
{
	char path[sizeof(upload_dir) + 64];

	for (int k = 0; k < UPLOAD_KINDS; k++) {
		if (strcmp(ext, kinds[k].ext) != 0)
			continue;
		file_path(path, hash, (enum upload_kind)k, false);
		unlink(path);
		file_path(path, hash, (enum upload_kind)k, true);
		unlink(path);
	}
}

/*
 * Deletes every live image of user_id: the rows, then the files. Sets *n
 * to how many; returns a store result.
 */
int
app_upload_purge(struct ctx *c, int64_t user_id, size_t *n)
{
	struct upload *ups = NULL;
	int rc = store_upload_purge(c->s, c->a, user_id, c->now, &ups, n);

	for (size_t i = 0; rc == STORE_OK && i < *n; i++)
		app_upload_unlink(ups[i].hash, ups[i].ext);
	return rc;
}

/* ---- an image post's field ---------------------------------------------- */

/*
 * Reads a submission's image field, an upload's address ("/i/HASH.EXT",
 * or the same after the site's address) into *out ("HASH.EXT", NULL for
 * an empty field). Returns 0, or -1 after answering 400 for anything but
 * a live upload's address.
 */
int
app_upload_image_field(struct ctx *c, struct str v, const char **out)
{
	struct str site = str_c(app_g.cfg->site_url ? app_g.cfg->site_url : "");
	char hash[UPLOAD_HASH_LEN + 1];
	enum upload_kind kind;
	struct upload u;
	bool thumb;
	int rc;

	*out = NULL;
	if (v.len == 0)
		return 0;
	if (site.len > 0 && v.len > site.len &&
	    memcmp(v.p, site.p, site.len) == 0) {
		v.p += site.len;
		v.len -= site.len;
	}
	if (v.len < 3 || memcmp(v.p, "/i/", 3) != 0 ||
	    !app_upload_name((struct str){ v.p + 3, v.len - 3 }, hash, &kind,
	    &thumb) || thumb) {
		app_error(c, 400, "bad_image", "An image is the /i/ address an "
		    "upload answered with.");
		return -1;
	}
	rc = store_upload_get(c->s, c->a, hash, &u);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && (u.deleted != 0 ||
	    strcmp(u.ext, app_upload_ext(kind)) != 0))) {
		app_error(c, 400, "no_image", "There is no such image (it may "
		    "have been deleted).");
		return -1;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	*out = arena_printf(c->a, "%s.%s", hash, u.ext);
	return 0;
}
