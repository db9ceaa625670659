/**
 * The scanner in a real browser (Debian's Chromium through playwright-core): set-up, bundle sync, offline verdicts,
 * the outbox, and both languages. A small HTTP server plays the authority: it serves the built app, the signed
 * bundles and the check-in endpoint. Screenshots land in test-results/.
 */
import type { Server } from 'node:http';
import {
  bundleDigest,
  bundleSigningKey,
  bytesToBase64,
  createPresentation,
  encodeHc1,
  exportDevicePublicKey,
  generateDeviceKey,
  hc1CoseBytes,
  signBundle,
  signDeviceBinding,
} from '@greenlight/codec';
import { krPolicy } from '@greenlight/rules';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDsc, SAMPLE_HCERT } from '../../packages/codec/test/dcc-fixtures';
import {
  bodyOf,
  buildApp,
  haveChromium,
  json,
  launchChromium,
  serveApps,
  shot,
  waitForServiceWorker,
} from './support/browser';

describe.skipIf(!haveChromium)('scanner in Chromium', () => {
  let server: Server;
  let base: string;
  let browser: Browser;
  const uploads: { eventId: string; token?: string; method: string }[] = [];
  const bundles = new Map<string, Uint8Array>();
  let keysJson = '';
  let fixtures: { hc1: string; incomplete: string; presentation: () => Promise<string>; stale: string };

  beforeAll(async () => {
    buildApp('scanner');
    const dsc = await makeDsc();
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const publication = await bundleSigningKey(pair.privateKey, pair.publicKey);
    keysJson = JSON.stringify({ keys: [publication.publicJwk] });
    const trust = {
      certificates: [{ kid: bytesToBase64(dsc.kid), country: 'KR', rawData: bytesToBase64(dsc.der) }],
    };
    bundles.set(
      'trust-list',
      await signBundle({ kind: 'trust-list', version: 1, content: trust }, publication),
    );
    bundles.set('rules', await signBundle({ kind: 'rules', version: 1, content: krPolicy }, publication));
    bundles.set(
      'revocation',
      await signBundle({ kind: 'revocation', version: 1, content: { partitions: [] } }, publication),
    );

    const sign = (hcert: Record<string, unknown>) =>
      encodeHc1(hcert, {
        signer: dsc.signer,
        issuer: 'KR',
        issuedAt: new Date(Date.now() - 86400_000),
        expiresAt: new Date(Date.now() + 365 * 86400_000),
      });
    const hc1 = await sign(SAMPLE_HCERT);
    const v = SAMPLE_HCERT.v[0] as Record<string, unknown>;
    const incomplete = await sign({ ...SAMPLE_HCERT, dob: '1970-01-01', v: [{ ...v, dn: 1, sd: 2 }] });
    const device = await generateDeviceKey();
    const binding = await signDeviceBinding(
      {
        coseBytes: hc1CoseBytes(hc1),
        devicePublicKey: await exportDevicePublicKey(device.publicKey),
        issuedAt: new Date(Date.now() - 3600_000),
        expiresAt: new Date(Date.now() + 30 * 86400_000),
      },
      dsc.signer,
    );
    const token = crypto.getRandomValues(new Uint8Array(16));
    const present = (now: Date) =>
      createPresentation({ certificate: hc1, binding, deviceKey: device.privateKey, now, token });
    fixtures = {
      hc1,
      incomplete,
      presentation: () => present(new Date()),
      stale: await present(new Date(Date.now() - 5 * 60_000)),
    };

    ({ server, base } = await serveApps(async (req, res, url) => {
      if (url.pathname === '/.well-known/greenlight/publication-keys.json') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(keysJson);
        return true;
      }
      const bundle = /^\/v1\/bundles\/([a-z-]+)$/.exec(url.pathname);
      if (bundle) {
        const bytes = bundles.get(bundle[1] as string);
        if (!bytes) {
          json(res, 404, { code: 'ERR_BUNDLE_KIND', message: 'no such kind' });
          return true;
        }
        const etag = `"${await bundleDigest(bytes)}"`;
        if (req.headers['if-none-match'] === etag) res.writeHead(304, { ETag: etag }).end();
        else res.writeHead(200, { ETag: etag, 'Content-Type': 'application/json' }).end(Buffer.from(bytes));
        return true;
      }
      if (url.pathname === '/v1/devices/me') {
        if (req.headers.authorization !== 'Bearer 0123456789abcdef.secret') {
          json(res, 401, {
            code: 'ERR_DEVICE_UNAUTHORIZED',
            message: 'unknown or revoked device credential',
          });
        } else {
          json(res, 200, {
            deviceId: '0123456789abcdef',
            venue: { id: 'venue-0001', name: '김밥천국 시청점', category: 'restaurant' },
          });
        }
        return true;
      }
      if (url.pathname === '/v1/checkins' && req.method === 'POST') {
        const { entries } = JSON.parse(await bodyOf(req)) as { entries: (typeof uploads)[number][] };
        uploads.push(...entries);
        json(res, 200, { accepted: entries.map((e) => e.eventId), duplicates: [] });
        return true;
      }
      return false;
    }));
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
    const page = await context.newPage();
    await page.goto(`${base}/scanner/`);
    await expect.poll(() => page.title()).toBe('Greenlight 입장 확인');
    await page.getByLabel('매장 기기 인증키').fill('0123456789abcdef.wrong');
    await page.getByRole('button', { name: '설정 완료' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('unknown or revoked device credential');
    await shot(page, 'scanner-setup-ko.png');
    await page.getByLabel('매장 기기 인증키').fill('0123456789abcdef.secret');
    await page.getByRole('button', { name: '설정 완료' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('검증 정보 갱신');

    // Offline from here on: the verdicts come from the stored bundles alone, the assets from the service worker.
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await scan(page, await fixtures.presentation());
    const verdict = page.locator('section.verdict');
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('pass');
    expect(await verdict.textContent()).toContain('Minji Kim');
    await shot(page, 'scanner-pass-ko.png');

    await scan(page, fixtures.stale);
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('fail');
    expect(await verdict.textContent()).toContain('화면 캡처');
    await shot(page, 'scanner-screenshot-refused-ko.png');

    await scan(page, fixtures.hc1);
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('check-id');

    await scan(page, fixtures.incomplete);
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('solo-only');
    await shot(page, 'scanner-solo-only-ko.png');

    await scan(page, 'https://example.com/not-a-pass');
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('fail');

    // Three entries were accepted while offline: they wait in the outbox, then upload when the network is back.
    await expect.poll(() => page.locator('.outbox').getAttribute('data-outbox')).toBe('3');
    expect(uploads).toHaveLength(0);
    await context.setOffline(false);
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await expect.poll(() => uploads.length, { timeout: 20_000 }).toBe(3);
    await expect.poll(() => page.locator('.outbox').getAttribute('data-outbox')).toBe('0');
    expect(uploads.filter((u) => u.method === 'presentation' && u.token)).toHaveLength(1);
    expect(new Set(uploads.map((u) => u.eventId)).size).toBe(3);
    expect(uploads.every((u) => (u as { venueId?: string }).venueId === 'venue-0001')).toBe(true);

    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.title()).toBe('Greenlight entry check');
    await scan(page, await fixtures.presentation());
    await expect.poll(() => verdict.textContent()).toContain('Pass');
    await shot(page, 'scanner-pass-en.png');
    await context.close();
  });
});
