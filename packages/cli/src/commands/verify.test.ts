import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToBase64, encodeHc1, qrPng } from '@greenlight/codec';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testdataPath } from '../../../../test/support/testdata';
import { makeDsc, SAMPLE_HCERT } from '../../../codec/test/dcc-fixtures';
import { main } from '../main';
import { configureNodeQr } from '../support/node-codec';

async function capture(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line) => void out.push(String(line)));
  const error = vi.spyOn(console, 'error').mockImplementation((line) => void err.push(String(line)));
  try {
    return { code: await main(argv), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('greenlight verify', () => {
  afterEach(() => vi.restoreAllMocks());
  const at = '2022-06-01T00:00:00Z';

  async function fixture() {
    const dsc = await makeDsc();
    const text = await encodeHc1(SAMPLE_HCERT, {
      signer: dsc.signer,
      issuer: 'KR',
      issuedAt: new Date('2022-01-01T00:00:00Z'),
      expiresAt: new Date('2023-01-01T00:00:00Z'),
    });
    return { dsc, text, b64: bytesToBase64(dsc.der) };
  }

  it('exits 0 and prints one JSON report for a valid certificate', async () => {
    const { text, b64 } = await fixture();
    const { code, out } = await capture(['verify', text, '--dsc', b64, '--at', at, '--json']);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const report = JSON.parse(out[0]!);
    expect(report.verdict).toBe('valid');
    expect(report.times.now).toBe('2022-06-01T00:00:00.000Z');
  });

  it('exits 1 for a certificate that is not trusted', async () => {
    const { text } = await fixture();
    const other = await makeDsc();
    const { code } = await capture(['verify', text, '--dsc', bytesToBase64(other.der), '--at', at]);
    expect(code).toBe(1);
  });

  it('reads @file, a Gateway trust list and a QR image', async () => {
    const { text, b64 } = await fixture();
    const dir = mkdtempSync(join(tmpdir(), 'greenlight-verify-'));
    writeFileSync(join(dir, 'cert.txt'), `${text}\n`);
    writeFileSync(
      join(dir, 'trust.json'),
      JSON.stringify({ certificates: [{ kid: 'x', country: 'KR', rawData: b64 }] }),
    );
    configureNodeQr();
    writeFileSync(join(dir, 'cert.png'), await qrPng(text));
    expect(
      (
        await capture([
          'verify',
          `@${join(dir, 'cert.txt')}`,
          '--dsc-list',
          join(dir, 'trust.json'),
          '--at',
          at,
        ])
      ).code,
    ).toBe(0);
    const image = await capture([
      'verify',
      '--image',
      join(dir, 'cert.png'),
      '--dsc',
      b64,
      '--at',
      at,
      '--json',
    ]);
    expect(image.code).toBe(0);
    expect(JSON.parse(image.out[0]!).signer.country).toBe('KR');
  });

  it('exits 2 for bad usage and unreadable input', async () => {
    expect((await capture(['verify'])).code).toBe(2);
    expect((await capture(['verify', 'HC1:X', '--at', 'not-a-time'])).code).toBe(2);
    expect((await capture(['verify', '@/nonexistent/file'])).code).toBe(2);
    expect((await capture(['verify', 'HC1:X', '--dsc', '%%%'])).code).toBe(2);
    expect((await capture(['verify', 'HC1:X', '--bogus'])).code).toBe(2);
  });
});

const suite = testdataPath('dcc', 'public');

describe.skipIf(!suite)('greenlight conformance dcc', () => {
  it('prints one JSON line per file and the closing count', async () => {
    const { code, out } = await capture(['conformance', 'dcc', suite!]);
    expect(code).toBe(0);
    const lines = out.slice(0, -1).map((line) => JSON.parse(line));
    expect(lines).toHaveLength(156);
    expect(Object.keys(lines[0].observed)).toHaveLength(12);
    expect(lines.find((l) => l.file === 'common/2DCode/raw/Q1.json')?.observed.PICTUREDECODE).toBe(false);
    expect(out.at(-1)).toBe('145 passed, 11 failed');
    expect(readFileSync(join(suite!, 'known_issues.csv'), 'utf8')).toContain('ES,401');
  });
});
