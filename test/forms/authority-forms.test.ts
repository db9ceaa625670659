/**
 * The authority's two forms of one record, as the server's issuance builds them (`hcertFor`, `fhirBundleFor`), give
 * the same verdict from decide() on every day around each policy boundary (issue: "the authority's SHC for a person
 * gives the same verdict as their DCC"). The rules' own tests use a mirror of the issuance; this one uses the real
 * issuance content, so a drift between the two shows here.
 */
import {
  DscTrustList,
  encodeHc1,
  generateShcSigningKey,
  IMMUNIZATION_TYPE,
  jwksDocument,
  RevocationList,
  ShcTrustStore,
  shcQrText,
  signShc,
} from '@greenlight/codec';
import { type DecisionBundles, decide, krPolicy } from '@greenlight/rules';
import { describe, expect, it } from 'vitest';
import { makeDsc } from '../../packages/codec/test/dcc-fixtures.ts';
import {
  type DoseRow,
  fhirBundleFor,
  hcertFor,
  type PersonRow,
} from '../../packages/server/src/issuance/certificates.ts';

const SHC_ISSUER = 'https://greenlight.example';
const DAY = 86_400_000;

const person: PersonRow = {
  id: '0190a000-0000-7000-8000-0000000000aa',
  family_name: '김',
  given_name: '민준',
  family_name_t: 'KIM',
  given_name_t: 'MINJUN',
  birth_date: '1980-04-12',
};

const dose = (n: number, date: string, product = 'EU/1/20/1528'): DoseRow => ({
  dose_number: n,
  series_total: 2,
  target: '840539006',
  vaccine_type: '1119349007',
  product,
  manufacturer: 'ORG-100030215',
  administered_on: date,
  country: 'KR',
  issuer: 'Korea Disease Control and Prevention Agency',
});

async function formsOf(doses: DoseRow[], issuedAt: Date) {
  const dsc = await makeDsc();
  const shcKey = await generateShcSigningKey(true);
  const hcert = hcertFor(person, doses);
  if (!hcert) throw new Error('no hcert for these doses');
  const hc1 = await encodeHc1(hcert as never, {
    signer: dsc.signer,
    issuer: 'KR',
    issuedAt,
    expiresAt: new Date(issuedAt.getTime() + 3 * 365 * DAY),
  });
  const jws = await signShc(
    { iss: SHC_ISSUER, nbf: issuedAt, fhirBundle: fhirBundleFor(person, doses), types: [IMMUNIZATION_TYPE] },
    shcKey,
  );
  const at = issuedAt.toISOString();
  const bundles: DecisionBundles = {
    trust: { value: await DscTrustList.fromCertificates([{ der: dsc.der, country: 'KR' }]), issuedAt: at },
    shc: {
      value: ShcTrustStore.fromVciSnapshot({
        issuerInfo: [{ issuer: { iss: SHC_ISSUER }, keys: jwksDocument([shcKey.publicJwk]).keys }],
      }),
      issuedAt: at,
    },
    rules: { value: krPolicy, issuedAt: at },
    revocation: { value: RevocationList.fromContent({ partitions: [] }), issuedAt: at },
  };
  return { hc1, shc: shcQrText(jws), bundles };
}

describe('the authority issues one verdict in both forms', () => {
  it.each([
    [
      'a primary series, through its 14-day start and its 180-day end',
      [dose(1, '2021-07-01'), dose(2, '2021-07-29')],
    ],
    ['one dose of two', [dose(1, '2021-09-01')]],
    ['a booster', [dose(1, '2021-05-01'), dose(2, '2021-05-29'), dose(3, '2021-12-01')]],
  ])('%s', async (_name, doses) => {
    // The authority signs on the day of the latest dose (issuance runs when a record changes).
    const issuedAt = new Date(`${String(doses.at(-1)?.administered_on)}T00:00:00Z`);
    const { hc1, shc, bundles } = await formsOf(doses, issuedAt);
    // Every third day from the issue to well past the 180 days (bundles re-issued that day, so never stale).
    for (let day = 0; day < 260; day += 3) {
      const now = new Date(issuedAt.getTime() + 3 * 3_600_000 + day * DAY);
      const fresh: DecisionBundles = Object.fromEntries(
        Object.entries(bundles).map(([kind, b]) => [kind, { ...b, issuedAt: now.toISOString() }]),
      );
      for (const venueCategory of ['restaurant', 'gym']) {
        const context = { now, venueCategory, purpose: 'holder' as const };
        const [dcc, card] = [await decide(hc1, fresh, context), await decide(shc, fresh, context)];
        expect({ day, venueCategory, verdict: card.verdict }).toEqual({
          day,
          venueCategory,
          verdict: dcc.verdict,
        });
        expect(card.rulesVerdict).toBe(dcc.rulesVerdict);
      }
    }
  });
});
