// `npm run build -w apps`: builds the wallet, scanner and desk PWAs into apps/dist/<app>/, one after another.
import { build } from 'vite';

// A build is a production build even when started from a test run (vitest sets NODE_ENV=test, which would make
// Vite emit development JSX and drop the service worker registration).
process.env.NODE_ENV = 'production';

const only = process.argv.slice(2);
for (const app of only.length > 0 ? only : ['wallet', 'scanner', 'desk']) {
  process.env.APP = app;
  const started = Date.now();
  await build({
    configFile: new URL('./vite.config.ts', import.meta.url).pathname,
    mode: 'production',
    logLevel: 'warn',
  });
  console.log(
    `built ${app} in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${process.env.APPS_OUT_DIR ?? 'apps/dist'}/${app}/`,
  );
}
