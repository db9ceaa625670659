/**
 * The OpenAPI fuzz test: for every operation of /openapi.json, fast-check builds requests from the operation's own
 * schemas (path and query parameters, headers, body, security), valid and broken, and sends them as each kind of
 * caller, on PGlite and on PostgreSQL. No answer may be a 5xx, every error body must carry a code of the error
 * table with that code's status, and every status must be one the operation documents.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.ts';
import { type Callers, callersApp, PARTNER_CLIENT, PERSON, VENUE } from '../callers.ts';
import { DB_KINDS, type TestDb, testDb } from '../databases.ts';

/**
 * Runs per operation and database: 31 operations × 80 runs took 35 to 50 s per database on a loaded 2-core
 * machine, within CI's 60 to 90 s (GREENLIGHT_FUZZ_RUNS raises it for a longer local run).
 */
const RUNS = Number(process.env.GREENLIGHT_FUZZ_RUNS ?? 80);
/** Room for a slow, shared CI machine; the runs, not the clock, bound the work. */
const FUZZ_TIMEOUT_MS = 240_000;

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
  security: string[];
  statuses: Set<number>;
}

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** Values that once reached PostgreSQL or the router badly (issue 16), and their kin. */
const NASTY_STRINGS = [
  '',
  ' ',
  ' '.repeat(10),
  '\u0000',
  'x@\u0000.com',
  '\ud800',
  '\udfff\ud800',
  '-'.repeat(36),
  '------------------------------------:dcc',
  'urn:uuid:0190a000-0000-7000-8000-000000000001',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2022-02-30',
  'Infinity',
  '-Infinity',
  'NaN',
  '1e400',
  '-1e308',
  '../../../../etc/passwd',
  "' OR 1=1 --",
  '%zz',
  '%00',
  '%',
  'x'.repeat(5000),
  '𝕏'.repeat(300),
];
const NASTY_VALUES: unknown[] = [
  ...NASTY_STRINGS,
  0,
  -1,
  1e308,
  -1e308,
  2 ** 53 + 1,
  0.5,
  true,
  null,
  [],
  {},
  [[[[[]]]]],
];
/** Raw bodies that JSON.stringify cannot make. */
const RAW_BODIES = [
  '{"broken',
  '1e400',
  '{"reason":1e400,"limit":-1e400}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`,
  '"\\u0000"',
  '{"__proto__":{"polluted":true}}',
  '',
  'null',
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
];

function operations(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const result: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)
        ?.content;
      result.push({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters as Parameter[] | undefined) ?? [],
        body: content?.['application/json']?.schema,
        security: ((op.security as Record<string, string[]>[] | undefined) ?? []).flatMap((requirement) =>
          Object.keys(requirement),
        ),
        statuses: new Set(Object.keys(op.responses as object).map(Number)),
      });
    }
  }
  return result;
}

