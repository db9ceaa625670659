export { BUILTIN_POLICIES, krPolicy, loadBuiltinPolicy } from './builtin';
export type { CertificateKind, ExternalFacts, RuleOutcome, RuleResult, SelectionCriteria } from './engine';
export {
  CERTIFICATE_KEYS,
  certificateTypeOf,
  describeRule,
  evaluateRule,
  externalParameters,
  selectRules,
} from './engine';
export { dobEarliest, kstDate, kstDayStart } from './kst';
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
export type { BusinessRule, RuleCertificateType, RuleType } from './rule';
export { rulesError, validateRule } from './rule';
export type { PublicationKeys } from './store';
export { RulesStore } from './store';
