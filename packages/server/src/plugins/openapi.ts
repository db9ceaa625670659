/** The OpenAPI document at /openapi.json and Swagger UI at /docs, its assets served from the package. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { SECURITY_SCHEMES } from '../routes/schemas.ts';

async function openapi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Greenlight authority server',
        version: '0.1.0',
        description:
          'Registry, keys, bulk issuance, holders, partners, the desk, signed publications, check-in ingestion, investigations and the outage log.',
      },
      components: { securitySchemes: SECURITY_SCHEMES },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Swagger UI's own policy (hashes of its inline code), without framing, remote styles and fonts, or HTTPS
    // upgrades that break a plain-HTTP development server.
    transformStaticCSP: (header) =>
      header
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        .replace(/ https:/g, '')
        .replace(' validator.swagger.io', '')
        .replace(/ ?upgrade-insecure-requests;?/, '')
        // Swagger UI adds <style> elements as it runs; with hashes listed, 'unsafe-inline' would be ignored.
        .replace(/style-src [^;]*;/, "style-src 'self' 'unsafe-inline';"),
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

/** Not encapsulated (fastify-plugin): the decorations are visible to the sibling route plugins. */
export const openapiPlugin = fp(openapi, { name: 'greenlight-openapi' });
