/**
 * Signed bundles (docs/bundles.md): what the authority publishes for verifiers (trust list, rules, revocation) as a
 * flattened JWS (RFC 7515 §7.2.2, ES256) over `{kind, version, issuedAt, content}`. Apps verify before use.
 */
import { exportJWK, FlattenedSign, flattenedVerify, importJWK, type JWK } from 'jose';
import { base64urlToBytes, bytesToBase64url } from '../encoding/base64url.ts';
import { type BundleErrorCode, GreenlightError } from '../errors.ts';
import { jwkThumbprint } from '../jwk/thumbprint.ts';
import { BUNDLE_KINDS, type BundleKind } from './contents.ts';

export const BUNDLE_TYP = 'greenlight-bundle+json';

export interface BundlePayload<T = unknown> {
  kind: BundleKind;
  /** Monotonic per kind: a verifier refuses to go back to an older version. */
  version: number;
  issuedAt: string;
  content: T;
}

export interface BundleSigningKey {
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const bundleError = (code: BundleErrorCode, message: string, cause?: unknown) =>
  new GreenlightError('bundle', code, message, cause === undefined ? undefined : { cause });

const isJwk = (key: CryptoKey | JWK): key is JWK => 'kty' in key;

async function publicJwkOf(key: CryptoKey | JWK): Promise<JWK> {
  const jwk = isJwk(key) ? key : await exportJWK(key);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw bundleError('ERR_BUNDLE_KEY', 'a bundle key is an EC P-256 key');
  }
  const kid = await jwkThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y });
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, use: 'sig', alg: 'ES256' };
}

/** A signing key from a CryptoKey pair or a private JWK. */
export async function bundleSigningKey(
  privateKey: CryptoKey | JWK,
  publicKey?: CryptoKey,
): Promise<BundleSigningKey> {
  let priv: CryptoKey;
  let pub: JWK;
  if (isJwk(privateKey)) {
    if (!privateKey.d) throw bundleError('ERR_BUNDLE_KEY', 'the signing JWK has no private part');
    priv = (await importJWK({ ...privateKey, alg: 'ES256' }, 'ES256')) as CryptoKey;
    pub = await publicJwkOf(privateKey);
  } else {
    if (!publicKey) throw bundleError('ERR_BUNDLE_KEY', 'a CryptoKey signing key needs its public key');
    priv = privateKey;
    pub = await publicJwkOf(publicKey);
  }
  return { kid: pub.kid as string, privateKey: priv, publicJwk: pub };
}

/** The bundle file's bytes: a flattened JWS JSON document. */
export async function signBundle<T>(
  payload: Omit<BundlePayload<T>, 'issuedAt'> & { issuedAt?: string },
  key: BundleSigningKey,
): Promise<Uint8Array> {
  if (!BUNDLE_KINDS.includes(payload.kind))
    throw bundleError('ERR_BUNDLE_KIND', `unknown bundle kind ${payload.kind}`);
  if (!Number.isSafeInteger(payload.version) || payload.version < 1) {
    throw bundleError('ERR_BUNDLE_FORMAT', 'a bundle version is a positive integer');
  }
  const body: BundlePayload<T> = {
    kind: payload.kind,
    version: payload.version,
    issuedAt: payload.issuedAt ?? new Date().toISOString(),
    content: payload.content,
  };
  const jws = await new FlattenedSign(new TextEncoder().encode(JSON.stringify(body)))
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: BUNDLE_TYP })
    .sign(key.privateKey);
  return new TextEncoder().encode(JSON.stringify(jws));
}

export interface VerifyBundleOptions {
  /** The kind the caller expects: another kind is refused (a revocation bundle is no rules bundle). */
  kind: BundleKind;
  /** The version in force: an older or equal version is refused as a rollback. */
  notOlderThan?: number;
}

/**
 * Verifies a bundle file against the publication keys the app trusts and returns its payload. Throws
 * ERR_BUNDLE_FORMAT (not a signed bundle), ERR_BUNDLE_UNSIGNED, ERR_BUNDLE_UNKNOWN_KEY, ERR_BUNDLE_SIGNATURE
 * (tampered), ERR_BUNDLE_KIND, ERR_BUNDLE_ROLLBACK.
 */
