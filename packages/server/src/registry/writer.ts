/** Writes checked registry records in batches: COPY into a staging table, then one upsert per table. */
import type { Db } from '../db/types.ts';
import type { RegistryRecord } from './record.ts';

export interface WriteCounts {
  peopleInserted: number;
  peopleUpdated: number;
  immunizationsInserted: number;
  immunizationsUpdated: number;
}

const STAGING_COLUMNS = [
  'line',
  'person_id',
  'external_id',
  'family_name',
  'given_name',
  'family_name_t',
  'given_name_t',
  'birth_date',
  'sex',
  'phone',
  'guardian_external_id',
  'target',
  'vaccine_type',
  'product',
  'manufacturer',
  'dose_number',
  'series_total',
  'administered_on',
  'country',
  'issuer',
] as const;

// Transaction-scoped: on a pool each batch may run on another connection.
const CREATE_STAGING = `CREATE TEMP TABLE registry_staging (
  line integer NOT NULL, person_id uuid NOT NULL, external_id text NOT NULL, family_name text NOT NULL,
  given_name text, family_name_t text NOT NULL, given_name_t text, birth_date text NOT NULL, sex text,
  phone text, guardian_external_id text, target text, vaccine_type text, product text, manufacturer text,
  dose_number integer, series_total integer, administered_on date, country text, issuer text
) ON COMMIT DROP`;

// The last row of a person (by line) wins; a row that changes nothing leaves updated_at alone.
const UPSERT_PEOPLE = `WITH upserted AS (
  INSERT INTO people AS p (id, external_id, family_name, given_name, family_name_t, given_name_t, birth_date,
    sex, phone, guardian_external_id)
  SELECT DISTINCT ON (external_id) person_id, external_id, family_name, given_name, family_name_t, given_name_t,
    birth_date, sex, phone, guardian_external_id
  FROM registry_staging ORDER BY external_id, line DESC
  ON CONFLICT (external_id) DO UPDATE SET family_name = EXCLUDED.family_name, given_name = EXCLUDED.given_name,
    family_name_t = EXCLUDED.family_name_t, given_name_t = EXCLUDED.given_name_t,
    birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, phone = EXCLUDED.phone,
    guardian_external_id = EXCLUDED.guardian_external_id, updated_at = now()
  WHERE (p.family_name, p.given_name, p.family_name_t, p.given_name_t, p.birth_date, p.sex, p.phone,
    p.guardian_external_id) IS DISTINCT FROM (EXCLUDED.family_name, EXCLUDED.given_name, EXCLUDED.family_name_t,
    EXCLUDED.given_name_t, EXCLUDED.birth_date, EXCLUDED.sex, EXCLUDED.phone, EXCLUDED.guardian_external_id)
  RETURNING (xmax = 0) AS inserted
) SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated
  FROM upserted`;

const UPSERT_IMMUNIZATIONS = `WITH upserted AS (
  INSERT INTO immunizations AS i (person_id, dose_number, series_total, target, vaccine_type, product,
    manufacturer, administered_on, country, issuer)
  SELECT DISTINCT ON (s.external_id, s.dose_number) p.id, s.dose_number, s.series_total, s.target,
    s.vaccine_type, s.product, s.manufacturer, s.administered_on, s.country, s.issuer
  FROM registry_staging s JOIN people p ON p.external_id = s.external_id
  WHERE s.dose_number IS NOT NULL
  ORDER BY s.external_id, s.dose_number, s.line DESC
  ON CONFLICT (person_id, dose_number) DO UPDATE SET series_total = EXCLUDED.series_total,
    target = EXCLUDED.target, vaccine_type = EXCLUDED.vaccine_type, product = EXCLUDED.product,
    manufacturer = EXCLUDED.manufacturer, administered_on = EXCLUDED.administered_on,
    country = EXCLUDED.country, issuer = EXCLUDED.issuer, updated_at = now()
  WHERE (i.series_total, i.target, i.vaccine_type, i.product, i.manufacturer, i.administered_on, i.country,
    i.issuer) IS DISTINCT FROM (EXCLUDED.series_total, EXCLUDED.target, EXCLUDED.vaccine_type, EXCLUDED.product,
    EXCLUDED.manufacturer, EXCLUDED.administered_on, EXCLUDED.country, EXCLUDED.issuer)
  RETURNING (xmax = 0) AS inserted
) SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated
  FROM upserted`;

function stagingRow(record: RegistryRecord): unknown[] {
  const v = record.immunization;
  return [
    record.line,
    record.personId,
    record.externalId,
    record.familyName,
    record.givenName,
    record.familyNameT,
    record.givenNameT,
    record.birthDate,
    record.sex,
    record.phone,
    record.guardianExternalId,
    v?.target ?? null,
    v?.vaccineType ?? null,
    v?.product ?? null,
    v?.manufacturer ?? null,
    v?.doseNumber ?? null,
    v?.seriesTotal ?? null,
    v?.date ?? null,
    v?.country ?? null,
    v?.issuer ?? null,
  ];
}

/** One batch, all or nothing. */
export async function writeBatch(db: Db, records: readonly RegistryRecord[]): Promise<WriteCounts> {
  return db.transaction(async (tx) => {
    await tx.exec(CREATE_STAGING);
    await tx.copyFrom('registry_staging', STAGING_COLUMNS, records.map(stagingRow));
    const people = (await tx.query<{ inserted: number; updated: number }>(UPSERT_PEOPLE)).rows[0];
    const shots = (await tx.query<{ inserted: number; updated: number }>(UPSERT_IMMUNIZATIONS)).rows[0];
    return {
      peopleInserted: people?.inserted ?? 0,
      peopleUpdated: people?.updated ?? 0,
      immunizationsInserted: shots?.inserted ?? 0,
      immunizationsUpdated: shots?.updated ?? 0,
    };
  });
}

/** Family links by external id, resolved once the whole file is in (a guardian may come after the minor). */
export async function linkGuardians(db: Db): Promise<void> {
  await db.query(`UPDATE people p SET guardian_id = g.id FROM people g
    WHERE p.guardian_external_id = g.external_id AND p.guardian_id IS DISTINCT FROM g.id`);
  await db.query(`UPDATE people SET guardian_id = NULL
    WHERE guardian_id IS NOT NULL AND (guardian_external_id IS NULL
      OR NOT EXISTS (SELECT 1 FROM people g WHERE g.external_id = people.guardian_external_id))`);
}
