/** The plain words (Korean and English) for the reasons that decide() adds itself; rule reasons use the policy's. */
import type { DecisionReasonCode, Words } from './types.ts';

type CatalogCode = Exclude<DecisionReasonCode, 'RULE_PASSED' | 'RULE_FAILED' | 'RULE_WARNING'>;

/** `{hours}` and `{venue}` are filled in by `reasonWords`. */
export const REASON_CATALOG: Record<CatalogCode, Words> = {
  FORMAT_UNKNOWN: {
    en: 'This is not a pass or certificate that can be read here.',
    ko: '여기에서 읽을 수 있는 방역패스나 증명서가 아닙니다.',
  },
  TECHNICAL_FAILED: {
    en: 'The certificate could not be verified: it may be forged, damaged or expired.',
    ko: '증명서를 확인할 수 없습니다. 위조·손상되었거나 만료되었을 수 있습니다.',
  },
  REVOKED: {
    en: 'This certificate has been withdrawn by its issuer.',
    ko: '발급 기관이 취소한 증명서입니다.',
  },
  REVOCATION_MISSING: {
    en: 'Revocation data missing: the list of withdrawn certificates is not on this device yet. Compare a photo ID, and connect to download it.',
    ko: '취소 목록 없음: 취소된 증명서 목록이 아직 이 기기에 없습니다. 신분증을 확인하고, 인터넷에 연결해 내려받으세요.',
  },
  TRUST_MISSING: {
    en: 'The list of trusted issuers is not on this device yet: connect once to download it.',
    ko: '신뢰할 수 있는 발급 기관 목록이 아직 이 기기에 없습니다. 한 번 인터넷에 연결해 내려받으세요.',
  },
  RULES_MISSING: {
    en: 'The pass rules are not on this device yet: connect once to download them.',
    ko: '방역패스 기준이 아직 이 기기에 없습니다. 한 번 인터넷에 연결해 내려받으세요.',
  },
  STALE_BUNDLE: {
    en: 'The data on this device is more than {hours} hours old: connect to update it.',
    ko: '이 기기의 자료가 {hours}시간 넘게 갱신되지 않았습니다. 인터넷에 연결해 업데이트하세요.',
  },
  EVENTS_INVALID: {
    en: 'A certificate must record exactly one vaccination, test, recovery or exemption; this one does not.',
    ko: '증명서에는 접종, 검사, 회복 또는 예외 기록이 하나만 있어야 하는데 그렇지 않습니다.',
  },
  FIELD_INVALID: {
    en: 'Part of the certificate is missing or cannot be read.',
    ko: '증명서의 일부 항목이 없거나 읽을 수 없습니다.',
  },
  RULE_OPEN: {
    en: 'A pass rule could not be checked because the certificate lacks something it needs.',
    ko: '증명서에 필요한 항목이 없어 방역패스 기준을 확인할 수 없습니다.',
  },
  NOT_COVERED: {
    en: 'The pass rules accept no certificate of this kind at this time.',
    ko: '현재 방역패스 기준으로는 이 종류의 증명서가 인정되지 않습니다.',
  },
  EXEMPT: {
    en: 'Exempt from the pass.',
    ko: '방역패스 적용 예외입니다.',
  },
  SOLO_ONLY: {
    en: 'Does not meet the pass rules, but may come in alone: a {venue} admits one guest without a pass.',
    ko: '방역패스 기준을 충족하지 않지만 혼자서는 이용할 수 있습니다({venue}).',
  },
  CHECK_ID_NO_DEVICE_PROOF: {
    en: 'A paper certificate or a picture of one, not a live phone pass: compare the name and date of birth with a photo ID.',
    ko: '종이 증명서나 그 사진이며, 휴대전화의 실시간 방역패스가 아닙니다. 이름과 생년월일을 신분증과 대조하세요.',
  },
  FOREIGN_CREDENTIAL: {
    en: 'Issued outside Korea: compare the name and date of birth with a photo ID.',
    ko: '해외에서 발급된 증명서입니다. 이름과 생년월일을 신분증과 대조하세요.',
  },
  UNKNOWN_VENUE: {
    en: 'This venue type is not in the pass rules: ask the manager to set the venue type again.',
    ko: '이 업종은 방역패스 기준에 없습니다. 관리자에게 업종을 다시 설정해 달라고 하세요.',
  },
};

/** The catalog's words for `code`, with `{name}` placeholders filled from `vars` (each a Words or a plain value). */
export function reasonWords(code: CatalogCode, vars: Record<string, Words | string | number> = {}): Words {
  const out: Words = {};
  for (const [lang, text] of Object.entries(REASON_CATALOG[code])) {
    out[lang] = text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = vars[name];
      if (value === undefined) return whole;
      if (typeof value === 'object') return value[lang] ?? value.en ?? Object.values(value)[0] ?? '';
      return String(value);
    });
  }
  return out;
}
