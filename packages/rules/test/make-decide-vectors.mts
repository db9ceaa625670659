/**
 * Writes test/vectors/decide/<case>.json: the faults of issue 15 as signed credentials, with the bundles they are
 * checked against and the decision they must get (verdict and reason codes, written here by hand; the script
 * refuses to write a vector whose decision differs). ECDSA signatures are randomised, so re-running gives different
 * (equally valid) vectors. Run: `npx tsx packages/rules/test/make-decide-vectors.mts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { bytesToBase64 } from '@greenlight/codec';
import { decide } from '../src/decide/decide.ts';
import type { DecisionContext } from '../src/decide/types.ts';
import {
  ADULT,
  hcertOf,
  makeAuthority,
  type PersonRecord,
  presentationOf,
  revocationContentFor,
  shcOf,
  signHcert,
} from './authority.ts';
import { bundlesFromVector, type DecideVector } from './decide-vectors.ts';

const NOW = '2022-02-15T03:00:00Z';
const ISSUED = '2022-02-15T00:00:00Z';
const TIMES = { issuedAt: '2022-01-20T00:00:00Z', expiresAt: '2023-01-20T00:00:00Z' };

const authority = await makeAuthority();
const trust = {
  certificates: authority.dscs.map((d) => ({ kid: 'x', country: d.country, rawData: bytesToBase64(d.der) })),
  shcDirectory: authority.shcDirectory,
};

const adult = ADULT;
const expiredSeries: PersonRecord = {
  ...adult,
  familyName: 'Choi',
  doses: [
    { product: 'EU/1/20/1528', date: '2021-06-01' },
    { product: 'EU/1/20/1528', date: '2021-07-01' },
  ],
};
const teen: PersonRecord = {
  familyName: 'Lee',
  givenName: 'Seoyeon',
  birthDate: '2006-08-20',
  doses: [{ product: 'EU/1/20/1528', date: '2021-12-01' }],
  seriesTotal: 2,
};
const v = (hcertOf(adult).v as object[])[0];
const test = {
  tg: '840539006',
  tt: 'LP6464-4',
  sc: '2022-02-14T00:00:00Z',
  tr: '260415000',
  tc: 'Seoul Lab',
  co: 'KR',
  is: 'Korea Disease Control and Prevention Agency',
  ci: 'URN:UVCI:01:KR:TEST0001#T',
};
const foreignExemption = {
  ver: '1.3.0',
  nam: { fn: 'Muller', fnt: 'MULLER', gn: 'Anna', gnt: 'ANNA' },
  dob: '1980-03-03',
  e: [
    {
      tg: '840539006',
      df: '2022-01-01',
      du: '2022-12-31',
      co: 'DE',
      is: 'Robert Koch-Institut',
      ci: 'URN:UVCI:01:DE:EXEMPT0001#Z',
    },
  ],
};
const revoked = await signHcert(authority.kr, hcertOf(adult, 'URN:UVCI:01:KR:REVOKED0001#R'), TIMES);
const noRevocations = { partitions: [] };

const cases: [string, Omit<DecideVector, 'bundles'> & { revocation: unknown }][] = [
  [
    'foreign-exemption',
    {
      description:
        'A national exemption issued abroad (an e entry without Greenlight es, co DE, from a DE DSC the Gateway trust list trusts) is not a Korean exemption: fail, never EXEMPT.',
      now: NOW,
      context: {},
      credential: await signHcert(authority.foreign, foreignExemption, TIMES, 'DE'),
      revocation: noRevocations,
      expected: {
        verdict: 'fail',
        rulesVerdict: 'fail',
        reasons: ['RULE_FAILED'],
      },
    },
  ],
  [
    'two-event-types',
    {
      description: 'A payload with a vaccination and a test: fail with EVENTS_INVALID, never a throw.',
      now: NOW,
      context: {},
      credential: await signHcert(authority.kr, { ...hcertOf(adult), t: [test] }, TIMES),
      revocation: noRevocations,
      expected: { verdict: 'fail', reasons: ['EVENTS_INVALID'] },
    },
  ],
  [
    'empty-v',
    {
      description: 'A payload whose v is an empty list: fail with EVENTS_INVALID.',
      now: NOW,
      context: {},
      credential: await signHcert(authority.kr, { ...hcertOf(adult), v: [] }, TIMES),
      revocation: noRevocations,
      expected: { verdict: 'fail', reasons: ['EVENTS_INVALID'] },
    },
  ],
  [
    'two-v',
    {
      description:
        'A payload with two v entries (an incomplete first, a booster second): fail with EVENTS_INVALID, not a judgement of the first only.',
      now: NOW,
      context: {},
      credential: await presentationOf(
        authority.kr,
        await signHcert(
          authority.kr,
          {
            ...hcertOf(adult),
            v: [
              { ...v, dn: 1 },
              { ...v, dn: 3, dt: '2022-01-10' },
            ],
          },
          TIMES,
        ),
        new Date(NOW),
      ),
      revocation: noRevocations,
      expected: { verdict: 'fail', reasons: ['EVENTS_INVALID'] },
    },
  ],
  [
    'no-revocation-bundle',
    {
      description:
        'A revoked certificate shown as a live presentation to a scanner with trust list and rules but no revocation bundle: check-id, never pass.',
      now: NOW,
      context: {},
      credential: await presentationOf(authority.kr, revoked, new Date(NOW)),
      revocation: null,
      expected: {
        verdict: 'check-id',
        rulesVerdict: 'pass',
        reasons: [
          'REVOCATION_MISSING',
          'RULE_PASSED',
          'RULE_PASSED',
          'RULE_PASSED',
          'RULE_PASSED',
          'RULE_PASSED',
        ],
      },
    },
  ],
  [
    'revoked',
    {
      description: 'The same revoked certificate with the revocation bundle: fail with REVOKED.',
      now: NOW,
      context: {},
      credential: await presentationOf(authority.kr, revoked, new Date(NOW)),
      revocation: await revocationContentFor([revoked]),
      expected: { verdict: 'fail', reasons: ['REVOKED'] },
    },
  ],
  [
    'same-person-dcc',
    {
      description:
        "A person whose primary series expired, as the authority's paper DCC at a restaurant: alone only (the twin of same-person-shc).",
      now: NOW,
      context: { venueCategory: 'restaurant' },
      credential: await signHcert(authority.kr, hcertOf(expiredSeries), TIMES),
      revocation: noRevocations,
      expected: {
        verdict: 'solo-only',
        rulesVerdict: 'solo-only',
        reasons: ['SOLO_ONLY', 'RULE_FAILED', 'CHECK_ID_NO_DEVICE_PROOF'],
      },
    },
  ],
  [
    'same-person-shc',
    {
      description:
        "The same person's SMART Health Card from the same authority: the same Korean policy, the same verdict as the DCC.",
      now: NOW,
      context: { venueCategory: 'restaurant' },
      credential: await shcOf(authority, expiredSeries, new Date(TIMES.issuedAt)),
      revocation: noRevocations,
      expected: {
        verdict: 'solo-only',
        rulesVerdict: 'solo-only',
        reasons: ['SOLO_ONLY', 'RULE_FAILED', 'CHECK_ID_NO_DEVICE_PROOF'],
      },
    },
  ],
  [
    'fifteen-year-old',
    {
      description:
        "A 15-year-old's dose 1 of 2 in the wallet: exempt as a minor, valid until the day before the 19th birthday (not dt + 193 days).",
      now: NOW,
      context: { purpose: 'holder' },
      credential: await signHcert(authority.kr, hcertOf(teen), TIMES),
      revocation: noRevocations,
      expected: {
        verdict: 'exempt',
        rulesVerdict: 'exempt',
        reasons: ['EXEMPT'],
        validity: { from: '2021-01-01', until: '2025-08-19' },
      },
    },
  ],
];

const folder = new URL('../../../test/vectors/decide/', import.meta.url);
mkdirSync(folder, { recursive: true });
for (const [name, c] of cases) {
  const { revocation, ...rest } = c;
  const vector: DecideVector = {
    ...rest,
    bundles: {
      issuedAt: ISSUED,
      trust,
      rules: 'kr',
      revocation: revocation as DecideVector['bundles']['revocation'],
    },
  };
  const decision = await decide(vector.credential, await bundlesFromVector(vector), {
    now: new Date(vector.now),
    ...(vector.context as Omit<DecisionContext, 'now'>),
  });
  const got = {
    verdict: decision.verdict,
    ...(decision.rulesVerdict && vector.expected.rulesVerdict ? { rulesVerdict: decision.rulesVerdict } : {}),
    reasons: decision.reasons.map((r) => r.code),
    ...(vector.expected.validity ? { validity: decision.validity } : {}),
  };
  if (JSON.stringify(got) !== JSON.stringify(vector.expected))
    throw new Error(`${name}: decide() gives ${JSON.stringify(got)}, not ${JSON.stringify(vector.expected)}`);
  writeFileSync(new URL(`${name}.json`, folder), `${JSON.stringify(vector, null, 2)}\n`);
  console.log(`${name}: ${decision.verdict}`);
}
