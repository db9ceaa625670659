/** An investigation: the check-ins of one venue in a window, their tokens opened to people, audited. */

import { dayIso, kstDay } from '@greenlight/rules';
import { writeAudit } from '../audit.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import type { CheckinTokens } from '../tokens/tokens.ts';

export interface Contact {
  personId: string;
  familyName: string;
  givenName: string | null;
  phone: string | null;
  at: string;
  method: string;
  /**
   * Entries of that KST day, at any venue, that carry this entry's token: 1 for an honest single-use token. More
   * means a scanner recorded one QR twice, a wallet ran out of tokens offline, or a device replayed a token it saw
   * (docs/checkin-tokens.md, "Replay").
   */
  tokenEntries: number;
}

export interface InvestigationResult {
  investigationId: string;
  venueId: string;
  from: string;
  to: string;
  contacts: Contact[];
  /** Entries without a token (paper, manual): counted, cannot be opened. */
  withoutToken: number;
  /** Tokens that do not open (not minted by this server for that day). */
  unopened: number;
}

/** The longest window one investigation may read. */
export const MAX_WINDOW_MS = 7 * 86_400_000;

/**
 * Throws ERR_VALIDATION (400) unless `from` < `to` and the window is at most 7 days.
 * Reads the window, opens the tokens and writes the audit entry in one transaction: no lookup without its audit
 * row. The audit row holds the reason and the number of contacts, never the contacts themselves.
 */
export async function investigate(
  db: Db,
  tokens: CheckinTokens,
  request: { investigator: string; venueId: string; from: Date; to: Date; reason: string },
): Promise<InvestigationResult> {
  const { from, to } = request;
  const venueId = request.venueId.toLowerCase();
  if (!(from < to) || to.getTime() - from.getTime() > MAX_WINDOW_MS) {
    throw new ServerError('ERR_VALIDATION', 'from must be before to, and the window at most 7 days');
  }
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ day: number; at: Date; method: string; token: Uint8Array | null }>(
      `SELECT (day - DATE '1970-01-01') AS day, at, method, token FROM checkins
       WHERE venue_id = $1 AND at >= $2 AND at < $3 AND day BETWEEN $4::date AND $5::date ORDER BY at`,
      [
        venueId,
        from,
        to,
        new Date((kstDay(from.getTime()) - 1) * 86_400_000),
        new Date((kstDay(to.getTime()) + 1) * 86_400_000),
      ],
    );
    let withoutToken = 0;
    let unopened = 0;
    const opened: { holder: bigint; at: Date; method: string; key: string }[] = [];
    for (const row of rows) {
      if (!row.token) {
        withoutToken++;
        continue;
      }
      const token = new Uint8Array(row.token);
      // The wallet picks a token by its own KST day, the entry's day comes from the scanner's clock: a QR drawn just
      // before midnight and recorded just after it carries the token of the day before (or after).
      const day = Number(row.day);
      const holder = (
        tokens.openToken(token, day) ??
        tokens.openToken(token, day - 1) ??
        tokens.openToken(token, day + 1)
      )?.holder;
      if (holder === undefined) unopened++;
      else
        opened.push({
          holder,
          at: new Date(row.at),
          method: row.method,
          key: `${day}:${Buffer.from(token).toString('hex')}`,
        });
    }
    const uses = await tokenUses(
      tx,
      opened.map((entry) => entry.key),
    );
    const holders = [...new Set(opened.map((entry) => entry.holder.toString()))];
    const { rows: people } = await tx.query<{
      holder_number: string;
      id: string;
      family_name: string;
      given_name: string | null;
      phone: string | null;
    }>(
      `SELECT h.holder_number::text AS holder_number, p.id, p.family_name, p.given_name, p.phone
       FROM checkin_holders h JOIN people p ON p.id = h.person_id WHERE h.holder_number = ANY($1::bigint[])`,
      [holders],
    );
    const byHolder = new Map(people.map((person) => [person.holder_number, person]));
    const contacts: Contact[] = [];
    for (const entry of opened) {
      const person = byHolder.get(entry.holder.toString());
      if (!person) {
        unopened++;
        continue;
      }
      contacts.push({
        personId: person.id,
        familyName: person.family_name,
        givenName: person.given_name,
        phone: person.phone,
        at: entry.at.toISOString(),
        method: entry.method,
        tokenEntries: uses.get(entry.key) ?? 1,
      });
    }
    const investigationId = await writeAudit(tx, {
      actor: request.investigator,
      action: 'checkin.investigation',
      subject: venueId,
      details: {
        reason: request.reason,
        from: from.toISOString(),
        to: to.toISOString(),
        checkins: rows.length,
        contacts: contacts.length,
      },
    });
    return {
      investigationId,
      venueId,
      from: from.toISOString(),
      to: to.toISOString(),
      contacts,
      withoutToken,
      unopened,
    };
  });
}

/**
 * How many entries, at any venue, carry each opened token on its day. `keys` are `day:hex`. A single-use token
 * appears once; the investigator sees the others. Reads only the partitions of the tokens' days, with no index on
 * the token: one scan of each of those days (docs/checkin-tokens.md, "Replay", for its cost).
 */
async function tokenUses(tx: Db, keys: string[]): Promise<Map<string, number>> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) return new Map();
  const days = [...new Set(unique.map((key) => Number(key.split(':')[0])))];
  const { rows } = await tx.query<{ day: number; token: string; entries: number }>(
    // A hash join on the wanted tokens: `token = ANY(array)` compares every row with every token.
    `SELECT (c.day - DATE '1970-01-01') AS day, encode(c.token, 'hex') AS token, count(*)::int AS entries
     FROM checkins c JOIN (SELECT DISTINCT decode(t, 'hex') AS token FROM unnest($2::text[]) AS t) wanted
       ON c.token = wanted.token
     WHERE c.day = ANY($1::date[])
     GROUP BY c.day, c.token`,
    [days.map(dayIso), unique.map((key) => key.split(':')[1])],
  );
  return new Map(rows.map((row) => [`${Number(row.day)}:${row.token}`, Number(row.entries)]));
}

/**
 * Audits a refused investigation request (`checkin.investigation.refused`): no token, a token without the
 * investigator role, a malformed request or a window out of bounds. The actor is the staff login when the token is
 * one, `anonymous` otherwise; the details hold the answer's status and code, never the request's text.
 */
export async function auditRefusedInvestigation(
  db: Db,
  refusal: { actor: string; venueId: string | null; status: number; code: string },
): Promise<void> {
  await writeAudit(db, {
    actor: refusal.actor,
    action: 'checkin.investigation.refused',
    subject: refusal.venueId,
    details: { status: refusal.status, code: refusal.code },
  });
}
