import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleSigningKey, isGreenlightError, signBundle } from '@greenlight/codec';
import { describe, expect, it } from 'vitest';
import { testdataPath } from '../../../test/support/testdata.ts';
import { evaluateRule, krPolicy, parsePolicy, RulesStore, selectRules, validateRule } from './index.ts';

const rule = (overrides: Record<string, unknown> = {}) => ({
  Identifier: 'VR-KR-9001',
  Type: 'Acceptance',
  Country: 'KR',
  Version: '1.0.0',
  SchemaVersion: '1.0.0',
  Engine: 'CERTLOGIC',
  EngineVersion: '1.2.2',
  CertificateType: 'Vaccination',
  Description: [{ lang: 'en', desc: 'dose number is at least 1' }],
  ValidFrom: '2021-12-01T00:00:00+09:00',
  ValidTo: '2030-01-01T00:00:00+09:00',
  AffectedFields: ['v.0.dn'],
  Logic: { '>=': [{ var: 'payload.v.0.dn' }, 1] },
  ...overrides,
});

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return isGreenlightError(error) ? error.code : `not a GreenlightError: ${String(error)}`;
  }
  return undefined;
};

describe('rule validation before use', () => {
  it('accepts a rule in the EU format', () => {
    expect(validateRule(rule()).Identifier).toBe('VR-KR-9001');
  });

  it.each([
    ['bad CertLogic', { Logic: { or: [true, false] } }, 'ERR_RULES_LOGIC'],
    ['an if with four operands', { Logic: { if: [true, 1, 2, 3] } }, 'ERR_RULES_LOGIC'],
    ['a bad ReasonDate', { ReasonDate: { plusTime: [{ var: 'x' }, 'one', 'day'] } }, 'ERR_RULES_LOGIC'],
    ['no ValidFrom', { ValidFrom: undefined }, 'ERR_RULES_DATES'],
    ['no ValidTo', { ValidTo: undefined }, 'ERR_RULES_DATES'],
    ['a date without a zone', { ValidFrom: '2021-12-01T00:00:00' }, 'ERR_RULES_DATES'],
    ['ValidFrom after ValidTo', { ValidFrom: '2031-01-01T00:00:00Z' }, 'ERR_RULES_DATES'],
    ['no Identifier', { Identifier: undefined }, 'ERR_RULES_FORMAT'],
    ['an unknown Type', { Type: 'Invalidation' }, 'ERR_RULES_FORMAT'],
    ['an unknown CertificateType', { CertificateType: 'Passport' }, 'ERR_RULES_FORMAT'],
    ['no Description', { Description: [] }, 'ERR_RULES_FORMAT'],
    ['another engine', { Engine: 'JSONLOGIC' }, 'ERR_RULES_FORMAT'],
  ])('refuses %s', (_name, overrides, code) => {
    expect(codeOf(() => validateRule(rule(overrides)))).toBe(code);
  });

  it('refuses a policy without rules, with a duplicate rule, or with malformed value sets or venues', () => {
    const policy = (o: Record<string, unknown>) => ({ country: 'KR', rules: [rule()], ...o });
    expect(parsePolicy(policy({})).rules).toHaveLength(1);
    expect(codeOf(() => parsePolicy(policy({ rules: [] })))).toBe('ERR_RULES_POLICY');
    expect(codeOf(() => parsePolicy(policy({ rules: [rule(), rule()] })))).toBe('ERR_RULES_POLICY');
    expect(codeOf(() => parsePolicy(policy({ valueSets: { x: [1] } })))).toBe('ERR_RULES_POLICY');
    expect(codeOf(() => parsePolicy(policy({ venueCategories: { cafe: {} } })))).toBe('ERR_RULES_POLICY');
    expect(codeOf(() => parsePolicy(policy({ rules: [rule({ Logic: { nope: 1 } })] })))).toBe(
      'ERR_RULES_LOGIC',
    );
  });

  const rulesDir = testdataPath('certlogic', 'business-rules-testdata');
  it.skipIf(!rulesDir)('accepts every EU test-data rule but one whose Logic is not CertLogic', () => {
    const refused: Record<string, string | undefined> = {};
    let accepted = 0;
    for (const country of readdirSync(rulesDir as string).filter((c) => /^[A-Z]{2}$/.test(c))) {
      for (const id of readdirSync(join(rulesDir as string, country))) {
        const file = ['rule.json', `${id}.json`]
          .map((f) => join(rulesDir as string, country, id, f))
          .find(existsSync);
        if (!file) continue;
        const code = codeOf(() => validateRule(JSON.parse(readFileSync(file, 'utf8'))));
        if (code) refused[`${country}/${id}`] = code;
        else accepted++;
      }
    }
    expect(refused).toEqual({ 'MT/VR-MT-0005': 'ERR_RULES_LOGIC' });
    expect(accepted).toBe(200);
  });
});

