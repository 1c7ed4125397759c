// SPDX-License-Identifier: AGPL-3.0-or-later
//
// suite.test.mjs: every page kind of Parley in Debian's headless Chromium
// (make browser; part of make test). One server on a demo database, one
// browser. Each page is loaded at phone (390 px) and desktop (1280 px)
// widths, signed out, as a member (bob) and as a moderator (alice), with
// JavaScript on and off, and must show:
//   - no serious or critical axe-core violation (JavaScript on: axe runs in
//     the page; with JavaScript off the markup is the same server HTML);
//   - nothing wider than the viewport (scrollWidth <= innerWidth);
//   - no console error, no failed request, no answer >= 400 but the one a
//     404 page is meant to give, no Content-Security-Policy violation;
//   - a favicon that the page links to and the server answers.
// Then the forms: each form page walked with Tab alone (every control is
// reached, focus is visible) and sent with the keyboard; voting, replying,
// collapsing, reporting and moderator actions with JavaScript on (votes go
// through /parley.js without a reload) and off (every action a form post).
//
// Every problem of a test is gathered before it fails, so one run lists
// them all.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, launch, signIn, COMMUNITY, ROLES, WIDTHS } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The page checks are independent (each its own browser context, nothing
// written), so several run at once in the one Chromium; the actions change
// shared data and run one after another.
const PAGE_CONCURRENCY = Number(process.env.PARLEY_BROWSER_JOBS || 3);

let srv;
let browser;
const state = {};      // role -> storage state (session cookie)
const fx = {};         // paths found in the demo data

// ---- set-up ---------------------------------------------------------------

async function json(path) {
  const r = await fetch(`${srv.base}${path}`, { headers: { Accept: 'application/json' } });
  assert.equal(r.status, 200, `GET ${path}`);
  return r.json();
}

before(async () => {
  srv = await startServer({ posts: 30 });
  browser = await launch();
  await Promise.all(Object.entries(ROLES).filter(([, user]) => user)
    .map(async ([role, user]) => { state[role] = await signIn(browser, srv.base, user); }));
  // Open threads of the moderated community: a middling one (a screenful
  // or two of comments, so axe stays quick) for the page checks, the
  // longest for the actions that change things, another one to lock.
  const listing = await json(`/s/${COMMUNITY}.json`);
  const open = listing.posts.filter((p) => !p.locked && !p.archived && !p.removed
    && p.comment_count >= 5).sort((a, b) => b.comment_count - a.comment_count);
  assert.ok(open.length >= 3, 'the demo has three open threads with comments');
  const href = (p) => `/s/${COMMUNITY}/p/${p.id}`;
  const middling = open.find((p) => p.comment_count <= 60) ?? open[open.length - 1];
  fx.thread = href(middling);
  fx.postId = middling.id;
  const t = await json(fx.thread);
  const deep = t.comments.find((c) => c.parent !== null && !c.removed && !c.deleted);
  assert.ok(deep, 'the thread has a reply');
  fx.comment = `${fx.thread}/c/${deep.id}`;
  fx.commentId = deep.id;
  const others = open.filter((p) => p !== middling);
  fx.actThread = href(others[0]);
  fx.actPostId = others[0].id;
  fx.lockThread = href(others[1]);
  fx.lockPostId = others[1].id;
  const ta = await json(fx.actThread);
  fx.actComments = ta.comments.filter((c) => !c.removed && !c.deleted && c.author !== 'bob'
    && c.author !== 'alice').map((c) => c.id);
  assert.ok(fx.actComments.length >= 6, 'the action thread has comments by others');
  await makeFixtures();
});

// Signs role in a request context and returns post(path, form, status),
// which sends a form with the session's csrf token, wants the answer's
// status (303 unless said) and returns its Location.
async function poster(role) {
  const ctx = await browser.newContext({ storageState: state[role] });
  const page = await (await ctx.request.get(`${srv.base}/settings`)).text();
  const csrf = /name="csrf" value="([0-9a-f]+)"/.exec(page)[1];
  const post = async (path, form, status = 303) => {
    const r = await ctx.request.post(`${srv.base}${path}`, { form: { csrf, ...form }, maxRedirects: 0 });
    assert.equal(r.status(), status, `POST ${path}: ${(await r.text()).slice(-300)}`);
    return r.headers().location;
  };
  return { post, close: () => ctx.close() };
}

