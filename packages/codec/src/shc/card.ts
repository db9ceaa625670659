/** SMART Health Cards: every form a person brings, reduced to compact JWS, and the offline verifier's report. */
import { zlibInflate } from '../compression/zlib.ts';
import { GreenlightError, isGreenlightError } from '../errors.ts';
import { inflatePayload, type ParsedJws, parseCompactJws } from '../jws/compact.ts';
import type { QrSymbol } from '../qr/zxing.ts';
import { failedStep, type VerificationReport, type VerificationStep } from '../report.ts';
import { checkFhirBundle, type Problem } from './fhir.ts';
import { parseShcQrText, shcQrToJws } from './numeric.ts';
import { checkIssuerKey, revocationStatus, type ShcJwk, type ShcTrustStore } from './trust.ts';
import { checkX5c } from './x5c.ts';

export const HEALTH_CARD_TYPE = 'https://smarthealth.cards#health-card';
/** The spec's limits: a JWS of at most 1195 characters fits one version-22 QR; a chunk at most 1191. */
export const MAX_SINGLE_QR_JWS = 1195;
/** The spec's limit for one chunk of a chunked (deprecated) card, in JWS characters. */
export const MAX_QR_CHUNK_JWS = 1191;
/** The largest QR version the spec allows (105×105 modules, 40 mm at print). */
export const MAX_QR_VERSION = 22;

export type ShcForm = 'qr-text' | 'jws' | 'file' | 'fhir-parameters';

export interface ExtractedShc {
  form: ShcForm;
  /** One compact JWS per card. */
  jws: string[];
  /** Near-misses in the container: reported, not fatal. */
  warnings: Problem[];
}

const JWS_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `shc:/` lines: unchunked ones are cards of their own; chunked ones are grouped by their chunk count. */
function fromQrLines(lines: string[], warnings: Problem[]): string[] {
  const single: string[] = [];
  const groups = new Map<number, string[]>();
  for (const line of lines) {
    const chunk = parseShcQrText(line);
    if (chunk.index === 0) single.push(line);
    else groups.set(chunk.total, [...(groups.get(chunk.total) ?? []), line]);
  }
  const out = single.map((line) => shcQrToJws([line]).jws);
  for (const jws of out) {
    if (jws.length > MAX_SINGLE_QR_JWS)
      warnings.push({
        code: 'WARN_SHC_QR_TOO_LARGE',
        message: `a ${jws.length}-character JWS is over the ${MAX_SINGLE_QR_JWS} that one QR may carry`,
      });
  }
  for (const group of groups.values()) {
    for (const line of group) {
      const { index, total, digits } = parseShcQrText(line);
      if (digits.length / 2 > MAX_QR_CHUNK_JWS)
        warnings.push({
          code: 'WARN_SHC_CHUNK_TOO_LARGE',
          message: `chunk ${index}/${total} carries ${digits.length / 2} JWS characters, over the ${MAX_QR_CHUNK_JWS} a chunk may`,
        });
    }
    out.push(shcQrToJws(group).jws);
    warnings.push({
      code: 'WARN_SHC_CHUNKED',
      message: `the card comes in ${group.length} chunked QR codes, a form deprecated since December 2022`,
    });
  }
  return out;
}

function jwsFromJsonArray(list: unknown, what: string): string[] {
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string')) {
    throw new GreenlightError('shc', 'ERR_SHC_INPUT', `${what} is not a non-empty array of JWS strings`);
  }
  return list as string[];
}

/**
 * Reduces what a person brings to compact JWS strings: `shc:/` QR text (one line per QR; chunks in any order),
 * a compact JWS, a `.smart-health-card` file, or a FHIR `$health-cards-issue` Parameters response. Throws
 * ERR_SHC_INPUT (or a numeric/chunk code) when the text is none of them.
 */
