/** The one error type of the server: a stable `code`, the HTTP status it maps to, and an optional Retry-After. */

export class ServerError extends Error {
  readonly code: `ERR_${string}`;
  readonly statusCode: number;
  /** Seconds, sent as `Retry-After` with 429 and 503 answers. */
  readonly retryAfter: number | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: `ERR_${string}`,
    message: string,
    options?: {
      statusCode?: number;
      retryAfter?: number;
      cause?: unknown;
      details?: Record<string, unknown>;
    },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServerError';
    this.code = code;
    this.statusCode = options?.statusCode ?? 500;
    this.retryAfter = options?.retryAfter;
    this.details = options?.details;
  }
}

export function isServerError(value: unknown): value is ServerError {
  return value instanceof ServerError;
}

/** Seconds a client should wait before retrying while the database is unreachable. */
export const DB_RETRY_AFTER_SECONDS = 5;

export function dbUnavailable(cause: unknown): ServerError {
  return new ServerError('ERR_DB_UNAVAILABLE', 'the database is unavailable; retry later', {
    statusCode: 503,
    retryAfter: DB_RETRY_AFTER_SECONDS,
    cause,
  });
}
