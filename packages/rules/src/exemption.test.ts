/** docs/vectors/exemption-v1.json: the Greenlight exemption certificate decodes, verifies and gets its kr verdicts. */
import { readFileSync } from 'node:fs';
import { base64ToBytes, DscTrustList, decodeHc1, verifyHc1 } from '@greenlight/codec';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, krPolicy } from './index.ts';

const vector = JSON.parse(
  readFileSync(new URL('../../../docs/vectors/exemption-v1.json', import.meta.url), 'utf8'),
) as { dscDerBase64: string; hcert: unknown; hc1: string; verdicts: { at: string; verdict: string }[] };

describe('Greenlight exemption certificate test vector', () => {
  it('decodes to the documented HCERT and verifies against its DSC', async () => {
    expect(decodeHc1(vector.hc1).claims.hcert).toEqual(vector.hcert);
    const trust = await DscTrustList.fromCertificates([
      { der: base64ToBytes(vector.dscDerBase64), country: 'KR' },
    ]);
    const report = await verifyHc1(vector.hc1, trust, { now: new Date('2022-02-01T00:00:00Z') });
    expect(report.verdict).toBe('valid');
    expect(report.certificateType).toBe('exemption');
  });

  it.each(vector.verdicts)('kr policy at $at: $verdict', ({ at, verdict }) => {
    const hcert = decodeHc1(vector.hc1).claims.hcert;
    // The vector's DSC is Korean (C=KR): the caller passes its country, as decide() does.
    expect(evaluatePolicy(krPolicy, { payload: hcert, at: new Date(at), issuerCountry: 'KR' }).verdict).toBe(
      verdict,
    );
  });
});
