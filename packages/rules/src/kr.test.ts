/**
 * The Korean policy's boundary tables: for every rule, the last second before and the first second of each validity
 * window, in KST (UTC+9). Times are written in UTC, so 14:59:59Z / 15:00:00Z is the KST midnight where the UTC and
 * KST dates disagree.
 */
import { isGreenlightError } from '@greenlight/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, krPolicy, type Verdict } from './index.ts';

const base = { ver: '1.3.0', nam: { fn: 'Kim', gn: 'Minji', fnt: 'KIM', gnt: 'MINJI' }, dob: '1985-04-12' };
const vaccination = (v: Record<string, unknown>) => ({
  ...base,
  v: [
    {
      tg: '840539006',
      vp: '1119349007',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn: 2,
      sd: 2,
      dt: '2021-11-01',
      co: 'KR',
      is: 'KDCA',
      ci: 'URN:UVCI:01:KR:TEST#1',
      ...v,
    },
  ],
});
const test = (t: Record<string, unknown>) => ({
  ...base,
  t: [
    {
      tg: '840539006',
      tt: 'LP6464-4',
      nm: 'PCR',
      sc: '2022-01-10T10:00:00Z',
      tr: '260415000',
      tc: 'Seoul Lab',
      co: 'KR',
      is: 'KDCA',
      ci: 'URN:UVCI:01:KR:TEST#2',
      ...t,
    },
  ],
});
const recovery = (r: Record<string, unknown>) => ({
  ...base,
  r: [
    {
      tg: '840539006',
      fr: '2021-12-01',
      df: '2021-12-11',
      du: '2022-06-01',
      co: 'KR',
      is: 'KDCA',
      ci: 'URN:UVCI:01:KR:TEST#3',
      ...r,
    },
  ],
});
const exemption = (e: Record<string, unknown>) => ({
  ...base,
  e: [
    {
      tg: '840539006',
      es: 'medical',
      df: '2022-01-01',
      du: '2022-03-31',
      co: 'KR',
      is: 'KDCA',
      ci: 'URN:UVCI:01:KR:EX#1',
      ...e,
    },
  ],
});
/** The KST date `days` after a date (for building dt from a wanted expiry day). */
const minusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - days * 86400_000).toISOString().slice(0, 10);

/**
 * `issuer` is the DSC's country (external.issuerCountryCode): `KR` unless a row says otherwise; `null` when the
 * caller does not know it.
 */
type Row = [
  name: string,
  payload: unknown,
  at: string,
  verdict: Verdict,
  venue?: string,
  issuer?: string | null,
];

