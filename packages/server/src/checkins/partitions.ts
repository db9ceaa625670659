/** Daily range partitions of `checkins`: created ahead by the retention job, dropped after 28 days. */

import { dayIso, kstDay } from '@greenlight/rules';
import type { Db } from '../db/types.ts';

export const RETENTION_DAYS = 28;
/** Entries older than this are refused, so that none lands in a partition about to be dropped. */
export const ACCEPT_PAST_DAYS = 27;
export const CREATE_AHEAD_DAYS = 2;

function partitionName(day: number): string {
  return `checkins_${dayIso(day).replaceAll('-', '')}`;
}

/** Creates the partitions from ACCEPT_PAST_DAYS ago to CREATE_AHEAD_DAYS ahead; returns the names created. */
export async function ensureCheckinPartitions(db: Db, now: Date): Promise<string[]> {
  const today = kstDay(now.getTime());
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'checkins'`,
  );
  const existing = new Set(rows.map((row) => row.name));
  const created: string[] = [];
  for (let day = today - ACCEPT_PAST_DAYS; day <= today + CREATE_AHEAD_DAYS; day++) {
    const name = partitionName(day);
    if (existing.has(name)) continue;
    // Names and bounds come from day numbers, never from input.
    await db.exec(
      `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF checkins FOR VALUES FROM ('${dayIso(day)}') TO ('${dayIso(day + 1)}')`,
    );
    created.push(name);
  }
  return created;
}

/** Drops every partition whose day is more than RETENTION_DAYS before today; returns the names dropped. */
export async function dropExpiredCheckinPartitions(db: Db, now: Date): Promise<string[]> {
  const oldest = dayIso(kstDay(now.getTime()) - RETENTION_DAYS).replaceAll('-', '');
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'checkins' ORDER BY 1`,
  );
  const dropped: string[] = [];
  for (const { name } of rows) {
    const match = /^checkins_(\d{8})$/.exec(name);
    if (!match || (match[1] as string) >= oldest) continue;
    await db.exec(`DROP TABLE ${name}`);
    dropped.push(name);
  }
  return dropped;
}

/**
 * Today's partitions, ensured once: at start, and again before the first write if that failed (the database was
 * down when the app started). After one success `ready()` costs nothing; the retention job keeps them ahead.
 */
export class PartitionKeeper {
  private ensured = false;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  ready(): Promise<void> {
    if (this.ensured) return Promise.resolve();
    this.pending ??= ensureCheckinPartitions(this.db, this.now()).then(
      () => {
        this.ensured = true;
      },
      (error) => {
        this.pending = undefined;
        throw error;
      },
    );
    return this.pending;
  }
}

export interface RetentionJob {
  stop(): void;
}

/** Runs ensure + drop now and then every `intervalMs` (an hour by default); failures are logged, retried next run. */
export function startRetention(
  db: Db,
  now: () => Date,
  onError: (error: unknown) => void,
  intervalMs = 3600_000,
): RetentionJob {
  const run = async () => {
    try {
      await ensureCheckinPartitions(db, now());
      await dropExpiredCheckinPartitions(db, now());
    } catch (error) {
      onError(error);
    }
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
