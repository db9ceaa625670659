import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLERS_NOW, type Callers, callersApp } from '../../test/callers.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';

const HOUR = 3_600_000;
const at = (offsetMs: number) => new Date(CALLERS_NOW.getTime() + offsetMs).toISOString();

describe.each(DB_KINDS)('outage declarations (%s)', (kind) => {
  let t: TestDb;
  let callers: Callers;
  beforeAll(async () => {
    t = await testDb(kind);
    callers = await callersApp(t.db);
  });
  afterAll(async () => {
    await callers?.app.close();
    await t?.release();
  });

  const declare = (body: Record<string, unknown>, authorization = callers.staff.staff) =>
    callers.app.inject({ method: 'POST', url: '/v1/outages', headers: { authorization }, payload: body });
  const close = (id: string, body?: Record<string, unknown>, authorization = callers.staff.staff) =>
    callers.app.inject({
      method: 'POST',
      url: `/v1/outages/${id}/close`,
      headers: { authorization },
      ...(body ? { payload: body } : {}),
    });
  const degradedAt = async (moment: string) =>
    (await callers.app.inject(`/v1/outages?at=${moment}`)).json().degraded as boolean;
  const audit = async (action: string, subject: string) =>
    (
      await t.db.query<{ actor: string; details: Record<string, unknown> }>(
        'SELECT actor, details FROM audit_log WHERE action = $1 AND subject = $2 ORDER BY id',
        [action, subject],
      )
    ).rows;

  it.each([
    ['a start in the future', { startedAt: at(HOUR), reason: 'network down' }],
    ['an end before the start', { startedAt: at(-2 * HOUR), endedAt: at(-3 * HOUR), reason: 'network down' }],
    ['an end at the start', { startedAt: at(-2 * HOUR), endedAt: at(-2 * HOUR), reason: 'network down' }],
    ['more than 7 days', { startedAt: at(-9 * 24 * HOUR), endedAt: at(-HOUR), reason: 'network down' }],
    ['an end in the future', { startedAt: at(-HOUR), endedAt: at(2 * HOUR), reason: 'network down' }],
    ['a reason of ten spaces', { startedAt: at(-HOUR), reason: ' '.repeat(10) }],
    ['a reason of two letters among spaces', { startedAt: at(-HOUR), reason: '  a   b  ' }],
    ['the year 0000', { startedAt: '0000-01-01T00:00:00Z', reason: 'network down' }],
  ])('refuses %s with ERR_VALIDATION', async (_name, body) => {
    const res = await declare(body);
    expect([res.statusCode, res.json().code]).toEqual([400, 'ERR_VALIDATION']);
  });

  it('takes a start a little ahead of its clock (a desk PC running fast)', async () => {
    const res = await declare({ startedAt: at(60_000), endedAt: at(120_000), reason: 'clock skew' });
    expect(res.statusCode).toBe(201);
  });

  it('audits a declaration, and closes an open one once, audited; the outage stops counting at its end', async () => {
    const declared = await declare({ startedAt: at(-2 * HOUR), reason: '  issuance app down  ' });
    expect(declared.statusCode).toBe(201);
    const { id } = declared.json() as { id: string };
    expect(await audit('outage.declare', id)).toEqual([
      {
        actor: 'staff-1',
        details: { startedAt: at(-2 * HOUR), endedAt: null, reason: 'issuance app down' },
      },
    ]);
    expect(await degradedAt(at(-HOUR))).toBe(true);

    const closed = await close(id, { endedAt: at(-HOUR) });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({
      id,
      startedAt: at(-2 * HOUR),
      endedAt: at(-HOUR),
      source: 'staff',
    });
    expect(await audit('outage.close', id)).toEqual([{ actor: 'staff-1', details: { endedAt: at(-HOUR) } }]);
    expect(await degradedAt(at(-HOUR / 2))).toBe(false);

    const again = await close(id);
    expect([again.statusCode, again.json().code]).toEqual([409, 'ERR_OUTAGE_CLOSED']);
    expect(await audit('outage.close', id)).toHaveLength(1);
  });

  it('closes at the current time when no end is given', async () => {
    const { id } = (await declare({ startedAt: at(-HOUR), reason: 'network down' })).json() as { id: string };
    const closed = await close(id);
    expect(closed.statusCode).toBe(200);
    expect(closed.json().endedAt).toBe(CALLERS_NOW.toISOString());
  });

  it('refuses to close before the start, beyond 7 days, a probe record, an unknown id, or for another role', async () => {
    const { id } = (await declare({ startedAt: at(-3 * HOUR), reason: 'network down' })).json() as {
      id: string;
    };
    const early = await close(id, { endedAt: at(-4 * HOUR) });
    expect([early.statusCode, early.json().code]).toEqual([400, 'ERR_VALIDATION']);
    const probe = await t.db.query<{ id: string }>(
      `INSERT INTO outages (started_at, ended_at, source, reason) VALUES ($1, $2, 'probe', 'db down')
       RETURNING id::text AS id`,
      [at(-5 * HOUR), at(-4 * HOUR)],
    );
    const probeId = probe.rows[0]?.id as string;
    expect((await close(probeId)).json().code).toBe('ERR_NOT_FOUND');
    expect((await close('999999')).statusCode).toBe(404);
    expect((await close('0')).statusCode).toBe(400);
    expect((await close(id, undefined, callers.staff.inspector)).statusCode).toBe(403);
    expect(await audit('outage.close', id)).toEqual([]);
  });

  it('stops counting an open declaration 7 days after its start', async () => {
    const start = at(-8 * 24 * HOUR);
    await t.db.query(
      `INSERT INTO outages (started_at, source, reason, declared_by) VALUES ($1, 'staff', 'forgotten', 'staff-1')`,
      [start],
    );
    expect(await degradedAt(at(-8 * 24 * HOUR + HOUR))).toBe(true);
    expect(await degradedAt(at(-24 * HOUR + HOUR))).toBe(false);
  });
});
