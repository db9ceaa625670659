/** HC1 (EU DCC): the decode chain, the offline verifier that reports every step, and the encoder. */
import { cborEncode, jsonToCbor } from '../cbor/cbor.ts';
import { zlibDeflate, zlibInflate } from '../compression/zlib.ts';
import {
  type CoseSign1,
  type CoseSigner,
  parseCoseSign1,
  signCoseSign1,
  verifyCoseSign1,
} from '../cose/sign1.ts';
import { type HcertClaims, parseHcertClaims } from '../cwt/claims.ts';
import { base45Decode, base45Encode } from '../encoding/base45.ts';
import { bytesToBase64, bytesToHex } from '../encoding/bytes.ts';
import { GreenlightError } from '../errors.ts';
import { failedStep, type VerificationReport, type VerificationStep } from '../report.ts';
import { type RevocationList, revocationHashes } from '../revocation/dcc.ts';
import { dscMaySign, type EkuPolicy } from '../x509/dsc.ts';
import { checkHcertEvents, checkHcertFields, type Hcert, hcertHolder, hcertType } from './hcert.ts';
import { type SchemaSet, validateHcertSchema } from './schema.ts';
import type { DscTrustList, TrustedDsc } from './trust-list.ts';
import { type ValueSets, valueSetProblems } from './valuesets.ts';

export const HC1_PREFIX = 'HC1:';

export interface DecodedHc1 {
  base45: string;
  compressed: Uint8Array;
  coseBytes: Uint8Array;
  cose: CoseSign1;
  claims: HcertClaims;
}

export function unprefixHc1(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith(HC1_PREFIX)) {
    throw new GreenlightError(
      'encoding',
      'ERR_HC1_PREFIX',
      'text does not start with the HC1: context prefix',
    );
  }
  return trimmed.slice(HC1_PREFIX.length);
}

/** Prefix → base45 → zlib → COSE → CWT, without any trust decision. Throws GreenlightError. */
export function decodeHc1(text: string): DecodedHc1 {
  const base45 = unprefixHc1(text);
  const compressed = base45Decode(base45);
  const coseBytes = zlibInflate(compressed);
  const cose = parseCoseSign1(coseBytes);
  const claims = parseHcertClaims(cose.payload);
  return { base45, compressed, coseBytes, cose, claims };
}

export interface VerifyHc1Options {
  /** The verification time; defaults to the current time. */
  now?: Date;
  /** Schemas by release; without them the schema step is reported as not run. */
  schemas?: SchemaSet;
  /** Whether a schema failure fails the verdict (default false: reported only). */
  schemaFailsVerdict?: boolean;
  /** Which extended key usages restrict a DSC (default `dcc-only`, the hcert spec's rule; see `dscMaySign`). */
  ekuPolicy?: EkuPolicy;
  /** Value sets; without them the value-set step is reported as not run. Never decisive. */
  valueSets?: ValueSets;
  /** Revocation data (from a verified revocation bundle); without it the step is reported as not run. */
  revocation?: RevocationList;
}

type Step = VerificationStep;

function stepRunner(steps: Step[]) {
  return <T>(name: string, fn: () => T): T | undefined => {
    try {
      const value = fn();
      steps.push({ name, ok: true });
      return value;
    } catch (error) {
      steps.push(failedStep(name, error));
      return undefined;
    }
  };
}

/** Verifies an HC1 text fully offline; never throws for bad input: failures are steps in the report. */
export function verifyHc1(
  text: string,
  trust: DscTrustList,
  options: VerifyHc1Options = {},
): Promise<VerificationReport> {
  const steps: Step[] = [];
  const run = stepRunner(steps);
  const base45 = run('UNPREFIX', () => unprefixHc1(text));
  const compressed = base45 === undefined ? undefined : run('B45DECODE', () => base45Decode(base45));
  const coseBytes = compressed === undefined ? undefined : run('COMPRESSION', () => zlibInflate(compressed));
  return verifyHcertCose(coseBytes, trust, options, steps);
}

/**
 * The HC1 chain from the COSE_Sign1 bytes on (`COSE` to `KEYUSAGE`), appended to `steps`. Shared by `verifyHc1`
 * and the presentation QR, which carries the certificate's COSE bytes. `undefined` bytes give the report of an
 * earlier failed step.
 */
