/** Korea Standard Time (UTC+9, no daylight saving) calendar facts that CertLogic cannot compute itself. */

const KST_OFFSET_MS = 9 * 3600 * 1000;
const DAY_MS = 86_400_000;

/** The KST calendar day of an instant (epoch milliseconds), as whole days since 1970-01-01. */
export function kstDay(ms: number): number {
  return Math.floor((ms + KST_OFFSET_MS) / DAY_MS);
}

/** `YYYY-MM-DD` of a day number (days since 1970-01-01, as `kstDay` gives). */
export function dayIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The KST calendar date of an instant, `YYYY-MM-DD`. */
export function kstDate(at: Date): string {
  return new Date(at.getTime() + KST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant 00:00:00 KST of the KST day that contains `at`, ISO 8601 with `Z` and no fraction. */
export function kstDayStart(at: Date): string {
  return isoSeconds(new Date(Date.parse(`${kstDate(at)}T00:00:00Z`) - KST_OFFSET_MS));
}

/** ISO 8601 UTC without milliseconds (CertLogic accepts both; reports read better without). */
export function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The earliest date consistent with an HCERT `dob` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, possibly with a time), or
 * null. CertLogic's `dccDateOfBirth` rounds partial dates *up*, which would exempt people who might be older.
 */
export function dobEarliest(dob: unknown): string | null {
  if (typeof dob !== 'string') return null;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$/.exec(dob);
  if (!m) return null;
  const date = `${m[1]}-${m[2] ?? '01'}-${m[3] ?? '01'}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date) ? date : null;
}
