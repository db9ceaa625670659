import { describe, expect, it } from 'vitest';
import { CHECKIN_METHODS, checkinEntry } from './entry.ts';

describe('check-in entry', () => {
  it('has the three methods of docs/checkins.md', () => {
    expect(CHECKIN_METHODS).toEqual(['presentation', 'paper', 'manual']);
  });

  it('keeps only the wire fields, in order, and drops an empty token', () => {
    const kept = {
      eventId: 'e',
      venueId: 'v',
      at: '2026-11-23T03:12:09.120Z',
      attempts: 3,
      nextAttemptAt: 9,
    };
    expect(JSON.stringify(checkinEntry({ ...kept, method: 'presentation', token: 'BwcH' }))).toBe(
      '{"eventId":"e","venueId":"v","at":"2026-11-23T03:12:09.120Z","method":"presentation","token":"BwcH"}',
    );
    expect(checkinEntry({ ...kept, method: 'manual' })).toEqual({
      eventId: 'e',
      venueId: 'v',
      at: '2026-11-23T03:12:09.120Z',
      method: 'manual',
    });
    expect(checkinEntry({ ...kept, method: 'paper', token: '' })).not.toHaveProperty('token');
  });

  it('keeps the measured clock offset, 0 included, after the token', () => {
    const kept = { eventId: 'e', venueId: 'v', at: '2026-11-23T03:12:09.120Z', deviceAt: 5, attempts: 1 };
    expect(
      JSON.stringify(
        checkinEntry({ ...kept, method: 'presentation', token: 'BwcH', clockOffsetMs: -600_000 }),
      ),
    ).toBe(
      '{"eventId":"e","venueId":"v","at":"2026-11-23T03:12:09.120Z","method":"presentation","token":"BwcH","clockOffsetMs":-600000}',
    );
    expect(checkinEntry({ ...kept, method: 'manual', clockOffsetMs: 0 })).toEqual({
      eventId: 'e',
      venueId: 'v',
      at: '2026-11-23T03:12:09.120Z',
      method: 'manual',
      clockOffsetMs: 0,
    });
  });
});
