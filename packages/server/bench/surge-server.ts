/**
 * The server under test for `npm run bench:surge` and `greenlight surge`: the app on PostgreSQL or PGlite,
 * direct or NATS mode, plus bench-only admin routes (devices, audit) so that a PGlite run can be audited too.
 * Usage: node --conditions=source --import tsx packages/server/bench/surge-server.ts --port N [--database-url URL | --data-dir DIR] [--nats-url URL]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { createVenueDevice } from '../src/auth/devices.ts';
import { migrate } from '../src/db/migrate.ts';
import { openDb } from '../src/db/open.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    'nats-url': { type: 'string' },
    'max-inflight': { type: 'string' },
    'message-per': { type: 'string', default: 'entry' },
    writers: { type: 'string', default: '2' },
  },
});

const db = await openDb({ databaseUrl: values['database-url'], dataDir: values['data-dir'], poolSize: 12 });
await migrate(db);
const maxInFlight = values['max-inflight'] ? Number(values['max-inflight']) : undefined;
const app = await buildApp({
  db,
  logger: { level: 'warn' },
  checkins: {
    ingestion: {
      natsUrl: values['nats-url'],
      direct: { maxInFlightRows: maxInFlight },
      nats: {
        maxInFlight,
        writers: Number(values.writers),
        messagePer: values['message-per'] === 'batch' ? 'batch' : 'entry',
      },
    },
    outages: { probeIntervalMs: 0 },
  },
});

app.post<{ Body: { count: number } }>('/bench/devices', async (request) => {
  const devices = [];
  for (let i = 0; i < Math.min(request.body.count, 10_000); i++) {
    const venueId = randomUUID();
    await db.query(
      `INSERT INTO venues (id, name, category, address) VALUES ($1, $2, 'restaurant', 'surge')`,
      [venueId, `surge venue ${i + 1}`],
    );
    const device = await createVenueDevice(db, venueId);
    devices.push({ venueId, credential: device.credential });
  }
  return { devices };
});

app.post<{ Body: { eventIds: string[] } }>('/bench/audit', async (request) => {
  const { rows } = await db.query<{ id: string; n: number }>(
    'SELECT event_id::text AS id, count(*)::int AS n FROM checkins WHERE event_id = ANY($1::uuid[]) GROUP BY 1',
    [request.body.eventIds],
  );
  return { found: rows.map((row) => row.id), duplicates: rows.reduce((sum, row) => sum + row.n - 1, 0) };
});

const address = await app.listen({ port: Number(values.port), host: '127.0.0.1' });
console.log(`listening ${address}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
