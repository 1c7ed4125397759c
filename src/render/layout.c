/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * layout.c: the frame of every HTML page (head, header bar, footer with the
 * site pages) and the one stylesheet. Compact like old Reddit, readable on
 * a phone, light or dark by prefers-color-scheme; one small script that
 * only enhances (every page works without it).
 */
#include "render.h"

#include <string.h>
#include <time.h>

const char layout_css[] =
":root{color-scheme:light dark;--bg:#fff;--fg:#1c1c1c;--muted:#6b6b6b;"
"--link:#0645ad;--line:#e3e3e3;--edge:#8f8f8f;--accent:#c83c00;--down:#3d5fd6;"
"--box:#f6f7f8;--focus:#1a73e8;--hl:#fff8d6}\n"
"@media (prefers-color-scheme:dark){:root{--bg:#121212;--fg:#e6e6e6;"
"--muted:#9a9a9a;--link:#8ab4f8;--line:#2c2c2c;--edge:#6f6f6f;--accent:#ff6a33;"
"--down:#7193ff;--box:#1c1c1c;--focus:#8ab4f8;--hl:#2a2614}}\n"
"*{box-sizing:border-box}[hidden]{display:none!important}\n"
"body{margin:0;background:var(--bg);color:var(--fg);"
"font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif}\n"
/* Links in text are underlined, so colour is not the only sign; links
 * that make up a bar or a line of their own are not. */
