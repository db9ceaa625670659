/** The OpenAPI document at /openapi.json and Swagger UI at /docs, its assets served from the package. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export async function openapiPlugin(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Greenlight authority server',
        version: '0.1.0',
        description: 'Registry, keys and (later) issuance, holders, partners and signed publications.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
Object.assign(openapiPlugin, { [Symbol.for('skip-override')]: true });
