/** Where validated check-ins go: straight into the database (direct) or into JetStream (scale-out). */
import { ServerError } from '../errors.ts';
import type { CheckinRow } from './entries.ts';

export interface SinkResult {
  accepted: string[];
  duplicates: string[];
}

export interface SinkStats {
  /** Rows (direct) or publishes (scale-out) accepted into memory and not yet durable. */
  inFlight: number;
  maxInFlight: number;
  refused: number;
}

export interface CheckinSink {
  readonly mode: 'direct' | 'nats';
  /** Resolves when every row is durable; throws ERR_OVERLOADED (429) at once when the queue is full. */
  submit(rows: readonly CheckinRow[]): Promise<SinkResult>;
  stats(): SinkStats;
  close(): Promise<void>;
}

export const OVERLOAD_RETRY_AFTER_SECONDS = 1;

export function overloaded(): ServerError {
  return new ServerError('ERR_OVERLOADED', undefined, { retryAfter: OVERLOAD_RETRY_AFTER_SECONDS });
}

/** Splits the rows of one request into accepted and duplicates by the set of ids that were new. */
export function sortOut(rows: readonly CheckinRow[], fresh: ReadonlySet<string>): SinkResult {
  const accepted: string[] = [];
  const duplicates: string[] = [];
  for (const row of rows) (fresh.has(row.eventId) ? accepted : duplicates).push(row.eventId);
  return { accepted, duplicates };
}
