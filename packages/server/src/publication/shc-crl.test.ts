import { createHash } from 'node:crypto';
import { base64ToBytes, computeKid, ShcTrustStore, verifyShcText } from '@greenlight/codec';
import * as x509 from '@peculiar/x509';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityApp, TEST_SHC_ISSUER } from '../../test/authority-app.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { createStaffToken } from '../auth/staff.ts';
import { runIssuance } from '../issuance/job.ts';
import { KeyStore } from '../keys/store.ts';

const SECRET = 'a test secret that is long enough to derive a key';
const now = new Date('2022-01-20T03:00:00Z');
const PERSON = '0190a000-0000-7000-8000-0000000000c1';

describe.each(DB_KINDS)(
  'SHC key set, CRL and Gateway trust list as standard verifiers fetch them (%s)',
  (kind) => {
    let t: TestDb;
    let app: FastifyInstance;
    let staffToken: string;
    let jws: string;
    beforeAll(async () => {
      t = await testDb(kind);
      const keys = new KeyStore(t.db, { secret: SECRET, now: () => now });
      await keys.ensure();
      await t.db.query(
        `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date)
       VALUES ($1, 'KR-0000c01', '최', '민준', 'CHOI', 'MINJUN', '1980-05-06')`,
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
        "SELECT payload FROM issued_certificates WHERE person_id = $1 AND kind = 'shc'",
        [PERSON],
      );
      jws = rows[0]?.payload as string;
      staffToken = await createStaffToken(t.db, { login: 'desk-c', role: 'staff' });
      app = await authorityApp(t.db, { keys, secret: SECRET, now: () => now });
    });
    afterAll(async () => {
      await app?.close();
      await t?.release();
    });

    /** What a verifier fetches from the issuer: the JWKS, then the CRL of each key that declares crlVersion. */
    async function fetchIssuer() {
      const jwksRes = await app.inject('/.well-known/jwks.json');
      const jwks = jwksRes.json() as { keys: { kid: string; crlVersion?: number }[] };
      const crls = [];
      for (const key of jwks.keys) {
        const res = await app.inject(`/.well-known/crl/${key.kid}.json`);
        expect(res.statusCode).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBe('*');
        crls.push(res.json() as { kid: string; method: string; ctr: number; rids: string[] });
      }
      return { jwksRes, jwks, crls };
    }

    const cardKid = () => JSON.parse(Buffer.from(jws.split('.')[0] as string, 'base64url').toString()).kid;

    it('serves the JWKS with Access-Control-Allow-Origin: * and every key with crlVersion equal to its CRL ctr', async () => {
      const { jwksRes, jwks, crls } = await fetchIssuer();
      expect(jwksRes.statusCode).toBe(200);
      expect(jwksRes.headers['access-control-allow-origin']).toBe('*');
      expect(jwks.keys.map((key) => key.kid)).toContain(cardKid());
      for (const [i, key] of jwks.keys.entries()) {
        expect(Object.keys(key).sort()).toEqual(['alg', 'crlVersion', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
        expect(crls[i]).toEqual({ kid: key.kid, method: 'rid', ctr: key.crlVersion, rids: [] });
      }
      const store = new ShcTrustStore().addJwks(TEST_SHC_ISSUER, jwks);
      for (const crl of crls) store.addCrl(TEST_SHC_ISSUER, crl);
      const [report] = await verifyShcText(jws, store, { now, missingCrl: 'fail' });
      expect(report?.verdict).toBe('valid');
    });

    it('answers 404 with CORS for a kid no published key has, and 400 for a name that is not <kid>.json', async () => {
      const missing = await app.inject('/.well-known/crl/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.json');
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('ERR_NOT_FOUND');
      expect(missing.headers['access-control-allow-origin']).toBe('*');
      expect((await app.inject('/.well-known/crl/not%20a%20kid.json')).statusCode).toBe(400);
      expect((await app.inject(`/.well-known/crl/${cardKid()}`)).statusCode).toBe(400);
    });

    it('revoked at the desk: the rid is in the public CRL, ctr and crlVersion go up together, the codec refuses the card', async () => {
      const before = await fetchIssuer();
      const index = before.jwks.keys.findIndex((key) => key.kid === cardKid());
      const revoke = await app.inject({
        method: 'POST',
        url: `/v1/certificates/${PERSON}:shc/revoke`,
        headers: { authorization: `Bearer ${staffToken}` },
        payload: { reason: 'issued in error' },
      });
      expect(revoke.statusCode).toBe(200);
      const after = await fetchIssuer();
      const crl = after.crls[index];
      const { rows } = await t.db.query<{ reference: string }>(
        "SELECT reference FROM revocations WHERE kind = 'shc' AND reference IS NOT NULL",
      );
      expect(rows).toHaveLength(1);
      expect(crl?.rids).toEqual([rows[0]?.reference]);
      expect(crl?.ctr).toBe((before.crls[index]?.ctr as number) + 1);
      expect(after.jwks.keys[index]?.crlVersion).toBe(crl?.ctr);
      // The signed trust-list bundle carries the same key set and CRLs as the public routes.
      const trust = await app.inject('/v1/bundles/trust-list');
      const content = JSON.parse(Buffer.from(trust.json().payload, 'base64url').toString()).content;
      expect(content.shcDirectory.issuerInfo[0].keys).toEqual(after.jwks.keys);
      expect(content.shcDirectory.issuerInfo[0].crls).toEqual(after.crls);
      // A verifier that knows only the public JWKS and CRL refuses the card.
      const store = new ShcTrustStore().addJwks(TEST_SHC_ISSUER, after.jwks);
      for (const c of after.crls) store.addCrl(TEST_SHC_ISSUER, c);
      const [report] = await verifyShcText(jws, store, { now });
      expect(report?.verdict).toBe('invalid');
      expect(report?.steps.filter((s) => s.ok === false).map((s) => s.code)).toEqual(['ERR_SHC_REVOKED']);
    });

    it('publishes the DSCs and the CSCA with every field of the Gateway trust-list item, chained and signed', async () => {
      const dscs = (await app.inject('/v1/trust/dscs')).json().certificates as Record<string, string>[];
      const cscas = (await app.inject('/v1/trust/cscas')).json().certificates as Record<string, string>[];
      expect(dscs.length).toBeGreaterThan(0);
      expect(cscas).toHaveLength(1);
      const csca = cscas[0] as Record<string, string>;
      const cscaCert = new x509.X509Certificate(Uint8Array.from(base64ToBytes(csca.rawData as string)));
      const cscaKey = await cscaCert.publicKey.export({ name: 'ECDSA', namedCurve: 'P-256' }, ['verify']);
      for (const [item, type] of [...dscs.map((d) => [d, 'DSC'] as const), [csca, 'CSCA'] as const]) {
        for (const field of [
          'kid',
          'timestamp',
          'country',
          'certificateType',
          'thumbprint',
          'signature',
          'rawData',
        ])
          expect(typeof item[field] === 'string' && item[field] !== '', `${type} ${field}`).toBe(true);
        const der = base64ToBytes(item.rawData as string);
        expect(item.certificateType).toBe(type);
        expect(item.country).toBe('KR');
        expect(item.kid).toBe(Buffer.from(await computeKid(der)).toString('base64'));
        expect(item.thumbprint).toBe(createHash('sha256').update(der).digest('hex'));
        expect(Number.isNaN(Date.parse(item.timestamp as string))).toBe(false);
        const signed = await crypto.subtle.verify(
          { name: 'ECDSA', hash: 'SHA-256' },
          cscaKey,
          Uint8Array.from(base64ToBytes(item.signature as string)),
          Uint8Array.from(der),
        );
        expect(signed, `${type} signature`).toBe(true);
        const cert = new x509.X509Certificate(Uint8Array.from(der));
        expect(await cert.verify({ publicKey: cscaCert.publicKey, signatureOnly: true })).toBe(true);
      }
    });

    it('keeps x5c of a stored key that carries a chain: the route schema lists it, so it is not stripped', async () => {
      const chain = ['MIIBchain-leaf', 'MIIBchain-root'];
      await t.db.query(
        "UPDATE keys SET public_jwk = public_jwk || jsonb_build_object('x5c', $1::jsonb) WHERE kind = 'shc'",
        [JSON.stringify(chain)],
      );
      const { keys } = (await app.inject('/.well-known/jwks.json')).json() as {
        keys: { x5c?: string[] }[];
      };
      expect(keys.map((key) => key.x5c)).toEqual(keys.map(() => chain));
    });
  },
);
