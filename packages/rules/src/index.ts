export { BUILTIN_POLICIES, krPolicy, loadBuiltinPolicy } from './builtin';
export { REASON_CATALOG, reasonWords } from './decide/catalog';
export { decide } from './decide/decide';
export { hcertFromShc, productOfShcCode } from './decide/shc-mapping';
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
} from './decide/types';
export { validityOf } from './decide/validity';
export type { CertificateKind, ExternalFacts, RuleOutcome, RuleResult, SelectionCriteria } from './engine';
export {
  CERTIFICATE_KEYS,
  certificateTypeOf,
  describeRule,
  evaluateRule,
  externalParameters,
  selectRules,
} from './engine';
export { dayIso, dobEarliest, kstDate, kstDay, kstDayStart } from './kst';
export type {
  EvaluationInput,
  Policy,
  PolicyVerdict,
  Reason,
  ReasonCode,
  VenueCategory,
  Verdict,
} from './policy';
export { evaluatePolicy, parsePolicy } from './policy';
export type { BusinessRule, RuleCertificateType, RulesErrorCode, RuleType } from './rule';
export { RULES_ERROR_CODES, rulesError, validateRule } from './rule';
export type { PublicationKeys } from './store';
export { RulesStore } from './store';
