/** `POST /v1/investigations`: an investigator's audited contact list for one venue and time window. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { investigate } from '../checkins/investigate';
import { prepareCheckinSchema } from '../checkins/schema';
import { authenticateStaff } from '../checkins/staff';
import { DEV_KEY_SECRET } from '../config';
import type { Db } from '../db/types';
import { ServerError } from '../errors';
import { CheckinTokens } from '../tokens/tokens';
import { errorResponse } from './schemas';

export interface InvestigationConfig {
  /** The master secret of check-in tokens (at least 32 bytes); the development secret when absent. */
  tokenSecret?: string;
}

export interface InvestigationRouteOptions {
  db: Db;
  config?: InvestigationConfig;
}

const MAX_WINDOW_MS = 7 * 86_400_000;

export const investigationRoutes: FastifyPluginAsyncTypebox<InvestigationRouteOptions> = async (
  app,
  options,
) => {
  const { db } = options;
  await prepareCheckinSchema(app, db);
  const tokens = new CheckinTokens(options.config?.tokenSecret ?? `${DEV_KEY_SECRET}/checkin-tokens`);

  app.post(
    '/v1/investigations',
    {
      schema: {
        tags: ['investigations'],
        summary: 'Contact list of one venue and time window (investigators; audited)',
        body: Type.Object({
          venueId: Type.String({ format: 'uuid' }),
          from: Type.String({ format: 'date-time' }),
          to: Type.String({ format: 'date-time' }),
          reason: Type.String({ minLength: 10, maxLength: 500 }),
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
      const member = await authenticateStaff(db, request.headers.authorization, ['investigator']);
      const from = new Date(request.body.from);
      const to = new Date(request.body.to);
      if (!(from < to) || to.getTime() - from.getTime() > MAX_WINDOW_MS) {
        throw new ServerError('ERR_VALIDATION', 'from must be before to, and the window at most 7 days', {
          statusCode: 400,
        });
      }
      return investigate(db, tokens, {
        investigator: member.login,
        venueId: request.body.venueId.toLowerCase(),
        from,
        to,
        reason: request.body.reason,
      });
    },
  );
};
