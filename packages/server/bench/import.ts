/**
 * Registry import benchmark: generates N CSV rows (default 1,000,000: people with one to three doses), then
 * times (1) parsing and checking only, the baseline, (2) a first import and (3) an idempotent re-import into
 * PGlite (temporary data directory) and into PostgreSQL on 127.0.0.1 (a fresh database, dropped after).
 *
 *   npm run bench:import [-- --rows 1000000] [-- --only pglite|postgres] [-- --batch 5000]
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { migrate } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite.ts';
import { openPostgres } from '../src/db/postgres.ts';
import type { Db } from '../src/db/types.ts';
import { importRegistryFile } from '../src/registry/import.ts';
import { checkRow, type REGISTRY_COLUMNS, type RowFields } from '../src/registry/record.ts';
import { prng } from '../src/seed/seed.ts';
import { createPostgresDatabase } from '../test/databases.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    only: { type: 'string' },
    batch: { type: 'string', default: '5000' },
  },
});
const ROWS = Number(values.rows);
const FAMILY = ['김', '이', '박', '최', '정', 'Smith', 'Brown'];
const GIVEN = ['민준', '서연', '도윤', '하은', 'Olivia', 'Noah'];

async function generate(file: string, rows: number): Promise<void> {
  const random = prng(42);
  const out = createWriteStream(file);
  out.write(
    'external_id,family_name,given_name,birth_date,sex,vaccine,dose_number,series_total,date,country,issuer\n',
  );
  let written = 0;
  let person = 0;
  while (written < rows) {
    person += 1;
    const id = `KR-${String(person).padStart(8, '0')}`;
    const family = FAMILY[Math.floor(random() * FAMILY.length)];
    const given = GIVEN[Math.floor(random() * GIVEN.length)];
    const birth = `${1940 + Math.floor(random() * 65)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
    const sex = random() < 0.5 ? 'female' : 'male';
    const doses = 1 + Math.floor(random() * 3);
    for (let dose = 1; dose <= doses && written < rows; dose++, written++) {
      const line = `${id},${family},${given},${birth},${sex},EU/1/20/1528,${dose},2,2021-0${3 + dose * 2}-15,KR,KDCA\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}

/** The baseline: csv-parse plus the row checks, no database. */
async function parseOnly(file: string): Promise<number> {
  const today = new Date().toISOString().slice(0, 10);
  let header: string[] | undefined;
  let n = 0;
  for await (const record of createReadStream(file).pipe(
    parse({ relax_column_count: true }),
  ) as AsyncIterable<string[]>) {
    if (!header) {
      header = record;
      continue;
    }
    const fields: RowFields = {};
    header.forEach((column, i) => {
      fields[column as (typeof REGISTRY_COLUMNS)[number]] = record[i];
    });
    checkRow(fields, n + 2, today);
    n += 1;
  }
  return n;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - started) / 1000 };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function benchDb(label: string, db: Db, file: string, baseline: number): Promise<void> {
  await migrate(db);
  const first = await timed(() =>
    importRegistryFile(db, file, { format: 'csv', batchSize: Number(values.batch) }),
  );
  const again = await timed(() =>
    importRegistryFile(db, file, { format: 'csv', batchSize: Number(values.batch) }),
  );
  for (const [what, run] of [
    ['first import', first],
    ['re-import (no changes)', again],
  ] as const) {
    const rate = run.value.rowsRead / run.seconds;
    console.log(
      `${label.padEnd(10)} ${what.padEnd(24)} ${fmt(run.value.rowsRead)} rows in ${run.seconds.toFixed(1)} s = ${fmt(rate)} rows/s ` +
        `(${(rate / baseline).toFixed(2)}x baseline; people +${fmt(run.value.people.inserted)} ~${fmt(run.value.people.updated)}, ` +
        `doses +${fmt(run.value.immunizations.inserted)} ~${fmt(run.value.immunizations.updated)}, rejected ${run.value.rejected})`,
    );
  }
}

const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-'));
try {
  const file = join(dir, 'registry.csv');
  const generated = await timed(() => generate(file, ROWS));
  console.log(
    `generated ${fmt(ROWS)} rows (${(statSync(file).size / 1e6).toFixed(0)} MB) in ${generated.seconds.toFixed(1)} s`,
  );
  const base = await timed(() => parseOnly(file));
  const baseline = base.value / base.seconds;
  console.log(
    `baseline   parse + check only        ${fmt(base.value)} rows in ${base.seconds.toFixed(1)} s = ${fmt(baseline)} rows/s`,
  );
  if (values.only !== 'postgres') {
    const db = await openPglite(join(dir, 'pglite'));
    try {
      await benchDb('pglite', db, file, baseline);
    } finally {
      await db.close();
    }
  }
  if (values.only !== 'pglite') {
    const database = await createPostgresDatabase();
    const db = openPostgres(database.url, { poolSize: 2 });
    try {
      await benchDb('postgres', db, file, baseline);
    } finally {
      await db.close();
      await database.drop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
