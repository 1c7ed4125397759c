/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * page_site.c: the site pages of every footer (SITE_PAGES). Their first text is
 * seeded on the first start; admins replace it (parley admin set-page).
 */
#include "app_int.h"

#include <string.h>

/* The table of SITE_PAGES, in footer order. */
#define SITE_PAGE_ROW(id, slug, label, title) [SITE_##id] = { slug, title },
const struct site_page site_pages[SITE_PAGES_N] = { SITE_PAGES(SITE_PAGE_ROW) };

/* Each page's first text (markdown). */
static const char *const first_text[SITE_PAGES_N] = {
	[SITE_WELCOME] =
	  "Welcome to this Parley site: a place for communities to share links "
	  "and talk about them.\n\n"
	  "- Browse the **front page** for what is popular across every "
	  "community, or pick one from the [list of communities](/communities).\n"
	  "- [Register](/register) to post, comment and vote.\n"
	  "- Read the [guide](/guide) for how points, ranking and moderation "
	  "work here.\n",
	[SITE_GUIDE] =
	  "## Posting\n\nA post is either a link or a text. Text posts, comments "
	  "and descriptions use Markdown: `*emphasis*`, `**strong**`, "
	  "`[links](https://example.org)`, `> quotes`, lists, code and tables.\n\n"
	  "## Points\n\nEvery new post or comment starts at 1 point, its "
	  "author's own vote. Others vote it up or down; a user's points are the "
	  "votes others gave their posts and comments.\n\n"
	  "## Ranking\n\n*hot* weighs points against age, *new* is newest first, "
	  "*top* is most points in a period, *active* has the latest comments "
	  "and *controversial* has many votes both ways. Comments are sorted by "
	  "*best* unless you choose otherwise.\n\n"
	  "## Archiving\n\nOld posts are archived: they stay readable, but take "
	  "no new comments or votes.\n\n"
	  "## Inbox, mentions and messages\n\nYour [inbox](/inbox) holds "
	  "replies to your posts and comments, mentions of you, private "
	  "messages and notes from the moderators; the header shows how many "
	  "are unread. Write `u/NAME` or `@NAME` in a post or comment to link "
	  "a user and tell them, once per post or comment (an edit tells only "
	  "names that are new). At most " APP_STR(MENTION_MAX) " people are "
	  "linked and told per post or comment; further names stay plain text. "
	  "Nobody hears from a user they block. [Private messages](/messages) "
	  "are between two members; either can report one to the site admins, "
	  "who can then read that conversation, and either can delete it for "
	  "themselves.\n\n"
	  "## Search\n\n[Search](/search) finds the posts and comments that "
	  "hold every word you type; `\"quoted words\"` match a phrase and "
	  "`word*` any word that begins so. Sort by *relevance* (the default), "
	  "*new* or *top*, and narrow by community, author, kind or period. A "
	  "search looks at the newest posts and the newest comments that hold "
	  "your words, " APP_STR(SEARCH_WINDOW) " of each unless the admins "
	  "chose another number: for a common word, relevance is the best of "
	  "those, top the highest scored of those, and the filters narrow "
	  "them. Add a word to reach older ones.\n",
	[SITE_TOS] =
	  "By using this site you agree to these terms.\n\n"
	  "1. You are responsible for what you post. Post only what you have "
	  "the right to share.\n"
	  "2. No harassment, threats, spam or illegal content. Moderators may "
	  "remove content and ban accounts that break these terms or a "
	  "community's rules.\n"
	  "3. The site is provided as it is, without warranty.\n"
	  "4. The administrators may change these terms; the date of the last "
	  "change is shown on this page.\n",
	[SITE_PRIVACY] =
	  "This site keeps what it needs to work and nothing else.\n\n"
	  "- **Account:** your user name, a hash of your password (never the "
	  "password itself) and, if you gave one, your email address.\n"
	  "- **Content:** your posts, comments and votes. Deleting a post or "
	  "comment removes its text.\n"
	  "- **Cookies:** one session cookie while you are signed in, and one "
	  "to protect forms. No tracking or advertising cookies.\n"
	  "- **Logs:** the server may log requests for a short time to keep the "
	  "site running.\n",
	[SITE_CANARY] =
	  "As of the date of the last edit of this page, the operators of this "
	  "site have not received any secret court order, national security "
	  "letter or gag order, and have not been asked to add a backdoor.\n\n"
	  "If this page is not updated regularly, draw your own conclusions.\n",
	[SITE_DONATE] =
	  "This site is run by volunteers. If you would like to help pay for "
	  "the server, ask the administrators how; this page will list the ways "
	  "once they exist.\n",
	[SITE_BUGS] =
	  "Found something broken? Describe what you did, what you expected and "
	  "what happened instead, and send it to the site's administrators.\n\n"
	  "Security problems should be reported privately to the "
	  "administrators, not in a public post. A flaw in Parley itself goes "
	  "to its developers, as docs/SECURITY.md in Parley's source code "
	  "explains.\n",
	[SITE_LICENSE] =
	  "Parley is free software, licensed under the GNU Affero General Public "
	  "License, version 3 or later. Anyone who uses a Parley site may get "
	  "its source code.\n\n"
	  "Posts and comments belong to their authors.\n",
};

