/** The entry outbox: every accepted entry is stored first, then uploaded in batches with backoff and jitter. */
import { checkinEntry } from '@greenlight/codec';
import type { AppDb, OutboxEntry } from '../shared/store';

export const CHECKINS_URL = '/v1/checkins';
const BATCH = 200;
const BASE_DELAY_MS = 2000;
const MAX_DELAY_MS = 5 * 60 * 1000;

/** Exponential backoff with full jitter in [0.5, 1.5) of the step, capped at five minutes. */
export function nextAttemptDelay(attempts: number, random = Math.random): number {
  const step = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempts, 20));
  return Math.round(step * (0.5 + random()));
}

/** The upload under way, if any. */
let running: Promise<{ sent: number; acked: number }> | undefined;

/**
 * Uploads the entries that are due, or with `all` every waiting entry whatever its backoff (staff pressed "upload
 * now", or the browser came back online). The server acknowledges per event id (idempotent), so an entry sent
 * twice is stored once; entries leave the outbox only when acknowledged.
 */
export function uploadOutbox(
  db: AppDb,
  credential: string,
  now: number,
  options: { all?: boolean } = {},
): Promise<{ sent: number; acked: number }> {
  // One upload at a time: a caller that comes while one is under way (the timer, the online event, the staff's
  // button) shares it instead of sending the same entries again.
  running ??= send(db, credential, now, options).finally(() => {
    running = undefined;
  });
  return running;
}

async function send(
  db: AppDb,
  credential: string,
  now: number,
  options: { all?: boolean },
): Promise<{ sent: number; acked: number }> {
  const range = options.all ? undefined : IDBKeyRange.upperBound(now);
  const due = (await db.getAllFromIndex('outbox', 'nextAttemptAt', range)).slice(0, BATCH);
  if (due.length === 0) return { sent: 0, acked: 0 };
  let retryAfterMs: number | undefined;
  let acked: string[] = [];
  try {
    const response = await fetch(CHECKINS_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${credential}` },
      body: JSON.stringify({
        entries: due.map(checkinEntry),
      }),
    });
    if (response.ok) {
      const body = (await response.json()) as { accepted?: string[]; duplicates?: string[] };
      acked = [...(body.accepted ?? []), ...(body.duplicates ?? [])];
    } else {
      const retryAfter = Number(response.headers.get('Retry-After'));
      if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = retryAfter * 1000;
    }
  } catch {
    // Offline: every due entry waits for its next attempt.
  }
  const done = new Set(acked);
  const tx = db.transaction('outbox', 'readwrite');
  for (const entry of due) {
    if (done.has(entry.eventId)) {
      await tx.store.delete(entry.eventId);
    } else {
      const attempts = entry.attempts + 1;
      const delay = Math.max(retryAfterMs ?? 0, nextAttemptDelay(attempts));
      await tx.store.put({ ...entry, attempts, nextAttemptAt: now + delay } satisfies OutboxEntry);
    }
  }
  await tx.done;
  return { sent: due.length, acked: done.size };
}
