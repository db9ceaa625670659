import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDsc, SAMPLE_HCERT } from '../../test/dcc-fixtures';
import { base45Decode, base45Encode } from '../encoding/base45';
import { GreenlightError } from '../errors';
import { decodeHc1, encodeHc1, verifyHc1 } from './hc1';

const issuedAt = new Date('2022-01-10T00:00:00Z');
const expiresAt = new Date('2023-01-10T00:00:00Z');
const now = new Date('2022-06-01T03:00:00Z');

describe('HC1 encode and verify', () => {
  it.each(['ES256', 'PS256'] as const)('round-trips an %s certificate to a valid report', async (alg) => {
    const dsc = await makeDsc({ alg });
    const text = await encodeHc1(SAMPLE_HCERT, { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt });
    expect(text.startsWith('HC1:')).toBe(true);
    expect(decodeHc1(text).claims.hcert).toEqual(SAMPLE_HCERT);
    const report = await verifyHc1(text, dsc.trust, { now });
    expect(report.verdict).toBe('valid');
    expect(report.certificateType).toBe('vaccination');
    expect(report.holder).toEqual({
      name: 'Minji Kim',
      familyName: 'Kim',
      givenName: 'Minji',
      dateOfBirth: '1990-04-12',
    });
    expect(report.signer?.country).toBe('KR');
    expect(report.times).toEqual({
      now: now.toISOString(),
      issuedAt: issuedAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    // Same input, trust and time: the same report.
    expect(await verifyHc1(text, dsc.trust, { now })).toEqual(report);
  });

  it('fails an expired certificate with ERR_CWT_EXPIRED', async () => {
    const dsc = await makeDsc();
    const text = await encodeHc1(SAMPLE_HCERT, { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt });
    const report = await verifyHc1(text, dsc.trust, { now: new Date('2023-01-10T00:00:01Z') });
    expect(report.verdict).toBe('invalid');
    expect(report.steps.find((s) => s.name === 'EXPIRATIONCHECK')?.code).toBe('ERR_CWT_EXPIRED');
  });

  it('fails a certificate signed by an untrusted key', async () => {
    const signer = await makeDsc();
    const other = await makeDsc();
    const text = await encodeHc1(SAMPLE_HCERT, { signer: signer.signer, issuer: 'KR', issuedAt, expiresAt });
    const report = await verifyHc1(text, other.trust, { now });
    expect(report.verdict).toBe('invalid');
    expect(report.steps.find((s) => s.name === 'VERIFY')?.code).toBe('ERR_TRUST_UNKNOWN_KID');
  });

  it('refuses a DSC whose extended key usage excludes the certificate type', async () => {
    const dsc = await makeDsc({ ekus: ['1.3.6.1.4.1.1847.2021.1.1'] });
    const text = await encodeHc1(SAMPLE_HCERT, { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt });
    const report = await verifyHc1(text, dsc.trust, { now });
    expect(report.verdict).toBe('invalid');
    expect(report.steps.find((s) => s.name === 'KEYUSAGE')?.code).toBe('ERR_X509_KEY_USAGE');
  });

  it('detects any single changed byte of the signed COSE', async () => {
    const dsc = await makeDsc();
    const text = await encodeHc1(SAMPLE_HCERT, { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt });
    const { coseBytes } = decodeHc1(text);
    const { zlibDeflate } = await import('../compression/zlib');
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: coseBytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (index, xor) => {
          const mutated = coseBytes.slice();
          mutated[index]! ^= xor;
          const report = await verifyHc1(`HC1:${base45Encode(zlibDeflate(mutated))}`, dsc.trust, { now });
          expect(report.verdict).toBe('invalid');
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('decoder robustness', () => {
  it('base45 round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(base45Decode(base45Encode(bytes))).toEqual(bytes);
      }),
    );
  });

  it('random HC1 text only ever yields GreenlightError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (body) => {
        try {
          decodeHc1(`HC1:${body}`);
        } catch (error) {
          expect(error).toBeInstanceOf(GreenlightError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('random base45 of random bytes only ever yields GreenlightError or a report', async () => {
    const dsc = await makeDsc();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        const report = await verifyHc1(`HC1:${base45Encode(bytes)}`, dsc.trust, { now });
        expect(report.verdict).toBe('invalid');
        for (const step of report.steps) if (step.ok === false) expect(step.code).toMatch(/^ERR_/);
        expect(report.steps.some((s) => s.code === 'ERR_INTERNAL')).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('names the failing step for a wrong prefix', async () => {
    const dsc = await makeDsc();
    const report = await verifyHc1('HC2:6BFOXN', dsc.trust, { now });
    expect(report.steps).toEqual([
      {
        name: 'UNPREFIX',
        ok: false,
        code: 'ERR_HC1_PREFIX',
        message: 'text does not start with the HC1: context prefix',
      },
    ]);
  });
});