/*
 * Writes each site page that does not exist yet with its first text.
 * Returns 0, or -1 when the store refused.
 */
int
site_pages_seed(struct store *s, struct arena *a)
{
	for (size_t i = 0; i < ARRAY_LEN(site_pages); i++) {
		struct page p;
		struct buf html;
		int rc = store_page_get(s, a, site_pages[i].slug, &p);

		if (rc == STORE_OK)
			continue;
		if (rc != STORE_NOTFOUND)
			return -1;
		buf_init(&html, a, 2048);
		if (md_render(&html, str_c(first_text[i])) != 0 ||
		    store_page_set(s, site_pages[i].slug, site_pages[i].title,
		    first_text[i], html.p, 0, base_now()) != STORE_OK)
			return -1;
	}
	return 0;
}

static void
site_page_json(struct ctx *c, const struct page *p)
{
	struct json j;

	app_json_begin(c, &j);
	json_obj_open(&j);
	json_kv_str_c(&j, "slug", p->slug);
	json_kv_str_c(&j, "title", p->title);
	json_kv_str_c(&j, "body", p->body);
	json_kv_str_c(&j, "html", p->body_html);
	json_kv_time(&j, "updated", p->updated);
	json_obj_close(&j);
}

/*
 * Writes a site page's title, text and last change into h (inside the
 * page's content div); /canary adds its signed statement after it.
 */
void
app_site_page_body(struct ctx *c, struct html *h, const struct page *p)
{
	html_raw_literal(h, "<h1>");
	html_text_c(h, p->title);
	html_raw_literal(h, "</h1><div class=\"body\">");
	html_raw_trusted(h, str_c(p->body_html));
	html_raw_literal(h, "</div><p class=\"meta\">last changed ");
	html_time(h, p->updated, c->now);
	if (p->editor != NULL) {
		html_raw_literal(h, " by ");
		html_text_c(h, p->editor);
	}
	html_raw_literal(h, "</p>");
}

static void
site_page_html(struct ctx *c, const struct page *p)
{
	struct html h;

	page_begin(c, &h, p->title);
	html_raw_literal(&h, "<div class=\"content\">");
	app_site_page_body(c, &h, p);
	html_raw_literal(&h, "</div>");
	page_end(c, &h);
}

/* GET /welcome, /guide, ...: one site page, HTML or JSON. */
void
page_site(struct ctx *c)
{
	struct page p;
	struct str path = c->r->path;
	char slug[16];
	size_t n;
	int rc;

	/* the route table only sends the SITE_PAGES paths here */
	path.p++;
	path.len--;
	n = path.len;
	if (str_has_suffix(path, ".json"))
		n -= 5;
	if (n >= sizeof(slug))
		n = sizeof(slug) - 1;
	memcpy(slug, path.p, n);
	slug[n] = '\0';
	rc = store_page_get(c->s, c->a, slug, &p);
	if (rc != STORE_OK) {
		app_store_error(c, rc);
		return;
	}
	if (c->json)
		site_page_json(c, &p);
	else
		site_page_html(c, &p);
}

/* GET /style.css: the one stylesheet, cacheable for a day. */
void
page_style(struct ctx *c)
{
	c->r->content_type = "text/css; charset=utf-8";
	http_add_header(c->r, "Cache-Control", "public, max-age=86400");
	buf_put(&c->r->out, layout_css, layout_css_len);
}

/* GET /favicon.svg and /favicon.ico: the icon every page links to. */
void
page_favicon(struct ctx *c)
{
	c->r->content_type = "image/svg+xml";
	http_add_header(c->r, "Cache-Control", "public, max-age=86400");
	buf_put(&c->r->out, layout_favicon, layout_favicon_len);
}

/* GET /parley.js: the one script, which votes without a reload. */
void
page_script(struct ctx *c)
{
	c->r->content_type = "text/javascript; charset=utf-8";
	http_add_header(c->r, "Cache-Control", "public, max-age=86400");
	buf_put(&c->r->out, layout_js, layout_js_len);
}
