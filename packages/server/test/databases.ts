/** Test databases: a fresh in-memory PGlite, and a fresh PostgreSQL database per call (dropped on release). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite.ts';
import { openPostgres, type PostgresOptions } from '../src/db/postgres.ts';
import type { Db } from '../src/db/types.ts';

/** The machine's PostgreSQL; tests create and drop their own databases in it, never touch others. */
export const TEST_PG_ADMIN_URL =
  process.env.GREENLIGHT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDb {
  db: Db;
  /** PostgreSQL only: the URL of the fresh database. */
  url?: string;
  /** PostgreSQL only: its name. */
  name?: string;
  release(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createPostgresDatabase(): Promise<{
  name: string;
  url: string;
  drop(): Promise<void>;
}> {
  const name = `greenlight_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

export async function adminQuery(sql: string): Promise<void> {
  await admin((client) => client.query(sql));
}

export type DbKind = 'pglite' | 'postgres';
export const DB_KINDS: DbKind[] = ['pglite', 'postgres'];

/** A migrated, empty database of the given kind. */
export async function testDb(kind: DbKind, options: PostgresOptions = {}): Promise<TestDb> {
  if (kind === 'pglite') {
    const db = await openPglite();
    await migrate(db);
    return { db, release: () => db.close() };
  }
  const database = await createPostgresDatabase();
  const db = openPostgres(database.url, options);
  await migrate(db);
  return {
    db,
    url: database.url,
    name: database.name,
    release: async () => {
      await db.close();
      await database.drop();
    },
  };
}
