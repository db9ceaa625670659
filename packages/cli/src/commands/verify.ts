/** `greenlight verify`: verifies a credential offline and prints the report. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  base64ToBytes,
  DscTrustList,
  GreenlightError,
  readQrImage,
  type VerificationReport,
  verifyHc1,
} from '@greenlight/codec';
import type { Command } from '../main';
import { configureNodeQr, dccReferenceOptions } from '../support/node-codec';

const USAGE = `Usage: greenlight verify <text|@file|-> [--image FILE] [--dsc BASE64_DER]... [--dsc-list FILE] [--at ISO8601] [--json]

Exit codes: 0 valid, 1 invalid, 2 bad usage or unreadable input.`;

class UsageError extends Error {}

/** The credential text: an argument, @file, - for stdin, or the QR codes of --image. */
export async function readCredentialInput(
  input: string | undefined,
  image: string | undefined,
): Promise<string> {
  if (image !== undefined) {
    configureNodeQr();
    const codes = await readQrImage(new Uint8Array(readFileSync(image)));
    if (codes.length === 0) throw new UsageError(`no QR code found in ${image}`);
    return codes[0]!;
  }
  if (input === undefined) throw new UsageError('no credential given');
  if (input === '-') return readFileSync(0, 'utf8').trim();
  if (input.startsWith('@')) return readFileSync(input.slice(1), 'utf8').trim();
  return input.trim();
}

export async function loadTrust(dscs: string[], dscList: string | undefined): Promise<DscTrustList> {
  const entries = dscs.map((b64) => ({ der: base64ToBytes(b64) }));
  if (dscList !== undefined) {
    const list = await DscTrustList.fromGatewayJson(JSON.parse(readFileSync(dscList, 'utf8')));
    entries.push(...list.entries.map((e) => ({ der: e.der, ...(e.country ? { country: e.country } : {}) })));
  }
  return DscTrustList.fromCertificates(entries);
}

export function formatReport(report: VerificationReport): string {
  const lines = [
    `${report.verdict === 'valid' ? 'VALID' : 'INVALID'} (${report.format}, ${report.certificateType})`,
  ];
  if (report.holder)
    lines.push(`holder: ${report.holder.name} (born ${report.holder.dateOfBirth || 'unknown'})`);
  if (report.signer)
    lines.push(
      `signer: kid ${report.signer.kid}${report.signer.country ? `, ${report.signer.country}` : ''}`,
    );
  lines.push(`checked at: ${report.times.now}`);
  for (const step of report.steps) {
    const mark = step.ok === true ? 'ok  ' : step.ok === false ? 'FAIL' : '--  ';
    lines.push(
      `  ${mark} ${step.name}${step.code ? ` ${step.code}` : ''}${step.message ? `: ${step.message}` : ''}`,
    );
  }
  return lines.join('\n');
}

export const verify: Command = {
  summary: 'verify a credential offline (HC1)',
  async run(argv) {
    try {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          image: { type: 'string' },
          dsc: { type: 'string', multiple: true },
          'dsc-list': { type: 'string' },
          at: { type: 'string' },
          json: { type: 'boolean' },
          help: { type: 'boolean' },
        },
      });
      if (values.help) {
        console.log(USAGE);
        return 0;
      }
      if (positionals.length > 1) throw new UsageError('give one credential');
      const now = values.at === undefined ? new Date() : new Date(values.at);
      if (Number.isNaN(now.getTime())) throw new UsageError(`--at is not an ISO-8601 time: ${values.at}`);
      const text = await readCredentialInput(positionals[0], values.image);
      const trust = await loadTrust(values.dsc ?? [], values['dsc-list']);
      const report = await verifyHc1(text, trust, { now, ...dccReferenceOptions() });
      console.log(values.json ? JSON.stringify(report) : formatReport(report));
      return report.verdict === 'valid' ? 0 : 1;
    } catch (error) {
      if (
        error instanceof UsageError ||
        error instanceof GreenlightError ||
        (error as NodeJS.ErrnoException).code
      ) {
        const code = error instanceof GreenlightError ? ` [${error.code}]` : '';
        console.error(`greenlight verify: ${(error as Error).message}${code}\n${USAGE}`);
        return 2;
      }
      if (error instanceof SyntaxError || (error as Error).name === 'TypeError') {
        console.error(`greenlight verify: ${(error as Error).message}\n${USAGE}`);
        return 2;
      }
      throw error;
    }
  },
};
