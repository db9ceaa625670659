/**
 * The one error type of the server and its one table: every stable code with the HTTP status it answers and a
 * default message. A throw site names a code, never a status (docs: the error table in the server README).
 */

/** Code → HTTP status and default message. Codes used outside HTTP (CLI, start-up) answer 500 if they ever reach it. */
export const ERRORS = {
  ERR_VALIDATION: { status: 400, message: 'the request does not match the route schema' },
  ERR_BAD_REQUEST: { status: 400, message: 'malformed request' },
  ERR_BAD_URL: { status: 400, message: 'the path holds a malformed percent-escape' },
  ERR_DEVICE_KEY: { status: 400, message: 'the device key is not an uncompressed P-256 point' },
  ERR_IMPORT_FORMAT: { status: 400, message: 'the import file is neither registry CSV nor FHIR JSON' },
  ERR_OAUTH_INVALID_REQUEST: {
    status: 400,
    message: 'the token request is malformed (RFC 6749 §5.2 invalid_request)',
  },
  ERR_OAUTH_UNSUPPORTED_GRANT_TYPE: {
    status: 400,
    message: 'only grant_type=client_credentials is supported (RFC 6749 §5.2 unsupported_grant_type)',
  },
  ERR_OAUTH_INVALID_SCOPE: {
    status: 400,
    message: 'the requested scope is unknown (RFC 6749 §5.2 invalid_scope)',
  },
  ERR_UNAUTHORIZED: { status: 401, message: 'log in first: a valid holder session is required' },
  ERR_OTP_INVALID: { status: 401, message: 'the code is wrong or has expired' },
  ERR_INVALID_CLIENT: { status: 401, message: 'unknown client or wrong secret' },
  ERR_INVALID_TOKEN: { status: 401, message: 'a valid partner access token is required' },
  ERR_STAFF_UNAUTHORIZED: { status: 401, message: 'a staff token is required: Authorization: Bearer st_…' },
  ERR_DEVICE_UNAUTHORIZED: { status: 401, message: 'a device credential is required' },
  ERR_FORBIDDEN: { status: 403, message: 'this needs another role' },
  ERR_CONSENT_REQUIRED: { status: 403, message: 'the holder has not consented to this partner' },
  ERR_NOT_FOUND: { status: 404, message: 'no such route or resource' },
  ERR_BUNDLE_KIND: { status: 404, message: 'no such bundle kind' },
  ERR_ADMIN_EXISTS: {
    status: 409,
    message: 'an administrator exists already: admin bootstrap only makes the first one',
  },
  ERR_PASS_NOT_PRINTABLE: {
    status: 409,
    message: 'the certificate is revoked, expired or invalid: it cannot be printed; the answer lists why',
  },
  ERR_REISSUE_NOT_NEEDED: {
    status: 409,
    message: 'every form of the current certificate is still good: print it instead of reissuing',
  },
  ERR_REISSUE_NO_CERTIFICATE: {
    status: 409,
    message: 'the registry record gives this person no certificate (no dose recorded)',
  },
  ERR_STICKER_NOT_ALLOWED: {
    status: 409,
    message: 'the certificate does not give a pass: no sticker; the answer lists why',
  },
  ERR_STICKER_EXISTS: {
    status: 409,
    message: 'a sticker for this certificate was already recorded; replace it with a reason',
  },
  ERR_OUTAGE_CLOSED: { status: 409, message: 'the outage declaration is already closed' },
  ERR_REQUEST_TIMEOUT: { status: 408, message: 'the request took too long to arrive' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'the body is over the limit' },
  ERR_URI_TOO_LONG: { status: 414, message: 'a path parameter is over the length limit' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'the route does not take this content type' },
  ERR_HEADERS_TOO_LARGE: { status: 431, message: 'the request headers are over the size limit' },
  ERR_OTP_TOO_SOON: { status: 429, message: 'a code was just sent; wait before asking again' },
  ERR_OTP_LOCKED: { status: 429, message: 'too many wrong codes; try again later' },
  ERR_QUOTA_EXCEEDED: { status: 429, message: 'over the partner quota' },
  ERR_OVERLOADED: { status: 429, message: 'the check-in writers are behind; retry the same entries later' },
  ERR_INTERNAL: { status: 500, message: 'internal error' },
  ERR_CONFIG: { status: 500, message: 'an environment variable is malformed' },
  ERR_MIGRATION: { status: 500, message: 'a migration failed' },
  ERR_KEY_DECRYPT: { status: 500, message: 'a stored private key cannot be decrypted' },
  ERR_KEY_MISSING: { status: 500, message: 'no signing key is in force' },
  ERR_PORT_IN_USE: { status: 500, message: 'the port is in use' },
  ERR_NATS_STREAM_FOREIGN: {
    status: 500,
    message: 'the NATS check-in stream belongs to another deployment or database',
  },
  ERR_DB_UNAVAILABLE: { status: 503, message: 'the database is unavailable; retry later' },
  ERR_QUEUE_UNAVAILABLE: { status: 503, message: 'the check-in queue is unavailable; retry later' },
} as const satisfies Record<`ERR_${string}`, { status: number; message: string }>;

/** Every code the server throws: an unknown code is a type error. */
export type ServerErrorCode = keyof typeof ERRORS;

export interface ServerErrorOptions {
  /** Seconds, sent as `Retry-After` with 429 and 503 answers. */
  retryAfter?: number;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class ServerError extends Error {
  readonly code: ServerErrorCode;
  /** The HTTP status of `code`, from `ERRORS`. */
  readonly statusCode: number;
  /** Seconds, sent as `Retry-After` with 429 and 503 answers. */
  readonly retryAfter: number | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ServerErrorCode, message?: string, options?: ServerErrorOptions) {
    super(
      message ?? ERRORS[code].message,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'ServerError';
    this.code = code;
    this.statusCode = ERRORS[code].status;
    this.retryAfter = options?.retryAfter;
    this.details = options?.details;
  }
}

export function isServerError(value: unknown): value is ServerError {
  return value instanceof ServerError;
}

/** The code of an HTTP status that Fastify itself raises (body limit, content type, …); ERR_BAD_REQUEST otherwise. */
export function codeOfStatus(status: number): ServerErrorCode {
  return FRAMEWORK_CODES.find((code) => ERRORS[code].status === status) ?? 'ERR_BAD_REQUEST';
}

const FRAMEWORK_CODES = ['ERR_NOT_FOUND', 'ERR_PAYLOAD_TOO_LARGE', 'ERR_UNSUPPORTED_MEDIA_TYPE'] as const;

/** Seconds a client should wait before retrying while the database is unreachable. */
export const DB_RETRY_AFTER_SECONDS = 5;

export function dbUnavailable(cause: unknown): ServerError {
  return new ServerError('ERR_DB_UNAVAILABLE', undefined, { retryAfter: DB_RETRY_AFTER_SECONDS, cause });
}