const rows: Row[] = [
  // Completed primary series: valid from the start of day dt + 14 (2021-11-15 KST).
  ['primary, last second before dt+14', vaccination({}), '2021-11-14T14:59:59Z', 'fail'],
  ['primary, first second of dt+14', vaccination({}), '2021-11-14T15:00:00Z', 'pass'],
  [
    'Janssen 1/1 is a complete primary series',
    vaccination({ mp: 'EU/1/20/1525', dn: 1, sd: 1 }),
    '2021-11-14T15:00:00Z',
    'pass',
  ],
  // Before 2022-01-03 a primary series does not expire: dt+193 = 2021-12-20.
  [
    'expired primary before the expiry rule exists',
    vaccination({ dt: minusDays('2021-12-20', 193) }),
    '2022-01-02T14:59:59Z',
    'pass',
  ],
  [
    'expired primary on the first second of 2022-01-03 KST: grace',
    vaccination({ dt: minusDays('2021-12-20', 193) }),
    '2022-01-02T15:00:00Z',
    'warn',
  ],
  // Grace week: last valid day dt+193 = 2022-01-05.
  [
    'primary, last second of dt+193 in the grace week',
    vaccination({ dt: minusDays('2022-01-05', 193) }),
    '2022-01-05T14:59:59Z',
    'pass',
  ],
  [
    'primary, first second after dt+193 in the grace week',
    vaccination({ dt: minusDays('2022-01-05', 193) }),
    '2022-01-05T15:00:00Z',
    'warn',
  ],
  [
    'expired primary, last second of the grace week',
    vaccination({ dt: minusDays('2022-01-05', 193) }),
    '2022-01-09T14:59:59Z',
    'warn',
  ],
  [
    'expired primary, first second after the grace week',
    vaccination({ dt: minusDays('2022-01-05', 193) }),
    '2022-01-09T15:00:00Z',
    'fail',
  ],
  // After the grace week: last valid day 2022-03-01.
  [
    'primary, last second of dt+193',
    vaccination({ dt: minusDays('2022-03-01', 193) }),
    '2022-03-01T14:59:59Z',
    'pass',
  ],
  [
    'primary, first second after dt+193',
    vaccination({ dt: minusDays('2022-03-01', 193) }),
    '2022-03-01T15:00:00Z',
    'fail',
  ],
  // Boosters: valid from the start of day dt, never expire.
  [
    'booster 3/2, last second before dt',
    vaccination({ dn: 3, sd: 2, dt: '2022-01-20' }),
    '2022-01-19T14:59:59Z',
    'fail',
  ],
  [
    'booster 3/2, first second of dt',
    vaccination({ dn: 3, sd: 2, dt: '2022-01-20' }),
    '2022-01-19T15:00:00Z',
    'pass',
  ],
  [
    'booster 2/1 after Janssen',
    vaccination({ dn: 2, sd: 1, dt: '2022-01-20' }),
    '2022-01-19T15:00:00Z',
    'pass',
  ],
  ['booster 3/3', vaccination({ dn: 3, sd: 3, dt: '2021-06-01' }), '2024-06-01T00:00:00Z', 'pass'],
  [
    'booster does not expire',
    vaccination({ dn: 3, sd: 2, dt: '2021-12-01' }),
    '2023-12-01T00:00:00Z',
    'pass',
  ],
  // Incomplete series and vaccines outside the list.
  ['incomplete 1/2', vaccination({ dn: 1, sd: 2 }), '2021-12-15T00:00:00Z', 'fail'],
  ['a vaccine outside the list', vaccination({ mp: 'Sputnik-V' }), '2021-12-15T00:00:00Z', 'fail'],
  ['Covishield is accepted', vaccination({ mp: 'Covishield' }), '2021-12-15T00:00:00Z', 'pass'],
  // Tests: NAAT, negative, from sc through the end of the KST day containing sc + 48 h.
  ['test, last second before sc', test({}), '2022-01-10T09:59:59Z', 'fail'],
  ['test, sc itself', test({}), '2022-01-10T10:00:00Z', 'pass'],
  ['test, last second of the KST day of sc+48h', test({}), '2022-01-12T14:59:59Z', 'pass'],
  ['test, first second after it', test({}), '2022-01-12T15:00:00Z', 'fail'],
  [
    'test sampled 05:00 KST: sc+48h falls on the next KST day',
    test({ sc: '2022-01-10T20:00:00Z' }),
    '2022-01-13T14:59:59Z',
    'pass',
  ],
  [
    'test sampled 05:00 KST, first second after',
    test({ sc: '2022-01-10T20:00:00Z' }),
    '2022-01-13T15:00:00Z',
    'fail',
  ],
  ['antigen test', test({ tt: 'LP217198-3' }), '2022-01-11T00:00:00Z', 'fail'],
  ['positive NAAT', test({ tr: '260373001' }), '2022-01-11T00:00:00Z', 'fail'],
  // Recovery: from df through min(du, fr + 180): fr+180 = 2022-05-30 < du.
  ['recovery, last second before df', recovery({}), '2021-12-10T14:59:59Z', 'fail'],
  ['recovery, first second of df', recovery({}), '2021-12-10T15:00:00Z', 'pass'],
  ['recovery, last second of fr+180', recovery({}), '2022-05-30T14:59:59Z', 'pass'],
  ['recovery, first second after fr+180', recovery({}), '2022-05-30T15:00:00Z', 'fail'],
  ['recovery, last second of an earlier du', recovery({ du: '2022-03-01' }), '2022-03-01T14:59:59Z', 'pass'],
  [
    'recovery, first second after an earlier du',
    recovery({ du: '2022-03-01' }),
    '2022-03-01T15:00:00Z',
    'fail',
  ],
  // Age: 18 or younger in full years; birthdays turn at 00:00 KST; partial dates read as their earliest day.
  [
    '17 on the eve of the 19th birthday: exempt',
    { ...vaccination({ dn: 1 }), dob: '2003-05-10' },
    '2022-05-09T14:59:59Z',
    'exempt',
  ],
  [
    '19th birthday at 00:00 KST: no longer exempt',
    { ...vaccination({ dn: 1 }), dob: '2003-05-10' },
    '2022-05-09T15:00:00Z',
    'fail',
  ],
  [
    'dob 2003 reads as 2003-01-01: last exempt second',
    { ...vaccination({ dn: 1 }), dob: '2003' },
    '2021-12-31T14:59:59Z',
    'exempt',
  ],
  [
    'dob 2003 reads as 2003-01-01: first second of 2022 KST',
    { ...vaccination({ dn: 1 }), dob: '2003' },
    '2021-12-31T15:00:00Z',
    'fail',
  ],
  [
    'dob 2003-05 reads as 2003-05-01: last exempt second',
    { ...test({ tt: 'LP217198-3' }), dob: '2003-05' },
    '2022-04-30T14:59:59Z',
    'exempt',
  ],
  [
    'dob 2003-05 reads as 2003-05-01: first second not exempt',
    { ...test({ tt: 'LP217198-3' }), dob: '2003-05' },
    '2022-04-30T15:00:00Z',
    'fail',
  ],
  [
    'born 29 February: still exempt on 28 February of the 19th year',
    { ...vaccination({ dn: 1 }), dob: '2004-02-29' },
    '2023-02-28T14:59:59Z',
    'exempt',
  ],
  [
    'born 29 February: the 19th birthday turns on 1 March 00:00 KST',
    { ...vaccination({ dn: 1 }), dob: '2004-02-29' },
    '2023-02-28T15:00:00Z',
    'fail',
  ],
  ['no date of birth: never exempt', { ...vaccination({ dn: 1 }), dob: '' }, '2021-12-15T00:00:00Z', 'fail'],
  // The policy's own window: its rules are valid from 2021-01-01 00:00 KST.
  [
    'before the policy starts nothing is accepted',
    vaccination({ dt: '2020-06-01', dn: 3 }),
    '2020-12-31T14:59:59Z',
    'fail',
  ],
  [
    'the first second of the policy',
    vaccination({ dt: '2020-06-01', dn: 3 }),
    '2020-12-31T15:00:00Z',
    'pass',
  ],
  // Medical exemption certificates, within their own dates.
  ['exemption, last second before df', exemption({}), '2021-12-31T14:59:59Z', 'fail'],
  ['exemption, first second of df', exemption({}), '2021-12-31T15:00:00Z', 'exempt'],
  ['exemption, last second of du', exemption({}), '2022-03-31T14:59:59Z', 'exempt'],
  ['exemption, first second after du', exemption({}), '2022-03-31T15:00:00Z', 'fail'],
  // Only Greenlight's own exemption type, issued in Korea, exempts (issue 15): a national exemption from abroad does not.
  ['exemption signed by a foreign DSC', exemption({}), '2022-02-01T00:00:00Z', 'fail', undefined, 'DE'],
  ['exemption whose issuing country is not KR', exemption({ co: 'DE' }), '2022-02-01T00:00:00Z', 'fail'],
  ['exemption of another kind than medical', exemption({ es: 'religious' }), '2022-02-01T00:00:00Z', 'fail'],
  ['a foreign e-style entry without es', exemption({ es: undefined }), '2022-02-01T00:00:00Z', 'fail'],
  [
    'exemption whose signer country is unknown',
    exemption({}),
    '2022-02-01T00:00:00Z',
    'fail',
    undefined,
    null,
  ],
  // Venues: restaurants and cafés let one guest who does not pass eat alone.
  [
    'incomplete series at a restaurant',
    vaccination({ dn: 1, sd: 2 }),
    '2021-12-15T00:00:00Z',
    'solo-only',
    'restaurant',
  ],
  ['incomplete series at a café', vaccination({ dn: 1, sd: 2 }), '2021-12-15T00:00:00Z', 'solo-only', 'cafe'],
  ['incomplete series at a gym', vaccination({ dn: 1, sd: 2 }), '2021-12-15T00:00:00Z', 'fail', 'gym'],
  [
    'a passing certificate at a restaurant passes',
    vaccination({}),
    '2021-12-15T00:00:00Z',
    'pass',
    'restaurant',
  ],
];

