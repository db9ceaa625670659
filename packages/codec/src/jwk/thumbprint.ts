/** JWK thumbprints (RFC 7638): the key ids of publication keys and SMART Health Card issuer keys. */
import { calculateJwkThumbprint, type JWK } from 'jose';

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK, base64url (43 characters). Only the members the RFC names for
 * the key type count (EC: crv, kty, x, y), so a private JWK gives the thumbprint of its public key. Rejects (a
 * jose error) a JWK that lacks one of them.
 */
export function jwkThumbprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(jwk, 'sha256');
}
