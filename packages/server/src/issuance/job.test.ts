import {
  DscTrustList,
  jwksDocument,
  type ShcJwk,
  ShcTrustStore,
  verifyHc1,
  verifyShc,
} from '@greenlight/codec';
import { evaluatePolicy, krPolicy } from '@greenlight/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { KeyStore, publishedKeys } from '../keys/store.ts';
import { runIssuance } from './job.ts';

const ISS = 'https://greenlight.example';
const now = new Date('2022-01-20T00:00:00Z');

async function seedPeople(t: TestDb, n: number) {
  for (let i = 0; i < n; i++) {
    const id = `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`;
    await t.db.query(
      `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, `P${i}`, '김', '민준', 'KIM', 'MINJUN', `1985-03-0${(i % 9) + 1}`],
    );
    for (const dose of [1, 2, 3]) {
      await t.db.query(
        `INSERT INTO immunizations (person_id, dose_number, series_total, target, vaccine_type, product,
           manufacturer, administered_on, country, issuer)
         VALUES ($1, $2, 2, '840539006', '1119349007', 'EU/1/20/1528', 'ORG-100030215', $3, 'KR', 'KDCA')`,
        [id, dose, `2021-0${dose * 2}-15`],
      );
    }
  }
}

describe.each(DB_KINDS)('bulk issuance (%s)', (kind) => {
  let t: TestDb;
  let keys: KeyStore;
  beforeAll(async () => {
    t = await testDb(kind);
    keys = new KeyStore(t.db, {
      secret: 'a test secret that is long enough to derive a key',
      now: () => now,
    });
    await keys.ensure();
    await seedPeople(t, 12);
  });
  afterAll(async () => {
    await t?.release();
  });

  it('signs a DCC and an SHC per person that verify against the published keys and pass the kr rules', async () => {
    const progress: number[] = [];
    const summary = await runIssuance(t.db, keys, {
      shcIssuer: ISS,
      now,
      batchSize: 5,
      onProgress: (p) => progress.push(p.done),
    });
    expect(summary).toMatchObject({ people: 12, signed: 24, unchanged: 0, failed: [] });
    expect(progress).toEqual([5, 10, 12]);

    const dscs = await publishedKeys(t.db, 'dsc', now);
    const trust = await DscTrustList.fromCertificates(
      dscs.map((k) => ({ der: k.certificate as Uint8Array })),
    );
    const shcKeys = await publishedKeys(t.db, 'shc', now);
    const shcTrust = new ShcTrustStore().addJwks(
      ISS,
      jwksDocument(shcKeys.map((k) => ({ ...(k.publicJwk as ShcJwk), kid: k.kid }))),
    );
    const { rows } = await t.db.query<{ kind: string; payload: string }>(
      'SELECT kind, payload FROM issued_certificates ORDER BY person_id, kind',
    );
    expect(rows).toHaveLength(24);
    for (const row of rows) {
      if (row.kind === 'dcc') {
        const report = await verifyHc1(row.payload, trust, { now });
        expect(report.verdict).toBe('valid');
        expect(evaluatePolicy(krPolicy, { payload: report.payload, at: now }).verdict).toBe('pass');
      } else {
        const report = await verifyShc(row.payload, shcTrust, { now });
        expect(report.steps.filter((s) => s.ok === false)).toEqual([]);
        expect(report.summary?.immunizations).toHaveLength(3);
      }
    }
  });

  it('a re-run signs only the changed record', async () => {
    expect(await runIssuance(t.db, keys, { shcIssuer: ISS, now })).toMatchObject({
      signed: 0,
      unchanged: 24,
    });
    await t.db.query("UPDATE people SET given_name = '서연' WHERE external_id = 'P3'");
    const summary = await runIssuance(t.db, keys, { shcIssuer: ISS, now });
    expect(summary).toMatchObject({ signed: 2, unchanged: 22 });
  });
});
