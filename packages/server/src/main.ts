/** `startServer`: reads the environment, opens the database, runs the bootstrap, and listens; stops on signals. */

import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { buildApp } from './app.ts';
import { MemoryQuotaCounter, RedisQuotaCounter } from './auth/quota.ts';
import { bootstrap } from './bootstrap.ts';
import { readConfig, type ServerConfig } from './config.ts';
import { openDb } from './db/open.ts';
import { ServerError } from './errors.ts';
import { ConsoleOtpSender } from './holders/otp.ts';
import type { KeyStore } from './keys/store.ts';
import { CheckinTokens } from './tokens/index.ts';

export interface RunningServer {
  url: string;
  config: ServerConfig;
  close(): Promise<void>;
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
  let keyStore: KeyStore;
  try {
    keyStore = await bootstrap(db, config, logger, print);
  } catch (error) {
    await db.close();
    throw error;
  }
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 })
    : undefined;
  const app = await buildApp({
    db,
    loggerInstance: logger,
    checkins: {
      ingestion: config.natsUrl ? { natsUrl: config.natsUrl, nats: { deployment: config.deployment } } : {},
    },
    checkinTokens: new CheckinTokens(config.checkinTokenSecret),
    authority: {
      keys: keyStore,
      secret: config.keySecret,
      shcIssuer: config.shcIssuer,
      otpSender: config.production
        ? new ConsoleOtpSender((line) => logger.info(line), { showCodes: false })
        : new ConsoleOtpSender((line) => logger.info(line)),
      quota: redis ? new RedisQuotaCounter(redis) : new MemoryQuotaCounter(),
    },
    appsDir: config.appsDir,
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
