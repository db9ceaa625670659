/**
 * Scale-out mode: the API publishes each entry to JetStream (message id = event id, so the stream drops
 * repeats) and answers after the publish ack; writer workers fetch, COPY, commit, then ack the messages.
 */
import { createHash } from 'node:crypto';
import type { CheckinMethod } from '@greenlight/codec';
import {
  AckPolicy,
  type Consumer,
  connect,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  nanos,
  StorageType,
} from 'nats';
import { DEFAULT_DEPLOYMENT } from '../config.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import type { CheckinRow } from './entries.ts';
import { JetStreamPublisher } from './jetstream-publisher.ts';
import { type CheckinSink, overloaded, type SinkResult, type SinkStats } from './sink.ts';
import { writeCheckins } from './store.ts';

/**
 * How long JetStream waits for a writer's ack before it redelivers: a batch fetched by a writer that died (or lost
 * its connection before the messages reached it) is written by another one after this.
 */
export const ACK_WAIT_MS = 30_000;

/** How long the API waits for JetStream's acks of one request's entries before it answers 503. */
const PUBLISH_TIMEOUT_MS = 5000;

/** The JetStream names of one deployment's check-ins: nothing of one deployment matches another's. */
export interface CheckinStreamNames {
  stream: string;
  subject: string;
  consumer: string;
}

/**
 * The stream, subject and durable consumer of deployment `deployment` (`GREENLIGHT_DEPLOYMENT`, already checked to
 * be `[A-Za-z0-9_-]{1,32}` by the config: valid in NATS stream names and as one subject token).
 */
export function checkinStreamNames(deployment: string): CheckinStreamNames {
  return {
    stream: `GREENLIGHT_${deployment}_CHECKINS`,
    subject: `greenlight.${deployment}.checkins`,
    consumer: `${deployment}-checkin-writers`,
  };
}

/** Who owns a stream: written into its description when it is made, checked at every start. */
export interface StreamOwner {
  deployment: string;
  /** The `database_identity` id of the deployment's database. */
  database: string;
}

const describeOwner = (owner: StreamOwner) =>
  `Greenlight check-ins; deployment=${owner.deployment}; database=${owner.database}`;

function ownerOf(description: string | undefined): StreamOwner | undefined {
  const match = /deployment=([A-Za-z0-9_-]+); database=([0-9a-f-]+)/.exec(description ?? '');
  return match ? { deployment: match[1] as string, database: match[2] as string } : undefined;
}

/** This database's id (migration 131), recorded in the stream it owns. */
export async function databaseIdentity(db: Db): Promise<string> {
  const { rows } = await db.query<{ id: string }>('SELECT id::text AS id FROM database_identity');
  if (!rows[0]) throw new ServerError('ERR_MIGRATION', 'database_identity has no row: migrate first');
  return rows[0].id;
}

export interface NatsSinkOptions {
  /** Entries whose publish awaits its JetStream ack, at most (default 10,000; 50,000 with `batch`). */
  maxInFlight?: number;
  /** Unprocessed messages in the stream beyond which the API answers 429 (default 500,000). */
  maxPendingInStream?: number;
  /** Writer workers in this process (default 2; 0 for an API-only replica). */
  writers?: number;
  /** Messages per fetch and per COPY (default 5,000). */
  fetchBatch?: number;
  /**
   * `entry` (default): one message per entry, `Nats-Msg-Id` = event id, so JetStream itself drops a repeated
   * entry and says so. `batch`: one message per request, `Nats-Msg-Id` = SHA-256 of its event ids (a resent batch
   * is dropped by JetStream, a regrouped entry by the primary key); a hundred times fewer publishes.
   */
  messagePer?: 'entry' | 'batch';
  /** The deployment id (`GREENLIGHT_DEPLOYMENT`) that names the stream, subject and consumer (default `default`). */
  deployment?: string;
  onError?: (error: unknown) => void;
}

/** The 8th element (the scanner's clock offset, ms) is absent in messages written before it existed. */
type Wire = [string, number, string, string, number, string, string | null, (number | null)?];

