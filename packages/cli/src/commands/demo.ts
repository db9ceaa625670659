/** `greenlight demo`: signs a demo certificate with a fresh key and verifies it offline, as a smoke test. */
import 'reflect-metadata';
import { computeKid, DscTrustList, encodeHc1, verifyHc1 } from '@greenlight/codec';
import { dccReferenceOptions } from '@greenlight/codec/node';
import { X509CertificateGenerator } from '@peculiar/x509';
import type { Command } from '../main.ts';
import { formatReport } from './verify.ts';

const DEMO_HCERT = {
  ver: '1.3.0',
  nam: { fn: 'Hong', fnt: 'HONG', gn: 'Gildong', gnt: 'GILDONG' },
  dob: '1985-03-01',
  v: [
    {
      tg: '840539006',
      vp: '1119349007',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn: 3,
      sd: 2,
      dt: '2021-12-20',
      co: 'KR',
      is: 'Greenlight demo authority',
      ci: 'URN:UVCI:01:KR:DEMO0000000001#7',
    },
  ],
};

export const demo: Command = {
  summary: 'sign a demo certificate with a fresh key and verify it offline',
  async run() {
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = new Date();
    const cert = await X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=Greenlight Demo DSC, C=KR',
      notBefore: new Date(now.getTime() - 86_400_000),
      notAfter: new Date(now.getTime() + 365 * 86_400_000),
      keys,
      signingAlgorithm: algorithm,
    });
    const der = new Uint8Array(cert.rawData);
    const text = await encodeHc1(DEMO_HCERT, {
      signer: { kid: await computeKid(der), alg: 'ES256', privateKey: keys.privateKey },
      issuer: 'KR',
      issuedAt: now,
      expiresAt: new Date(now.getTime() + 180 * 86_400_000),
    });
    const trust = await DscTrustList.fromCertificates([{ der, country: 'KR' }]);
    const report = await verifyHc1(text, trust, { now, ...dccReferenceOptions() });
    console.log(`Demo certificate (HC1, signed just now by a throw-away DSC):\n${text}\n`);
    console.log(`Its DSC (base64 DER), for \`greenlight verify <HC1> --dsc <DSC>\`:
${cert.toString('base64')}
`);
    console.log(formatReport(report));
    return report.verdict === 'valid' ? 0 : 1;
  },
};
