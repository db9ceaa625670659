/** An investigation: the check-ins of one venue in a window, their tokens opened to people, audited. */
import type { Db } from '../db/types';
import type { CheckinTokens } from '../tokens/tokens';
import { kstDay } from '../tokens/tokens';

export interface Contact {
  personId: string;
  familyName: string;
  givenName: string | null;
  phone: string | null;
  at: string;
  method: string;
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

/**
 * Reads the window, opens the tokens and writes the audit entry in one transaction: no lookup without its audit
 * row. The audit row holds the reason and the number of contacts, never the contacts themselves.
 */
export async function investigate(
  db: Db,
  tokens: CheckinTokens,
  request: { investigator: string; venueId: string; from: Date; to: Date; reason: string },
): Promise<InvestigationResult> {
  const { venueId, from, to } = request;
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
    const opened: { holder: bigint; at: Date; method: string }[] = [];
    for (const row of rows) {
      if (!row.token) {
        withoutToken++;
        continue;
      }
      const holder = tokens.openToken(new Uint8Array(row.token), Number(row.day));
      if (holder === undefined) unopened++;
      else opened.push({ holder, at: new Date(row.at), method: row.method });
    }
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
      });
    }
    const { rows: audit } = await tx.query<{ id: string }>(
      `INSERT INTO audit_log (actor, action, subject, details) VALUES ($1, 'checkin.investigation', $2, $3)
       RETURNING id::text AS id`,
      [
        request.investigator,
        venueId,
        JSON.stringify({
          reason: request.reason,
          from: from.toISOString(),
          to: to.toISOString(),
          checkins: rows.length,
          contacts: contacts.length,
        }),
      ],
    );
    return {
      investigationId: (audit[0] as { id: string }).id,
      venueId,
      from: from.toISOString(),
      to: to.toISOString(),
      contacts,
      withoutToken,
      unopened,
    };
  });
}
