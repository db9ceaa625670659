/** `greenlight verify`: decides a credential's verdict offline with decide(), and prints it with every step. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  base64ToBytes,
  bytesToHex,
  DscTrustList,
  extractShcJws,
  GreenlightError,
  isSvg,
  RevocationList,
  readQrImage,
  ShcTrustStore,
  type VerificationReport,
} from '@greenlight/codec';
import { configureNodeQr, dccReferenceOptions } from '@greenlight/codec/node';
import { type BundleInForce, type Decision, type DecisionBundles, decide } from '@greenlight/rules';
import { X509Certificate } from '@peculiar/x509';
import type { Command } from '../main.ts';
import { readJsonFile, UsageError } from '../support/usage.ts';
import { isSignedBundleJson, loadPolicyInForce, refuseUnsigned, verifyBundleFile } from './rules.ts';

export { readPublicationKeys } from './rules.ts';

const USAGE = `Usage: greenlight verify <text|@file|-> [--image FILE] [--at ISO8601] [--json] [--lang en|ko]
         EU DCC:  [--dsc BASE64_DER]... [--dsc-list FILE]... [--revocation FILE] [--pub KEYS]...
         SMART Health Cards:  [--shc-directory FILE]... [--jwks ISS=FILE]... [--shc-crl ISS=FILE]...
         Rules:  [--policy kr|FILE|DIR] [--venue-category NAME]

Prints the verdict of decide() (@greenlight/rules), the one verdict every Greenlight app shows: pass, exempt,
solo-only, check-id, warn or fail, with its reasons in --lang (default en) and every step; --json prints the
Decision, one JSON object per line. The check is the door's: a plain HC1 or SMART Health Card (no device proof)
passes as check-id, and so does any DCC when no --revocation bundle is given.
The format is detected: HC1: text, GLP1: presentation QR text, shc:/ QR text (chunks one per line), a compact JWS, a .smart-health-card
file or FHIR Parameters JSON, or a PNG/JPEG/SVG image (by --image, or @file when the file is an image).
--dsc-list takes the Gateway's JSON or a signed trust-list bundle (/v1/bundles/trust-list); the bundle's SMART
Health Card issuers are trusted too. It may be given more than once: a Gateway list of CSCAs (certificateType CSCA,
e.g. /v1/trust/cscas) beside the DSC list (/v1/trust/dscs) makes every DSC of a country with a listed CSCA prove its
chain: signed by that CSCA, its thumbprint and its signature field checked; a DSC that fails is refused. --revocation takes the signed revocation bundle (/v1/bundles/revocation).
--policy takes a built-in policy name, a policy file or folder, or a signed rules bundle (/v1/bundles/rules).
--pub gives the publication keys (PEM, JWK or the server's /.well-known/greenlight/publication-keys.json) that
signed bundles are checked with before use; with --pub, a --dsc-list, --policy or --revocation file that is not a
signed bundle is refused. A bundle older than 48 hours (from its signed issuedAt) gives warn.
--jwks also loads the issuer's CRLs from a crl/ folder beside the JWKS file (the .well-known layout).
Several credentials (an image with several codes, a file with several cards) give one decision each.

Exit codes: 0 when every verdict is pass, exempt, solo-only, check-id or warn; 1 when one is fail; 2 for bad
usage or unreadable input. Without --policy there are no rules to apply: the verdict is fail with the reason
RULES_MISSING, and the exit code counts the technical checks only (0 when they all pass).`;

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

interface GatewayItem {
  der: Uint8Array;
  country?: string;
  kid?: string;
  certificateType?: string;
  thumbprint?: string;
  signature?: string;
}

/** The items of a Gateway trust list (`{certificates:[…]}` or a bare array), with the fields the chain check uses. */
async function gatewayItems(json: unknown, file: string): Promise<GatewayItem[]> {
  // The codec checks the shape and decodes rawData; the other Gateway fields are read beside it.
  const list = await DscTrustList.fromGatewayJson(json);
  const raw = (Array.isArray(json) ? json : (json as { certificates: unknown[] }).certificates) as Record<
    string,
    unknown
  >[];
  return list.entries.map((entry, i) => {
    const item = raw[i] ?? {};
    const text = (key: string) => (typeof item[key] === 'string' ? (item[key] as string) : undefined);
    const out: GatewayItem = { der: entry.der };
    for (const key of ['country', 'kid', 'certificateType', 'thumbprint', 'signature'] as const) {
      const value = text(key);
      if (value !== undefined) out[key] = value;
    }
    if (out.thumbprint !== undefined) {
      const actual = createHash('sha256').update(entry.der).digest('hex');
      if (out.thumbprint.toLowerCase() !== actual)
        throw new UsageError(
          `${file}: entry ${i} has thumbprint ${out.thumbprint}, but its rawData hashes to ${actual}`,
        );
    }
    return out;
  });
}

