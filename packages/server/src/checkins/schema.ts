/** Applies the check-in migration (version 100) through the foundation's `migrate`, once per database. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type Migration, migrate } from '../db/migrate';
import type { Db } from '../db/types';
import { ensureCheckinPartitions } from './partitions';

const FILE = fileURLToPath(new URL('./migrations/100_checkins.sql', import.meta.url));

export function checkinMigration(): Migration {
  const sql = readFileSync(FILE, 'utf8');
  return { version: 100, name: 'checkins', sql, checksum: createHash('sha256').update(sql).digest('hex') };
}

/** Idempotent: a no-op once version 100 is in `schema_migrations`. */
export async function migrateCheckins(db: Db): Promise<void> {
  await migrate(db, [checkinMigration()]);
}

const ready = new WeakMap<Db, Promise<void>>();

/**
 * Migrates and creates today's partitions once per database handle. A failure (the database is down at start)
 * is not remembered: the next caller tries again, so the app starts without its database and recovers.
 */
export function ensureCheckinSchema(db: Db, now: Date): Promise<void> {
  let done = ready.get(db);
  if (!done) {
    done = (async () => {
      await migrateCheckins(db);
      await ensureCheckinPartitions(db, now);
    })();
    done.catch(() => ready.delete(db));
    ready.set(db, done);
  }
  return done;
}

/**
 * For the route plugins: try now (logging a failure, so that the app still starts), and before each of the
 * plugin's requests until it has worked (a database error then answers 503 like any other).
 */
export async function prepareCheckinSchema(app: FastifyInstance, db: Db): Promise<void> {
  try {
    await ensureCheckinSchema(db, app.now());
  } catch (error) {
    app.log.warn({ err: error }, 'check-in schema not ready; will retry on the first request');
  }
  app.addHook('preHandler', async () => {
    await ensureCheckinSchema(db, app.now());
  });
}
