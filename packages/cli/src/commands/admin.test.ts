/** `greenlight admin bootstrap` on PGlite and PostgreSQL: the first administrator once, then a refusal. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapAdmin, migrate, openDb } from '@greenlight/server';
import { afterAll, describe, expect, it } from 'vitest';
import { authenticateStaff } from '../../../server/src/auth/staff.ts';
import { createPostgresDatabase } from '../../../server/test/databases.ts';
import { capture } from '../../test/capture.ts';

describe.each(['pglite', 'postgres'] as const)('greenlight admin bootstrap (%s)', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-admin-'));
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  async function target(): Promise<{ flags: string[]; open: () => ReturnType<typeof openDb> }> {
    if (kind === 'pglite') {
      return { flags: ['--data-dir', dir], open: () => openDb({ databaseUrl: undefined, dataDir: dir }) };
    }
    const database = await createPostgresDatabase();
    drop = database.drop;
    return {
      flags: ['--database-url', database.url],
      open: () => openDb({ databaseUrl: database.url, dataDir: dir, poolSize: 1 }),
    };
  }

  it('prints the first administrator’s token once, stores only its hash, audits it, then refuses', async () => {
    const { flags, open } = await target();
    const first = await capture(['admin', 'bootstrap', '--login', 'ops-lead', ...flags]);
    expect(first.code).toBe(0);
    expect(first.out).toHaveLength(1);
    const token = first.out[0] as string;
    expect(token).toMatch(/^st_[A-Za-z0-9_-]{43}$/);
    expect(first.err.join('\n')).toContain('shown only now');

    const again = await capture(['admin', 'bootstrap', '--login', 'someone-else', ...flags]);
    expect(again.code).toBe(2);
    expect(again.out).toEqual([]);
    expect(again.err.join('\n')).toContain('ERR_ADMIN_EXISTS');

    const db = await open();
    try {
      expect(await authenticateStaff(db, `Bearer ${token}`, ['admin'])).toEqual({
        login: 'ops-lead',
        role: 'admin',
        venueId: null,
      });
      const { rows } = await db.query<{ login: string; hash: string }>(
        "SELECT login, token_hash AS hash FROM staff_tokens WHERE role = 'admin'",
      );
      expect(rows.map((r) => r.login)).toEqual(['ops-lead']);
      expect(rows[0]?.hash).not.toContain(token);
      const audit = await db.query<{ action: string; subject: string }>(
        "SELECT action, subject FROM audit_log WHERE action = 'staff.admin.bootstrap'",
      );
      expect(audit.rows).toEqual([{ action: 'staff.admin.bootstrap', subject: 'ops-lead' }]);
    } finally {
      await db.close();
    }
  });

  it('makes one administrator when two bootstraps run at once', async () => {
    const database = kind === 'postgres' ? await createPostgresDatabase() : undefined;
    const dataDir = mkdtempSync(join(tmpdir(), 'greenlight-admin-race-'));
    const db = await openDb({ databaseUrl: database?.url, dataDir, poolSize: 4 });
    try {
      await migrate(db);
      // Open the pool's connections first, so that the three transactions really overlap on PostgreSQL.
      await Promise.all([1, 2, 3, 4].map(() => db.query('SELECT pg_sleep(0.05)')));
      const results = await Promise.allSettled(
        ['first', 'second', 'third'].map((login) => bootstrapAdmin(db, login)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const result of results.filter((r) => r.status === 'rejected')) {
        expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_ADMIN_EXISTS' });
      }
      const { rows } = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM staff_tokens WHERE role = 'admin'",
      );
      expect(rows[0]?.n).toBe(1);
    } finally {
      await db.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses bad usage with exit 2', async () => {
    expect((await capture(['admin', 'bootstrap', '--login', 'has space'])).code).toBe(2);
    expect((await capture(['admin', 'promote'])).code).toBe(2);
    expect((await capture(['admin'])).code).toBe(2);
  });
});
