import { exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { bytesToBase64url } from '../encoding/base64url.ts';
import { jwkThumbprint } from './thumbprint.ts';

describe('jwkThumbprint (RFC 7638)', () => {
  it('is the base64url SHA-256 of the required members in lexicographic order (§3.2)', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
    const jwk = await exportJWK(pair.publicKey);
    const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical)));
    const expected = bytesToBase64url(digest);
    expect(await jwkThumbprint(jwk)).toBe(expected);
    // Optional members and the private part do not change it.
    const privateJwk = await exportJWK(pair.privateKey);
    expect(await jwkThumbprint({ ...privateJwk, kid: 'x', use: 'sig', alg: 'ES256' })).toBe(expected);
  });
});
