import {
  DscTrustList,
  encodeHc1,
  type JWK,
  RevocationList,
  verifyBundle,
  verifyHc1,
} from '@greenlight/codec';
import { parsePolicy } from '@greenlight/rules';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityApp } from '../../test/authority-app.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { KeyStore } from '../keys/store.ts';

const SECRET = 'a test secret that is long enough to derive a key';
const now = new Date('2022-01-20T00:00:00Z');

describe.each(DB_KINDS)('signed bundles over HTTP (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let keys: KeyStore;
  beforeAll(async () => {
    t = await testDb(kind);
    keys = new KeyStore(t.db, { secret: SECRET, now: () => now });
    await keys.ensure();
    app = await authorityApp(t.db, { keys, secret: SECRET, now: () => now });
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });

  it('serves each bundle signed by the pinned key, with a strong ETag, 304 and an immutable content address', async () => {
    const { keys: pinned } = (await get('/.well-known/greenlight/publication-keys.json')).json() as {
      keys: JWK[];
    };
    expect(pinned).toHaveLength(1);
    for (const bundleKind of ['trust-list', 'rules', 'revocation'] as const) {
      const res = await get(`/v1/bundles/${bundleKind}`);
      expect(res.statusCode).toBe(200);
      const etag = res.headers.etag as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      expect(res.headers['cache-control']).toContain('must-revalidate');
      const payload = await verifyBundle(new Uint8Array(res.rawPayload), pinned, { kind: bundleKind });
      expect(payload.version).toBe(1);
      // A 304 has no body, and no Content-Length that claims one (strict HTTP clients refuse that).
      const notModified = await get(`/v1/bundles/${bundleKind}`, { 'if-none-match': etag });
      expect(notModified.statusCode).toBe(304);
      expect(notModified.rawPayload).toHaveLength(0);
      expect(notModified.headers['content-length'] ?? '0').toBe('0');
      const addressed = await get(res.headers['content-location'] as string);
      expect(addressed.statusCode).toBe(200);
      expect(addressed.headers['cache-control']).toContain('immutable');
      expect(addressed.rawPayload.equals(res.rawPayload)).toBe(true);
    }
    const rules = await verifyBundle(new Uint8Array((await get('/v1/bundles/rules')).rawPayload), pinned, {
      kind: 'rules',
    });
    expect(parsePolicy(rules.content).country).toBe('KR');
  });

  it('a certificate signed by the current DSC verifies against the published trust list; a revoked one fails', async () => {
    const { keys: pinned } = (await get('/.well-known/greenlight/publication-keys.json')).json() as {
      keys: JWK[];
    };
    const trustBundle = await verifyBundle<{
      certificates: { kid: string; country: string; rawData: string }[];
    }>(new Uint8Array((await get('/v1/bundles/trust-list')).rawPayload), pinned, { kind: 'trust-list' });
    const trust = await DscTrustList.fromGatewayJson(trustBundle.content);
    const dsc = await keys.signingDsc(now);
    const ci = 'URN:UVCI:01:KR:TESTREVOKED#1';
    const text = await encodeHc1(
      {
        ver: '1.3.0',
        nam: { fn: 'Kim', fnt: 'KIM' },
        dob: '1990-01-01',
        v: [
          {
            tg: '840539006',
            vp: '1119349007',
            mp: 'EU/1/20/1528',
            ma: 'ORG-100030215',
            dn: 3,
            sd: 2,
            dt: '2021-12-01',
            co: 'KR',
            is: 'KDCA',
            ci,
          },
        ],
      },
      {
        signer: { kid: dsc.kidBytes, alg: 'ES256', privateKey: dsc.privateKey },
        issuer: 'KR',
        issuedAt: now,
        expiresAt: new Date(now.getTime() + 86400_000 * 30),
      },
    );
    expect((await verifyHc1(text, trust, { now })).verdict).toBe('valid');

    const before = (await get('/v1/bundles/revocation')).headers.etag;
    await t.db.query(
      `INSERT INTO revocations (id, kind, uci, key_id, reason, revoked_by)
       VALUES ('0190a000-0000-7000-8000-00000000abcd', 'dcc', $1, $2, 'test', 'desk')`,
      [ci, dsc.record.id],
    );
    await app.republish();
    const res = await get('/v1/bundles/revocation', { 'if-none-match': before as string });
    expect(res.statusCode).toBe(200);
    const revocation = await verifyBundle(new Uint8Array(res.rawPayload), pinned, { kind: 'revocation' });
    expect(revocation.version).toBe(2);
    const report = await verifyHc1(text, trust, {
      now,
      revocation: RevocationList.fromContent(revocation.content),
    });
    expect(report.verdict).toBe('invalid');
    expect(report.steps.find((s) => s.name === 'REVOCATION')?.code).toBe('ERR_REVOCATION_REVOKED');
  });

  it('refuses an unknown kind and an unknown digest with codes', async () => {
    expect((await get('/v1/bundles/everything')).json()).toMatchObject({ code: 'ERR_BUNDLE_KIND' });
    expect((await get('/v1/bundles/everything')).statusCode).toBe(404);
    const missing = await get(`/v1/bundles/rules/${'A'.repeat(43)}`);
    expect(missing.statusCode).toBe(404);
    expect((await get('/v1/bundles/rules/short')).statusCode).toBe(400);
  });
});
