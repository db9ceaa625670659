/** The embedded database: PGlite in a data directory (created on first open) or in memory. */
import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { copyCsv, copyStatement } from './copy.ts';
import type { Db, QueryResult } from './types.ts';

type Runner = Pick<Transaction, 'query' | 'exec'>;

class PgliteDb implements Db {
  readonly kind = 'pglite' as const;

  constructor(
    private readonly runner: Runner,
    private readonly root: PGlite,
    private readonly inTransaction: boolean,
  ) {}

  async query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
    const result = await this.runner.query<Row>(sql, params as unknown[] | undefined);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  }

  async exec(sql: string): Promise<void> {
    await this.runner.exec(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.root.transaction((tx) => fn(new PgliteDb(tx, this.root, true)));
  }

  async copyFrom(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const blob = new Blob([copyCsv(rows)]);
    const result = await this.runner.query(copyStatement(table, columns, "'/dev/blob'"), [], { blob });
    return result.affectedRows ?? rows.length;
  }

  async close(): Promise<void> {
    if (!this.inTransaction && !this.root.closed) await this.root.close();
  }
}

/** `dataDir` undefined: in memory (tests). */
export async function openPglite(dataDir?: string): Promise<Db> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir ?? 'memory://');
  return new PgliteDb(pglite, pglite, false);
}