export function extractShcJws(text: string): ExtractedShc {
  const warnings: Problem[] = [];
  // String.prototype.trim also strips U+FEFF, so the byte-order mark is looked for first.
  if (text.charCodeAt(0) === 0xfeff) {
    warnings.push({ code: 'WARN_SHC_BOM', message: 'the card text starts with a byte-order mark (U+FEFF)' });
    text = text.slice(1);
  }
  const trimmed = text.trim();
  if (trimmed !== text && trimmed.length > 0 && !trimmed.startsWith('{')) {
    warnings.push({ code: 'WARN_SHC_WHITESPACE', message: 'the card text has whitespace around it' });
  }
  if (/^shc:\//i.test(trimmed)) {
    const lines = trimmed
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    return { form: 'qr-text', jws: fromQrLines(lines, warnings), warnings };
  }
  if (JWS_RE.test(trimmed)) return { form: 'jws', jws: [trimmed], warnings };
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (cause) {
      throw new GreenlightError('shc', 'ERR_SHC_INPUT', 'the card file is not JSON', { cause });
    }
    if (isObject(json) && 'verifiableCredential' in json) {
      return {
        form: 'file',
        jws: jwsFromJsonArray(json.verifiableCredential, 'verifiableCredential'),
        warnings,
      };
    }
    if (isObject(json) && json.resourceType === 'Parameters' && Array.isArray(json.parameter)) {
      const values = json.parameter
        .filter((p) => isObject(p) && p.name === 'verifiableCredential')
        .map((p) => (p as Record<string, unknown>).valueString);
      return {
        form: 'fhir-parameters',
        jws: jwsFromJsonArray(values, 'the Parameters verifiableCredential values'),
        warnings,
      };
    }
    throw new GreenlightError(
      'shc',
      'ERR_SHC_INPUT',
      'the JSON is neither a .smart-health-card file nor a FHIR Parameters response',
    );
  }
  throw new GreenlightError('shc', 'ERR_SHC_INPUT', 'the text is not shc:/ QR text, a JWS or a card file');
}

/**
 * Near-misses of QR images that only the image shows (SMART Health Cards spec, "Health Cards as QR Codes" and
 * "Encoding QRs"): a version above 22 (`WARN_SHC_QR_VERSION`), and a first segment that is not a byte segment
 * holding exactly `shc:/` (plus the chunk header of a chunked card) before the numeric one (`WARN_SHC_QR_SEGMENTS`;
 * a single byte segment is the common case). A symbol whose segments could not be read gives no segment warning.
 */
export function shcQrSymbolWarnings(symbols: readonly QrSymbol[]): Problem[] {
  const warnings: Problem[] = [];
  symbols.forEach((symbol, i) => {
    const which = symbols.length > 1 ? `QR ${i + 1}` : 'the QR';
    if (symbol.version > MAX_QR_VERSION)
      warnings.push({
        code: 'WARN_SHC_QR_VERSION',
        message: `${which} is version ${symbol.version}, above the ${MAX_QR_VERSION} the spec allows`,
      });
    const segment = symbol.firstSegment;
    if (!segment) return;
    const prefix = /^shc:\/(?:\d+\/\d+\/)?/i.exec(symbol.text)?.[0].length ?? 5;
    if (segment.mode !== 'byte')
      warnings.push({
        code: 'WARN_SHC_QR_SEGMENTS',
        message: `${which} starts with a ${segment.mode} segment, not a byte segment holding shc:/`,
      });
    else if (segment.length !== undefined && segment.length !== prefix)
      warnings.push({
        code: 'WARN_SHC_QR_SEGMENTS',
        message:
          segment.length >= symbol.text.length
            ? `${which} is one byte segment; the spec wants shc:/ in a byte segment, then the digits in a numeric one`
            : `${which} has a ${segment.length}-byte first segment; the spec wants exactly the ${prefix}-byte shc:/ prefix`,
      });
  });
  return warnings;
}

