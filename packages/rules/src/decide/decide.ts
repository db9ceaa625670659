/** decide(): the one place a verdict is made, from a scanned text, the bundles in force and the clock. */
import {
  type VerificationReport,
  type VerificationStep,
  verifyHc1,
  verifyPresentation,
  verifyShcText,
} from '@greenlight/codec';
import { CERTIFICATE_KEYS } from '../engine.ts';
import { evaluatePolicy, type Policy, type PolicyVerdict, type Reason } from '../policy.ts';
import { reasonWords, technicalWords } from './catalog.ts';
import { hcertFromShc } from './shc-mapping.ts';
import type {
  Decision,
  DecisionBundles,
  DecisionContext,
  DecisionReason,
  DecisionReasonCode,
  DecisionStep,
  DecisionVerdict,
  Words,
} from './types.ts';
import { validityOf } from './validity.ts';

/** A bundle older than this (hours from its signed issuedAt) makes a pass a warning: `maxBundleAgeHours`'s default. */
export const DEFAULT_MAX_BUNDLE_AGE_HOURS = 48;

type Format = Decision['format'];

/** The credential's format from its text alone (DESIGN.md "Formats"). */
function formatOf(text: string): Format {
  if (text.startsWith('GLP1:')) return 'presentation';
  if (text.startsWith('HC1:')) return 'hc1';
  if (/^shc:\//i.test(text) || text.startsWith('{') || /^[\w-]+\.[\w-]+\.[\w-]+$/.test(text)) return 'shc';
  return 'unknown';
}

const reason = (
  code: DecisionReasonCode,
  text: Words,
  more: Partial<DecisionReason> = {},
): DecisionReason => ({
  code,
  ...more,
  text,
});

/** A codec step failure as a reason: revocation and one-event failures have their own codes. */
function technicalCode(step: VerificationStep): 'REVOKED' | 'EVENTS_INVALID' | 'TECHNICAL_FAILED' {
  if (step.code === 'ERR_REVOCATION_REVOKED' || step.code === 'ERR_SHC_REVOKED') return 'REVOKED';
  if (step.code === 'ERR_HCERT_EVENTS') return 'EVENTS_INVALID';
  return 'TECHNICAL_FAILED';
}

/** Whether a failed codec step made the report invalid (a schema failure is reported only, by default). */
const decisive = (step: VerificationStep) => step.ok === false && step.name !== 'SCHEMAVALIDATION';

function stepsOfReport(report: VerificationReport): DecisionStep[] {
  return report.steps.map((s) => ({
    name: s.name,
    ok: s.ok,
    reasons: decisive(s) ? [technicalCode(s)] : [],
    ...(s.code ? { code: s.code } : {}),
  }));
}

/**
 * The one-event check (eHN HCERT spec §2.6.3: exactly one of v, t, r, e, holding exactly one entry), made here too
 * so that no payload reaches the rules with a second event they would silently ignore.
 */
function eventsProblem(payload: unknown): 'EVENTS_INVALID' | 'FIELD_INVALID' | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'FIELD_INVALID';
  const keys = Object.keys(CERTIFICATE_KEYS).filter((k) => k in payload);
  if (keys.length !== 1) return 'EVENTS_INVALID';
  const entries = (payload as Record<string, unknown>)[keys[0] as string];
  if (!Array.isArray(entries) || entries.length !== 1) return 'EVENTS_INVALID';
  const entry = entries[0];
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'FIELD_INVALID';
  return undefined;
}

/** The languages the policy's rule descriptions are written in, English first. */
function policyLanguages(policy: Policy): string[] {
  const langs = new Set<string>(['en']);
  for (const rule of policy.rules) for (const d of rule.Description) langs.add(d.lang);
  return [...langs];
}

/** The policy's verdict, with each reason's description in every language the policy has. */
function evaluateInAllLanguages(
  policy: Policy,
  input: Parameters<typeof evaluatePolicy>[1],
): { verdict: PolicyVerdict; words: Words[] } {
  const langs = policyLanguages(policy);
  const runs = langs.map((lang) => evaluatePolicy(policy, { ...input, lang }));
  const verdict = runs[0] as PolicyVerdict;
  const words = verdict.reasons.map((_, i) =>
    Object.fromEntries(langs.map((lang, l) => [lang, runs[l]?.reasons[i]?.description ?? ''])),
  );
  return { verdict, words };
}

