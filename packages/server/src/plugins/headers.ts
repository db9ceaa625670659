/**
 * Security headers on every answer (`@fastify/helmet`): a Content Security Policy that the wallet, scanner and
 * desk pass as built (same-origin scripts and their WebAssembly, the service worker, the camera, blob: and data:
 * images, blob: PDFs), no framing, `nosniff`, no referrer, and a Permissions-Policy that allows only the camera.
 * Swagger UI keeps its own policy (`plugins/openapi.ts`).
 */
import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** The CSP hash source (CSP Level 3 §2.3.1) of an inline `<style>` or `<script>` text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The directives (CSP Level 3). `'wasm-unsafe-eval'` lets the QR reader and writer compile their WebAssembly;
 * `inlineStyles` are the hashes of the server's own inline `<style>` texts (the start page). `appScripts` adds
 * `'unsafe-eval'` for the apps' pages only: the codec compiles the DCC JSON schema with Ajv at run time (generated
 * code), and cbor-x and the Reflect polyfill probe `Function`; the API's answers never need it.
 */
export function contentSecurityPolicy(
  options: { inlineStyles?: readonly string[]; appScripts?: boolean } = {},
): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'", ...(options.appScripts ? ["'unsafe-eval'"] : [])],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", ...(options.inlineStyles ?? []).map(cspHash)],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'media-src': ["'self'", 'blob:'],
    'worker-src': ["'self'", 'blob:'],
    'manifest-src': ["'self'"],
    'frame-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

/** The header value of a set of directives. */
export function cspHeader(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** What a page may use: the scanner's camera on its own origin, nothing else that asks the person. */
export const PERMISSIONS_POLICY =
  'camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()';

async function headers(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy() },
    referrerPolicy: { policy: 'no-referrer' },
    // Bundles and keys are fetched by verifiers on other origins (CDN-cacheable, docs/bundles.md).
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('permissions-policy', PERMISSIONS_POLICY);
  });
}

/** Not encapsulated: the headers go on every route registered after it. */
export const headersPlugin = fp(headers, { name: 'greenlight-headers' });
