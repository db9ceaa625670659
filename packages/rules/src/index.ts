export { BUILTIN_POLICIES, krPolicy, loadBuiltinPolicy } from './builtin.ts';
export type { VerifiedBundlePayloads } from './decide/bundles.ts';
export { decisionBundlesFrom } from './decide/bundles.ts';
export { REASON_CATALOG, reasonWords, TECHNICAL_CATALOG, technicalWords } from './decide/catalog.ts';
export { DEFAULT_MAX_BUNDLE_AGE_HOURS, decide } from './decide/decide.ts';
export { hcertFromShc, productOfShcCode } from './decide/shc-mapping.ts';
export type {
  BundleInForce,
  Decision,
  DecisionBundles,
  DecisionContext,
  DecisionReason,
  DecisionReasonCode,
  DecisionStep,
  DecisionVerdict,
  Words,
} from './decide/types.ts';
export { validityOf } from './decide/validity.ts';
export type { CertificateKind, ExternalFacts, RuleOutcome, RuleResult, SelectionCriteria } from './engine.ts';
export {
  CERTIFICATE_KEYS,
  certificateTypeOf,
  describeRule,
  evaluateRule,
  externalParameters,
  selectRules,
} from './engine.ts';
export { dayIso, dobEarliest, kstDate, kstDay, kstDayStart } from './kst.ts';
export type {
  EvaluationInput,
  Policy,
  PolicyVerdict,
  Reason,
  ReasonCode,
  VenueCategory,
  Verdict,
} from './policy.ts';
export { evaluatePolicy, parsePolicy } from './policy.ts';
export type { BusinessRule, RuleCertificateType, RulesErrorCode, RuleType } from './rule.ts';
export { RULES_ERROR_CODES, rulesError, validateRule } from './rule.ts';
export type { PublicationKeys } from './store.ts';
export { RulesStore } from './store.ts';
