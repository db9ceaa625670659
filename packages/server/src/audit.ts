/** The one writer of `audit_log`, the append-only record of every staff, partner, key and investigation action. */
import type { Db } from './db/types.ts';

export interface AuditEntry {
  /** Who acted: a staff login, `partner:<clientId>`, `holder:<personId>` or `system`. */
  actor: string;
  /** Dotted verb, e.g. `registry.search`, `key.create.dsc`, `checkin.investigation` (docs/architecture.md). */
  action: string;
  /** What was acted on (a person id, a kid, a venue id), or null. */
  subject?: string | null;
  /** JSON details; never the personal data that was looked up. */
  details?: object;
}

/** Appends one row; returns its id. Pass the transaction as `db` when the row belongs to a larger write. */
export async function writeAudit(db: Db, entry: AuditEntry): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO audit_log (actor, action, subject, details) VALUES ($1, $2, $3, $4) RETURNING id::text AS id',
    [entry.actor, entry.action, entry.subject ?? null, JSON.stringify(entry.details ?? {})],
  );
  return (rows[0] as { id: string }).id;
}
