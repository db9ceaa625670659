import { encodeHc1 } from '@greenlight/codec';
import { describe, expect, it } from 'vitest';
import { makeDsc, SAMPLE_HCERT } from '../../packages/codec/test/dcc-fixtures';
import { validityWords } from './validity';

async function hc1(hcert: Record<string, unknown>) {
  const dsc = await makeDsc();
  return encodeHc1(hcert, {
    signer: dsc.signer,
    issuer: 'KR',
    issuedAt: new Date('2022-01-01T00:00:00Z'),
    expiresAt: new Date('2023-01-01T00:00:00Z'),
  });
}

describe('validity in plain words', () => {
  it('a booster has no expiry; a primary series runs from dt+14 through dt+193', async () => {
    const booster = await hc1(SAMPLE_HCERT);
    expect(validityWords(booster, new Date(), 'en')).toMatchObject({ booster: true, from: '2021-12-01' });
    const v = SAMPLE_HCERT.v[0] as Record<string, unknown>;
    const primary = await hc1({ ...SAMPLE_HCERT, v: [{ ...v, dn: 2, sd: 2, dt: '2021-11-01' }] });
    expect(validityWords(primary, new Date(), 'ko')).toMatchObject({
      from: '2021-11-15',
      until: '2022-05-13',
    });
  });

  it('a test runs through the KST day of sc + 48 h', async () => {
    const test = await hc1({
      ver: '1.3.0',
      nam: SAMPLE_HCERT.nam,
      dob: SAMPLE_HCERT.dob,
      t: [
        {
          tg: '840539006',
          tt: 'LP6464-4',
          sc: '2022-01-10T20:00:00Z',
          tr: '260415000',
          co: 'KR',
          is: 'KDCA',
          ci: 'X',
        },
      ],
    });
    expect(validityWords(test, new Date(), 'en')).toMatchObject({ from: '2022-01-11', until: '2022-01-13' });
  });
});
