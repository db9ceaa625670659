/** HCERT payload facts: certificate type and holder, and the technical checks of what the policy reads. */
import { GreenlightError, type HcertErrorCode } from '../errors.ts';
import type { CertificateType, HolderSummary } from '../report.ts';

export type Hcert = Record<string, unknown>;

/** The event groups of an HCERT: EU DCC `v`, `t`, `r`, and Greenlight's exemption `e` (docs/exemption.md). */
const EVENT_GROUPS = ['v', 't', 'r', 'e'] as const;
type EventGroup = (typeof EVENT_GROUPS)[number];
const GROUP_TYPE: Record<EventGroup, CertificateType> = {
  v: 'vaccination',
  t: 'test',
  r: 'recovery',
  e: 'exemption',
};

/**
 * The one event group present, or `undefined` when none or several are (their type would be a guess). Four named
 * reads rather than a loop of keyed ones: this runs for every verified certificate.
 */
function eventGroup(hcert: Hcert): EventGroup | undefined {
  const present =
    (hcert.v !== undefined ? 1 : 0) +
    (hcert.t !== undefined ? 1 : 0) +
    (hcert.r !== undefined ? 1 : 0) +
    (hcert.e !== undefined ? 1 : 0);
  if (present !== 1) return undefined;
  return hcert.v !== undefined ? 'v' : hcert.t !== undefined ? 't' : hcert.r !== undefined ? 'r' : 'e';
}

/** `unknown` when the HCERT carries no event group, several, or one that is not a list. */
export function hcertType(hcert: Hcert): CertificateType {
  const group = eventGroup(hcert);
  return group && Array.isArray(hcert[group]) ? GROUP_TYPE[group] : 'unknown';
}

const hcertError = (code: HcertErrorCode, message: string) => new GreenlightError('hcert', code, message);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Exactly one of `v`, `t`, `r` (or `e`), holding exactly one entry that is an object. The eu-dcc-schema's
 * `oneOf` over v/t/r and the DCC regulation (EU) 2021/953, Art. 3(1): each certificate attests one event; a payload
 * with two groups, an empty list or two entries is refused, not read by its first entry.
 * Throws GreenlightError `ERR_HCERT_EVENTS`.
 */
export function checkHcertEvents(hcert: Hcert): void {
  const group = eventGroup(hcert);
  if (!group) {
    const present = EVENT_GROUPS.filter((g) => hcert[g] !== undefined);
    throw hcertError(
      'ERR_HCERT_EVENTS',
      present.length === 0
        ? 'the certificate has none of v, t, r, e'
        : `the certificate has ${present.join(' and ')}: exactly one event group is allowed`,
    );
  }
  const entries = hcert[group];
  if (!Array.isArray(entries)) throw hcertError('ERR_HCERT_EVENTS', `${group} is not a list`);
  if (entries.length !== 1)
    throw hcertError('ERR_HCERT_EVENTS', `${group} holds ${entries.length} entries: exactly one is allowed`);
  if (!isObject(entries[0])) throw hcertError('ERR_HCERT_EVENTS', `${group}[0] is not an object`);
}

