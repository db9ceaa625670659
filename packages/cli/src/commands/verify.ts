/** `greenlight verify`: verifies a credential offline and prints the report. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  base64ToBytes,
  DscTrustList,
  GreenlightError,
  isSvg,
  type JWK,
  readQrImage,
  ShcTrustStore,
  type VerificationReport,
  verifyBundle,
  verifyHc1,
  verifyPresentation,
  verifyShcText,
} from '@greenlight/codec';
import { evaluatePolicy, type PolicyVerdict } from '@greenlight/rules';
import type { Command } from '../main';
import { configureNodeQr, dccReferenceOptions } from '../support/node-codec';
import { readJsonFile, UsageError } from '../support/usage';
import { formatVerdict, loadPolicy, readPublicationKey } from './rules';

const USAGE = `Usage: greenlight verify <text|@file|-> [--image FILE] [--at ISO8601] [--json]
         EU DCC:  [--dsc BASE64_DER]... [--dsc-list FILE] [--pub KEYS]...
         SMART Health Cards:  [--shc-directory FILE]... [--jwks ISS=FILE]... [--shc-crl ISS=FILE]...
         Rules:  [--policy kr|FILE|DIR] [--venue-category NAME] [--lang ko|en] [--pub PUB.pem]...

The format is detected: HC1: text, GLP1: presentation QR text, shc:/ QR text (chunks one per line), a compact JWS, a .smart-health-card
file or FHIR Parameters JSON, or a PNG/JPEG/SVG image (by --image, or @file when the file is an image).
--dsc-list takes the Gateway's JSON or a signed trust-list bundle (/v1/bundles/trust-list), whose signature is
checked with --pub (PEM, JWK or the server's /.well-known/greenlight/publication-keys.json) before use; the
bundle's SMART Health Card issuers are trusted too.
--jwks also loads the issuer's CRLs from a crl/ folder beside the JWKS file (the .well-known layout).
Several credentials (an image with several codes, a file with several cards) give one report each;
with --json, one JSON object per line.

--policy adds the rules verdict of an EU certificate (report.rules: pass, exempt, solo-only, warn, fail and the
reasons); a credential whose rules verdict is fail counts as invalid.

Exit codes: 0 every credential valid, 1 one is invalid, 2 bad usage or unreadable input.`;

const PNG = [0x89, 0x50, 0x4e, 0x47];
const JPEG = [0xff, 0xd8, 0xff];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

async function qrTexts(bytes: Uint8Array, name: string): Promise<string> {
  configureNodeQr();
  const codes = await readQrImage(bytes);
  if (codes.length === 0) throw new UsageError(`no QR code found in ${name}`);
  return codes.join('\n');
}

/** The credential text: an argument, @file, - for stdin, or the QR codes of an image (one line per code). */
export async function readCredentialInput(
  input: string | undefined,
  image: string | undefined,
): Promise<string> {
  if (image !== undefined) return qrTexts(new Uint8Array(readFileSync(image)), image);
  if (input === undefined) throw new UsageError('no credential given');
  if (input !== '-' && !input.startsWith('@')) return input.trim();
  const name = input === '-' ? 'stdin' : input.slice(1);
  const bytes = new Uint8Array(readFileSync(input === '-' ? 0 : name));
  if (startsWith(bytes, PNG) || startsWith(bytes, JPEG) || isSvg(bytes)) return qrTexts(bytes, name);
  return new TextDecoder().decode(bytes).trim();
}

/** `ISS=FILE` of --jwks and --shc-crl. */
function issuerAndFile(value: string, option: string): [string, string] {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new UsageError(`${option} wants ISS=FILE, not ${value}`);
  return [value.slice(0, eq), value.slice(eq + 1)];
}

export function loadShcTrust(directories: string[], jwks: string[], crls: string[]): ShcTrustStore {
  const store = new ShcTrustStore();
  for (const file of directories) store.addVciSnapshot(readJsonFile(file, 'the directory snapshot'));
  for (const value of jwks) {
    const [iss, file] = issuerAndFile(value, '--jwks');
    store.addJwks(iss, readJsonFile(file, 'the JWKS'));
    const crlDir = join(dirname(file), 'crl');
    if (existsSync(crlDir)) {
      for (const name of readdirSync(crlDir)
        .filter((n) => n.endsWith('.json'))
        .sort()) {
        store.addCrl(iss, readJsonFile(join(crlDir, name), 'the CRL'));
      }
    }
  }
  for (const value of crls) {
    const [iss, file] = issuerAndFile(value, '--shc-crl');
    store.addCrl(iss, readJsonFile(file, 'the CRL'));
  }
  return store;
}

/** Publication keys from PEM, JWK or JWK-set (`/.well-known/greenlight/publication-keys.json`) files. */
export function readPublicationKeys(files: string[]): JWK[] {
  return files.flatMap((file) => {
    const json = (() => {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as { keys?: JWK[] };
      } catch {
        return undefined;
      }
    })();
    return Array.isArray(json?.keys) ? json.keys : [readPublicationKey(file)];
  });
}

