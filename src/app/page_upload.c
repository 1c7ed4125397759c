/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_upload.c: image uploads' pages: the upload form and POST /upload,
 * the images at /i/HASH.EXT (and thumbnails at /i/HASH_t.EXT), their
 * deletion and an admin's purge of a user's images. What an image goes
 * through before it is kept, and a submission's image field, are
 * app_upload.c's; an image post's thumbnail is app_nsfw.c's, under the
 * NSFW and spoiler rules.
 *
 * An image is served from its file by descriptor (sendfile), before the
 * session is read (ROUTE_FILE): it is the same for everyone, and its
 * address names its bytes, so it may be cached for a year. Only a
 * missing file asks the database, to tell a deleted image (410) from
 * one that never was (404).
 */
#include "app_int.h"

#include <string.h>
#include <unistd.h>

/* An image may not run script nor load anything, whatever a browser
 * takes it for. */
#define IMAGE_CSP "default-src 'none'; img-src 'self'; sandbox"

/* True when s is an image's hash: UPLOAD_HASH_LEN lower-case hex digits. */
static bool
hash_ok(struct str s, char out[UPLOAD_HASH_LEN + 1])
{
	if (s.len != UPLOAD_HASH_LEN)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (!((s.p[i] >= '0' && s.p[i] <= '9') ||
		    (s.p[i] >= 'a' && s.p[i] <= 'f')))
			return false;
		out[i] = s.p[i];
	}
	out[s.len] = '\0';
	return true;
}

/* ---- the form and POST /upload ----------------------------------------- */

/* The viewer's latest images, each with its address and a delete form. */
static void
own_images(struct ctx *c, struct html *h)
{
	struct upload *ups = NULL;
	size_t n = 0;

	if (store_uploads_recent(c->s, c->a, c->user->id, PAGE_SIZE, &ups,
	    &n) != STORE_OK || n == 0)
		return;
	html_raw_literal(h, "<h2>Your latest images</h2><ul class=\"images\">");
	for (size_t i = 0; i < n; i++) {
		const char *url = app_upload_href(c->a, ups[i].hash, ups[i].ext,
		    false);

		html_raw_literal(h, "<li><a class=\"thumb\"");
		html_attr_c(h, "href", url);
		html_raw_literal(h, "><img alt=\"image\" loading=\"lazy\"");
		html_attr_c(h, "src", app_upload_href(c->a, ups[i].hash, ups[i].ext,
		    true));
		html_raw_literal(h, "></a> <code>");
		html_text_c(h, url);
		html_raw_literal(h, "</code> <form class=\"inline\" method=\"post\"");
		html_attr_c(h, "action", arena_printf(c->a, "/i/%s/delete",
		    ups[i].hash));
		html_raw_literal(h, ">");
		app_csrf_field(c, h);
		html_raw_literal(h, "<button>delete</button></form></li>");
	}
	html_raw_literal(h, "</ul>");
}

