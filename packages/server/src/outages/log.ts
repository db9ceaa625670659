/** The outage log: periods when the pass system was degraded, from the health probe and staff declarations. */
import { writeAudit } from '../audit.ts';
import { pingDb } from '../db/ping.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';

/** How far ahead of the server's clock a declared moment may be (a desk PC's clock running fast). */
export const OUTAGE_CLOCK_SKEW_MS = 5 * 60_000;
/** The longest outage one declaration covers; an open declaration stops counting this long after its start. */
export const MAX_OUTAGE_MS = 7 * 86_400_000;

export interface Outage {
  id: string;
  startedAt: string;
  endedAt: string | null;
  source: 'probe' | 'staff';
  reason: string;
}

export async function recordOutage(
  db: Db,
  outage: {
    startedAt: Date;
    endedAt: Date | null;
    source: 'probe' | 'staff';
    reason: string;
    declaredBy?: string;
  },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO outages (started_at, ended_at, source, reason, declared_by) VALUES ($1, $2, $3, $4, $5)
     RETURNING id::text AS id`,
    [outage.startedAt, outage.endedAt, outage.source, outage.reason, outage.declaredBy ?? null],
  );
  return (rows[0] as { id: string }).id;
}

/**
 * A staff declaration, checked and audited (`outage.declare`): the start not after `now` (give or take
 * `OUTAGE_CLOCK_SKEW_MS`), the end after the start and at most `MAX_OUTAGE_MS` after it, the reason not blank.
 * Throws ERR_VALIDATION (400). Returns the outage id.
 */
export async function declareOutage(
  db: Db,
  declaration: { startedAt: Date; endedAt: Date | null; reason: string; declaredBy: string },
  now: Date,
): Promise<string> {
  const { startedAt, endedAt, declaredBy } = declaration;
  const reason = declaration.reason.trim();
  if (reason === '') throw new ServerError('ERR_VALIDATION', 'the reason is blank');
  if (startedAt.getTime() > now.getTime() + OUTAGE_CLOCK_SKEW_MS) {
    throw new ServerError('ERR_VALIDATION', 'startedAt is in the future');
  }
  if (endedAt) checkEnd(startedAt, endedAt, now);
  return db.transaction(async (tx) => {
    const id = await recordOutage(tx, { startedAt, endedAt, source: 'staff', reason, declaredBy });
    await writeAudit(tx, {
      actor: declaredBy,
      action: 'outage.declare',
      subject: id,
      details: {
        startedAt: startedAt.toISOString(),
        endedAt: endedAt?.toISOString() ?? null,
        reason,
      },
    });
    return id;
  });
}

/**
 * Closes an open staff declaration at `endedAt` (the same bounds as a declaration's end), audited
 * (`outage.close`). Throws ERR_NOT_FOUND (no such staff declaration), ERR_OUTAGE_CLOSED (already closed) or
 * ERR_VALIDATION.
 */
export async function closeOutage(
  db: Db,
  close: { id: string; endedAt: Date; closedBy: string },
  now: Date,
): Promise<Outage> {
  if (!/^[1-9][0-9]{0,17}$/.test(close.id)) throw new ServerError('ERR_NOT_FOUND', 'no such outage');
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<OutageRow>(
      `SELECT id::text AS id, started_at, ended_at, source, reason FROM outages
       WHERE id = $1::bigint AND source = 'staff' FOR UPDATE`,
      [close.id],
    );
    const row = rows[0];
    if (!row) throw new ServerError('ERR_NOT_FOUND', 'no such staff declaration');
    if (row.ended_at !== null) throw new ServerError('ERR_OUTAGE_CLOSED');
    checkEnd(new Date(row.started_at), close.endedAt, now);
    await tx.query('UPDATE outages SET ended_at = $2 WHERE id = $1::bigint', [close.id, close.endedAt]);
    await writeAudit(tx, {
      actor: close.closedBy,
      action: 'outage.close',
      subject: close.id,
      details: { endedAt: close.endedAt.toISOString() },
    });
    return toOutage({ ...row, ended_at: close.endedAt });
  });
}

function checkEnd(startedAt: Date, endedAt: Date, now: Date): void {
  if (endedAt.getTime() <= startedAt.getTime()) {
    throw new ServerError('ERR_VALIDATION', 'endedAt must be after startedAt');
  }
  if (endedAt.getTime() - startedAt.getTime() > MAX_OUTAGE_MS) {
    throw new ServerError(
      'ERR_VALIDATION',
      `an outage declaration covers at most ${MAX_OUTAGE_MS / 86_400_000} days`,
    );
  }
  if (endedAt.getTime() > now.getTime() + OUTAGE_CLOCK_SKEW_MS) {
    throw new ServerError('ERR_VALIDATION', 'endedAt is in the future: close the declaration when it ends');
  }
}

interface OutageRow {
  id: string;
  started_at: Date;
  ended_at: Date | null;
  source: 'probe' | 'staff';
  reason: string;
}

/** The outages that cover `at` (an open outage covers `MAX_OUTAGE_MS` after its start, or until closed). */
export async function outagesAt(db: Db, at: Date): Promise<Outage[]> {
  const { rows } = await db.query<{
    id: string;
    started_at: Date;
    ended_at: Date | null;
    source: 'probe' | 'staff';
    reason: string;
  }>(
    `SELECT id::text AS id, started_at, ended_at, source, reason FROM outages
     WHERE started_at <= $1 AND (ended_at >= $1 OR (ended_at IS NULL AND started_at >= $2))
     ORDER BY started_at`,
    [at, new Date(at.getTime() - MAX_OUTAGE_MS)],
  );
  return rows.map(toOutage);
}

/** The outages that ended after `since` or are still open, newest first (at most 500). */
export async function outageLog(db: Db, since: Date): Promise<Outage[]> {
  const { rows } = await db.query<{
    id: string;
    started_at: Date;
    ended_at: Date | null;
    source: 'probe' | 'staff';
    reason: string;
  }>(
    `SELECT id::text, started_at, ended_at, source, reason FROM outages
     WHERE coalesce(ended_at, 'infinity') >= $1 ORDER BY started_at DESC LIMIT 500`,
    [since.toISOString()],
  );
  return rows.map(toOutage);
}

function toOutage(row: {
  id: string;
  started_at: Date;
  ended_at: Date | null;
  source: 'probe' | 'staff';
  reason: string;
}): Outage {
  return {
    id: row.id,
    startedAt: new Date(row.started_at).toISOString(),
    endedAt: row.ended_at === null ? null : new Date(row.ended_at).toISOString(),
    source: row.source,
    reason: row.reason,
  };
}

/**
 * Runs the readiness check (`SELECT 1`, what /readyz does) every interval. The start of a failure is kept in
 * memory, because the database may be what is down, and written with its end at the first good probe.
 */
export class OutageProbe {
  private downSince: Date | undefined;
  private lastError = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  start(intervalMs = 5000): this {
    this.timer = setInterval(() => void this.probe(), intervalMs);
    this.timer.unref();
    return this;
  }

  /** One probe; returns whether the system was ready. */
  async probe(): Promise<boolean> {
    const at = this.now();
    try {
      await pingDb(this.db);
    } catch (error) {
      this.downSince ??= at;
      this.lastError = (error as Error).message;
      return false;
    }
    if (this.downSince) {
      try {
        await recordOutage(this.db, {
          startedAt: this.downSince,
          endedAt: at,
          source: 'probe',
          reason: `readiness probe failed: ${this.lastError}`.slice(0, 500),
        });
        this.downSince = undefined;
      } catch (error) {
        this.onError(error);
      }
    }
    return true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
