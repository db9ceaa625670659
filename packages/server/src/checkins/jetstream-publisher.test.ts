/** The JetStream publisher against the machine's NATS server, each run on streams of its own. */
import { randomBytes } from 'node:crypto';
import { connect, type JetStreamManager, type NatsConnection, nanos } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamPublisher, type OutgoingMessage } from './jetstream-publisher.ts';

const NATS_URL = process.env.GREENLIGHT_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const run = randomBytes(4).toString('hex');
const STREAM = `GL_TEST_PUB_${run}`;
const SUBJECT = `gl.test.${run}.in`;
const SMALL_STREAM = `GL_TEST_PUB_SMALL_${run}`;
const SMALL_SUBJECT = `gl.test.${run}.small`;

const messages = (ids: string[]): OutgoingMessage[] =>
  ids.map((id) => ({ data: new TextEncoder().encode(`entry ${id}`), msgId: id }));

describe('JetStreamPublisher', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let publisher: JetStreamPublisher;

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: STREAM, subjects: [SUBJECT], duplicate_window: nanos(60_000) });
    await jsm.streams.add({ name: SMALL_STREAM, subjects: [SMALL_SUBJECT], max_msg_size: 16 });
    publisher = new JetStreamPublisher(nc);
  });

  afterAll(async () => {
    publisher?.close();
    await jsm?.streams.delete(STREAM).catch(() => false);
    await jsm?.streams.delete(SMALL_STREAM).catch(() => false);
    await nc?.close();
  });

  it('stores every message, answers with the acks in order, and flags ids the stream has seen', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `first-${i}`);
    const acks = await publisher.publish(SUBJECT, messages(ids), 5000);
    expect(acks).toHaveLength(50);
    expect(acks.every((ack) => ack.stream === STREAM && !ack.duplicate)).toBe(true);
    const seqs = acks.map((ack) => ack.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(50);

    const again = await publisher.publish(SUBJECT, messages([ids[3]!, 'first-new', ids[40]!]), 5000);
    expect(again.map((ack) => ack.duplicate)).toEqual([true, false, true]);
    expect(again[0]!.seq).toBe(acks[3]!.seq);
    expect((await jsm.streams.info(STREAM)).state.messages).toBe(51);
  });

  it('keeps the acks of calls running at the same time apart', async () => {
    const before = (await jsm.streams.info(STREAM)).state.last_seq;
    const calls = Array.from({ length: 8 }, (_, c) =>
      publisher.publish(SUBJECT, messages(Array.from({ length: 25 }, (_, i) => `parallel-${c}-${i}`)), 5000),
    );
    const results = await Promise.all(calls);
    const seqs = results.flat().map((ack) => ack.seq);
    expect(new Set(seqs).size).toBe(200);
    expect(Math.min(...seqs)).toBe(before + 1);
    expect(Math.max(...seqs)).toBe(before + 200);
    expect(publisher.pending).toBe(0);
  });

  it('resolves an empty call at once', async () => {
    await expect(publisher.publish(SUBJECT, [], 5000)).resolves.toEqual([]);
  });

  it('fails with ERR_JS_NO_STREAM when no stream takes the subject', async () => {
    await expect(publisher.publish(`gl.test.${run}.nowhere`, messages(['x']), 5000)).rejects.toMatchObject({
      code: 'ERR_JS_NO_STREAM',
    });
    expect(publisher.pending).toBe(0);
  });

  it("fails with ERR_JS_REFUSED when the stream refuses a message, and forgets the call's other messages", async () => {
    const big = { data: new Uint8Array(64), msgId: 'too-big' };
    await expect(
      publisher.publish(SMALL_SUBJECT, [{ data: new Uint8Array(4), msgId: 'fits' }, big], 5000),
    ).rejects.toMatchObject({ code: 'ERR_JS_REFUSED', message: expect.stringMatching(/size/i) });
    expect(publisher.pending).toBe(0);
  });

  it('fails with ERR_JS_TIMEOUT when nothing answers in time', async () => {
    const silent = nc.subscribe(`gl.test.${run}.silent`); // a listener that never replies: no 503 either
    try {
      await expect(
        publisher.publish(`gl.test.${run}.silent`, messages(['a', 'b']), 200),
      ).rejects.toMatchObject({
        code: 'ERR_JS_TIMEOUT',
      });
      expect(publisher.pending).toBe(0);
    } finally {
      silent.unsubscribe();
    }
  });

  it('fails the calls still waiting with ERR_JS_CLOSED when closed', async () => {
    const own = new JetStreamPublisher(nc);
    const silent = nc.subscribe(`gl.test.${run}.closing`);
    try {
      const call = own.publish(`gl.test.${run}.closing`, messages(['c']), 60_000);
      await nc.flush();
      own.close();
      await expect(call).rejects.toMatchObject({ code: 'ERR_JS_CLOSED' });
      expect(own.pending).toBe(0);
    } finally {
      silent.unsubscribe();
    }
  });
});
