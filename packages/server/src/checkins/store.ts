/** The one write step of both modes: COPY into a transaction-scoped staging table, then insert what is new. */

import { dayIso } from '@greenlight/rules';
import type { Db } from '../db/types.ts';
import type { CheckinRow } from './entries.ts';

const COLUMNS = [
  'event_id',
  'day',
  'venue_id',
  'device_id',
  'at',
  'method',
  'token',
  'clock_offset_ms',
] as const;

// One staging table per connection, emptied at every commit (cheaper than creating one per batch).
const CREATE_STAGING = `CREATE TEMP TABLE IF NOT EXISTS checkin_staging (
  event_id uuid NOT NULL, day date NOT NULL, venue_id uuid NOT NULL, device_id text NOT NULL,
  at timestamptz NOT NULL, method text NOT NULL, token bytea, clock_offset_ms bigint
) ON COMMIT DELETE ROWS`;

const INSERT_NEW = `INSERT INTO checkins (event_id, day, venue_id, device_id, at, method, token, clock_offset_ms)
  SELECT DISTINCT ON (day, event_id) event_id, day, venue_id, device_id, at, method, token, clock_offset_ms
  FROM checkin_staging ORDER BY day, event_id
  ON CONFLICT DO NOTHING RETURNING event_id::text AS event_id`;

/** Stores the rows in one transaction; returns the event ids that were new (the others were stored before). */
export async function writeCheckins(db: Db, rows: readonly CheckinRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  return db.transaction(async (tx) => {
    await tx.exec(CREATE_STAGING);
    await tx.copyFrom(
      'checkin_staging',
      COLUMNS,
      rows.map((row) => [
        row.eventId,
        dayIso(row.day),
        row.venueId,
        row.deviceId,
        row.at,
        row.method,
        row.token ?? null,
        row.clockOffsetMs ?? null,
      ]),
    );
    const { rows: inserted } = await tx.query<{ event_id: string }>(INSERT_NEW);
    return new Set(inserted.map((row) => row.event_id));
  });
}
