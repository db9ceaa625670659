import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdataPath } from '../../../../test/support/testdata';
import { checkIssuerKey, isRevoked, type ShcJwk } from './trust';

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
      expect(isRevoked(key, crl(), c.vc.rid, c.nbf)).toBe(revoked);
    }
  });
  it('a timestamped entry does not revoke a card issued at or after it', () => {
    const key = keys().find((k) => k.kid === KID) as ShcJwk;
    expect(isRevoked(key, crl(), 'vwAjHdarZuc', 1687450765)).toBe(false);
  });
  it('wrong use, alg, curve, kid and a stale CRL are typed errors', async () => {
    const k = keys().find((x) => x.kid === KID) as ShcJwk;
    await expect(checkIssuerKey({ ...k, use: 'enc' })).rejects.toMatchObject({ code: 'ERR_SHC_KEY_USE' });
    await expect(checkIssuerKey({ ...k, alg: 'ES384' })).rejects.toMatchObject({ code: 'ERR_SHC_KEY_ALG' });
    await expect(checkIssuerKey({ ...k, crv: 'P-384' })).rejects.toMatchObject({ code: 'ERR_SHC_KEY_CURVE' });
    await expect(checkIssuerKey({ ...k, kid: 'abc' })).rejects.toMatchObject({ code: 'ERR_SHC_KEY_KID' });
    expect(() => isRevoked(k, { ...crl(), ctr: 2 }, 'x', 0)).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_CRL_STALE' }),
    );
  });
});
