/** The plain words (Korean and English) for the reasons that decide() adds itself; rule reasons use the policy's. */
import type { CodecErrorCode } from '@greenlight/codec';
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

/**
 * Plainer words for the codec failures staff meet most, by the failed step's error code (`@greenlight/codec`
 * errors.ts), so that the scanner, the wallet and the CLI say the same thing. A code not listed here reads as
 * `TECHNICAL_FAILED`. The words never name the code: a person reads them.
 */
export const TECHNICAL_CATALOG: Partial<Record<CodecErrorCode, Words>> = {
  ERR_PRESENTATION_STALE: {
    en: 'Looks like a screenshot: the QR of a live phone pass keeps changing, and this one is old. Ask to see the pass app itself.',
    ko: '화면 캡처로 보입니다. 휴대전화 방역패스의 QR은 계속 바뀌는데 이 QR은 지난 것입니다. 앱 화면을 직접 보여 달라고 하세요.',
  },
  ERR_PRESENTATION_PROOF: {
    en: 'This pass was not shown from the phone it is registered to.',
    ko: '이 방역패스가 등록된 휴대전화에서 보여 준 것이 아닙니다.',
  },
  ERR_PRESENTATION_BINDING_MISMATCH: {
    en: 'This pass was not shown from the phone it is registered to.',
    ko: '이 방역패스가 등록된 휴대전화에서 보여 준 것이 아닙니다.',
  },
  ERR_PRESENTATION_BINDING_EXPIRED: {
    en: "The phone's registration of this pass has run out: the holder should open the pass app online once.",
    ko: '이 휴대전화의 방역패스 등록 기간이 끝났습니다. 인터넷에 연결된 상태에서 앱을 한 번 열어야 합니다.',
  },
  ERR_CWT_EXPIRED: {
    en: 'The certificate has expired.',
    ko: '증명서의 유효기간이 지났습니다.',
  },
  ERR_SHC_EXPIRED: {
    en: 'The certificate has expired.',
    ko: '증명서의 유효기간이 지났습니다.',
  },
  ERR_CWT_NOT_YET_VALID: {
    en: 'The certificate is not valid yet.',
    ko: '아직 유효하지 않은 증명서입니다.',
  },
  ERR_SHC_NOT_YET_VALID: {
    en: 'The certificate is not valid yet.',
    ko: '아직 유효하지 않은 증명서입니다.',
  },
  ERR_TRUST_UNKNOWN_KID: {
    en: 'The certificate is not from an issuer this device trusts.',
    ko: '이 기기가 신뢰하는 발급 기관의 증명서가 아닙니다.',
  },
  ERR_SHC_ISSUER_UNKNOWN: {
    en: 'The certificate is not from an issuer this device trusts.',
    ko: '이 기기가 신뢰하는 발급 기관의 증명서가 아닙니다.',
  },
  ERR_SHC_KEY_UNKNOWN: {
    en: 'The certificate is not from an issuer this device trusts.',
    ko: '이 기기가 신뢰하는 발급 기관의 증명서가 아닙니다.',
  },
  ERR_COSE_SIGNATURE: {
    en: "The issuer's signature does not match: the certificate is forged or was altered.",
    ko: '발급 기관의 서명이 맞지 않습니다. 위조되었거나 내용이 바뀐 증명서입니다.',
  },
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: {
    en: "The issuer's signature does not match: the certificate is forged or was altered.",
    ko: '발급 기관의 서명이 맞지 않습니다. 위조되었거나 내용이 바뀐 증명서입니다.',
  },
  ERR_X509_EXPIRED: {
    en: "The issuer's signing certificate is not valid now.",
    ko: '발급 기관의 서명용 인증서가 지금은 유효하지 않습니다.',
  },
  ERR_X509_KEY_USAGE: {
    en: 'The issuer may not sign this kind of certificate.',
    ko: '발급 기관이 이 종류의 증명서에 서명할 수 없습니다.',
  },
};

/**
 * The words for a failed technical step: the catalog's own for its codec error code when it has them, else the
 * generic `TECHNICAL_FAILED` words. `errorCode` is the step's `ERR_…` code, or undefined.
 */
export function technicalWords(errorCode: string | undefined): Words {
  const own = errorCode === undefined ? undefined : TECHNICAL_CATALOG[errorCode as CodecErrorCode];
  return own ? { ...own } : reasonWords('TECHNICAL_FAILED');
}

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
