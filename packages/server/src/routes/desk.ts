/**
 * The desk (community-centre and authority staff): registry search, printed paper passes, sticker records and
 * revocations. Every action needs a staff token and leaves an audit entry.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { issueSticker, printPass } from '../desk/paper.ts';
import { revokeCertificate } from '../desk/revocation.ts';
import { searchRegistry } from '../desk/search.ts';
import { outageLog } from '../outages/log.ts';
import { CertificateId, errorResponse, Reason, security, Uuid } from './schemas.ts';

export const deskRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const staff = app.authenticate.staff(['staff']);

  app.get(
    '/v1/registry/people',
    {
      preHandler: staff,
      schema: {
        tags: ['desk'],
        security: security.staff,
        summary: 'Search the registry by name, date of birth or registry number (staff)',
        querystring: Type.Object({ q: Type.String({ minLength: 2, maxLength: 100 }) }),
        response: {
          200: Type.Object({
            people: Type.Array(
              Type.Object({
                id: Type.String(),
                externalId: Type.String(),
                name: Type.String(),
                birthDate: Type.String(),
                certificates: Type.Array(
                  Type.Object({
                    id: Type.String(),
                    kind: Type.String(),
                    issuedAt: Type.String(),
                    revoked: Type.Boolean(),
                  }),
                ),
              }),
            ),
          }),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          403: errorResponse('ERR_FORBIDDEN'),
        },
      },
    },
    async (request) => ({ people: await searchRegistry(app.db, request.staff, request.query.q) }),
  );

  app.get(
    '/v1/registry/people/:id/pass.pdf',
    {
      preHandler: staff,
      schema: {
        tags: ['desk'],
        security: security.staff,
        summary:
          "A person's printable paper pass (staff); refused when decide() finds the certificate revoked or expired",
        params: Type.Object({ id: Uuid() }),
        response: {
          200: Type.Unknown({ description: 'the paper pass (application/pdf)' }),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          404: errorResponse('ERR_NOT_FOUND'),
          409: errorResponse('ERR_PASS_NOT_PRINTABLE, with the reasons'),
        },
      },
    },
    async (request, reply) => {
      const pdf = await printPass(app.db, request.staff, request.params.id, {
        bundles: await app.publication.decisionBundles(),
        now: app.now(),
      });
      reply.header('Cache-Control', 'private, no-store');
      reply.header('Content-Disposition', 'inline; filename="greenlight-pass.pdf"');
      return reply.type('application/pdf').send(Buffer.from(pdf));
    },
  );

  app.post(
    '/v1/registry/people/:id/stickers',
    {
      preHandler: staff,
      schema: {
        tags: ['desk'],
        security: security.staff,
        summary: 'Records that a vaccination sticker was put on the person’s ID card (staff)',
        params: Type.Object({ id: Uuid() }),
        response: {
          201: Type.Object({ id: Type.String(), issuedAt: Type.String() }),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          404: errorResponse('ERR_NOT_FOUND'),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await issueSticker(app.db, request.staff, request.params.id, app.now())),
  );

  app.get(
    '/v1/outages/log',
    {
      preHandler: staff,
      schema: {
        tags: ['desk'],
        security: security.staff,
        summary:
          'The outage log of the last days, newest first (staff): probe records and staff declarations',
        querystring: Type.Object({
          days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 28 })),
        }),
        response: {
          200: Type.Object({
            outages: Type.Array(
              Type.Object({
                id: Type.String(),
                startedAt: Type.String(),
                endedAt: Type.Union([Type.String(), Type.Null()]),
                source: Type.String(),
                reason: Type.String(),
              }),
            ),
          }),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
        },
      },
    },
    async (request) => {
      const since = new Date(app.now().getTime() - (request.query.days ?? 28) * 86_400_000);
      return { outages: await outageLog(app.db, since) };
    },
  );

  app.post(
    '/v1/certificates/:id/revoke',
    {
      preHandler: staff,
      schema: {
        tags: ['desk'],
        security: security.staff,
        summary:
          "Revokes a person's certificate in every form (DCC by UCI, SHC by rid): in the next revocation bundle and CRL (staff)",
        params: Type.Object({ id: CertificateId(['dcc', 'shc']) }),
        body: Type.Object({ reason: Reason(3, 500) }),
        response: {
          200: Type.Object({
            revoked: Type.Literal(true),
            certificates: Type.Array(Type.String(), {
              description:
                'the forms revoked now (<personId>:dcc, <personId>:shc); empty when all already were',
            }),
            republished: Type.Boolean(),
          }),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          404: errorResponse('ERR_NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const [personId, kind] = request.params.id.split(':') as [string, 'dcc' | 'shc'];
      const certificates = await revokeCertificate(
        app.db,
        request.staff,
        personId,
        kind,
        request.body.reason,
      );
      // The publication plugin is registered before the desk whenever the app publishes bundles.
      const republished = app.hasDecorator('republish');
      if (republished) await app.republish();
      return { revoked: true as const, certificates, republished };
    },
  );
};
