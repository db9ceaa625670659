/** Holder sessions: opaque bearer tokens minted after a one-time code, stored as SHA-256, valid for 30 days. */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';

export interface HolderSession {
  personId: string;
}

export const SESSION_DAYS = 30;

/** The stored form of a session token (hex SHA-256). */
export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token of an `Authorization: Bearer` header; throws ERR_UNAUTHORIZED when there is none. */
export function bearerSessionToken(header: string | undefined): string {
  if (!header?.startsWith('Bearer ')) throw new ServerError('ERR_UNAUTHORIZED');
  return header.slice(7);
}

/** Creates a session of `personId` from `now`; the token is returned once and only its hash is stored. */
export async function mintHolderSession(
  db: Db,
  personId: string,
  now: Date,
  days = SESSION_DAYS,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  await db.query(
    'INSERT INTO holder_sessions (token_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
    [sessionTokenHash(token), personId, now.toISOString(), expiresAt.toISOString()],
  );
  return { token, expiresAt };
}

/** The session of an `Authorization` header value at `now`; throws ERR_UNAUTHORIZED (401). */
export async function verifyHolderSession(
  db: Db,
  header: string | undefined,
  now: Date,
): Promise<HolderSession> {
  const token = bearerSessionToken(header);
  const { rows } = await db.query<{ person_id: string }>(
    'SELECT person_id FROM holder_sessions WHERE token_hash = $1 AND expires_at > $2',
    [sessionTokenHash(token), now.toISOString()],
  );
  if (!rows[0]) throw new ServerError('ERR_UNAUTHORIZED');
  return { personId: rows[0].person_id };
}
