/** The FHIR R4 bundle inside a SMART Health Card: its required shape, its minimisation, and what it says. */

import { personName } from '../dcc/hcert.ts';
import type { CertificateType, ClinicalSummary, HolderSummary } from '../report.ts';

export interface Problem {
  code: string;
  message: string;
}

export interface FhirBundleCheck {
  /** Broken MUSTs: the card cannot be read as a health card. */
  errors: Problem[];
  /** Minimisation and other issuer-side rules that deployed issuers broke while the content stays sound. */
  warnings: Problem[];
  holder?: HolderSummary;
  certificateType: CertificateType;
  summary: ClinicalSummary;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const RESOURCE_REF = /^resource:(0|[1-9]\d*)$/;

/** FHIR R4 value sets of the two status elements (Immunization.status, Observation.status: both 1..1, required). */
const IMMUNIZATION_STATUS = new Set(['completed', 'entered-in-error', 'not-done']);
const OBSERVATION_STATUS = new Set([
  'registered',
  'preliminary',
  'final',
  'amended',
  'corrected',
  'cancelled',
  'entered-in-error',
  'unknown',
]);
/** FHIR R4 `dateTime`: a year, year-month, date, or date and time with its offset (no local time). */
const FHIR_DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(?:\.\d{1,9})?(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$/;

/** A FHIR `dateTime` that names a real calendar day (or month, or year): 2021-02-30 is not one. */
function isFhirDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = FHIR_DATE_TIME.exec(value);
  if (!m) return false;
  if (m[2] === undefined) return true;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return false;
  if (m[3] === undefined) return true;
  const year = Number(m[1]);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  const day = Number(m[3]);
  return day >= 1 && day <= days;
}

/** The `occurrence[x]` / `effective[x]` elements a resource carries (FHIR allows one choice at most). */
const choices = (r: Json, prefix: string) =>
  Object.keys(r).filter((k) => k.startsWith(prefix) && k !== prefix);

function firstCoding(concept: unknown): { system?: string; code?: string } | undefined {
  if (!isObject(concept) || !Array.isArray(concept.coding)) return undefined;
  const coding = concept.coding.find(isObject);
  if (!coding) return undefined;
  return {
    ...(typeof coding.system === 'string' ? { system: coding.system } : {}),
    ...(typeof coding.code === 'string' ? { code: coding.code } : {}),
  };
}

/** Coding.display and CodeableConcept.text / narrative text: what minimisation removes (Reference.display stays). */
function isRemovable(owner: Json, key: string, top: boolean): boolean {
  if (key === 'display') return 'code' in owner || 'system' in owner;
  if (key === 'text') return top || Array.isArray(owner.coding);
  return false;
}

/** Every `reference` string anywhere under `value`, and which minimisation breaches appear. */
function walk(value: unknown, top: boolean, seen: { refs: string[]; unminimised: Set<string> }): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, false, seen);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'reference' && typeof v === 'string') seen.refs.push(v);
    if (isRemovable(value, key, top)) seen.unminimised.add(key === 'display' ? 'Coding.display' : 'text');
    walk(v, false, seen);
  }
}

function holderOf(patient: Json): HolderSummary {
  const name = Array.isArray(patient.name) ? patient.name.find(isObject) : undefined;
  const given = Array.isArray(name?.given) ? name.given.filter((g) => typeof g === 'string').join(' ') : '';
  const family = typeof name?.family === 'string' ? name.family : '';
  return {
    name: personName(family, given),
    ...(family ? { familyName: family } : {}),
    ...(given ? { givenName: given } : {}),
    dateOfBirth: typeof patient.birthDate === 'string' ? patient.birthDate : '',
  };
}

/**
 * Checks `vc.credentialSubject.fhirBundle` as the SHC spec requires of a verifier, and reads the holder and the
 * immunizations or results out of it. Entries that fail their own checks are left out of the summary.
 */