"a{color:var(--link);text-decoration:underline;text-decoration-thickness:1px;"
"text-underline-offset:.15em}\n"
"header.top a,footer a,.sorts a,.vote a,.meta a,.head a,a.title,.pager a"
"{text-decoration:none}\n"
"a:hover,.meta a:hover,a.title:hover{text-decoration:underline}\n"
":focus-visible{outline:2px solid var(--focus);outline-offset:1px}\n"
"button{font:inherit;font-size:.85rem;padding:.15rem .6rem;color:var(--fg);"
"background:var(--box);border:1px solid var(--edge);border-radius:3px;cursor:pointer}\n"
"input,textarea,select{font:inherit;color:var(--fg);background:var(--bg);"
"border:1px solid var(--edge);border-radius:2px;padding:.25rem .35rem;max-width:100%}\n"
"header.top{display:flex;flex-wrap:wrap;gap:.2rem 1rem;align-items:center;"
"padding:.4rem .8rem;border-bottom:1px solid var(--line);background:var(--box)}\n"
"header.top .site{font-weight:700;font-size:1.1rem;color:var(--fg)}\n"
"header.top .me{margin-left:auto;display:flex;flex-wrap:wrap;gap:.6rem;align-items:center}\n"
"header.top form{display:inline;margin:0}\n"
"header.top form.search{display:flex;gap:.2rem;margin:0}\n"
"main{display:flex;flex-wrap:wrap;gap:1rem;max-width:72rem;margin:0 auto;padding:.6rem .8rem}\n"
"main>.content{flex:1 1 36rem;min-width:0}main>aside{flex:0 1 18rem;min-width:0}\n"
"aside .box{border:1px solid var(--line);background:var(--box);padding:.6rem;margin-bottom:.8rem}\n"
"h1{font-size:1.3rem;margin:.2rem 0 .6rem}h2{font-size:1.1rem}\n"
".sorts{margin:.2rem 0 .6rem;color:var(--muted)}.sorts a.on{font-weight:700;color:var(--fg)}\n"
"ol.posts{list-style:none;margin:0;padding:0}\n"
"ol.found li.comment{padding:.35rem 0 .35rem 3.5rem;"
"border-bottom:1px solid var(--line)}\n"
".post{display:flex;gap:.4rem;padding:.35rem 0;border-bottom:1px solid var(--line)}\n"
".vote{display:flex;flex-direction:column;align-items:center;flex:none;width:2.6rem}\n"
".vote form{margin:0}.vote button,.vote a{background:none;border:0;border-radius:2px;"
"cursor:pointer;color:var(--muted);font-size:.95rem;padding:0 .25rem;line-height:1.05}\n"
".vote button.on.up{color:var(--accent)}.vote button.on.down{color:var(--down)}\n"
".vote .score{font-size:.75rem;font-weight:600;white-space:nowrap}\n"
".post .title{font-size:1.02rem}.post .domain,.meta,.head{color:var(--muted);font-size:.8rem}\n"
".meta a{color:var(--muted)}.meta form{display:inline;margin:0}\n"
".meta button{background:none;border:0;padding:0;color:var(--muted);font:inherit}\n"
".tools{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center;margin:.4rem 0}\n"
".tools a,.meta.tools button{font-size:.78rem;line-height:1.6;padding:0 .5rem;"
"border:1px solid var(--line);border-radius:3px;background:var(--box);color:var(--muted)}\n"
".flag{font-size:.75rem;border:1px solid var(--line);padding:0 .3rem;margin-left:.3rem}\n"
/* richer posts: flair palette, diffs */
".flair{font-size:.75rem;border-radius:.2rem;padding:0 .3rem;background:#eee;color:#222}\n"
".flair-red{background:#c62828;color:#fff}.flair-orange{background:#ef6c00;color:#fff}\n"
".flair-yellow{background:#f9a825;color:#222}.flair-green{background:#2e7d32;color:#fff}\n"
".flair-blue{background:#1565c0;color:#fff}.flair-purple{background:#6a1b9a;color:#fff}\n"
".flair-grey{background:#616161;color:#fff}\n"
"pre.diff{white-space:pre-wrap}ins{background:#d4f7d4;color:#111}"
"del{background:#f7d4d4;color:#111}\n"
/* image uploads: thumbnails, smaller in listings */
".thumb{flex:none}.thumb img{display:block;max-width:140px;max-height:140px;"
"border-radius:3px}.post .thumb img{max-width:70px;max-height:70px;object-fit:cover}\n"
"ul.images{list-style:none;padding:0}ul.images li{display:flex;gap:.5rem;"
"align-items:center;margin:.3rem 0}\n"
".body{overflow-wrap:anywhere;max-width:48rem}.body p{margin:.3rem 0}"
".body blockquote{margin:.3rem 0;padding-left:.7rem;border-left:3px solid var(--line);color:var(--muted)}\n"
".body pre{background:var(--box);padding:.5rem;overflow:auto}\n"
".body table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}"
".body td,.body th{border:1px solid var(--line);padding:.2rem .4rem}\n"
".body img{max-width:100%}\n"
".al-center{text-align:center}.al-right{text-align:right}\n"
/* Read by screen readers, not drawn: a page's heading where the page
 * shows its name another way (the front page's tabs). */
".vh{position:absolute;width:1px;height:1px;overflow:hidden;"
"clip-path:inset(50%);white-space:nowrap}\n"
/* A comment: the arrows in a narrow column at the left, the [-] toggle
 * (the <summary>, laid over the start of the header line, which lives
 * outside the <details> so it shows when collapsed), then text and links. */
