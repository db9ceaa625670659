/**
 * Two deployments on one NATS server (the machine's, at 4222), each with its own PostgreSQL database and a
 * test-unique GREENLIGHT_DEPLOYMENT: every entry one acknowledges is stored in its own database and never in the
 * other's; a server whose database is not the stream's owner refuses the stream at start.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { connect } from 'nats';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../packages/server/src/app.ts';
import { createVenueDevice } from '../../packages/server/src/auth/devices.ts';
import { checkinStreamNames } from '../../packages/server/src/checkins/nats.ts';
import { readConfig } from '../../packages/server/src/config.ts';
import { type TestDb, testDb } from '../../packages/server/test/databases.ts';

const NATS_URL = process.env.GREENLIGHT_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const VENUE = '0190a000-0000-7000-8000-0000000000d1';
const PER_DEPLOYMENT = 200;

interface Deployment {
  id: string;
  t: TestDb;
  app: FastifyInstance;
  device: string;
}

async function server(db: TestDb, deployment: string): Promise<FastifyInstance> {
  const app = await buildApp({
    db: db.db,
    closeDb: false,
    logger: false,
    checkins: {
      ingestion: { retention: false, natsUrl: NATS_URL, nats: { deployment } },
      outages: { probeIntervalMs: 0 },
    },
  });
  await app.ready();
  return app;
}

async function deployment(id: string): Promise<Deployment> {
  const t = await testDb('postgres');
  await t.db.query(`INSERT INTO venues (id, name, category) VALUES ($1, 'Cafe Shared Id', 'cafe')`, [VENUE]);
  const app = await server(t, id);
  return { id, t, app, device: (await createVenueDevice(t.db, VENUE)).credential };
}

async function storedOf(t: TestDb, ids: readonly string[]): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM checkins WHERE event_id = ANY($1::uuid[])',
    [ids],
  );
  return rows[0]?.n ?? 0;
}

describe('two deployments on one NATS server', () => {
  const run = randomBytes(4).toString('hex');
  const ids = [`t${run}-a`, `t${run}-b`];
  const deployments: Deployment[] = [];

  beforeAll(async () => {
    for (const id of ids) deployments.push(await deployment(id));
  });
  afterAll(async () => {
    for (const d of deployments) {
      await d.app.close();
      await d.t.release();
    }
    const nc = await connect({ servers: NATS_URL });
    const jsm = await nc.jetstreamManager();
    for (const id of ids) await jsm.streams.delete(checkinStreamNames(id).stream).catch(() => false);
    await nc.close();
  });

  it('names the stream, subject and consumer after the deployment id, which must be NATS name-safe', () => {
    expect(checkinStreamNames('kr-seoul_1')).toEqual({
      stream: 'GREENLIGHT_kr-seoul_1_CHECKINS',
      subject: 'greenlight.kr-seoul_1.checkins',
      consumer: 'kr-seoul_1-checkin-writers',
    });
    for (const bad of ['a.b', 'a b', 'a*', 'a>', 'a/b', 'x'.repeat(33), 'ünï']) {
      expect(() => readConfig({ GREENLIGHT_DEPLOYMENT: bad }), bad).toThrow(/GREENLIGHT_DEPLOYMENT/);
    }
    expect(readConfig({}).deployment).toBe('default');
  });

  it(`stores each deployment's ${PER_DEPLOYMENT} acknowledged entries in its own database only`, async () => {
    const sent = await Promise.all(
      deployments.map(async (d) => {
        const eventIds: string[] = [];
        for (let batch = 0; batch < 4; batch++) {
          const entries = Array.from({ length: PER_DEPLOYMENT / 4 }, () => ({
            eventId: uuidv7(),
            venueId: VENUE,
            at: new Date().toISOString(),
            method: 'paper',
          }));
          const res = await d.app.inject({
            method: 'POST',
            url: '/v1/checkins',
            headers: { authorization: `Bearer ${d.device}` },
            payload: { entries },
          });
          expect(res.statusCode).toBe(200);
          expect(res.json().accepted).toHaveLength(entries.length);
          eventIds.push(...entries.map((e) => e.eventId));
        }
        return eventIds;
      }),
    );
    const [a, b] = deployments as [Deployment, Deployment];
    const [sentA, sentB] = sent as [string[], string[]];
    for (let i = 0; i < 100; i++) {
      if ((await storedOf(a.t, sentA)) === PER_DEPLOYMENT && (await storedOf(b.t, sentB)) === PER_DEPLOYMENT)
        break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect([await storedOf(a.t, sentA), await storedOf(b.t, sentB)]).toEqual([
      PER_DEPLOYMENT,
      PER_DEPLOYMENT,
    ]);
    // Give a stray delivery time to land, then count what crossed: nothing.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect([await storedOf(a.t, sentB), await storedOf(b.t, sentA)]).toEqual([0, 0]);
    for (const d of deployments) {
      const { rows } = await d.t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM checkins');
      expect(rows[0]?.n).toBe(PER_DEPLOYMENT);
    }
  });

  it('lets a second replica of a deployment (same database) share its stream', async () => {
    const [a] = deployments as [Deployment];
    const replica = await server(a.t, a.id);
    await replica.close();
  });

  it("refuses at start a deployment's stream when the database is another one", async () => {
    const [a] = deployments as [Deployment];
    const stranger = await testDb('postgres');
    try {
      await expect(server(stranger, a.id)).rejects.toMatchObject({
        code: 'ERR_NATS_STREAM_FOREIGN',
        message: expect.stringContaining(`deployment '${a.id}'`),
      });
    } finally {
      await stranger.release();
    }
  });

  it('refuses a stream of the same name that Greenlight did not make', async () => {
    const id = `t${run}-c`;
    const names = checkinStreamNames(id);
    const nc = await connect({ servers: NATS_URL });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: names.stream, subjects: [names.subject] });
    const t = await testDb('postgres');
    try {
      await expect(server(t, id)).rejects.toMatchObject({ code: 'ERR_NATS_STREAM_FOREIGN' });
    } finally {
      await t.release();
      await jsm.streams.delete(names.stream).catch(() => false);
      await nc.close();
    }
  });
});
