/**
 * The codec as a partner app gets it: `npm pack` (which builds dist/ first), installed from the tarball into an
 * empty folder with its dependencies from the registry, then imported by plain Node (no tsx, no source
 * condition) and by a strict TypeScript consumer (NodeNext resolution).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testdataPath } from '../support/testdata.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** The environment without the npm_* variables of an enclosing `npm test`, which would steer the inner npm. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
  );
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    env: cleanEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

// The partner's script: a trust list from one DSC, then an HC1 verified at the vector's validation clock.
const VERIFY_SCRIPT = `
import { readFileSync } from 'node:fs';
import { DscTrustList, verifyHc1 } from '@greenlight/codec';

const [vectorPath, dscFrom] = process.argv.slice(2);
const vector = JSON.parse(readFileSync(vectorPath, 'utf8'));
const dsc = JSON.parse(readFileSync(dscFrom ?? vectorPath, 'utf8')).TESTCTX.CERTIFICATE;
const trust = await DscTrustList.fromCertificates([{ der: new Uint8Array(Buffer.from(dsc, 'base64')) }]);
const report = await verifyHc1(vector.PREFIX, trust, { now: new Date(vector.TESTCTX.VALIDATIONCLOCK) });
const failed = report.steps.filter((s) => s.ok === false).map((s) => s.code);
const signature = report.steps.find((s) => s.name === 'VERIFY')?.ok;
console.log(JSON.stringify({ verdict: report.verdict, failed, signature }));
`;

const TYPED_CONSUMER = `
import { DscTrustList, type VerificationReport, verifyHc1 } from '@greenlight/codec';

const trust: DscTrustList = await DscTrustList.fromCertificates([]);
const report: VerificationReport = await verifyHc1('HC1:', trust);
const verdict: 'valid' | 'invalid' = report.verdict;
console.log(verdict);
`;

describe('the codec tarball', () => {
  const work = mkdtempSync(join(tmpdir(), 'greenlight-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  // CO1: "VALID: RSA 2048 key"; DE/1 is signed by another DSC, so it cannot be verified with CO1's.
  const valid = testdataPath('dcc/public/common/2DCode/raw/CO1.json');
  const otherDsc = testdataPath('dcc/public/DE/2DCode/raw/1.json');

  it.skipIf(!valid || !otherDsc)(
    'installs into an empty folder, and plain Node imports it and verifies an HC1',
    () => {
      run('npm', ['pack', '-w', 'packages/codec', '--pack-destination', work], ROOT);
      const tarballs = readdirSync(work).filter((f) => f.endsWith('.tgz'));
      expect(tarballs).toEqual(['greenlight-codec-0.1.0.tgz']);
      const tarball = join(work, tarballs[0] as string);

      // Only the compiled code, its types, the README and package.json: no sources, tests or build state.
      const listed = run('tar', ['-tzf', tarball], work).trim().split('\n');
      expect(listed).toContain('package/dist/index.js');
      expect(listed).toContain('package/dist/index.d.ts');
      expect(listed.filter((f) => !f.startsWith('package/dist/'))).toEqual(
        expect.arrayContaining(['package/package.json', 'package/README.md']),
      );
      expect(listed.filter((f) => !f.startsWith('package/dist/'))).toHaveLength(2);
      expect(listed.filter((f) => /\.test\.|\.ts$|tsbuildinfo/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);

      const app = join(work, 'partner-app');
      mkdirSync(app);
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify({ name: 'partner-app', private: true, type: 'module' }),
      );
      const install = ['install', '--no-audit', '--no-fund', tarball];
      try {
        run('npm', [...install, '--offline'], app);
      } catch {
        // The cache may lack the registry metadata of the codec's dependencies: fetch what is missing.
        run('npm', [...install, '--prefer-offline'], app);
      }
      const installed = JSON.parse(
        readFileSync(join(app, 'node_modules/@greenlight/codec/package.json'), 'utf8'),
      );
      expect(installed.name).toBe('@greenlight/codec');

      writeFileSync(join(app, 'verify.mjs'), VERIFY_SCRIPT);
      const ok = JSON.parse(run(process.execPath, ['verify.mjs', valid as string], app));
      expect(ok).toEqual({ verdict: 'valid', failed: [], signature: true });
      const wrongKey = JSON.parse(
        run(process.execPath, ['verify.mjs', valid as string, otherDsc as string], app),
      );
      expect(wrongKey.verdict).toBe('invalid');
      expect(wrongKey.failed.length).toBeGreaterThan(0);

      const count = run(
        process.execPath,
        ['-e', "import('@greenlight/codec').then((m) => console.log(Object.keys(m).length))"],
        app,
      );
      expect(Number(count)).toBeGreaterThan(50);

      // The .d.ts files resolve for a strict TypeScript consumer with Node's own resolution (no skipLibCheck).
      writeFileSync(join(app, 'check.ts'), TYPED_CONSUMER);
      writeFileSync(
        join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2022',
            lib: ['ES2023', 'DOM'],
            types: ['node'],
            typeRoots: [join(ROOT, 'node_modules/@types')],
            strict: true,
            noEmit: true,
          },
          files: ['check.ts'],
        }),
      );
      expect(run(process.execPath, [TSC, '-p', '.'], app)).toBe('');
    },
    600_000,
  );
});
