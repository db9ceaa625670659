import { describe, expect, it } from 'vitest';
import { makeDsc } from '../../test/dcc-fixtures.ts';
import { DscTrustList } from '../dcc/trust-list.ts';
import { bytesToBase64 } from '../encoding/bytes.ts';
import { crlDocument, generateShcSigningKey, jwksDocument } from '../shc/issue.ts';
import { ShcTrustStore } from '../shc/trust.ts';
import { BUNDLE_KINDS, type TrustListContent } from './contents.ts';
import { bundleSigningKey, signBundle, verifyBundle } from './signed.ts';

describe('bundle contents', () => {
  it('a trust-list content loads into the DSC list and the SHC trust store', async () => {
    const dsc = await makeDsc();
    const shcKey = await generateShcSigningKey();
    const content: TrustListContent = {
      certificates: [
        {
          kid: bytesToBase64(dsc.kid),
          country: 'KR',
          certificateType: 'DSC',
          rawData: bytesToBase64(dsc.der),
        },
      ],
      shcDirectory: {
        issuerInfo: [
          {
            issuer: { iss: 'https://issuer.example', name: 'Example' },
            keys: jwksDocument([{ ...shcKey.publicJwk, crlVersion: 1 }]).keys,
            crls: [crlDocument(shcKey.kid, 1, [{ rid: 'abc' }])],
          },
        ],
      },
    };
    const trust = await DscTrustList.fromGatewayJson(content);
    expect(trust.entries.map((e) => e.country)).toEqual(['KR']);
    const store = ShcTrustStore.fromVciSnapshot(content.shcDirectory);
    expect(store.issuers.map((i) => [i.iss, i.name, i.keys.length, i.crls.length])).toEqual([
      ['https://issuer.example', 'Example', 1, 1],
    ]);
  });

  it('every kind signs and verifies as itself', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const key = await bundleSigningKey(pair.privateKey, pair.publicKey);
    for (const kind of BUNDLE_KINDS) {
      const bytes = await signBundle({ kind, version: 1, content: {} }, key);
      await expect(verifyBundle(bytes, [key.publicJwk], { kind })).resolves.toMatchObject({ kind });
    }
  });
});
