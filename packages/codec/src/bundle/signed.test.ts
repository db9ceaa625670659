import { describe, expect, it } from 'vitest';
import { base64urlToBytes, bytesToBase64url } from '../encoding/base64url.ts';
import { BundleSlot, bundleDigest, bundleSigningKey, signBundle, verifyBundle } from './signed.ts';

async function newKey() {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return bundleSigningKey(pair.privateKey, pair.publicKey);
}

const edit = (bytes: Uint8Array, change: (jws: Record<string, string>) => void) => {
  const jws = JSON.parse(new TextDecoder().decode(bytes));
  change(jws);
  return new TextEncoder().encode(JSON.stringify(jws));
};

describe('signed bundles', () => {
  it('round-trips, and has a stable strong ETag', async () => {
    const key = await newKey();
    const bytes = await signBundle({ kind: 'rules', version: 3, content: { rules: [1, 2] } }, key);
    const payload = await verifyBundle(bytes, [key.publicJwk], { kind: 'rules' });
    expect(payload).toMatchObject({ kind: 'rules', version: 3, content: { rules: [1, 2] } });
    expect(await bundleDigest(bytes)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await bundleDigest(bytes)).toBe(await bundleDigest(bytes.slice()));
  });

  it('refuses tampered, unsigned, foreign-key, wrong-kind and rolled-back bundles with typed errors', async () => {
    const key = await newKey();
    const other = await newKey();
    const bytes = await signBundle({ kind: 'rules', version: 3, content: { rules: [] } }, key);
    const tampered = edit(bytes, (jws) => {
      const body = JSON.parse(new TextDecoder().decode(base64urlToBytes(jws.payload as string)));
      body.content.rules = ['allow everyone'];
      jws.payload = bytesToBase64url(new TextEncoder().encode(JSON.stringify(body)));
    });
    const unsigned = edit(bytes, (jws) => {
      delete jws.signature;
    });
    const cases: [Uint8Array, string, Parameters<typeof verifyBundle>[2]?][] = [
      [tampered, 'ERR_BUNDLE_SIGNATURE'],
      [unsigned, 'ERR_BUNDLE_UNSIGNED'],
      [new TextEncoder().encode('{"rules": []}'), 'ERR_BUNDLE_FORMAT'],
      [new Uint8Array([0xff, 0xfe]), 'ERR_BUNDLE_FORMAT'],
      [bytes, 'ERR_BUNDLE_KIND', { kind: 'revocation' }],
      [bytes, 'ERR_BUNDLE_ROLLBACK', { kind: 'rules', notOlderThan: 3 }],
    ];
    for (const [input, code, options] of cases) {
      await expect(verifyBundle(input, [key.publicJwk], options ?? { kind: 'rules' })).rejects.toMatchObject({
        code,
      });
    }
    await expect(verifyBundle(bytes, [other.publicJwk], { kind: 'rules' })).rejects.toMatchObject({
      code: 'ERR_BUNDLE_UNKNOWN_KEY',
    });
  });

  it('a slot keeps the previous good bundle when a new one is bad', async () => {
    const key = await newKey();
    const slot = new BundleSlot('rules', [key.publicJwk], (content) => {
      const rules = (content as { rules?: unknown }).rules;
      if (!Array.isArray(rules)) throw new Error('no rules');
      return rules;
    });
    expect(
      await slot.offer(await signBundle({ kind: 'rules', version: 1, content: { rules: ['a'] } }, key)),
    ).toEqual({
      accepted: true,
    });
    const bad = await slot.offer(
      await signBundle({ kind: 'rules', version: 2, content: { nope: true } }, key),
    );
    expect(bad).toMatchObject({ accepted: false, error: { code: 'ERR_BUNDLE_CONTENT' } });
    const older = await slot.offer(
      await signBundle({ kind: 'rules', version: 1, content: { rules: ['b'] } }, key),
    );
    expect(older).toMatchObject({ accepted: false, error: { code: 'ERR_BUNDLE_ROLLBACK' } });
    expect(slot.current).toMatchObject({ version: 1, value: ['a'] });
  });
});
