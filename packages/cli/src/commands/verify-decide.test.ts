/**
 * `greenlight verify` on decide(): the CLI's decision equals the scanner's for the same signed bundle files
 * (a differential property test), and the CLI's bundle options (--revocation, --pub) behave as documented.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bundleSigningKey,
  bytesToBase64,
  DscTrustList,
  RevocationList,
  ShcTrustStore,
  signBundle,
  verifyBundle,
} from '@greenlight/codec';
import { type Decision, type DecisionBundles, decide, krPolicy, parsePolicy } from '@greenlight/rules';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ADULT,
  type Authority,
  hcertOf,
  makeAuthority,
  type PersonRecord,
  presentationOf,
  revocationContentFor,
  shcOf,
  signHcert,
} from '../../../rules/test/authority.ts';
import { capture } from '../../test/capture.ts';

const AT = '2022-02-15T03:00:00Z';
const NOW = new Date(AT);
const ISSUED = '2022-02-14T12:00:00Z';
const TIMES = { issuedAt: '2022-01-20T00:00:00Z', expiresAt: '2023-01-20T00:00:00Z' };

const person = (overrides: Partial<PersonRecord> = {}): PersonRecord => ({ ...ADULT, ...overrides });

const exemption = (co: string, es?: string) => ({
  ver: '1.3.0',
  nam: { fn: 'Park', fnt: 'PARK', gn: 'Jiwoo', gnt: 'JIWOO' },
  dob: '1978-09-30',
  e: [
    {
      tg: '840539006',
      ...(es ? { es } : {}),
      df: '2022-01-01',
      du: '2022-03-31',
      co,
      is: 'Health authority',
      ci: `URN:UVCI:01:${co}:EX#1`,
    },
  ],
});

/** Drops the reference-data steps (schemas, value sets): the CLI has them, the scanner does not; never decisive. */
function comparable(decision: Decision): unknown {
  const reference = (s: { name: string }) => s.name !== 'SCHEMAVALIDATION' && s.name !== 'VALUESETS';
  const copy = JSON.parse(JSON.stringify(decision)) as Decision;
  copy.steps = copy.steps.filter(reference);
  if (copy.report) copy.report.steps = copy.report.steps.filter(reference);
  return copy;
}

let authority: Authority;
let dir: string;
let files: { trust: string; rules: string; revocation: string; keys: string };
let revokedHc1: string;

beforeAll(async () => {
  authority = await makeAuthority();
  dir = mkdtempSync(join(tmpdir(), 'greenlight-decide-'));
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const key = await bundleSigningKey(pair.privateKey, pair.publicKey);
  revokedHc1 = await signHcert(authority.kr, hcertOf(person(), 'URN:UVCI:01:KR:REVOKED0001#R'), TIMES);
  const trustContent = {
    certificates: authority.dscs.map((d) => ({
      kid: 'x',
      country: d.country,
      rawData: bytesToBase64(d.der),
    })),
    shcDirectory: authority.shcDirectory,
  };
  files = {
    trust: join(dir, 'trust-list.json'),
    rules: join(dir, 'rules.json'),
    revocation: join(dir, 'revocation.json'),
    keys: join(dir, 'publication-keys.json'),
  };
  const sign = (kind: 'trust-list' | 'rules' | 'revocation', content: unknown) =>
    signBundle({ kind, version: 1, issuedAt: ISSUED, content }, key);
  writeFileSync(files.trust, await sign('trust-list', trustContent));
  writeFileSync(files.rules, await sign('rules', krPolicy));
  writeFileSync(files.revocation, await sign('revocation', await revocationContentFor([revokedHc1])));
  writeFileSync(files.keys, JSON.stringify({ keys: [key.publicJwk] }));
});

