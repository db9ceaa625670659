/** Per-entry validation of a check-in batch: each entry becomes a row to store or a rejection with a code. */
import { CHECKIN_METHODS, type CheckinEntry, type CheckinMethod } from '@greenlight/codec';
import { kstDay } from '@greenlight/rules';
import { type Static, Type } from 'typebox';
import type { VenueDevice } from '../auth/devices.ts';
import { TOKEN_BYTES } from '../tokens/tokens.ts';
import { ACCEPT_PAST_DAYS } from './partitions.ts';

/**
 * The request schema of one entry: the codec's `CheckinEntry` wire format, with every field a bounded string so
 * that one bad entry is rejected on its own (a code per entry) instead of failing the whole batch.
 */
export const CheckinEntrySchema = Type.Object({
  eventId: Type.String({ maxLength: 64 }),
  venueId: Type.String({ maxLength: 64 }),
  at: Type.String({ maxLength: 64 }),
  method: Type.String({ maxLength: 64 }),
  token: Type.Optional(Type.String({ maxLength: 64 })),
  /** Checked per entry (an integer within ±MAX_CLOCK_OFFSET_MS), so any JSON value is admitted here. */
  clockOffsetMs: Type.Optional(Type.Unknown()),
});

export type CheckinEntryInput = Static<typeof CheckinEntrySchema>;

// Every entry of the wire format is a request the schema admits (checked by the compiler, not at run time).
const _wireEntryFitsSchema = (entry: CheckinEntry): CheckinEntryInput => entry;
void _wireEntryFitsSchema;

/** A validated entry, as stored. */
export interface CheckinRow {
  eventId: string;
  /** KST day of the event id's timestamp: the partition. */
  day: number;
  venueId: string;
  deviceId: string;
  at: Date;
  method: CheckinMethod;
  token: Uint8Array | undefined;
  /** The offset the scanner added to its clock (ms); undefined when it sent none. */
  clockOffsetMs: number | undefined;
}

export type RejectionCode =
  | 'ERR_CHECKIN_EVENT_ID'
  | 'ERR_CHECKIN_TIME'
  | 'ERR_CHECKIN_VENUE_UNKNOWN'
  | 'ERR_CHECKIN_VENUE_MISMATCH'
  | 'ERR_CHECKIN_METHOD'
  | 'ERR_CHECKIN_TOKEN'
  | 'ERR_CHECKIN_CLOCK_OFFSET'
  | 'ERR_CHECKIN_DUPLICATE_IN_BATCH';

/**
 * An entry refused for now only because its time is ahead of the server's clock: the scanner's clock is wrong, not
 * the entry. It is not `rejected`: the scanner corrects its times by the `serverTime` of the answer and sends it
 * again (docs/checkins.md, "Clocks").
 */
export interface ClockRetry {
  eventId: string;
  code: 'ERR_CHECKIN_CLOCK_AHEAD';
  message: string;
}

export interface Rejection {
  eventId: string;
  code: RejectionCode;
  message: string;
}

export const MAX_FUTURE_MS = 5 * 60_000;
/** The largest clock offset an entry may carry: a tablet a week off is a misconfigured tablet, not a clock drift. */
export const MAX_CLOCK_OFFSET_MS = 7 * 86_400_000;
const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const METHODS = new Set<string>(CHECKIN_METHODS);

