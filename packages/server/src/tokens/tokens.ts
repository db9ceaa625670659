/**
 * Check-in tokens (docs/checkin-tokens.md): single-use, authenticated encryption of (holder number, token index,
 * KST day) under a per-day key, one 16-byte AES block each.
 */
import { createCipheriv, createDecipheriv, hkdfSync, timingSafeEqual } from 'node:crypto';
import { dayIso } from '@greenlight/rules';

export const TOKEN_BYTES = 16;
/** Holder numbers take 40 bits of the block: numbers 0 to 2^40 - 1 (about 1.1 × 10^12). */
export const HOLDER_BITS = 40;
/** Token indexes take 24 bits: 2^24 (16,777,216) distinct tokens per holder and day. */
export const INDEX_BITS = 24;
export const HOLDER_MAX = 2n ** BigInt(HOLDER_BITS) - 1n;
export const INDEX_LIMIT = 2 ** INDEX_BITS;
const DAY_MS = 86_400_000;
const DAY_MAX = 2 ** 32 - 1;
// v2: the 8-byte holder field of v1 became holder (5 bytes) | index (3 bytes); a new salt gives new day keys,
// so a v1 token never opens as a v2 one.
const SALT = 'greenlight/checkin-tokens/v2';
const CACHED_DAYS = 64;

/** The day number of `YYYY-MM-DD`, or undefined when it is not such a date. */
export function parseDayIso(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms) || dayIso(ms / DAY_MS) !== text) return undefined;
  return ms / DAY_MS;
}

/** What an opened token says: whose it is and which of that day's tokens it was. */
export interface OpenedToken {
  holder: bigint;
  index: number;
}

interface DayKeys {
  encryption: Buffer;
  /** The day's 4-byte check value: the last field of every token's block. */
  check: Buffer;
}

/**
 * Mints and opens tokens. A token is AES-256 (one block, no mode) of
 * `holder (5 bytes) | index (3 bytes) | day (4 bytes) | check (4 bytes)`, all big-endian, where the check is a
 * per-day value. Each KST day has its own key and check (HKDF-SHA-256, RFC 5869, from the master secret). AES is a
 * permutation, so distinct (holder, index) pairs of one day give distinct tokens, and without the key they look like
 * independent random blocks: two tokens of one holder cannot be linked. Opening is encode-then-encipher
 * (Bellare and Rogaway, ASIACRYPT 2000): a random, altered or other-day token decrypts to a block whose 64 bits of
 * day and check match with probability about 2^-64.
 */
export class CheckinTokens {
  private readonly master: Buffer;
  private readonly keys = new Map<number, DayKeys>();

  constructor(masterSecret: string | Uint8Array) {
    this.master = Buffer.from(
      typeof masterSecret === 'string' ? Buffer.from(masterSecret, 'utf8') : masterSecret,
    );
    if (this.master.length < 32) throw new RangeError('the check-in token secret must be at least 32 bytes');
  }

  private dayKeys(day: number): DayKeys {
    let keys = this.keys.get(day);
    if (!keys) {
      const okm = Buffer.from(hkdfSync('sha256', this.master, SALT, `day ${day}`, 64));
      keys = { encryption: okm.subarray(0, 32), check: okm.subarray(32, 36) };
      if (this.keys.size >= CACHED_DAYS) this.keys.delete(this.keys.keys().next().value as number);
      this.keys.set(day, keys);
    }
    return keys;
  }

  /**
   * Token number `index` of `holder` on KST day `day` (days since 1970-01-01). Deterministic.
   * Throws RangeError unless 0 <= holder < 2^40, 0 <= index < 2^24 and 0 <= day < 2^32.
   */
  mint(holder: bigint, day: number, index = 0): Uint8Array {
    return this.mintBatch(holder, day, index, 1)[0] as Uint8Array;
  }

  /**
   * Tokens `start` to `start + count - 1` of `holder` on `day`: pairwise distinct, one AES call for the batch.
   * Throws RangeError when an index or the holder or day is out of range (see `mint`).
   */
  mintBatch(holder: bigint, day: number, start: number, count: number): Uint8Array[] {
    if (holder < 0n || holder > HOLDER_MAX) throw new RangeError('holder number out of range (40 bits)');
    if (!Number.isInteger(day) || day < 0 || day > DAY_MAX) throw new RangeError('day out of range');
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0) {
      throw new RangeError('token index out of range');
    }
    if (start + count > INDEX_LIMIT) throw new RangeError('token index out of range (24 bits)');
    const keys = this.dayKeys(day);
    const blocks = Buffer.alloc(TOKEN_BYTES * count);
    for (let i = 0; i < count; i++) {
      const block = blocks.subarray(i * TOKEN_BYTES, (i + 1) * TOKEN_BYTES);
      block.writeUIntBE(Number(holder >> 24n), 0, 2);
      block.writeUIntBE(Number(holder & 0xff_ffffn), 2, 3);
      block.writeUIntBE(start + i, 5, 3);
      block.writeUInt32BE(day, 8);
      keys.check.copy(block, 12);
    }
    // ECB over whole blocks is AES applied to each block on its own: the per-token construction, batched.
    const cipher = createCipheriv('aes-256-ecb', keys.encryption, null).setAutoPadding(false);
    const sealed = Buffer.concat([cipher.update(blocks), cipher.final()]);
    return Array.from(
      { length: count },
      (_, i) => new Uint8Array(sealed.subarray(i * TOKEN_BYTES, (i + 1) * TOKEN_BYTES)),
    );
  }

  /**
   * The holder number and index of a token of KST day `day`, or undefined when the token was not minted for this
   * day under this secret (wrong length, other day, altered, random). Never throws.
   */
  openToken(token: Uint8Array, day: number): OpenedToken | undefined {
    if (token.length !== TOKEN_BYTES || !Number.isInteger(day) || day < 0 || day > DAY_MAX) return undefined;
    const keys = this.dayKeys(day);
    const decipher = createDecipheriv('aes-256-ecb', keys.encryption, null).setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(token), decipher.final()]);
    if (plain.readUInt32BE(8) !== day) return undefined;
    if (!timingSafeEqual(plain.subarray(12), keys.check)) return undefined;
    return {
      holder: (BigInt(plain.readUIntBE(0, 2)) << 24n) | BigInt(plain.readUIntBE(2, 3)),
      index: plain.readUIntBE(5, 3),
    };
  }
}
