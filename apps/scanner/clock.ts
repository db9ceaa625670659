/**
 * The scanner's corrected clock: the offset between this tablet's clock and the server's, measured on every sync and
 * upload, kept in IndexedDB, and added to `Date.now()` for every verdict and entry time (docs/presentation.md,
 * "The scanner's clock").
 */

/** One measurement of the offset (milliseconds: server time − tablet time). */
export interface ClockMeasurement {
  offsetMs: number;
  /** Half the round trip plus the server time's resolution: the measured offset is right within ± this. */
  uncertaintyMs: number;
  /** The tablet's own clock (`Date.now()`) when it was measured. */
  measuredAtDevice: number;
  source: 'server-time' | 'date-header';
}

/** From this offset up, staff see "this tablet's clock is N minutes off" (the corrected clock is still used). */
export const CLOCK_WARN_MS = 60_000;
/**
 * A measurement older than this (by the tablet's clock) is not trusted: a tablet's clock drifts, and may be set by
 * hand in between. Sync runs every 15 minutes online, so only a scanner offline for a day reaches it.
 */
export const CLOCK_TRUST_MS = 24 * 3_600_000;
/** A jump of the tablet's clock larger than this while the scanner runs makes the measurement untrusted. */
export const CLOCK_JUMP_MS = 5_000;

/**
 * The offset from a request sent at `sentAt` and answered at `receivedAt` (both `Date.now()`), carrying the server's
 * time `serverMs` with a resolution of `resolutionMs` (1000 for an HTTP `Date` header, RFC 9110 section 5.6.7,
 * which drops the milliseconds; 1 for `serverTime`). The server read its clock somewhere in the round trip: the
 * midpoint is the best guess, off by at most half the round trip.
 */
export function measureOffset(
  sentAt: number,
  receivedAt: number,
  serverMs: number,
  resolutionMs: number,
  source: ClockMeasurement['source'],
): ClockMeasurement {
  const halfTrip = Math.max(0, receivedAt - sentAt) / 2;
  return {
    offsetMs: Math.round(serverMs + resolutionMs / 2 - (sentAt + halfTrip)),
    uncertaintyMs: Math.round(halfTrip + resolutionMs / 2),
    measuredAtDevice: receivedAt,
    source,
  };
}

/** The offset from a response's `Date` header, or undefined when it has none. */
export function offsetFromDateHeader(
  response: Response,
  sentAt: number,
  receivedAt: number,
): ClockMeasurement | undefined {
  const header = response.headers.get('Date');
  const serverMs = header ? Date.parse(header) : Number.NaN;
  return Number.isNaN(serverMs)
    ? undefined
    : measureOffset(sentAt, receivedAt, serverMs, 1000, 'date-header');
}

/**
 * The clock in use: the last measurement, and where this page's own clocks stood when it was taken (to see the
 * tablet's clock being set while the page runs: its wall clock then moves apart from its monotonic clock).
 */
export class ScannerClock {
  private anchor: { wall: number; mono: number } | undefined;

  constructor(private measurement: ClockMeasurement | undefined) {}

  get current(): ClockMeasurement | undefined {
    return this.measurement;
  }

  /** Takes a new measurement, unless an older one was more precise and is still fresh and unbroken. */
  update(measurement: ClockMeasurement): void {
    const old = this.measurement;
    const keepOld =
      old !== undefined &&
      this.trusted(measurement.measuredAtDevice) &&
      old.uncertaintyMs < measurement.uncertaintyMs &&
      Math.abs(old.offsetMs - measurement.offsetMs) <= measurement.uncertaintyMs + old.uncertaintyMs;
    if (keepOld) return;
    this.measurement = measurement;
    this.anchor = { wall: Date.now(), mono: performance.now() };
  }

  /** Milliseconds the tablet's clock has been set by since the measurement in this page (0 if unknown). */
  jumpMs(): number {
    if (!this.anchor) return 0;
    return Date.now() - this.anchor.wall - (performance.now() - this.anchor.mono);
  }

  /** Whether the measurement can be used: taken, not older than a day, and the tablet's clock not set since. */
  trusted(deviceNow = Date.now()): boolean {
    const m = this.measurement;
    if (!m) return false;
    if (Math.abs(deviceNow - m.measuredAtDevice) > CLOCK_TRUST_MS) return false;
    return Math.abs(this.jumpMs()) <= CLOCK_JUMP_MS;
  }

  /** The offset added to the tablet's clock (0 when none was ever measured). */
  offsetMs(): number {
    return this.measurement?.offsetMs ?? 0;
  }

  /** The corrected time, epoch milliseconds. */
  now(): number {
    return Date.now() + this.offsetMs();
  }
}