export interface VerifyShcOptions {
  /** The verification time; defaults to the current time. */
  now?: Date;
  /** Seconds of clock difference tolerated before a future `nbf` is even mentioned (default 300). */
  clockSkewSeconds?: number;
  /**
   * A card whose `nbf` (its issuance time) is still in the future: `warn` (default) reports it and keeps the
   * verdict, `enforce` fails it. See the README for why the default is lenient.
   */
  futureNbf?: 'warn' | 'enforce';
  /** DER trust anchors for issuer keys with `x5c`; without them the chain is checked for consistency only. */
  x5cRoots?: readonly Uint8Array[];
  /**
   * A key that declares `crlVersion` but has no CRL in the trust store: `open` (default) reports the revocation
   * step as not run with WARN_SHC_CRL_MISSING; `fail` fails it with ERR_SHC_CRL_MISSING.
   */
  missingCrl?: 'open' | 'fail';
  /**
   * The QR symbols the text was read from (`readQrSymbols`), when it came from images: their version and segments
   * give the EXTRACT step's `shcQrSymbolWarnings`.
   */
  qrSymbols?: readonly QrSymbol[];
  /** Steps that the caller already ran (e.g. the extraction of a file), put first in the report. */
  leadingSteps?: VerificationStep[];
}

export interface ShcClaims {
  iss: string;
  nbf: number;
  exp?: number;
  vc: {
    type: string[];
    credentialSubject: { fhirVersion: string; fhirBundle: unknown };
    rid?: string;
  };
}

const RID_RE = /^[A-Za-z0-9_-]{1,24}$/;

function claimError(message: string): never {
  throw new GreenlightError('shc', 'ERR_SHC_CLAIMS', message);
}

/** The JWT claims of a card, checked against the spec's MUSTs (the clock is not consulted here). */
export function parseShcClaims(payload: unknown, warnings: Problem[] = []): ShcClaims {
  if (!isObject(payload)) claimError('the payload is not a JSON object');
  const { iss, nbf, exp, vc } = payload;
  if (typeof iss !== 'string') claimError('iss is missing');
  let url: URL | undefined;
  try {
    url = new URL(iss);
  } catch {
    claimError(`iss ${JSON.stringify(iss)} is not a URL`);
  }
  if (url?.protocol !== 'https:') claimError(`iss ${iss} is not an https URL`);
  if (iss.endsWith('/')) claimError(`iss ${iss} ends with "/"`);
  if (typeof nbf !== 'number' || !Number.isFinite(nbf) || nbf < 0) claimError('nbf is not a NumericDate');
  // Milliseconds where seconds belong: 1e11 seconds is the year 5138.
  if (nbf > 1e11) claimError(`nbf ${nbf} looks like milliseconds, not seconds`);
  if (exp !== undefined) {
    if (typeof exp !== 'number' || !Number.isFinite(exp) || exp > 1e11)
      claimError('exp is not a NumericDate');
    if (exp <= nbf) claimError('exp is not after nbf');
  }
  if (!isObject(vc)) claimError('vc is missing');
  if (!Array.isArray(vc.type) || !vc.type.includes(HEALTH_CARD_TYPE))
    claimError(`vc.type does not contain ${HEALTH_CARD_TYPE}`);
  const subject = vc.credentialSubject;
  if (!isObject(subject)) claimError('vc.credentialSubject is missing');
  if (typeof subject.fhirVersion !== 'string' || !/^\d+\.\d+\.\d+$/.test(subject.fhirVersion))
    claimError('vc.credentialSubject.fhirVersion is missing or not a version');
  if (!subject.fhirVersion.startsWith('4.'))
    warnings.push({ code: 'WARN_SHC_FHIR_VERSION', message: `fhirVersion ${subject.fhirVersion} is not R4` });
  if (!('fhirBundle' in subject)) claimError('vc.credentialSubject.fhirBundle is missing');
  if (vc.rid !== undefined && (typeof vc.rid !== 'string' || !RID_RE.test(vc.rid)))
    claimError('vc.rid is not up to 24 base64url characters');
  if ('iat' in payload || '@context' in vc)
    warnings.push({
      code: 'WARN_SHC_LEGACY_CLAIMS',
      message: 'the payload carries pre-2021 claims (iat or @context)',
    });
  return payload as unknown as ShcClaims;
}