const RULE_CODE: Record<Reason['code'], DecisionReasonCode | undefined> = {
  EXEMPT: 'EXEMPT',
  NOT_EXEMPT: undefined,
  RULE_PASSED: 'RULE_PASSED',
  RULE_FAILED: 'RULE_FAILED',
  RULE_OPEN: 'RULE_OPEN',
  RULE_WARNING: 'RULE_WARNING',
  NOT_COVERED: 'NOT_COVERED',
  SOLO_ONLY: 'SOLO_ONLY',
};

/** The policy's reasons as decision reasons (deciding ones only) and one step per rule. */
function fromPolicy(
  policy: Policy,
  result: PolicyVerdict,
  words: Words[],
  venueCategory: string | undefined,
): { reasons: DecisionReason[]; steps: DecisionStep[] } {
  const steps: DecisionStep[] = [];
  const all: DecisionReason[] = [];
  result.reasons.forEach((r, i) => {
    const code = RULE_CODE[r.code];
    const text =
      r.code === 'NOT_COVERED'
        ? reasonWords('NOT_COVERED')
        : r.code === 'SOLO_ONLY'
          ? reasonWords('SOLO_ONLY', {
              venue: policy.venueCategories[venueCategory ?? '']?.description ?? venueCategory ?? '',
            })
          : (words[i] as Words);
    if (r.rule !== null) {
      steps.push({
        name: `RULE ${r.rule}`,
        ok: r.result === 'passed' ? true : r.code === 'NOT_EXEMPT' ? null : false,
        reasons: code && code !== 'RULE_PASSED' ? [code] : [],
      });
    } else if (r.code === 'NOT_COVERED') {
      steps.push({ name: 'RULES', ok: false, reasons: ['NOT_COVERED'] });
    } else {
      steps.push({ name: 'VENUE', ok: true, reasons: ['SOLO_ONLY'] });
    }
    if (code === undefined) return;
    all.push(
      reason(code, text, {
        ...(r.rule === null ? {} : { source: r.rule }),
        ...(r.date ? { date: r.date } : {}),
      }),
    );
  });
  const deciding: Record<PolicyVerdict['verdict'], DecisionReasonCode[]> = {
    pass: ['RULE_PASSED'],
    exempt: ['EXEMPT'],
    warn: ['RULE_WARNING'],
    'solo-only': ['SOLO_ONLY', 'NOT_COVERED', 'RULE_FAILED', 'RULE_OPEN'],
    fail: ['NOT_COVERED', 'RULE_FAILED', 'RULE_OPEN'],
  };
  return { reasons: all.filter((r) => deciding[result.verdict].includes(r.code)), steps };
}

/** Hours since a bundle's signed issuedAt; an unreadable time counts as infinitely old. */
function ageHours(issuedAt: string, now: Date): number {
  const t = Date.parse(issuedAt);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : (now.getTime() - t) / 3_600_000;
}

function failure(
  base: Omit<Decision, 'verdict' | 'reasons' | 'steps'>,
  reasons: DecisionReason[],
  steps: DecisionStep[],
): Decision {
  return { verdict: 'fail', ...base, reasons, steps };
}

