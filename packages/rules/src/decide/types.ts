/**
 * The shapes of `decide()`: the one place a verdict is made (DESIGN.md "A verification decision is reproducible").
 * Pure and isomorphic: the same credential, bundles and time give the same Decision on every host.
 */
import type {
  CredentialFormat,
  DscTrustList,
  RevocationList,
  SchemaSet,
  ShcTrustStore,
  ValueSets,
  VerificationReport,
} from '@greenlight/codec';
import type { Policy, Verdict } from '../policy.ts';

/**
 * What the staff screen shows. Each has its own colour and icon in the apps:
 * pass (green, check), exempt (blue, shield), solo-only (orange, single person), check-id (amber, ID card),
 * warn (yellow, exclamation), fail (red, cross).
 */
export type DecisionVerdict = 'pass' | 'exempt' | 'solo-only' | 'check-id' | 'warn' | 'fail';

/** A bundle in force and the signed time it was issued at (`issuedAt` of the bundle, never a fetch time). */
export interface BundleInForce<T> {
  value: T;
  /** The bundle's signed `issuedAt`, ISO 8601 UTC. Freshness counts from here. */
  issuedAt: string;
}

/** Everything a verdict depends on besides the credential and the time. All offline. */
export interface DecisionBundles {
  /** DSCs (EU DCC) from the signed trust-list bundle. */
  trust?: BundleInForce<DscTrustList>;
  /** SMART Health Card issuers and their CRLs (the trust-list bundle's `shcDirectory`, or --jwks files). */
  shc?: BundleInForce<ShcTrustStore>;
  /** The policy from the signed rules bundle: rules, value sets, venue categories and their labels. */
  rules?: BundleInForce<Policy>;
  /** DCC revocation (UVCI/COUNTRYCODEUCI/SIGNATURE hashes). Missing: never a plain pass. */
  revocation?: BundleInForce<RevocationList>;
  /**
   * EU DCC schemas and value sets, for the report's SCHEMAVALIDATION and VALUESETS steps only: never decisive
   * (the CLI has them from the test data; the apps do not ship them).
   */
  reference?: { schemas?: SchemaSet; valueSets?: ValueSets };
}

export interface DecisionContext {
  /** The check time. */
  now: Date;
  /** The venue category (a key of the policy's `venueCategories`); absent for the wallet and the desk. */
  venueCategory?: string;
  /**
   * Who asks: `door` (scanner, CLI), `holder` (wallet preview: no device proof expected, so a plain HC1 is not
   * "check ID"), `desk` (print and sticker guards). Only changes the check-id step, never a rule.
   */
  purpose?: 'door' | 'holder' | 'desk';
  /** A bundle older than this (from its signed issuedAt) gives a STALE_BUNDLE warning step. Default 48 h. */
  maxBundleAgeHours?: number;
}

/** Plain words in every language the policy and the catalog carry (at least `ko` and `en`). */
export type Words = Record<string, string>;

/** Reason codes: stable, for tests and logs; a person never reads them (they read `text`). */
export type DecisionReasonCode =
  | 'FORMAT_UNKNOWN'
  | 'TECHNICAL_FAILED'
  | 'REVOKED'
  | 'REVOCATION_MISSING'
  | 'TRUST_MISSING'
  | 'RULES_MISSING'
  | 'STALE_BUNDLE'
  | 'EVENTS_INVALID'
  | 'FIELD_INVALID'
  | 'RULE_PASSED'
  | 'RULE_FAILED'
  | 'RULE_OPEN'
  | 'RULE_WARNING'
  | 'NOT_COVERED'
  | 'EXEMPT'
  | 'SOLO_ONLY'
  | 'CHECK_ID_NO_DEVICE_PROOF'
  | 'FOREIGN_CREDENTIAL'
  | 'UNKNOWN_VENUE';

export interface DecisionReason {
  code: DecisionReasonCode;
  /** The rule's Identifier, or the technical step's name, when the reason comes from one. */
  source?: string;
  /** The codec error code of a failed technical step (ERR_…), for the details view and logs only. */
  errorCode?: string;
  /** A boundary date the rule checked (KST, YYYY-MM-DD), when it states one. */
  date?: string;
  /** What a person reads: e.g. ko "2차 접종 후 180일이 지났습니다: 식당·카페는 혼자만 이용할 수 있습니다." */
  text: Words;
}

/** One step of the decision, in order: the codec's technical steps, revocation, bundles, rules, venue. */
export interface DecisionStep {
  /** The codec's step name (`VERIFY`, `REVOCATION`, …), or `EVENTS`, `BUNDLES`, `RULE <Identifier>`, `VENUE`, `CHECK_ID`. */
  name: string;
  ok: boolean | null;
  reasons: DecisionReasonCode[];
  /** The codec error code of a failed technical step (ERR_…). */
  code?: string;
}

export interface Decision {
  verdict: DecisionVerdict;
  format: CredentialFormat | 'unknown';
  certificateType: VerificationReport['certificateType'];
  /** Name and date of birth, for comparing with a photo ID. */
  holder?: { name: string; dateOfBirth: string };
  /** The presentation's daily check-in token (base64url), when it carries one: what the outbox records. */
  token?: string;
  /**
   * Deciding reasons first. Never a formula; never an error code in `text`. A `pass` lists the rules that passed
   * (with their dates); `exempt` lists the exemption that holds, not the rules it overrides (those are in `steps`).
   */
  reasons: DecisionReason[];
  /** The policy's own verdict before the check-id, revocation and freshness steps; absent when it never ran. */
  rulesVerdict?: Verdict;
  steps: DecisionStep[];
  /**
   * For the holder: the KST dates between which this credential gives pass/exempt under the policy in force,
   * derived by evaluating the policy itself (never from numbers held by an app). Absent when it never does.
   */
  validity?: { from?: string; until?: string };
  /** The codec's full report, for the details view. */
  report?: VerificationReport;
}
