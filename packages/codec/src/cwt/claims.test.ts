import { describe, expect, it } from 'vitest';
import { cborEncode } from '../cbor/cbor.ts';
import { parseHcertClaims } from './claims.ts';

const claims = (exp: unknown) =>
  cborEncode(
    new Map<number, unknown>([
      [1, 'KR'],
      [4, exp],
      [6, 1_640_995_200],
      [-260, new Map([[1, new Map([['ver', '1.3.0']])]])],
    ]),
  );

describe('CWT claims', () => {
  it('reads iss, iat, exp and the HCERT', () => {
    const parsed = parseHcertClaims(claims(1_672_531_200));
    expect(parsed.issuer).toBe('KR');
    expect(parsed.issuedAt?.toISOString()).toBe('2022-01-01T00:00:00.000Z');
    expect(parsed.expiresAt?.toISOString()).toBe('2023-01-01T00:00:00.000Z');
    expect(parsed.hcert).toEqual({ ver: '1.3.0' });
  });

  it.each([['a string'], [1e300], [Number.NaN]])('refuses exp = %s with ERR_CWT_CLAIM_TYPE', (exp) => {
    expect(() => parseHcertClaims(claims(exp))).toThrowError(
      expect.objectContaining({ code: 'ERR_CWT_CLAIM_TYPE' }),
    );
  });

  it('refuses a payload without the hcert claim', () => {
    expect(() => parseHcertClaims(cborEncode(new Map([[1, 'KR']])))).toThrowError(
      expect.objectContaining({ code: 'ERR_CWT_NO_HCERT' }),
    );
  });
});
