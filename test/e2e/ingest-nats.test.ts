/** Scale-out mode against a private nats-server: idempotent by event id, acked after JetStream, written by workers. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../packages/server/src/app.ts';
import { createVenueDevice } from '../../packages/server/src/auth/devices.ts';
import { type TestDb, testDb } from '../../packages/server/test/databases.ts';
import { freePort, waitForOutput } from '../../packages/server/test/processes.ts';

const VENUE = '0190a000-0000-7000-8000-0000000000c1';

describe.each(['entry', 'batch'] as const)(
  'check-ins in scale-out mode (one message per %s)',
  (messagePer) => {
    let t: TestDb;
    let app: FastifyInstance;
    let nats: ChildProcess;
    let dir: string;
    let device: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'greenlight-nats-'));
      const port = await freePort();
      nats = spawn('/usr/sbin/nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      await waitForOutput(nats, /Server is ready/);
      t = await testDb('postgres');
      await t.db.query(`INSERT INTO venues (id, name, category) VALUES ($1, 'Cafe Nats', 'cafe')`, [VENUE]);
      app = await buildApp({
        db: t.db,
        closeDb: false,
        logger: false,
        checkins: {
          ingestion: { retention: false, natsUrl: `nats://127.0.0.1:${port}`, nats: { messagePer } },
          outages: { probeIntervalMs: 0 },
        },
      });
      await app.ready();
      device = (await createVenueDevice(t.db, VENUE)).credential;
    });
    afterAll(async () => {
      await app?.close();
      await t?.release();
      nats?.kill();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('acknowledges after JetStream, stores each entry once, and says when a batch was seen before', async () => {
      // Half of them carry the clock offset their scanner measured: it goes through JetStream to the table.
      const entries = Array.from({ length: 20 }, (_, i) => ({
        eventId: uuidv7(),
        venueId: VENUE,
        at: new Date().toISOString(),
        method: 'paper',
        ...(i % 2 === 0 ? { clockOffsetMs: -1000 * i } : {}),
      }));
      const ids = entries.map((e) => e.eventId);
      const post = () =>
        app.inject({
          method: 'POST',
          url: '/v1/checkins',
          headers: { authorization: `Bearer ${device}` },
          payload: { entries },
        });
      const answered = { rejected: [], retry: [], serverTime: expect.any(String) };
      expect((await post()).json()).toEqual({ accepted: ids, duplicates: [], ...answered });
      expect((await post()).json()).toEqual({ accepted: [], duplicates: ids, ...answered });
      let stored = 0;
      for (let i = 0; i < 50 && stored < ids.length; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const { rows } = await t.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM checkins WHERE event_id = ANY($1::uuid[])',
          [ids],
        );
        stored = rows[0]?.n ?? 0;
      }
      expect(stored).toBe(ids.length);
      const { rows: offsets } = await t.db.query<{ event_id: string; clock_offset_ms: string | null }>(
        'SELECT event_id::text, clock_offset_ms::text FROM checkins WHERE event_id = ANY($1::uuid[])',
        [ids],
      );
      const byId = new Map(offsets.map((row) => [row.event_id, row.clock_offset_ms]));
      expect(entries.map((e) => byId.get(e.eventId))).toEqual(
        entries.map((e) => (e.clockOffsetMs === undefined ? null : String(e.clockOffsetMs))),
      );
    });
  },
);
