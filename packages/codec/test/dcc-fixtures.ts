/** Test fixtures: a self-signed DSC with a generated key, made at run time with @peculiar/x509. */
import 'reflect-metadata';
import { ExtendedKeyUsageExtension, X509CertificateGenerator } from '@peculiar/x509';
import type { CoseSigner } from '../src/cose/sign1.ts';
import { DscTrustList } from '../src/dcc/trust-list.ts';
import {
  exportDevicePublicKey,
  generateDeviceKey,
  hc1CoseBytes,
  signDeviceBinding,
} from '../src/presentation/glp1.ts';
import { computeKid } from '../src/x509/dsc.ts';

export const SAMPLE_HCERT = {
  ver: '1.3.0',
  nam: { fn: 'Kim', fnt: 'KIM', gn: 'Minji', gnt: 'MINJI' },
  dob: '1990-04-12',
  v: [
    {
      tg: '840539006',
      vp: '1119349007',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn: 3,
      sd: 2,
      dt: '2021-12-01',
      co: 'KR',
      is: 'Korea Disease Control and Prevention Agency',
      ci: 'URN:UVCI:01:KR:GREENLIGHT0001#X',
    },
  ],
};

export async function makeDsc(options: { alg?: 'ES256' | 'PS256'; ekus?: string[]; notAfter?: Date } = {}) {
  const alg = options.alg ?? 'ES256';
  const algorithm =
    alg === 'ES256'
      ? { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
      : {
          name: 'RSA-PSS',
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
          saltLength: 32,
        };
  const keys = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Greenlight Test DSC, C=KR',
    notBefore: new Date('2021-01-01T00:00:00Z'),
    notAfter: options.notAfter ?? new Date('2031-01-01T00:00:00Z'),
    keys,
    signingAlgorithm: algorithm,
    extensions: options.ekus ? [new ExtendedKeyUsageExtension(options.ekus)] : [],
  });
  const der = new Uint8Array(cert.rawData);
  const kid = await computeKid(der);
  const trust = await DscTrustList.fromCertificates([{ der, country: 'KR' }]);
  return { der, kid, trust, signer: { kid, alg, privateKey: keys.privateKey } as const };
}

/** A fresh device key and the DSC's binding of the HC1 to it, valid `from` to `until`: what a wallet holds. */
export async function bindDevice(signer: CoseSigner, hc1: string, validity: { from: Date; until: Date }) {
  const device = await generateDeviceKey();
  const binding = await signDeviceBinding(
    {
      coseBytes: hc1CoseBytes(hc1),
      devicePublicKey: await exportDevicePublicKey(device.publicKey),
      issuedAt: validity.from,
      expiresAt: validity.until,
    },
    signer,
  );
  return { device, binding };
}
