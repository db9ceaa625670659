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