".comments{margin-top:1rem}\n"
".c{position:relative;margin:.5rem 0 0;padding-left:1.6rem}\n"
".c .c{padding-left:1.5rem;border-left:1px solid var(--line)}\n"
".c>.head{margin:0;padding-left:2.1rem;line-height:1.5rem;overflow-wrap:anywhere}\n"
".c>.head a{font-weight:600}.c>.head .score{color:var(--fg)}\n"
".c>details>summary{position:absolute;top:0;font-size:.8rem;line-height:1.5rem;"
"min-width:1.5rem;text-align:center;"
"list-style:none;cursor:pointer;color:var(--muted);white-space:nowrap}\n"
".c>details>summary::-webkit-details-marker{display:none}\n"
".c>details[open]>summary .plus,.c>details:not([open])>summary .minus{display:none}\n"
".c>details{scroll-margin-top:1.5rem}.c>details:target>.row{background:var(--hl)}\n"
".c .vote{position:absolute;left:0;top:0;width:1.5rem}\n"
".c .vote button,.c .vote a{display:block;width:1.5rem;font-size:.85rem;"
"line-height:1.5rem;padding:0;text-align:center}\n"
".c .body p{margin:.1rem 0 .2rem}\n"
".c .meta{margin-bottom:.1rem}.c .meta form{margin:0}\n"
".more{font-size:.85rem;margin:.3rem 0}\n"
"form.edit textarea,form.edit input[type=text],form.edit input[type=url],"
"form.edit input[type=password],form.edit input[type=email],form.edit select"
"{width:100%;max-width:40rem}\n"
"form.edit textarea{min-height:6rem}form.edit label{display:block;margin:.5rem 0 .2rem}\n"
"form.reply{margin:.4rem 0}form.reply textarea{width:100%;max-width:40rem;"
"min-height:4rem;vertical-align:top}\n"
/* what parley.js is sending shows it */
"[aria-busy]{opacity:.6}\n"
".notice{padding:.5rem;border:1px solid var(--accent);margin:.5rem 0}\n"
".error{padding:.5rem;border:1px solid #c00;margin:.5rem 0}\n"
/* tables of records wrap their cells rather than scroll: a phone shows
 * them whole, and no scrolled box needs a keyboard stop of its own */
"form.inline{display:inline}:is(table.log,table.sessions,table.tokens)"
"{border-collapse:collapse;width:100%}"
":is(table.log,table.sessions,table.tokens) :is(td,th){border-bottom:1px solid var(--line);"
"padding:.2rem .4rem;text-align:left;font-size:.85rem;overflow-wrap:anywhere}details.blocked>summary{color:var(--muted);cursor:pointer}\n"
".scroll{overflow-x:auto}\n"
"footer{border-top:1px solid var(--line);margin-top:2rem;padding:.8rem;text-align:center;"
"font-size:.85rem;color:var(--muted)}footer a{margin:0 .4rem;color:var(--muted)}\n"
"footer nav{display:flex;flex-wrap:wrap;justify-content:center;row-gap:.2rem}"
"footer p{margin:.5rem 0 0}\n"
".pager{margin:.8rem 0}\n"
"@media (max-width:40rem){main>aside{flex-basis:100%}}\n";

/*
 * The favicon: a speech bubble on the accent colour, small enough to
 * serve from memory (GET /favicon.svg, and /favicon.ico for the clients
 * that ask for that name without reading the page).
 */
const char layout_favicon[] =
"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">"
"<rect width=\"32\" height=\"32\" rx=\"7\" fill=\"#c83c00\"/>"
"<path d=\"M8 7h16a3 3 0 0 1 3 3v9a3 3 0 0 1-3 3h-9l-6 5v-5H8a3 3 0 0 1-3-3v-9"
"a3 3 0 0 1 3-3z\" fill=\"#fff\"/></svg>\n";

const size_t layout_favicon_len = sizeof(layout_favicon) - 1;

const size_t layout_css_len = sizeof(layout_css) - 1;

/*
 * Writes the document head and the header bar, and opens <main>. Returns
 * the offset in h's buffer where the visitor's part of the header is (or
 * goes, when l->me_later: then the caller fills it with layout_me).
 */
