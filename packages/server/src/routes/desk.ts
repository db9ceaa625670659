/**
 * The desk (community-centre and authority staff): registry search, printed paper passes, sticker records,
 * revocations and reissues. Every action needs a staff token and leaves an audit entry.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { issueSticker, printPass } from '../desk/paper.ts';
import { reissueCertificate } from '../desk/reissue.ts';
import { revokeCertificate } from '../desk/revocation.ts';
import { searchRegistry } from '../desk/search.ts';
import { ServerError } from '../errors.ts';
import { signersAt } from '../issuance/job.ts';
import type { KeyStore } from '../keys/store.ts';
import { outageLog } from '../outages/log.ts';
import { CertificateId, errorResponse, Reason, security, Uuid } from './schemas.ts';

export interface DeskRoutesOptions {
  /** Signs reissued certificates. */
  keys: KeyStore;
  /** The SMART Health Card issuer URL (`iss`) of reissued cards. */
  shcIssuer: string;
}

export const deskRoutes: FastifyPluginAsyncTypebox<DeskRoutesOptions> = async (app, options) => {
  const staff = app.authenticate.staff(['staff']);
  /** What the desk guards decide with: the bundles the scanners hold, and the clock. */
  const guard = async () => ({ bundles: await app.publication.decisionBundles(), now: app.now() });
  // The publication plugin is registered before the desk whenever the app publishes bundles.
  const republish = async () => {
    const republished = app.hasDecorator('republish');
    if (republished) await app.republish();
    return republished;
  };

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
                    generation: Type.Integer({
                      minimum: 0,
                      description: 'the certificate generation: 0 as first issued, one more per reissue',
                    }),
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
      const pdf = await printPass(app.db, request.staff, request.params.id, await guard());
      reply.header('Cache-Control', 'private, no-store');
      reply.header('Content-Disposition', 'inline; filename="greenlight-pass.pdf"');
      return reply.type('application/pdf').send(Buffer.from(pdf));
    },
  );

  app.post(
    '/v1/registry/people/:id/reissue',
    {
      preHandler: staff,
      schema: {
        security: security.staff,
        tags: ['desk'],
        summary:
          "Signs the person's DCC and SMART Health Card again from the registry record, with a new UVCI and rid, when decide() finds the current ones revoked, expired or invalid (staff)",
        description:
          'The old UVCI and rid stay revoked. A double click is safe: the second request finds the new certificate good and gets ERR_REISSUE_NOT_NEEDED. The bundles are republished; holder downloads carry the new certificate at once.',
        params: Type.Object({ id: Uuid() }),
        response: {
          200: Type.Object({
            reissued: Type.Literal(true),
            generation: Type.Integer({ minimum: 1, description: 'the new certificate generation' }),
            certificates: Type.Array(Type.String(), {
              description: 'the forms signed now (<personId>:dcc, <personId>:shc)',
            }),
            reasons: Type.Array(
              Type.Object({ code: Type.String(), text: Type.Record(Type.String(), Type.String()) }),
              { description: 'why the previous certificate could not be used (codes and plain words)' },
            ),
            republished: Type.Boolean(),
          }),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          403: errorResponse('ERR_FORBIDDEN'),
          404: errorResponse('ERR_NOT_FOUND: no such person, or no certificate was ever issued'),
          409: errorResponse('ERR_REISSUE_NOT_NEEDED or ERR_REISSUE_NO_CERTIFICATE'),
        },
      },
    },
    async (request) => {
      const reissued = await reissueCertificate(
        app.db,
        request.staff,
        request.params.id,
        await guard(),
        (now) => signersAt(options.keys, { shcIssuer: options.shcIssuer, now }),
      );
      return { reissued: true as const, ...reissued, republished: await republish() };
    },
  );

  app.post(
    '/v1/registry/people/:id/stickers',
    {
      preHandler: staff,
      schema: {
        tags: ['desk'],
        security: security.staff,
        summary:
          'Records that a vaccination sticker was put on the person’s ID card (staff), when decide() gives their certificate a pass',
        description:
          'One sticker per certificate generation. A second one is refused with ERR_STICKER_EXISTS unless the body says `replace: true` with a reason (a lost or damaged ID card); the earlier sticker is then marked replaced.',
        params: Type.Object({ id: Uuid() }),
        body: Type.Optional(
          Type.Union([
            Type.Object(
              {
                replace: Type.Optional(Type.Literal(true)),
                reason: Type.Optional(Reason(3, 500)),
              },
              { additionalProperties: false },
            ),
            Type.Null(),
          ]),
        ),
        response: {
          201: Type.Object({
            id: Type.String(),
            issuedAt: Type.String(),
            generation: Type.Integer({ minimum: 0 }),
            replaces: Type.Optional(Type.String()),
          }),
          400: errorResponse('ERR_VALIDATION: replace without a reason'),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          403: errorResponse('ERR_FORBIDDEN'),
          404: errorResponse('ERR_NOT_FOUND: no such person, or no certificate'),
          409: errorResponse('ERR_STICKER_NOT_ALLOWED (with the reasons) or ERR_STICKER_EXISTS'),
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      if (body.replace && !body.reason) {
        throw new ServerError('ERR_VALIDATION', 'a replacement sticker needs the reason');
      }
      const sticker = await issueSticker(
        app.db,
        request.staff,
        request.params.id,
        await guard(),
        body.replace ? { reason: body.reason as string } : undefined,
      );
      return reply.status(201).send(sticker);
    },
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
      return { revoked: true as const, certificates, republished: await republish() };
    },
  );
};
