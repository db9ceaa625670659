/**
 * The desk after a refusal: reissue of a dead certificate (new UVCI and rid at the next generation, the old ones
 * stay revoked) and the sticker guard (decide() with the bundles the scanners hold, one sticker per generation).
 */
import { inflateRawSync } from 'node:zlib';
import { decodeHc1 } from '@greenlight/codec';
import { decide } from '@greenlight/rules';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityApp } from '../../test/authority-app.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { createStaffToken } from '../auth/staff.ts';
import { certificatesOf } from '../holders/certificates.ts';
import { shcRid, uvci } from '../issuance/certificates.ts';
import { runIssuance } from '../issuance/job.ts';
import { KeyStore } from '../keys/store.ts';

const SECRET = 'a test secret that is long enough to derive a key';
const ISS = 'https://greenlight.example';
const now = new Date('2022-01-20T03:00:00Z');
const DAY = 86_400_000;
/** Fully vaccinated with a booster: a pass at `now`. */
const BOOSTED = '0190a000-0000-7000-8000-00000000a001';
/** In the registry without a dose: the record gives no certificate. */
const NO_DOSE = '0190a000-0000-7000-8000-00000000a002';
/** Dose 1 of 2, ten days ago: a true certificate that the policy does not admit yet. */
const PARTIAL = '0190a000-0000-7000-8000-00000000a003';
/** Boosted, but signed with a one-day validity: expired two days later. */
const SHORT = '0190a000-0000-7000-8000-00000000a004';
/** Boosted: two desks record a sticker for the same certificate at the same moment. */
const TWICE = '0190a000-0000-7000-8000-00000000a005';

async function addPerson(t: TestDb, id: string, external: string, doses: [number, number, string][]) {
  await t.db.query(
    `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date)
     VALUES ($1, $2, '이', '지훈', 'LEE', 'JIHOON', '1961-07-08')`,
    [id, external],
  );
  for (const [dose, total, date] of doses) {
    await t.db.query(
      `INSERT INTO immunizations (person_id, dose_number, series_total, target, vaccine_type, product,
         manufacturer, administered_on, country, issuer)
       VALUES ($1, $2, $3, '840539006', '1119349007', 'EU/1/20/1528', 'ORG-100030215', $4, 'KR', 'KDCA')`,
      [id, dose, total, date],
    );
  }
}

const booster: [number, number, string][] = [
  [1, 2, '2021-06-01'],
  [2, 2, '2021-07-01'],
  [3, 2, '2021-12-01'],
];

/** The UVCI of an HC1 text. */
const uvciOf = (hc1: string) =>
  ((decodeHc1(hc1).claims.hcert as { v: { ci: string }[] }).v[0] as { ci: string }).ci;

/** The rid of a SMART Health Card (compact JWS, raw DEFLATE payload). */
const ridOf = (jws: string) =>
  JSON.parse(inflateRawSync(Buffer.from(jws.split('.')[1] as string, 'base64url')).toString()).vc
    .rid as string;

