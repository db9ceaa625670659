/** Bundle sync for the apps: conditional GETs (ETag), signature checks before use, and the last good bundle kept. */

import type { JWK } from '@greenlight/codec';
import { type BundleKind, bundleDigest, verifyBundle } from '@greenlight/codec';
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
