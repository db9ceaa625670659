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
  logLevel: string;
  seed: boolean;
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
  if (keySecretIsDevDefault && env.NODE_ENV === 'production') {
    throw new ServerError('ERR_CONFIG', 'GREENLIGHT_KEY_SECRET is required when NODE_ENV=production');
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
    logLevel,
    seed: env.GREENLIGHT_SEED !== '0',
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
