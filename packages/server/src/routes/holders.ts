/**
 * Holders: one-time-code login, their own and their family's stored certificates (a read, never a signing
 * request), the paper pass, partner consent, device registration and the daily check-in tokens.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { certificatesOfSession, holderName, holderPassPdf } from '../holders/certificates.ts';
import { registerDevice } from '../holders/devices.ts';
import { OtpLogin, type OtpSettings } from '../holders/otp.ts';
import type { KeyStore } from '../keys/store.ts';
import { setConsent } from '../partners/consent.ts';
import { type CheckinTokens, holderTokens } from '../tokens/index.ts';
import { CertificateId, errorResponse, security } from './schemas.ts';

export interface HolderRoutesOptions extends OtpSettings {
  keys: KeyStore;
  tokens: CheckinTokens;
  /** Check-in tokens handed out per request (today and the following days). */
  tokenDays?: number;
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
      const session = await otp.verify(request.body.contact, request.body.code, app.now());
      return { token: session.token, expiresAt: session.expiresAt.toISOString() };
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
        summary: 'The printable paper pass of one of the holder’s (or family’s) DCCs',
        params: Type.Object({ id: CertificateId(['dcc']) }),
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
        summary: "The holder's check-in tokens for today and the next days (docs/checkin-tokens.md)",
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        response: {
          200: Type.Object({ tokens: Type.Array(Type.Object({ day: Type.String(), token: Type.String() })) }),
          401: errorResponse('ERR_UNAUTHORIZED'),
        },
      },
    },
    async (request, reply) => {
      const tokens = await holderTokens(
        app.db,
        options.tokens,
        request.holder.personId,
        app.now(),
        options.tokenDays ?? 7,
      );
      reply.header('Cache-Control', 'private, no-store');
      return { tokens };
    },
  );
};
