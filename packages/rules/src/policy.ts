/** Policies: a country's rules with their value sets and venue categories, and the verdict they give a certificate. */
import {
  type CertificateKind,
  certificateTypeOf,
  evaluateRule,
  externalParameters,
  type RuleResult,
  selectRules,
} from './engine.ts';
import { type BusinessRule, rulesError, validateRule } from './rule.ts';

export interface VenueCategory {
  /** A guest who does not pass may still eat alone: `solo-only` instead of `fail`. */
  soloAllowed: boolean;
  description?: Record<string, string>;
}

export interface Policy {
  /** ISO 3166 code: the rules' Country and `external.countryCode`. */
  country: string;
  rules: BusinessRule[];
  valueSets: Record<string, string[]>;
  venueCategories: Record<string, VenueCategory>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a policy (a rules bundle's content) before use: every rule (ERR_RULES_FORMAT / _DATES / _LOGIC), no
 * duplicate Identifier+Version, value sets as lists of strings, venue categories with `soloAllowed`
 * (ERR_RULES_POLICY).
 */
export function parsePolicy(json: unknown): Policy {
  const bad = (what: string) => rulesError('ERR_RULES_POLICY', `the policy ${what}`);
  if (!isObject(json)) throw bad('is not a JSON object');
  if (typeof json.country !== 'string' || !/^[A-Z]{2}$/.test(json.country))
    throw bad('has no ISO 3166 country');
  if (!Array.isArray(json.rules) || json.rules.length === 0) throw bad('has no rules');
  const rules = json.rules.map(validateRule);
  const seen = new Set<string>();
  for (const rule of rules) {
    const key = `${rule.Identifier} ${rule.Version}`;
    if (seen.has(key)) throw bad(`has rule ${rule.Identifier} version ${rule.Version} twice`);
    seen.add(key);
  }
  const valueSets = json.valueSets ?? {};
  if (
    !isObject(valueSets) ||
    !Object.values(valueSets).every(
      (codes) => Array.isArray(codes) && codes.every((c) => typeof c === 'string'),
    )
  )
    throw bad('has value sets that are not lists of codes');
  const venueCategories = json.venueCategories ?? {};
  if (
    !isObject(venueCategories) ||
    !Object.values(venueCategories).every((c) => isObject(c) && typeof c.soloAllowed === 'boolean')
  )
    throw bad('has venue categories without a boolean soloAllowed');
  return {
    country: json.country,
    rules,
    valueSets: valueSets as Record<string, string[]>,
    venueCategories: venueCategories as Record<string, VenueCategory>,
  };
}

export type Verdict = 'pass' | 'exempt' | 'solo-only' | 'warn' | 'fail';

export type ReasonCode =
  | 'EXEMPT'
  | 'NOT_EXEMPT'
  | 'RULE_PASSED'
  | 'RULE_FAILED'
  | 'RULE_OPEN'
  | 'RULE_WARNING'
  | 'NOT_COVERED'
  | 'SOLO_ONLY';

export interface Reason {
  code: ReasonCode;
  /** The rule's Identifier, or null for NOT_COVERED and SOLO_ONLY. */
  rule: string | null;
  /** The rule's result, or null for NOT_COVERED and SOLO_ONLY. */
  result: RuleResult['result'] | null;
  description: string;
  /** The boundary date the rule checked (KST), when the rule states one. */
  date?: string;
  /** Why a rule is open. */
  error?: string;
}

export interface PolicyVerdict {
  verdict: Verdict;
  certificateType: CertificateKind;
  /** Deciding reasons first, then every other rule that was evaluated. */
  reasons: Reason[];
}

export interface EvaluationInput {
  /** The HCERT JSON (or a Greenlight exemption certificate, docs/exemption.md). */
  payload: unknown;
  /** The check time. */
  at: Date;
  venueCategory?: string | undefined;
  kid?: string | undefined;
  iat?: Date | undefined;
  exp?: Date | undefined;
  issuerCountry?: string | undefined;
  /** The language of descriptions: `ko` (default) or `en`; falls back to English, then to the first. */
  lang?: string | undefined;
}

function reasonOf(r: RuleResult): Reason {
  const code: ReasonCode =
    r.type === 'Exemption'
      ? r.result === 'passed'
        ? 'EXEMPT'
        : 'NOT_EXEMPT'
      : r.result === 'passed'
        ? 'RULE_PASSED'
        : r.type === 'Warning'
          ? 'RULE_WARNING'
          : r.result === 'open'
            ? 'RULE_OPEN'
            : 'RULE_FAILED';
  return {
    code,
    rule: r.identifier,
    result: r.result,
    description: r.description,
    ...(r.date === undefined ? {} : { date: r.date }),
    ...(r.error === undefined ? {} : { error: r.error }),
  };
}

/**
 * The verdict of a policy for one certificate at one time. `exempt` when an Exemption rule holds; else `fail`
 * (`solo-only` at a venue whose category allows it) when an Acceptance rule fails or is open, or when no Acceptance
 * rule covers the certificate type; else `warn` when a Warning rule fails; else `pass`.
 * Throws only ERR_RULES_PAYLOAD (not an HCERT) and ERR_RULES_UNKNOWN_VENUE; never for the payload's content.
 */
export function evaluatePolicy(policy: Policy, input: EvaluationInput): PolicyVerdict {
  const certificateType = certificateTypeOf(input.payload);
  const venue = input.venueCategory === undefined ? undefined : policy.venueCategories[input.venueCategory];
  if (input.venueCategory !== undefined && !venue) {
    throw rulesError('ERR_RULES_UNKNOWN_VENUE', `the policy has no venue category ${input.venueCategory}`, {
      known: Object.keys(policy.venueCategories),
    });
  }
  const ver = (input.payload as { ver?: unknown }).ver;
  const rules = selectRules(policy.rules, {
    country: policy.country,
    certificateType,
    clock: input.at,
    schemaVersion: typeof ver === 'string' ? ver : undefined,
  });
  const data = {
    payload: input.payload,
    external: externalParameters({
      clock: input.at,
      country: policy.country,
      valueSets: policy.valueSets,
      payload: input.payload,
      exp: input.exp,
      iat: input.iat,
      kid: input.kid,
      issuerCountry: input.issuerCountry,
    }),
  };
  const reasons = rules.map((rule) => reasonOf(evaluateRule(rule, data, input.lang)));
  const exempt = reasons.filter((r) => r.code === 'EXEMPT');
  if (exempt.length > 0) {
    return {
      verdict: 'exempt',
      certificateType,
      reasons: [...exempt, ...reasons.filter((r) => r.code !== 'EXEMPT')],
    };
  }
  const failing = reasons.filter((r) => r.code === 'RULE_FAILED' || r.code === 'RULE_OPEN');
  const covered = rules.some((r) => r.Type === 'Acceptance' && r.CertificateType === certificateType);
  if (!covered) {
    failing.unshift({
      code: 'NOT_COVERED',
      rule: null,
      result: null,
      description: `no ${policy.country} rule accepts a ${certificateType} certificate at this time`,
    });
  }
  const rest = (picked: Reason[]) => reasons.filter((r) => !picked.includes(r));
  if (failing.length > 0) {
    if (venue?.soloAllowed) {
      const solo: Reason = {
        code: 'SOLO_ONLY',
        rule: null,
        result: null,
        description: `venue category ${input.venueCategory} admits a guest who does not pass to eat alone`,
      };
      return { verdict: 'solo-only', certificateType, reasons: [solo, ...failing, ...rest(failing)] };
    }
    return { verdict: 'fail', certificateType, reasons: [...failing, ...rest(failing)] };
  }
  const warnings = reasons.filter((r) => r.code === 'RULE_WARNING');
  if (warnings.length > 0)
    return { verdict: 'warn', certificateType, reasons: [...warnings, ...rest(warnings)] };
  return { verdict: 'pass', certificateType, reasons };
}
