// SPDX-License-Identifier: AGPL-3.0-or-later
//
// run.mjs: Lighthouse scores of the front page, a thread and the login
// page (make lighthouse; never in make test). The same demo database and
// server as the browser suite (../browser/lib.mjs), Debian's Chromium
// (CHROME_PATH, default /usr/bin/chromium) started by Lighthouse's own
// chrome-launcher, signed out, desktop settings. Prints one line per page
// and category; exits 1 when accessibility or best practices is below 100
// on any of them (issue 16's figure).

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktop from 'lighthouse/core/config/desktop-config.js';
import { startServer } from '../browser/lib.mjs';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const MUST = ['accessibility', 'best-practices'];

const srv = await startServer({ posts: 30 });
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let low = 0;
try {
  const listing = await (await fetch(`${srv.base}/s/gardening.json`)).json();
  const thread = listing.posts.find((p) => p.comment_count >= 5 && p.comment_count <= 60);
  const pages = { 'front page': '/', thread: `/s/gardening/p/${thread.id}`, login: '/login' };
  for (const [name, path] of Object.entries(pages)) {
    const r = await lighthouse(`${srv.base}${path}`, {
      port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES,
    }, desktop);
    const line = CATEGORIES.map((c) => {
      const score = Math.round(r.lhr.categories[c].score * 100);
      if (MUST.includes(c) && score < 100) low++;
      return `${c} ${score}`;
    });
    console.log(`${name} (${path}): ${line.join(', ')}`);
    for (const c of MUST) {
      for (const ref of r.lhr.categories[c].auditRefs) {
        const a = r.lhr.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 1) console.log(`  ${c}: ${a.id}: ${a.title}`);
      }
    }
  }
} finally {
  await chrome.kill();
  await srv.stop();
}
process.exit(low ? 1 : 0);
