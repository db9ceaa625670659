/**
 * Walks test/vectors/checkins: each file is one batch a venue device sends; every entry must come back stored,
 * rejected with its code, or to retry (a clock ahead of the server), and the rest of the batch is stored whatever
 * the others hold. Then a property: any batch of entries built from good and hostile field values is answered 200,
 * each entry in exactly one list, and exactly the accepted ones are in the table.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { V7Generator } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVenueDevice } from '../../../packages/server/src/auth/devices.ts';
import { checkinApp } from '../../../packages/server/test/checkin-app.ts';
import { DB_KINDS, type TestDb, testDb } from '../../../packages/server/test/databases.ts';

interface Vector {
  description: string;
  entries: Record<string, unknown>[];
  expected: { stored: number[]; rejected: [number, string, string?][]; retry: number[] };
}

interface Answer {
  accepted: string[];
  duplicates: string[];
  rejected: { eventId: string; code: string; message: string }[];
  retry: { eventId: string; code: string }[];
  serverTime: string;
}

const VENUE = '0190a000-0000-7000-8000-00000000c0a1';
const OTHER_VENUE = '0190a000-0000-7000-8000-00000000c0a2';
const root = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(root).filter((name) => name.endsWith('.json'));
const UNIT: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A UUIDv7 whose timestamp is `ms`. */
const uuidv7 = (ms: number) => new V7Generator().generateOrResetCore(ms, 0).toString();

/** `+10m` → 600000. */
function shift(spec: string | undefined): number {
  if (!spec) return 0;
  const match = /^([+-])(\d+)([mhd])$/.exec(spec);
  if (!match) throw new Error(`bad time shift ${spec}`);
  return (match[1] === '-' ? -1 : 1) * Number(match[2]) * (UNIT[match[3] as string] as number);
}

function kst(ms: number): string {
  return `${new Date(ms + 9 * 3_600_000).toISOString().slice(0, -1)}+09:00`;
}

/** The placeholders of README.md, resolved at `now`. */
function resolve(value: unknown, now: number): unknown {
  if (typeof value !== 'string' || !value.startsWith('$')) return value;
  const [name, spec] = value.slice(1).split(':');
  switch (name) {
    case 'id':
      return uuidv7(now + shift(spec));
    case 'ID':
      return uuidv7(now).toUpperCase();
    case 'now':
      return new Date(now + shift(spec)).toISOString();
    case 'nowKst':
      return kst(now);
    case 'venue':
      return VENUE;
    case 'VENUE':
      return VENUE.toUpperCase();
    case 'otherVenue':
      return OTHER_VENUE;
    case 'token':
      return randomBytes(16).toString('base64url');
    default:
      throw new Error(`unknown placeholder ${value}`);
  }
}

