import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GreenlightError } from '../errors.ts';
import { base64urlToBytes, bytesToBase64url } from './base64url.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('base64url (RFC 4648 §5, unpadded)', () => {
  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ])('encodes the RFC 4648 vector %j without padding', (plain, encoded) => {
    expect(bytesToBase64url(text(plain))).toBe(encoded);
    expect(base64urlToBytes(encoded)).toEqual(text(plain));
  });

  it('uses - and _ where base64 uses + and /', () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf]);
    expect(bytesToBase64url(bytes)).toBe('-_-_');
    expect(base64urlToBytes('-_-_')).toEqual(bytes);
  });

  it.each([
    ['Zg==', 'ERR_BASE64URL_PADDING'],
    ['Zm8=', 'ERR_BASE64URL_PADDING'],
    ['+/+/', 'ERR_BASE64URL_CHARACTER'],
    ['Zm 9v', 'ERR_BASE64URL_CHARACTER'],
    ['Zm9v\n', 'ERR_BASE64URL_CHARACTER'],
    ['Zé', 'ERR_BASE64URL_CHARACTER'],
    ['Z=g', 'ERR_BASE64URL_CHARACTER'],
    ['Zm9vY', 'ERR_BASE64URL_LENGTH'],
  ])('refuses %j with %s', (input, code) => {
    expect(() => base64urlToBytes(input)).toThrowError(expect.objectContaining({ code, family: 'encoding' }));
  });

  it('decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const encoded = bytesToBase64url(bytes);
        expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(base64urlToBytes(encoded)).toEqual(bytes);
      }),
    );
  });

  it('decodes any string to bytes or a GreenlightError', () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        try {
          expect(base64urlToBytes(input)).toBeInstanceOf(Uint8Array);
        } catch (error) {
          expect(error).toBeInstanceOf(GreenlightError);
        }
      }),
    );
  });
});
