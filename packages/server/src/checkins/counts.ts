/** Daily check-in counts of one venue, for inspectors, investigators and the venue's owner: no personal data. */

import { dayIso } from '@greenlight/rules';
import type { StaffMember } from '../auth/staff.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import { parseDayIso } from '../tokens/tokens.ts';

export const MAX_COUNT_DAYS = 62;

/**
 * Counts per KST day from `from` to `to` (`YYYY-MM-DD`, inclusive, at most MAX_COUNT_DAYS). Throws ERR_FORBIDDEN
 * (403) when a venue owner asks about another venue, ERR_VALIDATION (400) for a bad range.
 */
export async function venueCounts(
  db: Db,
  member: StaffMember,
  venueId: string,
  from: string,
  to: string,
): Promise<{ day: string; count: number }[]> {
  if (member.role === 'venue_owner' && member.venueId !== venueId.toLowerCase()) {
    throw new ServerError('ERR_FORBIDDEN', 'a venue owner sees only its own venue');
  }
  const first = parseDayIso(from);
  const last = parseDayIso(to);
  if (first === undefined || last === undefined || last < first || last - first >= MAX_COUNT_DAYS) {
    throw new ServerError(
      'ERR_VALIDATION',
      `from and to must be dates, from <= to, at most ${MAX_COUNT_DAYS} days`,
    );
  }
  const { rows } = await db.query<{ day: string; count: number }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, count(*)::int AS count FROM checkins
     WHERE venue_id = $1 AND day BETWEEN $2::date AND $3::date GROUP BY day ORDER BY day`,
    [venueId, dayIso(first), dayIso(last)],
  );
  return rows;
}
