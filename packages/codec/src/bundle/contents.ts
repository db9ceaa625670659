/**
 * What each signed bundle carries (docs/bundles.md): the one list of bundle kinds and the content type of each,
 * shared by the publisher (server), the verifiers (apps, CLI) and their tests.
 */
import type { RevocationContent } from '../revocation/dcc.ts';
import type { ShcCrl, ShcJwk } from '../shc/trust.ts';

/** The kinds of bundle the authority publishes, in publication order. */
export const BUNDLE_KINDS = ['trust-list', 'rules', 'revocation'] as const;
export type BundleKind = (typeof BUNDLE_KINDS)[number];

/** One DSC of the trust list, in the DCC Gateway's trust-list shape. */
export interface TrustListCertificate {
  /** Base64 of the first 8 bytes of SHA-256 of the DER (the HC1 kid). */
  kid: string;
  /** ISO 3166-1 alpha-2 country of the DSC. */
  country: string;
  /** Base64 of the certificate's DER. */
  rawData: string;
  /** The Gateway's certificate type; the authority writes `DSC`. */
  certificateType?: string;
}

/** SMART Health Card issuers as a VCI directory snapshot (read by `ShcTrustStore.fromVciSnapshot`). */
export interface ShcDirectory {
  issuerInfo: {
    issuer: { iss: string; name?: string };
    keys: ShcJwk[];
    crls?: ShcCrl[];
  }[];
}

/** The content of a `trust-list` bundle: the DSCs (Gateway shape) and, optionally, the SHC issuer directory. */
export interface TrustListContent {
  certificates: TrustListCertificate[];
  shcDirectory?: ShcDirectory;
}

/**
 * The content of a `rules` bundle: a policy `{country, rules, valueSets, venueCategories}` in the EU business-rule
 * format. Its rules and venue categories are typed and checked by `parsePolicy` of @greenlight/rules, which sits
 * above the codec, so they are opaque here.
 */
export interface RulesContent {
  /** ISO 3166-1 alpha-2 country the policy is for. */
  country: string;
  /** EU business rules (CertLogic), one object each. */
  rules: unknown[];
  /** Value set id → the codes it holds. */
  valueSets: Record<string, string[]>;
  /** Venue category name → its settings. */
  venueCategories: Record<string, unknown>;
}

export type { RevocationContent };

/** The content type of each bundle kind. */
export interface BundleContents {
  'trust-list': TrustListContent;
  rules: RulesContent;
  revocation: RevocationContent;
}
