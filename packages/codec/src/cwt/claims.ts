/** CWT claims (RFC 8392) as HCERT uses them: 1 iss, 4 exp, 6 iat, -260 → 1 → the HCERT payload. */
import { cborDecode, cborToJson } from '../cbor/cbor.ts';
import { type CwtErrorCode, GreenlightError } from '../errors.ts';

export interface HcertClaims {
  issuer: string | undefined;
  issuedAt: Date | undefined;
  expiresAt: Date | undefined;
  /** The HCERT as JSON (maps to objects). */
  hcert: Record<string, unknown>;
}

const cwtError = (code: CwtErrorCode, message: string) => new GreenlightError('cwt', code, message);

function epoch(value: unknown, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const seconds = value instanceof Date ? value.getTime() / 1000 : Number(value);
  if (typeof value !== 'number' && typeof value !== 'bigint' && !(value instanceof Date)) {
    throw cwtError('ERR_CWT_CLAIM_TYPE', `claim ${name} is not a NumericDate`);
  }
  const date = new Date(seconds * 1000);
  // Also refuses values outside the Date range, which would otherwise break every later time comparison.
  if (Number.isNaN(date.getTime()))
    throw cwtError('ERR_CWT_CLAIM_TYPE', `claim ${name} is not a NumericDate`);
  return date;
}

export function parseHcertClaims(payload: Uint8Array): HcertClaims {
  const claims = cborDecode(payload);
  if (!(claims instanceof Map)) throw cwtError('ERR_CWT_NOT_A_MAP', 'CWT payload is not a CBOR map');
  const hcertContainer = claims.get(-260);
  if (!(hcertContainer instanceof Map)) throw cwtError('ERR_CWT_NO_HCERT', 'CWT has no hcert claim (-260)');
  const hcert = cborToJson(hcertContainer.get(1));
  if (hcert === null || typeof hcert !== 'object' || Array.isArray(hcert)) {
    throw cwtError('ERR_CWT_NO_HCERT', 'hcert claim -260 has no EU DCC (key 1) map');
  }
  const iss = claims.get(1);
  return {
    issuer: typeof iss === 'string' ? iss : undefined,
    issuedAt: epoch(claims.get(6), 'iat'),
    expiresAt: epoch(claims.get(4), 'exp'),
    hcert: hcert as Record<string, unknown>,
  };
}
