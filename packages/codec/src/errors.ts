/** The one error type of the codec: every failure carries a stable `code` that callers branch on. */

// Every code, listed once per family; the unions derive from these lists, and `errors.test.ts` holds them against
// the table in the package README both ways. A new code goes at the end of its family's list and into the table.

export const ENCODING_ERROR_CODES = [
  'ERR_HC1_PREFIX',
  'ERR_BASE45_LENGTH',
  'ERR_BASE45_CHARACTER',
  'ERR_BASE45_OVERFLOW',
  'ERR_BASE64URL_PADDING',
  'ERR_BASE64URL_CHARACTER',
  'ERR_BASE64URL_LENGTH',
] as const;
export type EncodingErrorCode = (typeof ENCODING_ERROR_CODES)[number];

export const INPUT_ERROR_CODES = ['ERR_INPUT_HEX', 'ERR_INPUT_BASE64'] as const;
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];

export const COMPRESSION_ERROR_CODES = ['ERR_ZLIB_HEADER', 'ERR_ZLIB_INFLATE', 'ERR_ZLIB_TOO_LARGE'] as const;
export type CompressionErrorCode = (typeof COMPRESSION_ERROR_CODES)[number];

export const CBOR_ERROR_CODES = ['ERR_CBOR_MALFORMED'] as const;
export type CborErrorCode = (typeof CBOR_ERROR_CODES)[number];

export const COSE_ERROR_CODES = [
  'ERR_COSE_TAG',
  'ERR_COSE_STRUCTURE',
  'ERR_COSE_ALG_MISSING',
  'ERR_COSE_ALG_UNSUPPORTED',
  'ERR_COSE_KEY_MISMATCH',
  'ERR_COSE_KID_MISSING',
  'ERR_COSE_SIGNATURE',
] as const;
export type CoseErrorCode = (typeof COSE_ERROR_CODES)[number];

export const CWT_ERROR_CODES = [
  'ERR_CWT_NOT_A_MAP',
  'ERR_CWT_NO_HCERT',
  'ERR_CWT_CLAIM_TYPE',
  'ERR_CWT_EXP_MISSING',
  'ERR_CWT_EXPIRED',
  'ERR_CWT_NOT_YET_VALID',
] as const;
export type CwtErrorCode = (typeof CWT_ERROR_CODES)[number];

export const HCERT_ERROR_CODES = [
  'ERR_HCERT_SCHEMA',
  'ERR_HCERT_VALUESET',
  'ERR_HCERT_EVENTS',
  'ERR_HCERT_DATE',
  'ERR_HCERT_DOSE',
  'ERR_HCERT_FIELD_TYPE',
] as const;
export type HcertErrorCode = (typeof HCERT_ERROR_CODES)[number];

export const X509_ERROR_CODES = [
  'ERR_X509_MALFORMED',
  'ERR_X509_KEY_UNSUPPORTED',
  'ERR_X509_EXPIRED',
  'ERR_X509_KEY_USAGE',
] as const;
export type X509ErrorCode = (typeof X509_ERROR_CODES)[number];

export const TRUST_ERROR_CODES = ['ERR_TRUST_LIST_SHAPE', 'ERR_TRUST_UNKNOWN_KID'] as const;
export type TrustErrorCode = (typeof TRUST_ERROR_CODES)[number];

export const QR_ERROR_CODES = ['ERR_QR_NOT_CONFIGURED', 'ERR_QR_IMAGE', 'ERR_QR_ENCODE'] as const;
export type QrErrorCode = (typeof QR_ERROR_CODES)[number];

export const JWS_ERROR_CODES = [
  'ERR_JWS_FORMAT',
  'ERR_JWS_BASE64URL',
  'ERR_JWS_HEADER',
  'ERR_JWS_ALG',
  'ERR_JWS_KID',
  'ERR_JWS_SIGNATURE_FORMAT',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWS_KEY',
  'ERR_JWS_INFLATE',
  'ERR_JWS_PAYLOAD_TOO_LARGE',
] as const;
export type JwsErrorCode = (typeof JWS_ERROR_CODES)[number];

