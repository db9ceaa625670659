/** A venue device learns its venue at set-up: the scanner sends its credential and gets the venue it belongs to. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ServerError } from '../errors.ts';
import { venueById } from '../venues/directory.ts';
import { errorResponse, security } from './schemas.ts';

export const deviceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/devices/me',
    {
      preHandler: app.authenticate.device,
      schema: {
        tags: ['venues'],
        security: security.device,
        summary: 'The venue of a device credential (Authorization: Bearer <deviceId>.<secret>)',
        response: {
          200: Type.Object({
            deviceId: Type.String(),
            venue: Type.Object({ id: Type.String(), name: Type.String(), category: Type.String() }),
          }),
          401: errorResponse('ERR_DEVICE_UNAUTHORIZED'),
        },
      },
    },
    async (request) => {
      const venue = await venueById(app.db, request.device.venueId);
      if (!venue) throw new ServerError('ERR_DEVICE_UNAUTHORIZED', 'the device’s venue no longer exists');
      return { deviceId: request.device.deviceId, venue };
    },
  );
};
