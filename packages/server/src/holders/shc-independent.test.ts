/**
 * An independent SMART Health Card decoder on Greenlight's output: `shc-protocol` (MIT, npm; node-jose and pako,
 * nothing of ours) reads the card's shc:/ QR text, inflates it and verifies the signature with the key set it
 * fetches from `${iss}/.well-known/jwks.json`. The fetch is answered by this server's own route (app.inject), so the
 * key set it checks against is the one verifiers download.
 */
import { createRequire } from 'node:module';
import { shcQrText } from '@greenlight/codec';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityApp, TEST_SHC_ISSUER } from '../../test/authority-app.ts';
import { type TestDb, testDb } from '../../test/databases.ts';
import { runIssuance } from '../issuance/job.ts';
import { KeyStore } from '../keys/store.ts';

const SECRET = 'a test secret that is long enough to derive a key';
const now = new Date('2022-01-20T03:00:00Z');
const PERSON = '0190a000-0000-7000-8000-0000000000e1';

type Decode = (text: string) => Promise<{
  header: Record<string, unknown>;
  payload: { iss: string; vc: { credentialSubject: { fhirBundle: { entry: unknown[] } } } };
  verifications: { trustable: boolean; verifiedBy?: string; origin?: string; verificationError?: unknown };
}>;

describe('shc-protocol (an independent decoder) reads and verifies Greenlight’s SMART Health Card', () => {
  let t: TestDb;
  let app: FastifyInstance;
  let jws: string;
  const fetched: string[] = [];
  let decode: Decode;
  beforeAll(async () => {
    t = await testDb('pglite');
    const keys = new KeyStore(t.db, { secret: SECRET, now: () => now });
    await keys.ensure();
    await t.db.query(
      `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date)
       VALUES ($1, 'KR-00000e1', '윤', '하은', 'YUN', 'HAEUN', '1992-02-02')`,
      [PERSON],
    );
    await t.db.query(
      `INSERT INTO immunizations (person_id, dose_number, series_total, target, vaccine_type, product, manufacturer,
         administered_on, country, issuer)
       VALUES ($1, 2, 2, '840539006', '1119349007', 'EU/1/20/1528', 'ORG-100030215', '2021-11-01', 'KR', 'KDCA')`,
      [PERSON],
    );
    await runIssuance(t.db, keys, { shcIssuer: TEST_SHC_ISSUER, now });
    const { rows } = await t.db.query<{ payload: string }>(
      "SELECT payload FROM issued_certificates WHERE kind = 'shc' AND person_id = $1",
      [PERSON],
    );
    jws = rows[0]?.payload as string;
    app = await authorityApp(t.db, { keys, secret: SECRET, now: () => now });
    // The decoder fetches with cross-fetch: its module is replaced, before the decoder loads, by one that answers
    // from this app, so the request for the issuer's key set reaches our own route.
    const requireFromDecoder = createRequire(createRequire(import.meta.url).resolve('shc-protocol'));
    const crossFetch = requireFromDecoder.resolve('cross-fetch');
    requireFromDecoder(crossFetch);
    const cached = requireFromDecoder.cache[crossFetch];
    if (!cached) throw new Error('cross-fetch did not load');
    cached.exports = async (url: string) => {
      fetched.push(url);
      const res = await app.inject(new URL(url).pathname);
      return { ok: res.statusCode === 200, status: res.statusCode, json: async () => res.json() };
    };
    decode = (requireFromDecoder('shc-protocol') as { default: Decode }).default;
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  it('decodes the shc:/ text and verifies its signature with the key set from /.well-known/jwks.json', async () => {
    const result = await decode(shcQrText(jws));
    expect(fetched).toEqual([`${TEST_SHC_ISSUER}/.well-known/jwks.json`]);
    expect(result.header).toMatchObject({ alg: 'ES256', zip: 'DEF' });
    expect(result.payload.iss).toBe(TEST_SHC_ISSUER);
    expect(result.payload.vc.credentialSubject.fhirBundle.entry).toHaveLength(2);
    expect(result.verifications).toEqual({
      trustable: true,
      verifiedBy: result.header.kid,
      origin: TEST_SHC_ISSUER,
    });
  });

  it('does not trust a card whose signature was altered', async () => {
    const [h, p, s] = jws.split('.') as [string, string, string];
    const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    const result = await decode(shcQrText(`${h}.${p}.${flipped}`));
    expect(result.verifications.trustable).toBe(false);
  });
});
