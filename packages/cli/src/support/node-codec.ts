/** Node-side set-up for the codec: the zxing wasm from node_modules and the DCC schemas from test data. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  configureQrReader,
  configureQrWriter,
  type SchemaSet,
  type ValueSets,
  valueSetsFromFiles,
} from '@greenlight/codec';

const require = createRequire(import.meta.url);

function wasmBytes(specifier: string): ArrayBuffer {
  const bytes = readFileSync(require.resolve(specifier));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

let configured = false;
export function configureNodeQr(): void {
  if (configured) return;
  configureQrReader({ wasmBinary: wasmBytes('zxing-wasm/reader/zxing_reader.wasm') });
  configureQrWriter({ wasmBinary: wasmBytes('zxing-wasm/writer/zxing_writer.wasm') });
  configured = true;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/**
 * The eu-dcc-schema releases: GREENLIGHT_SCHEMA_DIR (a `releases/` folder), else
 * $GREENLIGHT_TESTDATA/schema/eu-dcc-schema/releases, else ../shared/testdata beside the repo.
 * Returns undefined when none is found: the schema step is then reported as not run.
 */
export function loadDccSchemas(): SchemaSet | undefined {
  const candidates = [
    process.env.GREENLIGHT_SCHEMA_DIR,
    process.env.GREENLIGHT_TESTDATA && join(process.env.GREENLIGHT_TESTDATA, 'schema/eu-dcc-schema/releases'),
    join(repoRoot, '..', 'shared/testdata/schema/eu-dcc-schema/releases'),
  ].filter((p): p is string => !!p);
  const dir = candidates.find((p) => existsSync(p));
  if (!dir) return undefined;
  const schemas: Record<string, object> = {};
  for (const version of readdirSync(dir)) {
    const file = existsSync(join(dir, version))
      ? readdirSync(join(dir, version)).find((n) => /combined-schema\.json$/.test(n))
      : undefined;
    if (file) schemas[version] = JSON.parse(readFileSync(join(dir, version, file), 'utf8'));
  }
  return schemas;
}

/** The eu-dcc-valuesets files: GREENLIGHT_VALUESET_DIR, else beside the schemas in the test data. */
export function loadDccValueSets(): ValueSets | undefined {
  const candidates = [
    process.env.GREENLIGHT_VALUESET_DIR,
    process.env.GREENLIGHT_TESTDATA && join(process.env.GREENLIGHT_TESTDATA, 'schema/eu-dcc-valuesets'),
    join(repoRoot, '..', 'shared/testdata/schema/eu-dcc-valuesets'),
  ].filter((p): p is string => !!p);
  const dir = candidates.find((p) => existsSync(p));
  if (!dir) return undefined;
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as unknown);
  return valueSetsFromFiles(files);
}