/* GET /upload: a form that sends one image, and the viewer's images. */
void
page_upload_form(struct ctx *c)
{
	struct html h;

	page_begin(c, &h, "Upload an image");
	html_raw_literal(&h, "<div class=\"content\"><h1>Upload an image</h1>"
	    "<form class=\"edit\" method=\"post\" action=\"/upload\" "
	    "enctype=\"multipart/form-data\">");
	app_csrf_field(c, &h);
	html_raw_literal(&h, "<label for=\"file\">JPEG, PNG, GIF or WebP"
	    "</label><input type=\"file\" id=\"file\" name=\"file\" required "
	    "accept=\"image/jpeg,image/png,image/gif,image/webp\">"
	    "<p><button>upload</button></p></form><p class=\"meta\">Its "
	    "metadata (camera, place) is removed. Give its address as the image "
	    "of a post when you <a href=\"/submit\">submit</a> one.</p>");
	own_images(c, &h);
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/* Answers a refusal of app_upload_make. */
static void
refuse(struct ctx *c, enum upload_rc rc, const struct upload_limits *lim)
{
	switch (rc) {
	case UPLOAD_EMPTY:
		app_error(c, 400, "empty_file", "The file is empty.");
		return;
	case UPLOAD_TOO_LARGE:
		app_error(c, 413, "too_large", arena_printf(c->a, "An image is at "
		    "most %zu KiB.", lim->max_bytes >> 10));
		return;
	case UPLOAD_BAD_TYPE:
		app_error(c, 415, "bad_type", "Only JPEG, PNG, GIF and WebP images "
		    "can be uploaded (told by their content, not their name).");
		return;
	case UPLOAD_TOO_MANY_PIXELS:
		app_error(c, 413, "too_many_pixels", arena_printf(c->a, "An image "
		    "has at most %llu million pixels.",
		    (unsigned long long)(lim->max_pixels / 1000000)));
		return;
	case UPLOAD_BAD_IMAGE:
		app_error(c, 400, "bad_image", "The image cannot be read: it is "
		    "damaged or cut short.");
		return;
	case UPLOAD_OK:
	case UPLOAD_ERR:
		break;
	}
	app_error(c, 500, "upload_failed", "The image could not be stored. "
	    "Try again later.");
}

/* Records o for the viewer unless its bytes are known; *gone when they
 * belong to a deleted image. Returns 0, or -1 after answering. */
static int
record(struct ctx *c, const struct upload_out *o, bool *gone)
{
	const char *ext = app_upload_ext(o->kind);
	struct upload u;
	int rc = store_upload_get(c->s, c->a, o->hash, &u);

	*gone = false;
	if (rc == STORE_OK) {
		*gone = u.deleted != 0;
		return 0;
	}
	if (rc != STORE_NOTFOUND) {
		app_store_error(c, rc);
		return -1;
	}
	/* The files first: a row always has its files. */
	if (app_upload_keep(o) != 0) {
		app_error(c, 500, "upload_failed", "The image could not be "
		    "stored. Try again later.");
		return -1;
	}
	u = (struct upload){ .hash = o->hash, .ext = ext,
		.user_id = c->user->id,
		.bytes = (int64_t)(o->image.len + o->thumb.len),
		.width = o->width, .height = o->height, .created = c->now };
	if ((rc = store_upload_add(c->s, &u)) != STORE_OK) {
		app_store_error(c, rc);
		return -1;
	}
	return 0;
}

/*
 * POST /upload: field file (multipart). Answers 303 to the image, or
 * with JSON {"url", "thumbnail"} (201). Server-Timing tells how long the
 * checks, the encoding and the thumbnail took.
 */
void
page_upload(struct ctx *c)
{
	struct upload_limits lim = {
		.max_bytes = app_g.cfg->upload_max,
		.max_pixels = (uint64_t)app_setting_int(c, "upload_max_megapixels",
		    UPLOAD_MEGAPIXELS) * 1000000u,
	};
	struct str file = c->r->file;
	struct upload_out o;
	enum upload_rc rc;
	const char *url, *thumb;
	bool gone;

	if (!app_upload_ready()) {
		app_error(c, 503, "uploads_unavailable", "Image uploads are not "
		    "available on this server right now.");
		return;
	}
	if (file.p == NULL || !str_eq_lit(c->r->file_field, "file")) {
		app_error(c, 400, "no_file", "Send the image as the form's file "
		    "field (multipart/form-data).");
		return;
	}
	if (authz(c, AZ_UPLOAD, &(struct authz_target){
	    .bytes = (int64_t)file.len }) != 0)
		return;
	if ((rc = app_upload_make(c->a, file, &lim, &o)) != UPLOAD_OK) {
		refuse(c, rc, &lim);
		return;
	}
	if (record(c, &o, &gone) != 0)
		return;
	if (gone) {
		app_error(c, 410, "image_deleted", "This image was deleted and "
		    "cannot be uploaded again.");
		return;
	}
	http_add_header(c->r, "Server-Timing", arena_printf(c->a,
	    "check;dur=%.2f, encode;dur=%.2f, thumb;dur=%.2f", o.ms_check,
	    o.ms_encode, o.ms_thumb));
	url = app_upload_href(c->a, o.hash, app_upload_ext(o.kind), false);
	thumb = app_upload_href(c->a, o.hash, app_upload_ext(o.kind), true);
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_kv_str_c(&j, "url", url);
		json_kv_str_c(&j, "thumbnail", thumb);
		json_obj_close(&j);
		c->r->status = 201;
		http_add_header(c->r, "Location", url);
		return;
	}
	app_redirect(c, url);
}

