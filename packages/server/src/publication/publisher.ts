/**
 * Signed publication: the trust list (DSCs in the Gateway's shape, plus the SHC issuer directory), the rules (the
 * kr policy) and the revocation data, each a signed bundle (docs/bundles.md) stored with its digest. A bundle is
 * published again only when its content changed, with the next version number.
 */
import { createHash } from 'node:crypto';
import {
  BUNDLE_KINDS,
  type BundleContents,
  type BundleKind,
  buildRevocationPartition,
  bundleDigest,
  bytesToBase64,
  type RevocationContent,
  signBundle,
  type TrustListContent,
} from '@greenlight/codec';
import { krPolicy } from '@greenlight/rules';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import { type KeyStore, publishedKeys } from '../keys/store.ts';
import { shcKeyStates } from './shc-crl.ts';

export interface PublishedBundle {
  kind: BundleKind;
  version: number;
  digest: string;
  bytes: Uint8Array;
  issuedAt: Date;
}

export interface PublisherOptions {
  /** Holds the publication key (created on first use). */
  keys: KeyStore;
  /** The SHC issuer URL of this authority. */
  shcIssuer: string;
  shcIssuerName?: string;
  now?: () => Date;
}

async function trustListContent(db: Db, options: PublisherOptions, now: Date): Promise<TrustListContent> {
  const dscs = await publishedKeys(db, 'dsc', now);
  const shcKeys = await shcKeyStates(db, now);
  return {
    certificates: dscs.map((k) => ({
      kid: k.kid,
      country: k.country,
      certificateType: 'DSC',
      rawData: bytesToBase64(k.certificate as Uint8Array),
    })),
    shcDirectory: {
      issuerInfo: [
        {
          issuer: { iss: options.shcIssuer, name: options.shcIssuerName ?? 'Greenlight' },
          keys: shcKeys.map((state) => state.jwk),
          crls: shcKeys.map((state) => state.crl),
        },
      ],
    },
  };
}

async function revocationContent(db: Db): Promise<RevocationContent> {
  const { rows } = await db.query<{ uci: string; kid: string }>(
    `SELECT r.uci, k.kid FROM revocations r JOIN keys k ON k.id = r.key_id
     WHERE r.kind = 'dcc' AND r.uci IS NOT NULL ORDER BY k.kid`,
  );
  const byKid = new Map<string, Uint8Array[]>();
  for (const row of rows) {
    const hash = new Uint8Array(createHash('sha256').update(row.uci).digest().subarray(0, 16));
    byKid.set(row.kid, [...(byKid.get(row.kid) ?? []), hash]);
  }
  return {
    partitions: [...byKid].map(([kid, hashes]) =>
      buildRevocationPartition(kid, 'UCI', hashes, hashes.length > 10_000 ? { encoding: 'bloom' } : {}),
    ),
  };
}

async function contentOf(
  kind: BundleKind,
  db: Db,
  options: PublisherOptions,
  now: Date,
): Promise<BundleContents[BundleKind]> {
  if (kind === 'trust-list') return trustListContent(db, options, now);
  if (kind === 'rules') return krPolicy;
  return revocationContent(db);
}

/** Publishes a new version of each bundle whose content changed; returns the latest bundle of every kind. */
export async function publish(db: Db, options: PublisherOptions): Promise<Map<BundleKind, PublishedBundle>> {
  const now = options.now?.() ?? new Date();
  const key = await options.keys.publicationKey(now);
  const out = new Map<BundleKind, PublishedBundle>();
  for (const kind of BUNDLE_KINDS) {
    const content = await contentOf(kind, db, options, now);
    const contentHash = createHash('sha256').update(JSON.stringify(content)).digest('hex');
    const { rows } = await db.query<{ version: string; content_hash: string }>(
      'SELECT version, content_hash FROM published_bundles WHERE kind = $1 ORDER BY version DESC LIMIT 1',
      [kind],
    );
    const latest = rows[0];
    if (!latest || latest.content_hash !== contentHash) {
      const version = latest ? Number(latest.version) + 1 : 1;
      const bytes = await signBundle({ kind, version, issuedAt: now.toISOString(), content }, key);
      await db.query(
        `INSERT INTO published_bundles (kind, version, digest, content_hash, bytes, issued_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [kind, version, await bundleDigest(bytes), contentHash, bytes, now.toISOString()],
      );
    }
    const bundle = await latestBundle(db, kind);
    if (bundle) out.set(kind, bundle);
  }
  return out;
}

interface BundleRow {
  kind: BundleKind;
  version: string;
  digest: string;
  bytes: Uint8Array;
  issued_at: Date;
}

const toBundle = (row: BundleRow): PublishedBundle => ({
  kind: row.kind,
  version: Number(row.version),
  digest: row.digest,
  bytes: new Uint8Array(row.bytes),
  issuedAt: new Date(row.issued_at),
});

export async function latestBundle(db: Db, kind: BundleKind): Promise<PublishedBundle | undefined> {
  const { rows } = await db.query<BundleRow>(
    'SELECT kind, version, digest, bytes, issued_at FROM published_bundles WHERE kind = $1 ORDER BY version DESC LIMIT 1',
    [kind],
  );
  return rows[0] ? toBundle(rows[0]) : undefined;
}

export async function bundleByDigest(db: Db, digest: string): Promise<PublishedBundle | undefined> {
  const { rows } = await db.query<BundleRow>(
    'SELECT kind, version, digest, bytes, issued_at FROM published_bundles WHERE digest = $1',
    [digest],
  );
  return rows[0] ? toBundle(rows[0]) : undefined;
}

export function unknownKind(kind: string): ServerError {
  return new ServerError('ERR_BUNDLE_KIND', `no bundle kind ${kind} (${BUNDLE_KINDS.join(', ')})`);
}
