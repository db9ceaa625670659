/** `npm start` as a person runs it: a fresh data directory, the first start, a request, then SIGTERM and SIGINT. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function start(
  dataDir: string,
  extraEnv: Record<string, string> = {},
): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['scripts/start.js'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', GREENLIGHT_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

async function waitForUrl(output: () => string, child: ChildProcess): Promise<string> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const match = /Greenlight server on (http:\/\/\S+)/.exec(output());
    if (match) return match[1] as string;
    if (child.exitCode !== null) throw new Error(`exited early:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no URL after 90 s:\n${output()}`);
}

describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seeds on first start, serves, and stops cleanly on SIGTERM, then on SIGINT', async () => {
    const first = start(dir, { GREENLIGHT_SEED: '1' });
    const url = await waitForUrl(first.output, first.child);
    expect(first.output()).toMatch(/Seeded a demo registry: 3000 people/);
    expect(first.output()).toMatch(/client_secret=\S{32}/);
    expect(first.output()).toMatch(/GREENLIGHT_KEY_SECRET is not set/);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    first.child.kill('SIGTERM');
    const [code] = await once(first.child, 'exit');
    expect(code).toBe(0);

    // The second start finds the data directory: no second seed, same keys.
    const second = start(dir);
    const url2 = await waitForUrl(second.output, second.child);
    expect(second.output()).not.toMatch(/Seeded/);
    const venues = (await (await fetch(`${url2}/v1/venues`)).json()) as { venues: unknown[] };
    expect(venues.venues).toHaveLength(5);
    second.child.kill('SIGINT');
    const [code2] = await once(second.child, 'exit');
    expect(code2).toBe(0);
  }, 180_000);
});
