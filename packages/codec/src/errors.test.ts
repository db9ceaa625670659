import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CODEC_ERROR_CODES, GreenlightError, REPORT_ERROR_CODES, SHC_WARNING_CODES } from './errors.ts';

const srcDir = fileURLToPath(new URL('.', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

/** The rows of the README's error table: code → family (`–` for a code without one). */
function readmeTable(): [code: string, family: string][] {
  const section = readme.slice(
    readme.indexOf('\n## Errors\n'),
    readme.indexOf('\n## ', readme.indexOf('\n## Errors\n') + 1),
  );
  return [...section.matchAll(/^\| `((?:ERR|WARN)_[A-Z0-9_]+)` \| ([^|]+?) \|/gm)].map((m) => [
    m[1] as string,
    (m[2] as string).trim(),
  ]);
}

/** Every code the lists hold, with the family the table must give it. */
function listedCodes(): [code: string, family: string][] {
  return [
    ...Object.entries(CODEC_ERROR_CODES).flatMap(([family, codes]) =>
      codes.map((code): [string, string] => [code, family]),
    ),
    ...SHC_WARNING_CODES.map((code): [string, string] => [code, 'shc']),
    ...REPORT_ERROR_CODES.map((code): [string, string] => [code, '–']),
  ];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && entry.name !== 'errors.ts'
      ? [path]
      : [];
  });
}

describe('the error table of the README and the code lists of errors.ts', () => {
  it('the table lists each code once', () => {
    const codes = readmeTable().map(([code]) => code);
    expect(codes.length).toBeGreaterThan(100);
    expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([]);
  });

  it('every code in the lists is in the table, under its family', () => {
    const table = new Map(readmeTable());
    const missing = listedCodes().filter(([code, family]) => table.get(code) !== family);
    expect(missing).toEqual([]);
  });

  it('every code in the table is in the list of its family', () => {
    const listed = new Map(listedCodes());
    const unknown = readmeTable().filter(([code, family]) => listed.get(code) !== family);
    expect(unknown).toEqual([]);
  });

  it('no code is in two families', () => {
    const codes = listedCodes().map(([code]) => code);
    expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([]);
  });
});

describe('the code lists and the source', () => {
  const used = new Set(
    sourceFiles(srcDir).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/'((?:ERR|WARN)_[A-Z0-9_]+)'/g)].map((m) => m[1] as string),
    ),
  );

  it('every code written in the source is listed', () => {
    const listed = new Set(listedCodes().map(([code]) => code));
    expect([...used].filter((code) => !listed.has(code)).sort()).toEqual([]);
  });

  it('every listed code is used somewhere in the source', () => {
    expect(
      listedCodes()
        .map(([code]) => code)
        .filter((code) => !used.has(code)),
    ).toEqual([]);
  });
});

describe('GreenlightError', () => {
  it('carries its family and code', () => {
    const error = new GreenlightError('encoding', 'ERR_BASE45_LENGTH', 'x', { details: { index: 1 } });
    expect(error).toMatchObject({ name: 'GreenlightError', family: 'encoding', code: 'ERR_BASE45_LENGTH' });
    expect(error.details).toEqual({ index: 1 });
  });

  it('accepts only a code of its family (a type error otherwise)', () => {
    // @ts-expect-error: ERR_BASE45_LENGTH is an encoding code, not a cbor one.
    const mismatched = new GreenlightError('cbor', 'ERR_BASE45_LENGTH', 'x');
    // @ts-expect-error: not a code of any family.
    const unknown = new GreenlightError('encoding', 'ERR_NO_SUCH_CODE', 'x');
    expect([mismatched.family, unknown.family]).toEqual(['cbor', 'encoding']);
  });
});