/** A dose number or a total of doses above this is a data error, not a vaccination history (1.2.x capped at 9). */
export const MAX_DOSES = 20;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339 date-time: the offset is required, so that no host time zone ever fills it in.
const DATE_TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
const DOB_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** A calendar date check by arithmetic only: no Date object, so no time zone and no rollover (02-30 → 03-02). */
function realDate(year: string, month: string | undefined, day: string | undefined): boolean {
  const y = Number(year);
  if (y < 1900 || y > 2099) return false;
  if (month === undefined) return true;
  const m = Number(month);
  if (m < 1 || m > 12) return false;
  if (day === undefined) return true;
  const d = Number(day);
  const days = m === 2 ? (isLeapYear(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d >= 1 && d <= days;
}

function realDateTime(m: RegExpExecArray): boolean {
  if (!realDate(m[1]!, m[2], m[3])) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return false;
  return m[7] === undefined || (Number(m[7]) <= 23 && Number(m[8]) <= 59);
}

/** `YYYY-MM-DD`, or an RFC 3339 date-time with its offset (issuers put those into date fields too). */
function isDateOrDateTime(value: string): boolean {
  const date = DATE_RE.exec(value);
  if (date) return realDate(date[1]!, date[2], date[3]);
  const dateTime = DATE_TIME_RE.exec(value);
  return !!dateTime && realDateTime(dateTime);
}

function isDateTime(value: string): boolean {
  const m = DATE_TIME_RE.exec(value);
  return !!m && realDateTime(m);
}

/** The schema's `dob`: empty, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, years 1900 to 2099. */
function isBirthDate(value: string): boolean {
  if (value === '') return true;
  const m = DOB_RE.exec(value);
  return !!m && realDate(m[1]!, m[2], m[3]);
}

type FieldKind = 'string' | 'date' | 'date-time' | 'count';

/** What each entry field is, per eu-dcc-schema 1.3 (`DCC.Types.schema.json`) and docs/exemption.md for `e`. */
const ENTRY_FIELDS: Record<EventGroup, Record<string, FieldKind>> = {
  v: { tg: 'string', vp: 'string', mp: 'string', ma: 'string', dn: 'count', sd: 'count', dt: 'date' },
  t: {
    tg: 'string',
    tt: 'string',
    nm: 'string',
    ma: 'string',
    sc: 'date-time',
    dr: 'date-time',
    tr: 'string',
    tc: 'string',
  },
  r: { tg: 'string', fr: 'date', df: 'date', du: 'date' },
  e: { tg: 'string', es: 'string', df: 'date', du: 'date' },
};
const COMMON_ENTRY_FIELDS: Record<string, FieldKind> = { co: 'string', is: 'string', ci: 'string' };
const NAME_FIELDS = ['fn', 'fnt', 'gn', 'gnt'] as const;

function checkField(path: string, value: unknown, kind: FieldKind): void {
  if (kind === 'count') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      throw hcertError('ERR_HCERT_DOSE', `${path} is ${JSON.stringify(value)}, not a positive integer`);
    if (value > MAX_DOSES)
      throw hcertError('ERR_HCERT_DOSE', `${path} is ${value}, above the ${MAX_DOSES} any schedule reaches`);
    return;
  }
  if (typeof value !== 'string')
    throw hcertError(
      'ERR_HCERT_FIELD_TYPE',
      `${path} is ${value === null ? 'null' : typeof value}, not a string`,
    );
  if (kind === 'date' && !isDateOrDateTime(value))
    throw hcertError(
      'ERR_HCERT_DATE',
      `${path} ${JSON.stringify(value)} is not a calendar date (YYYY-MM-DD) or a date-time with an offset`,
    );
  if (kind === 'date-time' && !isDateTime(value))
    throw hcertError(
      'ERR_HCERT_DATE',
      `${path} ${JSON.stringify(value)} is not an RFC 3339 date-time with an offset (Z or ±hh:mm)`,
    );
}

/**
 * Every field that a policy reads has its type, decisively (hcert spec, "Input Data Validation": all input
 * fields MUST be validated by data types, lengths and contents): `dob` is a (partial) calendar date; `dt`, `fr`,
 * `df`, `du` are calendar dates (or date-times with an offset); `sc` and `dr` are date-times with an offset, never
 * a local time that a host's time zone would complete; `dn` and `sd` are integers from 1 to MAX_DOSES; names and
 * codes are strings. Fields that are absent are the schema step's business. Runs after `checkHcertEvents`.
 * Throws GreenlightError `ERR_HCERT_DATE`, `ERR_HCERT_DOSE` or `ERR_HCERT_FIELD_TYPE`.
 */
export function checkHcertFields(hcert: Hcert): void {
  if (hcert.ver !== undefined) checkField('ver', hcert.ver, 'string');
  if (hcert.dob !== undefined) {
    if (typeof hcert.dob !== 'string') checkField('dob', hcert.dob, 'string');
    else if (!isBirthDate(hcert.dob))
      throw hcertError(
        'ERR_HCERT_DATE',
        `dob ${JSON.stringify(hcert.dob)} is not a birth date (YYYY, YYYY-MM or YYYY-MM-DD, 1900 to 2099)`,
      );
  }
  if (hcert.nam !== undefined) {
    if (!isObject(hcert.nam)) throw hcertError('ERR_HCERT_FIELD_TYPE', 'nam is not an object');
    for (const key of NAME_FIELDS) {
      const value = hcert.nam[key];
      if (value !== undefined) checkField(`nam.${key}`, value, 'string');
    }
  }
  const group = eventGroup(hcert);
  const entry = group && Array.isArray(hcert[group]) ? (hcert[group] as unknown[])[0] : undefined;
  if (!group || !isObject(entry)) return;
  const fields = ENTRY_FIELDS[group];
  for (const key in entry) {
    const kind = fields[key] ?? COMMON_ENTRY_FIELDS[key];
    if (kind !== undefined && entry[key] !== undefined) checkField(`${group}[0].${key}`, entry[key], kind);
  }
}

/** Hangul, or CJK ideographs: scripts whose names are written family name first, without a space. */
const FAMILY_FIRST = /^[\p{Script=Hangul}\p{Script=Han}]/u;

/**
 * A name as its holder writes it: "김민지" (family name first, no space) for a Korean or Chinese name,
 * "Liam Walker" (given name first) otherwise.
 */
export function personName(
  familyName: string | null | undefined,
  givenName: string | null | undefined,
): string {
  // Every Hangul and Han character is at U+1100 or above: Latin names skip the Unicode regular expression.
  if (familyName && familyName.charCodeAt(0) >= 0x1100 && FAMILY_FIRST.test(familyName)) {
    return `${familyName}${givenName ?? ''}`;
  }
  return [givenName, familyName].filter(Boolean).join(' ');
}

const stringOrUndefined = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function hcertHolder(hcert: Hcert): HolderSummary {
  const nam = (hcert.nam ?? {}) as Record<string, unknown>;
  const familyName = stringOrUndefined(nam.fn) ?? stringOrUndefined(nam.fnt);
  const givenName = stringOrUndefined(nam.gn) ?? stringOrUndefined(nam.gnt);
  // Assignments rather than spreads, in the same key order: this runs for every verified certificate.
  const holder = { name: personName(familyName, givenName) } as HolderSummary;
  if (familyName) holder.familyName = familyName;
  if (givenName) holder.givenName = givenName;
  holder.dateOfBirth = stringOrUndefined(hcert.dob) ?? '';
  return holder;
}