describe('rule selection and evaluation', () => {
  const clock = new Date('2022-01-15T00:00:00Z');
  const pick = (rules: unknown[], schemaVersion?: string) =>
    selectRules(rules.map(validateRule), {
      country: 'KR',
      certificateType: 'Vaccination',
      clock,
      schemaVersion,
    }).map((r) => `${r.Identifier}@${r.Version}`);

  it('takes the highest version valid at the clock, per Identifier', () => {
    const rules = [
      rule(),
      rule({ Version: '1.1.0' }),
      rule({ Version: '2.0.0', ValidFrom: '2022-01-15T00:00:01Z' }),
      rule({ Identifier: 'VR-KR-9002', ValidTo: '2022-01-15T00:00:00Z' }),
      rule({ Identifier: 'VR-KR-9003', ValidFrom: '2022-01-15T00:00:00Z' }),
    ];
    expect(pick(rules)).toEqual(['VR-KR-9001@1.1.0', 'VR-KR-9003@1.0.0']);
  });

  it('filters by country, certificate type and schema version', () => {
    const rules = [
      rule({ Identifier: 'VR-DE-9001', Country: 'DE' }),
      rule({ Identifier: 'TR-KR-9001', CertificateType: 'Test' }),
      rule({ Identifier: 'GR-KR-9001', CertificateType: 'General' }),
      rule({ Identifier: 'VR-KR-9004', SchemaVersion: '1.3.0' }),
      rule({ Identifier: 'VR-KR-9005', SchemaVersion: '2.0.0' }),
    ];
    expect(pick(rules, '1.0.0')).toEqual(['GR-KR-9001@1.0.0']);
    expect(pick(rules, '1.3.0')).toEqual(['GR-KR-9001@1.0.0', 'VR-KR-9004@1.0.0']);
    expect(pick(rules)).toEqual(['GR-KR-9001@1.0.0', 'VR-KR-9004@1.0.0', 'VR-KR-9005@1.0.0']);
  });

  it('is open, not thrown, when the expression cannot be evaluated; descriptions fall back to English', () => {
    const r = validateRule(
      rule({
        Logic: {
          'not-before': [
            { plusTime: [{ var: 'payload.v.0.dt' }, 0, 'day'] },
            { plusTime: ['2021-01-01', 0, 'day'] },
          ],
        },
        Description: [
          { lang: 'de', desc: 'erste' },
          { lang: 'en', desc: 'english' },
        ],
      }),
    );
    const result = evaluateRule(r, { payload: { v: [{}] }, external: {} }, 'ko');
    expect(result).toEqual(expect.objectContaining({ result: 'open', description: 'english' }));
    expect(result.error).toMatch(/plusTime/);
    expect(
      evaluateRule(validateRule(rule({ Description: [{ lang: 'de', desc: 'erste' }] })), {}).description,
    ).toBe('erste');
  });
});

async function publicationKey() {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return bundleSigningKey(pair.privateKey, pair.publicKey);
}

const krContent = () => ({
  country: krPolicy.country,
  rules: krPolicy.rules,
  valueSets: krPolicy.valueSets,
  venueCategories: krPolicy.venueCategories,
});

describe('RulesStore: signed rules bundles', () => {
  it('takes a good bundle and keeps it when a later one is unsigned, tampered, foreign, of another kind or malformed', async () => {
    const key = await publicationKey();
    const stranger = await publicationKey();
    const store = new RulesStore([key.publicJwk]);
    expect(store.policy).toBeUndefined();

    const good = await signBundle({ kind: 'rules', version: 1, content: krContent() }, key);
    expect(await store.offer(good)).toEqual({ accepted: true });
    expect(store.policy?.rules).toHaveLength(krPolicy.rules.length);
    expect(store.version).toBe(1);

    const offered = async (bytes: Uint8Array) => {
      const outcome = await store.offer(bytes);
      expect(store.version, 'the previous good bundle stays in force').toBe(1);
      return outcome.accepted ? 'accepted' : outcome.error.code;
    };
    const next = JSON.parse(
      new TextDecoder().decode(await signBundle({ kind: 'rules', version: 2, content: krContent() }, key)),
    );
    const bytes = (json: unknown) => new TextEncoder().encode(JSON.stringify(json));

    expect(await offered(bytes({ payload: next.payload }))).toBe('ERR_BUNDLE_UNSIGNED');
    const payload = JSON.parse(atob(next.payload.replace(/-/g, '+').replace(/_/g, '/')));
    payload.content.rules[0].ValidTo = '2099-01-01T00:00:00Z';
    const forged = btoa(JSON.stringify(payload)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(await offered(bytes({ ...next, payload: forged }))).toBe('ERR_BUNDLE_SIGNATURE');
    expect(
      await offered(await signBundle({ kind: 'rules', version: 2, content: krContent() }, stranger)),
    ).toBe('ERR_BUNDLE_UNKNOWN_KEY');
    expect(
      await offered(await signBundle({ kind: 'revocation', version: 2, content: krContent() }, key)),
    ).toBe('ERR_BUNDLE_KIND');
    expect(await offered(await signBundle({ kind: 'rules', version: 1, content: krContent() }, key))).toBe(
      'ERR_BUNDLE_ROLLBACK',
    );
    const badLogic = { ...krContent(), rules: [{ ...krPolicy.rules[0], Logic: { or: [true] } }] };
    expect(await offered(await signBundle({ kind: 'rules', version: 2, content: badLogic }, key))).toBe(
      'ERR_RULES_LOGIC',
    );
    const noDates = { ...krContent(), rules: [{ ...krPolicy.rules[0], ValidFrom: undefined }] };
    expect(await offered(await signBundle({ kind: 'rules', version: 2, content: noDates }, key))).toBe(
      'ERR_RULES_DATES',
    );

    expect(
      await store.offer(await signBundle({ kind: 'rules', version: 3, content: krContent() }, key)),
    ).toEqual({
      accepted: true,
    });
    expect(store.version).toBe(3);
  });
});
