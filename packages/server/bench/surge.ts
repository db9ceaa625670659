/**
 * `npm run bench:surge`: the issue-8 quality bar, measured. For each mode (direct PostgreSQL, NATS with one
 * message per entry, NATS with one message per request, PGlite) it starts a fresh server (surge-server.ts) on a
 * fresh database, runs `greenlight surge` at 10,000/s for 60 s and then at 50,000/s for 10 s, and prints the
 * surge reports. Everything runs on this machine: PostgreSQL on 127.0.0.1:5432, a private nats-server.
 * Environment: SURGE_MODES=direct,nats,nats-batch,pglite  SURGE_SECONDS=60  SPIKE_SECONDS=10
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresDatabase } from '../test/databases.ts';
import { freePort, stopProcess, waitForOutput } from '../test/processes.ts';

const SERVER = fileURLToPath(new URL('./surge-server.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../../cli/bin/greenlight.js', import.meta.url));
const NATS_SERVER = '/usr/sbin/nats-server';
const MODES = (process.env.SURGE_MODES ?? 'direct,nats,nats-batch,pglite').split(',');
const SUSTAINED_S = Number(process.env.SURGE_SECONDS ?? 60);
const SPIKE_S = Number(process.env.SPIKE_SECONDS ?? 10);

function surge(args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', CLI, 'surge', '--json', ...args],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`surge printed no report: ${out}`));
      }
    });
  });
}

interface Row {
  mode: string;
  scenario: string;
  report: Record<string, number>;
}

async function runMode(mode: string): Promise<Row[]> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const port = await freePort();
    const serverArgs = ['--port', String(port)];
    let databaseUrl: string | undefined;
    if (mode === 'pglite') {
      const dir = mkdtempSync(join(tmpdir(), 'surge-pglite-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      serverArgs.push('--data-dir', dir);
    } else {
      const database = await createPostgresDatabase();
      cleanups.push(database.drop);
      databaseUrl = database.url;
      serverArgs.push('--database-url', database.url);
    }
    if (mode.startsWith('nats')) {
      const natsPort = await freePort();
      const dir = mkdtempSync(join(tmpdir(), 'surge-nats-'));
      const nats = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(natsPort), '-sd', dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      cleanups.push(async () => {
        await stopProcess(nats);
        rmSync(dir, { recursive: true, force: true });
      });
      await waitForOutput(nats, /Server is ready/);
      serverArgs.push('--nats-url', `nats://127.0.0.1:${natsPort}`);
      serverArgs.push('--message-per', mode === 'nats-batch' ? 'batch' : 'entry');
    }
    const server = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', SERVER, ...serverArgs],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    cleanups.push(() => stopProcess(server));
    await waitForOutput(server, /listening/);
    const common = ['--target', `http://127.0.0.1:${port}`, '--venues', '200', '--batch', '100'];
    if (databaseUrl) common.push('--database-url', databaseUrl);
    const rows: Row[] = [];
    console.error(`\n${mode}: sustained 10,000/s for ${SUSTAINED_S} s`);
    rows.push({
      mode,
      scenario: `10k/s x ${SUSTAINED_S}s`,
      report: await surge([...common, '--rate', '10000', '--duration', String(SUSTAINED_S)]),
    });
    console.error(`\n${mode}: spike 50,000/s for ${SPIKE_S} s`);
    rows.push({
      mode,
      scenario: `50k/s x ${SPIKE_S}s`,
      // A spike from many devices at once: more sockets than the server's in-flight bound, so it must answer 429.
      report: await surge([
        ...common,
        '--rate',
        '50000',
        '--duration',
        String(SPIKE_S),
        '--drain',
        '300',
        '--concurrency',
        '2000',
      ]),
    });
    return rows;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}

const rows: Row[] = [];
for (const mode of MODES) {
  try {
    rows.push(...(await runMode(mode)));
  } catch (error) {
    console.error(`${mode}: ${(error as Error).message}`);
  }
}
const columns = [
  'sent',
  'acked',
  'stored',
  'duplicates',
  'lost',
  'p50_ms',
  'p99_ms',
  'max_inflight',
  'rejected_429',
  'elapsed_s',
];
console.log(`\n| mode | scenario | ${columns.join(' | ')} |`);
console.log(`| --- | --- | ${columns.map(() => '---:').join(' | ')} |`);
for (const row of rows)
  console.log(`| ${row.mode} | ${row.scenario} | ${columns.map((c) => row.report[c]).join(' | ')} |`);
