/**
 * Holders: one-time-code login (pluggable sender, attempt limits and lockout), their own and their family's
 * stored certificates (a read, never a signing request), device registration with the bindings the presentation
 * QR needs, and the daily check-in tokens.
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { base64ToBytes, bytesToBase64, hc1CoseBytes, personName, signDeviceBinding } from '@greenlight/codec';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../db/types';
import { ServerError } from '../errors';
import type { KeyStore } from '../keys/store';
import { paperPassPdf } from '../paper/pass-pdf';
import { type CheckinTokens, dayIso, holderNumber, kstDay } from '../tokens';
import { setConsent } from './partners';
import { errorResponse } from './schemas';

/** Where one-time codes go: an SMS or e-mail gateway in production, the log in development. */
export interface OtpSender {
  send(contact: string, code: string): Promise<void>;
}

export interface HolderRoutesOptions {
  keys: KeyStore;
  /** Keys the code hashes (HMAC): the server's key secret. */
  secret: string;
  sender: OtpSender;
  tokens: CheckinTokens;
  codeTtlSeconds?: number;
  resendSeconds?: number;
  maxAttempts?: number;
  lockSeconds?: number;
  sessionDays?: number;
  /** Check-in tokens handed out per request (today and the following days). */
  tokenDays?: number;
}

/** Korean mobile numbers in any spelling (`010-…`, `+82 10 …`) become `8210…`; e-mail addresses are lower-cased. */
export function normaliseContact(contact: string): string {
  const trimmed = contact.trim();
  if (trimmed.includes('@')) return trimmed.toLowerCase();
  const digits = trimmed.replace(/\D/g, '');
  return digits.startsWith('0') ? `82${digits.slice(1)}` : digits;
}

const unauthorised = () =>
  new ServerError('ERR_UNAUTHORIZED', 'log in first: a valid holder session is required', {
    statusCode: 401,
  });

interface Session {
  personId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    holder?: Session;
  }
}

async function sessionOf(db: Db, request: FastifyRequest, now: Date): Promise<Session> {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) throw unauthorised();
  const hash = createHash('sha256').update(header.slice(7)).digest('hex');
  const { rows } = await db.query<{ person_id: string }>(
    'SELECT person_id FROM holder_sessions WHERE token_hash = $1 AND expires_at > $2',
    [hash, now.toISOString()],
  );
  if (!rows[0]) throw unauthorised();
  return { personId: rows[0].person_id };
}

interface CertificateRow {
  person_id: string;
  kind: 'dcc' | 'shc';
  payload: string;
  family_name: string;
  given_name: string | null;
  relation: 'self' | 'family';
}

/** The holder's and their family's stored certificates (the people whose guardian they are). */
async function certificatesOf(db: Db, personId: string): Promise<CertificateRow[]> {
  const { rows } = await db.query<CertificateRow>(
    `SELECT c.person_id, c.kind, c.payload, p.family_name, p.given_name,
            CASE WHEN p.id = $1 THEN 'self' ELSE 'family' END AS relation
     FROM issued_certificates c JOIN people p ON p.id = c.person_id
     WHERE p.id = $1 OR p.guardian_id = $1
     ORDER BY (p.id = $1) DESC, p.birth_date, c.kind`,
    [personId],
  );
  return rows;
}

const Certificate = Type.Object({
  id: Type.String({ description: '<personId>:dcc or <personId>:shc' }),
  personId: Type.String(),
  name: Type.String(),
  relation: Type.Union([Type.Literal('self'), Type.Literal('family')]),
  kind: Type.Union([Type.Literal('dcc'), Type.Literal('shc')]),
  text: Type.String({ description: 'HC1: text, or the SMART Health Card JWS' }),
});

