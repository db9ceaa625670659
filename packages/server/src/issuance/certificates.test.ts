import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdataPath } from '../../../../test/support/testdata.ts';
import { uvci, uvciCheckCharacter } from './certificates.ts';

/** Every `URN:UVCI:` `ci` of a country's public test certificates, with the parts before and after `#`. */
function uvcisOf(country: string): { body: string; check: string }[] {
  const dir = testdataPath('dcc', 'public', country, '2DCode', 'raw');
  if (!dir) return [];
  const out: { body: string; check: string }[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { JSON?: Record<string, unknown> };
    for (const group of ['v', 't', 'r'] as const) {
      for (const entry of (json.JSON?.[group] as { ci?: string }[] | undefined) ?? []) {
        const [body, check] = String(entry.ci).split('#');
        if (body?.startsWith('URN:UVCI:') && check) out.push({ body, check });
      }
    }
  }
  return out;
}

describe('UVCI check character (Luhn mod 38 over the whole UVCI)', () => {
  it.each(['AT', 'IS'])('reproduces the check characters of the public %s test certificates', (country) => {
    const uvcis = uvcisOf(country);
    if (!testdataPath('dcc', 'public', country)) return;
    expect(uvcis.length).toBeGreaterThan(0);
    for (const { body, check } of uvcis)
      expect(`${body}#${uvciCheckCharacter(body)}`).toBe(`${body}#${check}`);
  });

  it('gives every issued UVCI a check character that a one-character change breaks', () => {
    const issued = uvci('0190a0e8-7d2c-7000-8000-000000000001', 2);
    const [body, check] = issued.split('#') as [string, string];
    expect(body.startsWith('URN:UVCI:01:KR:')).toBe(true);
    expect(uvciCheckCharacter(body)).toBe(check);
    const at = body.length - 3;
    const swapped = `${body.slice(0, at)}${body[at] === 'A' ? 'B' : 'A'}${body.slice(at + 1)}`;
    expect(uvciCheckCharacter(swapped)).not.toBe(check);
  });

  it('refuses a character outside A-Z 0-9 / :', () => {
    expect(() => uvciCheckCharacter('URN:UVCI:01:KR:AB-CD')).toThrow(RangeError);
  });
});
