/** Test support: the app with test settings for the check-in plugins (no timers, a fixed token secret). */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import type { Db } from '../src/db/types.ts';
import type { CheckinConfig } from '../src/routes/checkins.ts';
import { CheckinTokens } from '../src/tokens/index.ts';

export const TEST_TOKEN_SECRET = 'test-checkin-token-secret-0123456789abcdef';

export async function checkinApp(db: Db, ingestion: CheckinConfig = {}): Promise<FastifyInstance> {
  const app = await buildApp({
    db,
    closeDb: false,
    logger: false,
    checkins: { ingestion: { retention: false, ...ingestion }, outages: { probeIntervalMs: 0 } },
    checkinTokens: new CheckinTokens(TEST_TOKEN_SECRET),
  });
  await app.ready();
  return app;
}
