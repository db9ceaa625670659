/** Base45 (RFC 9285): the QR-alphanumeric-friendly encoding that carries HC1 payloads. */
import { GreenlightError } from '../errors';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
// Indexed by char code for the hot path; -1 marks characters outside the alphabet.
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i]! * 256 + bytes[i + 1]!;
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += ALPHABET[c]! + ALPHABET[d]! + ALPHABET[e]!;
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1]!;
    out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}

export function base45Decode(text: string): Uint8Array {
  if (text.length % 3 === 1) {
    throw new GreenlightError(
      'encoding',
      'ERR_BASE45_LENGTH',
      `base45 text of length ${text.length} is impossible`,
    );
  }
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  const value = (i: number): number => {
    const c = text.charCodeAt(i);
    const v = c < 128 ? VALUES[c]! : -1;
    if (v < 0) {
      throw new GreenlightError('encoding', 'ERR_BASE45_CHARACTER', `invalid base45 character at ${i}`, {
        details: { index: i },
      });
    }
    return v;
  };
  for (let i = 0; i < text.length; i += 3) {
    if (i + 2 < text.length) {
      const n = value(i) + value(i + 1) * 45 + value(i + 2) * 2025;
      if (n > 0xffff)
        throw new GreenlightError('encoding', 'ERR_BASE45_OVERFLOW', `base45 triple at ${i} exceeds 65535`);
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = value(i) + value(i + 1) * 45;
      if (n > 0xff)
        throw new GreenlightError('encoding', 'ERR_BASE45_OVERFLOW', `base45 pair at ${i} exceeds 255`);
      out[o++] = n;
    }
  }
  return out;
}
