/** Prometheus metrics: one registry per app (so tests can build many apps), request counts and durations. */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: { registry: Registry; dbUp: Gauge };
  }
}

async function metrics(app: FastifyInstance): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'greenlight_http_requests_total',
    help: 'HTTP requests answered, by route, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'greenlight_http_request_duration_seconds',
    help: 'HTTP request duration, by route and method',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const dbUp = new Gauge({
    name: 'greenlight_db_up',
    help: '1 when the last readiness check reached the database, 0 when not',
    registers: [registry],
  });
  app.decorate('metrics', { registry, dbUp });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: unbounded label values would blow up the registry.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    duration.observe({ route, method: request.method }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

/** Not encapsulated (fastify-plugin): the decorations are visible to the sibling route plugins. */
export const metricsPlugin = fp(metrics, { name: 'greenlight-metrics' });