// What the demo lacks for this round's pages: a conversation (in bob's
// inbox too), a saved and a hidden post, an edited post with its history,
// a poll and a flair.
async function makeFixtures() {
  const bob = await poster('member');
  const alice = await poster('mod');
  const admin = await poster('admin');
  try {
    const conv = await alice.post('/messages', { to: 'bob', subject: 'Seed swap',
      body: 'Shall we swap **seeds** in spring? See u/bob.' });
    fx.conversation = new URL(conv, srv.base).pathname;
    await bob.post(fx.conversation, { body: 'Gladly: I have beans.' });
    await bob.post('/save', { kind: 'post', id: String(fx.postId) });
    const cooking = (await json('/s/cooking.json')).posts;
    fx.hiddenId = cooking[cooking.length - 1].id;
    await bob.post('/hide', { id: String(fx.hiddenId) });
    const edited = new URL(await bob.post('/submit', { community: COMMUNITY,
      title: 'Raised beds, first try', body: 'Two beds of **pine**.' }), srv.base).pathname;
    const m = /^\/s\/[^/]+\/p\/(\d+)/.exec(edited);
    fx.editedPost = m[0];
    await bob.post(`${m[0]}/edit`, { title: 'Raised beds, first try',
      body: 'Two beds of **larch**: pine rots.' });
    await alice.post(`/s/${COMMUNITY}/mod/flair`, { add: 'Harvest', colour: 'green' });
    fx.poll = new URL(await bob.post('/submit', { community: COMMUNITY,
      title: 'Which bean next year?', poll: 'Borlotti\nRunner\nFrench', body: '' }), srv.base).pathname;
    await admin.post('/admin/invites', { uses: '2' }, 200);
    // Two posts held by the filter list, for the moderator to approve.
    await admin.post('/admin/filters', { filters: 'zzheldforreview' });
    fx.held = [];
    for (const n of [1, 2]) {
      const held = await bob.post('/submit', { community: COMMUNITY,
        title: `Held post ${n} zzheldforreview`, body: 'Waits for a moderator.' });
      fx.held.push(Number(/\/p\/(\d+)/.exec(held)[1]));
    }
  } finally {
    await Promise.all([bob.close(), alice.close(), admin.close()]);
  }
}

after(async () => {
  await browser?.close();
  const rc = await srv?.stop();
  assert.equal(rc, 0, 'parley serve exits 0 on SIGTERM');
});

// ---- what every page must show ----------------------------------------------

