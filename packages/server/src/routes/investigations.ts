/** `POST /v1/investigations`: an investigator's audited contact list for one venue and time window. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authenticateStaff, type StaffRole } from '../auth/staff.ts';
import { isUuid } from '../db/uuid.ts';
import { isServerError } from '../errors.ts';
import { auditRefusedInvestigation, investigate } from '../investigations/investigate.ts';
import type { CheckinTokens } from '../tokens/tokens.ts';
import { DateTime, errorResponse, Reason, security, Uuid } from './schemas.ts';

/** Any staff token names its holder in the audit row of a refused attempt. */
const ANY_ROLE: StaffRole[] = ['investigator', 'inspector', 'staff', 'venue_owner'];

export interface InvestigationRouteOptions {
  /** Opens the check-in tokens: built once from `config.checkinTokenSecret`. */
  tokens: CheckinTokens;
}

export const investigationRoutes: FastifyPluginAsyncTypebox<InvestigationRouteOptions> = async (
  app,
  options,
) => {
  app.post(
    '/v1/investigations',
    {
      preHandler: app.authenticate.staff(['investigator']),
      // Every refused attempt leaves an audit row too, whoever made it and whatever was wrong.
      onError: async (request, _reply, error) => {
        const status = isServerError(error) ? error.statusCode : (error.statusCode ?? 500);
        if (status >= 500) return;
        const code = isServerError(error)
          ? error.code
          : error.validation
            ? 'ERR_VALIDATION'
            : 'ERR_BAD_REQUEST';
        const body = request.body as { venueId?: unknown } | undefined;
        const venueId = typeof body?.venueId === 'string' && isUuid(body.venueId) ? body.venueId : null;
        try {
          const actor =
            request.staff?.login ??
            (await authenticateStaff(app.db, request.headers.authorization, ANY_ROLE).then(
              (member) => member.login,
              () => 'anonymous',
            ));
          await auditRefusedInvestigation(app.db, { actor, venueId, status, code });
        } catch (auditError) {
          request.log.warn({ err: auditError }, 'the refused investigation could not be audited');
        }
      },
      schema: {
        tags: ['investigations'],
        security: security.staff,
        summary: 'Contact list of one venue and time window (investigators; audited)',
        body: Type.Object({
          venueId: Uuid(),
          from: DateTime(),
          to: DateTime(),
          reason: Reason(10, 500),
        }),
        response: {
          200: Type.Object({
            investigationId: Type.String(),
            venueId: Type.String(),
            from: Type.String(),
            to: Type.String(),
            contacts: Type.Array(
              Type.Object({
                personId: Type.String(),
                familyName: Type.String(),
                givenName: Type.Union([Type.String(), Type.Null()]),
                phone: Type.Union([Type.String(), Type.Null()]),
                at: Type.String(),
                method: Type.String(),
                tokenEntries: Type.Integer({
                  description:
                    'entries that day, at any venue, with the same single-use token (1 when honest)',
                }),
              }),
            ),
            withoutToken: Type.Integer(),
            unopened: Type.Integer(),
          }),
          400: errorResponse('ERR_VALIDATION'),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          403: errorResponse('ERR_FORBIDDEN'),
          503: errorResponse('ERR_DB_UNAVAILABLE'),
        },
      },
    },
    async (request) => {
      const { venueId, from, to, reason } = request.body;
      return investigate(app.db, options.tokens, {
        investigator: request.staff.login,
        venueId,
        from: new Date(from),
        to: new Date(to),
        reason,
      });
    },
  );
};
