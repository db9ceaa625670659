/** The 8-byte holder number that check-in tokens carry, one per registry person (never the person id itself). */
import type { Db } from '../db/types';

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
