/** The readiness check of the database (what /readyz and the outage probe run). */
import type { Db } from './types.ts';

/** Resolves when the database answers; rejects (ERR_DB_UNAVAILABLE from the drivers) when it does not. */
export async function pingDb(db: Db): Promise<void> {
  await db.query('SELECT 1');
}
