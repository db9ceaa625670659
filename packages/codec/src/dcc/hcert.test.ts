import { describe, expect, it } from 'vitest';
import { hcertHolder, hcertType, personName } from './hcert';

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