/** The scanner's way: verify each fetched bundle file, then build what decide() takes from its content. */
async function scannerBundles(): Promise<DecisionBundles> {
  const { readFileSync } = await import('node:fs');
  const keys = JSON.parse(readFileSync(files.keys, 'utf8')).keys;
  const open = <T>(file: string, kind: 'trust-list' | 'rules' | 'revocation') =>
    verifyBundle<T>(new Uint8Array(readFileSync(file)), keys, { kind });
  const trust = await open<{ certificates: unknown[]; shcDirectory: unknown }>(files.trust, 'trust-list');
  const rules = await open(files.rules, 'rules');
  const revocation = await open(files.revocation, 'revocation');
  return {
    trust: { value: await DscTrustList.fromGatewayJson(trust.content), issuedAt: trust.issuedAt },
    shc: { value: ShcTrustStore.fromVciSnapshot(trust.content.shcDirectory), issuedAt: trust.issuedAt },
    rules: { value: parsePolicy(rules.content), issuedAt: rules.issuedAt },
    revocation: { value: RevocationList.fromContent(revocation.content), issuedAt: revocation.issuedAt },
  };
}

const cliArgs = (credential: string, ...more: string[]) => [
  'verify',
  credential,
  '--dsc-list',
  files.trust,
  '--policy',
  files.rules,
  '--revocation',
  files.revocation,
  '--pub',
  files.keys,
  '--at',
  AT,
  '--json',
  ...more,
];

