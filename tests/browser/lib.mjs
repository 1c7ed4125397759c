// SPDX-License-Identifier: AGPL-3.0-or-later
//
// lib.mjs: what the browser suite and the screenshot maker share. Builds a
// demo database, starts `parley serve` on a free loopback port, launches
// Debian's Chromium (never a downloaded build) and signs the demo users in.
//
// Environment: PARLEY_BIN (default <repo>/build/parley), CHROMIUM (default
// /usr/bin/chromium), PARLEY_BROWSER_VERBOSE (print the server's log).

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const PARLEY_BIN = path.resolve(REPO, process.env.PARLEY_BIN || 'build/parley');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// The demo users: all have this password (app_demo.c).
export const PASSWORD = 'parley-demo';
// alice moderates gardening in the demo; bob moderates cooking only, so on
// gardening he is a plain member; admin is the site administrator.
export const COMMUNITY = 'gardening';
export const ROLES = { anon: null, member: 'bob', mod: 'alice', admin: 'admin' };

export const WIDTHS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitUp(base, proc) {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`parley serve exited with ${proc.exitCode}`);
    try {
      const r = await fetch(`${base}/welcome`);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('parley serve did not answer within 10 s');
}

// Starts a server on a fresh demo database of `posts` posts. Returns
// { base, dir, db, log, stop(), parley(args, input) }: parley runs the
// binary with args (pass --db db yourself) and returns its output.
export async function startServer({ posts = 30 } = {}) {
  if (!fs.existsSync(PARLEY_BIN)) throw new Error(`${PARLEY_BIN} missing: run make first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-browser-'));
  const db = `sqlite:${path.join(dir, 'parley.db')}`;
  const parley = (args, input) => execFileSync(PARLEY_BIN, args,
    { cwd: dir, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  parley(['demo', '--db', db, '--posts', String(posts)]);
  const port = await freePort();
  const log = [];
  const proc = spawn(PARLEY_BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', db,
    '--threads', '2'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const s of [proc.stdout, proc.stderr]) {
    s.on('data', (d) => {
      log.push(d.toString());
      if (process.env.PARLEY_BROWSER_VERBOSE) process.stderr.write(d);
    });
  }
  // Never outlive the suite, even when it dies of an exception.
  const reap = () => { if (proc.exitCode === null) proc.kill('SIGKILL'); };
  process.once('exit', reap);
  const base = `http://127.0.0.1:${port}`;
  await waitUp(base, proc);
  return {
    base, dir, db, log,
    parley,
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await done;
      }
      process.removeListener('exit', reap);
      fs.rmSync(dir, { recursive: true, force: true });
      return proc.exitCode;
    },
  };
}

// Debian's Chromium, headless; the flags keep it off the network (this
// machine refuses outside connections). Playwright gives every launch a
// fresh empty profile of its own (it refuses --user-data-dir in launch).
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Signs `user` in through the login form in a throw-away context and
// returns the storage state (the session cookie) for new contexts.
export async function signIn(browser, base, user) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button')]);
  const state = await ctx.storageState();
  await ctx.close();
  if (!state.cookies.length) throw new Error(`sign-in of ${user} set no cookie`);
  return state;
}
