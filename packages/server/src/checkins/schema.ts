/** Applies the check-in migration (version 100) through the foundation's `migrate`. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Migration, migrate } from '../db/migrate';
import type { Db } from '../db/types';

const FILE = fileURLToPath(new URL('./migrations/100_checkins.sql', import.meta.url));

export function checkinMigration(): Migration {
  const sql = readFileSync(FILE, 'utf8');
  return { version: 100, name: 'checkins', sql, checksum: createHash('sha256').update(sql).digest('hex') };
}

/** Idempotent: a no-op once version 100 is in `schema_migrations`. */
export async function migrateCheckins(db: Db): Promise<void> {
  await migrate(db, [checkinMigration()]);
}
