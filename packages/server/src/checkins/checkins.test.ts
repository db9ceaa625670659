import { randomUUID } from 'node:crypto';
import { bytesToBase64url as base64url } from '@greenlight/codec';
import { kstDay } from '@greenlight/rules';
import type { FastifyInstance } from 'fastify';
import { uuidv7, V7Generator } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkinApp, TEST_TOKEN_SECRET } from '../../test/checkin-app.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { createVenueDevice } from '../auth/devices.ts';
import { createStaffToken } from '../auth/staff.ts';
import type { Db } from '../db/types.ts';
import { OutageProbe } from '../outages/log.ts';
import { holderNumber } from '../tokens/holders.ts';
import { CheckinTokens } from '../tokens/tokens.ts';
import { dropExpiredCheckinPartitions, ensureCheckinPartitions } from './partitions.ts';

const VENUE = '0190a000-0000-7000-8000-0000000000a1';
const OTHER_VENUE = '0190a000-0000-7000-8000-0000000000a2';
const PERSON = '0190a000-0000-7000-8000-0000000000b1';

/** A UUIDv7 whose timestamp is `ms` (a scanner's clock). */
const uuidv7At = (ms: number) => new V7Generator().generateOrResetCore(ms, 0).toString();

function entry(overrides: Record<string, unknown> = {}) {
  return { eventId: uuidv7(), venueId: VENUE, at: new Date().toISOString(), method: 'paper', ...overrides };
}

