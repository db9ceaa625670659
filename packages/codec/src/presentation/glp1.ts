/**
 * The presentation QR (`GLP1:`, docs/presentation.md): a DCC plus a proof, by a device key the authority bound to
 * that certificate, over the current 15-second slot. A screenshot goes stale within a slot or two.
 */
import { cborDecode, cborEncode } from '../cbor/cbor.ts';
import { zlibDeflate, zlibInflate } from '../compression/zlib.ts';
import { type CoseSigner, parseCoseSign1, signCoseSign1, verifyCoseSign1 } from '../cose/sign1.ts';
import { unprefixHc1, type VerifyHc1Options, verifyHcertCose } from '../dcc/hc1.ts';
import type { DscTrustList } from '../dcc/trust-list.ts';
import { base45Decode, base45Encode } from '../encoding/base45.ts';
import { bytesToBase64url } from '../encoding/base64url.ts';
import { bytesEqual } from '../encoding/bytes.ts';
import { GreenlightError, type PresentationErrorCode } from '../errors.ts';
import { failedStep, type VerificationReport, type VerificationStep } from '../report.ts';

export const PRESENTATION_PREFIX = 'GLP1:';
export const SLOT_SECONDS = 15;
const PROOF_CONTEXT = 'GLP1-proof';

const presentationError = (code: PresentationErrorCode, message: string, cause?: unknown) =>
  new GreenlightError('presentation', code, message, cause === undefined ? undefined : { cause });

/** The 15-second slot that contains `date`. */
export function slotAt(date: Date): number {
  return Math.floor(date.getTime() / 1000 / SLOT_SECONDS);
}

/** Which certificate a binding is for: the first 16 bytes of SHA-256 of its COSE_Sign1 bytes. */
export async function certificateHash(coseBytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(coseBytes))).slice(0, 16);
}

/** The device's public key as an uncompressed SEC1 point (65 bytes): what the binding carries. */
export async function exportDevicePublicKey(publicKey: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey('raw', publicKey));
}

/** A new device key pair whose private half cannot leave WebCrypto (IndexedDB can still store the CryptoKey). */
export function generateDeviceKey(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
}

/** The COSE bytes inside an `HC1:` text, which the binding and the presentation carry. */
export function hc1CoseBytes(hc1: string): Uint8Array {
  return zlibInflate(base45Decode(unprefixHc1(hc1)));
}

export interface DeviceBindingInput {
  /** The certificate's COSE_Sign1 bytes (see `hc1CoseBytes`). */
  coseBytes: Uint8Array;
  /** Uncompressed P-256 point, 65 bytes (see `exportDevicePublicKey`). */
  devicePublicKey: Uint8Array;
  issuedAt: Date;
  /** At most the certificate's own expiry. */
  expiresAt: Date;
}

/** The authority's device binding: a COSE_Sign1 by a DSC over `{1: ch, 2: dk, 3: iat, 4: exp}`. */
export async function signDeviceBinding(input: DeviceBindingInput, signer: CoseSigner): Promise<Uint8Array> {
  if (input.devicePublicKey.length !== 65 || input.devicePublicKey[0] !== 0x04) {
    throw presentationError(
      'ERR_PRESENTATION_DEVICE_KEY',
      'the device key is not an uncompressed P-256 point',
    );
  }
  const payload = cborEncode(
    new Map<number, unknown>([
      [1, await certificateHash(input.coseBytes)],
      [2, input.devicePublicKey],
      [3, Math.floor(input.issuedAt.getTime() / 1000)],
      [4, Math.floor(input.expiresAt.getTime() / 1000)],
    ]),
  );
  return signCoseSign1(payload, signer);
}

function proofInput(slot: number, token: Uint8Array | undefined, ch: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(cborEncode([PROOF_CONTEXT, slot, token ?? new Uint8Array(0), ch]));
}

export interface PresentationInput {
  /** The holder's certificate, as `HC1:` text or its COSE bytes. */
  certificate: string | Uint8Array;
  /** The authority's binding for this certificate and device (`signDeviceBinding`). */
  binding: Uint8Array;
  /** The device's private key (non-extractable). */
  deviceKey: CryptoKey;
  /** The wallet's clock. */
  now: Date;
  /** Today's 16-byte check-in token, when the wallet has one. */
  token?: Uint8Array;
}

