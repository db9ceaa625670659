/**
 * Partner apps (the Naver/Kakao/Toss role): OAuth 2.0 client credentials, a per-partner quota (shared through
 * Redis when configured), holder consent before any fetch, and an audit entry for every fetch.
 */
import { createHmac, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../db/types';
import { ServerError } from '../errors';
import { audit } from './desk';
import { errorResponse } from './schemas';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number },
) => Promise<Buffer>;

/** A fixed window counter: how many calls a partner made this minute. */
export interface QuotaCounter {
  /** Increments and returns the count of the window that contains `now`. */
  hit(key: string, now: Date): Promise<number>;
}

/** In one process. With several replicas, use `RedisQuotaCounter`. */
export class MemoryQuotaCounter implements QuotaCounter {
  private readonly windows = new Map<string, number>();
  async hit(key: string, now: Date): Promise<number> {
    const window = `${key}:${Math.floor(now.getTime() / 60_000)}`;
    const count = (this.windows.get(window) ?? 0) + 1;
    this.windows.set(window, count);
    if (this.windows.size > 10_000) this.windows.delete(this.windows.keys().next().value as string);
    return count;
  }
}

/** Shared by every replica through Redis (`REDIS_URL`): INCR on a per-minute key that expires. */
export class RedisQuotaCounter implements QuotaCounter {
  constructor(
    private readonly redis: {
      incr(key: string): Promise<number>;
      expire(key: string, s: number): Promise<unknown>;
    },
  ) {}
  async hit(key: string, now: Date): Promise<number> {
    const window = `greenlight:quota:${key}:${Math.floor(now.getTime() / 60_000)}`;
    const count = await this.redis.incr(window);
    if (count === 1) await this.redis.expire(window, 120);
    return count;
  }
}

export interface PartnerRoutesOptions {
  /** Signs the access tokens (HMAC): the server's key secret. */
  secret: string;
  quota: QuotaCounter;
  tokenSeconds?: number;
}

interface Partner {
  id: string;
  clientId: string;
  quotaPerMinute: number;
}

const invalidClient = () =>
  new ServerError('ERR_INVALID_CLIENT', 'unknown client or wrong secret', { statusCode: 401 });