describe.each(DB_KINDS)('check-ins (%s)', (kind) => {
  let t: TestDb;
  let db: Db;
  let app: FastifyInstance;
  let device: string;
  const post = (entries: unknown[], credential = device) =>
    app.inject({
      method: 'POST',
      url: '/v1/checkins',
      headers: { authorization: `Bearer ${credential}` },
      payload: { entries },
    });

  beforeAll(async () => {
    t = await testDb(kind);
    db = t.db;
    await db.query(
      `INSERT INTO venues (id, name, category, address) VALUES ($1, 'Cafe Haneul', 'cafe', 'Seoul'),
       ($2, 'Gym Bada', 'gym', 'Busan')`,
      [VENUE, OTHER_VENUE],
    );
    await db.query(
      `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date, phone)
       VALUES ($1, 'P-1', '김', '민준', 'KIM', 'MINJUN', '1990-01-01', '010-0000-0001')`,
      [PERSON],
    );
    app = await checkinApp(db);
    device = (await createVenueDevice(db, VENUE)).credential;
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  it('stores a batch once, however often it is sent', async () => {
    const batch = [entry(), entry({ method: 'presentation', token: base64url(new Uint8Array(16).fill(7)) })];
    const ids = batch.map((e) => e.eventId);
    const first = await post(batch);
    expect(first.statusCode).toBe(200);
    const answered = { rejected: [], retry: [], serverTime: expect.any(String) };
    expect(first.json()).toEqual({ accepted: ids, duplicates: [], ...answered });
    const [again, concurrent] = await Promise.all([post(batch), post(batch)]);
    expect(again.json()).toEqual({ accepted: [], duplicates: ids, ...answered });
    expect(concurrent.json()).toEqual({ accepted: [], duplicates: ids, ...answered });
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM checkins WHERE event_id = ANY($1::uuid[])',
      [ids],
    );
    expect(rows[0]?.n).toBe(2);
  });

  it('stores an entry once when two requests carry it at the same time', async () => {
    const one = entry();
    const answers = await Promise.all([post([one]), post([one]), post([one])]);
    const acks = answers.map((a) => a.json() as { accepted: string[]; duplicates: string[] });
    expect(acks.every((a) => [...a.accepted, ...a.duplicates].includes(one.eventId))).toBe(true);
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM checkins WHERE event_id = $1',
      [one.eventId],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('rejects bad entries one by one and keeps the good ones', async () => {
    const good = entry();
    const dup = entry();
    const old = Date.now() - 30 * 86_400_000;
    const cases = [
      [entry({ eventId: 'not-a-uuid' }), 'ERR_CHECKIN_EVENT_ID'],
      [entry({ eventId: randomUUID() }), 'ERR_CHECKIN_EVENT_ID'],
      [
        entry({
          eventId: `${old
            .toString(16)
            .padStart(12, '0')
            .replace(/^(.{8})/, '$1-')}-7000-8000-000000000000`,
        }),
        'ERR_CHECKIN_EVENT_ID',
      ],
      [entry({ at: new Date(old).toISOString() }), 'ERR_CHECKIN_TIME'],
      [entry({ at: 'yesterday' }), 'ERR_CHECKIN_TIME'],
      [entry({ venueId: randomUUID() }), 'ERR_CHECKIN_VENUE_UNKNOWN'],
      [entry({ venueId: OTHER_VENUE }), 'ERR_CHECKIN_VENUE_MISMATCH'],
      [entry({ method: 'telepathy' }), 'ERR_CHECKIN_METHOD'],
      [entry({ token: base64url(new Uint8Array(15)) }), 'ERR_CHECKIN_TOKEN'],
      [entry({ clockOffsetMs: 'ten minutes' }), 'ERR_CHECKIN_CLOCK_OFFSET'],
      [{ ...dup, method: 'manual' }, 'ERR_CHECKIN_DUPLICATE_IN_BATCH'],
    ] as const;
    const response = await post([good, dup, ...cases.map(([e]) => e)]);
    expect(response.statusCode).toBe(200);
    const body = response.json() as { accepted: string[]; rejected: { eventId: string; code: string }[] };
    expect(body.accepted).toEqual([good.eventId, dup.eventId]);
    expect(body.rejected.map((r) => [r.eventId, r.code])).toEqual(
      cases.map(([e, code]) => [e.eventId, code]),
    );
  });

  it('answers an entry ahead of its clock as retry, not rejected, and stores it once corrected', async () => {
    const serverNow = Date.now();
    // A tablet 10 minutes fast that had not measured its offset: its entry is ahead of the server.
    const fastAt = new Date(serverNow + 10 * 60_000);
    const fast = entry({ eventId: uuidv7At(fastAt.getTime()), at: fastAt.toISOString() });
    const fastAtOnly = entry({ at: fastAt.toISOString() });
    const good = entry();
    const response = await post([fast, fastAtOnly, good]);
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      accepted: string[];
      rejected: unknown[];
      retry: { eventId: string; code: string }[];
      serverTime: string;
    };
    expect(body.accepted).toEqual([good.eventId]);
    expect(body.rejected).toEqual([]);
    expect(body.retry.map((r) => [r.eventId, r.code])).toEqual([
      [fast.eventId, 'ERR_CHECKIN_CLOCK_AHEAD'],
      [fastAtOnly.eventId, 'ERR_CHECKIN_CLOCK_AHEAD'],
    ]);
    const serverTime = Date.parse(body.serverTime);
    expect(Math.abs(serverTime - serverNow)).toBeLessThan(60_000);
    // The scanner subtracts what it now knows: the entry goes again, at the true time, with the offset it used.
    const trueAt = new Date(fastAt.getTime() - 10 * 60_000);
    const corrected = entry({
      eventId: uuidv7At(trueAt.getTime()),
      at: trueAt.toISOString(),
      clockOffsetMs: -600_000,
    });
    expect((await post([corrected])).json().accepted).toEqual([corrected.eventId]);
    const { rows } = await db.query<{ at: Date; clock_offset_ms: string | number | null }>(
      'SELECT at, clock_offset_ms FROM checkins WHERE event_id = $1',
      [corrected.eventId],
    );
    expect(rows[0]?.at.getTime()).toBe(trueAt.getTime());
    expect(Number(rows[0]?.clock_offset_ms)).toBe(-600_000);
    const { rows: none } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM checkins WHERE event_id = ANY($1::uuid[])',
      [[fast.eventId, fastAtOnly.eventId]],
    );
    expect(none[0]?.n).toBe(0);
  });

  it('refuses missing or wrong device credentials and malformed bodies', async () => {
    const none = await app.inject({ method: 'POST', url: '/v1/checkins', payload: { entries: [entry()] } });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('ERR_DEVICE_UNAUTHORIZED');
    const [id] = device.split('.');
    const wrong = await post([entry()], `${id}.${'A'.repeat(43)}`);
    expect(wrong.statusCode).toBe(401);
    expect((await post([])).json().code).toBe('ERR_VALIDATION');
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/checkins',
      headers: { authorization: `Bearer ${device}` },
      payload: { entries: [{ eventId: 1 }] },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('answers 429 with Retry-After when the in-flight queue is full, storing nothing of that batch', async () => {
    const tiny = await checkinApp(db, { direct: { maxInFlightRows: 5 } });
    try {
      const batch = Array.from({ length: 6 }, () => entry());
      const refused = await tiny.inject({
        method: 'POST',
        url: '/v1/checkins',
        headers: { authorization: `Bearer ${device}` },
        payload: { entries: batch },
      });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json().code).toBe('ERR_OVERLOADED');
      const { rows } = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM checkins WHERE event_id = ANY($1::uuid[])',
        [batch.map((e) => e.eventId)],
      );
      expect(rows[0]?.n).toBe(0);
      const fits = await tiny.inject({
        method: 'POST',
        url: '/v1/checkins',
        headers: { authorization: `Bearer ${device}` },
        payload: { entries: batch.slice(0, 5) },
      });
      expect(fits.json().accepted).toHaveLength(5);
    } finally {
      await tiny.close();
    }
  });

  it('opens tokens for an investigator only, and audits every lookup in an append-only log', async () => {
    const tokens = new CheckinTokens(TEST_TOKEN_SECRET);
    const at = new Date();
    const holder = await holderNumber(db, PERSON);
    expect(await holderNumber(db, PERSON)).toBe(holder);
    const token = base64url(tokens.mint(holder, kstDay(at.getTime())));
    const visit = entry({ method: 'presentation', token, at: at.toISOString() });
    expect((await post([visit])).json().accepted).toEqual([visit.eventId]);

    const investigator = await createStaffToken(db, { login: 'kdca.lee', role: 'investigator' });
    const inspector = await createStaffToken(db, { login: 'gu.park', role: 'inspector' });
    const window = {
      venueId: VENUE,
      from: new Date(at.getTime() - 60_000).toISOString(),
      to: new Date(at.getTime() + 60_000).toISOString(),
      reason: 'cluster 2026-117, confirmed case visited at lunch',
    };
    const ask = (bearer: string | undefined, payload: object) =>
      app.inject({
        method: 'POST',
        url: '/v1/investigations',
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
        payload,
      });
    expect((await ask(undefined, window)).statusCode).toBe(401);
    expect((await ask(inspector, window)).statusCode).toBe(403);
    expect((await ask(investigator, { ...window, reason: 'x' })).statusCode).toBe(400);
    expect((await ask(investigator, { ...window, to: window.from })).statusCode).toBe(400);

    const answer = await ask(investigator, window);
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(body.contacts).toEqual([
      expect.objectContaining({
        personId: PERSON,
        familyName: '김',
        phone: '010-0000-0001',
        method: 'presentation',
      }),
    ]);
    expect(body.withoutToken).toBeGreaterThan(0);

    const { rows } = await db.query<{ actor: string; details: { reason: string; contacts: number } }>(
      `SELECT actor, details FROM audit_log WHERE id = $1 AND action = 'checkin.investigation'`,
      [body.investigationId],
    );
    expect(rows[0]?.actor).toBe('kdca.lee');
    expect(rows[0]?.details).toMatchObject({ reason: window.reason, contacts: 1 });
    await expect(
      db.query(`UPDATE audit_log SET actor = 'nobody' WHERE id = $1`, [body.investigationId]),
    ).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log WHERE id = $1', [body.investigationId])).rejects.toThrow(
      /append-only/,
    );
  });

  it('shows daily counts to inspectors and to a venue owner for its own venue only', async () => {
    const inspector = await createStaffToken(db, { login: 'gu.kim', role: 'inspector' });
    const owner = await createStaffToken(db, {
      login: 'owner.gym',
      role: 'venue_owner',
      venueId: OTHER_VENUE,
    });
    const today = new Date(kstDay(Date.now()) * 86_400_000).toISOString().slice(0, 10);
    const url = `/v1/checkins/counts?venueId=${VENUE}&from=${today}&to=${today}`;
    const counts = await app.inject({ url, headers: { authorization: `Bearer ${inspector}` } });
    expect(counts.statusCode).toBe(200);
    expect(counts.json().days[0].day).toBe(today);
    expect(counts.json().days[0].count).toBeGreaterThan(3);
    expect(JSON.stringify(counts.json())).not.toMatch(/token|phone/);
    expect((await app.inject({ url, headers: { authorization: `Bearer ${owner}` } })).statusCode).toBe(403);
    const own = await app.inject({
      url: `/v1/checkins/counts?venueId=${OTHER_VENUE}&from=${today}&to=${today}`,
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(own.json()).toEqual({ venueId: OTHER_VENUE, days: [] });
  });

  it('answers whether the system was degraded, from staff declarations and the health probe', async () => {
    const staff = await createStaffToken(db, { login: 'ops.choi', role: 'staff' });
    const declared = await app.inject({
      method: 'POST',
      url: '/v1/outages',
      headers: { authorization: `Bearer ${staff}` },
      payload: {
        startedAt: '2021-12-13T02:40:00Z',
        endedAt: '2021-12-13T09:00:00Z',
        reason: 'pass app down at lunch',
      },
    });
    expect(declared.statusCode).toBe(201);
    const during = await app.inject('/v1/outages?at=2021-12-13T03:00:00Z');
    expect(during.json()).toMatchObject({
      degraded: true,
      outages: [{ source: 'staff', reason: 'pass app down at lunch' }],
    });
    expect((await app.inject('/v1/outages?at=2021-12-13T10:00:00Z')).json().degraded).toBe(false);
    expect((await app.inject('/v1/outages?at=lunch')).statusCode).toBe(400);

    let down = true;
    const flaky: Db = {
      ...db,
      kind: db.kind,
      query: (sql: string, params?: unknown[]) =>
        down && sql === 'SELECT 1' ? Promise.reject(new Error('connection refused')) : db.query(sql, params),
    } as Db;
    let clock = Date.parse('2022-01-05T03:00:00Z');
    const probe = new OutageProbe(flaky, () => new Date(clock));
    expect(await probe.probe()).toBe(false);
    clock += 60_000;
    expect(await probe.probe()).toBe(false);
    down = false;
    clock += 60_000;
    expect(await probe.probe()).toBe(true);
    const probed = (await app.inject('/v1/outages?at=2022-01-05T03:01:00Z')).json();
    expect(probed.degraded).toBe(true);
    expect(probed.outages[0]).toMatchObject({
      source: 'probe',
      startedAt: '2022-01-05T03:00:00.000Z',
      endedAt: '2022-01-05T03:02:00.000Z',
    });
  });

  it('creates partitions ahead and drops those older than 28 days', async () => {
    const now = new Date();
    await ensureCheckinPartitions(db, now);
    const later = new Date(now.getTime() + 40 * 86_400_000);
    const created = await ensureCheckinPartitions(db, later);
    expect(created.length).toBeGreaterThan(0);
    const dropped = await dropExpiredCheckinPartitions(db, later);
    expect(dropped.length).toBeGreaterThanOrEqual(11);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM checkins');
    expect(rows[0]?.n).toBe(0);
    expect(await dropExpiredCheckinPartitions(db, later)).toEqual([]);
  });
});
