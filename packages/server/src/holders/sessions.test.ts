/**
 * Holder sessions on PGlite and PostgreSQL: logout revokes on the server, a holder lists their sessions (no
 * secrets) and revokes any of them, another holder's session cannot be named, and a revoked token is refused by
 * the very next call, the certificate download's one-query path included.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityApp } from '../../test/authority-app.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { deviceLabelOf, sessionTokenHash } from '../auth/holders.ts';
import { KeyStore } from '../keys/store.ts';
import { ConsoleOtpSender, normaliseContact } from './otp.ts';

const SECRET = 'a test secret that is long enough to derive a key';
const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('deviceLabelOf', () => {
  it('names the browser and the system in a fixed vocabulary, never echoing the header', () => {
    expect(deviceLabelOf(ANDROID_CHROME)).toBe('Chrome on Android');
    expect(deviceLabelOf(IPHONE_SAFARI)).toBe('Safari on iOS');
    expect(
      deviceLabelOf(
        'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
      ),
    ).toBe('Samsung Internet on Android');
    expect(
      deviceLabelOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'),
    ).toBe('Firefox on Windows');
    expect(deviceLabelOf('curl/8.5.0')).toBeNull();
    expect(deviceLabelOf('<script>alert(1)</script>')).toBeNull();
    expect(deviceLabelOf(undefined)).toBeNull();
  });
});

describe.each(DB_KINDS)('holder sessions (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let clock = new Date('2022-01-20T03:00:00Z');
  const sender = new ConsoleOtpSender(() => undefined);

  beforeAll(async () => {
    t = await testDb(kind);
    const keys = new KeyStore(t.db, { secret: SECRET, now: () => clock });
    await keys.ensure();
    for (const [id, phone] of [
      ['0190a000-0000-7000-8000-000000000001', '+82-10-1000-0001'],
      ['0190a000-0000-7000-8000-000000000002', '+82-10-1000-0002'],
    ]) {
      await t.db.query(
        `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date, phone)
         VALUES ($1, $2, '김', '민준', 'KIM', 'MINJUN', '1985-03-01', $3)`,
        [id, `EXT-${phone}`, phone],
      );
    }
    app = await authorityApp(t.db, { keys, secret: SECRET, now: () => clock, otpSender: sender });
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  async function login(contact: string, userAgent?: string): Promise<string> {
    clock = new Date(clock.getTime() + 60_000);
    await app.inject({ method: 'POST', url: '/v1/auth/otp', payload: { contact } });
    const code = sender.codes.get(normaliseContact(contact)) as string;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/otp/verify',
      payload: { contact, code },
      headers: userAgent ? { 'user-agent': userAgent } : {},
    });
    expect(res.statusCode).toBe(200);
    return res.json().token;
  }

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });

  interface Listed {
    id: string;
    createdAt: string;
    lastUsedAt: string;
    expiresAt: string;
    deviceLabel: string | null;
    current: boolean;
  }
  const sessions = async (token: string): Promise<Listed[]> => {
    const res = await call('GET', '/v1/me/sessions', token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    return res.json().sessions;
  };

  it('lists the holder’s sessions, newest first, with no token or hash in the answer', async () => {
    const phone = await login('010-1000-0001', ANDROID_CHROME);
    const laptop = await login('010-1000-0001', IPHONE_SAFARI);
    await login('010-1000-0002', ANDROID_CHROME); // another holder's: never listed
    const listed = await sessions(laptop);
    expect(listed.map((s) => [s.deviceLabel, s.current])).toEqual([
      ['Safari on iOS', true],
      ['Chrome on Android', false],
    ]);
    expect(Object.keys(listed[0] as Listed).sort()).toEqual(
      ['createdAt', 'current', 'deviceLabel', 'expiresAt', 'id', 'lastUsedAt'].sort(),
    );
    const text = JSON.stringify(listed);
    for (const token of [phone, laptop]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(sessionTokenHash(token));
    }
    const newest = listed[0] as Listed;
    expect(Date.parse(newest.expiresAt) - Date.parse(newest.createdAt)).toBe(30 * 86_400_000);
  });

  it('moves "last used" on an authenticated call, at most every five minutes', async () => {
    const token = await login('010-1000-0001');
    const created = (await sessions(token))[0] as Listed;
    expect(created.lastUsedAt).toBe(created.createdAt);
    clock = new Date(clock.getTime() + 2 * 60_000);
    await call('GET', '/v1/me', token);
    expect(((await sessions(token))[0] as Listed).lastUsedAt).toBe(created.createdAt);
    clock = new Date(clock.getTime() + 4 * 60_000);
    await call('GET', '/v1/me', token);
    expect(((await sessions(token))[0] as Listed).lastUsedAt).toBe(clock.toISOString());
  });

  it('revokes another device’s session: its token is refused by the next call, on every route', async () => {
    const phone = await login('010-1000-0001', ANDROID_CHROME);
    const laptop = await login('010-1000-0001', IPHONE_SAFARI);
    const before = await sessions(laptop);
    const phoneSession = before.find((s) => !s.current && s.deviceLabel === 'Chrome on Android') as Listed;
    expect((await call('GET', '/v1/me/certificates', phone)).statusCode).toBe(200);
    const res = await call('DELETE', `/v1/me/sessions/${phoneSession.id}`, laptop);
    expect([res.statusCode, res.json()]).toEqual([200, { revoked: true }]);
    for (const url of ['/v1/me', '/v1/me/certificates', '/v1/me/sessions', '/v1/me/checkin-tokens']) {
      const refused = await call('GET', url, phone);
      expect([url, refused.statusCode, refused.json().code]).toEqual([url, 401, 'ERR_UNAUTHORIZED']);
    }
    expect((await sessions(laptop)).map((s) => s.id)).not.toContain(phoneSession.id);
    const again = await call('DELETE', `/v1/me/sessions/${phoneSession.id}`, laptop);
    expect([again.statusCode, again.json().code]).toEqual([404, 'ERR_NOT_FOUND']);
  });

  it('never lets one holder name or revoke another holder’s session', async () => {
    const mine = await login('010-1000-0001');
    const theirs = await login('010-1000-0002');
    const theirId = ((await sessions(theirs))[0] as Listed).id;
    const res = await call('DELETE', `/v1/me/sessions/${theirId}`, mine);
    expect([res.statusCode, res.json().code]).toEqual([404, 'ERR_NOT_FOUND']);
    expect((await call('GET', '/v1/me', theirs)).statusCode).toBe(200);
  });

  it('answers ids that are not UUIDs with a 4xx, never a 5xx', async () => {
    const token = await login('010-1000-0001');
    for (const id of [
      '------------------------------------',
      'not-a-uuid',
      '%00',
      `urn:uuid:${crypto.randomUUID()}`,
    ]) {
      const res = await call('DELETE', `/v1/me/sessions/${id}`, token);
      expect([id, res.statusCode < 500, res.json().code]).toEqual([id, true, expect.stringMatching(/^ERR_/)]);
    }
  });

  it('logs out on the server: the token is refused at once, the holder’s other sessions stay', async () => {
    const other = await login('010-1000-0001');
    const token = await login('010-1000-0001');
    const res = await call('POST', '/v1/auth/logout', token);
    expect([res.statusCode, res.json()]).toEqual([200, { revoked: true }]);
    expect((await call('GET', '/v1/me/certificates', token)).statusCode).toBe(401);
    expect((await call('GET', '/v1/me', token)).statusCode).toBe(401);
    expect((await call('POST', '/v1/auth/logout', token)).statusCode).toBe(401);
    expect((await call('GET', '/v1/me', other)).statusCode).toBe(200);
    const { rows } = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM holder_sessions WHERE token_hash = $1',
      [sessionTokenHash(token)],
    );
    expect(rows[0]?.n).toBe(0);
  });
});
