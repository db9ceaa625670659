/**
 * Partner clients (OAuth 2.0 client credentials, RFC 6749 §4.4): scrypt-hashed client secrets, and the 1-hour
 * access tokens `pt_<id>.<exp>.<mac>` (HMAC-SHA-256 under the server's key secret) with their verification.
 */
import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number },
) => Promise<Buffer>;

export interface PartnerClient {
  /** The `partner_clients` row id. */
  id: string;
  clientId: string;
  quotaPerMinute: number;
}

export const PARTNER_TOKEN_SECONDS = 3600;

/** The stored form of a client secret: `scrypt$N$r$p$salt$hash`, all hex; the secret itself is never stored. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const [N, r, p] = [16384, 8, 1];
  const hash = await scryptAsync(secret, salt, 32, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString('hex')}$${hash.toString('hex')}`;
}

async function verifySecret(stored: string, secret: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'hex');
  const actual = await scryptAsync(secret, Buffer.from(salt, 'hex'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(expected, actual);
}

const sign = (secret: string, body: string) =>
  createHmac('sha256', secret).update(`partner:${body}`).digest('base64url');

/** The one scope a partner token carries: fetching consenting holders' certificates. */
export const PARTNER_SCOPE = 'certificates';

/** RFC 6749 §2.2 and §2.3.1: client ids and secrets are printable ASCII (VSCHAR, %x20-7E); nothing else is looked up. */
const VSCHAR = /^[\x20-\x7e]{1,200}$/;

/**
 * RFC 6749 §2.3.1 / Appendix B: `application/x-www-form-urlencoded` decoding of one Basic credential part ('+' is a
 * space, then percent-decoding as UTF-8). Returns undefined for malformed percent-encoding (`%`, `%zz`, bad UTF-8).
 */
function formDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/**
 * The client credentials of an `Authorization: Basic` value (RFC 7617 with RFC 6749 §2.3.1's form-urlencoding of
 * id and secret): `{clientId, clientSecret}`, or ERR_INVALID_CLIENT (401) for anything malformed (not base64,
 * no colon, bad percent-encoding such as `Basic JQ==`, which is `%`).
 */
export function basicClientCredentials(value: string): { clientId: string; clientSecret: string } {
  const encoded = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(value)?.[1];
  if (!encoded || encoded.length % 4 !== 0) {
    throw new ServerError('ERR_INVALID_CLIENT', 'malformed HTTP Basic credentials');
  }
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const clientId = colon < 0 ? undefined : formDecode(decoded.slice(0, colon));
  const clientSecret = colon < 0 ? undefined : formDecode(decoded.slice(colon + 1));
  if (clientId === undefined || clientSecret === undefined) {
    throw new ServerError(
      'ERR_INVALID_CLIENT',
      'malformed HTTP Basic credentials: client_id:client_secret, each form-urlencoded (RFC 6749 §2.3.1)',
    );
  }
  return { clientId, clientSecret };
}

/**
 * The client credentials grant (RFC 6749 §4.4), after the route has checked the request's shape: the client
 * authenticates with HTTP Basic (§2.3.1) or with `client_id` and `client_secret` in the body, never both
 * (ERR_OAUTH_INVALID_REQUEST, 400). Returns the access token and its lifetime in seconds; throws
 * ERR_INVALID_CLIENT (401) for a missing, malformed, unknown or disabled client or a wrong secret.
 */
export async function issuePartnerToken(
  db: Db,
  secret: string,
  grant: { clientId?: string; clientSecret?: string; authorization?: string },
  now: Date,
  tokenSeconds = PARTNER_TOKEN_SECONDS,
): Promise<{ accessToken: string; expiresIn: number }> {
  let { clientId, clientSecret } = grant;
  const authorization = grant.authorization?.trim();
  if (authorization) {
    if (clientId !== undefined || clientSecret !== undefined) {
      throw new ServerError(
        'ERR_OAUTH_INVALID_REQUEST',
        'client credentials both in HTTP Basic and in the body: use one (RFC 6749 §2.3)',
      );
    }
    ({ clientId, clientSecret } = basicClientCredentials(authorization));
  }
  // Ids and secrets outside printable ASCII (a NUL byte, say) cannot be a client's: refused before any lookup.
  if (!clientId || !clientSecret || !VSCHAR.test(clientId) || !VSCHAR.test(clientSecret)) {
    throw new ServerError('ERR_INVALID_CLIENT');
  }
  const { rows } = await db.query<{ id: string; secret_hash: string }>(
    'SELECT id, secret_hash FROM partner_clients WHERE client_id = $1 AND disabled_at IS NULL',
    [clientId],
  );
  if (!rows[0] || !(await verifySecret(rows[0].secret_hash, clientSecret))) {
    throw new ServerError('ERR_INVALID_CLIENT');
  }
  const exp = Math.floor(now.getTime() / 1000) + tokenSeconds;
  const body = `${rows[0].id}.${exp}`;
  return { accessToken: `pt_${body}.${sign(secret, body)}`, expiresIn: tokenSeconds };
}

/** The partner of an `Authorization: Bearer pt_…` header at `now`; throws ERR_INVALID_TOKEN (401). */
export async function verifyPartnerToken(
  db: Db,
  secret: string,
  header: string | undefined,
  now: Date,
): Promise<PartnerClient> {
  const token = header?.startsWith('Bearer pt_') ? header.slice(10) : undefined;
  const [id, exp, mac] = token?.split('.') ?? [];
  if (!id || !exp || !mac || sign(secret, `${id}.${exp}`) !== mac || Number(exp) * 1000 < now.getTime()) {
    throw new ServerError('ERR_INVALID_TOKEN');
  }
  const { rows } = await db.query<{ client_id: string; quota_per_minute: number }>(
    'SELECT client_id, quota_per_minute FROM partner_clients WHERE id = $1 AND disabled_at IS NULL',
    [id],
  );
  if (!rows[0]) throw new ServerError('ERR_INVALID_TOKEN', 'the partner is disabled');
  return { id, clientId: rows[0].client_id, quotaPerMinute: rows[0].quota_per_minute };
}
