/** One registry row, as read from CSV or FHIR: checked field by field into a record, or refused with a reason. */
import { uuidv7 } from 'uuidv7';
import { transliterate } from './romanize.ts';

export const REGISTRY_COLUMNS = [
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
  'vaccine',
  'manufacturer',
  'dose_number',
  'series_total',
  'date',
  'country',
  'issuer',
] as const;
export type RegistryColumn = (typeof REGISTRY_COLUMNS)[number];
export const REQUIRED_COLUMNS: RegistryColumn[] = ['external_id', 'family_name', 'birth_date'];
/** Empty on a person-only row; all of them (but the defaulted ones) present on an immunization row. */
const IMMUNIZATION_COLUMNS: RegistryColumn[] = [
  'target',
  'vaccine_type',
  'vaccine',
  'manufacturer',
  'dose_number',
  'series_total',
  'date',
  'country',
  'issuer',
];

export type RowFields = Partial<Record<RegistryColumn, string>>;

export interface RegistryRecord {
  line: number;
  personId: string;
  externalId: string;
  familyName: string;
  givenName: string | null;
  familyNameT: string;
  givenNameT: string | null;
  birthDate: string;
  sex: string | null;
  phone: string | null;
  guardianExternalId: string | null;
  /** Absent on a person-only row. */
  immunization: {
    target: string;
    vaccineType: string;
    product: string;
    manufacturer: string;
    doseNumber: number;
    seriesTotal: number;
    date: string;
    country: string;
    issuer: string;
  } | null;
}

export type RowErrorCode =
  | 'ERR_ROW_MISSING'
  | 'ERR_ROW_DATE'
  | 'ERR_ROW_NUMBER'
  | 'ERR_ROW_VALUE'
  | 'ERR_ROW_CSV'
  | 'ERR_ROW_FHIR';

export interface RowError {
  /** 1-based line of the file (CSV, NDJSON) where the row ends. */
  line: number;
  /** 1-based entry of the FHIR Bundle, for FHIR input. */
  entry?: number;
  externalId?: string;
  code: RowErrorCode;
  reason: string;
}

/** COVID-19 target disease (SNOMED CT), the default `target`. */
export const COVID_19 = '840539006';

/** Vaccine type and marketing-authorisation holder of the common products, so a CSV can name only the product. */
export const KNOWN_PRODUCTS: Record<string, { vaccineType: string; manufacturer: string }> = {
  'EU/1/20/1528': { vaccineType: '1119349007', manufacturer: 'ORG-100030215' },
  'EU/1/20/1507': { vaccineType: '1119349007', manufacturer: 'ORG-100031184' },
  'EU/1/21/1529': { vaccineType: '1119305005', manufacturer: 'ORG-100001699' },
  'EU/1/20/1525': { vaccineType: '1119305005', manufacturer: 'ORG-100001417' },
  'EU/1/21/1618': { vaccineType: 'J07BX03', manufacturer: 'ORG-100032020' },
};

const SEXES: Record<string, string> = {
  female: 'female',
  f: 'female',
  male: 'male',
  m: 'male',
  other: 'other',
  unknown: 'unknown',
};

class RowProblem extends Error {
  constructor(
    readonly code: RowErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) < 0x20) return true;
  return false;
}

function text(fields: RowFields, column: RegistryColumn, max = 200): string | null {
  const value = fields[column]?.trim();
  if (value === undefined || value === '') return null;
  if (value.length > max) throw new RowProblem('ERR_ROW_VALUE', `${column} is longer than ${max} characters`);
  if (hasControlCharacter(value)) throw new RowProblem('ERR_ROW_VALUE', `${column} has control characters`);
  return value;
}

