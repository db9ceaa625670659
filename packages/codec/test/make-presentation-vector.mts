/**
 * Writes docs/vectors/presentation-v1.json: a DSC, a certificate, a device binding and a presentation drawn at a
 * fixed time. ECDSA signatures are randomised, so re-running gives a different (equally valid) vector; the
 * committed one is what `glp1.test.ts` checks. Run: `node --conditions=source --import tsx packages/codec/test/make-presentation-vector.mts`.
 */
import { writeFileSync } from 'node:fs';
import { encodeHc1 } from '../src/dcc/hc1.ts';
import { bytesToBase64, bytesToHex } from '../src/encoding/bytes.ts';
import {
  createPresentation,
  exportDevicePublicKey,
  hc1CoseBytes,
  signDeviceBinding,
} from '../src/presentation/glp1.ts';
import { makeDsc, SAMPLE_HCERT } from './dcc-fixtures.ts';

const dsc = await makeDsc();
const hc1 = await encodeHc1(SAMPLE_HCERT, {
  signer: dsc.signer,
  issuer: 'KR',
  issuedAt: new Date('2022-01-01T00:00:00Z'),
  expiresAt: new Date('2023-01-01T00:00:00Z'),
});
const device = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
  'sign',
  'verify',
])) as CryptoKeyPair;
const devicePublicKey = await exportDevicePublicKey(device.publicKey);
const binding = await signDeviceBinding(
  {
    coseBytes: hc1CoseBytes(hc1),
    devicePublicKey,
    issuedAt: new Date('2022-01-02T00:00:00Z'),
    expiresAt: new Date('2023-01-01T00:00:00Z'),
  },
  dsc.signer,
);
const now = new Date('2022-06-01T03:00:07Z');
const token = new Uint8Array(16).map((_, i) => i);
const presentation = await createPresentation({
  certificate: hc1,
  binding,
  deviceKey: device.privateKey,
  now,
  token,
});
const vector = {
  description: 'GLP1 presentation test vector (docs/presentation.md); valid from 03:00:00Z to 03:00:29Z',
  dscDerBase64: bytesToBase64(dsc.der),
  hc1,
  devicePublicKeyHex: bytesToHex(devicePublicKey),
  bindingHex: bytesToHex(binding),
  tokenHex: bytesToHex(token),
  drawnAt: now.toISOString(),
  slot: Math.floor(now.getTime() / 15000),
  presentation,
  validAt: ['2022-06-01T02:59:45Z', '2022-06-01T03:00:00Z', '2022-06-01T03:00:29Z'],
  staleAt: ['2022-06-01T02:59:44Z', '2022-06-01T03:00:30Z'],
};
writeFileSync(
  new URL('../../../docs/vectors/presentation-v1.json', import.meta.url),
  `${JSON.stringify(vector, null, 2)}\n`,
);
console.log(presentation.length, 'characters');
