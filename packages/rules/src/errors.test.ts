import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES_ERROR_CODES, rulesError } from './rule.ts';

const srcDir = fileURLToPath(new URL('.', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

/** The codes of the README's error table, in order. */
function readmeCodes(): string[] {
  const start = readme.indexOf('\n## Errors\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/^\| `(ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1] as string);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the error table of the README and RULES_ERROR_CODES', () => {
  it('the table lists each code once', () => {
    const codes = readmeCodes();
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([]);
  });

  it('every listed code is in the table', () => {
    const table = new Set(readmeCodes());
    expect(RULES_ERROR_CODES.filter((code) => !table.has(code))).toEqual([]);
  });

  it('every code in the table is listed', () => {
    const listed = new Set<string>(RULES_ERROR_CODES);
    expect(readmeCodes().filter((code) => !listed.has(code))).toEqual([]);
  });

  it('every ERR_RULES_ code in the source is listed, and every listed code is used', () => {
    const used = new Set(
      sourceFiles(srcDir)
        .filter((file) => !file.endsWith('rule.ts'))
        .flatMap((file) =>
          [...readFileSync(file, 'utf8').matchAll(/'(ERR_RULES_[A-Z0-9_]+)'/g)].map((m) => m[1] as string),
        ),
    );
    const ruleTs = readFileSync(join(srcDir, 'rule.ts'), 'utf8');
    // rule.ts holds the list itself; count its uses only as arguments of rulesError.
    for (const m of ruleTs.matchAll(/rulesError\(\s*'(ERR_RULES_[A-Z0-9_]+)'/g)) used.add(m[1] as string);
    const listed = new Set<string>(RULES_ERROR_CODES);
    expect([...used].filter((code) => !listed.has(code)).sort()).toEqual([]);
    expect(RULES_ERROR_CODES.filter((code) => !used.has(code))).toEqual([]);
  });

  it('rulesError makes a GreenlightError of family rules', () => {
    expect(rulesError('ERR_RULES_POLICY', 'x')).toMatchObject({ family: 'rules', code: 'ERR_RULES_POLICY' });
  });
});
