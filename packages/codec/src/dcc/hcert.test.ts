import { describe, expect, it } from 'vitest';
import { SAMPLE_HCERT } from '../../test/dcc-fixtures.ts';
import { GreenlightError } from '../errors.ts';
import { checkHcertEvents, checkHcertFields, hcertHolder, hcertType, personName } from './hcert.ts';

describe('holder names', () => {
  it('writes Korean and Chinese names family first without a space, others given name first', () => {
    expect(personName('김', '민지')).toBe('김민지');
    expect(personName('남궁', '민수')).toBe('남궁민수');
    expect(personName('王', '小明')).toBe('王小明');
    expect(personName('Walker', 'Liam')).toBe('Liam Walker');
    expect(personName('Walker', null)).toBe('Walker');
    expect(personName('김', undefined)).toBe('김');
    expect(personName(undefined, 'Liam')).toBe('Liam');
  });

  it('reads the holder of an HCERT, falling back to the transliterated names', () => {
    const hcert = { nam: { fn: '김', gn: '민지', fnt: 'KIM', gnt: 'MINJI' }, dob: '1990-01-02', v: [{}] };
    expect(hcertHolder(hcert)).toEqual({
      name: '김민지',
      familyName: '김',
      givenName: '민지',
      dateOfBirth: '1990-01-02',
    });
    expect(hcertHolder({ nam: { fnt: 'KIM', gnt: 'MINJI' } }).name).toBe('MINJI KIM');
    expect(hcertType(hcert)).toBe('vaccination');
  });
});

const V = SAMPLE_HCERT.v[0]!;
const TEST_ENTRY = {
  tg: '840539006',
  tt: 'LP6464-4',
  sc: '2022-01-10T10:00:00Z',
  tr: '260415000',
  tc: 'Seoul Test Centre',
  co: 'KR',
  is: 'KDCA',
  ci: 'URN:UVCI:01:KR:T1',
};
const RECOVERY_ENTRY = {
  tg: '840539006',
  fr: '2022-01-01',
  df: '2022-01-12',
  du: '2022-06-30',
  co: 'KR',
  is: 'KDCA',
  ci: 'URN:UVCI:01:KR:R1',
};
const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(GreenlightError);
    return (error as GreenlightError).code;
  }
};

describe('one event per certificate (eu-dcc-schema oneOf v/t/r, Regulation (EU) 2021/953 Art. 3(1))', () => {
  const base = { ver: '1.3.0', nam: SAMPLE_HCERT.nam, dob: '1990-04-12' };
  it.each([
    ['one vaccination', { ...base, v: [V] }, undefined, 'vaccination'],
    ['one test', { ...base, t: [TEST_ENTRY] }, undefined, 'test'],
    ['one recovery', { ...base, r: [RECOVERY_ENTRY] }, undefined, 'recovery'],
    [
      'one exemption',
      { ...base, e: [{ tg: '840539006', es: 'medical', df: '2022-01-01', du: '2022-03-31' }] },
      undefined,
      'exemption',
    ],
    ['a vaccination and a test', { ...base, v: [V], t: [TEST_ENTRY] }, 'ERR_HCERT_EVENTS', 'unknown'],
    ['a vaccination and an exemption', { ...base, v: [V], e: [{}] }, 'ERR_HCERT_EVENTS', 'unknown'],
    ['an empty v', { ...base, v: [] }, 'ERR_HCERT_EVENTS', 'vaccination'],
    ['two v entries', { ...base, v: [V, V] }, 'ERR_HCERT_EVENTS', 'vaccination'],
    ['no event at all', base, 'ERR_HCERT_EVENTS', 'unknown'],
    ['v that is an object', { ...base, v: V }, 'ERR_HCERT_EVENTS', 'unknown'],
    ['v that holds a string', { ...base, v: ['x'] }, 'ERR_HCERT_EVENTS', 'vaccination'],
    ['v that is null', { ...base, v: null }, 'ERR_HCERT_EVENTS', 'unknown'],
  ])('%s', (_, hcert, code, type) => {
    expect(codeOf(() => checkHcertEvents(hcert))).toBe(code);
    expect(hcertType(hcert)).toBe(type);
  });
});