/** Milliseconds since the epoch in a UUIDv7 (its first 48 bits). */
export function uuidv7Time(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/**
 * Epoch milliseconds of an RFC 3339 date-time (section 5.6: a calendar date that exists, hours 00–23, minutes and
 * seconds 00–59, offset hours 00–23), or NaN. `Date.parse` alone would read 2026-02-30 as 2 March and 24:00 as
 * the next day.
 */
export function parseDateTime(text: string): number {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return Number.NaN;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  const offsetHour = match[9] === undefined ? 0 : Number(match[9]);
  const offsetMinute = match[10] === undefined ? 0 : Number(match[10]);
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  const calendar =
    month! >= 1 && month! <= 12 && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day;
  if (!calendar || hour! > 23 || minute! > 59 || second! > 59 || offsetHour > 23 || offsetMinute > 59)
    return Number.NaN;
  return Date.parse(text);
}

function inWindow(ms: number, now: number): 'future' | 'past' | undefined {
  if (ms > now + MAX_FUTURE_MS) return 'future';
  if (kstDay(ms) < kstDay(now) - ACCEPT_PAST_DAYS) return 'past';
  return undefined;
}

function sameEntry(a: CheckinRow, b: CheckinRow): boolean {
  return (
    a.venueId === b.venueId &&
    a.at.getTime() === b.at.getTime() &&
    a.method === b.method &&
    a.clockOffsetMs === b.clockOffsetMs &&
    Buffer.from(a.token ?? []).equals(Buffer.from(b.token ?? []))
  );
}

/**
 * Checks every entry against the device that sent it. `venueExists` is asked only for venues other than the
 * device's own (to tell an unknown venue from a mismatch), with any text: it answers false for one that is not a
 * UUID, as `venues/directory.ts`'s does. An exact repeat of an entry in the batch is kept once.
 */
export async function checkEntries(
  entries: readonly CheckinEntryInput[],
  device: VenueDevice,
  now: number,
  venueExists: (venueId: string) => Promise<boolean>,
): Promise<{ rows: CheckinRow[]; rejected: Rejection[]; retry: ClockRetry[] }> {
  const rows: CheckinRow[] = [];
  const rejected: Rejection[] = [];
  const retry: ClockRetry[] = [];
  const seen = new Map<string, CheckinRow>();
  const venues = new Map<string, boolean>();
  for (const entry of entries) {
    const eventId = entry.eventId.toLowerCase();
    const reject = (code: RejectionCode, message: string) =>
      rejected.push({ eventId: entry.eventId, code, message });
    if (!UUIDV7.test(eventId)) {
      reject('ERR_CHECKIN_EVENT_ID', 'eventId must be a UUIDv7');
      continue;
    }
    const idTime = uuidv7Time(eventId);
    const at = parseDateTime(entry.at);
    if (Number.isNaN(at)) {
      reject('ERR_CHECKIN_TIME', 'at must be an RFC 3339 date-time of a real calendar day, with a time zone');
      continue;
    }
    if (!METHODS.has(entry.method)) {
      reject('ERR_CHECKIN_METHOD', 'method must be presentation, paper or manual');
      continue;
    }
    let token: Uint8Array | undefined;
    if (entry.token !== undefined) {
      token = BASE64URL.test(entry.token) ? Buffer.from(entry.token, 'base64url') : undefined;
      if (token?.length !== TOKEN_BYTES) {
        reject('ERR_CHECKIN_TOKEN', 'token must be base64url of exactly 16 bytes');
        continue;
      }
    }
    const offset = entry.clockOffsetMs;
    if (
      offset !== undefined &&
      !(typeof offset === 'number' && Number.isSafeInteger(offset) && Math.abs(offset) <= MAX_CLOCK_OFFSET_MS)
    ) {
      reject(
        'ERR_CHECKIN_CLOCK_OFFSET',
        'clockOffsetMs must be an integer number of milliseconds within 7 days',
      );
      continue;
    }
    const venueId = entry.venueId.toLowerCase();
    if (venueId !== device.venueId) {
      let exists = venues.get(venueId);
      if (exists === undefined) {
        exists = await venueExists(venueId);
        venues.set(venueId, exists);
      }
      if (exists) reject('ERR_CHECKIN_VENUE_MISMATCH', "the venue is not the device credential's venue");
      else reject('ERR_CHECKIN_VENUE_UNKNOWN', 'no such venue');
      continue;
    }
    // Too old is final: the partition is gone or about to be. Too far ahead can only be the scanner's clock.
    const idWindow = inWindow(idTime, now);
    const atWindow = inWindow(at, now);
    if (idWindow === 'past') {
      reject('ERR_CHECKIN_EVENT_ID', `the eventId's timestamp is older than ${ACCEPT_PAST_DAYS} days`);
      continue;
    }
    if (atWindow === 'past') {
      reject('ERR_CHECKIN_TIME', `at is older than ${ACCEPT_PAST_DAYS} days`);
      continue;
    }
    if (idWindow === 'future' || atWindow === 'future') {
      retry.push({
        eventId: entry.eventId,
        code: 'ERR_CHECKIN_CLOCK_AHEAD',
        message:
          "the entry's time is more than 5 minutes ahead of the server: correct the clock and send it again",
      });
      continue;
    }
    const row: CheckinRow = {
      eventId,
      day: kstDay(idTime),
      venueId,
      deviceId: device.deviceId,
      at: new Date(at),
      method: entry.method as CheckinMethod,
      token,
      clockOffsetMs: offset as number | undefined,
    };
    const earlier = seen.get(eventId);
    if (earlier) {
      if (!sameEntry(earlier, row)) {
        reject(
          'ERR_CHECKIN_DUPLICATE_IN_BATCH',
          'the same eventId appears earlier in the batch with other contents',
        );
      }
      continue;
    }
    seen.set(eventId, row);
    rows.push(row);
  }
  return { rows, rejected, retry };
}
