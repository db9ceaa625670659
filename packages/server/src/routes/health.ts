/** Liveness (/healthz: the process answers) and readiness (/readyz: the database answers). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { pingDb } from '../db/ping.ts';
import { dbUnavailable, isServerError } from '../errors.ts';
import { errorResponse } from './schemas.ts';

const Healthy = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({
  status: Type.Literal('ready'),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
});

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'The process is up', response: { 200: Healthy } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'The database is reachable',
        response: { 200: Ready, 503: errorResponse('ERR_DB_UNAVAILABLE, with Retry-After') },
      },
    },
    async () => {
      try {
        await pingDb(app.db);
      } catch (error) {
        app.metrics.dbUp.set(0);
        throw isServerError(error) ? error : dbUnavailable(error);
      }
      app.metrics.dbUp.set(1);
      return { status: 'ready' as const, database: app.db.kind };
    },
  );
};
