import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, type TestDb, testDb } from '../../test/databases.ts';
import { importRegistry } from './import.ts';
import { transliterate } from './romanize.ts';

const now = () => new Date('2026-06-01T00:00:00Z');
const HEADER =
  'external_id,family_name,given_name,birth_date,sex,phone,guardian_external_id,vaccine,dose_number,series_total,date,country,issuer';
const GOOD = [
  'KR-001,홍,길동,1985-03-01,male,+82-10-0000-0001,,EU/1/20/1528,1,2,2021-07-01,KR,KDCA',
  'KR-001,홍,길동,1985-03-01,male,+82-10-0000-0001,,EU/1/20/1528,2,2,2021-08-01,KR,KDCA',
  'KR-002,Smith,"Anne, Marie",2015-05,female,,KR-003,EU/1/20/1507,1,2,2022-01-10,KR,KDCA',
  'KR-003,Smith,John,1980,male,+82-10-0000-0003,,,,,,,',
];
const BAD = [
  'KR-004,Kim,Minji,1990-02-30,female,,,EU/1/20/1528,1,2,2021-07-01,KR,KDCA', // line 6: no such date
  'KR-005,Lee,Jun,1991-01-01,male,,,EU/1/20/1528,ten,2,2021-07-01,KR,KDCA', // 7: dose
  ',Park,Ji,1992-01-01,female,,,EU/1/20/1528,1,2,2021-07-01,KR,KDCA', // 8: no id
  'KR-006,Choi,Yu,1993-01-01,female,,,EU/1/20/1528,1,2,2027-01-01,KR,KDCA', // 9: future
  'KR-007,Jung,Ho,1994-01-01,male,,,EU/1/20/1528,1,2,2021-07-01,Korea,KDCA', // 10: country
  'KR-008,Too,Few,1995-01-01', // 11: columns
  'KR-009,Yoon,Ara,1996-01-01,female,,,X/1,1,2,2021-07-01,KR,KDCA', // 12: unknown product, no type
];
const csv = (...lines: string[]) => Readable.from([`${lines.join('\n')}\n`]);

describe('transliteration', () => {
  it.each([
    ['홍', true, 'HONG'],
    ['길동', false, 'GILDONG'],
    ['이', true, 'LEE'],
    ['서연', false, 'SEOYEON'],
    ['Müller-Lüdenscheidt', true, 'MULLER<LUDENSCHEIDT'],
    ["O'Brien", true, 'O<BRIEN'],
  ])('%s -> %s', (name, family, expected) => {
    expect(transliterate(name, { family })).toBe(expected);
  });
});

