/**
 * The scanner's offline decision: a scanned text, the signed bundles in force and the clock give a staff verdict.
 * Nothing here touches the network; the same inputs always give the same verdict.
 */
import {
  DscTrustList,
  type RevocationList,
  ShcTrustStore,
  type VerificationReport,
  verifyHc1,
  verifyPresentation,
  verifyShcText,
} from '@greenlight/codec';
import { evaluatePolicy, type Policy } from '@greenlight/rules';

/** What the staff screen shows: green pass, blue exempt, amber solo-only / check ID / warn, red fail. */
export type StaffVerdict = 'pass' | 'exempt' | 'solo-only' | 'check-id' | 'warn' | 'fail';

export interface Decision {
  verdict: StaffVerdict;
  /** Plain-word reasons for the staff, in the app's language. */
  reasons: string[];
  /** Name and date of birth, for comparing with a photo ID. */
  holder?: { name: string; dateOfBirth: string };
  /** The presentation's daily check-in token (base64url), when it carries one: what the outbox records. */
  token?: string;
  format?: VerificationReport['format'];
  /** The full report, for the details view. */
  report?: VerificationReport;
}

export interface TrustListContent {
  /** The DCC Gateway's DSC list shape. */
  certificates: { kid: string; country: string; rawData: string }[];
  /** SMART Health Card issuers, in the VCI directory snapshot shape. */
  shcDirectory?: unknown;
}

export interface VerifierBundles {
  trust: DscTrustList;
  shc: ShcTrustStore;
  policy: Policy;
  revocation?: RevocationList;
}

export async function trustFromContent(
  content: TrustListContent,
): Promise<{ trust: DscTrustList; shc: ShcTrustStore }> {
  const trust = await DscTrustList.fromGatewayJson(content);
  const shc = content.shcDirectory
    ? ShcTrustStore.fromVciSnapshot(content.shcDirectory)
    : new ShcTrustStore();
  return { trust, shc };
}

type Words = (key: string, vars?: Record<string, string | number>) => string;

function failedStep(report: VerificationReport): string | undefined {
  return report.steps.find((s) => s.ok === false)?.code;
}

/** Verifies any scanned text offline and applies the policy of the venue's category. */
export async function decide(
  text: string,
  bundles: VerifierBundles,
  options: { now: Date; venueCategory: string; lang: 'ko' | 'en'; t: Words },
): Promise<Decision> {
  const { now, t } = options;
  const trimmed = text.trim();
  let report: VerificationReport;
  let paper = false;
  if (trimmed.startsWith('GLP1:')) {
    report = await verifyPresentation(trimmed, bundles.trust, {
      now,
      ...(bundles.revocation ? { revocation: bundles.revocation } : {}),
    });
  } else if (trimmed.startsWith('HC1:')) {
    paper = true;
    report = await verifyHc1(trimmed, bundles.trust, {
      now,
      ...(bundles.revocation ? { revocation: bundles.revocation } : {}),
    });
  } else if (/^shc:\//i.test(trimmed) || trimmed.startsWith('{') || trimmed.split('.').length === 3) {
    const [first] = await verifyShcText(trimmed, bundles.shc, { now });
    report = first as VerificationReport;
    if (report.verdict !== 'valid') {
      return {
        verdict: 'fail',
        reasons: [t('reason.signature', { code: failedStep(report) ?? '' })],
        format: 'shc',
        report,
      };
    }
    // A foreign SMART Health Card: the signature holds, the Korean rules are written for EU certificates, so staff
    // check the holder's ID and the doses listed on screen.
    return {
      verdict: 'check-id',
      reasons: [t('reason.foreign')],
      ...(report.holder ? { holder: report.holder } : {}),
      format: 'shc',
      report,
    };
  } else {
    return { verdict: 'fail', reasons: [t('reason.unknownFormat')] };
  }

  const holder = report.holder
    ? { name: report.holder.name, dateOfBirth: report.holder.dateOfBirth }
    : undefined;
  const token = report.presentation?.token;
  const base = { ...(holder ? { holder } : {}), ...(token ? { token } : {}), format: report.format, report };
  if (report.verdict !== 'valid') {
    const code = failedStep(report) ?? 'ERR_UNKNOWN';
    return {
      verdict: 'fail',
      reasons: [
        t(`reason.${code}`) === `reason.${code}` ? t('reason.signature', { code }) : t(`reason.${code}`),
      ],
      ...base,
    };
  }
  const rules = evaluatePolicy(bundles.policy, {
    payload: report.payload,
    at: now,
    venueCategory: options.venueCategory,
    lang: options.lang,
  });
  // The policy's own words for its rules; the app's words for what the policy engine adds (venue, coverage).
  const reasons = rules.reasons
    .filter((r) => r.code !== 'RULE_PASSED' && r.code !== 'NOT_EXEMPT')
    .map((r) =>
      r.code === 'SOLO_ONLY'
        ? t('reason.soloOnly')
        : r.code === 'NOT_COVERED'
          ? t('reason.notCovered')
          : r.date
            ? `${r.description} (${r.date})`
            : r.description,
    );
  if (rules.verdict === 'pass' && paper) {
    return { verdict: 'check-id', reasons: [t('reason.paper'), ...reasons], ...base };
  }
  return { verdict: rules.verdict, reasons, ...base };
}
