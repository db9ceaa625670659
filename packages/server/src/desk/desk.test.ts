import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityApp } from '../../test/authority-app.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { createStaffToken } from '../auth/staff.ts';
import { runIssuance } from '../issuance/job.ts';
import { KeyStore } from '../keys/store.ts';

const SECRET = 'a test secret that is long enough to derive a key';
const now = new Date('2022-01-20T03:00:00Z');
const PERSON = '0190a000-0000-7000-8000-000000000001';

describe.each(DB_KINDS)('desk (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let staffToken: string;
  let inspectorToken: string;
  beforeAll(async () => {
    t = await testDb(kind);
    const keys = new KeyStore(t.db, { secret: SECRET, now: () => now });
    await keys.ensure();
    await t.db.query(
      `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date)
       VALUES ($1, 'KR-0000001', '박', '서연', 'PARK', 'SEOYEON', '1950-02-03')`,
      [PERSON],
    );
    await t.db.query(
      `INSERT INTO immunizations (person_id, dose_number, series_total, target, vaccine_type, product, manufacturer,
         administered_on, country, issuer)
       VALUES ($1, 3, 2, '840539006', '1119349007', 'EU/1/20/1528', 'ORG-100030215', '2021-12-01', 'KR', 'KDCA')`,
      [PERSON],
    );
    await runIssuance(t.db, keys, { shcIssuer: 'https://greenlight.example', now });
    staffToken = await createStaffToken(t.db, { login: 'desk-1', role: 'staff' });
    inspectorToken = await createStaffToken(t.db, { login: 'insp-1', role: 'inspector' });
    app = await authorityApp(t.db, { keys, secret: SECRET, now: () => now });
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('finds people by name, Latin name, birth date and registry number; every search is audited', async () => {
    for (const q of ['서연', 'SEOYEON', '1950-02-03', 'KR-0000001']) {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/registry/people?q=${encodeURIComponent(q)}`,
        headers: as(staffToken),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().people.map((p: { id: string }) => p.id)).toEqual([PERSON]);
    }
    const { rows } = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'registry.search' AND actor = 'desk-1'",
    );
    expect(rows[0]?.n).toBe(4);
  });

  it('refuses to print an expired pass and says why, from decide() with the bundles the scanners hold', async () => {
    const later = new Date(now.getTime() + 400 * 86_400_000);
    const keys = new KeyStore(t.db, { secret: SECRET, now: () => later });
    const lateApp = await authorityApp(t.db, { keys, secret: SECRET, now: () => later });
    try {
      const pdf = await lateApp.inject({
        method: 'GET',
        url: `/v1/registry/people/${PERSON}/pass.pdf`,
        headers: as(staffToken),
      });
      expect(pdf.statusCode).toBe(409);
      expect(pdf.json().code).toBe('ERR_PASS_NOT_PRINTABLE');
      const [first] = pdf.json().reasons as { code: string; text: { en: string; ko: string } }[];
      expect(first?.code).toBe('TECHNICAL_FAILED');
      expect(first?.text.en).not.toMatch(/ERR_/);
      expect(first?.text.ko.length).toBeGreaterThan(0);
    } finally {
      await lateApp.close();
    }
  });

  it('prints a paper pass, records a sticker, revokes; the revocation bundle changes at once', async () => {
    const pdf = await app.inject({
      method: 'GET',
      url: `/v1/registry/people/${PERSON}/pass.pdf`,
      headers: as(staffToken),
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const sticker = await app.inject({
      method: 'POST',
      url: `/v1/registry/people/${PERSON}/stickers`,
      headers: as(staffToken),
    });
    expect(sticker.statusCode).toBe(201);

    const before = await app.inject({ method: 'GET', url: '/v1/bundles/revocation' });
    const revoke = await app.inject({
      method: 'POST',
      url: `/v1/certificates/${PERSON}:dcc/revoke`,
      headers: as(staffToken),
      payload: { reason: 'issued in error' },
    });
    // Revoking the EU certificate revokes the person's SMART Health Card too (issue: no form stays valid).
    expect(revoke.json()).toEqual({
      revoked: true,
      certificates: [`${PERSON}:dcc`, `${PERSON}:shc`],
      republished: true,
    });
    const after = await app.inject({
      method: 'GET',
      url: '/v1/bundles/revocation',
      headers: { 'if-none-match': before.headers.etag as string },
    });
    expect(after.statusCode).toBe(200);
    const search = await app.inject({
      method: 'GET',
      url: '/v1/registry/people?q=KR-0000001',
      headers: as(staffToken),
    });
    const certs = search.json().people[0].certificates as { kind: string; revoked: boolean }[];
    expect(certs.find((c) => c.kind === 'dcc')?.revoked).toBe(true);
    expect(certs.find((c) => c.kind === 'shc')?.revoked).toBe(true);
    // The SHC's CRL in the trust-list bundle lists its rid now.
    const trust = await app.inject({ method: 'GET', url: '/v1/bundles/trust-list' });
    const content = JSON.parse(Buffer.from(trust.json().payload, 'base64url').toString()).content;
    const crls = content.shcDirectory.issuerInfo.flatMap(
      (info: { crls?: { rids: string[] }[] }) => info.crls ?? [],
    );
    expect(crls.flatMap((crl: { rids: string[] }) => crl.rids)).toHaveLength(1);
    // Revoking again (either form) adds no second row for a form already revoked.
    const again = await app.inject({
      method: 'POST',
      url: `/v1/certificates/${PERSON}:shc/revoke`,
      headers: as(staffToken),
      payload: { reason: 'issued in error' },
    });
    expect(again.json().certificates).toEqual([]);
    const { rows: marks } = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM revocations WHERE reason = $1',
      ['issued in error'],
    );
    expect(marks[0]?.n).toBe(2);
    // The revoked pass is no longer printed: the desk is told why, and the refusal is audited.
    const refused = await app.inject({
      method: 'GET',
      url: `/v1/registry/people/${PERSON}/pass.pdf`,
      headers: as(staffToken),
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('ERR_PASS_NOT_PRINTABLE');
    expect(refused.json().reasons[0].code).toBe('REVOKED');
    const { rows: audit } = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'paper.print.refused' AND subject = $1",
      [PERSON],
    );
    expect(audit[0]?.n).toBeGreaterThanOrEqual(1);
  });

  it('lists the outage log for staff, newest first', async () => {
    await t.db.query(
      `INSERT INTO outages (started_at, ended_at, source, reason) VALUES
       ('2022-01-19T03:00:00Z', '2022-01-19T03:20:00Z', 'probe', 'readyz failed'),
       ('2022-01-18T03:00:00Z', NULL, 'staff', 'issuing servers down at lunchtime')`,
    );
    const res = await app.inject({ method: 'GET', url: '/v1/outages/log', headers: as(staffToken) });
    expect(res.json().outages.map((o: { source: string }) => o.source)).toEqual(['probe', 'staff']);
    expect((await app.inject({ method: 'GET', url: '/v1/outages/log' })).statusCode).toBe(401);
  });

  it('answers 401 without a token, 403 for another role, 404 for nobody, 400 for a bad id', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/registry/people?q=kim' })).statusCode).toBe(401);
    const forbidden = await app.inject({
      method: 'GET',
      url: '/v1/registry/people?q=kim',
      headers: as(inspectorToken),
    });
    expect(forbidden.json()).toMatchObject({ code: 'ERR_FORBIDDEN' });
    const nobody = await app.inject({
      method: 'POST',
      url: '/v1/registry/people/0190a000-0000-7000-8000-00000000ffff/stickers',
      headers: as(staffToken),
    });
    expect(nobody.statusCode).toBe(404);
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/certificates/nope/revoke',
      headers: as(staffToken),
      payload: { reason: 'x' },
    });
    expect(bad.statusCode).toBe(400);
  });
});
