/** The one database interface of the server: PGlite (embedded default) and PostgreSQL both implement it. */

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * A name for a hot statement: PostgreSQL then parses and plans it once per connection instead of on every call.
   * Only for statements whose text never changes and whose tables exist before the first call.
   */
  prepare?: string;
}

export interface Db {
  readonly kind: 'pglite' | 'postgres';
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Bulk load with `COPY table (columns) FROM STDIN` in CSV format; returns the rows copied.
   * Values are written as text; `null` becomes SQL NULL.
   */
  copyFrom(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<number>;
  close(): Promise<void>;
}
