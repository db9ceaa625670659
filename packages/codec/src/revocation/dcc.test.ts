import { describe, expect, it } from 'vitest';
import { makeDsc, SAMPLE_HCERT } from '../../test/dcc-fixtures.ts';
import { decodeHc1, encodeHc1, verifyHc1 } from '../dcc/hc1.ts';
import { bytesToBase64 } from '../encoding/bytes.ts';
import type { VerificationReport } from '../report.ts';
import {
  buildRevocationPartition,
  type RevocationHashType,
  RevocationList,
  revocationHashes,
} from './dcc.ts';

/** Deterministic 16-byte values: SHA-256 of a counter. */
async function pseudoHashes(n: number, salt: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${salt}${i}`));
    out.push(new Uint8Array(digest).slice(0, 16));
  }
  return out;
}

const revocationStep = (r: VerificationReport) => r.steps.find((s) => s.name === 'REVOCATION');

describe('DCC revocation', () => {
  it('hashes the UCI, the country and UCI, and only r of an ECDSA signature', async () => {
    const dsc = await makeDsc();
    const text = await encodeHc1(SAMPLE_HCERT, {
      signer: dsc.signer,
      issuer: 'kr',
      issuedAt: new Date('2022-01-01T00:00:00Z'),
      expiresAt: new Date('2023-01-01T00:00:00Z'),
    });
    const { cose, claims } = decodeHc1(text);
    const hashes = await revocationHashes(claims.hcert, cose, claims.issuer);
    const sha = async (s: string | Uint8Array) =>
      new Uint8Array(
        await crypto.subtle.digest(
          'SHA-256',
          typeof s === 'string' ? new TextEncoder().encode(s) : new Uint8Array(s),
        ),
      ).slice(0, 16);
    expect(hashes.UCI).toEqual(await sha('URN:UVCI:01:KR:GREENLIGHT0001#X'));
    expect(hashes.COUNTRYCODEUCI).toEqual(await sha('KRURN:UVCI:01:KR:GREENLIGHT0001#X'));
    expect(hashes.SIGNATURE).toEqual(await sha(cose.signature.subarray(0, 32)));
  });

  it.each(['UCI', 'COUNTRYCODEUCI', 'SIGNATURE'] as RevocationHashType[])(
    'a certificate listed by its %s hash fails verification, in a set and in a Bloom filter',
    async (hashType) => {
      const dsc = await makeDsc();
      const text = await encodeHc1(SAMPLE_HCERT, {
        signer: dsc.signer,
        issuer: 'KR',
        issuedAt: new Date('2022-01-01T00:00:00Z'),
        expiresAt: new Date('2023-01-01T00:00:00Z'),
      });
      const { cose, claims } = decodeHc1(text);
      const hash = (await revocationHashes(claims.hcert, cose, claims.issuer))[hashType] as Uint8Array;
      const kid = bytesToBase64(dsc.kid);
      const others = await pseudoHashes(100, hashType);
      const now = new Date('2022-06-01T00:00:00Z');
      for (const encoding of ['set', 'bloom'] as const) {
        const revocation = RevocationList.fromContent({
          partitions: [buildRevocationPartition(kid, hashType, [...others, hash], { encoding })],
        });
        const report = await verifyHc1(text, dsc.trust, { now, revocation });
        expect(report.verdict).toBe('invalid');
        expect(revocationStep(report)?.code).toBe('ERR_REVOCATION_REVOKED');
        const clean = RevocationList.fromContent({
          partitions: [buildRevocationPartition(kid, hashType, others, { encoding })],
        });
        const ok = await verifyHc1(text, dsc.trust, { now, revocation: clean });
        expect(revocationStep(ok)?.ok).toBe(true);
        expect(ok.verdict).toBe('valid');
      }
      // Another kid's partition never revokes this certificate.
      const elsewhere = RevocationList.fromContent({
        partitions: [buildRevocationPartition('AAAAAAAAAAA=', hashType, [hash])],
      });
      expect((await verifyHc1(text, dsc.trust, { now, revocation: elsewhere })).verdict).toBe('valid');
    },
  );

  it('a set finds exactly its members; a Bloom filter keeps near its stated false-positive rate', async () => {
    const members = await pseudoHashes(5000, 'member');
    const strangers = await pseudoHashes(50_000, 'stranger');
    const set = RevocationList.fromContent({ partitions: [buildRevocationPartition('k', 'UCI', members)] });
    expect(members.every((h) => set.check('k', { UCI: h }).revoked)).toBe(true);
    expect(strangers.some((h) => set.check('k', { UCI: h }).revoked)).toBe(false);

    const bloom = RevocationList.fromContent({
      partitions: [
        buildRevocationPartition('k', 'UCI', members, { encoding: 'bloom', falsePositiveRate: 1e-3 }),
      ],
    });
    expect(members.every((h) => bloom.check('k', { UCI: h }).revoked)).toBe(true);
    const falsePositives = strangers.filter((h) => bloom.check('k', { UCI: h }).revoked).length;
    // 50,000 strangers at 1e-3 expect 50; three times that would mean a sizing bug.
    expect(falsePositives).toBeLessThan(150);
    expect(bloom.check('k', { UCI: members[0] as Uint8Array })).toEqual({
      revoked: true,
      hashType: 'UCI',
      probabilistic: true,
    });
  });

  it('malformed revocation content is a typed error', () => {
    expect(() => RevocationList.fromContent({})).toThrow(
      expect.objectContaining({ code: 'ERR_REVOCATION_FORMAT' }),
    );
    expect(() =>
      RevocationList.fromContent({
        partitions: [{ kid: 'k', hashType: 'NAME', encoding: 'set', hashes: '' }],
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_REVOCATION_FORMAT' }));
    expect(() =>
      RevocationList.fromContent({
        partitions: [{ kid: 'k', hashType: 'UCI', encoding: 'set', hashes: 'AAAA' }],
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_REVOCATION_FORMAT' }));
  });
});