export async function verifyHcertCose(
  coseBytes: Uint8Array | undefined,
  trust: DscTrustList,
  options: VerifyHc1Options,
  steps: Step[],
): Promise<VerificationReport> {
  const now = options.now ?? new Date();
  const report: VerificationReport = {
    format: 'hc1',
    verdict: 'invalid',
    steps,
    certificateType: 'unknown',
    times: { now: now.toISOString() },
  };
  const run = stepRunner(steps);
  const cose = coseBytes === undefined ? undefined : run('COSE', () => parseCoseSign1(coseBytes));
  // The first candidate's signature check starts before the claims are decoded: WebCrypto runs it off the main
  // thread, so decoding overlaps with it instead of adding to it. The report's step order stays the same.
  const kidText = cose?.kid ? bytesToBase64(cose.kid) : undefined;
  const candidates = kidText === undefined ? [] : trust.candidatesByKid(kidText);
  const firstCheck =
    cose && candidates[0]
      ? verifyCoseSign1(cose, candidates[0].publicKey).then(
          (ok) => ({ ok, error: undefined as unknown }),
          (error: unknown) => ({ ok: false, error }),
        )
      : undefined;
  const claims = cose === undefined ? undefined : run('DECODE', () => parseHcertClaims(cose.payload));
  if (!cose || !claims) return report;

  // Signature: try every trusted DSC with this kid.
  let signer: TrustedDsc | undefined;
  if (!cose.kid) {
    steps.push({
      name: 'VERIFY',
      ok: false,
      code: 'ERR_COSE_KID_MISSING',
      message: 'COSE headers carry no kid',
    });
  } else {
    report.signer = { kid: kidText! }; // set whenever cose.kid is
    if (claims.issuer) report.signer.issuer = claims.issuer;
    let lastError: unknown;
    for (let i = 0; i < candidates.length; i++) {
      const dsc = candidates[i]!;
      const check =
        i === 0 && firstCheck
          ? await firstCheck
          : await verifyCoseSign1(cose, dsc.publicKey).then(
              (ok) => ({ ok, error: undefined as unknown }),
              (error: unknown) => ({ ok: false, error }),
            );
      if (check.ok) {
        signer = dsc;
        break;
      }
      if (check.error !== undefined) lastError = check.error;
    }
    if (signer) {
      steps.push({ name: 'VERIFY', ok: true });
      if (signer.country) report.signer.country = signer.country;
    } else if (candidates.length === 0) {
      steps.push({
        name: 'VERIFY',
        ok: false,
        code: 'ERR_TRUST_UNKNOWN_KID',
        message: `no trusted DSC has kid ${bytesToHex(cose.kid)}`,
      });
    } else if (lastError !== undefined && candidates.length === 1) {
      steps.push(failedStep('VERIFY', lastError));
    } else {
      steps.push({
        name: 'VERIFY',
        ok: false,
        code: 'ERR_COSE_SIGNATURE',
        message: 'the signature does not verify',
      });
    }
  }

  const type = hcertType(claims.hcert);
  report.certificateType = type;
  report.holder = hcertHolder(claims.hcert);
  report.payload = claims.hcert;
  if (claims.issuedAt) report.times.issuedAt = claims.issuedAt.toISOString();
  if (claims.expiresAt) report.times.expiresAt = claims.expiresAt.toISOString();

  // Decisive, unlike the schema step: a verdict is never built on a payload whose event or field values a policy
  // would have to guess at. Checked once the signature check has settled, not while it is in flight: on one core
  // (the bench pins the process) main-thread work done during the pending WebCrypto job looked dearer than its own
  // length; the gain measured is small and within a shared machine's noise (README "Speed").
  run('EVENTS', () => checkHcertEvents(claims.hcert));
  run('FIELDS', () => checkHcertFields(claims.hcert));

  const schema = options.schemas ? validateHcertSchema(claims.hcert, options.schemas) : undefined;
  if (!schema) {
    steps.push({ name: 'SCHEMAVALIDATION', ok: null, message: 'no schemas supplied' });
  } else if (schema.ok) {
    steps.push({ name: 'SCHEMAVALIDATION', ok: true });
  } else {
    const message = `schema ${schema.version}: ${schema.errors.slice(0, 5).join('; ')}`;
    steps.push({ name: 'SCHEMAVALIDATION', ok: false, code: 'ERR_HCERT_SCHEMA', message });
  }

  if (!options.valueSets) {
    steps.push({ name: 'VALUESETS', ok: null, message: 'no value sets supplied' });
  } else {
    const problems = valueSetProblems(claims.hcert, options.valueSets);
    steps.push(
      problems.length === 0
        ? { name: 'VALUESETS', ok: true }
        : {
            name: 'VALUESETS',
            ok: null,
            warnings: problems.map((message) => ({ code: 'ERR_HCERT_VALUESET', message })),
          },
    );
  }

  const time = now.getTime();
  const { issuedAt, expiresAt } = claims;
  if (!expiresAt) {
    steps.push({ name: 'EXPIRATIONCHECK', ok: false, code: 'ERR_CWT_EXP_MISSING', message: 'no exp claim' });
  } else if (issuedAt && time < issuedAt.getTime()) {
    steps.push({
      name: 'EXPIRATIONCHECK',
      ok: false,
      code: 'ERR_CWT_NOT_YET_VALID',
      message: 'issued after now',
    });
  } else if (time > expiresAt.getTime()) {
    steps.push({
      name: 'EXPIRATIONCHECK',
      ok: false,
      code: 'ERR_CWT_EXPIRED',
      message: 'the certificate expired',
    });
  } else {
    steps.push({ name: 'EXPIRATIONCHECK', ok: true });
  }

  if (signer) {
    const inValidity = signer.notBefore.getTime() <= time && time <= signer.notAfter.getTime();
    steps.push(
      inValidity
        ? { name: 'DSCVALIDITY', ok: true }
        : { name: 'DSCVALIDITY', ok: false, code: 'ERR_X509_EXPIRED', message: 'the DSC is not valid now' },
    );
    if (type === 'vaccination' || type === 'test' || type === 'recovery') {
      steps.push(
        dscMaySign(signer, type, options.ekuPolicy)
          ? { name: 'KEYUSAGE', ok: true }
          : {
              name: 'KEYUSAGE',
              ok: false,
              code: 'ERR_X509_KEY_USAGE',
              message: `the DSC may not sign ${type}`,
            },
      );
    }
  }

  if (!options.revocation) {
    steps.push({ name: 'REVOCATION', ok: null, message: 'no revocation list supplied' });
  } else if (kidText !== undefined) {
    const hashes = await revocationHashes(claims.hcert, cose, claims.issuer);
    const check = options.revocation.check(kidText, hashes);
    steps.push(
      check.revoked
        ? {
            name: 'REVOCATION',
            ok: false,
            code: 'ERR_REVOCATION_REVOKED',
            message: `the certificate's ${check.hashType} hash is on the revocation list${check.probabilistic ? ' (Bloom filter match)' : ''}`,
          }
        : { name: 'REVOCATION', ok: true },
    );
  }

  let blocked = false;
  for (const s of steps) {
    if (s.ok === false && (s.name !== 'SCHEMAVALIDATION' || options.schemaFailsVerdict === true))
      blocked = true;
  }
  report.verdict = signer && !blocked ? 'valid' : 'invalid';
  return report;
}

export type Hc1Signer = CoseSigner;

export interface EncodeHc1Options {
  signer: CoseSigner;
  /** CWT `iss`: the issuing country. */
  issuer: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** HCERT JSON → CBOR → COSE_Sign1 → zlib → base45 → `HC1:`. */
export async function encodeHc1(hcert: Hcert, options: EncodeHc1Options): Promise<string> {
  const claims = new Map<number, unknown>([
    [1, options.issuer],
    [4, Math.floor(options.expiresAt.getTime() / 1000)],
    [6, Math.floor(options.issuedAt.getTime() / 1000)],
    [-260, new Map([[1, jsonToCbor(hcert)]])],
  ]);
  const cose = await signCoseSign1(cborEncode(claims), options.signer);
  return HC1_PREFIX + base45Encode(zlibDeflate(cose));
}
