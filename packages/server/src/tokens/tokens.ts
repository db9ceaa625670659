/** Check-in tokens: deterministic authenticated encryption of (holder number, KST day) under a per-day key. */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { dayIso } from '@greenlight/rules';

export const TOKEN_BYTES = 16;
const DAY_MS = 86_400_000;
const HOLDER_MAX = 2n ** 64n - 1n;
const DAY_MAX = 2 ** 32 - 1;
const SALT = 'greenlight/checkin-tokens/v1';
const CACHED_DAYS = 64;

/** The day number of `YYYY-MM-DD`, or undefined when it is not such a date. */
export function parseDayIso(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms) || dayIso(ms / DAY_MS) !== text) return undefined;
  return ms / DAY_MS;
}

interface DayKeys {
  encryption: Buffer;
  mac: Buffer;
}

/**
 * Mints and opens tokens. A token is AES-256 of one block: holder (8 bytes, big-endian) | day (4 bytes) |
 * the first 4 bytes of HMAC-SHA-256(holder | day). Each day has its own keys (HKDF from the master secret), so
 * two days' tokens of one holder are unrelated values, and only the holder of the master secret can open them.
 * A random or altered token opens only with probability 2^-64 (day and tag must both match).
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
      keys = { encryption: okm.subarray(0, 32), mac: okm.subarray(32) };
      if (this.keys.size >= CACHED_DAYS) this.keys.delete(this.keys.keys().next().value as number);
      this.keys.set(day, keys);
    }
    return keys;
  }

  private static tag(mac: Buffer, plain: Buffer): Buffer {
    return createHmac('sha256', mac).update(plain.subarray(0, 12)).digest().subarray(0, 4);
  }

  mint(holder: bigint, day: number): Uint8Array {
    if (holder < 0n || holder > HOLDER_MAX) throw new RangeError('holder number out of range');
    if (!Number.isInteger(day) || day < 0 || day > DAY_MAX) throw new RangeError('day out of range');
    const keys = this.dayKeys(day);
    const block = Buffer.alloc(TOKEN_BYTES);
    block.writeBigUInt64BE(holder, 0);
    block.writeUInt32BE(day, 8);
    CheckinTokens.tag(keys.mac, block).copy(block, 12);
    const cipher = createCipheriv('aes-256-ecb', keys.encryption, null).setAutoPadding(false);
    return new Uint8Array(Buffer.concat([cipher.update(block), cipher.final()]));
  }

  /** One token per day, in the order of `days`. */
  mintTokens(holder: bigint, days: readonly number[]): Uint8Array[] {
    return days.map((day) => this.mint(holder, day));
  }

  /** The holder number, or undefined when the token was not minted for this day by this secret. */
  openToken(token: Uint8Array, day: number): bigint | undefined {
    if (token.length !== TOKEN_BYTES || !Number.isInteger(day) || day < 0 || day > DAY_MAX) return undefined;
    const keys = this.dayKeys(day);
    const decipher = createDecipheriv('aes-256-ecb', keys.encryption, null).setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(token), decipher.final()]);
    if (plain.readUInt32BE(8) !== day) return undefined;
    if (!timingSafeEqual(plain.subarray(12), CheckinTokens.tag(keys.mac, plain))) return undefined;
    return plain.readBigUInt64BE(0);
  }
}
