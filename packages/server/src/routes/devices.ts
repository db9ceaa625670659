/** A venue device learns its venue at set-up: the scanner sends its credential and gets the venue it belongs to. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DeviceAuthenticator } from '../checkins/devices';
import { ServerError } from '../errors';
import { errorResponse } from './schemas';

export const deviceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const devices = new DeviceAuthenticator(app.db);
  app.get(
    '/v1/devices/me',
    {
      schema: {
        tags: ['venues'],
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
      const device = await devices.authenticate(request.headers.authorization);
      const { rows } = await app.db.query<{ id: string; name: string; category: string }>(
        'SELECT id, name, category FROM venues WHERE id = $1',
        [device.venueId],
      );
      const venue = rows[0];
      if (!venue)
        throw new ServerError('ERR_DEVICE_UNAUTHORIZED', 'the device’s venue no longer exists', {
          statusCode: 401,
        });
      return { deviceId: device.deviceId, venue };
    },
  );
};