describe('the kr policy, boundary by boundary', () => {
  it.each(rows)('%s', (_name, payload, at, verdict, venueCategory, issuer = 'KR') => {
    const result = evaluatePolicy(krPolicy, {
      payload,
      at: new Date(at),
      ...(venueCategory ? { venueCategory } : {}),
      ...(issuer === null ? {} : { issuerCountry: issuer }),
    });
    expect(result.verdict, JSON.stringify(result.reasons)).toBe(verdict);
    expect(result.reasons.length).toBeGreaterThan(0);
  });

  it('reasons name the deciding rule first, with the date it checked, in Korean when asked', () => {
    const early = evaluatePolicy(krPolicy, {
      payload: vaccination({}),
      at: new Date('2021-11-14T14:59:59Z'),
      lang: 'ko',
    });
    expect(early.reasons[0]).toEqual({
      code: 'RULE_FAILED',
      rule: 'VR-KR-0003',
      result: 'failed',
      description: '기본접종 완료는 마지막 접종 14일 뒤부터 유효합니다.',
      date: '2021-11-15',
    });
    expect(early.reasons.filter((r) => r.code === 'RULE_FAILED')).toHaveLength(1);
    const expired = evaluatePolicy(krPolicy, {
      payload: vaccination({ dt: minusDays('2022-03-01', 193) }),
      at: new Date('2022-03-01T15:00:00Z'),
      lang: 'en',
    });
    expect(expired.reasons[0]).toEqual(
      expect.objectContaining({ code: 'RULE_FAILED', rule: 'VR-KR-0004', date: '2022-03-01' }),
    );
    expect(expired.reasons[0]?.description).toMatch(
      /^Full vaccination without a booster is valid for 180 days/,
    );
    const test48 = evaluatePolicy(krPolicy, { payload: test({}), at: new Date('2022-01-12T15:00:00Z') });
    expect(test48.reasons[0]).toEqual(expect.objectContaining({ rule: 'TR-KR-0004', date: '2022-01-12' }));
    const solo = evaluatePolicy(krPolicy, {
      payload: vaccination({ dn: 1, sd: 2 }),
      at: new Date('2021-12-15T00:00:00Z'),
      venueCategory: 'cafe',
    });
    expect(solo.reasons.map((r) => r.code).slice(0, 2)).toEqual(['SOLO_ONLY', 'RULE_FAILED']);
    const minor = evaluatePolicy(krPolicy, {
      payload: { ...vaccination({ dn: 1 }), dob: '2003-05' },
      at: new Date('2022-01-01T00:00:00Z'),
    });
    expect(minor.reasons[0]).toEqual(
      expect.objectContaining({ code: 'EXEMPT', rule: 'GR-KR-0001', date: '2022-05-01' }),
    );
  });

  it('fails a certificate type that no rule accepts at the time (before the policy starts)', () => {
    const result = evaluatePolicy(krPolicy, {
      payload: vaccination({}),
      at: new Date('2020-12-31T14:59:59Z'),
    });
    expect(result.verdict).toBe('fail');
    expect(result.reasons[0]?.code).toBe('NOT_COVERED');
  });

  it('refuses a payload that is not an HCERT and an unknown venue category', () => {
    const at = new Date('2022-01-01T00:00:00Z');
    expect(() => evaluatePolicy(krPolicy, { payload: { ver: '1.3.0' }, at })).toThrow(
      expect.objectContaining({ code: 'ERR_RULES_PAYLOAD' }),
    );
    expect(() => evaluatePolicy(krPolicy, { payload: 'HC1:', at })).toThrow(
      expect.objectContaining({ code: 'ERR_RULES_PAYLOAD' }),
    );
    expect(() => evaluatePolicy(krPolicy, { payload: vaccination({}), at, venueCategory: 'casino' })).toThrow(
      expect.objectContaining({ code: 'ERR_RULES_UNKNOWN_VENUE' }),
    );
  });

  it('property: any JSON payload gives a verdict or a typed error, never a crash', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          ...(['v', 't', 'r', 'e'] as const).map((key) =>
            fc.record({
              [key]: fc.array(
                fc.oneof(
                  fc.dictionary(fc.string(), fc.jsonValue()),
                  // Entries with the rules' own fields, holding dates, numbers or junk.
                  fc.record(
                    Object.fromEntries(
                      ['dn', 'sd', 'dt', 'mp', 'tt', 'tr', 'sc', 'fr', 'df', 'du', 'tg'].map((f) => [
                        f,
                        fc.oneof(
                          fc.jsonValue(),
                          fc.integer({ min: -2, max: 5 }),
                          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
                          fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
                        ),
                      ]),
                    ),
                    { requiredKeys: [] },
                  ),
                ),
              ),
              dob: fc.oneof(fc.jsonValue(), fc.constantFrom('2005', '2005-02', '2004-02-29', '0000-00', 'x')),
              ver: fc.oneof(fc.jsonValue(), fc.constantFrom('1.3.0', '2.0.0', '1.0')),
            }),
          ),
        ),
        fc.date({ min: new Date('2021-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        (payload, at) => {
          try {
            const result = evaluatePolicy(krPolicy, { payload, at });
            expect(['pass', 'exempt', 'solo-only', 'warn', 'fail']).toContain(result.verdict);
          } catch (error) {
            expect(isGreenlightError(error) && error.code).toBe('ERR_RULES_PAYLOAD');
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
