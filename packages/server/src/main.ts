/** `startServer`: reads the environment, opens and migrates the database, seeds a fresh one, and listens. */

import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { buildApp } from './app';
import { createVenueDevice } from './checkins/devices';
import { migrateCheckins } from './checkins/schema';
import { createStaffToken } from './checkins/staff';
import { readConfig, type ServerConfig } from './config';
import { migrate } from './db/migrate';
import { openDb } from './db/open';
import type { Db } from './db/types';
import { ServerError } from './errors';
import { runIssuance } from './issuance/job';
import { KeyStore } from './keys/store';
import { DEFAULT_APPS_DIR } from './plugins/apps';
import { ConsoleOtpSender } from './routes/holders';
import { MemoryQuotaCounter, RedisQuotaCounter } from './routes/partners';
import { isRegistryEmpty, type SeedResult, seedDemo } from './seed/seed';
import { CheckinTokens } from './tokens';

export interface RunningServer {
  url: string;
  config: ServerConfig;
  close(): Promise<void>;
}

export function describeSeed(seed: SeedResult): string {
  const lines = [
    `Seeded a demo registry: ${seed.people} people, ${seed.immunizations} doses, ${seed.venues} venues.`,
    'Demo holder logins (one-time code by phone; in development the code is printed on this console):',
    ...seed.demoHolders.map(
      (holder) => `  ${holder.phone}  ${holder.name} (${holder.externalId}): ${holder.shows}`,
    ),
    'Demo partner client (OAuth 2.0 client credentials; the secret is shown only now):',
    `  client_id=${seed.partner.clientId}`,
    `  client_secret=${seed.partner.clientSecret}`,
  ];
  return lines.join('\n');
}

export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
  options: { logger?: Logger; print?: (text: string) => void } = {},
): Promise<RunningServer> {
  const config = readConfig(env);
  const logger = options.logger ?? pino({ level: config.logLevel });
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));
  if (config.keySecretIsDevDefault) {
    logger.warn(
      '!!! GREENLIGHT_KEY_SECRET is not set: signing keys are encrypted with the PUBLIC development secret. ' +
        'Fine for a demo, never for real certificates. Set GREENLIGHT_KEY_SECRET (32+ characters). !!!',
    );
  }
  const db = await openDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.pgPoolSize,
    onPoolError: (error) => logger.warn({ err: error }, 'idle database connection lost'),
  });
  const keyStore = new KeyStore(db, { secret: config.keySecret });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    const keys = await keyStore.ensure();
    for (const key of keys) logger.info({ kind: key.kind, kid: key.kid }, 'key created');
    await migrateCheckins(db);
    if (config.seed && (await isRegistryEmpty(db))) {
      print(describeSeed(await seedDemo(db)));
      const desk = await createStaffToken(db, { login: 'demo-desk', role: 'staff' });
      const investigator = await createStaffToken(db, { login: 'demo-investigator', role: 'investigator' });
      print(`Demo staff tokens (shown only now): desk ${desk}\n  investigator ${investigator}`);
      const { rows: venues } = await db.query<{ id: string; name: string; category: string }>(
        'SELECT id, name, category FROM venues ORDER BY name',
      );
      const lines = ['Demo venue device credentials for the scanner (shown only now):'];
      for (const venue of venues) {
        const device = await createVenueDevice(db, venue.id);
        lines.push(`  ${venue.name} (${venue.category}): ${device.credential}`);
      }
      print(lines.join('\n'));
    }
    // Bulk issuance before serving: every certificate is signed ahead of time, so downloads are reads.
    const issued = await runIssuance(db, keyStore, { shcIssuer: config.shcIssuer });
    logger.info(
      {
        signed: issued.signed,
        unchanged: issued.unchanged,
        failed: issued.failed.length,
        perSecond: Math.round(issued.certificatesPerSecond),
      },
      'bulk issuance done',
    );
  } catch (error) {
    await db.close();
    throw error;
  }
  const tokenSecret = `${config.keySecret}/checkin-tokens`;
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 })
    : undefined;
  const app = await buildApp({
    db,
    loggerInstance: logger,
    checkins: {
      ingestion: config.natsUrl ? { natsUrl: config.natsUrl } : {},
      investigations: { tokenSecret },
    },
    authority: {
      keys: keyStore,
      secret: config.keySecret,
      shcIssuer: config.shcIssuer,
      otpSender: new ConsoleOtpSender((line) => logger.info(line)),
      tokens: new CheckinTokens(tokenSecret),
      quota: redis ? new RedisQuotaCounter(redis) : new MemoryQuotaCounter(),
    },
    appsDir: config.appsDir ?? DEFAULT_APPS_DIR,
  });
  if (redis) app.addHook('onClose', async () => void redis.disconnect());
  let address: string;
  try {
    address = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ServerError(
        'ERR_PORT_IN_USE',
        `port ${config.port} on ${config.host} is in use: set PORT to another`,
      );
    }
    throw error;
  }
  const where = config.databaseUrl ? 'PostgreSQL' : `PGlite at ${config.dataDir}`;
  print(`Greenlight server on ${address.replace('127.0.0.1', 'localhost')} (${where}); API docs at /docs`);
  return { url: address, config, close: () => app.close() };
}

/** Stops on SIGINT/SIGTERM: no new connections, requests in flight finish, the database closes; a second signal forces. */
export function closeOnSignals(server: RunningServer, exit: (code: number) => void = process.exit): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) {
      exit(1);
      return;
    }
    closing = true;
    process.stderr.write(`\n${signal}: stopping…\n`);
    server.close().then(
      () => exit(0),
      (error) => {
        process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
        exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** The database named by the config, migrated: for CLI commands that work on the registry or the keys. */
export async function openConfiguredDb(config: ServerConfig): Promise<Db> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