interface UsableKey {
  error?: unknown;
  cryptoKey?: CryptoKey;
}

// A directory's keys are checked and imported once, not per card: the thumbprint and the import cost more
// than the signature check itself.
const usableKeys = new WeakMap<ShcJwk, Promise<UsableKey>>();

function usableKey(jwk: ShcJwk): Promise<UsableKey> {
  let entry = usableKeys.get(jwk);
  if (!entry) {
    entry = (async () => {
      try {
        await checkIssuerKey(jwk);
        const cryptoKey = await crypto.subtle.importKey(
          'jwk',
          { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
          { name: 'ECDSA', namedCurve: 'P-256' },
          false,
          ['verify'],
        );
        return { cryptoKey };
      } catch (error) {
        return {
          error: isGreenlightError(error)
            ? error
            : new GreenlightError('jws', 'ERR_JWS_KEY', 'the issuer key is not a usable P-256 public key', {
                cause: error,
              }),
        };
      }
    })();
    usableKeys.set(jwk, entry);
  }
  return entry;
}

/** ES256 over ASCII(header.payload) with the raw r||s signature that `parseCompactJws` already checked. */
async function verifyJwsSignature(jws: string, signature: Uint8Array, key: CryptoKey): Promise<void> {
  const signingInput = new TextEncoder().encode(jws.slice(0, jws.lastIndexOf('.')));
  const ok = await crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    new Uint8Array(signature),
    signingInput,
  );
  if (!ok)
    throw new GreenlightError(
      'jws',
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      'the JWS signature does not verify with the issuer key',
    );
}

function withWarnings(step: VerificationStep, warnings: Problem[]): VerificationStep {
  return warnings.length > 0 ? { ...step, warnings } : step;
}

/**
 * Raw DEFLATE only (SMART Health Cards spec, "Health Cards are Compact": "raw" DEFLATE, "omitting any zlib or gz
 * headers"; the validation SDK refuses a zlib stream too). A zlib-wrapped payload is named as such: ERR_SHC_ZLIB.
 */
function inflateShc(raw: Uint8Array): Uint8Array {
  // A zlib header is 0x78 then a byte that makes the pair a multiple of 31 (RFC 1950, 2.2).
  if (raw.length >= 2 && raw[0] === 0x78 && ((raw[0] << 8) | raw[1]!) % 31 === 0) {
    let wrapped = false;
    try {
      zlibInflate(raw);
      wrapped = true;
    } catch {
      // Not a zlib stream after all: let the raw inflate say what it is.
    }
    if (wrapped)
      throw new GreenlightError(
        'shc',
        'ERR_SHC_ZLIB',
        'the payload is zlib-wrapped; the spec requires raw DEFLATE without a zlib or gzip header',
      );
  }
  return inflatePayload(raw);
}

/**
 * Verifies one compact JWS fully offline. Never throws for bad input: each failure is a step of the report
 * (`JWS`, `INFLATE`, `PAYLOAD`, `ISSUER`, `KEY`, `X5C`, `VERIFY`, `TIME`, `REVOCATION`, `FHIR`).
 */
