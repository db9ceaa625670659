/** HCERT payload facts: certificate type and holder, read tolerantly from the decoded JSON. */
import type { CertificateType, HolderSummary } from '../report';

export type Hcert = Record<string, unknown>;

export function hcertType(hcert: Hcert): CertificateType {
  if (Array.isArray(hcert.v)) return 'vaccination';
  if (Array.isArray(hcert.t)) return 'test';
  if (Array.isArray(hcert.r)) return 'recovery';
  if (Array.isArray(hcert.e)) return 'exemption';
  return 'unknown';
}

/** Hangul, or CJK ideographs: scripts whose names are written family name first, without a space. */
const FAMILY_FIRST = /^[\p{Script=Hangul}\p{Script=Han}]/u;

/**
 * A name as its holder writes it: "김민지" (family name first, no space) for a Korean or Chinese name,
 * "Liam Walker" (given name first) otherwise.
 */
export function personName(
  familyName: string | null | undefined,
  givenName: string | null | undefined,
): string {
  // Every Hangul and Han character is at U+1100 or above: Latin names skip the Unicode regular expression.
  if (familyName && familyName.charCodeAt(0) >= 0x1100 && FAMILY_FIRST.test(familyName)) {
    return `${familyName}${givenName ?? ''}`;
  }
  return [givenName, familyName].filter(Boolean).join(' ');
}

const stringOrUndefined = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function hcertHolder(hcert: Hcert): HolderSummary {
  const nam = (hcert.nam ?? {}) as Record<string, unknown>;
  const familyName = stringOrUndefined(nam.fn) ?? stringOrUndefined(nam.fnt);
  const givenName = stringOrUndefined(nam.gn) ?? stringOrUndefined(nam.gnt);
  // Assignments rather than spreads, in the same key order: this runs for every verified certificate.
  const holder = { name: personName(familyName, givenName) } as HolderSummary;
  if (familyName) holder.familyName = familyName;
  if (givenName) holder.givenName = givenName;
  holder.dateOfBirth = stringOrUndefined(hcert.dob) ?? '';
  return holder;
}
