/** HCERT JSON-schema validation with Ajv against the eu-dcc-schema release named by `ver`. */

import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';

/** Schemas by release version, e.g. `{"1.3.0": <DCC.combined-schema.json>}`; supplied by the caller. */
export type SchemaSet = Readonly<Record<string, object>>;

export interface SchemaResult {
  ok: boolean;
  version: string;
  errors: string[];
}

const compiled = new WeakMap<object, ValidateFunction>();

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** The release named by `ver`, else the latest one (unknown versions such as 1.0.4 exist in the field). */
export function pickSchemaVersion(schemas: SchemaSet, ver: unknown): string | undefined {
  const versions = Object.keys(schemas).sort(compareVersions);
  if (typeof ver === 'string' && schemas[ver]) return ver;
  return versions.at(-1);
}

export function validateHcertSchema(hcert: unknown, schemas: SchemaSet): SchemaResult | undefined {
  const version = pickSchemaVersion(schemas, (hcert as { ver?: unknown } | null)?.ver);
  if (!version) return undefined;
  const schema = schemas[version]!;
  let validate = compiled.get(schema);
  if (!validate) {
    // Formats are not asserted: issuers put date-times into date fields (the schema FAQ's Postel's law).
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  const errors: string[] = [];
  if (!validate(hcert)) {
    for (const e of validate.errors ?? []) errors.push(`${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
  }
  const groups = ['v', 't', 'r'].filter((k) => Array.isArray((hcert as Record<string, unknown>)[k]));
  if (groups.length !== 1) errors.push(`exactly one of v, t, r is required (found ${groups.length})`);
  else {
    const entries = (hcert as Record<string, unknown[]>)[groups[0]!]!;
    if (entries.length !== 1)
      errors.push(`${groups[0]} must hold exactly one entry (found ${entries.length})`);
  }
  return { ok: errors.length === 0, version, errors };
}
