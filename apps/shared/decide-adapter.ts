/**
 * A stand-in for `decide()` of @greenlight/rules with its exact signature, so that every app already calls the one
 * verdict; when rules ships `decide()`, this file becomes a re-export of it.
 */
import {
  type CredentialFormat,
  isGreenlightError,
  type VerificationReport,
  verifyHc1,
  verifyPresentation,
  verifyShcText,
} from '@greenlight/codec';
import { evaluatePolicy, kstDate, type Policy, type PolicyVerdict, type Reason } from '@greenlight/rules';
import type {
  Decision,
  DecisionBundles,
  DecisionContext,
  DecisionReason,
  DecisionReasonCode,
  DecisionStep,
  DecisionVerdict,
  Words,
} from '../../packages/rules/src/decide/types';

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
} from '../../packages/rules/src/decide/types';

const DEFAULT_MAX_BUNDLE_AGE_HOURS = 48;
const DAY_MS = 86_400_000;

/** What the decision itself adds to the policy's words (DESIGN.md: no error code reaches a person). */
const WORDS: Record<string, Words> = {
  FORMAT_UNKNOWN: { ko: '방역패스 QR 코드가 아닙니다.', en: 'This QR code is not a health pass.' },
  TECHNICAL_FAILED: {
    ko: '증명서를 확인할 수 없습니다. 위조되었거나 손상되었을 수 있습니다.',
    en: 'The certificate could not be verified: it may be forged or damaged.',
  },
  REVOKED: { ko: '취소된 증명서입니다.', en: 'This certificate has been revoked.' },
  REVOCATION_MISSING: {
    ko: '취소 목록 없음: 취소 여부를 확인할 수 없으니 신분증을 확인하세요.',
    en: 'Revocation data missing: it cannot be checked whether this pass was revoked. Check a photo ID.',
  },
  TRUST_MISSING: {
    ko: '발급기관 목록이 없어 확인할 수 없습니다. 인터넷에 연결해 검증 정보를 받으세요.',
    en: 'No list of trusted issuers yet: connect to the internet to download the verification data.',
  },
  RULES_MISSING: {
    ko: '방역 기준이 없어 확인할 수 없습니다. 인터넷에 연결해 검증 정보를 받으세요.',
    en: 'No pass rules yet: connect to the internet to download the verification data.',
  },
  STALE_BUNDLE: {
    ko: '검증 정보가 오래되었습니다. 인터넷에 연결해 갱신하세요.',
    en: 'The verification data is old: connect to the internet to refresh it.',
  },
  EVENTS_INVALID: {
    ko: '증명서에 접종·검사·회복 내역이 없습니다.',
    en: 'The certificate holds no vaccination, test or recovery.',
  },
  NOT_COVERED: {
    ko: '현재 방역 기준에서 인정하지 않는 증명서 종류입니다.',
    en: 'The current rules do not accept this kind of certificate.',
  },
  SOLO_ONLY: {
    ko: '방역패스 기준 미충족: 이 업종에서는 혼자 이용만 가능합니다.',
    en: 'Does not meet the pass rules: at this kind of venue the guest may only come alone.',
  },
  CHECK_ID_NO_DEVICE_PROOF: {
    ko: '종이·캡처 증명서입니다. 신분증의 이름과 생년월일을 확인하세요.',
    en: 'Paper or screenshot certificate: compare the name and date of birth with a photo ID.',
  },
  FOREIGN_CREDENTIAL: {
    ko: 'SMART Health Card입니다. 신분증과 아래 접종 내역을 확인하세요.',
    en: 'SMART Health Card: check a photo ID and the doses listed below.',
  },
  FOREIGN_CREDENTIAL_HOLDER: {
    ko: 'SMART Health Card입니다. 입장할 때 직원이 신분증과 접종 내역을 확인합니다.',
    en: 'A SMART Health Card: at the door, staff check your photo ID and the doses it lists.',
  },
  UNKNOWN_VENUE: {
    ko: '이 매장의 업종이 방역 기준에 없습니다.',
    en: 'This venue’s category is not in the pass rules.',
  },
  ERR_PRESENTATION_STALE: {
    ko: '화면 캡처로 보입니다: QR이 15초마다 바뀌어야 합니다. 앱 화면을 다시 보여 달라고 하세요.',
    en: 'Looks like a screenshot: the QR must change every 15 seconds. Ask to see the live app screen.',
  },
  ERR_PRESENTATION_PROOF: {
    ko: '이 휴대전화에 등록된 증명서가 아닙니다.',
    en: 'This certificate is not registered to this phone.',
  },
  ERR_CWT_EXPIRED: { ko: '증명서 유효기간이 지났습니다.', en: 'The certificate has expired.' },
  ERR_TRUST_UNKNOWN_KID: {
    ko: '신뢰할 수 있는 발급기관의 증명서가 아닙니다.',
    en: 'The certificate is not from a trusted issuer.',
  },
  ERR_COSE_SIGNATURE: {
    ko: '위조되었거나 손상된 증명서입니다.',
    en: 'The certificate is forged or damaged.',
  },
};

