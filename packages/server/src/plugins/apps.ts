/**
 * Serves the built wallet, scanner and desk PWAs (`apps/dist/<app>/`) and a small bilingual start page. Hashed
 * assets are immutable; the HTML, the service worker and the manifest are revalidated on every load, so an
 * update reaches phones on their next visit.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_APPS_DIR } from '../config.ts';
import { contentSecurityPolicy, cspHeader } from './headers.ts';

export const APPS = ['wallet', 'scanner', 'desk'] as const;

/** The start page's one inline style: the Content Security Policy admits it by its hash (`plugins/headers.ts`). */
export const START_PAGE_STYLE = `body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
a{display:block;font-size:1.2rem;margin:.75rem 0}`;

const START_PAGE = `<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Greenlight</title>
<style>${START_PAGE_STYLE}</style></head>
<body><h1>Greenlight</h1>
<p>방역패스와 입장 확인 · Health pass and venue check-in</p>
<a href="/wallet/">지갑 · Wallet</a>
<a href="/scanner/">입장 확인 · Scanner</a>
<a href="/desk/">민원 창구 · Desk</a>
<a href="/docs">API 문서 · API docs</a>
</body></html>`;

export async function appsPlugin(app: FastifyInstance, options: { dir?: string }): Promise<void> {
  const dir = options.dir ?? DEFAULT_APPS_DIR;
  // The apps' pages (and their service workers) get the apps' policy; the API keeps the strict one (helmet's).
  const policy = cspHeader(contentSecurityPolicy({ inlineStyles: [START_PAGE_STYLE], appScripts: true }));
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('content-security-policy', policy);
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(START_PAGE),
  );
  for (const name of APPS) {
    const root = join(dir, name);
    if (!existsSync(join(root, 'index.html'))) {
      app.log.warn(`apps/dist/${name} is not built: run \`npm run build -w apps\` (npm start does it)`);
      continue;
    }
    await app.register(fastifyStatic, {
      root,
      prefix: `/${name}/`,
      decorateReply: false,
      index: ['index.html'],
      setHeaders(res, path) {
        const revalidate = /(index\.html|sw\.js|manifest\.webmanifest|registerSW\.js)$/.test(path);
        res.header('Cache-Control', revalidate ? 'no-cache' : 'public, max-age=31536000, immutable');
      },
    });
    app.get(`/${name}`, { schema: { hide: true } }, async (_request, reply) => reply.redirect(`/${name}/`));
  }
}