export async function verifyShc(
  jws: string,
  trust: ShcTrustStore,
  options: VerifyShcOptions = {},
): Promise<VerificationReport> {
  const now = options.now ?? new Date();
  const steps: VerificationStep[] = [...(options.leadingSteps ?? [])];
  const report: VerificationReport = {
    format: 'shc',
    verdict: 'invalid',
    steps,
    certificateType: 'unknown',
    times: { now: now.toISOString() },
  };
  const finish = () => {
    report.verdict = steps.every((s) => s.ok !== false) ? 'valid' : 'invalid';
    return report;
  };

  let parsed: ParsedJws;
  try {
    parsed = parseCompactJws(jws.trim());
    if (parsed.header.zip !== 'DEF')
      throw new GreenlightError(
        'shc',
        'ERR_SHC_ZIP',
        `the header's zip is ${JSON.stringify(parsed.header.zip)}, not "DEF"`,
      );
    steps.push({ name: 'JWS', ok: true });
  } catch (error) {
    steps.push(failedStep('JWS', error));
    return finish();
  }
  const kid = parsed.header.kid as string;

  const payloadWarnings: Problem[] = [];
  let claims: ShcClaims;
  try {
    const inflated = inflateShc(parsed.rawPayload);
    steps.push({ name: 'INFLATE', ok: true });
    let json: unknown;
    try {
      // ignoreBOM keeps a byte-order mark in the text, so that it is reported (a near-miss) rather than dropped.
      let payloadText = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(inflated);
      if (payloadText.charCodeAt(0) === 0xfeff) {
        payloadWarnings.push({
          code: 'WARN_SHC_BOM',
          message: 'the payload starts with a byte-order mark (U+FEFF)',
        });
        payloadText = payloadText.slice(1);
      }
      json = JSON.parse(payloadText);
    } catch (cause) {
      throw new GreenlightError('shc', 'ERR_SHC_PAYLOAD_JSON', 'the payload is not UTF-8 JSON', { cause });
    }
    report.payload = json;
    claims = parseShcClaims(json, payloadWarnings);
    steps.push(withWarnings({ name: 'PAYLOAD', ok: true }, payloadWarnings));
  } catch (error) {
    steps.push(failedStep(steps.at(-1)?.name === 'INFLATE' ? 'PAYLOAD' : 'INFLATE', error));
    return finish();
  }
  report.times.notBefore = new Date(claims.nbf * 1000).toISOString();
  if (claims.exp !== undefined) report.times.expiresAt = new Date(claims.exp * 1000).toISOString();
  report.signer = { kid, issuer: claims.iss };

  const fhir = checkFhirBundle(claims.vc.credentialSubject.fhirBundle);
  report.certificateType = fhir.certificateType;
  if (fhir.holder) report.holder = fhir.holder;
  report.summary = fhir.summary;

  const issuer = trust.issuer(claims.iss);
  let key: ShcJwk | undefined;
  let cryptoKey: CryptoKey | undefined;
  if (!issuer) {
    steps.push({
      name: 'ISSUER',
      ok: false,
      code: 'ERR_SHC_ISSUER_UNKNOWN',
      message: `the issuer ${claims.iss} is not in the trusted directory or JWKS files`,
    });
  } else {
    steps.push({ name: 'ISSUER', ok: true });
    if (issuer.name) report.signer.issuerName = issuer.name;
    key = issuer.keys.find((k) => k.kid === kid);
    if (!key) {
      steps.push({
        name: 'KEY',
        ok: false,
        code: 'ERR_SHC_KEY_UNKNOWN',
        message: `the issuer ${claims.iss} has no key ${kid}`,
      });
    } else {
      const usable = await usableKey(key);
      if (usable.cryptoKey) {
        cryptoKey = usable.cryptoKey;
        steps.push({ name: 'KEY', ok: true });
      } else {
        steps.push(failedStep('KEY', usable.error));
        key = undefined;
      }
    }
  }

  if (key?.x5c === undefined) {
    steps.push({ name: 'X5C', ok: null, message: key ? 'the key has no x5c' : 'no key' });
  } else {
    try {
      await checkX5c(key, claims.iss, now, options.x5cRoots);
      steps.push({ name: 'X5C', ok: true });
    } catch (error) {
      steps.push(failedStep('X5C', error));
    }
  }

  if (!cryptoKey) {
    steps.push({ name: 'VERIFY', ok: false, code: 'ERR_SHC_KEY_UNKNOWN', message: 'no usable issuer key' });
  } else {
    try {
      await verifyJwsSignature(jws.trim(), parsed.signature, cryptoKey);
      steps.push({ name: 'VERIFY', ok: true });
    } catch (error) {
      steps.push(failedStep('VERIFY', error));
    }
  }

  const nowSeconds = now.getTime() / 1000;
  const skew = options.clockSkewSeconds ?? 300;
  if (claims.exp !== undefined && nowSeconds > claims.exp) {
    steps.push({
      name: 'TIME',
      ok: false,
      code: 'ERR_SHC_EXPIRED',
      message: `the card expired at ${report.times.expiresAt}`,
    });
  } else if (claims.nbf > nowSeconds + skew) {
    const message = `the card's nbf (${report.times.notBefore}) is after the verification time`;
    steps.push(
      options.futureNbf === 'enforce'
        ? { name: 'TIME', ok: false, code: 'ERR_SHC_NOT_YET_VALID', message }
        : { name: 'TIME', ok: true, warnings: [{ code: 'WARN_SHC_NBF_FUTURE', message }] },
    );
  } else {
    steps.push({ name: 'TIME', ok: true });
  }

  if (!key) {
    steps.push({ name: 'REVOCATION', ok: null, message: 'no key' });
  } else {
    const status = revocationStatus(key, issuer?.crls ?? [], claims.vc.rid, claims.nbf);
    if (status.state === 'revoked') {
      steps.push({
        name: 'REVOCATION',
        ok: false,
        code: 'ERR_SHC_REVOKED',
        message: `rid ${claims.vc.rid} is revoked by CRL ${status.ctr} (entry ${status.entry})`,
      });
    } else if (status.state === 'unusable') {
      steps.push({ name: 'REVOCATION', ok: false, code: status.code, message: status.message });
    } else if (status.state === 'unknown') {
      steps.push(
        options.missingCrl === 'fail'
          ? {
              name: 'REVOCATION',
              ok: false,
              code: 'ERR_SHC_CRL_MISSING',
              message: `key ${kid} revokes cards (crlVersion ${key.crlVersion}) but no CRL for it was given`,
            }
          : {
              name: 'REVOCATION',
              ok: null,
              warnings: [
                {
                  code: 'WARN_SHC_CRL_MISSING',
                  message: `key ${kid} revokes cards (crlVersion ${key.crlVersion}) but no CRL for it was given: not checked`,
                },
              ],
            },
      );
    } else if (status.state === 'not-applicable') {
      steps.push({ name: 'REVOCATION', ok: null, message: 'the issuer key does not revoke' });
    } else {
      steps.push({ name: 'REVOCATION', ok: true });
    }
  }

  steps.push(
    fhir.errors.length > 0
      ? {
          name: 'FHIR',
          ok: false,
          code: fhir.errors[0]?.code ?? 'ERR_SHC_FHIR_BUNDLE',
          message: fhir.errors.map((e) => e.message).join('; '),
          ...(fhir.warnings.length > 0 ? { warnings: fhir.warnings } : {}),
        }
      : withWarnings({ name: 'FHIR', ok: true }, fhir.warnings),
  );
  return finish();
}

/**
 * Verifies every card in `text` (any form of `extractShcJws`). A text that holds no card gives one report whose
 * `EXTRACT` step failed.
 */
export async function verifyShcText(
  text: string,
  trust: ShcTrustStore,
  options: VerifyShcOptions = {},
): Promise<VerificationReport[]> {
  let extracted: ExtractedShc;
  try {
    extracted = extractShcJws(text);
  } catch (error) {
    const now = options.now ?? new Date();
    return [
      {
        format: 'shc',
        verdict: 'invalid',
        steps: [failedStep('EXTRACT', error)],
        certificateType: 'unknown',
        times: { now: now.toISOString() },
      },
    ];
  }
  const warnings = [...extracted.warnings, ...shcQrSymbolWarnings(options.qrSymbols ?? [])];
  const extract = withWarnings({ name: 'EXTRACT', ok: true, message: extracted.form }, warnings);
  return Promise.all(
    extracted.jws.map((jws) => verifyShc(jws, trust, { ...options, leadingSteps: [extract] })),
  );
}
