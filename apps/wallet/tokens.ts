/**
 * The wallet's check-in tokens (docs/checkin-tokens.md): a batch of single-use tokens for each KST day, and one
 * token taken for each presentation QR drawn, so that no two QR images carry the same token.
 */

/** One day's tokens as the server hands them out (`GET /v1/me/checkin-tokens`). */
export interface DayTokens {
  /** KST day, `YYYY-MM-DD`. */
  day: string;
  /** 16-byte tokens, base64url. */
  tokens: string[];
}

/** One day's tokens as the wallet stores them, with how many it has put into a QR already. */
export interface TokenBatch extends DayTokens {
  /** Index of the next unused token; equal to `tokens.length` once the batch is spent. */
  next: number;
}

/** When this few tokens of today remain, the wallet asks for a fresh batch if it can reach the server. */
export const LOW_TOKENS = 16;

/**
 * The batches to keep after a fetch: the fresh batch for every day the server answered (the old one is dropped
 * with its unused tokens: the server never hands out a token twice, so none is ever reused), the old batches of
 * days the answer did not cover, and nothing before `today`. Sorted by day.
 */
export function mergeBatches(
  stored: readonly TokenBatch[],
  fresh: readonly DayTokens[],
  today: string,
): TokenBatch[] {
  const byDay = new Map<string, TokenBatch>();
  for (const batch of stored) if (batch.day >= today) byDay.set(batch.day, batch);
  for (const { day, tokens } of fresh) {
    if (day >= today && tokens.length > 0) byDay.set(day, { day, tokens: [...tokens], next: 0 });
  }
  return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}

export interface TakenToken {
  /** The token for this QR, or undefined when the wallet holds none for `today`. */
  token?: string;
  /** The batches with this token marked as used. */
  batches: TokenBatch[];
  /** Unused tokens of today left after this one. */
  remaining: number;
  /**
   * True when today's batch was spent and the last token was given again: the entries that follow share that
   * token (they can be linked to one another, never to the earlier ones) until a fresh batch arrives.
   */
  reused: boolean;
}

/** Takes today's next unused token; with none left, the last one again (`reused`). Pure: store `batches`. */
export function takeToken(stored: readonly TokenBatch[], today: string): TakenToken {
  const batches = stored.map((batch) => ({ ...batch }));
  const batch = batches.find((b) => b.day === today);
  if (!batch || batch.tokens.length === 0) return { batches, remaining: 0, reused: false };
  if (batch.next >= batch.tokens.length) {
    return { token: batch.tokens[batch.tokens.length - 1], batches, remaining: 0, reused: true };
  }
  const token = batch.tokens[batch.next];
  batch.next += 1;
  return { token, batches, remaining: batch.tokens.length - batch.next, reused: false };
}

/** Reads stored batches defensively: whatever is in storage, only well-formed batches come back. */
export function parseBatches(value: unknown): TokenBatch[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (b): b is TokenBatch =>
      typeof b === 'object' &&
      b !== null &&
      typeof b.day === 'string' &&
      Array.isArray(b.tokens) &&
      b.tokens.every((t: unknown) => typeof t === 'string') &&
      Number.isInteger(b.next) &&
      b.next >= 0,
  );
}
