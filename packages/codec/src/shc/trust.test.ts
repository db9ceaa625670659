import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdataPath } from '../../../../test/support/testdata.ts';
import {
  checkIssuerKey,
  crlProblem,
  revocationStatus,
  type ShcCrl,
  type ShcJwk,
  ShcTrustStore,
} from './trust.ts';

const dir = testdataPath('shc', 'public');
const read = (name: string) => readFileSync(join(dir as string, name), 'utf8').trim();
const KID = '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s';

describe.skipIf(!dir)('example issuer', () => {
  const keys = () => JSON.parse(read('issuer/.well-known/jwks.json')).keys as ShcJwk[];
  const crl = () => JSON.parse(read(`issuer/.well-known/crl/${KID}.json`));
  const claims = (n: string) => JSON.parse(read(`example-${n}-c-jws-payload-minified.json`));
  it('both published keys pass the key checks', async () => {
    for (const k of keys()) await checkIssuerKey(k);
  });
  it('03 is revoked, 00 and 02 are not', () => {
    const key = keys().find((k) => k.kid === KID) as ShcJwk;
    for (const [n, revoked] of [
      ['00', false],
      ['02', false],
      ['03', true],
    ] as const) {
      const c = claims(n);
      expect(revocationStatus(key, [crl()], c.vc.rid, c.nbf).state).toBe(revoked ? 'revoked' : 'not-revoked');
    }
  });
  it('a timestamped entry does not revoke a card issued at or after it', () => {
    const key = keys().find((k) => k.kid === KID) as ShcJwk;
    expect(revocationStatus(key, [crl()], 'vwAjHdarZuc', 1687450765).state).toBe('not-revoked');
    expect(revocationStatus(key, [crl()], 'FKDIxsTCGlU', 9e9)).toMatchObject({ state: 'revoked', ctr: 1 });
  });
  it('a missing CRL is unknown; an older one still revokes what it lists and otherwise fails closed', () => {
    const key = keys().find((k) => k.kid === KID) as ShcJwk;
    expect(revocationStatus(key, [], 'x', 0)).toEqual({ state: 'unknown' });
    expect(revocationStatus({ ...key, crlVersion: 2 }, [crl()], 'x', 0)).toMatchObject({
      state: 'unusable',
      code: 'ERR_SHC_CRL_STALE',
    });
    expect(revocationStatus({ ...key, crlVersion: 2 }, [crl()], 'TqB_qu_6OtM', 0).state).toBe('revoked');
  });
  it('a CRL newer than the key set fails closed, and still revokes what it lists', () => {
    const key = keys().find((k) => k.kid === KID) as ShcJwk;
    const ahead = { ...crl(), ctr: 2 };
    expect(revocationStatus({ ...key, crlVersion: 1 }, [ahead], 'x', 0)).toMatchObject({
      state: 'unusable',
      code: 'ERR_SHC_CRL_AHEAD',
    });
    expect(revocationStatus({ ...key, crlVersion: 1 }, [ahead], 'TqB_qu_6OtM', 0)).toMatchObject({
      state: 'revoked',
      ctr: 2,
    });
    expect(revocationStatus({ ...key, crlVersion: undefined }, [crl()], 'TqB_qu_6OtM', 0).state).toBe(
      'not-applicable',
    );
  });
  it('a trust store takes JWKS files, CRLs and VCI snapshots, and refuses what is not one', () => {
    const iss = 'https://spec.smarthealth.cards/examples/issuer';
    const store = new ShcTrustStore().addJwks(iss, { keys: keys() }).addCrl(iss, crl());
    expect(store.issuer(iss)?.keys.map((k) => k.kid)).toContain(KID);
    expect(store.issuer(`${iss}/`)).toBeUndefined();
    const snap = ShcTrustStore.fromVciSnapshot({
      issuerInfo: [{ issuer: { iss, name: 'Example' }, keys: keys(), crls: [crl()] }],
    });
    expect(snap.issuer(iss)).toMatchObject({ name: 'Example', crls: [{ ctr: 1 }] });
    expect(() => ShcTrustStore.fromVciSnapshot({ participating_issuers: [] })).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_DIRECTORY_FORMAT' }),
    );
    expect(() => store.addJwks(iss, 'not json')).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_JWKS_FORMAT' }),
    );
    expect(() => store.addCrl(iss, { kid: KID, rids: 'x' })).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_CRL_FORMAT' }),
    );
  });
  it('wrong use, alg, curve and kid are typed errors', async () => {
    const k = keys().find((x) => x.kid === KID) as ShcJwk;
    await expect(checkIssuerKey({ ...k, use: 'enc' })).rejects.toMatchObject({ code: 'ERR_SHC_KEY_USE' });
    await expect(checkIssuerKey({ ...k, alg: 'ES384' })).rejects.toMatchObject({ code: 'ERR_SHC_KEY_ALG' });
    await expect(checkIssuerKey({ ...k, crv: 'P-384' })).rejects.toMatchObject({ code: 'ERR_SHC_KEY_CURVE' });
    await expect(checkIssuerKey({ ...k, kid: 'abc' })).rejects.toMatchObject({ code: 'ERR_SHC_KEY_KID' });
  });
});

