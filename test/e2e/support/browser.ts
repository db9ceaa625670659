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
const appsDist = join(root, 'apps/dist');
/** Where screenshots go (kept as test artifacts). */
export const shots = join(root, 'test-results');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** Builds one app as production (the service worker included), into apps/dist or `outDir`. */
export function buildApp(app: 'wallet' | 'scanner' | 'desk', outDir?: string): void {
  execFileSync(process.execPath, [join(root, 'apps/build.js'), app], {
    stdio: 'inherit',
    env: outDir ? { ...process.env, APPS_OUT_DIR: outDir } : process.env,
  });
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
 * Serves apps/dist (or `dist`) on localhost (a secure context, so service workers register); `api` answers first
 * and returns true when it handled the request.
 */
export async function serveApps(
  api: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>,
  options: { dist?: string } = {},
): Promise<{ server: Server; base: string }> {
  const dist = options.dist ?? appsDist;
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

/**
 * Debian's Chromium, headless. `fakeCamera`: a Y4M file that Chromium plays as the camera (read when a page
 * opens the camera, so rewriting it between camera sessions shows a new picture); camera permission is granted.
 */
export function launchChromium(options: { fakeCamera?: string } = {}): Promise<Browser> {
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
      ...(options.fakeCamera
        ? [
            '--use-fake-device-for-media-stream',
            '--use-fake-ui-for-media-stream',
            `--use-file-for-fake-video-capture=${options.fakeCamera}`,
          ]
        : []),
    ],
  });
}

/**
 * A one-frame Y4M video (4:2:0) of an image as a camera would see it: the picture centred on a white 640×480
 * frame, scaled (smoothly, as a lens would) to `size` pixels. The image is decoded and scaled by the browser
 * itself (a canvas), so no image library is needed here.
 */
export async function imageToY4m(browser: Browser, png: Uint8Array, size = 440): Promise<Uint8Array> {
  const width = 640;
  const height = 480;
  const page = await browser.newPage();
  try {
    const luma = await page.evaluate(
      async ({ dataUrl, width, height, size }) => {
        const image = new Image();
        image.src = dataUrl;
        await image.decode();
        const canvas = new OffscreenCanvas(width, height);
        const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
        context.fillStyle = '#fff';
        context.fillRect(0, 0, width, height);
        context.drawImage(image, (width - size) / 2, (height - size) / 2, size, size);
        const { data } = context.getImageData(0, 0, width, height);
        const y: number[] = new Array(width * height);
        for (let i = 0; i < width * height; i++)
          y[i] = Math.round(0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!);
        return y;
      },
      { dataUrl: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, width, height, size },
    );
    const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\nFRAME\n`);
    const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128); // grey: no colour
    return Buffer.concat([header, Buffer.from(luma), chroma]);
  } finally {
    await page.close();
  }
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

/**
 * Screenshots of a Korean screen as `<name>-ko.png` and, after the English button, `<name>-en.png`; then back to
 * Korean, where the test goes on.
 */
export async function shotInBothLanguages(page: Page, name: string): Promise<void> {
  await shot(page, `${name}-ko.png`);
  await page.getByRole('button', { name: 'English' }).click();
  await shot(page, `${name}-en.png`);
  await page.getByRole('button', { name: '한국어' }).click();
}
