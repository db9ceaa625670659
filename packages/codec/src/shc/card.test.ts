import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { zlibSync } from 'fflate';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { testdataPath } from '../../../../test/support/testdata.ts';
import { configureNodeQr } from '../node.ts';
import { type QrSymbol, qrPng, readQrImage, readQrSymbols } from '../qr/zxing.ts';
import type { VerificationReport } from '../report.ts';
import { extractShcJws, shcQrSymbolWarnings, verifyShc, verifyShcText } from './card.ts';
import { crlDocument, generateShcSigningKey, jwksDocument, shcQrText, signShc } from './issue.ts';
import { shcNumeric } from './numeric.ts';
import { ShcTrustStore } from './trust.ts';

const dir = testdataPath('shc', 'public');
const read = (name: string) => readFileSync(join(dir as string, name), 'utf8');
const ISS = 'https://spec.smarthealth.cards/examples/issuer';
const KID = '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s';
const AT = new Date('2022-05-31T00:00:00Z');

function exampleTrust(withCrl = true): ShcTrustStore {
  const store = new ShcTrustStore().addJwks(ISS, JSON.parse(read('issuer/.well-known/jwks.json')));
  if (withCrl) store.addCrl(ISS, JSON.parse(read(`issuer/.well-known/crl/${KID}.json`)));
  return store;
}

const step = (r: VerificationReport, name: string) => r.steps.find((s) => s.name === name);
const failures = (r: VerificationReport) => r.steps.filter((s) => s.ok === false).map((s) => s.code);