// Listens to one page for the whole of a context's visit. Returns the list
// the listeners fill, emptied by the caller after each page.
function watch(page) {
  const seen = [];
  page.on('console', (m) => {
    if (m.type() === 'error') seen.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.push(`script error: ${e.message}`));
  // ERR_ABORTED is a request cut short by the next navigation (the icon,
  // when the suite moves on at once); a refused or blocked one says so.
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText;
    if (why !== 'net::ERR_ABORTED') seen.push(`request failed: ${r.url()} ${why}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) seen.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return seen;
}

// axe-core is sent to the page once per context where the checks run
// (an init script, evaluated in each new document before the page's own
// scripts) and only evaluated here where it is missing.
async function axe(page) {
  if (!await page.evaluate(() => typeof window.axe?.run === 'function')) await page.evaluate(AXE);
  const res = await page.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations'],
  }));
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. `
      + `${v.nodes[0].html.slice(0, 160)})`);
}

// Loads one page and returns its problems as strings.
async function check(page, seen, p, { js }) {
  const problems = [];
  const resp = await page.goto(`${srv.base}${p.path}`);
  const want = p.status ?? 200;
  if (resp.status() !== want) problems.push(`status ${resp.status()}, wanted ${want}`);
  await page.waitForLoadState('load');
  // The one error answer a 404 page is meant to give is no problem.
  const expected = `HTTP ${want}: ${srv.base}${p.path}`;
  problems.push(...seen.filter((s) => !(want >= 400 && (s === expected
    || s.startsWith('console error: Failed to load resource: the server responded with a status of 404')))));
  seen.length = 0;
  // The elements that stick out are looked for only when the page is too
  // wide: a box of every element costs time on a long thread.
  const m = await page.evaluate(() => {
    const sw = document.documentElement.scrollWidth;
    const iw = window.innerWidth;
    return {
      sw, iw,
      icon: document.querySelector('link[rel~=icon]')?.getAttribute('href') ?? null,
      wide: sw <= iw ? [] : [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > iw + 0.5)
        .slice(0, 3).map((e) => e.outerHTML.slice(0, 120)),
    };
  });
  if (m.sw > m.iw) problems.push(`${m.sw} px wide in a ${m.iw} px viewport: ${m.wide.join(' | ')}`);
  if (!m.icon) problems.push('no <link rel=icon>');
  else if (!fx.iconOk) {
    const r = await page.request.get(new URL(m.icon, srv.base).href);
    if (r.status() !== 200 || !/^image\//.test(r.headers()['content-type'] || '')) {
      problems.push(`favicon ${m.icon}: ${r.status()} ${r.headers()['content-type']}`);
    } else fx.iconOk = true;
  }
  if (js && !p.long) problems.push(...await axe(page));
  return problems.map((s) => `${p.path}: ${s}`);
}

// Every page kind there is today, with who may see it. The other GET
// routes are not HTML pages and are left out: /style.css, /favicon.svg,
// /favicon.ico, /parley.js, /settings/export and /.well-known/parley
// (JSON), /canary.txt, and the Atom feeds /feed.atom, /s/NAME/feed.atom
// and /u/NAME/feed.atom.
function pages(role) {
  const all = [
    { path: '/' },
    { path: '/?sort=new' },
    { path: '/communities' },
    { path: `/s/${COMMUNITY}` },
    { path: fx.thread },
    { path: fx.comment },
    { path: `${fx.comment}?context=2` },
    { path: '/u/carol' },
    { path: '/search?q=garlic' },
    { path: '/all' },
    { path: '/modlog' },
    { path: `/s/${COMMUNITY}/modlog` },
    { path: '/welcome' },
    { path: '/license' },
    { path: '/no/such/page', status: 404 },
    { path: '/s/nosuchcommunity', status: 404 },
  ];
  // A member's own pages, the same for a moderator: checked as bob only.
  const own = [
    { path: '/inbox' },
    { path: '/messages' },
    { path: fx.conversation },
    { path: '/saved' },
    { path: '/hidden' },
    { path: `${fx.editedPost}/history` },
    { path: `/s/${COMMUNITY}/history` },
    { path: `${fx.editedPost}/delete` },
    { path: '/settings/tokens' },
    { path: '/settings/2fa' },
    { path: '/settings/sessions' },
  ];
  const member = [
    { path: fx.poll },
    { path: `/submit?community=${COMMUNITY}` },
    { path: '/create' },
    { path: '/settings' },
    { path: '/notifications' },
    { path: '/upload' },
    { path: `/report?kind=post&id=${fx.postId}` },
  ];
  const mod = [
    { path: `/s/${COMMUNITY}/mod/queue` },
    { path: `/s/${COMMUNITY}/mod/edit` },
    { path: `/s/${COMMUNITY}/mod/flair` },
  ];
  if (role === 'anon') {
    // The long thread, ten levels deep, for its width; axe would take
    // seconds over its 300 comments and finds the same as on fx.thread.
    return [...all, { path: fx.actThread, long: true }, { path: '/login' }, { path: '/register' },
      ...['guide', 'tos', 'privacy', 'canary', 'donate', 'bugs'].map((s) => ({ path: `/${s}` }))];
  }
  if (role === 'member') return [...all, ...member, ...own];
  if (role === 'mod') return [...all, ...member, ...mod];
  return [{ path: '/admin' }, { path: '/admin/invites' }, { path: '/admin/messages' },
    { path: '/' }, { path: fx.thread }, { path: '/settings' }];
}

async function visitAll(role, width, js) {
  const ctx = await browser.newContext({
    viewport: WIDTHS[width], javaScriptEnabled: js, storageState: state[role],
  });
  if (js) await ctx.addInitScript(AXE);
  const page = await ctx.newPage();
  const seen = watch(page);
  const problems = [];
  try {
    for (const p of pages(role)) problems.push(...await check(page, seen, p, { js }));
  } finally {
    await ctx.close();
  }
  assert.deepEqual(problems, [], `${role}, ${width}, JavaScript ${js ? 'on' : 'off'}`);
}

describe('every page', { concurrency: PAGE_CONCURRENCY }, () => {
  for (const role of ['anon', 'member', 'mod', 'admin']) {
    for (const width of Object.keys(WIDTHS)) {
      for (const js of [true, false]) {
        if (role === 'admin' && !js) continue;
        test(`${role} at ${width} width, JavaScript ${js ? 'on' : 'off'}`,
          () => visitAll(role, width, js));
      }
    }
  }
});

// ---- the keyboard -------------------------------------------------------------

// Presses Tab from the top of the page until focus leaves the page or
// comes round again. Returns the controls of forms in <main> that were
// never reached and the focused elements that showed no outline.
async function tabWalk(page) {
  const total = await page.evaluate(() => {
    const shown = (e) => e.checkVisibility() && !e.disabled;
    const all = [...document.querySelectorAll('a[href], button, input, textarea, select, summary')]
      .filter((e) => e.type !== 'hidden' && shown(e));
    // Tab reaches a group of radio buttons once (arrows move within it).
    let n = 0;
    for (const e of document.querySelectorAll('main form :is(button, input, textarea, select)')) {
      if (e.type === 'radio') e.dataset.kb = `radio ${e.name}`;
      else if (e.type !== 'hidden' && shown(e)) e.dataset.kb = String(n++);
    }
    window.__kb = { got: new Set(), dull: [] };
    return all.length;
  });
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < total + 2; i++) {
    await page.keyboard.press('Tab');
    const done = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return true;
      const s = getComputedStyle(e);
      if (!(s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1)
          && s.boxShadow === 'none') {
        window.__kb.dull.push(e.outerHTML.slice(0, 80));
      }
      if (e.dataset.kb !== undefined) window.__kb.got.add(e.dataset.kb);
      return false;
    });
    if (done) break;
  }
  return page.evaluate(() => ({
    missed: [...document.querySelectorAll('[data-kb]')]
      .filter((e) => !window.__kb.got.has(e.dataset.kb)).map((e) => e.outerHTML.slice(0, 80)),
    dull: window.__kb.dull,
  }));
}

