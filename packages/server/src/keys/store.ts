/**
 * The key store: CSCA, DSCs, SHC issuer keys and the publication key in the `keys` table, private parts sealed,
 * rotation by date, an audit row for every key created.
 */
import {
  type BundleSigningKey,
  bundleSigningKey,
  bytesToBase64,
  computeKid,
  generateShcSigningKey,
  type ShcSigningKey,
  shcSigningKeyFromJwk,
} from '@greenlight/codec';
import { uuidv7 } from 'uuidv7';
import { writeAudit } from '../audit.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import { createCsca, createDsc, ES256, generateEs256Pair, parseCertificate } from './certificates.ts';
import { seal, unseal } from './sealed.ts';

/** `publication` signs the bundles (docs/bundles.md); the others are the DCC and SHC chain. */
export type KeyKind = 'csca' | 'dsc' | 'shc' | 'publication';

export interface KeyRecord {
  id: string;
  kind: KeyKind;
  kid: string;
  country: string;
  certificate: Uint8Array | null;
  publicJwk: Record<string, unknown>;
  notBefore: Date;
  notAfter: Date;
  publishAt: Date;
  signFrom: Date;
  retiredAt: Date | null;
  /**
   * CSCA and DSC only: the Gateway trust-list `signature`, an ES256 signature (IEEE P1363 r‖s) by the CSCA over
   * the certificate's DER; `null` for other kinds.
   */
  trustSignature: Uint8Array | null;
}

export interface DscSigner {
  record: KeyRecord;
  /** The kid bytes (first 8 bytes of SHA-256 of the DSC) for the COSE header. */
  kidBytes: Uint8Array;
  privateKey: CryptoKey;
}

export interface KeyStoreOptions {
  /** GREENLIGHT_KEY_SECRET. */
  secret: string;
  country?: string;
  /** The one time source. */
  now?: () => Date;
  /** Who is acting, for the audit log. */
  actor?: string;
}

export interface RotateOptions {
  /** Hours between publication and first use; verifiers fetch the trust list within this window. */
  leadHours?: number;
}

const DAY_MS = 86_400_000;
const CSCA_DAYS = 3650;
const DSC_DAYS = 365;
const SHC_DAYS = 730;
const PUBLICATION_KEY_DAYS = 3650;
const DEFAULT_LEAD_HOURS = 48;

interface KeyRow {
  id: string;
  kind: KeyKind;
  kid: string;
  country: string;
  certificate: Uint8Array | null;
  public_jwk: Record<string, unknown>;
  private_key: Uint8Array;
  not_before: Date;
  not_after: Date;
  publish_at: Date;
  sign_from: Date;
  retired_at: Date | null;
  trust_signature: Uint8Array | null;
}

function toRecord(row: KeyRow): KeyRecord {
  return {
    id: row.id,
    kind: row.kind,
    kid: row.kid,
    country: row.country,
    certificate: row.certificate ? new Uint8Array(row.certificate) : null,
    publicJwk: row.public_jwk,
    notBefore: new Date(row.not_before),
    notAfter: new Date(row.not_after),
    publishAt: new Date(row.publish_at),
    signFrom: new Date(row.sign_from),
    retiredAt: row.retired_at ? new Date(row.retired_at) : null,
    trustSignature: row.trust_signature ? new Uint8Array(row.trust_signature) : null,
  };
}

/** The public EC point only (WebCrypto adds ext and key_ops, which are not part of the key). */
async function publicJwk(key: CryptoKey): Promise<Record<string, unknown>> {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', key);
  return { kty, crv, x, y };
}

const COLUMNS =
  'id, kind, kid, country, certificate, public_jwk, private_key, not_before, not_after, publish_at, sign_from, retired_at, trust_signature';

export class KeyStore {
  private readonly secret: string;
  private readonly country: string;
  private readonly now: () => Date;
  private readonly actor: string;

  constructor(
    private readonly db: Db,
    options: KeyStoreOptions,
  ) {
    this.secret = options.secret;
    this.country = options.country ?? 'KR';
    this.now = options.now ?? (() => new Date());
    this.actor = options.actor ?? 'system';
  }

  list(kind?: KeyKind): Promise<KeyRecord[]> {
    return listKeys(this.db, kind);
  }

  /** Creates what is missing: the CSCA, a first DSC and a first SHC key (usable at once: nothing precedes them). */
  async ensure(): Promise<KeyRecord[]> {
    const created: KeyRecord[] = [];
    if ((await this.list('csca')).length === 0) created.push(await this.createCsca());
    if ((await this.list('dsc')).length === 0) created.push(await this.rotate('dsc', { leadHours: 0 }));
    if ((await this.list('shc')).length === 0) created.push(await this.rotate('shc', { leadHours: 0 }));
    await this.signTrustEntries();
    return created;
  }

