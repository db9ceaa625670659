/** The authority's X.509 certificates: a self-signed CSCA and DSCs it signs with the DCC extended key usages. */
import 'reflect-metadata';
import { DCC_EKU } from '@greenlight/codec';
import * as x509 from '@peculiar/x509';

export const ES256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** The three DCC types (test, vaccination, recovery), in their registered (non-".0.") form. */
export const DCC_EXTENDED_KEY_USAGES = [DCC_EKU.test[0], DCC_EKU.vaccination[0], DCC_EKU.recovery[0]];

export async function generateEs256Pair(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ES256, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function serialNumber(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] as number) & 0x7f; // positive
  return Buffer.from(bytes).toString('hex');
}

export interface CscaInput {
  keys: CryptoKeyPair;
  country: string;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
}

export async function createCsca(input: CscaInput): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${input.commonName}, C=${input.country}`,
    notBefore: input.notBefore,
    notAfter: input.notAfter,
    keys: input.keys,
    signingAlgorithm: ES256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(input.keys.publicKey),
    ],
  });
}

export interface DscInput {
  publicKey: CryptoKey;
  csca: x509.X509Certificate;
  cscaPrivateKey: CryptoKey;
  country: string;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
}

export async function createDsc(input: DscInput): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${input.commonName}, C=${input.country}`,
    issuer: input.csca.subject,
    notBefore: input.notBefore,
    notAfter: input.notAfter,
    publicKey: input.publicKey,
    signingKey: input.cscaPrivateKey,
    signingAlgorithm: ES256,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(DCC_EXTENDED_KEY_USAGES),
      await x509.AuthorityKeyIdentifierExtension.create(input.csca),
      await x509.SubjectKeyIdentifierExtension.create(input.publicKey),
    ],
  });
}

export function parseCertificate(der: Uint8Array): x509.X509Certificate {
  return new x509.X509Certificate(Uint8Array.from(der));
}
