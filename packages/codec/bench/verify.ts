/**
 * `npm run bench [-- --json]`: full HC1 and SMART Health Card verifications per second against raw WebCrypto
 * ES256 verifications, measured in the same run on one core (the npm script pins the process with taskset).
 */
import {
  decodeHc1,
  encodeHc1,
  generateShcSigningKey,
  jwksDocument,
  ShcTrustStore,
  signShc,
  verifyHc1,
  verifyShc,
} from '../src/index.ts';
import { makeDsc, SAMPLE_HCERT } from '../test/dcc-fixtures.ts';

const ROUND_MS = 1500;
const ROUNDS = 3;

/**
 * Verifications per second of wall time, and per second of this process's CPU time (all its threads, WebCrypto's
 * thread pool included): on a shared machine other processes take the core away, which the wall-clock rate feels
 * and the CPU-time rate does not.
 */
async function rate(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < 200; i++) await fn(); // warm-up
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let n = 0;
  while (performance.now() - start < ROUND_MS) {
    for (let i = 0; i < 50; i++) await fn();
    n += 50;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wall: (n * 1000) / (performance.now() - start), cpu: (n * 1e6) / (cpu.user + cpu.system) };
}

/** A two-dose card shaped like the spec's example 00, minimised as issuers must. */
const SHC_BUNDLE = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    {
      fullUrl: 'resource:0',
      resource: {
        resourceType: 'Patient',
        name: [{ family: 'Kim', given: ['Minjun'] }],
        birthDate: '1990-03-01',
      },
    },
    ...['2021-07-01', '2021-08-01'].map((date, i) => ({
      fullUrl: `resource:${i + 1}`,
      resource: {
        resourceType: 'Immunization',
        status: 'completed',
        vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '208' }] },
        patient: { reference: 'resource:0' },
        occurrenceDateTime: date,
        lotNumber: `LOT${i}`,
      },
    })),
  ],
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const json = process.argv.includes('--json');
  const dsc = await makeDsc({ alg: 'ES256' });
  const issuedAt = new Date('2022-01-10T00:00:00Z');
  const now = new Date('2022-06-01T00:00:00Z');
  const text = await encodeHc1(SAMPLE_HCERT, {
    signer: dsc.signer,
    issuer: 'KR',
    issuedAt,
    expiresAt: new Date('2023-01-10T00:00:00Z'),
  });
  // The raw baseline verifies the very same signature over the very same Sig_structure bytes.
  const { cose } = decodeHc1(text);
  const { cborEncode } = await import('../src/cbor/cbor.ts');
  const toBeSigned = new Uint8Array(
    cborEncode(['Signature1', cose.protectedBytes, new Uint8Array(0), cose.payload]),
  );
  const signature = new Uint8Array(cose.signature);
  const publicKey = dsc.trust.entries[0]!.publicKey;
  const first = await verifyHc1(text, dsc.trust, { now });
  if (first.verdict !== 'valid') throw new Error('benchmark vector does not verify');

  const shcKey = await generateShcSigningKey();
  const iss = 'https://greenlight.example/issuer';
  const jws = await signShc({ iss, nbf: issuedAt, fhirBundle: SHC_BUNDLE, rid: 'bench0001' }, shcKey);
  const shcTrust = new ShcTrustStore().addJwks(iss, jwksDocument([shcKey.publicJwk]));
  if ((await verifyShc(jws, shcTrust, { now })).verdict !== 'valid')
    throw new Error('SHC vector does not verify');

  const hc1: { wall: number; cpu: number }[] = [];
  const shc: { wall: number; cpu: number }[] = [];
  const raw: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    shc.push(await rate(() => verifyShc(jws, shcTrust, { now })));
    raw.push(
      await rate(() =>
        crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, signature, toBeSigned),
      ),
    );
    hc1.push(await rate(() => verifyHc1(text, dsc.trust, { now })));
  }
  const wall = (xs: { wall: number }[]) => median(xs.map((x) => x.wall));
  const cpu = (xs: { cpu: number }[]) => median(xs.map((x) => x.cpu));
  const result = {
    hc1_verify_per_s: Math.round(wall(hc1)),
    raw_es256_verify_per_s: Math.round(wall(raw)),
    ratio: Number((wall(hc1) / wall(raw)).toFixed(3)),
    shc_verify_per_s: Math.round(wall(shc)),
    shc_ratio: Number((wall(shc) / wall(raw)).toFixed(3)),
    // The same rounds per second of CPU time: the ratio to compare across runs on a busy machine.
    cpu_ratio: Number((cpu(hc1) / cpu(raw)).toFixed(3)),
    shc_cpu_ratio: Number((cpu(shc) / cpu(raw)).toFixed(3)),
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`HC1 full verification (prefix to verdict, ES256): ${result.hc1_verify_per_s}/s`);
    console.log(`raw WebCrypto ES256 verify (same key, same bytes): ${result.raw_es256_verify_per_s}/s`);
    console.log(`ratio: ${result.ratio} (target >= 0.75); per CPU second: ${result.cpu_ratio}`);
    console.log(
      `SHC full verification (JWS to verdict, ES256): ${result.shc_verify_per_s}/s (ratio ${result.shc_ratio})`,
    );
  }
}

await main();
