/** CSV text for `COPY … FROM … (FORMAT csv)`: quoted strings, unquoted empty fields for NULL. */

function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'object') return `"${JSON.stringify(value).replaceAll('"', '""')}"`;
  const text = String(value);
  // Quoted, so that an empty string stays '' and never turns into NULL.
  return `"${text.replaceAll('"', '""')}"`;
}

export function copyCsv(rows: readonly (readonly unknown[])[]): string {
  let out = '';
  for (const row of rows) out += `${row.map(field).join(',')}\n`;
  return out;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Table and column names are code, never input; this keeps them so. */
export function copyStatement(table: string, columns: readonly string[], source: string): string {
  for (const name of [table, ...columns]) {
    if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  }
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}
