/** The outage log: `GET /v1/outages?at=` (was the pass system degraded then?) and staff declarations. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ServerError } from '../errors.ts';
import { closeOutage, declareOutage, OutageProbe, outagesAt } from '../outages/log.ts';
import { DateTime, errorResponse, Reason, security } from './schemas.ts';

export interface OutageConfig {
  /** Probe interval in ms; 0 turns the probe off (default 5,000). */
  probeIntervalMs?: number;
}

export interface OutageRouteOptions {
  config?: OutageConfig;
}

const OutageBody = Type.Object({
  id: Type.String(),
  startedAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  source: Type.String(),
  reason: Type.String(),
});

function parseMoment(text: string, name: string): Date {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new ServerError('ERR_VALIDATION', `${name} must be an ISO 8601 date-time`);
  return new Date(ms);
}

export const outageRoutes: FastifyPluginAsyncTypebox<OutageRouteOptions> = async (app, options) => {
  const { db } = app;
  const interval = options.config?.probeIntervalMs ?? 5000;
  if (interval > 0) {
    const probe = new OutageProbe(db, app.now, (error) => app.log.warn({ err: error }, 'outage probe')).start(
      interval,
    );
    app.addHook('onClose', async () => probe.stop());
  }

  app.get(
    '/v1/outages',
    {
      schema: {
        tags: ['outages'],
        summary: 'Was the pass system degraded at a given moment?',
        querystring: Type.Object({ at: DateTime() }),
        response: {
          200: Type.Object({ at: Type.String(), degraded: Type.Boolean(), outages: Type.Array(OutageBody) }),
          400: errorResponse('ERR_VALIDATION'),
          503: errorResponse('ERR_DB_UNAVAILABLE'),
        },
      },
    },
    async (request) => {
      const at = parseMoment(request.query.at, 'at');
      const outages = await outagesAt(db, at);
      return { at: at.toISOString(), degraded: outages.length > 0, outages };
    },
  );

  app.post(
    '/v1/outages',
    {
      preHandler: app.authenticate.staff(['staff']),
      schema: {
        tags: ['outages'],
        security: security.staff,
        summary:
          'Declare an outage (staff; audited): it starts by now, ends after it starts, lasts at most 7 days, and says why',
        body: Type.Object({
          startedAt: DateTime(),
          endedAt: Type.Optional(DateTime()),
          reason: Reason(3, 500),
        }),
        response: {
          201: Type.Object({ id: Type.String() }),
          400: errorResponse('ERR_VALIDATION'),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          403: errorResponse('ERR_FORBIDDEN'),
          503: errorResponse('ERR_DB_UNAVAILABLE'),
        },
      },
    },
    async (request, reply) => {
      const startedAt = parseMoment(request.body.startedAt, 'startedAt');
      const endedAt =
        request.body.endedAt === undefined ? null : parseMoment(request.body.endedAt, 'endedAt');
      const id = await declareOutage(
        db,
        { startedAt, endedAt, reason: request.body.reason, declaredBy: request.staff.login },
        app.now(),
      );
      return reply.status(201).send({ id });
    },
  );

  app.post(
    '/v1/outages/:id/close',
    {
      // No body at all means "close it now", as `{}` does.
      preValidation: async (request) => {
        request.body ??= {};
      },
      preHandler: app.authenticate.staff(['staff']),
      schema: {
        tags: ['outages'],
        security: security.staff,
        summary: 'Close an open outage declaration, now or at endedAt (staff; audited)',
        params: Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }),
        body: Type.Object({ endedAt: Type.Optional(DateTime()) }),
        response: {
          200: OutageBody,
          400: errorResponse('ERR_VALIDATION'),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          403: errorResponse('ERR_FORBIDDEN'),
          404: errorResponse('ERR_NOT_FOUND'),
          409: errorResponse('ERR_OUTAGE_CLOSED'),
          503: errorResponse('ERR_DB_UNAVAILABLE'),
        },
      },
    },
    async (request) => {
      const endedAt = request.body.endedAt ? parseMoment(request.body.endedAt, 'endedAt') : app.now();
      return closeOutage(db, { id: request.params.id, endedAt, closedBy: request.staff.login }, app.now());
    },
  );
};