export const holderRoutes: FastifyPluginAsyncTypebox<HolderRoutesOptions> = async (app, options) => {
  const codeTtl = (options.codeTtlSeconds ?? 300) * 1000;
  const resend = (options.resendSeconds ?? 30) * 1000;
  const maxAttempts = options.maxAttempts ?? 5;
  const lock = (options.lockSeconds ?? 900) * 1000;
  const sessionTtl = (options.sessionDays ?? 30) * 86_400_000;
  const codeHash = (contact: string, code: string) =>
    createHmac('sha256', options.secret).update(`otp:${contact}:${code}`).digest('hex');

  app.post(
    '/v1/auth/otp',
    {
      schema: {
        tags: ['holders'],
        summary:
          'Sends a one-time code to a registered mobile number or e-mail (the answer never says whether it is)',
        body: Type.Object({ contact: Type.String({ minLength: 3, maxLength: 254 }) }),
        response: {
          200: Type.Object({ sent: Type.Boolean(), expiresInSeconds: Type.Integer() }),
          429: errorResponse('ERR_OTP_TOO_SOON or ERR_OTP_LOCKED, with Retry-After'),
        },
      },
    },
    async (request) => {
      const now = app.now();
      const contact = normaliseContact(request.body.contact);
      const { rows } = await app.db.query<{ sent_at: Date; locked_until: Date | null }>(
        'SELECT sent_at, locked_until FROM otp_challenges WHERE contact = $1',
        [contact],
      );
      const existing = rows[0];
      if (existing?.locked_until && new Date(existing.locked_until) > now) {
        const wait = Math.ceil((new Date(existing.locked_until).getTime() - now.getTime()) / 1000);
        throw new ServerError('ERR_OTP_LOCKED', 'too many wrong codes; try again later', {
          statusCode: 429,
          retryAfter: wait,
        });
      }
      if (existing && now.getTime() - new Date(existing.sent_at).getTime() < resend) {
        const wait = Math.ceil((resend - (now.getTime() - new Date(existing.sent_at).getTime())) / 1000);
        throw new ServerError('ERR_OTP_TOO_SOON', 'a code was just sent; wait before asking again', {
          statusCode: 429,
          retryAfter: wait,
        });
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await app.db.query(
        `INSERT INTO otp_challenges (contact, code_hash, expires_at, attempts, locked_until, sent_at)
         VALUES ($1, $2, $3, 0, NULL, $4)
         ON CONFLICT (contact) DO UPDATE SET code_hash = EXCLUDED.code_hash, expires_at = EXCLUDED.expires_at,
           attempts = 0, locked_until = NULL, sent_at = EXCLUDED.sent_at`,
        [
          contact,
          codeHash(contact, code),
          new Date(now.getTime() + codeTtl).toISOString(),
          now.toISOString(),
        ],
      );
      const person = await findPerson(app.db, contact);
      // Only registered contacts get a code; the answer is the same either way (no registry enumeration).
      if (person) await options.sender.send(contact, code);
      return { sent: true, expiresInSeconds: codeTtl / 1000 };
    },
  );

  app.post(
    '/v1/auth/otp/verify',
    {
      schema: {
        tags: ['holders'],
        summary: 'Exchanges the one-time code for a holder session',
        body: Type.Object({
          contact: Type.String({ minLength: 3, maxLength: 254 }),
          code: Type.String({ pattern: '^[0-9]{6}$' }),
        }),
        response: {
          200: Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
          401: errorResponse('ERR_OTP_INVALID: wrong or expired code'),
          429: errorResponse('ERR_OTP_LOCKED, with Retry-After'),
        },
      },
    },
    async (request) => {
      const now = app.now();
      const contact = normaliseContact(request.body.contact);
      const { rows } = await app.db.query<{
        code_hash: string;
        expires_at: Date;
        attempts: number;
        locked_until: Date | null;
      }>('SELECT code_hash, expires_at, attempts, locked_until FROM otp_challenges WHERE contact = $1', [
        contact,
      ]);
      const challenge = rows[0];
      const invalid = () =>
        new ServerError('ERR_OTP_INVALID', 'the code is wrong or has expired', { statusCode: 401 });
      if (!challenge) throw invalid();
      if (challenge.locked_until && new Date(challenge.locked_until) > now) {
        throw new ServerError('ERR_OTP_LOCKED', 'too many wrong codes; try again later', {
          statusCode: 429,
          retryAfter: Math.ceil((new Date(challenge.locked_until).getTime() - now.getTime()) / 1000),
        });
      }
      const expected = Buffer.from(challenge.code_hash, 'hex');
      const given = Buffer.from(codeHash(contact, request.body.code), 'hex');
      const person = await findPerson(app.db, contact);
      if (!person || new Date(challenge.expires_at) <= now || !timingSafeEqual(expected, given)) {
        const attempts = challenge.attempts + 1;
        const locked = attempts >= maxAttempts ? new Date(now.getTime() + lock).toISOString() : null;
        await app.db.query('UPDATE otp_challenges SET attempts = $2, locked_until = $3 WHERE contact = $1', [
          contact,
          attempts,
          locked,
        ]);
        if (locked) {
          throw new ServerError(
            'ERR_OTP_LOCKED',
            `${maxAttempts} wrong codes: locked for ${lock / 60000} minutes`,
            {
              statusCode: 429,
              retryAfter: lock / 1000,
            },
          );
        }
        throw invalid();
      }
      await app.db.query('DELETE FROM otp_challenges WHERE contact = $1', [contact]);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + sessionTtl);
      await app.db.query(
        'INSERT INTO holder_sessions (token_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
        [
          createHash('sha256').update(token).digest('hex'),
          person,
          now.toISOString(),
          expiresAt.toISOString(),
        ],
      );
      return { token, expiresAt: expiresAt.toISOString() };
    },
  );

  app.get(
    '/v1/me/certificates',
    {
      schema: {
        tags: ['holders'],
        summary: "The holder's and their family's certificates, signed ahead of time (a stored read)",
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        response: {
          200: Type.Object({ certificates: Type.Array(Certificate) }),
          401: errorResponse('ERR_UNAUTHORIZED'),
        },
      },
    },
    async (request, reply) => {
      // The lunchtime path: the session check and the stored certificates in one round trip.
      const header = request.headers.authorization;
      if (!header?.startsWith('Bearer ')) throw unauthorised();
      const { rows } = await app.db.query<CertificateRow & { session_person: string }>(
        `SELECT s.person_id AS session_person, c.person_id, c.kind, c.payload, p.family_name, p.given_name,
                CASE WHEN p.id = s.person_id THEN 'self' ELSE 'family' END AS relation
         FROM holder_sessions s
         LEFT JOIN people p ON p.id = s.person_id OR p.guardian_id = s.person_id
         LEFT JOIN issued_certificates c ON c.person_id = p.id
         WHERE s.token_hash = $1 AND s.expires_at > $2
         ORDER BY (p.id = s.person_id) DESC, p.birth_date, c.kind`,
        [createHash('sha256').update(header.slice(7)).digest('hex'), app.now().toISOString()],
        { prepare: 'holder-certificates' },
      );
      if (rows.length === 0) throw unauthorised();
      reply.header('Cache-Control', 'private, no-store');
      return {
        certificates: rows
          .filter((r) => r.kind !== null)
          .map((r) => ({
            id: `${r.person_id}:${r.kind}`,
            personId: r.person_id,
            name: personName(r.family_name, r.given_name),
            relation: r.relation,
            kind: r.kind,
            text: r.payload,
          })),
      };
    },
  );

  app.get(
    '/v1/me',
    {
      schema: {
        tags: ['holders'],
        summary:
          'Who is logged in (the person id is what a holder shares with a partner app they consent to)',
        response: {
          200: Type.Object({ personId: Type.String(), name: Type.String() }),
          401: errorResponse('ERR_UNAUTHORIZED'),
        },
      },
    },
    async (request) => {
      const session = await sessionOf(app.db, request, app.now());
      const { rows } = await app.db.query<{ family_name: string; given_name: string | null }>(
        'SELECT family_name, given_name FROM people WHERE id = $1',
        [session.personId],
      );
      const row = rows[0];
      return {
        personId: session.personId,
        name: row ? personName(row.family_name, row.given_name) : '',
      };
    },
  );

  for (const granted of [true, false]) {
    app.route({
      method: granted ? 'PUT' : 'DELETE',
      url: '/v1/me/partners/:clientId/consent',
      schema: {
        tags: ['holders'],
        summary: granted
          ? 'Lets a partner app fetch the holder’s certificates'
          : 'Withdraws a partner app’s access',
        params: Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: {
          200: Type.Object({ consent: Type.Boolean() }),
          401: errorResponse('ERR_UNAUTHORIZED'),
          404: errorResponse('ERR_NOT_FOUND'),
        },
      },
      handler: async (request) => {
        const session = await sessionOf(app.db, request, app.now());
        await setConsent(
          app.db,
          session.personId,
          (request.params as { clientId: string }).clientId,
          granted,
          app.now(),
        );
        return { consent: granted };
      },
    });
  }

  app.get(
    '/v1/me/certificates/:id/pass.pdf',
    {
      schema: {
        tags: ['holders'],
        summary: 'The printable paper pass of one of the holder’s (or family’s) DCCs',
        params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}:dcc$' }) }),
        response: { 401: errorResponse('ERR_UNAUTHORIZED'), 404: errorResponse('ERR_NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const session = await sessionOf(app.db, request, app.now());
      const cert = (await certificatesOf(app.db, session.personId)).find(
        (r) => `${r.person_id}:${r.kind}` === request.params.id,
      );
      if (!cert) throw new ServerError('ERR_NOT_FOUND', 'no such certificate of yours', { statusCode: 404 });
      reply.header('Cache-Control', 'private, no-store');
      reply.header('Content-Disposition', 'attachment; filename="greenlight-pass.pdf"');
      return reply.type('application/pdf').send(Buffer.from(await paperPassPdf(cert.payload)));
    },
  );

  app.post(
    '/v1/me/devices',
    {
      schema: {
        tags: ['holders'],
        summary: "Registers the phone's device key and returns a binding per DCC of the holder and family",
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        body: Type.Object({
          publicKey: Type.String({
            pattern: '^[A-Za-z0-9_-]{87}$',
            description: 'uncompressed P-256 point, base64url',
          }),
        }),
        response: {
          200: Type.Object({ bindings: Type.Record(Type.String(), Type.String()) }),
          400: errorResponse('ERR_DEVICE_KEY'),
          401: errorResponse('ERR_UNAUTHORIZED'),
        },
      },
    },
    async (request) => {
      const now = app.now();
      const session = await sessionOf(app.db, request, now);
      const devicePublicKey = base64ToBytes(request.body.publicKey);
      if (devicePublicKey.length !== 65 || devicePublicKey[0] !== 4) {
        throw new ServerError('ERR_DEVICE_KEY', 'the device key is not an uncompressed P-256 point', {
          statusCode: 400,
        });
      }
      await app.db.query(
        `INSERT INTO holder_devices (person_id, public_key, registered_at) VALUES ($1, $2, $3)
         ON CONFLICT (person_id, public_key) DO NOTHING`,
        [session.personId, request.body.publicKey, now.toISOString()],
      );
      const dsc = await options.keys.signingDsc(now);
      const bindings: Record<string, string> = {};
      for (const row of await certificatesOf(app.db, session.personId)) {
        if (row.kind !== 'dcc') continue;
        const binding = await signDeviceBinding(
          {
            coseBytes: hc1CoseBytes(row.payload),
            devicePublicKey,
            issuedAt: now,
            expiresAt: new Date(Math.min(now.getTime() + 365 * 86_400_000, dsc.record.notAfter.getTime())),
          },
          { kid: dsc.kidBytes, alg: 'ES256', privateKey: dsc.privateKey },
        );
        bindings[`${row.person_id}:dcc`] = bytesToBase64(binding);
      }
      return { bindings };
    },
  );

  app.get(
    '/v1/me/checkin-tokens',
    {
      schema: {
        tags: ['holders'],
        summary: "The holder's check-in tokens for today and the next days (docs/checkin-tokens.md)",
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        response: {
          200: Type.Object({ tokens: Type.Array(Type.Object({ day: Type.String(), token: Type.String() })) }),
          401: errorResponse('ERR_UNAUTHORIZED'),
        },
      },
    },
    async (request, reply) => {
      const now = app.now();
      const session = await sessionOf(app.db, request, now);
      const holder = await holderNumber(app.db, session.personId);
      const today = kstDay(now.getTime());
      const days = Array.from({ length: options.tokenDays ?? 7 }, (_, i) => today + i);
      reply.header('Cache-Control', 'private, no-store');
      return {
        tokens: days.map((day) => ({
          day: dayIso(day),
          token: Buffer.from(options.tokens.mint(holder, day)).toString('base64url'),
        })),
      };
    },
  );
};

async function findPerson(db: Db, contact: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM people WHERE guardian_id IS NULL AND (
       regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') = $1 OR lower(coalesce(phone, '')) = $1)
     ORDER BY created_at LIMIT 1`,
    [contact],
  );
  return rows[0]?.id;
}

/** The development sender: the code goes to the server log (and to `codes`, for tests and the demo). */
export class ConsoleOtpSender implements OtpSender {
  readonly codes = new Map<string, string>();
  constructor(private readonly log: (message: string) => void = console.log) {}
  async send(contact: string, code: string): Promise<void> {
    this.codes.set(contact, code);
    this.log(`one-time code for ${contact}: ${code}`);
  }
}
