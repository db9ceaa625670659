/** `importRegistry`: CSV (streamed) or FHIR R4 into the registry; bad rows are reported, good rows are kept. */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { type Readable, Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { writeAudit } from '../audit.ts';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import { fhirRows } from './fhir.ts';
import {
  checkRow,
  isRowError,
  REGISTRY_COLUMNS,
  REQUIRED_COLUMNS,
  type RegistryColumn,
  type RegistryRecord,
  type RowError,
  type RowFields,
} from './record.ts';
import { linkGuardians, writeBatch } from './writer.ts';

export type ImportFormat = 'csv' | 'fhir';

export interface ImportProgress {
  rowsRead: number;
  accepted: number;
  rejected: number;
  /** Bytes of the input consumed so far (of `totalBytes` when known). */
  bytesRead: number;
  totalBytes: number | undefined;
}

export interface ImportOptions {
  format: ImportFormat;
  now?: () => Date;
  /** Records per COPY + upsert transaction. */
  batchSize?: number;
  /** Row errors kept in the summary (all are counted). */
  maxErrors?: number;
  onProgress?: (progress: ImportProgress) => void;
  totalBytes?: number;
  /** FHIR defaults: country and issuer for Immunizations that name none. */
  country?: string;
  issuer?: string;
  actor?: string;
}

export interface ImportSummary {
  rowsRead: number;
  accepted: number;
  rejected: number;
  people: { inserted: number; updated: number };
  immunizations: { inserted: number; updated: number };
  /** In input order; at most `maxErrors`. */
  errors: RowError[];
  errorsTruncated: boolean;
  seconds: number;
}

const DEFAULT_BATCH = 5000;
const DEFAULT_MAX_ERRORS = 10_000;

class ImportRun {
  readonly summary: ImportSummary = {
    rowsRead: 0,
    accepted: 0,
    rejected: 0,
    people: { inserted: 0, updated: 0 },
    immunizations: { inserted: 0, updated: 0 },
    errors: [],
    errorsTruncated: false,
    seconds: 0,
  };
  private batch: RegistryRecord[] = [];
  private inFlight: Promise<void> | undefined;
  private readonly today: string;
  private readonly batchSize: number;
  private readonly maxErrors: number;
  bytesRead = 0;

  constructor(
    private readonly db: Db,
    private readonly options: ImportOptions,
  ) {
    this.today = (options.now?.() ?? new Date()).toISOString().slice(0, 10);
    this.batchSize = options.batchSize ?? DEFAULT_BATCH;
    this.maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  }

  reject(error: RowError): void {
    this.summary.rowsRead += 1;
    this.summary.rejected += 1;
    if (this.summary.errors.length < this.maxErrors) this.summary.errors.push(error);
    else this.summary.errorsTruncated = true;
  }

  async row(fields: RowFields, line: number, entry?: number): Promise<void> {
    const checked = checkRow(fields, line, this.today);
    if (isRowError(checked)) {
      this.reject(entry === undefined ? checked : { ...checked, entry });
      return;
    }
    this.summary.rowsRead += 1;
    this.summary.accepted += 1;
    this.batch.push(checked);
    if (this.batch.length >= this.batchSize) await this.flush();
  }

  /**
   * Starts writing the batch and returns once the previous batch is written: parsing the next batch overlaps
   * the database's work on this one, and batches still commit in file order (the last row wins).
   */
  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    const previous = this.inFlight;
    const writing = (async () => {
      await previous;
      this.count(await writeBatch(this.db, batch));
    })();
    writing.catch(() => {}); // awaited below or by drain(); never an unhandled rejection meanwhile
    this.inFlight = writing;
    await previous;
  }

  async drain(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }

  private count(counts: Awaited<ReturnType<typeof writeBatch>>): void {
    this.summary.people.inserted += counts.peopleInserted;
    this.summary.people.updated += counts.peopleUpdated;
    this.summary.immunizations.inserted += counts.immunizationsInserted;
    this.summary.immunizations.updated += counts.immunizationsUpdated;
    this.progress();
  }

  progress(): void {
    this.options.onProgress?.({
      rowsRead: this.summary.rowsRead,
      accepted: this.summary.accepted,
      rejected: this.summary.rejected,
      bytesRead: this.bytesRead,
      totalBytes: this.options.totalBytes,
    });
  }
}

