/**
 * A stand-in for the authority, for browser tests and the scanner benchmark that need signed bundles and
 * certificates but not the whole server: a DSC, the three signed bundles, a venue device, and a check-in endpoint
 * that records what it receives. The real server is exercised by test/e2e/door.test.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  buildRevocationPartition,
  bundleDigest,
  bundleSigningKey,
  bytesToBase64,
  createPresentation,
  decodeHc1,
  encodeHc1,
  generateShcSigningKey,
  type Hc1Signer,
  hcertUci,
  jwksDocument,
  shcQrText,
  signBundle,
  signShc,
} from '@greenlight/codec';
import { krPolicy } from '@greenlight/rules';
import { bindDevice, makeDsc, SAMPLE_HCERT } from '../../../packages/codec/test/dcc-fixtures.ts';
import { bodyOf, json } from './browser.ts';

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
  /**
   * A foreign SMART Health Card (`shc:/` QR text) from an issuer in the trust list: a primary series of two doses,
   * the second a month ago, so the policy reads it as a valid series, as it would the same person's DCC.
   */
  shc: string;
  /** Publishes the next revocation bundle, listing this HC1's UCI. */
  revoke(hc1: string): Promise<void>;
  /** While true the revocation bundle is not published (404), as when its publication failed. */
  withholdRevocation: boolean;
}

export const SHC_ISSUER = 'https://shc.example.org/issuer';

/** An HC1 issued by KR yesterday, valid for a year. */
export function signKrHc1(signer: Hc1Signer, hcert: Record<string, unknown>): Promise<string> {
  return encodeHc1(hcert, {
    signer,
    issuer: 'KR',
    issuedAt: new Date(Date.now() - 86400_000),
    expiresAt: new Date(Date.now() + 365 * 86400_000),
  });
}

/** `dsc`: sign with this DSC (a test that signs certificates of its own passes its DSC here). */
export async function fakeAuthority(
  options: { dsc?: Awaited<ReturnType<typeof makeDsc>> } = {},
): Promise<FakeAuthority> {
  const dsc = options.dsc ?? (await makeDsc());
  const shcKey = await generateShcSigningKey();
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const publication = await bundleSigningKey(pair.privateKey, pair.publicKey);
  const keysJson = JSON.stringify({ keys: [publication.publicJwk] });
  const trust = {
    certificates: [{ kid: bytesToBase64(dsc.kid), country: 'KR', rawData: bytesToBase64(dsc.der) }],
    shcDirectory: {
      issuerInfo: [
        {
          issuer: { iss: SHC_ISSUER, name: 'Example State Health Department' },
          keys: jwksDocument([shcKey.publicJwk]).keys,
        },
      ],
    },
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
  const shc = shcQrText(
    await signShc(
      {
        iss: SHC_ISSUER,
        nbf: new Date(Date.now() - 86400_000),
        fhirBundle: {
          resourceType: 'Bundle',
          type: 'collection',
          entry: [
            {
              fullUrl: 'resource:0',
              resource: {
                resourceType: 'Patient',
                name: [{ family: 'Doe', given: ['Jordan'] }],
                birthDate: '1985-07-14',
              },
            },
            ...[60, 30].map((daysAgo, i) => ({
              fullUrl: `resource:${i + 1}`,
              resource: {
                resourceType: 'Immunization',
                status: 'completed',
                vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '208' }] },
                patient: { reference: 'resource:0' },
                occurrenceDateTime: new Date(Date.now() - daysAgo * 86400_000).toISOString().slice(0, 10),
              },
            })),
          ],
        },
      },
      shcKey,
    ),
  );
  const revokedUcis: string[] = [];
  let revocationVersion = 1;

  async function revoke(text: string): Promise<void> {
    const uci = hcertUci(decodeHc1(text).claims.hcert) as string;
    revokedUcis.push(uci);
    const hashes = await Promise.all(
      revokedUcis.map(async (u) =>
        new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(u))).subarray(0, 16),
      ),
    );
    revocationVersion += 1;
    const content = { partitions: [buildRevocationPartition(bytesToBase64(dsc.kid), 'UCI', hashes)] };
    bundles.set(
      'revocation',
      await signBundle({ kind: 'revocation', version: revocationVersion, content }, publication),
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === '/.well-known/greenlight/publication-keys.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(keysJson);
      return true;
    }
    const bundle = /^\/v1\/bundles\/([a-z-]+)$/.exec(url.pathname);
    if (bundle) {
      const withheld = bundle[1] === 'revocation' && authority.withholdRevocation;
      const bytes = withheld ? undefined : bundles.get(bundle[1] as string);
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

  const authority: FakeAuthority = {
    handle,
    uploads,
    hc1,
    incomplete,
    presentation: (now = new Date()) =>
      createPresentation({ certificate: hc1, binding, deviceKey: device.privateKey, now, token }),
    shc,
    revoke,
    withholdRevocation: false,
  };
  return authority;
}
