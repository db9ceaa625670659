/** The verification report shared by every credential format (HC1, SHC, presentation QR), and its step helpers. */
import { isGreenlightError, type ReportErrorCode } from './errors.ts';

export type CredentialFormat = 'hc1' | 'shc' | 'presentation';

export type CertificateType = 'vaccination' | 'test' | 'recovery' | 'exemption' | 'unknown';

/** One step of the verification chain, in the order it ran. */
export interface VerificationStep {
  /** Stable step name, e.g. `UNPREFIX`, `B45DECODE`, `COMPRESSION`, `VERIFY`, `SCHEMAVALIDATION`. */
  name: string;
  /** `true` ok, `false` failed, `null` not reached or not applicable. */
  ok: boolean | null;
  /** The GreenlightError code when the step failed (or warned). */
  code?: string;
  message?: string;
  /** A problem that does not fail the verdict (e.g. a schema flag, an SHC near-miss). */
  warnings?: { code: string; message: string }[];
}

export interface HolderSummary {
  /** Display name, e.g. "Gabriele Musterfrau-Gößinger". */
  name: string;
  familyName?: string;
  givenName?: string;
  /** As written in the credential: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (or empty). */
  dateOfBirth: string;
}

/** What the credential says, in a format-neutral shape (SHC fills it from the FHIR bundle). */
export interface ClinicalSummary {
  immunizations: {
    /** `occurrenceDateTime` as written (date or date-time). */
    date: string;
    /** Code system URI, e.g. `http://hl7.org/fhir/sid/cvx`. */
    system?: string;
    code: string;
    lotNumber?: string;
    performer?: string;
  }[];
  results: { date?: string; system?: string; code: string; value?: string }[];
}

export interface SignerSummary {
  /** HC1: base64 kid (8 bytes). SHC: JWK thumbprint. */
  kid: string;
  /** ISO 3166 country of the DSC or the CWT issuer. */
  country?: string;
  /** CWT `iss` or SHC `iss`. */
  issuer?: string;
  /** SHC: the issuer's display name from the directory, when it has one. */
  issuerName?: string;
}

export interface VerificationReport {
  format: CredentialFormat;
  verdict: 'valid' | 'invalid';
  steps: VerificationStep[];
  certificateType: CertificateType;
  holder?: HolderSummary;
  signer?: SignerSummary;
  /** ISO-8601 UTC strings. `now` is the clock the verification used. */
  times: { now: string; issuedAt?: string; notBefore?: string; expiresAt?: string };
  /** SHC: the immunizations or results the card carries. */
  summary?: ClinicalSummary;
  /** The decoded content: the HCERT JSON for HC1, the JWT claims for SHC. */
  payload?: unknown;
  /** Presentation QR only: the slot it was drawn for and the check-in token it carries (base64url). */
  presentation?: { slot: number; token?: string };
}

/**
 * The code of a step that failed on an error that is not a GreenlightError: a bug in a verifier, never bad input
 * (the property tests assert it never appears).
 */
export const INTERNAL_ERROR_CODE: ReportErrorCode = 'ERR_INTERNAL';

/**
 * A failed step (`ok: false`) for an error a verifier caught: a GreenlightError gives its own code and message,
 * anything else gives `ERR_INTERNAL` and its text, so that a verifier never throws for bad input.
 */
export function failedStep(name: string, error: unknown): VerificationStep {
  if (isGreenlightError(error)) return { name, ok: false, code: error.code, message: error.message };
  return { name, ok: false, code: INTERNAL_ERROR_CODE, message: String(error) };
}