function encode(row: CheckinRow): Uint8Array {
  const wire: Wire = [
    row.eventId,
    row.day,
    row.venueId,
    row.deviceId,
    row.at.getTime(),
    row.method,
    row.token ? Buffer.from(row.token).toString('base64') : null,
    row.clockOffsetMs ?? null,
  ];
  return Buffer.from(JSON.stringify(wire));
}

function encodeBatch(rows: readonly CheckinRow[]): Uint8Array {
  return Buffer.from(`[${rows.map((row) => Buffer.from(encode(row)).toString()).join(',')}]`);
}

function fromWire([eventId, day, venueId, deviceId, at, method, token, clockOffsetMs]: Wire): CheckinRow {
  return {
    eventId,
    day,
    venueId,
    deviceId,
    at: new Date(at),
    method: method as CheckinMethod,
    token: token === null ? undefined : new Uint8Array(Buffer.from(token, 'base64')),
    clockOffsetMs: clockOffsetMs ?? undefined,
  };
}

/** A message holds one entry (a wire array) or a batch (an array of them). */
function decode(data: Uint8Array): CheckinRow[] {
  const value = JSON.parse(Buffer.from(data).toString()) as Wire | Wire[];
  return Array.isArray(value[0]) ? (value as Wire[]).map(fromWire) : [fromWire(value as Wire)];
}

export function queueUnavailable(cause: unknown): ServerError {
  return new ServerError('ERR_QUEUE_UNAVAILABLE', undefined, { retryAfter: 5, cause });
}

/**
 * Creates the deployment's stream (its description naming `owner`) and the writers' durable consumer when missing
 * (idempotent). Throws ERR_NATS_STREAM_FOREIGN when the stream exists but was made by another deployment or for
 * another database: writing to it, or reading from it, would cross deployments.
 */
export async function ensureCheckinStream(
  jsm: JetStreamManager,
  names: CheckinStreamNames,
  owner: StreamOwner,
): Promise<void> {
  let existing: string | undefined | null = null;
  try {
    existing = (await jsm.streams.info(names.stream)).config.description;
  } catch {
    await jsm.streams.add({
      name: names.stream,
      description: describeOwner(owner),
      subjects: [names.subject],
      storage: StorageType.File,
      duplicate_window: nanos(10 * 60_000),
    });
  }
  if (existing !== null) {
    const found = ownerOf(existing);
    if (found?.deployment !== owner.deployment || found.database !== owner.database) {
      throw new ServerError(
        'ERR_NATS_STREAM_FOREIGN',
        `the NATS stream ${names.stream} belongs to ${
          found
            ? `deployment '${found.deployment}' with database ${found.database}`
            : 'something other than Greenlight'
        }, not to this server (deployment '${owner.deployment}', database ${owner.database}): ` +
          'give each deployment its own GREENLIGHT_DEPLOYMENT, or delete the stream if it is really this deployment’s and empty',
      );
    }
  }
  try {
    await jsm.consumers.info(names.stream, names.consumer);
  } catch {
    await jsm.consumers.add(names.stream, {
      durable_name: names.consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ACK_WAIT_MS),
      max_ack_pending: 100_000,
    });
  }
}

