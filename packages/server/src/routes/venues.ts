/** The venue directory (names and categories; the categories feed the rules bundle). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listVenues } from '../venues/directory.ts';
import { errorResponse } from './schemas.ts';

const Venue = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  category: Type.String(),
  address: Type.String(),
});

const VenueQuery = Type.Object({
  category: Type.Optional(Type.String({ pattern: '^[a-z_]{1,40}$' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});

export const venueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/venues',
    {
      schema: {
        tags: ['venues'],
        summary: 'List venues',
        querystring: VenueQuery,
        response: {
          200: Type.Object({ venues: Type.Array(Venue) }),
          400: errorResponse('ERR_VALIDATION'),
          503: errorResponse('ERR_DB_UNAVAILABLE'),
        },
      },
    },
    async (request) => {
      const { category, limit } = request.query;
      return { venues: await listVenues(app.db, category, limit) };
    },
  );
};
