import { describe, expect, it } from 'vitest';
import { makeDsc, SAMPLE_HCERT } from '../../test/dcc-fixtures.ts';
import { encodeHc1, verifyHc1 } from './hc1.ts';
import { valueSetProblems, valueSetsFromFiles } from './valuesets.ts';

const valueSets = valueSetsFromFiles([
  { valueSetId: 'vaccines-covid-19-names', valueSetValues: { 'EU/1/20/1528': {}, 'EU/1/20/1507': {} } },
  { valueSetId: 'country-2-codes', valueSetValues: { KR: {}, AT: {} } },
  { valueSetId: 'not-a-value-set' },
]);

describe('value sets', () => {
  it('reads value-set files by id and ignores other JSON', () => {
    expect(Object.keys(valueSets).sort()).toEqual(['country-2-codes', 'vaccines-covid-19-names']);
  });

  it('names each code outside its set, and only checks the sets it was given', () => {
    const hcert = { ...SAMPLE_HCERT, v: [{ ...SAMPLE_HCERT.v[0], mp: 'Sputnik-V', co: 'XY' }] };
    expect(valueSetProblems(hcert, valueSets)).toEqual([
      'v[0].co: "XY" is not in country-2-codes',
      'v[0].mp: "Sputnik-V" is not in vaccines-covid-19-names',
    ]);
    expect(valueSetProblems(SAMPLE_HCERT, valueSets)).toEqual([]);
  });

  it('reports problems as warnings that do not change the verdict', async () => {
    const dsc = await makeDsc();
    const hcert = { ...SAMPLE_HCERT, v: [{ ...SAMPLE_HCERT.v[0], mp: 'Sputnik-V' }] };
    const text = await encodeHc1(hcert, {
      signer: dsc.signer,
      issuer: 'KR',
      issuedAt: new Date('2022-01-01T00:00:00Z'),
      expiresAt: new Date('2023-01-01T00:00:00Z'),
    });
    const report = await verifyHc1(text, dsc.trust, { now: new Date('2022-06-01T00:00:00Z'), valueSets });
    expect(report.verdict).toBe('valid');
    expect(report.steps.find((s) => s.name === 'VALUESETS')?.warnings).toEqual([
      { code: 'ERR_HCERT_VALUESET', message: 'v[0].mp: "Sputnik-V" is not in vaccines-covid-19-names' },
    ]);
  });
});
