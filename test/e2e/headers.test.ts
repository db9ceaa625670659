/**
 * Security headers on every answer, and a Content Security Policy that the apps pass: the wallet, scanner and desk,
 * served by the real app (PGlite), run in Debian's Chromium through their main paths (log in, the service worker,
 * the QR drawn and read by WebAssembly, the camera, a blob: PDF) while every `securitypolicyviolation` event and
 * every CSP console message is collected. None may appear. Screenshots, Korean and English, go to test-results/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleOtpSender } from '../../packages/server/src/holders/otp.ts';
import { type Callers, callersApp } from '../../packages/server/test/callers.ts';
import { type TestDb, testDb } from '../../packages/server/test/databases.ts';
import {
  buildApp,
  haveChromium,
  imageToY4m,
  launchChromium,
  shot,
  shotInBothLanguages,
  shots,
  waitForServiceWorker,
} from './support/browser.ts';
import { persistentPage } from './support/storage.ts';

const HOLDER_PHONE = '+82-10-2000-0001';
const HOLDER_EXTERNAL_ID = 'KR-0000001';

/** A camera frame of plain white (Y4M, 4:2:0), until a test puts a picture in front of it. */
function blankY4m(): Buffer {
  const [width, height] = [640, 480];
  return Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\nFRAME\n`),
    Buffer.alloc(width * height, 255),
    Buffer.alloc((width / 2) * (height / 2) * 2, 128),
  ]);
}

/** Every CSP violation in a browser context (its pages, and the pages they open). */
async function watchViolations(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.exposeFunction('__reportCspViolation', (text: string) => violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCspViolation: (text: string) => void })
        .__reportCspViolation;
      report(
        `${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  const listen = (page: Page) =>
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
  context.on('page', listen);
  return violations;
}

describe.skipIf(!haveChromium)('security headers, and the apps under their CSP in Chromium', () => {
  const work = mkdtempSync(join(tmpdir(), 'greenlight-headers-'));
  const appsDir = join(work, 'apps');
  const camera = join(work, 'camera.y4m');
  const sender = new ConsoleOtpSender(() => undefined);
  let t: TestDb;
  let callers: Callers;
  let app: FastifyInstance;
  let base = '';
  let browser: Browser;

  beforeAll(async () => {
    for (const name of ['wallet', 'scanner', 'desk'] as const) buildApp(name, appsDir);
    t = await testDb('pglite');
    callers = await callersApp(t.db, { now: () => new Date(), otpSender: sender, appsDir });
    app = callers.app;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    base = `http://localhost:${address.port}`;
    writeFileSync(camera, blankY4m());
    browser = await launchChromium({ fakeCamera: camera });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.release();
    rmSync(work, { recursive: true, force: true });
  });

  it.each([
    '/',
    '/wallet/',
    '/scanner/',
    '/desk/',
    '/wallet/sw.js',
    '/v1/venues',
    '/openapi.json',
    '/no-such-page',
    '/docs/',
  ])('sends the security headers with %s', async (path) => {
    const res = await fetch(`${base}${path}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    if (path !== '/docs/') {
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(res.headers.get('permissions-policy')).toContain('camera=(self)');
    }
    // Only the apps' pages take generated code (the codec's schema validators); the API's answers do not.
    const appPage = path === '/' || /^\/(wallet|scanner|desk)\//.test(path);
    expect(csp.includes("'unsafe-eval'")).toBe(appPage);
  });

  it('runs the wallet and the scanner, QR and camera included, with no CSP violation', async () => {
    const walletContext = await browser.newContext({
      locale: 'ko-KR',
      viewport: { width: 390, height: 844 },
    });
    const walletViolations = await watchViolations(walletContext);
    const wallet = await walletContext.newPage();
    await wallet.goto(`${base}/wallet/`);
    await shotInBothLanguages(wallet, 'headers-wallet-login');
    await wallet.getByLabel('휴대전화 번호 또는 이메일').fill(HOLDER_PHONE);
    await wallet.getByRole('button', { name: '인증번호 받기' }).click();
    await expect.poll(() => sender.codes.size, { timeout: 10_000 }).toBe(1);
    await wallet.getByLabel('인증번호 6자리').fill([...sender.codes.values()][0] as string);
    await wallet.getByRole('button', { name: '로그인' }).click();
    await expect
      .poll(() => wallet.getByRole('status').first().textContent(), { timeout: 15_000 })
      .toContain('증명서를 저장했습니다');
    await waitForServiceWorker(wallet);
    await wallet.getByRole('button', { name: '입장용 QR 보기' }).first().click();
    await expect.poll(() => wallet.locator('.qr svg').count()).toBe(1);
    await shotInBothLanguages(wallet, 'headers-wallet-pass');

    const scannerContext = await browser.newContext({
      locale: 'ko-KR',
      viewport: { width: 800, height: 1100 },
    });
    const scannerViolations = await watchViolations(scannerContext);
    // A venue tablet's installed scanner has persistent storage; without it the scanner refuses to start.
    const scanner = await persistentPage(scannerContext, base);
    await scanner.goto(`${base}/scanner/`);
    await scanner.getByLabel('매장 기기 인증키').fill(callers.device.slice('Bearer '.length));
    await scanner.getByRole('button', { name: '설정 완료' }).click();
    await expect
      .poll(() => scanner.getByRole('status').first().textContent(), { timeout: 15_000 })
      .toContain('검증 정보 갱신');
    await waitForServiceWorker(scanner);
    // The QR is redrawn every 15-second slot: a screenshot that meets a redraw is taken again.
    let picture: Buffer | undefined;
    for (let attempt = 0; !picture; attempt++) {
      picture = await wallet
        .locator('.qr svg')
        .screenshot({ path: join(shots, 'headers-camera-picture.png') })
        .catch((error: unknown) => {
          if (attempt >= 3) throw error;
          return undefined;
        });
    }
    writeFileSync(camera, await imageToY4m(browser, picture));
    await scanner.getByRole('button', { name: '카메라로 스캔' }).click();
    // The camera's picture read by the WebAssembly reader: a verdict, whichever it is, means both worked.
    await expect
      .poll(() => scanner.locator('section.verdict').getAttribute('data-verdict'), { timeout: 20_000 })
      .toMatch(/^(pass|fail|check)/);
    await shotInBothLanguages(scanner, 'headers-scanner-verdict');
    await scanner.getByRole('button', { name: '카메라 끄기' }).click();

    expect(walletViolations).toEqual([]);
    expect(scannerViolations).toEqual([]);
    await walletContext.close();
    await scannerContext.close();
  });

  it('runs the desk, its blob: PDF included, and shows the start page and the API docs with no CSP violation', async () => {
    const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1024, height: 900 } });
    const violations = await watchViolations(context);
    const page = await context.newPage();
    await page.goto(`${base}/desk/`);
    await page.getByLabel('직원 인증키').fill(callers.staff.staff.slice('Bearer '.length));
    await page.getByRole('button', { name: '로그인' }).click();
    await page.getByLabel('이름, 생년월일 또는 등록번호').fill(HOLDER_EXTERNAL_ID);
    await page.getByRole('button', { name: '검색' }).click();
    await expect.poll(() => page.locator('table').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await shotInBothLanguages(page, 'headers-desk-search');
    const [tab] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('button', { name: '종이 증명서 출력' }).click(),
    ]);
    await tab.waitForLoadState();
    expect(tab.url()).toMatch(/^blob:/);
    await tab.close();

    await page.goto(`${base}/`);
    await shot(page, 'headers-start-page.png');
    expect(await page.locator('a').count()).toBe(4);
    expect(await page.locator('body').evaluate((body) => getComputedStyle(body).maxWidth)).toBe('576px');
    await page.goto(`${base}/docs/`);
    await expect.poll(() => page.locator('.swagger-ui .btn.authorize').count(), { timeout: 15_000 }).toBe(1);
    await shot(page, 'headers-docs.png');

    expect(violations).toEqual([]);
    await context.close();
  });
});
