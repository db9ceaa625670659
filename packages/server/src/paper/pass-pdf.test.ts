import { encodeHc1 } from '@greenlight/codec';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { makeDsc, SAMPLE_HCERT } from '../../../codec/test/dcc-fixtures.ts';
import { paperPassPdf, passLines } from './pass-pdf.ts';

describe('paper pass PDF', () => {
  it('is one A5 page titled with the holder, with the QR and a Korean font embedded', async () => {
    const dsc = await makeDsc();
    const hc1 = await encodeHc1(
      { ...SAMPLE_HCERT, nam: { fn: '김', gn: '민지', fnt: 'KIM', gnt: 'MINJI' } },
      {
        signer: dsc.signer,
        issuer: 'KR',
        issuedAt: new Date('2022-01-01T00:00:00Z'),
        expiresAt: new Date('2023-01-01T00:00:00Z'),
      },
    );
    const bytes = await paperPassPdf(hc1, { issuedAt: new Date('2022-01-02T00:00:00Z') });
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe('Greenlight pass — 김민지');
    const [page] = doc.getPages();
    expect(Math.round(page?.getWidth() ?? 0)).toBe(420);
    // Both weights of the font are embedded whole and compressed.
    expect(bytes.length).toBeLessThan(4_000_000);
  });

  it('says in both languages what a certificate certifies', () => {
    const v = SAMPLE_HCERT.v[0] as Record<string, unknown>;
    expect(passLines(SAMPLE_HCERT)).toEqual([
      { ko: '예방접종 3/2차 (2021-12-01)', en: 'Vaccination, dose 3 of 2 (2021-12-01)' },
      { ko: '추가접종: 유효기간 없음', en: 'Booster: no expiry' },
    ]);
    expect(passLines({ ...SAMPLE_HCERT, v: [{ ...v, dn: 2, sd: 2, dt: '2021-11-01' }] })[1]).toEqual({
      ko: '2021-11-15부터 2022-05-13까지 유효',
      en: 'Valid from 2021-11-15 to 2022-05-13',
    });
  });
});
