/** COSE_Sign1 (RFC 9052) for ES256 and PS256: parse, verify and sign, tagged (18) or untagged. */
import { cborDecode, cborEncode, Tag } from '../cbor/cbor.ts';
import { exactBytes } from '../encoding/bytes.ts';
import { type CoseErrorCode, GreenlightError } from '../errors.ts';

export const COSE_ALG = { ES256: -7, PS256: -37 } as const;
export type CoseAlg = keyof typeof COSE_ALG;

const HEADER_ALG = 1;
const HEADER_KID = 4;
const TAG_COSE_SIGN1 = 18;
const TAG_CWT = 61;

export interface CoseSign1 {
  protectedBytes: Uint8Array;
  protectedHeader: Map<unknown, unknown>;
  unprotectedHeader: Map<unknown, unknown>;
  payload: Uint8Array;
  signature: Uint8Array;
  /** alg from the protected header, else the unprotected one (some issuers put it there). */
  alg: number | undefined;
  /** kid from the protected header, else the unprotected one (HCERT: MUST prefer protected). */
  kid: Uint8Array | undefined;
}

const coseError = (code: CoseErrorCode, message: string, cause?: unknown) =>
  new GreenlightError('cose', code, message, cause === undefined ? undefined : { cause });

function asBytes(v: unknown): Uint8Array | undefined {
  return v instanceof Uint8Array ? v : undefined;
}

/** A header parameter from the protected header, else from the unprotected one. */
function headerValue(
  protectedHeader: Map<unknown, unknown>,
  unprotected: Map<unknown, unknown>,
  label: number,
) {
  return protectedHeader.has(label) ? protectedHeader.get(label) : unprotected.get(label);
}

export function parseCoseSign1(bytes: Uint8Array): CoseSign1 {
  let value = cborDecode(bytes);
  // Accept 0, 1 or 2 leading tags: untagged (some issuers), 18, and CWT 61 wrapping 18.
  for (let i = 0; i < 2 && value instanceof Tag; i++) {
    if (value.tag !== TAG_COSE_SIGN1 && value.tag !== TAG_CWT) {
      throw coseError('ERR_COSE_TAG', `unexpected CBOR tag ${value.tag} (expected 18 COSE_Sign1)`);
    }
    value = value.value;
  }
  if (!Array.isArray(value) || value.length !== 4) {
    throw coseError('ERR_COSE_STRUCTURE', 'COSE_Sign1 must be an array of 4 items');
  }
  const [p, u, payload, signature] = value as unknown[];
  const protectedBytes = asBytes(p);
  const payloadBytes = asBytes(payload);
  const signatureBytes = asBytes(signature);
  if (!protectedBytes || !payloadBytes || !signatureBytes || !(u instanceof Map)) {
    throw coseError('ERR_COSE_STRUCTURE', 'COSE_Sign1 items have the wrong types');
  }
  let protectedHeader: Map<unknown, unknown> = new Map();
  if (protectedBytes.length > 0) {
    const decoded = cborDecode(protectedBytes);
    if (!(decoded instanceof Map)) throw coseError('ERR_COSE_STRUCTURE', 'protected header is not a map');
    protectedHeader = decoded;
  }
  const alg = headerValue(protectedHeader, u, HEADER_ALG);
  return {
    protectedBytes,
    protectedHeader,
    unprotectedHeader: u,
    payload: payloadBytes,
    signature: signatureBytes,
    alg: typeof alg === 'number' ? alg : undefined,
    kid: asBytes(headerValue(protectedHeader, u, HEADER_KID)),
  };
}

const SIGNATURE1 = new TextEncoder().encode('Signature1');

/** CBOR head of a byte string of `length` bytes (major type 2). */
function bstrHead(length: number): number[] {
  if (length < 24) return [0x40 | length];
  if (length < 0x100) return [0x58, length];
  if (length < 0x10000) return [0x59, length >> 8, length & 0xff];
  return [0x5a, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff];
}

/**
 * `["Signature1", protected, h'', payload]` in deterministic CBOR, written by hand into one exact buffer:
 * the verifier builds it for every certificate, and a general encoder costs several microseconds more.
 */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const protectedHead = bstrHead(protectedBytes.length);
  const payloadHead = bstrHead(payload.length);
  const out = new Uint8Array(
    2 +
      SIGNATURE1.length +
      protectedHead.length +
      protectedBytes.length +
      1 +
      payloadHead.length +
      payload.length,
  );
  let at = 0;
  out[at++] = 0x84; // array(4)
  out[at++] = 0x60 | SIGNATURE1.length; // text(10)
  out.set(SIGNATURE1, at);
  at += SIGNATURE1.length;
  out.set(protectedHead, at);
  at += protectedHead.length;
  out.set(protectedBytes, at);
  at += protectedBytes.length;
  out[at++] = 0x40; // external_aad: empty byte string
  out.set(payloadHead, at);
  at += payloadHead.length;
  out.set(payload, at);
  return out;
}

function webCryptoParams(alg: number, key: CryptoKey): EcdsaParams | RsaPssParams {
  if (alg === COSE_ALG.ES256) {
    if (key.algorithm.name !== 'ECDSA') throw coseError('ERR_COSE_KEY_MISMATCH', 'ES256 needs an EC key');
    return { name: 'ECDSA', hash: 'SHA-256' };
  }
  if (alg === COSE_ALG.PS256) {
    if (key.algorithm.name !== 'RSA-PSS') throw coseError('ERR_COSE_KEY_MISMATCH', 'PS256 needs an RSA key');
    return { name: 'RSA-PSS', saltLength: 32 };
  }
  throw coseError('ERR_COSE_ALG_UNSUPPORTED', `COSE algorithm ${alg} is not supported (ES256, PS256)`);
}

/**
 * Verifies the signature with one key; resolves false for a wrong signature, rejects for unusable inputs. Not an
 * `async` function, so that WebCrypto's promise is returned as it is, without another one around it.
 */
export function verifyCoseSign1(sign1: CoseSign1, key: CryptoKey): Promise<boolean> {
  try {
    if (sign1.alg === undefined) throw coseError('ERR_COSE_ALG_MISSING', 'COSE header has no alg');
    const params = webCryptoParams(sign1.alg, key);
    if (params.name === 'ECDSA') {
      const curve = (key.algorithm as EcKeyAlgorithm).namedCurve;
      const size = curve === 'P-384' ? 96 : curve === 'P-521' ? 132 : 64;
      if (sign1.signature.length !== size) return Promise.resolve(false);
    }
    return crypto.subtle.verify(
      params,
      key,
      exactBytes(sign1.signature),
      sigStructure(sign1.protectedBytes, sign1.payload),
    );
  } catch (error) {
    return Promise.reject(error);
  }
}

export interface CoseSigner {
  kid: Uint8Array;
  alg: CoseAlg;
  privateKey: CryptoKey;
}

/** Signs `payload` as a tagged COSE_Sign1 with alg and kid in the protected header. */
export async function signCoseSign1(payload: Uint8Array, signer: CoseSigner): Promise<Uint8Array> {
  const alg = COSE_ALG[signer.alg];
  const protectedBytes = cborEncode(
    new Map<number, unknown>([
      [HEADER_ALG, alg],
      [HEADER_KID, signer.kid],
    ]),
  );
  const signature = new Uint8Array(
    await crypto.subtle.sign(
      webCryptoParams(alg, signer.privateKey),
      signer.privateKey,
      sigStructure(protectedBytes, payload),
    ),
  );
  return cborEncode(new Tag([protectedBytes, new Map(), payload, signature], TAG_COSE_SIGN1));
}