  /**
   * Gives every CSCA and DSC without one its Gateway trust-list `signature` (keys made before migration 150), signed
   * by the CSCA in force.
   */
  async signTrustEntries(): Promise<void> {
    const { rows } = await this.db.query<{ id: string; certificate: Uint8Array }>(
      "SELECT id, certificate FROM keys WHERE kind IN ('csca', 'dsc') AND trust_signature IS NULL AND certificate IS NOT NULL",
    );
    if (rows.length === 0) return;
    const csca = await this.csca();
    for (const row of rows) {
      const signature = await trustSignature(csca.privateKey, new Uint8Array(row.certificate));
      await this.db.query('UPDATE keys SET trust_signature = $2 WHERE id = $1', [row.id, signature]);
    }
  }

  /**
   * A new DSC (signed by the CSCA) or SHC key, published now and used for signing from now + lead hours,
   * so that every verifier has it before the first credential it signed exists.
   */
  async rotate(kind: 'dsc' | 'shc', options: RotateOptions = {}): Promise<KeyRecord> {
    const leadHours = options.leadHours ?? DEFAULT_LEAD_HOURS;
    if (!Number.isFinite(leadHours) || leadHours < 0) {
      throw new ServerError('ERR_VALIDATION', 'lead hours must be a number >= 0');
    }
    const now = this.now();
    const signFrom = new Date(now.getTime() + leadHours * 3_600_000);
    const id = uuidv7();
    if (kind === 'shc') {
      const key = await generateShcSigningKey(true);
      const privateJwk = await crypto.subtle.exportKey('jwk', key.privateKey);
      const sealed = await seal(new TextEncoder().encode(JSON.stringify(privateJwk)), this.secret, id);
      return this.insert({
        id,
        kind,
        kid: key.kid,
        certificate: null,
        publicJwk: key.publicJwk as Record<string, unknown>,
        sealed,
        notBefore: now,
        notAfter: new Date(now.getTime() + SHC_DAYS * DAY_MS),
        publishAt: now,
        signFrom,
        parentId: null,
      });
    }
    const csca = await this.csca();
    const pair = await generateEs256Pair();
    const notAfter = new Date(Math.min(now.getTime() + DSC_DAYS * DAY_MS, csca.record.notAfter.getTime()));
    const cert = await createDsc({
      publicKey: pair.publicKey,
      csca: csca.certificate,
      cscaPrivateKey: csca.privateKey,
      country: this.country,
      commonName: `Greenlight DSC ${now.toISOString().slice(0, 10)} ${id.slice(-6)}`,
      notBefore: now,
      notAfter,
    });
    const der = new Uint8Array(cert.rawData);
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
    return this.insert({
      id,
      kind,
      trustSignature: await trustSignature(csca.privateKey, der),
      kid: bytesToBase64(await computeKid(der)),
      certificate: der,
      publicJwk: await publicJwk(pair.publicKey),
      sealed: await seal(pkcs8, this.secret, id),
      notBefore: now,
      notAfter,
      publishAt: now,
      signFrom,
      parentId: csca.record.id,
    });
  }

  /** The key that signs the bundles: created on first use (usable at once), sealed at rest like every other. */
  async publicationKey(now = this.now()): Promise<BundleSigningKey> {
    const { rows } = await this.db.query<{ id: string; private_key: Uint8Array }>(
      "SELECT id, private_key FROM keys WHERE kind = 'publication' AND retired_at IS NULL ORDER BY sign_from DESC LIMIT 1",
    );
    if (rows[0]) {
      const jwk = JSON.parse(
        new TextDecoder().decode(await unseal(new Uint8Array(rows[0].private_key), this.secret, rows[0].id)),
      );
      return bundleSigningKey(jwk);
    }
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const key = await bundleSigningKey(pair.privateKey, pair.publicKey);
    const id = uuidv7();
    const privateJwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
    await this.insert({
      id,
      kind: 'publication',
      kid: key.kid,
      certificate: null,
      publicJwk: key.publicJwk as unknown as Record<string, unknown>,
      sealed: await seal(new TextEncoder().encode(JSON.stringify(privateJwk)), this.secret, id),
      notBefore: now,
      notAfter: new Date(now.getTime() + PUBLICATION_KEY_DAYS * DAY_MS),
      publishAt: now,
      signFrom: now,
      parentId: null,
    });
    return key;
  }

  /** The DSC that signs at `at`: the newest whose `sign_from` has passed. */
  async signingDsc(at = this.now()): Promise<DscSigner> {
    const record = pickSigner(await this.list('dsc'), at);
    const pkcs8 = await this.unsealOf(record);
    const privateKey = await crypto.subtle.importKey('pkcs8', Uint8Array.from(pkcs8), ES256, false, ['sign']);
    return { record, kidBytes: await computeKid(record.certificate as Uint8Array), privateKey };
  }

  async signingShcKey(at = this.now()): Promise<ShcSigningKey> {
    const record = pickSigner(await this.list('shc'), at);
    const jwk = JSON.parse(new TextDecoder().decode(await this.unsealOf(record)));
    return shcSigningKeyFromJwk(jwk);
  }