export async function verifyBundle<T = unknown>(
  bytes: Uint8Array,
  trustedKeys: readonly JWK[],
  options: VerifyBundleOptions,
): Promise<BundlePayload<T>> {
  let jws: Record<string, unknown>;
  try {
    jws = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw bundleError('ERR_BUNDLE_FORMAT', 'the bundle is not UTF-8 JSON', cause);
  }
  if (typeof jws !== 'object' || jws === null || typeof jws.payload !== 'string') {
    throw bundleError('ERR_BUNDLE_FORMAT', 'the bundle is not a flattened JWS');
  }
  if (typeof jws.signature !== 'string' || typeof jws.protected !== 'string') {
    throw bundleError('ERR_BUNDLE_UNSIGNED', 'the bundle carries no signature');
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(base64urlToBytes(jws.protected)));
  } catch (cause) {
    throw bundleError('ERR_BUNDLE_FORMAT', 'the bundle header is not base64url JSON', cause);
  }
  if (header.alg !== 'ES256' || header.typ !== BUNDLE_TYP) {
    throw bundleError('ERR_BUNDLE_FORMAT', `the bundle header is not an ES256 ${BUNDLE_TYP}`);
  }
  const jwk = trustedKeys.find((k) => k.kid === header.kid);
  if (!jwk)
    throw bundleError(
      'ERR_BUNDLE_UNKNOWN_KEY',
      `the bundle is signed by key ${header.kid}, which is not trusted`,
    );
  let payloadBytes: Uint8Array;
  try {
    const key = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, 'ES256');
    payloadBytes = (
      await flattenedVerify(
        { protected: jws.protected, payload: jws.payload, signature: jws.signature },
        key,
        { algorithms: ['ES256'] },
      )
    ).payload;
  } catch (cause) {
    throw bundleError(
      'ERR_BUNDLE_SIGNATURE',
      'the bundle signature does not verify: it was changed after signing',
      cause,
    );
  }
  const payload = JSON.parse(new TextDecoder().decode(payloadBytes)) as BundlePayload<T>;
  if (payload.kind !== options.kind) {
    throw bundleError('ERR_BUNDLE_KIND', `expected a ${options.kind} bundle, got ${payload.kind}`);
  }
  if (options.notOlderThan !== undefined && !(payload.version > options.notOlderThan)) {
    throw bundleError(
      'ERR_BUNDLE_ROLLBACK',
      `bundle version ${payload.version} is not newer than the version in force (${options.notOlderThan})`,
    );
  }
  return payload;
}

/** Strong ETag of a bundle file: the SHA-256 of its bytes, base64url, quoted. Also its content address. */
export async function bundleDigest(bytes: Uint8Array): Promise<string> {
  return bytesToBase64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes))));
}

export interface BundleInForce<T> {
  version: number;
  issuedAt: string;
  value: T;
}

/**
 * One kind of bundle as an app holds it: a new bundle replaces the one in force only when its signature, kind,
 * version and content all check out; otherwise the previous good bundle stays in force and the error is returned.
 */
export class BundleSlot<T> {
  #current: BundleInForce<T> | undefined;

  constructor(
    readonly kind: BundleKind,
    private readonly trustedKeys: readonly JWK[],
    /** Validates the content and turns it into what the app uses; throws a GreenlightError when it is malformed. */
    private readonly parse: (content: unknown) => T,
  ) {}

  get current(): BundleInForce<T> | undefined {
    return this.#current;
  }

  async offer(bytes: Uint8Array): Promise<{ accepted: true } | { accepted: false; error: GreenlightError }> {
    try {
      const payload = await verifyBundle(bytes, this.trustedKeys, {
        kind: this.kind,
        ...(this.#current ? { notOlderThan: this.#current.version } : {}),
      });
      const value = this.parse(payload.content);
      this.#current = { version: payload.version, issuedAt: payload.issuedAt, value };
      return { accepted: true };
    } catch (error) {
      const typed =
        error instanceof GreenlightError
          ? error
          : bundleError('ERR_BUNDLE_CONTENT', `the bundle content is malformed: ${String(error)}`, error);
      return { accepted: false, error: typed };
    }
  }
}
