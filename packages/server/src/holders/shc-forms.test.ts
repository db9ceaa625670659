/**
 * Every form of a SMART Health Card Greenlight issues (JWS, numeric QR text, QR image, `.smart-health-card` file,
 * paper pass), held against the conditions the SMART Health Cards validation SDK (smart-on-fhir/health-cards-dev-tools:
 * jws-compact, jws-payload, fhirBundle, qr, image, shcKeyValidator, crl-validator) reports as errors or warnings.
 * The SDK itself is not run here; its checks are restated against our own output.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import {
  jwkThumbprint,
  qrPng,
  readQrSymbols,
  ShcTrustStore,
  shcQrSymbolWarnings,
  shcQrText,
  verifyShcText,
} from '@greenlight/codec';
import { configureNodeQr } from '@greenlight/codec/node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityApp, TEST_SHC_ISSUER } from '../../test/authority-app.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { runIssuance } from '../issuance/job.ts';
import { KeyStore } from '../keys/store.ts';
import { ConsoleOtpSender, normaliseContact } from './otp.ts';

const SECRET = 'a test secret that is long enough to derive a key';
const now = new Date('2022-01-20T03:00:00Z');
const PERSON = '0190a000-0000-7000-8000-0000000000f1';
const CONTACT = '010-1000-0901';

const b64json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** Walks a FHIR resource, calling back with each object and its path of property names. */
function walk(value: unknown, path: string[], visit: (o: Record<string, unknown>, path: string[]) => void) {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, path, visit);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  visit(value as Record<string, unknown>, path);
  for (const [key, child] of Object.entries(value)) walk(child, [...path, key], visit);
}