describe.each(DB_KINDS)('registry import (%s)', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await testDb(kind);
  });
  afterAll(async () => {
    await t?.release();
  });

  it('keeps the good rows and reports every bad one with its line and reason', async () => {
    const summary = await importRegistry(t.db, csv(HEADER, ...GOOD, ...BAD), {
      format: 'csv',
      now,
      batchSize: 2,
    });
    expect(summary).toMatchObject({
      rowsRead: 11,
      accepted: 4,
      rejected: 7,
      people: { inserted: 3, updated: 0 },
      immunizations: { inserted: 3, updated: 0 },
    });
    expect(summary.errors.map((e) => [e.line, e.code])).toEqual([
      [6, 'ERR_ROW_DATE'],
      [7, 'ERR_ROW_NUMBER'],
      [8, 'ERR_ROW_MISSING'],
      [9, 'ERR_ROW_DATE'],
      [10, 'ERR_ROW_VALUE'],
      [11, 'ERR_ROW_CSV'],
      [12, 'ERR_ROW_MISSING'],
    ]);
    expect(summary.errors[0]).toMatchObject({
      externalId: 'KR-004',
      reason: expect.stringContaining('1990-02-30'),
    });
    const { rows } = await t.db.query(
      `SELECT p.external_id, p.family_name_t, p.given_name_t, p.birth_date, g.external_id AS guardian,
         (SELECT count(*)::int FROM immunizations i WHERE i.person_id = p.id) AS doses
       FROM people p LEFT JOIN people g ON g.id = p.guardian_id ORDER BY p.external_id`,
    );
    expect(rows).toEqual([
      {
        external_id: 'KR-001',
        family_name_t: 'HONG',
        given_name_t: 'GILDONG',
        birth_date: '1985-03-01',
        guardian: null,
        doses: 2,
      },
      {
        external_id: 'KR-002',
        family_name_t: 'SMITH',
        given_name_t: 'ANNE<MARIE',
        birth_date: '2015-05',
        guardian: 'KR-003',
        doses: 1,
      },
      {
        external_id: 'KR-003',
        family_name_t: 'SMITH',
        given_name_t: 'JOHN',
        birth_date: '1980',
        guardian: null,
        doses: 0,
      },
    ]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await t.db.query('SELECT external_id, updated_at FROM people ORDER BY external_id');
    const summary = await importRegistry(t.db, csv(HEADER, ...GOOD), { format: 'csv', now });
    expect(summary).toMatchObject({
      accepted: 4,
      people: { inserted: 0, updated: 0 },
      immunizations: { inserted: 0, updated: 0 },
    });
    expect(await t.db.query('SELECT external_id, updated_at FROM people ORDER BY external_id')).toEqual(
      before,
    );
  });

  it('updates only the records that changed', async () => {
    const changed = GOOD[1]?.replace('2021-08-01', '2021-08-15') as string;
    const summary = await importRegistry(t.db, csv(HEADER, changed), { format: 'csv', now });
    expect(summary).toMatchObject({
      people: { inserted: 0, updated: 0 },
      immunizations: { inserted: 0, updated: 1 },
    });
  });

  it('refuses a file whose header is not the registry header, before writing anything', async () => {
    await expect(
      importRegistry(t.db, csv('id,name,dob', '1,a,2000'), { format: 'csv', now }),
    ).rejects.toMatchObject({
      code: 'ERR_IMPORT_FORMAT',
    });
  });

  it('imports FHIR R4 Bundles of Patient and Immunization', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          fullUrl: 'resource:0',
          resource: {
            resourceType: 'Patient',
            identifier: [{ system: 'urn:kr:registry', value: 'KR-100' }],
            name: [{ family: '김', given: ['민준'] }],
            birthDate: '2001-04-05',
            gender: 'male',
          },
        },
        {
          resource: {
            resourceType: 'Immunization',
            status: 'completed',
            vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '208' }] },
            patient: { reference: 'resource:0' },
            occurrenceDateTime: '2021-09-01T10:00:00+09:00',
            protocolApplied: [{ doseNumberPositiveInt: 1, seriesDosesPositiveInt: 2 }],
          },
        },
        {
          resource: {
            resourceType: 'Immunization',
            status: 'entered-in-error',
            vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '208' }] },
            patient: { reference: 'resource:0' },
            occurrenceDateTime: '2021-10-01',
            protocolApplied: [{ doseNumberPositiveInt: 2, seriesDosesPositiveInt: 2 }],
          },
        },
        {
          resource: {
            resourceType: 'Immunization',
            status: 'completed',
            vaccineCode: { coding: [{ code: 'EU/1/20/1528' }] },
            patient: { reference: 'resource:9' },
            occurrenceDateTime: '2021-10-01',
          },
        },
      ],
    };
    const ndjson = `${JSON.stringify(bundle)}\n{broken\n`;
    const summary = await importRegistry(t.db, Readable.from([ndjson]), { format: 'fhir', now });
    expect(summary).toMatchObject({
      accepted: 1,
      rejected: 3,
      people: { inserted: 1 },
      immunizations: { inserted: 1 },
    });
    expect(summary.errors.map((e) => [e.line, e.entry, e.code])).toEqual([
      [1, 3, 'ERR_ROW_FHIR'],
      [1, 4, 'ERR_ROW_FHIR'],
      [2, undefined, 'ERR_ROW_FHIR'],
    ]);
    const { rows } = await t.db.query(
      `SELECT p.family_name_t, p.given_name_t, i.product, i.vaccine_type, i.manufacturer, i.country
       FROM people p JOIN immunizations i ON i.person_id = p.id WHERE p.external_id = 'KR-100'`,
    );
    expect(rows).toEqual([
      {
        family_name_t: 'KIM',
        given_name_t: 'MINJUN',
        product: 'EU/1/20/1528',
        vaccine_type: '1119349007',
        manufacturer: 'ORG-100030215',
        country: 'KR',
      },
    ]);
  });
});