/** The `GLP1:` text for the QR code, computed offline. */
export async function createPresentation(input: PresentationInput): Promise<string> {
  const cred = typeof input.certificate === 'string' ? hc1CoseBytes(input.certificate) : input.certificate;
  if (input.token !== undefined && input.token.length !== 16) {
    throw presentationError('ERR_PRESENTATION_FORMAT', 'a check-in token is 16 bytes');
  }
  const slot = slotAt(input.now);
  const ch = await certificateHash(cred);
  const sig = new Uint8Array(
    await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      input.deviceKey,
      proofInput(slot, input.token, ch),
    ),
  );
  const fields = new Map<number, unknown>([
    [1, 1],
    [2, cred],
    [3, input.binding],
    [4, slot],
  ]);
  if (input.token) fields.set(5, input.token);
  fields.set(6, sig);
  return PRESENTATION_PREFIX + base45Encode(zlibDeflate(cborEncode(fields)));
}

export interface DecodedPresentation {
  cred: Uint8Array;
  binding: Uint8Array;
  slot: number;
  token?: Uint8Array;
  sig: Uint8Array;
}

const bytesField = (m: Map<unknown, unknown>, key: number, length?: number): Uint8Array | undefined => {
  const v = m.get(key);
  if (!(v instanceof Uint8Array) || (length !== undefined && v.length !== length)) return undefined;
  return v;
};

/** Prefix, base45, zlib and the CBOR map's shape; no trust decision. Throws GreenlightError. */
export function decodePresentation(text: string): DecodedPresentation {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PRESENTATION_PREFIX)) {
    throw presentationError('ERR_PRESENTATION_PREFIX', 'text does not start with GLP1:');
  }
  const value = cborDecode(zlibInflate(base45Decode(trimmed.slice(PRESENTATION_PREFIX.length))));
  if (!(value instanceof Map) || value.get(1) !== 1) {
    throw presentationError('ERR_PRESENTATION_FORMAT', 'not a version 1 presentation map');
  }
  const cred = bytesField(value, 2);
  const binding = bytesField(value, 3);
  const slot = value.get(4);
  const token = value.has(5) ? bytesField(value, 5, 16) : undefined;
  const sig = bytesField(value, 6, 64);
  if (!cred || !binding || typeof slot !== 'number' || !Number.isSafeInteger(slot) || slot < 0 || !sig) {
    throw presentationError(
      'ERR_PRESENTATION_FORMAT',
      'the presentation map lacks a field or has a wrong type',
    );
  }
  if (value.has(5) && !token)
    throw presentationError('ERR_PRESENTATION_FORMAT', 'the check-in token is not 16 bytes');
  return { cred, binding, slot, sig, ...(token ? { token } : {}) };
}

export interface VerifyPresentationOptions extends VerifyHc1Options {
  /** Slots of difference accepted either way (default 1: the current slot ±1). */
  slotTolerance?: number;
}

