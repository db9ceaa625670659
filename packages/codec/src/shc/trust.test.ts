import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdataPath } from '../../../../test/support/testdata';
import { checkIssuerKey, revocationStatus, type ShcJwk, ShcTrustStore } from './trust';

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
  it('a missing CRL is unknown, an older one still revokes and says it is stale', () => {
    const key = keys().find((k) => k.kid === KID) as ShcJwk;
    expect(revocationStatus(key, [], 'x', 0)).toEqual({ state: 'unknown' });
    expect(revocationStatus({ ...key, crlVersion: 2 }, [crl()], 'x', 0)).toEqual({
      state: 'not-revoked',
      ctr: 1,
      stale: true,
    });
    expect(revocationStatus({ ...key, crlVersion: 2 }, [crl()], 'TqB_qu_6OtM', 0).state).toBe('revoked');
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