describe.skipIf(!dir)('the spec examples with the example issuer JWKS and CRL, at 2022-05-31', () => {
  it.each(['00', '01', '02'])('example %s is valid as a JWS, a file and QR text', async (n) => {
    const trust = exampleTrust();
    const qr = ['0', '1', '2']
      .map((i) => `example-${n}-f-qr-code-numeric-value-${i}.txt`)
      .filter((f) => {
        try {
          read(f);
          return true;
        } catch {
          return false;
        }
      })
      .map(read)
      .join('\n');
    for (const text of [read(`example-${n}-d-jws.txt`), read(`example-${n}-e-file.smart-health-card`), qr]) {
      const [report, ...more] = await verifyShcText(text, trust, { now: AT });
      expect(more).toEqual([]);
      expect(failures(report as VerificationReport)).toEqual([]);
      expect(report?.verdict).toBe('valid');
    }
  });

  it('reads the spec SVG QR images, including the three of 02 in any order', async () => {
    configureNodeQr();
    const svg = (name: string) => new Uint8Array(readFileSync(join(dir as string, name)));
    const [single] = await readQrImage(svg('example-00-g-qr-code-0.svg'));
    expect(single).toBe(read('example-00-f-qr-code-numeric-value-0.txt').trim());
    const texts: string[] = [];
    for (const i of [2, 0, 1]) texts.push(...(await readQrImage(svg(`example-02-g-qr-code-${i}.svg`))));
    const [report] = await verifyShcText(texts.join('\n'), exampleTrust(), { now: AT });
    expect(report?.verdict).toBe('valid');
  });

  it('reads the holder, the doses and the issuer of example 00', async () => {
    const [report] = await verifyShcText(read('example-00-d-jws.txt'), exampleTrust(), { now: AT });
    expect(report?.holder).toEqual({
      name: 'John B. Anyperson',
      familyName: 'Anyperson',
      givenName: 'John B.',
      dateOfBirth: '1951-01-20',
    });
    expect(report?.certificateType).toBe('vaccination');
    expect(report?.summary?.immunizations.map((i) => [i.date, i.code])).toEqual([
      ['2021-01-01', '207'],
      ['2021-01-29', '207'],
      ['2022-09-05', '229'],
    ]);
    expect(report?.signer).toMatchObject({ kid: KID, issuer: ISS });
    // The examples were regenerated in 2023: their nbf is after this date, which is a warning, not a failure.
    expect(step(report as VerificationReport, 'TIME')?.warnings?.[0]?.code).toBe('WARN_SHC_NBF_FUTURE');
    expect(step(report as VerificationReport, 'REVOCATION')?.ok).toBe(true);
  });

  it('02 is valid from its three chunks in every order, and says chunking is deprecated', async () => {
    const chunks = [0, 1, 2].map((i) => read(`example-02-f-qr-code-numeric-value-${i}.txt`).trim());
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
      [2, 0, 1],
    ];
    for (const order of orders) {
      const [report] = await verifyShcText(order.map((i) => chunks[i]).join('\n'), exampleTrust(), {
        now: AT,
      });
      expect(report?.verdict).toBe('valid');
      expect(step(report as VerificationReport, 'EXTRACT')?.warnings?.map((w) => w.code)).toContain(
        'WARN_SHC_CHUNKED',
      );
    }
    expect(() => extractShcJws(`${chunks[0]}\n${chunks[2]}`)).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_CHUNK_MISSING' }),
    );
    expect(() => extractShcJws(`${chunks[0]}\n${chunks[0]}\n${chunks[1]}`)).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_CHUNK_DUPLICATE' }),
    );
  });

  it('03 is rejected as revoked, and is unchecked (not rejected) without the CRL', async () => {
    const [revoked] = await verifyShcText(read('example-03-d-jws.txt'), exampleTrust(), { now: AT });
    expect(revoked?.verdict).toBe('invalid');
    expect(failures(revoked as VerificationReport)).toEqual(['ERR_SHC_REVOKED']);
    const [unknown] = await verifyShcText(read('example-03-d-jws.txt'), exampleTrust(false), { now: AT });
    expect(step(unknown as VerificationReport, 'REVOCATION')).toMatchObject({
      ok: null,
      warnings: [{ code: 'WARN_SHC_CRL_MISSING' }],
    });
  });

  it('03 is also expired after its exp', async () => {
    const [report] = await verifyShcText(read('example-03-d-jws.txt'), exampleTrust(), {
      now: new Date('2024-07-01T00:00:00Z'),
    });
    expect(failures(report as VerificationReport)).toEqual(['ERR_SHC_EXPIRED', 'ERR_SHC_REVOKED']);
  });

  it('01 fails through its x5c chain once the leaf certificate has expired', async () => {
    const [report] = await verifyShcText(read('example-01-d-jws.txt'), exampleTrust(), {
      now: new Date('2022-06-02T00:00:00Z'),
    });
    expect(failures(report as VerificationReport)).toEqual(['ERR_SHC_X5C_EXPIRED']);
    const [before] = await verifyShcText(read('example-01-d-jws.txt'), exampleTrust(), { now: AT });
    expect(step(before as VerificationReport, 'X5C')?.ok).toBe(true);
  });

  it('a future nbf fails when the caller enforces it', async () => {
    const [report] = await verifyShcText(read('example-00-d-jws.txt'), exampleTrust(), {
      now: AT,
      futureNbf: 'enforce',
    });
    expect(failures(report as VerificationReport)).toEqual(['ERR_SHC_NOT_YET_VALID']);
  });

  it('takes a FHIR $health-cards-issue Parameters response', async () => {
    const jws = read('example-00-d-jws.txt').trim();
    const parameters = JSON.stringify({
      resourceType: 'Parameters',
      parameter: [{ name: 'verifiableCredential', valueString: jws }],
    });
    const [report] = await verifyShcText(parameters, exampleTrust(), { now: AT });
    expect(report?.verdict).toBe('valid');
    expect(step(report as VerificationReport, 'EXTRACT')?.message).toBe('fhir-parameters');
  });

  it('bad input of every kind is a clear error, never a crash', async () => {
    const jws = read('example-00-d-jws.txt').trim();
    const [h, p, s] = jws.split('.') as [string, string, string];
    const trust = exampleTrust();
    const firstFailure = async (text: string) => {
      const [report] = await verifyShcText(text, trust, { now: AT });
      return failures(report as VerificationReport)[0];
    };
    expect(await firstFailure(`${h}.${p}!.${s}`)).toBe('ERR_SHC_INPUT');
    const direct = async (text: string) => failures(await verifyShc(text, trust, { now: AT }))[0];
    expect(await direct(`${h}.${p}.${s}=`)).toBe('ERR_JWS_BASE64URL');
    expect(await direct(`${h}.${p}.${s}AAAA`)).toBe('ERR_JWS_SIGNATURE_FORMAT');
    expect(await firstFailure(`${h}.${p.slice(0, 40)}.${s}`)).toBe('ERR_JWS_INFLATE');
    const edited = btoa(JSON.stringify({ zip: 'DEF', alg: 'ES256', kid: KID, typ: 'x' }))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    expect(await firstFailure(`${edited}.${p}.${s}`)).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    const hs256 = btoa(JSON.stringify({ zip: 'DEF', alg: 'HS256', kid: KID })).replace(/=+$/, '');
    expect(await firstFailure(`${hs256}.${p}.${s}`)).toBe('ERR_JWS_ALG');
    expect(await firstFailure('{"verifiableCredential": 3}')).toBe('ERR_SHC_INPUT');
    expect(await firstFailure('shc:/567629')).toBe('ERR_JWS_FORMAT');
    expect(await firstFailure('shc:/56762')).toBe('ERR_SHC_NUMERIC_ODD');
    expect(await firstFailure('shc:/5699')).toBe('ERR_SHC_NUMERIC_PAIR');

    const keys = JSON.parse(read('issuer/.well-known/jwks.json')).keys as Record<string, unknown>[];
    const withKey = async (change: Record<string, unknown>) => {
      const store = new ShcTrustStore().addJwks(ISS, {
        keys: keys.map((k) => (k.kid === KID ? { ...k, ...change } : k)),
      });
      const [report] = await verifyShcText(jws, store, { now: AT });
      return failures(report as VerificationReport);
    };
    expect(await withKey({ crv: 'P-384' })).toContain('ERR_SHC_KEY_CURVE');
    expect(await withKey({ use: 'enc' })).toContain('ERR_SHC_KEY_USE');
    expect(await withKey({ alg: 'ES384' })).toContain('ERR_SHC_KEY_ALG');
    expect(() => new ShcTrustStore().addJwks(ISS, 'not a key set')).toThrow(
      expect.objectContaining({ code: 'ERR_SHC_JWKS_FORMAT' }),
    );
    const [unknownIssuer] = await verifyShcText(jws, new ShcTrustStore(), { now: AT });
    expect(failures(unknownIssuer as VerificationReport)).toContain('ERR_SHC_ISSUER_UNKNOWN');
  });
});

