/**
 * The desk (community-centre and authority staff): registry search, printed paper passes, sticker records and
 * revocations. Every action needs a staff token and leaves an audit entry.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { personName } from '@greenlight/codec';
import { Type } from 'typebox';
import { uuidv7 } from 'uuidv7';
import { authenticateStaff } from '../checkins/staff';
import type { Db } from '../db/types';
import { ServerError } from '../errors';
import { shcRid } from '../issuance/certificates';
import { paperPassPdf } from '../paper/pass-pdf';
import { errorResponse } from './schemas';

export async function audit(
  db: Db,
  actor: string,
  action: string,
  subject: string | null,
  details: object = {},
) {
  await db.query('INSERT INTO audit_log (actor, action, subject, details) VALUES ($1, $2, $3, $4)', [
    actor,
    action,
    subject,
    JSON.stringify(details),
  ]);
}

const notFound = (what: string) =>
  new ServerError('ERR_NOT_FOUND', `${what} does not exist`, { statusCode: 404 });
const Uuid = Type.String({ format: 'uuid' });

export const deskRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const staff = (header: string | undefined) => authenticateStaff(app.db, header, ['staff']);

  app.get(
    '/v1/registry/people',
    {
      schema: {
        tags: ['desk'],
        summary: 'Search the registry by name, date of birth or registry number (staff)',
        querystring: Type.Object({ q: Type.String({ minLength: 2, maxLength: 100 }) }),
        response: {
          200: Type.Object({
            people: Type.Array(
              Type.Object({
                id: Type.String(),
                externalId: Type.String(),
                name: Type.String(),
                birthDate: Type.String(),
                certificates: Type.Array(
                  Type.Object({
                    id: Type.String(),
                    kind: Type.String(),
                    issuedAt: Type.String(),
                    revoked: Type.Boolean(),
                  }),
                ),
              }),
            ),
          }),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          403: errorResponse('ERR_FORBIDDEN'),
        },
      },
    },
    async (request) => {
      const member = await staff(request.headers.authorization);
      const q = request.query.q.trim();
      const { rows } = await app.db.query<{
        id: string;
        external_id: string;
        family_name: string;
        given_name: string | null;
        birth_date: string;
      }>(
        `SELECT id, external_id, family_name, given_name, birth_date FROM people
         WHERE external_id = $1 OR birth_date = $1
            OR (coalesce(given_name, '') || ' ' || family_name) ILIKE $2
            OR (family_name || coalesce(given_name, '')) ILIKE $2
            OR (coalesce(given_name_t, '') || ' ' || family_name_t) ILIKE $2
         ORDER BY family_name, given_name LIMIT 50`,
        [q, `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`],
      );
      const ids = rows.map((r) => r.id);
      const { rows: certs } = await app.db.query<{
        person_id: string;
        kind: 'dcc' | 'shc';
        issued_at: Date;
        uci: string | null;
        kid: string;
      }>(
        `SELECT c.person_id, c.kind, c.issued_at, c.uci, k.kid FROM issued_certificates c
         JOIN keys k ON k.id = c.key_id WHERE c.person_id = ANY($1::uuid[])`,
        [ids],
      );
      // A DCC is revoked by its UCI, an SHC by its rid (derived from the key and the person, never stored twice).
      const marks = certs.map((c) => (c.kind === 'dcc' ? (c.uci ?? '') : shcRid(c.kid, c.person_id)));
      const { rows: revoked } = await app.db.query<{ mark: string }>(
        `SELECT coalesce(uci, reference) AS mark FROM revocations
         WHERE uci = ANY($1::text[]) OR reference = ANY($1::text[])`,
        [marks],
      );
      const revokedMarks = new Set(revoked.map((r) => r.mark));
      await audit(app.db, member.login, 'registry.search', null, { q, results: rows.length });
      return {
        people: rows.map((r) => ({
          id: r.id,
          externalId: r.external_id,
          name: personName(r.family_name, r.given_name),
          birthDate: r.birth_date,
          certificates: certs
            .filter((c) => c.person_id === r.id)
            .map((c) => ({
              id: `${c.person_id}:${c.kind}`,
              kind: c.kind,
              issuedAt: new Date(c.issued_at).toISOString(),
              revoked: revokedMarks.has(c.kind === 'dcc' ? (c.uci ?? '') : shcRid(c.kid, c.person_id)),
            })),
        })),
      };
    },
  );

  app.get(
    '/v1/registry/people/:id/pass.pdf',
    {
      schema: {
        tags: ['desk'],
        summary: "A person's printable paper pass (staff)",
        params: Type.Object({ id: Uuid }),
        response: { 401: errorResponse('ERR_STAFF_UNAUTHORIZED'), 404: errorResponse('ERR_NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const member = await staff(request.headers.authorization);
      const { rows } = await app.db.query<{ payload: string }>(
        "SELECT payload FROM issued_certificates WHERE person_id = $1 AND kind = 'dcc'",
        [request.params.id],
      );
      if (!rows[0]) throw notFound('a certificate for this person');
      await audit(app.db, member.login, 'paper.print', request.params.id);
      reply.header('Cache-Control', 'private, no-store');
      reply.header('Content-Disposition', 'inline; filename="greenlight-pass.pdf"');
      return reply.type('application/pdf').send(Buffer.from(await paperPassPdf(rows[0].payload)));
    },
  );

  app.post(
    '/v1/registry/people/:id/stickers',
    {
      schema: {
        tags: ['desk'],
        summary: 'Records that a vaccination sticker was put on the person’s ID card (staff)',
        params: Type.Object({ id: Uuid }),
        response: {
          201: Type.Object({ id: Type.String(), issuedAt: Type.String() }),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          404: errorResponse('ERR_NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const member = await staff(request.headers.authorization);
      const { rows } = await app.db.query('SELECT 1 FROM people WHERE id = $1', [request.params.id]);
      if (!rows[0]) throw notFound('the person');
      const id = uuidv7();
      const issuedAt = app.now().toISOString();
      await app.db.query(
        'INSERT INTO stickers (id, person_id, issued_at, issued_by) VALUES ($1, $2, $3, $4)',
        [id, request.params.id, issuedAt, member.login],
      );
      await audit(app.db, member.login, 'sticker.issue', request.params.id, { sticker: id });
      return reply.status(201).send({ id, issuedAt });
    },
  );

  app.get(
    '/v1/outages/log',
    {
      schema: {
        tags: ['desk'],
        summary:
          'The outage log of the last days, newest first (staff): probe records and staff declarations',
        querystring: Type.Object({
          days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 28 })),
        }),
        response: {
          200: Type.Object({
            outages: Type.Array(
              Type.Object({
                id: Type.String(),
                startedAt: Type.String(),
                endedAt: Type.Union([Type.String(), Type.Null()]),
                source: Type.String(),
                reason: Type.String(),
              }),
            ),
          }),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
        },
      },
    },
    async (request) => {
      await staff(request.headers.authorization);
      const since = new Date(app.now().getTime() - (request.query.days ?? 28) * 86_400_000);
      const { rows } = await app.db.query<{
        id: string;
        started_at: Date;
        ended_at: Date | null;
        source: string;
        reason: string;
      }>(
        `SELECT id::text, started_at, ended_at, source, reason FROM outages
         WHERE coalesce(ended_at, 'infinity') >= $1 ORDER BY started_at DESC LIMIT 500`,
        [since.toISOString()],
      );
      return {
        outages: rows.map((r) => ({
          id: r.id,
          startedAt: new Date(r.started_at).toISOString(),
          endedAt: r.ended_at ? new Date(r.ended_at).toISOString() : null,
          source: r.source,
          reason: r.reason,
        })),
      };
    },
  );

  app.post(
    '/v1/certificates/:id/revoke',
    {
      schema: {
        tags: ['desk'],
        summary: 'Revokes a certificate; it is in the next revocation bundle (DCC) or CRL (SHC) (staff)',
        params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}:(dcc|shc)$' }) }),
        body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }),
        response: {
          200: Type.Object({ revoked: Type.Literal(true), republished: Type.Boolean() }),
          401: errorResponse('ERR_STAFF_UNAUTHORIZED'),
          404: errorResponse('ERR_NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const member = await staff(request.headers.authorization);
      const [personId, kind] = request.params.id.split(':') as [string, 'dcc' | 'shc'];
      const { rows } = await app.db.query<{ uci: string | null; key_id: string; kid: string }>(
        `SELECT c.uci, c.key_id, k.kid FROM issued_certificates c JOIN keys k ON k.id = c.key_id
         WHERE c.person_id = $1 AND c.kind = $2`,
        [personId, kind],
      );
      const cert = rows[0];
      if (!cert) throw notFound('the certificate');
      await app.db.query(
        `INSERT INTO revocations (id, kind, uci, key_id, reference, reason, revoked_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          uuidv7(),
          kind,
          kind === 'dcc' ? cert.uci : null,
          cert.key_id,
          kind === 'shc' ? shcRid(cert.kid, personId) : null,
          request.body.reason,
          member.login,
        ],
      );
      await audit(app.db, member.login, 'certificate.revoke', personId, {
        kind,
        reason: request.body.reason,
      });
      const republish = (app as { republish?: () => Promise<void> }).republish;
      if (republish) await republish();
      return { revoked: true as const, republished: republish !== undefined };
    },
  );
};
