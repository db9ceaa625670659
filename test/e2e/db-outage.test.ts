/**
 * Fault test against the machine's PostgreSQL: the app's database becomes unreachable while it serves (its
 * connections are terminated and new ones refused), then comes back. The PostgreSQL service itself is never
 * stopped: other tests use it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../packages/server/src/app.ts';
import { migrate } from '../../packages/server/src/db/migrate.ts';
import { openPostgres } from '../../packages/server/src/db/postgres.ts';
import type { Db } from '../../packages/server/src/db/types.ts';
import { adminQuery, createPostgresDatabase } from '../../packages/server/test/databases.ts';

async function expectUnavailable(app: FastifyInstance, url: string): Promise<void> {
  const started = performance.now();
  const res = await app.inject(url);
  expect(res.statusCode).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.json()).toEqual({ code: 'ERR_DB_UNAVAILABLE', message: expect.any(String) });
  // Answered quickly, not after queueing for ever.
  expect(performance.now() - started).toBeLessThan(5000);
}

describe('database outage (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let db: Db;
  let app: FastifyInstance;
  const poolErrors: Error[] = [];

  beforeAll(async () => {
    database = await createPostgresDatabase();
    db = openPostgres(database.url, {
      poolSize: 4,
      connectTimeoutMs: 1000,
      onPoolError: (e) => poolErrors.push(e),
    });
    await migrate(db);
    await db.query(
      "INSERT INTO venues (id, name, category) VALUES ('0190a000-0000-7000-8000-000000000001', 'Cafe', 'cafe')",
    );
    app = await buildApp({ db, logger: false });
  });
  afterAll(async () => {
    await adminQuery(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`).catch(() => {});
    await app?.close();
    await database?.drop();
  });

  it('answers 503 ERR_DB_UNAVAILABLE with Retry-After while the database is gone, then recovers without a restart', async () => {
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    expect((await app.inject('/v1/venues')).statusCode).toBe(200);

    await adminQuery(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
    await adminQuery(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database.name}' AND pid <> pg_backend_pid()`,
    );
    await expectUnavailable(app, '/readyz');
    await expectUnavailable(app, '/v1/venues');
    await expectUnavailable(app, '/v1/trust/dscs');
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/metrics')).body).toContain('greenlight_db_up 0');

    await adminQuery(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    const venues = await app.inject('/v1/venues');
    expect(venues.statusCode).toBe(200);
    expect(venues.json().venues).toHaveLength(1);
  });

  it('answers 503 quickly when the server is not there at all', async () => {
    const nowhere = openPostgres('postgres://postgres@127.0.0.1:1/none', { connectTimeoutMs: 500 });
    const lonely = await buildApp({ db: nowhere, logger: false });
    try {
      await expectUnavailable(lonely, '/readyz');
      await expectUnavailable(lonely, '/v1/venues');
    } finally {
      await lonely.close();
    }
  });
});
