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

/**
 * A client id or secret from HTTP Basic, form-urlencoded before base64 (RFC 6749 §2.3.1); a malformed
 * percent-escape is a wrong credential (ERR_INVALID_CLIENT), not a crash.
 */
export function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ServerError('ERR_INVALID_CLIENT', 'the HTTP Basic credentials hold a malformed percent-escape');
  }
}

/**
 * The client credentials grant: the credentials come from the body or from HTTP Basic (which wins).
 * Returns the access token; throws ERR_INVALID_CLIENT (401).
 */
export async function issuePartnerToken(
  db: Db,
  secret: string,
  grant: { clientId?: string; clientSecret?: string; authorization?: string },
  now: Date,
  tokenSeconds = PARTNER_TOKEN_SECONDS,
): Promise<{ accessToken: string; expiresIn: number }> {
  let { clientId, clientSecret } = grant;
  const basic = grant.authorization?.match(/^Basic (.+)$/)?.[1];
  if (basic) {
    const [id, password] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    clientId = percentDecoded(id ?? '');
    clientSecret = percentDecoded(password ?? '');
  }
  if (!clientId || !clientSecret) throw new ServerError('ERR_INVALID_CLIENT');
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
