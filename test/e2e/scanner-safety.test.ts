/**
 * The scanner at the door when things go wrong, in real Chromium: storage that fails or will not last, a tablet
 * clock that is wrong, entries the server refuses, and the browser killed (SIGKILL) while recording and while
 * uploading. The bundles and passes come from the stand-in authority; check-ins go to the real route on PGlite
 * (`checkinApp`), so what is checked is what the server stores. Screenshots of every new screen go to
 * test-results/, in Korean and English.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { V7Generator } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVenueDevice } from '../../packages/server/src/auth/devices.ts';
import { checkinApp } from '../../packages/server/test/checkin-app.ts';
import { type TestDb, testDb } from '../../packages/server/test/databases.ts';
import { type FakeAuthority, fakeAuthority } from './support/authority.ts';
import {
  bodyOf,
  buildApp,
  CHROMIUM,
  haveChromium,
  json,
  launchChromium,
  serveApps,
  shot,
  shotInBothLanguages,
} from './support/browser.ts';
import { allowPersistentStorage, browserPid, persistentPage } from './support/storage.ts';

const VENUE = '0190a000-0000-7000-8000-00000000d001';
const MINUTE = 60_000;

describe.skipIf(!haveChromium)('scanner safety in Chromium', () => {
  let server: Server;
  let base: string;
  let browser: Browser;
  let authority: FakeAuthority;
  let t: TestDb;
  let app: FastifyInstance;
  /** Credential → device id, for every device a test made. */
  const devices = new Map<string, string>();
  /** Answers of /v1/checkins, in order. */
  const answers: { accepted: string[]; duplicates: string[]; rejected: unknown[]; retry: unknown[] }[] = [];
  /** While set, an upload of this credential is stored and then held unanswered (the browser is killed meanwhile). */
  let holdUploads: { credential: string; stored: (accepted: number) => void } | undefined;
  const work = mkdtempSync(join(tmpdir(), 'greenlight-scanner-safety-'));

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const credential = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (url.pathname === '/v1/devices/me') {
      const deviceId = devices.get(credential);
      if (!deviceId)
        json(res, 401, { code: 'ERR_DEVICE_UNAUTHORIZED', message: 'unknown device credential' });
      else
        json(res, 200, { deviceId, venue: { id: VENUE, name: '김밥천국 시청점', category: 'restaurant' } });
      return true;
    }
    if (url.pathname === '/v1/checkins' && req.method === 'POST') {
      const answer = await app.inject({
        method: 'POST',
        url: '/v1/checkins',
        headers: { authorization: req.headers.authorization ?? '', 'content-type': 'application/json' },
        payload: await bodyOf(req),
      });
      if (answer.statusCode === 200) answers.push(answer.json());
      if (holdUploads?.credential === credential) {
        holdUploads.stored(answer.statusCode === 200 ? (answer.json().accepted as string[]).length : 0);
        return true; // never answered: the browser dies waiting
      }
      res.writeHead(answer.statusCode, { 'Content-Type': 'application/json' }).end(answer.body);
      return true;
    }
    return authority.handle(req, res, url);
  }

  beforeAll(async () => {
    buildApp('scanner');
    authority = await fakeAuthority();
    t = await testDb('pglite');
    await t.db.query(
      `INSERT INTO venues (id, name, category, address) VALUES ($1, '김밥천국 시청점', 'restaurant', 'Seoul')`,
      [VENUE],
    );
    app = await checkinApp(t.db);
    ({ server, base } = await serveApps(api));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await app?.close();
    await t?.release();
    rmSync(work, { recursive: true, force: true });
  });

  async function newDevice(): Promise<{ credential: string; deviceId: string }> {
    const device = await createVenueDevice(t.db, VENUE);
    devices.set(device.credential, device.deviceId);
    return device;
  }

  async function storedOf(deviceId: string) {
    const { rows } = await t.db.query<{
      event_id: string;
      at: Date;
      method: string;
      clock_offset_ms: string | null;
    }>(
      'SELECT event_id::text, at, method, clock_offset_ms::text FROM checkins WHERE device_id = $1 ORDER BY at',
      [deviceId],
    );
    return rows;
  }

  async function setUp(page: Page, credential: string): Promise<void> {
    await page.goto(`${base}/scanner/?verdict-seconds=60`);
    await page.getByLabel('매장 기기 인증키').fill(credential);
    await page.getByRole('button', { name: '설정 완료' }).click();
    await expect.poll(() => page.locator('p.status').first().textContent()).toContain('검증 정보 갱신');
  }

  async function scan(page: Page, text: string) {
    await page.getByRole('textbox').fill(text);
    await page.getByRole('button', { name: /^(확인|Check)$/ }).click();
  }

  /**
   * Chromium with a profile on disk (what survives a SIGKILL, and where the DevTools quota override applies), its
   * origin granted persistent storage.
   */
  async function launchProfile(profile: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      locale: 'ko-KR',
      viewport: { width: 390, height: 844 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await allowPersistentStorage(page, base);
    return { context, page };
  }

  const verdictOf = (page: Page) => page.locator('section.verdict').getAttribute('data-verdict');
  const outboxOf = (page: Page) => page.locator('.outbox').getAttribute('data-outbox');
  const newContext = () => browser.newContext({ locale: 'ko-KR', viewport: { width: 390, height: 844 } });

  it('refuses to start without IndexedDB, and in a window whose storage will not last', async () => {
    const none = await newContext();
    await none.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
    const page = await persistentPage(none, base);
    await page.goto(`${base}/scanner/`);
    const refused = page.locator('[data-storage]');
    await expect.poll(() => refused.getAttribute('data-storage')).toBe('noIndexedDb');
    expect(await refused.textContent()).toContain('IndexedDB');
    expect(await page.getByLabel('매장 기기 인증키').count()).toBe(0);
    await shotInBothLanguages(page, 'scanner-storage-no-indexeddb');
    await none.close();

    // No promise of persistent storage: what a private window gives.
    const privateWindow = await newContext();
    const other = await privateWindow.newPage();
    await other.goto(`${base}/scanner/`);
    await expect
      .poll(() => other.locator('[data-storage]').getAttribute('data-storage'))
      .toBe('notPersistent');
    expect(await other.locator('[data-storage]').textContent()).toContain('시크릿 창');
    expect(await other.getByLabel('매장 기기 인증키').count()).toBe(0);
    await shotInBothLanguages(other, 'scanner-storage-not-persistent');
    // Once the browser gives the promise, "try again" starts the scanner.
    await allowPersistentStorage(other, base);
    await other.getByRole('button', { name: '다시 시도' }).click();
    await expect.poll(() => other.getByLabel('매장 기기 인증키').count()).toBe(1);
    await privateWindow.close();
  });

  it('shows NOT RECORDED, never a verdict or an old "recorded", when the outbox write fails', async () => {
    const { credential, deviceId } = await newDevice();
    const context = await newContext();
    // The storage fills up: from the moment the test says so, every IndexedDB write fails as Chromium fails one
    // over quota (the request errors with a QuotaExceededError DOMException and its transaction aborts). The
    // DevTools quota override cannot do it here: Chromium applies it only to connections opened after it.
    await context.addInitScript(() => {
      const add = IDBObjectStore.prototype.add;
      IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<typeof add>) {
        if ((globalThis as { storageFull?: boolean }).storageFull) {
          this.transaction.abort();
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
        return add.apply(this, args);
      };
    });
    const page = await persistentPage(context, base);
    await setUp(page, credential);
    await page.getByRole('button', { name: /수기/ }).click();
    await expect
      .poll(() => page.locator('section.verdict').textContent())
      .toContain('수기 입장을 기록했습니다');
    await expect.poll(async () => (await storedOf(deviceId)).length, { timeout: 20_000 }).toBe(1);

    await page.evaluate(() => {
      (globalThis as { storageFull?: boolean }).storageFull = true;
    });
    await scan(page, await authority.presentation());
    const alert = page.locator('[data-not-recorded]');
    await expect.poll(() => alert.getAttribute('data-not-recorded')).toBe('quota');
    expect(await page.locator('section.verdict[data-verdict]').count()).toBe(0);
    expect(await alert.textContent()).toContain('기록되지 않음');
    expect(await alert.textContent()).toContain('통과');
    await shotInBothLanguages(page, 'scanner-not-recorded');

    await scan(page, authority.hc1);
    await expect.poll(() => alert.count()).toBe(1);
    expect(await page.locator('section.verdict[data-verdict]').count()).toBe(0);

    // A manual entry after a recorded one: the old "recorded" never stays on screen.
    await page.getByRole('button', { name: /수기/ }).click();
    await expect.poll(() => alert.getAttribute('data-not-recorded')).toBe('quota');
    expect(await page.locator('main').textContent()).not.toContain('수기 입장을 기록했습니다');
    expect(await outboxOf(page)).toBe('0');

    // Space again: the next entry is recorded and stored; the three refused ones never were.
    await page.evaluate(() => {
      (globalThis as { storageFull?: boolean }).storageFull = false;
    });
    await page.getByRole('button', { name: /수기/ }).click();
    await expect
      .poll(() => page.locator('section.verdict').textContent())
      .toContain('수기 입장을 기록했습니다');
    expect(await alert.count()).toBe(0);
    await expect.poll(async () => (await storedOf(deviceId)).length, { timeout: 20_000 }).toBe(2);
    await context.close();
  });

  // Tablet clocks off by these amounts: live passes still pass, and entries are stored at the true time.
  it.each([
    ['+30 s', 30_000],
    ['−30 s', -30_000],
    ['+10 min', 10 * MINUTE],
    ['−2 h', -120 * MINUTE],
    ['+1 day', 1440 * MINUTE],
  ])(
    'with the tablet clock %s, a live pass passes and its entry is stored at the true time',
    async (name, skew) => {
      const { credential, deviceId } = await newDevice();
      const context = await newContext();
      const page = await persistentPage(context, base);
      await page.clock.install({ time: Date.now() + skew });
      await setUp(page, credential);
      const clockWarning = page.locator('.status.clock');
      if (Math.abs(skew) >= MINUTE) {
        await expect.poll(() => clockWarning.count()).toBe(1);
        expect(await clockWarning.textContent()).toContain(skew > 0 ? '빠릅니다' : '느립니다');
      } else {
        expect(await clockWarning.count()).toBe(0);
      }
      if (name === '+10 min') await shotInBothLanguages(page, 'scanner-clock-warning');

      const before = Date.now();
      await scan(page, await authority.presentation(new Date()));
      await expect.poll(() => verdictOf(page)).toBe('pass');
      const after = Date.now();
      expect(await page.locator('section.verdict').textContent()).not.toMatch(/화면 캡처|ERR_/);
      await expect.poll(async () => (await storedOf(deviceId)).length, { timeout: 20_000 }).toBe(1);
      const [row] = await storedOf(deviceId);
      // The offset is measured from the server's Date header (1 s resolution) and the first upload's serverTime.
      expect(row?.at.getTime()).toBeGreaterThanOrEqual(before - 2000);
      expect(row?.at.getTime()).toBeLessThanOrEqual(after + 2000);
      expect(Math.abs(Number(row?.clock_offset_ms) + skew)).toBeLessThan(2000);
      expect(answers.flatMap((a) => a.rejected)).toEqual([]);
      await context.close();
    },
  );

  it('corrects and resends an entry recorded after the tablet clock was set 10 minutes fast offline', async () => {
    const { credential, deviceId } = await newDevice();
    const context = await newContext();
    const page = await persistentPage(context, base);
    await page.clock.install({ time: Date.now() });
    await setUp(page, credential);
    await context.setOffline(true);
    await page.clock.setSystemTime(Date.now() + 10 * MINUTE);
    const recordedAt = Date.now();
    await page.getByRole('button', { name: /수기/ }).click();
    await expect.poll(() => outboxOf(page)).toBe('1');
    const retriesBefore = answers.flatMap((a) => a.retry).length;
    await context.setOffline(false);
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await expect.poll(async () => (await storedOf(deviceId)).length, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => outboxOf(page)).toBe('0');
    // The server answered it as "retry" once (never "rejected"); it was stored at the true time.
    expect(answers.flatMap((a) => a.retry).length).toBe(retriesBefore + 1);
    expect(answers.flatMap((a) => a.rejected)).toEqual([]);
    const [row] = await storedOf(deviceId);
    expect(Math.abs((row?.at.getTime() ?? 0) - recordedAt)).toBeLessThan(3000);
    expect(Math.abs(Number(row?.clock_offset_ms) + 10 * MINUTE)).toBeLessThan(3000);
    expect(await page.locator('.card.rejected').count()).toBe(0);
    await context.close();
  });

  it('shows an entry the server refuses for good, with its reason, and drops it once staff acknowledge', async () => {
    const { credential, deviceId } = await newDevice();
    const context = await newContext();
    const page = await persistentPage(context, base);
    await setUp(page, credential);
    // An entry this tablet recorded 30 days ago and never sent (it was offline): older than the server keeps.
    const old = Date.now() - 30 * 1440 * MINUTE;
    const eventId = new V7Generator().generateOrResetCore(old, 0).toString();
    await page.evaluate(
      ({ eventId, venueId, at }) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('greenlight-scanner');
          open.onsuccess = () => {
            const tx = open.result.transaction('outbox', 'readwrite');
            tx.objectStore('outbox').put({
              eventId,
              venueId,
              at: new Date(at).toISOString(),
              method: 'manual',
              clockOffsetMs: 0,
              deviceAt: at,
              attempts: 0,
              nextAttemptAt: 0,
            });
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
        }),
      { eventId, venueId: VENUE, at: old },
    );
    await page.getByRole('button', { name: /수기/ }).click();
    const list = page.locator('.card.rejected');
    await expect.poll(() => list.getAttribute('data-rejected'), { timeout: 20_000 }).toBe('1');
    expect(await list.textContent()).toContain('너무 오래된 기록');
    expect(await list.textContent()).toContain('수기 입장');
    await expect.poll(() => outboxOf(page)).toBe('0');
    await shotInBothLanguages(page, 'scanner-rejected-entries');
    const sends = answers.length;
    await page.getByRole('button', { name: /확인했습니다/ }).click();
    await expect.poll(() => list.count()).toBe(0);
    // Gone for good: not sent again, not stored; the day's entry is.
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await page.waitForTimeout(500);
    expect(answers.length).toBe(sends);
    const stored = await storedOf(deviceId);
    expect(stored.map((r) => r.event_id)).not.toContain(eventId);
    expect(stored).toHaveLength(1);
    await page.reload();
    await expect.poll(() => page.locator('p.status').first().textContent()).toContain('검증 정보 갱신');
    expect(await list.count()).toBe(0);
    await context.close();
  });

  it('loses nothing when the browser is killed while recording and while uploading', async () => {
    const { credential, deviceId } = await newDevice();
    const profile = join(work, 'profile');
    const launch = () => launchProfile(profile);
    const kill = async (context: BrowserContext) => {
      process.kill(browserPid(profile), 'SIGKILL');
      await context.close().catch(() => undefined);
    };

    // Recording offline; each entry counts once the screen showed it recorded (the outbox counter moved).
    let { context, page } = await launch();
    await setUp(page, credential);
    await context.setOffline(true);
    const seen = 30;
    for (let i = 1; i <= seen; i++) {
      await page.getByRole('button', { name: /수기/ }).click();
      await expect.poll(() => outboxOf(page)).toBe(String(i));
    }
    // Three more clicks, and the browser dies before anyone looks.
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: /수기/ }).click({ noWaitAfter: true });
    await kill(context);

    // Back with the network: the first upload is stored by the server, and the browser dies before the answer.
    let stored = 0;
    const held = new Promise<number>((resolve) => {
      holdUploads = { credential, stored: resolve };
    });
    ({ context, page } = await launch());
    await page.goto(`${base}/scanner/`);
    await expect.poll(async () => Number(await outboxOf(page))).toBeGreaterThanOrEqual(seen);
    const survived = Number(await outboxOf(page));
    expect(survived).toBeGreaterThanOrEqual(seen);
    expect(survived).toBeLessThanOrEqual(seen + 3);
    stored = await held;
    expect(stored).toBeGreaterThan(0);
    await kill(context);
    holdUploads = undefined;

    // Once more: the same entries go again, the server answers them as duplicates, and each is stored once.
    ({ context, page } = await launch());
    await page.goto(`${base}/scanner/`);
    await expect.poll(() => outboxOf(page), { timeout: 30_000 }).toBe('0');
    const rows = await storedOf(deviceId);
    expect(rows).toHaveLength(survived);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(survived);
    expect(answers.at(-1)?.duplicates.length).toBeGreaterThan(0);
    await shot(page, 'scanner-after-kill-ko.png');
    await context.close();
  }, 180_000);
});
