/**
 * The entry outbox: every accepted entry is stored first (and only then shown as recorded), then uploaded in
 * batches with backoff and jitter. Entries the server will never accept move to a list that staff see and
 * acknowledge; entries refused only because this tablet's clock was ahead are corrected and sent again.
 */
import { checkinEntry } from '@greenlight/codec';
import { V7Generator } from 'uuidv7';
import type { AppDb, OutboxEntry } from '../shared/store';
import { type ClockMeasurement, measureOffset, offsetFromDateHeader } from './clock';

export const CHECKINS_URL = '/v1/checkins';
const BATCH = 200;
const BASE_DELAY_MS = 2000;
const MAX_DELAY_MS = 5 * 60 * 1000;
/**
 * The most entries the outbox holds (about 300 bytes each, so some 15 MB): a busy venue records a few thousand a
 * day, so this is more than a week offline. From `OUTBOX_WARN_AT` staff are told to connect; at the limit a new
 * entry is refused with "not recorded" instead of being lost later.
 */
export const OUTBOX_LIMIT = 50_000;
export const OUTBOX_WARN_AT = 40_000;
/** Settings key of the entries the server refused for good, until staff acknowledge them. */
export const REJECTED_KEY = 'rejectedEntries';

/** An outbox entry, with the tablet's own clock when it was recorded (to correct its time again later). */
export type ScannerEntry = OutboxEntry & { deviceAt?: number };

/** An entry the server refused for good, kept to show staff until they acknowledge it. */
export interface RejectedEntry {
  eventId: string;
  at: string;
  method: string;
  code: string;
  message: string;
}

/** Why an entry could not be stored on this tablet. */
export type NotRecordedReason = 'quota' | 'full' | 'storage';

export class NotRecordedError extends Error {
  constructor(
    readonly reason: NotRecordedReason,
    cause?: unknown,
  ) {
    super(`entry not recorded: ${reason}`, { cause });
  }
}

/** Exponential backoff with full jitter in [0.5, 1.5) of the step, capped at five minutes. */
export function nextAttemptDelay(attempts: number, random = Math.random): number {
  const step = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempts, 20));
  return Math.round(step * (0.5 + random()));
}

/** Event ids in time order on the corrected clock; a step back of the clock (a new offset) starts a new sequence. */
const ids = new V7Generator();

/** A UUIDv7 whose timestamp is `ms` (the corrected clock). */
export function eventIdAt(ms: number): string {
  return ids.generateOrResetCore(ms, 10_000).toString();
}

/**
 * Stores one entry in the outbox and resolves once the IndexedDB transaction is complete with strict durability
 * (flushed, not only queued): only then may the screen say it was recorded. Throws `NotRecordedError` when the
 * outbox is at its limit or the browser refuses the write (storage full, storage gone).
 */
export async function recordEntry(db: AppDb, entry: ScannerEntry): Promise<void> {
  let count: number;
  try {
    count = await db.count('outbox');
  } catch (error) {
    throw new NotRecordedError('storage', error);
  }
  if (count >= OUTBOX_LIMIT) throw new NotRecordedError('full');
  try {
    const tx = db.transaction('outbox', 'readwrite', { durability: 'strict' });
    await Promise.all([tx.store.add(entry), tx.done]);
  } catch (error) {
    const name = (error as { name?: string } | undefined)?.name;
    throw new NotRecordedError(name === 'QuotaExceededError' ? 'quota' : 'storage', error);
  }
}

/**
 * The entry again at the time a newer offset gives: the tablet's clock when it was recorded plus `offsetMs`, but
 * never later than `latest` (the server's time now: an entry cannot be in the future), with a new event id of that
 * time (the old one was never stored: the server answered it as `retry`).
 */
export function recorrect(entry: ScannerEntry, offsetMs: number, latest: number): ScannerEntry {
  const deviceAt = entry.deviceAt ?? Date.parse(entry.at) - (entry.clockOffsetMs ?? 0);
  const at = Math.min(deviceAt + offsetMs, latest);
  return {
    ...entry,
    eventId: eventIdAt(at),
    at: new Date(at).toISOString(),
    clockOffsetMs: at - deviceAt,
    deviceAt,
    nextAttemptAt: 0,
  };
}

export interface UploadResult {
  sent: number;
  acked: number;
  rejected: number;
  retried: number;
  /** The offset measured from this upload's answer, if it got one. */
  clock?: ClockMeasurement;
}

