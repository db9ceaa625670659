/** Check-in ingestion (`POST /v1/checkins`, venue devices) and per-venue daily counts (inspectors, owners). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DeviceAuthenticator } from '../checkins/devices';
import { DirectSink, type DirectSinkOptions } from '../checkins/direct';
import { checkEntries } from '../checkins/entries';
import { NatsSink, type NatsSinkOptions } from '../checkins/nats';
import { startRetention } from '../checkins/partitions';
import { prepareCheckinSchema } from '../checkins/schema';
import type { CheckinSink } from '../checkins/sink';
import { authenticateStaff } from '../checkins/staff';
import type { Db } from '../db/types';
import { ServerError } from '../errors';
import { dayIso, parseDayIso } from '../tokens/tokens';
import { errorResponse } from './schemas';

export interface CheckinConfig {
  /** Scale-out mode: publish to JetStream at this URL (NATS_URL); direct mode when absent. */
  natsUrl?: string;
  nats?: NatsSinkOptions;
  /** A ready sink (tests); wins over `natsUrl`. */
  sink?: CheckinSink;
  direct?: DirectSinkOptions;
  /** Run the partition retention job every hour (default true). */
  retention?: boolean;
}

export interface CheckinRouteOptions {
  db: Db;
  config?: CheckinConfig;
}

const MAX_ENTRIES = 1000;

const Entry = Type.Object({
  eventId: Type.String({ maxLength: 64 }),
  venueId: Type.String({ maxLength: 64 }),
  at: Type.String({ maxLength: 64 }),
  method: Type.String({ maxLength: 32 }),
  token: Type.Optional(Type.String({ maxLength: 64 })),
});

const CheckinBatch = Type.Object({ entries: Type.Array(Entry, { minItems: 1, maxItems: MAX_ENTRIES }) });

const CheckinResult = Type.Object({
  accepted: Type.Array(Type.String()),
  duplicates: Type.Array(Type.String()),
  rejected: Type.Array(Type.Object({ eventId: Type.String(), code: Type.String(), message: Type.String() })),
});

const CountsQuery = Type.Object({
  venueId: Type.String({ format: 'uuid' }),
  from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  to: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
});

const MAX_COUNT_DAYS = 62;

export const checkinRoutes: FastifyPluginAsyncTypebox<CheckinRouteOptions> = async (app, options) => {
  const { db } = options;
  const config = options.config ?? {};
  await prepareCheckinSchema(app, db);
  const retention =
    config.retention === false
      ? undefined
      : startRetention(db, app.now, (error) => app.log.warn({ err: error }, 'check-in retention failed'));
  const sink =
    config.sink ??
    (config.natsUrl
      ? await NatsSink.open(db, config.natsUrl, {
          ...config.nats,
          onError: (error) => app.log.warn({ err: error }, 'check-in writer'),
        })
      : new DirectSink(db, config.direct));
  const devices = new DeviceAuthenticator(db);
  app.addHook('onClose', async () => {
    retention?.stop();
    await sink.close();
  });

  const venueExists = async (venueId: string) =>
    (await db.query('SELECT 1 FROM venues WHERE id = $1', [venueId])).rows.length > 0;

  app.post(
    '/v1/checkins',
    {
      schema: {
        tags: ['checkins'],
        summary: 'Upload a batch of check-ins from one venue device (idempotent by event id)',
        body: CheckinBatch,
        response: {
          200: CheckinResult,
          400: errorResponse('ERR_VALIDATION'),
          401: errorResponse('ERR_DEVICE_UNAUTHORIZED'),
          429: errorResponse('ERR_OVERLOADED, with Retry-After'),
          503: errorResponse('ERR_DB_UNAVAILABLE or ERR_QUEUE_UNAVAILABLE, with Retry-After'),
        },
      },
    },
    async (request) => {
      const device = await devices.authenticate(request.headers.authorization);
      const { rows, rejected } = await checkEntries(
        request.body.entries,
        device,
        app.now().getTime(),
        venueExists,
      );
      const { accepted, duplicates } = await sink.submit(rows);
      return { accepted, duplicates, rejected };
    },
  );

  app.get(
    '/v1/checkins/counts',
    {
      schema: {
        tags: ['checkins'],
        summary: 'Daily check-in counts of one venue (no personal data)',
        querystring: CountsQuery,
        response: {
          200: Type.Object({
            venueId: Type.String(),
            days: Type.Array(Type.Object({ day: Type.String(), count: Type.Integer() })),
          }),
          400: errorResponse('ERR_VALIDATION'),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          403: errorResponse('ERR_FORBIDDEN'),
          503: errorResponse('ERR_DB_UNAVAILABLE'),
        },
      },
    },
    async (request) => {
      const member = await authenticateStaff(db, request.headers.authorization, [
        'inspector',
        'investigator',
        'venue_owner',
      ]);
      const { venueId, from, to } = request.query;
      if (member.role === 'venue_owner' && member.venueId !== venueId.toLowerCase()) {
        throw new ServerError('ERR_FORBIDDEN', 'a venue owner sees only its own venue', { statusCode: 403 });
      }
      const first = parseDayIso(from);
      const last = parseDayIso(to);
      if (first === undefined || last === undefined || last < first || last - first >= MAX_COUNT_DAYS) {
        throw new ServerError(
          'ERR_VALIDATION',
          `from and to must be dates, from <= to, at most ${MAX_COUNT_DAYS} days`,
          {
            statusCode: 400,
          },
        );
      }
      const { rows } = await db.query<{ day: string; count: number }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, count(*)::int AS count FROM checkins
         WHERE venue_id = $1 AND day BETWEEN $2::date AND $3::date GROUP BY day ORDER BY day`,
        [venueId, dayIso(first), dayIso(last)],
      );
      return { venueId, days: rows };
    },
  );
};
