import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityApp } from '../../test/authority-app.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { hashSecret } from '../auth/partners.ts';
import { RedisQuotaCounter } from '../auth/quota.ts';
import { ConsoleOtpSender } from '../holders/otp.ts';
import { runIssuance } from '../issuance/job.ts';
import { KeyStore } from '../keys/store.ts';

const SECRET = 'a test secret that is long enough to derive a key';
const now = new Date('2022-01-20T03:00:10Z');
const PERSON = '0190a000-0000-7000-8000-000000000001';
const PARTNER = '0190a000-0000-7000-8000-0000000000aa';

describe.each(DB_KINDS)('partner apps (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  const sender = new ConsoleOtpSender(() => undefined);
  beforeAll(async () => {
    t = await testDb(kind);
    const keys = new KeyStore(t.db, { secret: SECRET, now: () => now });
    await keys.ensure();
    await t.db.query(
      `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date, phone)
       VALUES ($1, 'KR-1', '최', '유나', 'CHOI', 'YUNA', '1992-07-07', '+82-10-2000-0001')`,
      [PERSON],
    );
    await t.db.query(
      `INSERT INTO immunizations (person_id, dose_number, series_total, target, vaccine_type, product, manufacturer,
         administered_on, country, issuer)
       VALUES ($1, 2, 2, '840539006', '1119349007', 'EU/1/20/1507', 'ORG-100031184', '2021-10-01', 'KR', 'KDCA')`,
      [PERSON],
    );
    await runIssuance(t.db, keys, { shcIssuer: 'https://greenlight.example', now });
    await t.db.query(
      `INSERT INTO partner_clients (id, client_id, name, secret_hash, quota_per_minute)
       VALUES ($1, 'toss', 'Toss', $2, 5)`,
      [PARTNER, await hashSecret('toss-secret-0123456789')],
    );
    app = await authorityApp(t.db, {
      keys,
      secret: SECRET,
      now: () => now,
      otpSender: sender,
      tokenSecret: 'x'.repeat(32),
    });
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  async function partnerToken(basic = false): Promise<string> {
    const res = basic
      ? await app.inject({
          method: 'POST',
          url: '/v1/oauth/token',
          headers: {
            authorization: `Basic ${Buffer.from('toss:toss-secret-0123456789').toString('base64')}`,
          },
          payload: { grant_type: 'client_credentials' },
        })
      : await app.inject({
          method: 'POST',
          url: '/v1/oauth/token',
          payload: {
            grant_type: 'client_credentials',
            client_id: 'toss',
            client_secret: 'toss-secret-0123456789',
          },
        });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    return res.json().access_token;
  }

  it('refuses wrong credentials and forged tokens', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      payload: { grant_type: 'client_credentials', client_id: 'toss', client_secret: 'guess' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('ERR_INVALID_CLIENT');
    const token = await partnerToken(true);
    const forged = `${token.slice(0, -2)}xx`;
    const res = await app.inject({
      method: 'GET',
      url: `/v1/partner/holders/${PERSON}/certificates`,
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(res.json().code).toBe('ERR_INVALID_TOKEN');
  });

  it('needs the holder’s consent, audits every fetch, and enforces the quota', async () => {
    const token = await partnerToken();
    const fetch = () =>
      app.inject({
        method: 'GET',
        url: `/v1/partner/holders/${PERSON}/certificates`,
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await fetch()).json().code).toBe('ERR_CONSENT_REQUIRED');

    await app.inject({ method: 'POST', url: '/v1/auth/otp', payload: { contact: '010-2000-0001' } });
    const code = sender.codes.get('821020000001');
    const session = (
      await app.inject({
        method: 'POST',
        url: '/v1/auth/otp/verify',
        payload: { contact: '010-2000-0001', code },
      })
    ).json().token;
    const me = await app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { authorization: `Bearer ${session}` },
    });
    expect(me.json()).toEqual({ personId: PERSON, name: '최유나' });
    const consent = await app.inject({
      method: 'PUT',
      url: '/v1/me/partners/toss/consent',
      headers: { authorization: `Bearer ${session}` },
    });
    expect(consent.json()).toEqual({ consent: true });
    const ok = await fetch();
    expect(ok.statusCode).toBe(200);
    expect(ok.json().certificates.map((c: { kind: string }) => c.kind)).toEqual(['dcc', 'shc']);
    const { rows } = await t.db.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE actor = 'partner:toss' ORDER BY id",
    );
    expect(rows.map((r) => r.action)).toEqual(['partner.fetch.refused', 'partner.fetch']);

    // Quota 5 a minute: two calls used it, three more pass, the sixth is refused with Retry-After.
    for (let i = 0; i < 3; i++) expect((await fetch()).statusCode).toBe(200);
    const over = await fetch();
    expect(over.statusCode).toBe(429);
    expect(over.json().code).toBe('ERR_QUOTA_EXCEEDED');
    expect(Number(over.headers['retry-after'])).toBe(50);

    await app.inject({
      method: 'DELETE',
      url: '/v1/me/partners/toss/consent',
      headers: { authorization: `Bearer ${session}` },
    });
  });
});

describe('the Redis quota counter', () => {
  it('is shared by every replica (real Redis on 127.0.0.1:6379)', async () => {
    const a = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    const b = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await a.connect();
    await b.connect();
    try {
      const key = `test-${Math.random().toString(36).slice(2)}`;
      const at = new Date();
      const one = new RedisQuotaCounter(a);
      const two = new RedisQuotaCounter(b);
      expect(await one.hit(key, at)).toBe(1);
      expect(await two.hit(key, at)).toBe(2);
      expect(await one.hit(key, at)).toBe(3);
      expect(await one.hit(key, new Date(at.getTime() + 60_000))).toBe(1);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
