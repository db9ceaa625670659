/** `greenlight registry import FILE`: CSV or FHIR R4 into the registry, with a progress bar and a summary. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type ImportSummary,
  importRegistryFile,
  openConfiguredDb,
  type RowError,
  readConfigWithDbFlags,
} from '@greenlight/server';
import cliProgress from 'cli-progress';
import type { Command } from '../main.ts';
import { exitForError } from '../support/server-command.ts';
import { UsageError } from '../support/usage.ts';

const USAGE = `Usage: greenlight registry import FILE [--format csv|fhir] [--database-url URL] [--data-dir DIR] [--json]

Imports people and immunizations from a CSV file (columns in docs/registry-csv.md) or FHIR R4 Bundles (a Bundle,
an array of Bundles, or NDJSON). Re-importing is idempotent. Every bad row is listed with its line and reason;
the good rows are kept. The database is DATABASE_URL (PostgreSQL) or PGlite in GREENLIGHT_DATA_DIR (./data).
Exit 0 when every row was imported, 1 when some were rejected, 2 for bad usage or an unreadable file.`;

const SHOWN_ERRORS = 50;

export function formatRowError(error: RowError): string {
  const where = error.entry === undefined ? `line ${error.line}` : `line ${error.line}, entry ${error.entry}`;
  const who = error.externalId ? ` (${error.externalId})` : '';
  return `  ${where}${who}: ${error.code} ${error.reason}`;
}

export function formatSummary(summary: ImportSummary): string {
  const rate = summary.seconds > 0 ? Math.round(summary.rowsRead / summary.seconds) : summary.rowsRead;
  const lines = [
    `Read ${summary.rowsRead} rows in ${summary.seconds.toFixed(1)} s (${rate} rows/s): ${summary.accepted} imported, ${summary.rejected} rejected.`,
    `People: ${summary.people.inserted} new, ${summary.people.updated} changed. Doses: ${summary.immunizations.inserted} new, ${summary.immunizations.updated} changed.`,
  ];
  if (summary.errors.length > 0) {
    lines.push('Rejected rows:');
    lines.push(...summary.errors.slice(0, SHOWN_ERRORS).map(formatRowError));
    const more = summary.rejected - Math.min(summary.errors.length, SHOWN_ERRORS);
    if (more > 0) lines.push(`  … and ${more} more (--json lists up to 10,000)`);
  }
  return lines.join('\n');
}

/** A bar on stderr only for a person watching: not when stderr is piped or under CI. */
function progressBar(): cliProgress.SingleBar | undefined {
  if (!process.stderr.isTTY || process.env.CI) return undefined;
  return new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'import [{bar}] {percentage}% | {rows} rows, {rejected} rejected | {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
}

async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const file = positionals[0];
  if (positionals.length !== 1 || file === undefined) throw new UsageError('give exactly one FILE');
  if (values.format !== undefined && values.format !== 'csv' && values.format !== 'fhir') {
    throw new UsageError('--format is csv or fhir');
  }
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const config = readConfigWithDbFlags(values);
  const db = await openConfiguredDb(config);
  const bar = progressBar();
  try {
    let started = false;
    const summary = await importRegistryFile(db, file, {
      ...(values.format ? { format: values.format as 'csv' | 'fhir' } : {}),
      actor: 'cli',
      onProgress: (progress) => {
        if (!bar) return;
        const payload = { rows: progress.rowsRead, rejected: progress.rejected };
        if (!started) {
          bar.start(progress.totalBytes ?? 1, 0, payload);
          started = true;
        }
        bar.update(progress.bytesRead, payload);
      },
    });
    bar?.stop();
    console.log(values.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
    return summary.rejected > 0 ? 1 : 0;
  } finally {
    bar?.stop();
    await db.close();
  }
}

export const registry: Command = {
  summary: 'import people and immunizations (CSV, FHIR R4) into the registry',
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      console.log(USAGE);
      return sub === undefined ? 2 : 0;
    }
    try {
      if (sub === 'import') return await importCommand(rest);
      throw new UsageError(`unknown subcommand '${sub}'`);
    } catch (error) {
      return exitForError('registry', USAGE, error);
    }
  },
};
