/**
 * Faults during a check-in run (issue 8): the API killed with SIGKILL and restarted, a private PostgreSQL
 * cluster restarted, a private NATS server restarted. After the clients' retries: 0 lost, 0 duplicates.
 * Slow (about a minute in all); the machine's own PostgreSQL and NATS are never restarted.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runSurge } from '../../packages/cli/src/commands/surge.ts';
import { createPostgresDatabase } from '../../packages/server/test/databases.ts';
import { freePort, stopProcess, waitForOutput } from '../../packages/server/test/processes.ts';

const SERVER = fileURLToPath(new URL('../../packages/server/bench/surge-server.ts', import.meta.url));
const PG_BIN = '/usr/local/bin';
const NATS_SERVER = '/usr/sbin/nats-server';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
});

async function startApi(port: number, args: string[]): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', SERVER, '--port', String(port), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  cleanups.push(() => stopProcess(child, 'SIGKILL'));
  await waitForOutput(child, /listening/);
  return child;
}

/** Five seconds at 400 check-ins a second, with `fault` one and a half seconds in. */
async function surgeWithFault(target: string, databaseUrl: string, fault: () => Promise<void>) {
  const run = runSurge({
    target,
    rate: 400,
    durationS: 5,
    venues: 10,
    batch: 20,
    drainS: 60,
    databaseUrl,
    progress: () => {},
  });
  await sleep(1500);
  await fault();
  return run;
}

describe('check-in ingestion under faults', () => {
  it('loses nothing when the API is killed with SIGKILL and restarted', async () => {
    const database = await createPostgresDatabase();
    cleanups.push(database.drop);
    const port = await freePort();
    let api = await startApi(port, ['--database-url', database.url]);
    const report = await surgeWithFault(`http://127.0.0.1:${port}`, database.url, async () => {
      await stopProcess(api, 'SIGKILL');
      await sleep(1000);
      api = await startApi(port, ['--database-url', database.url]);
    });
    await stopProcess(api);
    expect(report.network_errors + report.errors_503).toBeGreaterThan(0);
    expect(report).toMatchObject({ lost: 0, duplicates: 0, unacked: 0, stored: report.sent });
  });

  it('loses nothing when PostgreSQL restarts (a private cluster)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenlight-pg-'));
    chmodSync(dir, 0o777);
    const data = join(dir, 'data');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const asPostgres = (command: string, args: string[]) =>
      execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, command), ...args], { stdio: 'pipe' });
    asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth', 'trust', '-E', 'UTF8']);
    const pgPort = await freePort();
    const ctl = (action: string) =>
      asPostgres('pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'log'),
        '-w',
        '-o',
        `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1`,
        action,
      ]);
    ctl('start');
    cleanups.push(() => {
      ctl('stop');
    });
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${pgPort}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE greenlight');
    await admin.end();
    const url = `postgres://postgres@127.0.0.1:${pgPort}/greenlight`;
    const port = await freePort();
    const api = await startApi(port, ['--database-url', url]);
    const report = await surgeWithFault(`http://127.0.0.1:${port}`, url, async () => {
      ctl('stop');
      await sleep(1500);
      ctl('start');
    });
    await stopProcess(api);
    expect(report.errors_503).toBeGreaterThan(0);
    expect(report).toMatchObject({ lost: 0, duplicates: 0, unacked: 0, stored: report.sent });
  });

  it('loses nothing when NATS restarts (scale-out mode, a private nats-server)', async () => {
    const database = await createPostgresDatabase();
    cleanups.push(database.drop);
    const dir = mkdtempSync(join(tmpdir(), 'greenlight-nats-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const natsPort = await freePort();
    const startNats = async () => {
      const nats = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(natsPort), '-sd', dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      cleanups.push(() => stopProcess(nats));
      await waitForOutput(nats, /Server is ready/);
      return nats;
    };
    let nats = await startNats();
    const port = await freePort();
    const api = await startApi(port, [
      '--database-url',
      database.url,
      '--nats-url',
      `nats://127.0.0.1:${natsPort}`,
    ]);
    const report = await surgeWithFault(`http://127.0.0.1:${port}`, database.url, async () => {
      await stopProcess(nats);
      await sleep(1500);
      nats = await startNats();
    });
    await stopProcess(api);
    await stopProcess(nats);
    expect(report).toMatchObject({ lost: 0, duplicates: 0, unacked: 0, stored: report.sent });
  }, 120_000); // a batch caught in the restart is redelivered after the consumer's ack wait (30 s)
});
