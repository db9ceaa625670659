import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DayTokens, mergeBatches, parseBatches, type TokenBatch, takeToken } from './tokens';

const TODAY = '2026-11-30';
const day = (offset: number) =>
  new Date(Date.parse(`${TODAY}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
const distinctTokens = fc.uniqueArray(fc.base64String({ minLength: 22, maxLength: 24 }), {
  minLength: 1,
  maxLength: 40,
});

/** Takes `n` tokens one QR at a time, storing the batches between takes as the wallet does. */
function takeMany(batches: TokenBatch[], n: number) {
  const taken: ReturnType<typeof takeToken>[] = [];
  let current = batches;
  for (let i = 0; i < n; i++) {
    const result = takeToken(current, TODAY);
    taken.push(result);
    current = result.batches;
  }
  return { taken, batches: current };
}

describe('wallet check-in tokens', () => {
  it('puts a different token in every QR until the batch is spent, then repeats the last one (property)', () => {
    fc.assert(
      fc.property(distinctTokens, fc.integer({ min: 0, max: 10 }), (tokens, extra) => {
        const { taken } = takeMany(mergeBatches([], [{ day: TODAY, tokens }], TODAY), tokens.length + extra);
        const fresh = taken.slice(0, tokens.length);
        expect(fresh.map((t) => t.token)).toEqual(tokens);
        expect(new Set(fresh.map((t) => t.token)).size).toBe(tokens.length);
        expect(fresh.every((t) => !t.reused)).toBe(true);
        expect(fresh.map((t) => t.remaining)).toEqual(tokens.map((_, i) => tokens.length - i - 1));
        for (const t of taken.slice(tokens.length)) {
          expect(t).toMatchObject({ token: tokens[tokens.length - 1], reused: true, remaining: 0 });
        }
      }),
    );
  });

  it("uses only today's batch, and none when it has none for today", () => {
    const batches = mergeBatches(
      [],
      [
        { day: day(1), tokens: ['tomorrow'] },
        { day: day(2), tokens: ['later'] },
      ],
      TODAY,
    );
    const none = takeToken(batches, TODAY);
    expect(none.token).toBeUndefined();
    expect(none).toMatchObject({ remaining: 0, reused: false });
    expect(takeToken(batches, day(1)).token).toBe('tomorrow');
    // Taking leaves the stored value unchanged: the caller stores the result.
    expect(batches[0]?.next).toBe(0);
  });

  it('replaces a day with a fresh batch, keeps the days the answer missed, and forgets past days', () => {
    const stored: TokenBatch[] = [
      { day: day(-1), tokens: ['old'], next: 0 },
      { day: TODAY, tokens: ['a', 'b', 'c'], next: 3 },
      { day: day(3), tokens: ['k'], next: 0 },
    ];
    const fresh: DayTokens[] = [
      { day: TODAY, tokens: ['x', 'y'] },
      { day: day(1), tokens: ['z'] },
      { day: day(2), tokens: [] },
    ];
    expect(mergeBatches(stored, fresh, TODAY)).toEqual([
      { day: TODAY, tokens: ['x', 'y'], next: 0 },
      { day: day(1), tokens: ['z'], next: 0 },
      { day: day(3), tokens: ['k'], next: 0 },
    ]);
    // After a refill at the door the next QR takes a new token, never one of the spent batch.
    expect(takeToken(mergeBatches(stored, fresh, TODAY), TODAY)).toMatchObject({ token: 'x', reused: false });
  });

  it('reads only well-formed batches from storage, whatever is there (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        for (const batch of parseBatches(value)) {
          expect(typeof batch.day).toBe('string');
          expect(Number.isInteger(batch.next)).toBe(true);
          expect(() => takeToken([batch], batch.day)).not.toThrow();
        }
      }),
    );
    // The single daily token of earlier versions is not a batch.
    expect(parseBatches([{ day: TODAY, token: 'abc' }])).toEqual([]);
    expect(parseBatches(undefined)).toEqual([]);
  });
});
