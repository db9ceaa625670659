/** decide(): every fault of issue 15, one verdict for every credential kind, and no input that makes it throw. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADULT,
  type Authority,
  bundlesOf,
  hcertOf,
  makeAuthority,
  type PersonRecord,
  presentationOf,
  revocationContentFor,
  shcOf,
  signHcert,
} from '../../test/authority.ts';
import { REASON_CATALOG, TECHNICAL_CATALOG, technicalWords } from './catalog.ts';
import { decide } from './decide.ts';
import type { Decision, DecisionBundles } from './types.ts';

const NOW = new Date('2022-02-15T03:00:00Z');
const FRESH = '2022-02-15T00:00:00Z';
const TIMES = { issuedAt: '2022-01-20T00:00:00Z', expiresAt: '2023-01-20T00:00:00Z' };
const VERDICTS = ['pass', 'exempt', 'solo-only', 'check-id', 'warn', 'fail'];

const adult = ADULT;

const codes = (d: Decision) => d.reasons.map((r) => r.code);

let authority: Authority;
let bundles: DecisionBundles;
beforeAll(async () => {
  authority = await makeAuthority();
  bundles = await bundlesOf(authority, FRESH);
});

describe('decide() on an EU DCC', () => {
  it('a live presentation passes; the same certificate on paper needs a photo ID at the door, not in the wallet', async () => {
    const hc1 = await signHcert(authority.kr, hcertOf(adult), TIMES);
    const glp1 = await presentationOf(authority.kr, hc1, NOW);
    const live = await decide(glp1, bundles, { now: NOW });
    expect(live.verdict, JSON.stringify(live.reasons)).toBe('pass');
    expect(live.format).toBe('presentation');
    expect(live.holder).toEqual({ name: 'Minji Kim', dateOfBirth: '1985-04-12' });
    expect(codes(live)).toContain('RULE_PASSED');
    const paper = await decide(hc1, bundles, { now: NOW });
    expect(paper.verdict).toBe('check-id');
    expect(codes(paper)[0]).toBe('CHECK_ID_NO_DEVICE_PROOF');
    expect(paper.rulesVerdict).toBe('pass');
    const wallet = await decide(hc1, bundles, { now: NOW, purpose: 'holder' });
    expect(wallet.verdict).toBe('pass');
    // Dose 2 on 2021-10-01: valid from dt + 14, and for 180 days from then (VR-KR-0004).
    expect(wallet.validity).toEqual({ from: '2021-10-15', until: '2022-04-12' });
  });

  it('without a revocation bundle a revoked certificate never passes (no fail-open)', async () => {
    const hc1 = await signHcert(authority.kr, hcertOf(adult), TIMES);
    const glp1 = await presentationOf(authority.kr, hc1, NOW);
    const noRevocation = await bundlesOf(authority, FRESH, null);
    const decision = await decide(glp1, noRevocation, { now: NOW });
    expect(decision.verdict).toBe('check-id');
    expect(codes(decision)[0]).toBe('REVOCATION_MISSING');
    const revoked = await bundlesOf(authority, FRESH, await revocationContentFor([hc1]));
    const withList = await decide(glp1, revoked, { now: NOW });
    expect(withList.verdict).toBe('fail');
    expect(withList.reasons[0]).toEqual(
      expect.objectContaining({ code: 'REVOKED', source: 'REVOCATION', errorCode: 'ERR_REVOCATION_REVOKED' }),
    );
    expect(withList.reasons[0]?.text.ko).toBeTruthy();
  });

  it('counts bundle age from the signed issuedAt and warns past maxBundleAgeHours', async () => {
    const hc1 = await signHcert(authority.kr, hcertOf(adult), TIMES);
    const glp1 = await presentationOf(authority.kr, hc1, NOW);
    const old = await bundlesOf(authority, '2022-02-12T00:00:00Z');
    const stale = await decide(glp1, old, { now: NOW });
    expect(stale.verdict).toBe('warn');
    expect(codes(stale)[0]).toBe('STALE_BUNDLE');
    expect(stale.reasons[0]?.text.en).toContain('48 hours');
    expect((await decide(glp1, old, { now: NOW, maxBundleAgeHours: 24 * 7 })).verdict).toBe('pass');
  });

  it('turns every technical failure into fail with the codec error code', async () => {
    const hc1 = await signHcert(authority.kr, hcertOf(adult), {
      ...TIMES,
      expiresAt: '2022-02-01T00:00:00Z',
    });
    const expired = await decide(hc1, bundles, { now: NOW });
    expect(expired.verdict).toBe('fail');
    expect(expired.reasons[0]).toEqual(
      expect.objectContaining({
        code: 'TECHNICAL_FAILED',
        source: 'EXPIRATIONCHECK',
        errorCode: 'ERR_CWT_EXPIRED',
      }),
    );
    expect(expired.reasons[0]?.text.en).not.toMatch(/ERR_/);
    const unknown = await decide('hello', bundles, { now: NOW });
    expect([unknown.verdict, codes(unknown)]).toEqual(['fail', ['FORMAT_UNKNOWN']]);
    const noTrust = await decide(hc1, { ...bundles, trust: undefined }, { now: NOW });
    expect(codes(noTrust)).toEqual(['TRUST_MISSING']);
    const fresh = await signHcert(authority.kr, hcertOf(adult), TIMES);
    const noRules = await decide(fresh, { ...bundles, rules: undefined }, { now: NOW });
    expect([noRules.verdict, codes(noRules)]).toEqual(['fail', ['RULES_MISSING']]);
  });

  it("a technical failure speaks of its cause in the catalog's words, never its error code", async () => {
    const hc1 = await signHcert(authority.kr, hcertOf(adult), TIMES);
    // A presentation made five minutes ago: its slot has passed, as with a screenshot.
    const old = await presentationOf(authority.kr, hc1, new Date(NOW.getTime() - 5 * 60_000));
    const stale = await decide(old, bundles, { now: NOW });
    expect(stale.verdict).toBe('fail');
    expect(stale.reasons[0]).toEqual(
      expect.objectContaining({
        code: 'TECHNICAL_FAILED',
        source: 'SLOT',
        errorCode: 'ERR_PRESENTATION_STALE',
        text: TECHNICAL_CATALOG.ERR_PRESENTATION_STALE,
      }),
    );
    expect(stale.reasons[0]?.text.ko).toContain('화면 캡처');
    expect(stale.reasons[0]?.text.en).toContain('screenshot');
    const expired = await decide(
      await signHcert(authority.kr, hcertOf(adult), { ...TIMES, expiresAt: '2022-02-01T00:00:00Z' }),
      bundles,
      { now: NOW },
    );
    expect(expired.reasons[0]?.text).toEqual(TECHNICAL_CATALOG.ERR_CWT_EXPIRED);
    // A code the catalog has no words for reads as the generic failure.
    expect(technicalWords('ERR_CBOR_MALFORMED')).toEqual(REASON_CATALOG.TECHNICAL_FAILED);
    expect(technicalWords(undefined)).toEqual(REASON_CATALOG.TECHNICAL_FAILED);
    for (const words of Object.values(TECHNICAL_CATALOG)) {
      expect(Object.keys(words ?? {}).sort()).toEqual(['en', 'ko']);
      for (const text of Object.values(words ?? {})) expect(text).not.toMatch(/ERR_|\{\w+\}/);
    }
  });

  it('gives an unknown venue category a verdict, not a throw; solo-only only where the venue admits it', async () => {
    const hc1 = await signHcert(
      authority.kr,
      { ...hcertOf(adult), v: [{ ...(hcertOf(adult).v as object[])[0], dn: 1 }] },
      TIMES,
    );
    const glp1 = await presentationOf(authority.kr, hc1, NOW);
    const casino = await decide(glp1, bundles, { now: NOW, venueCategory: 'casino' });
    expect([casino.verdict, codes(casino)]).toEqual(['fail', ['UNKNOWN_VENUE']]);
    const cafe = await decide(glp1, bundles, { now: NOW, venueCategory: 'cafe' });
    expect(cafe.verdict).toBe('solo-only');
    expect(codes(cafe).slice(0, 2)).toEqual(['SOLO_ONLY', 'RULE_FAILED']);
    expect(cafe.reasons[0]?.text.ko).toContain('카페');
    expect((await decide(glp1, bundles, { now: NOW, venueCategory: 'gym' })).verdict).toBe('fail');
  });

  it('one event per certificate: two types, an empty v or two v entries fail with EVENTS_INVALID', async () => {
    const v = (hcertOf(adult).v as object[])[0];
    const t = {
      tg: '840539006',
      tt: 'LP6464-4',
      sc: '2022-02-14T00:00:00Z',
      tr: '260415000',
      co: 'KR',
      is: 'KDCA',
      ci: 'URN:UVCI:01:KR:T#1',
    };
    for (const payload of [
      { ...hcertOf(adult), t: [t] },
      { ...hcertOf(adult), v: [] },
      { ...hcertOf(adult), v: [v, { ...v, dn: 3, dt: '2022-01-01' }] },
    ]) {
      const hc1 = await signHcert(authority.kr, payload, TIMES);
      for (const text of [hc1, await presentationOf(authority.kr, hc1, NOW)]) {
        const decision = await decide(text, bundles, { now: NOW });
        expect(decision.verdict).toBe('fail');
        expect(codes(decision)).toEqual(['EVENTS_INVALID']);
      }
    }
  });
});

describe('decide() on exemptions', () => {
  const exemption = (e: Record<string, unknown> = {}) => ({
    ver: '1.3.0',
    nam: { fn: 'Park', fnt: 'PARK', gn: 'Jiwoo', gnt: 'JIWOO' },
    dob: '1978-09-30',
    e: [
      {
        tg: '840539006',
        es: 'medical',
        df: '2022-01-01',
        du: '2022-03-31',
        co: 'KR',
        is: 'Korea Disease Control and Prevention Agency',
        ci: 'URN:UVCI:01:KR:EX#1',
        ...e,
      },
    ],
  });

  it("Greenlight's own exemption from a Korean DSC exempts", async () => {
    const hc1 = await signHcert(authority.kr, exemption(), TIMES);
    const live = await decide(await presentationOf(authority.kr, hc1, NOW), bundles, { now: NOW });
    expect(live.verdict).toBe('exempt');
    expect(codes(live)).toEqual(['EXEMPT']);
    const wallet = await decide(hc1, bundles, { now: NOW, purpose: 'holder' });
    expect(wallet.validity).toEqual({ from: '2022-01-01', until: '2022-03-31' });
  });

  it('a national exemption issued abroad is not a Korean exemption (issue 15)', async () => {
    for (const [signer, payload, issuer] of [
      [authority.foreign, exemption(), 'DE'],
      [authority.foreign, exemption({ es: undefined, co: 'DE' }), 'DE'],
      [authority.kr, exemption({ es: undefined }), 'KR'],
      [authority.kr, exemption({ co: 'DE' }), 'KR'],
    ] as const) {
      const hc1 = await signHcert(signer, payload, TIMES, issuer);
      const decision = await decide(hc1, bundles, { now: NOW });
      expect(decision.verdict, JSON.stringify(payload.e)).toBe('fail');
      expect(decision.rulesVerdict).toBe('fail');
      expect(codes(decision)).toContain('RULE_FAILED');
      expect(decision.reasons.map((r) => r.source)).toContain('EX-KR-0005');
    }
  });
});

describe('decide() on SMART Health Cards', () => {
  it("the authority's SHC for a person gets the same verdict as their DCC", async () => {
    const expired: PersonRecord = {
      ...adult,
      doses: [
        { product: 'EU/1/20/1528', date: '2021-06-01' },
        { product: 'EU/1/20/1528', date: '2021-07-01' },
      ],
    };
    const boosted: PersonRecord = {
      ...adult,
      doses: [...adult.doses, { product: 'EU/1/20/1507', date: '2022-01-05' }],
      seriesTotal: 2,
    };
    const janssen: PersonRecord = {
      ...adult,
      doses: [{ product: 'EU/1/20/1525', date: '2021-08-01' }],
      seriesTotal: 1,
    };
    for (const person of [adult, expired, boosted, janssen]) {
      const hc1 = await signHcert(authority.kr, hcertOf(person), TIMES);
      const shc = await shcOf(authority, person, new Date(TIMES.issuedAt));
      for (const context of [
        { now: NOW },
        { now: NOW, venueCategory: 'restaurant' },
        { now: NOW, purpose: 'holder' as const },
      ]) {
        const fromDcc = await decide(hc1, bundles, context);
        const fromShc = await decide(shc, bundles, context);
        expect(fromShc.format).toBe('shc');
        expect([fromShc.verdict, fromShc.rulesVerdict, fromShc.validity]).toEqual([
          fromDcc.verdict,
          fromDcc.rulesVerdict,
          fromDcc.validity,
        ]);
        expect(codes(fromShc).filter((c) => c !== 'REVOCATION_MISSING')).toEqual(codes(fromDcc));
      }
    }
    // The primary series expired: alone only at a restaurant, with either form.
    const shc = await shcOf(authority, expired, new Date(TIMES.issuedAt));
    const restaurant = await decide(shc, bundles, { now: NOW, venueCategory: 'restaurant' });
    expect(restaurant.verdict).toBe('solo-only');
  });
});

describe('decide() for the holder: validity from the policy itself', () => {
  it("a 15-year-old's dose 1 of 2 is exempt until the day before the 19th birthday", async () => {
    const teen: PersonRecord = {
      familyName: 'Lee',
      givenName: 'Seoyeon',
      birthDate: '2006-08-20',
      doses: [{ product: 'EU/1/20/1528', date: '2021-12-01' }],
      seriesTotal: 2,
    };
    const hc1 = await signHcert(authority.kr, hcertOf(teen), TIMES);
    const wallet = await decide(hc1, bundles, { now: NOW, purpose: 'holder' });
    expect(wallet.verdict).toBe('exempt');
    expect(wallet.reasons[0]).toEqual(
      expect.objectContaining({ code: 'EXEMPT', source: 'GR-KR-0001', date: '2025-08-20' }),
    );
    expect(wallet.validity?.until).toBe('2025-08-19');
    const adultDose1 = await signHcert(
      authority.kr,
      { ...hcertOf(adult), v: [{ ...(hcertOf(adult).v as object[])[0], dn: 1 }] },
      TIMES,
    );
    expect((await decide(adultDose1, bundles, { now: NOW, purpose: 'holder' })).validity).toBeUndefined();
  });
});

describe('decide() never throws', () => {
  it('property: arbitrary text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `HC1:${s}`),
          fc.string().map((s) => `GLP1:${s}`),
          fc.string().map((s) => `shc:/${s}`),
          fc.json(),
        ),
        async (text) => {
          const decision = await decide(text, bundles, { now: NOW });
          expect(decision.verdict).toBe('fail');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: arbitrary JSON payloads signed by a trusted DSC', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            ver: fc.constantFrom('1.3.0', '1.0.0', 'x'),
            dob: fc.oneof(fc.constantFrom('2005', '1990-01-01', ''), fc.jsonValue()),
            v: fc.array(fc.dictionary(fc.constantFrom('dn', 'sd', 'dt', 'mp', 'tg'), fc.jsonValue()), {
              maxLength: 2,
            }),
          }),
          fc.dictionary(fc.constantFrom('v', 't', 'r', 'e', 'nam', 'dob'), fc.jsonValue()),
        ),
        fc.constantFrom(undefined, 'restaurant', 'gym', 'casino'),
        fc.constantFrom('door', 'holder', 'desk') as fc.Arbitrary<'door' | 'holder' | 'desk'>,
        async (payload, venueCategory, purpose) => {
          let hc1: string;
          try {
            hc1 = await signHcert(authority.kr, payload as Record<string, unknown>, TIMES);
          } catch {
            return; // not encodable as CBOR: nothing to scan
          }
          const decision = await decide(hc1, bundles, {
            now: NOW,
            purpose,
            ...(venueCategory ? { venueCategory } : {}),
          });
          expect(VERDICTS).toContain(decision.verdict);
          expect(decision.reasons.length).toBeGreaterThan(0);
          expect(decision.reasons.every((r) => r.text.en && r.text.ko)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a bad clock or missing bundles is a fail decision, not a throw', async () => {
    const bad = await decide('HC1:', bundles, { now: new Date(Number.NaN) });
    expect(bad.reasons[0]).toEqual(
      expect.objectContaining({ code: 'TECHNICAL_FAILED', errorCode: 'ERR_INTERNAL' }),
    );
    expect((await decide('HC1:abc', {}, { now: NOW })).verdict).toBe('fail');
    expect((await decide(undefined as unknown as string, bundles, { now: NOW })).verdict).toBe('fail');
  });
});
