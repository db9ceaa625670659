/** Base45 (RFC 9285): the QR-alphanumeric-friendly encoding that carries HC1 payloads. */
import { GreenlightError } from '../errors.ts';

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

function invalidCharacter(index: number): GreenlightError {
  return new GreenlightError('encoding', 'ERR_BASE45_CHARACTER', `invalid base45 character at ${index}`, {
    details: { index },
  });
}

export function base45Decode(text: string): Uint8Array {
  const length = text.length;
  if (length % 3 === 1) {
    throw new GreenlightError(
      'encoding',
      'ERR_BASE45_LENGTH',
      `base45 text of length ${length} is impossible`,
    );
  }
  const out = new Uint8Array(Math.floor(length / 3) * 2 + (length % 3 === 2 ? 1 : 0));
  let o = 0;
  let i = 0;
  // A hot path of every verification: plain index arithmetic, one table look-up per character.
  for (; i + 2 < length; i += 3) {
    const ca = text.charCodeAt(i);
    const cb = text.charCodeAt(i + 1);
    const cc = text.charCodeAt(i + 2);
    const a = VALUES[ca & 0x7f]!;
    const b = VALUES[cb & 0x7f]!;
    const c = VALUES[cc & 0x7f]!;
    if ((a | b | c) < 0 || (ca | cb | cc) > 0x7f) {
      const bad = [i, i + 1, i + 2].find(
        (k) => text.charCodeAt(k) > 0x7f || VALUES[text.charCodeAt(k)]! < 0,
      )!;
      throw invalidCharacter(bad);
    }
    const n = a + b * 45 + c * 2025;
    if (n > 0xffff)
      throw new GreenlightError('encoding', 'ERR_BASE45_OVERFLOW', `base45 triple at ${i} exceeds 65535`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < length) {
    const a = text.charCodeAt(i) > 0x7f ? -1 : VALUES[text.charCodeAt(i)]!;
    if (a < 0) throw invalidCharacter(i);
    const b = text.charCodeAt(i + 1) > 0x7f ? -1 : VALUES[text.charCodeAt(i + 1)]!;
    if (b < 0) throw invalidCharacter(i + 1);
    const n = a + b * 45;
    if (n > 0xff)
      throw new GreenlightError('encoding', 'ERR_BASE45_OVERFLOW', `base45 pair at ${i} exceeds 255`);
    out[o++] = n;
  }
  return out;
}
