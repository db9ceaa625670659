// `npm run build`: compiles codec, rules, server and cli to their dist/ folders (tsc project references, in
// dependency order), copies the non-TypeScript files of each src/ beside the compiled code, then builds the apps.
//
// Usage: node scripts/build.js [--no-apps] [package…]   e.g. `node scripts/build.js codec` (codec only, no apps).
// Concurrent builds (tests, `npm start`, `npm pack`) take turns through a lock folder instead of writing one dist/
// together.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
/** The compiled packages, in build order (each one imports only those before it). */
export const PACKAGES = ['codec', 'rules', 'server', 'cli'];

const isSource = (name) => /\.(ts|tsx|mts|cts)$/.test(name);
const isTest = (name) => /\.test\.[^.]+$/.test(name);

function* files(folder, withFolders = false) {
  if (withFolders) yield folder;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* files(path, withFolders);
    else yield path;
  }
}

/** Every file under src/ that is neither TypeScript nor a test (SQL migrations, …), copied to the same place in dist/. */
function copyAssets(name) {
  const src = join(root, 'packages', name, 'src');
  const dist = join(root, 'packages', name, 'dist');
  for (const file of files(src)) {
    const base = file.slice(file.lastIndexOf('/') + 1);
    if (isSource(base) || isTest(base)) continue;
    const target = join(dist, relative(src, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
}

/**
 * Deletes what dist/ holds for a source that is gone (a moved module, a renamed migration): tsc never removes an
 * output, and a stale migration left in dist/ would still be applied.
 */
function pruneOrphans(name) {
  const src = join(root, 'packages', name, 'src');
  const dist = join(root, 'packages', name, 'dist');
  if (!existsSync(dist)) return;
  for (const file of files(dist)) {
    const path = relative(dist, file);
    if (path === '.tsbuildinfo') continue;
    const compiled = /\.(d\.ts|js)$/.exec(path);
    const origins = compiled
      ? ['.ts', '.tsx'].map((ext) => path.slice(0, -compiled[0].length) + ext)
      : [path];
    if (!origins.some((origin) => existsSync(join(src, origin)))) rmSync(file);
  }
}

/** The newest modification time among a package's build inputs (its non-test sources, their folders, the configs). */
function newestInput(name) {
  const dir = join(root, 'packages', name);
  const inputs = [
    join(root, 'tsconfig.json'),
    join(root, 'packages/tsconfig.base.json'),
    join(dir, 'tsconfig.build.json'),
    join(dir, 'package.json'),
  ];
  // Folders too: a deleted or renamed file (a migration) changes only its folder's time.
  for (const file of files(join(dir, 'src'), true)) if (!isTest(file)) inputs.push(file);
  return Math.max(...inputs.map((f) => statSync(f).mtimeMs));
}

/**
 * True when every named package has a dist/ at least as new as its inputs: a cheap check (file times only) so that
 * `npm start` pays nothing when nothing changed. A stale package rebuilds those after it too (tsc -b decides).
 */
export function packagesUpToDate(names = PACKAGES) {
  return names.every((name) => {
    const stamp = join(root, 'packages', name, 'dist/.tsbuildinfo');
    return existsSync(stamp) && statSync(stamp).mtimeMs >= newestInput(name);
  });
}

/** Whether TypeScript is installed: a production install (`npm install --omit=dev`) runs the dist/ it has. */
export function canCompile() {
  try {
    createRequire(import.meta.url).resolve('typescript/bin/tsc');
    return true;
  } catch {
    return false;
  }
}

/**
 * Compiles the packages when a build input is newer than its dist/ (a checkout, an edit), saying so on stderr so
 * that a command's stdout stays its own. No-op without TypeScript.
 */
export async function buildStalePackages() {
  if (!canCompile() || packagesUpToDate()) return;
  console.error('Compiling the packages (tsc, into packages/*/dist/)…');
  await buildPackages();
}

const LOCK = join(root, 'node_modules/.cache/greenlight-build.lock');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function lockTime() {
  try {
    return statSync(LOCK).mtimeMs;
  } catch {
    return Date.now();
  }
}

async function withLock(work) {
  mkdirSync(dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A builder that died holding the lock leaves its pid behind; a lock without one is being taken right now.
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      } catch {}
      const dead = Number.isInteger(owner) && owner > 0 ? !alive(owner) : Date.now() - lockTime() > 60_000;
      if (dead) rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Compiles the named packages and the ones they import (all four by default) and copies their assets.
 * Throws when TypeScript is not installed (a production install: `npm install --omit=dev`) or tsc fails.
 */
export async function buildPackages(names = PACKAGES) {
  const unknown = names.filter((n) => !PACKAGES.includes(n));
  if (unknown.length > 0)
    throw new Error(`unknown package ${unknown.join(', ')}: one of ${PACKAGES.join(', ')}`);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await withLock(() => {
    const started = new Date();
    const projects = names.map((n) => `packages/${n}/tsconfig.build.json`);
    const result = spawnSync(process.execPath, [tsc, '-b', ...projects], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`tsc -b ${projects.join(' ')} failed (exit ${result.status})`);
    const last = Math.max(...names.map((n) => PACKAGES.indexOf(n)));
    for (const name of PACKAGES.slice(0, last + 1)) {
      pruneOrphans(name);
      copyAssets(name);
      // tsc leaves an up-to-date project's stamp alone; stamping it with the time the build started spares the next
      // `packagesUpToDate` a rerun, and still counts an edit made during the build as newer.
      utimesSync(join(root, 'packages', name, 'dist/.tsbuildinfo'), started, started);
    }
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const names = args.filter((a) => !a.startsWith('--'));
  const apps = !args.includes('--no-apps') && names.length === 0;
  const started = Date.now();
  await buildPackages(names.length > 0 ? names : PACKAGES);
  console.log(
    `built ${(names.length > 0 ? names : PACKAGES).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (apps) {
    const result = spawnSync(process.execPath, [join(root, 'apps/build.js')], { stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
