/** The 8-byte holder number that check-in tokens carry, one per registry person (never the person id itself). */

import { dayIso, kstDay } from '@greenlight/rules';
import type { Db } from '../db/types.ts';
import type { CheckinTokens } from './tokens.ts';

export async function holderNumber(db: Db, personId: string): Promise<bigint> {
  const { rows } = await db.query<{ holder_number: string }>(
    `WITH inserted AS (
       INSERT INTO checkin_holders (person_id) VALUES ($1) ON CONFLICT (person_id) DO NOTHING RETURNING holder_number
     ) SELECT holder_number::text FROM inserted
       UNION ALL SELECT holder_number::text FROM checkin_holders WHERE person_id = $1`,
    [personId],
  );
  if (!rows[0]) throw new Error(`no holder number for ${personId}`);
  return BigInt(rows[0].holder_number);
}

/** The holder's check-in tokens for today (KST) and the following `days - 1` days, base64url. */
export async function holderTokens(
  db: Db,
  tokens: CheckinTokens,
  personId: string,
  now: Date,
  days = 7,
): Promise<{ day: string; token: string }[]> {
  const holder = await holderNumber(db, personId);
  const today = kstDay(now.getTime());
  return Array.from({ length: days }, (_, i) => today + i).map((day) => ({
    day: dayIso(day),
    token: Buffer.from(tokens.mint(holder, day)).toString('base64url'),
  }));
}
