/** Runs one dgc-testdata conformance file: observes each EXPECTED… step on its own, as the suite defines. */
import { cborDecode, cborEncode, cborToJson, jsonToCbor } from '../cbor/cbor.ts';
import { zlibInflate } from '../compression/zlib.ts';
import { parseCoseSign1, verifyCoseSign1 } from '../cose/sign1.ts';
import { parseHcertClaims } from '../cwt/claims.ts';
import { base45Decode } from '../encoding/base45.ts';
import { base64ToBytes, bytesEqual, hexToBytes } from '../encoding/bytes.ts';
import { computeKid, dscMaySign, parseDsc } from '../x509/dsc.ts';
import { HC1_PREFIX } from './hc1.ts';
import { hcertType } from './hcert.ts';
import { type SchemaSet, validateHcertSchema } from './schema.ts';

export const CONFORMANCE_STEPS = [
  'UNPREFIX',
  'B45DECODE',
  'COMPRESSION',
  'DECODE',
  'VERIFY',
  'VALIDJSON',
  'SCHEMAVALIDATION',
  'EXPIRATIONCHECK',
  'KEYUSAGE',
  'PICTUREDECODE',
  'VALIDOBJECT',
  'ENCODE',
] as const;
export type ConformanceStep = (typeof CONFORMANCE_STEPS)[number];
export type Observed = Record<ConformanceStep, boolean | null>;

export interface ConformanceOptions {
  schemas?: SchemaSet;
  /** Reads QR codes from an image; without it PICTUREDECODE is `null`. */
  readQr?: (image: Uint8Array) => Promise<string[]>;
}

