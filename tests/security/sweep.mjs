// SPDX-License-Identifier: AGPL-3.0-or-later
//
// sweep.mjs: loads pages that show hostile input in headless Chromium and
// reports any sign that a payload ran. Called by tests/security/scan.py
// with a job file: { base, pages: [{path, who}], cookies: {who: {name:
// value}}, where: {id: field} }. Prints one JSON object on stdout:
// { loads, browser, csp, findings: [text] }.
//
// Each page is loaded in a context with the Content-Security-Policy
// bypassed, so that only Parley's escaping stands between a payload and
// the page. A payload that runs calls window.__xss(id) (exposed to Node
// here, so it also counts from frames), opens a dialog, or sets
// document.title to "XSS..."; besides, the DOM may hold no element or
// attribute that could run script (script but Parley's own /parley.js,
// iframe, object, embed, base, frames, SVG or MathML, on... attributes,
// javascript:/data: URLs).
// Every response must carry the security headers. Finally, with the CSP
// in force, a script and an event handler slipped into a real page by a
// test route must be blocked and reported as violations.

import fs from 'node:fs';
import { chromium } from 'playwright-core';

const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const base = new URL(job.base);
const findings = [];
let loads = 0;
let current = '';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

async function newContext(who, bypassCSP) {
  const ctx = await browser.newContext({ bypassCSP });
  const jar = job.cookies[who] || {};
  const cookies = Object.entries(jar).map(([name, value]) => ({
    name, value, domain: base.hostname, path: '/',
  }));
  if (cookies.length) await ctx.addCookies(cookies);
  await ctx.exposeFunction('__xss', (id) => {
    findings.push(`script ran: payload ${id} (${job.where[String(id)] || id}) on ${current}`);
  });
  await ctx.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return ctx;
}

function domScan() {
  const bad = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    // Parley's own script, empty, from its own path, in the head, is the
    // one script element a page may hold.
    const ours = tag === 'script' && el.getAttribute('src') === '/parley.js'
      && el.textContent === '' && el.parentElement === document.head
      && el.attributes.length === 2 && el.hasAttribute('defer');
    if (!ours && ['script', 'iframe', 'frame', 'object', 'embed', 'base', 'applet'].includes(tag)) {
      bad.push(`<${tag}> element`);
    }
    if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml') bad.push(`foreign element <${tag}>`);
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on')) bad.push(`${name} attribute on <${tag}>`);
      if (name === 'srcdoc') bad.push(`srcdoc on <${tag}>`);
      if (urlAttrs.includes(name)) {
        const v = a.value.toLowerCase().replace(/[\u0000-\u0020]/g, '');
        if (/^(javascript|data|vbscript):/.test(v)) bad.push(`${name}="${a.value}" on <${tag}>`);
      }
    }
  }
  return bad;
}

function checkHeaders(resp, where) {
  const h = resp.headers();
  const csp = h['content-security-policy'] || '';
  if (!csp) { findings.push(`no Content-Security-Policy on ${where}`); return; }
  const dirs = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/))
    .filter((d) => d[0]).map((d) => [d[0], d.slice(1)]));
  const scriptSrc = dirs['script-src'] || dirs['default-src'] || [];
  if (scriptSrc.includes("'unsafe-inline'") || scriptSrc.includes("'unsafe-eval'") ||
      scriptSrc.includes('*') || scriptSrc.length === 0) {
    findings.push(`weak script-src in CSP on ${where}: ${csp}`);
  }
  if (!(dirs['frame-ancestors'] || []).includes("'none'")) {
    findings.push(`no frame-ancestors 'none' on ${where}`);
  }
  if (h['x-content-type-options'] !== 'nosniff') findings.push(`no nosniff on ${where}`);
  if (!h['referrer-policy']) findings.push(`no Referrer-Policy on ${where}`);
}

// Pass 0: the detector itself. Every payload, unescaped, on a page of our
// own: most must be caught running, and the DOM scan must flag them.
let selftest = 0;
{
  const ctx = await newContext('anon', true);
  const url = new URL('/__sweep_selftest', base).href;
  await ctx.route(url, (route) => route.fulfill({
    status: 200, contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><title>t</title></head><body>${job.selftest}</body></html>`,
  }));
  const page = await ctx.newPage();
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs++; await d.dismiss().catch(() => {}); });
  current = 'selftest';
  const before = findings.length;
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  const ran = findings.splice(before).length;
  const flagged = (await page.evaluate(domScan)).length;
  const title = await page.title();
  selftest = ran;
  if (ran < 4 || dialogs < 1 || flagged < 5 || !/^XSS/.test(title)) {
    findings.push(`the detector is blind: on a page with the payloads unescaped it saw ${ran} ` +
      `calls, ${dialogs} dialogs, ${flagged} dangerous nodes, title "${title}"`);
  }
  await ctx.close();
}

// Pass 1: every page, CSP bypassed.
const contexts = {};
for (const { path, who } of job.pages) {
  if (!contexts[who]) contexts[who] = await newContext(who, true);
  const page = await contexts[who].newPage();
  current = `${path} (as ${who})`;
  page.on('dialog', async (d) => {
    findings.push(`dialog "${d.message()}" on ${current}`);
    await d.dismiss().catch(() => {});
  });
  try {
    const resp = await page.goto(new URL(path, base).href, { waitUntil: 'load', timeout: 20000 });
    loads++;
    if (resp.status() >= 500) findings.push(`status ${resp.status()} on ${current}`);
    checkHeaders(resp, current);
    // Let autofocus, toggles and timers fire.
    await page.waitForTimeout(150);
    const title = await page.title();
    if (/^XSS/.test(title)) findings.push(`document.title set to "${title}" on ${current}`);
    for (const b of await page.evaluate(domScan)) findings.push(`${b} on ${current}`);
  } catch (e) {
    findings.push(`could not load ${current}: ${e.message.split('\n')[0]}`);
  }
  await page.close();
}
for (const ctx of Object.values(contexts)) await ctx.close();

// Pass 2: the CSP alone stops inline script slipped into a real page.
let cspNote = '';
{
  const ctx = await newContext('anon', false);
  await ctx.route(new URL('/', base).href, async (route) => {
    const resp = await route.fetch();
    const body = (await resp.text()).replace('</body>',
      '<script>__xss("csp-inline")</script>' +
      '<img src="/style.css" onload="__xss(\'csp-handler\')" onerror="__xss(\'csp-handler\')">' +
      '</body>');
    await route.fulfill({ response: resp, body });
  });
  const page = await ctx.newPage();
  current = '/ with script slipped in (CSP in force)';
  const resp = await page.goto(new URL('/', base).href, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  const violations = await page.evaluate(() => window.__violations);
  const csp = resp.headers()['content-security-policy'];
  if (violations.length < 2) {
    findings.push(`the CSP did not report blocking the slipped-in script and handler: ${JSON.stringify(violations)}`);
  }
  cspNote = `"${csp}" blocked the script and handler slipped into / (${violations.length} violations reported, 0 ran)`;
  await ctx.close();
}

const version = browser.version();
await browser.close();
process.stdout.write(JSON.stringify({ loads, browser: version, csp: cspNote, selftest, findings }) + '\n');