/** The trust list: --dsc values, and --dsc-list in the Gateway's shape or as a signed trust-list bundle (--pub). */
export async function loadTrust(
  dscs: string[],
  dscList: string | undefined,
  pubs: string[] = [],
): Promise<{ dcc: DscTrustList; shcDirectory?: unknown }> {
  const entries = dscs.map((b64) => ({ der: base64ToBytes(b64) }));
  let shcDirectory: unknown;
  if (dscList !== undefined) {
    let json = readJsonFile(dscList, 'the trust list') as Record<string, unknown>;
    if (typeof json.payload === 'string' && typeof json.protected === 'string') {
      if (pubs.length === 0)
        throw new UsageError(`${dscList} is a signed bundle: give the publication keys with --pub`);
      const bytes = new Uint8Array(readFileSync(dscList));
      json = (
        await verifyBundle<Record<string, unknown>>(bytes, readPublicationKeys(pubs), { kind: 'trust-list' })
      ).content;
      shcDirectory = json.shcDirectory;
    }
    const list = await DscTrustList.fromGatewayJson(json);
    entries.push(...list.entries.map((e) => ({ der: e.der, ...(e.country ? { country: e.country } : {}) })));
  }
  return { dcc: await DscTrustList.fromCertificates(entries), ...(shcDirectory ? { shcDirectory } : {}) };
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
  if (report.signer?.issuer)
    lines.push(
      `issuer: ${report.signer.issuerName ? `${report.signer.issuerName}, ` : ''}${report.signer.issuer}`,
    );
  for (const dose of report.summary?.immunizations ?? [])
    lines.push(`immunization: ${dose.date} ${dose.code}${dose.lotNumber ? ` lot ${dose.lotNumber}` : ''}`);
  for (const result of report.summary?.results ?? [])
    lines.push(`result: ${result.date ?? ''} ${result.code}${result.value ? ` = ${result.value}` : ''}`);
  lines.push(`checked at: ${report.times.now}`);
  if (report.rules)
    lines.push(`rules: ${formatVerdict(report.rules as PolicyVerdict).replace(/\n/g, '\n  ')}`);
  for (const step of report.steps) {
    const mark = step.ok === true ? 'ok  ' : step.ok === false ? 'FAIL' : '--  ';
    lines.push(
      `  ${mark} ${step.name}${step.code ? ` ${step.code}` : ''}${step.message ? `: ${step.message}` : ''}`,
    );
    for (const warning of step.warnings ?? [])
      lines.push(`       warning ${warning.code}: ${warning.message}`);
  }
  return lines.join('\n');
}

export const verify: Command = {
  summary: 'verify a credential offline (EU DCC or SMART Health Card)',
  async run(argv) {
    try {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          image: { type: 'string' },
          dsc: { type: 'string', multiple: true },
          'dsc-list': { type: 'string' },
          'shc-directory': { type: 'string', multiple: true },
          jwks: { type: 'string', multiple: true },
          'shc-crl': { type: 'string', multiple: true },
          policy: { type: 'string' },
          'venue-category': { type: 'string' },
          lang: { type: 'string' },
          pub: { type: 'string', multiple: true },
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
      if (values['venue-category'] !== undefined && values.policy === undefined)
        throw new UsageError('--venue-category needs --policy');
      const policy =
        values.policy === undefined ? undefined : await loadPolicy(values.policy, values.pub ?? []);
      let reports: VerificationReport[];
      if (/^(HC1|GLP1):/.test(text)) {
        const trust = (await loadTrust(values.dsc ?? [], values['dsc-list'], values.pub ?? [])).dcc;
        const options = { now, ...dccReferenceOptions() };
        reports = [];
        for (const line of text.split(/\r?\n/).filter((l) => l.trim())) {
          const report = line.startsWith('GLP1:')
            ? await verifyPresentation(line, trust, options)
            : await verifyHc1(line, trust, options);
          if (policy && report.payload !== undefined) {
            report.rules = evaluatePolicy(policy, {
              payload: report.payload,
              at: now,
              venueCategory: values['venue-category'],
              lang: values.lang,
              ...(report.times.issuedAt ? { iat: new Date(report.times.issuedAt) } : {}),
              ...(report.times.expiresAt ? { exp: new Date(report.times.expiresAt) } : {}),
              ...(report.signer?.kid ? { kid: report.signer.kid } : {}),
            });
          }
          reports.push(report);
        }
      } else {
        const trust = loadShcTrust(values['shc-directory'] ?? [], values.jwks ?? [], values['shc-crl'] ?? []);
        if (values['dsc-list'] !== undefined) {
          const { shcDirectory } = await loadTrust([], values['dsc-list'], values.pub ?? []);
          if (shcDirectory) trust.addVciSnapshot(shcDirectory);
        }
        reports = await verifyShcText(text, trust, { now });
      }
      for (const report of reports) console.log(values.json ? JSON.stringify(report) : formatReport(report));
      const accepted = (r: VerificationReport) =>
        r.verdict === 'valid' && (r.rules as PolicyVerdict | undefined)?.verdict !== 'fail';
      return reports.every(accepted) ? 0 : 1;
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
