/** The public side of the key store: the published DSCs (Gateway shape) and the SHC issuer's JWKS. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bytesToBase64 } from '@greenlight/codec';
import { type Static, Type } from 'typebox';
import { publishedKeys } from '../keys/store.ts';
import { errorResponse } from './schemas.ts';

const DscEntry = Type.Object({
  kid: Type.String(),
  country: Type.String(),
  rawData: Type.String({ description: 'base64 DER of the DSC' }),
  signFrom: Type.String({ format: 'date-time' }),
  notAfter: Type.String({ format: 'date-time' }),
});

const Jwk = Type.Object({
  kty: Type.String(),
  crv: Type.String(),
  x: Type.String(),
  y: Type.String(),
  kid: Type.String(),
  use: Type.String(),
  alg: Type.String(),
});

export const keyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/trust/dscs',
    {
      schema: {
        tags: ['keys'],
        summary:
          'Published DSCs, in the DCC Gateway trust-list shape (unsigned; the signed one is /v1/bundles/trust-list)',
        response: {
          200: Type.Object({ certificates: Type.Array(DscEntry) }),
          503: errorResponse('ERR_DB_UNAVAILABLE'),
        },
      },
    },
    async () => {
      const keys = await publishedKeys(app.db, 'dsc', app.now());
      return {
        certificates: keys.map((key) => ({
          kid: key.kid,
          country: key.country,
          rawData: bytesToBase64(key.certificate as Uint8Array),
          signFrom: key.signFrom.toISOString(),
          notAfter: key.notAfter.toISOString(),
        })),
      };
    },
  );

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['keys'],
        summary: 'The SMART Health Card issuer keys',
        response: { 200: Type.Object({ keys: Type.Array(Jwk) }), 503: errorResponse('ERR_DB_UNAVAILABLE') },
      },
    },
    async (_request, reply) => {
      const keys = await publishedKeys(app.db, 'shc', app.now());
      reply.header('Cache-Control', 'public, max-age=300');
      return { keys: keys.map((key) => key.publicJwk as unknown as Static<typeof Jwk>) };
    },
  );
};
