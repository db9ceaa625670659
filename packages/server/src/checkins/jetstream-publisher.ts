/**
 * JetStream publishing of many messages at once, on nats.js's core `publish` and one inbox subscription.
 *
 * A JetStream publish is a core NATS publish with a reply subject; the stream answers on that subject with a
 * JSON `PubAck` (`{"stream", "seq", "duplicate"?}`), a JSON error (`{"error": {"code", "description"}}`), or,
 * when no stream listens on the subject, a `503` status message. nats.js's `js.publish` makes each publish its
 * own request: a request object, a timer, and, once the ack is in, a `NatsError` built only to cancel the
 * finished request (nats 2.29, `RequestOne.cancel`). With one message per check-in that is 10,000 errors and
 * timers a second: in a CPU profile of the API at that rate (`npm run bench:surge`, one message per entry),
 * building that error alone took 7% of the samples and the request machinery around it about a fifth. Here
 * the messages of one request share one timer, and acks are matched to messages by the reply subject.
 */
import { createInbox, headers, type Msg, type NatsConnection, type NatsError, type Subscription } from 'nats';

export interface PublishAck {
  stream: string;
  seq: number;
  /** JetStream had already stored a message with this `Nats-Msg-Id` within its duplicate window. */
  duplicate: boolean;
}

export interface OutgoingMessage {
  data: Uint8Array;
  /** `Nats-Msg-Id`: the stream stores a message with an id it has seen within its window only once. */
  msgId: string;
}

export type JetStreamPublishErrorCode =
  | 'ERR_JS_TIMEOUT'
  | 'ERR_JS_NO_STREAM'
  | 'ERR_JS_REFUSED'
  | 'ERR_JS_BAD_ACK'
  | 'ERR_JS_CLOSED';

export class JetStreamPublishError extends Error {
  override readonly name = 'JetStreamPublishError';
  constructor(
    readonly code: JetStreamPublishErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface Waiter {
  /** Reply tokens of this call's messages, to forget them all when the call fails. */
  readonly tokens: number[];
  readonly acks: PublishAck[];
  left: number;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve(acks: PublishAck[]): void;
  reject(error: JetStreamPublishError): void;
}

interface Slot {
  waiter: Waiter;
  index: number;
}

const text = new TextDecoder();

function parseAck(msg: Msg): PublishAck | JetStreamPublishError {
  if (msg.headers?.hasError) {
    return msg.headers.code === 503
      ? new JetStreamPublishError('ERR_JS_NO_STREAM', `no stream takes subject ${msg.subject}`)
      : new JetStreamPublishError('ERR_JS_REFUSED', `JetStream answered ${msg.headers.status}`);
  }
  let body: { stream?: unknown; seq?: unknown; duplicate?: unknown; error?: { description?: unknown } };
  try {
    body = JSON.parse(text.decode(msg.data));
  } catch {
    return new JetStreamPublishError('ERR_JS_BAD_ACK', 'JetStream sent an ack that is not JSON');
  }
  if (body.error) {
    return new JetStreamPublishError(
      'ERR_JS_REFUSED',
      `JetStream refused: ${String(body.error.description)}`,
    );
  }
  if (typeof body.stream !== 'string' || typeof body.seq !== 'number') {
    return new JetStreamPublishError('ERR_JS_BAD_ACK', 'JetStream sent an ack without stream and seq');
  }
  return { stream: body.stream, seq: body.seq, duplicate: body.duplicate === true };
}

export class JetStreamPublisher {
  private readonly prefix: string;
  private readonly subscription: Subscription;
  private readonly slots = new Map<number, Slot>();
  private nextToken = 0;

  constructor(private readonly nc: NatsConnection) {
    this.prefix = createInbox();
    this.subscription = nc.subscribe(`${this.prefix}.*`, {
      callback: (error: NatsError | null, msg: Msg) => {
        if (!error) this.onReply(msg);
      },
    });
  }

  /** Messages awaiting their ack, across calls. */
  get pending(): number {
    return this.slots.size;
  }

  /**
   * Publishes every message to `subject` and resolves with their acks in order once all are in. Rejects with a
   * `JetStreamPublishError` as soon as one fails or when `timeoutMs` passes: then some messages may have been
   * stored, and publishing them again with the same ids stores them once.
   */
  publish(subject: string, messages: readonly OutgoingMessage[], timeoutMs: number): Promise<PublishAck[]> {
    return new Promise<PublishAck[]>((resolve, reject) => {
      const waiter: Waiter = {
        tokens: [],
        acks: new Array<PublishAck>(messages.length),
        left: messages.length,
        settled: false,
        timer: undefined,
        resolve,
        reject,
      };
      if (messages.length === 0) {
        resolve([]);
        return;
      }
      waiter.timer = setTimeout(
        () =>
          this.fail(
            waiter,
            new JetStreamPublishError('ERR_JS_TIMEOUT', `no JetStream ack within ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      try {
        for (const [index, message] of messages.entries()) {
          const token = this.nextToken++;
          waiter.tokens.push(token);
          this.slots.set(token, { waiter, index });
          const h = headers();
          h.set('Nats-Msg-Id', message.msgId);
          this.nc.publish(subject, message.data, { reply: `${this.prefix}.${token}`, headers: h });
        }
      } catch (error) {
        this.fail(waiter, new JetStreamPublishError('ERR_JS_CLOSED', `cannot publish: ${String(error)}`));
      }
    });
  }

  private onReply(msg: Msg): void {
    const token = Number(msg.subject.slice(this.prefix.length + 1));
    const slot = this.slots.get(token);
    if (!slot) return; // its call already failed or timed out
    this.slots.delete(token);
    const { waiter, index } = slot;
    const ack = parseAck(msg);
    if (ack instanceof JetStreamPublishError) {
      this.fail(waiter, ack);
      return;
    }
    waiter.acks[index] = ack;
    if (--waiter.left === 0 && !waiter.settled) {
      waiter.settled = true;
      clearTimeout(waiter.timer);
      waiter.resolve(waiter.acks);
    }
  }

  private fail(waiter: Waiter, error: JetStreamPublishError): void {
    if (waiter.settled) return;
    waiter.settled = true;
    clearTimeout(waiter.timer);
    for (const token of waiter.tokens) this.slots.delete(token);
    waiter.reject(error);
  }

  /** Stops listening for acks; calls still waiting fail at once. */
  close(): void {
    this.subscription.unsubscribe();
    const waiters = new Set([...this.slots.values()].map((slot) => slot.waiter));
    for (const waiter of waiters)
      this.fail(waiter, new JetStreamPublishError('ERR_JS_CLOSED', 'the publisher was closed'));
  }
}
