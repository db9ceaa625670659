import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindDevice, makeDsc, SAMPLE_HCERT } from '../../test/dcc-fixtures.ts';
import { zlibInflate } from '../compression/zlib.ts';
import { encodeHc1 } from '../dcc/hc1.ts';
import { DscTrustList } from '../dcc/trust-list.ts';
import { base45Decode } from '../encoding/base45.ts';
import { base64ToBytes, bytesToHex } from '../encoding/bytes.ts';
import type { VerificationReport } from '../report.ts';
import {
  createPresentation,
  decodePresentation,
  generateDeviceKey,
  SLOT_SECONDS,
  slotAt,
  verifyPresentation,
} from './glp1.ts';

const inflated = (text: string): string => {
  try {
    return bytesToHex(zlibInflate(base45Decode(text.slice(5))));
  } catch {
    return 'undecodable';
  }
};

const failures = (r: VerificationReport) => r.steps.filter((s) => s.ok === false).map((s) => s.code);

async function setup() {
  const dsc = await makeDsc();
  const hc1 = await encodeHc1(SAMPLE_HCERT, {
    signer: dsc.signer,
    issuer: 'KR',
    issuedAt: new Date('2022-01-01T00:00:00Z'),
    expiresAt: new Date('2023-01-01T00:00:00Z'),
  });
  const { device, binding } = await bindDevice(dsc.signer, hc1, {
    from: new Date('2022-01-02T00:00:00Z'),
    until: new Date('2023-01-01T00:00:00Z'),
  });
  return { dsc, hc1, device, binding };
}

describe('presentation QR (GLP1)', () => {
  it('the committed test vector verifies exactly in its three slots', async () => {
    const vector = JSON.parse(
      readFileSync(new URL('../../../../docs/vectors/presentation-v1.json', import.meta.url), 'utf8'),
    );
    const trust = await DscTrustList.fromCertificates([{ der: base64ToBytes(vector.dscDerBase64) }]);
    const decoded = decodePresentation(vector.presentation);
    expect(bytesToHex(decoded.binding)).toBe(vector.bindingHex);
    expect(bytesToHex(decoded.token as Uint8Array)).toBe(vector.tokenHex);
    expect(decoded.slot).toBe(vector.slot);
    for (const at of vector.validAt) {
      expect((await verifyPresentation(vector.presentation, trust, { now: new Date(at) })).verdict).toBe(
        'valid',
      );
    }
    for (const at of vector.staleAt) {
      expect(failures(await verifyPresentation(vector.presentation, trust, { now: new Date(at) }))).toEqual([
        'ERR_PRESENTATION_STALE',
      ]);
    }
  });

  const now = new Date('2022-06-01T12:00:07Z');

  it('verifies offline in the current slot and the slots either side, with the token it carries', async () => {
    const { dsc, hc1, device, binding } = await setup();
    const token = crypto.getRandomValues(new Uint8Array(16));
    const text = await createPresentation({
      certificate: hc1,
      binding,
      deviceKey: device.privateKey,
      now,
      token,
    });
    expect(text).toMatch(/^GLP1:[0-9A-Z $%*+\-./:]+$/);
    for (const offset of [-1, 0, 1]) {
      const at = new Date(now.getTime() + offset * SLOT_SECONDS * 1000);
      const report = await verifyPresentation(text, dsc.trust, { now: at });
      expect(failures(report)).toEqual([]);
      expect(report.verdict).toBe('valid');
      expect(report.format).toBe('presentation');
      expect(report.holder?.name).toContain('Minji');
      expect(report.presentation?.slot).toBe(slotAt(now));
      expect(report.presentation?.token).toHaveLength(22);
    }
  });

  it('a screenshot stops working two slots later', async () => {
    const { dsc, hc1, device, binding } = await setup();
    const text = await createPresentation({ certificate: hc1, binding, deviceKey: device.privateKey, now });
    const later = new Date(now.getTime() + 2 * SLOT_SECONDS * 1000);
    const report = await verifyPresentation(text, dsc.trust, { now: later });
    expect(report.verdict).toBe('invalid');
    expect(failures(report)).toEqual(['ERR_PRESENTATION_STALE']);
  });

  it('another device cannot present the certificate, and a binding for another certificate is refused', async () => {
    const { dsc, hc1, binding } = await setup();
    const thief = await generateDeviceKey();
    const stolen = await createPresentation({ certificate: hc1, binding, deviceKey: thief.privateKey, now });
    expect(failures(await verifyPresentation(stolen, dsc.trust, { now }))).toEqual([
      'ERR_PRESENTATION_PROOF',
    ]);

    const other = await encodeHc1(
      { ...SAMPLE_HCERT, nam: { ...SAMPLE_HCERT.nam, gn: 'Other' } },
      {
        signer: dsc.signer,
        issuer: 'KR',
        issuedAt: new Date('2022-01-01T00:00:00Z'),
        expiresAt: new Date('2023-01-01T00:00:00Z'),
      },
    );
    const { device, binding: ownBinding } = await bindDevice(dsc.signer, hc1, {
      from: new Date('2022-01-02T00:00:00Z'),
      until: new Date('2023-01-01T00:00:00Z'),
    });
    const swapped = await createPresentation({
      certificate: other,
      binding: ownBinding,
      deviceKey: device.privateKey,
      now,
    });
    const report = await verifyPresentation(swapped, dsc.trust, { now });
    expect(failures(report)).toContain('ERR_PRESENTATION_BINDING_MISMATCH');
  });

  it('a binding not signed by a trusted DSC is refused', async () => {
    const { hc1, device, binding } = await setup();
    const stranger = await makeDsc();
    const text = await createPresentation({ certificate: hc1, binding, deviceKey: device.privateKey, now });
    const report = await verifyPresentation(text, stranger.trust, { now });
    expect(failures(report)).toEqual(
      expect.arrayContaining(['ERR_TRUST_UNKNOWN_KID', 'ERR_PRESENTATION_BINDING']),
    );
  });

  it('property: random and mutated texts give typed failures, never a crash', async () => {
    const { dsc, hc1, device, binding } = await setup();
    const text = await createPresentation({ certificate: hc1, binding, deviceKey: device.privateKey, now });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: text.length - 1 }), fc.constantFrom(...'0AZ:%'), async (i, c) => {
        const edited = text.slice(0, i) + c + text.slice(i + 1);
        const report = await verifyPresentation(edited, dsc.trust, { now });
        expect(report.steps.some((s) => s.code === 'ERR_INTERNAL')).toBe(false);
        // zlib's Adler-32 trailer is not checked by the inflater: an edit there leaves the content, and the
        // verdict, unchanged. Every edit of the content itself must invalidate.
        if (inflated(edited) !== inflated(text)) expect(report.verdict).toBe('invalid');
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string(), async (s) => {
        const report = await verifyPresentation(`GLP1:${s}`, dsc.trust, { now });
        expect(report.verdict).toBe('invalid');
        expect(report.steps.some((x) => x.code === 'ERR_INTERNAL')).toBe(false);
      }),
      { numRuns: 150 },
    );
    expect(() => decodePresentation('HC1:XYZ')).toThrow(
      expect.objectContaining({ code: 'ERR_PRESENTATION_PREFIX' }),
    );
  });
});
