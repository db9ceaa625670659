/**
 * The wallet in Debian's Chromium: one-time-code login, download of the holder's and the family's passes, device
 * binding, and the 15-second presentation QR, which the test reads back from the screen and verifies offline with
 * the codec, as a scanner would. A small HTTP server plays the authority's holder API.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import {
  base64ToBytes,
  bytesToBase64,
  hc1CoseBytes,
  readQrImage,
  readQrSymbols,
  signDeviceBinding,
  svgToPng,
  verifyPresentation,
} from '@greenlight/codec';
import { configureNodeQr } from '@greenlight/codec/node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDsc, SAMPLE_HCERT } from '../../packages/codec/test/dcc-fixtures.ts';
import { type FakeAuthority, fakeAuthority, signKrHc1 } from './support/authority.ts';
import {
  bodyOf,
  buildApp,
  haveChromium,
  json,
  launchChromium,
  serveApps,
  shot,
  shotInBothLanguages,
  waitForServiceWorker,
} from './support/browser.ts';

describe.skipIf(!haveChromium)('wallet in Chromium', () => {
  let server: Server;
  let base: string;
  let browser: Browser;
  let dsc: Awaited<ReturnType<typeof makeDsc>>;
  /** The signed bundles (trust list, rules, revocation) the wallet syncs, for the same DSC. */
  let authority: FakeAuthority;
  /**
   * Every batch of today's single-use check-in tokens handed out, base64url, newest last: like the server, each
   * answer is a fresh batch, and each QR the wallet draws takes the next token of the batch it holds.
   */
  const batches: string[][] = [];
  const freshBatch = () => {
    const batch = Array.from({ length: 3 }, () =>
      bytesToBase64(crypto.getRandomValues(new Uint8Array(16)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, ''),
    );
    batches.push(batch);
    return batch;
  };
  let certificates: { id: string; personId: string; name: string; relation: string; text: string }[];

  beforeAll(async () => {
    buildApp('wallet');
    configureNodeQr();
    dsc = await makeDsc();
    authority = await fakeAuthority({ dsc });
    const sign = (hcert: Record<string, unknown>) => signKrHc1(dsc.signer, hcert);
    certificates = [
      { id: 'c1', personId: 'p1', name: 'Minji Kim', relation: 'self', text: await sign(SAMPLE_HCERT) },
      {
        id: 'c2',
        personId: 'p2',
        name: '김하늘',
        relation: 'family',
        text: await sign({
          ...SAMPLE_HCERT,
          nam: { fn: '김', gn: '하늘', fnt: 'KIM', gnt: 'HANEUL' },
          dob: '2015-03-02',
          v: [{ ...SAMPLE_HCERT.v[0], ci: 'URN:UVCI:01:KR:GREENLIGHT0002#Y' }],
        }),
      },
    ];
    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);

    ({ server, base } = await serveApps(async (req, res, url) => {
      if (await authority.handle(req, res, url)) return true;
      if (!url.pathname.startsWith('/v1/')) return false;
      const body = req.method === 'POST' ? await bodyOf(req) : '';
      const authorised = req.headers.authorization === 'Bearer session-1';
      if (url.pathname === '/v1/auth/otp') json(res, 200, { sent: true });
      else if (url.pathname === '/v1/auth/otp/verify') {
        const { code } = JSON.parse(body) as { code: string };
        if (code === '123456') json(res, 200, { token: 'session-1' });
        else json(res, 401, { code: 'ERR_OTP_INVALID', message: 'the code is wrong' });
      } else if (!authorised) json(res, 401, { code: 'ERR_UNAUTHORIZED', message: 'log in first' });
      else if (url.pathname === '/v1/me/certificates') json(res, 200, { certificates });
      else if (url.pathname === '/v1/me/devices') {
        const { publicKey } = JSON.parse(body) as { publicKey: string };
        const bindings: Record<string, string> = {};
        for (const c of certificates) {
          const binding = await signDeviceBinding(
            {
              coseBytes: hc1CoseBytes(c.text),
              devicePublicKey: base64ToBytes(publicKey),
              issuedAt: new Date(Date.now() - 60_000),
              expiresAt: new Date(Date.now() + 30 * 86400_000),
            },
            dsc.signer,
          );
          bindings[c.id] = bytesToBase64(binding);
        }
        json(res, 200, { bindings });
      } else if (url.pathname === '/v1/me/checkin-tokens') {
        json(res, 200, { days: [{ day: today, tokens: freshBatch() }] });
      } else json(res, 404, { code: 'ERR_NOT_FOUND', message: url.pathname });
      return true;
    }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** The QR on screen, read back the way a scanner camera would. */
  async function screenQr(page: Page): Promise<string> {
    const svg = await page.locator('.qr svg').evaluate((el) => el.outerHTML);
    const [text] = await readQrImage(await svgToPng(new TextEncoder().encode(svg)));
    return text as string;
  }

  it('logs in with a code, saves the family passes, and shows a presentation QR that a scanner accepts', async () => {
    const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/wallet/`);
    await page.getByLabel('휴대전화 번호 또는 이메일').fill('010-1234-5678');
    await page.getByRole('button', { name: '인증번호 받기' }).click();
    await page.getByLabel('인증번호 6자리').fill('000000');
    await page.getByRole('button', { name: '로그인' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('the code is wrong');
    await page.getByLabel('인증번호 6자리').fill('123456');
    await page.getByRole('button', { name: '로그인' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('2개 증명서를 저장했습니다');
    await expect.poll(() => page.locator('.cert-list').textContent()).toContain('추가접종: 유효기간 없음');
    expect(await page.locator('.cert-list').textContent()).toContain('김하늘');
    // The child is exempt, and the card says why, in the policy's words.
    await expect.poll(() => page.locator('.cert-list > li').nth(1).textContent()).toContain('예외 대상');
    expect(await page.locator('.cert-list > li').nth(1).textContent()).toContain('만 18세 이하');
    await shotInBothLanguages(page, 'wallet-list');

    // Offline: the pass, the device key and the token are all on the phone; the assets in the service worker.
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await page.getByRole('button', { name: '입장용 QR 보기' }).first().click();
    await expect.poll(() => page.locator('.qr svg').count()).toBe(1);
    await shot(page, 'wallet-pass-ko.png');
    const text = await screenQr(page);
    expect(text.startsWith('GLP1:')).toBe(true);
    const report = await verifyPresentation(text, dsc.trust, { now: new Date() });
    expect(report.steps.filter((s) => s.ok === false)).toEqual([]);
    expect(report.verdict).toBe('valid');
    // A token of the last batch (its first, or a later one when a 15-second slot turned and the QR was drawn again).
    const batch = batches[batches.length - 1] as string[];
    const first = report.presentation?.token as string;
    expect(batch).toContain(first);

    // Shown again, still offline: the next QR carries the next token of the batch, never the same one.
    await page.getByRole('button', { name: '목록으로' }).click();
    await page.getByRole('button', { name: '입장용 QR 보기' }).first().click();
    await expect.poll(() => page.locator('.qr svg').count()).toBe(1);
    const again = await verifyPresentation(await screenQr(page), dsc.trust, { now: new Date() });
    expect(again.verdict).toBe('valid');
    expect(batch).toContain(again.presentation?.token);
    expect(batch.indexOf(again.presentation?.token as string)).toBeGreaterThan(batch.indexOf(first));

    // The same QR two slots later is refused: a screenshot goes stale.
    const stale = await verifyPresentation(text, dsc.trust, { now: new Date(Date.now() + 30_000) });
    expect(stale.steps.find((s) => s.name === 'SLOT')?.code).toBe('ERR_PRESENTATION_STALE');

    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('.validity').first().textContent()).toContain('Booster: no expiry');
    await shot(page, 'wallet-pass-en.png');
    await context.close();
  });

  it('asks for a fresh batch of tokens when few are left for today, and draws the next QR from it', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/wallet/`);
    await page.getByLabel('Mobile number or e-mail').fill('010-1234-5678');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByLabel('6-digit code').fill('123456');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.locator('.cert-list > li').count()).toBe(2);
    const handedOut = batches.length;
    // Three tokens are fewer than the wallet's low mark: showing a QR online fetches a fresh batch at once.
    await page.getByRole('button', { name: 'Show entry QR' }).first().click();
    await expect.poll(() => page.locator('.qr svg').count()).toBe(1);
    await expect.poll(() => batches.length).toBe(handedOut + 1);
    // The fresh batch is stored (the wallet's IndexedDB, as the page sees it) before the next QR is drawn.
    const storedFirstToken = () =>
      page.evaluate(
        () =>
          new Promise<string | undefined>((resolve, reject) => {
            const open = indexedDB.open('greenlight-wallet');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const get = open.result.transaction('settings').objectStore('settings').get('tokenBatches');
              get.onsuccess = () =>
                resolve((get.result as { tokens: string[] }[] | undefined)?.[0]?.tokens[0]);
              get.onerror = () => reject(get.error);
            };
          }),
      );
    await expect.poll(storedFirstToken).toBe(batches[batches.length - 1]?.[0]);
    await page.getByRole('button', { name: 'Back to list' }).click();
    await page.getByRole('button', { name: 'Show entry QR' }).first().click();
    await expect.poll(() => page.locator('.qr svg').count()).toBe(1);
    const report = await verifyPresentation(await screenQr(page), dsc.trust, { now: new Date() });
    expect(report.verdict).toBe('valid');
    expect(batches[batches.length - 1]).toContain(report.presentation?.token);
    await context.close();
  });

  it('imports a pasted paper certificate, shown without a device proof', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/wallet/`);
    await page.getByLabel('Paste the QR content (HC1: or shc:/)').fill(certificates[0]?.text as string);
    await page.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Certificate added');
    await page.getByLabel('Paste the QR content (HC1: or shc:/)').fill('HC1:NOT-A-CERTIFICATE');
    await page.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Could not read');
    await page.getByRole('button', { name: 'Show entry QR' }).click();
    await expect.poll(() => page.locator('.qr svg').count()).toBe(1);
    expect(await screenQr(page)).toBe(certificates[0]?.text);
    expect(await page.locator('.pass-card').textContent()).toContain('staff will check your ID');
    await page.getByRole('button', { name: 'Back to list' }).click();

    // A foreign SMART Health Card shows its doses and its status, not a bare name.
    await page.getByLabel('Paste the QR content (HC1: or shc:/)').fill(authority.shc);
    await page.getByRole('button', { name: 'Add' }).click();
    const card = page.locator('.cert-list > li').nth(1);
    await expect.poll(() => card.locator('.doses-list li').count()).toBe(2);
    // The holder sees the policy's verdict on the doses; the photo-ID check at the door is on its entry QR screen.
    expect(await card.locator('.holder-status').textContent()).toContain('Valid pass');
    expect(await card.textContent()).toContain('Jordan Doe');
    await card.getByRole('button', { name: 'Show entry QR' }).click();
    await expect.poll(() => page.locator('.qr svg').count()).toBe(1);
    expect(await page.locator('.pass-card').textContent()).toContain('staff will check your ID');
    await page.getByRole('button', { name: 'Back to list' }).click();
    await page.getByRole('button', { name: '한국어' }).click();
    await shotInBothLanguages(page, 'wallet-shc');
    await context.close();
  });

  /** The QR on screen with its version and error-correction level, read from its format information. */
  async function screenSymbol(page: Page) {
    const svg = await page.locator('.qr svg').evaluate((el) => el.outerHTML);
    const [symbol] = await readQrSymbols(await svgToPng(new TextEncoder().encode(svg)));
    return symbol;
  }

  it('shows the plain standard code only after telling the holder it can be photographed and reused', async () => {
    const context = await browser.newContext({
      locale: 'ko-KR',
      viewport: { width: 390, height: 844 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await page.goto(`${base}/wallet/`);
    await page.getByLabel('휴대전화 번호 또는 이메일').fill('010-1234-5678');
    await page.getByRole('button', { name: '인증번호 받기' }).click();
    await page.getByLabel('인증번호 6자리').fill('123456');
    await page.getByRole('button', { name: '로그인' }).click();
    await expect.poll(() => page.locator('.cert-list > li').count()).toBe(2);
    await page.getByRole('button', { name: '입장용 QR 보기' }).first().click();
    // The default stays the device-bound presentation, at level M as docs/presentation.md says.
    await expect.poll(() => page.locator('.qr svg').count()).toBe(1);
    const bound = await screenSymbol(page);
    expect(bound?.text.startsWith('GLP1:')).toBe(true);
    expect(bound?.ecLevel).toBe('M');

    await page.getByRole('button', { name: '해외용 표준 QR 보기' }).click();
    const warning = page.getByRole('alertdialog');
    expect(await warning.textContent()).toContain(
      '누군가 사진을 찍으면 다른 사람이 그 사진을 다시 보여 줄 수 있습니다',
    );
    expect(await page.locator('.qr svg').count()).toBe(0);
    await shotInBothLanguages(page, 'wallet-standard-warning');
    await page.getByRole('button', { name: '취소' }).click();
    expect((await screenSymbol(page))?.text.startsWith('GLP1:')).toBe(true);

    await page.getByRole('button', { name: '해외용 표준 QR 보기' }).click();
    await page.getByRole('button', { name: '알겠습니다. 표준 QR 보기' }).click();
    await expect.poll(async () => (await screenSymbol(page))?.text).toBe(certificates[0]?.text);
    const plain = await screenSymbol(page);
    // HC1 at level Q, as the hcert specification says.
    expect(plain?.ecLevel).toBe('Q');
    expect(await page.locator('.pass-card').textContent()).toContain('신분증 확인이 필요합니다');
    await shotInBothLanguages(page, 'wallet-standard-code');
    await page.getByRole('button', { name: '입장용 QR로 돌아가기' }).click();
    await expect.poll(async () => (await screenSymbol(page))?.text.startsWith('GLP1:')).toBe(true);
    await page.getByRole('button', { name: '목록으로' }).click();

    // A SMART Health Card: shc:/ at level L within version 22, and a .smart-health-card file saved from the phone.
    await page.getByLabel('QR 내용 붙여넣기 (HC1: 또는 shc:/)').fill(authority.shc);
    await page.getByRole('button', { name: '추가', exact: true }).click();
    await expect.poll(() => page.locator('.cert-list > li').count()).toBe(3);
    await page.locator('.cert-list > li').nth(2).getByRole('button', { name: '입장용 QR 보기' }).click();
    await expect.poll(() => page.locator('.qr svg').count()).toBe(1);
    const shcSymbol = await screenSymbol(page);
    expect(shcSymbol).toMatchObject({ text: authority.shc, ecLevel: 'L' });
    expect(shcSymbol?.version).toBeLessThanOrEqual(22);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'SMART Health Card 파일로 저장' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('greenlight.smart-health-card');
    const saved = JSON.parse(readFileSync((await download.path()) as string, 'utf8'));
    expect(Object.keys(saved)).toEqual(['verifiableCredential']);
    expect(saved.verifiableCredential).toHaveLength(1);
    expect(
      `shc:/${[...(saved.verifiableCredential[0] as string)].map((c) => String(c.charCodeAt(0) - 45).padStart(2, '0')).join('')}`,
    ).toBe(authority.shc);
    await shotInBothLanguages(page, 'wallet-shc-pass');
    await context.close();
  });

  it('shows a revoked pass as revoked after its next sync, with the reason', async () => {
    const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/wallet/`);
    await page.getByLabel('휴대전화 번호 또는 이메일').fill('010-1234-5678');
    await page.getByRole('button', { name: '인증번호 받기' }).click();
    await page.getByLabel('인증번호 6자리').fill('123456');
    await page.getByRole('button', { name: '로그인' }).click();
    const first = page.locator('.cert-list > li').first();
    await expect.poll(() => first.locator('.summary').getAttribute('data-verdict')).toBe('pass');

    await authority.revoke(certificates[0]?.text as string);
    await page.getByRole('button', { name: '증명서 다시 받기' }).click();
    await expect.poll(() => first.locator('.summary').getAttribute('data-verdict')).toBe('fail');
    expect(await first.textContent()).toContain('발급 기관이 취소한 증명서입니다');
    expect(await first.locator('svg.icon-fail').count()).toBe(1);
    // Only the revoked certificate: the family member's pass is still valid.
    expect(
      await page.locator('.cert-list > li').nth(1).locator('.summary').getAttribute('data-verdict'),
    ).toBe('exempt');
    await shotInBothLanguages(page, 'wallet-revoked');
    await page.getByRole('button', { name: '입장용 QR 보기' }).first().click();
    await expect
      .poll(() => page.locator('.card').first().textContent())
      .toContain('발급 기관이 취소한 증명서입니다');
    await shotInBothLanguages(page, 'wallet-revoked-pass');
    await context.close();
  });
});
