import { checkinEntry } from '@greenlight/codec';
import { describe, expect, it } from 'vitest';
import { eventIdAt, nextAttemptDelay, recorrect, type ScannerEntry } from './outbox';

/** Milliseconds in a UUIDv7 (its first 48 bits). */
const idTime = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('outbox backoff', () => {
  it('doubles per attempt, jitters within [0.5, 1.5) of the step, and caps at five minutes', () => {
    expect(nextAttemptDelay(0, () => 0.5)).toBe(2000);
    expect(nextAttemptDelay(3, () => 0.5)).toBe(16000);
    expect(nextAttemptDelay(3, () => 0)).toBe(8000);
    expect(nextAttemptDelay(3, () => 0.999)).toBeLessThan(24000);
    expect(nextAttemptDelay(40, () => 0.5)).toBe(300000);
    expect(nextAttemptDelay(40, () => 0.999)).toBeLessThan(450000);
  });
});

describe('outbox clock correction', () => {
  const deviceAt = Date.parse('2026-11-30T03:10:00.000Z');
  const entry: ScannerEntry = {
    eventId: eventIdAt(deviceAt),
    venueId: 'v',
    at: new Date(deviceAt).toISOString(),
    method: 'manual',
    deviceAt,
    attempts: 4,
    nextAttemptAt: deviceAt + 60_000,
  };

  it('makes event ids whose timestamp is the corrected time', () => {
    expect(idTime(eventIdAt(deviceAt - 600_000))).toBe(deviceAt - 600_000);
    expect(idTime(eventIdAt(deviceAt + 86_400_000))).toBe(deviceAt + 86_400_000);
  });

  it('moves an entry a fast tablet recorded to the true time, with a new id of that time, due at once', () => {
    const fixed = recorrect(entry, -600_000, Number.POSITIVE_INFINITY);
    expect(fixed.at).toBe('2026-11-30T03:00:00.000Z');
    expect(idTime(fixed.eventId)).toBe(deviceAt - 600_000);
    expect(fixed.eventId).not.toBe(entry.eventId);
    expect(fixed.clockOffsetMs).toBe(-600_000);
    expect(fixed.nextAttemptAt).toBe(0);
    expect(checkinEntry(fixed)).toEqual({
      eventId: fixed.eventId,
      venueId: 'v',
      at: '2026-11-30T03:00:00.000Z',
      method: 'manual',
      clockOffsetMs: -600_000,
    });
  });

  it('never dates an entry after the server time, and says so in its offset', () => {
    const serverNow = deviceAt - 3_600_000;
    const fixed = recorrect(entry, 0, serverNow);
    expect(Date.parse(fixed.at)).toBe(serverNow);
    expect(fixed.clockOffsetMs).toBe(-3_600_000);
  });

  it('corrects an entry of an older outbox (no tablet time kept) from its time and the offset it used', () => {
    const { deviceAt: _, ...old } = entry;
    const fixed = recorrect(
      { ...old, at: new Date(deviceAt + 5000).toISOString(), clockOffsetMs: 5000 },
      -60_000,
      Infinity,
    );
    expect(Date.parse(fixed.at)).toBe(deviceAt - 60_000);
  });
});