describe.each(DB_KINDS)('check-in batch vectors (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let device: string;
  const post = (entries: unknown[]) =>
    app.inject({
      method: 'POST',
      url: '/v1/checkins',
      headers: { authorization: `Bearer ${device}` },
      payload: { entries },
    });

  beforeAll(async () => {
    t = await testDb(kind);
    await t.db.query(
      `INSERT INTO venues (id, name, category, address) VALUES ($1, 'Cafe Haneul', 'cafe', 'Seoul'),
       ($2, 'Gym Bada', 'gym', 'Busan')`,
      [VENUE, OTHER_VENUE],
    );
    app = await checkinApp(t.db);
    device = (await createVenueDevice(t.db, VENUE)).credential;
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  it.each(files)('%s', async (file) => {
    const vector = JSON.parse(readFileSync(join(root, file), 'utf8')) as Vector;
    const now = Date.now();
    const entries = vector.entries.map((entry) =>
      Object.fromEntries(Object.entries(entry).map(([key, value]) => [key, resolve(value, now)])),
    );
    const response = await post(entries);
    expect(response.statusCode, vector.description).toBe(200);
    const answer = response.json() as Answer;
    // Answers name event ids as stored (lower case).
    const idOf = (i: number) => String(entries[i]?.eventId).toLowerCase();
    expect(answer.accepted, vector.description).toEqual(vector.expected.stored.map(idOf));
    expect(answer.duplicates).toEqual([]);
    expect(answer.rejected.map((r) => [r.eventId.toLowerCase(), r.code])).toEqual(
      vector.expected.rejected.map(([i, code]) => [idOf(i), code]),
    );
    vector.expected.rejected.forEach(([, , phrase], k) => {
      if (phrase) expect(answer.rejected[k]?.message).toContain(phrase);
    });
    expect(answer.retry.map((r) => [r.eventId.toLowerCase(), r.code])).toEqual(
      vector.expected.retry.map((i) => [idOf(i), 'ERR_CHECKIN_CLOCK_AHEAD']),
    );
    // Stored at the time the entry gave, with the offset it carried; nothing else of the batch is in the table.
    const { rows } = await t.db.query<{ event_id: string; at: Date; clock_offset_ms: string | null }>(
      `SELECT event_id::text, at, clock_offset_ms::text FROM checkins
       WHERE event_id::text = ANY($1::text[]) ORDER BY event_id`,
      // (a NUL cannot even be a query parameter: that entry is in no table)
      [entries.map((e) => String(e.eventId).toLowerCase()).filter((id) => !id.includes('\u0000'))],
    );
    const expected = vector.expected.stored
      .map((i) => entries[i] as Record<string, unknown>)
      .map((e) => ({
        event_id: String(e.eventId).toLowerCase(),
        at: new Date(Date.parse(String(e.at))),
        clock_offset_ms: e.clockOffsetMs === undefined ? null : String(e.clockOffsetMs),
      }))
      .sort((a, b) => a.event_id.localeCompare(b.event_id));
    expect(rows).toEqual(expected);
  });

  it('answers any batch 200, each entry in exactly one list, and stores exactly the accepted ones', async () => {
    const now = Date.now();
    const hostile = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.stringMatching(/^[0-9a-f-]{36}$/),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('', '\u0000', '------------------------------------', 'null'),
    );
    const field = <T>(good: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: hostile });
    const entryArb = fc.record(
      {
        eventId: field(fc.integer({ min: -40 * 1440, max: 1440 }).map((m) => uuidv7(now + m * 60_000))),
        venueId: field(fc.constantFrom(VENUE, OTHER_VENUE, VENUE.toUpperCase())),
        at: field(
          fc.integer({ min: -40 * 1440, max: 1440 }).map((m) => new Date(now + m * 60_000).toISOString()),
        ),
        method: field(fc.constantFrom('presentation', 'paper', 'manual')),
        token: field(
          fc.uint8Array({ minLength: 15, maxLength: 17 }).map((b) => Buffer.from(b).toString('base64url')),
        ),
        clockOffsetMs: fc.oneof(
          fc.integer({ min: -8 * 86_400_000, max: 8 * 86_400_000 }),
          fc.double(),
          fc.constant(null),
          fc.string({ maxLength: 5 }),
        ),
      },
      { requiredKeys: ['eventId', 'venueId', 'at', 'method'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(entryArb, { minLength: 1, maxLength: 12 }), async (batch) => {
        // JSON cannot carry NaN or ±Infinity: they are sent as null, which is what a client would send.
        const response = await post(batch);
        expect(response.statusCode).toBe(200);
        const answer = response.json() as Answer;
        const ids = batch.map((e) => e.eventId);
        const answered = [
          ...answer.accepted,
          ...answer.duplicates,
          ...answer.rejected.map((r) => r.eventId),
          ...answer.retry.map((r) => r.eventId),
        ];
        // Every entry is answered (an exact repeat inside the batch is kept once and answered once).
        for (const id of new Set(ids))
          expect(answered.map((a) => a.toLowerCase())).toContain(id.toLowerCase());
        expect(new Set(answer.accepted).size).toBe(answer.accepted.length);
        const { rows } = await t.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM checkins WHERE event_id::text = ANY($1::text[])',
          [answer.accepted],
        );
        expect(rows[0]?.n).toBe(answer.accepted.length);
      }),
      { numRuns: 60 },
    );
  });
});
