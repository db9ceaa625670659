/**
 * One-time-code login: a 6-digit code to a registered phone or e-mail (HMAC-hashed at rest), 30 s between codes,
 * a lockout after 5 wrong codes, and a holder session for a right one.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { mintHolderSession } from '../auth/holders.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';

/** Where one-time codes go: an SMS or e-mail gateway in production, the log in development. */
export interface OtpSender {
  send(contact: string, code: string): Promise<void>;
}

/**
 * The development sender: the code goes to the server log (and to `codes`, for tests and the demo). With
 * `showCodes: false` (production, where no credential is ever printed) it logs only that a code was asked for.
 */
export class ConsoleOtpSender implements OtpSender {
  readonly codes = new Map<string, string>();
  private readonly showCodes: boolean;
  constructor(
    private readonly log: (message: string) => void = console.log,
    options: { showCodes?: boolean } = {},
  ) {
    this.showCodes = options.showCodes ?? true;
  }
  async send(contact: string, code: string): Promise<void> {
    if (!this.showCodes) {
      this.log(
        'a one-time code was asked for; not shown in production, and no SMS or e-mail sender is set up',
      );
      return;
    }
    this.codes.set(contact, code);
    this.log(`one-time code for ${contact}: ${code}`);
  }
}

export interface OtpSettings {
  /** Keys the code hashes (HMAC): the server's key secret. */
  secret: string;
  sender: OtpSender;
  codeTtlSeconds?: number;
  resendSeconds?: number;
  maxAttempts?: number;
  lockSeconds?: number;
  sessionDays?: number;
}

/** Korean mobile numbers in any spelling (`010-…`, `+82 10 …`) become `8210…`; e-mail addresses are lower-cased. */
export function normaliseContact(contact: string): string {
  const trimmed = contact.trim();
  if (trimmed.includes('@')) return trimmed.toLowerCase();
  const digits = trimmed.replace(/\D/g, '');
  return digits.startsWith('0') ? `82${digits.slice(1)}` : digits;
}

/** The one-time-code login of a settings set; `now` is the one clock. */
export class OtpLogin {
  private readonly codeTtl: number;
  private readonly resend: number;
  private readonly maxAttempts: number;
  private readonly lock: number;
  private readonly sessionDays: number | undefined;

  constructor(
    private readonly db: Db,
    private readonly settings: OtpSettings,
  ) {
    this.codeTtl = (settings.codeTtlSeconds ?? 300) * 1000;
    this.resend = (settings.resendSeconds ?? 30) * 1000;
    this.maxAttempts = settings.maxAttempts ?? 5;
    this.lock = (settings.lockSeconds ?? 900) * 1000;
    this.sessionDays = settings.sessionDays;
  }

  private codeHash(contact: string, code: string): string {
    return createHmac('sha256', this.settings.secret).update(`otp:${contact}:${code}`).digest('hex');
  }

  /**
   * Sends a code when the contact is registered; the answer is the same either way (no registry enumeration).
   * Throws ERR_OTP_LOCKED or ERR_OTP_TOO_SOON (429, with Retry-After).
   */
  async request(rawContact: string, now: Date): Promise<{ sent: true; expiresInSeconds: number }> {
    const contact = normaliseContact(rawContact);
    const { rows } = await this.db.query<{ sent_at: Date; locked_until: Date | null }>(
      'SELECT sent_at, locked_until FROM otp_challenges WHERE contact = $1',
      [contact],
    );
    const existing = rows[0];
    if (existing?.locked_until && new Date(existing.locked_until) > now) {
      const wait = Math.ceil((new Date(existing.locked_until).getTime() - now.getTime()) / 1000);
      throw new ServerError('ERR_OTP_LOCKED', 'too many wrong codes; try again later', { retryAfter: wait });
    }
    if (existing && now.getTime() - new Date(existing.sent_at).getTime() < this.resend) {
      const wait = Math.ceil((this.resend - (now.getTime() - new Date(existing.sent_at).getTime())) / 1000);
      throw new ServerError('ERR_OTP_TOO_SOON', 'a code was just sent; wait before asking again', {
        retryAfter: wait,
      });
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.db.query(
      `INSERT INTO otp_challenges (contact, code_hash, expires_at, attempts, locked_until, sent_at)
       VALUES ($1, $2, $3, 0, NULL, $4)
       ON CONFLICT (contact) DO UPDATE SET code_hash = EXCLUDED.code_hash, expires_at = EXCLUDED.expires_at,
         attempts = 0, locked_until = NULL, sent_at = EXCLUDED.sent_at`,
      [
        contact,
        this.codeHash(contact, code),
        new Date(now.getTime() + this.codeTtl).toISOString(),
        now.toISOString(),
      ],
    );
    const person = await findPerson(this.db, contact);
    if (person) await this.settings.sender.send(contact, code);
    return { sent: true, expiresInSeconds: this.codeTtl / 1000 };
  }

  /**
   * Exchanges a right code for a holder session. Throws ERR_OTP_INVALID (401) for a wrong or expired code and
   * ERR_OTP_LOCKED (429, with Retry-After) once `maxAttempts` wrong codes were tried. The session is labelled
   * `deviceLabel` (from the browser that logged in) when one is given.
   */
  async verify(
    rawContact: string,
    code: string,
    now: Date,
    deviceLabel: string | null = null,
  ): Promise<{ token: string; expiresAt: Date }> {
    const contact = normaliseContact(rawContact);
    const { rows } = await this.db.query<{
      code_hash: string;
      expires_at: Date;
      attempts: number;
      locked_until: Date | null;
    }>('SELECT code_hash, expires_at, attempts, locked_until FROM otp_challenges WHERE contact = $1', [
      contact,
    ]);
    const challenge = rows[0];
    if (!challenge) throw new ServerError('ERR_OTP_INVALID');
    if (challenge.locked_until && new Date(challenge.locked_until) > now) {
      throw new ServerError('ERR_OTP_LOCKED', 'too many wrong codes; try again later', {
        retryAfter: Math.ceil((new Date(challenge.locked_until).getTime() - now.getTime()) / 1000),
      });
    }
    const expected = Buffer.from(challenge.code_hash, 'hex');
    const given = Buffer.from(this.codeHash(contact, code), 'hex');
    const person = await findPerson(this.db, contact);
    if (!person || new Date(challenge.expires_at) <= now || !timingSafeEqual(expected, given)) {
      const attempts = challenge.attempts + 1;
      const locked = attempts >= this.maxAttempts ? new Date(now.getTime() + this.lock).toISOString() : null;
      await this.db.query('UPDATE otp_challenges SET attempts = $2, locked_until = $3 WHERE contact = $1', [
        contact,
        attempts,
        locked,
      ]);
      if (locked) {
        throw new ServerError(
          'ERR_OTP_LOCKED',
          `${this.maxAttempts} wrong codes: locked for ${this.lock / 60000} minutes`,
          { retryAfter: this.lock / 1000 },
        );
      }
      throw new ServerError('ERR_OTP_INVALID');
    }
    await this.db.query('DELETE FROM otp_challenges WHERE contact = $1', [contact]);
    return mintHolderSession(this.db, person, now, this.sessionDays, deviceLabel);
  }
}

async function findPerson(db: Db, contact: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM people WHERE guardian_id IS NULL AND (
       regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') = $1 OR lower(coalesce(phone, '')) = $1)
     ORDER BY created_at LIMIT 1`,
    [contact],
  );
  return rows[0]?.id;
}