function headerColumns(header: string[]): RegistryColumn[] {
  const columns = header.map((name) => name.trim().toLowerCase());
  const known = new Set<string>(REGISTRY_COLUMNS);
  const unknown = columns.filter((name) => !known.has(name));
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
  const duplicated = columns.filter((name, index) => columns.indexOf(name) !== index);
  if (unknown.length > 0 || missing.length > 0 || duplicated.length > 0) {
    const problems = [
      unknown.length > 0 ? `unknown columns: ${unknown.join(', ')}` : '',
      missing.length > 0 ? `missing columns: ${missing.join(', ')}` : '',
      duplicated.length > 0 ? `repeated columns: ${duplicated.join(', ')}` : '',
    ].filter(Boolean);
    throw new ServerError(
      'ERR_IMPORT_FORMAT',
      `the CSV header is not the registry's (docs/registry-csv.md): ${problems.join('; ')}`,
    );
  }
  return columns as RegistryColumn[];
}

async function importCsv(run: ImportRun, input: Readable): Promise<void> {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      run.bytesRead += chunk.length;
      callback(null, chunk);
    },
  });
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error) {
        run.reject({ line: Number(error.lines ?? 0), code: 'ERR_ROW_CSV', reason: error.message });
      }
    },
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(counter).pipe(parser);
  let columns: RegistryColumn[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    if (!columns) {
      columns = headerColumns(record);
      continue;
    }
    if (record.length !== columns.length) {
      run.reject({
        line: info.lines,
        ...(record[0] ? { externalId: record[0] } : {}),
        code: 'ERR_ROW_CSV',
        reason: `${record.length} fields where the header has ${columns.length}`,
      });
      continue;
    }
    const fields: RowFields = {};
    columns.forEach((column, index) => {
      fields[column] = record[index];
    });
    await run.row(fields, info.lines);
  }
  if (!columns) throw new ServerError('ERR_IMPORT_FORMAT', 'the CSV file is empty: no header');
}

async function importFhir(run: ImportRun, input: Readable, options: ImportOptions): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) {
    chunks.push(Buffer.from(chunk));
    run.bytesRead += chunk.length;
  }
  const errors: RowError[] = [];
  const rows = fhirRows(
    Buffer.concat(chunks).toString('utf8'),
    {
      country: options.country ?? 'KR',
      issuer: options.issuer ?? 'Korea Disease Control and Prevention Agency',
    },
    errors,
  );
  for (const error of errors) run.reject(error);
  for (const row of rows) await run.row(row.fields, row.line, row.entry);
}

export async function importRegistry(
  db: Db,
  input: Readable,
  options: ImportOptions,
): Promise<ImportSummary> {
  const started = performance.now();
  const run = new ImportRun(db, options);
  if (options.format === 'csv') await importCsv(run, input);
  else await importFhir(run, input, options);
  await run.drain();
  await linkGuardians(db);
  run.progress();
  run.summary.seconds = (performance.now() - started) / 1000;
  const { errors, ...counts } = run.summary;
  await writeAudit(db, {
    actor: options.actor ?? 'system',
    action: 'registry.import',
    details: { format: options.format, ...counts, firstErrors: errors.slice(0, 20) },
  });
  return run.summary;
}

/** FHIR when the file starts with `{` or `[` (after a BOM and whitespace), CSV otherwise. */
export function detectFormat(path: string): ImportFormat {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(256);
    const read = readSync(fd, head, 0, head.length, 0);
    const text = head
      .subarray(0, read)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    return text.startsWith('{') || text.startsWith('[') ? 'fhir' : 'csv';
  } finally {
    closeSync(fd);
  }
}

export async function importRegistryFile(
  db: Db,
  path: string,
  options: Omit<ImportOptions, 'format' | 'totalBytes'> & { format?: ImportFormat },
): Promise<ImportSummary> {
  const format = options.format ?? detectFormat(path);
  return importRegistry(db, createReadStream(path), { ...options, format, totalBytes: statSync(path).size });
}
