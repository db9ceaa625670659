/** SMART Health Card numeric QR text (`shc:/…`): JWS <-> digit pairs, and reassembly of deprecated chunks. */
import { GreenlightError } from '../errors.ts';

const OFFSET = 45; // '-' is 45; pair 00 -> '-', pair 77 -> 'z'
const MAX_PAIR = 77;

/** Encode a compact JWS as `shc:/` numeric text (one QR, no chunk header). */
export function jwsToNumeric(jws: string): string {
  let digits = '';
  for (let i = 0; i < jws.length; i++) {
    const value = jws.charCodeAt(i) - OFFSET;
    if (value < 0 || value > MAX_PAIR) {
      throw new GreenlightError(
        'shc',
        'ERR_SHC_NUMERIC_CHARACTER',
        `character ${JSON.stringify(jws[i])} at ${i} cannot be encoded in shc:/ numeric text`,
        { details: { index: i } },
      );
    }
    digits += value < 10 ? `0${value}` : String(value);
  }
  return digits;
}

/** Decode the digit part (after `shc:/` and any chunk header) back to the JWS. */
export function numericToJws(digits: string): string {
  if (digits.length % 2 !== 0) {
    throw new GreenlightError(
      'shc',
      'ERR_SHC_NUMERIC_ODD',
      `shc numeric text has an odd number of digits (${digits.length})`,
    );
  }
  let out = '';
  for (let i = 0; i < digits.length; i += 2) {
    const a = digits.charCodeAt(i) - 48;
    const b = digits.charCodeAt(i + 1) - 48;
    if (a < 0 || a > 9 || b < 0 || b > 9) {
      throw new GreenlightError(
        'shc',
        'ERR_SHC_NUMERIC_DIGIT',
        `non-digit character at position ${i} of shc numeric text`,
        { details: { index: i } },
      );
    }
    const value = a * 10 + b;
    if (value > MAX_PAIR) {
      throw new GreenlightError(
        'shc',
        'ERR_SHC_NUMERIC_PAIR',
        `digit pair ${value} at position ${i} is above 77`,
        { details: { index: i } },
      );
    }
    out += String.fromCharCode(value + OFFSET);
  }
  return out;
}

/** `shc:/` + numeric JWS. */
export function shcNumeric(jws: string): string {
  return `shc:/${jwsToNumeric(jws)}`;
}

export interface ShcChunk {
  /** 1-based chunk index, 0 when the text carries no chunk header. */
  index: number;
  /** Chunk count, 1 when the text carries no chunk header. */
  total: number;
  digits: string;
}

const CHUNK_RE = /^shc:\/(?:(\d+)\/(\d+)\/)?(.*)$/is;

/** Split one QR text into its chunk header and digits; trailing whitespace is tolerated by the caller. */
export function parseShcQrText(text: string): ShcChunk {
  const match = CHUNK_RE.exec(text);
  if (!match) throw new GreenlightError('shc', 'ERR_SHC_PREFIX', 'QR text does not start with shc:/');
  const digits = match[3] ?? '';
  if (match[1] === undefined) return { index: 0, total: 1, digits };
  const index = Number(match[1]);
  const total = Number(match[2]);
  if (!(index >= 1 && total >= 1 && index <= total)) {
    throw new GreenlightError(
      'shc',
      'ERR_SHC_CHUNK_HEADER',
      `chunk header ${index}/${total} is out of range`,
      { details: { index, total } },
    );
  }
  return { index, total, digits };
}

/** Reassemble one or more QR texts (chunks in any order) into the compact JWS. */
export function shcQrToJws(texts: readonly string[]): { jws: string; chunked: boolean } {
  if (texts.length === 0) throw new GreenlightError('shc', 'ERR_SHC_CHUNK_MISSING', 'no shc:/ text given');
  const chunks = texts.map((t) => parseShcQrText(t.trim()));
  const first = chunks[0] as ShcChunk;
  if (first.index === 0) {
    if (chunks.length > 1)
      throw new GreenlightError(
        'shc',
        'ERR_SHC_CHUNK_MIXED',
        'an unchunked shc:/ text was given together with other texts',
      );
    return { jws: numericToJws(first.digits), chunked: false };
  }
  const total = first.total;
  const byIndex = new Map<number, string>();
  for (const c of chunks) {
    if (c.index === 0 || c.total !== total) {
      throw new GreenlightError(
        'shc',
        'ERR_SHC_CHUNK_MIXED',
        `chunks disagree on the chunk count (${total} vs ${c.index === 0 ? 'none' : c.total})`,
      );
    }
    if (byIndex.has(c.index))
      throw new GreenlightError('shc', 'ERR_SHC_CHUNK_DUPLICATE', `chunk ${c.index}/${total} given twice`, {
        details: { index: c.index },
      });
    byIndex.set(c.index, c.digits);
  }
  const missing: number[] = [];
  for (let i = 1; i <= total; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0) {
    throw new GreenlightError(
      'shc',
      'ERR_SHC_CHUNK_MISSING',
      `missing chunk(s) ${missing.join(', ')} of ${total}`,
      { details: { missing, total } },
    );
  }
  let digits = '';
  for (let i = 1; i <= total; i++) digits += byIndex.get(i);
  return { jws: numericToJws(digits), chunked: true };
}
