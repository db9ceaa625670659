/** `greenlight rules`: evaluate a pass policy, and sign and check rules bundles (docs/bundles.md). */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bundleDigest,
  bundleSigningKey,
  GreenlightError,
  jwkThumbprint,
  signBundle,
  verifyBundle,
} from '@greenlight/codec';
import {
  BUILTIN_POLICIES,
  evaluatePolicy,
  loadBuiltinPolicy,
  type Policy,
  type PolicyVerdict,
  type PublicationKeys,
  parsePolicy,
} from '@greenlight/rules';
import type { Command } from '../main.ts';
import { readJsonFile, UsageError } from '../support/usage.ts';

const USAGE = `Usage:
  greenlight rules eval --policy <${BUILTIN_POLICIES.join('|')}|FILE|DIR> --payload FILE [--at ISO8601]
                        [--venue-category NAME] [--issuer-country CC] [--lang ko|en] [--pub KEYS]... [--json]
  greenlight rules bundle --in DIR --key KEY.pem --out FILE [--version N] [--issued-at ISO8601]
  greenlight rules verify-bundle FILE --pub PUB.pem... [--json]

eval: evaluates an HCERT JSON payload (no signature involved; - reads stdin) against a policy: a built-in name,
  a policy JSON file, a policy folder (policy.json plus one file per rule), or a signed rules bundle (then --pub
  gives the publication keys), at --at (default: now). --issuer-country is the signing DSC's country (an
  exemption counts only when it is KR). Prints the verdict (pass, exempt, solo-only, warn, fail) and its reasons.
  Exit 0 for every verdict but fail (1); 2 for bad usage or a payload that is not an HCERT.
bundle: validates the policy folder and signs it as a rules bundle with a PKCS#8 EC P-256 PEM key; the version
  defaults to the issue time in seconds.
verify-bundle: checks a rules bundle's signature against SPKI PEM, JWK JSON or JWK-set public keys (the
  published /.well-known/greenlight/publication-keys.json), and its rules.
  Exit 0 when it is good, 1 when it is not, 2 for bad usage.`;

const readJson = (file: string, what: string) => readJsonFile(file, what, { dashIsStdin: true });

/** A policy folder: `policy.json` (country, value sets, venue categories) and one JSON file per rule. */
export function readPolicyFolder(dir: string): unknown {
  const settingsFile = join(dir, 'policy.json');
  if (!existsSync(settingsFile)) throw new UsageError(`${dir} has no policy.json`);
  const settings = readJson(settingsFile, 'the policy settings');
  const rules = readdirSync(dir)
    .filter((name) => name.endsWith('.json') && name !== 'policy.json')
    .sort()
    .map((name) => readJson(join(dir, name), 'the rule'));
  return { ...(settings as object), rules };
}

/** A publication public key as a JWK with its RFC 7638 thumbprint as kid, from SPKI PEM or a JWK JSON file. */
export async function readPublicationKey(file: string): Promise<PublicationKeys[number]> {
  const text = readFileSync(file, 'utf8');
  const key = text.includes('-----BEGIN')
    ? createPublicKey(text)
    : createPublicKey({ key: JSON.parse(text), format: 'jwk' });
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new UsageError(`${file} is not an EC P-256 public key`);
  const kid = await jwkThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y });
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid };
}

/** A bundle file's shape (a flattened JWS with a `payload`), as opposed to plain policy or trust-list JSON. */
export const isSignedBundleJson = (json: unknown): boolean =>
  typeof json === 'object' &&
  json !== null &&
  typeof (json as { payload?: unknown }).payload === 'string' &&
  !('rules' in json) &&
  !('certificates' in json);

/** The message for plain (unsigned) data given together with --pub: the keys ask for a signed bundle. */
export const refuseUnsigned = (file: string) =>
  `${file} is not a signed bundle, but --pub asks for one: refusing unsigned data (give the signed bundle, or drop --pub)`;

