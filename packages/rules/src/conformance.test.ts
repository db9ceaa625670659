/** The CertLogic specification suite and the EU business-rule tests, run against certlogic-js. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from 'certlogic-js';
import { describe, expect, it } from 'vitest';
import { testdataPath } from '../../../test/support/testdata.ts';

interface SuiteFile {
  name: string;
  cases: {
    name: string;
    directive?: 'skip' | 'only';
    certLogicExpression?: unknown;
    assertions: {
      data: unknown;
      expected: unknown;
      message?: string;
      certLogicExpression?: unknown;
      directive?: 'skip' | 'only';
    }[];
  }[];
}

const specDir = testdataPath('certlogic', 'specification', 'testSuite');
const rulesDir = testdataPath('certlogic', 'business-rules-testdata');

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

function tryEvaluate(expr: unknown, data: unknown): { value: unknown } | { error: string } {
  try {
    return { value: evaluate(expr as never, data) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe.skipIf(!specDir)('CertLogic specification suite (testSuite/*.json)', () => {
  it('passes every assertion that is not skipped, but for the four patched-reduce ones certlogic-js does not implement', () => {
    let passed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const file of readdirSync(specDir as string)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const suite = readJson(join(specDir as string, file)) as SuiteFile;
      for (const c of suite.cases) {
        for (const [i, a] of c.assertions.entries()) {
          if (c.directive === 'skip' || a.directive === 'skip') {
            skipped++;
            continue;
          }
          const outcome = tryEvaluate(a.certLogicExpression ?? c.certLogicExpression, a.data);
          if ('value' in outcome && JSON.stringify(outcome.value) === JSON.stringify(a.expected)) passed++;
          else
            failures.push(
              `${file} / ${c.name} #${i}: expected ${JSON.stringify(a.expected)}, got ${
                'value' in outcome ? JSON.stringify(outcome.value) : `error ${outcome.error}`
              }`,
            );
        }
      }
    }
    console.info(`CertLogic spec suite: ${passed} passed, ${skipped} skipped, ${failures.length} failed`);
    for (const failure of failures) console.info(`  ${failure}`);
    expect(failures.map((f) => f.slice(0, f.indexOf(':')))).toEqual(KNOWN_SPEC_FAILURES);
    expect({ passed, skipped, failed: failures.length }).toEqual({ passed: 224, skipped: 4, failed: 4 });
  });
});

/**
 * Spec assertions certlogic-js 1.2.2 does not pass, with the reason. The spec (README, "Reduction") says CertLogic
 * *may* give a reduce lambda the original data context as `data`; the suite's patched-reduce file tests that
 * extension, which certlogic-js does not implement, so `data.z` reads as null inside the lambda.
 */
const KNOWN_SPEC_FAILURES = [6, 7, 8, 9].map(
  (i) => `patched-reduce.json / patched reduce knows about global data #${i}`,
);

/** Business-rule tests that certlogic-js does not reproduce, with the reason (see the README). */
const KNOWN_RULE_TEST_FAILURES: Record<string, string> = {};

describe.skipIf(!rulesDir)('EU business-rule tests (business-rules-testdata/*/*/tests)', () => {
  it('gives every test its expected result', () => {
    let passed = 0;
    const failures: Record<string, string> = {};
    const root = rulesDir as string;
    for (const country of readdirSync(root)
      .filter((c) => /^[A-Z]{2}$/.test(c))
      .sort()) {
      for (const ruleId of readdirSync(join(root, country)).sort()) {
        const testsDir = join(root, country, ruleId, 'tests');
        let tests: string[];
        try {
          tests = readdirSync(testsDir)
            .filter((f) => f.endsWith('.json'))
            .sort();
        } catch {
          continue;
        }
        const rule = readJson(join(root, country, ruleId, 'rule.json')) as { Logic: unknown };
        for (const name of tests) {
          const test = readJson(join(testsDir, name)) as {
            payload: unknown;
            external: unknown;
            expected: unknown;
          };
          const outcome = tryEvaluate(rule.Logic, { payload: test.payload, external: test.external });
          const key = `${country}/${ruleId}/tests/${name}`;
          if ('value' in outcome && outcome.value === test.expected) passed++;
          else
            failures[key] =
              'value' in outcome
                ? `expected ${JSON.stringify(test.expected)}, got ${JSON.stringify(outcome.value)}`
                : `expected ${JSON.stringify(test.expected)}, evaluation error: ${outcome.error}`;
        }
      }
    }
    console.info(
      `business-rule tests: ${passed} passed, ${Object.keys(failures).length} failed` +
        Object.entries(failures)
          .map(([k, v]) => `\n  ${k}: ${v}`)
          .join(''),
    );
    expect(Object.keys(failures).sort()).toEqual(Object.keys(KNOWN_RULE_TEST_FAILURES).sort());
    expect(passed).toBe(1364);
  });
});
