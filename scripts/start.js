// `npm start`: compiles the packages and builds the apps when they are missing or stale, then migrates, seeds a
// demo registry on first start, signs every certificate ahead of time and serves on http://localhost:8080 (see
// packages/server/README.md). Runs the CLI's `serve` in this process, so Ctrl-C and SIGTERM reach it directly.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildPackages, packagesUpToDate } from './build.js';

const root = fileURLToPath(new URL('../', import.meta.url));

// A production install (`npm install --omit=dev`) has no TypeScript: it runs the dist/ it was shipped with.
const canCompile = (() => {
  try {
    createRequire(import.meta.url).resolve('typescript/bin/tsc');
    return true;
  } catch {
    return false;
  }
})();
if (canCompile && !packagesUpToDate()) {
  console.log('Compiling the packages (tsc, into packages/*/dist/)…');
  await buildPackages();
}

const apps = `${root}apps/`;
const missing = ['wallet', 'scanner', 'desk'].filter((app) => !existsSync(`${apps}dist/${app}/index.html`));
if (missing.length > 0 && !process.env.GREENLIGHT_APPS_DIR) {
  console.log(`Building the apps (${missing.join(', ')}) once…`);
  const build = spawnSync(process.execPath, [`${apps}build.js`, ...missing], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const { main } = await import('@greenlight/cli');
process.exitCode = await main(['serve', ...process.argv.slice(2)]);
