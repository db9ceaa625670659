import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GreenlightError } from '../errors.ts';
import { base45Decode, base45Encode } from './base45.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('base45 (RFC 9285)', () => {
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
  ])('encodes the RFC example %s', (plain, encoded) => {
    expect(base45Encode(text(plain))).toBe(encoded);
    expect(base45Decode(encoded)).toEqual(text(plain));
  });

  it.each([
    ['GGW', 'ERR_BASE45_OVERFLOW'],
    ['A', 'ERR_BASE45_LENGTH'],
    ['AB~', 'ERR_BASE45_CHARACTER'],
    ['ab', 'ERR_BASE45_CHARACTER'],
    ['Aé', 'ERR_BASE45_CHARACTER'],
    ['A\\u0141B', 'ERR_BASE45_CHARACTER'],
  ])('rejects %s with %s', (input, code) => {
    expect(() => base45Decode(input)).toThrowError(expect.objectContaining({ code }));
  });

  it('decodes any string to bytes or a GreenlightError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60, unit: 'binary' }), (s) => {
        try {
          expect(base45Encode(base45Decode(s))).toBe(s);
        } catch (error) {
          expect(error).toBeInstanceOf(GreenlightError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
