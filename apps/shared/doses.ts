/** The doses a credential lists, for the holder and for staff to read (display only: the verdict is decide()'s). */
import type { Decision } from '@greenlight/rules';

export interface Dose {
  /** Dose number and series length, when the credential states them (EU DCC). */
  dn?: number;
  sd?: number;
  /** As written in the credential (date or date-time). */
  date: string;
  /** A product name when known, else the code as written. */
  product: string;
}

/** Product names for the codes a person is likely to meet; any other code is shown as written. */
const PRODUCTS: Record<string, string> = {
  'EU/1/20/1528': 'Comirnaty (Pfizer-BioNTech)',
  'EU/1/20/1507': 'Spikevax (Moderna)',
  'EU/1/21/1529': 'Vaxzevria (AstraZeneca)',
  'EU/1/20/1525': 'Jcovden (Janssen)',
  'EU/1/21/1618': 'Nuvaxovid (Novavax)',
  'http://hl7.org/fhir/sid/cvx#207': 'Moderna',
  'http://hl7.org/fhir/sid/cvx#208': 'Pfizer-BioNTech',
  'http://hl7.org/fhir/sid/cvx#210': 'AstraZeneca',
  'http://hl7.org/fhir/sid/cvx#211': 'Novavax',
  'http://hl7.org/fhir/sid/cvx#212': 'Janssen',
};

export function dosesOf(decision: Decision): Dose[] {
  const report = decision.report;
  if (!report) return [];
  if (report.format === 'shc') {
    return (report.summary?.immunizations ?? []).map((i) => ({
      date: i.date,
      product:
        PRODUCTS[`${i.system ?? ''}#${i.code}`] ?? (i.system?.endsWith('/cvx') ? `CVX ${i.code}` : i.code),
    }));
  }
  const v = (report.payload as { v?: Record<string, unknown>[] } | undefined)?.v;
  return (Array.isArray(v) ? v : []).map((dose) => ({
    dn: Number(dose.dn),
    sd: Number(dose.sd),
    date: String(dose.dt ?? ''),
    product: PRODUCTS[String(dose.mp)] ?? String(dose.mp ?? ''),
  }));
}
