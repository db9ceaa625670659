/**
 * Holders: one-time-code login, their own and their family's stored certificates (a read, never a signing
 * request), the paper pass, partner consent, device registration and the daily check-in tokens.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { deviceLabelOf, listHolderSessions, revokeHolderSession } from '../auth/holders.ts';
import { ServerError } from '../errors.ts';
import { certificatesOf, certificatesOfSession, holderName, holderPassPdf } from '../holders/certificates.ts';
import { registerDevice } from '../holders/devices.ts';
import { OtpLogin, type OtpSettings } from '../holders/otp.ts';
import type { KeyStore } from '../keys/store.ts';
import { setConsent } from '../partners/consent.ts';
import { type CheckinTokens, holderTokens, TOKEN_DAYS, TOKENS_PER_DAY } from '../tokens/index.ts';
import { CertificateId, errorResponse, security, Uuid } from './schemas.ts';

export interface HolderRoutesOptions extends OtpSettings {
  keys: KeyStore;
  tokens: CheckinTokens;
  /** Days of check-in tokens handed out per request (today and the following days); default 7. */
  tokenDays?: number;
  /** Single-use check-in tokens per day in one answer; default 128. */
  tokensPerDay?: number;
}

const Certificate = Type.Object({
  id: Type.String({ description: '<personId>:dcc or <personId>:shc' }),
  personId: Type.String(),
  name: Type.String(),
  relation: Type.Union([Type.Literal('self'), Type.Literal('family')]),
  kind: Type.Union([Type.Literal('dcc'), Type.Literal('shc')]),
  text: Type.String({ description: 'HC1: text, or the SMART Health Card JWS' }),
});

