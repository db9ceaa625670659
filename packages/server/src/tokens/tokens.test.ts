import { dayIso, kstDay } from '@greenlight/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckinTokens, HOLDER_MAX, INDEX_LIMIT, parseDayIso } from './tokens.ts';

const SECRET = 'test-checkin-token-secret-0123456789abcdef';
const tokens = new CheckinTokens(SECRET);
const holder = fc.bigInt({ min: 0n, max: HOLDER_MAX });
const day = fc.integer({ min: 0, max: 100_000 });
const index = fc.integer({ min: 0, max: INDEX_LIMIT - 1 });
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('check-in tokens', () => {
  it('round-trips holder, index and day (property)', () => {
    fc.assert(
      fc.property(holder, day, index, (h, d, i) => {
        const token = tokens.mint(h, d, i);
        expect(token).toHaveLength(16);
        expect(tokens.openToken(token, d)).toEqual({ holder: h, index: i });
      }),
    );
  });

  it('round-trips the extremes of every field', () => {
    for (const h of [0n, 1n, 2n ** 24n - 1n, 2n ** 24n, HOLDER_MAX]) {
      for (const i of [0, 1, INDEX_LIMIT - 1]) {
        for (const d of [0, 20_422, 2 ** 32 - 1]) {
          expect(tokens.openToken(tokens.mint(h, d, i), d)).toEqual({ holder: h, index: i });
        }
      }
    }
  });

  it('gives pairwise distinct tokens in a batch, each opening to its own index (property)', () => {
    fc.assert(
      fc.property(
        holder,
        day,
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: INDEX_LIMIT - 200 }),
        (h, d, count, start) => {
          const batch = tokens.mintBatch(h, d, start, count);
          expect(batch).toHaveLength(count);
          expect(new Set(batch.map(hex)).size).toBe(count);
          batch.forEach((token, i) => {
            expect(hex(token)).toBe(hex(tokens.mint(h, d, start + i)));
            expect(tokens.openToken(token, d)).toEqual({ holder: h, index: start + i });
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  it('gives distinct tokens to distinct (holder, index) pairs of one day (property)', () => {
    fc.assert(
      fc.property(holder, holder, index, index, day, (h1, h2, i1, i2, d) => {
        fc.pre(h1 !== h2 || i1 !== i2);
        expect(hex(tokens.mint(h1, d, i1))).not.toBe(hex(tokens.mint(h2, d, i2)));
      }),
    );
  });

  it('shows no shared bytes between consecutive tokens of one holder', () => {
    // A batch is 128 consecutive indexes: were the cipher leaking structure, its tokens would share bytes at fixed
    // positions. Over 4,096 tokens each byte position must take many values, and no pair may share 8 leading bytes.
    const batch = tokens.mintBatch(7n, 20_422, 1_000, 4_096);
    for (let position = 0; position < 16; position++) {
      expect(new Set(batch.map((t) => t[position])).size).toBeGreaterThan(200);
    }
    expect(new Set(batch.map((t) => hex(t.subarray(0, 8)))).size).toBe(batch.length);
  });

  it('opens nothing on another day, under another secret, or with any bit flipped (property)', () => {
    const other = new CheckinTokens('another-checkin-token-secret-0123456789');
    fc.assert(
      fc.property(holder, day, day, index, fc.integer({ min: 0, max: 127 }), (h, d, e, i, bit) => {
        const token = tokens.mint(h, d, i);
        if (e !== d) expect(tokens.openToken(token, e)).toBeUndefined();
        expect(other.openToken(token, d)).toBeUndefined();
        const altered = Uint8Array.from(token);
        altered[bit >> 3]! ^= 1 << (bit & 7);
        expect(tokens.openToken(altered, d)).toBeUndefined();
      }),
    );
  });

  it('does not link one holder across days, and never crashes on random input (property)', () => {
    fc.assert(
      fc.property(
        holder,
        day,
        index,
        fc.uint8Array({ minLength: 0, maxLength: 32 }),
        fc.integer({ min: -5, max: 2 ** 33 }),
        (h, d, i, random, anyDay) => {
          expect(hex(tokens.mint(h, d, i))).not.toBe(hex(tokens.mint(h, d + 1, i)));
          expect(tokens.openToken(random, d)).toBeUndefined();
          expect(() => tokens.openToken(random, anyDay)).not.toThrow();
        },
      ),
    );
  });

  it('is deterministic under one secret', () => {
    const token = tokens.mint(42n, 20_415, 9);
    expect(hex(new CheckinTokens(SECRET).mint(42n, 20_415, 9))).toBe(hex(token));
    expect(hex(new CheckinTokens(Buffer.from(SECRET)).mint(42n, 20_415, 9))).toBe(hex(token));
  });

  it('refuses short secrets and out-of-range inputs', () => {
    expect(() => new CheckinTokens('short')).toThrow(RangeError);
    expect(() => tokens.mint(-1n, 1)).toThrow(RangeError);
    expect(() => tokens.mint(HOLDER_MAX + 1n, 1)).toThrow(RangeError);
    expect(() => tokens.mint(1n, -1)).toThrow(RangeError);
    expect(() => tokens.mint(1n, 1.5)).toThrow(RangeError);
    expect(() => tokens.mint(1n, 1, -1)).toThrow(RangeError);
    expect(() => tokens.mint(1n, 1, INDEX_LIMIT)).toThrow(RangeError);
    expect(() => tokens.mintBatch(1n, 1, INDEX_LIMIT - 2, 3)).toThrow(RangeError);
    expect(tokens.mintBatch(1n, 1, INDEX_LIMIT - 2, 2)).toHaveLength(2);
    expect(tokens.mintBatch(1n, 1, 0, 0)).toEqual([]);
  });

  it('counts days in Korean time', () => {
    // 2026-11-22T15:00Z is midnight of 23 November in Seoul.
    expect(dayIso(kstDay(Date.parse('2026-11-22T14:59:59.999Z')))).toBe('2026-11-22');
    expect(dayIso(kstDay(Date.parse('2026-11-22T15:00:00Z')))).toBe('2026-11-23');
    expect(parseDayIso('2026-11-23')).toBe(kstDay(Date.parse('2026-11-23T03:00:00Z')));
    expect(parseDayIso('2026-02-30')).toBeUndefined();
    expect(parseDayIso('nope')).toBeUndefined();
  });
});
