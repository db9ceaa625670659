import {
  bytesToBase64,
  createPresentation,
  DscTrustList,
  exportDevicePublicKey,
  generateDeviceKey,
  verifyPresentation,
} from '@greenlight/codec';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityApp } from '../../test/authority-app.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { runIssuance } from '../issuance/job.ts';
import { KeyStore, publishedKeys } from '../keys/store.ts';
import { ConsoleOtpSender, normaliseContact } from './otp.ts';

const SECRET = 'a test secret that is long enough to derive a key';
let clock = new Date('2022-01-20T03:00:00Z');

async function seed(t: TestDb) {
  const people = [
    ['0190a000-0000-7000-8000-000000000001', 'P1', '김', '민준', '1985-03-01', '+82-10-1000-0001', null],
    [
      '0190a000-0000-7000-8000-000000000002',
      'P2',
      '김',
      '하늘',
      '2015-05-05',
      null,
      '0190a000-0000-7000-8000-000000000001',
    ],
    ['0190a000-0000-7000-8000-000000000003', 'P3', 'Lee', 'Jane', '1990-01-01', '+82-10-1000-0003', null],
  ];
  for (const [id, ext, fn, gn, dob, phone, guardian] of people) {
    await t.db.query(
      `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date, phone,
         guardian_id) VALUES ($1, $2, $3, $4, 'X', 'Y', $5, $6, $7)`,
      [id, ext, fn, gn, dob, phone, guardian],
    );
    await t.db.query(
      `INSERT INTO immunizations (person_id, dose_number, series_total, target, vaccine_type, product, manufacturer,
         administered_on, country, issuer)
       VALUES ($1, 3, 2, '840539006', '1119349007', 'EU/1/20/1528', 'ORG-100030215', '2021-12-01', 'KR', 'KDCA')`,
      [id],
    );
  }
}

describe.each(DB_KINDS)('holders (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let keys: KeyStore;
  const sender = new ConsoleOtpSender(() => undefined);
  beforeAll(async () => {
    t = await testDb(kind);
    keys = new KeyStore(t.db, { secret: SECRET, now: () => clock });
    await keys.ensure();
    await seed(t);
    await runIssuance(t.db, keys, { shcIssuer: 'https://greenlight.example', now: clock });
    app = await authorityApp(t.db, {
      keys,
      secret: SECRET,
      now: () => clock,
      otpSender: sender,
      tokenSecret: 'a check-in token master secret of 32+ bytes',
    });
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  const post = (url: string, payload: unknown, token?: string) =>
    app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  async function login(contact: string): Promise<string> {
    clock = new Date(clock.getTime() + 60_000);
    expect((await post('/v1/auth/otp', { contact })).statusCode).toBe(200);
    const code = sender.codes.get(normaliseContact(contact)) as string;
    const res = await post('/v1/auth/otp/verify', { contact, code });
    expect(res.statusCode).toBe(200);
    return res.json().token;
  }

  it('normalises Korean numbers in any spelling', () => {
    expect(normaliseContact('010-1000-0001')).toBe('821010000001');
    expect(normaliseContact('+82 10 1000 0001')).toBe('821010000001');
    expect(normaliseContact(' Jane@Example.org ')).toBe('jane@example.org');
  });

  it('logs in with a code, then downloads own and family certificates as stored blobs', async () => {
    const token = await login('010-1000-0001');
    const res = await app.inject({
      method: 'GET',
      url: '/v1/me/certificates',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const { certificates } = res.json() as {
      certificates: { relation: string; kind: string; text: string }[];
    };
    expect(certificates.map((c) => [c.relation, c.kind])).toEqual([
      ['self', 'dcc'],
      ['self', 'shc'],
      ['family', 'dcc'],
      ['family', 'shc'],
    ]);
    const { rows } = await t.db.query<{ payload: string }>(
      'SELECT payload FROM issued_certificates ORDER BY payload',
    );
    for (const c of certificates) expect(rows.map((r) => r.payload)).toContain(c.text);
  });

  it('an unregistered contact gets the same answer and no code; wrong codes lock the contact', async () => {
    clock = new Date(clock.getTime() + 60_000);
    const before = sender.codes.size;
    expect((await post('/v1/auth/otp', { contact: '010-9999-9999' })).json()).toMatchObject({ sent: true });
    expect(sender.codes.size).toBe(before);
    expect((await post('/v1/auth/otp/verify', { contact: '010-9999-9999', code: '123456' })).statusCode).toBe(
      401,
    );

    clock = new Date(clock.getTime() + 60_000);
    await post('/v1/auth/otp', { contact: '010-1000-0003' });
    const again = await post('/v1/auth/otp', { contact: '010-1000-0003' });
    expect(again.statusCode).toBe(429);
    expect(again.json().code).toBe('ERR_OTP_TOO_SOON');
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    const right = sender.codes.get('821010000003');
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) {
      const res = await post('/v1/auth/otp/verify', { contact: '010-1000-0003', code: wrong });
      expect(res.json().code).toBe('ERR_OTP_INVALID');
    }
    const locked = await post('/v1/auth/otp/verify', { contact: '010-1000-0003', code: wrong });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('ERR_OTP_LOCKED');
    // Even the right code is refused while locked.
    expect((await post('/v1/auth/otp/verify', { contact: '010-1000-0003', code: right })).statusCode).toBe(
      429,
    );
    expect((await post('/v1/auth/otp/verify', { contact: '010-1000-0003', code: 'abc' })).json().code).toBe(
      'ERR_VALIDATION',
    );
  });

  it('registers a device key; the bindings make presentation QRs that verify against the published DSCs', async () => {
    const token = await login('010-1000-0001');
    const device = await generateDeviceKey();
    const publicKey = bytesToBase64(await exportDevicePublicKey(device.publicKey))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    const res = await post('/v1/me/devices', { publicKey }, token);
    expect(res.statusCode).toBe(200);
    const { bindings } = res.json() as { bindings: Record<string, string> };
    expect(Object.keys(bindings)).toHaveLength(2);
    const certs = (
      await app.inject({
        method: 'GET',
        url: '/v1/me/certificates',
        headers: { authorization: `Bearer ${token}` },
      })
    ).json().certificates as { id: string; text: string }[];
    const trust = await DscTrustList.fromCertificates(
      (await publishedKeys(t.db, 'dsc', clock)).map((k) => ({ der: k.certificate as Uint8Array })),
    );
    for (const cert of certs.filter((c) => c.id.endsWith(':dcc'))) {
      const text = await createPresentation({
        certificate: cert.text,
        binding: Uint8Array.from(Buffer.from(bindings[cert.id] as string, 'base64')),
        deviceKey: device.privateKey,
        now: clock,
      });
      expect((await verifyPresentation(text, trust, { now: clock })).verdict).toBe('valid');
    }
    expect((await post('/v1/me/devices', { publicKey: 'A'.repeat(87) }, token)).json().code).toBe(
      'ERR_DEVICE_KEY',
    );
  });

  it('refuses every /v1/me route without a session', async () => {
    for (const url of ['/v1/me/certificates', '/v1/me/checkin-tokens']) {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer nope' } });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('ERR_UNAUTHORIZED');
    }
  });
});