export function checkFhirBundle(bundle: unknown): FhirBundleCheck {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const summary: ClinicalSummary = { immunizations: [], results: [] };
  const out: FhirBundleCheck = { errors, warnings, certificateType: 'unknown', summary };
  const error = (code: string, message: string) => errors.push({ code, message });
  const warn = (code: string, message: string) => warnings.push({ code, message });

  if (!isObject(bundle) || bundle.resourceType !== 'Bundle') {
    error('ERR_SHC_FHIR_BUNDLE', 'fhirBundle is not a FHIR Bundle');
    return out;
  }
  if (bundle.type !== 'collection')
    error('ERR_SHC_FHIR_BUNDLE', `Bundle.type is ${JSON.stringify(bundle.type)}, not "collection"`);
  if (!Array.isArray(bundle.entry) || bundle.entry.length === 0) {
    error('ERR_SHC_FHIR_BUNDLE', 'the Bundle has no entries');
    return out;
  }

  const byUrl = new Map<string, Json>();
  const resources: Json[] = [];
  let shortUrls = true;
  bundle.entry.forEach((entry, i) => {
    if (!isObject(entry) || !isObject(entry.resource) || typeof entry.resource.resourceType !== 'string') {
      error('ERR_SHC_FHIR_ENTRY', `entry ${i} has no resource`);
      return;
    }
    resources.push(entry.resource);
    if (typeof entry.fullUrl === 'string') {
      byUrl.set(entry.fullUrl, entry.resource);
      if (!RESOURCE_REF.test(entry.fullUrl)) shortUrls = false;
    } else {
      shortUrls = false;
    }
  });
  if (!shortUrls) warn('WARN_SHC_FHIR_FULLURL', 'entry fullUrl values are not all of the form resource:N');

  const seen = { refs: [] as string[], unminimised: new Set<string>() };
  for (const r of resources) walk(r, true, seen);
  const longRefs = seen.refs.filter((r) => !RESOURCE_REF.test(r));
  if (longRefs.length > 0)
    warn(
      'WARN_SHC_FHIR_REFERENCE',
      `${longRefs.length} reference(s) are not resource:N (e.g. ${JSON.stringify(longRefs[0])})`,
    );
  const withId = resources.filter((r) => 'id' in r).length;
  if (withId > 0) warn('WARN_SHC_FHIR_MINIMISE', `${withId} resource(s) carry an id`);
  const withMeta = resources.filter(
    (r) => isObject(r.meta) && Object.keys(r.meta).some((k) => k !== 'security'),
  ).length;
  if (withMeta > 0) warn('WARN_SHC_FHIR_MINIMISE', `${withMeta} resource(s) carry meta other than security`);
  if (seen.unminimised.size > 0)
    warn(
      'WARN_SHC_FHIR_MINIMISE',
      `the bundle carries ${[...seen.unminimised].sort().join(' and ')} elements`,
    );

  const patients = resources.filter((r) => r.resourceType === 'Patient');
  const patient = patients[0];
  if (!patient) {
    // The spec's own multi-QR example has no Patient: the card is readable, it just identifies nobody.
    warn('WARN_SHC_FHIR_PATIENT', 'the Bundle has no Patient: the card names no holder');
  } else {
    if (patients.length > 1) warn('WARN_SHC_FHIR_PATIENT', `the Bundle has ${patients.length} Patients`);
    out.holder = holderOf(patient);
    if (!out.holder.name) error('ERR_SHC_FHIR_PATIENT', 'the Patient has no name');
  }

  const pointsToPatient = (subject: unknown): boolean => {
    if (!patient) return true;
    if (!isObject(subject) || typeof subject.reference !== 'string') return false;
    return byUrl.get(subject.reference) === patient;
  };
  /** A reference to the holder that names no entry of this bundle: the record belongs to nobody the card shows. */
  const dangles = (subject: unknown): boolean =>
    isObject(subject) && typeof subject.reference === 'string' && !byUrl.has(subject.reference);

  // A record that breaks FHIR's own types (a status outside its value set, no coded vaccine or test, no date or two,
  // a date that is not a date, a reference to no entry) is malformed: the card is refused, decisively
  // (ERR_SHC_FHIR_FIELD, ERR_SHC_FHIR_REFERENCE), never read by guessing. A well-formed record that is simply not
  // a given dose or a final result (status not-done, preliminary, an occurrenceString) is left out with a warning.
  resources.forEach((r, i) => {
    if (r.resourceType === 'Immunization') {
      const vaccine = firstCoding(r.vaccineCode);
      const occurrence = choices(r, 'occurrence');
      const malformed: string[] = [];
      if (!IMMUNIZATION_STATUS.has(r.status as string))
        malformed.push(`status ${JSON.stringify(r.status)} is not completed, entered-in-error or not-done`);
      if (!vaccine?.code) malformed.push('vaccineCode has no coding with a code');
      if (occurrence.length !== 1)
        malformed.push(
          occurrence.length === 0
            ? 'it has no occurrence[x]'
            : `it has ${occurrence.join(' and ')}: one is allowed`,
        );
      else if (occurrence[0] === 'occurrenceDateTime' && !isFhirDateTime(r.occurrenceDateTime))
        malformed.push(`occurrenceDateTime ${JSON.stringify(r.occurrenceDateTime)} is not a FHIR dateTime`);
      if (malformed.length > 0) {
        error('ERR_SHC_FHIR_FIELD', `Immunization ${i}: ${malformed.join('; ')}`);
        return;
      }
      if (dangles(r.patient)) {
        error('ERR_SHC_FHIR_REFERENCE', `Immunization ${i}: patient names no entry of the Bundle`);
        return;
      }
      const problems: string[] = [];
      if (r.status !== 'completed') problems.push(`status is ${JSON.stringify(r.status)}`);
      if (typeof r.occurrenceDateTime !== 'string') problems.push('no occurrenceDateTime');
      if (!pointsToPatient(r.patient)) problems.push('patient does not reference the Patient entry');
      if (problems.length > 0) {
        warn('WARN_SHC_FHIR_IMMUNIZATION', `Immunization ${i} left out: ${problems.join(', ')}`);
        return;
      }
      const performer = Array.isArray(r.performer) ? r.performer.find(isObject) : undefined;
      const actor = isObject(performer?.actor) ? performer.actor : undefined;
      summary.immunizations.push({
        date: r.occurrenceDateTime as string,
        ...(vaccine?.system ? { system: vaccine.system } : {}),
        code: vaccine?.code as string,
        ...(typeof r.lotNumber === 'string' ? { lotNumber: r.lotNumber } : {}),
        ...(typeof actor?.display === 'string' ? { performer: actor.display } : {}),
      });
    } else if (r.resourceType === 'Observation') {
      const test = firstCoding(r.code);
      const effective = choices(r, 'effective');
      const malformed: string[] = [];
      if (!OBSERVATION_STATUS.has(r.status as string))
        malformed.push(`status ${JSON.stringify(r.status)} is not an Observation status`);
      if (!test?.code) malformed.push('code has no coding with a code');
      if (effective.length > 1) malformed.push(`it has ${effective.join(' and ')}: one is allowed`);
      else if (effective[0] === 'effectiveDateTime' && !isFhirDateTime(r.effectiveDateTime))
        malformed.push(`effectiveDateTime ${JSON.stringify(r.effectiveDateTime)} is not a FHIR dateTime`);
      if (malformed.length > 0) {
        error('ERR_SHC_FHIR_FIELD', `Observation ${i}: ${malformed.join('; ')}`);
        return;
      }
      if (dangles(r.subject)) {
        error('ERR_SHC_FHIR_REFERENCE', `Observation ${i}: subject names no entry of the Bundle`);
        return;
      }
      const problems: string[] = [];
      if (!['final', 'amended', 'corrected'].includes(r.status as string))
        problems.push(`status is ${JSON.stringify(r.status)}`);
      if (!pointsToPatient(r.subject)) problems.push('subject does not reference the Patient entry');
      if (problems.length > 0) {
        warn('WARN_SHC_FHIR_OBSERVATION', `Observation ${i} left out: ${problems.join(', ')}`);
        return;
      }
      const coded = firstCoding(r.valueCodeableConcept);
      const quantity = isObject(r.valueQuantity) ? r.valueQuantity : undefined;
      const value =
        coded?.code ??
        (quantity && typeof quantity.value === 'number'
          ? `${quantity.value}${typeof quantity.unit === 'string' ? ` ${quantity.unit}` : ''}`
          : typeof r.valueString === 'string'
            ? r.valueString
            : undefined);
      summary.results.push({
        ...(typeof r.effectiveDateTime === 'string' ? { date: r.effectiveDateTime } : {}),
        ...(test?.system ? { system: test.system } : {}),
        code: test?.code as string,
        ...(value !== undefined ? { value } : {}),
      });
    }
  });

  if (summary.immunizations.length > 0) out.certificateType = 'vaccination';
  else if (summary.results.length > 0) out.certificateType = 'test';
  else if (!resources.some((r) => r.resourceType === 'Immunization' || r.resourceType === 'Observation'))
    error('ERR_SHC_FHIR_CONTENT', 'the Bundle has no Immunization or Observation');
  return out;
}