/**
 * Every DSC of a country that has a CSCA in the lists must chain to it: its X.509 signature verifies under the CSCA,
 * and a `signature` field, when present, is an ES256 signature (r‖s) by the CSCA over the DSC's DER (Greenlight's
 * /v1/trust/dscs). Throws UsageError naming the first DSC that does not.
 */
async function checkDscChains(dscs: GatewayItem[], cscas: GatewayItem[]): Promise<void> {
  const anchors = cscas.map((item) => ({ item, cert: new X509Certificate(Uint8Array.from(item.der)) }));
  for (const dsc of dscs) {
    const ofCountry = anchors.filter(
      (a) => !dsc.country || !a.item.country || a.item.country === dsc.country,
    );
    if (ofCountry.length === 0) continue;
    const cert = new X509Certificate(Uint8Array.from(dsc.der));
    let chained = false;
    for (const anchor of ofCountry) {
      if (!(await cert.verify({ publicKey: anchor.cert.publicKey, signatureOnly: true }))) continue;
      if (dsc.signature !== undefined) {
        const key = await anchor.cert.publicKey.export({ name: 'ECDSA', namedCurve: 'P-256' }, ['verify']);
        const signed = await crypto.subtle.verify(
          { name: 'ECDSA', hash: 'SHA-256' },
          key,
          Uint8Array.from(base64ToBytes(dsc.signature)),
          Uint8Array.from(dsc.der),
        );
        if (!signed) continue;
      }
      chained = true;
      break;
    }
    if (!chained)
      throw new UsageError(
        `the DSC ${dsc.kid ?? bytesToHex(dsc.der.subarray(0, 8))} (${dsc.country ?? 'no country'}) is not signed by a CSCA of its country in the --dsc-list files`,
      );
  }
}

/**
 * The trust list: --dsc values, and --dsc-list files in the Gateway's shape (DSCs and CSCAs) or as a signed
 * trust-list bundle (--pub).
 */
export async function loadTrust(
  dscs: string[],
  dscLists: string | string[] | undefined,
  pubs: string[] = [],
): Promise<{ dcc: DscTrustList; shcDirectory?: unknown; issuedAt?: string }> {
  const entries = dscs.map((b64) => ({ der: base64ToBytes(b64) }));
  let shcDirectory: unknown;
  let issuedAt: string | undefined;
  const listed: GatewayItem[] = [];
  for (const dscList of dscLists === undefined ? [] : ([] as string[]).concat(dscLists)) {
    let json = readJsonFile(dscList, 'the trust list') as Record<string, unknown>;
    if (isSignedBundleJson(json)) {
      if (pubs.length === 0)
        throw new UsageError(`${dscList} is a signed bundle: give the publication keys with --pub`);
      const payload = await verifyBundleFile<Record<string, unknown>>(dscList, pubs, 'trust-list');
      json = payload.content;
      issuedAt = payload.issuedAt;
      shcDirectory = json.shcDirectory;
    } else if (pubs.length > 0) {
      throw new UsageError(refuseUnsigned(dscList));
    }
    listed.push(...(await gatewayItems(json, dscList)));
  }
  const cscas = listed.filter((item) => item.certificateType === 'CSCA');
  const listedDscs = listed.filter((item) => item.certificateType !== 'CSCA');
  if (cscas.length > 0) await checkDscChains(listedDscs, cscas);
  entries.push(...listedDscs.map((e) => ({ der: e.der, ...(e.country ? { country: e.country } : {}) })));
  return {
    dcc: await DscTrustList.fromCertificates(entries),
    ...(shcDirectory ? { shcDirectory } : {}),
    ...(issuedAt ? { issuedAt } : {}),
  };
}

/** The signed revocation bundle (docs/bundles.md), verified with the publication keys; unsigned data is refused. */
export async function loadRevocation(file: string, pubs: string[]): Promise<BundleInForce<RevocationList>> {
  if (pubs.length === 0)
    throw new UsageError(`--revocation ${file} is a signed bundle: give the publication keys with --pub`);
  if (!isSignedBundleJson(readJsonFile(file, 'the revocation bundle')))
    throw new UsageError(`--revocation ${file} is not a signed revocation bundle: refusing unsigned data`);
  const payload = await verifyBundleFile(file, pubs, 'revocation');
  return { value: RevocationList.fromContent(payload.content), issuedAt: payload.issuedAt };
}

