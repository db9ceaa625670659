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

export const CHECKIN_STREAM = 'CHECKINS';
export const CHECKIN_SUBJECT = 'checkins.in';
export const CHECKIN_CONSUMER = 'checkin-writers';

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

/** Creates the stream and the writers' durable consumer when missing (idempotent). */
export async function ensureCheckinStream(jsm: JetStreamManager): Promise<void> {
  try {
    await jsm.streams.info(CHECKIN_STREAM);
  } catch {
    await jsm.streams.add({
      name: CHECKIN_STREAM,
      subjects: [CHECKIN_SUBJECT],
      storage: StorageType.File,
      duplicate_window: nanos(10 * 60_000),
    });
  }
  try {
    await jsm.consumers.info(CHECKIN_STREAM, CHECKIN_CONSUMER);
  } catch {
    await jsm.consumers.add(CHECKIN_STREAM, {
      durable_name: CHECKIN_CONSUMER,
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
    const jsm = await nc.jetstreamManager();
    await ensureCheckinStream(jsm);
    const sink = new NatsSink(nc, nc.jetstream(), jsm, db, {
      maxInFlight: options.maxInFlight ?? (options.messagePer === 'batch' ? 50_000 : 10_000),
      maxPendingInStream: options.maxPendingInStream ?? 500_000,
      writers: options.writers ?? 2,
      fetchBatch: options.fetchBatch ?? 5000,
      messagePer: options.messagePer ?? 'entry',
      onError: options.onError ?? (() => {}),
    });
    sink.start();
    return sink;
  }

  private start(): void {
    const checkLag = async () => {
      try {
        const info = await this.jsm.consumers.info(CHECKIN_STREAM, CHECKIN_CONSUMER);
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
          CHECKIN_SUBJECT,
          [{ data: encodeBatch(rows), msgId }],
          PUBLISH_TIMEOUT_MS,
        );
        return ack?.duplicate ? { accepted: [], duplicates: ids } : { accepted: ids, duplicates: [] };
      }
      const acks = await this.publisher.publish(
        CHECKIN_SUBJECT,
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
        consumer ??= await this.js.consumers.get(CHECKIN_STREAM, CHECKIN_CONSUMER);
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
