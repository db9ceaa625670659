/** Private keys at rest: AES-256-GCM under a key derived (HKDF-SHA-256, per-key salt) from the key secret. */
import { ServerError } from '../errors.ts';

const VERSION = 1;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const INFO = new TextEncoder().encode('greenlight key store v1');

async function wrappingKey(secret: string, salt: Uint8Array): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: Uint8Array.from(salt), info: INFO },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** `aad` binds the ciphertext to its row (the key id): moved to another row, it no longer decrypts. */
export async function seal(plaintext: Uint8Array, secret: string, aad: string): Promise<Uint8Array> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await wrappingKey(secret, salt);
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(aad) },
      key,
      Uint8Array.from(plaintext),
    ),
  );
  const out = new Uint8Array(1 + SALT_BYTES + IV_BYTES + ciphertext.length);
  out[0] = VERSION;
  out.set(salt, 1);
  out.set(iv, 1 + SALT_BYTES);
  out.set(ciphertext, 1 + SALT_BYTES + IV_BYTES);
  return out;
}

export async function unseal(sealed: Uint8Array, secret: string, aad: string): Promise<Uint8Array> {
  if (sealed.length < 1 + SALT_BYTES + IV_BYTES + 16 || sealed[0] !== VERSION) {
    throw new ServerError('ERR_KEY_DECRYPT', 'a stored private key has an unknown format');
  }
  const salt = sealed.slice(1, 1 + SALT_BYTES);
  const iv = sealed.slice(1 + SALT_BYTES, 1 + SALT_BYTES + IV_BYTES);
  const key = await wrappingKey(secret, salt);
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(aad) },
        key,
        sealed.slice(1 + SALT_BYTES + IV_BYTES),
      ),
    );
  } catch (cause) {
    throw new ServerError(
      'ERR_KEY_DECRYPT',
      'a stored private key does not decrypt: wrong GREENLIGHT_KEY_SECRET or a tampered key row',
      { cause },
    );
  }
}
