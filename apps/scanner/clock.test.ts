import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLOCK_TRUST_MS, measureOffset, ScannerClock } from './clock';

describe('scanner clock', () => {
  afterEach(() => vi.useRealTimers());

  it('takes the midpoint of the round trip, and is right within half of it plus the resolution', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
        fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(1, 1000),
        (sentAt, trueOffset, trip, when, resolution) => {
          // The server reads its clock somewhere in the round trip, and may drop the sub-second part.
          const read = sentAt + trueOffset + Math.round(trip * when);
          const serverMs = read - (read % resolution);
          const m = measureOffset(sentAt, sentAt + trip, serverMs, resolution, 'server-time');
          expect(Math.abs(m.offsetMs - trueOffset)).toBeLessThanOrEqual(m.uncertaintyMs + 1);
          expect(m.uncertaintyMs).toBe(Math.round(trip / 2 + resolution / 2));
        },
      ),
    );
  });

  it('corrects the time by the offset and trusts a measurement for a day only', () => {
    vi.useFakeTimers({ now: 1_800_000_000_000 });
    const clock = new ScannerClock(undefined);
    expect(clock.trusted()).toBe(false);
    expect(clock.now()).toBe(Date.now());
    clock.update(measureOffset(Date.now() - 100, Date.now(), Date.now() - 600_000, 1, 'server-time'));
    expect(clock.offsetMs()).toBe(-599_949); // the server read its clock 50 ms after it was sent
    expect(clock.now()).toBe(Date.now() - 599_949);
    expect(clock.trusted()).toBe(true);
    expect(clock.trusted(Date.now() + CLOCK_TRUST_MS + 1)).toBe(false);
  });

  it('stops trusting its measurement when the tablet clock is set while it runs', () => {
    vi.useFakeTimers({ now: 1_800_000_000_000, toFake: ['Date'] });
    const clock = new ScannerClock(undefined);
    clock.update(measureOffset(Date.now(), Date.now(), Date.now() + 30_000, 1, 'server-time'));
    expect(clock.trusted()).toBe(true);
    // Someone sets the tablet's clock an hour ahead: the wall clock moves, the monotonic clock does not.
    vi.setSystemTime(Date.now() + 3_600_000);
    expect(Math.abs(clock.jumpMs() - 3_600_000)).toBeLessThan(1000);
    expect(clock.trusted()).toBe(false);
    // A new measurement is taken at once, whatever its precision.
    clock.update(measureOffset(Date.now() - 400, Date.now(), Date.now() - 3_570_000, 1000, 'date-header'));
    expect(clock.trusted()).toBe(true);
    expect(Math.abs(clock.offsetMs() + 3_570_000)).toBeLessThanOrEqual(1000);
  });

  it('keeps a more precise measurement that a coarser one agrees with', () => {
    vi.useFakeTimers({ now: 1_800_000_000_000, toFake: ['Date'] });
    const clock = new ScannerClock(undefined);
    const precise = measureOffset(Date.now() - 20, Date.now(), Date.now() + 5000, 1, 'server-time');
    clock.update(precise);
    clock.update(measureOffset(Date.now() - 20, Date.now(), Date.now() + 5000, 1000, 'date-header'));
    expect(clock.current).toBe(precise);
    // One that disagrees beyond both bounds replaces it (the tablet's clock moved).
    const moved = measureOffset(Date.now() - 20, Date.now(), Date.now() + 65_000, 1000, 'date-header');
    clock.update(moved);
    expect(clock.current).toBe(moved);
  });
});
