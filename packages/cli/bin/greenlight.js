#!/usr/bin/env node
// Entry point for the `greenlight` command: loads the TypeScript sources through tsx.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
