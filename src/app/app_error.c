/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_error.c: the answers that end a request without a page of its
 * own: the one error page (HTML or JSON), a store failure's status, and
 * redirects.
 */
#include "app_int.h"

static const char *
status_text(int status)
{
	switch (status) {
	case 400: return "Bad request";
	case 401: return "Not signed in";
	case 403: return "Not allowed";
	case 404: return "Not found";
	case 405: return "Method not allowed";
	case 409: return "Conflict";
	case 413: return "Too large";
	case 414: return "Address too long";
	case 429: return "Too many requests";
	case 503: return "Unavailable";
	default: return "Error";
	}
}

/*
 * The one error page: JSON {"error", "message"} for JSON requests, an HTML
 * page otherwise. Replaces whatever the handler had written.
 */
void
app_error(struct ctx *c, int status, const char *code, const char *msg)
{
	c->r->status = status;
	c->r->out.len = 0;
	if (c->json) {
		struct json j;

		c->r->content_type = "application/json";
		json_init(&j, &c->r->out);
		json_obj_open(&j);
		json_kv_str_c(&j, "error", code);
		json_kv_str_c(&j, "message", msg);
		json_obj_close(&j);
		buf_putc(&c->r->out, '\n');
		return;
	}
	{
		struct html h;

		page_begin(c, &h, status_text(status));
		html_raw_literal(&h, "<div class=\"content\"><h1>");
		html_text_c(&h, status_text(status));
		html_raw_literal(&h, "</h1><p class=\"error\">");
		html_text_c(&h, msg);
		html_raw_literal(&h, "</p><p><a href=\"/\">Front page</a></p></div>");
		page_end(c, &h);
		c->r->status = status;
	}
}

/* Maps a store failure to the status the client sees. */
void
app_store_error(struct ctx *c, int rc)
{
	switch (rc) {
	case STORE_NOTFOUND:
		app_error(c, 404, "not_found", "There is nothing here.");
		break;
	case STORE_CONFLICT:
		app_error(c, 409, "conflict", "That conflicts with what is there.");
		break;
	case STORE_BUSY:
		http_add_header(c->r, "Retry-After", "1");
		app_error(c, 503, "busy", "The site is busy. Try again in a moment.");
		break;
	case STORE_FULL:
		app_error(c, 503, "storage", "The site cannot save anything right "
		    "now. Try again later.");
		break;
	default:
		app_error(c, 500, "internal", "Something went wrong on our side.");
	}
}

/*
 * Answers a refused form: for a browser, the form's page again with msg
 * (again writes it), under status; for JSON, the error page.
 */
void
app_form_refused(struct ctx *c, int status, const char *code,
    const char *msg, void (*again)(struct ctx *c, const char *msg))
{
	if (c->json) {
		app_error(c, status, code, msg);
		return;
	}
	again(c, msg);
	c->r->status = status;
}

/* Answers 303 See Other to location (a site path, arena or literal). */
void
app_redirect(struct ctx *c, const char *location)
{
	c->r->status = 303;
	c->r->out.len = 0;
	http_add_header(c->r, "Location", location);
}
