/**
 * Partner apps (the Naver/Kakao/Toss role): OAuth 2.0 client credentials, a per-partner quota (shared through
 * Redis when configured), holder consent before any fetch, and an audit entry for every fetch.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { issuePartnerToken } from '../auth/partners.ts';
import { partnerFetch } from '../partners/certificates.ts';
import { errorResponse, security, Uuid } from './schemas.ts';

export interface PartnerRoutesOptions {
  /** Signs the access tokens (HMAC): the server's key secret. */
  secret: string;
  tokenSeconds?: number;
}

export const partnerRoutes: FastifyPluginAsyncTypebox<PartnerRoutesOptions> = async (app, options) => {
  app.post(
    '/v1/oauth/token',
    {
      schema: {
        tags: ['partners'],
        security: security.partnerClient,
        summary: 'OAuth 2.0 client credentials grant (RFC 6749 §4.4); credentials in the body or HTTP Basic',
        body: Type.Object({
          grant_type: Type.Literal('client_credentials'),
          client_id: Type.Optional(Type.String()),
          client_secret: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object({
            access_token: Type.String(),
            token_type: Type.Literal('Bearer'),
            expires_in: Type.Integer(),
          }),
          401: errorResponse('ERR_INVALID_CLIENT'),
        },
      },
    },
    async (request) => {
      const { accessToken, expiresIn } = await issuePartnerToken(
        app.db,
        options.secret,
        {
          clientId: request.body.client_id,
          clientSecret: request.body.client_secret,
          authorization: request.headers.authorization,
        },
        app.now(),
        options.tokenSeconds,
      );
      return { access_token: accessToken, token_type: 'Bearer' as const, expires_in: expiresIn };
    },
  );

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
