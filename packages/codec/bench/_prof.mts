import { cborEncode } from '/work/main/packages/codec/src/cbor/cbor';
import { decodeHc1, encodeHc1, verifyHc1 } from '/work/main/packages/codec/src/index';
import { makeDsc, SAMPLE_HCERT } from '/work/main/packages/codec/test/dcc-fixtures';

const dsc = await makeDsc({ alg: 'ES256' });
const now = new Date('2022-06-01T00:00:00Z');
const text = await encodeHc1(SAMPLE_HCERT, {
  signer: dsc.signer,
  issuer: 'KR',
  issuedAt: new Date('2022-01-10T00:00:00Z'),
  expiresAt: new Date('2023-01-10T00:00:00Z'),
});
const { cose } = decodeHc1(text);
const tbs = new Uint8Array(cborEncode(['Signature1', cose.protectedBytes, new Uint8Array(0), cose.payload]));
const sig = new Uint8Array(cose.signature);
const key = dsc.trust.entries[0]!.publicKey;
function busy(us: number) {
  const e = performance.now() + us / 1000;
  while (performance.now() < e);
}
async function t(name: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 2000; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < 10000; i++) await fn();
  console.log(name, (((performance.now() - t0) / 10000) * 1000).toFixed(1), 'us');
}
for (let r = 0; r < 2; r++) {
  await t('raw', () => crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, tbs));
  await t('busy20', async () => busy(20));
  await t('busy20+raw', async () => {
    busy(20);
    return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, tbs);
  });
  await t('raw+busy20', async () => {
    const r = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, tbs);
    busy(20);
    return r;
  });
  await t('verifyHc1', () => verifyHc1(text, dsc.trust, { now }));
}
const orig = crypto.subtle.verify.bind(crypto.subtle);
(crypto.subtle as any).verify = () => Promise.resolve(true);
await t('verifyHc1-stub', () => verifyHc1(text, dsc.trust, { now }));
await t('decode-stub', async () => decodeHc1(text));
const t0 = performance.now();
for (let i = 0; i < 100000; i++) await verifyHc1(text, dsc.trust, { now });
console.log('long', (performance.now() - t0) / 100);
