/**
 * Browser-test helpers for the scanner's storage: the promise of persistent storage that a venue tablet gives an
 * installed app (Chromium's `durableStorage` permission, through the DevTools protocol, since headless Chromium
 * grants it to no site by itself), and the browser's own process id (to kill it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';

/**
 * Grants `navigator.storage.persist()` to `origin` in the page's browser context, as an installed app has it. A
 * launched browser takes the grant on its own DevTools session, for the context's id; a persistent context (no
 * browser object) takes it on the page's session, for its default context.
 */
export async function allowPersistentStorage(page: Page, origin: string): Promise<void> {
  const pageSession = await page.context().newCDPSession(page);
  const browser = page.context().browser();
  const session = browser ? await browser.newBrowserCDPSession() : pageSession;
  const { targetInfo } = (await pageSession.send('Target.getTargetInfo')) as {
    targetInfo: { browserContextId?: string };
  };
  // The sessions stay attached: Chromium drops a session's permission overrides when it detaches.
  await session.send('Browser.grantPermissions', {
    origin,
    permissions: ['durableStorage'],
    ...(browser && targetInfo.browserContextId ? { browserContextId: targetInfo.browserContextId } : {}),
  });
}

/** A new page of `context` whose origin has persistent storage. */
export async function persistentPage(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  await allowPersistentStorage(page, origin);
  return page;
}

/** The process id of the Chromium browser (not a renderer or helper) started with this user data directory. */
export function browserPid(userDataDir: string): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (args.includes(`--user-data-dir=${userDataDir}`) && !args.some((a) => a.startsWith('--type=')))
      return Number(name);
  }
  throw new Error(`no Chromium browser process for ${userDataDir}`);
}
