/** Walks test/vectors/checkin-tokens: tokens computed apart from the server's code, and whether each opens. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CheckinTokens } from '../../../packages/server/src/tokens/tokens.ts';

interface Vectors {
  secret: string;
  cases: {
    name: string;
    note: string;
    token: string;
    day: number;
    expected: { holder: string; index: number } | null;
  }[];
}

const vectors = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'tokens.json'), 'utf8'),
) as Vectors;
const tokens = new CheckinTokens(vectors.secret);

describe('check-in token vectors', () => {
  it.each(vectors.cases)('$name: $note', ({ token, day, expected }) => {
    const bytes = Buffer.from(token, 'hex');
    const opened = tokens.openToken(bytes, day);
    if (expected === null) {
      expect(opened).toBeUndefined();
      return;
    }
    expect(opened).toEqual({ holder: BigInt(expected.holder), index: expected.index });
    // Minting the same holder, day and index gives the same bytes.
    expect(Buffer.from(tokens.mint(BigInt(expected.holder), day, expected.index)).toString('hex')).toBe(
      token,
    );
  });

  it('gives the four visits of one holder on one day four different tokens', () => {
    const visits = vectors.cases.filter((c) => c.name.startsWith('one-holder-one-day-'));
    expect(visits).toHaveLength(4);
    expect(new Set(visits.map((c) => c.token)).size).toBe(4);
    expect(new Set(visits.map((c) => c.expected?.holder))).toEqual(new Set(['4242']));
  });
});
