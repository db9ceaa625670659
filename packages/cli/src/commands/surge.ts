/** `greenlight surge`: many simulated venue devices upload check-ins at a set rate, retry like scanners, then audit. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { CheckinEntry } from '@greenlight/codec';
import { ACK_WAIT_MS, type Db, openPostgres } from '@greenlight/server';
import { uuidv7 } from 'uuidv7';
import type { Command } from '../main.ts';

const USAGE = `Usage: greenlight surge --target URL --rate N --duration S [--venues V] [--batch B]
                       [--database-url URL] [--drain S] [--concurrency C] [--json]

Drives V simulated venue devices (default 100) against a Greenlight server on this machine (127.0.0.1 only):
N check-ins a second for S seconds, in batches of B entries (default 50) per request. A refused request
(429, 503, network error) is sent again with the same event ids after Retry-After plus exponential backoff
with jitter, as the scanner's outbox does. At most C requests (default 256) are in flight; other batches wait
in their device's outbox, and that wait counts in the latency. After the run (and at most --drain seconds, default 120, of
retries) it looks up its own event ids in the database and reports sent, acked, stored, duplicates, lost.

Devices and the final audit go through PostgreSQL (--database-url, or DATABASE_URL); without one, through
the bench-only admin routes of packages/server/bench/surge-server.ts (/bench/devices, /bench/audit).
A progress line goes to stderr every second; --json prints one JSON object on stdout. Exit 0 when every
entry was acknowledged and stored exactly once, 1 otherwise, 2 on bad usage.`;

export interface SurgeOptions {
  target: string;
  rate: number;
  durationS: number;
  venues: number;
  batch: number;
  databaseUrl?: string | undefined;
  drainS: number;
  /** Requests in flight at most (default 256): batches beyond wait in the devices' outboxes. */
  concurrency?: number;
  /** Progress line (stderr by default). */
  progress?: (line: string) => void;
}

export interface SurgeReport {
  sent: number;
  acked: number;
  stored: number;
  duplicates: number;
  lost: number;
  p50_ms: number;
  p99_ms: number;
  max_inflight: number;
  rejected_429: number;
  /** Beyond the contract: detail for the closing report. */
  unacked: number;
  rejected_entries: number;
  retries: number;
  errors_503: number;
  network_errors: number;
  duplicate_acks: number;
  requests: number;
  elapsed_s: number;
}

interface Device {
  venueId: string;
  credential: string;
}

interface Batch {
  device: Device;
  entries: CheckinEntry[];
  createdAt: number;
  attempts: number;
}

