/** `buildApp(options)`: the Fastify app with its error handler, shared plugins and the route plugins. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import { auth } from './auth/plugin.ts';
import type { QuotaCounter } from './auth/quota.ts';
import type { Db } from './db/types.ts';
import { codeOfStatus, ERRORS, isServerError, ServerError } from './errors.ts';
import type { OtpSender } from './holders/otp.ts';
import type { KeyStore } from './keys/store.ts';
import { appsPlugin } from './plugins/apps.ts';
import { dbPlugin } from './plugins/db.ts';
import { answerClientError, answerFrameworkError, edgePlugin } from './plugins/edge.ts';
import { headersPlugin } from './plugins/headers.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { publicationPlugin } from './plugins/publication.ts';
import { bundleRoutes } from './routes/bundles.ts';
import { type CheckinConfig, checkinRoutes } from './routes/checkins.ts';
import { deskRoutes } from './routes/desk.ts';
import { deviceRoutes } from './routes/devices.ts';
import { healthRoutes } from './routes/health.ts';
import { holderRoutes } from './routes/holders.ts';
import { investigationRoutes } from './routes/investigations.ts';
import { keyRoutes } from './routes/keys.ts';
import { type OutageConfig, outageRoutes } from './routes/outages.ts';
import { partnerRoutes } from './routes/partners.ts';
import { ErrorBody } from './routes/schemas.ts';
import { venueRoutes } from './routes/venues.ts';
import type { CheckinTokens } from './tokens/index.ts';

export interface AppOptions {
  /** A migrated database (`migrate(db)` first: the app never migrates). */
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
  /** Check-in ingestion and the outage log (docs/checkins.md). */
  checkins?: { ingestion?: CheckinConfig; outages?: OutageConfig };
  /**
   * The check-in tokens (built from `config.checkinTokenSecret`): holders get theirs, investigations open them.
   * Without it there is no `/v1/investigations`; the authority's routes need it.
   */
  checkinTokens?: CheckinTokens;
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
  quota: QuotaCounter;
}

declare module 'fastify' {
  interface FastifyInstance {
    now: () => Date;
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: options.logger ?? { level: 'info' } }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('now', options.now ?? (() => new Date()));
  app.addSchema(ErrorBody);

  // One error handler: a client error is a 4xx with {code, message}; only a bug is a 500.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isServerError(error)) {
      if (error.retryAfter !== undefined) reply.header('Retry-After', String(error.retryAfter));
      if (error.statusCode >= 500) request.log.warn({ err: error }, error.message);
      const reasons = error.details?.reasons;
      return reply
        .status(error.statusCode)
        .send({ code: error.code, message: error.message, ...(Array.isArray(reasons) ? { reasons } : {}) });
    }
    if (error.validation) {
      return reply
        .status(ERRORS.ERR_VALIDATION.status)
        .send({ code: 'ERR_VALIDATION', message: error.message });
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // Fastify's own refusals (bad JSON, content type, body size): the status of the code, so the two agree.
      const code = codeOfStatus(status);
      return reply.status(ERRORS[code].status).send({ code, message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(ERRORS.ERR_INTERNAL.status)
      .send({ code: 'ERR_INTERNAL', message: ERRORS.ERR_INTERNAL.message });
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(ERRORS.ERR_NOT_FOUND.status)
      .send({ code: 'ERR_NOT_FOUND', message: `no route ${request.method} ${request.url}` });
  });

  const authority = options.authority;
  const tokens = options.checkinTokens;
  if (authority && !tokens) {
    throw new ServerError(
      'ERR_CONFIG',
      'the authority routes need checkinTokens (config.checkinTokenSecret)',
    );
  }

  await app.register(edgePlugin);
  await app.register(headersPlugin);
  await app.register(dbPlugin, { db: options.db, closeWithApp: options.closeDb ?? true });
  await app.register(metricsPlugin);
  await app.register(openapiPlugin);
  await app.register(auth, { partnerSecret: authority?.secret, quota: authority?.quota });
  await app.register(healthRoutes);
  await app.register(venueRoutes);
  await app.register(keyRoutes);
  await app.register(checkinRoutes, { config: options.checkins?.ingestion });
  if (tokens) await app.register(investigationRoutes, { tokens });
  await app.register(outageRoutes, { config: options.checkins?.outages });
  if (authority && tokens) {
    await app.register(publicationPlugin, { keys: authority.keys, shcIssuer: authority.shcIssuer });
    await app.register(bundleRoutes);
    await app.register(holderRoutes, {
      keys: authority.keys,
      secret: authority.secret,
      sender: authority.otpSender,
      tokens,
    });
    await app.register(deskRoutes, { keys: authority.keys, shcIssuer: authority.shcIssuer });
    await app.register(deviceRoutes);
    await app.register(partnerRoutes, { secret: authority.secret });
  }
  if (options.appsDir !== false && options.appsDir !== undefined) {
    await app.register(appsPlugin, { dir: options.appsDir });
  }
  return app;
}
