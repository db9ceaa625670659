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

export function hcertHolder(hcert: Hcert): HolderSummary {
  const nam = (hcert.nam ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const familyName = str(nam.fn) ?? str(nam.fnt);
  const givenName = str(nam.gn) ?? str(nam.gnt);
  return {
    name: [givenName, familyName].filter(Boolean).join(' '),
    ...(familyName ? { familyName } : {}),
    ...(givenName ? { givenName } : {}),
    dateOfBirth: str(hcert.dob) ?? '',
  };
}
