import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, type TestDb, testDb } from '../test/databases.ts';
import { buildApp } from './app.ts';

describe.each(DB_KINDS)('app (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await testDb(kind);
    await t.db.query(
      `INSERT INTO venues (id, name, category, address) VALUES
       ('0190a000-0000-7000-8000-000000000001', 'Cafe Haneul', 'cafe', 'Seoul'),
       ('0190a000-0000-7000-8000-000000000002', 'Gym Bada', 'gym', 'Busan')`,
    );
    app = await buildApp({ db: t.db, closeDb: false, logger: false });
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  it('is alive and ready', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: kind });
  });

  it('serves Prometheus metrics, counting requests by route pattern', async () => {
    await app.inject('/v1/venues?category=cafe');
    const metrics = await app.inject('/metrics');
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(
      /greenlight_http_requests_total\{route="\/v1\/venues",method="GET",status="200"\} 1/,
    );
    expect(metrics.body).toContain('greenlight_db_up 1');
    expect(metrics.body).toContain('process_cpu_seconds_total');
  });

  it('publishes the OpenAPI document and a local docs page', async () => {
    const doc = (await app.inject('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/v1/venues']));
    const docs = await app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
    expect(docs.body).not.toMatch(/https?:\/\/(cdn|unpkg)/);
  });

  it('lists venues, filtered by category', async () => {
    const res = await app.inject('/v1/venues?category=gym');
    expect(res.statusCode).toBe(200);
    expect(res.json().venues).toEqual([
      { id: '0190a000-0000-7000-8000-000000000002', name: 'Gym Bada', category: 'gym', address: 'Busan' },
    ]);
  });

  it.each([
    ['/v1/venues?limit=0', 400, 'ERR_VALIDATION'],
    ['/v1/venues?limit=abc', 400, 'ERR_VALIDATION'],
    ['/v1/venues?category=DROP%20TABLE', 400, 'ERR_VALIDATION'],
    ['/nope', 404, 'ERR_NOT_FOUND'],
  ])('answers %s with %i %s', async (url, status, code) => {
    const res = await app.inject(url);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code, message: expect.any(String) });
  });

  it('never answers a malformed body with a 500', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/venues',
      headers: { 'content-type': 'application/json' },
      payload: '{"broken',
    });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    expect(bad.json().code).toMatch(/^ERR_/);
  });

  it('answers any query string, path or body with something other than a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/venues', '/readyz', '/v1/trust/dscs', '/.well-known/jwks.json', '/healthz'),
        fc.string({ maxLength: 40 }),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        fc.string({ maxLength: 60 }),
        async (path, query, method, body) => {
          const res = await app.inject({
            method: method as 'GET',
            url: `${path}?${encodeURIComponent(query)}=${encodeURIComponent(body)}&limit=${encodeURIComponent(query)}`,
            ...(method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, payload: body }),
          });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode >= 400) expect(res.json().code).toMatch(/^ERR_[A-Z_]+$/);
        },
      ),
      { numRuns: 150 },
    );
  });
});
