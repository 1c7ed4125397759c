// SPDX-License-Identifier: AGPL-3.0-or-later
//
// screenshots.mjs: the pictures in docs/screenshots/ (make screenshots).
// The front page signed out and a thread as its moderator, at phone
// (390 px) and desktop (1280 px) widths, light and dark. Only the first
// screenful, at a device scale of 1, so the files stay small.
//
// Usage: node screenshots.mjs [OUTDIR]   (default <repo>/docs/screenshots)

import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, signIn, REPO, COMMUNITY, WIDTHS } from './lib.mjs';

const out = path.resolve(process.argv[2] || path.join(REPO, 'docs', 'screenshots'));
fs.mkdirSync(out, { recursive: true });

const srv = await startServer({ posts: 30 });
const browser = await launch();
try {
  const mod = await signIn(browser, srv.base, 'alice');
  const listing = await (await fetch(`${srv.base}/s/${COMMUNITY}.json`)).json();
  // A thread with a screenful of comments, but not the longest.
  const post = listing.posts.filter((p) => !p.locked && p.comment_count >= 8)
    .sort((a, b) => a.comment_count - b.comment_count)[0];
  const shots = [
    { name: 'front', path: '/', state: undefined },
    { name: 'thread', path: `/s/${COMMUNITY}/p/${post.id}`, state: mod },
  ];
  for (const scheme of ['light', 'dark']) {
    for (const [width, viewport] of Object.entries(WIDTHS)) {
      const ctx = await browser.newContext({
        viewport, colorScheme: scheme, deviceScaleFactor: 1,
      });
      for (const s of shots) {
        const page = await ctx.newPage();
        if (s.state) await ctx.addCookies(s.state.cookies);
        else await ctx.clearCookies();
        await page.goto(`${srv.base}${s.path}`);
        const file = path.join(out, `${s.name}-${width}-${scheme}.png`);
        await page.screenshot({ path: file });
        console.log(`screenshots: ${path.relative(REPO, file)}`);
        await page.close();
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
  await srv.stop();
}