/** Publication keys from PEM, JWK or JWK-set (`/.well-known/greenlight/publication-keys.json`) files. */
export async function readPublicationKeys(files: string[]): Promise<PublicationKeys> {
  const perFile = files.map(async (file) => {
    const json = (() => {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as { keys?: unknown };
      } catch {
        return undefined;
      }
    })();
    if (!Array.isArray(json?.keys)) return [await readPublicationKey(file)];
    return json.keys.map((key, i) => {
      if (typeof key !== 'object' || key === null || typeof (key as { kid?: unknown }).kid !== 'string')
        throw new UsageError(`${file}: key ${i} of the key set has no kid`);
      return key as PublicationKeys[number];
    });
  });
  return (await Promise.all(perFile)).flat();
}

/** Verifies a bundle file; a bundle without a signature is refused with a clear message (exit 2). */
export async function verifyBundleFile<T>(
  file: string,
  pubs: string[],
  kind: 'rules' | 'trust-list' | 'revocation',
) {
  try {
    return await verifyBundle<T>(new Uint8Array(readFileSync(file)), await readPublicationKeys(pubs), {
      kind,
    });
  } catch (error) {
    if (error instanceof GreenlightError && error.code === 'ERR_BUNDLE_UNSIGNED')
      throw new UsageError(`${file} is a bundle without a signature: refused [ERR_BUNDLE_UNSIGNED]`);
    throw error;
  }
}

/**
 * The policy and its signed issuedAt (absent for a built-in policy or plain files). With `strict`, plain files
 * given together with --pub are refused: the keys ask for a signed bundle.
 */
export async function loadPolicyInForce(
  spec: string,
  pubs: string[],
  strict = false,
): Promise<{ policy: Policy; issuedAt?: string }> {
  if (BUILTIN_POLICIES.includes(spec)) return { policy: loadBuiltinPolicy(spec) };
  if (!existsSync(spec)) throw new UsageError(`--policy ${spec} is neither a built-in policy nor a file`);
  if (statSync(spec).isDirectory()) {
    if (strict && pubs.length > 0) throw new UsageError(refuseUnsigned(spec));
    return { policy: parsePolicy(readPolicyFolder(spec)) };
  }
  const json = readJson(spec, 'the policy');
  if (!isSignedBundleJson(json)) {
    if (strict && pubs.length > 0) throw new UsageError(refuseUnsigned(spec));
    return { policy: parsePolicy(json) };
  }
  if (pubs.length === 0)
    throw new UsageError(`${spec} is a signed bundle: give the publication keys with --pub`);
  const payload = await verifyBundleFile(spec, pubs, 'rules');
  return { policy: parsePolicy(payload.content), issuedAt: payload.issuedAt };
}

export async function loadPolicy(spec: string, pubs: string[]): Promise<Policy> {
  return (await loadPolicyInForce(spec, pubs)).policy;
}

/** The HCERT JSON; the dgc-testdata layout (`{"JSON": hcert, …}`) is unwrapped. */
function readPayload(file: string): unknown {
  const json = readJson(file, 'the payload');
  if (
    typeof json === 'object' &&
    json !== null &&
    'JSON' in json &&
    !('v' in json || 't' in json || 'r' in json)
  ) {
    return (json as { JSON: unknown }).JSON;
  }
  return json;
}

function parseTime(value: string | undefined, option: string): Date {
  const at = new Date(value ?? '');
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at.getTime())) {
    throw new UsageError(`${option} wants an ISO 8601 date-time, not ${value ?? 'nothing'}`);
  }
  return at;
}

export function formatVerdict(result: PolicyVerdict): string {
  const lines = [`${result.verdict.toUpperCase()} (${result.certificateType})`];
  for (const r of result.reasons) {
    const date = r.date ? ` [${r.date}]` : '';
    const error = r.error ? ` (${r.error})` : '';
    lines.push(`  ${r.code.padEnd(11)} ${r.rule ?? ''}${date}: ${r.description}${error}`);
  }
  return lines.join('\n');
}

async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      policy: { type: 'string' },
      payload: { type: 'string' },
      at: { type: 'string' },
      'venue-category': { type: 'string' },
      'issuer-country': { type: 'string' },
      lang: { type: 'string' },
      pub: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (!values.policy) throw new UsageError('--policy is required');
  const issuerCountry = values['issuer-country'];
  if (issuerCountry !== undefined && !/^[A-Z]{2}$/.test(issuerCountry))
    throw new UsageError(`--issuer-country wants an ISO 3166 code such as KR, not ${issuerCountry}`);
  if (!values.payload) throw new UsageError('--payload is required');
  const at = values.at === undefined ? new Date() : parseTime(values.at, '--at');
  const policy = await loadPolicy(values.policy, values.pub ?? []);
  const result = evaluatePolicy(policy, {
    payload: readPayload(values.payload),
    at,
    venueCategory: values['venue-category'],
    issuerCountry,
    lang: values.lang,
  });
  console.log(
    values.json
      ? JSON.stringify({ verdict: result.verdict, reasons: result.reasons })
      : formatVerdict(result),
  );
  return result.verdict === 'fail' ? 1 : 0;
}

