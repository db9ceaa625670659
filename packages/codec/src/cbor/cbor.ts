/** CBOR (RFC 8949) through cbor-x, configured for COSE: maps stay Maps so integer keys survive. */
import { Decoder, Encoder, Tag } from 'cbor-x';
import { GreenlightError } from '../errors.ts';

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false } as ConstructorParameters<
  typeof Decoder
>[0]);
const encoder = new Encoder({
  mapsAsObjects: false,
  useRecords: false,
  tagUint8Array: false,
} as ConstructorParameters<typeof Encoder>[0]);

export { Tag };

export function cborDecode(bytes: Uint8Array): unknown {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new GreenlightError('cbor', 'ERR_CBOR_MALFORMED', 'bytes are not well-formed CBOR', { cause });
  }
}

export function cborEncode(value: unknown): Uint8Array {
  return new Uint8Array(encoder.encode(value));
}

/** Turns decoded CBOR into JSON values: Maps become objects, dates ISO strings, bytes stay bytes. */
export function cborToJson(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = cborToJson(v);
    return out;
  }
  if (Array.isArray(value)) return value.map(cborToJson);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Tag) return cborToJson(value.value);
  return value;
}

/** The inverse for issuing: plain objects become Maps with their key order kept. */
export function jsonToCbor(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonToCbor);
  if (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Map)
  ) {
    return new Map(Object.entries(value).map(([k, v]) => [k, jsonToCbor(v)]));
  }
  return value;
}
