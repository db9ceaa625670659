/**
 * DCC revocation as the EU's revocation design defines it: a certificate is identified by one of three hashes
 * (UCI, COUNTRYCODEUCI, SIGNATURE; the first 16 bytes of SHA-256), and lists are partitioned by the DSC's kid.
 * Lists ship as exact sorted sets or as Bloom filters with a stated false-positive rate (docs/revocation.md).
 */
import type { CoseSign1 } from '../cose/sign1.ts';
import { base64ToBytes, bytesToBase64 } from '../encoding/bytes.ts';
import { GreenlightError, type RevocationErrorCode } from '../errors.ts';

export const REVOCATION_HASH_TYPES = ['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'] as const;
export type RevocationHashType = (typeof REVOCATION_HASH_TYPES)[number];
export const HASH_BYTES = 16;

const revocationError = (code: RevocationErrorCode, message: string) =>
  new GreenlightError('revocation', code, message);

async function sha256First16(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes))).slice(0, HASH_BYTES);
}

/** The `ci` of the certificate's one v/t/r entry. */
export function hcertUci(hcert: Record<string, unknown>): string | undefined {
  for (const key of ['v', 't', 'r']) {
    const list = hcert[key];
    if (Array.isArray(list) && list.length > 0) {
      const ci = (list[0] as Record<string, unknown>)?.ci;
      return typeof ci === 'string' ? ci : undefined;
    }
  }
  return undefined;
}

/**
 * The three hashes of a certificate. COUNTRYCODEUCI hashes the issuing country (the CWT `iss`, upper case) followed
 * by the UCI; SIGNATURE hashes the signature, for ECDSA only its `r` half (the `s` half is malleable).
 */
export async function revocationHashes(
  hcert: Record<string, unknown>,
  cose: Pick<CoseSign1, 'signature' | 'alg'>,
  issuerCountry: string | undefined,
): Promise<Partial<Record<RevocationHashType, Uint8Array>>> {
  const out: Partial<Record<RevocationHashType, Uint8Array>> = {};
  const uci = hcertUci(hcert);
  const utf8 = new TextEncoder();
  if (uci) {
    out.UCI = await sha256First16(utf8.encode(uci));
    if (issuerCountry)
      out.COUNTRYCODEUCI = await sha256First16(utf8.encode(issuerCountry.toUpperCase() + uci));
  }
  const ecdsa = cose.alg === -7 || cose.alg === -35 || cose.alg === -36;
  const signed = ecdsa ? cose.signature.subarray(0, cose.signature.length / 2) : cose.signature;
  out.SIGNATURE = await sha256First16(signed);
  return out;
}

export type RevocationPartition =
  | { kid: string; hashType: RevocationHashType; encoding: 'set'; count: number; hashes: string }
  | {
      kid: string;
      hashType: RevocationHashType;
      encoding: 'bloom';
      count: number;
      /** Bits in the filter, and hash functions per entry. */
      m: number;
      k: number;
      /** The false-positive rate the filter was sized for. */
      falsePositiveRate: number;
      bits: string;
    };

