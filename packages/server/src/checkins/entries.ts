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
  method: Type.String({ maxLength: 32 }),
  token: Type.Optional(Type.String({ maxLength: 64 })),
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
}

export type RejectionCode =
  | 'ERR_CHECKIN_EVENT_ID'
  | 'ERR_CHECKIN_TIME'
  | 'ERR_CHECKIN_VENUE_UNKNOWN'
  | 'ERR_CHECKIN_VENUE_MISMATCH'
  | 'ERR_CHECKIN_METHOD'
  | 'ERR_CHECKIN_TOKEN'
  | 'ERR_CHECKIN_DUPLICATE_IN_BATCH';

export interface Rejection {
  eventId: string;
  code: RejectionCode;
  message: string;
}

export const MAX_FUTURE_MS = 5 * 60_000;
const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const METHODS = new Set<string>(CHECKIN_METHODS);

/** Milliseconds since the epoch in a UUIDv7 (its first 48 bits). */
export function uuidv7Time(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
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
    Buffer.from(a.token ?? []).equals(Buffer.from(b.token ?? []))
  );
}

/**
 * Checks every entry against the device that sent it. `venueExists` is asked only for venues other than the
 * device's own (to tell an unknown venue from a mismatch). An exact repeat of an entry in the batch is kept once.
 */
export async function checkEntries(
  entries: readonly CheckinEntryInput[],
  device: VenueDevice,
  now: number,
  venueExists: (venueId: string) => Promise<boolean>,
): Promise<{ rows: CheckinRow[]; rejected: Rejection[] }> {
  const rows: CheckinRow[] = [];
  const rejected: Rejection[] = [];
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
    const idWindow = inWindow(idTime, now);
    if (idWindow) {
      reject('ERR_CHECKIN_EVENT_ID', `the eventId's timestamp is too far in the ${idWindow}`);
      continue;
    }
    const at = ISO_DATE_TIME.test(entry.at) ? Date.parse(entry.at) : Number.NaN;
    if (Number.isNaN(at)) {
      reject('ERR_CHECKIN_TIME', 'at must be an ISO 8601 date-time with a time zone');
      continue;
    }
    const atWindow = inWindow(at, now);
    if (atWindow) {
      reject(
        'ERR_CHECKIN_TIME',
        atWindow === 'future'
          ? 'at is more than 5 minutes in the future'
          : `at is older than ${ACCEPT_PAST_DAYS} days`,
      );
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
    const venueId = entry.venueId.toLowerCase();
    if (venueId !== device.venueId) {
      let exists = venues.get(venueId);
      if (exists === undefined) {
        exists = /^[0-9a-f-]{36}$/.test(venueId) && (await venueExists(venueId));
        venues.set(venueId, exists);
      }
      if (exists) reject('ERR_CHECKIN_VENUE_MISMATCH', "the venue is not the device credential's venue");
      else reject('ERR_CHECKIN_VENUE_UNKNOWN', 'no such venue');
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
  return { rows, rejected };
}
