/**
 * How often Greenlight's SMART Health Card reader and `decide()` give the venue verdict (accept or refuse) that the
 * SMART Health Cards validation SDK's own tests imply for its test data. A measurement, not a CI test: the SDK's
 * data is not ours to copy, so it is read from a folder outside the repository.
 *
 *   GREENLIGHT_SHC_SDK_DATA=/path/to/folder node --conditions=source --import tsx scripts/shc-sdk-conformance.mts [--json]
 *
 * The folder holds `manifest.json` (`cases[]`: `test`, `files`, `type`, `expected` accept|refuse, `trust`, optional
 * `measurable: false` with `why`), the SDK's files under the paths the manifest names, and the spec's example issuer
 * under `issuer/` (`.well-known/jwks.json`, `.well-known/crl/<kid>.json`, `issuer.jwks.private.json`).
 *
 * Each measurable case is reduced to the text a scanner would read and given to `decide()` at the SDK's validation
 * time. Forms that are not a signed card are signed the way their issuer would have: a JWS payload (`jwspayload`) is
 * raw-DEFLATEd byte for byte and signed with the spec issuer's example key, a FHIR bundle (`fhirbundle`) is wrapped
 * in the spec's claims first; the issuer named in the payload is then trusted with that key. SVG QR images are
 * rasterised and read with the codec's QR reader. A case counts as refused when the decision fails on a technical
 * step (the policy's own verdict on the vaccination is not what the SDK judges).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  HEALTH_CARD_TYPE,
  RevocationList,
  readQrSymbols,
  ShcTrustStore,
  shcSigningKeyFromJwk,
  svgToPng,
  verifyShcText,
} from '@greenlight/codec';
import { configureNodeQr } from '@greenlight/codec/node';
import { type DecisionReasonCode, decide, krPolicy } from '@greenlight/rules';
import { deflateSync } from 'fflate';
import { CompactSign } from 'jose';

interface Case {
  test: string;
  source: string;
  files: string[];
  type: string;
  expected: 'accept' | 'refuse';
  sdk: string;
  trust?: string;
  measurable?: boolean;
  why?: string;
  note?: string;
}
interface Manifest {
  validationTime: string;
  specIssuer: string;
  olderSpecIssuers: string[];
  cases: Case[];
}

/** Reasons that mean the credential itself was refused, whatever the policy would say. */
const TECHNICAL_REFUSALS = new Set<DecisionReasonCode>([
  'FORMAT_UNKNOWN',
  'TECHNICAL_FAILED',
  'REVOKED',
  'EVENTS_INVALID',
  'FIELD_INVALID',
]);

const dataDir = process.env.GREENLIGHT_SHC_SDK_DATA;
if (!dataDir || !existsSync(join(dataDir, 'manifest.json'))) {
  console.log(
    'GREENLIGHT_SHC_SDK_DATA is not set or holds no manifest.json: nothing to measure (see the comment at the top of this script).',
  );
  process.exit(0);
}
const dir = dataDir;
const json = process.argv.includes('--json');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
const now = new Date(manifest.validationTime);
const text = (file: string) => readFileSync(join(dir, file), 'utf8');

configureNodeQr();
const specJwks = JSON.parse(text('issuer/.well-known/jwks.json'));
const specCrl = JSON.parse(text('issuer/.well-known/crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json'));
const privateJwks = JSON.parse(text('issuer/issuer.jwks.private.json')) as { keys: { kid: string }[] };
const signingKey = await shcSigningKeyFromJwk(privateJwks.keys[0] as never);

/**
 * The issuers the SDK's test run trusts, as a Greenlight trust store. `spec`: the spec's example JWKS and CRL, under
 * the spec issuer and under the older issuer URL that the SDK's earlier test files carry (the SDK holds the example
 * keys by kid, whatever the URL); `own-iss`: the same key under the issuer a signed payload names; `badcrl/<name>`:
 * that folder's JWKS and CRL under the card's own issuer (each folder was its own issuer); `none`: nothing.
 */
function trustFor(c: Case, cardIss: string | undefined): ShcTrustStore {
  const store = new ShcTrustStore();
  if (c.trust === 'none') return store;
  if (c.trust?.startsWith('badcrl/')) {
    const folder = `testdata/${c.trust}/.well-known`;
    const jwks = JSON.parse(text(`${folder}/jwks.json`));
    if (!cardIss) return store;
    return store
      .addJwks(cardIss, jwks)
      .addCrl(cardIss, JSON.parse(text(`${folder}/crl/${jwks.keys[0].kid}.json`)));
  }
  const issuers =
    c.trust === 'own-iss' && cardIss ? [cardIss] : [manifest.specIssuer, ...manifest.olderSpecIssuers];
  for (const iss of issuers) store.addJwks(iss, specJwks).addCrl(iss, specCrl);
  return store;
}

/** The `iss` of the first card in the text, read by the verifier itself with no issuer trusted. */
async function cardIssuer(credential: string): Promise<string | undefined> {
  const [report] = await verifyShcText(credential, new ShcTrustStore(), { now });
  return report?.signer?.issuer;
}

