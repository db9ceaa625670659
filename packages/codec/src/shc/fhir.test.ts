import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFhirBundle } from './fhir.ts';

const patient = {
  fullUrl: 'resource:0',
  resource: { resourceType: 'Patient', name: [{ family: 'Kim', given: ['Minji'] }] },
};
const bundleWith = (resource: Record<string, unknown>) => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: [patient, { fullUrl: 'resource:1', resource }],
});
const observation = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '94558-4' }] },
  subject: { reference: 'resource:0' },
  effectiveDateTime: '2021-02-17',
  valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '260415000' }] },
};

describe('checkFhirBundle: a record that breaks FHIR types is refused, a well-formed one that is no result is left out', () => {
  it.each([
    ['a status outside the Observation value set', { status: 'Final' }, 'ERR_SHC_FHIR_FIELD'],
    ['a code without coding', { code: {} }, 'ERR_SHC_FHIR_FIELD'],
    ['two effective[x]', { effectivePeriod: { start: '2021-02-17' } }, 'ERR_SHC_FHIR_FIELD'],
    ['an effectiveDateTime that is no date', { effectiveDateTime: '2021-13-01' }, 'ERR_SHC_FHIR_FIELD'],
    ['a subject that names no entry', { subject: { reference: 'resource:7' } }, 'ERR_SHC_FHIR_REFERENCE'],
  ])('an Observation with %s: %s', (_, patch, code) => {
    const check = checkFhirBundle(bundleWith({ ...observation, ...patch }));
    expect(check.errors.map((e) => e.code)).toEqual([code]);
    expect(check.summary.results).toEqual([]);
  });

  it('a preliminary result is well formed: left out with a warning, not an error', () => {
    const check = checkFhirBundle(bundleWith({ ...observation, status: 'preliminary' }));
    expect(check.errors).toEqual([]);
    expect(check.warnings.map((w) => w.code)).toContain('WARN_SHC_FHIR_OBSERVATION');
    expect(check.summary.results).toEqual([]);
  });

  it('a final result with a full date-time and offset is read', () => {
    const check = checkFhirBundle(
      bundleWith({ ...observation, effectiveDateTime: '2021-02-17T09:30:00+09:00' }),
    );
    expect(check.errors).toEqual([]);
    expect(check.summary.results).toEqual([
      { date: '2021-02-17T09:30:00+09:00', system: 'http://loinc.org', code: '94558-4', value: '260415000' },
    ]);
  });

  it('never throws, and an Immunization it reads always has a FHIR dateTime and a code', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.constant(undefined), fc.constant(null), fc.object());
    fc.assert(
      fc.property(
        fc.record({
          status: fc.oneof(fc.constantFrom('completed', 'Completed', 'not-done', 'entered-in-error'), value),
          vaccineCode: fc.oneof(fc.constant({ coding: [{ code: '208' }] }), value),
          occurrenceDateTime: fc.oneof(fc.constantFrom('2021-09-01', '2021-02-29', '2021-09', '2021'), value),
          patient: fc.oneof(fc.constantFrom({ reference: 'resource:0' }, { reference: 'resource9' }), value),
        }),
        (record) => {
          const check = checkFhirBundle(bundleWith({ resourceType: 'Immunization', ...record }));
          for (const dose of check.summary.immunizations) {
            expect(dose.date).toMatch(/^\d{4}(-\d{2}(-\d{2})?)?$/);
            expect(dose.date).not.toBe('2021-02-29');
            expect(dose.code).toBe('208');
          }
          if (check.summary.immunizations.length === 0)
            expect(check.errors.length + check.warnings.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});
