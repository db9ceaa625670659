// Gives every relative import in the packages' TypeScript the file it names: `./x` becomes `./x.ts`, a folder
// `./dcc` becomes `./dcc/index.ts`. tsc's rewriteRelativeImportExtensions then writes `./x.js` into dist/, which
// plain Node ESM can load (it never guesses extensions). Idempotent: run it again after moving or adding files.
//
// Usage: node scripts/add-ts-extensions.js [folder…]   (default: packages/*/{src,test,bench} and test/)
// Prints each file it changed, then formats those files with Biome (a longer import may wrap); `--check` changes
// nothing and exits 1 when a file would change.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const folders = args.filter((a) => a !== '--check');

function defaultFolders() {
  const packages = join(root, 'packages');
  const inPackages = readdirSync(packages).flatMap((name) =>
    ['src', 'test', 'bench'].map((part) => join(packages, name, part)),
  );
  return [...inPackages, join(root, 'test')].filter((p) => existsSync(p));
}

function* sourceFiles(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') yield* sourceFiles(path);
    } else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield path;
    }
  }
}

const isFile = (path) => existsSync(path) && statSync(path).isFile();

/** The specifier with the extension of the file it names, or undefined when it already has one or names nothing. */
function withExtension(fromFile, specifier) {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const base = resolve(dirname(fromFile), specifier);
  if (isFile(base)) return undefined;
  for (const ext of ['.ts', '.tsx']) if (isFile(base + ext)) return specifier + ext;
  const js = /\.(m?)js$/.exec(specifier);
  if (js) {
    const ts = `${specifier.slice(0, -js[0].length)}.${js[1]}ts`;
    if (isFile(resolve(dirname(fromFile), ts))) return ts;
  }
  for (const index of ['index.ts', 'index.tsx']) {
    if (isFile(join(base, index))) return `${specifier.replace(/\/$/, '')}/${index}`;
  }
  return undefined;
}

/** String literals that name a module: import/export from, import(), import types, and vitest's module mocks. */
function moduleSpecifiers(sourceFile) {
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier);
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length > 0 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      const callee = node.expression;
      const isImportCall = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isViCall =
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'vi' &&
        ['mock', 'doMock', 'unmock', 'doUnmock', 'importActual', 'importMock'].includes(callee.name.text);
      if (isImportCall || isViCall) found.push(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      if (ts.isStringLiteral(node.argument.literal)) found.push(node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

const changed = [];
for (const folder of folders.length > 0 ? folders.map((f) => resolve(f)) : defaultFolders()) {
  for (const file of sourceFiles(folder)) {
    const text = readFileSync(file, 'utf8');
    const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
    const edits = moduleSpecifiers(sourceFile)
      .map((literal) => ({ literal, next: withExtension(file, literal.text) }))
      .filter((e) => e.next !== undefined)
      .sort((a, b) => b.literal.getStart(sourceFile) - a.literal.getStart(sourceFile));
    if (edits.length === 0) continue;
    let next = text;
    for (const { literal, next: specifier } of edits) {
      const start = literal.getStart(sourceFile);
      const quote = text[start];
      next = next.slice(0, start) + quote + specifier + quote + next.slice(literal.end);
    }
    changed.push(file);
    console.log(`${check ? 'would change' : 'changed'} ${relative(root, file)} (${edits.length})`);
    if (!check) writeFileSync(file, next);
  }
}
if (check && changed.length > 0) process.exitCode = 1;
if (!check && changed.length > 0) {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  const result = spawnSync(process.execPath, [biome, 'format', '--write', ...changed], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exitCode = result.status ?? 1;
}