/**
 * Issuer-side minimisation for QR cards: `resource:N` full URLs and references, and no `id`, `meta` (except
 * `meta.security`), `text` or `display`. Returns a new bundle; the input is not changed.
 */
export function minimizeFhirBundle(bundle: Json): Json {
  const entries = Array.isArray(bundle.entry) ? bundle.entry.filter(isObject) : [];
  const short = new Map<string, string>();
  entries.forEach((entry, i) => {
    const url = `resource:${i}`;
    if (typeof entry.fullUrl === 'string') short.set(entry.fullUrl, url);
    const resource = isObject(entry.resource) ? entry.resource : undefined;
    if (resource && typeof resource.resourceType === 'string' && typeof resource.id === 'string')
      short.set(`${resource.resourceType}/${resource.id}`, url);
  });
  const strip = (value: unknown, top: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => strip(v, false));
    if (!isObject(value)) return value;
    const out: Json = {};
    for (const [key, v] of Object.entries(value)) {
      if (isRemovable(value, key, top)) continue;
      if (top && key === 'id') continue;
      if (top && key === 'meta') {
        if (isObject(v) && v.security !== undefined) out.meta = { security: v.security };
        continue;
      }
      if (key === 'reference' && typeof v === 'string') {
        out[key] = short.get(v) ?? v;
        continue;
      }
      out[key] = strip(v, false);
    }
    return out;
  };
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: entries.map((entry, i) => ({ fullUrl: `resource:${i}`, resource: strip(entry.resource, true) })),
  };
}