/** Parses every VALIDATIONCLOCK shape of the suite: no zone (UTC), `+0200`, 0 to 9 fraction digits. */
export function parseSuiteTime(text: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    text.trim(),
  );
  if (!m) return undefined;
  const fraction = (m[3] ?? '').slice(0, 3).padEnd(3, '0');
  let zone = m[4] ?? 'Z';
  if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const seconds = m[2]!.length === 5 ? `${m[2]}:00` : m[2];
  const date = new Date(`${m[1]}T${seconds}.${fraction}${zone.toUpperCase()}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Canonical form for unordered comparison; date-time strings compared as UTC seconds. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Uint8Array) return Array.from(value);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, canonical(obj[k])]),
    );
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) {
    const t = parseSuiteTime(value);
    if (t) return `time:${Math.floor(t.getTime() / 1000)}`;
  }
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

const attempt = async <T>(fn: () => T | Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
  try {
    return { ok: true, value: await fn() };
  } catch {
    return { ok: false };
  }
};

/** The HCERT inside a CBOR field that holds either the HCERT map or the whole CWT claims map. */
function hcertFromCborField(bytes: Uint8Array): unknown {
  const decoded = cborDecode(bytes);
  if (decoded instanceof Map && decoded.has(-260))
    return cborToJson((decoded.get(-260) as Map<unknown, unknown>).get(1));
  return cborToJson(decoded);
}

function field(file: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) if (file[n] !== undefined) return file[n];
  return undefined;
}

export async function observeConformanceFile(
  file: Record<string, unknown>,
  options: ConformanceOptions = {},
): Promise<Observed> {
  const observed = Object.fromEntries(CONFORMANCE_STEPS.map((s) => [s, null])) as Observed;
  const ctx = (field(file, 'TESTCTX') ?? {}) as Record<string, unknown>;
  const json = field(file, 'JSON');
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const prefix = str(field(file, 'PREFIX'));
  const base45 = str(field(file, 'BASE45'));
  const cborHex = str(field(file, 'CBOR'));
  const coseHex = str(field(file, 'COSE'));
  const compressedHex = str(field(file, 'COMPRESSED'));
  const certificate = str(ctx.CERTIFICATE);
  const clock = str(ctx.VALIDATIONCLOCK);
  const image = str(field(file, '2DCODE', '_2DCODE'));

  if (prefix !== undefined) {
    observed.UNPREFIX =
      prefix.startsWith(HC1_PREFIX) && (base45 === undefined || HC1_PREFIX + base45 === prefix);
  }
  // Hex fields decoded once; `null` marks a field that is present but not hex.
  const bytesOf = (hex: string | undefined): Uint8Array | null | undefined => {
    if (hex === undefined) return undefined;
    try {
      return hexToBytes(hex);
    } catch {
      return null;
    }
  };
  const compressed = bytesOf(compressedHex);
  const coseField = bytesOf(coseHex);
  const cborField = bytesOf(cborHex);
  const b45 = base45 ?? (prefix?.startsWith(HC1_PREFIX) ? prefix.slice(HC1_PREFIX.length) : undefined);
  if (b45 !== undefined) {
    const r = await attempt(() => base45Decode(b45));
    observed.B45DECODE =
      r.ok && (compressed === undefined || (!!compressed && bytesEqual(r.value, compressed)));
  }
  if (compressed) {
    const r = await attempt(() => zlibInflate(compressed));
    observed.COMPRESSION =
      r.ok && (coseField === undefined || (!!coseField && bytesEqual(r.value, coseField)));
  }
  // The COSE bytes: the file's own, else what the chain from COMPRESSED or PREFIX yields.
  const coseBytesR = await attempt(() => {
    if (coseField !== undefined) return coseField ?? undefined;
    if (compressed) return zlibInflate(compressed);
    if (b45 !== undefined) return zlibInflate(base45Decode(b45));
    return undefined;
  });
  const coseBytes = coseBytesR.ok ? coseBytesR.value : undefined;
  const chainAttempted = coseHex !== undefined || compressedHex !== undefined || b45 !== undefined;
  // The HCERT in the CBOR field (either the HCERT map itself or the whole CWT claims map).
  const cborHcertR = cborField ? await attempt(() => hcertFromCborField(cborField)) : undefined;
  const cborHcert = cborHcertR?.ok ? { value: cborHcertR.value } : undefined;
  const coseR = coseBytes ? await attempt(() => parseCoseSign1(coseBytes)) : undefined;
  const cose = coseR?.ok ? coseR.value : undefined;
  const claimsR = cose ? await attempt(() => parseHcertClaims(cose.payload)) : undefined;
  const claims = claimsR?.ok ? claimsR.value : undefined;
  const dscR = certificate ? await attempt(async () => parseDsc(base64ToBytes(certificate))) : undefined;
  const dsc = dscR?.ok ? dscR.value : undefined;

  if (coseBytes !== undefined || (chainAttempted && json !== undefined)) {
    if (!cose || !dsc || !certificate) observed.VERIFY = false;
    else {
      const kid = await computeKid(base64ToBytes(certificate));
      const sig = await attempt(() => verifyCoseSign1(cose, dsc.publicKey));
      observed.VERIFY = !!cose.kid && bytesEqual(cose.kid, kid) && sig.ok && sig.value;
    }
    if (json !== undefined) {
      let cborMatches = true;
      if (cborHex !== undefined && cose) {
        const payloadHcert = await attempt(() => hcertFromCborField(cose.payload));
        cborMatches = payloadHcert.ok && !!cborHcert && same(payloadHcert.value, cborHcert.value);
      }
      observed.DECODE = !!claims && same(claims.hcert, json) && cborMatches;
    }
  }
  if (cborHex !== undefined && json !== undefined)
    observed.VALIDJSON = !!cborHcert && same(cborHcert.value, json);
  const decodedHcert: unknown = claims?.hcert ?? cborHcert?.value ?? json;
  if (options.schemas && decodedHcert !== undefined) {
    observed.SCHEMAVALIDATION = validateHcertSchema(decodedHcert, options.schemas)?.ok ?? null;
  }
  if (claims && clock !== undefined) {
    const now = parseSuiteTime(clock);
    const { issuedAt, expiresAt } = claims;
    observed.EXPIRATIONCHECK =
      !!now &&
      !!expiresAt &&
      (!issuedAt || issuedAt.getTime() <= now.getTime()) &&
      now.getTime() <= expiresAt.getTime();
  }
  if (dsc && decodedHcert && typeof decodedHcert === 'object') {
    const type = hcertType(decodedHcert as Record<string, unknown>);
    if (type === 'vaccination' || type === 'test' || type === 'recovery')
      observed.KEYUSAGE = dscMaySign(dsc, type);
  }
  if (image !== undefined && prefix !== undefined && options.readQr) {
    const read = options.readQr;
    const r = await attempt(async () => read(base64ToBytes(image)));
    observed.PICTUREDECODE = r.ok && r.value.includes(prefix);
  }
  if (json !== undefined && options.schemas)
    observed.VALIDOBJECT = validateHcertSchema(json, options.schemas)?.ok ?? null;
  if (json !== undefined && cborHex !== undefined) {
    const r = await attempt(() => cborToJson(cborDecode(cborEncode(jsonToCbor(json)))));
    observed.ENCODE = r.ok && !!cborHcert && same(r.value, cborHcert.value);
  }
  return observed;
}

/**
 * Compares observed flags with a file's EXPECTEDRESULTS; returns the mismatching step names.
 * A step observed as `null` lacked its inputs in the file and is not tested, as the upstream runner did.
 */
export function conformanceMismatches(file: Record<string, unknown>, observed: Observed): ConformanceStep[] {
  const expected = (file.EXPECTEDRESULTS ?? {}) as Record<string, unknown>;
  return CONFORMANCE_STEPS.filter((step) => {
    const want = expected[`EXPECTED${step}`];
    return typeof want === 'boolean' && observed[step] !== null && observed[step] !== want;
  });
}