describe.each(DB_KINDS)('desk reissue and sticker guard (%s)', (kind) => {
  let t: TestDb;
  let keys: KeyStore;
  let app: FastifyInstance;
  let staffToken: string;
  let otherDesk: string;
  let inspectorToken: string;
  beforeAll(async () => {
    t = await testDb(kind);
    keys = new KeyStore(t.db, { secret: SECRET, now: () => now });
    await keys.ensure();
    await addPerson(t, BOOSTED, 'KR-A001', booster);
    await addPerson(t, NO_DOSE, 'KR-A002', []);
    await addPerson(t, PARTIAL, 'KR-A003', [[1, 2, '2022-01-10']]);
    await addPerson(t, TWICE, 'KR-A005', booster);
    await runIssuance(t.db, keys, { shcIssuer: ISS, now });
    await addPerson(t, SHORT, 'KR-A004', booster);
    // Only SHORT is unsigned now: this run signs it alone, valid for one day.
    expect(await runIssuance(t.db, keys, { shcIssuer: ISS, now, validityDays: 1 })).toMatchObject({
      signed: 2,
    });
    staffToken = await createStaffToken(t.db, { login: 'desk-1', role: 'staff' });
    otherDesk = await createStaffToken(t.db, { login: 'desk-2', role: 'staff' });
    inspectorToken = await createStaffToken(t.db, { login: 'insp-1', role: 'inspector' });
    app = await authorityApp(t.db, { keys, secret: SECRET, now: () => now });
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const stored = async (personId: string) => {
    const { rows } = await t.db.query<{ kind: 'dcc' | 'shc'; payload: string; generation: number }>(
      'SELECT kind, payload, generation FROM issued_certificates WHERE person_id = $1 ORDER BY kind',
      [personId],
    );
    const dcc = rows.find((row) => row.kind === 'dcc');
    const shc = rows.find((row) => row.kind === 'shc');
    if (!dcc || !shc) throw new Error(`no certificates stored for ${personId}`);
    return { dcc, shc };
  };
  const audits = async (action: string, subject: string) => {
    const { rows } = await t.db.query<{ actor: string; details: Record<string, unknown> }>(
      'SELECT actor, details FROM audit_log WHERE action = $1 AND subject = $2 ORDER BY id',
      [action, subject],
    );
    return rows;
  };
  const reissue = (personId: string, token = staffToken, target = app) =>
    target.inject({
      method: 'POST',
      url: `/v1/registry/people/${personId}/reissue`,
      headers: as(token),
    });
  const sticker = (personId: string, payload?: object, token = staffToken) =>
    app.inject({
      method: 'POST',
      url: `/v1/registry/people/${personId}/stickers`,
      headers: as(token),
      ...(payload ? { payload } : {}),
    });

  it('records one sticker per certificate generation for a pass, and a second only as a replacement with a reason', async () => {
    const first = await sticker(BOOSTED);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ generation: 0 });

    const again = await sticker(BOOSTED, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('ERR_STICKER_EXISTS');

    const noReason = await sticker(BOOSTED, { replace: true });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().code).toBe('ERR_VALIDATION');

    const replaced = await sticker(BOOSTED, { replace: true, reason: 'ID card lost' });
    expect(replaced.statusCode).toBe(201);
    expect(replaced.json()).toMatchObject({ generation: 0, replaces: first.json().id });

    const { rows } = await t.db.query<{
      id: string;
      replaced_at: Date | null;
      replace_reason: string | null;
    }>('SELECT id, replaced_at, replace_reason FROM stickers WHERE person_id = $1 ORDER BY issued_at, id', [
      BOOSTED,
    ]);
    expect(rows.map((r) => [r.id, r.replaced_at !== null, r.replace_reason])).toEqual([
      [first.json().id, true, 'ID card lost'],
      [replaced.json().id, false, null],
    ]);
    expect((await audits('sticker.issue', BOOSTED)).map((a) => a.details.sticker)).toEqual([first.json().id]);
    expect((await audits('sticker.replace', BOOSTED)).map((a) => a.details)).toEqual([
      expect.objectContaining({
        sticker: replaced.json().id,
        replaces: first.json().id,
        reason: 'ID card lost',
      }),
    ]);
    expect((await audits('sticker.refused', BOOSTED)).map((a) => a.details.reasons)).toEqual([
      ['STICKER_EXISTS'],
    ]);
  });

  it('records one sticker when two desks ask for the same certificate at once', async () => {
    const answers = await Promise.all([
      sticker(TWICE, undefined, staffToken),
      sticker(TWICE, undefined, otherDesk),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.statusCode === 409)?.json().code).toBe('ERR_STICKER_EXISTS');
    const { rows } = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM stickers WHERE person_id = $1',
      [TWICE],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('refuses a sticker for a certificate the policy does not admit, with its plain reasons in Korean and English', async () => {
    const refused = await sticker(PARTIAL);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('ERR_STICKER_NOT_ALLOWED');
    const reasons = refused.json().reasons as { code: string; text: Record<string, string> }[];
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.map((r) => r.code)).not.toContain('RULE_PASSED');
    for (const reason of reasons) {
      expect(reason.text.ko?.length).toBeGreaterThan(0);
      expect(reason.text.en?.length).toBeGreaterThan(0);
      expect(`${reason.text.ko} ${reason.text.en}`).not.toMatch(/ERR_|dt \+|dn =/);
    }
    // The server decided as a scanner does: the same certificate and bundles give a verdict other than pass.
    const decision = await decide(
      (await stored(PARTIAL)).dcc.payload,
      await app.publication.decisionBundles(),
      {
        now,
        purpose: 'desk',
      },
    );
    expect(decision.verdict).not.toBe('pass');
    expect(reasons.map((r) => r.code)).toEqual(
      decision.reasons.filter((r) => r.code !== 'RULE_PASSED').map((r) => r.code),
    );
    expect((await audits('sticker.refused', PARTIAL))[0]?.details).toMatchObject({
      verdict: decision.verdict,
      reasons: reasons.map((r) => r.code),
    });
    const { rows } = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM stickers WHERE person_id = $1',
      [PARTIAL],
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('no body and no id makes a guard act: a refused sticker or an unneeded reissue stays refused (property)', async () => {
    const ask = (method: 'POST', url: string, body: unknown) =>
      app.inject({
        method,
        url,
        headers: { ...as(staffToken), 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const wellFormed = fc.oneof(
      fc.constant({}),
      fc.record({
        replace: fc.constant(true),
        // A reason the route takes: at least 3 characters that are not white space (Reason(3, 500)).
        reason: fc
          .string({ minLength: 3, maxLength: 40 })
          .filter((text) => (text.match(/\S/g) ?? []).length >= 3),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(wellFormed, fc.jsonValue({ maxDepth: 2 })), async (body) => {
        const sticker = await ask('POST', `/v1/registry/people/${PARTIAL}/stickers`, body);
        expect([400, 409]).toContain(sticker.statusCode);
        expect(sticker.json().code).toBe(
          sticker.statusCode === 400 ? 'ERR_VALIDATION' : 'ERR_STICKER_NOT_ALLOWED',
        );
        const again = await ask('POST', `/v1/registry/people/${TWICE}/reissue`, body);
        expect(again.statusCode).toBe(409);
        expect(again.json().code).toBe('ERR_REISSUE_NOT_NEEDED');
      }),
      { numRuns: 25 },
    );
    await fc.assert(
      fc.asyncProperty(wellFormed, async (body) => {
        expect((await ask('POST', `/v1/registry/people/${PARTIAL}/stickers`, body)).statusCode).toBe(409);
      }),
      { numRuns: 10 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), async (id) => {
        const res = await ask('POST', `/v1/registry/people/${encodeURIComponent(id)}/reissue`, {});
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 25 },
    );
    const { rows } = await t.db.query<{ stickers: number; generations: number }>(
      `SELECT (SELECT count(*)::int FROM stickers WHERE person_id = $1) AS stickers,
              (SELECT max(generation)::int FROM issued_certificates WHERE person_id = $2) AS generations`,
      [PARTIAL, TWICE],
    );
    expect(rows[0]).toEqual({ stickers: 0, generations: 0 });
  });

  it('documents the reissue and sticker routes in the OpenAPI document', async () => {
    const doc = (await app.inject('/openapi.json')).json();
    const reissuePath = doc.paths['/v1/registry/people/{id}/reissue'];
    // The route's own answers; the edge adds the ones every route can give (400, 413–415, 503).
    expect(Object.keys(reissuePath.post.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '409']),
    );
    const stickerPath = doc.paths['/v1/registry/people/{id}/stickers'];
    expect(Object.keys(stickerPath.post.responses)).toEqual(expect.arrayContaining(['201', '400', '409']));
    expect(JSON.stringify(stickerPath.post.requestBody)).toContain('replace');
  });

  it('refuses to reissue a certificate that is still good, and one the registry record does not give', async () => {
    const good = await reissue(BOOSTED);
    expect(good.statusCode).toBe(409);
    expect(good.json().code).toBe('ERR_REISSUE_NOT_NEEDED');
    expect((await stored(BOOSTED)).dcc.generation).toBe(0);

    const none = await reissue(NO_DOSE);
    expect(none.statusCode).toBe(409);
    expect(none.json().code).toBe('ERR_REISSUE_NO_CERTIFICATE');
    expect((await audits('certificate.reissue.refused', NO_DOSE)).map((a) => a.details.code)).toEqual([
      'ERR_REISSUE_NO_CERTIFICATE',
    ]);

    const nobody = await reissue('0190a000-0000-7000-8000-00000000ffff');
    expect(nobody.statusCode).toBe(404);
    expect((await reissue(BOOSTED, inspectorToken)).statusCode).toBe(403);
    expect(
      (await app.inject({ method: 'POST', url: `/v1/registry/people/${BOOSTED}/reissue` })).statusCode,
    ).toBe(401);
  });

  it('after a revocation: refuses the sticker, reissues once on a double click with a new UVCI and rid, and the old ones stay revoked', async () => {
    const old = await stored(BOOSTED);
    const revoke = await app.inject({
      method: 'POST',
      url: `/v1/certificates/${BOOSTED}:dcc/revoke`,
      headers: as(staffToken),
      payload: { reason: 'issued in error' },
    });
    expect(revoke.json().certificates).toEqual([`${BOOSTED}:dcc`, `${BOOSTED}:shc`]);

    // The revoked certificate gets no sticker, and the reason says it was revoked.
    const refused = await sticker(BOOSTED, { replace: true, reason: 'ID card damaged' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('ERR_STICKER_NOT_ALLOWED');
    expect(refused.json().reasons[0].code).toBe('REVOKED');

    // A double click: two requests at once make one new generation; the other is told none is needed.
    const [a, b] = await Promise.all([reissue(BOOSTED), reissue(BOOSTED)]);
    const answers = [a, b].sort((x, y) => x.statusCode - y.statusCode);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 409]);
    expect(answers[1]?.json().code).toBe('ERR_REISSUE_NOT_NEEDED');
    const body = answers[0]?.json();
    expect(body).toMatchObject({
      reissued: true,
      generation: 1,
      certificates: [`${BOOSTED}:dcc`, `${BOOSTED}:shc`],
      republished: true,
    });
    expect(body.reasons.map((r: { code: string }) => r.code)).toContain('REVOKED');
    expect((await audits('certificate.reissue', BOOSTED)).map((a) => a.details)).toEqual([
      expect.objectContaining({ generation: 1, previous: 0, forms: ['dcc', 'shc'], reasons: ['REVOKED'] }),
    ]);

    // New identifiers: the UVCI and the rid of generation 1, neither equal to the revoked ones.
    const fresh = await stored(BOOSTED);
    expect([fresh.dcc.generation, fresh.shc.generation]).toEqual([1, 1]);
    expect(uvciOf(fresh.dcc.payload)).toBe(uvci(BOOSTED, 3, 'KR', 1));
    expect(uvciOf(fresh.dcc.payload)).not.toBe(uvciOf(old.dcc.payload));
    const { rows: keyRows } = await t.db.query<{ kid: string }>(
      "SELECT k.kid FROM issued_certificates c JOIN keys k ON k.id = c.key_id WHERE c.person_id = $1 AND c.kind = 'shc'",
      [BOOSTED],
    );
    const shcKid = keyRows[0]?.kid as string;
    expect(ridOf(fresh.shc.payload)).toBe(shcRid(shcKid, BOOSTED, 1));
    expect(ridOf(fresh.shc.payload)).not.toBe(ridOf(old.shc.payload));

    // With the bundles the scanners now hold: the old forms stay revoked, the new ones pass.
    const bundles = await app.publication.decisionBundles();
    for (const form of [old.dcc, old.shc]) {
      const decision = await decide(form.payload, bundles, { now, purpose: 'door' });
      expect(decision.verdict).toBe('fail');
      expect(decision.reasons[0]?.code).toBe('REVOKED');
    }
    for (const form of [fresh.dcc, fresh.shc]) {
      const decision = await decide(form.payload, bundles, { now, purpose: 'desk' });
      expect(decision.verdict).toBe('pass');
    }
    const trust = await app.inject({ method: 'GET', url: '/v1/bundles/trust-list' });
    const content = JSON.parse(Buffer.from(trust.json().payload, 'base64url').toString()).content;
    const rids = content.shcDirectory.issuerInfo
      .flatMap((info: { crls?: { rids: string[] }[] }) => info.crls ?? [])
      .flatMap((crl: { rids: string[] }) => crl.rids);
    expect(rids).toContain(ridOf(old.shc.payload));
    expect(rids).not.toContain(ridOf(fresh.shc.payload));

    // The desk sees the new generation as not revoked; the holder's download carries it; it prints.
    const search = await app.inject({
      method: 'GET',
      url: '/v1/registry/people?q=KR-A001',
      headers: as(staffToken),
    });
    expect(search.json().people[0].certificates).toEqual([
      expect.objectContaining({ kind: 'dcc', revoked: false, generation: 1 }),
      expect.objectContaining({ kind: 'shc', revoked: false, generation: 1 }),
    ]);
    const downloads = await certificatesOf(t.db, BOOSTED);
    expect(downloads.map((c) => c.payload).sort()).toEqual([fresh.dcc.payload, fresh.shc.payload].sort());
    const pdf = await app.inject({
      method: 'GET',
      url: `/v1/registry/people/${BOOSTED}/pass.pdf`,
      headers: as(staffToken),
    });
    expect(pdf.statusCode).toBe(200);

    // The new generation gets its own sticker.
    const next = await sticker(BOOSTED);
    expect(next.statusCode).toBe(201);
    expect(next.json().generation).toBe(1);

    // Revoking again revokes generation 1's identifiers, not a second mark for generation 0's.
    const second = await app.inject({
      method: 'POST',
      url: `/v1/certificates/${BOOSTED}:shc/revoke`,
      headers: as(staffToken),
      payload: { reason: 'reported stolen' },
    });
    expect(second.json().certificates).toEqual([`${BOOSTED}:dcc`, `${BOOSTED}:shc`]);
    const { rows: marks } = await t.db.query<{ mark: string }>(
      "SELECT coalesce(uci, reference) AS mark FROM revocations WHERE reason = 'reported stolen' ORDER BY kind",
    );
    expect(marks.map((m) => m.mark)).toEqual([uvciOf(fresh.dcc.payload), ridOf(fresh.shc.payload)]);
  });

  it('a later issuance run signs a changed record again at the current generation, not at generation 0', async () => {
    const before = await stored(BOOSTED);
    await t.db.query("UPDATE people SET given_name = '지우' WHERE id = $1", [BOOSTED]);
    const summary = await runIssuance(t.db, keys, { shcIssuer: ISS, now });
    expect(summary.failed).toEqual([]);
    const after = await stored(BOOSTED);
    expect(after.dcc.payload).not.toBe(before.dcc.payload);
    expect([after.dcc.generation, after.shc.generation]).toEqual([
      before.dcc.generation,
      before.shc.generation,
    ]);
    expect(uvciOf(after.dcc.payload)).toBe(uvciOf(before.dcc.payload));
    expect(uvciOf(after.dcc.payload)).not.toBe(uvci(BOOSTED, 3, 'KR', 0));
    expect(ridOf(after.shc.payload)).toBe(ridOf(before.shc.payload));
  });

  it('reissues an expired pass, which then prints', async () => {
    const later = new Date(now.getTime() + 2 * DAY);
    const lateApp = await authorityApp(t.db, {
      keys: new KeyStore(t.db, { secret: SECRET, now: () => later }),
      secret: SECRET,
      now: () => later,
    });
    try {
      const print = () =>
        lateApp.inject({
          method: 'GET',
          url: `/v1/registry/people/${SHORT}/pass.pdf`,
          headers: as(staffToken),
        });
      const refused = await print();
      expect(refused.statusCode).toBe(409);
      expect(refused.json().code).toBe('ERR_PASS_NOT_PRINTABLE');
      const old = await stored(SHORT);
      const res = await reissue(SHORT, staffToken, lateApp);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ generation: 1 });
      expect(res.json().reasons[0].code).toBe('TECHNICAL_FAILED');
      const fresh = await stored(SHORT);
      expect(uvciOf(fresh.dcc.payload)).not.toBe(uvciOf(old.dcc.payload));
      const expiresAt = decodeHc1(fresh.dcc.payload).claims.expiresAt as Date;
      expect(expiresAt.getTime()).toBeGreaterThan(later.getTime());
      expect((await print()).statusCode).toBe(200);
    } finally {
      await lateApp.close();
    }
  });
});