async function decideOrThrow(
  credential: string,
  bundles: DecisionBundles,
  context: DecisionContext,
): Promise<Decision> {
  const now = context.now;
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new Error('context.now is not a valid Date');
  const text = credential.trim();
  const format = formatOf(text);
  const purpose = context.purpose ?? 'door';
  if (format === 'unknown') {
    return failure(
      { format, certificateType: 'unknown' },
      [reason('FORMAT_UNKNOWN', reasonWords('FORMAT_UNKNOWN'))],
      [{ name: 'FORMAT', ok: false, reasons: ['FORMAT_UNKNOWN'] }],
    );
  }

  // Trust first: without it nothing can be verified.
  const trustBundle = format === 'shc' ? bundles.shc : bundles.trust;
  const trustName = format === 'shc' ? 'BUNDLE shc-issuers' : 'BUNDLE trust-list';
  if (!trustBundle) {
    return failure(
      { format, certificateType: 'unknown' },
      [reason('TRUST_MISSING', reasonWords('TRUST_MISSING'))],
      [{ name: trustName, ok: false, reasons: ['TRUST_MISSING'] }],
    );
  }

  let report: VerificationReport;
  let payload: unknown;
  if (format === 'shc') {
    const reports = await verifyShcText(
      text,
      trustBundle.value as NonNullable<DecisionBundles['shc']>['value'],
      {
        now,
      },
    );
    if (reports.length !== 1) {
      return failure(
        { format, certificateType: 'unknown' },
        [reason('FORMAT_UNKNOWN', reasonWords('FORMAT_UNKNOWN'), { source: 'EXTRACT' })],
        [{ name: 'EXTRACT', ok: false, reasons: ['FORMAT_UNKNOWN'] }],
      );
    }
    report = reports[0] as VerificationReport;
    payload = hcertFromShc(report.summary, report.holder, report.signer?.issuerName ?? report.signer?.issuer);
  } else {
    const trust = trustBundle.value as NonNullable<DecisionBundles['trust']>['value'];
    const options = {
      now,
      ...(bundles.revocation ? { revocation: bundles.revocation.value } : {}),
      ...(bundles.reference?.schemas ? { schemas: bundles.reference.schemas } : {}),
      ...(bundles.reference?.valueSets ? { valueSets: bundles.reference.valueSets } : {}),
    };
    report =
      format === 'presentation'
        ? await verifyPresentation(text, trust, options)
        : await verifyHc1(text, trust, options);
    payload = report.payload;
  }

  const holder = report.holder
    ? { name: report.holder.name, dateOfBirth: report.holder.dateOfBirth }
    : undefined;
  const token = report.presentation?.token;
  const base = {
    format: report.format,
    certificateType: report.certificateType,
    ...(holder ? { holder } : {}),
    ...(token ? { token } : {}),
    report,
  };
  const steps = stepsOfReport(report);

  if (report.verdict !== 'valid') {
    const failed = report.steps.filter(decisive);
    const reasons = failed.map((s) => {
      const code = technicalCode(s);
      // A technical failure speaks of its own cause when the catalog has words for it (a screenshot, an expiry).
      const words = code === 'TECHNICAL_FAILED' ? technicalWords(s.code) : reasonWords(code);
      return reason(code, words, { source: s.name, ...(s.code ? { errorCode: s.code } : {}) });
    });
    if (reasons.length === 0)
      reasons.push(reason('TECHNICAL_FAILED', reasonWords('TECHNICAL_FAILED'), { source: 'VERIFY' }));
    // The revocation verdict is the one staff must see first.
    reasons.sort((a, b) => Number(b.code === 'REVOKED') - Number(a.code === 'REVOKED'));
    return failure(base, reasons, steps);
  }

  // An SHC without immunizations has no event the policy reads: it is judged once the rules are known.
  const unmapped = format === 'shc' && payload === undefined;
  if (!unmapped) {
    const events = eventsProblem(payload);
    steps.push({ name: 'EVENTS', ok: events === undefined, reasons: events ? [events] : [] });
    if (events) return failure(base, [reason(events, reasonWords(events), { source: 'EVENTS' })], steps);
  }

  // Bundles: presence and freshness from each one's signed issuedAt.
  const maxAge = context.maxBundleAgeHours ?? DEFAULT_MAX_BUNDLE_AGE_HOURS;
  const stale: DecisionReason[] = [];
  const bundleStep = (
    name: string,
    bundle: { issuedAt: string } | undefined,
    missing: DecisionReasonCode,
  ) => {
    if (!bundle) {
      steps.push({ name, ok: false, reasons: [missing] });
      return;
    }
    const old = ageHours(bundle.issuedAt, now) > maxAge;
    steps.push({ name, ok: !old, reasons: old ? ['STALE_BUNDLE'] : [] });
    if (old)
      stale.push(reason('STALE_BUNDLE', reasonWords('STALE_BUNDLE', { hours: maxAge }), { source: name }));
  };
  bundleStep(trustName, trustBundle, 'TRUST_MISSING');
  // SHC revocation travels inside the issuer directory (CRLs), so only a DCC needs the revocation bundle.
  const revocationMissing = format !== 'shc' && !bundles.revocation;
  if (format !== 'shc') bundleStep('BUNDLE revocation', bundles.revocation, 'REVOCATION_MISSING');
  bundleStep('BUNDLE rules', bundles.rules, 'RULES_MISSING');
  const policy = bundles.rules?.value;
  if (!policy) return failure(base, [reason('RULES_MISSING', reasonWords('RULES_MISSING')), ...stale], steps);
  if (unmapped) {
    steps.push({ name: 'RULES', ok: false, reasons: ['NOT_COVERED'] });
    return failure(base, [reason('NOT_COVERED', reasonWords('NOT_COVERED')), ...stale], steps);
  }

  const venueCategory = context.venueCategory;
  if (venueCategory !== undefined && !Object.hasOwn(policy.venueCategories, venueCategory)) {
    steps.push({ name: 'VENUE', ok: false, reasons: ['UNKNOWN_VENUE'] });
    return failure(base, [reason('UNKNOWN_VENUE', reasonWords('UNKNOWN_VENUE'), { source: 'VENUE' })], steps);
  }

  const facts = {
    payload,
    ...(report.times.issuedAt ? { iat: new Date(report.times.issuedAt) } : {}),
    ...(report.times.expiresAt ? { exp: new Date(report.times.expiresAt) } : {}),
    ...(report.signer?.kid ? { kid: report.signer.kid } : {}),
    // The DSC's country (trust list entry, else its subject): never the payload's own `co`, which anyone writes.
    ...(format !== 'shc' && report.signer?.country ? { issuerCountry: report.signer.country } : {}),
  };
  const { verdict: rules, words } = evaluateInAllLanguages(policy, {
    ...facts,
    at: now,
    ...(venueCategory === undefined ? {} : { venueCategory }),
  });
  const fromRules = fromPolicy(policy, rules, words, venueCategory);
  steps.push(...fromRules.steps);

  // The check-id step: at the door, a credential without a device proof or without revocation data needs a photo ID.
  const idReasons: DecisionReason[] = [];
  const foreign =
    format !== 'shc' && report.signer?.country !== undefined && report.signer.country !== policy.country;
  if (purpose === 'door' && format !== 'presentation')
    idReasons.push(reason('CHECK_ID_NO_DEVICE_PROOF', reasonWords('CHECK_ID_NO_DEVICE_PROOF')));
  if (purpose === 'door' && foreign)
    idReasons.push(reason('FOREIGN_CREDENTIAL', reasonWords('FOREIGN_CREDENTIAL')));
  const revocationReason = revocationMissing
    ? [reason('REVOCATION_MISSING', reasonWords('REVOCATION_MISSING'))]
    : [];
  if (purpose !== 'holder') idReasons.push(...revocationReason);

  let verdict: DecisionVerdict = rules.verdict;
  let reasons: DecisionReason[];
  const admits = verdict === 'pass' || verdict === 'exempt' || verdict === 'warn';
  if (admits && idReasons.length > 0) {
    verdict = 'check-id';
    reasons = [...idReasons, ...fromRules.reasons, ...stale];
  } else if ((verdict === 'pass' || verdict === 'exempt') && stale.length > 0) {
    verdict = 'warn';
    reasons = [...stale, ...fromRules.reasons];
  } else {
    // A fail needs no ID check; a guest admitted alone still shows who they are.
    reasons = [...fromRules.reasons, ...(verdict === 'solo-only' ? idReasons : []), ...stale];
  }
  if (purpose === 'holder') reasons.push(...revocationReason);
  steps.push({
    name: 'CHECK_ID',
    ok: idReasons.length === 0 ? true : admits ? false : null,
    reasons: idReasons.map((r) => r.code),
  });

  const validity = purpose === 'door' ? undefined : validityOf(policy, facts, now);
  return {
    verdict,
    ...base,
    reasons,
    steps,
    rulesVerdict: rules.verdict,
    ...(validity && (validity.from || validity.until) ? { validity } : {}),
  };
}

