/** `greenlight conformance dcc <dir> [--json]`: runs every dgc-testdata file under a folder. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { conformanceMismatches, observeConformanceFile, readQrImage } from '@greenlight/codec';
import { configureNodeQr, findDccTestFiles, loadDccSchemas } from '@greenlight/codec/node';
import type { Command } from '../main.ts';

const USAGE = 'Usage: greenlight conformance dcc <dir> [--json]';

export const conformance: Command = {
  summary: 'run the EU DCC conformance suite (dgc-testdata layout)',
  async run(argv) {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { json: { type: 'boolean' }, help: { type: 'boolean' } },
      });
    } catch (error) {
      console.error(`${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    if (parsed.values.help) {
      console.log(USAGE);
      return 0;
    }
    const [suite, dir] = parsed.positionals;
    if (suite !== 'dcc' || !dir) {
      console.error(USAGE);
      return 2;
    }
    let files: string[];
    try {
      files = findDccTestFiles(dir);
    } catch (error) {
      console.error(`greenlight: cannot read ${dir}: ${(error as Error).message}`);
      return 2;
    }
    configureNodeQr();
    const schemas = loadDccSchemas();
    let passed = 0;
    let failed = 0;
    for (const path of files) {
      const rel = relative(dir, path);
      let file: Record<string, unknown>;
      try {
        file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      } catch (error) {
        console.log(JSON.stringify({ file: rel, error: `unreadable JSON: ${(error as Error).message}` }));
        failed++;
        continue;
      }
      const observed = await observeConformanceFile(file, {
        ...(schemas ? { schemas } : {}),
        readQr: readQrImage,
      });
      const mismatches = conformanceMismatches(file, observed);
      if (mismatches.length === 0) passed++;
      else failed++;
      console.log(JSON.stringify({ file: rel, observed, ...(parsed.values.json ? { mismatches } : {}) }));
    }
    console.log(`${passed} passed, ${failed} failed`);
    return 0;
  },
};
