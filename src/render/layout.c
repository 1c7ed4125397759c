/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * layout.c: the frame of every HTML page (head, header bar, footer with the
 * site pages) and the one stylesheet. Compact like old Reddit, readable on
 * a phone, light or dark by prefers-color-scheme, and no script at all.
 */
#include "render.h"

#include <string.h>

const char layout_css[] =
":root{--bg:#fff;--fg:#1c1c1c;--muted:#6b6b6b;--link:#0645ad;--line:#e3e3e3;"
"--accent:#ff4500;--down:#7193ff;--box:#f6f7f8}\n"
"@media (prefers-color-scheme:dark){:root{--bg:#121212;--fg:#e6e6e6;"
"--muted:#9a9a9a;--link:#8ab4f8;--line:#2c2c2c;--box:#1c1c1c}}\n"
"*{box-sizing:border-box}\n"
"body{margin:0;background:var(--bg);color:var(--fg);"
"font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif}\n"
"a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}\n"
"header.top{display:flex;flex-wrap:wrap;gap:.2rem 1rem;align-items:center;"
"padding:.4rem .8rem;border-bottom:1px solid var(--line);background:var(--box)}\n"
"header.top .site{font-weight:700;font-size:1.1rem;color:var(--fg)}\n"
"header.top .me{margin-left:auto;display:flex;gap:.6rem;align-items:center}\n"
"main{display:flex;flex-wrap:wrap;gap:1rem;max-width:72rem;margin:0 auto;padding:.6rem .8rem}\n"
"main>.content{flex:1 1 36rem;min-width:0}main>aside{flex:0 1 18rem}\n"
"aside .box{border:1px solid var(--line);background:var(--box);padding:.6rem;margin-bottom:.8rem}\n"
"h1{font-size:1.3rem;margin:.2rem 0 .6rem}h2{font-size:1.1rem}\n"
".sorts{margin:.2rem 0 .6rem;color:var(--muted)}.sorts a.on{font-weight:700;color:var(--fg)}\n"
"ol.posts{list-style:none;margin:0;padding:0}\n"
".post{display:flex;gap:.5rem;padding:.35rem 0;border-bottom:1px solid var(--line)}\n"
".vote{display:flex;flex-direction:column;align-items:center;flex:none;width:3rem}\n"
".vote form{margin:0}.vote button{background:none;border:0;cursor:pointer;"
"color:var(--muted);font-size:1rem;padding:0 .3rem;line-height:1}\n"
".vote button.on.up{color:var(--accent)}.vote button.on.down{color:var(--down)}\n"
".vote .score{font-size:.8rem;font-weight:600;white-space:nowrap}\n"
".post .title{font-size:1.02rem}.post .domain,.meta{color:var(--muted);font-size:.82rem}\n"
".meta a{color:var(--muted)}.meta form{display:inline;margin:0}\n"
".meta button{background:none;border:0;padding:0;color:var(--muted);cursor:pointer;font:inherit}\n"
".flag{font-size:.75rem;border:1px solid var(--line);padding:0 .3rem;margin-left:.3rem}\n"
/* richer posts: flair palette, diffs */
".flair{font-size:.75rem;border-radius:.2rem;padding:0 .3rem;background:#eee;color:#222}\n"
".flair-red{background:#c62828;color:#fff}.flair-orange{background:#ef6c00;color:#fff}\n"
".flair-yellow{background:#f9a825;color:#222}.flair-green{background:#2e7d32;color:#fff}\n"
".flair-blue{background:#1565c0;color:#fff}.flair-purple{background:#6a1b9a;color:#fff}\n"
".flair-grey{background:#616161;color:#fff}\n"
"pre.diff{white-space:pre-wrap}ins{background:#d4f7d4}del{background:#f7d4d4}\n"
".body{overflow-wrap:anywhere}.body p{margin:.3rem 0}"
".body blockquote{margin:.3rem 0;padding-left:.7rem;border-left:3px solid var(--line);color:var(--muted)}\n"
".body pre{background:var(--box);padding:.5rem;overflow:auto}\n"
".body table{border-collapse:collapse}.body td,.body th{border:1px solid var(--line);padding:.2rem .4rem}\n"
".al-center{text-align:center}.al-right{text-align:right}\n"
".comments{margin-top:1rem}\n"
"details.c{margin:.4rem 0 .2rem;padding-left:.6rem;border-left:2px solid var(--line)}\n"
"details.c>summary{list-style:none;cursor:pointer;color:var(--muted);font-size:.82rem}\n"
"details.c>summary::-webkit-details-marker{display:none}\n"
"details.c[open]>summary .plus,details.c:not([open])>summary .minus{display:none}\n"
".c .row{display:flex;gap:.4rem}\n"
".more{font-size:.85rem;margin:.3rem 0}\n"
"form.edit textarea,form.edit input[type=text],form.edit input[type=url],"
"form.edit input[type=password],form.edit input[type=email],form.edit select"
"{width:100%;max-width:40rem;font:inherit;padding:.3rem;background:var(--bg);"
"color:var(--fg);border:1px solid var(--line)}\n"
"form.edit textarea{min-height:6rem}form.edit label{display:block;margin:.5rem 0 .2rem}\n"
"form.reply textarea{width:100%;max-width:40rem;min-height:4rem}\n"
".notice{padding:.5rem;border:1px solid var(--accent);margin:.5rem 0}\n"
".error{padding:.5rem;border:1px solid #c00;margin:.5rem 0}\n"
"form.inline,.meta form{display:inline}table.log{border-collapse:collapse;width:100%}"
"table.log td,table.log th{border-bottom:1px solid var(--line);padding:.2rem .4rem;"
"text-align:left;font-size:.85rem}details.blocked>summary{color:var(--muted);cursor:pointer}\n"
"footer{border-top:1px solid var(--line);margin-top:2rem;padding:.8rem;text-align:center;"
"font-size:.85rem;color:var(--muted)}footer a{margin:0 .4rem;color:var(--muted)}\n"
".pager{margin:.8rem 0}\n"
"@media (max-width:40rem){main>aside{flex-basis:100%}}\n";

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
	    "<link rel=\"stylesheet\" href=\"/style.css\"><title>");
	if (l->title != NULL) {
		html_text_c(h, l->title);
		html_raw_literal(h, " · ");
	}
	html_text_c(h, l->site_name);
	html_raw_literal(h, "</title></head><body><header class=\"top\">"
	    "<a class=\"site\" href=\"/\">");
	html_text_c(h, l->site_name);
	html_raw_literal(h, "</a><a href=\"/communities\">communities</a>");
	if (l->community != NULL) {
		html_raw_literal(h, "<a");
		html_attr(h, "href", str_c(arena_printf(h->b->a,
		    "/submit?community=%s", l->community)));
		html_raw_literal(h, ">submit</a>");
	} else {
		html_raw_literal(h, "<a href=\"/submit\">submit</a>");
	}
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
		if (l->unseen > 0) {
			html_raw_literal(h, "<a class=\"msgs\" href=\"/notifications\">"
			    "messages (");
			html_int(h, l->unseen);
			html_raw_literal(h, ")</a>");
		}
		html_raw_literal(h, "<a href=\"/settings\">settings</a>"
		    "<form method=\"post\" action=\"/logout\">"
		    "<input type=\"hidden\" name=\"csrf\"");
		html_attr_c(h, "value", l->csrf ? l->csrf : "");
		html_raw_literal(h, "><button>log out</button></form>");
	} else {
		html_raw_literal(h, "<a href=\"/login\">log in</a>"
		    "<a href=\"/register\">register</a>");
	}
}

/* Closes <main> and writes the footer with every site page. */
void
layout_end(struct html *h, const struct layout *l)
{
	html_raw_literal(h, "</main><footer>");
	for (size_t i = 0; i < l->nfooter; i++) {
		html_raw_literal(h, "<a");
		html_attr_c(h, "href", l->footer[i].href);
		html_raw_literal(h, ">");
		html_text_c(h, l->footer[i].label);
		html_raw_literal(h, "</a>");
	}
	html_raw_literal(h, "<br>powered by Parley</footer></body></html>\n");
}
