/** Test support: the app with test settings for the check-in plugins (no timers, a fixed token secret). */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app';
import type { Db } from '../db/types';
import type { CheckinConfig } from '../routes/checkins';

export const TEST_TOKEN_SECRET = 'test-checkin-token-secret-0123456789abcdef';

export async function checkinApp(db: Db, ingestion: CheckinConfig = {}): Promise<FastifyInstance> {
  const app = await buildApp({
    db,
    closeDb: false,
    logger: false,
    checkins: {
      ingestion: { retention: false, ...ingestion },
      investigations: { tokenSecret: TEST_TOKEN_SECRET },
      outages: { probeIntervalMs: 0 },
    },
  });
  await app.ready();
  return app;
}
