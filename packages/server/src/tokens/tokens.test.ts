import { dayIso, kstDay } from '@greenlight/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckinTokens, parseDayIso } from './tokens.ts';

const SECRET = 'test-checkin-token-secret-0123456789abcdef';
const tokens = new CheckinTokens(SECRET);
const holder = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const day = fc.integer({ min: 0, max: 100_000 });

describe('check-in tokens', () => {
  it('round-trips holder and day (property)', () => {
    fc.assert(
      fc.property(holder, day, (h, d) => {
        const token = tokens.mint(h, d);
        expect(token).toHaveLength(16);
        expect(tokens.openToken(token, d)).toBe(h);
      }),
    );
  });

  it('opens nothing on another day, under another secret, or when altered (property)', () => {
    const other = new CheckinTokens('another-checkin-token-secret-0123456789');
    fc.assert(
      fc.property(holder, day, day, fc.integer({ min: 0, max: 127 }), (h, d, e, bit) => {
        const token = tokens.mint(h, d);
        if (e !== d) expect(tokens.openToken(token, e)).toBeUndefined();
        expect(other.openToken(token, d)).toBeUndefined();
        const altered = Uint8Array.from(token);
        altered[bit >> 3]! ^= 1 << (bit & 7);
        expect(tokens.openToken(altered, d)).toBeUndefined();
      }),
    );
  });

  it('does not link one holder across days, nor crash on random input (property)', () => {
    fc.assert(
      fc.property(holder, day, fc.uint8Array({ minLength: 0, maxLength: 32 }), (h, d, random) => {
        const [a, b] = tokens.mintTokens(h, [d, d + 1]);
        expect(Buffer.from(a!).equals(Buffer.from(b!))).toBe(false);
        expect(tokens.openToken(random, d)).toBeUndefined();
      }),
    );
  });

  it('is deterministic and stable (vector)', () => {
    const token = tokens.mint(42n, 20_415);
    expect(Buffer.from(tokens.mint(42n, 20_415)).equals(Buffer.from(token))).toBe(true);
    expect(Buffer.from(new CheckinTokens(SECRET).mint(42n, 20_415)).toString('hex')).toBe(
      Buffer.from(token).toString('hex'),
    );
  });

  it('refuses short secrets and out-of-range inputs', () => {
    expect(() => new CheckinTokens('short')).toThrow(RangeError);
    expect(() => tokens.mint(-1n, 1)).toThrow(RangeError);
    expect(() => tokens.mint(1n, -1)).toThrow(RangeError);
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
