import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keys } from './keys.ts';
import { registry } from './registry.ts';

const HEADER =
  'external_id,family_name,given_name,birth_date,vaccine,dose_number,series_total,date,country,issuer';

describe('greenlight registry import / keys (PGlite data dir)', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'greenlight-cli-'));
    out = [];
    err = [];
    vi.spyOn(console, 'log').mockImplementation((text: string) => void out.push(String(text)));
    vi.spyOn(console, 'error').mockImplementation((text: string) => void err.push(String(text)));
  });
  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 when every row is imported and 1 when some are rejected, keeping the good ones', async () => {
    const data = join(dir, 'data');
    const good = join(dir, 'good.csv');
    writeFileSync(good, `${HEADER}\nKR-1,Kim,Minji,1990-01-01,EU/1/20/1528,1,2,2021-07-01,KR,KDCA\n`);
    expect(await registry.run(['import', good, '--data-dir', data])).toBe(0);
    expect(out.join('\n')).toMatch(/1 imported, 0 rejected/);

    const mixed = join(dir, 'mixed.csv');
    writeFileSync(
      mixed,
      `${HEADER}\nKR-2,Lee,Jun,1991-01-01,EU/1/20/1528,1,2,2021-07-01,KR,KDCA\nKR-3,Park,Ji,1992-13-01,EU/1/20/1528,1,2,2021-07-01,KR,KDCA\n`,
    );
    out.length = 0;
    expect(await registry.run(['import', mixed, '--data-dir', data])).toBe(1);
    expect(out.join('\n')).toMatch(/1 imported, 1 rejected/);
    expect(out.join('\n')).toMatch(/line 3 \(KR-3\): ERR_ROW_DATE/);
  });

  it('exits 2 for a missing file, a bad header or bad usage', async () => {
    expect(await registry.run(['import', join(dir, 'nope.csv')])).toBe(2);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'who,when\nx,y\n');
    expect(await registry.run(['import', bad, '--data-dir', join(dir, 'data')])).toBe(2);
    expect(err.join('\n')).toMatch(/ERR_IMPORT_FORMAT/);
    expect(await registry.run(['import', bad, '--format', 'xml'])).toBe(2);
    expect(await registry.run(['export'])).toBe(2);
  });

  it('rotates a DSC that is published now and signs after the lead time', async () => {
    const data = join(dir, 'keys');
    out.length = 0;
    expect(await keys.run(['rotate', '--data-dir', data, '--lead-hours', '24'])).toBe(0);
    expect(out.join('\n')).toMatch(/New DSC .* signs from/);
    out.length = 0;
    expect(await keys.run(['list', '--data-dir', data])).toBe(0);
    const kinds = out.map((line) => line.split(' ')[0]);
    expect(kinds).toEqual(['csca', 'dsc', 'shc', 'dsc']);
    expect(await keys.run(['rotate', '--kind', 'rsa', '--data-dir', data])).toBe(2);
  });
});