export function formatReport(report: VerificationReport): string {
  const lines = [
    `technical checks: ${report.verdict === 'valid' ? 'VALID' : 'INVALID'} (${report.format}, ${report.certificateType})`,
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

/** The decision for a person: the verdict, its reasons in `lang`, the report's details and every step. */
export function formatDecision(decision: Decision, lang: string): string {
  const words = (text: Record<string, string>) => text[lang] ?? text.en ?? Object.values(text)[0] ?? '';
  const lines = [`${decision.verdict.toUpperCase()} (${decision.format}, ${decision.certificateType})`];
  for (const r of decision.reasons)
    lines.push(
      `  - ${words(r.text)}${r.date ? ` [${r.date}]` : ''}${r.errorCode ? ` (${r.errorCode})` : ''}`,
    );
  if (decision.validity)
    lines.push(`valid: ${decision.validity.from ?? '…'} to ${decision.validity.until ?? '…'} (KST days)`);
  if (decision.report) lines.push(formatReport(decision.report));
  const technical = new Set(decision.report?.steps.map((s) => s.name));
  for (const step of decision.steps.filter((s) => !technical.has(s.name))) {
    const mark = step.ok === true ? 'ok  ' : step.ok === false ? 'FAIL' : '--  ';
    lines.push(`  ${mark} ${step.name}${step.reasons.length ? ` ${step.reasons.join(', ')}` : ''}`);
  }
  return lines.join('\n');
}

/**
 * The credentials in a text: each `HC1:`/`GLP1:` line on its own; otherwise SMART Health Card text, split into its
 * cards when it holds several (a file or an image with several codes).
 */
function credentialsIn(text: string): string[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (/^(HC1|GLP1):/.test(text)) return lines;
  try {
    const { jws } = extractShcJws(text);
    return jws.length > 1 ? jws : [text];
  } catch {
    return [text]; // decide() reports the failed extraction as a step
  }
}

/** A decision the exit code counts as failed: `fail`, except "no rules given" (then only the technical checks count). */
const failed = (d: Decision) =>
  d.verdict === 'fail' && !(d.reasons.length === 1 && d.reasons[0]?.code === 'RULES_MISSING');

/**
 * Runs `greenlight verify` and returns the decisions with the exit code, without printing: the CLI and the
 * differential test share it. Throws UsageError / GreenlightError for bad usage and unreadable input.
 */
export async function verifyDecisions(
  argv: string[],
): Promise<{ decisions: Decision[]; code: number; json: boolean; lang: string }> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      image: { type: 'string' },
      dsc: { type: 'string', multiple: true },
      'dsc-list': { type: 'string', multiple: true },
      'shc-directory': { type: 'string', multiple: true },
      jwks: { type: 'string', multiple: true },
      'shc-crl': { type: 'string', multiple: true },
      policy: { type: 'string' },
      'venue-category': { type: 'string' },
      revocation: { type: 'string' },
      lang: { type: 'string' },
      pub: { type: 'string', multiple: true },
      at: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (positionals.length > 1) throw new UsageError('give one credential');
  const now = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--at is not an ISO-8601 time: ${values.at}`);
  const text = await readCredentialInput(positionals[0], values.image);
  if (values['venue-category'] !== undefined && values.policy === undefined)
    throw new UsageError('--venue-category needs --policy');
  const pubs = values.pub ?? [];
  // Data given on the command line (not in a signed bundle) counts as issued now: it cannot be stale.
  const given = now.toISOString();
  const trust = await loadTrust(values.dsc ?? [], values['dsc-list'], pubs);
  const shc = loadShcTrust(values['shc-directory'] ?? [], values.jwks ?? [], values['shc-crl'] ?? []);
  if (trust.shcDirectory) shc.addVciSnapshot(trust.shcDirectory);
  const rules = values.policy === undefined ? undefined : await loadPolicyInForce(values.policy, pubs, true);
  const revocation =
    values.revocation === undefined ? undefined : await loadRevocation(values.revocation, pubs);
  const bundles: DecisionBundles = {
    trust: { value: trust.dcc, issuedAt: trust.issuedAt ?? given },
    shc: { value: shc, issuedAt: trust.issuedAt ?? given },
    ...(rules ? { rules: { value: rules.policy, issuedAt: rules.issuedAt ?? given } } : {}),
    ...(revocation ? { revocation } : {}),
    reference: dccReferenceOptions(),
  };
  const context = {
    now,
    purpose: 'door' as const,
    ...(values['venue-category'] === undefined ? {} : { venueCategory: values['venue-category'] }),
  };
  const decisions: Decision[] = [];
  for (const credential of credentialsIn(text)) decisions.push(await decide(credential, bundles, context));
  return {
    decisions,
    code: decisions.some(failed) ? 1 : 0,
    json: values.json === true,
    lang: values.lang ?? 'en',
  };
}

export const verify: Command = {
  summary: 'verify a credential offline and decide its verdict (EU DCC or SMART Health Card)',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(USAGE);
      return 0;
    }
    try {
      const { decisions, code, json, lang } = await verifyDecisions(argv);
      for (const d of decisions) console.log(json ? JSON.stringify(d) : formatDecision(d, lang));
      return code;
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
