import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cborEncode } from '../cbor/cbor.ts';
import { sigStructure } from './sign1.ts';

describe('Sig_structure', () => {
  it('is byte for byte the CBOR encoding of ["Signature1", protected, h"", payload] at every length class', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.oneof(fc.uint8Array({ maxLength: 30 }), fc.uint8Array({ minLength: 200, maxLength: 70000 })),
        (protectedBytes, payload) => {
          const expected = cborEncode(['Signature1', protectedBytes, new Uint8Array(0), payload]);
          expect(sigStructure(protectedBytes, payload)).toEqual(new Uint8Array(expected));
        },
      ),
      { numRuns: 150 },
    );
  });
});
