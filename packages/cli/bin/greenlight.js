#!/usr/bin/env node
// Entry point for the `greenlight` command. It loads the package by its own name, so the exports map picks the
// code: the compiled dist/ (`npm run build`), or the TypeScript sources when started as
// `node --conditions=source --import tsx bin/greenlight.js` (development and benches, no build).
let cli;
try {
  cli = await import('@greenlight/cli');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('/dist/')) throw error;
  console.error('greenlight: the CLI is not built yet; run `npm run build` at the repository root first.');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
