/** `buildApp(options)`: the Fastify app with its error handler, metrics, OpenAPI and route plugins. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import type { Db } from './db/types';
import { isServerError } from './errors';
import type { KeyStore } from './keys/store';
import { appsPlugin } from './plugins/apps';
import { dbPlugin } from './plugins/db';
import { metricsPlugin } from './plugins/metrics';
import { openapiPlugin } from './plugins/openapi';
import { bundleRoutes } from './routes/bundles';
import { type CheckinConfig, checkinRoutes } from './routes/checkins';
import { deskRoutes } from './routes/desk';
import { deviceRoutes } from './routes/devices';
import { healthRoutes } from './routes/health';
import { holderRoutes, type OtpSender } from './routes/holders';
import { type InvestigationConfig, investigationRoutes } from './routes/investigations';
import { keyRoutes } from './routes/keys';
import { type OutageConfig, outageRoutes } from './routes/outages';
import { partnerRoutes, type QuotaCounter } from './routes/partners';
import { ErrorBody } from './routes/schemas';
import { venueRoutes } from './routes/venues';
import type { CheckinTokens } from './tokens';

export interface AppOptions {
  db: Db;
  /** Close `db` when the app closes (default true). */
  closeDb?: boolean;
  /** pino options, or false for none (tests). */
  logger?: FastifyServerOptions['logger'];
  /** A pino logger made by the caller (main.ts); wins over `logger`. */
  loggerInstance?: FastifyBaseLogger;
  /** The one time source; tests inject a fixed clock. */
  now?: () => Date;
  bodyLimit?: number;
  /** Check-in ingestion, investigations and the outage log (docs/checkins.md). */
  checkins?: { ingestion?: CheckinConfig; investigations?: InvestigationConfig; outages?: OutageConfig };
  /** The authority's routes: publication, holders, desk and partners (they need the key store and secrets). */
  authority?: AuthorityOptions;
  /** Serve the built apps at /wallet/, /scanner/ and /desk/ (a folder with one sub-folder per app). */
  appsDir?: string | false;
}

export interface AuthorityOptions {
  keys: KeyStore;
  /** GREENLIGHT_KEY_SECRET: seals keys, keys the code hashes and the partner tokens. */
  secret: string;
  /** The SMART Health Card issuer URL (`iss`). */
  shcIssuer: string;
  otpSender: OtpSender;
  tokens: CheckinTokens;
  quota: QuotaCounter;
}

declare module 'fastify' {
  interface FastifyInstance {
    now: () => Date;
  }
}

const STATUS_CODES: Record<number, `ERR_${string}`> = {
  404: 'ERR_NOT_FOUND',
  413: 'ERR_PAYLOAD_TOO_LARGE',
  415: 'ERR_UNSUPPORTED_MEDIA_TYPE',
};

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: options.logger ?? { level: 'info' } }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('now', options.now ?? (() => new Date()));
  app.addSchema(ErrorBody);

  // One error handler: a client error is a 4xx with {code, message}; only a bug is a 500.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isServerError(error)) {
      if (error.retryAfter !== undefined) reply.header('Retry-After', String(error.retryAfter));
      if (error.statusCode >= 500) request.log.warn({ err: error }, error.message);
      return reply.status(error.statusCode).send({ code: error.code, message: error.message });
    }
    if (error.validation) {
      return reply.status(400).send({ code: 'ERR_VALIDATION', message: error.message });
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply
        .status(status)
        .send({ code: STATUS_CODES[status] ?? 'ERR_BAD_REQUEST', message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ code: 'ERR_INTERNAL', message: 'internal error' });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ code: 'ERR_NOT_FOUND', message: `no route ${request.method} ${request.url}` });
  });

  await app.register(dbPlugin, { db: options.db, closeWithApp: options.closeDb ?? true });
  await app.register(metricsPlugin);
  await app.register(openapiPlugin);
  await app.register(healthRoutes);
  await app.register(venueRoutes);
  await app.register(keyRoutes);
  await app.register(checkinRoutes, { db: options.db, config: options.checkins?.ingestion });
  await app.register(investigationRoutes, { db: options.db, config: options.checkins?.investigations });
  await app.register(outageRoutes, { db: options.db, config: options.checkins?.outages });
  const authority = options.authority;
  if (authority) {
    await app.register(bundleRoutes, {
      publisher: { secret: authority.secret, shcIssuer: authority.shcIssuer },
    });
    await app.register(holderRoutes, {
      keys: authority.keys,
      secret: authority.secret,
      sender: authority.otpSender,
      tokens: authority.tokens,
    });
    await app.register(deskRoutes);
    await app.register(deviceRoutes);
    await app.register(partnerRoutes, { secret: authority.secret, quota: authority.quota });
  }
  if (options.appsDir !== false && options.appsDir !== undefined) {
    await app.register(appsPlugin, { dir: options.appsDir });
  }
  return app;
}
