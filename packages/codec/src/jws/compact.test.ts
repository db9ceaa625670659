import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testdataPath } from '../../../../test/support/testdata.ts';
import { bytesToBase64url } from '../encoding/base64url.ts';
import { isGreenlightError } from '../errors.ts';
import { inflatePayload, parseCompactJws, verifyCompactJwsSignature } from './compact.ts';

const dir = testdataPath('shc', 'public');
const read = (name: string) => readFileSync(join(dir as string, name), 'utf8').trim();

describe.skipIf(!dir)('spec examples', () => {
  const jwks = () => JSON.parse(read('issuer/.well-known/jwks.json')).keys as { kid: string }[];
  it.each(['00', '01', '02', '03'])(
    'example %s: signature verifies, payload inflates to the minified claims',
    async (n) => {
      const jws = read(`example-${n}-d-jws.txt`);
      const parsed = parseCompactJws(jws);
      expect(parsed.header.zip).toBe('DEF');
      const key = jwks().find((k) => k.kid === parsed.header.kid);
      expect(key).toBeDefined();
      await verifyCompactJwsSignature(jws, key as never);
      expect(new TextDecoder().decode(inflatePayload(parsed.rawPayload))).toBe(
        read(`example-${n}-c-jws-payload-minified.json`),
      );
    },
  );
  it('a header edited after signing fails the signature', async () => {
    const jws = read('example-00-d-jws.txt');
    const [, p, s] = jws.split('.');
    const h = bytesToBase64url(
      new TextEncoder().encode(JSON.stringify({ zip: 'DEF', alg: 'ES256', kid: 'x' })),
    );
    const key = jwks()[0];
    await expect(verifyCompactJwsSignature(`${h}.${p}.${s}`, key as never)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });
});

describe('errors', () => {
  it('bad base64url', () =>
    expect(() => parseCompactJws('a*b.c.d')).toThrow(expect.objectContaining({ code: 'ERR_JWS_BASE64URL' })));
  it('wrong part count', () =>
    expect(() => parseCompactJws('a.b')).toThrow(expect.objectContaining({ code: 'ERR_JWS_FORMAT' })));
  it('bad deflate', () =>
    expect(() => inflatePayload(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(
      expect.objectContaining({ code: 'ERR_JWS_INFLATE' }),
    ));
  it('random input throws only GreenlightError', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseCompactJws(s);
        } catch (e) {
          if (!isGreenlightError(e)) throw e;
        }
      }),
    );
  });
});
