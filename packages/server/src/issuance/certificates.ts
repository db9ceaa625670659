/**
 * What the authority signs for one person: the EU DCC (HCERT) of their latest dose and a SMART Health Card of
 * every dose, built from the registry rows. Pure functions: the job in `job.ts` signs and stores them.
 */
import { createHash } from 'node:crypto';

export interface PersonRow {
  id: string;
  family_name: string;
  given_name: string | null;
  family_name_t: string;
  given_name_t: string | null;
  birth_date: string;
}

export interface DoseRow {
  dose_number: number;
  series_total: number;
  target: string;
  vaccine_type: string;
  product: string;
  manufacturer: string;
  administered_on: string | Date;
  country: string;
  issuer: string;
}

export const HCERT_VERSION = '1.3.0';

const isoDate = (d: string | Date) => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

/** The record a certificate is signed from; its hash decides whether a re-run must sign again. */
export function sourceHash(person: PersonRow, doses: readonly DoseRow[]): string {
  const canonical = JSON.stringify({
    p: [
      person.id,
      person.family_name,
      person.given_name,
      person.family_name_t,
      person.given_name_t,
      person.birth_date,
    ],
    d: [...doses]
      .sort((a, b) => a.dose_number - b.dose_number)
      .map((d) => [
        d.dose_number,
        d.series_total,
        d.target,
        d.vaccine_type,
        d.product,
        d.manufacturer,
        isoDate(d.administered_on),
        d.country,
        d.issuer,
      ]),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * What a certificate's opaque identifiers are derived from: the person, and the generation when it is not the
 * first. A reissue (desk) raises the generation, so the new certificate's UVCI and rid differ from the revoked
 * ones; generation 0 keeps the identifiers signed before generations existed.
 */
const opaqueInput = (personId: string, generation: number) =>
  generation === 0 ? personId : `${personId}:g${generation}`;

/**
 * A UVCI (`URN:UVCI:01:KR:…#c`): opaque, stable for one person, dose and certificate generation (≥ 0), ending in
 * the check character of `uvciCheckCharacter`. It identifies the certificate in revocation lists, never the person.
 */
export function uvci(personId: string, dose: number, country = 'KR', generation = 0): string {
  const opaque = createHash('sha256')
    .update(`${opaqueInput(personId, generation)}:${dose}`)
    .digest('hex')
    .slice(0, 20)
    .toUpperCase();
  const body = `URN:UVCI:01:${country}:${opaque}`;
  return `${body}#${uvciCheckCharacter(body)}`;
}

/**
 * The 38 characters of a UVCI, in the code-point order of the EU reference check character: `A`–`Z` are 0–25,
 * `0`–`9` are 26–35, `/` is 36 and `:` is 37.
 */
const UVCI_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:';

/**
 * The check character of a UVCI: Luhn mod N with N = 38 (eHealth Network, "Guidelines on verifiable vaccination
 * certificates – basic interoperability elements", UVCI annex; eu-dcc-schema issue 45) over the whole UVCI before
 * `#`, the `URN:UVCI:` prefix included, upper-cased.
 * Throws a RangeError on a character outside `A–Z 0–9 / :` (such a UVCI cannot carry this check character).
 */
export function uvciCheckCharacter(uvciWithoutCheck: string): string {
  const input = uvciWithoutCheck.toUpperCase();
  const n = UVCI_ALPHABET.length;
  let factor = 2;
  let sum = 0;
  for (let i = input.length - 1; i >= 0; i--) {
    const codePoint = UVCI_ALPHABET.indexOf(input[i] as string);
    if (codePoint < 0)
      throw new RangeError(`${JSON.stringify(input[i])} is not a UVCI character (A-Z 0-9 / :)`);
    const addend = factor * codePoint;
    sum += Math.floor(addend / n) + (addend % n);
    factor = factor === 2 ? 1 : 2;
  }
  return UVCI_ALPHABET[(n - (sum % n)) % n] as string;
}

/** The HCERT of the latest dose (the DCC carries one event), at certificate `generation` (its UVCI). */
export function hcertFor(
  person: PersonRow,
  doses: readonly DoseRow[],
  generation = 0,
): Record<string, unknown> | undefined {
  const latest = [...doses].sort((a, b) => b.dose_number - a.dose_number)[0];
  if (!latest) return undefined;
  return {
    ver: HCERT_VERSION,
    nam: {
      fn: person.family_name,
      fnt: person.family_name_t,
      ...(person.given_name ? { gn: person.given_name } : {}),
      ...(person.given_name_t ? { gnt: person.given_name_t } : {}),
    },
    dob: person.birth_date,
    v: [
      {
        tg: latest.target,
        vp: latest.vaccine_type,
        mp: latest.product,
        ma: latest.manufacturer,
        dn: latest.dose_number,
        sd: latest.series_total,
        dt: isoDate(latest.administered_on),
        co: latest.country,
        is: latest.issuer,
        ci: uvci(person.id, latest.dose_number, latest.country, generation),
      },
    ],
  };
}

/** EU medicinal products to CDC CVX codes, for SMART Health Cards (213: SARS-CoV-2, unspecified). */
const CVX: Record<string, string> = {
  'EU/1/20/1528': '208',
  'EU/1/20/1507': '207',
  'EU/1/21/1529': '210',
  'EU/1/20/1525': '212',
  'EU/1/21/1618': '211',
};

/** A minimised FHIR R4 bundle (Patient + one Immunization per dose) as SMART Health Cards carry it. */
export function fhirBundleFor(person: PersonRow, doses: readonly DoseRow[]): Record<string, unknown> {
  const given = person.given_name ?? person.given_name_t ?? undefined;
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        fullUrl: 'resource:0',
        resource: {
          resourceType: 'Patient',
          name: [{ family: person.family_name, ...(given ? { given: [given] } : {}) }],
          birthDate: person.birth_date,
        },
      },
      ...[...doses]
        .sort((a, b) => a.dose_number - b.dose_number)
        .map((d, i) => ({
          fullUrl: `resource:${i + 1}`,
          resource: {
            resourceType: 'Immunization',
            status: 'completed',
            vaccineCode: {
              coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: CVX[d.product] ?? '213' }],
            },
            patient: { reference: 'resource:0' },
            occurrenceDateTime: isoDate(d.administered_on),
            performer: [{ actor: { display: d.issuer } }],
          },
        })),
    ],
  };
}

/**
 * The SHC revocation id: 64 bits of SHA-256 over the key, the person and the certificate generation, base64url
 * (unlinkable across keys; a reissued card gets a new one).
 */
export function shcRid(kid: string, personId: string, generation = 0): string {
  return createHash('sha256')
    .update(`${kid}:${opaqueInput(personId, generation)}`)
    .digest()
    .subarray(0, 8)
    .toString('base64url');
}
