/** The one error type of the codec: every failure carries a stable `code` that callers branch on. */

/** Failure families, one per spec layer; the codes themselves are listed in the package README. */
export type ErrorFamily =
  | 'encoding'
  | 'compression'
  | 'cbor'
  | 'cose'
  | 'cwt'
  | 'hcert'
  | 'x509'
  | 'trust'
  | 'jws'
  | 'shc'
  | 'qr'
  | 'presentation'
  | 'bundle'
  | 'revocation'
  | 'rules'
  | 'input';

export class GreenlightError extends Error {
  readonly code: string;
  readonly family: ErrorFamily;
  /** Extra machine-readable facts (a line number, the offending value); never needed to branch. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    family: ErrorFamily,
    code: `ERR_${string}`,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GreenlightError';
    this.family = family;
    this.code = code;
    this.details = options?.details;
  }
}

export function isGreenlightError(value: unknown): value is GreenlightError {
  return value instanceof GreenlightError;
}
