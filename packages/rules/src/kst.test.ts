import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayIso, kstDate, kstDay } from './kst.ts';

describe('KST days', () => {
  it('turns at 15:00 UTC (00:00 KST)', () => {
    expect(dayIso(kstDay(Date.parse('2022-01-12T14:59:59.999Z')))).toBe('2022-01-12');
    expect(dayIso(kstDay(Date.parse('2022-01-12T15:00:00Z')))).toBe('2022-01-13');
    expect(kstDay(Date.parse('1969-12-31T15:00:00Z'))).toBe(0);
    expect(kstDay(Date.parse('1969-12-31T14:59:59Z'))).toBe(-1);
  });

  it('dayIso of the day number is the KST date', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        expect(dayIso(kstDay(ms))).toBe(kstDate(new Date(ms)));
      }),
    );
  });
});
