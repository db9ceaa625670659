/** Direct mode: requests are grouped for a few milliseconds and written with one COPY per group. */
import type { Db } from '../db/types.ts';
import type { CheckinRow } from './entries.ts';
import { type CheckinSink, overloaded, type SinkResult, type SinkStats, sortOut } from './sink.ts';
import { writeCheckins } from './store.ts';

export interface DirectSinkOptions {
  /** Bound on rows waiting or being written; beyond it requests get 429 (default 50,000). */
  maxInFlightRows?: number;
  /** How long the first request of a group waits for others (default 4 ms). */
  lingerMs?: number;
  /** Rows per COPY at most (default 5,000). */
  maxGroupRows?: number;
  /** Groups written at once (default 4 on PostgreSQL, 1 on PGlite). */
  concurrency?: number;
}

interface Waiting {
  rows: readonly CheckinRow[];
  resolve(result: SinkResult): void;
  reject(error: unknown): void;
}

export class DirectSink implements CheckinSink {
  readonly mode = 'direct' as const;
  private readonly maxInFlight: number;
  private readonly lingerMs: number;
  private readonly maxGroupRows: number;
  private readonly concurrency: number;
  private queue: Waiting[] = [];
  private queuedRows = 0;
  private inFlight = 0;
  private active = 0;
  private refused = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly db: Db,
    options: DirectSinkOptions = {},
  ) {
    this.maxInFlight = options.maxInFlightRows ?? 50_000;
    this.lingerMs = options.lingerMs ?? 4;
    this.maxGroupRows = options.maxGroupRows ?? 5000;
    this.concurrency = options.concurrency ?? (db.kind === 'pglite' ? 1 : 4);
  }

  submit(rows: readonly CheckinRow[]): Promise<SinkResult> {
    if (rows.length === 0) return Promise.resolve({ accepted: [], duplicates: [] });
    if (this.inFlight + rows.length > this.maxInFlight) {
      this.refused++;
      return Promise.reject(overloaded());
    }
    this.inFlight += rows.length;
    return new Promise<SinkResult>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queuedRows += rows.length;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.queue.length === 0 || this.active >= this.concurrency) return;
    if (this.queuedRows >= this.maxGroupRows || this.lingerMs === 0) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.lingerMs);
    }
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0 && this.active < this.concurrency) {
      const group: Waiting[] = [];
      let count = 0;
      while (
        this.queue.length > 0 &&
        (group.length === 0 || count + (this.queue[0] as Waiting).rows.length <= this.maxGroupRows)
      ) {
        const next = this.queue.shift() as Waiting;
        group.push(next);
        count += next.rows.length;
      }
      this.queuedRows -= count;
      this.active++;
      void this.write(group, count);
    }
  }

  private async write(group: Waiting[], count: number): Promise<void> {
    try {
      const fresh = await writeCheckins(
        this.db,
        group.flatMap((waiting) => waiting.rows),
      );
      for (const waiting of group) waiting.resolve(sortOut(waiting.rows, fresh));
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
    } finally {
      this.active--;
      this.inFlight -= count;
      if (this.active === 0 && this.queue.length === 0) for (const done of this.idle) done();
      this.schedule();
    }
  }

  stats(): SinkStats {
    return { inFlight: this.inFlight, maxInFlight: this.maxInFlight, refused: this.refused };
  }

  /** Waits for the groups in flight (new requests are refused by the closing server, not here). */
  async close(): Promise<void> {
    this.flush();
    if (this.active === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idle.add(resolve));
  }
}
