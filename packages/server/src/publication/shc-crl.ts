/**
 * The SMART Health Card issuer's public revocation state (SMART Health Cards spec, "Revocation"): the JWKS whose
 * keys carry `crlVersion`, and one CRL per key. The signed trust-list bundle, `/.well-known/jwks.json` and
 * `/.well-known/crl/<kid>.json` all read it from here, so that they never disagree.
 */
import { crlDocument, jwksDocument, type ShcCrl, type ShcJwk } from '@greenlight/codec';
import type { Db } from '../db/types.ts';
import { type KeyRecord, publishedKeys } from '../keys/store.ts';

export interface ShcKeyState {
  key: KeyRecord;
  /** The key as published: its public point, `kid`, `crlVersion`, and `x5c` when the stored key carries a chain. */
  jwk: ShcJwk;
  crl: ShcCrl;
}

/**
 * Every published SHC key with its CRL. Greenlight revokes SHCs by `rid` (cards carry `vc.rid`), so every key
 * declares revocation from the start: its CRL's `ctr` is 1 while nothing is revoked and goes up by one with each
 * revocation of a card the key signed (revocations are never deleted, so it only grows); the key's `crlVersion`
 * is that same `ctr`. The rids are listed in revocation order.
 */
export async function shcKeyStates(db: Db, at: Date): Promise<ShcKeyState[]> {
  const keys = await publishedKeys(db, 'shc', at);
  if (keys.length === 0) return [];
  const { rows } = await db.query<{ key_id: string; reference: string }>(
    `SELECT key_id, reference FROM revocations
     WHERE kind = 'shc' AND reference IS NOT NULL AND key_id = ANY($1::uuid[])
     ORDER BY revoked_at, id`,
    [keys.map((key) => key.id)],
  );
  return keys.map((key) => {
    const rids = rows.filter((row) => row.key_id === key.id).map((row) => row.reference);
    const ctr = rids.length + 1;
    // `x5c` (leaf first, up to the root) is published only when the stored key carries a whole chain; the key
    // store makes SHC keys without one, and a lone leaf would read as its own root to a verifier.
    const [jwk] = jwksDocument([{ ...(key.publicJwk as ShcJwk), kid: key.kid, crlVersion: ctr }]).keys as [
      ShcJwk,
    ];
    return {
      key,
      jwk,
      crl: crlDocument(
        key.kid,
        ctr,
        [...new Set(rids)].map((rid) => ({ rid })),
      ),
    };
  });
}

/** `/.well-known/jwks.json`: the published SHC keys. */
export async function shcJwks(db: Db, at: Date): Promise<{ keys: ShcJwk[] }> {
  return { keys: (await shcKeyStates(db, at)).map((state) => state.jwk) };
}

/** `/.well-known/crl/<kid>.json`: the CRL of one published key, or `undefined` when no published key has the kid. */
export async function shcCrl(db: Db, kid: string, at: Date): Promise<ShcCrl | undefined> {
  return (await shcKeyStates(db, at)).find((state) => state.key.kid === kid)?.crl;
}