/** A value the schema admits (mostly); formats get real values, and known ids are favoured so routes go deep. */
function valid(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((s) => valid(s, depth)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return validString(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return depth > 3
        ? fc.constant([])
        : fc.array(valid(schema.items ?? {}, depth + 1), {
            minLength: schema.minItems ?? 0,
            maxLength: Math.min(schema.maxItems ?? 5, 5),
          });
    case 'object': {
      const required = new Set(schema.required ?? []);
      const entries = Object.entries(schema.properties ?? {});
      return fc.record(Object.fromEntries(entries.map(([key, s]) => [key, valid(s, depth + 1)])), {
        requiredKeys: entries.map(([key]) => key).filter((key) => required.has(key)),
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const moment = fc
    .date({
      min: new Date('2021-12-01T00:00:00Z'),
      max: new Date('2022-02-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString());
  if (schema.format === 'uuid') {
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(PERSON, VENUE) },
      { weight: 1, arbitrary: fc.uuid() },
    );
  }
  if (schema.format === 'date-time') return moment;
  if (schema.format === 'date') return moment.map((text) => text.slice(0, 10));
  if (schema.pattern?.includes('(dcc|shc)')) {
    return fc
      .tuple(fc.oneof(fc.constant(PERSON), fc.uuid()), fc.constantFrom('dcc', 'shc'))
      .map(([id, kind]) => `${id}:${kind}`);
  }
  if (schema.pattern?.includes(':dcc'))
    return fc.oneof(fc.constant(PERSON), fc.uuid()).map((id) => `${id}:dcc`);
  if (schema.pattern) {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => {
      const length = [...text].length;
      return length >= (schema.minLength ?? 0) && length <= (schema.maxLength ?? Number.POSITIVE_INFINITY);
    });
  }
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
}

/** A value of the schema's shape with one part broken, or anything at all. */
function broken(schema: JsonSchema): fc.Arbitrary<unknown> {
  const nasty = fc.constantFrom(...NASTY_VALUES);
  if (schema.type === 'object' && schema.properties) {
    const keys = Object.keys(schema.properties);
    return fc
      .tuple(valid(schema), fc.constantFrom(...keys), fc.oneof(nasty, fc.anything({ maxDepth: 2 })))
      .map(([value, key, bad]) => ({ ...(value as object), [key]: bad }));
  }
  if (schema.type === 'array' && schema.items) {
    return fc
      .tuple(fc.array(broken(schema.items), { minLength: 1, maxLength: 3 }), valid(schema))
      .map(([bad, good]) => [...(good as unknown[]), ...bad]);
  }
  return fc.oneof(nasty, fc.anything({ maxDepth: 2 }), fc.string({ unit: 'grapheme', maxLength: 30 }));
}

/** A generated value as parameter text (`String` throws on an object without a prototype). */
function asText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return JSON.stringify(value) ?? '';
  }
}

/** RFC 3986 percent-encoding of the UTF-8 bytes; unlike encodeURIComponent it takes lone surrogates (as U+FFFD). */
function percentEncoded(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Text for a path or query parameter: encoded as a client would, or raw bytes a client should not send. */
function parameterText(schema: JsonSchema): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: valid(schema).map((value) => percentEncoded(asText(value))) },
    { weight: 3, arbitrary: broken(schema).map((value) => percentEncoded(asText(value))) },
    { weight: 1, arbitrary: fc.constantFrom('%zz', '%00', '%', '%E0%A4%A', 'a'.repeat(150), '..%2F..', '') },
  );
}

function authorizations(callers: Callers, security: string[]): fc.Arbitrary<string | undefined> {
  const own: string[] = [];
  if (security.includes('holderSession')) own.push(callers.holder);
  if (security.includes('staffToken')) own.push(...Object.values(callers.staff));
  if (security.includes('deviceCredential')) own.push(callers.device);
  if (security.includes('partnerOAuth')) own.push(callers.partner);
  if (security.includes('partnerClientBasic')) {
    own.push(
      `Basic ${Buffer.from(`${PARTNER_CLIENT.clientId}:${PARTNER_CLIENT.clientSecret}`).toString('base64')}`,
    );
  }
  const others = [callers.holder, callers.device, callers.partner, ...Object.values(callers.staff)];
  const junk = fc.oneof(
    fc.constantFrom('Basic JQ==', 'Basic', 'Bearer', 'Bearer ', 'Bearer st_', 'Bearer pt_a.b.c', 'Digest x'),
    fc.string({ maxLength: 60 }).map((text) => `Bearer ${text.replace(/[^\x21-\x7e]/g, '')}`),
    fc.string({ maxLength: 40 }).map((text) => `Basic ${Buffer.from(text).toString('base64')}`),
  );
  return fc.oneof(
    ...(own.length > 0 ? [{ weight: 6, arbitrary: fc.constantFrom(...own) }] : []),
    { weight: 1, arbitrary: fc.constantFrom(...others) },
    { weight: 1, arbitrary: junk },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function requests(op: Operation, callers: Callers): fc.Arbitrary<FuzzRequest> {
  const path = op.parameters.filter((p) => p.in === 'path');
  const query = op.parameters.filter((p) => p.in === 'query');
  const headers = op.parameters.filter((p) => p.in === 'header' && p.name !== 'authorization');
  const pathValues = fc.tuple(...path.map((p) => parameterText(p.schema)));
  const queryValues = fc.tuple(
    ...query.map((p) => fc.option(parameterText(p.schema), { nil: undefined, freq: p.required ? 8 : 2 })),
  );
  const headerValues = fc.tuple(
    ...headers.map((p) =>
      fc.option(
        fc.oneof(
          valid(p.schema).map(String),
          fc.string({ maxLength: 40 }).map((t) => t.replace(/[^\x20-\x7e]/g, '')),
        ),
        { nil: undefined },
      ),
    ),
  );
  const extraQuery = fc.option(
    fc
      .tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...NASTY_STRINGS))
      .map(([key, value]) => `${percentEncoded(key)}=${percentEncoded(value)}`),
    { nil: undefined, freq: 4 },
  );
  const body: fc.Arbitrary<{ payload?: string; contentType?: string }> = op.body
    ? fc.oneof(
        { weight: 4, arbitrary: valid(op.body).map((value) => ({ payload: JSON.stringify(value) })) },
        {
          weight: 4,
          arbitrary: broken(op.body).map((value) => ({ payload: JSON.stringify(value) ?? 'null' })),
        },
        { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map((payload) => ({ payload })) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(valid(op.body), fc.constantFrom(...CONTENT_TYPES))
            .map(([value, contentType]) => ({ payload: JSON.stringify(value), contentType })),
        },
      )
    : op.method === 'GET'
      ? fc.constant({})
      : fc.oneof(
          fc.constant({}),
          fc.constantFrom(...RAW_BODIES).map((payload) => ({ payload })),
        );
  return fc
    .tuple(pathValues, queryValues, headerValues, extraQuery, body, authorizations(callers, op.security))
    .map(([pathArgs, queryArgs, headerArgs, extra, { payload, contentType }, authorization]) => {
      let url = op.path;
      path.forEach((p, index) => {
        url = url.replace(`{${p.name}}`, pathArgs[index] as string);
      });
      const pairs = query.flatMap((p, index) =>
        queryArgs[index] === undefined ? [] : [`${p.name}=${queryArgs[index]}`],
      );
      if (extra) pairs.push(extra);
      if (pairs.length > 0) url += `?${pairs.join('&')}`;
      const sent: Record<string, string> = {};
      headers.forEach((p, index) => {
        if (headerArgs[index] !== undefined) sent[p.name] = headerArgs[index] as string;
      });
      if (authorization !== undefined) sent.authorization = authorization;
      if (payload !== undefined) sent['content-type'] = contentType ?? 'application/json';
      return { method: op.method, url, headers: sent, ...(payload !== undefined ? { payload } : {}) };
    });
}

/** Why an answer breaks the rules, or undefined. */
function fault(op: Operation, status: number, body: string): string | undefined {
  if (status >= 500) return `a ${status}: ${body.slice(0, 300)}`;
  if (!op.statuses.has(status)) return `status ${status} is not documented (${[...op.statuses].join(', ')})`;
  if (status < 400) return undefined;
  let code: unknown;
  try {
    code = (JSON.parse(body) as { code?: unknown }).code;
  } catch {
    return `an error body that is not JSON: ${body.slice(0, 200)}`;
  }
  const entry = ERRORS[code as keyof typeof ERRORS];
  if (!entry) return `error code ${String(code)} is not in the error table`;
  if (entry.status !== status) return `${String(code)} answered ${status}, the table says ${entry.status}`;
  return undefined;
}

describe.each(DB_KINDS)('the OpenAPI fuzz test (%s)', (kind) => {
  let t: TestDb;
  let callers: Callers;
  let app: FastifyInstance;
  let ops: Operation[] = [];
  let sent = 0;
  let started = 0;
  beforeAll(async () => {
    t = await testDb(kind);
    callers = await callersApp(t.db);
    app = callers.app;
    ops = operations((await app.inject('/openapi.json')).json());
    started = performance.now();
  });
  afterAll(async () => {
    if (sent > 0) {
      console.info(
        `OpenAPI fuzz (${kind}): ${sent} requests over ${ops.length} operations in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    await app?.close();
    await t?.release();
  });

  it('documents every operation with its security and its error answers', () => {
    expect(ops.length).toBeGreaterThanOrEqual(25);
    for (const op of ops) {
      expect(op.statuses.has(400), `${op.method} ${op.path}`).toBe(true);
      if (op.security.length > 0) expect(op.statuses.has(401), `${op.method} ${op.path}`).toBe(true);
    }
    const secured = ops.filter((op) => op.path.startsWith('/v1/me') || op.path.startsWith('/v1/registry'));
    expect(secured.every((op) => op.security.length > 0)).toBe(true);
  });

  it(
    'answers every generated request to every operation without a 5xx, with documented codes and statuses',
    async () => {
      const faults: string[] = [];
      for (const op of ops) {
        const before = faults.length;
        await fc
          .assert(
            fc.asyncProperty(requests(op, callers), async (request) => {
              const res = await app.inject({
                method: request.method as 'GET',
                url: request.url,
                headers: request.headers,
                ...(request.payload !== undefined ? { payload: request.payload } : {}),
              });
              sent++;
              const problem = fault(op, res.statusCode, res.body);
              if (problem)
                faults.push(
                  `${op.method} ${op.path}: ${problem}\n  ${JSON.stringify(request).slice(0, 400)}`,
                );
              return problem === undefined;
            }),
            { numRuns: RUNS, endOnFailure: true },
          )
          .catch((error: unknown) => {
            // A broken rule is already in `faults` (one report for every operation, not only the first); anything
            // else (inject itself failing) is reported here.
            if (faults.length === before)
              faults.push(`${op.method} ${op.path}: ${String(error).slice(0, 400)}`);
          });
      }
      expect(faults).toEqual([]);
    },
    FUZZ_TIMEOUT_MS,
  );
});