const DATED_FROM: Words = { ko: '{date}부터 유효합니다.', en: 'Not valid yet: valid from {date}.' };
const DATED_UNTIL: Words = {
  ko: '{date}에 유효기간이 끝났습니다.',
  en: 'Expired: it was valid until {date}.',
};
const DATED_WARNING: Words = {
  ko: '{date}에 유효기간이 끝났지만 지금은 아직 입장할 수 있습니다.',
  en: 'It expired on {date}, but entry is still allowed for now.',
};

const fill = (words: Words, date: string): Words =>
  Object.fromEntries(Object.entries(words).map(([lang, text]) => [lang, text.replace('{date}', date)]));

function reason(code: DecisionReasonCode, extra: Partial<DecisionReason> = {}): DecisionReason {
  return { code, text: WORDS[code] as Words, ...extra };
}

type Format = CredentialFormat | 'unknown';

function formatOf(text: string): Format {
  if (text.startsWith('GLP1:')) return 'presentation';
  if (text.startsWith('HC1:')) return 'hc1';
  if (/^shc:\//i.test(text) || text.startsWith('{') || /^[\w-]+\.[\w-]+\.[\w-]+$/.test(text)) return 'shc';
  return 'unknown';
}

function verdictOnly(
  verdict: DecisionVerdict,
  format: Format,
  reasons: DecisionReason[],
  steps: DecisionStep[],
): Decision {
  return { verdict, format, certificateType: 'unknown', reasons, steps };
}

/** The policy's verdict, or the reason it could not be given (an unknown venue, a payload that is no HCERT). */
function evaluate(
  policy: Policy,
  report: VerificationReport,
  at: Date,
  venueCategory: string | undefined,
  lang: string,
): PolicyVerdict | DecisionReasonCode {
  try {
    return evaluatePolicy(policy, {
      payload: report.payload,
      at,
      venueCategory,
      lang,
      ...(report.times.issuedAt ? { iat: new Date(report.times.issuedAt) } : {}),
      ...(report.times.expiresAt ? { exp: new Date(report.times.expiresAt) } : {}),
      ...(report.signer?.kid ? { kid: report.signer.kid } : {}),
      ...(report.signer?.country ? { issuerCountry: report.signer.country } : {}),
    });
  } catch (error) {
    const code = isGreenlightError(error) ? error.code : '';
    return code === 'ERR_RULES_UNKNOWN_VENUE' ? 'UNKNOWN_VENUE' : 'EVENTS_INVALID';
  }
}

/** A policy reason in the decision's words: a boundary date in plain words, else the rule's own description. */
function fromPolicy(ko: Reason, en: Reason | undefined, today: string): DecisionReason | undefined {
  if (ko.code === 'RULE_PASSED' || ko.code === 'NOT_EXEMPT') return undefined;
  const code: DecisionReasonCode = ko.code;
  if (code === 'SOLO_ONLY' || code === 'NOT_COVERED') return reason(code);
  const text =
    ko.date && code === 'RULE_FAILED'
      ? fill(ko.date > today ? DATED_FROM : DATED_UNTIL, ko.date)
      : ko.date && code === 'RULE_WARNING' && ko.date < today
        ? fill(DATED_WARNING, ko.date)
        : { ko: ko.description, en: en?.description ?? ko.description };
  return {
    code,
    text,
    ...(ko.rule ? { source: ko.rule } : {}),
    ...(ko.date ? { date: ko.date } : {}),
  };
}

const kstDayStart = (day: string) => Date.parse(`${day}T00:00:00+09:00`);
const shiftDay = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * The KST days between which the policy gives pass or exempt, found by evaluating the policy itself on each side
 * of every boundary it states (its reason dates and the days its rules come into force): between two boundaries
 * the answer cannot change. The run holding today, else the next one, else the last one. The policy speaks only
 * until its rules end (their latest ValidTo, a versioning date, not a limit on anyone's pass): a run that reaches
 * that horizon has no end date. The credential's own expiry (CWT `exp`) is the codec's check, not the policy's.
 */
function validityOf(
  policy: Policy,
  report: VerificationReport,
  now: Date,
  reasons: Reason[],
): Decision['validity'] | undefined {
  const horizon = kstDate(new Date(Math.max(...policy.rules.map((r) => Date.parse(r.ValidTo))) - 1000));
  const candidates = new Set<string>([kstDate(now), horizon]);
  const boundaries = [
    ...reasons.map((r) => r.date).filter((d): d is string => Boolean(d)),
    ...policy.rules.map((r) => kstDate(new Date(r.ValidFrom))),
  ];
  for (const day of boundaries) for (const d of [-1, 0, 1]) candidates.add(shiftDay(day, d));
  const days = [...candidates].filter((day) => day <= horizon).sort();
  const valid = days.map((day) =>
    [kstDayStart(day), kstDayStart(day) + DAY_MS - 1000].some((instant) => {
      const result = evaluate(policy, report, new Date(instant), undefined, 'ko');
      return typeof result !== 'string' && (result.verdict === 'pass' || result.verdict === 'exempt');
    }),
  );
  const runs: { from: number; to: number }[] = [];
  valid.forEach((ok, i) => {
    if (!ok) return;
    const last = runs[runs.length - 1];
    if (last && last.to === i - 1) last.to = i;
    else runs.push({ from: i, to: i });
  });
  // Past the horizon, today is not among the days: every run then lies before it.
  const today = kstDate(now) > horizon ? days.length : days.indexOf(kstDate(now));
  const run =
    runs.find((r) => r.from <= today && today <= r.to) ??
    runs.find((r) => r.from > today) ??
    runs[runs.length - 1];
  if (!run) return undefined;
  const validity: { from?: string; until?: string } = { from: days[run.from] as string };
  if (run.to < days.length - 1) validity.until = days[run.to] as string;
  return validity;
}

/** Every bundle in force older than the limit, counted from its signed issuedAt. */
function staleBundles(bundles: DecisionBundles, now: Date, maxHours: number): string[] {
  return Object.entries(bundles)
    .filter(([, b]) => b && now.getTime() - Date.parse(b.issuedAt) > maxHours * 3_600_000)
    .map(([name]) => name);
}

/**
 * One verdict for any scanned or pasted credential, offline: `credential` is `GLP1:`, `HC1:`, `shc:/…`, a compact
 * JWS or a `.smart-health-card` JSON; `bundles` the signed bundles in force; `context.now` the check time. Never
 * throws: malformed input is a `fail` with its reason. See packages/rules/README.md, "decide()".
 */
export async function decide(
  credential: string,
  bundles: DecisionBundles,
  context: DecisionContext,
): Promise<Decision> {
  try {
    return await decideOrThrow(credential, bundles, context);
  } catch {
    return verdictOnly('fail', 'unknown', [reason('TECHNICAL_FAILED')], []);
  }
}

async function decideOrThrow(
  credential: string,
  bundles: DecisionBundles,
  context: DecisionContext,
): Promise<Decision> {
  const { now } = context;
  const purpose = context.purpose ?? 'door';
  const text = credential.trim();
  const format = formatOf(text);
  if (format === 'unknown') return verdictOnly('fail', format, [reason('FORMAT_UNKNOWN')], []);
  const trustInForce = format === 'shc' ? bundles.shc : bundles.trust;
  if (!trustInForce) return verdictOnly('fail', format, [reason('TRUST_MISSING')], []);
  if (!bundles.rules) return verdictOnly('fail', format, [reason('RULES_MISSING')], []);
  const policy = bundles.rules.value;
  const revocation = bundles.revocation?.value;

  let report: VerificationReport;
  if (format === 'shc') {
    report = (
      await verifyShcText(text, bundles.shc?.value as NonNullable<DecisionBundles['shc']>['value'], {
        now,
      })
    )[0] as VerificationReport;
  } else {
    const trust = bundles.trust?.value as NonNullable<DecisionBundles['trust']>['value'];
    const options = { now, ...(revocation ? { revocation } : {}) };
    report =
      format === 'presentation'
        ? await verifyPresentation(text, trust, options)
        : await verifyHc1(text, trust, options);
  }
  const failed = report.steps.find((s) => s.ok === false);
  const failedCode: DecisionReasonCode | undefined = failed
    ? failed.code === 'ERR_REVOCATION_REVOKED' || failed.code === 'ERR_SHC_REVOKED'
      ? 'REVOKED'
      : 'TECHNICAL_FAILED'
    : undefined;
  const steps: DecisionStep[] = report.steps.map((s) => ({
    name: s.name,
    ok: s.ok,
    reasons: s.ok === false && failedCode ? [failedCode] : [],
  }));
  const base = {
    format: report.format,
    certificateType: report.certificateType,
    ...(report.holder
      ? { holder: { name: report.holder.name, dateOfBirth: report.holder.dateOfBirth } }
      : {}),
    ...(report.presentation?.token ? { token: report.presentation.token } : {}),
    report,
  };
  if (report.verdict !== 'valid' || failed) {
    const code = failed?.code ?? '';
    const why =
      failedCode === 'REVOKED'
        ? reason('REVOKED', { source: failed?.name ?? '', errorCode: code })
        : {
            code: 'TECHNICAL_FAILED' as const,
            source: failed?.name ?? '',
            errorCode: code,
            text: WORDS[code] ?? (WORDS.TECHNICAL_FAILED as Words),
          };
    return { verdict: 'fail', ...base, reasons: [why], steps };
  }

  const reasons: DecisionReason[] = [];
  let verdict: DecisionVerdict;
  let validity: Decision['validity'] | undefined;
  if (format === 'shc') {
    // The SMART Health Card's immunizations are not mapped to the policy here (the authority's own SHC included):
    // staff read the doses themselves.
    verdict = 'check-id';
    reasons.push({
      code: 'FOREIGN_CREDENTIAL',
      text: WORDS[purpose === 'holder' ? 'FOREIGN_CREDENTIAL_HOLDER' : 'FOREIGN_CREDENTIAL'] as Words,
    });
  } else {
    const venue = purpose === 'door' ? context.venueCategory : undefined;
    const ko = evaluate(policy, report, now, venue, 'ko');
    const en = evaluate(policy, report, now, venue, 'en');
    if (typeof ko === 'string') return { verdict: 'fail', ...base, reasons: [reason(ko)], steps };
    const today = kstDate(now);
    ko.reasons.forEach((r, i) => {
      const decisionReason = fromPolicy(r, typeof en === 'string' ? undefined : en.reasons[i], today);
      if (decisionReason) reasons.push(decisionReason);
      if (r.rule)
        steps.push({
          name: r.rule,
          ok: r.result === 'passed' ? true : r.result === null ? null : false,
          reasons: decisionReason ? [decisionReason.code] : [],
        });
    });
    verdict = ko.verdict;
    if (purpose !== 'door') validity = validityOf(policy, report, now, ko.reasons);
  }

  if (!revocation && format !== 'shc') {
    steps.push({ name: 'REVOCATION_BUNDLE', ok: null, reasons: ['REVOCATION_MISSING'] });
    if (verdict === 'pass' || verdict === 'exempt') {
      verdict = 'check-id';
      reasons.unshift(reason('REVOCATION_MISSING'));
    } else reasons.push(reason('REVOCATION_MISSING'));
  }
  // Nothing binds a plain HC1 to the person showing it: whoever it lets in, staff compare a photo ID.
  if (format === 'hc1' && purpose === 'door' && verdict !== 'fail' && verdict !== 'solo-only') {
    if (verdict !== 'warn') verdict = 'check-id';
    reasons.unshift(reason('CHECK_ID_NO_DEVICE_PROOF'));
  }
  const stale = staleBundles(bundles, now, context.maxBundleAgeHours ?? DEFAULT_MAX_BUNDLE_AGE_HOURS);
  if (stale.length > 0) {
    steps.push({ name: 'BUNDLE_AGE', ok: false, reasons: ['STALE_BUNDLE'] });
    if (verdict === 'pass' || verdict === 'exempt') verdict = 'warn';
    reasons.push(reason('STALE_BUNDLE', { source: stale.join(',') }));
  }
  return { verdict, ...base, reasons, steps, ...(validity ? { validity } : {}) };
}
