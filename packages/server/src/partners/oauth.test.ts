/**
 * The token endpoint against RFC 6749 (§2.3.1, §4.4, §5.1, §5.2) on a listening server: a standard OAuth client
 * library (openid-client) gets tokens with HTTP Basic and with body credentials, and hand-made requests check the
 * form and JSON bodies and the RFC's error shape, including malformed Basic credentials (never a 500).
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import * as oauth from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityApp } from '../../test/authority-app.ts';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { hashSecret } from '../auth/partners.ts';
import { KeyStore } from '../keys/store.ts';

const SECRET = 'a test secret that is long enough to derive a key';
// An id and secret with the characters RFC 6749 §2.3.1 makes a client form-urlencode inside HTTP Basic.
const CLIENT_ID = 'kakao:wallet+1';
const CLIENT_SECRET = 'p%ss word:&=+~-0123456789';
const PERSON = '0190a000-0000-7000-8000-000000000001';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe.each(DB_KINDS)('POST /v1/oauth/token, RFC 6749 client credentials (%s)', (kind) => {
  let t: TestDb;
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    t = await testDb(kind);
    const keys = new KeyStore(t.db, { secret: SECRET });
    await keys.ensure();
    await t.db.query(
      `INSERT INTO partner_clients (id, client_id, name, secret_hash, quota_per_minute)
       VALUES ('0190a000-0000-7000-8000-0000000000ab', $1, 'Kakao', $2, 100)`,
      [CLIENT_ID, await hashSecret(CLIENT_SECRET)],
    );
    app = await authorityApp(t.db, { keys, secret: SECRET, now: () => new Date() });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await t?.release();
  });

  function library(auth: 'basic' | 'post', secret = CLIENT_SECRET): oauth.Configuration {
    const config = new oauth.Configuration(
      { issuer: url, token_endpoint: `${url}/v1/oauth/token` },
      CLIENT_ID,
      undefined,
      auth === 'basic' ? oauth.ClientSecretBasic(secret) : oauth.ClientSecretPost(secret),
    );
    oauth.allowInsecureRequests(config);
    return config;
  }

  /** A partner call with the token: 403 (no consent) means the token itself was accepted. */
  async function partnerCall(accessToken: string): Promise<number> {
    const res = await fetch(`${url}/v1/partner/holders/${PERSON}/certificates`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    return res.status;
  }

  it('gives openid-client a token with HTTP Basic (form-urlencoded id and secret) and with body credentials', async () => {
    for (const auth of ['basic', 'post'] as const) {
      const tokens = await oauth.clientCredentialsGrant(library(auth), { scope: 'certificates' });
      expect(tokens.token_type.toLowerCase()).toBe('bearer');
      expect(tokens.expires_in).toBe(3600);
      expect(tokens.scope).toBe('certificates');
      expect(await partnerCall(tokens.access_token)).toBe(403);
    }
    const noScope = await oauth.clientCredentialsGrant(library('basic'));
    expect(await partnerCall(noScope.access_token)).toBe(403);
  });

  it('gives openid-client the RFC error for a wrong secret', async () => {
    for (const auth of ['basic', 'post'] as const) {
      // A 401 with WWW-Authenticate: the library reports the challenge, and the RFC error body with it.
      const refused = await oauth.clientCredentialsGrant(library(auth, 'wrong-secret')).catch((e) => e);
      expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
      expect(refused.status).toBe(401);
      expect(refused.cause[0]).toMatchObject({ scheme: 'basic', parameters: { realm: 'greenlight' } });
      expect(await refused.response.json()).toMatchObject({ error: 'invalid_client' });
    }
  });

  async function token(
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
    const res = await fetch(`${url}/v1/oauth/token`, { method: 'POST', body, headers });
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
  }
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const JSON_TYPE = { 'content-type': 'application/json' };

  it('takes a form-encoded or a JSON body, and the answer is not to be cached', async () => {
    const form = await token(
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }).toString(),
      FORM,
    );
    const json = await token(
      JSON.stringify({
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }),
      JSON_TYPE,
    );
    const withBasic = await token('grant_type=client_credentials', {
      ...FORM,
      authorization: basic(CLIENT_ID, CLIENT_SECRET),
    });
    for (const answer of [form, json, withBasic]) {
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'certificates' });
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(await partnerCall(answer.json.access_token as string)).toBe(403);
    }
  });

  it('answers each refusal in the RFC 6749 §5.2 shape, with the server code beside it', async () => {
    const cases: [string, string, Record<string, string>, number, string, string][] = [
      [
        'malformed percent-encoding in Basic',
        'grant_type=client_credentials',
        { ...FORM, authorization: 'Basic JQ==' },
        401,
        'invalid_client',
        'ERR_INVALID_CLIENT',
      ],
      [
        'Basic without a colon',
        'grant_type=client_credentials',
        { ...FORM, authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
        401,
        'invalid_client',
        'ERR_INVALID_CLIENT',
      ],
      [
        'Basic that is not base64',
        'grant_type=client_credentials',
        { ...FORM, authorization: 'Basic !!!' },
        401,
        'invalid_client',
        'ERR_INVALID_CLIENT',
      ],
      [
        'a wrong secret',
        `grant_type=client_credentials&client_id=${encodeURIComponent(CLIENT_ID)}&client_secret=guess`,
        FORM,
        401,
        'invalid_client',
        'ERR_INVALID_CLIENT',
      ],
      ['no credentials', 'grant_type=client_credentials', FORM, 401, 'invalid_client', 'ERR_INVALID_CLIENT'],
      [
        'Basic and body credentials at once',
        `grant_type=client_credentials&client_id=${encodeURIComponent(CLIENT_ID)}`,
        { ...FORM, authorization: basic(CLIENT_ID, CLIENT_SECRET) },
        400,
        'invalid_request',
        'ERR_OAUTH_INVALID_REQUEST',
      ],
      [
        'another grant type',
        'grant_type=password&username=a&password=b',
        { ...FORM, authorization: basic(CLIENT_ID, CLIENT_SECRET) },
        400,
        'unsupported_grant_type',
        'ERR_OAUTH_UNSUPPORTED_GRANT_TYPE',
      ],
      [
        'no grant type',
        '',
        { ...FORM, authorization: basic(CLIENT_ID, CLIENT_SECRET) },
        400,
        'invalid_request',
        'ERR_VALIDATION',
      ],
      [
        'a parameter twice',
        'grant_type=client_credentials&grant_type=client_credentials',
        { ...FORM, authorization: basic(CLIENT_ID, CLIENT_SECRET) },
        400,
        'invalid_request',
        'ERR_OAUTH_INVALID_REQUEST',
      ],
      [
        'an unknown scope',
        'grant_type=client_credentials&scope=certificates%20admin',
        { ...FORM, authorization: basic(CLIENT_ID, CLIENT_SECRET) },
        400,
        'invalid_scope',
        'ERR_OAUTH_INVALID_SCOPE',
      ],
    ];
    for (const [name, body, headers, status, error, code] of cases) {
      const answer = await token(body, headers);
      expect([name, answer.status, answer.json.error, answer.json.code]).toEqual([name, status, error, code]);
      expect(answer.json.error_description, name).toEqual(expect.any(String));
      expect(answer.headers.get('cache-control'), name).toBe('no-store');
      expect(answer.headers.get('www-authenticate') ?? '', name).toMatch(
        status === 401 ? /^Basic realm=/ : /^$/,
      );
    }
  });

  it('answers a NUL byte or a broken body with a 4xx in the RFC shape, never a 5xx', async () => {
    // Refused as a client that cannot exist (401) or as a malformed request (400): either is RFC 6749 §5.2.
    const expected = { 400: 'invalid_request', 401: 'invalid_client' } as Record<number, string>;
    for (const [body, headers] of [
      [
        JSON.stringify({ grant_type: 'client_credentials', client_id: 'a\u0000b', client_secret: 'x' }),
        JSON_TYPE,
      ],
      [
        JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: 'x\u0000' }),
        JSON_TYPE,
      ],
      ['grant_type=client_credentials&client_id=a%00b&client_secret=x', FORM],
      ['{"grant_type":', JSON_TYPE],
      ['grant_type=client_credentials', { 'content-type': 'text/plain' }],
      ['<grant_type>client_credentials</grant_type>', { 'content-type': 'application/xml' }],
      [`grant_type=client_credentials&client_id=${'x'.repeat(2_000_000)}`, FORM],
    ] as const) {
      const answer = await token(body, headers);
      expect([body, answer.json.error]).toEqual([body, expected[answer.status]]);
      expect(answer.json.code).toMatch(/^ERR_[A-Z0-9_]+$/);
    }
  });

  it('answers any Basic credential with a 401 invalid_client, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 40 }).map((text) => `Basic ${Buffer.from(text).toString('base64')}`),
          fc.string({ maxLength: 40 }).map((text) => `Basic ${text}`),
          fc
            .string({ unit: 'binary', maxLength: 20 })
            .map((text) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`),
        ),
        async (authorization) => {
          const res = await app.inject({
            method: 'POST',
            url: '/v1/oauth/token',
            headers: { ...FORM, authorization },
            payload: 'grant_type=client_credentials',
          });
          expect(res.statusCode).toBe(401);
          expect(res.json()).toMatchObject({ error: 'invalid_client', code: 'ERR_INVALID_CLIENT' });
        },
      ),
      { numRuns: 150 },
    );
  });
});
