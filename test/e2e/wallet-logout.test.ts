/**
 * The wallet's logout in Debian's Chromium ends the session on the server (`POST /v1/auth/logout`); a logout made
 * offline is sent the next time the wallet opens online. A small HTTP server plays the holder API and records it.
 */
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bodyOf,
  buildApp,
  haveChromium,
  json,
  launchChromium,
  serveApps,
  shot,
  waitForServiceWorker,
} from './support/browser.ts';

describe.skipIf(!haveChromium)('wallet logout in Chromium', () => {
  let server: Server;
  let base: string;
  let browser: Browser;
  let sessions = 0;
  /** Session tokens the server holds; logout removes one. */
  const live = new Set<string>();
  const logouts: string[] = [];

  beforeAll(async () => {
    buildApp('wallet');
    ({ server, base } = await serveApps(async (req, res, url) => {
      if (!url.pathname.startsWith('/v1/')) return false;
      const body = req.method === 'POST' ? await bodyOf(req) : '';
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (url.pathname === '/v1/auth/otp') json(res, 200, { sent: true });
      else if (url.pathname === '/v1/auth/otp/verify') {
        expect(JSON.parse(body)).toMatchObject({ code: '123456' });
        const minted = `session-${++sessions}`;
        live.add(minted);
        json(res, 200, { token: minted });
      } else if (!live.has(token)) json(res, 401, { code: 'ERR_UNAUTHORIZED', message: 'log in first' });
      else if (url.pathname === '/v1/auth/logout' && req.method === 'POST') {
        live.delete(token);
        logouts.push(token);
        json(res, 200, { revoked: true });
      } else if (url.pathname === '/v1/me/certificates') json(res, 200, { certificates: [] });
      else if (url.pathname === '/v1/me/devices') json(res, 200, { bindings: {} });
      else if (url.pathname === '/v1/me/checkin-tokens') json(res, 200, { tokens: [] });
      else json(res, 404, { code: 'ERR_NOT_FOUND', message: url.pathname });
      return true;
    }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function loggedIn(locale: string) {
    const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/wallet/`);
    const ko = locale.startsWith('ko');
    await page.getByLabel(ko ? '휴대전화 번호 또는 이메일' : 'Mobile number or e-mail').fill('010-1234-5678');
    await page.getByRole('button', { name: ko ? '인증번호 받기' : 'Send me a code' }).click();
    await page.getByLabel(ko ? '인증번호 6자리' : '6-digit code').fill('123456');
    await page.getByRole('button', { name: ko ? '로그인' : 'Log in' }).click();
    const logout = page.getByRole('button', { name: ko ? '로그아웃' : 'Log out' });
    await expect.poll(() => logout.count()).toBe(1);
    return { context, page, logout };
  }

  it('revokes the session on the server when the holder logs out', async () => {
    const { context, page, logout } = await loggedIn('ko-KR');
    const token = `session-${sessions}`;
    await shot(page, 'wallet-logged-in-ko.png');
    await logout.click();
    await expect.poll(() => logouts).toContain(token);
    expect(live.has(token)).toBe(false);
    await expect.poll(() => page.getByRole('button', { name: '인증번호 받기' }).count()).toBe(1);
    await shot(page, 'wallet-logged-out-ko.png');
    await context.close();
  });

  it('sends an offline logout the next time the wallet opens online', async () => {
    const { context, page, logout } = await loggedIn('en-GB');
    const token = `session-${sessions}`;
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await logout.click();
    await expect.poll(() => page.getByRole('button', { name: 'Send me a code' }).count()).toBe(1);
    await shot(page, 'wallet-logged-out-offline-en.png');
    expect(logouts).not.toContain(token);
    expect(live.has(token)).toBe(true);
    await context.setOffline(false);
    await page.reload();
    await expect.poll(() => logouts).toContain(token);
    expect(live.has(token)).toBe(false);
    await context.close();
  });
});
