/**
 * Test fixtures for decide(): a synthetic authority that issues one registry record as a DCC (HC1, GLP1 presentation)
 * and as a SMART Health Card, the way the server's issuance does, with the codec's issuing helpers only.
 */
import {
  buildRevocationPartition,
  bytesToBase64,
  createPresentation,
  DscTrustList,
  decodeHc1,
  encodeHc1,
  generateShcSigningKey,
  IMMUNIZATION_TYPE,
  jwksDocument,
  RevocationList,
  revocationHashes,
  type ShcSigningKey,
  ShcTrustStore,
  shcQrText,
  signShc,
} from '@greenlight/codec';
import { bindDevice, makeDsc } from '../../codec/test/dcc-fixtures.ts';
import { krPolicy } from '../src/builtin.ts';
import type { DecisionBundles } from '../src/decide/types.ts';

export const SHC_ISSUER = 'https://greenlight.example/shc';

/** EU product → CVX, as the authority writes SHCs (the server's table). */
const CVX: Record<string, string> = {
  'EU/1/20/1528': '208',
  'EU/1/20/1507': '207',
  'EU/1/21/1529': '210',
  'EU/1/20/1525': '212',
  'EU/1/21/1618': '211',
};

export interface Dose {
  product: string;
  /** YYYY-MM-DD */
  date: string;
}

export interface PersonRecord {
  familyName: string;
  givenName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  doses: Dose[];
  /** The product's standard series, as the registry records it. */
  seriesTotal: number;
}

const VP: Record<string, string> = {
  'EU/1/20/1528': '1119349007',
  'EU/1/20/1507': '1119349007',
  'EU/1/20/1525': '29061000087103',
};
const MA: Record<string, string> = {
  'EU/1/20/1528': 'ORG-100030215',
  'EU/1/20/1507': 'ORG-100031184',
  'EU/1/20/1525': 'ORG-100001417',
};

/** The HCERT of the latest dose, as the server's `hcertFor` builds it. */
export function hcertOf(
  person: PersonRecord,
  uvci = 'URN:UVCI:01:KR:TESTDECIDE0001#Q',
): Record<string, unknown> {
  const latest = [...person.doses].sort((a, b) => (a.date < b.date ? -1 : 1)).at(-1) as Dose;
  return {
    ver: '1.3.0',
    nam: {
      fn: person.familyName,
      fnt: person.familyName.toUpperCase(),
      gn: person.givenName,
      gnt: person.givenName.toUpperCase(),
    },
    dob: person.birthDate,
    v: [
      {
        tg: '840539006',
        vp: VP[latest.product] ?? '1119349007',
        mp: latest.product,
        ma: MA[latest.product] ?? 'ORG-100030215',
        dn: person.doses.length,
        sd: person.seriesTotal,
        dt: latest.date,
        co: 'KR',
        is: 'Korea Disease Control and Prevention Agency',
        ci: uvci,
      },
    ],
  };
}

/** The minimised FHIR bundle, as the server's `fhirBundleFor` builds it. */
export function fhirBundleOf(person: PersonRecord): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        fullUrl: 'resource:0',
        resource: {
          resourceType: 'Patient',
          name: [{ family: person.familyName, given: [person.givenName] }],
          birthDate: person.birthDate,
        },
      },
      ...[...person.doses]
        .sort((a, b) => (a.date < b.date ? -1 : 1))
        .map((d, i) => ({
          fullUrl: `resource:${i + 1}`,
          resource: {
            resourceType: 'Immunization',
            status: 'completed',
            vaccineCode: {
              coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: CVX[d.product] ?? '213' }],
            },
            patient: { reference: 'resource:0' },
            occurrenceDateTime: d.date,
            performer: [{ actor: { display: 'Korea Disease Control and Prevention Agency' } }],
          },
        })),
    ],
  };
}

/** The tests' usual holder: an adult with a two-dose primary series (Comirnaty, September and October 2021). */
export const ADULT: PersonRecord = {
  familyName: 'Kim',
  givenName: 'Minji',
  birthDate: '1985-04-12',
  doses: [
    { product: 'EU/1/20/1528', date: '2021-09-01' },
    { product: 'EU/1/20/1528', date: '2021-10-01' },
  ],
  seriesTotal: 2,
};

export type Authority = Awaited<ReturnType<typeof makeAuthority>>;

/** A Korean DSC, a foreign (DE) DSC and an SHC issuer key. */
export async function makeAuthority() {
  const kr = await makeDsc();
  const foreign = await makeDsc();
  const shcKey: ShcSigningKey = await generateShcSigningKey(true);
  const dscs = [
    { der: kr.der, country: 'KR' },
    { der: foreign.der, country: 'DE' },
  ];
  const trust = await DscTrustList.fromCertificates(dscs);
  const shcJwks = jwksDocument([shcKey.publicJwk]);
  const shcDirectory = {
    issuerInfo: [{ issuer: { iss: SHC_ISSUER, name: 'Greenlight test authority' }, keys: shcJwks.keys }],
  };
  return { kr, foreign, shcKey, dscs, trust, shcJwks, shcDirectory };
}

export async function signHcert(
  signer: Authority['kr'],
  hcert: Record<string, unknown>,
  times: { issuedAt: string; expiresAt: string },
  issuer = 'KR',
): Promise<string> {
  return encodeHc1(hcert as never, {
    signer: signer.signer,
    issuer,
    issuedAt: new Date(times.issuedAt),
    expiresAt: new Date(times.expiresAt),
  });
}

/** The holder's GLP1 presentation of `hc1` at `now` (binding valid a year around it). */
export async function presentationOf(signer: Authority['kr'], hc1: string, now: Date): Promise<string> {
  const { device, binding } = await bindDevice(signer.signer, hc1, {
    from: new Date(now.getTime() - 180 * 86_400_000),
    until: new Date(now.getTime() + 180 * 86_400_000),
  });
  return createPresentation({ certificate: hc1, binding, deviceKey: device.privateKey, now });
}

export async function shcOf(authority: Authority, person: PersonRecord, issuedAt: Date): Promise<string> {
  const jws = await signShc(
    { iss: SHC_ISSUER, nbf: issuedAt, fhirBundle: fhirBundleOf(person), types: [IMMUNIZATION_TYPE] },
    authority.shcKey,
  );
  return shcQrText(jws);
}

/** Revocation content that revokes `hc1` by its UCI (the partition of its DSC's kid). */
export async function revocationContentFor(hc1s: string[]): Promise<{ partitions: unknown[] }> {
  const partitions = [];
  for (const hc1 of hc1s) {
    const decoded = decodeHc1(hc1);
    const hashes = await revocationHashes(decoded.claims.hcert, decoded.cose, decoded.claims.issuer);
    partitions.push(
      buildRevocationPartition(bytesToBase64(decoded.cose.kid as Uint8Array), 'UCI', [
        hashes.UCI as Uint8Array,
      ]),
    );
  }
  return { partitions };
}

/** Every bundle, issued at `issuedAt`; `revocation: null` leaves the revocation bundle out. */
export async function bundlesOf(
  authority: Authority,
  issuedAt: string,
  revocation: { partitions: unknown[] } | null = { partitions: [] },
): Promise<DecisionBundles> {
  return {
    trust: { value: authority.trust, issuedAt },
    shc: { value: ShcTrustStore.fromVciSnapshot(authority.shcDirectory), issuedAt },
    rules: { value: krPolicy, issuedAt },
    ...(revocation ? { revocation: { value: RevocationList.fromContent(revocation), issuedAt } } : {}),
  };
}
