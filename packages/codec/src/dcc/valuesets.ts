/** Value-set membership of HCERT codes: reported, never decisive (business rules decide acceptance). */

/** Codes by value-set id, e.g. `{"vaccines-covid-19-names": ["EU/1/20/1528", …]}`; supplied by the caller. */
export type ValueSets = Readonly<Record<string, readonly string[]>>;

const COMMON = { tg: 'disease-agent-targeted', co: 'country-2-codes' } as const;

/**
 * Which field is checked against which value set. Test-device ids (`t[].ma`) are left out: the published list
 * is only an example snapshot, and unknown devices must not be flagged on it alone.
 */
const FIELDS: Record<'v' | 't' | 'r', Record<string, string>> = {
  v: {
    ...COMMON,
    vp: 'sct-vaccines-covid-19',
    mp: 'vaccines-covid-19-names',
    ma: 'vaccines-covid-19-auth-holders',
  },
  t: { ...COMMON, tt: 'covid-19-lab-test-type', tr: 'covid-19-lab-result' },
  r: { ...COMMON },
};

/** Each code that is not in its value set, as `v[0].mp: X is not in vaccines-covid-19-names`. */
export function valueSetProblems(hcert: Record<string, unknown>, valueSets: ValueSets): string[] {
  const problems: string[] = [];
  for (const group of ['v', 't', 'r'] as const) {
    const entries = hcert[group];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, index) => {
      if (entry === null || typeof entry !== 'object') return;
      for (const [field, setId] of Object.entries(FIELDS[group])) {
        const codes = valueSets[setId];
        const value = (entry as Record<string, unknown>)[field];
        if (!codes || value === undefined) continue;
        if (typeof value !== 'string' || !codes.includes(value)) {
          problems.push(`${group}[${index}].${field}: ${JSON.stringify(value)} is not in ${setId}`);
        }
      }
    });
  }
  return problems;
}

/** Reads value-set files of the eu-dcc-valuesets shape (`{valueSetId, valueSetValues: {code: …}}`). */
export function valueSetsFromFiles(files: readonly unknown[]): ValueSets {
  const out: Record<string, string[]> = {};
  for (const file of files) {
    const f = file as { valueSetId?: unknown; valueSetValues?: unknown } | null;
    if (typeof f?.valueSetId === 'string' && f.valueSetValues && typeof f.valueSetValues === 'object') {
      out[f.valueSetId] = Object.keys(f.valueSetValues);
    }
  }
  return out;
}