export const holderRoutes: FastifyPluginAsyncTypebox<HolderRoutesOptions> = async (app, options) => {
  const otp = new OtpLogin(app.db, options);
  const holder = app.authenticate.holder;

  app.post(
    '/v1/auth/otp',
    {
      schema: {
        tags: ['holders'],
        summary:
          'Sends a one-time code to a registered mobile number or e-mail (the answer never says whether it is)',
        body: Type.Object({ contact: Type.String({ minLength: 3, maxLength: 254 }) }),
        response: {
          200: Type.Object({ sent: Type.Boolean(), expiresInSeconds: Type.Integer() }),
          429: errorResponse('ERR_OTP_TOO_SOON or ERR_OTP_LOCKED, with Retry-After'),
        },
      },
    },
    async (request) => otp.request(request.body.contact, app.now()),
  );

  app.post(
    '/v1/auth/otp/verify',
    {
      schema: {
        tags: ['holders'],
        summary: 'Exchanges the one-time code for a holder session',
        body: Type.Object({
          contact: Type.String({ minLength: 3, maxLength: 254 }),
          code: Type.String({ pattern: '^[0-9]{6}$' }),
        }),
        response: {
          200: Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
          401: errorResponse('ERR_OTP_INVALID: wrong or expired code'),
          429: errorResponse('ERR_OTP_LOCKED, with Retry-After'),
        },
      },
    },
    async (request) => {
      const session = await otp.verify(
        request.body.contact,
        request.body.code,
        app.now(),
        deviceLabelOf(request.headers['user-agent']),
      );
      return { token: session.token, expiresAt: session.expiresAt.toISOString() };
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      preHandler: holder,
      schema: {
        security: security.holder,
        tags: ['holders'],
        summary: 'Logs out: revokes this session on the server; its token is refused from now on',
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        response: {
          200: Type.Object({ revoked: Type.Literal(true) }),
          401: errorResponse('ERR_UNAUTHORIZED'),
        },
      },
    },
    async (request) => {
      await revokeHolderSession(app.db, request.holder.personId, request.holder.sessionId);
      return { revoked: true as const };
    },
  );

  app.get(
    '/v1/me/sessions',
    {
      preHandler: holder,
      schema: {
        security: security.holder,
        tags: ['holders'],
        summary:
          "The holder's sessions that have not expired, newest first (no tokens): to see and revoke them",
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        response: {
          200: Type.Object({
            sessions: Type.Array(
              Type.Object({
                id: Type.String({ format: 'uuid' }),
                createdAt: Type.String({ format: 'date-time' }),
                lastUsedAt: Type.String({
                  format: 'date-time',
                  description: 'updated at most every 5 minutes',
                }),
                expiresAt: Type.String({ format: 'date-time' }),
                deviceLabel: Type.Union([Type.String(), Type.Null()], {
                  description: 'the browser that logged in, e.g. "Chrome on Android"',
                }),
                current: Type.Boolean({ description: 'the session of this request' }),
              }),
            ),
          }),
          401: errorResponse('ERR_UNAUTHORIZED'),
        },
      },
    },
    async (request, reply) => {
      const sessions = await listHolderSessions(app.db, request.holder.personId, app.now());
      reply.header('Cache-Control', 'private, no-store');
      return {
        sessions: sessions.map((session) => ({
          id: session.id,
          createdAt: session.createdAt.toISOString(),
          lastUsedAt: session.lastUsedAt.toISOString(),
          expiresAt: session.expiresAt.toISOString(),
          deviceLabel: session.deviceLabel,
          current: session.id === request.holder.sessionId,
        })),
      };
    },
  );

  app.delete(
    '/v1/me/sessions/:id',
    {
      preHandler: holder,
      schema: {
        security: security.holder,
        tags: ['holders'],
        summary: "Revokes one of the holder's sessions (another device's, or this one)",
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid() }),
        response: {
          200: Type.Object({ revoked: Type.Literal(true) }),
          401: errorResponse('ERR_UNAUTHORIZED'),
          404: errorResponse('ERR_NOT_FOUND: not a session of this holder'),
        },
      },
    },
    async (request) => {
      await revokeHolderSession(app.db, request.holder.personId, request.params.id);
      return { revoked: true as const };
    },
  );

  app.get(
    '/v1/me/certificates',
    {
      schema: {
        tags: ['holders'],
        security: security.holder,
        summary: "The holder's and their family's certificates, signed ahead of time (a stored read)",
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        response: {
          200: Type.Object({ certificates: Type.Array(Certificate) }),
          401: errorResponse('ERR_UNAUTHORIZED'),
        },
      },
    },
    async (request, reply) => {
      // No preHandler: the session check is part of the one query of the lunchtime path.
      const certificates = await certificatesOfSession(app.db, request.headers.authorization, app.now());
      reply.header('Cache-Control', 'private, no-store');
      return { certificates };
    },
  );

  app.get(
    '/v1/me',
    {
      preHandler: holder,
      schema: {
        tags: ['holders'],
        security: security.holder,
        summary:
          'Who is logged in (the person id is what a holder shares with a partner app they consent to)',
        response: {
          200: Type.Object({ personId: Type.String(), name: Type.String() }),
          401: errorResponse('ERR_UNAUTHORIZED'),
        },
      },
    },
    async (request) => ({
      personId: request.holder.personId,
      name: await holderName(app.db, request.holder.personId),
    }),
  );

  for (const granted of [true, false]) {
    app.route({
      method: granted ? 'PUT' : 'DELETE',
      url: '/v1/me/partners/:clientId/consent',
      preHandler: holder,
      schema: {
        tags: ['holders'],
        security: security.holder,
        summary: granted
          ? 'Lets a partner app fetch the holder’s certificates'
          : 'Withdraws a partner app’s access',
        params: Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: {
          200: Type.Object({ consent: Type.Boolean() }),
          401: errorResponse('ERR_UNAUTHORIZED'),
          404: errorResponse('ERR_NOT_FOUND'),
        },
      },
      handler: async (request) => {
        const { clientId } = request.params as { clientId: string };
        await setConsent(app.db, request.holder.personId, clientId, granted, app.now());
        return { consent: granted };
      },
    });
  }

  app.get(
    '/v1/me/certificates/:id/pass.pdf',
    {
      preHandler: holder,
      schema: {
        tags: ['holders'],
        security: security.holder,
        summary:
          'The printable paper pass of one of the holder’s (or family’s) certificates: an EU DCC (HC1: QR) or a SMART Health Card (shc:/ QR)',
        params: Type.Object({ id: CertificateId(['dcc', 'shc']) }),
        response: {
          200: Type.Unknown({ description: 'the paper pass (application/pdf)' }),
          401: errorResponse('ERR_UNAUTHORIZED'),
          404: errorResponse('ERR_NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const pdf = await holderPassPdf(app.db, request.holder.personId, request.params.id);
      reply.header('Cache-Control', 'private, no-store');
      reply.header('Content-Disposition', 'attachment; filename="greenlight-pass.pdf"');
      return reply.type('application/pdf').send(Buffer.from(pdf));
    },
  );

  app.get(
    '/v1/me/certificates/:id/card.smart-health-card',
    {
      preHandler: holder,
      schema: {
        security: security.holder,
        tags: ['holders'],
        summary:
          'One of the holder’s (or family’s) SMART Health Cards as a .smart-health-card file (application/smart-health-card, {"verifiableCredential":[jws]})',
        params: Type.Object({ id: CertificateId(['shc']) }),
        response: { 401: errorResponse('ERR_UNAUTHORIZED'), 404: errorResponse('ERR_NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const card = (await certificatesOf(app.db, request.holder.personId)).find(
        (row) => `${row.person_id}:${row.kind}` === request.params.id,
      );
      if (!card) throw new ServerError('ERR_NOT_FOUND', 'no such certificate of yours');
      reply.header('Cache-Control', 'private, no-store');
      reply.header('Content-Disposition', 'attachment; filename="greenlight.smart-health-card"');
      return reply
        .type('application/smart-health-card')
        .send(JSON.stringify({ verifiableCredential: [card.payload] }));
    },
  );

  app.post(
    '/v1/me/devices',
    {
      preHandler: holder,
      schema: {
        tags: ['holders'],
        security: security.holder,
        summary: "Registers the phone's device key and returns a binding per DCC of the holder and family",
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        body: Type.Object({
          publicKey: Type.String({
            pattern: '^[A-Za-z0-9_-]{87}$',
            description: 'uncompressed P-256 point, base64url',
          }),
        }),
        response: {
          200: Type.Object({ bindings: Type.Record(Type.String(), Type.String()) }),
          400: errorResponse('ERR_DEVICE_KEY'),
          401: errorResponse('ERR_UNAUTHORIZED'),
        },
      },
    },
    async (request) => ({
      bindings: await registerDevice(
        app.db,
        options.keys,
        request.holder.personId,
        request.body.publicKey,
        app.now(),
      ),
    }),
  );

  app.get(
    '/v1/me/checkin-tokens',
    {
      preHandler: holder,
      schema: {
        tags: ['holders'],
        security: security.holder,
        summary:
          "A fresh batch of the holder's single-use check-in tokens for today and the next days (docs/checkin-tokens.md)",
        description:
          'Each call gives new tokens: one batch per KST day, each token 16 bytes in base64url, pairwise distinct. ' +
          'The wallet puts a fresh one in each presentation QR it draws.',
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        response: {
          200: Type.Object({
            days: Type.Array(
              Type.Object({
                day: Type.String({ format: 'date', description: 'KST day, YYYY-MM-DD' }),
                tokens: Type.Array(Type.String({ description: '16 bytes, base64url' })),
              }),
            ),
          }),
          401: errorResponse('ERR_UNAUTHORIZED'),
        },
      },
    },
    async (request, reply) => {
      const days = await holderTokens(
        app.db,
        options.tokens,
        request.holder.personId,
        app.now(),
        options.tokenDays ?? TOKEN_DAYS,
        options.tokensPerDay ?? TOKENS_PER_DAY,
      );
      reply.header('Cache-Control', 'private, no-store');
      return { days };
    },
  );
};
