/** Test support: the app with the check-in plugins registered and a venue, a device and staff members. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app';
import type { Db } from '../db/types';
import { type CheckinConfig, checkinRoutes } from '../routes/checkins';
import { investigationRoutes } from '../routes/investigations';
import { outageRoutes } from '../routes/outages';

export const TEST_TOKEN_SECRET = 'test-checkin-token-secret-0123456789abcdef';

export async function checkinApp(db: Db, ingestion: CheckinConfig = {}): Promise<FastifyInstance> {
  const app = await buildApp({ db, closeDb: false, logger: false });
  if (!app.hasRoute({ method: 'POST', url: '/v1/checkins' })) {
    await app.register(checkinRoutes, { db, config: { retention: false, ...ingestion } });
    await app.register(investigationRoutes, { db, config: { tokenSecret: TEST_TOKEN_SECRET } });
    await app.register(outageRoutes, { db, config: { probeIntervalMs: 0 } });
  }
  await app.ready();
  return app;
}
