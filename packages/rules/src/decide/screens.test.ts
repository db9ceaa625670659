/** decide() as the apps' screens read it: validity in plain words for the wallet, verdicts at the door. */
import {
  buildRevocationPartition,
  bytesToBase64,
  encodeHc1,
  RevocationList,
  ShcTrustStore,
} from '@greenlight/codec';
import { describe, expect, it } from 'vitest';
import { makeDsc, SAMPLE_HCERT } from '../../../codec/test/dcc-fixtures.ts';
import { krPolicy } from '../builtin.ts';
import { decide } from './decide.ts';
import type { DecisionBundles } from './types.ts';

const dscPromise = makeDsc();

async function hc1(hcert: Record<string, unknown>) {
  const dsc = await dscPromise;
  return encodeHc1(hcert, {
    signer: dsc.signer,
    issuer: 'KR',
    issuedAt: new Date('2022-01-01T00:00:00Z'),
    expiresAt: new Date('2023-01-01T00:00:00Z'),
  });
}

async function bundlesAt(issuedAt: string, revocation?: RevocationList): Promise<DecisionBundles> {
  const dsc = await dscPromise;
  return {
    trust: { value: dsc.trust, issuedAt },
    shc: { value: new ShcTrustStore(), issuedAt },
    rules: { value: krPolicy, issuedAt },
    revocation: { value: revocation ?? RevocationList.fromContent({ partitions: [] }), issuedAt },
  };
}

const v = SAMPLE_HCERT.v[0] as Record<string, unknown>;

describe('validity in plain words', () => {
  it('a booster has no expiry; a primary series runs from dt+14 through dt+193', async () => {
    const now = new Date('2022-02-01T03:00:00Z');
    const bundles = await bundlesAt('2022-02-01T00:00:00Z');
    const booster = await decide(await hc1(SAMPLE_HCERT), bundles, { now, purpose: 'holder' });
    expect(booster.verdict).toBe('pass');
    expect(booster.validity).toMatchObject({ from: '2021-12-01' });
    expect(booster.validity?.until).toBeUndefined();
    const primary = await hc1({ ...SAMPLE_HCERT, v: [{ ...v, dn: 2, sd: 2, dt: '2021-11-01' }] });
    expect((await decide(primary, bundles, { now, purpose: 'holder' })).validity).toMatchObject({
      from: '2021-11-15',
      until: '2022-05-13',
    });
  });

  it('a test runs through the KST day of sc + 48 h', async () => {
    const test = await hc1({
      ver: '1.3.0',
      nam: SAMPLE_HCERT.nam,
      dob: SAMPLE_HCERT.dob,
      t: [
        {
          tg: '840539006',
          tt: 'LP6464-4',
          sc: '2022-01-10T20:00:00Z',
          tr: '260415000',
          co: 'KR',
          is: 'KDCA',
          ci: 'X',
        },
      ],
    });
    const now = new Date('2022-01-11T03:00:00Z');
    const decision = await decide(test, await bundlesAt('2022-01-11T00:00:00Z'), { now, purpose: 'holder' });
    expect(decision.validity).toMatchObject({ from: '2022-01-11', until: '2022-01-13' });
  });

  it('a minor with one dose of two is exempt until the day before the 19th birthday, never "valid" on the dose', async () => {
    const now = new Date('2022-02-01T03:00:00Z');
    const minor = await hc1({ ...SAMPLE_HCERT, dob: '2007-05-20', v: [{ ...v, dn: 1, sd: 2 }] });
    const decision = await decide(minor, await bundlesAt('2022-02-01T00:00:00Z'), { now, purpose: 'holder' });
    expect(decision.verdict).toBe('exempt');
    expect(decision.validity?.until).toBe('2026-05-19');
    expect(decision.reasons[0]?.code).toBe('EXEMPT');
    expect(decision.reasons[0]?.text.en).not.toMatch(/ERR_/);
  });
});