async function verifySecret(stored: string, secret: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'hex');
  const actual = await scryptAsync(secret, Buffer.from(salt, 'hex'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(expected, actual);
}

export const partnerRoutes: FastifyPluginAsyncTypebox<PartnerRoutesOptions> = async (app, options) => {
  const tokenSeconds = options.tokenSeconds ?? 3600;
  const sign = (body: string) =>
    createHmac('sha256', options.secret).update(`partner:${body}`).digest('base64url');

  async function partnerOf(request: FastifyRequest): Promise<Partner> {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer pt_') ? header.slice(10) : undefined;
    const [id, exp, mac] = token?.split('.') ?? [];
    if (!id || !exp || !mac || sign(`${id}.${exp}`) !== mac || Number(exp) * 1000 < app.now().getTime()) {
      throw new ServerError('ERR_INVALID_TOKEN', 'a valid partner access token is required', {
        statusCode: 401,
      });
    }
    const { rows } = await app.db.query<{ client_id: string; quota_per_minute: number }>(
      'SELECT client_id, quota_per_minute FROM partner_clients WHERE id = $1 AND disabled_at IS NULL',
      [id],
    );
    if (!rows[0]) throw new ServerError('ERR_INVALID_TOKEN', 'the partner is disabled', { statusCode: 401 });
    const partner = { id, clientId: rows[0].client_id, quotaPerMinute: rows[0].quota_per_minute };
    const count = await options.quota.hit(partner.id, app.now());
    if (count > partner.quotaPerMinute) {
      const retryAfter = 60 - (Math.floor(app.now().getTime() / 1000) % 60);
      throw new ServerError(
        'ERR_QUOTA_EXCEEDED',
        `over the quota of ${partner.quotaPerMinute} calls a minute`,
        {
          statusCode: 429,
          retryAfter,
        },
      );
    }
    return partner;
  }

  app.post(
    '/v1/oauth/token',
    {
      schema: {
        tags: ['partners'],
        summary: 'OAuth 2.0 client credentials grant (RFC 6749 §4.4); credentials in the body or HTTP Basic',
        body: Type.Object({
          grant_type: Type.Literal('client_credentials'),
          client_id: Type.Optional(Type.String()),
          client_secret: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object({
            access_token: Type.String(),
            token_type: Type.Literal('Bearer'),
            expires_in: Type.Integer(),
          }),
          401: errorResponse('ERR_INVALID_CLIENT'),
        },
      },
    },
    async (request) => {
      let clientId = request.body.client_id;
      let clientSecret = request.body.client_secret;
      const basic = request.headers.authorization?.match(/^Basic (.+)$/)?.[1];
      if (basic) {
        const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
        clientId = decodeURIComponent(id ?? '');
        clientSecret = decodeURIComponent(secret ?? '');
      }
      if (!clientId || !clientSecret) throw invalidClient();
      const { rows } = await app.db.query<{ id: string; secret_hash: string }>(
        'SELECT id, secret_hash FROM partner_clients WHERE client_id = $1 AND disabled_at IS NULL',
        [clientId],
      );
      if (!rows[0] || !(await verifySecret(rows[0].secret_hash, clientSecret))) throw invalidClient();
      const exp = Math.floor(app.now().getTime() / 1000) + tokenSeconds;
      const body = `${rows[0].id}.${exp}`;
      return {
        access_token: `pt_${body}.${sign(body)}`,
        token_type: 'Bearer' as const,
        expires_in: tokenSeconds,
      };
    },
  );

  app.get(
    '/v1/partner/holders/:personId/certificates',
    {
      schema: {
        tags: ['partners'],
        summary: "A consenting holder's stored certificates, for a partner app (audited)",
        params: Type.Object({ personId: Type.String({ format: 'uuid' }) }),
        response: {
          200: Type.Object({
            certificates: Type.Array(Type.Object({ kind: Type.String(), text: Type.String() })),
          }),
          401: errorResponse('ERR_INVALID_TOKEN'),
          403: errorResponse('ERR_CONSENT_REQUIRED'),
          429: errorResponse('ERR_QUOTA_EXCEEDED, with Retry-After'),
        },
      },
    },
    async (request, reply) => {
      const partner = await partnerOf(request);
      const { rows: consent } = await app.db.query(
        'SELECT 1 FROM partner_consents WHERE person_id = $1 AND partner_id = $2 AND revoked_at IS NULL',
        [request.params.personId, partner.id],
      );
      if (!consent[0]) {
        await audit(app.db, `partner:${partner.clientId}`, 'partner.fetch.refused', request.params.personId);
        throw new ServerError('ERR_CONSENT_REQUIRED', 'the holder has not consented to this partner', {
          statusCode: 403,
        });
      }
      const { rows } = await app.db.query<{ kind: string; payload: string }>(
        'SELECT kind, payload FROM issued_certificates WHERE person_id = $1 ORDER BY kind',
        [request.params.personId],
      );
      await audit(app.db, `partner:${partner.clientId}`, 'partner.fetch', request.params.personId, {
        certificates: rows.length,
      });
      reply.header('Cache-Control', 'private, no-store');
      return { certificates: rows.map((r) => ({ kind: r.kind, text: r.payload })) };
    },
  );
};

/** Holder consent to a partner (called from the holder routes' session; see `holderConsentRoutes`). */
export async function setConsent(db: Db, personId: string, clientId: string, granted: boolean, now: Date) {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM partner_clients WHERE client_id = $1', [
    clientId,
  ]);
  const partner = rows[0];
  if (!partner) throw new ServerError('ERR_NOT_FOUND', `no partner ${clientId}`, { statusCode: 404 });
  if (granted) {
    await db.query(
      `INSERT INTO partner_consents (person_id, partner_id, granted_at) VALUES ($1, $2, $3)
       ON CONFLICT (person_id, partner_id) DO UPDATE SET granted_at = EXCLUDED.granted_at, revoked_at = NULL`,
      [personId, partner.id, now.toISOString()],
    );
  } else {
    await db.query('UPDATE partner_consents SET revoked_at = $3 WHERE person_id = $1 AND partner_id = $2', [
      personId,
      partner.id,
      now.toISOString(),
    ]);
  }
  await audit(db, `holder:${personId}`, granted ? 'consent.grant' : 'consent.revoke', personId, {
    partner: clientId,
  });
}