/* ---- serving and deleting ----------------------------------------------- */

/* Replaces the page CSP that app_handle set with the images' own. */
static void
image_csp(struct req *r)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcmp(r->headers[i].name, "Content-Security-Policy") == 0)
			r->headers[i].value = IMAGE_CSP;
}

/* GET /i/HASH.EXT and /i/HASH_t.EXT: the image or its thumbnail. */
void
page_image(struct ctx *c)
{
	char hash[UPLOAD_HASH_LEN + 1];
	enum upload_kind kind;
	struct upload u;
	bool thumb;
	int fd, rc;

	image_csp(c->r);
	if (!app_upload_name(c->param[0], hash, &kind, &thumb))
		goto missing;
	fd = app_upload_open(hash, kind, thumb);
	if (fd >= 0) {
		c->r->out_fd = fd;
		c->r->content_type = app_upload_type(kind);
		http_add_header(c->r, "Cache-Control",
		    "public, max-age=31536000, immutable");
		return;
	}
	if ((c->s = app_store()) == NULL)
		goto missing;
	rc = store_upload_get(c->s, c->a, hash, &u);
	if (rc == STORE_OK && u.deleted != 0 &&
	    strcmp(u.ext, app_upload_ext(kind)) == 0) {
		app_error(c, 410, "image_deleted", "This image was deleted.");
		return;
	}
missing:
	if (c->s == NULL)
		c->s = app_store();
	app_error(c, 404, "not_found", "There is no such image.");
}

/* POST /i/HASH/delete: by its uploader or an admin; 410 afterwards. */
void
page_image_delete(struct ctx *c)
{
	char hash[UPLOAD_HASH_LEN + 1];
	struct upload u;
	int rc;

	if (!hash_ok(c->param[0], hash)) {
		app_error(c, 404, "not_found", "There is no such image.");
		return;
	}
	rc = store_upload_get(c->s, c->a, hash, &u);
	if (rc == STORE_OK && u.deleted != 0) {
		app_error(c, 410, "image_deleted", "This image was deleted.");
		return;
	}
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (u.user_id != c->user->id && !app_is_admin(c)) {
		app_error(c, 403, "not_uploader", "Only the image's uploader and "
		    "admins can delete it.");
		return;
	}
	rc = store_upload_delete(c->s, hash, c->now);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		app_store_error(c, rc);
		return;
	}
	app_upload_unlink(hash, u.ext);
	app_done(c, "/upload");
}

/* POST /admin/uploads/purge: field user; deletes every image they
 * uploaded. JSON {"purged": N}. */
void
page_admin_uploads_purge(struct ctx *c)
{
	struct str name = app_form_text(c, "user");
	struct user u;
	size_t n = 0;
	int rc;

	if (authz(c, AZ_ADMIN, NULL) != 0)
		return;
	if (!app_valid_name(name, true)) {
		app_error(c, 400, "bad_user", "Name the user whose images to "
		    "purge.");
		return;
	}
	rc = store_user_by_name(c->s, c->a, str_dup(c->a, name), &u, NULL);
	if (rc == STORE_OK)
		rc = app_upload_purge(c, u.id, &n);
	if (rc != STORE_OK) {
		if (rc == STORE_NOTFOUND)
			app_error(c, 404, "no_user", "There is no such user.");
		else
			app_store_error(c, rc);
		return;
	}
	if (c->json) {
		struct json j;

		app_json_begin(c, &j);
		json_obj_open(&j);
		json_kv_int(&j, "purged", (int64_t)n);
		json_obj_close(&j);
		return;
	}
	app_redirect(c, "/admin");
}
