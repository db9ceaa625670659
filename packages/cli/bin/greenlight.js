#!/usr/bin/env node
// Entry point for the `greenlight` command. It loads the package by its own name, so the exports map picks the
// code: the compiled dist/, or the TypeScript sources when started as
// `node --conditions=source --import tsx bin/greenlight.js` (development and benches, no build).
import { existsSync } from 'node:fs';

// Under `--conditions=source` the package resolves to its TypeScript: nothing to compile then.
const fromSources = import.meta.resolve('@greenlight/cli').endsWith('.ts');
// In a checkout of the repository, compile first when a source changed since the last build (as `npm start` does).
const build = new URL('../../../scripts/build.js', import.meta.url);
if (!fromSources && existsSync(build)) await (await import(build.href)).buildStalePackages();

let cli;
try {
  cli = await import('@greenlight/cli');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('/dist/')) throw error;
  console.error('greenlight: the CLI is not built; run `npm run build` at the repository root.');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
