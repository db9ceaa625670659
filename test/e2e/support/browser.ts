/**
 * Browser-test scaffolding: Debian's Chromium through playwright-core, the built apps served by a small HTTP
 * server that plays the authority (each test passes its own API handler), and screenshots in test-results/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI)
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
if (!haveChromium)
  console.warn(`skipping browser tests: ${CHROMIUM} not found (apt-get install -y chromium)`);

const root = new URL('../../../', import.meta.url).pathname;
const dist = join(root, 'apps/dist');
const shots = join(root, 'test-results');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** Builds one app as production (the service worker included). */
export function buildApp(app: 'wallet' | 'scanner' | 'desk'): void {
  execFileSync(process.execPath, [join(root, 'apps/build.js'), app], { stdio: 'inherit' });
}

/** Reads a request body as text. */
export async function bodyOf(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

export function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
}

/**
 * Serves apps/dist on localhost (a secure context, so service workers register); `api` answers first and returns
 * true when it handled the request.
 */
export async function serveApps(
  api: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>,
): Promise<{ server: Server; base: string }> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (await api(req, res, url)) return;
    const path = normalize(url.pathname.endsWith('/') ? `${url.pathname}index.html` : url.pathname);
    const file = join(dist, path);
    if (!file.startsWith(dist) || !existsSync(file))
      return json(res, 404, { code: 'ERR_NOT_FOUND', message: path });
    res
      .writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://localhost:${(server.address() as AddressInfo).port}` };
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(shots, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Waits until the service worker controls the page, so that going offline keeps every asset. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
    if (Date.now() > deadline) throw new Error('the service worker never took control');
    await page.waitForTimeout(100);
  }
}

/** A screenshot after the web font's Unicode-range subsets for the text on screen have loaded. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(async () => {
    const text = document.body.innerText;
    await Promise.all(['400', '700'].map((w) => document.fonts.load(`${w} 1em "Noto Sans KR"`, text)));
    await document.fonts.ready;
  });
  await page.screenshot({ path: join(shots, name), fullPage: true });
}
