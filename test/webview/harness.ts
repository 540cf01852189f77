// Serves the real graph page (extension/graph/html.ts, same CSP, as meta tag and header) and the built
// bundle from 127.0.0.1, and opens it in Debian's headless Chromium with a fake `acquireVsCodeApi` that
// records what the page posts and stores its state. Shared by the tests and `npm run bench:webview`.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { contentSecurityPolicy, graphPageHtml, newNonce } from '../../extension/graph/html';
import type { FromWebview, ToWebview } from '../../webview/protocol';

const ROOT = path.resolve(__dirname, '../..');
const ASSETS: Record<string, string> = {
  '/graph.js': 'text/javascript',
  '/graph.js.map': 'application/json',
  '/graph.css': 'text/css',
};

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/') {
      const nonce = newNonce();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': contentSecurityPolicy(origin, nonce) });
      res.end(graphPageHtml({ cspSource: origin, scriptUri: `${origin}/graph.js`, styleUri: `${origin}/graph.css`, nonce }));
      return;
    }
    const type = ASSETS[url.pathname];
    if (!type) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(path.join(ROOT, 'dist/webview', url.pathname.slice(1)));
      res.writeHead(200, { 'content-type': type }).end(body);
    } catch {
      res.writeHead(404).end(`${url.pathname} is not built: run npm run build`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  /** This browser's own profile folder (fresh for every launch). */
  userDataDir: string;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'codelets-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1200, height: 800 },
  });
  return {
    context,
    userDataDir,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface OpenOptions {
  /** What getState() returns at load (a reload restores from it). */
  state?: unknown;
  /** Sent to the page as soon as it posts `ready`, like the extension does. */
  onReady?: ToWebview[];
  /** CSS custom properties set on <html> before the page loads, as VS Code does for the theme. */
  themeVars?: Record<string, string>;
  bodyClass?: string;
}

/** Runs in the page before its scripts: stands in for VS Code's webview host. */
const FAKE_VSCODE_API = `function ({ state, onReady, themeVars, bodyClass }) {
  const posted = [];
  const postedAt = [];
  const violations = [];
  window.__posted = posted;
  window.__postedAt = postedAt;
  window.__violations = violations;
  window.__state = state;
  document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
  // VS Code puts the theme variables on <html> before the page's scripts run; <html> may not exist yet here.
  const applyTheme = () => { for (const [k, v] of Object.entries(themeVars || {})) document.documentElement.style.setProperty(k, v); };
  if (document.documentElement) applyTheme();
  else new MutationObserver((_, o) => { if (document.documentElement) { o.disconnect(); applyTheme(); } }).observe(document, { childList: true });
  if (bodyClass) document.addEventListener('DOMContentLoaded', () => document.body.classList.add(bodyClass));
  let acquired = false;
  window.acquireVsCodeApi = function () {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage(message) {
        posted.push(JSON.parse(JSON.stringify(message)));
        postedAt.push(performance.now());
        if (message && message.type === 'ready') for (const m of onReady || []) window.postMessage(m, '*');
      },
      getState() { return window.__state; },
      setState(s) { window.__state = JSON.parse(JSON.stringify(s)); },
    };
  };
}`;

export interface GraphPage {
  page: Page;
  dialogs: string[];
  consoleErrors: string[];
  posted(): Promise<FromWebview[]>;
  state(): Promise<unknown>;
  violations(): Promise<string[]>;
  send(message: ToWebview): Promise<void>;
  /** Waits for a `rendered` message of `revision`, returns it. */
  rendered(revision: number): Promise<Extract<FromWebview, { type: 'rendered' }>>;
  attr(name: string): Promise<string | null>;
}

export async function openGraphPage(browser: Browser, server: PageServer, options: OpenOptions = {}): Promise<GraphPage> {
  const page = await browser.context.newPage();
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  // A string, not a function: tsx would wrap a function's inner helpers in its own `__name` calls, which
  // do not exist in the page.
  await page.addInitScript(`(${FAKE_VSCODE_API})(${JSON.stringify({ state: options.state, onReady: options.onReady, themeVars: options.themeVars, bodyClass: options.bodyClass })})`);
  await page.goto(`${server.origin}/`);
  const gp: GraphPage = {
    page,
    dialogs,
    consoleErrors,
    posted: () => page.evaluate(() => (window as unknown as { __posted: FromWebview[] }).__posted),
    state: () => page.evaluate(() => (window as unknown as { __state: unknown }).__state),
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    rendered: async (revision) => {
      await page.waitForFunction(
        (r) => (window as unknown as { __posted: { type: string; revision?: number }[] }).__posted.some((m) => m.type === 'rendered' && m.revision === r),
        revision,
      );
      const all = await gp.posted();
      return all.find((m) => m.type === 'rendered' && m.revision === revision) as Extract<FromWebview, { type: 'rendered' }>;
    },
    attr: (name) => page.locator('.app').getAttribute(name),
  };
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return gp;
}
