/** EU business rules (the DCC Gateway's rule format): their shape, checked before a rule is ever evaluated. */
import { GreenlightError } from '@greenlight/codec';
import { type CertLogicExpression, isCertLogicExpression } from 'certlogic-js';
import { validate } from 'certlogic-js/dist/validation/index.js';

export type RuleType = 'Acceptance' | 'Warning' | 'Exemption';
export type RuleCertificateType = 'General' | 'Vaccination' | 'Test' | 'Recovery' | 'Exemption';

export interface BusinessRule {
  Identifier: string;
  Type: RuleType;
  Country: string;
  Version: string;
  SchemaVersion: string;
  Engine: 'CERTLOGIC';
  EngineVersion: string;
  CertificateType: RuleCertificateType;
  Description: { lang: string; desc: string }[];
  ValidFrom: string;
  ValidTo: string;
  AffectedFields: string[];
  Logic: CertLogicExpression;
  /** Greenlight: the boundary date this rule checks, for the verdict's reasons. */
  ReasonDate?: CertLogicExpression;
}

const RULE_TYPES: RuleType[] = ['Acceptance', 'Warning', 'Exemption'];
const CERT_TYPES: RuleCertificateType[] = ['General', 'Vaccination', 'Test', 'Recovery', 'Exemption'];
const SEMVER = /^\d+\.\d+\.\d+$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Every code of the `rules` error family, listed once; `errors.test.ts` holds it against the README's error table
 * both ways. A new code goes at the end, and into the table.
 */
export const RULES_ERROR_CODES = [
  'ERR_RULES_FORMAT',
  'ERR_RULES_DATES',
  'ERR_RULES_LOGIC',
  'ERR_RULES_POLICY',
  'ERR_RULES_PAYLOAD',
  'ERR_RULES_UNKNOWN_POLICY',
  'ERR_RULES_UNKNOWN_VENUE',
] as const;
export type RulesErrorCode = (typeof RULES_ERROR_CODES)[number];

export const rulesError = (code: RulesErrorCode, message: string, details?: Record<string, unknown>) =>
  new GreenlightError('rules', code, message, details ? { details } : undefined);

function logicProblems(expr: unknown): string[] {
  if (isCertLogicExpression(expr)) return [];
  return validate(expr).map((e) => e.message);
}

/** Checks one rule; returns it typed, or throws ERR_RULES_FORMAT / ERR_RULES_DATES / ERR_RULES_LOGIC. */
export function validateRule(json: unknown): BusinessRule {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw rulesError('ERR_RULES_FORMAT', 'a rule is a JSON object');
  }
  const r = json as Record<string, unknown>;
  const id = typeof r.Identifier === 'string' ? r.Identifier : '(no Identifier)';
  const format = (what: string) => rulesError('ERR_RULES_FORMAT', `rule ${id}: ${what}`, { rule: id });
  if (typeof r.Identifier !== 'string' || !/^[A-Z]{2}-[A-Z]{2}-\d{4}$/.test(r.Identifier))
    throw format('Identifier is not of the form XX-CC-0000');
  if (!RULE_TYPES.includes(r.Type as RuleType))
    throw format(`Type ${JSON.stringify(r.Type)} is not ${RULE_TYPES.join(', ')}`);
  if (typeof r.Country !== 'string' || !/^[A-Z]{2}$/.test(r.Country))
    throw format('Country is not an ISO 3166 code');
  if (typeof r.Version !== 'string' || !SEMVER.test(r.Version)) throw format('Version is not x.y.z');
  if (typeof r.SchemaVersion !== 'string' || !SEMVER.test(r.SchemaVersion))
    throw format('SchemaVersion is not x.y.z');
  if (r.Engine !== 'CERTLOGIC') throw format('Engine is not CERTLOGIC');
  if (typeof r.EngineVersion !== 'string') throw format('EngineVersion is missing');
  if (!CERT_TYPES.includes(r.CertificateType as RuleCertificateType))
    throw format(`CertificateType ${JSON.stringify(r.CertificateType)} is unknown`);
  if (
    !Array.isArray(r.Description) ||
    r.Description.length === 0 ||
    !r.Description.every((d) => typeof d?.lang === 'string' && typeof d?.desc === 'string')
  )
    throw format('Description is not a list of {lang, desc}');
  if (r.AffectedFields !== undefined && !Array.isArray(r.AffectedFields))
    throw format('AffectedFields is not a list');
  for (const field of ['ValidFrom', 'ValidTo'] as const) {
    const value = r[field];
    if (typeof value !== 'string' || !ISO_WITH_ZONE.test(value) || Number.isNaN(Date.parse(value))) {
      throw rulesError(
        'ERR_RULES_DATES',
        `rule ${id}: ${field} is missing or not an ISO 8601 date-time with a zone`,
        {
          rule: id,
        },
      );
    }
  }
  if (Date.parse(r.ValidFrom as string) >= Date.parse(r.ValidTo as string)) {
    throw rulesError('ERR_RULES_DATES', `rule ${id}: ValidFrom is not before ValidTo`, { rule: id });
  }
  for (const field of ['Logic', 'ReasonDate'] as const) {
    if (field === 'ReasonDate' && r[field] === undefined) continue;
    const problems = logicProblems(r[field]);
    if (problems.length > 0) {
      throw rulesError(
        'ERR_RULES_LOGIC',
        `rule ${id}: ${field} is not valid CertLogic: ${problems.slice(0, 3).join('; ')}`,
        {
          rule: id,
        },
      );
    }
  }
  return {
    ...(r as unknown as BusinessRule),
    AffectedFields: (r.AffectedFields as string[] | undefined) ?? [],
  };
}
