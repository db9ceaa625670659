/** The one database interface of the server: PGlite (embedded default) and PostgreSQL both implement it. */

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Db {
  readonly kind: 'pglite' | 'postgres';
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
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