export const SHC_ERROR_CODES = [
  'ERR_SHC_PREFIX',
  'ERR_SHC_NUMERIC_CHARACTER',
  'ERR_SHC_NUMERIC_ODD',
  'ERR_SHC_NUMERIC_DIGIT',
  'ERR_SHC_NUMERIC_PAIR',
  'ERR_SHC_CHUNK_HEADER',
  'ERR_SHC_CHUNK_MISSING',
  'ERR_SHC_CHUNK_MIXED',
  'ERR_SHC_CHUNK_DUPLICATE',
  'ERR_SHC_INPUT',
  'ERR_SHC_ZIP',
  'ERR_SHC_PAYLOAD_JSON',
  'ERR_SHC_CLAIMS',
  'ERR_SHC_ISSUER_UNKNOWN',
  'ERR_SHC_KEY_UNKNOWN',
  'ERR_SHC_KEY_CURVE',
  'ERR_SHC_KEY_USE',
  'ERR_SHC_KEY_ALG',
  'ERR_SHC_KEY_PRIVATE',
  'ERR_SHC_KEY_KID',
  'ERR_SHC_X5C_FORMAT',
  'ERR_SHC_X5C_EXPIRED',
  'ERR_SHC_X5C_CHAIN',
  'ERR_SHC_X5C_KEY',
  'ERR_SHC_X5C_SAN',
  'ERR_SHC_X5C_UNTRUSTED',
  'ERR_SHC_EXPIRED',
  'ERR_SHC_NOT_YET_VALID',
  'ERR_SHC_REVOKED',
  'ERR_SHC_FHIR_BUNDLE',
  'ERR_SHC_FHIR_ENTRY',
  'ERR_SHC_FHIR_PATIENT',
  'ERR_SHC_FHIR_CONTENT',
  'ERR_SHC_FHIR_FIELD',
  'ERR_SHC_FHIR_REFERENCE',
  'ERR_SHC_JWKS_FORMAT',
  'ERR_SHC_CRL_FORMAT',
  'ERR_SHC_DIRECTORY_FORMAT',
  'ERR_SHC_TOO_LARGE_FOR_QR',
  'ERR_SHC_ZLIB',
  'ERR_SHC_CRL_METHOD',
  'ERR_SHC_CRL_STALE',
  'ERR_SHC_CRL_AHEAD',
  'ERR_SHC_CRL_CTR',
  'ERR_SHC_CRL_RID',
  'ERR_SHC_CRL_MISSING',
] as const;
export type ShcErrorCode = (typeof SHC_ERROR_CODES)[number];

/** SHC near-misses: reported as step warnings, never as a failure (see the README's SHC decisions). */
export const SHC_WARNING_CODES = [
  'WARN_SHC_WHITESPACE',
  'WARN_SHC_BOM',
  'WARN_SHC_CHUNK_TOO_LARGE',
  'WARN_SHC_QR_VERSION',
  'WARN_SHC_QR_SEGMENTS',
  'WARN_SHC_CHUNKED',
  'WARN_SHC_QR_TOO_LARGE',
  'WARN_SHC_LEGACY_CLAIMS',
  'WARN_SHC_NBF_FUTURE',
  'WARN_SHC_CRL_MISSING',
  'WARN_SHC_FHIR_VERSION',
  'WARN_SHC_FHIR_FULLURL',
  'WARN_SHC_FHIR_REFERENCE',
  'WARN_SHC_FHIR_MINIMISE',
  'WARN_SHC_FHIR_PATIENT',
  'WARN_SHC_FHIR_IMMUNIZATION',
  'WARN_SHC_FHIR_OBSERVATION',
] as const;
export type ShcWarningCode = (typeof SHC_WARNING_CODES)[number];