export class NatsSink implements CheckinSink {
  readonly mode = 'nats' as const;
  private inFlight = 0;
  private refused = 0;
  private lagging = false;
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private lagTimer: NodeJS.Timeout | undefined;
  private readonly publisher: JetStreamPublisher;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly db: Db,
    private readonly options: Required<NatsSinkOptions>,
    private readonly names: CheckinStreamNames,
  ) {
    this.publisher = new JetStreamPublisher(nc);
  }

  static async open(db: Db, url: string, options: NatsSinkOptions = {}): Promise<NatsSink> {
    const nc = await connect({
      servers: url,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      // No stack trace captured for every publish (one request/reply each): at 10,000 publishes a second those
      // Error objects took about a fifth of the API process's profile. A timeout's error then lacks the caller's stack.
      noAsyncTraces: true,
    });
    const deployment = options.deployment ?? DEFAULT_DEPLOYMENT;
    const names = checkinStreamNames(deployment);
    let jsm: JetStreamManager;
    try {
      jsm = await nc.jetstreamManager();
      await ensureCheckinStream(jsm, names, { deployment, database: await databaseIdentity(db) });
    } catch (error) {
      await nc.close();
      throw error;
    }
    const sink = new NatsSink(
      nc,
      nc.jetstream(),
      jsm,
      db,
      {
        maxInFlight: options.maxInFlight ?? (options.messagePer === 'batch' ? 50_000 : 10_000),
        maxPendingInStream: options.maxPendingInStream ?? 500_000,
        writers: options.writers ?? 2,
        fetchBatch: options.fetchBatch ?? 5000,
        messagePer: options.messagePer ?? 'entry',
        deployment,
        onError: options.onError ?? (() => {}),
      },
      names,
    );
    sink.start();
    return sink;
  }

  private start(): void {
    const checkLag = async () => {
      try {
        const info = await this.jsm.consumers.info(this.names.stream, this.names.consumer);
        this.lagging = info.num_pending + info.num_ack_pending > this.options.maxPendingInStream;
      } catch (error) {
        this.options.onError(error);
      }
    };
    this.lagTimer = setInterval(() => void checkLag(), 500);
    this.lagTimer.unref();
    for (let i = 0; i < this.options.writers; i++) this.loops.push(this.writerLoop());
  }

  async submit(rows: readonly CheckinRow[]): Promise<SinkResult> {
    if (rows.length === 0) return { accepted: [], duplicates: [] };
    if (this.lagging || this.inFlight + rows.length > this.options.maxInFlight) {
      this.refused++;
      throw overloaded();
    }
    this.inFlight += rows.length;
    try {
      if (this.options.messagePer === 'batch') {
        const ids = rows.map((row) => row.eventId);
        const msgId = `b:${createHash('sha256').update(ids.join(',')).digest('base64url')}`;
        const [ack] = await this.publisher.publish(
          this.names.subject,
          [{ data: encodeBatch(rows), msgId }],
          PUBLISH_TIMEOUT_MS,
        );
        return ack?.duplicate ? { accepted: [], duplicates: ids } : { accepted: ids, duplicates: [] };
      }
      const acks = await this.publisher.publish(
        this.names.subject,
        rows.map((row) => ({ data: encode(row), msgId: row.eventId })),
        PUBLISH_TIMEOUT_MS,
      );
      const accepted: string[] = [];
      const duplicates: string[] = [];
      rows.forEach((row, i) => {
        (acks[i]?.duplicate ? duplicates : accepted).push(row.eventId);
      });
      return { accepted, duplicates };
    } catch (error) {
      throw queueUnavailable(error);
    } finally {
      this.inFlight -= rows.length;
    }
  }

  /** Fetch, write in one transaction, then ack: a crash before the ack means redelivery, and the insert is a no-op. */
  private async writerLoop(): Promise<void> {
    let consumer: Consumer | undefined;
    while (this.running) {
      try {
        consumer ??= await this.js.consumers.get(this.names.stream, this.names.consumer);
        const messages = await consumer.fetch({
          max_messages:
            this.options.messagePer === 'batch'
              ? Math.max(1, this.options.fetchBatch / 100)
              : this.options.fetchBatch,
          expires: 1000,
        });
        const batch: JsMsg[] = [];
        try {
          for await (const message of messages) batch.push(message);
        } catch (error) {
          // The connection went away during the fetch. What did arrive is in the stream and can still be written
          // now; its acks may not get through, and JetStream then redelivers it after ack_wait as a no-op insert.
          if (batch.length === 0) throw error;
          this.options.onError(error);
        }
        if (batch.length === 0) continue;
        try {
          await writeCheckins(
            this.db,
            batch.flatMap((message) => decode(message.data)),
          );
        } catch (error) {
          for (const message of batch) message.nak(1000);
          throw error;
        }
        for (const message of batch) message.ack();
      } catch (error) {
        if (!this.running) break;
        this.options.onError(error);
        consumer = undefined;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  stats(): SinkStats {
    return { inFlight: this.inFlight, maxInFlight: this.options.maxInFlight, refused: this.refused };
  }

  async close(): Promise<void> {
    this.running = false;
    if (this.lagTimer) clearInterval(this.lagTimer);
    await Promise.allSettled(this.loops);
    this.publisher.close();
    await this.nc.drain().catch(() => this.nc.close());
  }
}
