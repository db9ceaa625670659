export type { ErrorFamily } from './errors';
export { GreenlightError, isGreenlightError } from './errors';
export type {
  CertificateType,
  CredentialFormat,
  HolderSummary,
  SignerSummary,
  VerificationReport,
  VerificationStep,
} from './report';
export type { ParsedJws } from './jws/compact';
export {
  inflatePayload,
  MAX_INFLATED_BYTES,
  parseCompactJws,
  verifyCompactJwsSignature,
} from './jws/compact';
export type { ShcChunk } from './shc/numeric';
export { jwsToNumeric, numericToJws, parseShcQrText, shcNumeric, shcQrToJws } from './shc/numeric';
export type { ShcCrl, ShcJwk } from './shc/trust';
export { checkIssuerKey, isRevoked } from './shc/trust';