/** The upload under way, if any. */
let running: Promise<UploadResult> | undefined;

/**
 * Uploads the entries that are due, or with `all` every waiting entry whatever its backoff (staff pressed "upload
 * now", or the browser came back online). The server acknowledges per event id (idempotent), so an entry sent
 * twice is stored once; entries leave the outbox only when acknowledged, or when refused for good (then they go
 * to the list staff see). `now` is the tablet's own clock, for the backoff.
 */
export function uploadOutbox(
  db: AppDb,
  credential: string,
  now: number,
  options: { all?: boolean } = {},
): Promise<UploadResult> {
  // One upload at a time: a caller that comes while one is under way (the timer, the online event, the staff's
  // button) shares it instead of sending the same entries again.
  running ??= send(db, credential, now, options).finally(() => {
    running = undefined;
  });
  return running;
}

interface Answer {
  accepted?: string[];
  duplicates?: string[];
  rejected?: { eventId: string; code: string; message: string }[];
  retry?: { eventId: string }[];
  serverTime?: string;
}

async function send(
  db: AppDb,
  credential: string,
  now: number,
  options: { all?: boolean },
): Promise<UploadResult> {
  const range = options.all ? undefined : IDBKeyRange.upperBound(now);
  const due = ((await db.getAllFromIndex('outbox', 'nextAttemptAt', range)) as ScannerEntry[]).slice(
    0,
    BATCH,
  );
  if (due.length === 0) return { sent: 0, acked: 0, rejected: 0, retried: 0 };
  let retryAfterMs: number | undefined;
  let answer: Answer = {};
  let clock: ClockMeasurement | undefined;
  let serverNow = Number.POSITIVE_INFINITY;
  try {
    const sentAt = Date.now();
    const response = await fetch(CHECKINS_URL, {
      method: 'POST',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${credential}` },
      body: JSON.stringify({ entries: due.map(checkinEntry) }),
    });
    const receivedAt = Date.now();
    clock = offsetFromDateHeader(response, sentAt, receivedAt);
    if (response.ok) {
      answer = (await response.json()) as Answer;
      const serverTime = answer.serverTime ? Date.parse(answer.serverTime) : Number.NaN;
      if (!Number.isNaN(serverTime)) {
        clock = measureOffset(sentAt, receivedAt, serverTime, 1, 'server-time');
        serverNow = serverTime;
      }
    } else {
      const retryAfter = Number(response.headers.get('Retry-After'));
      if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = retryAfter * 1000;
    }
  } catch {
    // Offline: every due entry waits for its next attempt.
  }
  const done = new Set([...(answer.accepted ?? []), ...(answer.duplicates ?? [])]);
  const refused = new Map((answer.rejected ?? []).map((r) => [r.eventId, r]));
  const again = new Set((answer.retry ?? []).map((r) => r.eventId));
  const tx = db.transaction(['outbox', 'settings'], 'readwrite', { durability: 'strict' });
  const outbox = tx.objectStore('outbox');
  const kept = ((await tx.objectStore('settings').get(REJECTED_KEY)) as RejectedEntry[] | undefined) ?? [];
  let rejected = 0;
  let retried = 0;
  for (const entry of due) {
    const id = entry.eventId;
    const refusal = refused.get(id);
    if (done.has(id)) {
      await outbox.delete(id);
    } else if (refusal) {
      // Never accepted, whatever is sent again: staff see it (and why) until they acknowledge it.
      kept.push({
        eventId: id,
        at: entry.at,
        method: entry.method,
        code: refusal.code,
        message: refusal.message,
      });
      await outbox.delete(id);
      rejected += 1;
    } else if (again.has(id) && clock) {
      // Ahead of the server only because this tablet's clock was: the same entry at its corrected time.
      await outbox.delete(id);
      await outbox.put(recorrect(entry, clock.offsetMs, serverNow));
      retried += 1;
    } else {
      const attempts = entry.attempts + 1;
      const delay = Math.max(retryAfterMs ?? 0, nextAttemptDelay(attempts));
      await outbox.put({ ...entry, attempts, nextAttemptAt: now + delay } satisfies ScannerEntry);
    }
  }
  if (rejected > 0) await tx.objectStore('settings').put(kept, REJECTED_KEY);
  await tx.done;
  return { sent: due.length, acked: done.size, rejected, retried, ...(clock ? { clock } : {}) };
}
