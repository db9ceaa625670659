import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testdataPath } from '../../../../test/support/testdata.ts';
import { isGreenlightError } from '../errors.ts';
import { jwsToNumeric, numericToJws, shcNumeric, shcQrToJws } from './numeric.ts';

const dir = testdataPath('shc', 'public');
const read = (name: string) => readFileSync(join(dir as string, name), 'utf8').trim();
const jwsChar = fc.constantFrom(
  ...'-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz'.split(''),
);

describe.skipIf(!dir)('spec examples', () => {
  it.each(['00', '01', '03'])('example %s numeric text decodes to its JWS and back', (n) => {
    const qr = read(`example-${n}-f-qr-code-numeric-value-0.txt`);
    const jws = read(`example-${n}-d-jws.txt`);
    expect(shcQrToJws([qr])).toEqual({ jws, chunked: false });
    expect(shcNumeric(jws)).toBe(qr);
  });
  it('example 02 reassembles from its three chunks in every order', () => {
    const parts = [0, 1, 2].map((i) => read(`example-02-f-qr-code-numeric-value-${i}.txt`));
    const jws = read('example-02-d-jws.txt');
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const o of orders) expect(shcQrToJws(o.map((i) => parts[i] as string)).jws).toBe(jws);
  });
  it('example 02 reports missing and duplicate chunks', () => {
    const parts = [0, 1, 2].map((i) => read(`example-02-f-qr-code-numeric-value-${i}.txt`));
    expect(() => shcQrToJws([parts[0] as string, parts[2] as string])).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_CHUNK_MISSING' }),
    );
    expect(() => shcQrToJws([parts[0] as string, parts[0] as string, parts[2] as string])).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_CHUNK_DUPLICATE' }),
    );
  });
});

describe('numeric errors', () => {
  it.each([
    ['shc:/123', 'ERR_SHC_NUMERIC_ODD'],
    ['shc:/78', 'ERR_SHC_NUMERIC_PAIR'],
    ['shc:/1a', 'ERR_SHC_NUMERIC_DIGIT'],
    ['HC1:xx', 'ERR_SHC_PREFIX'],
    ['shc:/4/3/00', 'ERR_SHC_CHUNK_HEADER'],
  ])('%s -> %s', (text, code) => {
    expect(() => shcQrToJws([text])).toThrow(expect.objectContaining({ code }));
  });
});

describe('properties', () => {
  it('numericToJws(jwsToNumeric(s)) = s', () => {
    fc.assert(
      fc.property(
        fc.array(jwsChar).map((a) => a.join('')),
        (s) => numericToJws(jwsToNumeric(s)) === s,
      ),
    );
  });
  it('chunks reassemble in any order', () => {
    fc.assert(
      fc.property(
        fc.array(jwsChar, { minLength: 1, maxLength: 300 }).map((a) => a.join('')),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        (jws, n, seed) => {
          const digits = jwsToNumeric(jws);
          const size = Math.ceil(jws.length / n) * 2;
          const texts: string[] = [];
          for (let i = 0; i * size < digits.length; i++) texts.push(digits.slice(i * size, (i + 1) * size));
          const total = texts.length;
          const chunks = texts.map((d, i) => `shc:/${i + 1}/${total}/${d}`);
          const shuffled = chunks
            .map((c, i) => ({ c, k: (i * 7919 + seed) % 1009 }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.c);
          return shcQrToJws(shuffled).jws === jws;
        },
      ),
    );
  });
  it('random input throws only GreenlightError', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 4 }), (texts) => {
        try {
          shcQrToJws(texts.map((t) => `shc:/${t}`));
        } catch (e) {
          if (!isGreenlightError(e)) throw e;
        }
      }),
    );
  });
});
