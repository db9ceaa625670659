import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/src/app.ts';
import { runIssuance } from '../../../server/src/issuance/job.ts';
import { KeyStore } from '../../../server/src/keys/store.ts';
import { testDb } from '../../../server/test/databases.ts';
import { capture } from '../../test/capture.ts';

const SECRET = 'a test secret that is long enough to derive a key';
const now = new Date('2022-01-20T03:00:00Z');
const PERSON = '0190a000-0000-7000-8000-0000000000d1';

/** A fresh authority (database, keys, one issued DCC) and its published DSC and CSCA lists. */
async function authority() {
  const t = await testDb('pglite');
  const keys = new KeyStore(t.db, { secret: SECRET, now: () => now });
  await keys.ensure();
  await t.db.query(
    `INSERT INTO people (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date)
     VALUES ($1, 'KR-00000d1', '한', '지우', 'HAN', 'JIWOO', '1988-04-04')`,
    [PERSON],
  );
  await t.db.query(
    `INSERT INTO immunizations (person_id, dose_number, series_total, target, vaccine_type, product, manufacturer,
       administered_on, country, issuer)
     VALUES ($1, 3, 2, '840539006', '1119349007', 'EU/1/20/1528', 'ORG-100030215', '2021-12-01', 'KR', 'KDCA')`,
    [PERSON],
  );
  await runIssuance(t.db, keys, { shcIssuer: 'https://greenlight.example', now });
  const app: FastifyInstance = await buildApp({ db: t.db, closeDb: false, logger: false, now: () => now });
  const dscs = (await app.inject('/v1/trust/dscs')).json();
  const cscas = (await app.inject('/v1/trust/cscas')).json();
  await app.close();
  const { rows } = await t.db.query<{ payload: string }>(
    "SELECT payload FROM issued_certificates WHERE kind = 'dcc'",
  );
  return { t, dscs, cscas, hc1: rows[0]?.payload as string };
}

describe('greenlight verify --dsc-list with the Gateway DSC and CSCA lists', () => {
  let ours: Awaited<ReturnType<typeof authority>>;
  let other: Awaited<ReturnType<typeof authority>>;
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-gateway-'));
  const file = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  beforeAll(async () => {
    ours = await authority();
    other = await authority();
  });
  afterAll(async () => {
    await ours?.t.release();
    await other?.t.release();
  });

  it('reads both lists: the DSC chains to the published CSCA and the certificate verifies', async () => {
    const { code, out } = await capture([
      'verify',
      ours.hc1,
      '--dsc-list',
      file('dscs.json', ours.dscs),
      '--dsc-list',
      file('cscas.json', ours.cscas),
      '--at',
      now.toISOString(),
      '--json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(out[0] as string).report.verdict).toBe('valid');
  });

  it('refuses a DSC list whose DSC another CSCA signed, a forged signature field and a wrong thumbprint', async () => {
    const run = (...lists: string[]) =>
      capture(['verify', ours.hc1, ...lists.flatMap((l) => ['--dsc-list', l]), '--at', now.toISOString()]);
    const foreignCsca = await run(file('dscs2.json', ours.dscs), file('cscas2.json', other.cscas));
    expect(foreignCsca.code).toBe(2);
    expect(foreignCsca.err.join('\n')).toContain('is not signed by a CSCA of its country');

    const [dsc] = ours.dscs.certificates;
    const [otherDsc] = other.dscs.certificates;
    const forged = { certificates: [{ ...dsc, signature: otherDsc.signature }] };
    const forgedRun = await run(file('forged.json', forged), file('cscas3.json', ours.cscas));
    expect(forgedRun.code).toBe(2);
    expect(forgedRun.err.join('\n')).toContain('is not signed by a CSCA of its country');

    const wrongThumbprint = { certificates: [{ ...dsc, thumbprint: otherDsc.thumbprint }] };
    const thumbRun = await run(file('thumb.json', wrongThumbprint));
    expect(thumbRun.code).toBe(2);
    expect(thumbRun.err.join('\n')).toContain('but its rawData hashes to');
  });
});
