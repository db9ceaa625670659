/**
 * Partner apps (the Naver/Kakao/Toss role): OAuth 2.0 client credentials, a per-partner quota (shared through
 * Redis when configured), holder consent before any fetch, and an audit entry for every fetch.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { issuePartnerToken, PARTNER_SCOPE } from '../auth/partners.ts';
import { ServerError } from '../errors.ts';
import { partnerFetch } from '../partners/certificates.ts';
import { errorResponse, security, Uuid } from './schemas.ts';

export interface PartnerRoutesOptions {
  /** Signs the access tokens (HMAC): the server's key secret. */
  secret: string;
  tokenSeconds?: number;
}

/** The RFC 6749 §5.2 `error` value of each code the token endpoint answers with; any other 4xx is invalid_request. */
const OAUTH_ERRORS: Record<string, string> = {
  ERR_INVALID_CLIENT: 'invalid_client',
  ERR_OAUTH_UNSUPPORTED_GRANT_TYPE: 'unsupported_grant_type',
  ERR_OAUTH_INVALID_SCOPE: 'invalid_scope',
};

/**
 * An `application/x-www-form-urlencoded` body (RFC 6749 Appendix B) as an object of strings. A parameter given twice
 * is ERR_OAUTH_INVALID_REQUEST (RFC 6749 §3.2: "parameters MUST NOT be included more than once").
 */
function parseForm(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (Object.hasOwn(fields, name)) {
      throw new ServerError('ERR_OAUTH_INVALID_REQUEST', `the parameter ${name} is given more than once`);
    }
    fields[name] = value;
  }
  return fields;
}

// `error` and `error_description` are always sent; they are optional here because the app's error handler
// serializes `{code, message}` with this schema first, and the token route's onSend hook adds them after.
const OAuthError = Type.Object(
  {
    error: Type.Optional(
      Type.String({
        description: 'RFC 6749 §5.2: invalid_request, invalid_client, unsupported_grant_type, …',
      }),
    ),
    error_description: Type.Optional(Type.String()),
    code: Type.String({ pattern: '^ERR_[A-Z0-9_]+$' }),
    message: Type.String(),
  },
  { description: 'RFC 6749 §5.2 error, with the server’s own code and message' },
);

/**
 * `POST /v1/oauth/token`, the OAuth 2.0 client credentials grant (RFC 6749 §4.4) in a plugin of its own: it alone
 * takes form-encoded bodies, and its errors carry RFC 6749 §5.2's `error` and `error_description` beside the
 * server's `code` and `message` (a 401 with `WWW-Authenticate: Basic`).
 */
const oauthTokenRoute: FastifyPluginAsyncTypebox<PartnerRoutesOptions> = async (app, options) => {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        done(null, parseForm(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  // After the app's error handler made `{code, message}`: add the RFC's fields, whatever the error was.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode < 400 || reply.statusCode >= 500 || typeof payload !== 'string') return payload;
    let body: { code?: unknown; message?: unknown };
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    let code = typeof body.code === 'string' ? body.code : 'ERR_BAD_REQUEST';
    // RFC 6749 §5.2: every refusal but invalid_client is a 400 (a body too large, a content type it does not take).
    // Such a refusal is then an invalid_request in the server's codes too, so that code and status agree with the
    // error table; the framework's own code stays in the message.
    if (reply.statusCode !== 400 && reply.statusCode !== 401 && reply.statusCode !== 429) {
      reply.code(400);
      body = { ...body, message: `${code}: ${String(body.message ?? '')}` };
      code = 'ERR_OAUTH_INVALID_REQUEST';
      body.code = code;
    }
    const error = OAUTH_ERRORS[code] ?? 'invalid_request';
    if (reply.statusCode === 401)
      reply.header('WWW-Authenticate', 'Basic realm="greenlight", charset="UTF-8"');
    reply.header('Cache-Control', 'no-store');
    reply.header('Pragma', 'no-cache');
    return JSON.stringify({ error, error_description: String(body.message ?? ''), ...body });
  });

  app.post(
    '/v1/oauth/token',
    {
      schema: {
        tags: ['partners'],
        security: security.partnerClient,
        summary:
          'OAuth 2.0 client credentials grant (RFC 6749 §4.4): form-encoded or JSON body; the client authenticates with HTTP Basic or with client_id and client_secret in the body, not both',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        body: Type.Object({
          grant_type: Type.String({ maxLength: 100, description: 'client_credentials' }),
          client_id: Type.Optional(Type.String({ maxLength: 200 })),
          client_secret: Type.Optional(Type.String({ maxLength: 200 })),
          scope: Type.Optional(
            Type.String({ maxLength: 200, description: `${PARTNER_SCOPE} (the only one)` }),
          ),
        }),
        response: {
          200: Type.Object({
            access_token: Type.String(),
            token_type: Type.Literal('Bearer'),
            expires_in: Type.Integer({ description: 'seconds' }),
            scope: Type.String(),
          }),
          400: { ...OAuthError, description: 'invalid_request, unsupported_grant_type or invalid_scope' },
          401: { ...OAuthError, description: 'invalid_client, with WWW-Authenticate' },
        },
      },
    },
    async (request, reply) => {
      const { body } = request;
      if (body.grant_type !== 'client_credentials') {
        throw new ServerError('ERR_OAUTH_UNSUPPORTED_GRANT_TYPE');
      }
      // RFC 6749 §3.3: space-separated scope tokens; the only one there is may be asked for (or none at all).
      const scopes = (body.scope ?? '').split(' ').filter((token) => token !== '');
      if (scopes.some((token) => token !== PARTNER_SCOPE)) throw new ServerError('ERR_OAUTH_INVALID_SCOPE');
      const { accessToken, expiresIn } = await issuePartnerToken(
        app.db,
        options.secret,
        {
          clientId: body.client_id,
          clientSecret: body.client_secret,
          authorization: request.headers.authorization,
        },
        app.now(),
        options.tokenSeconds,
      );
      // RFC 6749 §5.1: the token answer must not be cached.
      reply.header('Cache-Control', 'no-store');
      reply.header('Pragma', 'no-cache');
      return {
        access_token: accessToken,
        token_type: 'Bearer' as const,
        expires_in: expiresIn,
        scope: PARTNER_SCOPE,
      };
    },
  );
};

export const partnerRoutes: FastifyPluginAsyncTypebox<PartnerRoutesOptions> = async (app, options) => {
  await app.register(oauthTokenRoute, options);

  app.get(
    '/v1/partner/holders/:personId/certificates',
    {
      preHandler: app.authenticate.partner,
      schema: {
        tags: ['partners'],
        security: security.partner,
        summary: "A consenting holder's stored certificates, for a partner app (audited)",
        params: Type.Object({ personId: Uuid() }),
        response: {
          200: Type.Object({
            certificates: Type.Array(Type.Object({ kind: Type.String(), text: Type.String() })),
          }),
          401: errorResponse('ERR_INVALID_TOKEN'),
          403: errorResponse('ERR_CONSENT_REQUIRED'),
          429: errorResponse('ERR_QUOTA_EXCEEDED, with Retry-After'),
        },
      },
    },
    async (request, reply) => {
      const certificates = await partnerFetch(app.db, request.partner, request.params.personId);
      reply.header('Cache-Control', 'private, no-store');
      return { certificates };
    },
  );
};
