/** Per-partner quotas: a fixed one-minute window counter, in memory or shared by every replica through Redis. */

/** A fixed window counter: how many calls a partner made this minute. */
export interface QuotaCounter {
  /** Increments and returns the count of the window that contains `now`. */
  hit(key: string, now: Date): Promise<number>;
}

/** In one process. With several replicas, use `RedisQuotaCounter`. */
export class MemoryQuotaCounter implements QuotaCounter {
  private readonly windows = new Map<string, number>();
  async hit(key: string, now: Date): Promise<number> {
    const window = `${key}:${Math.floor(now.getTime() / 60_000)}`;
    const count = (this.windows.get(window) ?? 0) + 1;
    this.windows.set(window, count);
    if (this.windows.size > 10_000) this.windows.delete(this.windows.keys().next().value as string);
    return count;
  }
}

/** Shared by every replica through Redis (`REDIS_URL`): INCR on a per-minute key that expires. */
export class RedisQuotaCounter implements QuotaCounter {
  constructor(
    private readonly redis: {
      incr(key: string): Promise<number>;
      expire(key: string, s: number): Promise<unknown>;
    },
  ) {}
  async hit(key: string, now: Date): Promise<number> {
    const window = `greenlight:quota:${key}:${Math.floor(now.getTime() / 60_000)}`;
    const count = await this.redis.incr(window);
    if (count === 1) await this.redis.expire(window, 120);
    return count;
  }
}
