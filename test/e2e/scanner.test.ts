/**
 * The scanner in a real browser (Debian's Chromium through playwright-core): set-up, bundle sync, offline verdicts,
 * the outbox, and both languages. A small HTTP server plays the authority: it serves the built app, the signed
 * bundles and the check-in endpoint. Screenshots land in test-results/.
 */
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAuthority, fakeAuthority } from './support/authority.ts';
import {
  buildApp,
  haveChromium,
  launchChromium,
  serveApps,
  shot,
  shotInBothLanguages,
  waitForServiceWorker,
} from './support/browser.ts';
import { persistentPage } from './support/storage.ts';

describe.skipIf(!haveChromium)('scanner in Chromium', () => {
  let server: Server;
  let base: string;
  let browser: Browser;
  let authority: FakeAuthority;

  beforeAll(async () => {
    buildApp('scanner');
    authority = await fakeAuthority();
    ({ server, base } = await serveApps(authority.handle));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function scan(page: Page, text: string) {
    await page.getByRole('textbox').fill(text);
    await page.getByRole('button', { name: /^(확인|Check)$/ }).click();
  }

  it('sets up a restaurant, verifies offline, shows each verdict, uploads entries', async () => {
    const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 390, height: 844 } });
    const page = await persistentPage(context, base);
    await page.goto(`${base}/scanner/`);
    await expect.poll(() => page.title()).toBe('Greenlight 입장 확인');
    await page.getByLabel('매장 기기 인증키').fill('0123456789abcdef.wrong');
    await page.getByRole('button', { name: '설정 완료' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('unknown or revoked device credential');
    await shotInBothLanguages(page, 'scanner-setup');
    await page.getByLabel('매장 기기 인증키').fill('0123456789abcdef.secret');
    await page.getByRole('button', { name: '설정 완료' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('검증 정보 갱신');

    // Offline from here on: the verdicts come from the stored bundles alone, the assets from the service worker.
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await scan(page, await authority.presentation());
    const verdict = page.locator('section.verdict');
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('pass');
    expect(await verdict.textContent()).toContain('Minji Kim');
    await shot(page, 'scanner-pass-ko.png');

    await scan(page, await authority.presentation(new Date(Date.now() - 5 * 60_000)));
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('fail');
    expect(await verdict.textContent()).toContain('화면 캡처');
    await shot(page, 'scanner-screenshot-refused-ko.png');

    await scan(page, authority.hc1);
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('check-id');

    await scan(page, authority.incomplete);
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('solo-only');
    await shot(page, 'scanner-solo-only-ko.png');

    await scan(page, 'https://example.com/not-a-pass');
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('fail');

    // Three entries were accepted while offline: they wait in the outbox, then upload when the network is back.
    await expect.poll(() => page.locator('.outbox').getAttribute('data-outbox')).toBe('3');
    expect(authority.uploads).toHaveLength(0);
    // "Upload now" while still offline: the attempt fails and every entry stays.
    await page.getByRole('button', { name: '지금 전송' }).click();
    await expect.poll(() => page.locator('.outbox small').count()).toBe(1);
    expect(await page.locator('.outbox').getAttribute('data-outbox')).toBe('3');
    await context.setOffline(false);
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await expect.poll(() => authority.uploads.length, { timeout: 20_000 }).toBe(3);
    await expect.poll(() => page.locator('.outbox').getAttribute('data-outbox')).toBe('0');
    expect(authority.uploads.filter((u) => u.method === 'presentation' && u.token)).toHaveLength(1);
    expect(new Set(authority.uploads.map((u) => u.eventId)).size).toBe(3);
    expect(authority.uploads.every((u) => u.venueId === 'venue-0001')).toBe(true);

    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.title()).toBe('Greenlight entry check');
    await scan(page, await authority.presentation());
    await expect.poll(() => verdict.textContent()).toContain('Pass');
    await shot(page, 'scanner-pass-en.png');

    // A verdict does not stay for the next guest: the screen returns to ready by itself.
    await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 20_000 }).toBeNull();
    expect(await verdict.textContent()).toContain('Show a QR code');
    await context.close();
  });

  /** A fresh scanner (its own storage) set up for the restaurant; verdicts held a minute for the screenshots. */
  async function freshScanner() {
    const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 390, height: 844 } });
    const page = await persistentPage(context, base);
    await page.goto(`${base}/scanner/?verdict-seconds=60`);
    await page.getByLabel('매장 기기 인증키').fill('0123456789abcdef.secret');
    await page.getByRole('button', { name: '설정 완료' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('검증 정보 갱신');
    return { context, page, verdict: page.locator('section.verdict') };
  }

  it('shows each verdict with its own icon, words and marked reasons, in Korean and English', async () => {
    const { context, page, verdict } = await freshScanner();
    // The venue's category in the policy's own words.
    expect(await page.locator('.venue').textContent()).toBe(`${'김밥천국 시청점'} · 식당`);

    await scan(page, await authority.presentation());
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('pass');
    expect(await verdict.locator('svg.icon-pass').count()).toBe(1);
    await shotInBothLanguages(page, 'scanner-verdict-pass');

    await scan(page, authority.hc1);
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('check-id');
    expect(await verdict.locator('svg.icon-check-id').count()).toBe(1);
    expect(await verdict.textContent()).toContain('신분증');
    // The rules it met are listed as met: only the ID check is marked for staff.
    expect(await verdict.locator('.reasons li[data-mark="✓"]').count()).toBeGreaterThan(0);
    expect(await verdict.locator('.reasons li[data-mark="✗"]').count()).toBe(0);
    await shotInBothLanguages(page, 'scanner-verdict-check-id-paper');

    await scan(page, authority.incomplete);
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('solo-only');
    expect(await verdict.locator('svg.icon-solo-only').count()).toBe(1);
    expect(await verdict.locator('.reasons li[data-mark="✗"]').count()).toBeGreaterThan(0);
    await shotInBothLanguages(page, 'scanner-verdict-solo-only');

    await scan(page, await authority.presentation(new Date(Date.now() - 5 * 60_000)));
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('fail');
    expect(await verdict.locator('svg.icon-fail').count()).toBe(1);
    expect(await verdict.textContent()).not.toMatch(/ERR_/);
    await shotInBothLanguages(page, 'scanner-verdict-fail');

    // A foreign SMART Health Card: check ID, and the doses are on screen for staff to read.
    await scan(page, authority.shc);
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('check-id');
    expect(await verdict.locator('.doses li').count()).toBe(2);
    expect(await verdict.locator('.reasons li[data-mark="✗"]').count()).toBe(0);
    expect(await verdict.textContent()).toContain('Jordan Doe');
    await shotInBothLanguages(page, 'scanner-verdict-shc');
    await context.close();
  });

  it('with a trust list and rules but no revocation bundle, a live pass is check ID: "revocation data missing"', async () => {
    authority.withholdRevocation = true;
    try {
      const { context, page, verdict } = await freshScanner();
      expect(await page.getByRole('alert').first().textContent()).toContain('취소 목록 없음');
      await scan(page, await authority.presentation());
      await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('check-id');
      expect(await verdict.textContent()).toContain('취소 목록 없음');
      await shotInBothLanguages(page, 'scanner-verdict-revocation-missing');
      await page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => verdict.textContent()).toContain('Revocation data missing');
      await context.close();
    } finally {
      authority.withholdRevocation = false;
    }
  });
});
