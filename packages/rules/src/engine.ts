/** Business-rule evaluation as the EU DCC apps did it: select the rules that apply, evaluate each with certlogic-js. */
import { evaluate } from 'certlogic-js';
import { isFalsy, isTruthy } from 'certlogic-js/dist/internals.js';
import { dobEarliest, isoSeconds, kstDate, kstDayStart } from './kst.ts';
import type { BusinessRule, RuleCertificateType, RuleType } from './rule.ts';
import { rulesError } from './rule.ts';

export type CertificateKind = Exclude<RuleCertificateType, 'General'>;

/** The HCERT key of each certificate type; `e` is the Greenlight exemption certificate (docs/exemption.md). */
export const CERTIFICATE_KEYS: Record<string, CertificateKind> = {
  v: 'Vaccination',
  t: 'Test',
  r: 'Recovery',
  e: 'Exemption',
};

/**
 * The certificate type of an HCERT payload; throws ERR_RULES_PAYLOAD when it has none of v, t, r, e, several of
 * them, or not exactly one event under its key.
 */
export function certificateTypeOf(payload: unknown): CertificateKind {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw rulesError('ERR_RULES_PAYLOAD', 'the payload is not an HCERT: not a JSON object');
  }
  const present = Object.keys(CERTIFICATE_KEYS).filter((key) => key in payload);
  if (present.length !== 1) {
    throw rulesError(
      'ERR_RULES_PAYLOAD',
      present.length === 0
        ? 'the payload is not an HCERT: it has none of v, t, r, e'
        : `the payload is not an HCERT: it has several of v, t, r, e (${present.join(', ')})`,
    );
  }
  const entries = (payload as Record<string, unknown>)[present[0] as string];
  // One event per certificate (eHN HCERT spec §2.6.3): with two, the rules would judge only the first.
  if (!Array.isArray(entries) || entries.length !== 1) {
    throw rulesError(
      'ERR_RULES_PAYLOAD',
      `the payload is not an HCERT: ${present[0]} is not a list of exactly one event`,
    );
  }
  return CERTIFICATE_KEYS[present[0] as string] as CertificateKind;
}

export interface SelectionCriteria {
  country: string;
  certificateType: CertificateKind;
  clock: Date;
  /** The payload's `ver`; rules for another major schema version, or a newer one, do not apply. */
  schemaVersion?: string | undefined;
}

const semver = (v: string): [number, number, number] | undefined => {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
};

const compareSemver = (a: [number, number, number], b: [number, number, number]) =>
  a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * The rules that apply, as the EU apps chose them: the country's, for `General` or the certificate's type,
 * `ValidFrom <= clock < ValidTo`, written for the payload's major schema version and no newer one; of the rules that
 * share an Identifier, the highest Version. Sorted by Identifier.
 */
export function selectRules(rules: readonly BusinessRule[], criteria: SelectionCriteria): BusinessRule[] {
  const clock = criteria.clock.getTime();
  const payloadVersion = criteria.schemaVersion === undefined ? undefined : semver(criteria.schemaVersion);
  const latest = new Map<string, BusinessRule>();
  for (const rule of rules) {
    if (rule.Country !== criteria.country) continue;
    if (rule.CertificateType !== 'General' && rule.CertificateType !== criteria.certificateType) continue;
    if (!(Date.parse(rule.ValidFrom) <= clock && clock < Date.parse(rule.ValidTo))) continue;
    const ruleSchema = semver(rule.SchemaVersion);
    if (payloadVersion && ruleSchema) {
      if (ruleSchema[0] !== payloadVersion[0] || compareSemver(ruleSchema, payloadVersion) > 0) continue;
    }
    const held = latest.get(rule.Identifier);
    const version = semver(rule.Version) ?? [0, 0, 0];
    if (!held || compareSemver(version, semver(held.Version) ?? [0, 0, 0]) > 0)
      latest.set(rule.Identifier, rule);
  }
  return [...latest.values()].sort((a, b) => a.Identifier.localeCompare(b.Identifier));
}

export interface ExternalFacts {
  clock: Date;
  country: string;
  valueSets: Record<string, readonly string[]>;
  payload: unknown;
  exp?: Date | undefined;
  iat?: Date | undefined;
  kid?: string | undefined;
  issuerCountry?: string | undefined;
}

/** The `external` part of the data context (every parameter is documented in the README). */
export function externalParameters(facts: ExternalFacts): Record<string, unknown> {
  const dob =
    typeof facts.payload === 'object' && facts.payload !== null
      ? (facts.payload as { dob?: unknown }).dob
      : null;
  return {
    validationClock: isoSeconds(facts.clock),
    valueSets: facts.valueSets,
    countryCode: facts.country,
    issuerCountryCode: facts.issuerCountry ?? null,
    exp: facts.exp ? isoSeconds(facts.exp) : null,
    iat: facts.iat ? isoSeconds(facts.iat) : null,
    kid: facts.kid ?? null,
    kstDate: kstDate(facts.clock),
    kstDayStart: kstDayStart(facts.clock),
    dobEarliest: dobEarliest(dob),
  };
}

export type RuleOutcome = 'passed' | 'failed' | 'open';

export interface RuleResult {
  identifier: string;
  version: string;
  type: RuleType;
  result: RuleOutcome;
  /** Why the rule is open: certlogic-js's message. */
  error?: string;
  description: string;
  /** The boundary the rule checked (its ReasonDate), as a KST calendar date. */
  date?: string;
}

/** The rule's description in `lang`, else English, else the first one. */
export function describeRule(rule: BusinessRule, lang = 'ko'): string {
  const pick = (l: string) => rule.Description.find((d) => d.lang === l)?.desc;
  return pick(lang) ?? pick('en') ?? rule.Description[0]?.desc ?? rule.Identifier;
}

function reasonDate(rule: BusinessRule, data: unknown): string | undefined {
  if (rule.ReasonDate === undefined) return undefined;
  try {
    const value: unknown = evaluate(rule.ReasonDate, data);
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
    return date && !Number.isNaN(date.getTime()) ? kstDate(date) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Evaluates one rule against `{payload, external}`. Never throws: an expression that cannot be evaluated, or whose
 * value is neither truthy nor falsy, is `open`.
 */
export function evaluateRule(rule: BusinessRule, data: unknown, lang = 'ko'): RuleResult {
  const base = {
    identifier: rule.Identifier,
    version: rule.Version,
    type: rule.Type,
    description: describeRule(rule, lang),
  };
  const date = reasonDate(rule, data);
  const withDate = date === undefined ? base : { ...base, date };
  let value: unknown;
  try {
    value = evaluate(rule.Logic, data);
  } catch (error) {
    return { ...withDate, result: 'open', error: error instanceof Error ? error.message : String(error) };
  }
  if (isTruthy(value)) return { ...withDate, result: 'passed' };
  if (isFalsy(value)) return { ...withDate, result: 'failed' };
  return {
    ...withDate,
    result: 'open',
    error: `the rule's value ${JSON.stringify(value)} is neither truthy nor falsy`,
  };
}
