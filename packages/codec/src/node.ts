/**
 * The codec's Node entry (`@greenlight/codec/node`): the QR wasm read from node_modules and the DCC reference data
 * (schemas, value sets) read from disk. The only module of the codec that may import `node:`; the isomorphic index
 * never imports it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SchemaSet } from './dcc/schema.ts';
import { type ValueSets, valueSetsFromFiles } from './dcc/valuesets.ts';
import { configureSvgRasterizer } from './qr/svg.ts';
import { configureQrReader, configureQrWriter } from './qr/zxing.ts';

const require = createRequire(import.meta.url);

function wasmBytes(specifier: string): ArrayBuffer {
  const bytes = readFileSync(require.resolve(specifier));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

let configured = false;
/** Gives the QR reader, writer and SVG rasteriser their wasm from node_modules; later calls do nothing. */
export function configureNodeQr(): void {
  if (configured) return;
  configureQrReader({ wasmBinary: wasmBytes('zxing-wasm/reader/zxing_reader.wasm') });
  configureQrWriter({ wasmBinary: wasmBytes('zxing-wasm/writer/zxing_writer.wasm') });
  configureSvgRasterizer({ wasmBinary: wasmBytes('@resvg/resvg-wasm/index_bg.wasm') });
  configured = true;
}

// This file is packages/codec/src/node.ts: three levels below the repository root.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A reference-data folder: the variable's path, else that part of the test data, else none. */
function referenceDataDir(variable: string, testdataSubpath: string): string | undefined {
  const candidates = [
    process.env[variable],
    process.env.GREENLIGHT_TESTDATA && join(process.env.GREENLIGHT_TESTDATA, testdataSubpath),
    join(repoRoot, '..', 'shared/testdata', testdataSubpath),
  ].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p));
}

/**
 * The eu-dcc-schema releases: GREENLIGHT_SCHEMA_DIR (a `releases/` folder), else
 * $GREENLIGHT_TESTDATA/schema/eu-dcc-schema/releases, else ../shared/testdata beside the repo.
 * Returns undefined when none is found: the schema step is then reported as not run.
 */
export function loadDccSchemas(): SchemaSet | undefined {
  const dir = referenceDataDir('GREENLIGHT_SCHEMA_DIR', 'schema/eu-dcc-schema/releases');
  if (!dir) return undefined;
  const schemas: Record<string, object> = {};
  for (const version of readdirSync(dir)) {
    const file = readdirSync(join(dir, version)).find((n) => /combined-schema\.json$/.test(n));
    if (file) schemas[version] = JSON.parse(readFileSync(join(dir, version, file), 'utf8'));
  }
  return schemas;
}

/** The eu-dcc-valuesets files: GREENLIGHT_VALUESET_DIR, else beside the schemas in the test data. */
export function loadDccValueSets(): ValueSets | undefined {
  const dir = referenceDataDir('GREENLIGHT_VALUESET_DIR', 'schema/eu-dcc-valuesets');
  if (!dir) return undefined;
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as unknown);
  return valueSetsFromFiles(files);
}

/** The schema and value-set options of `verifyHc1`, as far as the reference data is present. */
export function dccReferenceOptions(): { schemas?: SchemaSet; valueSets?: ValueSets } {
  const schemas = loadDccSchemas();
  const valueSets = loadDccValueSets();
  return { ...(schemas ? { schemas } : {}), ...(valueSets ? { valueSets } : {}) };
}

/**
 * The test files of an EU DCC conformance suite in the dgc-testdata layout under `dir`: the JSON files of the
 * `2DCode/raw` folders (any case of "raw"), up to five levels down, in a stable (sorted) order.
 */
export function findDccTestFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string, depth: number) => {
    for (const name of readdirSync(path).sort()) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) {
        if (depth < 5) walk(child, depth + 1);
      } else if (/\.json$/i.test(name) && /[\\/]2DCode[\\/]raw$/i.test(path)) {
        found.push(child);
      }
    }
  };
  walk(dir, 0);
  return found;
}
