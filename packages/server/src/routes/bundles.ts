/**
 * The signed bundles, served as static, cacheable artifacts: the latest per kind with a strong ETag (304 when it
 * is current), and every version at its content address, immutable, so any CDN can hold them. Answered from
 * memory (`plugins/publication.ts`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BUNDLE_KINDS, type BundleKind } from '@greenlight/codec';
import { Type } from 'typebox';
import { ServerError } from '../errors.ts';
import { unknownKind } from '../publication/publisher.ts';
import { errorResponse } from './schemas.ts';

const LATEST_CACHE = 'public, max-age=60, must-revalidate';
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

export const bundleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const Kind = Type.Union(BUNDLE_KINDS.map((k) => Type.Literal(k)));

  app.get(
    '/v1/bundles/:kind',
    {
      schema: {
        tags: ['publication'],
        summary:
          'The latest signed bundle of a kind (flattened JWS, docs/bundles.md); 304 when If-None-Match matches',
        params: Type.Object({ kind: Type.String() }),
        headers: Type.Object({ 'if-none-match': Type.Optional(Type.String()) }),
        response: {
          200: Type.Unknown({ description: 'the bundle file (flattened JWS JSON)' }),
          304: Type.Unknown({ description: 'not modified: the ETag is current (no body)' }),
          404: errorResponse('ERR_BUNDLE_KIND: no such kind'),
          503: errorResponse('ERR_DB_UNAVAILABLE'),
        },
      },
    },
    async (request, reply) => {
      const kind = request.params.kind as BundleKind;
      if (!BUNDLE_KINDS.includes(kind)) throw unknownKind(kind);
      const bundle = await app.publication.latest(kind);
      if (!bundle) throw unknownKind(kind);
      reply.header('ETag', bundle.etag).header('Cache-Control', LATEST_CACHE);
      reply.header('Content-Location', `/v1/bundles/${kind}/${bundle.digest}`);
      if (request.headers['if-none-match'] === bundle.etag) return reply.status(304).send();
      return reply.type('application/json').send(Buffer.from(bundle.bytes));
    },
  );

  app.get(
    '/v1/bundles/:kind/:digest',
    {
      schema: {
        tags: ['publication'],
        summary: 'One bundle at its content address (base64url SHA-256 of the file): immutable',
        params: Type.Object({ kind: Kind, digest: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) }),
        response: {
          200: Type.Unknown({ description: 'the bundle file (flattened JWS JSON)' }),
          304: Type.Unknown({ description: 'not modified (no body)' }),
          404: errorResponse('ERR_NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const bundle = await app.publication.byDigest(request.params.kind, request.params.digest);
      if (!bundle || bundle.kind !== request.params.kind) {
        throw new ServerError('ERR_NOT_FOUND', 'no bundle with that digest');
      }
      const etag = `"${bundle.digest}"`;
      reply.header('ETag', etag).header('Cache-Control', IMMUTABLE_CACHE);
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.type('application/json').send(Buffer.from(bundle.bytes));
    },
  );

  app.get(
    '/.well-known/greenlight/publication-keys.json',
    {
      schema: {
        tags: ['publication'],
        summary: 'The public keys that sign every bundle (apps pin them at set-up)',
        response: { 200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) }) },
      },
    },
    async (_request, reply) => {
      const keys = await app.publication.keys();
      reply.header('Cache-Control', 'public, max-age=3600');
      return keys;
    },
  );
};