// Tabs until the focused element matches sel; fails after max presses.
async function tabTo(page, sel, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), sel)) return;
  }
  throw new Error(`${sel} not reached with Tab`);
}

describe('the keyboard', { concurrency: true }, () => {
  const forms = {
    anon: ['/login', '/register'],
    member: [`/submit?community=${COMMUNITY}`, '/create', '/settings',
      () => `/report?kind=post&id=${fx.postId}`, () => fx.comment, '/messages',
      () => fx.conversation, '/search?q=garlic', () => fx.poll, '/settings/tokens',
      '/settings/2fa', '/settings/sessions'],
    mod: [`/s/${COMMUNITY}/mod/edit`, `/s/${COMMUNITY}/mod/flair`, () => fx.thread],
    admin: ['/admin', '/admin/invites'],
  };
  test('reaches every control of every form, with focus in sight', async () => {
    const problems = [];
    for (const [role, paths] of Object.entries(forms)) {
      const ctx = await browser.newContext({ viewport: WIDTHS.desktop, storageState: state[role] });
      const page = await ctx.newPage();
      for (let p of paths) {
        p = typeof p === 'function' ? p() : p;
        await page.goto(`${srv.base}${p}`);
        const { missed, dull } = await tabWalk(page);
        for (const m of missed) problems.push(`${role} ${p}: never focused: ${m}`);
        for (const d of dull.slice(0, 3)) problems.push(`${role} ${p}: focus not visible: ${d}`);
      }
      await ctx.close();
    }
    assert.deepEqual(problems, []);
  });

  test('opens a reply box and replies with the keyboard alone, JavaScript on', async () => {
    const ctx = await browser.newContext({ viewport: WIDTHS.phone, storageState: state.member });
    const page = await ctx.newPage();
    try {
      const id = fx.actComments[6];
      const text = `Replied by keyboard ${Date.now()}`;
      await page.goto(`${srv.base}${fx.actThread}`);
      await page.locator(`#c${id} > .meta a`).first().focus();
      await tabTo(page, `#c${id} > .meta a[href$="#reply"]`, 10);
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.name), 'body');
      await page.keyboard.type(text);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.locator(`#c${id} > .c`, { hasText: text }).waitFor();
      assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SUMMARY',
        'the focus is on the new reply');
    } finally {
      await ctx.close();
    }
  });

  for (const js of [true, false]) {
    test(`signs in and posts with the keyboard alone, JavaScript ${js ? 'on' : 'off'}`, async () => {
      const ctx = await browser.newContext({ viewport: WIDTHS.phone, javaScriptEnabled: js });
      const page = await ctx.newPage();
      try {
        await page.goto(`${srv.base}/login`);
        await tabTo(page, 'input[name=username]');
        await page.keyboard.type('bob');
        await page.keyboard.press('Tab');
        await page.keyboard.type('parley-demo');
        await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
        assert.equal(await page.locator('header .me a[href="/u/bob"]').count(), 1, 'signed in');
        const title = `Typed without a mouse ${js ? 'on' : 'off'} ${Date.now()}`;
        await page.goto(`${srv.base}/submit?community=${COMMUNITY}`);
        await tabTo(page, 'input[name=title]');
        await page.keyboard.type(title);
        await tabTo(page, 'textarea[name=body]');
        await page.keyboard.type('Sent with Tab and Enter.');
        await tabTo(page, 'main form button');
        await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
        assert.match(page.url(), new RegExp(`/s/${COMMUNITY}/p/\\d+`));
        assert.equal(await page.locator('a.title').first().textContent(), title);
      } finally {
        await ctx.close();
      }
    });
  }
});

