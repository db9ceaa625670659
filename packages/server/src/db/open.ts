/** Opens the configured database: PostgreSQL when a URL is given, PGlite in the data directory otherwise. */
import { openPglite } from './pglite.ts';
import { openPostgres, type PostgresOptions } from './postgres.ts';
import type { Db } from './types.ts';

export interface OpenDbOptions extends PostgresOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; undefined keeps PGlite in memory. */
  dataDir?: string | undefined;
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openPglite(options.dataDir);
}
