/** The holder number that check-in tokens carry (one per registry person, never the person id), and their batches. */

import { randomInt } from 'node:crypto';
import { dayIso, kstDay } from '@greenlight/rules';
import type { Db } from '../db/types.ts';
import { type CheckinTokens, HOLDER_MAX, INDEX_LIMIT } from './tokens.ts';

/** Tokens per KST day in one answer of `GET /v1/me/checkin-tokens` (docs/checkin-tokens.md, "Batches"). */
export const TOKENS_PER_DAY = 128;
/** Days covered by one answer: today and the 6 following days. */
export const TOKEN_DAYS = 7;

/**
 * The person's holder number, created on first use. Reads before it inserts, so that asking again does not
 * spend a value of the identity sequence (an `INSERT … ON CONFLICT` would, on every call). Throws when the number
 * does not fit the tokens' 40 bits.
 */
export async function holderNumber(db: Db, personId: string): Promise<bigint> {
  const select = `SELECT holder_number::text AS holder_number FROM checkin_holders WHERE person_id = $1`;
  let { rows } = await db.query<{ holder_number: string }>(select, [personId]);
  if (!rows[0]) {
    ({ rows } = await db.query<{ holder_number: string }>(
      `WITH inserted AS (
         INSERT INTO checkin_holders (person_id) VALUES ($1) ON CONFLICT (person_id) DO NOTHING
         RETURNING holder_number
       ) SELECT holder_number::text AS holder_number FROM inserted UNION ALL ${select}`,
      [personId],
    ));
  }
  if (!rows[0]) throw new Error(`no holder number for ${personId}`);
  const holder = BigInt(rows[0].holder_number);
  if (holder > HOLDER_MAX) throw new RangeError('holder number beyond the 40 bits of a check-in token');
  return holder;
}

export interface DayTokens {
  /** The KST day, `YYYY-MM-DD`. */
  day: string;
  /** Single-use tokens of that day, base64url (16 bytes each), pairwise distinct. */
  tokens: string[];
}

/**
 * A fresh batch of `perDay` tokens for each of today (KST) and the following `days - 1` days. Each day's batch
 * starts at an index drawn at random, so two answers give different tokens (they overlap only when two random
 * ranges of `perDay` in 2^24 meet) and the server keeps no record of what it handed out.
 */
export async function holderTokens(
  db: Db,
  tokens: CheckinTokens,
  personId: string,
  now: Date,
  days = TOKEN_DAYS,
  perDay = TOKENS_PER_DAY,
): Promise<DayTokens[]> {
  const holder = await holderNumber(db, personId);
  const today = kstDay(now.getTime());
  return Array.from({ length: days }, (_, i) => today + i).map((day) => ({
    day: dayIso(day),
    tokens: tokens
      .mintBatch(holder, day, randomInt(0, INDEX_LIMIT - perDay + 1), perDay)
      .map((token) => Buffer.from(token).toString('base64url')),
  }));
}
