export { BUILTIN_POLICIES, krPolicy, loadBuiltinPolicy } from './builtin.ts';
export type { CertificateKind, ExternalFacts, RuleOutcome, RuleResult, SelectionCriteria } from './engine.ts';
export {
  CERTIFICATE_KEYS,
  certificateTypeOf,
  describeRule,
  evaluateRule,
  externalParameters,
  selectRules,
} from './engine.ts';
export { dobEarliest, kstDate, kstDayStart } from './kst.ts';
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
export type { BusinessRule, RuleCertificateType, RuleType } from './rule.ts';
export { rulesError, validateRule } from './rule.ts';
export type { PublicationKeys } from './store.ts';
export { RulesStore } from './store.ts';
