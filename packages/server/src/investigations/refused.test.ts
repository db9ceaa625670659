import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Callers, callersApp, VENUE } from '../../test/callers.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';

describe.each(DB_KINDS)('refused investigations (%s)', (kind) => {
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

  const request = {
    venueId: VENUE,
    from: '2022-01-19T00:00:00Z',
    to: '2022-01-20T00:00:00Z',
    reason: 'cluster report 2022-17',
  };
  const refusals = async () =>
    (
      await t.db.query<{ actor: string; subject: string | null; details: { status: number; code: string } }>(
        "SELECT actor, subject, details FROM audit_log WHERE action = 'checkin.investigation.refused' ORDER BY id",
      )
    ).rows;

  it('audits every refused attempt with who tried, the venue and why, but not the request text', async () => {
    const attempts: [Record<string, string>, Record<string, string>, number][] = [
      [{}, request, 401],
      [{ authorization: 'Bearer st_unknown' }, request, 401],
      [{ authorization: callers.staff.inspector }, request, 403],
      [{ authorization: callers.staff.investigator }, { ...request, to: '2022-01-29T00:00:00Z' }, 400],
      [
        { authorization: callers.staff.investigator },
        { ...request, reason: 'cluster \u0000 report 17' },
        400,
      ],
      [{ authorization: callers.staff.investigator }, { ...request, reason: ' '.repeat(12) }, 400],
      [{ authorization: callers.staff.investigator }, { ...request, venueId: '-'.repeat(36) }, 400],
    ];
    for (const [headers, payload, status] of attempts) {
      const res = await callers.app.inject({ method: 'POST', url: '/v1/investigations', headers, payload });
      expect(res.statusCode).toBe(status);
    }
    expect(await refusals()).toEqual([
      { actor: 'anonymous', subject: VENUE, details: { status: 401, code: 'ERR_STAFF_UNAUTHORIZED' } },
      { actor: 'anonymous', subject: VENUE, details: { status: 401, code: 'ERR_STAFF_UNAUTHORIZED' } },
      { actor: 'inspector-1', subject: VENUE, details: { status: 403, code: 'ERR_FORBIDDEN' } },
      { actor: 'investigator-1', subject: VENUE, details: { status: 400, code: 'ERR_VALIDATION' } },
      { actor: 'investigator-1', subject: VENUE, details: { status: 400, code: 'ERR_VALIDATION' } },
      { actor: 'investigator-1', subject: VENUE, details: { status: 400, code: 'ERR_VALIDATION' } },
      { actor: 'investigator-1', subject: null, details: { status: 400, code: 'ERR_VALIDATION' } },
    ]);
  });

  it('audits a granted investigation as before, and no refusal with it', async () => {
    const before = (await refusals()).length;
    const res = await callers.app.inject({
      method: 'POST',
      url: '/v1/investigations',
      headers: { authorization: callers.staff.investigator },
      payload: request,
    });
    expect(res.statusCode).toBe(200);
    expect(await refusals()).toHaveLength(before);
    const { rows } = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'checkin.investigation' AND actor = 'investigator-1'",
    );
    expect(rows[0]?.n).toBe(1);
  });
});