/** Signs payload bytes exactly as given (raw DEFLATE, the spec's header) with the spec issuer's example key. */
async function signPayloadBytes(bytes: Uint8Array): Promise<string> {
  return new CompactSign(deflateSync(bytes))
    .setProtectedHeader({ zip: 'DEF', alg: 'ES256', kid: signingKey.kid })
    .sign(signingKey.privateKey);
}

function issOf(payloadText: string): string | undefined {
  try {
    const iss = (JSON.parse(payloadText) as { iss?: unknown }).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** The text a scanner would read for this case, and the issuer its trust store must hold. */
async function credentialOf(c: Case): Promise<{ credential: string; payloadIss?: string }> {
  switch (c.type) {
    case 'jws':
    case 'healthcard':
      return { credential: text(c.files[0]!) };
    case 'qrnumeric':
      return { credential: c.files.map(text).join('\n') };
    case 'qr':
    case 'qr-png': {
      const lines: string[] = [];
      for (const file of c.files) {
        const png = await svgToPng(readFileSync(join(dir, file)));
        for (const symbol of await readQrSymbols(png)) lines.push(symbol.text);
      }
      return { credential: lines.join('\n') };
    }
    case 'jwspayload': {
      const payload = text(c.files[0]!);
      return {
        credential: await signPayloadBytes(new TextEncoder().encode(payload)),
        payloadIss: issOf(payload),
      };
    }
    case 'fhirbundle': {
      const claims = {
        iss: manifest.specIssuer,
        nbf: Math.floor(now.getTime() / 1000) - 86_400,
        vc: {
          type: [HEALTH_CARD_TYPE],
          credentialSubject: { fhirVersion: '4.0.1', fhirBundle: JSON.parse(text(c.files[0]!)) },
        },
      };
      return {
        credential: await signPayloadBytes(new TextEncoder().encode(JSON.stringify(claims))),
        payloadIss: manifest.specIssuer,
      };
    }
    default:
      throw new Error(`no reader for case type ${c.type}`);
  }
}

interface Row {
  test: string;
  expected: string;
  got: string;
  agrees: boolean;
  verdict: string;
  codes: string[];
  warnings: string[];
  sdk: string;
}

const bundles = (shc: ShcTrustStore) => ({
  shc: { value: shc, issuedAt: now.toISOString() },
  rules: { value: krPolicy, issuedAt: now.toISOString() },
  revocation: { value: RevocationList.fromContent({ partitions: [] }), issuedAt: now.toISOString() },
});

const rows: Row[] = [];
const notMeasurable: Case[] = [];
for (const c of manifest.cases) {
  if (c.measurable === false) {
    notMeasurable.push(c);
    continue;
  }
  let row: Row;
  try {
    const { credential, payloadIss } = await credentialOf(c);
    const trust = trustFor(c, payloadIss ?? (await cardIssuer(credential)));
    const decision = await decide(credential, bundles(trust), { now, purpose: 'door' });
    const refused = decision.reasons.some((r) => TECHNICAL_REFUSALS.has(r.code));
    const reports = await verifyShcText(credential, trust, { now });
    const got = refused ? 'refuse' : 'accept';
    row = {
      test: c.test,
      expected: c.expected,
      got,
      agrees: got === c.expected,
      verdict: decision.verdict,
      codes: [
        ...new Set(
          reports.flatMap((r) => r.steps.filter((s) => s.ok === false).map((s) => s.code ?? s.name)),
        ),
      ],
      warnings: [
        ...new Set(reports.flatMap((r) => r.steps.flatMap((s) => (s.warnings ?? []).map((w) => w.code)))),
      ],
      sdk: c.sdk,
    };
  } catch (error) {
    // Reading the case failed before the reader saw it (e.g. an image without a QR): a refusal.
    row = {
      test: c.test,
      expected: c.expected,
      got: 'refuse',
      agrees: c.expected === 'refuse',
      verdict: 'fail',
      codes: [String((error as { code?: string }).code ?? error)],
      warnings: [],
      sdk: c.sdk,
    };
  }
  rows.push(row);
}

const agree = rows.filter((r) => r.agrees).length;
const all = rows.length + notMeasurable.length;
const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)} %`);
if (json) {
  console.log(
    JSON.stringify(
      {
        agree,
        measured: rows.length,
        notMeasurable: notMeasurable.length,
        all,
        rows,
        notMeasurableCases: notMeasurable,
      },
      null,
      1,
    ),
  );
} else {
  for (const r of rows) {
    console.log(
      `${r.agrees ? 'agree   ' : 'DISAGREE'} ${r.test}: SDK implies ${r.expected} (${r.sdk}); Greenlight ${r.got} (${r.verdict}${r.codes.length ? `; ${r.codes.join(', ')}` : ''}${r.warnings.length ? `; warnings ${r.warnings.join(', ')}` : ''})`,
    );
  }
  for (const c of notMeasurable) console.log(`not measured ${c.test}: ${c.why}`);
  console.log(
    `\nagreement: ${agree} / ${rows.length} measurable cases (${pct(agree, rows.length)}); counting the ${notMeasurable.length} cases not measured as misses: ${agree} / ${all} (${pct(agree, all)})`,
  );
}
