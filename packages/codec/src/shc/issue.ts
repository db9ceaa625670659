/** Issuing SMART Health Cards: the signed JWS, its `shc:/` QR text, and the issuer's JWKS and CRL documents. */
import { deflateSync } from 'fflate';
import { CompactSign, calculateJwkThumbprint, exportJWK, importJWK, type JWK } from 'jose';
import { GreenlightError } from '../errors.ts';
import { HEALTH_CARD_TYPE, MAX_SINGLE_QR_JWS } from './card.ts';
import { shcNumeric } from './numeric.ts';
import type { ShcCrl, ShcJwk } from './trust.ts';

export interface ShcSigningKey {
  /** RFC 7638 thumbprint of the public key: the `kid` of the JWS header and of the published JWK. */
  kid: string;
  privateKey: CryptoKey;
  publicJwk: ShcJwk;
}

export const IMMUNIZATION_TYPE = 'https://smarthealth.cards#immunization';

async function publicJwkOf(jwk: JWK): Promise<ShcJwk> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new GreenlightError('shc', 'ERR_SHC_KEY_CURVE', 'an SHC issuer key is an EC P-256 key');
  }
  const kid = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, 'sha256');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, use: 'sig', alg: 'ES256' };
}

/** An issuer signing key from a private JWK (`d` present); the kid is computed, never trusted from the input. */
export async function shcSigningKeyFromJwk(jwk: JWK): Promise<ShcSigningKey> {
  if (!jwk.d)
    throw new GreenlightError('shc', 'ERR_SHC_KEY_PRIVATE', 'the signing JWK has no private part (d)');
  const publicJwk = await publicJwkOf(jwk);
  let privateKey: CryptoKey;
  try {
    privateKey = (await importJWK({ ...jwk, alg: 'ES256' }, 'ES256')) as CryptoKey;
  } catch (cause) {
    throw new GreenlightError('shc', 'ERR_SHC_KEY_CURVE', 'the signing JWK is not a usable P-256 key', {
      cause,
    });
  }
  return { kid: publicJwk.kid as string, privateKey, publicJwk };
}

/** A new ES256 issuer key. `extractable` lets the caller store the private part (server key stores do). */
export async function generateShcSigningKey(extractable = false): Promise<ShcSigningKey> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, extractable, [
    'sign',
    'verify',
  ]);
  const publicJwk = await publicJwkOf(await exportJWK(pair.publicKey));
  return { kid: publicJwk.kid as string, privateKey: pair.privateKey, publicJwk };
}

export interface ShcCardInput {
  /** The issuer URL: https, no trailing slash; verifiers fetch `${iss}/.well-known/jwks.json`. */
  iss: string;
  /** Issuance time. */
  nbf: Date;
  exp?: Date;
  /** A minimised FHIR R4 Bundle (see `minimizeFhirBundle`). */
  fhirBundle: unknown;
  /** Revocation id (up to 24 base64url characters). */
  rid?: string;
  /** Extra `vc.type` entries, e.g. `IMMUNIZATION_TYPE`. */
  types?: string[];
  fhirVersion?: string;
}

/** The card's JWT claims, minified, raw-DEFLATEd and signed: a compact JWS with `zip: DEF`. */
export async function signShc(card: ShcCardInput, key: ShcSigningKey): Promise<string> {
  if (!/^https:\/\/[^/]/.test(card.iss) || card.iss.endsWith('/')) {
    throw new GreenlightError(
      'shc',
      'ERR_SHC_CLAIMS',
      `iss ${card.iss} must be an https URL without a trailing /`,
    );
  }
  const claims = {
    iss: card.iss,
    nbf: Math.floor(card.nbf.getTime() / 1000),
    ...(card.exp ? { exp: Math.floor(card.exp.getTime() / 1000) } : {}),
    vc: {
      type: [HEALTH_CARD_TYPE, ...(card.types ?? [])],
      credentialSubject: { fhirVersion: card.fhirVersion ?? '4.0.1', fhirBundle: card.fhirBundle },
      ...(card.rid ? { rid: card.rid } : {}),
    },
  };
  const deflated = deflateSync(new TextEncoder().encode(JSON.stringify(claims)), { level: 9 });
  return new CompactSign(deflated)
    .setProtectedHeader({ zip: 'DEF', alg: 'ES256', kid: key.kid })
    .sign(key.privateKey);
}

/** The `shc:/` text of one QR code. Throws ERR_SHC_TOO_LARGE_FOR_QR past the spec's 1195 characters. */
export function shcQrText(jws: string): string {
  if (jws.length > MAX_SINGLE_QR_JWS) {
    throw new GreenlightError(
      'shc',
      'ERR_SHC_TOO_LARGE_FOR_QR',
      `the JWS has ${jws.length} characters; one QR code carries at most ${MAX_SINGLE_QR_JWS} (trim the bundle)`,
      { details: { length: jws.length } },
    );
  }
  return shcNumeric(jws);
}

/** `/.well-known/jwks.json` content for the issuer's public keys (with `crlVersion` where the issuer revokes). */
export function jwksDocument(keys: readonly (ShcJwk & { crlVersion?: number })[]): { keys: ShcJwk[] } {
  return {
    keys: keys.map((k) => ({
      kty: 'EC',
      kid: k.kid,
      use: 'sig',
      alg: 'ES256',
      crv: 'P-256',
      x: k.x,
      y: k.y,
      ...(k.crlVersion !== undefined ? { crlVersion: k.crlVersion } : {}),
      ...(k.x5c ? { x5c: k.x5c } : {}),
    })),
  };
}

/** `/.well-known/crl/<kid>.json` content. A revocation with `before` revokes only cards issued before it. */
export function crlDocument(
  kid: string,
  ctr: number,
  revocations: readonly { rid: string; before?: Date }[],
): ShcCrl {
  return {
    kid,
    method: 'rid',
    ctr,
    rids: revocations.map((r) => (r.before ? `${r.rid}.${Math.floor(r.before.getTime() / 1000)}` : r.rid)),
  };
}