export const PRESENTATION_ERROR_CODES = [
  'ERR_PRESENTATION_PREFIX',
  'ERR_PRESENTATION_FORMAT',
  'ERR_PRESENTATION_DEVICE_KEY',
  'ERR_PRESENTATION_BINDING',
  'ERR_PRESENTATION_BINDING_MISMATCH',
  'ERR_PRESENTATION_BINDING_EXPIRED',
  'ERR_PRESENTATION_STALE',
  'ERR_PRESENTATION_PROOF',
] as const;
export type PresentationErrorCode = (typeof PRESENTATION_ERROR_CODES)[number];

export const BUNDLE_ERROR_CODES = [
  'ERR_BUNDLE_FORMAT',
  'ERR_BUNDLE_UNSIGNED',
  'ERR_BUNDLE_UNKNOWN_KEY',
  'ERR_BUNDLE_SIGNATURE',
  'ERR_BUNDLE_KIND',
  'ERR_BUNDLE_ROLLBACK',
  'ERR_BUNDLE_CONTENT',
  'ERR_BUNDLE_KEY',
] as const;
export type BundleErrorCode = (typeof BUNDLE_ERROR_CODES)[number];

export const REVOCATION_ERROR_CODES = [
  'ERR_REVOCATION_FORMAT',
  'ERR_REVOCATION_HASH',
  'ERR_REVOCATION_REVOKED',
] as const;
export type RevocationErrorCode = (typeof REVOCATION_ERROR_CODES)[number];

/**
 * The code of a report step that failed on an error that is no GreenlightError (a bug, never bad input). It has no
 * family: no GreenlightError carries it.
 */
export const REPORT_ERROR_CODES = ['ERR_INTERNAL'] as const;
export type ReportErrorCode = (typeof REPORT_ERROR_CODES)[number];

/** The codes of each failure family of the codec, one spec layer each. */
export const CODEC_ERROR_CODES = {
  encoding: ENCODING_ERROR_CODES,
  input: INPUT_ERROR_CODES,
  compression: COMPRESSION_ERROR_CODES,
  cbor: CBOR_ERROR_CODES,
  cose: COSE_ERROR_CODES,
  cwt: CWT_ERROR_CODES,
  hcert: HCERT_ERROR_CODES,
  x509: X509_ERROR_CODES,
  trust: TRUST_ERROR_CODES,
  qr: QR_ERROR_CODES,
  jws: JWS_ERROR_CODES,
  shc: SHC_ERROR_CODES,
  presentation: PRESENTATION_ERROR_CODES,
  bundle: BUNDLE_ERROR_CODES,
  revocation: REVOCATION_ERROR_CODES,
} as const;

export type CodecErrorFamily = keyof typeof CODEC_ERROR_CODES;

/**
 * Failure families: the codec's, and `rules`, whose codes (`ERR_RULES_…`) are listed by @greenlight/rules
 * (`RULES_ERROR_CODES`), which sits above the codec and narrows them there.
 */
export type ErrorFamily = CodecErrorFamily | 'rules';

/** Every code a codec GreenlightError can carry. */
export type CodecErrorCode = (typeof CODEC_ERROR_CODES)[CodecErrorFamily][number];

/** The codes of one family: a `rules` code is any `ERR_RULES_…` here (its list is the rules package's). */
export type ErrorCodeOf<F extends ErrorFamily> = F extends CodecErrorFamily
  ? (typeof CODEC_ERROR_CODES)[F][number]
  : `ERR_RULES_${string}`;

/** Every code a GreenlightError can carry. */
export type GreenlightErrorCode = ErrorCodeOf<ErrorFamily>;

export class GreenlightError<F extends ErrorFamily = ErrorFamily> extends Error {
  /** Stable: callers branch on it. One of the family's codes (the type checks the pairing). */
  readonly code: ErrorCodeOf<F>;
  readonly family: F;
  /** Extra machine-readable facts (a line number, the offending value); never needed to branch. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    family: F,
    code: NoInfer<ErrorCodeOf<F>>,
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
