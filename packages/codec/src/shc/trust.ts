/** Offline SHC trust: issuers from a VCI directory snapshot or JWKS files, key checks, and CRL revocation by `rid`. */
import { calculateJwkThumbprint, type JWK } from 'jose';
import { GreenlightError } from '../errors.ts';

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

export type RevocationStatus =
  /** The key has no `crlVersion`: its issuer does not revoke. */
  | { state: 'not-applicable' }
  | { state: 'not-revoked'; ctr: number }
  | { state: 'revoked'; ctr: number; entry: string }
  /** The key has `crlVersion` but no CRL for it was supplied. */
  | { state: 'unknown' }
  /**
   * The key has `crlVersion` and its newest CRL cannot be relied on: an unknown `method`, a `ctr` other than
   * `crlVersion`, or malformed, over-long or duplicate `rids`. Fails closed with the code.
   */
  | { state: 'unusable'; code: ShcCrlProblemCode; message: string };

export type ShcCrlProblemCode =
  | 'ERR_SHC_CRL_METHOD'
  | 'ERR_SHC_CRL_STALE'
  | 'ERR_SHC_CRL_AHEAD'
  | 'ERR_SHC_CRL_RID'
  | 'ERR_SHC_CRL_CTR';

/**
 * One `rids` entry (SMART Health Cards spec, "Revocation"): a rid of 1 to 24 characters of the base64url alphabet,
 * optionally followed by `.` and a NumericDate timestamp in seconds (digits only).
 */
const CRL_ENTRY_RE = /^([A-Za-z0-9_-]{1,24})(?:\.(\d{1,12}))?$/;

/**
 * Whether a CRL can be relied on for a key that declares `crlVersion` (SMART Health Cards spec, "Revocation": the
 * CRL's `ctr` is the version that the key's `crlVersion` names): `method` is `"rid"` (the one method the spec
 * defines), `ctr` is a positive integer equal to the key's `crlVersion`, and every `rids` entry is a well-formed rid,
 * optionally with a `.timestamp` suffix, each rid listed once. A lower `ctr` is a cached copy from before the
 * issuer's latest revocations (`ERR_SHC_CRL_STALE`); a higher one belongs to a key set the verifier does not hold,
 * so which revocations it was meant to carry is unknown (`ERR_SHC_CRL_AHEAD`; the validation SDK refuses it too).
 * Returns the first problem (the version mismatch last), or `undefined` for a usable CRL.
 */
export function crlProblem(
  crl: ShcCrl,
  crlVersion: number,
): { code: ShcCrlProblemCode; message: string } | undefined {
  if (crl.method !== 'rid')
    return {
      code: 'ERR_SHC_CRL_METHOD',
      message: `CRL method ${JSON.stringify(crl.method)} is not "rid"; the key's revocations cannot be checked`,
    };
  if (!Number.isInteger(crl.ctr) || crl.ctr < 1)
    return { code: 'ERR_SHC_CRL_CTR', message: `CRL ctr ${crl.ctr} is not a positive integer` };
  if (!Number.isInteger(crlVersion) || crlVersion < 1)
    return {
      code: 'ERR_SHC_CRL_CTR',
      message: `the key's crlVersion ${crlVersion} is not a positive integer`,
    };
  const seen = new Set<string>();
  for (const entry of crl.rids) {
    const match = CRL_ENTRY_RE.exec(entry);
    if (!match)
      return {
        code: 'ERR_SHC_CRL_RID',
        message: `CRL entry ${JSON.stringify(entry)} is not a rid of at most 24 base64url characters with an optional .timestamp`,
      };
    // One rid listed twice, even with different timestamps, leaves open which cut-off holds: refused as ambiguous.
    if (seen.has(match[1]!))
      return { code: 'ERR_SHC_CRL_RID', message: `CRL lists rid ${match[1]} more than once` };
    seen.add(match[1]!);
  }
  if (crl.ctr < crlVersion)
    return {
      code: 'ERR_SHC_CRL_STALE',
      message: `CRL ctr ${crl.ctr} is older than the key's crlVersion ${crlVersion}: later revocations are missing`,
    };
  if (crl.ctr > crlVersion)
    return {
      code: 'ERR_SHC_CRL_AHEAD',
      message: `CRL ctr ${crl.ctr} is newer than the key's crlVersion ${crlVersion}: the key set held is out of date`,
    };
  return undefined;
}

/**
 * Whether a card is revoked. Applies when the key carries `crlVersion`; uses the key's newest CRL (highest `ctr`,
 * whatever its method), which must pass `crlProblem`, else the status is `unusable` (fail closed). A CRL whose only
 * problem is its version (stale or ahead) still revokes the cards it lists. An entry `rid.ts` revokes only cards
 * whose nbf is before ts (seconds); a plain `rid` revokes every card with it.
 */
