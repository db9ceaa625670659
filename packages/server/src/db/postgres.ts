/** PostgreSQL through a `pg` pool; unreachable-database failures become ERR_DB_UNAVAILABLE, never a crash. */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import { dbUnavailable, isServerError } from '../errors.ts';
import { copyCsv, copyStatement } from './copy.ts';
import type { Db, QueryOptions, QueryResult } from './types.ts';

/** SQLSTATE classes that mean "the server or connection is gone", not "the statement is wrong". */
const UNAVAILABLE_STATES = /^(08|53|57P|3D000)/;

export function isConnectionError(error: unknown): boolean {
  if (isServerError(error)) return error.code === 'ERR_DB_UNAVAILABLE';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_STATES.test(code);
  // No SQLSTATE: a socket error (ECONNREFUSED, ECONNRESET), a connect timeout or "Connection terminated".
  return error instanceof Error;
}

const COPY_CHUNK_ROWS = 1000;

class ClientDb implements Db {
  readonly kind = 'postgres' as const;
  constructor(private readonly client: pg.PoolClient) {}

  async query<Row = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    try {
      const result = await (options?.prepare
        ? this.client.query({ name: options.prepare, text: sql, values: params })
        : this.client.query(sql, params));
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    } catch (error) {
      throw isConnectionError(error) ? dbUnavailable(error) : error;
    }
  }

  async exec(sql: string): Promise<void> {
    await this.query(sql);
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async copyFrom(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const stream = this.client.query(copyFromStream(copyStatement(table, columns, 'STDIN')));
    function* chunks() {
      for (let i = 0; i < rows.length; i += COPY_CHUNK_ROWS)
        yield copyCsv(rows.slice(i, i + COPY_CHUNK_ROWS));
    }
    try {
      await pipeline(Readable.from(chunks()), stream);
    } catch (error) {
      throw isConnectionError(error) ? dbUnavailable(error) : error;
    }
    return Number(stream.rowCount ?? rows.length);
  }

  async close(): Promise<void> {}
}

class PoolDb implements Db {
  readonly kind = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw dbUnavailable(error);
    }
  }

  /** Runs `fn` on one pooled client; a client whose connection failed is destroyed, not reused. */
  private async withClient<T>(fn: (db: ClientDb) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      return await fn(new ClientDb(client));
    } catch (error) {
      if (isConnectionError(error)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  query<Row = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>> {
    return this.withClient((db) => db.query<Row>(sql, params, options));
  }

  exec(sql: string): Promise<void> {
    return this.withClient((db) => db.exec(sql));
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.withClient(async (db) => {
      await db.query('BEGIN');
      try {
        const result = await fn(db);
        await db.query('COMMIT');
        return result;
      } catch (error) {
        if (!isConnectionError(error)) await db.query('ROLLBACK');
        throw error;
      }
    });
  }

  copyFrom(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<number> {
    return this.withClient((db) => db.copyFrom(table, columns, rows));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export interface PostgresOptions {
  poolSize?: number;
  /** How long to wait for a connection before answering ERR_DB_UNAVAILABLE. */
  connectTimeoutMs?: number;
  onPoolError?: (error: Error) => void;
}

export function openPostgres(url: string, options: PostgresOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose backend was terminated emits here; without a listener the process would exit.
  pool.on('error', (error) => options.onPoolError?.(error));
  return new PoolDb(pool);
}
