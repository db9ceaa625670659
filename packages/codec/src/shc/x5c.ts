/** SHC issuer keys that carry an X.509 chain (`x5c`): leaf binds the key to `iss`, chain valid at the verification time. */
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { SubjectAlternativeNameExtension, X509Certificate } from '@peculiar/x509';
import { base64ToBytes, bytesEqual, exactBytes } from '../encoding/bytes.ts';
import { GreenlightError, type ShcErrorCode } from '../errors.ts';
import type { ShcJwk } from './trust.ts';

const fail = (code: ShcErrorCode, message: string, cause?: unknown): never => {
  throw new GreenlightError('shc', code, message, cause === undefined ? undefined : { cause });
};

/**
 * Checks the `x5c` chain of an issuer key: every certificate parses and is valid at `now`, each is signed by the
 * next, the leaf's public key is the JWK's, and the leaf names `iss` as a SAN URI. With `roots` (DER), the chain
 * must also end at one of them; without, trust in the key comes from the directory or JWKS that listed it, and
 * this check only refuses chains that contradict it. Throws ERR_SHC_X5C_*.
 */
export async function checkX5c(
  jwk: ShcJwk,
  iss: string,
  now: Date,
  roots: readonly Uint8Array[] = [],
): Promise<void> {
  const chain = jwk.x5c ?? [];
  if (!Array.isArray(chain) || chain.length === 0) fail('ERR_SHC_X5C_FORMAT', 'the key has an empty x5c');
  const certs = chain.map((b64, i) => {
    try {
      return new X509Certificate(exactBytes(base64ToBytes(b64)));
    } catch (cause) {
      return fail('ERR_SHC_X5C_FORMAT', `x5c[${i}] is not a base64 DER certificate`, cause);
    }
  });
  for (const [i, cert] of certs.entries()) {
    if (now < cert.notBefore || now > cert.notAfter) {
      fail(
        'ERR_SHC_X5C_EXPIRED',
        `x5c[${i}] (${cert.subject}) is valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}, not at ${now.toISOString()}`,
      );
    }
    const issuer = certs[i + 1] ?? (cert.subject === cert.issuer ? cert : undefined);
    if (!issuer) continue;
    const ok = await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }).catch(() => false);
    if (!ok) fail('ERR_SHC_X5C_CHAIN', `x5c[${i}] is not signed by the next certificate in the chain`);
  }

  const leaf = certs[0] as X509Certificate;
  const leafKey = await crypto.subtle.exportKey('jwk', await leaf.publicKey.export());
  if (leafKey.x !== jwk.x || leafKey.y !== jwk.y) {
    fail('ERR_SHC_X5C_KEY', 'the x5c leaf certificate holds a different public key than the JWK');
  }
  const san = leaf.getExtension(SubjectAlternativeNameExtension);
  const uris = san?.names.items.filter((n) => n.type === 'url').map((n) => n.value) ?? [];
  if (!uris.includes(iss)) {
    fail(
      'ERR_SHC_X5C_SAN',
      `the leaf certificate names ${uris.join(', ') || 'no URI'}, not the issuer ${iss}`,
    );
  }

  if (roots.length > 0) {
    const last = certs[certs.length - 1] as X509Certificate;
    const lastDer = new Uint8Array(last.rawData);
    let anchored = false;
    for (const der of roots) {
      if (bytesEqual(der, lastDer)) anchored = true;
      else {
        const root = new X509Certificate(exactBytes(der));
        if (root.subject === last.issuer)
          anchored ||= await last
            .verify({ publicKey: root.publicKey, signatureOnly: true })
            .catch(() => false);
      }
      if (anchored) break;
    }
    if (!anchored) fail('ERR_SHC_X5C_UNTRUSTED', 'the x5c chain does not end at a trusted root');
  }
}