/** Ids and the audit: through PostgreSQL, or through the bench server's admin routes (PGlite). */
interface Backend {
  createDevices(count: number): Promise<Device[]>;
  audit(eventIds: string[]): Promise<{ stored: number; duplicates: number; found: Set<string> }>;
  close(): Promise<void>;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function postgresBackend(url: string): Backend {
  const db: Db = openPostgres(url, { poolSize: 4 });
  return {
    async createDevices(count) {
      const run = randomBytes(3).toString('hex');
      const devices: Device[] = [];
      for (let i = 0; i < count; i++) {
        const venueId = randomUUID();
        const deviceId = randomBytes(8).toString('hex');
        const secret = randomBytes(32).toString('base64url');
        await db.query(
          `INSERT INTO venues (id, name, category, address) VALUES ($1, $2, 'restaurant', 'surge')`,
          [venueId, `surge ${run} venue ${i + 1}`],
        );
        await db.query('INSERT INTO venue_devices (id, venue_id, secret_hash) VALUES ($1, $2, $3)', [
          deviceId,
          venueId,
          sha256Hex(secret),
        ]);
        devices.push({ venueId, credential: `${deviceId}.${secret}` });
      }
      return devices;
    },
    async audit(eventIds) {
      const found = new Set<string>();
      let stored = 0;
      let duplicates = 0;
      for (let i = 0; i < eventIds.length; i += 50_000) {
        const { rows } = await db.query<{ id: string; n: number }>(
          'SELECT event_id::text AS id, count(*)::int AS n FROM checkins WHERE event_id = ANY($1::uuid[]) GROUP BY 1',
          [eventIds.slice(i, i + 50_000)],
        );
        for (const row of rows) {
          found.add(row.id);
          stored += 1;
          duplicates += row.n - 1;
        }
      }
      return { stored, duplicates, found };
    },
    close: () => db.close(),
  };
}

function adminBackend(target: string): Backend {
  const call = async <T>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(new URL(path, target), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} (is this the bench server?)`);
    return (await response.json()) as T;
  };
  return {
    createDevices: async (count) => (await call<{ devices: Device[] }>('/bench/devices', { count })).devices,
    async audit(eventIds) {
      const found = new Set<string>();
      let duplicates = 0;
      for (let i = 0; i < eventIds.length; i += 20_000) {
        const answer = await call<{ found: string[]; duplicates: number }>('/bench/audit', {
          eventIds: eventIds.slice(i, i + 20_000),
        });
        for (const id of answer.found) found.add(id);
        duplicates += answer.duplicates;
      }
      return { stored: found.size, duplicates, found };
    },
    close: async () => {},
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function checkTarget(target: string): URL {
  const url = new URL(target);
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error('--target must be http://127.0.0.1:PORT (surge only drives a server on this machine)');
  }
  return url;
}

export async function runSurge(options: SurgeOptions): Promise<SurgeReport> {
  const target = checkTarget(options.target);
  const endpoint = new URL('/v1/checkins', target).toString();
  const backend = options.databaseUrl
    ? postgresBackend(options.databaseUrl)
    : adminBackend(target.toString());
  const progress = options.progress ?? ((line: string) => process.stderr.write(`\r${line}   `));
  try {
    const devices = await backend.createDevices(options.venues);
    const eventIds: string[] = [];
    const acked = new Set<string>();
    const latencies: number[] = [];
    const stats = {
      requests: 0,
      rejected429: 0,
      errors503: 0,
      network: 0,
      retries: 0,
      rejectedEntries: 0,
      duplicateAcks: 0,
      inflight: 0,
      maxInflight: 0,
    };
    const pending = new Set<Promise<void>>();
    const start = performance.now();
    const generationEnd = start + options.durationS * 1000;
    const giveUpAt = generationEnd + options.drainS * 1000;

    // A fleet has a bounded number of sockets: a batch waits (in its device's outbox) for a free one.
    const limit = options.concurrency ?? 256;
    let active = 0;
    const waiting: (() => void)[] = [];
    const acquire = async () => {
      while (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
    };
    const release = () => {
      active--;
      waiting.shift()?.();
    };

    const send = async (batch: Batch): Promise<void> => {
      await acquire();
      try {
        await attempt(batch);
      } finally {
        release();
      }
    };

    const attempt = async (batch: Batch): Promise<void> => {
      while (performance.now() < giveUpAt) {
        batch.attempts++;
        stats.requests++;
        stats.inflight++;
        stats.maxInflight = Math.max(stats.maxInflight, stats.inflight);
        let retryAfterMs = 0;
        try {
          const response = await fetch(endpoint, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${batch.device.credential}`,
            },
            body: JSON.stringify({ entries: batch.entries }),
            signal: AbortSignal.timeout(30_000),
          });
          if (response.ok) {
            const body = (await response.json()) as {
              accepted: string[];
              duplicates: string[];
              rejected: unknown[];
            };
            const now = performance.now();
            for (const id of body.accepted) acked.add(id);
            for (const id of body.duplicates) acked.add(id);
            stats.duplicateAcks += body.duplicates.length;
            stats.rejectedEntries += body.rejected.length;
            for (let i = 0; i < batch.entries.length; i++) latencies.push(now - batch.createdAt);
            return;
          }
          await response.arrayBuffer();
          if (response.status === 429) stats.rejected429++;
          else if (response.status === 503) stats.errors503++;
          else throw new Error(`unexpected HTTP ${response.status}`);
          retryAfterMs = (Number(response.headers.get('retry-after')) || 1) * 1000;
        } catch (error) {
          if ((error as Error).message.startsWith('unexpected HTTP')) throw error;
          stats.network++;
        } finally {
          stats.inflight--;
        }
        stats.retries++;
        // The scanner's rule: at least Retry-After, plus exponential backoff with full jitter. The socket is
        // given back while waiting.
        const step = Math.min(10_000, 250 * 2 ** Math.min(batch.attempts - 1, 6));
        release();
        await sleep(retryAfterMs * (0.5 + Math.random()) + step * Math.random());
        await acquire();
      }
    };

    const ticker = setInterval(() => {
      const elapsed = (performance.now() - start) / 1000;
      progress(
        `surge ${elapsed.toFixed(0)}s sent=${eventIds.length} acked=${acked.size} in-flight=${stats.inflight} ` +
          `429=${stats.rejected429} 503=${stats.errors503} net=${stats.network}`,
      );
    }, 1000);
    try {
      let generated = 0;
      let next = 0;
      while (performance.now() < generationEnd) {
        const due = Math.min(
          Math.floor(((performance.now() - start) / 1000) * options.rate),
          options.rate * options.durationS,
        );
        while (
          generated + options.batch <= due ||
          (generated < due && performance.now() >= generationEnd - 5)
        ) {
          const device = devices[next++ % devices.length] as Device;
          const size = Math.min(options.batch, due - generated);
          const createdAt = performance.now();
          const at = new Date().toISOString();
          const entries: CheckinEntry[] = [];
          for (let i = 0; i < size; i++) {
            const eventId = uuidv7();
            eventIds.push(eventId);
            entries.push({
              eventId,
              venueId: device.venueId,
              at,
              method: 'presentation',
              token: randomBytes(16).toString('base64url'),
            });
          }
          generated += size;
          const sending = send({ device, entries, createdAt, attempts: 0 });
          pending.add(sending);
          void sending.finally(() => pending.delete(sending));
        }
        await sleep(5);
      }
      await Promise.all([...pending]);
    } finally {
      clearInterval(ticker);
    }
    const elapsed = (performance.now() - start) / 1000;
    progress(`surge done in ${elapsed.toFixed(1)}s: sent=${eventIds.length} acked=${acked.size}; auditing…`);
    if (!options.progress) process.stderr.write('\n');
    // In scale-out mode an ack means "durable in the stream": wait while the writers are still catching up.
    const ackedIds = [...acked];
    let audit = await backend.audit(eventIds);
    let lost = ackedIds.filter((id) => !audit.found.has(id)).length;
    let quietSince = performance.now();
    // Patience: longer than the scale-out writers' redelivery window, since a batch a writer had fetched when its
    // connection dropped is written only after JetStream redelivers it.
    while (lost > 0 && performance.now() - quietSince < ACK_WAIT_MS + 5_000) {
      await sleep(1000);
      const again = await backend.audit(eventIds);
      if (again.stored > audit.stored) quietSince = performance.now();
      audit = again;
      lost = ackedIds.filter((id) => !audit.found.has(id)).length;
      progress(`surge audit: stored=${audit.stored} of ${acked.size} acknowledged`);
    }
    const sorted = Float64Array.from(latencies).sort();
    return {
      sent: eventIds.length,
      acked: acked.size,
      stored: audit.stored,
      duplicates: audit.duplicates,
      lost,
      p50_ms: Math.round(percentile(sorted, 0.5)),
      p99_ms: Math.round(percentile(sorted, 0.99)),
      max_inflight: stats.maxInflight,
      rejected_429: stats.rejected429,
      unacked: eventIds.length - acked.size,
      rejected_entries: stats.rejectedEntries,
      retries: stats.retries,
      errors_503: stats.errors503,
      network_errors: stats.network,
      duplicate_acks: stats.duplicateAcks,
      requests: stats.requests,
      elapsed_s: Math.round(elapsed * 10) / 10,
    };
  } finally {
    await backend.close();
  }
}

