/** Document Signer Certificates: tolerant X.509 parsing for the facts a DCC verifier needs. */
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { ExtendedKeyUsageExtension, X509Certificate } from '@peculiar/x509';
import { exactBytes } from '../encoding/bytes.ts';
import { GreenlightError } from '../errors.ts';

/** Extended key usage OIDs of the DCC spec, in their official and their widely deployed (typo'd) arc. */
export const DCC_EKU = {
  test: ['1.3.6.1.4.1.1847.2021.1.1', '1.3.6.1.4.1.0.1847.2021.1.1'],
  vaccination: ['1.3.6.1.4.1.1847.2021.1.2', '1.3.6.1.4.1.0.1847.2021.1.2'],
  recovery: ['1.3.6.1.4.1.1847.2021.1.3', '1.3.6.1.4.1.0.1847.2021.1.3'],
} as const;

export interface Dsc {
  der: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** EKU OIDs; `undefined` when the extension is absent (or an empty sequence, as CO15 has). */
  extendedKeyUsages: string[] | undefined;
  subjectCountry: string | undefined;
  /** Imported for verification: ECDSA (P-256, P-384) or RSA-PSS. */
  publicKey: CryptoKey;
}

export async function parseDsc(der: Uint8Array): Promise<Dsc> {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(exactBytes(der));
  } catch (cause) {
    throw new GreenlightError('x509', 'ERR_X509_MALFORMED', 'the certificate is not parseable X.509 DER', {
      cause,
    });
  }
  let extendedKeyUsages: string[] | undefined;
  try {
    const eku = cert.getExtension(ExtendedKeyUsageExtension);
    if (eku && eku.usages.length > 0) extendedKeyUsages = eku.usages.map(String);
  } catch {
    // Real issuers shipped malformed EKUs (an empty SEQUENCE): read them as absent, as deployed verifiers did.
    extendedKeyUsages = undefined;
  }
  const country = /(?:^|,\s*)C=([A-Za-z]{2})/.exec(cert.subject)?.[1]?.toUpperCase();
  const spki = exactBytes(new Uint8Array(cert.publicKey.rawData));
  const algorithm = cert.publicKey.algorithm as Algorithm & { namedCurve?: string };
  let publicKey: CryptoKey;
  try {
    if (algorithm.name === 'ECDSA' || algorithm.name === 'ECDH' || algorithm.namedCurve) {
      publicKey = await crypto.subtle.importKey(
        'spki',
        spki,
        { name: 'ECDSA', namedCurve: algorithm.namedCurve ?? 'P-256' },
        true,
        ['verify'],
      );
    } else {
      publicKey = await crypto.subtle.importKey('spki', spki, { name: 'RSA-PSS', hash: 'SHA-256' }, true, [
        'verify',
      ]);
    }
  } catch (cause) {
    throw new GreenlightError(
      'x509',
      'ERR_X509_KEY_UNSUPPORTED',
      `unsupported DSC public key (${algorithm.name})`,
      {
        cause,
      },
    );
  }
  return {
    der,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    extendedKeyUsages,
    subjectCountry: country,
    publicKey,
  };
}

export type EkuPolicy = 'dcc-only' | 'strict';

const ALL_DCC_EKU = new Set<string>([...DCC_EKU.test, ...DCC_EKU.vaccination, ...DCC_EKU.recovery]);

/**
 * May this DSC sign this certificate type? hcert spec, Appendix A "Trust management", "Key Usage Policy
 * Identifiers": a DSC MAY carry the DCC extended key usages (…1847.2021.1.1 test, .1.2 vaccination, .1.3 recovery,
 * official or `.0.` arc); "if none of these OIDs are present the document shall be considered valid for all three".
 * - `dcc-only` (default): only the DCC OIDs restrict. An EKU extension that lists other purposes only (TLS client
 *   authentication, e-mail protection, as Spain's DSCs carry) or none at all leaves every type allowed.
 * - `strict`: an EKU extension that is present must list the type's OID. This is the reading of one disputed
 *   suite file (IS/3), which refuses every Spanish DSC; kept to compare with that file.
 */
export function dscMaySign(
  dsc: Dsc,
  type: 'vaccination' | 'test' | 'recovery',
  policy: EkuPolicy = 'dcc-only',
): boolean {
  const usages = dsc.extendedKeyUsages;
  if (!usages) return true;
  if (policy === 'dcc-only' && !usages.some((oid) => ALL_DCC_EKU.has(oid))) return true;
  return usages.some((oid) => (DCC_EKU[type] as readonly string[]).includes(oid));
}

export async function computeKid(der: Uint8Array): Promise<Uint8Array> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', exactBytes(der)));
  return digest.slice(0, 8);
}
