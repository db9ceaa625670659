/**
 * Writes test/vectors/codec/<folder>/<case>.json: one file per fault input of the codec's technical checks, with
 * its expected outcome (verdict, failing steps with their codes, warning codes). Keys and signatures are made
 * fresh on each run, so re-running gives different (equally valid) files; the committed ones are what
 * `test/vectors/codec/vectors.test.ts` checks. Run: `npx tsx packages/codec/test/make-codec-vectors.mts [folder…]`;
 * with folder names, only those folders are rewritten, so a change to one kind does not churn every other file.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, zlibSync } from 'fflate';
import { CompactSign } from 'jose';
import { encodeHc1 } from '../src/dcc/hc1.ts';
import { bytesToBase64 } from '../src/encoding/bytes.ts';
import { configureNodeQr } from '../src/node.ts';
import { createPresentation } from '../src/presentation/glp1.ts';
import { qrPng } from '../src/qr/zxing.ts';
import { HEALTH_CARD_TYPE } from '../src/shc/card.ts';
import { crlDocument, generateShcSigningKey, jwksDocument, shcQrText, signShc } from '../src/shc/issue.ts';
import { shcNumeric } from '../src/shc/numeric.ts';
import { bindDevice, makeDsc, SAMPLE_HCERT } from './dcc-fixtures.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'vectors', 'codec');
type Failed = [step: string, code: string][];
interface Expected {
  verdict: 'valid' | 'invalid';
  failedSteps: Failed;
  warnings?: string[];
}

const only = process.argv.slice(2);
const selected = (folder: string) => only.length === 0 || only.includes(folder);

function write(folder: string, name: string, vector: Record<string, unknown>): void {
  if (!selected(folder)) return;
  mkdirSync(join(root, folder), { recursive: true });
  writeFileSync(join(root, folder, `${name}.json`), `${JSON.stringify(vector, null, 2)}\n`);
}
const expected = (verdict: Expected['verdict'], failedSteps: Failed = [], warnings?: string[]): Expected => ({
  verdict,
  failedSteps,
  ...(warnings ? { warnings } : {}),
});

for (const folder of [
  'hc1-keyusage',
  'hc1-events',
  'hc1-fields',
  'presentation',
  'shc-inflate',
  'shc-revocation',
  'shc-near-miss',
  'shc-fhir',
].filter(selected))
  rmSync(join(root, folder), { recursive: true, force: true });

// HC1
const issuedAt = new Date('2022-01-10T00:00:00Z');
const expiresAt = new Date('2023-01-10T00:00:00Z');
const now = '2022-06-01T03:00:00Z';
const V = SAMPLE_HCERT.v[0]!;
const TEST = {
  tg: '840539006',
  tt: 'LP6464-4',
  sc: '2022-01-10T10:00:00Z',
  tr: '260415000',
  tc: 'Seoul Test Centre',
  co: 'KR',
  is: 'Korea Disease Control and Prevention Agency',
  ci: 'URN:UVCI:01:KR:GREENLIGHT0002#Y',
};
const RECOVERY = {
  tg: '840539006',
  fr: '2021-12-20',
  df: '2022-01-01',
  du: '2022-06-30',
  co: 'KR',
  is: 'Korea Disease Control and Prevention Agency',
  ci: 'URN:UVCI:01:KR:GREENLIGHT0003#Z',
};
const { v: _v, ...PERSON } = SAMPLE_HCERT;

async function hc1(
  folder: string,
  name: string,
  description: string,
  hcert: object,
  want: Expected,
  ekus?: string[],
) {
  const dsc = await makeDsc(ekus ? { ekus } : {});
  const input = await encodeHc1(hcert as Record<string, unknown>, {
    signer: dsc.signer,
    issuer: 'KR',
    issuedAt,
    expiresAt,
  });
  write(folder, name, {
    description,
    format: 'hc1',
    input,
    dscs: [bytesToBase64(dsc.der)],
    now,
    expected: want,
  });
}

const TLS_CLIENT = '1.3.6.1.5.5.7.3.2';
const EMAIL = '1.3.6.1.5.5.7.3.4';
await hc1(
  'hc1-keyusage',
  'tls-and-email-only',
  "a DSC whose EKU lists only TLS client auth and e-mail protection (Spain's) signs a vaccination",
  SAMPLE_HCERT,
  expected('valid'),
  [TLS_CLIENT, EMAIL],
);
await hc1(
  'hc1-keyusage',
  'tls-and-email-only-test',
  'the same kind of DSC signs a test',
  { ...PERSON, t: [TEST] },
  expected('valid'),
  [TLS_CLIENT, EMAIL],
);
await hc1(
  'hc1-keyusage',
  'no-eku',
  'a DSC without an EKU extension signs a recovery',
  { ...PERSON, r: [RECOVERY] },
  expected('valid'),
);
await hc1(
  'hc1-keyusage',
  'test-oid-signs-vaccination',
  'a DSC limited to tests (…2021.1.1) may not sign a vaccination',
  SAMPLE_HCERT,
  expected('invalid', [['KEYUSAGE', 'ERR_X509_KEY_USAGE']]),
  ['1.3.6.1.4.1.1847.2021.1.1'],
);
await hc1(
  'hc1-keyusage',
  'alt-arc-vaccination-signs-recovery',
  'a DSC limited to vaccinations in the .0. arc, beside TLS, may not sign a recovery',
  { ...PERSON, r: [RECOVERY] },
  expected('invalid', [['KEYUSAGE', 'ERR_X509_KEY_USAGE']]),
  [TLS_CLIENT, '1.3.6.1.4.1.0.1847.2021.1.2'],
);
await hc1(
  'hc1-keyusage',
  'alt-arc-vaccination-signs-vaccination',
  'a DSC limited to vaccinations in the .0. arc signs a vaccination',
  SAMPLE_HCERT,
  expected('valid'),
  ['1.3.6.1.4.1.0.1847.2021.1.2'],
);

const events = expected('invalid', [['EVENTS', 'ERR_HCERT_EVENTS']]);
await hc1(
  'hc1-events',
  'vaccination-and-test',
  'a vaccination and a test in one payload',
  { ...SAMPLE_HCERT, t: [TEST] },
  events,
);
await hc1(
  'hc1-events',
  'vaccination-and-exemption',
  'a vaccination and a Greenlight exemption in one payload',
  {
    ...SAMPLE_HCERT,
    e: [
      { tg: '840539006', es: 'medical', df: '2022-01-01', du: '2022-03-31', co: 'KR', is: 'KDCA', ci: 'x' },
    ],
  },
  events,
);
await hc1('hc1-events', 'empty-v', 'an empty vaccination list', { ...PERSON, v: [] }, events);
await hc1(
  'hc1-events',
  'two-v',
  'two vaccination entries',
  { ...PERSON, v: [V, { ...V, dn: 2, dt: '2021-11-01' }] },
  events,
);
await hc1('hc1-events', 'no-event', 'a person and no event at all', PERSON, events);
await hc1('hc1-events', 'v-object', 'v as an object instead of a list', { ...PERSON, v: V }, events);
await hc1(
  'hc1-events',
  'one-exemption',
  'one Greenlight exemption entry',
  {
    ...PERSON,
    e: [
      {
        tg: '840539006',
        es: 'medical',
        df: '2022-01-01',
        du: '2022-12-31',
        co: 'KR',
        is: 'KDCA',
        ci: 'URN:UVCI:01:KR:E1',
      },
    ],
  },
  expected('valid'),
);

const field = (code: string): Expected => expected('invalid', [['FIELDS', code]]);
await hc1(
  'hc1-fields',
  'sc-without-offset',
  'a test time without an offset (2022-01-10T10:00:00): refused, not read in the host zone',
  { ...PERSON, t: [{ ...TEST, sc: '2022-01-10T10:00:00' }] },
  field('ERR_HCERT_DATE'),
);
await hc1(
  'hc1-fields',
  'sc-bare-date',
  'a test time that is only a date',
  { ...PERSON, t: [{ ...TEST, sc: '2022-01-10' }] },
  field('ERR_HCERT_DATE'),
);
await hc1(
  'hc1-fields',
  'sc-with-seoul-offset',
  'a test time with +09:00',
  { ...PERSON, t: [{ ...TEST, sc: '2022-01-10T19:00:00+09:00' }] },
  expected('valid'),
);
await hc1(
  'hc1-fields',
  'dt-february-30',
  'a vaccination on 2021-02-30',
  { ...PERSON, v: [{ ...V, dt: '2021-02-30' }] },
  field('ERR_HCERT_DATE'),
);
await hc1(
  'hc1-fields',
  'dt-local-date-time',
  'a vaccination date written as a local date-time',
  { ...PERSON, v: [{ ...V, dt: '2021-12-01T09:00:00' }] },
  field('ERR_HCERT_DATE'),
);
await hc1(
  'hc1-fields',
  'dt-date-time-with-offset',
  'a vaccination date written as a date-time with an offset (issuers do)',
  { ...PERSON, v: [{ ...V, dt: '2021-12-01T09:00:00+09:00' }] },
  expected('valid'),
);
await hc1(
  'hc1-fields',
  'du-june-31',
  'a recovery valid until 2022-06-31',
  { ...PERSON, r: [{ ...RECOVERY, du: '2022-06-31' }] },
  field('ERR_HCERT_DATE'),
);
await hc1(
  'hc1-fields',
  'dob-february-29-1990',
  'a birth date 1990-02-29 (not a leap year)',
  { ...SAMPLE_HCERT, dob: '1990-02-29' },
  field('ERR_HCERT_DATE'),
);
await hc1(
  'hc1-fields',
  'dob-year-only',
  'a birth date known to the year only',
  { ...SAMPLE_HCERT, dob: '1990' },
  expected('valid'),
);
await hc1(
  'hc1-fields',
  'dn-zero',
  'dose number 0',
  { ...PERSON, v: [{ ...V, dn: 0 }] },
  field('ERR_HCERT_DOSE'),
);
await hc1(
  'hc1-fields',
  'dn-absurd',
  'dose number 1000',
  { ...PERSON, v: [{ ...V, dn: 1000, sd: 1000 }] },
  field('ERR_HCERT_DOSE'),
);
await hc1(
  'hc1-fields',
  'dn-fraction',
  'dose number 2.5',
  { ...PERSON, v: [{ ...V, dn: 2.5 }] },
  field('ERR_HCERT_DOSE'),
);
await hc1(
  'hc1-fields',
  'sd-string',
  'total doses as the string "2"',
  { ...PERSON, v: [{ ...V, sd: '2' }] },
  field('ERR_HCERT_DOSE'),
);
await hc1(
  'hc1-fields',
  'booster-3-of-2',
  'a booster: dose 3 of a 2-dose series',
  { ...PERSON, v: [{ ...V, dn: 3, sd: 2 }] },
  expected('valid'),
);
await hc1(
  'hc1-fields',
  'mp-number',
  'a product code that is a number',
  { ...PERSON, v: [{ ...V, mp: 1528 }] },
  field('ERR_HCERT_FIELD_TYPE'),
);
await hc1(
  'hc1-fields',
  'family-name-number',
  'a family name that is a number',
  { ...SAMPLE_HCERT, nam: { ...SAMPLE_HCERT.nam, fn: 7 } },
  field('ERR_HCERT_FIELD_TYPE'),
);

// The presentation QR wraps an HC1: the same decisive step holds.
{
  const dsc = await makeDsc();
  const cert = await encodeHc1(
    { ...PERSON, v: [V, V] },
    { signer: dsc.signer, issuer: 'KR', issuedAt, expiresAt },
  );
  const { device, binding } = await bindDevice(dsc.signer, cert, { from: issuedAt, until: expiresAt });
  const at = new Date(now);
  const input = await createPresentation({
    certificate: cert,
    binding,
    deviceKey: device.privateKey,
    now: at,
  });
  write('presentation', 'two-v', {
    description: 'a presentation QR whose certificate holds two vaccination entries',
    format: 'presentation',
    input,
    dscs: [bytesToBase64(dsc.der)],
    now,
    expected: expected('invalid', [['EVENTS', 'ERR_HCERT_EVENTS']]),
  });
}

// SMART Health Cards
const ISS = 'https://greenlight.example/issuer';
const shcNow = '2022-01-01T00:00:00Z';
const nbf = new Date('2021-09-02T00:00:00Z');
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

async function shc(
  folder: string,
  name: string,
  description: string,
  make: (k: Awaited<ReturnType<typeof generateShcSigningKey>>) => Promise<{
    input: string;
    crls?: unknown[];
    crlVersion?: number;
    options?: object;
    qrSymbols?: object[];
    image?: string;
  }>,
  want: Expected,
) {
  const key = await generateShcSigningKey();
  const made = await make(key);
  const jwks = jwksDocument([
    { ...key.publicJwk, ...(made.crlVersion === undefined ? {} : { crlVersion: made.crlVersion }) },
  ]);
  write(folder, name, {
    description,
    format: 'shc',
    ...(made.image ? { image: made.image } : { input: made.input }),
    trust: { iss: ISS, jwks, crls: made.crls ?? [] },
    ...(made.options ? { options: made.options } : {}),
    ...(made.qrSymbols ? { qrSymbols: made.qrSymbols } : {}),
    now: shcNow,
    expected: want,
  });
}
const card = (key: Awaited<ReturnType<typeof generateShcSigningKey>>, extra: object = {}) =>
  signShc({ iss: ISS, nbf, fhirBundle: bundle, rid: 'abc123', ...extra }, key);

await shc(
  'shc-inflate',
  'zlib-wrapped',
  'a payload compressed with zlib instead of raw DEFLATE',
  async (key) => {
    const claims = {
      iss: ISS,
      nbf: nbf.getTime() / 1000,
      vc: { type: [HEALTH_CARD_TYPE], credentialSubject: { fhirVersion: '4.0.1', fhirBundle: bundle } },
    };
    const input = await new CompactSign(zlibSync(new TextEncoder().encode(JSON.stringify(claims))))
      .setProtectedHeader({ zip: 'DEF', alg: 'ES256', kid: key.kid })
      .sign(key.privateKey);
    return { input };
  },
  expected('invalid', [['INFLATE', 'ERR_SHC_ZLIB']]),
);
await shc(
  'shc-inflate',
  'raw-deflate',
  'the same card in raw DEFLATE',
  async (key) => ({ input: await card(key) }),
  expected('valid'),
);

const crl = (key: { kid: string }, patch: object) => ({ ...crlDocument(key.kid, 2, []), ...patch });
const closed = (code: string) => expected('invalid', [['REVOCATION', code]]);
await shc(
  'shc-revocation',
  'good-crl',
  'crlVersion 2 and a good CRL with ctr 2 that does not list the card',
  async (key) => ({
    input: await card(key),
    crlVersion: 2,
    crls: [crl(key, { rids: ['other1', 'other2.1600000000'] })],
  }),
  expected('valid'),
);
await shc(
  'shc-revocation',
  'listed',
  'crlVersion 2 and a CRL that lists the card',
  async (key) => ({ input: await card(key), crlVersion: 2, crls: [crl(key, { rids: ['abc123'] })] }),
  closed('ERR_SHC_REVOKED'),
);
await shc(
  'shc-revocation',
  'listed-after-issuance',
  'a timestamped entry from before the card was issued does not revoke it',
  async (key) => ({
    input: await card(key),
    crlVersion: 2,
    crls: [crl(key, { rids: [`abc123.${nbf.getTime() / 1000 - 1}`] })],
  }),
  expected('valid'),
);
await shc(
  'shc-revocation',
  'unknown-method',
  'crlVersion 2 and a CRL whose method is not rid',
  async (key) => ({ input: await card(key), crlVersion: 2, crls: [crl(key, { method: 'hash' })] }),
  closed('ERR_SHC_CRL_METHOD'),
);
await shc(
  'shc-revocation',
  'stale-ctr',
  'crlVersion 3 and a CRL with ctr 2',
  async (key) => ({ input: await card(key), crlVersion: 3, crls: [crl(key, {})] }),
  closed('ERR_SHC_CRL_STALE'),
);
await shc(
  'shc-revocation',
  'stale-but-listed',
  'crlVersion 3 and a CRL with ctr 2 that lists the card: still revoked',
  async (key) => ({ input: await card(key), crlVersion: 3, crls: [crl(key, { rids: ['abc123'] })] }),
  closed('ERR_SHC_REVOKED'),
);
await shc(
  'shc-revocation',
  'ctr-zero',
  'crlVersion 2 and a CRL with ctr 0',
  async (key) => ({ input: await card(key), crlVersion: 2, crls: [crl(key, { ctr: 0 })] }),
  closed('ERR_SHC_CRL_CTR'),
);
await shc(
  'shc-revocation',
  'rid-not-base64url',
  'a CRL entry with characters outside base64url',
  async (key) => ({ input: await card(key), crlVersion: 2, crls: [crl(key, { rids: ['abc/123+'] })] }),
  closed('ERR_SHC_CRL_RID'),
);
await shc(
  'shc-revocation',
  'rid-too-long',
  'a CRL entry of 25 characters',
  async (key) => ({ input: await card(key), crlVersion: 2, crls: [crl(key, { rids: ['A'.repeat(25)] })] }),
  closed('ERR_SHC_CRL_RID'),
);
await shc(
  'shc-revocation',
  'rid-bad-timestamp',
  'a CRL entry whose timestamp is not a number',
  async (key) => ({ input: await card(key), crlVersion: 2, crls: [crl(key, { rids: ['other1.soon'] })] }),
  closed('ERR_SHC_CRL_RID'),
);
await shc(
  'shc-revocation',
  'rid-duplicate',
  'a CRL that lists an entry twice',
  async (key) => ({
    input: await card(key),
    crlVersion: 2,
    crls: [crl(key, { rids: ['other1', 'other1'] })],
  }),
  closed('ERR_SHC_CRL_RID'),
);
await shc(
  'shc-revocation',
  'rid-twice-with-timestamps',
  'a CRL that lists one rid twice with different timestamps (which cut-off holds is ambiguous)',
  async (key) => ({
    input: await card(key),
    crlVersion: 2,
    crls: [crl(key, { rids: ['other1.1600000000', 'other1.1700000000'] })],
  }),
  closed('ERR_SHC_CRL_RID'),
);
await shc(
  'shc-revocation',
  'crl-ahead-of-key',
  'crlVersion 1 and a CRL with ctr 2: the key set held is older than the CRL, which cannot be relied on',
  async (key) => ({ input: await card(key), crlVersion: 1, crls: [crl(key, {})] }),
  closed('ERR_SHC_CRL_AHEAD'),
);
await shc(
  'shc-revocation',
  'ahead-but-listed',
  'crlVersion 1 and a CRL with ctr 2 that lists the card: still revoked',
  async (key) => ({ input: await card(key), crlVersion: 1, crls: [crl(key, { rids: ['abc123'] })] }),
  closed('ERR_SHC_REVOKED'),
);
await shc(
  'shc-revocation',
  'no-crl',
  'crlVersion 1 and no CRL: the step is open, with a warning',
  async (key) => ({ input: await card(key), crlVersion: 1 }),
  expected('valid', [], ['WARN_SHC_CRL_MISSING']),
);
await shc(
  'shc-revocation',
  'no-crl-required',
  'crlVersion 1, no CRL, and the caller requires one',
  async (key) => ({ input: await card(key), crlVersion: 1, options: { missingCrl: 'fail' } }),
  closed('ERR_SHC_CRL_MISSING'),
);

await shc(
  'shc-near-miss',
  'byte-order-mark',
  'QR text that starts with U+FEFF',
  async (key) => ({ input: `\uFEFF${shcQrText(await card(key))}` }),
  expected('valid', [], ['WARN_SHC_BOM']),
);
await shc(
  'shc-near-miss',
  'trailing-whitespace',
  'QR text with a trailing space and newline',
  async (key) => ({ input: `${shcQrText(await card(key))} \n` }),
  expected('valid', [], ['WARN_SHC_WHITESPACE']),
);
const padded = async (key: Awaited<ReturnType<typeof generateShcSigningKey>>) =>
  signShc(
    {
      iss: ISS,
      nbf,
      fhirBundle: {
        ...bundle,
        entry: [
          ...bundle.entry,
          {
            fullUrl: 'resource:2',
            resource: {
              resourceType: 'Basic',
              code: { text: Array.from({ length: 40 }, () => crypto.randomUUID()).join('') },
            },
          },
        ],
      },
    },
    key,
  );
await shc(
  'shc-near-miss',
  'single-qr-too-large',
  'a JWS over 1195 characters in one QR text',
  async (key) => ({ input: shcNumeric(await padded(key)) }),
  expected('valid', [], ['WARN_SHC_QR_TOO_LARGE']),
);
await shc(
  'shc-near-miss',
  'chunk-too-large',
  'two chunks, the first carrying 1200 JWS characters',
  async (key) => {
    const jws = await padded(key);
    const parts = [jws.slice(0, 1200), jws.slice(1200)];
    return { input: parts.map((p, i) => `shc:/${i + 1}/2/${shcNumeric(p).slice(5)}`).join('\n') };
  },
  expected('valid', [], ['WARN_SHC_CHUNK_TOO_LARGE', 'WARN_SHC_CHUNKED']),
);
await shc(
  'shc-near-miss',
  'single-segment',
  'a QR whose symbol holds the whole text in one byte segment (facts as readQrSymbols gives them)',
  async (key) => {
    const input = shcQrText(await card(key));
    return {
      input,
      qrSymbols: [
        { text: input, version: 18, ecLevel: 'L', firstSegment: { mode: 'byte', length: input.length } },
      ],
    };
  },
  expected('valid', [], ['WARN_SHC_QR_SEGMENTS']),
);
configureNodeQr();
await shc(
  'shc-near-miss',
  'qr-version-25',
  'a QR image at version 25 (level Q), above the 22 the spec allows',
  async (key) => ({
    input: '',
    image: bytesToBase64(
      await qrPng(
        shcQrText(
          await card(key, {
            fhirBundle: {
              ...bundle,
              entry: [
                ...bundle.entry,
                {
                  fullUrl: 'resource:2',
                  resource: {
                    resourceType: 'Basic',
                    code: { text: Array.from({ length: 8 }, () => crypto.randomUUID()).join('') },
                  },
                },
              ],
            },
          }),
        ),
      ),
    ),
  }),
  expected('valid', [], ['WARN_SHC_QR_VERSION']),
);

await shc(
  'shc-near-miss',
  'payload-byte-order-mark',
  'a payload whose JSON starts with U+FEFF',
  async (key) => {
    const claims = {
      iss: ISS,
      nbf: nbf.getTime() / 1000,
      vc: { type: [HEALTH_CARD_TYPE], credentialSubject: { fhirVersion: '4.0.1', fhirBundle: bundle } },
    };
    const input = await new CompactSign(
      deflateSync(new TextEncoder().encode(`\uFEFF${JSON.stringify(claims)}`)),
    )
      .setProtectedHeader({ zip: 'DEF', alg: 'ES256', kid: key.kid })
      .sign(key.privateKey);
    return { input };
  },
  expected('valid', [], ['WARN_SHC_BOM']),
);

// FHIR's own types, decisively: a record a verdict would have to guess at is refused (SDK data: status
// "Completed"/"Partial", a vaccineCode without coding, occurrence missing or doubled, a dangling reference).
const withImmunization = (patch: Record<string, unknown>) => ({
  ...bundle,
  entry: bundle.entry.map((e, i) => (i === 1 ? { ...e, resource: { ...e.resource, ...patch } } : e)),
});
const fhirCase = async (name: string, description: string, patch: Record<string, unknown>, want: Expected) =>
  shc(
    'shc-fhir',
    name,
    description,
    async (key) => ({ input: await card(key, { fhirBundle: withImmunization(patch) }) }),
    want,
  );
const malformed = (code: string) => expected('invalid', [['FHIR', code]]);
await fhirCase(
  'status-capitalised',
  'Immunization.status "Completed": not a code of its value set',
  { status: 'Completed' },
  malformed('ERR_SHC_FHIR_FIELD'),
);
await fhirCase(
  'status-partial',
  'Immunization.status "partial": not a code of its value set',
  { status: 'partial' },
  malformed('ERR_SHC_FHIR_FIELD'),
);
await fhirCase(
  'vaccine-without-coding',
  'vaccineCode is an empty object',
  { vaccineCode: {} },
  malformed('ERR_SHC_FHIR_FIELD'),
);
await fhirCase(
  'no-occurrence',
  'an Immunization with no occurrence[x]',
  { occurrenceDateTime: undefined },
  malformed('ERR_SHC_FHIR_FIELD'),
);
await fhirCase(
  'two-occurrences',
  'occurrenceDateTime and occurrenceString both',
  { occurrenceString: '2021-09-01' },
  malformed('ERR_SHC_FHIR_FIELD'),
);
await fhirCase(
  'date-february-30',
  'occurrenceDateTime 2021-02-30',
  { occurrenceDateTime: '2021-02-30' },
  malformed('ERR_SHC_FHIR_FIELD'),
);
await fhirCase(
  'local-date-time',
  'occurrenceDateTime with a time and no offset',
  { occurrenceDateTime: '2021-09-01T10:00:00' },
  malformed('ERR_SHC_FHIR_FIELD'),
);
await fhirCase(
  'dangling-patient',
  'patient references "resource0", which no entry is',
  { patient: { reference: 'resource0' } },
  malformed('ERR_SHC_FHIR_REFERENCE'),
);
await fhirCase(
  'not-done',
  'a well-formed Immunization with status not-done: valid card, the record left out with a warning',
  { status: 'not-done' },
  expected('valid', [], ['WARN_SHC_FHIR_IMMUNIZATION']),
);
await fhirCase(
  'date-time-with-offset',
  'occurrenceDateTime with a time and its offset',
  { occurrenceDateTime: '2021-09-01T10:00:00+09:00' },
  expected('valid'),
);
console.log(`wrote vectors under ${root}`);
