/** SHC issuer key checks (kty/crv/use/alg, kid = RFC 7638 thumbprint) and CRL revocation by `rid`. */
import { calculateJwkThumbprint, type JWK } from 'jose';
import { GreenlightError } from '../errors';

export interface ShcJwk extends JWK {
  crlVersion?: number;
}

export interface ShcCrl {
  kid: string;
  method: string;
  ctr: number;
  rids: string[];
}

/** Throws ERR_SHC_KEY_* when the JWK is not an ES256 P-256 signing public key whose kid is its thumbprint. */
export async function checkIssuerKey(jwk: ShcJwk): Promise<void> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') {
    throw new GreenlightError(
      'shc',
      'ERR_SHC_KEY_CURVE',
      `issuer key ${jwk.kid} is ${jwk.kty}/${jwk.crv}, not EC/P-256`,
    );
  }
  if (jwk.use !== 'sig')
    throw new GreenlightError(
      'shc',
      'ERR_SHC_KEY_USE',
      `issuer key ${jwk.kid} has use ${JSON.stringify(jwk.use)}, not "sig"`,
    );
  if (jwk.alg !== 'ES256')
    throw new GreenlightError(
      'shc',
      'ERR_SHC_KEY_ALG',
      `issuer key ${jwk.kid} has alg ${JSON.stringify(jwk.alg)}, not "ES256"`,
    );
  if ('d' in jwk)
    throw new GreenlightError(
      'shc',
      'ERR_SHC_KEY_PRIVATE',
      `issuer key ${jwk.kid} contains a private part (d)`,
    );
  let thumbprint: string;
  try {
    thumbprint = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, 'sha256');
  } catch (e) {
    throw new GreenlightError('shc', 'ERR_SHC_KEY_CURVE', `issuer key ${jwk.kid} lacks x/y`, { cause: e });
  }
  if (thumbprint !== jwk.kid) {
    throw new GreenlightError(
      'shc',
      'ERR_SHC_KEY_KID',
      `issuer key kid ${jwk.kid} is not its RFC 7638 thumbprint ${thumbprint}`,
    );
  }
}

/**
 * Whether a card is revoked by the CRL. Only applies when the key carries `crlVersion`; the CRL
 * must be the key's (`kid`), use `method: "rid"`, and have `ctr` equal to `crlVersion`.
 * An entry `rid.ts` revokes only cards whose nbf is before ts (seconds).
 */
export function isRevoked(
  jwk: ShcJwk,
  crl: ShcCrl | undefined,
  rid: string | undefined,
  nbf: number,
): boolean {
  if (jwk.crlVersion === undefined) return false;
  if (!crl)
    throw new GreenlightError(
      'shc',
      'ERR_SHC_CRL_MISSING',
      `key ${jwk.kid} has crlVersion ${jwk.crlVersion} but no CRL was given`,
    );
  if (crl.kid !== jwk.kid || crl.method !== 'rid') {
    throw new GreenlightError(
      'shc',
      'ERR_SHC_CRL_INVALID',
      `the CRL is for kid ${crl.kid} with method ${crl.method}, expected ${jwk.kid} / rid`,
    );
  }
  if (crl.ctr !== jwk.crlVersion) {
    throw new GreenlightError(
      'shc',
      'ERR_SHC_CRL_STALE',
      `the CRL ctr ${crl.ctr} differs from the key's crlVersion ${jwk.crlVersion}`,
    );
  }
  if (rid === undefined) return false;
  for (const entry of crl.rids) {
    const dot = entry.indexOf('.');
    const id = dot < 0 ? entry : entry.slice(0, dot);
    if (id !== rid) continue;
    if (dot < 0) return true;
    const ts = Number(entry.slice(dot + 1));
    if (!Number.isFinite(ts) || nbf < ts) return true;
  }
  return false;
}
