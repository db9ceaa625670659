/** Check-in ingestion (`POST /v1/checkins`, venue devices) and per-venue daily counts (inspectors, owners). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { venueCounts } from '../checkins/counts.ts';
import { DirectSink, type DirectSinkOptions } from '../checkins/direct.ts';
import { CheckinEntrySchema, checkEntries } from '../checkins/entries.ts';
import { NatsSink, type NatsSinkOptions } from '../checkins/nats.ts';
import { PartitionKeeper, startRetention } from '../checkins/partitions.ts';
import type { CheckinSink } from '../checkins/sink.ts';
import { venueExists } from '../venues/directory.ts';
import { errorResponse, FullDate, security, Uuid } from './schemas.ts';

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
  config?: CheckinConfig;
}

const MAX_ENTRIES = 1000;

const CheckinBatch = Type.Object({
  entries: Type.Array(CheckinEntrySchema, { minItems: 1, maxItems: MAX_ENTRIES }),
});

const CheckinResult = Type.Object({
  accepted: Type.Array(Type.String()),
  duplicates: Type.Array(Type.String()),
  rejected: Type.Array(Type.Object({ eventId: Type.String(), code: Type.String(), message: Type.String() })),
  /** Entries ahead of the server's clock: not stored, not rejected; the scanner corrects its clock and resends. */
  retry: Type.Array(
    Type.Object({
      eventId: Type.String(),
      code: Type.Literal('ERR_CHECKIN_CLOCK_AHEAD'),
      message: Type.String(),
    }),
  ),
  /** The server's clock when it checked the batch (RFC 3339, milliseconds): the scanner measures its offset. */
  serverTime: Type.String({ format: 'date-time' }),
});

const CountsQuery = Type.Object({
  venueId: Uuid(),
  from: FullDate(),
  to: FullDate(),
});

export const checkinRoutes: FastifyPluginAsyncTypebox<CheckinRouteOptions> = async (app, options) => {
  const { db } = app;
  const config = options.config ?? {};
  const partitions = new PartitionKeeper(db, app.now);
  try {
    await partitions.ready();
  } catch (error) {
    app.log.warn({ err: error }, 'check-in partitions not ready; will retry before the first upload');
  }
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
  app.addHook('onClose', async () => {
    retention?.stop();
    await sink.close();
  });

  app.post(
    '/v1/checkins',
    {
      // Partitions first, as before any write; a no-op once they were ensured.
      preHandler: [() => partitions.ready(), app.authenticate.device],
      // Each entry is checked on its own by checkEntries (NUL, formats, ranges): one bad entry never fails the batch.
      config: { itemsCheckedOneByOne: 'entries' },
      schema: {
        tags: ['checkins'],
        security: security.device,
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
      const now = app.now().getTime();
      const { rows, rejected, retry } = await checkEntries(request.body.entries, request.device, now, (id) =>
        venueExists(db, id),
      );
      const { accepted, duplicates } = await sink.submit(rows);
      return { accepted, duplicates, rejected, retry, serverTime: new Date(now).toISOString() };
    },
  );

  app.get(
    '/v1/checkins/counts',
    {
      preHandler: app.authenticate.staff(['inspector', 'investigator', 'venue_owner']),
      schema: {
        tags: ['checkins'],
        security: security.staff,
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
      const { venueId, from, to } = request.query;
      return { venueId, days: await venueCounts(db, request.staff, venueId, from, to) };
    },
  );
};
