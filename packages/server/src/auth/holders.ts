/**
 * Holder sessions: opaque bearer tokens minted after a one-time code, stored as SHA-256, valid for 30 days; a
 * holder lists theirs (by id, never by token) and revokes any of them, and a revoked token is refused at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/types.ts';
import { isUuid } from '../db/uuid.ts';
import { ServerError } from '../errors.ts';

export interface HolderSession {
  personId: string;
  /** The session's id (`holder_sessions.id`): what the holder names it by in the session routes. */
  sessionId: string;
}

/** One of a holder's sessions as the holder sees it: no token and no hash. */
export interface HolderSessionInfo {
  id: string;
  createdAt: Date;
  /** Updated at most every `LAST_USED_GRANULARITY_MINUTES` by authenticated calls. */
  lastUsedAt: Date;
  expiresAt: Date;
  /** A coarse label of the browser that logged in ("Chrome on Android"), or null. */
  deviceLabel: string | null;
}

export const SESSION_DAYS = 30;
/** `last_used_at` is written at most this often per session, so that a busy session costs no write per call. */
export const LAST_USED_GRANULARITY_MINUTES = 5;

/** The stored form of a session token (hex SHA-256). */
export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token of an `Authorization: Bearer` header; throws ERR_UNAUTHORIZED when there is none. */
export function bearerSessionToken(header: string | undefined): string {
  if (!header?.startsWith('Bearer ')) throw new ServerError('ERR_UNAUTHORIZED');
  return header.slice(7);
}

const BROWSERS: [RegExp, string][] = [
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Edg(A|iOS)?\//, 'Edge'],
  [/Whale\//, 'Whale'],
  [/(Firefox|FxiOS)\//, 'Firefox'],
  [/(Chrome|CriOS)\//, 'Chrome'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/**
 * A coarse, fixed-vocabulary label of a `User-Agent` ("Chrome on Android"), so that a holder can tell sessions
 * apart; null when neither the browser nor the system is known. Never the header itself: it is not stored.
 */
export function deviceLabelOf(userAgent: string | undefined): string | null {
  if (!userAgent) return null;
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? null;
}

/** Creates a session of `personId` from `now`; the token is returned once and only its hash is stored. */
export async function mintHolderSession(
  db: Db,
  personId: string,
  now: Date,
  days = SESSION_DAYS,
  deviceLabel: string | null = null,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  await db.query(
    `INSERT INTO holder_sessions (token_hash, person_id, created_at, expires_at, last_used_at, device_label)
     VALUES ($1, $2, $3, $4, $3, $5)`,
    [sessionTokenHash(token), personId, now.toISOString(), expiresAt.toISOString(), deviceLabel],
  );
  return { token, expiresAt };
}

/**
 * The session of an `Authorization` header value at `now`, in one round trip that also moves `last_used_at` when
 * it is older than `LAST_USED_GRANULARITY_MINUTES`. Throws ERR_UNAUTHORIZED (401) for no, an expired or a revoked
 * session.
 */
export async function verifyHolderSession(
  db: Db,
  header: string | undefined,
  now: Date,
): Promise<HolderSession> {
  const token = bearerSessionToken(header);
  const { rows } = await db.query<{ person_id: string; id: string }>(
    `WITH s AS (
       SELECT token_hash, person_id, id, last_used_at FROM holder_sessions
       WHERE token_hash = $1 AND expires_at > $2
     ), touched AS (
       UPDATE holder_sessions h SET last_used_at = $2 FROM s
       WHERE h.token_hash = s.token_hash
         AND (s.last_used_at IS NULL OR s.last_used_at < $2::timestamptz - make_interval(mins => $3))
     )
     SELECT person_id, id::text AS id FROM s`,
    [sessionTokenHash(token), now.toISOString(), LAST_USED_GRANULARITY_MINUTES],
  );
  if (!rows[0]) throw new ServerError('ERR_UNAUTHORIZED');
  return { personId: rows[0].person_id, sessionId: rows[0].id };
}

/** The holder's sessions that have not expired, newest first. */
export async function listHolderSessions(db: Db, personId: string, now: Date): Promise<HolderSessionInfo[]> {
  const { rows } = await db.query<{
    id: string;
    created_at: Date;
    last_used_at: Date | null;
    expires_at: Date;
    device_label: string | null;
  }>(
    `SELECT id::text AS id, created_at, last_used_at, expires_at, device_label FROM holder_sessions
     WHERE person_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id`,
    [personId, now.toISOString()],
  );
  return rows.map((row) => ({
    id: row.id,
    createdAt: new Date(row.created_at),
    lastUsedAt: new Date(row.last_used_at ?? row.created_at),
    expiresAt: new Date(row.expires_at),
    deviceLabel: row.device_label,
  }));
}

/**
 * Revokes one of the holder's sessions (the row goes: its token is refused by the next call, on every replica).
 * Throws ERR_NOT_FOUND (404) when `sessionId` is not one of `personId`'s, whoever's it is.
 */
export async function revokeHolderSession(db: Db, personId: string, sessionId: string): Promise<void> {
  if (!isUuid(sessionId)) throw new ServerError('ERR_NOT_FOUND', 'no such session');
  const { rowCount } = await db.query('DELETE FROM holder_sessions WHERE id = $1 AND person_id = $2', [
    sessionId,
    personId,
  ]);
  if (rowCount === 0) throw new ServerError('ERR_NOT_FOUND', 'no such session');
}
