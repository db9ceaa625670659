import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../../test/capture.ts';

const krFolder = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'rules', 'policies', 'kr');

const vaccination = (v: Record<string, unknown> = {}) => ({
  ver: '1.3.0',
  nam: { fnt: 'KIM', gnt: 'MINJI' },
  dob: '1985-04-12',
  v: [
    {
      tg: '840539006',
      vp: '1119349007',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn: 2,
      sd: 2,
      dt: '2021-11-01',
      co: 'KR',
      is: 'KDCA',
      ci: 'URN:UVCI:01:KR:TEST#1',
      ...v,
    },
  ],
});

function workdir() {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-rules-'));
  const write = (name: string, json: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
    return path;
  };
  return { dir, write };
}

function keyPair(dir: string, name: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = join(dir, `${name}.pem`);
  const pub = join(dir, `${name}.pub.pem`);
  writeFileSync(key, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  writeFileSync(pub, publicKey.export({ format: 'pem', type: 'spki' }));
  return { key, pub };
}

describe('greenlight rules eval', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the verdict and reasons as JSON; exit 0 for pass, solo-only and exempt, 1 for fail', async () => {
    const { write } = workdir();
    const payload = write('v.json', vaccination());
    const run = (...extra: string[]) =>
      capture(['rules', 'eval', '--policy', 'kr', '--payload', payload, '--json', ...extra]);

    const pass = await run('--at', '2021-11-14T15:00:00Z');
    expect(pass.code).toBe(0);
    const passed = JSON.parse(pass.out[0] as string);
    expect(Object.keys(passed)).toEqual(['verdict', 'reasons']);
    expect(passed.verdict).toBe('pass');

    const fail = await run('--at', '2021-11-14T14:59:59Z');
    expect(fail.code).toBe(1);
    expect(JSON.parse(fail.out[0] as string).reasons[0]).toEqual(
      expect.objectContaining({ code: 'RULE_FAILED', rule: 'VR-KR-0003', date: '2021-11-15' }),
    );

    const solo = await run('--at', '2021-11-14T14:59:59Z', '--venue-category', 'restaurant');
    expect([solo.code, JSON.parse(solo.out[0] as string).verdict]).toEqual([0, 'solo-only']);

    const minor = write('minor.json', { ...vaccination({ dn: 1 }), dob: '2010' });
    const exempt = await capture([
      'rules',
      'eval',
      '--policy',
      'kr',
      '--payload',
      minor,
      '--at',
      '2022-02-01T00:00:00Z',
    ]);
    expect(exempt.code).toBe(0);
    expect(exempt.out[0]).toMatch(/^EXEMPT \(Vaccination\)/);
  });

  it('--issuer-country: a medical exemption counts only when a Korean DSC signed it', async () => {
    const { write } = workdir();
    const hcert = {
      ver: '1.3.0',
      nam: { fn: 'Park', fnt: 'PARK' },
      dob: '1978-09-30',
      e: [
        { tg: '840539006', es: 'medical', df: '2022-01-01', du: '2022-03-31', co: 'KR', is: 'KDCA', ci: 'x' },
      ],
    };
    const payload = write('e.json', hcert);
    const run = (...extra: string[]) =>
      capture([
        'rules',
        'eval',
        '--policy',
        'kr',
        '--payload',
        payload,
        '--at',
        '2022-02-01T00:00:00Z',
        ...extra,
      ]);
    expect((await run('--issuer-country', 'KR')).out[0]).toMatch(/^EXEMPT \(Exemption\)/);
    const foreign = await run('--issuer-country', 'DE');
    expect(foreign.code).toBe(1);
    expect(foreign.out[0]).toContain('EX-KR-0005');
    expect((await run()).code).toBe(1);
    expect((await run('--issuer-country', 'korea')).code).toBe(2);
  });

  it('exits 2 for a payload that is not an HCERT, bad usage and an unknown venue category', async () => {
    const { write } = workdir();
    const notHcert = write('x.json', { ver: '1.3.0', nam: {} });
    const notJson = write('y.json', 'HC1:6BF...');
    const payload = write('v.json', vaccination());
    const at = ['--at', '2022-01-01T00:00:00Z'];
    const cases: [string[], RegExp][] = [
      [['--policy', 'kr', '--payload', notHcert, ...at], /ERR_RULES_PAYLOAD/],
      [['--policy', 'kr', '--payload', notJson, ...at], /not JSON/],
      [['--policy', 'kr', ...at], /--payload is required/],
      [['--policy', 'kr', '--payload', payload, '--at', 'yesterday'], /ISO 8601/],
      [['--policy', 'xx', '--payload', payload, ...at], /neither a built-in policy nor a file/],
      [
        ['--policy', 'kr', '--payload', payload, ...at, '--venue-category', 'casino'],
        /ERR_RULES_UNKNOWN_VENUE/,
      ],
      [['--policy', 'kr', '--payload', payload, '--frobnicate'], /Unknown option/],
    ];
    for (const [args, message] of cases) {
      const result = await capture(['rules', 'eval', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err.join('\n')).toMatch(message);
    }
    expect((await capture(['rules', 'frob'])).code).toBe(2);
  });

  it('reads a policy folder and a policy file, and refuses a malformed one', async () => {
    const { write } = workdir();
    const payload = write('v.json', vaccination());
    const at = ['--at', '2021-12-01T00:00:00Z'];
    expect((await capture(['rules', 'eval', '--policy', krFolder, '--payload', payload, ...at])).code).toBe(
      0,
    );
    const settings = JSON.parse(readFileSync(join(krFolder, 'policy.json'), 'utf8'));
    const rule = JSON.parse(readFileSync(join(krFolder, 'VR-KR-0001.json'), 'utf8'));
    const file = write('policy.json', { ...settings, rules: [rule] });
    expect((await capture(['rules', 'eval', '--policy', file, '--payload', payload, ...at])).code).toBe(0);
    const broken = write('broken.json', { ...settings, rules: [{ ...rule, ValidFrom: undefined }] });
    const refused = await capture(['rules', 'eval', '--policy', broken, '--payload', payload, ...at]);
    expect(refused.code).toBe(2);
    expect(refused.err.join('\n')).toMatch(/ERR_RULES_DATES/);
  });
});

