import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDsc, SAMPLE_HCERT } from '../../test/dcc-fixtures.ts';
import { encodeHc1, verifyHc1 } from './hc1.ts';

const issuedAt = new Date('2022-01-10T00:00:00Z');
const expiresAt = new Date('2023-01-10T00:00:00Z');
const now = new Date('2022-06-01T03:00:00Z');

/** Date-like strings: real and impossible dates, date-times with and without an offset, other notations. */
const dateText = fc.oneof(
  fc
    .date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10)),
  fc
    .date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  fc
    .tuple(
      fc.integer({ min: 1890, max: 2110 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
    )
    .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  fc
    .tuple(fc.integer({ min: 0, max: 25 }), fc.constantFrom('', 'Z', '+09:00', '-05:30', '+0900'))
    .map(([h, zone]) => `2022-01-10T${String(h).padStart(2, '0')}:00:00${zone}`),
  fc.constantFrom('1990', '1990-04', '', '10/01/2022', '2022-01-10 10:00:00'),
  fc.string({ maxLength: 12 }),
);
const value = fc.oneof(
  dateText,
  fc.integer({ min: -3, max: 30 }),
  fc.constant(null),
  fc.double(),
  fc.boolean(),
);
const entry = fc.dictionary(
  fc.constantFrom('tg', 'dt', 'sc', 'dr', 'fr', 'df', 'du', 'dn', 'sd', 'mp', 'co', 'is', 'ci', 'es'),
  value,
);
/** HCERT-shaped payloads: any subset of the event groups, with zero to two entries, and arbitrary JSON besides. */
const hcert = fc.record(
  {
    ver: fc.constantFrom('1.3.0', '1.0.0', 7),
    nam: fc.oneof(fc.constant(SAMPLE_HCERT.nam), fc.jsonValue()),
    dob: fc.oneof(dateText, fc.jsonValue()),
    v: fc.array(entry, { maxLength: 2 }),
    t: fc.array(entry, { maxLength: 2 }),
    r: fc.array(entry, { maxLength: 2 }),
    e: fc.oneof(fc.array(entry, { maxLength: 2 }), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

const originalTz = process.env.TZ;
afterAll(() => {
  process.env.TZ = originalTz;
});

/** Node re-reads TZ whenever it is assigned; the offset check proves the switch took effect. */
function inZone<T>(tz: string, expectedOffsetMinutes: number, fn: () => Promise<T>): Promise<T> {
  process.env.TZ = tz;
  expect(new Date('2022-01-10T00:00:00Z').getTimezoneOffset()).toBe(expectedOffsetMinutes);
  return fn();
}

describe('the HC1 verdict does not depend on the host', () => {
  it('gives the same report under TZ=UTC and TZ=Asia/Seoul, and never throws, for any HCERT payload', async () => {
    const dsc = await makeDsc();
    await fc.assert(
      fc.asyncProperty(hcert, async (payload) => {
        const text = await encodeHc1(payload, { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt });
        const utc = await inZone('UTC', 0, () => verifyHc1(text, dsc.trust, { now }));
        const seoul = await inZone('Asia/Seoul', -540, () => verifyHc1(text, dsc.trust, { now }));
        expect(seoul).toEqual(utc);
        expect(utc.steps.some((s) => s.code === 'ERR_INTERNAL')).toBe(false);
        for (const step of utc.steps) if (step.ok === false) expect(step.code).toMatch(/^ERR_/);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a local test time (no offset) the same way in both zones', async () => {
    const dsc = await makeDsc();
    const local = {
      ...SAMPLE_HCERT,
      v: undefined,
      t: [
        {
          tg: '840539006',
          tt: 'LP6464-4',
          sc: '2022-01-10T10:00:00',
          tr: '260415000',
          co: 'KR',
          is: 'KDCA',
          ci: 'x',
        },
      ],
    };
    const text = await encodeHc1(local, { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt });
    for (const [tz, offset] of [
      ['UTC', 0],
      ['Asia/Seoul', -540],
    ] as const) {
      const report = await inZone(tz, offset, () => verifyHc1(text, dsc.trust, { now }));
      expect(report.verdict).toBe('invalid');
      expect(report.steps.find((s) => s.name === 'FIELDS')?.code).toBe('ERR_HCERT_DATE');
    }
  });
});