function hasPdftoppm(): boolean {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The QR symbols on the first page of a PDF, rendered at 150 dpi by pdftoppm. */
async function qrOfPdf(pdf: Uint8Array) {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-pass-'));
  try {
    const file = join(dir, 'pass.pdf');
    execFileSync('sh', ['-c', 'cat > "$1"', 'sh', file], { input: pdf });
    execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', file, join(dir, 'page')]);
    return await readQrSymbols(new Uint8Array(readFileSync(join(dir, 'page.png'))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(DB_KINDS)('SMART Health Card forms against the validation SDK’s checks (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let token: string;
  let jws: string;
  const sender = new ConsoleOtpSender(() => undefined);
  beforeAll(async () => {
    t = await testDb(kind);
    const keys = new KeyStore(t.db, { secret: SECRET, now: () => now });
    await keys.ensure();
    await t.db.query(
      `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date, phone)
       VALUES ($1, 'KR-00000f1', '정', '서윤', 'JEONG', 'SEOYUN', '1975-09-09', '+82-10-1000-0901')`,
      [PERSON],
    );
    for (const [dose, day] of [
      [1, '2021-07-01'],
      [2, '2021-08-12'],
      [3, '2021-12-20'],
    ] as const) {
      await t.db.query(
        `INSERT INTO immunizations (person_id, dose_number, series_total, target, vaccine_type, product,
           manufacturer, administered_on, country, issuer)
         VALUES ($1, $2, 2, '840539006', '1119349007', 'EU/1/20/1528', 'ORG-100030215', $3, 'KR', 'KDCA')`,
        [PERSON, dose, day],
      );
    }
    await runIssuance(t.db, keys, { shcIssuer: TEST_SHC_ISSUER, now });
    app = await authorityApp(t.db, { keys, secret: SECRET, now: () => now, otpSender: sender });
    expect(
      (await app.inject({ method: 'POST', url: '/v1/auth/otp', payload: { contact: CONTACT } })).statusCode,
    ).toBe(200);
    const code = sender.codes.get(normaliseContact(CONTACT)) as string;
    const verified = await app.inject({
      method: 'POST',
      url: '/v1/auth/otp/verify',
      payload: { contact: CONTACT, code },
    });
    token = verified.json().token;
    const list = await app.inject({
      url: '/v1/me/certificates',
      headers: { authorization: `Bearer ${token}` },
    });
    jws = (list.json().certificates as { kind: string; text: string }[]).find((c) => c.kind === 'shc')
      ?.text as string;
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  const get = (url: string) => app.inject({ url, headers: { authorization: `Bearer ${token}` } });

  it('JWS: header alg ES256, zip DEF and a kid of the key set; 64-byte r‖s signature; raw DEFLATE; at most 1195 characters', async () => {
    const [header, payload, signature] = jws.split('.') as [string, string, string];
    expect(b64json(header)).toEqual({ zip: 'DEF', alg: 'ES256', kid: expect.any(String) });
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
    // Raw DEFLATE: no zlib header (0x78), and it inflates without one.
    const deflated = Buffer.from(payload, 'base64url');
    expect(deflated[0]).not.toBe(0x78);
    expect(() => inflateRawSync(deflated)).not.toThrow();
    expect(jws.length).toBeLessThanOrEqual(1195);
    expect(jws.trim()).toBe(jws);
    const keys = (await app.inject('/.well-known/jwks.json')).json().keys as { kid: string }[];
    expect(keys.map((k) => k.kid)).toContain(b64json(header).kid);
  });

  it('payload: https iss without a trailing /, nbf in seconds and not in the future, the health-card type, no @context, a rid', () => {
    const claims = JSON.parse(
      inflateRawSync(Buffer.from(jws.split('.')[1] as string, 'base64url')).toString(),
    );
    expect(Object.keys(claims).sort()).toEqual(['iss', 'nbf', 'vc']);
    expect(claims.iss).toBe(TEST_SHC_ISSUER);
    expect(claims.iss.startsWith('https://')).toBe(true);
    expect(claims.iss.endsWith('/')).toBe(false);
    expect(Number.isInteger(claims.nbf)).toBe(true);
    expect(claims.nbf).toBeLessThanOrEqual(Math.floor(now.getTime() / 1000));
    expect(claims.nbf).toBeGreaterThan(Date.UTC(2021, 0, 1) / 1000);
    expect(claims.vc).not.toHaveProperty('@context');
    expect(claims.vc.type).toEqual([
      'https://smarthealth.cards#health-card',
      'https://smarthealth.cards#immunization',
    ]);
    expect(claims.vc.credentialSubject.fhirVersion).toBe('4.0.1');
    expect(claims.vc.rid).toMatch(/^[A-Za-z0-9_-]{1,24}$/);
  });

  it('FHIR bundle: resource:N fullUrls and references, no id, meta or text, no Coding.display, no CodeableConcept.text', () => {
    const claims = JSON.parse(
      inflateRawSync(Buffer.from(jws.split('.')[1] as string, 'base64url')).toString(),
    );
    const bundle = claims.vc.credentialSubject.fhirBundle;
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('collection');
    expect(bundle.entry.length).toBe(4);
    bundle.entry.forEach((entry: { fullUrl: string; resource: Record<string, unknown> }, i: number) => {
      expect(entry.fullUrl).toBe(`resource:${i}`);
      for (const field of ['id', 'meta', 'text']) expect(entry.resource).not.toHaveProperty(field);
      walk(entry.resource, [String(entry.resource.resourceType)], (o, path) => {
        if ('reference' in o) expect(String(o.reference)).toMatch(/^resource:\d+$/);
        if ('system' in o && 'code' in o) expect(o, path.join('.')).not.toHaveProperty('display');
        if ('coding' in o) expect(o, path.join('.')).not.toHaveProperty('text');
      });
    });
    const immunizations = bundle.entry.filter(
      (e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Immunization',
    );
    expect(immunizations).toHaveLength(3);
  });

  it('numeric QR text and QR image: shc:/ then digits, no chunk header, version at most 22 at level L, byte then numeric segment', async () => {
    const text = shcQrText(jws);
    expect(text).toMatch(/^shc:\/[0-9]+$/);
    const pairs = text.slice(5).match(/\d\d/g) ?? [];
    expect(pairs.length * 2).toBe(text.length - 5);
    expect(Math.max(...pairs.map(Number))).toBeLessThanOrEqual(77);
    configureNodeQr();
    const symbols = await readQrSymbols(await qrPng(text));
    expect(symbols).toHaveLength(1);
    expect(symbols[0]).toMatchObject({ text, ecLevel: 'L', firstSegment: { mode: 'byte', length: 5 } });
    expect(symbols[0]?.version).toBeLessThanOrEqual(22);
    expect(shcQrSymbolWarnings(symbols)).toEqual([]);
  });

  it('.smart-health-card file from the API: application/smart-health-card, {"verifiableCredential":[jws]} and nothing else', async () => {
    const res = await get(`/v1/me/certificates/${PERSON}:shc/card.smart-health-card`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/smart-health-card/);
    expect(res.headers['content-disposition']).toContain('.smart-health-card');
    expect(JSON.parse(res.body)).toEqual({ verifiableCredential: [jws] });
    expect((await get(`/v1/me/certificates/${PERSON}:dcc/card.smart-health-card`)).statusCode).toBe(400);
    expect(
      (await get('/v1/me/certificates/0190a000-0000-7000-8000-00000000ffff:shc/card.smart-health-card'))
        .statusCode,
    ).toBe(404);
  });

  it('key set and CRL as the SDK fetches them: CORS, EC P-256 ES256 sig keys whose kid is the thumbprint, no d, ctr = crlVersion', async () => {
    const res = await app.inject({
      url: '/.well-known/jwks.json',
      headers: { origin: 'https://example.org' },
    });
    expect(['*', 'https://example.org']).toContain(res.headers['access-control-allow-origin']);
    for (const key of res.json().keys as Record<string, unknown>[]) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key).not.toHaveProperty('d');
      expect(key.kid).toBe(await jwkThumbprint({ kty: 'EC', crv: 'P-256', x: key.x, y: key.y } as never));
      const crl = (await app.inject(`/.well-known/crl/${key.kid}.json`)).json();
      expect(crl).toMatchObject({ kid: key.kid, method: 'rid', ctr: key.crlVersion });
      for (const rid of crl.rids) expect(rid).toMatch(/^[A-Za-z0-9_-]{1,24}$/);
    }
  });

  it('every form verifies with the codec’s own verifier from the published key set and CRLs', async () => {
    const jwks = (await app.inject('/.well-known/jwks.json')).json();
    const store = new ShcTrustStore().addJwks(TEST_SHC_ISSUER, jwks);
    for (const key of jwks.keys as { kid: string }[])
      store.addCrl(TEST_SHC_ISSUER, (await app.inject(`/.well-known/crl/${key.kid}.json`)).json());
    const file = (await get(`/v1/me/certificates/${PERSON}:shc/card.smart-health-card`)).body;
    for (const form of [jws, shcQrText(jws), file]) {
      const reports = await verifyShcText(form, store, { now, missingCrl: 'fail' });
      expect(reports.map((r) => r.verdict)).toEqual(['valid']);
      expect(reports[0]?.steps.flatMap((s) => s.warnings ?? [])).toEqual([]);
    }
  });

  it.skipIf(!hasPdftoppm())(
    'paper pass of the SHC: a PDF whose printed QR is the card at level L within version 22',
    async () => {
      const res = await get(`/v1/me/certificates/${PERSON}:shc/pass.pdf`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const symbols = await qrOfPdf(new Uint8Array(res.rawPayload));
      expect(symbols).toHaveLength(1);
      expect(symbols[0]).toMatchObject({ text: shcQrText(jws), ecLevel: 'L' });
      expect(symbols[0]?.version).toBeLessThanOrEqual(22);
      expect(shcQrSymbolWarnings(symbols)).toEqual([]);
      // The DCC's pass carries HC1 at level Q, as the hcert specification says.
      const dcc = await qrOfPdf(
        new Uint8Array((await get(`/v1/me/certificates/${PERSON}:dcc/pass.pdf`)).rawPayload),
      );
      expect(dcc[0]?.text.startsWith('HC1:')).toBe(true);
      expect(dcc[0]?.ecLevel).toBe('Q');
    },
  );
});