// ---- actions ---------------------------------------------------------------------

async function as(role, js, fn) {
  const ctx = await browser.newContext({
    viewport: WIDTHS.desktop, javaScriptEnabled: js, storageState: state[role],
  });
  const page = await ctx.newPage();
  const seen = watch(page);
  try {
    await fn(page);
    assert.deepEqual(seen, [], 'no console error or failed request');
  } finally {
    await ctx.close();
  }
}

async function commentScore(id) {
  const t = await json(fx.actThread);
  return t.comments.find((c) => c.id === id).score;
}

// The viewer's vote as the arrows show it: 1, 0 or -1.
async function myVote(where) {
  if (await where.locator('.vote button.up.on').count()) return 1;
  return (await where.locator('.vote button.down.on').count()) ? -1 : 0;
}

const scoreText = (n) => `${n} ${Math.abs(n) <= 1 ? 'pt' : 'pts'}`;

describe('actions', () => {
  for (const js of [true, false]) {
    const mode = `JavaScript ${js ? 'on' : 'off'}`;
    const k = js ? 0 : 1; // each mode acts on comments of its own

    test(`a member votes on a comment, ${mode}`, () => as('member', js, async (page) => {
      const id = fx.actComments[k];
      await page.goto(`${srv.base}${fx.actThread}`);
      const up = page.locator(`#c${id} > .row .vote button.up`);
      const mine = await myVote(page.locator(`#c${id} > .row`));
      const was = mine > 0;
      const before = await commentScore(id);
      const after = before + (was ? 0 : 1) - mine;
      if (js) {
        // parley.js sends the form itself: the page stays.
        await page.evaluate(() => { window.stayed = true; });
        await up.click();
        await page.locator(`#c${id} > .row .vote:not([aria-busy])`).waitFor();
        await page.waitForFunction(([cid, text]) => document.querySelector(`#c${cid}`)
          .parentNode.querySelector(':scope > .head .score').textContent === text,
        [id, scoreText(after)]);
        assert.equal(await page.evaluate(() => window.stayed), true, 'no reload');
      } else {
        await Promise.all([page.waitForNavigation(), up.click()]);
      }
      assert.equal(await commentScore(id), after);
      assert.equal(await page.locator(`#c${id} > .row .vote button.up.on`).count(), was ? 0 : 1);
      assert.equal(await page.locator(`.c:has(> #c${id}) > .head .score`).textContent(),
        scoreText(after));
      if (js) {
        // A second press turns the arrow the other way, and a reload
        // agrees; then the plain form, as without the script, once more.
        const v1 = was ? 0 : 1;
        const v2 = v1 === 1 ? 0 : 1;
        await up.click();
        await page.waitForFunction(([cid, on]) => document.querySelector(
          `#c${cid} > .row .vote button.up`).classList.contains('on') === on, [id, v2 === 1]);
        await page.locator(`#c${id} > .row .vote:not([aria-busy])`).waitFor();
        assert.equal(await commentScore(id), before + v2 - mine);
        await page.reload();
        assert.equal(await page.locator(`#c${id} > .row .vote button.up.on`).count(), v2);
        await Promise.all([page.waitForNavigation(), page.locator(`#c${id}`).evaluate(
          (d) => d.querySelector('.vote form').submit())]);
        assert.equal(await commentScore(id), before + (v2 === 1 ? 0 : 1) - mine,
          'the plain form still works');
      }
    }));

    test(`a member votes on a post in a listing, ${mode}`, () => as('member', js, async (page) => {
      await page.goto(`${srv.base}/s/${COMMUNITY}?sort=new`);
      const row = page.locator('ol.posts > li.post').nth(k);
      const id = Number((await row.getAttribute('id')).slice(1));
      const down = row.locator('.vote button.down');
      const mine = await myVote(row);
      const was = mine < 0;
      const score = async () => (await json(`/s/${COMMUNITY}/p/${id}`)).post.score;
      const before = await score();
      const after = before + (was ? 0 : -1) - mine;
      if (js) {
        await down.click();
        await page.waitForFunction(([pid, text]) => document.querySelector(`#p${pid} .vote .score`)
          .textContent === text, [id, scoreText(after)]);
      } else {
        await Promise.all([page.waitForNavigation(), down.click()]);
      }
      assert.equal(await score(), after);
      assert.equal(await page.locator(`#p${id} .vote button.down.on`).count(), was ? 0 : 1);
      assert.equal(await page.locator(`#p${id} .vote .score`).textContent(), scoreText(after));
    }));

    test(`a member replies to a comment, ${mode}`, () => as('member', js, async (page) => {
      const id = fx.actComments[k];
      const text = `A reply typed in Chromium, ${mode}, ${Date.now()}`;
      await page.goto(`${srv.base}${fx.actThread}`);
      await page.evaluate(() => { window.stayed = true; });
      const link = page.locator(`#c${id} > .meta a[href$="#reply"]`);
      if (js) {
        // The box opens under the comment, and the reply appears there.
        await link.click();
        const form = page.locator(`#c${id} > form.reply`);
        assert.equal(await form.locator('textarea').evaluate((t) => t === document.activeElement),
          true, 'the box has the focus');
        await page.keyboard.type(text);
        await form.locator('button:not(.cancel)').click();
        await page.locator(`#c${id} > .c`, { hasText: text }).waitFor();
        assert.equal(await page.evaluate(() => window.stayed), true, 'no reload');
        assert.equal(await form.count(), 0, 'the box is gone');
      } else {
        await Promise.all([page.waitForNavigation(), link.click()]);
        assert.equal(new URL(page.url()).pathname, `${fx.actThread}/c/${id}`);
        await page.fill('form#reply textarea[name=body]', text);
        await Promise.all([page.waitForNavigation(), page.click('form#reply button')]);
      }
      const mine = page.locator(`#c${id} > .c`, { hasText: text });
      assert.equal(await mine.count(), 1);
      assert.equal(await mine.locator('> .head a').first().textContent(), 'bob');
      const t = await json(fx.actThread);
      assert.equal(t.comments.filter((c) => c.body === text && c.parent === id).length, 1);
    }));

    test(`a visitor collapses and expands a comment, ${mode}`, () => as('anon', js, async (page) => {
      await page.goto(`${srv.base}${fx.thread}`);
      const c = page.locator('.comments .c').first();
      const details = c.locator('> details');
      const body = c.locator('> details > .row .body');
      assert.equal(await body.isVisible(), true);
      await c.locator('> details > summary').click();
      assert.equal(await details.getAttribute('open'), null, 'closed by a click');
      assert.equal(await body.isVisible(), false, 'the text is hidden');
      assert.equal(await c.locator('> .head').isVisible(), true, 'the header stays');
      // With the script the page remembers it (localStorage); without,
      // the server's page comes back open. The script keeps it on the
      // toggle event, which comes a task later: wait for it, not a time.
      const did = await details.getAttribute('id');
      const kept = (want) => page.waitForFunction(([i, w]) => (JSON.parse(
        localStorage.getItem('parley-collapsed')) || []).includes(i) === w, [did, want]);
      if (js) await kept(true);
      await page.reload();
      assert.equal(await details.getAttribute('open'), js ? null : '', 'after a reload');
      if (!js) await c.locator('> details > summary').click();
      await c.locator('> details > summary').focus();
      await page.keyboard.press('Enter');
      assert.notEqual(await details.getAttribute('open'), null, 'opened by Enter');
      assert.equal(await body.isVisible(), true);
      if (js) await kept(false);
      await page.reload();
      assert.notEqual(await details.getAttribute('open'), null, 'still open after a reload');
    }));

    test(`a visitor loads more comments, ${mode}`, () => as('anon', js, async (page) => {
      await page.goto(`${srv.base}${fx.actThread}`);
      await page.evaluate(() => { window.stayed = true; });
      const link = page.locator('.comments .more a.load').first();
      const href = await link.getAttribute('href');
      const cid = Number(/\/c\/(\d+)$/.exec(href)[1]);
      const want = (await json(fx.actThread)).comments.filter((c) => c.parent === cid)
        .map((c) => c.id);
      assert.ok(want.length > 0, 'the cut-off comment has replies');
      assert.equal(await page.locator(`#c${want[0]}`).count(), 0, 'not on the page yet');
      if (js) {
        await link.click();
        await page.locator(`#c${cid} > .c > #c${want[0]}`).waitFor();
        assert.equal(await page.evaluate(() => window.stayed), true, 'no reload');
        assert.equal(await page.locator(`#c${cid} > .more`).count(), 0, 'the link is gone');
      } else {
        await Promise.all([page.waitForNavigation(), link.click()]);
        assert.equal(new URL(page.url()).pathname, href);
      }
      for (const w of want) assert.equal(await page.locator(`#c${cid} > .c > #c${w}`).count(), 1);
    }));

    test(`a member reports, the moderator sees it, ${mode}`, async () => {
      const id = fx.actComments[2 + k];
      const reason = `Off topic, says Chromium (${mode}) ${Date.now()}`;
      await as('member', js, async (page) => {
        await page.goto(`${srv.base}${fx.actThread}/c/${id}`);
        await Promise.all([page.waitForNavigation(),
          page.click(`#c${id} .meta a[href^="/report"]`)]);
        await page.fill('#reason', reason);
        await Promise.all([page.waitForNavigation(), page.click('main form button')]);
        assert.equal(new URL(page.url()).pathname.startsWith('/report'), false, 'sent');
      });
      await as('mod', js, async (page) => {
        await page.goto(`${srv.base}/s/${COMMUNITY}/mod/queue`);
        assert.equal(await page.getByText(reason).count(), 1, 'the reason is in the queue');
        if (js) assert.deepEqual(await axe(page), [], 'the queue with reports passes axe');
      });
    });

    test(`a moderator removes a comment and locks a post, ${mode}`, () => as('mod', js, async (page) => {
      const id = fx.actComments[4 + k];
      await page.goto(`${srv.base}${fx.actThread}`);
      await page.evaluate(() => { window.stayed = true; });
      const [action, undo, flag] = js ? ['lock', 'unlock', 'locked'] : ['sticky', 'unsticky', 'stickied'];
      if (js) {
        // In place: the comment and the post's tools change, the page stays.
        await page.click(`#c${id} .meta button[value=remove]`);
        await page.locator(`#c${id} .meta button[value=restore]`).waitFor();
        assert.equal(await page.evaluate(() => document.activeElement.value), 'restore');
        await page.goto(`${srv.base}${fx.lockThread}`);
        await page.evaluate(() => { window.stayed = true; });
        await page.click(`.tools button[value=${action}]`);
        await page.locator(`.tools button[value=${undo}]`).waitFor();
        assert.equal(await page.evaluate(() => window.stayed), true, 'no reload');
        assert.equal(await page.evaluate(() => document.activeElement.value), undo,
          'the focus is on the button that undoes it');
      } else {
        await Promise.all([page.waitForNavigation(),
          page.click(`#c${id} .meta button[value=remove]`)]);
        await page.goto(`${srv.base}${fx.lockThread}`);
        await Promise.all([page.waitForNavigation(),
          page.click(`.tools button[value=${action}]`)]);
      }
      assert.equal((await json(fx.lockThread)).post[flag], true, `the post is ${flag}`);
      await page.goto(`${srv.base}${fx.actThread}`);
      assert.match(await page.locator(`#c${id} .notice`).textContent(), /removed by the moderators/);
      assert.equal(await page.locator(`#c${id} .meta button[value=restore]`).count(), 1);
      await page.goto(`${srv.base}${fx.lockThread}`);
      assert.equal(await page.locator(`.tools button[value=${undo}]`).count(), 1);
      assert.equal(await page.locator('.post .flag', { hasText: flag }).count(), 1);
      // The row of tools is one compact line, not a stack of wide buttons.
      const boxes = await page.locator('.tools :is(a, button)').evaluateAll((els) => els.map((e) => {
        const r = e.getBoundingClientRect();
        return { top: Math.round(r.top), width: r.width };
      }));
      assert.ok(boxes.length >= 4);
      assert.equal(new Set(boxes.map((b) => b.top)).size, 1, 'one row');
      assert.ok(boxes.every((b) => b.width < 120), 'small buttons');
    }));

    test(`a moderator approves a held post in the queue, ${mode}`, () => as('mod', js, async (page) => {
      const id = fx.held[k];
      const listed = async () => (await json(`/s/${COMMUNITY}.json?sort=new`)).posts
        .some((p) => p.id === id);
      assert.equal(await listed(), false, 'held, it is not listed');
      await page.goto(`${srv.base}/s/${COMMUNITY}/mod/queue`);
      await page.evaluate(() => { window.stayed = true; });
      const form = page.locator(`form:has(input[name=action][value=approve]):has(input[name=id][value="${id}"])`);
      assert.equal(await form.count(), 1);
      if (js) {
        await form.locator('button').click();
        await form.waitFor({ state: 'detached' });
        assert.equal(await page.evaluate(() => window.stayed), true, 'no reload');
      } else {
        await Promise.all([page.waitForNavigation(), form.locator('button').click()]);
        assert.equal(await form.count(), 0);
      }
      assert.equal(await listed(), true, 'approved, it is listed');
    }));

    test(`an author deletes a comment only after saying yes, ${mode}`, async () => {
      const body = `Soon gone, ${mode}, ${Date.now()}`;
      const bob = await poster('member');
      const loc = await bob.post(`${fx.actThread}/comment`, { body });
      await bob.close();
      const id = Number(/#c(\d+)$/.exec(loc)[1]);
      const gone = async () => (await json(fx.actThread)).comments.find((c) => c.id === id).deleted;
      await as('member', js, async (page) => {
        await page.goto(`${srv.base}${fx.actThread}`);
        await page.evaluate(() => { window.stayed = true; });
        const del = page.locator(`#c${id} > .meta a[data-confirm]`);
        if (js) {
          page.once('dialog', (d) => d.dismiss());
          await del.click();
          assert.equal(await gone(), false, 'no is no');
          let asked = null;
          page.once('dialog', (d) => { asked = d.message(); d.accept(); });
          await del.click();
          await page.locator(`#c${id} > .row .body`, { hasText: '[deleted]' }).waitFor();
          assert.equal(asked, 'Delete this comment?');
          assert.equal(await page.evaluate(() => window.stayed), true, 'in place');
        } else {
          await Promise.all([page.waitForNavigation(), del.click()]);
          assert.equal(await page.locator('h1').textContent(), 'Delete this comment?');
          assert.equal(await page.locator('main blockquote').textContent(), body);
          assert.equal(await gone(), false, 'asking deletes nothing');
          await Promise.all([page.waitForNavigation(), page.click('main form button')]);
          assert.equal(await page.locator(`#c${id} > .row .body`).textContent(), '[deleted]');
        }
        assert.equal(await gone(), true);
      });
    });

    test(`a moderator bans only after saying yes, ${mode}`, () => as('mod', js, async (page) => {
      const user = js ? 'erin' : 'frank';
      const bans = async () => (await json(`/s/${COMMUNITY}/modlog`)).actions
        .filter((a) => a.action === 'ban' && a.user === user).length;
      await page.goto(`${srv.base}/s/${COMMUNITY}/mod/edit`);
      await page.fill('#bu', user);
      if (js) {
        assert.equal(await page.locator('label.sure').isVisible(), false, 'the browser asks');
        page.once('dialog', (d) => d.dismiss());
        await page.click('button[value=ban]');
        assert.equal(await bans(), 0, 'no is no');
        page.once('dialog', (d) => d.accept());
        await page.click('button[value=ban]');
        await page.waitForFunction(() => document.querySelector('#bu').value === '');
      } else {
        await page.click('button[value=ban]');
        assert.equal(await page.locator('label.sure input:invalid').count(), 1, 'the box is wanted');
        assert.equal(await bans(), 0, 'nothing sent');
        await page.check('label.sure input');
        await Promise.all([page.waitForNavigation(), page.click('button[value=ban]')]);
      }
      assert.equal(await bans(), 1);
    }));
  }
});
