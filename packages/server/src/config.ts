/** The one config reader: every setting of the server comes from the environment through `readConfig`. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerError } from './errors.ts';

export interface ServerConfig {
  port: number;
  host: string;
  /** PostgreSQL when set; PGlite in `dataDir` otherwise. */
  databaseUrl: string | undefined;
  pgPoolSize: number;
  dataDir: string;
  keySecret: string;
  /** The master secret of the check-in tokens (docs/checkin-tokens.md), derived once from `keySecret`. */
  checkinTokenSecret: string;
  /** True when `keySecret` is the built-in development secret. */
  keySecretIsDevDefault: boolean;
  /** `NODE_ENV` is `production` in any case (`Production`, `PRODUCTION`): no demo secret, no printed credential. */
  production: boolean;
  logLevel: string;
  /** Seed an empty registry: by default in development, only with `GREENLIGHT_SEED=1` in production. */
  seed: boolean;
  /**
   * Print the demo credentials (partner secret, staff tokens, device credentials) when seeding: development only.
   * In production the only credential ever shown is the first administrator's, by `greenlight admin bootstrap`.
   */
  printCredentials: boolean;
  /**
   * The deployment id (`GREENLIGHT_DEPLOYMENT`): names this deployment's NATS stream, subject and consumer, so that
   * deployments sharing one NATS server never read each other's check-ins. NATS name-safe: `[A-Za-z0-9_-]{1,32}`.
   */
  deployment: string;
  /** The SMART Health Card issuer URL (`iss`): https, no trailing slash. */
  shcIssuer: string;
  /** Shared partner quotas when set (`REDIS_URL`). */
  redisUrl: string | undefined;
  /** Check-in ingestion through NATS JetStream when set (`NATS_URL`); direct COPY otherwise. */
  natsUrl: string | undefined;
  /** The built apps (`GREENLIGHT_APPS_DIR`); the repository's apps/dist when unset. */
  appsDir: string;
}

/** Public on purpose: it only protects demo data, and every start with it logs a warning. */
export const DEV_KEY_SECRET = 'greenlight-development-key-secret-NOT-FOR-PRODUCTION';
/** The deployment id when `GREENLIGHT_DEPLOYMENT` is unset (development only when NATS is used). */
export const DEFAULT_DEPLOYMENT = 'default';
const DEPLOYMENT = /^[A-Za-z0-9_-]{1,32}$/;
/**
 * Secrets that are public because they are in this repository (the development default, the benches' and the
 * tests'): production refuses them, whatever their length.
 */
const PUBLIC_SECRETS = new Set([
  DEV_KEY_SECRET,
  'bench-secret-bench-secret-bench-secret-0',
  'test-checkin-token-secret-0123456789abcdef',
  'a test secret that is long enough to derive a key',
  'a-test-secret-that-is-at-least-32-characters',
]);
/** The repository's built apps (`npm run build -w apps`). */
export const DEFAULT_APPS_DIR = fileURLToPath(new URL('../../../apps/dist/', import.meta.url));
const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ServerError('ERR_CONFIG', `${name} must be an integer from ${min} to ${max}, not '${raw}'`);
  }
  return value;
}

/** `NODE_ENV=production`, compared without regard to case or surrounding spaces. */
export function isProduction(env: NodeJS.ProcessEnv): boolean {
  return (env.NODE_ENV ?? '').trim().toLowerCase() === 'production';
}

/** `GREENLIGHT_SEED`: `1`/`true` or `0`/`false` (any case); unset means the mode's default. */
function seedFlag(env: NodeJS.ProcessEnv, production: boolean): boolean {
  const raw = (env.GREENLIGHT_SEED ?? '').trim().toLowerCase();
  if (raw === '') return !production;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new ServerError('ERR_CONFIG', `GREENLIGHT_SEED must be 1 or 0, not '${env.GREENLIGHT_SEED}'`);
}

/** The check-in token master secret of a key secret: the one place it is derived. */
function checkinTokenSecret(keySecret: string): string {
  return `${keySecret}/checkin-tokens`;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const secret = env.GREENLIGHT_KEY_SECRET;
  if (secret !== undefined && secret !== '' && secret.length < 32) {
    throw new ServerError('ERR_CONFIG', 'GREENLIGHT_KEY_SECRET must be at least 32 characters');
  }
  const keySecretIsDevDefault = secret === undefined || secret === '';
  const production = isProduction(env);
  if (production && keySecretIsDevDefault) {
    throw new ServerError(
      'ERR_CONFIG',
      'GREENLIGHT_KEY_SECRET is required when NODE_ENV=production: set it to a long random secret of your own (32+ characters)',
    );
  }
  if (production && PUBLIC_SECRETS.has(secret as string)) {
    throw new ServerError(
      'ERR_CONFIG',
      'GREENLIGHT_KEY_SECRET is a public secret from the Greenlight repository (the development default or a test one): production refuses it; set a long random secret of your own',
    );
  }
  const deployment = env.GREENLIGHT_DEPLOYMENT || undefined;
  if (deployment !== undefined && !DEPLOYMENT.test(deployment)) {
    throw new ServerError(
      'ERR_CONFIG',
      `GREENLIGHT_DEPLOYMENT must be 1 to 32 letters, digits, '-' or '_' (it names NATS streams), not '${deployment}'`,
    );
  }
  if (production && env.NATS_URL && deployment === undefined) {
    throw new ServerError(
      'ERR_CONFIG',
      'GREENLIGHT_DEPLOYMENT is required with NATS_URL when NODE_ENV=production: it keeps the check-ins of deployments that share a NATS server apart',
    );
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.has(logLevel)) {
    throw new ServerError('ERR_CONFIG', `LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}`);
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ServerError('ERR_CONFIG', 'DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const shcIssuer = env.GREENLIGHT_SHC_ISSUER || 'https://greenlight.localhost';
  if (!/^https:\/\/[^/]+(\/.*[^/])?$/.test(shcIssuer)) {
    throw new ServerError(
      'ERR_CONFIG',
      'GREENLIGHT_SHC_ISSUER must be an https URL without a trailing slash',
    );
  }
  const keySecret = keySecretIsDevDefault ? DEV_KEY_SECRET : (secret as string);
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    pgPoolSize: integer(env, 'PG_POOL_SIZE', 10, 1, 1000),
    dataDir: resolve(cwd, env.GREENLIGHT_DATA_DIR || './data'),
    keySecret,
    checkinTokenSecret: checkinTokenSecret(keySecret),
    keySecretIsDevDefault,
    production,
    logLevel,
    seed: seedFlag(env, production),
    printCredentials: !production,
    deployment: deployment ?? DEFAULT_DEPLOYMENT,
    shcIssuer,
    redisUrl: env.REDIS_URL || undefined,
    natsUrl: env.NATS_URL || undefined,
    appsDir: env.GREENLIGHT_APPS_DIR ? resolve(cwd, env.GREENLIGHT_APPS_DIR) : DEFAULT_APPS_DIR,
  };
}

/** The `--database-url` and `--data-dir` flags of the CLI commands, over the environment. */
export function readConfigWithDbFlags(
  flags: { 'database-url'?: string | undefined; 'data-dir'?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const merged = { ...env };
  if (flags['database-url'] !== undefined) merged.DATABASE_URL = flags['database-url'];
  if (flags['data-dir'] !== undefined) merged.GREENLIGHT_DATA_DIR = flags['data-dir'];
  return readConfig(merged);
}
