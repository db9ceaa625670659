import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/src/app.ts';
import { type TestDb, testDb } from '../../../server/test/databases.ts';
import { checkTarget, runSurge, surge } from './surge.ts';

describe('greenlight surge', () => {
  let t: TestDb;
  let app: FastifyInstance;
  let target: string;
  beforeAll(async () => {
    t = await testDb('postgres');
    app = await buildApp({
      db: t.db,
      closeDb: false,
      logger: false,
      checkins: { ingestion: { retention: false }, outages: { probeIntervalMs: 0 } },
    });
    target = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  it('drives devices, then finds every acknowledged entry stored exactly once', async () => {
    const lines: string[] = [];
    const report = await runSurge({
      target,
      rate: 1000,
      durationS: 2,
      venues: 5,
      batch: 20,
      drainS: 20,
      databaseUrl: t.url,
      progress: (line) => lines.push(line),
    });
    expect(report.sent).toBeGreaterThan(1500);
    expect(report).toMatchObject({
      acked: report.sent,
      stored: report.sent,
      duplicates: 0,
      lost: 0,
      unacked: 0,
    });
    expect(report.p99_ms).toBeGreaterThanOrEqual(report.p50_ms);
    expect(lines.some((line) => line.startsWith('surge '))).toBe(true);
  });

  it('targets this machine only and checks its options', async () => {
    expect(() => checkTarget('http://example.com:8080')).toThrow(/127\.0\.0\.1/);
    expect(checkTarget('http://127.0.0.1:8080').port).toBe('8080');
    expect(await surge.run(['--target', 'http://10.0.0.1:80', '--rate', '1', '--duration', '1'])).toBe(2);
    expect(await surge.run(['--target', 'http://127.0.0.1:80', '--rate', '0', '--duration', '1'])).toBe(2);
  });
});
