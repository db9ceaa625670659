/** Bundle sync for the apps: conditional GETs (ETag), signature checks before use, and the last good bundle kept. */

import {
  BUNDLE_KINDS,
  type BundleKind,
  bundleDigest,
  type JWK,
  type RevocationContent,
  type TrustListContent,
  verifyBundle,
} from '@greenlight/codec';
import { type DecisionBundles, decisionBundlesFrom } from '@greenlight/rules';
import type { AppDb, StoredBundle } from './store';

export const BUNDLE_URL = (kind: BundleKind) => `/v1/bundles/${kind}`;
export const PUBLICATION_KEYS_URL = '/.well-known/greenlight/publication-keys.json';

export interface SyncResult {
  kind: BundleKind;
  status: 'updated' | 'current' | 'offline' | 'refused';
  error?: string;
}

/** Fetches one bundle if it changed; a bundle that fails verification is refused and the stored one stays. */
export async function syncBundle(
  db: AppDb,
  kind: BundleKind,
  keys: JWK[],
  now = new Date(),
): Promise<SyncResult> {
  const stored = await db.get('bundles', kind);
  let response: Response;
  try {
    response = await fetch(BUNDLE_URL(kind), { headers: stored ? { 'If-None-Match': stored.etag } : {} });
  } catch (error) {
    return { kind, status: 'offline', error: String(error) };
  }
  if (response.status === 304 && stored) {
    await db.put('bundles', { ...stored, checkedAt: now.toISOString() });
    return { kind, status: 'current' };
  }
  if (!response.ok) return { kind, status: 'offline', error: `HTTP ${response.status}` };
  const bytes = new Uint8Array(await response.arrayBuffer());
  try {
    const payload = await verifyBundle(bytes, keys, {
      kind,
      ...(stored ? { notOlderThan: stored.version - 1 } : {}),
    });
    const entry: StoredBundle = {
      kind,
      bytes,
      etag: response.headers.get('ETag') ?? `"${await bundleDigest(bytes)}"`,
      version: payload.version,
      issuedAt: payload.issuedAt,
      checkedAt: now.toISOString(),
    };
    await db.put('bundles', entry);
    return { kind, status: 'updated' };
  } catch (error) {
    return { kind, status: 'refused', error: (error as { code?: string }).code ?? String(error) };
  }
}

/** The verified payload of a stored bundle (verified again: storage is not a trust anchor). */
export async function loadBundle<T>(db: AppDb, kind: BundleKind, keys: JWK[]) {
  const stored = await db.get('bundles', kind);
  if (!stored) return undefined;
  const payload = await verifyBundle<T>(stored.bytes, keys, { kind });
  return { payload, stored };
}

/**
 * The stored bundles, verified again, in the shape `decide()` takes: each with its signed `issuedAt`, from which
 * its age is counted. A kind that is missing (or no longer verifies) is left out, and `decide()` says so.
 */
export async function loadDecisionBundles(db: AppDb, keys: JWK[]): Promise<DecisionBundles> {
  const load = <T>(kind: BundleKind) =>
    loadBundle<T>(db, kind, keys).then(
      (loaded) => loaded?.payload,
      () => undefined,
    );
  const [trustList, rules, revocation] = await Promise.all([
    load<TrustListContent>('trust-list'),
    load<unknown>('rules'),
    load<RevocationContent>('revocation'),
  ]);
  return decisionBundlesFrom({ 'trust-list': trustList, rules, revocation });
}

/** Fetches every bundle that changed, then loads what is in force. */
export async function syncDecisionBundles(
  db: AppDb,
  keys: JWK[],
): Promise<{ results: SyncResult[]; bundles: DecisionBundles }> {
  const results = await Promise.all(BUNDLE_KINDS.map((kind) => syncBundle(db, kind, keys)));
  return { results, bundles: await loadDecisionBundles(db, keys) };
}

/** The signed issuedAt of the oldest bundle in force (freshness counts from the bundle, never from a fetch). */
export function oldestIssuedAt(bundles: DecisionBundles): number | undefined {
  const times = Object.values(bundles)
    .filter((b) => b !== undefined)
    .map((b) => Date.parse(b.issuedAt));
  return times.length === 0 ? undefined : Math.min(...times);
}
