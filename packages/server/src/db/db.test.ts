import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { writeAudit } from '../audit.ts';
import { loadMigrations, migrate } from './migrate.ts';

describe.each(DB_KINDS)('database (%s)', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await testDb(kind);
  });
  afterAll(async () => {
    await t?.release();
  });

  it('applies every migration once; a second run is a no-op', async () => {
    const { rows } = await t.db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((row) => row.version)).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrate(t.db)).toEqual([]);
  });

  it('refuses a migration that changed after it was applied', async () => {
    const changed = loadMigrations().map((m) => ({ ...m, checksum: 'x' }));
    await expect(migrate(t.db, changed)).rejects.toMatchObject({ code: 'ERR_MIGRATION' });
  });

  it('rolls back a failed migration whole', async () => {
    const broken = [
      ...loadMigrations(),
      { version: 99, name: 'broken', sql: 'CREATE TABLE half (id int); SELECT nope;', checksum: 'b' },
    ];
    await expect(migrate(t.db, broken)).rejects.toMatchObject({ code: 'ERR_MIGRATION' });
    const { rows } = await t.db.query("SELECT to_regclass('half') AS t");
    expect(rows[0]).toEqual({ t: null });
  });

  it('copies rows with NULLs, quotes and empty strings intact', async () => {
    await t.db.exec('CREATE TABLE copy_probe (a text, b text, n integer)');
    const copied = await t.db.copyFrom(
      'copy_probe',
      ['a', 'b', 'n'],
      [
        ['say "hi", ok', null, 1],
        ['', '한글', 2],
      ],
    );
    expect(copied).toBe(2);
    const { rows } = await t.db.query('SELECT a, b, n FROM copy_probe ORDER BY n');
    expect(rows).toEqual([
      { a: 'say "hi", ok', b: null, n: 1 },
      { a: '', b: '한글', n: 2 },
    ]);
  });

  it('rolls a transaction back when it throws', async () => {
    await t.db.exec('CREATE TABLE tx_probe (n integer)');
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (1)');
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM tx_probe');
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('keeps the audit log append-only', async () => {
    await writeAudit(t.db, { actor: 'test', action: 'probe' });
    await expect(t.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(t.db.query("UPDATE audit_log SET actor = 'x'")).rejects.toThrow(/append-only/);
  });
});
