import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindDevice, makeDsc, SAMPLE_HCERT } from '../../test/dcc-fixtures.ts';
import { base45Decode, base45Encode } from '../encoding/base45.ts';
import { GreenlightError } from '../errors.ts';
import { createPresentation, verifyPresentation } from '../presentation/glp1.ts';
import { decodeHc1, encodeHc1, verifyHc1 } from './hc1.ts';

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

  it.each([
    [
      'only non-DCC purposes (TLS client auth, e-mail protection)',
      ['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.4'],
      'valid',
    ],
    ['the vaccination OID', ['1.3.6.1.4.1.1847.2021.1.2'], 'valid'],
    [
      'the vaccination OID in the .0. arc, among TLS purposes',
      ['1.3.6.1.5.5.7.3.2', '1.3.6.1.4.1.0.1847.2021.1.2'],
      'valid',
    ],
    ['the test OID only', ['1.3.6.1.4.1.1847.2021.1.1'], 'invalid'],
    [
      'the recovery OID in the .0. arc, among TLS purposes',
      ['1.3.6.1.5.5.7.3.2', '1.3.6.1.4.1.0.1847.2021.1.3'],
      'invalid',
    ],
  ] as const)(
    'reads a DSC whose EKU lists %s as DCC key usage says (hcert spec, Appendix A)',
    async (_, ekus, verdict) => {
      const dsc = await makeDsc({ ekus: [...ekus] });
      const text = await encodeHc1(SAMPLE_HCERT, { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt });
      const report = await verifyHc1(text, dsc.trust, { now });
      expect(report.verdict).toBe(verdict);
      expect(report.steps.find((s) => s.name === 'KEYUSAGE')?.ok).toBe(verdict === 'valid');
    },
  );

  it('keeps the strict EKU reading as an option', async () => {
    const dsc = await makeDsc({ ekus: ['1.3.6.1.5.5.7.3.2'] });
    const text = await encodeHc1(SAMPLE_HCERT, { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt });
    const report = await verifyHc1(text, dsc.trust, { now, ekuPolicy: 'strict' });
    expect(report.steps.find((s) => s.name === 'KEYUSAGE')?.code).toBe('ERR_X509_KEY_USAGE');
  });

  it('detects any single changed byte of the signed COSE', async () => {
    const dsc = await makeDsc();
    const text = await encodeHc1(SAMPLE_HCERT, { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt });
    const { coseBytes } = decodeHc1(text);
    const { zlibDeflate } = await import('../compression/zlib.ts');
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

describe('technical checks of the payload (decisive)', () => {
  const V = SAMPLE_HCERT.v[0]!;
  const TEST = {
    tg: '840539006',
    tt: 'LP6464-4',
    sc: '2022-01-10T10:00:00Z',
    tr: '260415000',
    co: 'KR',
    is: 'KDCA',
    ci: 'URN:UVCI:01:KR:T1',
  };
  it.each([
    ['a vaccination and a test', { ...SAMPLE_HCERT, t: [TEST] }, 'EVENTS', 'ERR_HCERT_EVENTS'],
    ['an empty v', { ...SAMPLE_HCERT, v: [] }, 'EVENTS', 'ERR_HCERT_EVENTS'],
    ['two v entries', { ...SAMPLE_HCERT, v: [V, { ...V, dn: 2 }] }, 'EVENTS', 'ERR_HCERT_EVENTS'],
    [
      'sc without an offset',
      { ...SAMPLE_HCERT, v: undefined, t: [{ ...TEST, sc: '2022-01-10T10:00:00' }] },
      'FIELDS',
      'ERR_HCERT_DATE',
    ],
    ['dt 2021-02-30', { ...SAMPLE_HCERT, v: [{ ...V, dt: '2021-02-30' }] }, 'FIELDS', 'ERR_HCERT_DATE'],
    ['dn 0', { ...SAMPLE_HCERT, v: [{ ...V, dn: 0 }] }, 'FIELDS', 'ERR_HCERT_DOSE'],
    ['sd 99', { ...SAMPLE_HCERT, v: [{ ...V, sd: 99 }] }, 'FIELDS', 'ERR_HCERT_DOSE'],
    ['mp as a number', { ...SAMPLE_HCERT, v: [{ ...V, mp: 1528 }] }, 'FIELDS', 'ERR_HCERT_FIELD_TYPE'],
  ])('a correctly signed payload with %s is invalid at its step', async (_, hcert, step, code) => {
    const dsc = await makeDsc();
    const text = await encodeHc1(hcert, { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt });
    const report = await verifyHc1(text, dsc.trust, { now });
    expect(report.verdict).toBe('invalid');
    expect(report.steps.find((s) => s.name === 'VERIFY')?.ok).toBe(true);
    expect(report.steps.filter((s) => s.ok === false).map((s) => [s.name, s.code])).toEqual([[step, code]]);
  });

  it('names both steps, in order, after VERIFY', async () => {
    const dsc = await makeDsc();
    const text = await encodeHc1(SAMPLE_HCERT, { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt });
    const names = (await verifyHc1(text, dsc.trust, { now })).steps.map((s) => s.name);
    expect(names.slice(names.indexOf('VERIFY'), names.indexOf('VERIFY') + 3)).toEqual([
      'VERIFY',
      'EVENTS',
      'FIELDS',
    ]);
  });

  it('holds for a presentation QR, which wraps the HC1', async () => {
    const dsc = await makeDsc();
    const hc1 = await encodeHc1(
      { ...SAMPLE_HCERT, v: [V, V] },
      { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt },
    );
    const { device, binding } = await bindDevice(dsc.signer, hc1, { from: issuedAt, until: expiresAt });
    const text = await createPresentation({ certificate: hc1, binding, deviceKey: device.privateKey, now });
    const report = await verifyPresentation(text, dsc.trust, { now });
    expect(report.verdict).toBe('invalid');
    expect(report.steps.filter((s) => s.ok === false).map((s) => s.code)).toEqual(['ERR_HCERT_EVENTS']);
    expect(report.steps.find((s) => s.name === 'PROOF')?.ok).toBe(true);
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