describe('CRL validation: a key that declares crlVersion fails closed on a CRL it cannot use', () => {
  const kid = 'k1';
  const key: ShcJwk = { kty: 'EC', kid, crlVersion: 2 };
  const crl = (patch: { kid?: string; method?: string; ctr?: number; rids?: readonly string[] }): ShcCrl => ({
    kid,
    method: 'rid',
    ctr: 2,
    ...patch,
    rids: [...(patch.rids ?? ['AQPCj4wwk6Mt'])],
  });
  it.each([
    ['a good CRL', {}, undefined],
    ['an unknown method', { method: 'hash' }, 'ERR_SHC_CRL_METHOD'],
    ['ctr below crlVersion', { ctr: 1 }, 'ERR_SHC_CRL_STALE'],
    ['ctr above crlVersion (newer than the JWKS held)', { ctr: 3 }, 'ERR_SHC_CRL_AHEAD'],
    ['ctr 0', { ctr: 0 }, 'ERR_SHC_CRL_CTR'],
    ['ctr 2.5', { ctr: 2.5 }, 'ERR_SHC_CRL_CTR'],
    ['a rid with "+" (base64, not base64url)', { rids: ['AQPC+4wwk6Mt'] }, 'ERR_SHC_CRL_RID'],
    ['a rid of 25 characters', { rids: ['A'.repeat(25)] }, 'ERR_SHC_CRL_RID'],
    ['a rid of 24 characters', { rids: ['A'.repeat(24)] }, undefined],
    ['an empty rid', { rids: [''] }, 'ERR_SHC_CRL_RID'],
    ['a timestamp suffix', { rids: ['lHKzqFUMjhs.1636977600'] }, undefined],
    ['a timestamp that is not a number', { rids: ['lHKzqFUMjhs.yesterday'] }, 'ERR_SHC_CRL_RID'],
    ['a fractional timestamp', { rids: ['lHKzqFUMjhs.1636977600.5'] }, 'ERR_SHC_CRL_RID'],
    ['an empty timestamp', { rids: ['lHKzqFUMjhs.'] }, 'ERR_SHC_CRL_RID'],
    ['padding', { rids: ['lHKzqFUMjhs='] }, 'ERR_SHC_CRL_RID'],
    ['a duplicate entry', { rids: ['AQPCj4wwk6Mt', 'AQPCj4wwk6Mt'] }, 'ERR_SHC_CRL_RID'],
    [
      'one rid twice with different timestamps',
      { rids: ['XkNHp2Iyk0Y.1638311286', 'XkNHp2Iyk0Y.1638300000'] },
      'ERR_SHC_CRL_RID',
    ],
    [
      'one rid with and without a timestamp',
      { rids: ['XkNHp2Iyk0Y', 'XkNHp2Iyk0Y.1638300000'] },
      'ERR_SHC_CRL_RID',
    ],
  ] as const)('%s', (_, patch, code) => {
    expect(crlProblem(crl(patch), 2)?.code).toBe(code);
    const status = revocationStatus(key, [crl(patch)], 'other', 0);
    expect(status.state).toBe(code ? 'unusable' : 'not-revoked');
    if (code) expect(status).toMatchObject({ code });
  });

  it('uses the newest CRL of the key, whatever its method, and ignores other keys', () => {
    expect(revocationStatus(key, [crl({}), crl({ ctr: 3, method: 'future' })], 'x', 0)).toMatchObject({
      state: 'unusable',
      code: 'ERR_SHC_CRL_METHOD',
    });
    // The key set has moved on to version 3: its CRL 3 is used, the older CRL 2 with an unknown method is not read.
    const newer = { ...key, crlVersion: 3 };
    expect(revocationStatus(newer, [crl({ ctr: 3 }), crl({ ctr: 2, method: 'future' })], 'x', 0).state).toBe(
      'not-revoked',
    );
    // A key set still at version 2 cannot rely on CRL 3: closed, not a silent fall-back to the older CRL.
    expect(revocationStatus(key, [crl({ ctr: 3 }), crl({ ctr: 2 })], 'x', 0)).toMatchObject({
      state: 'unusable',
      code: 'ERR_SHC_CRL_AHEAD',
    });
    expect(revocationStatus(key, [crl({ kid: 'other', method: 'future' })], 'x', 0).state).toBe('unknown');
  });

  it('a key without crlVersion does not revoke, and a key with a broken crlVersion fails closed', () => {
    expect(revocationStatus({ ...key, crlVersion: undefined }, [crl({ method: 'x' })], 'x', 0).state).toBe(
      'not-applicable',
    );
    expect(revocationStatus({ ...key, crlVersion: 0 }, [crl({})], 'x', 0)).toMatchObject({
      code: 'ERR_SHC_CRL_CTR',
    });
  });

  it('a stale CRL still revokes the cards it lists', () => {
    expect(revocationStatus(key, [crl({ ctr: 1 })], 'AQPCj4wwk6Mt', 0)).toMatchObject({ state: 'revoked' });
  });

  it('a timestamped entry revokes cards issued before it only', () => {
    const timed = crl({ rids: ['lHKzqFUMjhs.1636977600'] });
    expect(revocationStatus(key, [timed], 'lHKzqFUMjhs', 1636977599.5).state).toBe('revoked');
    expect(revocationStatus(key, [timed], 'lHKzqFUMjhs', 1636977600).state).toBe('not-revoked');
  });
});