describe('greenlight verify and the scanner give one decision', () => {
  afterEach(() => vi.restoreAllMocks());

  it('property: for valid, expired, revoked and malformed HC1, GLP1, SHC and exemption credentials', async () => {
    const scanner = await scannerBundles();
    const kinds = [
      'valid',
      'expired',
      'revoked',
      'malformed',
      'incomplete',
      'exemption',
      'foreign-exemption',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...kinds),
        fc.constantFrom('hc1', 'glp1', 'shc'),
        fc.constantFrom(undefined, 'restaurant', 'gym'),
        fc.string({ maxLength: 12 }),
        async (kind, form, venueCategory, junk) => {
          const record =
            kind === 'expired' || kind === 'malformed'
              ? person({
                  doses: [
                    { product: 'EU/1/20/1528', date: '2021-05-01' },
                    { product: 'EU/1/20/1528', date: '2021-06-01' },
                  ],
                })
              : kind === 'incomplete'
                ? person({ doses: [{ product: 'EU/1/20/1528', date: '2021-12-01' }] })
                : person();
          let credential: string;
          if (form === 'shc' && !kind.includes('exemption') && kind !== 'revoked') {
            credential = await shcOf(authority, record, new Date(TIMES.issuedAt));
          } else {
            const hc1 =
              kind === 'revoked'
                ? revokedHc1
                : kind === 'exemption'
                  ? await signHcert(authority.kr, exemption('KR', 'medical'), TIMES)
                  : kind === 'foreign-exemption'
                    ? await signHcert(authority.foreign, exemption('DE'), TIMES, 'DE')
                    : await signHcert(authority.kr, hcertOf(record), TIMES);
            credential = form === 'glp1' ? await presentationOf(authority.kr, hc1, NOW) : hc1;
          }
          if (kind === 'malformed') credential = `${credential.slice(0, 30)}${junk}${credential.slice(31)}`;
          const cli = await capture(
            cliArgs(credential, ...(venueCategory ? ['--venue-category', venueCategory] : [])),
          );
          expect(cli.err).toEqual([]);
          expect(cli.out).toHaveLength(1);
          const fromCli = JSON.parse(cli.out[0] as string) as Decision;
          const fromScanner = await decide(credential, scanner, {
            now: NOW,
            ...(venueCategory ? { venueCategory } : {}),
          });
          expect(comparable(fromCli)).toEqual(comparable(fromScanner));
          expect(cli.code).toBe(fromScanner.verdict === 'fail' ? 1 : 0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('--revocation: a revoked certificate fails (exit 1); without it the same one is check-id, never a pass', async () => {
    const revoked = await capture(cliArgs(revokedHc1));
    expect(revoked.code).toBe(1);
    const decision = JSON.parse(revoked.out[0] as string) as Decision;
    expect(decision.reasons[0]?.code).toBe('REVOKED');
    const without = await capture([
      'verify',
      await presentationOf(authority.kr, revokedHc1, NOW),
      '--dsc-list',
      files.trust,
      '--policy',
      files.rules,
      '--pub',
      files.keys,
      '--at',
      AT,
      '--json',
    ]);
    expect(without.code).toBe(0);
    const noList = JSON.parse(without.out[0] as string) as Decision;
    expect([noList.verdict, noList.reasons[0]?.code]).toEqual(['check-id', 'REVOCATION_MISSING']);
  });

  it('a foreign national exemption is not EXEMPT (exit 1); a Korean one is, and prints its reasons in Korean', async () => {
    const foreign = await signHcert(authority.foreign, exemption('DE'), TIMES, 'DE');
    const result = await capture(cliArgs(foreign));
    expect(result.code).toBe(1);
    expect((JSON.parse(result.out[0] as string) as Decision).rulesVerdict).toBe('fail');
    const korean = await signHcert(authority.kr, exemption('KR', 'medical'), TIMES);
    const text = await capture(
      cliArgs(korean)
        .filter((a) => a !== '--json')
        .concat('--lang', 'ko'),
    );
    expect(text.code).toBe(0);
    expect(text.out[0]).toMatch(/^CHECK-ID \(hc1, exemption\)/);
    expect(text.out[0]).toContain('종이 증명서');
    expect(text.out[0]).toContain('RULE EX-KR-0001');
  });

  it('one event per certificate: two v entries give fail with EVENTS_INVALID, exit 1 and no usage text', async () => {
    const hcert = hcertOf(person());
    const v = (hcert.v as object[])[0];
    const two = await signHcert(authority.kr, { ...hcert, v: [v, v] }, TIMES);
    const result = await capture(cliArgs(two));
    expect(result.code).toBe(1);
    expect(result.err).toEqual([]);
    expect((JSON.parse(result.out[0] as string) as Decision).reasons.map((r) => r.code)).toEqual([
      'EVENTS_INVALID',
    ]);
  });

  it('refuses unsigned data when --pub is given (exit 2), and a revocation list without --pub', async () => {
    const plain = join(dir, 'plain-trust.json');
    writeFileSync(
      plain,
      JSON.stringify({
        certificates: [{ kid: 'x', country: 'KR', rawData: bytesToBase64(authority.kr.der) }],
      }),
    );
    const unsignedBundle = join(dir, 'unsigned-bundle.json');
    writeFileSync(unsignedBundle, JSON.stringify({ payload: 'e30' }));
    const hc1 = await signHcert(authority.kr, hcertOf(person()), TIMES);
    for (const argv of [
      ['verify', hc1, '--dsc-list', plain, '--pub', files.keys, '--at', AT],
      ['verify', hc1, '--dsc-list', unsignedBundle, '--pub', files.keys, '--at', AT],
      [
        'verify',
        hc1,
        '--dsc-list',
        files.trust,
        '--pub',
        files.keys,
        '--policy',
        join(dir, 'plain-trust.json'),
        '--at',
        AT,
      ],
      ['verify', hc1, '--dsc-list', files.trust, '--pub', files.keys, '--revocation', plain, '--at', AT],
      ['verify', hc1, '--dsc-list', plain, '--revocation', files.revocation, '--at', AT],
    ]) {
      const result = await capture(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err.join('\n')).toMatch(/not a signed|without a signature|give the publication keys/);
    }
  });

  it('rules verify-bundle accepts the published JWKS as well as PEM', async () => {
    const result = await capture(['rules', 'verify-bundle', files.rules, '--pub', files.keys, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out[0] as string)).toEqual(expect.objectContaining({ valid: true, rules: 18 }));
  });
});
