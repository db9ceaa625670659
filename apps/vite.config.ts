/**
 * One Vite config for the three apps; `APP=wallet|scanner|desk` picks which one. Each is a PWA served by the
 * server under `/<app>/`, with its own manifest and a service worker that precaches every asset (wasm included).
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const APPS = {
  wallet: { ko: 'Greenlight 지갑', en: 'Greenlight wallet', short: 'Wallet' },
  scanner: { ko: 'Greenlight 입장 확인', en: 'Greenlight scanner', short: 'Scanner' },
  desk: { ko: 'Greenlight 민원 창구', en: 'Greenlight desk', short: 'Desk' },
} as const;

const app = (process.env.APP ?? 'scanner') as keyof typeof APPS;
if (!(app in APPS)) throw new Error(`APP must be one of ${Object.keys(APPS).join(', ')}`);
const names = APPS[app];
const root = fileURLToPath(new URL(`./${app}/`, import.meta.url));

export default defineConfig({
  root,
  base: `/${app}/`,
  publicDir: fileURLToPath(new URL(`./${app}/public/`, import.meta.url)),
  // `source`: the apps bundle the packages' TypeScript sources (their exports maps), never a possibly stale dist/.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    // APPS_OUT_DIR: a build somewhere else than apps/dist (a browser test that must not race another one).
    outDir: process.env.APPS_OUT_DIR
      ? `${process.env.APPS_OUT_DIR}/${app}/`
      : fileURLToPath(new URL(`./dist/${app}/`, import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
  plugins: [
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      manifest: {
        name: `${names.ko} / ${names.en}`,
        short_name: names.short,
        lang: 'ko',
        start_url: `/${app}/`,
        scope: `/${app}/`,
        display: 'standalone',
        background_color: '#f6f7f8',
        theme_color: '#1b1b1b',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      includeAssets: ['icon.svg'],
      workbox: {
        // The Korean font (two weights, about 1 MB of woff2) is precached too: an offline scanner must be able to
        // show any Hangul on a device without a Korean system font. Browsers with service workers never ask for
        // the .woff fallbacks.
        globPatterns: ['**/*.{js,css,html,wasm,svg,webmanifest,woff2}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: `/${app}/index.html`,
        navigateFallbackAllowlist: [new RegExp(`^/${app}/`)],
        runtimeCaching: [],
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
});
