/** Base64url without padding (RFC 4648 §5, as RFC 7515 §2 uses it): the one encoder and strict decoder. */
import { GreenlightError } from '../errors.ts';

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** Bytes → unpadded base64url text (`-` and `_`, no `=`). */
export function bytesToBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Unpadded base64url text → bytes. Strict, because a credential field has one spelling: throws a GreenlightError
 * (family `encoding`) with `ERR_BASE64URL_PADDING` for a trailing `=`, `ERR_BASE64URL_CHARACTER` for anything
 * outside `A-Z a-z 0-9 - _` (whitespace and the `+` `/` of plain base64 included), and `ERR_BASE64URL_LENGTH` for
 * a length that no byte string encodes to (length mod 4 = 1).
 */
export function base64urlToBytes(text: string): Uint8Array {
  if (!ALPHABET.test(text)) {
    const padded = /^[A-Za-z0-9_-]*=+$/.test(text);
    throw new GreenlightError(
      'encoding',
      padded ? 'ERR_BASE64URL_PADDING' : 'ERR_BASE64URL_CHARACTER',
      padded ? 'base64url text carries padding' : 'base64url text has a character outside its alphabet',
    );
  }
  if (text.length % 4 === 1) {
    throw new GreenlightError(
      'encoding',
      'ERR_BASE64URL_LENGTH',
      `base64url text of length ${text.length} is impossible`,
    );
  }
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
