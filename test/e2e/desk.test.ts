/**
 * The desk in Debian's Chromium against the real server (PGlite, demo registry): a staff member logs in with the
 * printed staff credential, searches the registry, prints a paper pass, records a sticker (after confirming; a
 * second one is refused), revokes a certificate (which then appears in the signed revocation bundle), is refused
 * the print and the sticker with reasons, reissues after confirming and prints the new pass, and reads the outage
 * log, in Korean and English.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JWK, verifyBundle } from '@greenlight/codec';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../packages/server/src/main.ts';
import { buildApp, haveChromium, launchChromium, shot, shotInBothLanguages } from './support/browser.ts';

describe.skipIf(!haveChromium)('desk in Chromium, on the real server', () => {
  const work = mkdtempSync(join(tmpdir(), 'greenlight-desk-'));
  const printed: string[] = [];
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    buildApp('desk', join(work, 'apps'));
    server = await startServer(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        GREENLIGHT_DATA_DIR: join(work, 'data'),
        GREENLIGHT_APPS_DIR: join(work, 'apps'),
      },
      { print: (text) => printed.push(text) },
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('searches, prints, records a sticker, revokes, refuses print and sticker, reissues and prints, and shows the outage log', async () => {
    const seed = printed.join('\n');
    const staff = /desk (\S+)/.exec(seed)?.[1];
    const holder = /^\s+\+82-10-\d{4}-\d{4}\s+(.+) \((KR-\d+)\): booster/m.exec(seed);
    expect(staff, seed).toBeDefined();
    expect(holder, seed).not.toBeNull();
    const [, name, externalId] = holder as RegExpExecArray;
    const base = server.url.replace('127.0.0.1', 'localhost');
    const { keys } = (await (await fetch(`${base}/.well-known/greenlight/publication-keys.json`)).json()) as {
      keys: JWK[];
    };
    const revocationVersion = async () => {
      const bytes = new Uint8Array(await (await fetch(`${base}/v1/bundles/revocation`)).arrayBuffer());
      return (await verifyBundle(bytes, keys, { kind: 'revocation' })).version;
    };
    const versionBefore = await revocationVersion();

    const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1024, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/desk/`);
    await expect.poll(() => page.title()).toBe('Greenlight 민원 창구');
    await shotInBothLanguages(page, 'desk-login');
    await page.getByLabel('직원 인증키').fill(staff as string);
    await page.getByRole('button', { name: '로그인' }).click();

    await page.getByLabel('이름, 생년월일 또는 등록번호').fill(externalId as string);
    await page.getByRole('button', { name: '검색' }).click();
    await expect.poll(() => page.locator('table').first().textContent()).toContain(name as string);
    expect(await page.getByRole('heading', { name: '검색 결과 1명' }).count()).toBe(1);

    // The paper pass: a PDF fetched with the staff credential, opened in a new tab.
    const [pdf, tab] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/pass.pdf')),
      context.waitForEvent('page'),
      page.getByRole('button', { name: '종이 증명서 출력' }).click(),
    ]);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    const pdfBytes = await fetch(pdf.url(), { headers: { authorization: `Bearer ${staff}` } });
    expect(new TextDecoder().decode(new Uint8Array(await pdfBytes.arrayBuffer()).subarray(0, 5))).toBe(
      '%PDF-',
    );
    expect(tab.url()).toMatch(/^blob:/);
    expect(page.url()).toBe(`${base}/desk/`);
    await tab.close();

    // A sticker is recorded only after the desk confirms; a second one for the same certificate is refused.
    await page.getByRole('button', { name: '스티커 발급 기록' }).click();
    await expect.poll(() => page.locator('[data-confirm="sticker"]').count()).toBe(1);
    await shotInBothLanguages(page, 'desk-sticker-confirm');
    await page.getByRole('button', { name: '네, 기록합니다' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('스티커 발급을 기록했습니다');
    await page.getByRole('button', { name: '스티커 발급 기록' }).click();
    await page.getByRole('button', { name: '네, 기록합니다' }).click();
    const exists = page.locator('[data-refused="sticker-exists"]');
    await expect.poll(() => exists.count()).toBe(1);
    expect(await exists.textContent()).toContain('이미 스티커를 발급했습니다');
    await shotInBothLanguages(page, 'desk-sticker-exists');

    // Revoking asks for a reason, marks the certificate, and republishes the revocation bundle.
    page.once('dialog', (dialog) => void dialog.accept('분실 신고 (lost phone reported)'));
    await page.getByRole('button', { name: 'EU 증명서 취소' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('다음 취소 목록에 반영');
    await expect.poll(() => page.locator('.tag').first().textContent()).toBe('EU 증명서 취소됨');
    expect(await revocationVersion()).toBeGreaterThan(versionBefore);
    // A revoked pass is not printed: the desk says why and what must happen instead.
    const refusal = page.locator('[data-refused="print"]');
    await expect.poll(() => refusal.count()).toBe(1);
    expect(await refusal.textContent()).toContain('취소되었습니다');
    expect(await refusal.textContent()).toContain('재발급');
    expect(await page.getByRole('button', { name: '종이 증명서 출력' }).count()).toBe(0);
    await shotInBothLanguages(page, 'desk-print-refused');

    // The sticker guard decides as the scanners do: a revoked certificate gets no sticker, and the desk reads why.
    await page.getByRole('button', { name: '스티커 발급 기록' }).click();
    await page.getByRole('button', { name: '네, 기록합니다' }).click();
    const stickerRefusal = page.locator('[data-refused="sticker"]');
    await expect.poll(() => stickerRefusal.count()).toBe(1);
    expect(await stickerRefusal.textContent()).toContain('스티커를 발급할 수 없습니다');
    expect(await stickerRefusal.locator('li').count()).toBeGreaterThan(0);
    expect(await stickerRefusal.textContent()).not.toMatch(/ERR_|REVOKED/);
    await shotInBothLanguages(page, 'desk-sticker-refused');

    // Reissue: confirm, then the new certificate is signed and printed at once; the revoked one stays revoked.
    await page.getByRole('button', { name: '재발급', exact: true }).click();
    await expect.poll(() => page.locator('[data-confirm="reissue"]').count()).toBe(1);
    await shotInBothLanguages(page, 'desk-reissue-confirm');
    const [reissued, reprinted, newTab] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/reissue')),
      page.waitForResponse((r) => r.url().endsWith('/pass.pdf')),
      context.waitForEvent('page'),
      page.getByRole('button', { name: '재발급하고 출력' }).click(),
    ]);
    expect(reissued.status()).toBe(200);
    expect(((await reissued.json()) as { generation: number }).generation).toBe(1);
    expect(reprinted.status()).toBe(200);
    expect(newTab.url()).toMatch(/^blob:/);
    await newTab.close();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('새 증명서를 발급했습니다');
    await expect.poll(() => refusal.count()).toBe(0);
    expect(await page.locator('.tag').count()).toBe(0);
    expect(await page.getByRole('button', { name: '종이 증명서 출력' }).count()).toBe(1);
    expect(await revocationVersion()).toBeGreaterThan(versionBefore);
    await shotInBothLanguages(page, 'desk-reissued');
    await expect.poll(() => page.locator('section.card').last().textContent()).toContain('장애 기록');
    await shot(page, 'desk-search-ko.png');

    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.title()).toBe('Greenlight desk');
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('new certificate');
    expect(await page.locator('section.card').last().textContent()).toContain('Outage log');
    await shot(page, 'desk-search-en.png');
    await context.close();
  });
});
