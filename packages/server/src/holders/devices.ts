/** Device registration: the phone's P-256 key, stored, and one device binding (docs/presentation.md) per DCC. */
import { base64ToBytes, bytesToBase64, hc1CoseBytes, signDeviceBinding } from '@greenlight/codec';
import type { Db } from '../db/types.ts';
import { ServerError } from '../errors.ts';
import type { KeyStore } from '../keys/store.ts';
import { certificatesOf } from './certificates.ts';

/**
 * Registers `publicKey` (base64url of an uncompressed P-256 point) for the holder and signs a binding for each
 * DCC of the holder and family with the DSC in force, valid a year at most. Returns `<personId>:dcc` → base64.
 * Throws ERR_DEVICE_KEY (400) for a key that is not a point.
 */
export async function registerDevice(
  db: Db,
  keys: KeyStore,
  personId: string,
  publicKey: string,
  now: Date,
): Promise<Record<string, string>> {
  const devicePublicKey = base64ToBytes(publicKey);
  if (devicePublicKey.length !== 65 || devicePublicKey[0] !== 4) {
    throw new ServerError('ERR_DEVICE_KEY', 'the device key is not an uncompressed P-256 point');
  }
  await db.query(
    `INSERT INTO holder_devices (person_id, public_key, registered_at) VALUES ($1, $2, $3)
     ON CONFLICT (person_id, public_key) DO NOTHING`,
    [personId, publicKey, now.toISOString()],
  );
  const dsc = await keys.signingDsc(now);
  const bindings: Record<string, string> = {};
  for (const row of await certificatesOf(db, personId)) {
    if (row.kind !== 'dcc') continue;
    const binding = await signDeviceBinding(
      {
        coseBytes: hc1CoseBytes(row.payload),
        devicePublicKey,
        issuedAt: now,
        expiresAt: new Date(Math.min(now.getTime() + 365 * 86_400_000, dsc.record.notAfter.getTime())),
      },
      { kid: dsc.kidBytes, alg: 'ES256', privateKey: dsc.privateKey },
    );
    bindings[`${row.person_id}:dcc`] = bytesToBase64(binding);
  }
  return bindings;
}