describe('verdicts at the door', () => {
  const now = new Date('2022-02-01T03:00:00Z');

  it('a paper HC1 that passes is check-id; with no revocation bundle it says so', async () => {
    const paper = await hc1(SAMPLE_HCERT);
    const bundles = await bundlesAt('2022-02-01T00:00:00Z');
    const door = await decide(paper, bundles, { now, venueCategory: 'restaurant' });
    expect(door.verdict).toBe('check-id');
    // Deciding reasons first; the rules that passed follow (RULE_PASSED), and nothing failed.
    expect(door.reasons[0]?.code).toBe('CHECK_ID_NO_DEVICE_PROOF');
    expect(door.reasons.filter((r) => r.code !== 'RULE_PASSED').map((r) => r.code)).toEqual([
      'CHECK_ID_NO_DEVICE_PROOF',
    ]);
    const { revocation: _, ...withoutRevocation } = bundles;
    const missing = await decide(paper, withoutRevocation, { now, venueCategory: 'restaurant' });
    expect(missing.verdict).toBe('check-id');
    expect(missing.reasons.map((r) => r.code)).toContain('REVOCATION_MISSING');
    expect(missing.reasons.find((r) => r.code === 'REVOCATION_MISSING')?.text.en).toContain(
      'Revocation data missing',
    );
  });

  it('an incomplete series is solo-only at a restaurant and fail at a gym; a revoked pass fails', async () => {
    const bundles = await bundlesAt('2022-02-01T00:00:00Z');
    const incomplete = await hc1({ ...SAMPLE_HCERT, v: [{ ...v, dn: 1, sd: 2 }] });
    expect((await decide(incomplete, bundles, { now, venueCategory: 'restaurant' })).verdict).toBe(
      'solo-only',
    );
    expect((await decide(incomplete, bundles, { now, venueCategory: 'gym' })).verdict).toBe('fail');
    const dsc = await dscPromise;
    const uciHash = new Uint8Array(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(String(v.ci))),
    ).subarray(0, 16);
    const revoked = RevocationList.fromContent({
      partitions: [buildRevocationPartition(bytesToBase64(dsc.kid), 'UCI', [uciHash])],
    });
    const decision = await decide(await hc1(SAMPLE_HCERT), await bundlesAt('2022-02-01T00:00:00Z', revoked), {
      now,
      purpose: 'holder',
    });
    expect(decision.verdict).toBe('fail');
    expect(decision.reasons[0]?.code).toBe('REVOKED');
    expect(decision.validity).toBeUndefined();
  });

  it('a Warning rule gives warn, its reason in plain words with its date, never a formula', async () => {
    const at = new Date('2022-01-05T03:00:00Z');
    const expired = await hc1({ ...SAMPLE_HCERT, v: [{ ...v, dn: 2, sd: 2, dt: '2021-06-01' }] });
    const decision = await decide(expired, await bundlesAt('2022-01-05T00:00:00Z'), {
      now: at,
      venueCategory: 'gym',
    });
    // A paper HC1 at the door: staff check a photo ID (check-id), and the warning is among the reasons.
    expect(decision.verdict).toBe('check-id');
    expect(decision.rulesVerdict).toBe('warn');
    const warning = decision.reasons.find((r) => r.code === 'RULE_WARNING');
    expect(warning?.date).toBe('2021-12-11');
    expect(warning?.text.en).toMatch(/entry is still allowed/);
    expect(decision.reasons.map((r) => r.text.en).join(' ')).not.toMatch(/dt \+|dn = sd/);
  });

  it('a bundle older than the limit turns a pass into warn, counted from its signed issuedAt', async () => {
    const stale = await bundlesAt('2022-01-25T00:00:00Z');
    const decision = await decide(await hc1(SAMPLE_HCERT), stale, { now, purpose: 'holder' });
    expect(decision.verdict).toBe('warn');
    expect(decision.reasons.map((r) => r.code)).toContain('STALE_BUNDLE');
  });

  it('never throws: unknown text, missing bundles', async () => {
    expect((await decide('https://example.com', {}, { now })).reasons[0]?.code).toBe('FORMAT_UNKNOWN');
    expect((await decide('HC1:XYZ', {}, { now })).reasons[0]?.code).toBe('TRUST_MISSING');
    const { rules: _, ...noRules } = await bundlesAt('2022-02-01T00:00:00Z');
    const withoutRules = await decide(await hc1(SAMPLE_HCERT), noRules, { now });
    expect(withoutRules.verdict).toBe('fail');
    expect(withoutRules.reasons[0]?.code).toBe('RULES_MISSING');
    expect((await decide('HC1:XYZ', await bundlesAt('2022-02-01T00:00:00Z'), { now })).verdict).toBe('fail');
  });
});
