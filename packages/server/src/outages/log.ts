/** The outage log: periods when the pass system was degraded, from the health probe and staff declarations. */
import { pingDb } from '../db/ping.ts';
import type { Db } from '../db/types.ts';

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

/** The outages that cover `at` (an open outage covers everything after its start). */
export async function outagesAt(db: Db, at: Date): Promise<Outage[]> {
  const { rows } = await db.query<{
    id: string;
    started_at: Date;
    ended_at: Date | null;
    source: 'probe' | 'staff';
    reason: string;
  }>(
    `SELECT id::text AS id, started_at, ended_at, source, reason FROM outages
     WHERE started_at <= $1 AND (ended_at IS NULL OR ended_at >= $1) ORDER BY started_at`,
    [at],
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