/**
 * The verdict for one credential (README "decide()"). `credential`: `GLP1:`, `HC1:`, `shc:/` (chunks one a line), a
 * compact JWS or a `.smart-health-card` file's JSON. Pure: the clock is `context.now`, nothing is fetched, no host
 * time zone or locale is read. Never throws: malformed input, and any bug, is a `fail` decision
 * (`FORMAT_UNKNOWN`, `TECHNICAL_FAILED` with errorCode `ERR_INTERNAL`, `EVENTS_INVALID`, `FIELD_INVALID`).
 */
export async function decide(
  credential: string,
  bundles: DecisionBundles,
  context: DecisionContext,
): Promise<Decision> {
  try {
    return await decideOrThrow(
      typeof credential === 'string' ? credential : String(credential),
      bundles ?? {},
      context,
    );
  } catch {
    return {
      verdict: 'fail',
      format: 'unknown',
      certificateType: 'unknown',
      reasons: [
        reason('TECHNICAL_FAILED', reasonWords('TECHNICAL_FAILED'), {
          source: 'DECIDE',
          errorCode: 'ERR_INTERNAL',
        }),
      ],
      steps: [
        {
          name: 'DECIDE',
          ok: false,
          reasons: ['TECHNICAL_FAILED'],
          code: 'ERR_INTERNAL',
        },
      ],
    };
  }
}
