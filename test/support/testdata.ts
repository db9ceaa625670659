/** Locates ../shared/testdata for tests; skips clearly when it is absent, fails when CI requires it. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const testdataRoot: string = process.env.GREENLIGHT_TESTDATA
  ? resolve(process.env.GREENLIGHT_TESTDATA)
  : resolve(repoRoot, '..', 'shared', 'testdata');

/**
 * The path of a testdata suite, or `undefined` when it is missing (tests then skip).
 * With GREENLIGHT_REQUIRE_TESTDATA=1 a missing suite throws, so CI cannot pass by skipping.
 */
export function testdataPath(...parts: string[]): string | undefined {
  const path = join(testdataRoot, ...parts);
  if (existsSync(path)) return path;
  if (process.env.GREENLIGHT_REQUIRE_TESTDATA === '1') {
    throw new Error(`required test data is missing: ${path} (set GREENLIGHT_TESTDATA)`);
  }
  console.warn(`skipping: test data not found at ${path} (set GREENLIGHT_TESTDATA to its folder)`);
  return undefined;
}
