/**
 * The signed bundles, served as static, cacheable artifacts: the latest per kind with a strong ETag (304 when it
 * is current), and every version at its content address, immutable, so any CDN can hold them. Answered from
 * memory: the lunchtime crowd of scanners never reaches the database.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { BundleKind } from '@greenlight/codec';
import { Type } from 'typebox';
import {
  BUNDLE_KINDS,
  bundleByDigest,
  type PublishedBundle,
  type PublisherOptions,
  publicationKeys,
  publish,
  unknownKind,
} from '../publication/publisher';
import { errorResponse } from './schemas';

export interface BundleRoutesOptions {
  publisher: PublisherOptions;
  /** How often the in-memory copy is refreshed from the database (default 30 s). */
  refreshSeconds?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Publishes what changed (after a revocation or a key rotation) and refreshes the served copies. */
    republish: () => Promise<void>;
  }
}

const LATEST_CACHE = 'public, max-age=60, must-revalidate';
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

export const bundleRoutes: FastifyPluginAsyncTypebox<BundleRoutesOptions> = async (app, options) => {
  const served = new Map<BundleKind, PublishedBundle & { etag: string }>();
  let keys: { keys: Record<string, unknown>[] } = { keys: [] };

  const refresh = async () => {
    const latest = await publish(app.db, { ...options.publisher, now: app.now });
    for (const [kind, bundle] of latest) served.set(kind, { ...bundle, etag: `"${bundle.digest}"` });
    keys = await publicationKeys(app.db);
  };
  app.decorate('republish', refresh);

  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    await refresh();
    timer = setInterval(
      () => {
        refresh().catch((error) =>
          app.log.warn({ err: error }, 'bundle refresh failed; serving the last good copies'),
        );
      },
      (options.refreshSeconds ?? 30) * 1000,
    );
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));

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
      if (!served.has(kind)) await refresh();
      const bundle = served.get(kind);
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
      const current = served.get(request.params.kind);
      const bundle =
        current?.digest === request.params.digest
          ? current
          : await bundleByDigest(app.db, request.params.digest);
      if (!bundle || bundle.kind !== request.params.kind) {
        return reply.status(404).send({ code: 'ERR_NOT_FOUND', message: 'no bundle with that digest' });
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
      if (keys.keys.length === 0) await refresh();
      reply.header('Cache-Control', 'public, max-age=3600');
      return keys;
    },
  );
};

// Not encapsulated: `app.republish` is for the sibling routes (revocation, key rotation) to call.
Object.assign(bundleRoutes, { [Symbol.for('skip-override')]: true });