describe('field values against their types', () => {
  const withV = (patch: Record<string, unknown>) => ({ ...SAMPLE_HCERT, v: [{ ...V, ...patch }] });
  const withT = (patch: Record<string, unknown>) => ({
    ...SAMPLE_HCERT,
    v: undefined,
    t: [{ ...TEST_ENTRY, ...patch }],
  });
  const withR = (patch: Record<string, unknown>) => ({
    ...SAMPLE_HCERT,
    v: undefined,
    r: [{ ...RECOVERY_ENTRY, ...patch }],
  });
  it.each([
    ['the sample', SAMPLE_HCERT, undefined],
    [
      'dt as a date-time with an offset (issuers do this)',
      withV({ dt: '2021-12-01T09:00:00+09:00' }),
      undefined,
    ],
    ['dt 2021-02-29 (not a leap year)', withV({ dt: '2021-02-29' }), 'ERR_HCERT_DATE'],
    ['dt 2024-02-29 (a leap year)', withV({ dt: '2024-02-29' }), undefined],
    ['dt 2021-13-01', withV({ dt: '2021-13-01' }), 'ERR_HCERT_DATE'],
    ['dt 2021-04-31', withV({ dt: '2021-04-31' }), 'ERR_HCERT_DATE'],
    ['dt as a local date-time without offset', withV({ dt: '2021-12-01T09:00:00' }), 'ERR_HCERT_DATE'],
    ['dt as a number', withV({ dt: 20211201 }), 'ERR_HCERT_FIELD_TYPE'],
    ['dt in another order', withV({ dt: '01.12.2021' }), 'ERR_HCERT_DATE'],
    ['dn 0', withV({ dn: 0 }), 'ERR_HCERT_DOSE'],
    ['dn -1', withV({ dn: -1 }), 'ERR_HCERT_DOSE'],
    ['dn 1.5', withV({ dn: 1.5 }), 'ERR_HCERT_DOSE'],
    ['dn "2"', withV({ dn: '2' }), 'ERR_HCERT_DOSE'],
    ['dn 21', withV({ dn: 21 }), 'ERR_HCERT_DOSE'],
    ['dn 1000000', withV({ dn: 1_000_000 }), 'ERR_HCERT_DOSE'],
    ['sd 0', withV({ sd: 0 }), 'ERR_HCERT_DOSE'],
    ['sd null', withV({ sd: null }), 'ERR_HCERT_DOSE'],
    ['dn 3 of sd 2 (a booster)', withV({ dn: 3, sd: 2 }), undefined],
    ['mp as a number', withV({ mp: 1528 }), 'ERR_HCERT_FIELD_TYPE'],
    ['co as a list', withV({ co: ['KR'] }), 'ERR_HCERT_FIELD_TYPE'],
    ['sc with Z', withT({}), undefined],
    ['sc with +09:00 and a fraction', withT({ sc: '2022-01-10T19:00:00.123+09:00' }), undefined],
    ['sc without an offset', withT({ sc: '2022-01-10T10:00:00' }), 'ERR_HCERT_DATE'],
    ['sc as a bare date', withT({ sc: '2022-01-10' }), 'ERR_HCERT_DATE'],
    ['sc at 24:00', withT({ sc: '2022-01-10T24:00:00Z' }), 'ERR_HCERT_DATE'],
    ['sc with offset +25:00', withT({ sc: '2022-01-10T10:00:00+25:00' }), 'ERR_HCERT_DATE'],
    ['sc with a space instead of T', withT({ sc: '2022-01-10 10:00:00Z' }), 'ERR_HCERT_DATE'],
    ['dr without an offset', withT({ dr: '2022-01-10T11:00:00' }), 'ERR_HCERT_DATE'],
    ['tr as a boolean', withT({ tr: false }), 'ERR_HCERT_FIELD_TYPE'],
    ['fr 2022-00-10', withR({ fr: '2022-00-10' }), 'ERR_HCERT_DATE'],
    ['du 2022-06-31', withR({ du: '2022-06-31' }), 'ERR_HCERT_DATE'],
    ['df as a date-time with Z', withR({ df: '2022-01-12T00:00:00.000Z' }), undefined],
    ['dob YYYY', { ...SAMPLE_HCERT, dob: '1990' }, undefined],
    ['dob YYYY-MM', { ...SAMPLE_HCERT, dob: '1990-04' }, undefined],
    ['dob empty (unknown)', { ...SAMPLE_HCERT, dob: '' }, undefined],
    ['dob 1990-02-30', { ...SAMPLE_HCERT, dob: '1990-02-30' }, 'ERR_HCERT_DATE'],
    ['dob 1990-4-12', { ...SAMPLE_HCERT, dob: '1990-4-12' }, 'ERR_HCERT_DATE'],
    ['dob with a time', { ...SAMPLE_HCERT, dob: '1990-04-12T00:00:00' }, 'ERR_HCERT_DATE'],
    ['dob 1850', { ...SAMPLE_HCERT, dob: '1850-01-01' }, 'ERR_HCERT_DATE'],
    ['dob as a number', { ...SAMPLE_HCERT, dob: 1990 }, 'ERR_HCERT_FIELD_TYPE'],
    ['nam.fn as a number', { ...SAMPLE_HCERT, nam: { ...SAMPLE_HCERT.nam, fn: 7 } }, 'ERR_HCERT_FIELD_TYPE'],
    ['nam as a string', { ...SAMPLE_HCERT, nam: 'Kim Minji' }, 'ERR_HCERT_FIELD_TYPE'],
    ['ver as a number', { ...SAMPLE_HCERT, ver: 1.3 }, 'ERR_HCERT_FIELD_TYPE'],
  ])('%s', (_, hcert, code) => {
    expect(codeOf(() => checkHcertFields(hcert as Record<string, unknown>))).toBe(code);
  });
});
