/** The bootstrap's seed in production with GREENLIGHT_SEED=1: the registry, and not one credential made or printed. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { bootstrap } from './bootstrap.ts';
import { readConfig } from './config.ts';
import { openPglite } from './db/pglite.ts';

describe('bootstrap in production with GREENLIGHT_SEED=1', () => {
  it('seeds the demo registry but makes no staff token or device and prints no credential', async () => {
    const config = readConfig({
      NODE_ENV: 'PRODUCTION',
      GREENLIGHT_KEY_SECRET: 'an operator secret that is in no repository 1b2c3d4e',
      GREENLIGHT_SEED: '1',
    });
    const db = await openPglite();
    const printed: string[] = [];
    try {
      await bootstrap(db, config, pino({ level: 'silent' }), (text) => printed.push(text));
      const text = printed.join('\n');
      expect(text).toMatch(/Seeded a demo registry: 3000 people/);
      expect(text).toContain('greenlight admin bootstrap');
      expect(text).not.toMatch(/client_secret|st_[A-Za-z0-9_-]{43}|[0-9a-f]{16}\.[A-Za-z0-9_-]{43}/);
      const count = async (table: string) =>
        (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;
      expect([await count('people'), await count('staff_tokens'), await count('venue_devices')]).toEqual([
        3000, 0, 0,
      ]);
    } finally {
      await db.close();
    }
  }, 120_000);
});
