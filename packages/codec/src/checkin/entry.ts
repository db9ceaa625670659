/** The check-in entry that venue scanners record and upload (`POST /v1/checkins`, docs/checkins.md). */

/** How the holder was checked in: the wallet's presentation QR, a paper certificate, or a staff entry. */
export const CHECKIN_METHODS = ['presentation', 'paper', 'manual'] as const;
export type CheckinMethod = (typeof CHECKIN_METHODS)[number];

/** One entry as a scanner uploads it; the server stores each `eventId` once. */
export interface CheckinEntry {
  /** UUIDv7 made by the scanner when it records the entry: the idempotence key, and its timestamp picks the day. */
  eventId: string;
  /** The venue of the device credential (UUID). */
  venueId: string;
  /** ISO 8601 date-time of the entry, on the scanner's corrected clock (the tablet's clock + `clockOffsetMs`). */
  at: string;
  method: CheckinMethod;
  /** The holder's check-in token of that day, base64url of 16 bytes; absent for paper and manual entries. */
  token?: string;
  /**
   * Milliseconds the scanner added to the tablet's clock for `at` and the event id's timestamp: the offset it last
   * measured against the server (docs/checkins.md, "Clocks"); an integer, 0 when the clocks agreed. Absent when the
   * scanner had not measured one.
   */
  clockOffsetMs?: number;
}

/**
 * The upload form of an entry that a scanner keeps with more fields (its outbox bookkeeping): exactly the wire
 * fields, in the documented order, and no `token` key when there is none.
 */
export function checkinEntry(entry: CheckinEntry): CheckinEntry {
  return {
    eventId: entry.eventId,
    venueId: entry.venueId,
    at: entry.at,
    method: entry.method,
    ...(entry.token ? { token: entry.token } : {}),
    ...(entry.clockOffsetMs !== undefined ? { clockOffsetMs: entry.clockOffsetMs } : {}),
  };
}
