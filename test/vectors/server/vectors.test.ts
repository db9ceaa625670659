/**
 * Walks test/vectors/server: requests that once answered 500 (issue 16) and their kin, each with the status and
 * code it must get, on PGlite and on PostgreSQL.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../../packages/server/src/errors.ts';
import { type Callers, callersApp } from '../../../packages/server/test/callers.ts';
import { DB_KINDS, type TestDb, testDb } from '../../../packages/server/test/databases.ts';

interface Vector {
  description: string;
  request: {
    method: 'GET' | 'POST' | 'PUT' | 'DELETE';
    url: string;
    /** Who sends it: `holder`, `device`, `partner` or `staff:<role>`; nobody when absent. */
    as?: string;
    headers?: Record<string, string>;
    /** A JSON body. */
    json?: unknown;
    /** A raw body, sent as is. */
    payload?: string;
  };
  /** `code` for an error answer; `body`, matched as a subset, for a success. */
  expected: { status: number; code?: string; body?: unknown };
}

const root = dirname(fileURLToPath(import.meta.url));
const vectors: [string, Vector][] = readdirSync(root)
  .filter((name) => statSync(join(root, name)).isDirectory())
  .flatMap((folder) =>
    readdirSync(join(root, folder))
      .filter((file) => file.endsWith('.json'))
      .map((file): [string, Vector] => [
        `${folder}/${file}`,
        JSON.parse(readFileSync(join(root, folder, file), 'utf8')) as Vector,
      ]),
  );

function authorization(callers: Callers, as: string | undefined): string | undefined {
  if (as === undefined) return undefined;
  if (as.startsWith('staff:')) return callers.staff[as.slice(6) as keyof Callers['staff']];
  return callers[as as 'holder' | 'device' | 'partner'];
}

describe('the server vectors', () => {
  it('are found, and every expected error code is in the error table with its status', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(30);
    for (const [name, { expected }] of vectors) {
      if (expected.code === undefined) continue;
      expect(ERRORS[expected.code as keyof typeof ERRORS]?.status, name).toBe(expected.status);
    }
  });
});

describe.each(DB_KINDS)('the server vectors (%s)', (kind) => {
  let t: TestDb;
  let callers: Callers;
  beforeAll(async () => {
    t = await testDb(kind);
    callers = await callersApp(t.db);
  });
  afterAll(async () => {
    await callers?.app.close();
    await t?.release();
  });

  it.each(vectors)('%s', async (_name, vector) => {
    const { request, expected } = vector;
    const auth = authorization(callers, request.as);
    if (request.as !== undefined) expect(auth, `no caller ${request.as}`).toBeDefined();
    const options: InjectOptions = {
      method: request.method,
      url: request.url,
      headers: { ...(auth ? { authorization: auth } : {}), ...request.headers },
      ...(request.json !== undefined ? { payload: request.json as object } : {}),
      ...(request.payload !== undefined ? { payload: request.payload } : {}),
    };
    const res = await callers.app.inject(options);
    expect({ status: res.statusCode, body: res.json() }).toMatchObject({
      status: expected.status,
      body: expected.code ? { code: expected.code, message: expect.any(String) } : (expected.body ?? {}),
    });
  });
});
