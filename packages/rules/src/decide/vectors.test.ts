/** Walks test/vectors/decide/: every vector gets exactly its expected verdict and reason codes. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundlesFromVector, type DecideVector } from '../../test/decide-vectors.ts';
import { decide } from './decide.ts';

const folder = new URL('../../../../test/vectors/decide/', import.meta.url);
const vectors = readdirSync(folder)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => [name, JSON.parse(readFileSync(new URL(name, folder), 'utf8')) as DecideVector] as const);

describe('decide() vectors (test/vectors/decide)', () => {
  it('holds every fault of issue 15', () => {
    expect(vectors.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'empty-v.json',
        'fifteen-year-old.json',
        'foreign-exemption.json',
        'no-revocation-bundle.json',
        'same-person-dcc.json',
        'same-person-shc.json',
        'two-event-types.json',
        'two-v.json',
      ]),
    );
  });

  it.each(vectors)('%s', async (_name, vector) => {
    const decision = await decide(vector.credential, await bundlesFromVector(vector), {
      now: new Date(vector.now),
      ...vector.context,
    });
    expect(decision.verdict).toBe(vector.expected.verdict);
    expect(decision.reasons.map((r) => r.code)).toEqual(vector.expected.reasons);
    if (vector.expected.rulesVerdict) expect(decision.rulesVerdict).toBe(vector.expected.rulesVerdict);
    if (vector.expected.validity) expect(decision.validity).toEqual(vector.expected.validity);
    for (const reason of decision.reasons) expect(reason.text.ko && reason.text.en).toBeTruthy();
  });
});