  private async unsealOf(record: KeyRecord): Promise<Uint8Array> {
    const { rows } = await this.db.query<{ private_key: Uint8Array }>(
      'SELECT private_key FROM keys WHERE id = $1',
      [record.id],
    );
    if (!rows[0]) throw new ServerError('ERR_KEY_MISSING', `key ${record.kid} is gone`);
    return unseal(new Uint8Array(rows[0].private_key), this.secret, record.id);
  }

  private async csca() {
    const record = (await this.list('csca')).find((key) => key.retiredAt === null);
    if (!record)
      throw new ServerError(
        'ERR_KEY_MISSING',
        'no CSCA: start the server once or run `greenlight keys rotate`',
      );
    const pkcs8 = await this.unsealOf(record);
    const privateKey = await crypto.subtle.importKey('pkcs8', Uint8Array.from(pkcs8), ES256, false, ['sign']);
    return { record, certificate: parseCertificate(record.certificate as Uint8Array), privateKey };
  }

  private async createCsca(): Promise<KeyRecord> {
    const now = this.now();
    const id = uuidv7();
    const keys = await generateEs256Pair();
    const notAfter = new Date(now.getTime() + CSCA_DAYS * DAY_MS);
    const cert = await createCsca({
      keys,
      country: this.country,
      commonName: 'Greenlight CSCA',
      notBefore: now,
      notAfter,
    });
    const der = new Uint8Array(cert.rawData);
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
    return this.insert({
      id,
      kind: 'csca',
      trustSignature: await trustSignature(keys.privateKey, der),
      kid: bytesToBase64(await computeKid(der)),
      certificate: der,
      publicJwk: await publicJwk(keys.publicKey),
      sealed: await seal(pkcs8, this.secret, id),
      notBefore: now,
      notAfter,
      publishAt: now,
      signFrom: now,
      parentId: null,
    });
  }

  private async insert(key: {
    id: string;
    kind: KeyKind;
    kid: string;
    certificate: Uint8Array | null;
    publicJwk: Record<string, unknown>;
    sealed: Uint8Array;
    notBefore: Date;
    notAfter: Date;
    publishAt: Date;
    signFrom: Date;
    parentId: string | null;
    trustSignature?: Uint8Array;
  }): Promise<KeyRecord> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<KeyRow>(
        `INSERT INTO keys (id, kind, kid, country, certificate, public_jwk, private_key, parent_id,
           not_before, not_after, publish_at, sign_from, trust_signature)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLUMNS}`,
        [
          key.id,
          key.kind,
          key.kid,
          this.country,
          key.certificate,
          JSON.stringify(key.publicJwk),
          key.sealed,
          key.parentId,
          key.notBefore,
          key.notAfter,
          key.publishAt,
          key.signFrom,
          key.trustSignature ?? null,
        ],
      );
      await writeAudit(tx, {
        actor: this.actor,
        action: `key.create.${key.kind}`,
        subject: key.kid,
        details: { publishAt: key.publishAt, signFrom: key.signFrom, notAfter: key.notAfter },
      });
      return toRecord(rows[0] as KeyRow);
    });
  }
}

export async function listKeys(db: Db, kind?: KeyKind): Promise<KeyRecord[]> {
  const { rows } = await db.query<KeyRow>(
    `SELECT ${COLUMNS} FROM keys WHERE $1::text IS NULL OR kind = $1 ORDER BY created_at, id`,
    [kind ?? null],
  );
  return rows.map(toRecord);
}

/** The publication public keys apps pin (`/.well-known/greenlight/publication-keys.json`). */
export async function publicationKeys(db: Db): Promise<{ keys: Record<string, unknown>[] }> {
  const { rows } = await db.query<{ kid: string; public_jwk: Record<string, unknown> }>(
    "SELECT kid, public_jwk FROM keys WHERE kind = 'publication' AND retired_at IS NULL ORDER BY sign_from",
  );
  return { keys: rows.map((r) => ({ ...r.public_jwk, kid: r.kid, use: 'sig', alg: 'ES256' })) };
}

/** The Gateway trust-list `signature` of a certificate: ES256 (r‖s) by the CSCA key over its DER. */
async function trustSignature(cscaPrivateKey: CryptoKey, der: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, cscaPrivateKey, Uint8Array.from(der)),
  );
}

/** Keys in the published lists at `at` (DSC trust list, SHC JWKS): published, not expired, not retired. */
export async function publishedKeys(db: Db, kind: 'csca' | 'dsc' | 'shc', at: Date): Promise<KeyRecord[]> {
  return (await listKeys(db, kind)).filter((key) => isPublished(key, at));
}

function isPublished(key: KeyRecord, at: Date): boolean {
  return key.retiredAt === null && key.publishAt <= at && at < key.notAfter;
}

function pickSigner(keys: KeyRecord[], at: Date): KeyRecord {
  const usable = keys
    .filter((key) => key.retiredAt === null && key.signFrom <= at && at < key.notAfter)
    .sort((a, b) => b.signFrom.getTime() - a.signFrom.getTime());
  if (!usable[0]) throw new ServerError('ERR_KEY_MISSING', 'no signing key is in force now');
  return usable[0];
}
