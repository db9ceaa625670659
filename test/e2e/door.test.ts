/**
 * At the door, with the real server (PGlite, demo registry) going away and coming back: the wallet logs in and
 * downloads its passes; the server stops; the wallet still shows a QR that changes with the slot; the scanner,
 * fed a picture of that QR through Chromium's fake camera, verifies it offline and keeps the entry (and a manual
 * one); the same picture is refused once its slot has passed; the server comes back and the outbox uploads
 * every entry by itself, each stored exactly once. Screenshots of each screen, Korean and English, go to test-results/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { readQrImage, slotAt, svgToPng } from '@greenlight/codec';
import { configureNodeQr } from '@greenlight/codec/node';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../packages/server/src/db/pglite.ts';
import { type RunningServer, startServer } from '../../packages/server/src/main.ts';
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
import { allowPersistentStorage } from './support/storage.ts';

describe.skipIf(!haveChromium)('at the door, while the server is down', () => {
  const work = mkdtempSync(join(tmpdir(), 'greenlight-door-'));
  const dataDir = join(work, 'data');
  const appsDir = join(work, 'apps');
  const camera = join(work, 'camera.y4m');
  const logs: string[] = [];
  const printed: string[] = [];
  let server: RunningServer | undefined;
  let port = 0;
  let walletBrowser: Browser;
  let scannerBrowser: Browser;

  /** The server as `npm start` runs it, in this process, so the test can read the codes it logs. */
  async function start(): Promise<RunningServer> {
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          logs.push(String(chunk));
          done();
        },
      }),
    );
    const running = await startServer(
      {
        PORT: String(port),
        HOST: '127.0.0.1',
        GREENLIGHT_DATA_DIR: dataDir,
        GREENLIGHT_APPS_DIR: appsDir,
      },
      { logger, print: (text) => printed.push(text) },
    );
    port = Number(new URL(running.url).port);
    return running;
  }

  beforeAll(async () => {
    configureNodeQr();
    buildApp('wallet', appsDir);
    buildApp('scanner', appsDir);
    server = await start();
    walletBrowser = await launchChromium();
    scannerBrowser = await launchChromium({ fakeCamera: camera });
  });

  afterAll(async () => {
    await walletBrowser?.close();
    await scannerBrowser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** The wallet's QR, read back from the screen as a camera would. */
  async function screenQr(page: Page): Promise<string> {
    const svg = await page.locator('.qr svg').evaluate((el) => el.outerHTML);
    const [text] = await readQrImage(await svgToPng(new TextEncoder().encode(svg)));
    return text as string;
  }

  const verdictOf = (page: Page) => page.locator('section.verdict').getAttribute('data-verdict');
  const outboxOf = (page: Page) => page.locator('.outbox').getAttribute('data-outbox');

  it('verifies offline from the camera, refuses a stale screenshot, and uploads every entry once', async () => {
    const seed = printed.join('\n');
    const holder = /^\s+(\+82-10-\d{4}-\d{4})\s+.*: booster/m.exec(seed)?.[1];
    const credential = /^\s+.*\(restaurant\): (\S+)$/m.exec(seed)?.[1];
    expect(holder, seed).toBeDefined();
    expect(credential, seed).toBeDefined();
    const base = `http://localhost:${port}`;

    // The wallet logs in with the code the development sender logs, and saves the holder's passes.
    const wallet = await (
      await walletBrowser.newContext({
        locale: 'ko-KR',
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 3,
      })
    ).newPage();
    await wallet.goto(`${base}/wallet/`);
    await shotInBothLanguages(wallet, 'door-wallet-login');
    await wallet.getByLabel('휴대전화 번호 또는 이메일').fill(holder as string);
    await wallet.getByRole('button', { name: '인증번호 받기' }).click();
    // The development sender logs "one-time code for <contact as the server normalised it>: <code>".
    const codeLine = /one-time code for [^:]+: (\d{6})/;
    await expect.poll(() => logs.some((line) => codeLine.test(line)), { timeout: 10_000 }).toBe(true);
    const code = codeLine.exec(logs.find((line) => codeLine.test(line)) as string)?.[1] as string;
    await wallet.getByLabel('인증번호 6자리').fill(code);
    await wallet.getByRole('button', { name: '로그인' }).click();
    await expect
      .poll(() => wallet.getByRole('status').first().textContent())
      .toContain('증명서를 저장했습니다');
    await waitForServiceWorker(wallet);
    await shot(wallet, 'door-wallet-list-ko.png');

    // The scanner is set up for a restaurant while the server is there, and fetches the signed bundles.
    const scanner = await (
      await scannerBrowser.newContext({ locale: 'ko-KR', viewport: { width: 800, height: 1100 } })
    ).newPage();
    await allowPersistentStorage(scanner, base);
    await scanner.goto(`${base}/scanner/`);
    await scanner.getByLabel('매장 기기 인증키').fill(credential as string);
    await scanner.getByRole('button', { name: '설정 완료' }).click();
    await expect.poll(() => scanner.getByRole('status').first().textContent()).toContain('검증 정보 갱신');
    await waitForServiceWorker(scanner);

    // The server goes away.
    await server?.close();
    server = undefined;
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    // The wallet still shows the pass, and its QR changes with the 15-second slot.
    await wallet.getByRole('button', { name: '입장용 QR 보기' }).first().click();
    await expect.poll(() => wallet.locator('.qr svg').count()).toBe(1);
    const first = await screenQr(wallet);
    expect(first.startsWith('GLP1:')).toBe(true);
    await expect.poll(() => screenQr(wallet), { timeout: 20_000, interval: 1000 }).not.toBe(first);
    await shot(wallet, 'door-wallet-pass-offline-ko.png');

    // A picture of the phone's screen goes in front of the scanner's camera.
    const picture = await wallet
      .locator('.qr svg')
      .screenshot({ path: join(shots, 'door-camera-picture.png') });
    const pictureSlot = slotAt(new Date());
    writeFileSync(camera, await imageToY4m(scannerBrowser, picture));
    await scanner.getByRole('button', { name: '카메라로 스캔' }).click();
    await expect.poll(() => verdictOf(scanner), { timeout: 15_000 }).toBe('pass');
    await expect.poll(() => outboxOf(scanner)).toBe('1');
    await shot(scanner, 'door-scanner-pass-ko.png');
    await scanner.getByRole('button', { name: '카메라 끄기' }).click();

    // A guest without a phone, entered by hand.
    await scanner.getByRole('button', { name: /수기/ }).click();
    await expect.poll(() => outboxOf(scanner)).toBe('2');

    // The same picture once its slot (and the one after) has passed: a screenshot, refused, nothing recorded.
    await expect
      .poll(() => slotAt(new Date()) >= pictureSlot + 2, { timeout: 40_000, interval: 1000 })
      .toBe(true);
    await scanner.getByRole('button', { name: '카메라로 스캔' }).click();
    await expect.poll(() => verdictOf(scanner), { timeout: 15_000 }).toBe('fail');
    expect(await scanner.locator('section.verdict').textContent()).toContain('화면 캡처');
    await shot(scanner, 'door-scanner-stale-ko.png');
    await scanner.getByRole('button', { name: '카메라 끄기' }).click();
    expect(await outboxOf(scanner)).toBe('2');

    // Both apps in English, still offline.
    await scanner.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => scanner.locator('.outbox').textContent()).toContain('2 waiting to upload');
    await shot(scanner, 'door-scanner-waiting-en.png');
    await wallet.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => wallet.locator('.qr svg').count()).toBe(1);
    await shot(wallet, 'door-wallet-pass-offline-en.png');

    // The server comes back; the outbox uploads every entry by itself, at its next attempt (the backoff after a
    // minute of failures is at most 48 s, and the upload timer ticks every 10 s).
    server = await start();
    await expect.poll(() => outboxOf(scanner), { timeout: 90_000, interval: 1000 }).toBe('0');
    await shot(scanner, 'door-scanner-uploaded-en.png');

    // Exactly once each, with the holder's token for the presentation and none for the manual entry.
    await server.close();
    server = undefined;
    const db = await openPglite(dataDir);
    try {
      const { rows } = await db.query<{ method: string; entries: number; events: number; tokens: number }>(
        `SELECT method, count(*)::int AS entries, count(DISTINCT event_id)::int AS events,
                count(token)::int AS tokens
         FROM checkins GROUP BY method ORDER BY method`,
      );
      expect(rows).toEqual([
        { method: 'manual', entries: 1, events: 1, tokens: 0 },
        { method: 'presentation', entries: 1, events: 1, tokens: 1 },
      ]);
    } finally {
      await db.close();
    }
  }, 240_000);
});
