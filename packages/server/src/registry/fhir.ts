/** FHIR R4 Bundles of Patient + Immunization, as registry rows (one per immunization, or per Patient without). */
import type { RegistryColumn, RowError, RowFields } from './record.ts';

export interface FhirRow {
  fields: RowFields;
  line: number;
  entry: number;
}

export interface FhirDefaults {
  /** For Immunizations that name no country (ISO 3166-1 alpha-2). */
  country: string;
  /** The DCC `is` field. */
  issuer: string;
}

/** CVX codes of the COVID-19 vaccines that have an EU product number. */
const CVX_PRODUCTS: Record<string, string> = {
  '208': 'EU/1/20/1528',
  '217': 'EU/1/20/1528',
  '207': 'EU/1/20/1507',
  '210': 'EU/1/21/1529',
  '212': 'EU/1/20/1525',
  '211': 'EU/1/21/1618',
};
const CVX = 'http://hl7.org/fhir/sid/cvx';

type Json = Record<string, unknown>;
const obj = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function patientFields(patient: Json): RowFields {
  const identifiers = arr(patient.identifier).map(obj);
  const identifier = identifiers.find((id) => id?.use === 'official') ?? identifiers[0];
  const names = arr(patient.name).map(obj);
  const name = names.find((n) => n?.use === 'official') ?? names[0];
  const phone = arr(patient.telecom)
    .map(obj)
    .find((t) => t?.system === 'phone');
  const fields: RowFields = {
    external_id: str(identifier?.value) ?? '',
    family_name: str(name?.family) ?? '',
    given_name: arr(name?.given)
      .filter((g) => typeof g === 'string')
      .join(' '),
    birth_date: str(patient.birthDate) ?? '',
    sex: str(patient.gender) ?? '',
    phone: str(phone?.value) ?? '',
  };
  return fields;
}

function immunizationFields(immunization: Json, defaults: FhirDefaults): RowFields | string {
  const status = str(immunization.status);
  if (status !== 'completed') return `Immunization status is '${status ?? ''}', not 'completed'`;
  const codings = arr(obj(immunization.vaccineCode)?.coding).map(obj);
  let product: string | undefined;
  for (const coding of codings) {
    const code = str(coding?.code);
    if (!code) continue;
    if (coding?.system === CVX && CVX_PRODUCTS[code]) product = CVX_PRODUCTS[code];
    else if (/^EU\/\d\/\d{2}\/\d+$/.test(code)) product = code;
    if (product) break;
  }
  if (!product) return 'vaccineCode has no EU product number and no known CVX code';
  const protocol = obj(arr(immunization.protocolApplied)[0]);
  const doseNumber = protocol?.doseNumberPositiveInt ?? protocol?.doseNumberString;
  const series = protocol?.seriesDosesPositiveInt ?? protocol?.seriesDosesString;
  const fields: Partial<Record<RegistryColumn, string>> = {
    vaccine: product,
    dose_number: doseNumber === undefined ? '' : String(doseNumber),
    series_total: series === undefined ? '' : String(series),
    date: (str(immunization.occurrenceDateTime) ?? '').slice(0, 10),
    country: defaults.country,
    issuer: defaults.issuer,
  };
  const manufacturer = str(obj(obj(immunization.manufacturer)?.identifier)?.value);
  if (manufacturer) fields.manufacturer = manufacturer;
  return fields;
}

function bundleRows(bundle: unknown, line: number, defaults: FhirDefaults, errors: RowError[]): FhirRow[] {
  const root = obj(bundle);
  if (root?.resourceType !== 'Bundle') {
    errors.push({ line, code: 'ERR_ROW_FHIR', reason: 'not a FHIR Bundle (resourceType must be Bundle)' });
    return [];
  }
  const patients = new Map<string, { fields: RowFields; entry: number; used: boolean }>();
  const immunizations: { resource: Json; entry: number }[] = [];
  arr(root.entry).forEach((item, index) => {
    const entry = obj(item);
    const resource = obj(entry?.resource);
    if (resource?.resourceType === 'Patient') {
      const record = { fields: patientFields(resource), entry: index + 1, used: false };
      const fullUrl = str(entry?.fullUrl);
      if (fullUrl) patients.set(fullUrl, record);
      if (str(resource.id)) patients.set(`Patient/${resource.id}`, record);
    } else if (resource?.resourceType === 'Immunization') {
      immunizations.push({ resource, entry: index + 1 });
    }
  });
  const rows: FhirRow[] = [];
  for (const { resource, entry } of immunizations) {
    const reference = str(obj(resource.patient)?.reference) ?? '';
    const patient = patients.get(reference);
    if (!patient) {
      errors.push({
        line,
        entry,
        code: 'ERR_ROW_FHIR',
        reason: `Immunization.patient '${reference}' is not a Patient of this Bundle`,
      });
      continue;
    }
    patient.used = true;
    const fields = immunizationFields(resource, defaults);
    if (typeof fields === 'string') {
      errors.push({
        line,
        entry,
        externalId: patient.fields.external_id,
        code: 'ERR_ROW_FHIR',
        reason: fields,
      });
      continue;
    }
    rows.push({ fields: { ...patient.fields, ...fields }, line, entry });
  }
  for (const patient of new Set(patients.values())) {
    if (!patient.used) rows.push({ fields: patient.fields, line, entry: patient.entry });
  }
  return rows;
}

/** A Bundle, an array of Bundles, or NDJSON with one Bundle per line. */
export function fhirRows(text: string, defaults: FhirDefaults, errors: RowError[]): FhirRow[] {
  const trimmed = text.trim();
  try {
    const parsed: unknown = JSON.parse(trimmed);
    const bundles = Array.isArray(parsed) ? parsed : [parsed];
    return bundles.flatMap((bundle) => bundleRows(bundle, 1, defaults, errors));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  const rows: FhirRow[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    let bundle: unknown;
    try {
      bundle = JSON.parse(raw);
    } catch {
      errors.push({ line: index + 1, code: 'ERR_ROW_FHIR', reason: 'not JSON' });
      return;
    }
    rows.push(...bundleRows(bundle, index + 1, defaults, errors));
  });
  return rows;
}
