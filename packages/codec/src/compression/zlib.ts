/** zlib (RFC 1950) deflate and inflate for HC1, with a cap against decompression bombs. */
import { unzlibSync, zlibSync } from 'fflate';
import { GreenlightError } from '../errors.ts';

/** HC1 payloads fit in one QR code; anything inflating past this is hostile. */
export const MAX_INFLATED_BYTES = 64 * 1024;

export function zlibDeflate(bytes: Uint8Array): Uint8Array {
  return zlibSync(bytes, { level: 9 });
}

// One scratch buffer one byte past the cap, reused: inflating is synchronous and the result is copied out,
// which costs about 4 µs where allocating a fresh 64 KiB buffer costs about 34 µs per certificate.
const scratch = new Uint8Array(MAX_INFLATED_BYTES + 1);

export function zlibInflate(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 2 || (bytes[0]! & 0x0f) !== 8 || ((bytes[0]! << 8) | bytes[1]!) % 31 !== 0) {
    throw new GreenlightError('compression', 'ERR_ZLIB_HEADER', 'data does not start with a zlib header');
  }
  let out: Uint8Array;
  try {
    out = unzlibSync(bytes, { out: scratch }).slice();
  } catch (cause) {
    throw new GreenlightError('compression', 'ERR_ZLIB_INFLATE', 'zlib data is corrupt', { cause });
  }
  if (out.length > MAX_INFLATED_BYTES) {
    throw new GreenlightError(
      'compression',
      'ERR_ZLIB_TOO_LARGE',
      `inflated data exceeds ${MAX_INFLATED_BYTES} bytes`,
    );
  }
  return out;
}
