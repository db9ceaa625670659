/**
 * First-day surge benchmark (issue: the 13 December 2021 lunchtime). Prepares a registry, measures bulk issuance
 * (certificates/s), then drives a separate server process from this one (sharing the machine's 2 cores):
 *   downloads  logged-in holders fetching their stored certificates (target 3,000/s, p99 < 100 ms, zero 5xx)
 *   logins     one-time-code logins, send + verify (the rate is reported)
 *   bundles    scanners refreshing a bundle they already have, answered 304 (target 10,000/s)
 * against PostgreSQL on 127.0.0.1 (a fresh database, dropped after) and PGlite (a temporary directory).
 *
 *   npm run bench:issuance [-- --only postgres|pglite] [-- --duration 10] [-- --people 3000] [-- --concurrency 64] [-- --json]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { migrate } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite.ts';
import { openPostgres } from '../src/db/postgres.ts';
import type { Db } from '../src/db/types.ts';
import { runIssuance } from '../src/issuance/job.ts';
import { KeyStore } from '../src/keys/store.ts';
import { seedDemo } from '../src/seed/seed.ts';
import { createPostgresDatabase } from '../test/databases.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    duration: { type: 'string', default: '10' },
    people: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '64' },
    json: { type: 'boolean', default: false },
  },
});
const DURATION_MS = Number(values.duration) * 1000;
const CONCURRENCY = Number(values.concurrency);
const SECRET = 'bench-secret-bench-secret-bench-secret-0';
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Scenario {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  status5xx: number;
  otherErrors: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Number(
    (sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number).toFixed(2),
  );
}

/** One request through the pool; the body is read whole, as a client would. */
async function call(
  pool: Pool,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  const response = await pool.request({
    method,
    path,
    headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
    ...(body ? { body } : {}),
  });
  return { status: response.statusCode, text: await response.body.text() };
}

/** `workers` loops, each sending one request at a time, until the duration is over (or `next` runs dry). */
async function drive(
  base: URL,
  workers: number,
  step: (pool: Pool) => Promise<number | undefined>,
  durationMs: number,
): Promise<Scenario> {
  const pool = new Pool(base.origin, { connections: workers });
  const latencies: number[] = [];
  let status5xx = 0;
  let otherErrors = 0;
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const status = await step(pool);
          if (status === undefined) return;
          latencies.push(performance.now() - t0);
          if (status >= 500) status5xx++;
          else if (status >= 400) otherErrors++;
        } catch (error) {
          if (otherErrors++ === 0) log(`  first error: ${(error as Error).message}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: Math.round(latencies.length / seconds),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    status5xx,
    otherErrors,
  };
}

async function prepare(db: Db, people: number) {
  await migrate(db);
  const keys = new KeyStore(db, { secret: SECRET });
  await keys.ensure();
  log(`  seeding ${people} people…`);
  await seedDemo(db, { people });
  const issuance = await runIssuance(db, keys, { shcIssuer: 'https://greenlight.localhost' });
  log(`  bulk issuance: ${issuance.signed} certificates in ${issuance.seconds.toFixed(1)} s`);
  const { rows } = await db.query<{ id: string; phone: string | null }>(
    'SELECT DISTINCT p.id, p.phone FROM people p JOIN issued_certificates c ON c.person_id = p.id WHERE p.guardian_id IS NULL',
  );
  const sessions: string[] = [];
  const now = new Date();
  for (const row of rows.slice(0, 1000)) {
    const token = randomBytes(32).toString('base64url');
    await db.query(
      'INSERT INTO holder_sessions (token_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [
        createHash('sha256').update(token).digest('hex'),
        row.id,
        now.toISOString(),
        new Date(now.getTime() + 86400_000).toISOString(),
      ],
    );
    sessions.push(token);
  }
  const contacts = rows.filter((r) => r.phone).map((r) => r.phone as string);
  return { issuance, sessions, contacts };
}

async function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; base: URL }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', new URL('./issuance-server.ts', import.meta.url).pathname],
    {
      env: { ...process.env, ...env, BENCH_SECRET: SECRET },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const base = await new Promise<URL>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /ready (\S+)/.exec(out);
      if (match) resolve(new URL(match[1] as string));
    });
    child.on('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
  });
  return { child, base };
}

async function run(kind: 'postgres' | 'pglite') {
  log(`${kind}:`);
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let db: Db;
  if (kind === 'postgres') {
    const pg = await createPostgresDatabase();
    db = openPostgres(pg.url, { poolSize: 4 });
    env = { DATABASE_URL: pg.url };
    cleanup = () => pg.drop();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-'));
    db = await openPglite(dir);
    env = { GREENLIGHT_DATA_DIR: dir };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const prepared = await prepare(db, Number(values.people));
  await db.close();
  const { child, base } = await startChild(env);
  try {
    const sessions = prepared.sessions;
    let i = 0;
    const download = async (pool: Pool) => {
      const token = sessions[i++ % sessions.length] as string;
      return (await call(pool, 'GET', '/v1/me/certificates', { authorization: `Bearer ${token}` })).status;
    };
    await drive(base, 8, download, 1500); // warm-up
    const downloads = await drive(base, CONCURRENCY, download, DURATION_MS);
    log(
      `  downloads: ${downloads.perSecond}/s, p50 ${downloads.p50Ms} ms, p99 ${downloads.p99Ms} ms, 5xx ${downloads.status5xx}`,
    );

    const etag = (await fetch(new URL('/v1/bundles/rules', base))).headers.get('etag') as string;
    const refresh = async (pool: Pool) =>
      (await call(pool, 'GET', '/v1/bundles/rules', { 'if-none-match': etag })).status;
    await drive(base, 8, refresh, 1000);
    const bundles = await drive(base, CONCURRENCY, refresh, DURATION_MS);
    log(
      `  bundle 304s: ${bundles.perSecond}/s, p50 ${bundles.p50Ms} ms, p99 ${bundles.p99Ms} ms, 5xx ${bundles.status5xx}`,
    );

    const contacts = [...prepared.contacts];
    const login = async (pool: Pool) => {
      const contact = contacts.pop();
      if (!contact) return undefined;
      const digits = contact.replace(/\D/g, '');
      await call(pool, 'POST', '/v1/auth/otp', {}, JSON.stringify({ contact }));
      const { text } = await call(pool, 'GET', `/bench/otp/${digits}`, {});
      const { code } = JSON.parse(text) as { code: string };
      return (await call(pool, 'POST', '/v1/auth/otp/verify', {}, JSON.stringify({ contact, code }))).status;
    };
    const logins = await drive(base, 16, login, DURATION_MS);
    log(
      `  logins: ${logins.perSecond}/s (send + verify), p99 ${logins.p99Ms} ms, 5xx ${logins.status5xx}, other errors ${logins.otherErrors}`,
    );
    return {
      certificates_per_s: Math.round(prepared.issuance.certificatesPerSecond),
      downloads,
      bundles_304: bundles,
      logins,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await cleanup();
  }
}

const results: Record<string, unknown> = {};
for (const kind of ['postgres', 'pglite'] as const) {
  if (values.only && values.only !== kind) continue;
  results[kind] = await run(kind);
}
if (values.json) console.log(JSON.stringify(results));
else console.log(JSON.stringify(results, null, 2));