describe('greenlight rules bundle / verify-bundle', () => {
  afterEach(() => vi.restoreAllMocks());

  it('signs a policy folder; the bundle verifies, evaluates, and is refused when tampered or foreign', async () => {
    const { dir } = workdir();
    const { key, pub } = keyPair(dir, 'publication');
    const other = keyPair(dir, 'other');
    const out = join(dir, 'kr.rules.json');
    const made = await capture([
      'rules',
      'bundle',
      '--in',
      krFolder,
      '--key',
      key,
      '--out',
      out,
      '--version',
      '7',
      '--issued-at',
      '2022-01-02T00:00:00Z',
    ]);
    expect(made.code, made.err.join('\n')).toBe(0);
    expect(made.out[0]).toMatch(/rules bundle version 7, 18 rules \(KR\)/);

    const verified = await capture(['rules', 'verify-bundle', out, '--pub', pub, '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out[0] as string)).toEqual(
      expect.objectContaining({ valid: true, version: 7, rules: 18, country: 'KR' }),
    );

    const payload = join(dir, 'v.json');
    writeFileSync(payload, JSON.stringify(vaccination()));
    const evaluated = await capture([
      'rules',
      'eval',
      '--policy',
      out,
      '--pub',
      pub,
      '--payload',
      payload,
      '--at',
      '2021-12-01T00:00:00Z',
    ]);
    expect(evaluated.code).toBe(0);
    const unkeyed = await capture(['rules', 'eval', '--policy', out, '--payload', payload]);
    expect([unkeyed.code, unkeyed.err.join('\n')]).toEqual([2, expect.stringMatching(/--pub/)]);

    const jws = JSON.parse(readFileSync(out, 'utf8'));
    const content = JSON.parse(Buffer.from(jws.payload, 'base64url').toString('utf8'));
    content.content.venueCategories.gym.soloAllowed = true;
    const tampered = join(dir, 'tampered.json');
    writeFileSync(
      tampered,
      JSON.stringify({ ...jws, payload: Buffer.from(JSON.stringify(content)).toString('base64url') }),
    );
    const unsigned = join(dir, 'unsigned.json');
    writeFileSync(unsigned, JSON.stringify({ payload: jws.payload }));
    const expectInvalid = async (file: string, pubFile: string, code: string) => {
      const result = await capture(['rules', 'verify-bundle', file, '--pub', pubFile, '--json']);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.out[0] as string)).toEqual(expect.objectContaining({ valid: false, code }));
    };
    await expectInvalid(tampered, pub, 'ERR_BUNDLE_SIGNATURE');
    await expectInvalid(unsigned, pub, 'ERR_BUNDLE_UNSIGNED');
    await expectInvalid(out, other.pub, 'ERR_BUNDLE_UNKNOWN_KEY');
    const refused = await capture([
      'rules',
      'eval',
      '--policy',
      tampered,
      '--pub',
      pub,
      '--payload',
      payload,
    ]);
    expect([refused.code, refused.err.join('\n')]).toEqual([
      2,
      expect.stringMatching(/ERR_BUNDLE_SIGNATURE/),
    ]);
  });

  it('refuses to sign a folder with a malformed rule', async () => {
    const { dir, write } = workdir();
    const { key } = keyPair(dir, 'publication');
    write('policy.json', readFileSync(join(krFolder, 'policy.json'), 'utf8'));
    const rule = JSON.parse(readFileSync(join(krFolder, 'VR-KR-0001.json'), 'utf8'));
    write('VR-KR-0001.json', { ...rule, Logic: { or: [true, false] } });
    const result = await capture([
      'rules',
      'bundle',
      '--in',
      dir,
      '--key',
      key,
      '--out',
      join(dir, 'out.json'),
    ]);
    expect(result.code).toBe(2);
    expect(result.err.join('\n')).toMatch(/ERR_RULES_LOGIC/);
  });
});
