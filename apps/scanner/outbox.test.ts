import { describe, expect, it } from 'vitest';
import { nextAttemptDelay } from './outbox';

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