function positive(
  value: string | undefined,
  name: string,
  fallback: number | undefined,
  max: number,
): number {
  if (value === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new Error(`--${name} must be an integer from 1 to ${max}`);
  return n;
}

export const surge: Command = {
  summary: 'load-test check-in ingestion with simulated venue devices',
  async run(argv) {
    let options: SurgeOptions;
    let json = false;
    try {
      const { values } = parseArgs({
        args: argv,
        options: {
          target: { type: 'string' },
          rate: { type: 'string' },
          duration: { type: 'string' },
          venues: { type: 'string' },
          batch: { type: 'string' },
          concurrency: { type: 'string' },
          drain: { type: 'string' },
          'database-url': { type: 'string' },
          json: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
      if (values.help) {
        console.log(USAGE);
        return 0;
      }
      if (!values.target) throw new Error('--target is required');
      checkTarget(values.target);
      json = values.json === true;
      options = {
        target: values.target,
        rate: positive(values.rate, 'rate', undefined, 200_000),
        durationS: positive(values.duration, 'duration', undefined, 3600),
        venues: positive(values.venues, 'venues', 100, 10_000),
        batch: positive(values.batch, 'batch', 50, 1000),
        drainS: positive(values.drain, 'drain', 120, 3600),
        concurrency: positive(values.concurrency, 'concurrency', 256, 10_000),
        databaseUrl: values['database-url'] ?? process.env.DATABASE_URL,
      };
    } catch (error) {
      console.error(`greenlight surge: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    try {
      const report = await runSurge(options);
      if (json) console.log(JSON.stringify(report));
      else {
        for (const [key, value] of Object.entries(report)) console.log(`${key.padEnd(17)} ${value}`);
      }
      return report.lost === 0 && report.duplicates === 0 && report.unacked === 0 ? 0 : 1;
    } catch (error) {
      console.error(`greenlight surge: ${(error as Error).message}`);
      return 1;
    }
  },
};