async function bundleCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      in: { type: 'string' },
      key: { type: 'string' },
      out: { type: 'string' },
      version: { type: 'string' },
      'issued-at': { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (!values.in || !values.key || !values.out) throw new UsageError('--in, --key and --out are required');
  const policy = parsePolicy(readPolicyFolder(values.in));
  const issuedAt =
    values['issued-at'] === undefined ? new Date() : parseTime(values['issued-at'], '--issued-at');
  const version =
    values.version === undefined ? Math.floor(issuedAt.getTime() / 1000) : Number(values.version);
  if (!Number.isSafeInteger(version) || version < 1) throw new UsageError('--version is a positive integer');
  let privateJwk: JsonWebKey;
  try {
    privateJwk = createPrivateKey(readFileSync(values.key, 'utf8')).export({ format: 'jwk' }) as JsonWebKey;
  } catch (error) {
    throw new UsageError(`${values.key} is not a PKCS#8 PEM private key: ${(error as Error).message}`);
  }
  const key = await bundleSigningKey(privateJwk as Parameters<typeof bundleSigningKey>[0]);
  const bytes = await signBundle(
    { kind: 'rules', version, issuedAt: issuedAt.toISOString(), content: policy },
    key,
  );
  writeFileSync(values.out, bytes);
  console.log(
    `${values.out}: rules bundle version ${version}, ${policy.rules.length} rules (${policy.country}), ` +
      `key ${key.kid}, ETag "${await bundleDigest(bytes)}"`,
  );
  return 0;
}

async function verifyBundleCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { pub: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('give one bundle file');
  if (!values.pub?.length) throw new UsageError('--pub is required');
  const file = positionals[0] as string;
  const keys = await readPublicationKeys(values.pub);
  const bytes = new Uint8Array(readFileSync(file));
  try {
    const payload = await verifyBundle(bytes, keys, { kind: 'rules' });
    const policy = parsePolicy(payload.content);
    const summary = {
      valid: true,
      version: payload.version,
      issuedAt: payload.issuedAt,
      country: policy.country,
      rules: policy.rules.length,
      etag: await bundleDigest(bytes),
    };
    console.log(
      values.json
        ? JSON.stringify(summary)
        : `VALID ${basename(file)}: rules bundle version ${summary.version} issued ${summary.issuedAt}, ` +
            `${summary.rules} rules (${summary.country})`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof GreenlightError)) throw error;
    console.log(
      values.json
        ? JSON.stringify({ valid: false, code: error.code, message: error.message })
        : `INVALID ${basename(file)}: ${error.message} [${error.code}]`,
    );
    return 1;
  }
}

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  eval: evalCommand,
  bundle: bundleCommand,
  'verify-bundle': verifyBundleCommand,
};

export const rules: Command = {
  summary: 'evaluate a pass policy (CertLogic rules); sign and check rules bundles',
  async run(argv) {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h') {
      console.log(USAGE);
      return name === undefined ? 2 : 0;
    }
    const sub = SUBCOMMANDS[name];
    if (!sub) {
      console.error(`greenlight rules: unknown subcommand '${name}'\n${USAGE}`);
      return 2;
    }
    if (rest.includes('--help')) {
      console.log(USAGE);
      return 0;
    }
    try {
      return await sub(rest);
    } catch (error) {
      const known =
        error instanceof UsageError ||
        error instanceof GreenlightError ||
        error instanceof SyntaxError ||
        (error as NodeJS.ErrnoException).code !== undefined;
      if (!known) throw error;
      const code = error instanceof GreenlightError ? ` [${error.code}]` : '';
      console.error(`greenlight rules ${name}: ${(error as Error).message}${code}\n${USAGE}`);
      return 2;
    }
  },
};
