/** Walks test/vectors/codec: every fault input of the codec's technical checks against its expected outcome. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureNodeQr } from '@greenlight/codec/node';
import { describe, expect, it } from 'vitest';
import { verifyHc1 } from '../../../packages/codec/src/dcc/hc1.ts';
import { DscTrustList } from '../../../packages/codec/src/dcc/trust-list.ts';
import { base64ToBytes } from '../../../packages/codec/src/encoding/bytes.ts';
import { verifyPresentation } from '../../../packages/codec/src/presentation/glp1.ts';
import { type QrSymbol, readQrSymbols } from '../../../packages/codec/src/qr/zxing.ts';
import type { VerificationReport } from '../../../packages/codec/src/report.ts';
import { type VerifyShcOptions, verifyShcText } from '../../../packages/codec/src/shc/card.ts';
import { ShcTrustStore } from '../../../packages/codec/src/shc/trust.ts';

interface Vector {
  description: string;
  format: 'hc1' | 'presentation' | 'shc';
  input?: string;
  /** A base64 PNG to read the input from (SHC), for faults only the image shows. */
  image?: string;
  dscs?: string[];
  trust?: { iss: string; jwks: unknown; crls: unknown[] };
  options?: Pick<VerifyShcOptions, 'missingCrl'>;
  qrSymbols?: QrSymbol[];
  now: string;
  expected: { verdict: 'valid' | 'invalid'; failedSteps: [string, string][]; warnings?: string[] };
}

const root = dirname(fileURLToPath(import.meta.url));
const folders = readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory());

async function verify(vector: Vector): Promise<VerificationReport> {
  const now = new Date(vector.now);
  if (vector.format === 'shc') {
    const trust = new ShcTrustStore().addJwks(vector.trust!.iss, vector.trust!.jwks);
    for (const crl of vector.trust!.crls) trust.addCrl(vector.trust!.iss, crl);
    let text = vector.input ?? '';
    let qrSymbols = vector.qrSymbols;
    if (vector.image) {
      configureNodeQr();
      qrSymbols = await readQrSymbols(base64ToBytes(vector.image));
      text = qrSymbols.map((s) => s.text).join('\n');
    }
    const reports = await verifyShcText(text, trust, {
      now,
      ...vector.options,
      ...(qrSymbols ? { qrSymbols } : {}),
    });
    expect(reports).toHaveLength(1);
    return reports[0]!;
  }
  const trust = await DscTrustList.fromCertificates(
    (vector.dscs ?? []).map((d) => ({ der: base64ToBytes(d) })),
  );
  return vector.format === 'hc1'
    ? verifyHc1(vector.input!, trust, { now })
    : verifyPresentation(vector.input!, trust, { now });
}

describe('codec vectors', () => {
  it('has a README line for every folder, and a folder for every README line', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `([a-z0-9-]+)\/` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...folders].sort());
  });

  for (const folder of folders) {
    const files = readdirSync(join(root, folder)).filter((f) => f.endsWith('.json'));
    describe(folder, () => {
      it('holds vectors', () => expect(files.length).toBeGreaterThan(0));
      it.each(files)('%s', async (file) => {
        const vector = JSON.parse(readFileSync(join(root, folder, file), 'utf8')) as Vector;
        const report = await verify(vector);
        const failed = report.steps.filter((s) => s.ok === false).map((s) => [s.name, s.code]);
        const warnings = report.steps.flatMap((s) => (s.warnings ?? []).map((w) => w.code));
        expect({ verdict: report.verdict, failedSteps: failed }).toEqual({
          verdict: vector.expected.verdict,
          failedSteps: vector.expected.failedSteps,
        });
        if (vector.expected.warnings) expect(warnings).toEqual(vector.expected.warnings);
        for (const step of report.steps) expect(step.code).not.toBe('ERR_INTERNAL');
      });
    });
  }
});
