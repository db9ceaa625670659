/**
 * `npm start` as a person runs it: a fresh data directory, the first start, a request, then SIGTERM and SIGINT.
 * In production mode (`NODE_ENV=Production`, any case): the public development secret is refused, a first start on
 * an empty PostgreSQL database seeds nothing and prints no credential, and `greenlight admin bootstrap` makes the
 * first administrator once.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_KEY_SECRET } from '../../packages/server/src/config.ts';
import { openPostgres } from '../../packages/server/src/db/postgres.ts';
import { createPostgresDatabase } from '../../packages/server/test/databases.ts';

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

/**
 * What a printed credential looks like: the seed's partner secret line, a staff token, a venue device credential,
 * and any 32-byte base64url secret (43 characters) at all.
 */
const CREDENTIAL_SHAPES = [
  /client_secret=/,
  /\bst_[A-Za-z0-9_-]{43}\b/,
  /\b[0-9a-f]{16}\.[A-Za-z0-9_-]{43}\b/,
  /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/,
  /one-time code for/,
];

describe('npm start in production mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-prod-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses the public development secret, and no secret at all, with NODE_ENV=Production', async () => {
    for (const secret of [DEV_KEY_SECRET, '']) {
      const run = start(dir, { NODE_ENV: 'Production', GREENLIGHT_KEY_SECRET: secret });
      const [code] = await once(run.child, 'exit');
      expect(code).not.toBe(0);
      expect(run.output()).toMatch(/ERR_CONFIG: GREENLIGHT_KEY_SECRET (is a public secret|is required)/);
      expect(run.output()).not.toMatch(/Greenlight server on/);
    }
  }, 120_000);

  it('seeds nothing and prints no credential on an empty database; admin bootstrap works once', async () => {
    const database = await createPostgresDatabase();
    const db = openPostgres(database.url);
    try {
      const env = {
        NODE_ENV: 'production',
        GREENLIGHT_KEY_SECRET: 'an operator secret that is not in any repository 7f3a9c',
        DATABASE_URL: database.url,
        LOG_LEVEL: 'info',
      };
      const server = start(dir, env);
      const url = await waitForUrl(server.output, server.child);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      // A login request for a number that would be a demo holder's: nothing is sent, nothing printed.
      await fetch(`${url}/v1/auth/otp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contact: '010-1000-0001' }),
      });
      server.child.kill('SIGTERM');
      expect((await once(server.child, 'exit'))[0]).toBe(0);
      // Key ids are public (published in the trust list and the JWKS); an SHC kid is 43 base64url characters too.
      const output = server.output().replace(/"kid":"[^"]*"/g, '"kid":"(public)"');
      expect(output).not.toMatch(/Seeded/);
      expect(output).toMatch(/"kid":"\(public\)"/);
      for (const shape of CREDENTIAL_SHAPES) expect(output, String(shape)).not.toMatch(shape);
      for (const table of ['people', 'partner_clients', 'staff_tokens', 'venue_devices', 'venues']) {
        const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
        expect([table, rows[0]?.n]).toEqual([table, 0]);
      }

      // The first administrator: shown once, on this terminal only; a second bootstrap is refused.
      const bootstrap = () =>
        spawnSync(
          process.execPath,
          ['--conditions=source', '--import', 'tsx', 'packages/cli/bin/greenlight.js', 'admin', 'bootstrap'],
          { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 },
        );
      const first = bootstrap();
      expect([first.status, first.stderr]).toEqual([0, expect.stringContaining('shown only now')]);
      expect(first.stdout.trim()).toMatch(/^st_[A-Za-z0-9_-]{43}$/);
      const second = bootstrap();
      expect(second.status).toBe(2);
      expect(second.stdout).toBe('');
      expect(second.stderr).toContain('ERR_ADMIN_EXISTS');
      const { rows } = await db.query<{ role: string }>('SELECT role FROM staff_tokens');
      expect(rows).toEqual([{ role: 'admin' }]);
    } finally {
      await db.close();
      await database.drop();
    }
  }, 240_000);
});