export function revocationStatus(
  jwk: ShcJwk,
  crls: readonly ShcCrl[],
  rid: string | undefined,
  nbf: number,
): RevocationStatus {
  if (jwk.crlVersion === undefined) return { state: 'not-applicable' };
  let crl: ShcCrl | undefined;
  for (const c of crls) if (c.kid === jwk.kid && (!crl || c.ctr > crl.ctr)) crl = c;
  if (!crl) return { state: 'unknown' };
  const problem = crlProblem(crl, jwk.crlVersion);
  // A CRL of another version that lists the card still revokes it: a revocation, once published, stays true.
  const versionOnly = problem?.code === 'ERR_SHC_CRL_STALE' || problem?.code === 'ERR_SHC_CRL_AHEAD';
  if (problem && !versionOnly) return { state: 'unusable', ...problem };
  if (rid !== undefined) {
    for (const entry of crl.rids) {
      const dot = entry.indexOf('.');
      const id = dot < 0 ? entry : entry.slice(0, dot);
      if (id !== rid) continue;
      if (dot < 0 || nbf < Number(entry.slice(dot + 1))) return { state: 'revoked', ctr: crl.ctr, entry };
    }
  }
  if (problem) return { state: 'unusable', ...problem };
  return { state: 'not-revoked', ctr: crl.ctr };
}

export interface ShcIssuer {
  /** The `iss` URL exactly as cards carry it (https, no trailing slash). */
  iss: string;
  name?: string;
  keys: ShcJwk[];
  crls: ShcCrl[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJwks(json: unknown, what: string): ShcJwk[] {
  if (!isObject(json) || !Array.isArray(json.keys))
    throw new GreenlightError('shc', 'ERR_SHC_JWKS_FORMAT', `${what} is not a JWK set ({"keys": [...]})`);
  return json.keys.map((k, i) => {
    if (!isObject(k) || typeof k.kty !== 'string')
      throw new GreenlightError('shc', 'ERR_SHC_JWKS_FORMAT', `${what}: key ${i} is not a JWK`);
    return k as ShcJwk;
  });
}

/** Validates the shape of one CRL document (`{kid, method, ctr, rids}`). */
export function parseShcCrl(json: unknown, what = 'the CRL'): ShcCrl {
  if (
    !isObject(json) ||
    typeof json.kid !== 'string' ||
    typeof json.method !== 'string' ||
    typeof json.ctr !== 'number' ||
    !Array.isArray(json.rids) ||
    !json.rids.every((r) => typeof r === 'string')
  ) {
    throw new GreenlightError(
      'shc',
      'ERR_SHC_CRL_FORMAT',
      `${what} is not a CRL ({kid, method, ctr, rids[]})`,
    );
  }
  return { kid: json.kid, method: json.method, ctr: json.ctr, rids: json.rids as string[] };
}

/** The issuers a verifier trusts, offline. Keys are checked at verification time, so one bad key blocks nothing else. */
export class ShcTrustStore {
  readonly #issuers = new Map<string, ShcIssuer>();

  /** A snapshot in the VCI directory format: `{"issuerInfo": [{"issuer": {iss, name}, "keys": [...], "crls": [...]}]}`. */
  static fromVciSnapshot(json: unknown): ShcTrustStore {
    return new ShcTrustStore().addVciSnapshot(json);
  }

  addVciSnapshot(json: unknown): this {
    if (!isObject(json) || !Array.isArray(json.issuerInfo)) {
      throw new GreenlightError(
        'shc',
        'ERR_SHC_DIRECTORY_FORMAT',
        'the directory snapshot has no issuerInfo array (VCI format)',
      );
    }
    json.issuerInfo.forEach((info, i) => {
      const issuer = isObject(info) && isObject(info.issuer) ? info.issuer : undefined;
      if (!issuer || typeof issuer.iss !== 'string') {
        throw new GreenlightError('shc', 'ERR_SHC_DIRECTORY_FORMAT', `issuerInfo[${i}] has no issuer.iss`);
      }
      const keys = parseJwks({ keys: (info as Record<string, unknown>).keys }, `issuerInfo[${i}].keys`);
      const rawCrls = (info as Record<string, unknown>).crls;
      const crls = Array.isArray(rawCrls)
        ? rawCrls.map((c, j) => parseShcCrl(c, `issuerInfo[${i}].crls[${j}]`))
        : [];
      this.#add(issuer.iss, typeof issuer.name === 'string' ? issuer.name : undefined, keys, crls);
    });
    return this;
  }

  /** The issuer's `/.well-known/jwks.json` content. */
  addJwks(iss: string, json: unknown, name?: string): this {
    this.#add(iss, name, parseJwks(json, `the JWKS of ${iss}`), []);
    return this;
  }

  /** One `/.well-known/crl/<kid>.json` document of the issuer. */
  addCrl(iss: string, json: unknown): this {
    this.#add(iss, undefined, [], [parseShcCrl(json, `a CRL of ${iss}`)]);
    return this;
  }

  #add(iss: string, name: string | undefined, keys: ShcJwk[], crls: ShcCrl[]): void {
    const current = this.#issuers.get(iss) ?? { iss, keys: [], crls: [] };
    if (name !== undefined && current.name === undefined) current.name = name;
    for (const key of keys) if (!current.keys.some((k) => k.kid === key.kid)) current.keys.push(key);
    current.crls.push(...crls);
    this.#issuers.set(iss, current);
  }

  /** Exact `iss` match: a verifier never looks a kid up across issuers. */
  issuer(iss: string): ShcIssuer | undefined {
    return this.#issuers.get(iss);
  }

  get issuers(): ShcIssuer[] {
    return [...this.#issuers.values()];
  }
}
