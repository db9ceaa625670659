// `npm start`: compiles the packages when they are missing or stale and builds the apps when missing, then migrates, seeds a
// demo registry on first start, signs every certificate ahead of time and serves on http://localhost:8080 (see
// packages/server/README.md). Runs the CLI's `serve` in this process, so Ctrl-C and SIGTERM reach it directly.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildStalePackages } from './build.js';

await buildStalePackages();

const apps = fileURLToPath(new URL('../apps/', import.meta.url));
const missing = ['wallet', 'scanner', 'desk'].filter((app) => !existsSync(`${apps}dist/${app}/index.html`));
if (missing.length > 0 && !process.env.GREENLIGHT_APPS_DIR) {
  console.log(`Building the apps (${missing.join(', ')}) once…`);
  const build = spawnSync(process.execPath, [`${apps}build.js`, ...missing], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const { main } = await import('@greenlight/cli');
process.exitCode = await main(['serve', ...process.argv.slice(2)]);
