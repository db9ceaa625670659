/** Compact JWS (RFC 7515) as SMART Health Cards use it: ES256 only, raw-DEFLATE payload (`zip: DEF`). */
import { inflateSync } from 'fflate';
import { compactVerify, importJWK, type JWK } from 'jose';
import { base64urlToBytes } from '../encoding/base64url.ts';
import { GreenlightError } from '../errors.ts';

/** Zip-bomb guard: an SHC payload that fits a QR inflates to far less than this. */
export const MAX_INFLATED_BYTES = 1 << 20;

export interface ParsedJws {
  header: Record<string, unknown>;
  /** The signed payload bytes as carried (still deflated when `zip: DEF`). */
  rawPayload: Uint8Array;
  signature: Uint8Array;
}

// A JWS part that is not base64url is a JWS error: callers branch on ERR_JWS_BASE64URL, whatever the reason.
function decodeB64url(part: string, what: string): Uint8Array {
  try {
    return base64urlToBytes(part);
  } catch (cause) {
    throw new GreenlightError('jws', 'ERR_JWS_BASE64URL', `the JWS ${what} is not unpadded base64url`, {
      cause,
    });
  }
}

export function parseCompactJws(jws: string): ParsedJws {
  const parts = jws.split('.');
  if (parts.length !== 3)
    throw new GreenlightError('jws', 'ERR_JWS_FORMAT', `a compact JWS has 3 parts, this has ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(decodeB64url(h, 'header')));
  } catch (e) {
    if (e instanceof GreenlightError) throw e;
    throw new GreenlightError('jws', 'ERR_JWS_HEADER', 'the JWS header is not UTF-8 JSON', { cause: e });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new GreenlightError('jws', 'ERR_JWS_HEADER', 'the JWS header is not a JSON object');
  }
  const hdr = header as Record<string, unknown>;
  if (hdr.alg !== 'ES256')
    throw new GreenlightError('jws', 'ERR_JWS_ALG', `alg ${JSON.stringify(hdr.alg)} is not ES256`);
  if (typeof hdr.kid !== 'string' || hdr.kid === '')
    throw new GreenlightError('jws', 'ERR_JWS_KID', 'the JWS header has no kid');
  const signature = decodeB64url(s, 'signature');
  if (signature.length !== 64) {
    throw new GreenlightError(
      'jws',
      'ERR_JWS_SIGNATURE_FORMAT',
      `an ES256 signature is 64 raw bytes (r||s), this is ${signature.length} (DER is rejected)`,
    );
  }
  return { header: hdr, rawPayload: decodeB64url(p, 'payload'), signature };
}

// Inflating into a fixed buffer one byte past the cap stops a decompression bomb at the cap instead of after it.
let scratch: Uint8Array | undefined;

/** Raw DEFLATE (RFC 1951) inflate with a size cap. */
export function inflatePayload(raw: Uint8Array, max = MAX_INFLATED_BYTES): Uint8Array {
  let out: Uint8Array;
  try {
    if (max === MAX_INFLATED_BYTES) {
      scratch ??= new Uint8Array(MAX_INFLATED_BYTES + 1);
      out = inflateSync(raw, { out: scratch }).slice();
    } else {
      out = inflateSync(raw, { out: new Uint8Array(max + 1) });
    }
  } catch (e) {
    throw new GreenlightError('jws', 'ERR_JWS_INFLATE', 'the JWS payload is not valid raw DEFLATE', {
      cause: e,
    });
  }
  if (out.length > max)
    throw new GreenlightError(
      'jws',
      'ERR_JWS_PAYLOAD_TOO_LARGE',
      `the inflated payload exceeds ${max} bytes`,
    );
  return out;
}

/** Verify the ES256 signature of `jws` with a public JWK; throws ERR_JWS_SIGNATURE_VERIFICATION_FAILED. */
export async function verifyCompactJwsSignature(jws: string, jwk: JWK): Promise<void> {
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, 'ES256');
  } catch (e) {
    throw new GreenlightError('jws', 'ERR_JWS_KEY', 'the issuer key is not a usable P-256 public key', {
      cause: e,
    });
  }
  try {
    await compactVerify(jws, key, { algorithms: ['ES256'] });
  } catch (e) {
    throw new GreenlightError(
      'jws',
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      'the JWS signature does not verify with the issuer key',
      { cause: e },
    );
  }
}