/** Checks the binding's signature (by a trusted DSC) and that it binds this certificate, now. Returns dk. */
async function checkBinding(
  bindingBytes: Uint8Array,
  cred: Uint8Array,
  trust: DscTrustList,
  now: Date,
): Promise<{ ch: Uint8Array; devicePublicKey: Uint8Array }> {
  let binding: ReturnType<typeof parseCoseSign1>;
  try {
    binding = parseCoseSign1(bindingBytes);
  } catch (cause) {
    throw presentationError('ERR_PRESENTATION_BINDING', 'the device binding is not a COSE_Sign1', cause);
  }
  let signed = false;
  for (const dsc of binding.kid ? trust.candidates(binding.kid) : []) {
    if (await verifyCoseSign1(binding, dsc.publicKey).catch(() => false)) {
      signed = dsc.notBefore <= now && now <= dsc.notAfter;
      if (signed) break;
    }
  }
  if (!signed) {
    throw presentationError(
      'ERR_PRESENTATION_BINDING',
      'the device binding is not signed by a trusted, valid DSC',
    );
  }
  const claims = cborDecode(binding.payload);
  const ch = claims instanceof Map ? bytesField(claims, 1, 16) : undefined;
  const devicePublicKey = claims instanceof Map ? bytesField(claims, 2, 65) : undefined;
  const iat = claims instanceof Map ? claims.get(3) : undefined;
  const exp = claims instanceof Map ? claims.get(4) : undefined;
  if (!ch || !devicePublicKey || typeof iat !== 'number' || typeof exp !== 'number') {
    throw presentationError('ERR_PRESENTATION_BINDING', 'the device binding payload lacks a field');
  }
  if (!bytesEqual(ch, await certificateHash(cred))) {
    throw presentationError(
      'ERR_PRESENTATION_BINDING_MISMATCH',
      'the device binding is for another certificate',
    );
  }
  const seconds = now.getTime() / 1000;
  if (seconds < iat || seconds > exp) {
    throw presentationError('ERR_PRESENTATION_BINDING_EXPIRED', 'the device binding is not valid now');
  }
  return { ch, devicePublicKey };
}

/**
 * Verifies a `GLP1:` text offline: the certificate as an HC1 (every HC1 step), then `BINDING`, `SLOT` and
 * `PROOF`. Never throws for bad input.
 */
export async function verifyPresentation(
  text: string,
  trust: DscTrustList,
  options: VerifyPresentationOptions = {},
): Promise<VerificationReport> {
  const now = options.now ?? new Date();
  let decoded: DecodedPresentation;
  try {
    decoded = decodePresentation(text);
  } catch (error) {
    return {
      format: 'presentation',
      verdict: 'invalid',
      steps: [failedStep('PRESENTATION', error)],
      certificateType: 'unknown',
      times: { now: now.toISOString() },
    };
  }
  const steps: VerificationStep[] = [{ name: 'PRESENTATION', ok: true }];
  const report = await verifyHcertCose(decoded.cred, trust, { ...options, now }, steps);
  report.format = 'presentation';
  report.presentation = {
    slot: decoded.slot,
    ...(decoded.token ? { token: bytesToBase64url(decoded.token) } : {}),
  };

  let binding: { ch: Uint8Array; devicePublicKey: Uint8Array } | undefined;
  try {
    binding = await checkBinding(decoded.binding, decoded.cred, trust, now);
    steps.push({ name: 'BINDING', ok: true });
  } catch (error) {
    steps.push(failedStep('BINDING', error));
  }

  const tolerance = options.slotTolerance ?? 1;
  const current = slotAt(now);
  steps.push(
    Math.abs(decoded.slot - current) <= tolerance
      ? { name: 'SLOT', ok: true }
      : {
          name: 'SLOT',
          ok: false,
          code: 'ERR_PRESENTATION_STALE',
          message: `the code was drawn for slot ${decoded.slot}, ${decoded.slot - current} slot(s) from now`,
        },
  );

  if (!binding) {
    steps.push({ name: 'PROOF', ok: null, message: 'no valid device binding' });
  } else {
    let ok = false;
    try {
      const key = await crypto.subtle.importKey(
        'raw',
        new Uint8Array(binding.devicePublicKey),
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['verify'],
      );
      ok = await crypto.subtle.verify(
        { name: 'ECDSA', hash: 'SHA-256' },
        key,
        new Uint8Array(decoded.sig),
        proofInput(decoded.slot, decoded.token, binding.ch),
      );
    } catch {
      ok = false;
    }
    steps.push(
      ok
        ? { name: 'PROOF', ok: true }
        : {
            name: 'PROOF',
            ok: false,
            code: 'ERR_PRESENTATION_PROOF',
            message: 'the device signature does not verify with the bound key',
          },
    );
  }
  // The certificate's own verdict (from the HC1 steps) and all three presentation checks must hold.
  const presentationOk = steps.slice(-3).every((s) => s.ok === true);
  report.verdict = report.verdict === 'valid' && presentationOk ? 'valid' : 'invalid';
  return report;
}