size_t
layout_begin(struct html *h, const struct layout *l)
{
	size_t me;

	html_raw_literal(h, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	    "<meta name=\"color-scheme\" content=\"light dark\">"
	    "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">"
	    "<link rel=\"stylesheet\" href=\"/style.css\">"
	    "<script src=\"/parley.js\" defer></script>");
	if (l->feed != NULL) {
		html_raw_literal(h, "<link rel=\"alternate\" "
		    "type=\"application/atom+xml\" title=\"Atom feed\"");
		html_attr_c(h, "href", l->feed);
		html_raw_literal(h, ">");
	}
	html_raw_literal(h, "<title>");
	if (l->title != NULL) {
		html_text_c(h, l->title);
		html_raw_literal(h, " · ");
	}
	html_text_c(h, l->site_name);
	html_raw_literal(h, "</title></head><body><header class=\"top\">"
	    "<a class=\"site\" href=\"/\">");
	html_text_c(h, l->site_name);
	html_raw_literal(h, "</a><a href=\"/\">home</a><a href=\"/all\">all</a>"
	    "<a href=\"/communities\">communities</a>");
	if (l->community != NULL) {
		html_raw_literal(h, "<a");
		html_attr(h, "href", str_c(arena_printf(h->b->a,
		    "/submit?community=%s", l->community)));
		html_raw_literal(h, ">submit</a>");
	} else {
		html_raw_literal(h, "<a href=\"/submit\">submit</a>");
	}
	/* search: the same box on every page, so no hole in templates */
	html_raw_literal(h, "<form class=\"search\" method=\"get\" "
	    "action=\"/search\" role=\"search\"><input type=\"search\" "
	    "name=\"q\" placeholder=\"search\" aria-label=\"search\" "
	    "maxlength=\"256\"><button>search</button></form>");
	html_raw_literal(h, "<span class=\"me\">");
	me = h->b->len;
	if (!l->me_later)
		layout_me(h, l);
	html_raw_literal(h, "</span></header><main>");
	return me;
}

/* The visitor's part of the header bar: who is signed in, or the way in. */
void
layout_me(struct html *h, const struct layout *l)
{
	if (l->user != NULL) {
		html_raw_literal(h, "<a");
		html_attr(h, "href", str_c(arena_printf(h->b->a, "/u/%s",
		    l->user)));
		html_raw_literal(h, ">");
		html_text_c(h, l->user);
		html_raw_literal(h, "</a> (");
		html_int(h, l->user_points);
		html_raw_literal(h, ")");
		/* the inbox, with its unread count beside it */
		html_raw_literal(h, "<a class=\"msgs\" href=\"/inbox\">inbox");
		if (l->unseen > 0) {
			html_raw_literal(h, " (");
			html_int(h, l->unseen);
			html_raw_literal(h, ")");
		}
		html_raw_literal(h, "</a>");
		html_raw_literal(h, "<a href=\"/saved\">saved</a>"
		    "<a href=\"/settings\">settings</a>"
		    "<form method=\"post\" action=\"/logout\">"
		    "<input type=\"hidden\" name=\"csrf\"");
		html_attr_c(h, "value", l->csrf ? l->csrf : "");
		html_raw_literal(h, "><button>log out</button></form>");
	} else {
		html_raw_literal(h, "<a href=\"/login\">log in</a>"
		    "<a href=\"/register\">register</a>");
	}
}

/* Closes <main> and writes the footer: every site page, then "© YEAR SITE". */
void
layout_end(struct html *h, const struct layout *l)
{
	time_t now = (time_t)base_now();
	struct tm tm;

	html_raw_literal(h, "</main><footer><nav aria-label=\"site pages\">");
	for (size_t i = 0; i < l->nfooter; i++) {
		html_raw_literal(h, "<a");
		html_attr_c(h, "href", l->footer[i].href);
		html_raw_literal(h, ">");
		html_text_c(h, l->footer[i].label);
		html_raw_literal(h, "</a>");
	}
	html_raw_literal(h, "</nav><p>© ");
	gmtime_r(&now, &tm);
	html_int(h, tm.tm_year + 1900);
	html_raw_literal(h, " ");
	html_text_c(h, l->site_name);
	html_raw_literal(h, " · powered by Parley</p></footer></body></html>\n");
}
