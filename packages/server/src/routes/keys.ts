/**
 * The public side of the key store: the published CSCA and DSCs (DCC Gateway trust-list items), and the SMART
 * Health Card issuer's JWKS and CRLs (served with CORS, as the SHC spec requires of an issuer).
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bytesToBase64 } from '@greenlight/codec';
import { type Static, Type } from 'typebox';
import { ServerError } from '../errors.ts';
import { type KeyRecord, publishedKeys } from '../keys/store.ts';
import { shcCrl, shcJwks } from '../publication/shc-crl.ts';
import { errorResponse } from './schemas.ts';

/** One item of the DCC Gateway's `/trustList` (its `TrustListItem`), plus Greenlight's own dates. */
const TrustListItem = Type.Object({
  kid: Type.String({ description: 'base64 of the first 8 bytes of SHA-256 of the certificate DER' }),
  timestamp: Type.String({ format: 'date-time', description: 'when the certificate was published' }),
  country: Type.String({ description: 'ISO 3166-1 alpha-2' }),
  certificateType: Type.Union([Type.Literal('DSC'), Type.Literal('CSCA')]),
  thumbprint: Type.String({ description: 'hex SHA-256 of the certificate DER' }),
  signature: Type.String({
    description:
      'base64 ES256 signature (r‖s) by the CSCA over the certificate DER; the Gateway puts its uploader’s signature here',
  }),
  rawData: Type.String({ description: 'base64 DER of the certificate' }),
  signFrom: Type.String({ format: 'date-time', description: 'first use for signing (Greenlight)' }),
  notAfter: Type.String({ format: 'date-time', description: 'end of validity (Greenlight)' }),
});

const TrustList = Type.Object({ certificates: Type.Array(TrustListItem) });

/** An SHC issuer key as the SMART Health Cards spec publishes it ("Determining keys associated with an issuer"). */
const Jwk = Type.Object({
  kty: Type.String(),
  crv: Type.String(),
  x: Type.String(),
  y: Type.String(),
  kid: Type.String(),
  use: Type.String(),
  alg: Type.String(),
  crlVersion: Type.Optional(
    Type.Integer({ minimum: 1, description: 'the ctr of the key’s current CRL (SHC spec, "Revocation")' }),
  ),
  x5c: Type.Optional(Type.Array(Type.String(), { description: 'base64 DER chain, leaf first' })),
});

const Crl = Type.Object({
  kid: Type.String(),
  method: Type.Literal('rid'),
  ctr: Type.Integer({ minimum: 1 }),
  rids: Type.Array(Type.String()),
});

function trustListItem(key: KeyRecord, type: 'DSC' | 'CSCA'): Static<typeof TrustListItem> {
  const der = key.certificate as Uint8Array;
  return {
    kid: key.kid,
    timestamp: key.publishAt.toISOString(),
    country: key.country,
    certificateType: type,
    thumbprint: createHash('sha256').update(der).digest('hex'),
    signature: key.trustSignature ? bytesToBase64(key.trustSignature) : '',
    rawData: bytesToBase64(der),
    signFrom: key.signFrom.toISOString(),
    notAfter: key.notAfter.toISOString(),
  };
}

export const keyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/trust/dscs',
    {
      schema: {
        tags: ['keys'],
        summary:
          'Published DSCs as DCC Gateway trust-list items (unsigned; the signed one is /v1/bundles/trust-list)',
        response: { 200: TrustList, 503: errorResponse('ERR_DB_UNAVAILABLE') },
      },
    },
    async () => ({
      certificates: (await publishedKeys(app.db, 'dsc', app.now())).map((key) => trustListItem(key, 'DSC')),
    }),
  );

  app.get(
    '/v1/trust/cscas',
    {
      schema: {
        tags: ['keys'],
        summary: 'The CSCA that signs the DSCs, as DCC Gateway trust-list items, to check the DSC chain',
        response: { 200: TrustList, 503: errorResponse('ERR_DB_UNAVAILABLE') },
      },
    },
    async () => ({
      certificates: (await publishedKeys(app.db, 'csca', app.now())).map((key) => trustListItem(key, 'CSCA')),
    }),
  );

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['keys'],
        summary: 'The SMART Health Card issuer keys, each with the crlVersion of its CRL (CORS: any origin)',
        response: { 200: Type.Object({ keys: Type.Array(Jwk) }), 503: errorResponse('ERR_DB_UNAVAILABLE') },
      },
    },
    async (_request, reply) => {
      const jwks = await shcJwks(app.db, app.now());
      reply.header('Access-Control-Allow-Origin', '*');
      reply.header('Cache-Control', 'public, max-age=300');
      return jwks as { keys: Static<typeof Jwk>[] };
    },
  );

  app.get(
    '/.well-known/crl/:file',
    {
      schema: {
        tags: ['keys'],
        summary: 'The current CRL of one SHC issuer key, /.well-known/crl/<kid>.json (CORS: any origin)',
        params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}\\.json$' }) }),
        response: { 200: Crl, 404: errorResponse('ERR_NOT_FOUND'), 503: errorResponse('ERR_DB_UNAVAILABLE') },
      },
    },
    async (request, reply) => {
      const kid = request.params.file.slice(0, -'.json'.length);
      const crl = await shcCrl(app.db, kid, app.now());
      reply.header('Access-Control-Allow-Origin', '*');
      if (!crl) throw new ServerError('ERR_NOT_FOUND', `no published SHC key has the kid ${kid}`);
      reply.header('Cache-Control', 'public, max-age=300');
      return crl as Static<typeof Crl>;
    },
  );
};