function required(fields: RowFields, column: RegistryColumn, max?: number): string {
  const value = text(fields, column, max);
  if (value === null) throw new RowProblem('ERR_ROW_MISSING', `${column} is empty`);
  return value;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** DCC dob: YYYY, YYYY-MM or YYYY-MM-DD, a real date, from 1900 and not in the future. */
function birthDate(value: string, today: string): string {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!match)
    throw new RowProblem('ERR_ROW_DATE', `birth_date '${value}' is not YYYY, YYYY-MM or YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2] ?? 1), Number(match[3] ?? 1)];
  if (year < 1900 || !isRealDate(year, month, day)) {
    throw new RowProblem('ERR_ROW_DATE', `birth_date '${value}' is not a real date from 1900 on`);
  }
  if (value > today.slice(0, value.length))
    throw new RowProblem('ERR_ROW_DATE', `birth_date '${value}' is in the future`);
  return value;
}

function vaccinationDate(value: string, today: string, birth: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match || !isRealDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new RowProblem('ERR_ROW_DATE', `date '${value}' is not a real YYYY-MM-DD date`);
  }
  if (value > today) throw new RowProblem('ERR_ROW_DATE', `date '${value}' is in the future`);
  if (value.slice(0, birth.length) < birth)
    throw new RowProblem('ERR_ROW_DATE', `date '${value}' is before the birth date`);
  return value;
}

function dose(value: string, column: RegistryColumn): number {
  if (!/^[1-9]$/.test(value))
    throw new RowProblem('ERR_ROW_NUMBER', `${column} '${value}' is not a whole number from 1 to 9`);
  return Number(value);
}

/** `today` is YYYY-MM-DD from the injected clock. */
export function checkRow(fields: RowFields, line: number, today: string): RegistryRecord | RowError {
  const externalId = fields.external_id?.trim() || undefined;
  try {
    const id = required(fields, 'external_id', 64);
    const familyName = required(fields, 'family_name', 80);
    const givenName = text(fields, 'given_name', 80);
    const birth = birthDate(required(fields, 'birth_date'), today);
    const sexText = text(fields, 'sex');
    const sex = sexText === null ? null : SEXES[sexText.toLowerCase()];
    if (sex === undefined)
      throw new RowProblem('ERR_ROW_VALUE', `sex '${sexText}' is not female, male, other or unknown`);
    const phone = text(fields, 'phone', 32);
    if (phone !== null && !/^\+?[0-9 ()-]{6,32}$/.test(phone)) {
      throw new RowProblem('ERR_ROW_VALUE', `phone '${phone}' is not a phone number`);
    }
    const guardian = text(fields, 'guardian_external_id', 64);
    if (guardian === id) throw new RowProblem('ERR_ROW_VALUE', 'guardian_external_id is the person themself');
    const familyNameT = text(fields, 'family_name_t', 80) ?? transliterate(familyName, { family: true });
    const givenNameT =
      text(fields, 'given_name_t', 80) ?? (givenName === null ? null : transliterate(givenName));
    for (const [column, value] of [
      ['family_name_t', familyNameT],
      ['given_name_t', givenNameT],
    ] as const) {
      if (value !== null && !/^[A-Z<]*$/.test(value)) {
        throw new RowProblem('ERR_ROW_VALUE', `${column} '${value}' is not ICAO 9303 (A-Z and <)`);
      }
    }
    if (familyNameT === '')
      throw new RowProblem('ERR_ROW_VALUE', 'family_name has no letter to transliterate');

    let immunization: RegistryRecord['immunization'] = null;
    if (IMMUNIZATION_COLUMNS.some((column) => text(fields, column) !== null)) {
      const product = required(fields, 'vaccine', 80);
      const known = KNOWN_PRODUCTS[product];
      const country = required(fields, 'country', 2);
      if (!/^[A-Z]{2}$/.test(country))
        throw new RowProblem('ERR_ROW_VALUE', `country '${country}' is not ISO 3166-1 alpha-2`);
      const doseNumber = dose(required(fields, 'dose_number'), 'dose_number');
      const seriesTotal = dose(required(fields, 'series_total'), 'series_total');
      immunization = {
        target: text(fields, 'target', 40) ?? COVID_19,
        vaccineType:
          text(fields, 'vaccine_type', 40) ?? known?.vaccineType ?? required(fields, 'vaccine_type'),
        product,
        manufacturer:
          text(fields, 'manufacturer', 80) ?? known?.manufacturer ?? required(fields, 'manufacturer'),
        doseNumber,
        seriesTotal,
        date: vaccinationDate(required(fields, 'date'), today, birth),
        country,
        issuer: required(fields, 'issuer', 80),
      };
    }
    return {
      line,
      personId: uuidv7(),
      externalId: id,
      familyName,
      givenName,
      familyNameT,
      givenNameT,
      birthDate: birth,
      sex,
      phone,
      guardianExternalId: guardian,
      immunization,
    };
  } catch (error) {
    if (!(error instanceof RowProblem)) throw error;
    return {
      line,
      ...(externalId === undefined ? {} : { externalId }),
      code: error.code,
      reason: error.message,
    };
  }
}

export function isRowError(value: RegistryRecord | RowError): value is RowError {
  return 'code' in value;
}