/** The content of a revocation bundle (signed by the bundle layer). */
export interface RevocationContent {
  partitions: RevocationPartition[];
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < HASH_BYTES; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

/** Bloom positions from the hash itself (it is already uniform): double hashing over two 32-bit words. */
function bloomPositions(hash: Uint8Array, m: number, k: number): number[] {
  const view = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  const h1 = view.getUint32(0);
  const h2 = view.getUint32(4) | 1;
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(((h1 + Math.imul(i, h2)) >>> 0) % m);
  return out;
}

/** Builds one partition. A Bloom filter is sized for `falsePositiveRate` (default 1e-6) at this count. */
export function buildRevocationPartition(
  kid: string,
  hashType: RevocationHashType,
  hashes: readonly Uint8Array[],
  options: { encoding?: 'set' | 'bloom'; falsePositiveRate?: number } = {},
): RevocationPartition {
  for (const h of hashes) {
    if (h.length !== HASH_BYTES)
      throw revocationError('ERR_REVOCATION_HASH', 'a revocation hash is 16 bytes');
  }
  if (options.encoding === 'bloom') {
    const p = options.falsePositiveRate ?? 1e-6;
    const n = Math.max(1, hashes.length);
    const m = Math.max(64, Math.ceil((-n * Math.log(p)) / Math.LN2 ** 2));
    const k = Math.max(1, Math.round((m / n) * Math.LN2));
    const bits = new Uint8Array(Math.ceil(m / 8));
    for (const h of hashes) for (const pos of bloomPositions(h, m, k)) bits[pos >> 3]! |= 1 << (pos & 7);
    return {
      kid,
      hashType,
      encoding: 'bloom',
      count: hashes.length,
      m,
      k,
      falsePositiveRate: p,
      bits: bytesToBase64(bits),
    };
  }
  const sorted = [...hashes].sort(compare);
  const unique = sorted.filter((h, i) => i === 0 || compare(h, sorted[i - 1] as Uint8Array) !== 0);
  const all = new Uint8Array(unique.length * HASH_BYTES);
  for (const [i, h] of unique.entries()) all.set(h, i * HASH_BYTES);
  return { kid, hashType, encoding: 'set', count: unique.length, hashes: bytesToBase64(all) };
}

type Lookup = { hashType: RevocationHashType; has(hash: Uint8Array): boolean; exact: boolean };

function lookupOf(p: RevocationPartition): Lookup {
  if (p.encoding === 'set') {
    const all = base64ToBytes(p.hashes);
    if (all.length % HASH_BYTES !== 0)
      throw revocationError('ERR_REVOCATION_FORMAT', `partition ${p.kid}: bad set`);
    const n = all.length / HASH_BYTES;
    return {
      hashType: p.hashType,
      exact: true,
      has(hash) {
        let lo = 0;
        let hi = n - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const c = compare(all.subarray(mid * HASH_BYTES, (mid + 1) * HASH_BYTES), hash);
          if (c === 0) return true;
          if (c < 0) lo = mid + 1;
          else hi = mid - 1;
        }
        return false;
      },
    };
  }
  if (p.encoding === 'bloom') {
    const bits = base64ToBytes(p.bits);
    if (!(p.m > 0 && p.k > 0 && bits.length * 8 >= p.m))
      throw revocationError('ERR_REVOCATION_FORMAT', `partition ${p.kid}: bad Bloom filter`);
    return {
      hashType: p.hashType,
      exact: false,
      has: (hash) =>
        bloomPositions(hash, p.m, p.k).every((pos) => ((bits[pos >> 3] as number) >> (pos & 7)) & 1),
    };
  }
  throw revocationError('ERR_REVOCATION_FORMAT', 'a partition is neither a set nor a Bloom filter');
}

export interface RevocationCheck {
  revoked: boolean;
  /** The hash type that matched. */
  hashType?: RevocationHashType;
  /** True when the match came from a Bloom filter: revoked with the filter's false-positive rate. */
  probabilistic?: boolean;
}

/** A verifier's revocation data, indexed by kid (base64). */
export class RevocationList {
  readonly #byKid = new Map<string, Lookup[]>();

  static fromContent(content: unknown): RevocationList {
    if (
      typeof content !== 'object' ||
      content === null ||
      !Array.isArray((content as RevocationContent).partitions)
    ) {
      throw revocationError('ERR_REVOCATION_FORMAT', 'revocation content has no partitions array');
    }
    const list = new RevocationList();
    for (const p of (content as RevocationContent).partitions) {
      if (!REVOCATION_HASH_TYPES.includes(p?.hashType) || typeof p.kid !== 'string') {
        throw revocationError('ERR_REVOCATION_FORMAT', 'a partition lacks kid or a known hashType');
      }
      list.#byKid.set(p.kid, [...(list.#byKid.get(p.kid) ?? []), lookupOf(p)]);
    }
    return list;
  }

  /** Whether any partition for `kid` lists one of the certificate's hashes. */
  check(kid: string, hashes: Partial<Record<RevocationHashType, Uint8Array>>): RevocationCheck {
    for (const lookup of this.#byKid.get(kid) ?? []) {
      const hash = hashes[lookup.hashType];
      if (hash && lookup.has(hash))
        return { revoked: true, hashType: lookup.hashType, probabilistic: !lookup.exact };
    }
    return { revoked: false };
  }
}
