/** An investigation: the check-ins of one venue in a window, their tokens opened to people, audited. */

import { kstDay } from '@greenlight/rules';
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
