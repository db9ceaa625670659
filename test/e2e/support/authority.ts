/**
 * A stand-in for the authority, for browser tests and the scanner benchmark that need signed bundles and
 * certificates but not the whole server: a DSC, the three signed bundles, a venue device, and a check-in endpoint
 * that records what it receives. The real server is exercised by test/e2e/door.test.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  bundleDigest,
  bundleSigningKey,
  bytesToBase64,
  createPresentation,
  encodeHc1,
  type Hc1Signer,
  signBundle,
} from '@greenlight/codec';
import { krPolicy } from '@greenlight/rules';
import { bindDevice, makeDsc, SAMPLE_HCERT } from '../../../packages/codec/test/dcc-fixtures';
import { bodyOf, json } from './browser';

export const DEVICE_CREDENTIAL = '0123456789abcdef.secret';
export const VENUE = { id: 'venue-0001', name: '김밥천국 시청점', category: 'restaurant' };

export interface Upload {
  eventId: string;
  token?: string;
  method: string;
  venueId?: string;
}

export interface FakeAuthority {
  /** Answers the authority's routes; false for anything else (the static apps). */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  uploads: Upload[];
  /** A paper HC1 (booster), the same person with an incomplete series, and presentation QRs of the booster. */
  hc1: string;
  incomplete: string;
  presentation(now?: Date): Promise<string>;
}

/** An HC1 issued by KR yesterday, valid for a year. */
export function signKrHc1(signer: Hc1Signer, hcert: Record<string, unknown>): Promise<string> {
  return encodeHc1(hcert, {
    signer,
    issuer: 'KR',
    issuedAt: new Date(Date.now() - 86400_000),
    expiresAt: new Date(Date.now() + 365 * 86400_000),
  });
}

export async function fakeAuthority(): Promise<FakeAuthority> {
  const dsc = await makeDsc();
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const publication = await bundleSigningKey(pair.privateKey, pair.publicKey);
  const keysJson = JSON.stringify({ keys: [publication.publicJwk] });
  const trust = {
    certificates: [{ kid: bytesToBase64(dsc.kid), country: 'KR', rawData: bytesToBase64(dsc.der) }],
  };
  const bundles = new Map<string, Uint8Array>([
    ['trust-list', await signBundle({ kind: 'trust-list', version: 1, content: trust }, publication)],
    ['rules', await signBundle({ kind: 'rules', version: 1, content: krPolicy }, publication)],
    [
      'revocation',
      await signBundle({ kind: 'revocation', version: 1, content: { partitions: [] } }, publication),
    ],
  ]);

  const sign = (hcert: Record<string, unknown>) => signKrHc1(dsc.signer, hcert);
  const hc1 = await sign(SAMPLE_HCERT);
  const dose = SAMPLE_HCERT.v[0] as Record<string, unknown>;
  const incomplete = await sign({ ...SAMPLE_HCERT, dob: '1970-01-01', v: [{ ...dose, dn: 1, sd: 2 }] });
  const { device, binding } = await bindDevice(dsc.signer, hc1, {
    from: new Date(Date.now() - 3600_000),
    until: new Date(Date.now() + 30 * 86400_000),
  });
  const token = crypto.getRandomValues(new Uint8Array(16));
  const uploads: Upload[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === '/.well-known/greenlight/publication-keys.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(keysJson);
      return true;
    }
    const bundle = /^\/v1\/bundles\/([a-z-]+)$/.exec(url.pathname);
    if (bundle) {
      const bytes = bundles.get(bundle[1] as string);
      if (!bytes) {
        json(res, 404, { code: 'ERR_BUNDLE_KIND', message: 'no such kind' });
        return true;
      }
      const etag = `"${await bundleDigest(bytes)}"`;
      if (req.headers['if-none-match'] === etag) res.writeHead(304, { ETag: etag }).end();
      else res.writeHead(200, { ETag: etag, 'Content-Type': 'application/json' }).end(Buffer.from(bytes));
      return true;
    }
    if (url.pathname === '/v1/devices/me') {
      if (req.headers.authorization !== `Bearer ${DEVICE_CREDENTIAL}`)
        json(res, 401, { code: 'ERR_DEVICE_UNAUTHORIZED', message: 'unknown or revoked device credential' });
      else json(res, 200, { deviceId: DEVICE_CREDENTIAL.split('.')[0], venue: VENUE });
      return true;
    }
    if (url.pathname === '/v1/checkins' && req.method === 'POST') {
      const { entries } = JSON.parse(await bodyOf(req)) as { entries: Upload[] };
      uploads.push(...entries);
      json(res, 200, { accepted: entries.map((e) => e.eventId), duplicates: [] });
      return true;
    }
    return false;
  }

  return {
    handle,
    uploads,
    hc1,
    incomplete,
    presentation: (now = new Date()) =>
      createPresentation({ certificate: hc1, binding, deviceKey: device.privateKey, now, token }),
  };
}