describe('issuing', () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        fullUrl: 'resource:0',
        resource: {
          resourceType: 'Patient',
          name: [{ family: '김', given: ['민준'] }],
          birthDate: '1990-03-01',
        },
      },
      {
        fullUrl: 'resource:1',
        resource: {
          resourceType: 'Immunization',
          status: 'completed',
          vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '208' }] },
          patient: { reference: 'resource:0' },
          occurrenceDateTime: '2021-09-01',
        },
      },
    ],
  };
  const iss = 'https://greenlight.example/issuer';

  it('signs cards that the verifier accepts from QR text, and revokes them by rid', async () => {
    const key = await generateShcSigningKey();
    const jws = await signShc(
      { iss, nbf: new Date('2021-09-02T00:00:00Z'), fhirBundle: bundle, rid: 'abc123' },
      key,
    );
    const text = shcQrText(jws);
    expect(text).toMatch(/^shc:\/\d+$/);
    configureNodeQr();
    expect(await readQrImage(await qrPng(text))).toEqual([text]);
    const store = new ShcTrustStore().addJwks(iss, jwksDocument([{ ...key.publicJwk, crlVersion: 1 }]));
    store.addCrl(iss, crlDocument(key.kid, 1, []));
    const now = new Date('2022-01-01T00:00:00Z');
    const [report] = await verifyShcText(text, store, { now });
    expect(failures(report as VerificationReport)).toEqual([]);
    expect(report?.holder?.name).toBe('김민준');

    const revoking = new ShcTrustStore().addJwks(iss, jwksDocument([{ ...key.publicJwk, crlVersion: 2 }]));
    revoking.addCrl(
      iss,
      crlDocument(key.kid, 2, [{ rid: 'abc123', before: new Date('2021-10-01T00:00:00Z') }]),
    );
    expect(failures((await verifyShc(jws, revoking, { now })) as VerificationReport)).toEqual([
      'ERR_SHC_REVOKED',
    ]);
  });

  it('refuses a card too large for one QR code', async () => {
    const key = await generateShcSigningKey();
    const big = structuredClone(bundle) as typeof bundle & { entry: unknown[] };
    for (let i = 0; i < 60; i++)
      big.entry.push({
        fullUrl: `resource:${i + 2}`,
        resource: { ...bundle.entry[1]?.resource, lotNumber: crypto.randomUUID() },
      });
    const jws = await signShc({ iss, nbf: new Date(), fhirBundle: big }, key);
    expect(() => shcQrText(jws)).toThrow(expect.objectContaining({ code: 'ERR_SHC_TOO_LARGE_FOR_QR' }));
  });

  it('property: no text and no edit of a signed card crashes the verifier', async () => {
    const key = await generateShcSigningKey();
    const jws = await signShc({ iss, nbf: new Date('2021-09-02T00:00:00Z'), fhirBundle: bundle }, key);
    const store = new ShcTrustStore().addJwks(iss, jwksDocument([key.publicJwk]));
    const now = new Date('2022-01-01T00:00:00Z');
    const noInternal = (reports: VerificationReport[]) => {
      for (const r of reports) {
        expect(r.steps.every((s) => s.code !== 'ERR_INTERNAL')).toBe(true);
        if (r.verdict === 'valid') expect(r.steps.some((s) => s.name === 'VERIFY' && s.ok)).toBe(true);
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.string(), async (text) => noInternal(await verifyShcText(text, store, { now }))),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: jws.length - 2 }),
        fc.constantFrom(...'ABCabc012-_.'),
        async (index, char) => {
          const edited = jws.slice(0, index) + char + jws.slice(index + 1);
          const reports = await verifyShcText(edited, store, { now });
          noInternal(reports);
          if (edited !== jws) expect(reports[0]?.verdict).toBe('invalid');
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('near-misses are warnings, unusable revocation data fails closed', () => {
  const iss = 'https://greenlight.example/issuer';
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        fullUrl: 'resource:0',
        resource: {
          resourceType: 'Patient',
          name: [{ family: 'Kim', given: ['Minji'] }],
          birthDate: '1990-04-12',
        },
      },
      {
        fullUrl: 'resource:1',
        resource: {
          resourceType: 'Immunization',
          status: 'completed',
          vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '208' }] },
          patient: { reference: 'resource:0' },
          occurrenceDateTime: '2021-09-01',
        },
      },
    ],
  };
  const now = new Date('2022-01-01T00:00:00Z');
  const nbf = new Date('2021-09-02T00:00:00Z');

  async function card(crlVersion?: number) {
    const key = await generateShcSigningKey();
    const jws = await signShc({ iss, nbf, fhirBundle: bundle, rid: 'abc123' }, key);
    const jwks = jwksDocument([{ ...key.publicJwk, ...(crlVersion === undefined ? {} : { crlVersion }) }]);
    return { key, jws, jwks };
  }

  it('refuses a zlib-wrapped payload with ERR_SHC_ZLIB at INFLATE (the spec requires raw DEFLATE)', async () => {
    const { key, jwks } = await card();
    const claims = {
      iss,
      nbf: nbf.getTime() / 1000,
      vc: {
        type: ['https://smarthealth.cards#health-card'],
        credentialSubject: { fhirVersion: '4.0.1', fhirBundle: bundle },
      },
    };
    const wrapped = await new CompactSign(zlibSync(new TextEncoder().encode(JSON.stringify(claims))))
      .setProtectedHeader({ zip: 'DEF', alg: 'ES256', kid: key.kid })
      .sign(key.privateKey);
    const report = await verifyShc(wrapped, new ShcTrustStore().addJwks(iss, jwks), { now });
    expect(report.verdict).toBe('invalid');
    expect(report.steps.at(-1)).toMatchObject({ name: 'INFLATE', ok: false, code: 'ERR_SHC_ZLIB' });
  });

  it.each([
    ['an unknown method', { method: 'hash' }, 'ERR_SHC_CRL_METHOD'],
    ['a ctr below crlVersion', { ctr: 1 }, 'ERR_SHC_CRL_STALE'],
    ['a ctr above crlVersion', { ctr: 3 }, 'ERR_SHC_CRL_AHEAD'],
    ['a malformed rid', { rids: ['not base64url!'] }, 'ERR_SHC_CRL_RID'],
    ['a rid longer than 24 characters', { rids: ['A'.repeat(25)] }, 'ERR_SHC_CRL_RID'],
    ['a duplicate rid', { rids: ['xyz', 'xyz'] }, 'ERR_SHC_CRL_RID'],
  ])('a key with crlVersion whose CRL has %s fails the card closed', async (_, patch, code) => {
    const { key, jws, jwks } = await card(2);
    const store = new ShcTrustStore()
      .addJwks(iss, jwks)
      .addCrl(iss, { ...crlDocument(key.kid, 2, []), ...patch });
    const report = await verifyShc(jws, store, { now });
    expect(report.verdict).toBe('invalid');
    expect(failures(report)).toEqual([code]);
    expect(step(report, 'REVOCATION')?.ok).toBe(false);
  });

  it('a key with crlVersion and no CRL is an open step by default, and fails when the caller asks', async () => {
    const { jws, jwks } = await card(1);
    const store = new ShcTrustStore().addJwks(iss, jwks);
    const open = await verifyShc(jws, store, { now });
    expect(open.verdict).toBe('valid');
    expect(step(open, 'REVOCATION')).toMatchObject({
      ok: null,
      warnings: [{ code: 'WARN_SHC_CRL_MISSING' }],
    });
    const closed = await verifyShc(jws, store, { now, missingCrl: 'fail' });
    expect(closed.verdict).toBe('invalid');
    expect(failures(closed)).toEqual(['ERR_SHC_CRL_MISSING']);
  });

  it('warns on a byte-order mark, whitespace around the text, and a chunk over 1191 characters', async () => {
    const { jws, jwks } = await card();
    const store = new ShcTrustStore().addJwks(iss, jwks);
    const warningsOf = async (text: string) => {
      const [report] = await verifyShcText(text, store, { now });
      expect(report?.verdict).toBe('valid');
      return step(report as VerificationReport, 'EXTRACT')?.warnings?.map((w) => w.code) ?? [];
    };
    const qr = shcQrText(jws);
    expect(await warningsOf(qr)).toEqual([]);
    expect(await warningsOf(`\uFEFF${qr}`)).toEqual(['WARN_SHC_BOM']);
    expect(await warningsOf(`${qr} \n`)).toEqual(['WARN_SHC_WHITESPACE']);
    expect(await warningsOf(`\uFEFF${jws}\t`)).toEqual(['WARN_SHC_BOM', 'WARN_SHC_WHITESPACE']);
    expect(await warningsOf(`\uFEFF{"verifiableCredential":["${jws}"]}\n`)).toEqual(['WARN_SHC_BOM']);
    // A card padded with random text, split into two chunks of which the first is over the limit.
    const padding = Array.from({ length: 60 }, () => crypto.randomUUID()).join('');
    const big = await signShc(
      {
        iss,
        nbf,
        fhirBundle: {
          ...bundle,
          entry: [
            ...bundle.entry,
            { fullUrl: 'resource:2', resource: { resourceType: 'Basic', code: { text: padding } } },
          ],
        },
      },
      (await card()).key,
    );
    expect(big.length).toBeGreaterThan(1300);
    const parts = [big.slice(0, 1200)];
    for (let at = 1200; at < big.length; at += 1000) parts.push(big.slice(at, at + 1000));
    const chunks = parts.map((part, i) => `shc:/${i + 1}/${parts.length}/${shcNumeric(part).slice(5)}`);
    const extracted = extractShcJws(chunks.join('\n'));
    expect(extracted.jws).toEqual([big]);
    expect(extracted.warnings.map((w) => w.code)).toEqual(['WARN_SHC_CHUNK_TOO_LARGE', 'WARN_SHC_CHUNKED']);
    // One QR: over 1195 characters.
    expect(extractShcJws(shcNumeric(big)).warnings.map((w) => w.code)).toEqual(['WARN_SHC_QR_TOO_LARGE']);
  });

  it('passes QR facts from the image into EXTRACT warnings: version above 22 and a single segment', async () => {
    const { jws, jwks } = await card();
    const store = new ShcTrustStore().addJwks(iss, jwks);
    const text = shcQrText(jws);
    const codes = async (qrSymbols: QrSymbol[]) => {
      const [report] = await verifyShcText(text, store, { now, qrSymbols });
      expect(report?.verdict).toBe('valid');
      return step(report as VerificationReport, 'EXTRACT')?.warnings?.map((w) => w.code) ?? [];
    };
    expect(
      await codes([{ text, version: 22, ecLevel: 'L', firstSegment: { mode: 'byte', length: 5 } }]),
    ).toEqual([]);
    expect(
      await codes([{ text, version: 25, ecLevel: 'Q', firstSegment: { mode: 'byte', length: 5 } }]),
    ).toEqual(['WARN_SHC_QR_VERSION']);
    expect(
      await codes([{ text, version: 18, ecLevel: 'L', firstSegment: { mode: 'byte', length: text.length } }]),
    ).toEqual(['WARN_SHC_QR_SEGMENTS']);
    expect(await codes([{ text, version: 18, ecLevel: 'L' }])).toEqual([]);
    configureNodeQr();
    // Drawn as if it were HC1 text (level Q), the same digits need version 25: read from the image, above the limit.
    const fromImage = await readQrSymbols(await qrPng(`HC1:${text.slice(5)}`));
    expect(fromImage[0]?.version).toBeGreaterThan(22);
    const drawnAsHc1 = fromImage.map((symbol) => ({
      text,
      version: symbol.version,
      ecLevel: symbol.ecLevel,
    }));
    expect(await codes(drawnAsHc1)).toEqual(['WARN_SHC_QR_VERSION']);
    // The writer's own shc:/ QR of this card, at level L, is within the limit and gives no warning.
    const own = await readQrSymbols(await qrPng(text));
    expect(own[0]).toMatchObject({ ecLevel: 'L' });
    expect(own[0]?.version).toBeLessThanOrEqual(22);
    expect(await codes(own)).toEqual([]);
    expect(shcQrSymbolWarnings(await readQrSymbols(await qrPng('shc:/56'))).map((w) => w.code)).toEqual([
      'WARN_SHC_QR_SEGMENTS',
    ]);
  });
});
